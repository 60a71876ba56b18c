// Telegram Desktop result.json: the quirks of the real format, one test each.
#include <gtest/gtest.h>

#include "capture_sink.h"
#include "cordon/ingest/importer.h"
#include "test_util.h"

namespace cordon {
namespace {

using testing::CaptureSink;

class TelegramExportTest : public ::testing::Test {
 protected:
  const Importer& importer() { return *FindImporter("telegram-export"); }

  Status Run(const std::string& json, CaptureSink& sink) {
    path_ = tmp_.File("result.json");
    testing::WriteFile(path_, json);
    return importer().Import(InputFile{path_}, ImportLimits{}, sink);
  }

  // A public channel export around the given messages.
  static std::string Channel(const std::string& messages) {
    return R"({"name": "Lantern Bulletin", "type": "public_channel", "id": 1500000001,
               "messages": [)" +
           messages + "]}";
  }

  testing::TempDir tmp_;
  std::string path_;
};

TEST_F(TelegramExportTest, DateUnixtimeStringIsPreferredOverLocalDate) {
  CaptureSink sink;
  ASSERT_TRUE(Run(Channel(R"({"id": 2, "type": "message", "date": "2019-11-20T11:05:00",
                              "date_unixtime": "1574244300", "text": "hi", "text_entities": []})"),
                  sink)
                  .ok());
  auto msgs = sink.Of<MessageEvent>();
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].time, 1574244300000);
  EXPECT_EQ(msgs[0].key, "telegram:channel1500000001/2");
  EXPECT_EQ(msgs[0].chat, "telegram:channel1500000001");
  EXPECT_TRUE(sink.weirds.empty());
}

TEST_F(TelegramExportTest, LocalDateFallbackIsReadAsUtcAndCountedOnce) {
  CaptureSink sink;
  ASSERT_TRUE(
      Run(Channel(R"({"id": 1, "type": "message", "date": "2019-11-20T11:05:00", "text": "a"},
                             {"id": 2, "type": "message", "date": "2019-11-20T11:06:00", "text": "b"})"),
          sink)
          .ok());
  auto msgs = sink.Of<MessageEvent>();
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[0].time, 1574247900000);
  EXPECT_EQ(msgs[1].time, 1574247960000);
  ASSERT_EQ(sink.weirds.size(), 1u);
  EXPECT_NE(sink.weirds[0].text.find("local time"), std::string::npos);
}

TEST_F(TelegramExportTest, TextAsMixedArrayConcatenatesAndCollectsLinks) {
  CaptureSink sink;
  ASSERT_TRUE(Run(Channel(R"({"id": 3, "type": "message", "date_unixtime": "1574244600",
    "text": ["Read ", {"type": "text_link", "text": "the digest", "href": "https://example.net/d?id=7"},
             " and join ", {"type": "link", "text": "https://t.me/+AbCdEf123"},
             {"type": "bold", "text": " today, "}, "also http://example.org/x"],
    "text_entities": [{"type": "plain", "text": "Read "},
                      {"type": "text_link", "text": "the digest", "href": "https://example.net/d?id=7"},
                      {"type": "plain", "text": " and join "},
                      {"type": "link", "text": "https://t.me/+AbCdEf123"},
                      {"type": "bold", "text": " today, "},
                      {"type": "plain", "text": "also http://example.org/x"}]})"),
                  sink)
                  .ok());
  auto msgs = sink.Of<MessageEvent>();
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].text,
            "Read the digest and join https://t.me/+AbCdEf123 today, also http://example.org/x");
  EXPECT_EQ(msgs[0].links,
            (std::vector<std::string>{"https://example.net/d?id=7", "https://t.me/+AbCdEf123",
                                      "http://example.org/x"}));
}

TEST_F(TelegramExportTest, TextLinkHrefIsTheLinkNotTheVisibleText) {
  CaptureSink sink;
  ASSERT_TRUE(Run(Channel(R"({"id": 4, "type": "message", "date_unixtime": "1574244600",
    "text": [{"type": "text_link", "text": "https://decoy.example/", "href": "https://t.me/joinchat/QwErTy"}],
    "text_entities": [{"type": "text_link", "text": "https://decoy.example/", "href": "https://t.me/joinchat/QwErTy"}]})"),
                  sink)
                  .ok());
  auto msgs = sink.Of<MessageEvent>();
  ASSERT_EQ(msgs.size(), 1u);
  // The href first; the visible text is a URL too, found by the text scan.
  EXPECT_EQ(msgs[0].links,
            (std::vector<std::string>{"https://t.me/joinchat/QwErTy", "https://decoy.example/"}));
}

