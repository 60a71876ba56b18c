#include "cordon/content/text.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf16.h>

#include <algorithm>
#include <cstring>

#include "cordon/util/digest.h"

namespace cordon {

namespace {

bool IsArabicDiacritic(UChar32 c) {
  return (c >= 0x064B && c <= 0x065F) || c == 0x0670 || (c >= 0x06D6 && c <= 0x06ED);
}

// Letters written several ways in informal Arabic text, unified to one form.
UChar32 UnifyArabicLetter(UChar32 c) {
  switch (c) {
    case 0x0622:  // alef with madda above
    case 0x0623:  // alef with hamza above
    case 0x0625:  // alef with hamza below
    case 0x0671:  // alef wasla
      return 0x0627;
    case 0x0649:  // alef maksura
      return 0x064A;
    case 0x0629:  // teh marbuta
      return 0x0647;
    default:
      return c;
  }
}

void AppendUtf8(std::string& out, UChar32 c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

// Stable across builds and machines: fingerprints are stored.
uint64_t Fnv1a(std::string_view s, uint64_t h = 0xcbf29ce484222325ULL) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

uint32_t Fold(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return static_cast<uint32_t>(h);
}

uint32_t Mix32(uint32_t h) {
  h ^= h >> 16;
  h *= 0x85ebca6bU;
  h ^= h >> 13;
  h *= 0xc2b2ae35U;
  h ^= h >> 16;
  return h;
}

uint64_t SplitMix(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// The MinHash permutations x -> Mix32(a*x + b), from a fixed seed (stored fingerprints depend
// on them never changing).
struct Permutations {
  std::array<uint32_t, kMinHashSize> a, b;
  Permutations() {
    uint64_t state = 0x636f72646f6e2d31ULL;  // "cordon-1"
    for (int i = 0; i < kMinHashSize; ++i) {
      a[i] = static_cast<uint32_t>(SplitMix(state)) | 1u;
      b[i] = static_cast<uint32_t>(SplitMix(state));
    }
  }
};
const Permutations& Perms() {
  static const Permutations p;
  return p;
}

void SortUnique(std::vector<uint32_t>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

}  // namespace

std::string NormalizeText(std::string_view utf8) {
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(err);
  if (U_FAILURE(err) || nfkc_cf == nullptr) return std::string();
  // Invalid UTF-8 becomes U+FFFD, which is not a letter, so it separates words.
  icu::UnicodeString src = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  icu::UnicodeString norm = nfkc_cf->normalize(src, err);
  if (U_FAILURE(err)) return std::string();
  std::string out;
  out.reserve(utf8.size());
  bool pending_space = false;
  const int32_t len = norm.length();
  for (int32_t i = 0; i < len;) {
    UChar32 c = norm.char32At(i);
    i += U16_LENGTH(c);
    if (c == 0x0640 || IsArabicDiacritic(c)) continue;  // tatweel, harakat
    c = UnifyArabicLetter(c);
    const int8_t type = u_charType(c);
    if (type == U_DECIMAL_DIGIT_NUMBER) {
      const int32_t v = u_charDigitValue(c);
      if (v >= 0 && v <= 9) c = '0' + v;
    }
    const uint32_t mask = U_MASK(type);
    if (mask & (U_GC_L_MASK | U_GC_M_MASK | U_GC_N_MASK)) {
      if (pending_space && !out.empty()) out += ' ';
      pending_space = false;
      AppendUtf8(out, c);
    } else {
      pending_space = true;
    }
  }
  return out;
}

std::string TextDigest(std::string_view normalized) { return DigestBytes(normalized).sha256; }

std::vector<uint32_t> CharShingles(std::string_view s, int n) {
  std::vector<uint32_t> out;
  if (n < 1) return out;
  // Start offsets of each code point, plus the end.
  std::vector<size_t> starts;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) starts.push_back(i);
  }
  starts.push_back(s.size());
  const size_t chars = starts.size() - 1;
  if (chars == 0) return out;
  if (chars < static_cast<size_t>(n)) {
    out.push_back(Fold(Fnv1a(s)));
    return out;
  }
  out.reserve(chars - static_cast<size_t>(n) + 1);
  for (size_t i = 0; i + static_cast<size_t>(n) <= chars; ++i) {
    out.push_back(Fold(Fnv1a(s.substr(starts[i], starts[i + static_cast<size_t>(n)] - starts[i]))));
  }
  SortUnique(out);
  return out;
}

std::vector<uint32_t> WordShingles(std::string_view s, int n) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = s.find(' ', i);
    if (j == std::string_view::npos) j = s.size();
    if (j > i) words.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  std::vector<uint32_t> out;
  if (words.empty() || n < 1) return out;
  const size_t w = std::min(static_cast<size_t>(n), words.size());
  for (size_t k = 0; k + w <= words.size(); ++k) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t j = 0; j < w; ++j) h = Fnv1a(" ", Fnv1a(words[k + j], h));
    out.push_back(Fold(h));
  }
  SortUnique(out);
  return out;
}

