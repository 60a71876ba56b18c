#include "cordon/util/strings.h"

#include <gtest/gtest.h>

namespace cordon {
namespace {

TEST(Trim, DropsAsciiSpaceAtBothEnds) {
  EXPECT_EQ(Trim("  a b \t\r\n\v\f"), "a b");
  EXPECT_EQ(Trim("ab"), "ab");
  EXPECT_EQ(Trim(""), "");
  EXPECT_EQ(Trim(" \t\n "), "");
  // Not whitespace in any locale cordon runs in: a no-break space (UTF-8) stays.
  EXPECT_EQ(Trim("\xc2\xa0x "), "\xc2\xa0x");
}

TEST(Trim, DropsOnlyTheCharactersGiven) {
  EXPECT_EQ(Trim(" \tx\r\n", " \t"), "x\r\n");
  EXPECT_EQ(Trim("\n x \n", " \t\n"), "x");
  EXPECT_EQ(Trim("xx", "x"), "");
}

TEST(Trim, ReturnsAViewIntoItsArgument) {
  const std::string s = "  abc ";
  const std::string_view t = Trim(s);
  EXPECT_EQ(t.data(), s.data() + 2);
  EXPECT_EQ(t.size(), 3u);
}

TEST(ToLower, MapsAsciiLettersOnly) {
  EXPECT_EQ(ToLower("T.Me/Some_Name-09"), "t.me/some_name-09");
  EXPECT_EQ(ToLower(""), "");
  EXPECT_EQ(ToLower("\xc3\x84@[`{"), "\xc3\x84@[`{");  // Ä and the neighbours of A-Z, a-z
}

}  // namespace
}  // namespace cordon
