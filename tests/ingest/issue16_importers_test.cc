// Issue #16, defects 3-5: Matrix's older alias list, one rule for mentions on every platform
// (docs/formats/links.md, "Mentions are not links"), and Rocket.Chat discussions.
#include <gtest/gtest.h>

#include <algorithm>

#include "capture_sink.h"
#include "cordon/ingest/importer.h"
#include "test_util.h"

namespace cordon {
namespace {

using testing::CaptureSink;

CaptureSink ImportAs(const char* importer, const std::string& file, const std::string& text) {
  testing::TempDir tmp;
  testing::WriteFile(tmp.path() / file, text);
  CaptureSink sink;
  Status s = FindImporter(importer)->Import(InputFile{tmp.File(file)}, {}, sink);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return sink;
}

bool HasWeird(const CaptureSink& sink, std::string_view name) {
  return std::find(sink.weird_names.begin(), sink.weird_names.end(), name) !=
         sink.weird_names.end();
}

// ---- Defect 3: m.room.aliases

TEST(MatrixAliases, OlderAliasListGivesTheRoomItsAliases) {
  const std::string ev = R"({"type": "m.room.aliases", "state_key": "hearth.example",
    "event_id": "$al1", "room_id": "!plaza:hearth.example", "sender": "@keeper:hearth.example",
    "origin_server_ts": 1574416800000,
    "content": {"aliases": ["#commons:hearth.example", "#annex:hearth.example",
                            "#elsewhere:other.example", "not-an-alias"]}})";
  CaptureSink sink = ImportAs("matrix", "aliases.ndjson", ev + "\n");
  EXPECT_TRUE(sink.rejects.empty());
  EXPECT_TRUE(sink.weirds.empty()) << sink.weirds.front().text;
  auto entities = sink.Of<EntityEvent>();
  ASSERT_EQ(entities.size(), 2u);
  for (const EntityEvent& e : entities) {
    EXPECT_EQ(e.key, "matrix:!plaza:hearth.example");
    EXPECT_EQ(e.kind, EntityKind::kGroup);
    EXPECT_EQ(e.time, 1574416800000);
  }
  // Only the aliases of the server that lists them (the state_key).
  EXPECT_EQ(entities[0].username, "#commons:hearth.example");
  EXPECT_EQ(entities[1].username, "#annex:hearth.example");
}

TEST(MatrixAliases, EmptyListGivesNothingAndABadOneIsRejected) {
  const std::string head = R"({"type": "m.room.aliases", "state_key": "hearth.example",
    "event_id": "$al2", "room_id": "!plaza:hearth.example", "sender": "@keeper:hearth.example",
    "origin_server_ts": 1574416800000, "content": )";
  CaptureSink empty = ImportAs("matrix", "a.ndjson", head + R"({"aliases": []}})" + "\n");
  EXPECT_TRUE(empty.events.empty());
  EXPECT_TRUE(empty.weirds.empty());
  EXPECT_TRUE(empty.rejects.empty());
  CaptureSink bad = ImportAs("matrix", "b.ndjson", head + R"({"aliases": [7]}})" + "\n");
  EXPECT_TRUE(bad.events.empty());
  ASSERT_EQ(bad.rejects.size(), 1u);
  EXPECT_NE(bad.rejects[0].text.find("aliases"), std::string::npos);
}

// ---- Defect 4: mentions are not links, on every platform

TEST(Mentions, MatrixUserPillIsNotALinkButARoomLinkIs) {
  const std::string ev = R"({"type": "m.room.message", "event_id": "$m1",
    "room_id": "!plaza:hearth.example", "sender": "@keeper:hearth.example",
    "origin_server_ts": 1574416800000, "content": {"msgtype": "m.text",
    "body": "Porter: come to Commons",
    "format": "org.matrix.custom.html",
    "formatted_body": "<a href=\"https://matrix.to/#/@porter:hearth.example\">Porter</a>: come to <a href=\"https://matrix.to/#/#commons:hearth.example\">Commons</a>"}})";
  CaptureSink sink = ImportAs("matrix", "m.ndjson", ev + "\n");
  auto msgs = sink.Of<MessageEvent>();
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].links,
            (std::vector<std::string>{"https://matrix.to/#/#commons:hearth.example"}));
}

TEST(Mentions, MatrixUserLinkWrittenInTheTextStaysALink) {
  const std::string ev = R"({"type": "m.room.message", "event_id": "$m2",
    "room_id": "!plaza:hearth.example", "sender": "@keeper:hearth.example",
    "origin_server_ts": 1574416800000, "content": {"msgtype": "m.text",
    "body": "write to https://matrix.to/#/@porter:hearth.example"}})";
  CaptureSink sink = ImportAs("matrix", "m.ndjson", ev + "\n");
  auto msgs = sink.Of<MessageEvent>();
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].links,
            (std::vector<std::string>{"https://matrix.to/#/@porter:hearth.example"}));
}

