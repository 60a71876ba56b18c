// Name keys for regeneration matching: forms of a display name or username that survive the
// tricks regenerated entities use to dodge a name ban.
//
//   NameKey: Arabic script transliterated to Latin (ICU "Arabic-Latin"), the Unicode confusable
//     skeleton (ICU uspoof_getSkeleton: Cyrillic "о" -> "o", fullwidth, math letters ...), any
//     other script to Latin and then ASCII ("Any-Latin; Latin-ASCII"), lowercased, and only the
//     letters a-z kept: digits, separators, punctuation, emoji and invisible marks go.
//       "Nоva_Digest 3 🌙" -> "novadigest"      "نوفا ديجست" -> "nwfadyjst"
//   LooseKey: the NameKey with the letters that transliteration makes unstable dropped or
//     merged (vowels, w, y, h; c/k/q, p/b, v/f, g/j, z/s), so a name written in Arabic script and
//     its Latin original meet: "novadigest" -> "nfdjst", "nwfadyjst" -> "nfdjst".
//
// Similarities are over character n-grams (Dice) and a normalised edit distance.
//
// Thread safety: a NameNormalizer holds ICU transliterators, which are not thread-safe; use one
// per thread. The free functions are pure.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cordon/util/status.h"

namespace cordon::enforce {

class NameNormalizer {
 public:
  // Fails only when ICU lacks the transliterators or the spoof checker.
  static StatusOr<std::unique_ptr<NameNormalizer>> Create();
  ~NameNormalizer();
  NameNormalizer(const NameNormalizer&) = delete;
  NameNormalizer& operator=(const NameNormalizer&) = delete;

  // The strict key described above; empty when the name has no letters. Invalid UTF-8 is
  // replaced, never an error.
  std::string Key(std::string_view utf8) const;
  // The same key, always through every step of the ICU pipeline: Key skips steps that would
  // change nothing, and takes ASCII strings outside ICU (for tests).
  std::string KeyIcu(std::string_view utf8) const;

 private:
  NameNormalizer() = default;
  std::string Pipeline(std::string_view utf8, bool shortcuts) const;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The loose key of a strict key (see above).
std::string LooseKey(std::string_view key);

// Sorted, deduplicated n-grams of `s` padded with one boundary mark on each side, packed in
// 32 bits (5 bits a letter, so keys must be a-z as NameKey gives). Empty for an empty s.
std::vector<uint32_t> NGrams(std::string_view s, int n);

// Dice coefficient of two sorted gram sets: 2|A∩B| / (|A|+|B|); 0 when both are empty.
double Dice(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b);

// Levenshtein distance of two byte strings (bit-parallel when the shorter has at most 64 bytes).
size_t Levenshtein(std::string_view a, std::string_view b);

// The Levenshtein distance from one name key (letters a-z, at most 64) to many others: the
// pattern's bit masks are built once. Distance(t) == Levenshtein(pattern, t) for any t.
class EditPattern {
 public:
  static constexpr size_t kMaxLength = 64;
  // usable() is false when the pattern is longer than kMaxLength or holds a byte outside a-z.
  explicit EditPattern(std::string_view pattern);
  bool usable() const { return usable_; }
  size_t Distance(std::string_view text) const;

 private:
  std::array<uint64_t, 27> peq_{};  // a-z, then any other byte (matches nothing)
  size_t length_ = 0;
  bool usable_ = true;
};

// 1 - Levenshtein(a, b) / max(|a|, |b|); 0 when either is empty.
double EditSimilarity(std::string_view a, std::string_view b);

}  // namespace cordon::enforce
