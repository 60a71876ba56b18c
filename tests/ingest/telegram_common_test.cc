#include "cordon/ingest/telegram_common.h"

#include <gtest/gtest.h>

namespace cordon::telegram {
namespace {

TEST(TelegramCommon, PeerRefsBecomeKeys) {
  EXPECT_EQ(KeyFromPeerRef("user123"), "telegram:user123");
  EXPECT_EQ(KeyFromPeerRef("channel1500000001"), "telegram:channel1500000001");
  EXPECT_EQ(KeyFromPeerRef("chat9"), "telegram:chat9");
  for (const char* bad : {"", "user", "user-3", "user0", "user12x", "group5", "channel 5"}) {
    EXPECT_FALSE(KeyFromPeerRef(bad).has_value()) << bad;
  }
}

TEST(TelegramCommon, MarkedIdsBecomeKeys) {
  EXPECT_EQ(KeyFromMarkedId(42), "telegram:user42");
  EXPECT_EQ(KeyFromMarkedId(-900001), "telegram:chat900001");
  EXPECT_EQ(KeyFromMarkedId(-1001700000003), "telegram:channel1700000003");
  EXPECT_FALSE(KeyFromMarkedId(0).has_value());
  EXPECT_FALSE(KeyFromMarkedId(-1000000000000).has_value());
  EXPECT_FALSE(KeyFromMarkedId(INT64_MIN).has_value());
}

TEST(TelegramCommon, SecondsToMsChecksRange) {
  EXPECT_EQ(SecondsToMs(int64_t{1574244300}), 1574244300000);
  EXPECT_EQ(SecondsToMs(1574417400.25), 1574417400250);
  EXPECT_FALSE(SecondsToMs(int64_t{INT64_MAX}).has_value());
  EXPECT_FALSE(SecondsToMs(1e300).has_value());
  EXPECT_FALSE(SecondsToMs(std::numeric_limits<double>::quiet_NaN()).has_value());
}

TEST(TelegramCommon, Utf16SliceCountsSurrogatePairsAsTwoUnits) {
  // "Новости 📰 example.com/news": 8 units, the emoji is 2 units, then a space.
  const std::string text = "Новости 📰 example.com/news и https://example.net/a";
  EXPECT_EQ(Utf16Slice(text, 11, 16), "example.com/news");
  EXPECT_EQ(Utf16Slice(text, 30, 21), "https://example.net/a");
  EXPECT_EQ(Utf16Slice(text, 8, 2), "📰");
  EXPECT_EQ(Utf16Slice(text, 0, 0), "");
  EXPECT_EQ(Utf16Slice("abc", 3, 0), "");
  EXPECT_FALSE(Utf16Slice(text, 9, 1).has_value());  // half of a surrogate pair
  EXPECT_FALSE(Utf16Slice("abc", 2, 5).has_value());
  EXPECT_FALSE(Utf16Slice("abc", 4, 0).has_value());
  EXPECT_FALSE(Utf16Slice("abc", -1, 1).has_value());
}

TEST(TelegramCommon, LinksKeepOrderWithoutDuplicates) {
  std::vector<std::string> links;
  AddLink(links, "https://example.org/a");
  AddLink(links, "");
  AddTextLinks(links, "see https://example.org/a and t.me/harbor_watch.");
  EXPECT_EQ(links, (std::vector<std::string>{"https://example.org/a", "t.me/harbor_watch"}));
}

class NullSink final : public EventSink {
 public:
  Status OnEvent(Event&& e, const Location&) override {
    events.push_back(std::move(e));
    return Status::Ok();
  }
  void OnReject(const Location&, std::string_view) override {}
  void OnWeird(std::string_view, std::string_view, const Location&) override {}
  std::vector<Event> events;
};

TEST(TelegramCommon, EntityTableKeepsLatestTimeAndFirstKind) {
  EntityTable table;
  table.Observe("telegram:user1", EntityKind::kUser, 2000, Location{"f"}).name = "A";
  table.Observe("telegram:user1", EntityKind::kBot, 1000, Location{"f"});
  table.Observe("telegram:channel2", EntityKind::kUnknown, std::nullopt, Location{"f"});
  table.Observe("telegram:channel2", EntityKind::kGroup, 500, Location{"f"});
  EXPECT_EQ(table.Find("telegram:user9"), nullptr);
  ASSERT_NE(table.Find("telegram:user1"), nullptr);
  NullSink sink;
  ASSERT_TRUE(table.Flush(sink).ok());
  ASSERT_EQ(sink.events.size(), 2u);
  const auto& ch = std::get<EntityEvent>(sink.events[0]);  // key order
  EXPECT_EQ(ch.key, "telegram:channel2");
  EXPECT_EQ(ch.kind, EntityKind::kGroup);
  EXPECT_EQ(ch.time, 500);
  const auto& u = std::get<EntityEvent>(sink.events[1]);
  EXPECT_EQ(u.kind, EntityKind::kUser);
  EXPECT_EQ(u.time, 2000);
  EXPECT_EQ(u.name, "A");
  EXPECT_EQ(table.size(), 0u);
}

}  // namespace
}  // namespace cordon::telegram
