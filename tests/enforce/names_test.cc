#include "cordon/enforce/names.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace cordon::enforce
