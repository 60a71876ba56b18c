#include "cordon/enforce/names.h"

#include <gtest/gtest.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace cordon::enforce {
namespace {

class NamesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto n = NameNormalizer::Create();
    ASSERT_TRUE(n.ok()) << n.status().ToString();
    norm_ = std::move(*n);
  }
  std::unique_ptr<NameNormalizer> norm_;
};

TEST_F(NamesTest, KeySurvivesTheUsualDisguises) {
  const std::string base = norm_->Key("Nova Digest");
  EXPECT_EQ(base, "novadigest");
  EXPECT_EQ(norm_->Key("N\xD0\xBEva Dig\xD0\xB5st"), base);  // Cyrillic o and e
  EXPECT_EQ(norm_->Key("Nova Digest 3"), base);              // numbering
  EXPECT_EQ(norm_->Key("Nova Digest (12)"), base);
  EXPECT_EQ(norm_->Key("nova_digest"), base);                                // separators
  EXPECT_EQ(norm_->Key("Nova | Digest"), base);                              // '|' is not an 'l'
  EXPECT_EQ(norm_->Key("\xF0\x9F\x8C\x99 Nova Digest \xE2\x9C\xA8"), base);  // emoji
  EXPECT_EQ(norm_->Key("Nova\xE2\x80\x8B Digest"), base);                    // zero-width space
  EXPECT_EQ(norm_->Key("\xEF\xBC\xAE\xEF\xBD\x8F\xEF\xBD\x96\xEF\xBD\x81 Digest"),
            base);  // fullwidth
  EXPECT_EQ(norm_->Key("12345 !!"), "");
  EXPECT_EQ(norm_->Key("\xff\xfe broken"), "broken");  // invalid UTF-8 is no error
}

TEST_F(NamesTest, ArabicTransliterationMeetsTheLatinOriginal) {
  // "nova digest" written letter by letter in Arabic script.
  const std::string arabic =
      norm_->Key("\xD9\x86\xD9\x88\xD9\x81\xD8\xA7 \xD8\xAF\xD9\x8A\xD8\xAC\xD8\xB3\xD8\xAA");
  EXPECT_FALSE(arabic.empty());
  EXPECT_NE(arabic, "novadigest");
  EXPECT_EQ(LooseKey(arabic), LooseKey("novadigest"));
  EXPECT_GT(Dice(NGrams(LooseKey(arabic), 3), NGrams(LooseKey("novadigest"), 3)), 0.99);
}

TEST_F(NamesTest, AsciiShortcutAgreesWithIcu) {
  // Every letter alone and in pairs, then random ASCII strings (letters, digits, punctuation,
  // spaces): the shortcut gives ICU's key.
  std::string all;
  for (int c = 1; c < 128; ++c) all += static_cast<char>(c);
  EXPECT_EQ(norm_->Key(all), norm_->KeyIcu(all));
  for (char a = 'A'; a <= 'z'; ++a) {
    for (char b = 'A'; b <= 'z'; ++b) {
      const std::string s{a, b};
      ASSERT_EQ(norm_->Key(s), norm_->KeyIcu(s)) << s;
    }
  }
  std::mt19937 rng(2025);
  for (int round = 0; round < 2000; ++round) {
    std::string s(rng() % 24, ' ');
    for (char& c : s) c = static_cast<char>(32 + rng() % 95);
    ASSERT_EQ(norm_->Key(s), norm_->KeyIcu(s)) << s;
  }
  EXPECT_EQ(norm_->Key("Nova_Digest 3"), "novadigest");
}

TEST_F(NamesTest, ShortcutsAgreeWithIcuOnMixedScripts) {
  // ASCII mixed with what the key drops outside ASCII (emoji, symbols, zero-width and other
  // format marks, spaces, invalid and truncated sequences) and with what it keeps (accented,
  // Cyrillic, Arabic letters, combining marks): the shortcut gives ICU's key every time.
  const std::vector<std::string> pieces = {
      "\xF0\x9F\x8C\x99", "\xE2\x9C\xA8", "\xE2\x80\x8B", "\xE2\x80\x8D", "\xC2\xA0",
      "\xE3\x80\x80", "\xC2\xA9", "\xE2\x84\xA2", "\xFF", "\xE2\x9C", "\xED\xA0\x80", "\xC0\xAF",
      "\xF4\x90\x80\x80", "\xC3\xA9", "\xD0\xBE", "\xD9\x86", "\xCC\x81", "\xEF\xBC\xAE",
      "\xE2\x84\x8C", "\xCE\xB1",
      // Cyrillic look-alikes and letters without one, Greek, Hebrew, Armenian, Latin with
      // marks, Arabic (a letter, a mark, tatweel, Persian, a presentation form), combining marks
      "\xD0\xB0", "\xD1\x80", "\xD0\xB4", "\xD0\xB9", "\xCE\xB2", "\xD7\x90", "\xD5\xA1",
      "\xC3\x9F", "\xC3\xB8", "\xC5\x82", "\xD9\x88", "\xD9\x8E", "\xD9\x80", "\xDA\xBE",
      "\xEF\xBB\xA7", "\xCC\x88", "\xCC\xA7", "\xE1\xBA\x9E", "\xF0\x9D\x90\x80"};
  std::mt19937 rng(2026);
  for (int round = 0; round < 4000; ++round) {
    std::string s;
    const size_t n = rng() % 12;
    for (size_t k = 0; k < n; ++k) {
      if (rng() % 2 == 0) {
        s += static_cast<char>(32 + rng() % 95);
      } else {
        s += pieces[rng() % pieces.size()];
      }
    }
    ASSERT_EQ(norm_->Key(s), norm_->KeyIcu(s)) << s;
  }
  EXPECT_EQ(norm_->Key("\xF0\x9F\x8C\x99 Nova\xE2\x80\x8B Digest \xFF"), "novadigest");
}