TEST_F(TelegramExportTest, ServiceMessagesBecomeMembershipsNotMessages) {
  CaptureSink sink;
  ASSERT_TRUE(Run(R"({"name": "Garden Club", "type": "private_group", "id": 880001, "messages": [
    {"id": 1, "type": "service", "date_unixtime": "1000", "actor": "Teo Brand", "actor_id": "user3",
     "action": "create_group", "title": "Garden Club Old", "members": ["Teo Brand", "Mira Sol"], "text": ""},
    {"id": 2, "type": "service", "date_unixtime": "2000", "actor": "Mira Sol", "actor_id": "user1",
     "action": "join_group_by_link", "inviter": "Teo Brand", "text": ""},
    {"id": 3, "type": "service", "date_unixtime": "3000", "actor": "Ari Vale", "actor_id": "user2",
     "action": "invite_members", "members": ["Ari Vale"], "text": ""},
    {"id": 4, "type": "service", "date_unixtime": "4000", "actor": "Ari Vale", "actor_id": "user2",
     "action": "invite_members", "members": ["Someone Else"], "text": ""},
    {"id": 5, "type": "service", "date_unixtime": "5000", "actor": "Mira Sol", "actor_id": "user1",
     "action": "remove_members", "members": ["Mira Sol"], "text": ""},
    {"id": 6, "type": "service", "date_unixtime": "6000", "actor": "Teo Brand", "actor_id": "user3",
     "action": "remove_members", "members": ["Ari Vale"], "text": ""},
    {"id": 7, "type": "service", "date_unixtime": "7000", "actor": "Teo Brand", "actor_id": "user3",
     "action": "pin_message", "message_id": 2, "text": ""},
    {"id": 8, "type": "service", "date_unixtime": "8000", "actor": "Teo Brand", "actor_id": "user3",
     "action": "edit_group_title", "title": "Garden Club", "text": ""}]})",
                  sink)
                  .ok());
  EXPECT_TRUE(sink.Of<MessageEvent>().empty());
  auto members = sink.Of<MemberEvent>();
  ASSERT_EQ(members.size(), 4u);
  EXPECT_EQ(members[0].user, "telegram:user3");
  EXPECT_EQ(members[0].action, MemberAction::kCreator);
  EXPECT_EQ(members[0].chat, "telegram:chat880001");
  EXPECT_EQ(members[1].user, "telegram:user1");
  EXPECT_EQ(members[1].action, MemberAction::kJoin);
  EXPECT_EQ(members[1].reason, "invite link");
  EXPECT_EQ(members[1].time, 2000000);
  EXPECT_EQ(members[2].user, "telegram:user2");
  EXPECT_EQ(members[2].action, MemberAction::kJoin);
  EXPECT_EQ(members[3].user, "telegram:user1");
  EXPECT_EQ(members[3].action, MemberAction::kLeave);
  EXPECT_EQ(members[3].time, 5000000);

  // Creation and rename are entity events for the chat; the chat itself is named last.
  std::vector<EntityEvent> chat;
  for (const auto& e : sink.Of<EntityEvent>()) {
    if (e.key == "telegram:chat880001") chat.push_back(e);
  }
  ASSERT_EQ(chat.size(), 3u);
  EXPECT_EQ(chat[0].name, "Garden Club Old");
  EXPECT_EQ(chat[0].created, 1000000);
  EXPECT_EQ(chat[0].creator, "telegram:user3");
  EXPECT_EQ(chat[1].name, "Garden Club");
  EXPECT_EQ(chat[1].time, 8000000);
  EXPECT_EQ(chat[2].name, "Garden Club");
  EXPECT_EQ(chat[2].kind, EntityKind::kGroup);
  EXPECT_EQ(chat[2].time, 8000000);
}

