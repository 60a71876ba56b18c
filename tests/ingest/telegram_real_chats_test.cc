// What real Telegram chats hold besides plain text (issue #16), in the shapes Telegram Desktop's
// JSON export writes today: senders cordon cannot key, dates with zones, forwards, edits,
// reactions, polls, forum topics, stickers and round videos, custom emoji. Synthetic data.
#include <gtest/gtest.h>

#include "capture_sink.h"
#include "cordon/ingest/importer.h"
#include "cordon/ingest/weirds.h"
#include "test_util.h"

namespace cordon {
namespace {

using testing::CaptureSink;

class TelegramRealChatsTest : public ::testing::Test {
 protected:
  Status Run(const std::string& json, CaptureSink& sink) {
    path_ = tmp_.File("result.json");
    testing::WriteFile(path_, json);
    return FindImporter("telegram-export")->Import(InputFile{path_}, ImportLimits{}, sink);
  }
  static std::string Group(const std::string& messages) {
    return R"({"name": "Reading Circle", "type": "private_supergroup", "id": 1700000001,
               "messages": [)" +
           messages + "]}";
  }
  testing::TempDir tmp_;
  std::string path_;
};

// Defect 1: old exports wrote bare-number from_ids and 0 for some senders; the message stays,
// without a sender, and the oddity is a named weird. Before the fix the message was rejected.
TEST_F(TelegramRealChatsTest, SenderThatCannotBeKeyedKeepsTheMessage) {
  CaptureSink sink;
  ASSERT_TRUE(Run(Group(R"(
    {"id": 1, "type": "message", "date": "2019-03-01T10:00:00", "from": "Pat Lake", "from_id": 0, "text": "zero"},
    {"id": 2, "type": "message", "date": "2019-03-01T10:01:00", "from": "Ira Moss", "from_id": 12, "text": "twelve"},
    {"id": 3, "type": "message", "date_unixtime": "1551434520", "from": "Deleted Account", "from_id": "user0", "text": "gone"},
    {"id": 4, "type": "message", "date_unixtime": "1551434580", "from": null, "from_id": "peer77", "text": "odd prefix"},
    {"id": 5, "type": "message", "date_unixtime": "1551434640", "from": "Ira Moss", "from_id": -4, "text": "negative"},
    {"id": 6, "type": "service", "date_unixtime": "1551434700", "actor": "Pat Lake", "actor_id": 0,
     "action": "join_group_by_link", "text": ""})"),
                  sink)
                  .ok());
  auto msgs = sink.Of<MessageEvent>();
  ASSERT_EQ(msgs.size(), 5u);
  EXPECT_TRUE(sink.rejects.empty()) << sink.rejects[0].text;
  EXPECT_EQ(msgs[0].text, "zero");
  EXPECT_EQ(msgs[0].from, "");
  EXPECT_EQ(msgs[1].from, "telegram:user12");
  EXPECT_EQ(msgs[2].from, "");
  EXPECT_EQ(msgs[3].from, "");
  EXPECT_EQ(msgs[4].from, "");
  // No entity is made up from a name: "Pat Lake" is not keyed anywhere.
  for (const auto& [key, e] : sink.Entities()) {
    EXPECT_NE(e.name.value_or(""), "Pat Lake") << key;
  }
  EXPECT_TRUE(sink.Of<MemberEvent>().empty());
  int not_mapped = 0;
  for (size_t i = 0; i < sink.weirds.size(); ++i) {
    if (sink.weird_names[i] != weird::kPeerNotMapped) continue;
    ++not_mapped;
    if (sink.weirds[i].where.line == 1) {
      EXPECT_EQ(sink.weirds[i].text,
                "field 'from_id': '0' names no peer cordon can key; kept without it (from: "
                "'Pat Lake')");
    }
  }
  EXPECT_EQ(not_mapped, 5);  // from_id 0, user0, peer77, -4 and the actor 0
}

// A number that is not an integer, or an id of another type, is still no peer reference.
TEST_F(TelegramRealChatsTest, SenderOfTheWrongTypeIsStillRejected) {
  CaptureSink sink;
  ASSERT_TRUE(Run(Group(R"(
    {"id": 1, "type": "message", "date_unixtime": "1000", "from_id": 5.5, "text": "a"},
    {"id": 2, "type": "message", "date_unixtime": "1000", "from_id": {"user": 5}, "text": "b"})"),
                  sink)
                  .ok());
  EXPECT_TRUE(sink.Of<MessageEvent>().empty());
  EXPECT_EQ(sink.rejects.size(), 2u);
}

// Defect 2: 'date' with Z or an offset is read exactly; only zoneless dates are a guess. Before
// the fix both files below raised telegram_local_time_as_utc.
TEST_F(TelegramRealChatsTest, DatesWithAZoneRaiseNoLocalTimeWeird) {
  CaptureSink sink;
  ASSERT_TRUE(Run(Group(R"(
    {"id": 1, "type": "message", "date": "2019-11-20T11:05:00Z", "text": "utc"},
    {"id": 2, "type": "message", "date": "2019-11-20T13:05:00+02:00", "text": "offset"},
    {"id": 3, "type": "message", "date": "2019-11-20T06:05:00-05:00", "text": "negative offset"})"),
                  sink)
                  .ok());
  auto msgs = sink.Of<MessageEvent>();
  ASSERT_EQ(msgs.size(), 3u);
  EXPECT_EQ(msgs[0].time, 1574247900000);
  EXPECT_EQ(msgs[1].time, 1574247900000);
  EXPECT_EQ(msgs[2].time, 1574247900000);
  EXPECT_TRUE(sink.weirds.empty()) << sink.weirds[0].text;

  CaptureSink mixed;
  ASSERT_TRUE(Run(Group(R"(
    {"id": 1, "type": "message", "date": "2019-11-20T11:05:00Z", "text": "utc"},
    {"id": 2, "type": "message", "date": "2019-11-20T11:05:00", "text": "local"})"),
                  mixed)
                  .ok());
  ASSERT_EQ(mixed.weird_names.size(), 1u);
  EXPECT_EQ(mixed.weird_names[0], weird::kLocalTimeAsUtc);
}

TEST_F(TelegramRealChatsTest, ForwardKeepsSourceNameAndIdAndSavedFrom) {
  CaptureSink sink;
  ASSERT_TRUE(Run(Group(R"(
    {"id": 1, "type": "message", "date_unixtime": "1000", "from": "Ira Moss", "from_id": "user12",
     "forwarded_from": "Harbor Notes", "forwarded_from_id": "channel1600000009", "text": "fwd with id"},
    {"id": 2, "type": "message", "date_unixtime": "1001", "from": "Ira Moss", "from_id": "user12",
     "forwarded_from": "Hidden Sender", "text": "fwd name only"},
    {"id": 3, "type": "message", "date_unixtime": "1002", "from": "Ira Moss", "from_id": "user12",
     "forwarded_from": null, "text": "fwd deleted"},
    {"id": 4, "type": "message", "date_unixtime": "1003", "from": "Ira Moss", "from_id": "user12",
     "saved_from": "Harbor Notes", "text": "saved"},
    {"id": 5, "type": "message", "date_unixtime": "1004", "from": "Ira Moss", "from_id": "user12",
     "forwarded_from": "Someone", "forwarded_from_id": 0, "text": "fwd id zero"})"),
                  sink)
                  .ok());
  auto msgs = sink.Of<MessageEvent>();
  ASSERT_EQ(msgs.size(), 5u);
  ASSERT_TRUE(msgs[0].forward);
  EXPECT_EQ(msgs[0].forward->name, "Harbor Notes");
  EXPECT_EQ(msgs[0].forward->chat, "telegram:channel1600000009");
  EXPECT_EQ(msgs[1].forward->name, "Hidden Sender");
  EXPECT_EQ(msgs[1].forward->chat, "");
  ASSERT_TRUE(msgs[2].forward);
  EXPECT_EQ(msgs[2].forward->name, "");
  ASSERT_TRUE(msgs[3].forward);
  EXPECT_EQ(msgs[3].forward->name, "Harbor Notes");
  ASSERT_TRUE(msgs[4].forward);
  EXPECT_EQ(msgs[4].forward->name, "Someone");
  EXPECT_EQ(msgs[4].forward->chat, "");
  EXPECT_TRUE(sink.rejects.empty());
}

TEST_F(TelegramRealChatsTest, EditKeepsTheLatestTextAndTheEditTime) {
  CaptureSink sink;
  ASSERT_TRUE(Run(Group(R"(
    {"id": 1, "type": "message", "date": "2023-05-01T10:00:00", "date_unixtime": "1682935200",
     "edited": "2023-05-01T10:30:00", "edited_unixtime": "1682937000",
     "from": "Ira Moss", "from_id": "user12", "text": "corrected text"},
    {"id": 2, "type": "message", "date": "2019-11-20T11:05:00Z", "edited": "2019-11-20T11:15:00Z",
     "text": "old export"},
    {"id": 3, "type": "message", "date_unixtime": "1682935300", "edited_unixtime": "soon", "text": "bad"})"),
                  sink)
                  .ok());
  auto msgs = sink.Of<MessageEvent>();
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[0].text, "corrected text");
  EXPECT_EQ(msgs[0].edited, 1682937000000);
  EXPECT_EQ(msgs[1].edited, 1574248500000);
  ASSERT_EQ(sink.rejects.size(), 1u);
  EXPECT_NE(sink.rejects[0].text.find("edited_unixtime"), std::string::npos);
  EXPECT_TRUE(sink.weirds.empty());
}

TEST_F(TelegramRealChatsTest, ReactionsAreCountedOverEveryKind) {
  CaptureSink sink;
  ASSERT_TRUE(Run(Group(R"(
    {"id": 1, "type": "message", "date_unixtime": "1000", "text": "liked",
     "reactions": [{"type": "emoji", "count": 5, "emoji": "\ud83d\udc4d",
                    "recent": [{"from": "Ira Moss", "from_id": "user12", "date": "2023-05-01T10:00:00"}]},
                   {"type": "custom_emoji", "count": 2, "document_id": "5368324170671202286"},
                   {"type": "paid", "count": 1}]},
    {"id": 2, "type": "message", "date_unixtime": "1000", "text": "plain"})"),
                  sink)
                  .ok());
  auto msgs = sink.Of<MessageEvent>();
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[0].reactions, 8);
  EXPECT_FALSE(msgs[1].reactions);
}

