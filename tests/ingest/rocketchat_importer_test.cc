#include <gtest/gtest.h>

#include <algorithm>

#include "cordon/ingest/importer.h"
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
  void OnReject(const Location& where, std::string_view reason) override {
    rejects.push_back({where, std::string(reason)});
  }
  void OnWeird(std::string_view, std::string_view what, const Location& where) override {
    weird.push_back({where, std::string(what)});
  }
  int64_t WeirdCount(const std::string& prefix) const {
    return std::count_if(weird.begin(), weird.end(),
                         [&](const auto& w) { return w.second.starts_with(prefix); });
  }
  std::vector<std::string> events;
  std::vector<std::pair<Location, std::string>> rejects, weird;
};

// Imports `text` written to <tmp>/<rel_path>.
Sink Import(const std::string& rel_path, const std::string& text, Status* status = nullptr) {
  testing::TempDir tmp;
  testing::WriteFile(tmp.path() / rel_path, text);
  Sink sink;
  Status s = MakeRocketChatImporter()->Import(InputFile{tmp.File(rel_path)}, {}, sink);
  if (status != nullptr) {
    *status = s;
  } else {
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  return sink;
}

// channels.history: newest first, times as ISO strings.
const char kHistory[] = R"({
  "messages": [
    {"_id": "m6", "rid": "GENERAL", "msg": "", "ts": "2019-11-22T10:06:00.000Z",
     "u": {"_id": "u1", "username": "alpha", "name": "Alpha One"},
     "attachments": [{"title": "leaflet.pdf", "title_link": "/file-upload/f1/leaflet.pdf",
                      "type": "file", "description": "read this"}]},
    {"_id": "m5", "rid": "GENERAL", "msg": "moved to https://chat.example.org/channel/Backup and t.me/Alpha_News",
     "ts": "2019-11-22T10:05:00.000Z", "editedAt": "2019-11-22T10:05:30.000Z", "tmid": "m1",
     "u": {"_id": "u1", "username": "alpha", "name": "Alpha 1"},
     "urls": [{"url": "https://chat.example.org/channel/Backup", "meta": {}}]},
    {"_id": "m4", "rid": "GENERAL", "msg": "beta", "t": "au", "ts": "2019-11-22T10:04:00.000Z",
     "u": {"_id": "u1", "username": "alpha", "name": "Alpha One"}},
    {"_id": "m3", "rid": "GENERAL", "msg": "alpha", "t": "uj", "ts": "2019-11-22T10:03:00.000Z",
     "u": {"_id": "u1", "username": "alpha", "name": "Alpha One"}},
    {"_id": "m2", "rid": "GENERAL", "msg": "no time", "u": {"_id": "u2", "username": "beta"}},
    {"_id": "m1", "rid": "GENERAL", "msg": "look", "ts": "2019-11-22T10:01:00.000Z",
     "u": {"_id": "u2", "username": "beta", "name": "Beta"},
     "attachments": [{"image_url": "/file-upload/i1/x.jpg", "image_type": "image/jpeg"},
                     {"text": "quoted", "message_link": "https://chat.example.org/channel/general?msg=m0"}]}
  ],
  "count": 6, "offset": 0, "total": 6, "success": true
}
)";