TEST(Mentions, TelegramExportInlineUserMentionIsNotALink) {
  const std::string doc = R"({"name": "Lantern Bulletin", "type": "public_channel",
    "id": 1500000001, "messages": [{"id": 1, "type": "message", "date_unixtime": "1574416800",
    "text": [{"type": "text_link", "text": "Porter", "href": "tg://user?id=4242"}, " and ",
             {"type": "text_link", "text": "the annex", "href": "https://t.me/+AnnexCode1"}],
    "text_entities": [{"type": "text_link", "text": "Porter", "href": "tg://user?id=4242"},
                      {"type": "plain", "text": " and "},
                      {"type": "text_link", "text": "the annex", "href": "https://t.me/+AnnexCode1"}]}]})";
  CaptureSink sink = ImportAs("telegram-export", "result.json", doc);
  auto msgs = sink.Of<MessageEvent>();
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].links, (std::vector<std::string>{"https://t.me/+AnnexCode1"}));
}

TEST(Mentions, TelethonInlineUserMentionIsNotALink) {
  const std::string line = R"({"_": "Message", "id": 3,
    "peer_id": {"_": "PeerChannel", "channel_id": 1500000001},
    "date": "2019-11-22T10:00:00+00:00", "message": "Porter and the annex",
    "entities": [{"_": "MessageEntityTextUrl", "offset": 0, "length": 6, "url": "tg://user?id=4242"},
                 {"_": "MessageEntityTextUrl", "offset": 11, "length": 9, "url": "https://t.me/+AnnexCode1"}]})";
  std::string one_line = line;  // NDJSON: one record per line
  std::replace(one_line.begin(), one_line.end(), '\n', ' ');
  CaptureSink sink = ImportAs("telethon", "messages.ndjson", one_line + "\n");
  auto msgs = sink.Of<MessageEvent>();
  ASSERT_EQ(msgs.size(), 1u) << (sink.rejects.empty() ? "" : sink.rejects[0].text);
  EXPECT_EQ(msgs[0].links, (std::vector<std::string>{"https://t.me/+AnnexCode1"}));
}

// ---- Defect 5: Rocket.Chat discussions

TEST(RocketChatDiscussion, DiscussionAndParentRoomAreMapped) {
  const std::string in =
      R"({"_id":"d0","rid":"PARENT","t":"discussion-created","msg":"Harvest plans","drid":"SUBROOM","ts":1574416800000,"u":{"_id":"u1","username":"keeper"}})"
      "\n"
      R"({"_id":"d1","rid":"SUBROOM","msg":"first in the discussion","ts":1574416860000,"u":{"_id":"u1","username":"keeper"}})"
      "\n";
  CaptureSink sink = ImportAs("rocketchat", "chat.example.org/m.ndjson", in);
  EXPECT_TRUE(sink.rejects.empty()) << sink.rejects.front().text;
  EXPECT_FALSE(HasWeird(sink, "rocketchat_system_message_not_read"));
  const std::string k = "rocketchat:chat.example.org/";
  auto msgs = sink.Of<MessageEvent>();
  ASSERT_EQ(msgs.size(), 2u);
  // The opening, as clients show it in the parent room.
  EXPECT_EQ(msgs[0].key, k + "PARENT/d0");
  EXPECT_EQ(msgs[0].chat, k + "PARENT");
  EXPECT_EQ(msgs[0].from, k + "u1");
  EXPECT_EQ(msgs[0].text, "Harvest plans");
  EXPECT_EQ(msgs[1].chat, k + "SUBROOM");
  // The discussion is a room with its name, creation time and creator.
  bool named = false;
  for (const EntityEvent& e : sink.Of<EntityEvent>()) {
    if (e.key != k + "SUBROOM" || e.name != "Harvest plans") continue;
    named = true;
    EXPECT_EQ(e.kind, EntityKind::kGroup);
    EXPECT_EQ(e.created, 1574416800000);
    EXPECT_EQ(e.creator, k + "u1");
  }
  EXPECT_TRUE(named);
  auto members = sink.Of<MemberEvent>();
  ASSERT_EQ(members.size(), 1u);
  EXPECT_EQ(members[0].chat, k + "SUBROOM");
  EXPECT_EQ(members[0].user, k + "u1");
  EXPECT_EQ(members[0].action, MemberAction::kCreator);
  // The parent room is a room too.
  auto entities = sink.Entities();
  EXPECT_EQ(entities.count(k + "PARENT"), 1u);
}

TEST(RocketChatDiscussion, WithoutItsRoomIdIsRejected) {
  CaptureSink sink = ImportAs(
      "rocketchat", "chat.example.org/m.ndjson",
      R"({"_id":"d0","rid":"PARENT","t":"discussion-created","msg":"x","ts":1574416800000,"u":{"_id":"u1"}})"
      "\n");
  ASSERT_EQ(sink.rejects.size(), 1u);
  EXPECT_EQ(sink.rejects[0].text, "missing field 'drid'");
}

}  // namespace
}  // namespace cordon