TextFingerprint MinHash(const std::vector<uint32_t>& shingles, int min_shingles) {
  TextFingerprint f;
  if (shingles.empty() || static_cast<int>(shingles.size()) < min_shingles) return f;
  f.empty = false;
  f.mins.fill(UINT32_MAX);
  const Permutations& p = Perms();
  for (uint32_t x : shingles) {
    for (int i = 0; i < kMinHashSize; ++i) {
      f.mins[i] = std::min(f.mins[i], Mix32(p.a[i] * x + p.b[i]));
    }
  }
  return f;
}

TextFingerprint FingerprintText(std::string_view normalized) {
  return MinHash(CharShingles(normalized, kShingleChars));
}

double Similarity(const TextFingerprint& a, const TextFingerprint& b) {
  if (a.empty || b.empty) return 0;
  int same = 0;
  for (int i = 0; i < kMinHashSize; ++i) same += a.mins[i] == b.mins[i];
  return static_cast<double>(same) / kMinHashSize;
}

std::string SerializeFingerprint(const TextFingerprint& f) {
  if (f.empty) return std::string();
  std::string out(kMinHashSize * 4, '\0');
  for (int i = 0; i < kMinHashSize; ++i) {
    for (int k = 0; k < 4; ++k) out[i * 4 + k] = static_cast<char>((f.mins[i] >> (8 * k)) & 0xff);
  }
  return out;
}

bool ParseFingerprint(std::string_view bytes, TextFingerprint& out) {
  out = TextFingerprint();
  if (bytes.empty()) return true;
  if (bytes.size() != kMinHashSize * 4) return false;
  for (int i = 0; i < kMinHashSize; ++i) {
    uint32_t v = 0;
    for (int k = 0; k < 4; ++k)
      v |= uint32_t{static_cast<unsigned char>(bytes[i * 4 + k])} << (8 * k);
    out.mins[i] = v;
  }
  out.empty = false;
  return true;
}

uint64_t SimHash(const std::vector<uint32_t>& shingles) {
  std::array<int, 64> acc{};
  for (uint32_t x : shingles) {
    uint64_t state = x;
    uint64_t h = SplitMix(state);
    for (int b = 0; b < 64; ++b) acc[b] += (h >> b) & 1 ? 1 : -1;
  }
  uint64_t out = 0;
  for (int b = 0; b < 64; ++b) {
    if (acc[b] > 0) out |= uint64_t{1} << b;
  }
  return out;
}

namespace {

uint64_t BandKey(const TextFingerprint& f, int band) {
  uint64_t h = 0x9e3779b97f4a7c15ULL * static_cast<uint64_t>(band + 1);
  for (int r = 0; r < kLshRows; ++r) {
    uint64_t state = h ^ f.mins[band * kLshRows + r];
    h = SplitMix(state);
  }
  return h;
}

}  // namespace

void TextIndex::Add(const TextFingerprint& f, uint32_t id) {
  if (f.empty) return;
  const uint32_t pos = static_cast<uint32_t>(prints_.size());
  prints_.push_back(f);
  ids_.push_back(id);
  for (int b = 0; b < kLshBands; ++b) bands_.emplace(BandKey(f, b), pos);
}

void TextIndex::Find(const TextFingerprint& f, double min_similarity,
                     std::vector<TextHit>& out) const {
  if (f.empty) return;
  std::vector<uint32_t> cands;
  for (int b = 0; b < kLshBands; ++b) {
    auto [lo, hi] = bands_.equal_range(BandKey(f, b));
    for (auto it = lo; it != hi; ++it) cands.push_back(it->second);
  }
  SortUnique(cands);
  const size_t first = out.size();
  for (uint32_t pos : cands) {
    // A band collision can come from different values with the same key: verify by similarity.
    double s = Similarity(f, prints_[pos]);
    if (s >= min_similarity) out.push_back({ids_[pos], s});
  }
  std::sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(),
            [](const TextHit& a, const TextHit& b) { return a.id < b.id; });
}

}  // namespace cordon
