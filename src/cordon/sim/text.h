// Made-up words, names and message text for the simulator, and the name variants that
// regenerated channels use (numbering, homoglyphs, separators, emoji, Arabic-script
// transliteration, an unrelated name).
//
// Everything is synthetic: words are built from syllables, the Arabic-script forms are letter
// by letter renderings of those made-up words, and the few English words are neutral nouns
// (Digest, Garden, Chess ...). Nothing names or imitates a real group.
//
// Thread safety: a Lexicon is immutable after construction; the functions are pure given the Rng.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "cordon/sim/rng.h"

namespace cordon::sim {

enum class NamingMethod {
  kNumbering,
  kHomoglyph,
  kSeparator,
  kEmoji,
  kTransliteration,
  kUnrelated,
};
inline constexpr int kNamingMethods = 6;
std::string_view NamingMethodName(NamingMethod m);

// A capitalised made-up word of `min_syl`..`max_syl` syllables.
std::string MadeUpWord(Rng& rng, int min_syl = 2, int max_syl = 3);

// Renders Latin letters in Arabic script, letter by letter (made-up words only).
std::string LatinToArabic(std::string_view latin);

// Replaces one or two Latin letters by look-alike Cyrillic letters (UTF-8).
std::string Homoglyph(Rng& rng, std::string_view name);

// A Telegram-shaped username (5..32 of [a-z0-9_], starting with a letter) from a display name.
std::string UsernameFrom(std::string_view latin_name);

// Keeps usernames unique platform-wide, as Telegram does.
class UsernameRegistry {
 public:
  // Returns `wanted` or, when taken, `wanted` with a number appended; records it.
  std::string Claim(std::string wanted);

 private:
  std::unordered_set<std::string> used_;  // looked up only, never iterated
};

// A 16-character invite hash in Telegram's alphabet (case-sensitive).
std::string InviteCode(Rng& rng);

// The name and username of a replacement, made from its parent's with `method`.
struct NameVariant {
  std::string name;
  std::string latin;     // the Latin form the name was made from
  std::string username;  // empty for private chats
};
NameVariant VariantName(Rng& rng, NamingMethod method, std::string_view parent_name,
                        std::string_view parent_latin, std::string_view parent_username,
                        int generation, std::string_view unrelated_latin);

// A pool of made-up words with Zipf-like frequencies, for message text.
class Lexicon {
 public:
  Lexicon(uint64_t seed, int size);
  // `n` words from the lexicon, topic-shifted so different topics favour different words.
  std::string Sentence(Rng& rng, int n, int topic) const;
  const std::string& Word(size_t i) const { return words_[i % words_.size()]; }
  size_t size() const { return words_.size(); }

 private:
  size_t Draw(Rng& rng) const;  // a word index, by Walker's alias method (O(1))

  std::vector<std::string> words_;
  std::vector<double> accept_;
  std::vector<uint32_t> alias_;
};

// Neutral descriptor and topic words used in channel names.
const std::vector<std::string_view>& NetworkDescriptors();
const std::vector<std::string_view>& NewsWords();
const std::vector<std::string_view>& HobbyWords();
const std::vector<std::string_view>& BookWords();
const std::vector<std::string_view>& NeutralEmoji();

}  // namespace cordon::sim