TEST_F(TelegramExportTest, ChannelCreatedByItselfHasNoCreatorMember) {
  CaptureSink sink;
  ASSERT_TRUE(Run(Channel(R"({"id": 1, "type": "service", "date_unixtime": "1000",
    "actor": "Lantern Bulletin", "actor_id": "channel1500000001", "action": "create_channel",
    "title": "Lantern News", "text": ""})"),
                  sink)
                  .ok());
  EXPECT_TRUE(sink.Of<MemberEvent>().empty());
  auto entities = sink.Of<EntityEvent>();
  ASSERT_EQ(entities.size(), 2u);
  EXPECT_EQ(entities[0].name, "Lantern News");
  EXPECT_EQ(entities[0].created, 1000000);
  EXPECT_FALSE(entities[0].creator.has_value());
  EXPECT_EQ(entities[1].name, "Lantern Bulletin");
  EXPECT_EQ(entities[1].kind, EntityKind::kChannel);
}

TEST_F(TelegramExportTest, MediaPathsOnlyForIncludedFiles) {
  CaptureSink sink;
  ASSERT_TRUE(Run(Channel(R"j(
    {"id": 1, "type": "message", "date_unixtime": "1000", "text": "",
     "photo": "(File not included. Change data exporting settings to download.)", "width": 10, "height": 10},
    {"id": 2, "type": "message", "date_unixtime": "1000", "text": "",
     "photo": "photos/photo_2@20-11-2019_11-05-00.jpg", "width": 10, "height": 10},
    {"id": 3, "type": "message", "date_unixtime": "1000", "text": "",
     "file": "video_files/clip.mp4", "media_type": "video_file", "mime_type": "video/mp4"},
    {"id": 4, "type": "message", "date_unixtime": "1000", "text": "",
     "file": "(File exceeds maximum size. Change data exporting settings to download.)",
     "mime_type": "application/zip"},
    {"id": 5, "type": "message", "date_unixtime": "1000", "text": "", "photo": "/etc/hostname"})j"),
                  sink)
                  .ok());
  auto msgs = sink.Of<MessageEvent>();
  ASSERT_EQ(msgs.size(), 5u);
  for (const auto& m : msgs) ASSERT_EQ(m.media.size(), 1u) << m.key;
  EXPECT_EQ(msgs[0].media[0].kind, "photo");
  EXPECT_EQ(msgs[0].media[0].path, "");
  EXPECT_EQ(msgs[1].media[0].path, "photos/photo_2@20-11-2019_11-05-00.jpg");
  EXPECT_EQ(msgs[2].media[0].kind, "video_file");
  EXPECT_EQ(msgs[2].media[0].path, "video_files/clip.mp4");
  EXPECT_EQ(msgs[3].media[0].kind, "file");
  EXPECT_EQ(msgs[3].media[0].path, "");
  // Kept as written: whether the file may be read is decided at ingest (media_files_test.cc).
  EXPECT_EQ(msgs[4].media[0].path, "/etc/hostname");
  EXPECT_TRUE(sink.weirds.empty());
}

TEST_F(TelegramExportTest, BadMessageIsRejectedWithItsIndexAndTheRestKept) {
  CaptureSink sink;
  ASSERT_TRUE(Run(Channel(R"(
    {"id": 1, "type": "message", "date_unixtime": "1000", "text": "first"},
    {"id": 2, "type": "message", "date_unixtime": "1000", "text": "second", "reply_to_message_id": "abc"},
    {"id": 3, "type": "message", "date_unixtime": "x", "text": "third"},
    "not an object",
    {"id": 5, "type": "message", "date_unixtime": "1000", "text": "fifth"})"),
                  sink)
                  .ok());
  auto msgs = sink.Of<MessageEvent>();
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[0].text, "first");
  EXPECT_EQ(msgs[1].text, "fifth");
  ASSERT_EQ(sink.rejects.size(), 3u);
  EXPECT_EQ(sink.rejects[0].where.file, path_);
  EXPECT_EQ(sink.rejects[0].where.line, 2);
  EXPECT_EQ(sink.rejects[0].text,
            "message 1 (messages[1]): field 'reply_to_message_id': expected an integer");
  EXPECT_EQ(sink.rejects[1].where.line, 3);
  EXPECT_NE(sink.rejects[1].text.find("date_unixtime"), std::string::npos);
  EXPECT_EQ(sink.rejects[2].where.line, 4);
  EXPECT_EQ(sink.rejects[2].text, "message 3 (messages[3]): expected a JSON object");
}

