// Text signals: normalisation and a near-duplicate fingerprint for statements in Arabic and
// Latin scripts.
//
// NormalizeText: NFKC with case folding (ICU), then Arabic diacritics (harakat U+064B-U+065F,
// superscript alef U+0670, Qur'anic marks U+06D6-U+06ED) and tatweel (U+0640) removed, alef
// variants (U+0622, U+0623, U+0625, U+0671) written as bare alef, alef maksura as yeh and teh
// marbuta as heh, every decimal digit (Arabic-Indic, extended, ...) as its ASCII digit, and each
// run of anything that is not a letter, mark or number (spaces, punctuation, symbols, emoji)
// as one space, trimmed.
//
// The fingerprint is MinHash over character 5-grams of the normalised text (128 values), found
// through LSH bands (42 bands of 3 rows) and confirmed by the estimated Jaccard similarity.
// docs/matching.md has the measurement that chose it over SimHash; tests/content/text_test.cc
// holds it to a stated precision and recall.
//
// Thread safety: the functions are pure; TextIndex is immutable once built, so Find may run
// from many threads.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace cordon {

std::string NormalizeText(std::string_view utf8);

// sha256 hex of the normalised text: the exact-match key of a text signal.
std::string TextDigest(std::string_view normalized);

inline constexpr int kMinHashSize = 128;
inline constexpr int kLshBands = 42;
inline constexpr int kLshRows = 3;
static_assert(kLshBands * kLshRows <= kMinHashSize);
// Estimated Jaccard similarity at or above which two texts are near-duplicates.
inline constexpr double kTextMatchSimilarity = 0.4;
// Texts with fewer 5-grams than this get no fingerprint (exact matches only): short texts
// ("ok", "thanks") are near-duplicates of too much.
inline constexpr int kMinShingles = 16;
// Character n-gram length (code points) of the shingles.
inline constexpr int kShingleChars = 5;

struct TextFingerprint {
  std::array<uint32_t, kMinHashSize> mins{};
  bool empty = true;  // too short to fingerprint
};

// Hashes of the distinct character n-grams (n code points, n >= 1) of the normalised text.
std::vector<uint32_t> CharShingles(std::string_view normalized, int n);
// Hashes of the distinct word n-grams.
std::vector<uint32_t> WordShingles(std::string_view normalized, int n);

// MinHash of a set of shingle hashes; `empty` when fewer than min_shingles.
TextFingerprint MinHash(const std::vector<uint32_t>& shingles, int min_shingles = kMinShingles);
// The fingerprint cordon stores: MinHash of the normalised text's character 5-grams.
TextFingerprint FingerprintText(std::string_view normalized);
// Fraction of equal MinHash values, 0..1: an estimate of the Jaccard similarity.
double Similarity(const TextFingerprint& a, const TextFingerprint& b);

// Storage form: 512 bytes, the values little-endian. Empty fingerprints serialise to "".
std::string SerializeFingerprint(const TextFingerprint& f);
// False when the bytes are not a serialised fingerprint.
bool ParseFingerprint(std::string_view bytes, TextFingerprint& out);

// SimHash of a set of shingle hashes (64 bits), measured against MinHash in text_test.cc.
uint64_t SimHash(const std::vector<uint32_t>& shingles);

struct TextHit {
  uint32_t id = 0;
  double similarity = 0;
};

// LSH over fingerprints: a band of kLshRows equal values makes a candidate; candidates at or
// above the similarity threshold are hits.
class TextIndex {
 public:
  void Add(const TextFingerprint& f, uint32_t id);
  // Hits ordered by id, each once.
  void Find(const TextFingerprint& f, double min_similarity, std::vector<TextHit>& out) const;
  size_t size() const { return prints_.size(); }

 private:
  std::vector<TextFingerprint> prints_;
  std::vector<uint32_t> ids_;
  std::unordered_multimap<uint64_t, uint32_t> bands_;  // band key -> position in prints_
};

}  // namespace cordon