TEST(RocketChatImporter, ReadsAChannelHistory) {
  const std::string text = kHistory;
  Sink sink = Import("chat.example.org/general.json", text);
  const std::string k = "rocketchat:chat.example.org/";
  EXPECT_EQ(
      sink.events,
      (std::vector<std::string>{
          R"({"type":"message","key":")" + k + R"(GENERAL/m6","chat":")" + k +
              R"(GENERAL","time":"2019-11-22T10:06:00Z","from":")" + k +
              R"(u1","text":"read this","media":[{"kind":"file","path":"https://chat.example.org/file-upload/f1/leaflet.pdf"}]})",
          R"({"type":"message","key":")" + k + R"(GENERAL/m5","chat":")" + k +
              R"(GENERAL","time":"2019-11-22T10:05:00Z","from":")" + k +
              R"(u1","text":"moved to https://chat.example.org/channel/Backup and t.me/Alpha_News","links":["https://chat.example.org/channel/Backup","t.me/Alpha_News"],"reply_to":")" +
              k + R"(GENERAL/m1"})",
          R"({"type":"member","chat":")" + k + R"(GENERAL","user":")" + k +
              R"(u1","time":"2019-11-22T10:03:00Z","action":"join"})",
          R"({"type":"message","key":")" + k + R"(GENERAL/m1","chat":")" + k +
              R"(GENERAL","time":"2019-11-22T10:01:00Z","from":")" + k +
              R"(u2","text":"look","media":[{"kind":"image","path":"https://chat.example.org/file-upload/i1/x.jpg"}]})",
          // Entities: once per name, at the earliest time each was seen.
          R"({"type":"entity","key":")" + k +
              R"(u1","kind":"user","time":"2019-11-22T10:03:00Z","name":"Alpha One","username":"alpha"})",
          R"({"type":"entity","key":")" + k +
              R"(GENERAL","kind":"group","time":"2019-11-22T10:01:00Z"})",
          R"({"type":"entity","key":")" + k +
              R"(u1","kind":"user","time":"2019-11-22T10:05:00Z","name":"Alpha 1","username":"alpha"})",
          R"({"type":"entity","key":")" + k +
              R"(u2","kind":"user","time":"2019-11-22T10:01:00Z","name":"Beta","username":"beta"})",
          // "au" names beta by username; beta's id comes from an older message further down.
          R"({"type":"member","chat":")" + k + R"(GENERAL","user":")" + k +
              R"(u2","time":"2019-11-22T10:04:00Z","action":"join","reason":"added by @alpha"})"}));
  ASSERT_EQ(sink.rejects.size(), 1u);
  EXPECT_EQ(sink.rejects[0].second, "missing field 'ts'");
  const size_t m2 = text.rfind('{', text.find("\"m2\""));
  EXPECT_EQ(sink.rejects[0].first.line,
            1 + std::count(text.begin(), text.begin() + static_cast<ptrdiff_t>(m2), '\n'));
  EXPECT_EQ(sink.rejects[0].first.offset, static_cast<int64_t>(m2));
  EXPECT_TRUE(sink.weird.empty());
}

TEST(RocketChatImporter, TakesTheHostFromTheNearestHostLikeDirectory) {
  const std::string msg =
      R"({"_id":"m1","rid":"R","msg":"x","ts":{"$date":1574416800000},"u":{"_id":"u1"}})"
      "\n";
  auto chat_of = [&](const std::string& path) {
    Sink sink = Import(path, msg);
    EXPECT_FALSE(sink.events.empty());
    return sink.events.empty() ? "" : sink.events[0].substr(0, sink.events[0].find("/R/m1"));
  };
  EXPECT_EQ(chat_of("Chat.Example.ORG/2019/11/m.ndjson"),
            R"({"type":"message","key":"rocketchat:chat.example.org)");
  EXPECT_EQ(chat_of("10.0.0.5:3000/m.ndjson"),
            R"({"type":"message","key":"rocketchat:10.0.0.5:3000)");
  EXPECT_EQ(chat_of("export-1.2/m.ndjson"), R"({"type":"message","key":"rocketchat:local)");
  EXPECT_EQ(chat_of(".hidden.d/m.ndjson"), R"({"type":"message","key":"rocketchat:local)");
}