TEST_F(TelegramExportTest, InvalidUtf8IsRepairedAndCounted) {
  CaptureSink sink;
  ASSERT_TRUE(Run(Channel("{\"id\": 1, \"type\": \"message\", \"date_unixtime\": \"1000\", "
                          "\"text\": \"bad \xff byte\"}"),
                  sink)
                  .ok());
  auto msgs = sink.Of<MessageEvent>();
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].text, "bad \xEF\xBF\xBD byte");
  ASSERT_EQ(sink.weirds.size(), 1u);
  EXPECT_NE(sink.weirds[0].text.find("UTF-8"), std::string::npos);
}

TEST_F(TelegramExportTest, TruncatedFileIsCorruptWithOneLineError) {
  std::string full = Channel(R"({"id": 1, "type": "message", "date_unixtime": "1000", "text": "a"},
                                {"id": 2, "type": "message", "date_unixtime": "1000", "text": "b"})");
  CaptureSink sink;
  Status s = Run(full.substr(0, full.size() / 2), sink);
  EXPECT_EQ(s.code(), StatusCode::kCorrupt);
  EXPECT_EQ(s.where().file, path_);
  EXPECT_EQ(s.ToString().find('\n'), std::string::npos) << s.ToString();
  EXPECT_NE(s.message().find("truncated"), std::string::npos) << s.ToString();
  EXPECT_TRUE(sink.events.empty());
}

TEST_F(TelegramExportTest, RootThatIsNotAnExportIsCorrupt) {
  for (const char* doc : {R"({"hello": 1})", "[1, 2]", R"({"chats": {"about": "x"}})",
                          R"({"name": "x", "type": "public_channel", "messages": []})",
                          R"({"name": "x", "type": "nonsense", "id": 4, "messages": []})"}) {
    CaptureSink sink;
    Status s = Run(doc, sink);
    EXPECT_EQ(s.code(), StatusCode::kCorrupt) << doc;
    EXPECT_TRUE(sink.events.empty()) << doc;
  }
}

TEST_F(TelegramExportTest, ChatTypesMapToKeysAndKinds) {
  struct Case {
    const char* type;
    const char* key;
    EntityKind kind;
  };
  for (const Case& c : {Case{"public_channel", "telegram:channel77", EntityKind::kChannel},
                        Case{"private_channel", "telegram:channel77", EntityKind::kChannel},
                        Case{"public_supergroup", "telegram:channel77", EntityKind::kGroup},
                        Case{"private_supergroup", "telegram:channel77", EntityKind::kGroup},
                        Case{"private_group", "telegram:chat77", EntityKind::kGroup},
                        Case{"personal_chat", "telegram:user77", EntityKind::kUser},
                        Case{"bot_chat", "telegram:user77", EntityKind::kBot},
                        Case{"saved_messages", "telegram:user77", EntityKind::kUser}}) {
    CaptureSink sink;
    ASSERT_TRUE(
        Run(std::string(R"({"name": "N", "type": ")") + c.type + R"(", "id": 77, "messages": []})",
            sink)
            .ok());
    auto entities = sink.Of<EntityEvent>();
    ASSERT_EQ(entities.size(), 1u) << c.type;
    EXPECT_EQ(entities[0].key, c.key) << c.type;
    EXPECT_EQ(entities[0].kind, c.kind) << c.type;
    EXPECT_EQ(entities[0].time, 0) << c.type;  // no messages
    EXPECT_EQ(entities[0].name, "N") << c.type;
  }
}

TEST_F(TelegramExportTest, FullAccountReadsChatsAndLeftChats) {
  CaptureSink sink;
  ASSERT_TRUE(Run(R"({"about": "x", "personal_information": {"user_id": 1, "first_name": "T"},
    "chats": {"about": "x", "list": [
      {"name": "A", "type": "public_supergroup", "id": 10, "messages": [
        {"id": 1, "type": "message", "date_unixtime": "1000", "from": "U", "from_id": "user5", "text": "x"},
        {"id": 2, "type": "message", "date_unixtime": "1000", "from": "U", "from_id": 5.5, "text": "x"}]},
      {"name": "B", "type": "weird_kind", "id": 11, "messages": []},
      7]},
    "left_chats": {"about": "x", "list": [
      {"name": "C", "type": "private_channel", "id": 12, "messages": [
        {"id": 9, "type": "message", "date_unixtime": "2000", "from": "C", "from_id": "channel12", "text": "y"}]}]}})",
                  sink)
                  .ok());
  auto msgs = sink.Of<MessageEvent>();
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[0].key, "telegram:channel10/1");
  EXPECT_EQ(msgs[0].from, "telegram:user5");
  EXPECT_EQ(msgs[1].key, "telegram:channel12/9");
  ASSERT_EQ(sink.rejects.size(), 3u);
  EXPECT_EQ(sink.rejects[0].where.line, 2);
  EXPECT_EQ(sink.rejects[0].text.rfind("message 1 (chats.list[0].messages[1]): field 'from_id'", 0),
            0u)
      << sink.rejects[0].text;
  EXPECT_EQ(sink.rejects[1].text, "chat 1 (chats.list[1]): unknown chat type 'weird_kind'");
  EXPECT_EQ(sink.rejects[1].where.line, 2);
  EXPECT_EQ(sink.rejects[2].text, "chat 2 (chats.list[2]): expected a JSON object");
}