TEST_F(NamesTest, SkippedStepsChangeNothingBelowArabic) {
  // Every character below U+0600 that the key keeps, between ASCII letters and after a letter
  // it may combine with: Key (which skips Arabic-Latin there, and Any-Latin when the skeleton
  // is ASCII) gives the key of every step.
  std::string u;
  for (UChar32 c = 0x80; c < 0x600; ++c) {
    u.clear();
    icu::UnicodeString(c).toUTF8String(u);
    for (const std::string& s : {"x" + u + "Y", "e" + u, u + u}) {
      ASSERT_EQ(norm_->Key(s), norm_->KeyIcu(s)) << std::hex << c;
    }
  }
}

TEST(NameSimilarity, NGramsAreEveryWindowOfThePaddedCodes) {
  // Against the definition: the string's letter codes (1-26; 28 for any other byte) between two
  // boundary codes (27), every window of n packed 5 bits a code, sorted and deduplicated; the
  // whole padded string when it is shorter than n.
  std::mt19937 rng(7);
  for (int round = 0; round < 3000; ++round) {
    std::string s(rng() % 12, 'a');
    for (char& c : s) c = rng() % 9 == 0 ? '-' : static_cast<char>('a' + rng() % 26);
    const int n = 1 + static_cast<int>(rng() % 6);
    std::vector<uint32_t> want;
    if (!s.empty()) {
      std::vector<uint32_t> codes = {27};
      for (char c : s) codes.push_back(c == '-' ? 28 : static_cast<uint32_t>(c - 'a' + 1));
      codes.push_back(27);
      const size_t w = std::min(codes.size(), static_cast<size_t>(n));
      for (size_t i = 0; i + w <= codes.size(); ++i) {
        uint32_t g = 0;
        for (size_t k = 0; k < w; ++k) g = (g << 5) | codes[i + k];
        want.push_back(g);
      }
      std::sort(want.begin(), want.end());
      want.erase(std::unique(want.begin(), want.end()), want.end());
    }
    ASSERT_EQ(NGrams(s, n), want) << s << " n=" << n;
  }
}

TEST(NameSimilarity, DiceAndEdit) {
  EXPECT_DOUBLE_EQ(Dice(NGrams("abc", 3), NGrams("abc", 3)), 1.0);
  EXPECT_DOUBLE_EQ(Dice(NGrams("abc", 3), NGrams("xyz", 3)), 0.0);
  EXPECT_DOUBLE_EQ(Dice({}, {}), 0.0);
  const double near = Dice(NGrams("novadigest", 3), NGrams("novadigestx", 3));
  const double far = Dice(NGrams("novadigest", 3), NGrams("gardenchess", 3));
  EXPECT_GT(near, 0.8);
  EXPECT_LT(far, 0.2);
  EXPECT_DOUBLE_EQ(EditSimilarity("kitten", "sitting"), 1.0 - 3.0 / 7.0);
  EXPECT_DOUBLE_EQ(EditSimilarity("", "a"), 0.0);
  EXPECT_EQ(LooseKey("novadigest"), "nfdjst");
  EXPECT_EQ(NGrams("ab", 3).size(), 2u);  // ^ab, ab$
}

// The textbook table, to check the bit-parallel distance against.
size_t ReferenceLevenshtein(const std::string& a, const std::string& b) {
  std::vector<std::vector<size_t>> t(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) t[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) t[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      t[i][j] = std::min(
          {t[i - 1][j] + 1, t[i][j - 1] + 1, t[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    }
  }
  return t[a.size()][b.size()];
}

TEST(NameSimilarity, LevenshteinMatchesTheTable) {
  EXPECT_EQ(Levenshtein("kitten", "sitting"), 3u);
  EXPECT_EQ(Levenshtein("", "abc"), 3u);
  EXPECT_EQ(Levenshtein("abc", ""), 3u);
  EXPECT_EQ(Levenshtein("same", "same"), 0u);
  // Random strings over small alphabets (many matches), across the 64-letter word boundary.
  std::mt19937 rng(14);
  for (int round = 0; round < 3000; ++round) {
    const int alphabet = 2 + round % 5;
    auto word = [&] {
      std::string w(rng() % 90, 'a');
      for (char& c : w) c = static_cast<char>('a' + rng() % alphabet);
      return w;
    };
    const std::string a = word(), b = word();
    ASSERT_EQ(Levenshtein(a, b), ReferenceLevenshtein(a, b)) << a << " / " << b;
    const EditPattern pattern(a);
    ASSERT_EQ(pattern.usable(), a.size() <= EditPattern::kMaxLength);
    if (pattern.usable()) {
      ASSERT_EQ(pattern.Distance(b), ReferenceLevenshtein(a, b));
    }
  }
  // A byte outside a-z and 64 letters exactly.
  const std::string a64(64, 'x'), b64 = std::string(63, 'x') + "\xff";
  EXPECT_EQ(Levenshtein(a64, b64), 1u);
  EXPECT_EQ(Levenshtein(b64, a64 + "x"), 2u);
  EXPECT_EQ(EditPattern(a64).Distance(b64), 1u);
  EXPECT_EQ(EditPattern("").Distance("abc"), 3u);
  EXPECT_FALSE(EditPattern("ab1").usable());
}

}  // namespace
}  // namespace cordon::enforce
