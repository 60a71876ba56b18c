#include <gtest/gtest.h>

#include "cordon/ingest/importer.h"
#include "test_util.h"

namespace cordon {
namespace {

class CollectingSink final : public EventSink {
 public:
  Status OnEvent(Event&& e, const Location&) override {
    events.push_back(std::move(e));
    return Status::Ok();
  }
  void OnReject(const Location& where, std::string_view reason) override {
    rejects.emplace_back(where.line, std::string(reason));
  }
  void OnWeird(std::string_view, std::string_view what, const Location& where) override {
    weird.emplace_back(where.line, std::string(what));
  }
  std::vector<Event> events;
  std::vector<std::pair<int64_t, std::string>> rejects, weird;
};

CollectingSink ImportText(const std::string& text, ImportLimits limits = {}) {
  testing::TempDir tmp;
  testing::WriteFile(tmp.path() / "in.ndjson", text);
  CollectingSink sink;
  Status s = MakeNativeImporter()->Import(InputFile{tmp.File("in.ndjson")}, limits, sink);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return sink;
}

TEST(NativeImporter, ReadsEveryEventType) {
  auto sink = ImportText(
      R"({"type":"entity","key":"telegram:channel5","kind":"channel","time":"2019-11-01T00:00:00Z","name":"N","username":"nn","subscribers":7,"created":"2019-10-01T00:00:00Z","creator":"telegram:user1","avatar":{"pdq":"ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789"}}
{"type":"message","key":"telegram:channel5/9","chat":"telegram:channel5","time":"2019-11-01T00:00:01Z","from":"telegram:user1","text":"hi","links":["t.me/x"],"media":[{"kind":"photo","md5":"0123456789abcdef0123456789abcdef","path":"p.jpg"}],"forward":{"chat":"telegram:channel2","message":"telegram:channel2/4","time":"2019-10-31T00:00:00Z"},"views":12,"via_bot":"telegram:user3","reply_to":"telegram:channel5/8","unknown_field":{"deep":[1,2]}}
{"type":"member","chat":"telegram:channel5","user":"telegram:user1","time":"2019-11-01T00:00:00Z","action":"creator"}
{"type":"invite","link":"t.me/+Zz","chat":"telegram:channel5","time":"2019-11-01T00:00:00Z"}
{"type":"takedown","entity":"telegram:channel5","time":"2019-11-22T00:00:00Z","reason":"tos","source":"referral"}
{"type":"reinstate","entity":"telegram:channel5","time":"2019-11-23T00:00:00Z"}
)");
  ASSERT_EQ(sink.events.size(), 6u);
  EXPECT_TRUE(sink.rejects.empty());
  const auto& e = std::get<EntityEvent>(sink.events[0]);
  EXPECT_EQ(e.kind, EntityKind::kChannel);
  EXPECT_EQ(e.subscribers, 7);
  EXPECT_EQ(e.avatar_pdq, "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789");
  const auto& m = std::get<MessageEvent>(sink.events[1]);
  EXPECT_EQ(m.forward->message, "telegram:channel2/4");
  EXPECT_EQ(m.views, 12);
  EXPECT_EQ(m.media.at(0).path, "p.jpg");
  EXPECT_EQ(m.links.at(0), "t.me/x");
  EXPECT_EQ(std::get<MemberEvent>(sink.events[2]).action, MemberAction::kCreator);
  EXPECT_EQ(std::get<TakedownEvent>(sink.events[4]).source, "referral");
  EXPECT_EQ(std::get<ReinstateEvent>(sink.events[5]).time, 1574467200000);
}

TEST(NativeImporter, RejectsBadRecordsWithLineAndKeepsGoodOnes) {
  auto sink = ImportText(
      "{\"type\":\"takedown\",\"entity\":\"telegram:user1\",\"time\":\"2019-11-22T00:00:00Z\","
      "\"reason\":\"r\"}\n"
      "{broken\n"
      "[1,2]\n"
      "{\"type\":\"takedown\",\"entity\":\"telegram:user1\",\"time\":\"yesterday\",\"reason\":"
      "\"r\"}\n"
      "{\"type\":\"entity\",\"key\":\"nosuchplatform:1\",\"kind\":\"user\",\"time\":\"2019-11-"
      "22T00:00:00Z\"}\n"
      "{\"type\":\"entity\",\"key\":\"telegram:user2\",\"kind\":\"robot\",\"time\":\"2019-11-22T00:"
      "00:00Z\"}\n"
      "{\"type\":\"message\",\"key\":\"telegram:chat1/"
      "1\",\"chat\":\"telegram:chat1\",\"time\":\"2019-11-22T00:00:00Z\",\"media\":[{\"kind\":"
      "\"photo\",\"pdq\":\"xyz\"}]}\n"
      "{\"type\":\"message\",\"key\":\"telegram:chat1/"
      "2\",\"chat\":\"telegram:chat1\",\"time\":\"2019-11-22T00:00:00Z\",\"views\":\"many\"}\n"
      "{\"type\":\"mystery\"}\n"
      "{\"type\":\"member\",\"chat\":\"telegram:chat1\",\"user\":\"telegram:user1\",\"time\":"
      "\"2019-11-22T00:00:00Z\",\"action\":\"leave\"}\n");
  EXPECT_EQ(sink.events.size(), 2u);
  std::vector<int64_t> lines;
  for (auto& [line, why] : sink.rejects) lines.push_back(line);
  EXPECT_EQ(lines, (std::vector<int64_t>{2, 3, 4, 5, 6, 7, 8}));
  EXPECT_NE(sink.rejects[2].second.find("time"), std::string::npos);
  ASSERT_EQ(sink.weird.size(), 1u);
  EXPECT_EQ(sink.weird[0].first, 9);
}

TEST(NativeImporter, RepairsInvalidUtf8AndCountsIt) {
  auto sink = ImportText(
      "{\"type\":\"message\",\"key\":\"telegram:chat1/1\",\"chat\":\"telegram:chat1\","
      "\"time\":\"2019-11-22T00:00:00Z\",\"text\":\"bad \xFF byte\"}\n");
  ASSERT_EQ(sink.events.size(), 1u);
  EXPECT_EQ(std::get<MessageEvent>(sink.events[0]).text, "bad \xEF\xBF\xBD byte");
  ASSERT_EQ(sink.weird.size(), 1u);
}

TEST(NativeImporter, EnforcesRecordSizeAndDepthLimits) {
  ImportLimits limits;
  limits.max_record_bytes = 200;
  limits.max_depth = 8;
  std::string deep =
      "{\"type\":\"message\",\"key\":\"telegram:chat1/1\",\"x\":" + std::string(20, '[') +
      std::string(20, ']') + "}";
  std::string big = "{\"type\":\"message\",\"text\":\"" + std::string(400, 'a') + "\"}";
  std::string good =
      "{\"type\":\"takedown\",\"entity\":\"telegram:user1\",\"time\":\"2019-11-22T00:00:00Z\","
      "\"reason\":\"r\"}";
  auto sink = ImportText(deep + "\n" + big + "\n" + good + "\n", limits);
  EXPECT_EQ(sink.events.size(), 1u);
  ASSERT_EQ(sink.rejects.size(), 2u);
  EXPECT_EQ(sink.rejects[0].first, 1);
  EXPECT_EQ(sink.rejects[1].first, 2);
  EXPECT_NE(sink.rejects[1].second.find("over"), std::string::npos);
}

// docs/events.md: a line nested deeper than 64 levels is rejected; 64 levels are read.
TEST(NativeImporter, DepthLimitIs64Levels) {
  auto line = [](int levels) {  // the record's object is level 1; arrays inside make the rest
    return "{\"type\":\"takedown\",\"entity\":\"telegram:user1\",\"time\":"
           "\"2019-11-22T00:00:00Z\",\"reason\":\"r\",\"x\":" +
           std::string(static_cast<size_t>(levels - 1), '[') + "1" +
           std::string(static_cast<size_t>(levels - 1), ']') + "}\n";
  };
  auto at64 = ImportText(line(64));
  EXPECT_EQ(at64.events.size(), 1u);
  EXPECT_TRUE(at64.rejects.empty()) << at64.rejects[0].second;
  auto at65 = ImportText(line(65));
  EXPECT_TRUE(at65.events.empty());
  ASSERT_EQ(at65.rejects.size(), 1u);
  EXPECT_NE(at65.rejects[0].second.find("too deep"), std::string::npos) << at65.rejects[0].second;
}

TEST(NativeImporter, NegativeCountsAreDroppedAsWeirds) {
  auto sink = ImportText(
      "{\"type\":\"message\",\"key\":\"telegram:chat1/1\",\"chat\":\"telegram:chat1\","
      "\"time\":\"2019-11-22T00:00:00Z\",\"views\":-5}\n"
      "{\"type\":\"entity\",\"key\":\"telegram:channel1\",\"kind\":\"channel\","
      "\"time\":\"2019-11-22T00:00:00Z\",\"subscribers\":-1}\n"
      "{\"type\":\"message\",\"key\":\"telegram:chat1/2\",\"chat\":\"telegram:chat1\","
      "\"time\":\"2019-11-22T00:00:00Z\",\"views\":0}\n");
  ASSERT_EQ(sink.events.size(), 3u);
  EXPECT_TRUE(sink.rejects.empty());
  EXPECT_FALSE(std::get<MessageEvent>(sink.events[0]).views.has_value());
  EXPECT_FALSE(std::get<EntityEvent>(sink.events[1]).subscribers.has_value());
  EXPECT_EQ(std::get<MessageEvent>(sink.events[2]).views, 0);
  ASSERT_EQ(sink.weird.size(), 2u);
  EXPECT_EQ(sink.weird[0],
            (std::pair<int64_t, std::string>{1, "field 'views': negative count ignored"}));
  EXPECT_EQ(sink.weird[1],
            (std::pair<int64_t, std::string>{2, "field 'subscribers': negative count ignored"}));
}

TEST(NativeImporter, UnreadableFileIsAnError) {
  CollectingSink sink;
  Status s = MakeNativeImporter()->Import(InputFile{"/nonexistent/x.ndjson"}, {}, sink);
  EXPECT_EQ(s.code(), StatusCode::kIoError);
}

TEST(NativeImporter, SniffsItsOwnStream) {
  auto imp = MakeNativeImporter();
  EXPECT_GT(imp->Sniff("a.ndjson", "{\"type\":\"message\",\"key\":\"x\"}\n"), 50);
  EXPECT_EQ(imp->Sniff("a.json", "{\"name\":\"chat\",\"messages\":[]}"), 0);
}

}  // namespace
}  // namespace cordon
