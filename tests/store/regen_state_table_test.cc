#include "cordon/store/regen_state_table.h"

#include <gtest/gtest.h>

#include <string>

#include "cordon/store/store.h"
#include "test_util.h"

namespace cordon {
namespace {

// Every byte value, NULs included, comes back as written; more than one part's worth is split
// over rows and joined in order; saving again replaces.
TEST(RegenStateTable, BytesComeBackAsWrittenOverSeveralParts) {
  testing::TempDir dir;
  auto store = Store::Open(dir.File("s.db"));
  ASSERT_TRUE(store.ok());
  Store& s = **store;
  auto none = RegenStateVersion(s);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());

  std::string bytes(kRegenStatePart + 1000, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>((i * 131 + i / 7) & 0xff);
  ASSERT_TRUE(SaveRegenState(s, 42, bytes).ok());
  auto version = RegenStateVersion(s);
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, std::optional<int64_t>(42));
  auto back = ReadRegenState(s);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(*back == bytes);

  const std::string small("\0\1\2\xff", 4);
  ASSERT_TRUE(SaveRegenState(s, 43, small).ok());
  back = ReadRegenState(s);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, small);
  EXPECT_EQ(*RegenStateVersion(s), std::optional<int64_t>(43));

  ASSERT_TRUE(DeleteRegenState(s).ok());
  EXPECT_FALSE(RegenStateVersion(s)->has_value());
  // The saved state is a cache: not part of the store's dump.
  ASSERT_TRUE(SaveRegenState(s, 44, small).ok());
  auto dump = s.Dump();
  ASSERT_TRUE(dump.ok());
  EXPECT_EQ(dump->find("regen_state"), std::string::npos);
}

}  // namespace
}  // namespace cordon