TEST_F(TelegramExportTest, SenderEntityOncePerFileTimedAtItsLatestMessage) {
  CaptureSink sink;
  ASSERT_TRUE(Run(R"({"name": "A", "type": "private_supergroup", "id": 10, "messages": [
    {"id": 1, "type": "message", "date_unixtime": "3000", "from": "Mira Sol", "from_id": "user5", "text": "x"},
    {"id": 2, "type": "message", "date_unixtime": "1000", "from": "Mira Sol", "from_id": "user5", "text": "y"},
    {"id": 3, "type": "message", "date_unixtime": "2000", "from": null, "from_id": "user6", "text": "z"},
    {"id": 4, "type": "message", "date_unixtime": "2500", "from": "Old", "from_id": 7, "text": "w"}]})",
                  sink)
                  .ok());
  std::map<std::string, EntityEvent> by_key;
  for (const auto& e : sink.Of<EntityEvent>()) {
    EXPECT_TRUE(by_key.emplace(e.key, e).second) << "twice: " << e.key;
  }
  ASSERT_EQ(by_key.size(), 4u);
  EXPECT_EQ(by_key["telegram:user5"].name, "Mira Sol");
  EXPECT_EQ(by_key["telegram:user5"].kind, EntityKind::kUser);
  EXPECT_EQ(by_key["telegram:user5"].time, 3000000);
  EXPECT_FALSE(by_key["telegram:user6"].name.has_value());
  EXPECT_EQ(by_key["telegram:user7"].name, "Old");  // a bare number: exports before 2020
  EXPECT_EQ(by_key["telegram:channel10"].time, 3000000);
}

TEST_F(TelegramExportTest, ForwardsRepliesAndBots) {
  CaptureSink sink;
  ASSERT_TRUE(Run(Channel(R"(
    {"id": 1, "type": "message", "date_unixtime": "1000", "text": "a", "forwarded_from": "Quiet Harbor",
     "via_bot": "@relay_helper_bot", "reply_to_message_id": 7, "reply_to_peer_id": "channel99"},
    {"id": 2, "type": "message", "date_unixtime": "1000", "text": "b", "forwarded_from": null},
    {"id": 3, "type": "message", "date_unixtime": "1000", "text": "c", "saved_from": "Other Chat",
     "reply_to_message_id": 1})"),
                  sink)
                  .ok());
  auto msgs = sink.Of<MessageEvent>();
  ASSERT_EQ(msgs.size(), 3u);
  ASSERT_TRUE(msgs[0].forward.has_value());
  EXPECT_EQ(msgs[0].forward->name, "Quiet Harbor");
  EXPECT_EQ(msgs[0].forward->chat, "");
  EXPECT_FALSE(msgs[0].forward->time.has_value());
  EXPECT_EQ(msgs[0].via_bot, "@relay_helper_bot");
  EXPECT_EQ(msgs[0].reply_to, "telegram:channel99/7");
  ASSERT_TRUE(msgs[1].forward.has_value());  // forwarded from a deleted account
  EXPECT_EQ(msgs[1].forward->name, "");
  ASSERT_TRUE(msgs[2].forward.has_value());
  EXPECT_EQ(msgs[2].forward->name, "Other Chat");
  EXPECT_EQ(msgs[2].reply_to, "telegram:channel1500000001/1");
}