TEST_F(TelegramRealChatsTest, PollIsMediaWithItsVotersAndItsTextSearchable) {
  CaptureSink sink;
  ASSERT_TRUE(Run(Group(R"(
    {"id": 1, "type": "message", "date_unixtime": "1000", "from": "Ira Moss", "from_id": "user12",
     "poll": {"question": "Which meeting day?", "closed": false, "total_voters": 14,
              "answers": [{"text": "Monday", "voters": 9, "chosen": false},
                          {"text": "Friday", "voters": 5, "chosen": true}]},
     "text": "", "text_entities": []},
    {"id": 2, "type": "message", "date_unixtime": "1001",
     "poll": {"question": [{"type": "bold", "text": "New"}, " format?"], "closed": true, "total_voters": 0,
              "answers": [{"text": ["yes ", {"type": "custom_emoji", "text": "\u2705", "document_id": "1"}],
                           "voters": 0, "chosen": false}]},
     "text": ""})"),
                  sink)
                  .ok());
  auto msgs = sink.Of<MessageEvent>();
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[0].text, "Which meeting day?\nMonday\nFriday");
  EXPECT_EQ(msgs[0].poll_voters, 14);
  ASSERT_EQ(msgs[0].media.size(), 1u);
  EXPECT_EQ(msgs[0].media[0].kind, "poll");
  EXPECT_EQ(msgs[1].text, "New format?\nyes \u2705");
  EXPECT_EQ(msgs[1].poll_voters, 0);
}

