#include "cordon/enforce/names.h"

#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uspoof.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>

namespace cordon::enforce {

namespace {
bool AsciiLetter(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// The first step of the key: letters and combining marks stay; digits, separators,
// punctuation, symbols (emoji) and format characters (zero-width) go.
bool KeptInKey(UChar32 c) {
  const int8_t type = u_charType(c);
  return u_isalpha(c) || type == U_NON_SPACING_MARK || type == U_COMBINING_SPACING_MARK ||
         type == U_ENCLOSING_MARK;
}
}  // namespace

struct NameNormalizer::Impl {
  USpoofChecker* spoof = nullptr;
  std::unique_ptr<icu::Transliterator> arabic;
  std::unique_ptr<icu::Transliterator> latin;
  // The ASCII shortcut: skeleton[c] is the confusable skeleton of the ASCII letter c when it is
  // ASCII itself (ascii[c]); see Key.
  std::array<std::string, 128> skeleton;
  std::array<bool, 128> ascii{};
  ~Impl() {
    if (spoof != nullptr) uspoof_close(spoof);
  }
};

StatusOr<std::unique_ptr<NameNormalizer>> NameNormalizer::Create() {
  std::unique_ptr<NameNormalizer> n(new NameNormalizer());
  n->impl_ = std::make_unique<Impl>();
  UErrorCode st = U_ZERO_ERROR;
  n->impl_->spoof = uspoof_open(&st);
  if (U_FAILURE(st)) return Status::Internal(std::string("ICU spoof checker: ") + u_errorName(st));
  n->impl_->arabic.reset(icu::Transliterator::createInstance("Arabic-Latin", UTRANS_FORWARD, st));
  if (U_FAILURE(st)) return Status::Internal(std::string("ICU Arabic-Latin: ") + u_errorName(st));
  n->impl_->latin.reset(
      icu::Transliterator::createInstance("Any-Latin; Latin-ASCII; Lower", UTRANS_FORWARD, st));
  if (U_FAILURE(st)) return Status::Internal(std::string("ICU Any-Latin: ") + u_errorName(st));
  for (int c = 0; c < 128; ++c) {
    if (!AsciiLetter(c)) continue;
    const icu::UnicodeString one(static_cast<UChar32>(c));
    icu::UnicodeString skeleton;
    st = U_ZERO_ERROR;
    uspoof_getSkeletonUnicodeString(n->impl_->spoof, 0, one, skeleton, &st);
    if (U_FAILURE(st)) continue;
    std::string out;
    skeleton.toUTF8String(out);
    bool ascii = true;
    for (char b : out) ascii &= static_cast<unsigned char>(b) < 0x80;
    if (!ascii) continue;
    n->impl_->skeleton[static_cast<size_t>(c)] = out;
    n->impl_->ascii[static_cast<size_t>(c)] = true;
  }
  return n;
}

NameNormalizer::~NameNormalizer() = default;

// The ASCII shortcut. For a string of ASCII bytes the pipeline below reduces to: keep the
// letters (the only ASCII characters that are alphabetic or marks); Arabic-Latin changes
// nothing (it touches Arabic script only); the skeleton maps each character on its own (NFD is
// the identity on ASCII), so it is the concatenation of the letters' skeletons; when those are
// ASCII, Any-Latin and Latin-ASCII change nothing and Lower lowercases. The letters' skeletons
// come from ICU itself (Create); a letter whose skeleton is not ASCII sends the string down the
// full path. A character outside ASCII that the first step drops (an emoji, a zero-width mark;
// an invalid sequence, which ICU would replace by U+FFFD, a symbol) leaves the rest ASCII, so
// it is dropped here too; any other sends the string down the full path.
// tests/enforce/names_test.cc checks the two paths agree.
std::string NameNormalizer::Key(std::string_view utf8) const {
  std::string out;
  const auto* bytes = reinterpret_cast<const uint8_t*>(utf8.data());
  const auto length = static_cast<int32_t>(utf8.size());
  if (static_cast<size_t>(length) != utf8.size()) return Pipeline(utf8, /*shortcuts=*/true);
  for (int32_t i = 0; i < length;) {
    const uint8_t u = bytes[i];
    if (u >= 0x80) {
      UChar32 c = 0;
      U8_NEXT(bytes, i, length, c);  // never takes an ASCII byte into a bad sequence
      if (c >= 0 && KeptInKey(c)) return Pipeline(utf8, /*shortcuts=*/true);
      continue;
    }
    ++i;
    if (!AsciiLetter(u)) continue;
    if (!impl_->ascii[u]) return Pipeline(utf8, /*shortcuts=*/true);
    for (char k : impl_->skeleton[u]) {
      const char l = k >= 'A' && k <= 'Z' ? static_cast<char>(k - 'A' + 'a') : k;
      if (l >= 'a' && l <= 'z') out += l;
    }
  }
  return out;
}

std::string NameNormalizer::KeyIcu(std::string_view utf8) const {
  return Pipeline(utf8, /*shortcuts=*/false);
}

// With shortcuts, two steps are skipped where they would change nothing:
// - Arabic-Latin when every character left is below U+0600 (Latin, Greek, Cyrillic, Armenian,
//   Hebrew and their marks): it touches the Arabic blocks only;
// - Any-Latin and Latin-ASCII when the skeleton is ASCII (a name of Cyrillic or Greek
//   look-alikes): they leave ASCII as it is, and Lower becomes an ASCII lowercasing.
// names_test.cc checks that both ways give the same keys.
std::string NameNormalizer::Pipeline(std::string_view utf8, bool shortcuts) const {
  const icu::UnicodeString raw = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  // KeptInKey first, before the skeleton maps some of what it drops to letters ('|' to 'l').
  icu::UnicodeString s;
  bool below_arabic = true;
  for (int32_t i = 0; i < raw.length();) {
    const UChar32 c = raw.char32At(i);
    i += U16_LENGTH(c);
    if (KeptInKey(c)) {
      s.append(c);
      below_arabic &= c < 0x0600;
    }
  }
  // Arabic next: the skeleton would otherwise map alef to 'l' and similar.
  if (!shortcuts || !below_arabic) impl_->arabic->transliterate(s);
  icu::UnicodeString skeleton;
  UErrorCode st = U_ZERO_ERROR;
  uspoof_getSkeletonUnicodeString(impl_->spoof, 0, s, skeleton, &st);
  if (U_FAILURE(st)) skeleton = s;
  std::string out;
  bool ascii = true;
  for (int32_t i = 0; i < skeleton.length() && ascii; ++i) ascii = skeleton.charAt(i) < 0x80;
  if (shortcuts && ascii) {
    skeleton.toUTF8String(out);
    for (char& c : out) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
  } else {
    impl_->latin->transliterate(skeleton);
    skeleton.toUTF8String(out);
  }
  std::erase_if(out, [](char c) { return c < 'a' || c > 'z'; });
  return out;
}

std::string LooseKey(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  for (char c : key) {
    switch (c) {
      case 'a':
      case 'e':
      case 'i':
      case 'o':
      case 'u':
      case 'w':
      case 'y':
      case 'h':
        continue;
      case 'c':
      case 'q':
        c = 'k';
        break;
      case 'p':
        c = 'b';
        break;
      case 'v':
        c = 'f';
        break;
      case 'g':
        c = 'j';
        break;
      case 'z':
        c = 's';
        break;
      case 'x':
        out += 'k';
        c = 's';
        break;
      default:
        break;
    }
    if (!out.empty() && out.back() == c) continue;  // doubled letters are spelling noise
    out += c;
  }
  return out;
}

std::vector<uint32_t> NGrams(std::string_view s, int n) {
  std::vector<uint32_t> out;
  if (s.empty()) return out;
  // Letter codes 1..26, boundary 27 (28 for any other byte); n <= 6 fits in 32 bits. The codes
  // are the string with a boundary on each side; each gram is the last n of them, rolled.
  const size_t codes = s.size() + 2;
  auto code = [&](size_t i) -> uint32_t {
    if (i == 0 || i == codes - 1) return 27;
    const char c = s[i - 1];
    return c >= 'a' && c <= 'z' ? static_cast<uint32_t>(c - 'a' + 1) : 28;
  };
  const auto width = static_cast<size_t>(n);
  if (codes < width) {
    uint32_t g = 0;
    for (size_t i = 0; i < codes; ++i) g = (g << 5) | code(i);
    out.push_back(g);
    return out;
  }
  out.reserve(codes - width + 1);
  const uint32_t mask = width >= 7 ? ~0u : (1u << (5 * width)) - 1;
  uint32_t g = 0;
  for (size_t i = 0; i < codes; ++i) {
    g = ((g << 5) | code(i)) & mask;
    if (i + 1 >= width) out.push_back(g);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

double Dice(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  if (a.empty() && b.empty()) return 0;
  size_t i = 0, j = 0, common = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] < b[j]) {
      ++i;
    } else if (b[j] < a[i]) {
      ++j;
    } else {
      ++common;
      ++i;
      ++j;
    }
  }
  return 2.0 * static_cast<double>(common) / static_cast<double>(a.size() + b.size());
}

namespace {

// Levenshtein distance by Myers' bit-parallel algorithm (Hyyrö's form for the global distance):
// one column of the dynamic programme per character of `b`, as vertical deltas in the bits of a
// word, for |a| <= 64. Exact: the same distance as the table below.
size_t LevenshteinBits(std::string_view a, std::string_view b) {
  std::array<uint64_t, 256> peq;
  for (char c : a) peq[static_cast<unsigned char>(c)] = 0;
  for (char c : b) peq[static_cast<unsigned char>(c)] = 0;
  for (size_t i = 0; i < a.size(); ++i) peq[static_cast<unsigned char>(a[i])] |= uint64_t{1} << i;
  const uint64_t last = uint64_t{1} << (a.size() - 1);
  uint64_t pv = ~uint64_t{0}, mv = 0;
  size_t d = a.size();
  for (char c : b) {
    const uint64_t eq = peq[static_cast<unsigned char>(c)];
    const uint64_t xv = eq | mv;
    const uint64_t xh = (((eq & pv) + pv) ^ pv) | eq;
    uint64_t ph = mv | ~(xh | pv);
    uint64_t mh = pv & xh;
    if (ph & last) {
      ++d;
    } else if (mh & last) {
      --d;
    }
    ph = (ph << 1) | 1;  // the top row of the table grows by one per column
    mh <<= 1;
    pv = mh | ~(xv | ph);
    mv = ph & xv;
  }
  return d;
}

size_t LevenshteinTable(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

size_t Levenshtein(std::string_view a, std::string_view b) {
  if (a.size() < b.size()) std::swap(a, b);  // the distance is symmetric; b is the shorter
  if (b.empty()) return a.size();
  return b.size() <= 64 ? LevenshteinBits(b, a) : LevenshteinTable(a, b);
}

EditPattern::EditPattern(std::string_view pattern) : length_(pattern.size()) {
  if (pattern.size() > kMaxLength) {
    usable_ = false;
    return;
  }
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c < 'a' || c > 'z') {
      usable_ = false;
      return;
    }
    peq_[static_cast<size_t>(c - 'a')] |= uint64_t{1} << i;
  }
}

size_t EditPattern::Distance(std::string_view text) const {
  if (length_ == 0) return text.size();
  // As LevenshteinBits, with the masks built once.
  const unsigned top = static_cast<unsigned>(length_ - 1);
  uint64_t pv = ~uint64_t{0}, mv = 0;
  size_t d = length_;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c - 'a');
    const uint64_t eq = peq_[u < 26 ? u : 26];
    const uint64_t xv = eq | mv;
    const uint64_t xh = (((eq & pv) + pv) ^ pv) | eq;
    uint64_t ph = mv | ~(xh | pv);
    uint64_t mh = pv & xh;
    // ph and mh are disjoint (pv and mv are), so this is "+1 if ph's top bit, else -1 if
    // mh's", without a branch that the data decide.
    d += static_cast<size_t>((ph >> top) & 1);
    d -= static_cast<size_t>((mh >> top) & 1);
    ph = (ph << 1) | 1;
    mh <<= 1;
    pv = mh | ~(xv | ph);
    mv = ph & xv;
  }
  return d;
}

double EditSimilarity(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return 0;
  const double d = static_cast<double>(Levenshtein(a, b));
  return 1.0 - d / static_cast<double>(std::max(a.size(), b.size()));
}

}  // namespace cordon::enforce