TEST_F(TelegramExportTest, UnsupportedAndUnknownMessagesAreWeird) {
  CaptureSink sink;
  ASSERT_TRUE(Run(Channel(R"({"id": 6, "type": "unsupported"},
                             {"id": 7, "type": "hologram", "date_unixtime": "1000"})"),
                  sink)
                  .ok());
  EXPECT_TRUE(sink.Of<MessageEvent>().empty());
  EXPECT_TRUE(sink.rejects.empty());
  ASSERT_EQ(sink.weirds.size(), 2u);
  EXPECT_EQ(sink.weirds[0].where.line, 1);
  EXPECT_EQ(sink.weirds[1].where.line, 2);
}

TEST_F(TelegramExportTest, SniffPrefersExportsAndLeavesOthers) {
  const Importer& tde = importer();
  const Importer& tth = *FindImporter("telethon");
  const std::string single = Channel(R"({"id": 1, "type": "message", "date_unixtime": "1000"})");
  const std::string account =
      "{\n \"about\": \"Here is the data you requested.\",\n \"personal_information\": {}";
  const std::string old_export =
      "{\n \"name\": \"A\",\n \"type\": \"public_channel\",\n \"id\": 1,\n"
      " \"messages\": [\n  {\n   \"id\": 1,\n   \"type\": \"message\"";
  const std::string telethon = R"({"_": "Message", "id": 1, "peer_id": {"_": "PeerChannel"}})";
  EXPECT_GE(tde.Sniff("x/result.json", single), 80);
  EXPECT_GT(tde.Sniff("x/result.json", single), tth.Sniff("x/result.json", single));
  EXPECT_GE(tde.Sniff("x/result.json", account), 80);
  EXPECT_GT(tde.Sniff("x/result.json", old_export), 0);
  EXPECT_LT(tde.Sniff("x/result.txt", single), tde.Sniff("x/result.json", single));
  EXPECT_EQ(tde.Sniff("x/m.ndjson", telethon), 0);
  EXPECT_EQ(tde.Sniff("x/a.json", "[1,2]"), 0);
  EXPECT_EQ(tde.Sniff("x/a.json", R"({"type": "message", "key": "telegram:channel1/1"})"), 0);
  // A chat exported with no messages in the chosen period is still an export.
  const std::string empty =
      "{\n \"name\": \"A\",\n \"type\": \"private_channel\",\n \"id\": 1,\n \"messages\": []\n}";
  EXPECT_GT(tde.Sniff("x/result.json", empty), 0);
  EXPECT_GT(tde.Sniff("x/result.json", empty), tth.Sniff("x/result.json", empty));
}

// A whole document has the same limit: 64 levels from its root are read, 65 are not.
TEST_F(TelegramExportTest, DepthLimitIs64LevelsFromTheRoot) {
  // Root object (1), messages array (2), the message (3): the field adds the rest.
  auto doc = [](int levels) {
    const size_t n = static_cast<size_t>(levels - 3);
    return Channel(R"({"id": 2, "type": "message", "date_unixtime": "1574244300", "text": "hi",
                       "x": )" +
                   std::string(n, '[') + "1" + std::string(n, ']') + "}");
  };
  CaptureSink at64;
  EXPECT_TRUE(Run(doc(64), at64).ok());
  EXPECT_EQ(at64.Of<MessageEvent>().size(), 1u);
  EXPECT_TRUE(at64.rejects.empty()) << at64.rejects[0].text;
  CaptureSink at65;
  const Status s = Run(doc(65), at65);
  EXPECT_TRUE(at65.Of<MessageEvent>().empty());
  EXPECT_TRUE(!s.ok() || !at65.rejects.empty()) << "depth 65 was read";
}

}  // namespace
}  // namespace cordon