TEST(RocketChatImporter, ReadsMongoexportLinesAndSystemMessages) {
  std::string in;
  auto line = [&](const std::string& s) { in += s + "\n"; };
  line(
      R"({"_id":"a1","rid":"ROOM","msg":"hello","ts":{"$date":{"$numberLong":"1574416800000"}},"u":{"_id":"u1","username":"alpha"},"mentions":[{"_id":"u9","username":"gamma"}]})");
  line(
      R"({"_id":"a2","rid":"ROOM","msg":"gamma","t":"ru","ts":{"$date":"2019-11-22T10:01:00Z"},"u":{"_id":"u1","username":"alpha"}})");
  line(
      R"({"_id":"a3","rid":"ROOM","msg":"gamma","t":"subscription-role-added","role":"moderator","ts":1574416920000,"u":{"_id":"u1","username":"alpha"}})");
  line(
      R"({"_id":"a4","rid":"ROOM","msg":"nobody","t":"au","ts":1574416980000,"u":{"_id":"u1","username":"alpha"}})");
  line(
      R"({"_id":"a5","rid":"ROOM","msg":"New Name","t":"r","ts":1574417040000,"u":{"_id":"u1","username":"alpha"}})");
  line(
      R"({"_id":"a6","rid":"ROOM","msg":"the topic","t":"room_changed_topic","ts":1574417100000,"u":{"_id":"u1","username":"alpha"}})");
  line(
      R"({"_id":"a7","rid":"ROOM","msg":"","t":"ul","ts":1574417160000,"u":{"_id":"u1","username":"alpha"}})");
  line(
      R"({"_id":"a8","rid":"ROOM","msg":"","t":"rm","ts":1574417220000,"u":{"_id":"u1","username":"alpha"}})");
  line(
      R"({"_id":"a9","rid":"ROOM","msg":"x","t":"user-muted","ts":1574417280000,"u":{"_id":"u1","username":"alpha"}})");
  // An edit keeps the old version as a hidden copy; the bot's message; a direct message.
  line(
      R"({"_id":"b1","rid":"ROOM","msg":"old","_hidden":true,"parent":"a1","ts":1574417300000,"u":{"_id":"u1"}})");
  line(
      R"({"_id":"b2","rid":"ROOM","msg":"beep","bot":{"i":"x"},"ts":1574417400000,"u":{"_id":"bot1","username":"helper.bot"}})");
  line(
      R"({"_id":"b3","rid":"u1u2","msg":"psst","ts":1574417460000,"u":{"_id":"u1","username":"alpha"}})");
  Sink sink = Import("chat.example.org/messages.ndjson", in);
  EXPECT_TRUE(sink.rejects.empty()) << sink.rejects.front().second;
  const std::string k = "rocketchat:chat.example.org/";
  EXPECT_EQ(
      sink.events,
      (std::vector<std::string>{
          R"({"type":"message","key":")" + k + R"(ROOM/a1","chat":")" + k +
              R"(ROOM","time":"2019-11-22T10:00:00Z","from":")" + k + R"(u1","text":"hello"})",
          R"({"type":"member","chat":")" + k + R"(ROOM","user":")" + k +
              R"(u1","time":"2019-11-22T10:06:00Z","action":"leave"})",
          R"({"type":"message","key":")" + k + R"(ROOM/b2","chat":")" + k +
              R"(ROOM","time":"2019-11-22T10:10:00Z","from":")" + k + R"(bot1","text":"beep"})",
          R"({"type":"message","key":")" + k + R"(u1u2/b3","chat":")" + k +
              R"(u1u2","time":"2019-11-22T10:11:00Z","from":")" + k + R"(u1","text":"psst"})",
          R"({"type":"entity","key":")" + k +
              R"(u1","kind":"user","time":"2019-11-22T10:00:00Z","username":"alpha"})",
          R"({"type":"entity","key":")" + k +
              R"(ROOM","kind":"group","time":"2019-11-22T10:00:00Z"})",
          R"({"type":"entity","key":")" + k +
              R"(ROOM","kind":"group","time":"2019-11-22T10:04:00Z","name":"New Name"})",
          R"({"type":"entity","key":")" + k +
              R"(ROOM","kind":"group","time":"2019-11-22T10:05:00Z","about":"the topic"})",
          R"({"type":"entity","key":")" + k +
              R"(bot1","kind":"bot","time":"2019-11-22T10:10:00Z","username":"helper.bot"})",
          // Targets named by username: gamma is known from a mention, nobody is not.
          R"({"type":"member","chat":")" + k + R"(ROOM","user":")" + k +
              R"(u9","time":"2019-11-22T10:01:00Z","action":"leave","reason":"removed by @alpha"})",
          R"({"type":"member","chat":")" + k + R"(ROOM","user":")" + k +
              R"(u9","time":"2019-11-22T10:02:00Z","action":"admin","reason":"role moderator"})",
          R"({"type":"member","chat":")" + k + R"(ROOM","user":")" + k +
              R"(@nobody","time":"2019-11-22T10:03:00Z","action":"join","reason":"added by @alpha"})"}));
  EXPECT_EQ(sink.WeirdCount("rocketchat user known by username only"), 1);
  EXPECT_EQ(sink.WeirdCount("rocketchat removed message"), 1);
  EXPECT_EQ(sink.WeirdCount("rocketchat system message not read: user-muted"), 1);
  EXPECT_EQ(sink.WeirdCount("rocketchat hidden message"), 1);
  EXPECT_EQ(sink.weird.size(), 4u);
}

