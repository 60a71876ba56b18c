// The Telegram Bot API importer (docs/formats/telegram-bot-api.md): every update kind read, the
// answer, array and one-per-line shapes, and bad updates rejected where they are.
#include <gtest/gtest.h>

#include <algorithm>

#include "cordon/ingest/importer.h"
#include "cordon/ingest/weirds.h"
#include "cordon/model/event_json.h"
#include "test_util.h"

namespace cordon {
namespace {

class Sink final : public EventSink {
 public:
  Status OnEvent(Event&& e, const Location&) override {
    std::string line;
    AppendEventJson(e, line);
    line.pop_back();
    events.push_back(std::move(line));
    return Status::Ok();
  }
  void OnReject(const Location&, std::string_view reason) override { rejects.emplace_back(reason); }
  void OnWeird(std::string_view name, std::string_view, const Location&) override {
    weird.emplace_back(name);
  }
  bool Has(std::string_view part) const {
    return std::any_of(events.begin(), events.end(),
                       [&](const std::string& e) { return e.find(part) != std::string::npos; });
  }
  std::vector<std::string> events, rejects, weird;
};

Sink Import(const std::string& text) {
  testing::TempDir tmp;
  testing::WriteFile(tmp.path() / "updates.json", text);
  Sink sink;
  Status s = MakeTelegramBotImporter()->Import(InputFile{tmp.File("updates.json")}, {}, sink);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return sink;
}

constexpr char kChat[] = R"("chat":{"id":-1001234567890,"title":"Group A","type":"supergroup"})";

TEST(TelegramBotImporter, ReadsMessagesForwardsRepliesAndMembers) {
  const std::string chat = kChat;
  Sink sink =
      Import(R"({"ok":true,"result":[
    {"update_id":1,"message":{"message_id":5,"from":{"id":42,"is_bot":false,"first_name":"Sam","last_name":"Lee","username":"sam_a"},)" +
             chat + R"(,"date":1700000000,
      "text":"read more","entities":[{"type":"text_link","offset":0,"length":4,"url":"https://example.org/t"}],
      "reply_to_message":{"message_id":4,)" +
             chat + R"(,"date":1699999999},
      "forward_origin":{"type":"channel","chat":{"id":-1009876543210,"title":"Source","type":"channel"},"message_id":77,"date":1699990000},
      "via_bot":{"id":99,"is_bot":true,"first_name":"Helper"}}},
    {"update_id":2,"message":{"message_id":6,"from":{"id":42,"is_bot":false,"first_name":"Sam"},)" +
             chat + R"(,"date":1700000010,
      "new_chat_members":[{"id":43,"is_bot":false,"first_name":"Kim"}]}},
    {"update_id":3,"chat_member":{)" +
             chat + R"(,"from":{"id":1,"is_bot":false,"first_name":"Admin"},"date":1700000020,
      "old_chat_member":{"status":"member","user":{"id":43,"is_bot":false,"first_name":"Kim"}},
      "new_chat_member":{"status":"kicked","user":{"id":43,"is_bot":false,"first_name":"Kim"},"until_date":0}}},
    {"update_id":4,"callback_query":{"id":"q","from":{"id":42,"is_bot":false,"first_name":"Sam"}}},
    {"update_id":5,"message":{"message_id":8,)" +
             chat + R"(,"date":1700000030,"pinned_message":{"message_id":5}}},
    {"message":{"message_id":9}},
    {"update_id":7,"message":{"message_id":9,"date":1700000040,"text":"no chat"}}
  ]})");
  EXPECT_TRUE(sink.Has(R"("key":"telegram:channel1234567890/5")")) << sink.events[0];
  EXPECT_TRUE(sink.Has(R"("from":"telegram:user42")"));
  EXPECT_TRUE(sink.Has(R"("links":["https://example.org/t"])"));
  EXPECT_TRUE(sink.Has(R"("reply_to":"telegram:channel1234567890/4")"));
  EXPECT_TRUE(
      sink.Has(R"("chat":"telegram:channel9876543210","message":"telegram:channel9876543210/77")"));
  EXPECT_TRUE(sink.Has(R"("via_bot":"telegram:user99")"));
  EXPECT_TRUE(sink.Has(
      R"("user":"telegram:user43","time":"2023-11-14T22:13:30Z","action":"join","reason":"added by telegram:user42")"));
  EXPECT_TRUE(sink.Has(R"("action":"ban","reason":"by telegram:user1")"));
  EXPECT_TRUE(sink.Has(R"("key":"telegram:channel1234567890","kind":"group")"));
  // The name as the latest update showed it (the second has no last name), the username kept.
  EXPECT_TRUE(sink.Has(R"("name":"Sam","username":"sam_a")"));
  EXPECT_EQ(sink.weird, (std::vector<std::string>{std::string(weird::kBotUpdateNotRead),
                                                  std::string(weird::kBotUpdateNotRead)}));
  EXPECT_EQ(sink.rejects.size(), 2u);
}

TEST(TelegramBotImporter, ReadsChannelPostsAndEditsOnePerLine) {
  const std::string channel = R"("chat":{"id":-1005555555555,"title":"News","type":"channel"})";
  Sink sink = Import(
      R"({"update_id":1,"channel_post":{"message_id":3,"sender_chat":{"id":-1005555555555,"title":"News","type":"channel"},)" +
      channel +
      R"(,"date":1700000000,"caption":"a photo","photo":[{"file_id":"f","file_unique_id":"u","width":9,"height":9}]}})" +
      "\n" + R"({"update_id":2,"edited_channel_post":{"message_id":3,)" + channel +
      R"(,"date":1700000000,"edit_date":1700000100,"caption":"edited","photo":[{"file_id":"f","file_unique_id":"u","width":9,"height":9}]}})" +
      "\nnot json\n");
  EXPECT_TRUE(sink.Has(R"("from":"telegram:channel5555555555","text":"a photo")"));
  EXPECT_TRUE(sink.Has(R"("text":"edited")"));
  EXPECT_TRUE(sink.Has(R"("edited":"2023-11-14T22:15:00Z")"));
  EXPECT_TRUE(sink.Has(R"("kind":"photo")"));
  EXPECT_TRUE(sink.Has(R"("key":"telegram:channel5555555555","kind":"channel")"));
  EXPECT_EQ(sink.rejects.size(), 1u);
}

}  // namespace
}  // namespace cordon
