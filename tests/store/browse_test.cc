// store/browse.h: one entity by key (FindEntity) agrees with the paged listing, and a key the
// store lacks is no error.
#include <gtest/gtest.h>

#include "cordon/store/browse.h"
#include "cordon/store/store.h"
#include "test_util.h"

namespace cordon {
namespace {

TEST(Browse, FindEntityReadsOneRowAsTheListingDoes) {
  testing::TempDir tmp;
  auto store = Store::Open(tmp.File("b.db"));
  ASSERT_TRUE(store.ok());
  Store& s = **store;
  ASSERT_TRUE(s.Begin().ok());
  for (int i = 0; i < 3; ++i) {
    EntityEvent e;
    e.key = "telegram:channel" + std::to_string(i);
    e.kind = EntityKind::kChannel;
    e.time = 1000 + i;
    e.name = i == 1 ? "<img src=x onerror=alert(1)>" : "chan " + std::to_string(i);
    e.username = "user" + std::to_string(i);
    e.subscribers = 10 * i;
    ASSERT_TRUE(s.Apply(e).ok());
  }
  ASSERT_TRUE(s.Commit().ok());

  auto one = FindEntity(s, "telegram:channel1");
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  ASSERT_TRUE(one->has_value());
  EXPECT_EQ((*one)->name, "<img src=x onerror=alert(1)>");
  EXPECT_EQ((*one)->username, "user1");
  EXPECT_EQ((*one)->kind, "channel");
  EXPECT_EQ((*one)->subscribers, 10);

  EntityQuery q;
  q.after = "telegram:channel0";
  q.limit = 1;
  auto page = ListEntities(s, q);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->entities.size(), 1u);
  EXPECT_EQ(page->entities[0].key, (*one)->key);
  EXPECT_EQ(page->entities[0].name, (*one)->name);
  EXPECT_EQ(page->entities[0].first_seen, (*one)->first_seen);

  auto none = FindEntity(s, "telegram:channel9");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  // A key is data, never SQL.
  auto odd = FindEntity(s, "telegram:channel1' OR '1'='1");
  ASSERT_TRUE(odd.ok());
  EXPECT_FALSE(odd->has_value());
}

}  // namespace
}  // namespace cordon