TEST(RocketChatImporter, ReadsSyncMessagesArraysAndSingleMessages) {
  Sink sync = Import("r/sync.json", R"({"result": {
    "updated": [{"_id": "m1", "rid": "R", "msg": "x", "ts": "2019-11-22T10:00:00.000Z", "u": {"_id": "u1"}}],
    "deleted": [{"_id": "m0", "_deletedAt": "2019-11-22T09:00:00.000Z"}]
  }, "success": true}
)");
  EXPECT_EQ(sync.events.size(), 3u);  // message, user, room
  EXPECT_EQ(sync.WeirdCount("rocketchat deleted message"), 1);
  EXPECT_EQ(sync.weird[0].first.line, 3);

  Sink array = Import("r/array.json", R"([
  {"_id": "m1", "rid": "R", "msg": "x", "ts": "2019-11-22T10:00:00.000Z"},
  "junk",
  {"_id": "m2", "rid": "R", "msg": "y", "ts": "2019-11-22T10:00:01.000Z"}
]
)");
  EXPECT_EQ(array.events.size(), 3u);  // two messages (no sender) and the room
  ASSERT_EQ(array.rejects.size(), 1u);
  EXPECT_EQ(array.rejects[0].first.line, 3);

  Sink single = Import("r/one.json", R"({"message": {"_id": "m1", "rid": "R", "msg": "x",
    "ts": "2019-11-22T10:00:00.000Z"}, "success": true}
)");
  EXPECT_EQ(single.events.size(), 2u);
}

TEST(RocketChatImporter, RejectsBadMessagesWithTheirLineAndKeepsTheRest) {
  const std::string good =
      R"({"_id":"ok","rid":"R","msg":"fine","ts":"2019-11-22T10:00:00Z","u":{"_id":"u1"}})";
  std::string in = good + "\n";
  for (
      const char* bad : {
          R"({"rid":"R","ts":"2019-11-22T10:00:00Z"})",
          R"({"_id":"x","rid":"R","ts":"yesterday"})",
          R"({"_id":"x/y","rid":"R","ts":"2019-11-22T10:00:00Z"})",
          R"({"_id":"x","rid":"R","ts":"2019-11-22T10:00:00Z","u":{"username":"a"}})",
          R"({"_id":"x","rid":"R","ts":"2019-11-22T10:00:00Z","u":"alpha"})",
          R"({"_id":"x","rid":"R","ts":"2019-11-22T10:00:00Z","t":"uj"})",
          R"({"_id":"x","rid":"R","ts":"2019-11-22T10:00:00Z","t":"au","msg":"","u":{"_id":"u1"}})",
          R"({"_id":"x","rid":"R","ts":{"$date":{"$date":{"$date":1}}}})",
          R"({"_id":"x","rid":"R","ts":1,"attachments":{}})",
          "{oops",
      }) {
    in += std::string(bad) + "\n";
  }
  in += good + "\n";
  Sink sink = Import("c.example.org/bad.ndjson", in);
  std::vector<std::pair<int64_t, std::string>> got;
  for (const auto& [where, why] : sink.rejects) got.emplace_back(where.line, why);
  EXPECT_EQ(got, (std::vector<std::pair<int64_t, std::string>>{
                     {2, "missing field '_id'"},
                     {3, "field 'ts': expected a date"},
                     {4, "field '_id' or 'rid': bad id"},
                     {5, "u: missing field '_id'"},
                     {6, "field 'u': expected an object"},
                     {7, "missing field 'u'"},
                     {8, "field 'msg': expected the username acted on"},
                     {9, "field 'ts': expected a date"},
                     {10, "field 'attachments': expected an array"},
                     {11,
                      "not JSON: The JSON document has an improper structure: missing or "
                      "superfluous commas, braces, missing keys, etc."}}));
  // Both good messages (one key) and their user and room.
  EXPECT_EQ(std::count_if(
                sink.events.begin(), sink.events.end(),
                [](const std::string& e) { return e.find("\"message\"") != std::string::npos; }),
            2);
}

TEST(RocketChatImporter, SniffsItsShapesOnly) {
  auto imp = MakeRocketChatImporter();
  EXPECT_EQ(imp->Sniff("h.json", kHistory), 90);
  EXPECT_EQ(imp->Sniff("m.ndjson", R"({"_id":"a","rid":"b","ts":{"$date":1}})"), 90);
  EXPECT_EQ(imp->Sniff("t.json", R"({"name":"x","type":"public_channel","messages":[{"id":1}]})"),
            0);
  EXPECT_EQ(imp->Sniff("m.json", R"({"chunk":[{"event_id":"$a","origin_server_ts":1}]})"), 0);
  EXPECT_EQ(imp->Sniff("x.txt", "rid _id msg"), 0);
}

}  // namespace
}  // namespace cordon