// A forum supergroup: Telegram Desktop writes no topic id. Messages posted in a topic reply to
// its topic_created service message; replies inside the topic follow.
TEST_F(TelegramRealChatsTest, ForumTopicsBecomeThreadsOfTheirChat) {
  CaptureSink sink;
  ASSERT_TRUE(Run(Group(R"(
    {"id": 10, "type": "service", "date_unixtime": "1000", "actor": "Ira Moss", "actor_id": "user12",
     "action": "topic_created", "title": "Book picks", "text": ""},
    {"id": 11, "type": "message", "date_unixtime": "1001", "from_id": "user12", "reply_to_message_id": 10, "text": "first pick"},
    {"id": 12, "type": "message", "date_unixtime": "1002", "from_id": "user13", "reply_to_message_id": 11, "text": "agreed"},
    {"id": 13, "type": "message", "date_unixtime": "1003", "from_id": "user13", "text": "general chat"},
    {"id": 14, "type": "message", "date_unixtime": "1004", "from_id": "user13", "reply_to_message_id": 13, "text": "general reply"},
    {"id": 15, "type": "service", "date_unixtime": "1005", "actor": "Ira Moss", "actor_id": "user12",
     "action": "topic_edit", "new_title": "Book picks 2024", "text": ""},
    {"id": 16, "type": "message", "date_unixtime": "1006", "from_id": "user12", "reply_to_message_id": 12, "text": "deeper"})"),
                  sink)
                  .ok());
  auto msgs = sink.Of<MessageEvent>();
  ASSERT_EQ(msgs.size(), 5u);
  const std::string topic = "telegram:channel1700000001/10";
  EXPECT_EQ(msgs[0].thread, topic);
  EXPECT_EQ(msgs[0].reply_to, topic);
  EXPECT_EQ(msgs[1].thread, topic);
  EXPECT_EQ(msgs[2].thread, "");
  EXPECT_EQ(msgs[3].thread, "");
  EXPECT_EQ(msgs[4].thread, topic);
  EXPECT_EQ(msgs[4].chat, "telegram:channel1700000001");
}

