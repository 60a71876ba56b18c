#include "cordon/enforce/names.h"

#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uspoof.h>

#include <algorithm>

namespace cordon::enforce {

struct NameNormalizer::Impl {
  USpoofChecker* spoof = nullptr;
  std::unique_ptr<icu::Transliterator> arabic;
  std::unique_ptr<icu::Transliterator> latin;
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
  return n;
}

NameNormalizer::~NameNormalizer() = default;

std::string NameNormalizer::Key(std::string_view utf8) const {
  const icu::UnicodeString raw = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  // Letters and combining marks only: digits, separators, punctuation, symbols (emoji) and
  // format characters (zero-width) go first, before the skeleton maps some of them to letters
  // ('|' to 'l').
  icu::UnicodeString s;
  for (int32_t i = 0; i < raw.length();) {
    const UChar32 c = raw.char32At(i);
    i += U16_LENGTH(c);
    const int8_t type = u_charType(c);
    if (u_isalpha(c) || type == U_NON_SPACING_MARK || type == U_COMBINING_SPACING_MARK ||
        type == U_ENCLOSING_MARK) {
      s.append(c);
    }
  }
  // Arabic next: the skeleton would otherwise map alef to 'l' and similar.
  impl_->arabic->transliterate(s);
  icu::UnicodeString skeleton;
  UErrorCode st = U_ZERO_ERROR;
  uspoof_getSkeletonUnicodeString(impl_->spoof, 0, s, skeleton, &st);
  if (U_FAILURE(st)) skeleton = s;
  impl_->latin->transliterate(skeleton);
  std::string out;
  skeleton.toUTF8String(out);
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
  // Letter codes 1..26, boundary 27; n <= 6 fits in 32 bits.
  std::vector<uint32_t> codes;
  codes.reserve(s.size() + 2);
  codes.push_back(27);
  for (char c : s) codes.push_back(c >= 'a' && c <= 'z' ? static_cast<uint32_t>(c - 'a' + 1) : 28);
  codes.push_back(27);
  if (static_cast<int>(codes.size()) < n) {
    uint32_t g = 0;
    for (uint32_t c : codes) g = (g << 5) | c;
    out.push_back(g);
    return out;
  }
  for (size_t i = 0; i + static_cast<size_t>(n) <= codes.size(); ++i) {
    uint32_t g = 0;
    for (int k = 0; k < n; ++k) g = (g << 5) | codes[i + static_cast<size_t>(k)];
    out.push_back(g);
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

double EditSimilarity(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return 0;
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
  const double d = static_cast<double>(prev[b.size()]);
  return 1.0 - d / static_cast<double>(std::max(a.size(), b.size()));
}

}  // namespace cordon::enforce