TEST_F(TelegramRealChatsTest, StickersVoiceAndRoundVideosAndCustomEmoji) {
  CaptureSink sink;
  ASSERT_TRUE(Run(Group(R"J(
    {"id": 1, "type": "message", "date_unixtime": "1000", "file": "(File not included. Change data exporting settings to download.)",
     "thumbnail": "(File not included. Change data exporting settings to download.)",
     "media_type": "sticker", "sticker_emoji": "\ud83d\ude00", "width": 512, "height": 512, "text": ""},
    {"id": 2, "type": "message", "date_unixtime": "1001", "file": "voice_messages/audio_1.ogg", "file_name": "audio_1.ogg",
     "media_type": "voice_message", "mime_type": "audio/ogg", "duration_seconds": 4, "text": ""},
    {"id": 3, "type": "message", "date_unixtime": "1002", "file": "round_video_messages/file_1.mp4",
     "media_type": "video_message", "mime_type": "video/mp4", "duration_seconds": 9, "text": ""},
    {"id": 4, "type": "message", "date_unixtime": "1003",
     "text": ["Good news ", {"type": "custom_emoji", "text": "\ud83c\udf89", "document_id": "5368324170671202286"},
              " see ", {"type": "link", "text": "https://example.org/news"}],
     "text_entities": [{"type": "plain", "text": "Good news "},
                       {"type": "custom_emoji", "text": "\ud83c\udf89", "document_id": "5368324170671202286"},
                       {"type": "plain", "text": " see "}, {"type": "link", "text": "https://example.org/news"}]})J"),
                  sink)
                  .ok());
  auto msgs = sink.Of<MessageEvent>();
  ASSERT_EQ(msgs.size(), 4u);
  EXPECT_EQ(msgs[0].media[0].kind, "sticker");
  EXPECT_EQ(msgs[0].media[0].path, "");
  EXPECT_EQ(msgs[1].media[0].kind, "voice_message");
  EXPECT_EQ(msgs[1].media[0].path, "voice_messages/audio_1.ogg");
  EXPECT_EQ(msgs[2].media[0].kind, "video_message");
  EXPECT_EQ(msgs[3].text, "Good news \U0001F389 see https://example.org/news");
  EXPECT_EQ(msgs[3].links, std::vector<std::string>{"https://example.org/news"});
}

}  // namespace
}  // namespace cordon
