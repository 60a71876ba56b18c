#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "cordon/ingest/importer.h"
#include "cordon/model/event_json.h"
#include "matrix_examples.h"
#include "test_util.h"

namespace cordon {
namespace {

namespace fs = std::filesystem;

// Keeps events as cordon events v1 lines, so tests compare whole events.
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
  bool Has(const std::string& event) const {
    return std::find(events.begin(), events.end(), event) != events.end();
  }
  int64_t WeirdCount(const std::string& prefix) const {
    return std::count_if(weird.begin(), weird.end(),
                         [&](const auto& w) { return w.second.starts_with(prefix); });
  }
  std::vector<std::string> events;
  std::vector<std::pair<Location, std::string>> rejects, weird;
};

Sink Import(const std::string& file_name, const std::string& text, Status* status = nullptr) {
  testing::TempDir tmp;
  testing::WriteFile(tmp.path() / file_name, text);
  Sink sink;
  Status s = MakeMatrixImporter()->Import(InputFile{tmp.File(file_name)}, {}, sink);
  if (status != nullptr) {
    *status = s;
  } else {
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  return sink;
}

// The 1-based line and byte offset of the '{' that opens the object containing `marker`.
std::pair<int64_t, int64_t> PlaceOf(const std::string& text, const std::string& marker) {
  size_t at = text.rfind('{', text.find(marker));
  return {1 + std::count(text.begin(), text.begin() + static_cast<ptrdiff_t>(at), '\n'),
          static_cast<int64_t>(at)};
}

// ---- The specification's own examples (shared/data/matrix) ----

TEST(MatrixImporter, ReadsTheSpecificationExamples) {
  const fs::path dir = testing::MatrixExamplesDir();
  if (!fs::exists(dir)) GTEST_SKIP() << "no " << dir;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".yaml") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 15u);
  std::string ndjson;
  for (const auto& f : files) {
    std::string line = testing::LoadMatrixExample(f);
    ASSERT_FALSE(line.empty()) << f;
    ndjson += line + "\n";
  }
  Sink sink = Import("examples.ndjson", ndjson);
  EXPECT_TRUE(sink.rejects.empty()) << sink.rejects.front().second;
  const std::string room = "matrix:!jEsUZKDJdhlrceRyVU:example.org";
  const std::string msg =
      R"({"type":"message","key":")" + room + R"(/$143273582443PhrSn:example.org","chat":")" +
      room + R"(","time":"2015-05-27T14:10:24.653Z","from":"matrix:@example:example.org")";
  EXPECT_TRUE(sink.Has(msg + R"(,"text":"This is an example text message"})"));
  EXPECT_TRUE(sink.Has(
      msg + R"(,"media":[{"kind":"image","path":"mxc://example.org/JWEIFJgwEIhweiWJE"}]})"));
  EXPECT_TRUE(sink.Has(
      msg + R"(,"media":[{"kind":"file","path":"mxc://example.org/FHyPlCeYUSFFxlgbQYZmoEoe"}]})"));
  EXPECT_TRUE(sink.Has(
      msg + R"(,"media":[{"kind":"video","path":"mxc://example.org/a526eYUSFFxlgbQYZmo442"}]})"));
  // The tombstone: the message clients show, with a link to the new room.
  EXPECT_TRUE(sink.Has(
      msg +
      R"(,"text":"This room has been replaced","links":["https://matrix.to/#/!newroom:example.org"]})"));
  EXPECT_TRUE(sink.Has(
      R"({"type":"entity","key":"matrix:@alice:example.org","kind":"user","time":"2015-05-27T14:10:24.653Z","name":"Alice Margatroid"})"));
  EXPECT_TRUE(sink.Has(
      R"({"type":"member","chat":")" + room +
      R"(","user":"matrix:@alice:example.org","time":"2015-05-27T14:10:24.653Z","action":"join","reason":"Looking for support"})"));
  // Room version 11 dropped "creator": the sender created the room.
  EXPECT_TRUE(sink.Has(
      R"({"type":"entity","key":")" + room +
      R"(","kind":"group","time":"2015-05-27T14:10:24.653Z","created":"2015-05-27T14:10:24.653Z","creator":"matrix:@example:example.org"})"));
  EXPECT_TRUE(sink.Has(
      R"({"type":"member","chat":")" + room +
      R"(","user":"matrix:@example:example.org","time":"2015-05-27T14:10:24.653Z","action":"creator"})"));
  EXPECT_TRUE(
      sink.Has(R"({"type":"entity","key":")" + room +
               R"(","kind":"group","time":"2015-05-27T14:10:24.653Z","name":"The room name"})"));
  EXPECT_TRUE(sink.Has(
      R"({"type":"entity","key":")" + room +
      R"(","kind":"group","time":"2015-05-27T14:10:24.653Z","about":"An interesting room topic"})"));
  EXPECT_TRUE(sink.Has(
      R"({"type":"entity","key":")" + room +
      R"(","kind":"group","time":"2015-05-27T14:10:24.653Z","username":"#somewhere:localhost"})"));
  EXPECT_TRUE(sink.Has(
      R"({"type":"member","chat":")" + room +
      R"(","user":"matrix:@example:localhost","time":"2015-05-27T14:10:24.653Z","action":"admin","reason":"power level 100"})"));
  EXPECT_EQ(sink.WeirdCount("matrix policy rule"), 3);
  EXPECT_EQ(sink.WeirdCount("matrix redaction"), 1);
  // Avatar and server ACL events are read and left: no weird for them.
  EXPECT_EQ(sink.weird.size(), 4u);
}

// ---- Response shapes ----

const char kMessagesResponse[] = R"({
  "start": "t47-1",
  "end": "t47-9",
  "chunk": [
    {
      "type": "m.room.message",
      "event_id": "$e1",
      "room_id": "!r1:example.org",
      "sender": "@alice:example.org",
      "origin_server_ts": 1574416800000,
      "content": {"msgtype": "m.text", "body": "new home: t.me/Alpha_News"}
    },
    {
      "type": "m.room.message",
      "event_id": "$e2",
      "room_id": "!r1:example.org",
      "sender": "no user id",
      "origin_server_ts": 1574416860000,
      "content": {"msgtype": "m.text", "body": "lost"}
    },
    42,
    {
      "type": "m.room.message",
      "event_id": "$e3",
      "room_id": "!r1:example.org",
      "sender": "@bob:example.org",
      "origin_server_ts": 1574416920000,
      "content": {"msgtype": "m.notice", "body": "kept"}
    }
  ],
  "state": [
    {"type": "m.room.member", "event_id": "$m1", "room_id": "!r1:example.org",
     "sender": "@bob:example.org", "state_key": "@bob:example.org",
     "origin_server_ts": 1574416700000, "content": {"membership": "join"}}
  ]
}
)";

TEST(MatrixImporter, ReadsAMessagesResponseAndRejectsBadEventsWhereTheyAre) {
  const std::string text = kMessagesResponse;
  Sink sink = Import("messages.json", text);
  EXPECT_EQ(
      sink.events,
      (std::vector<std::string>{
          R"({"type":"message","key":"matrix:!r1:example.org/$e1","chat":"matrix:!r1:example.org","time":"2019-11-22T10:00:00Z","from":"matrix:@alice:example.org","text":"new home: t.me/Alpha_News","links":["t.me/Alpha_News"]})",
          R"({"type":"message","key":"matrix:!r1:example.org/$e3","chat":"matrix:!r1:example.org","time":"2019-11-22T10:02:00Z","from":"matrix:@bob:example.org","text":"kept"})",
          R"({"type":"member","chat":"matrix:!r1:example.org","user":"matrix:@bob:example.org","time":"2019-11-22T09:58:20Z","action":"join"})"}));
  ASSERT_EQ(sink.rejects.size(), 2u);
  auto [line2, offset2] = PlaceOf(text, "\"$e2\"");
  EXPECT_EQ(sink.rejects[0].first.line, line2);
  EXPECT_EQ(sink.rejects[0].first.offset, offset2);
  EXPECT_EQ(sink.rejects[0].second, "field 'sender': expected a user id (@user:server)");
  const size_t at42 = text.find("42,");
  EXPECT_EQ(sink.rejects[1].first.offset, static_cast<int64_t>(at42));
  EXPECT_EQ(sink.rejects[1].first.line,
            1 + std::count(text.begin(), text.begin() + static_cast<ptrdiff_t>(at42), '\n'));
  EXPECT_EQ(sink.rejects[1].second, "expected a JSON object");
}

TEST(MatrixImporter, GivesEachEventOfAOneLineResponseItsOwnOffset) {
  // curl writes a response on one line: events differ by offset.
  std::string text = kMessagesResponse;
  text.erase(std::remove(text.begin(), text.end(), '\n'), text.end());
  Sink sink = Import("messages.json", text + "\n");
  EXPECT_EQ(sink.events.size(), 3u);
  ASSERT_EQ(sink.rejects.size(), 2u);
  EXPECT_EQ(sink.rejects[0].first.line, 1);
  EXPECT_EQ(sink.rejects[0].first.offset, PlaceOf(text, "\"$e2\"").second);
  EXPECT_EQ(sink.rejects[1].first.offset, static_cast<int64_t>(text.find("42,")));
}

TEST(MatrixImporter, ReadsASyncResponse) {
  Sink sink = Import("sync.json", R"({
  "next_batch": "s72595_4483_1934",
  "presence": {"events": []},
  "rooms": {
    "join": {
      "!r1:example.org": {
        "state": {"events": [
          {"type": "m.room.name", "state_key": "", "event_id": "$n1", "sender": "@alice:example.org",
           "origin_server_ts": 1574416800000, "content": {"name": "Alpha Room"}}
        ]},
        "timeline": {"limited": true, "prev_batch": "t34", "events": [
          {"type": "m.room.message", "event_id": "$e1", "sender": "@alice:example.org",
           "origin_server_ts": 1574416860000, "content": {"msgtype": "m.text", "body": "hi"}}
        ]},
        "ephemeral": {"events": [{"type": "m.typing", "content": {"user_ids": []}}]}
      }
    },
    "leave": {
      "!r2:example.org": {
        "timeline": {"events": [
          {"type": "m.room.member", "state_key": "@carol:example.org", "event_id": "$k1",
           "sender": "@mod:example.org", "origin_server_ts": 1574416900000,
           "content": {"membership": "ban", "reason": "spam"}}
        ]}
      }
    },
    "invite": {
      "!r3:example.org": {"invite_state": {"events": [
        {"type": "m.room.name", "state_key": "", "sender": "@x:example.org",
         "content": {"name": "Invited"}}
      ]}}
    }
  }
}
)");
  EXPECT_TRUE(sink.rejects.empty()) << sink.rejects.front().second;
  EXPECT_EQ(
      sink.events,
      (std::vector<std::string>{
          R"({"type":"entity","key":"matrix:!r1:example.org","kind":"group","time":"2019-11-22T10:00:00Z","name":"Alpha Room"})",
          R"({"type":"message","key":"matrix:!r1:example.org/$e1","chat":"matrix:!r1:example.org","time":"2019-11-22T10:01:00Z","from":"matrix:@alice:example.org","text":"hi"})",
          R"({"type":"member","chat":"matrix:!r2:example.org","user":"matrix:@carol:example.org","time":"2019-11-22T10:01:40Z","action":"ban","reason":"spam"})"}));
  EXPECT_EQ(sink.WeirdCount("matrix invited room's stripped state skipped"), 1);
}

TEST(MatrixImporter, ReadsASingleEventDocument) {
  Sink sink = Import("event.json", R"({
  "type": "m.room.message",
  "event_id": "$e1",
  "room_id": "!r1:example.org",
  "sender": "@alice:example.org",
  "origin_server_ts": 1574416800000,
  "content": {"msgtype": "m.text", "body": "alone"}
}
)");
  ASSERT_EQ(sink.events.size(), 1u);
  EXPECT_NE(sink.events[0].find(R"("text":"alone")"), std::string::npos);
}

TEST(MatrixImporter, ReportsAResponseThatBreaksOffAndKeepsWhatCameBefore) {
  std::string text = kMessagesResponse;
  text.resize(text.find("\"$e3\""));
  Status status;
  Sink sink = Import("messages.json", text, &status);
  EXPECT_EQ(status.code(), StatusCode::kCorrupt) << status.ToString();
  EXPECT_GT(status.where().line, 0);
  ASSERT_EQ(sink.events.size(), 1u);
  EXPECT_NE(sink.events[0].find("$e1"), std::string::npos);
  // The two bad events before the cut, and the event the cut went through.
  ASSERT_EQ(sink.rejects.size(), 3u);
  EXPECT_EQ(sink.rejects[2].second, "record cut off by the end of the document");
  EXPECT_EQ(sink.rejects[2].first.offset, PlaceOf(text, "\"$e3\"").second);
}

TEST(MatrixImporter, RejectsWhatIsNotAMatrixDocument) {
  Status status;
  Sink sink = Import("x.json", "{\"hello\": [1,\n2]}\n", &status);
  EXPECT_TRUE(status.ok());
  ASSERT_EQ(sink.rejects.size(), 1u);
  EXPECT_EQ(sink.rejects[0].second, "not a Matrix event, /messages or /sync response");
}

// ---- Events, one per line ----

std::string Ev(const std::string& type, const std::string& id, const std::string& sender,
               int64_t ts, const std::string& content, const std::string& extra = "") {
  return R"({"type":")" + type + R"(","event_id":")" + id +
         R"(","room_id":"!r:example.org","sender":")" + sender + R"(","origin_server_ts":)" +
         std::to_string(ts) + R"(,"content":)" + content + extra + "}\n";
}

const std::string kMsg = R"({"type":"message","key":"matrix:!r:example.org/)";

TEST(MatrixImporter, ReadsMessageQuirks) {
  const int64_t t = 1574416800000;  // 2019-11-22T10:00:00Z
  std::string in;
  // A reply: the fallback quote is not the reply's text; the mx-reply links are not its links.
  in += Ev(
      "m.room.message", "$r1", "@bob:example.org", t,
      R"({"msgtype":"m.text","body":"> <@alice:example.org> original\n> second line\n\nmy answer, see matrix.to/#/#alpha:example.org",)"
      R"("format":"org.matrix.custom.html","formatted_body":"<mx-reply><blockquote><a href=\"https://matrix.to/#/!r:example.org/$e0\">In reply to</a></blockquote></mx-reply>my answer, see <a href=\"https://matrix.to/#/%23alpha:example.org\">#alpha</a> and <a href=\"https://t.me/+InViTe\">here</a> <a href=\"mailto:x@example.org\">mail</a>",)"
      R"("m.relates_to":{"m.in_reply_to":{"event_id":"$e0"}}})");
  // An edit: counted, the original is kept.
  in += Ev(
      "m.room.message", "$ed", "@bob:example.org", t + 1000,
      R"({"msgtype":"m.text","body":"* fixed","m.new_content":{"msgtype":"m.text","body":"fixed"},"m.relates_to":{"rel_type":"m.replace","event_id":"$r1"}})");
  // A thread reply whose in_reply_to is only a fallback: it answers the thread root.
  in += Ev(
      "m.room.message", "$th", "@bob:example.org", t + 2000,
      R"({"msgtype":"m.emote","body":"waves","m.relates_to":{"rel_type":"m.thread","event_id":"$root","is_falling_back":true,"m.in_reply_to":{"event_id":"$last"}}})");
  // A redacted message: its content is gone, the message stays.
  in += Ev("m.room.message", "$gone", "@bob:example.org", t + 3000, "{}",
           R"(,"unsigned":{"redacted_because":{"type":"m.room.redaction"}})");
  // Encrypted media names its file in content.file; a caption differs from the file name.
  in += Ev(
      "m.room.message", "$img", "@bob:example.org", t + 4000,
      R"({"msgtype":"m.image","body":"look at this","filename":"a.jpg","file":{"url":"mxc://example.org/enc1","v":"v2"}})");
  in += Ev("m.room.message", "$aud", "@bob:example.org", t + 5000,
           R"({"msgtype":"m.audio","body":"voice.ogg","url":"mxc://example.org/aud1"})");
  in += Ev("m.sticker", "$st", "@bob:example.org", t + 6000,
           R"({"body":"a cat","url":"mxc://example.org/st1","info":{}})");
  in += Ev("m.room.message", "$loc", "@bob:example.org", t + 7000,
           R"({"msgtype":"m.location","body":"Somewhere","geo_uri":"geo:1,2"})");
  in += Ev("m.room.encrypted", "$enc", "@bob:example.org", t + 8000,
           R"({"algorithm":"m.megolm.v1.aes-sha2","ciphertext":"x"})");
  in += Ev("org.example.custom", "$cu", "@bob:example.org", t + 9000, "{}");
  in += Ev("m.reaction", "$re", "@bob:example.org", t + 9500,
           R"({"m.relates_to":{"rel_type":"m.annotation","event_id":"$r1","key":"x"}})");
  Sink sink = Import("events.ndjson", in);
  EXPECT_TRUE(sink.rejects.empty()) << sink.rejects.front().second;
  EXPECT_EQ(
      sink.events,
      (std::vector<std::string>{
          kMsg +
              R"($r1","chat":"matrix:!r:example.org","time":"2019-11-22T10:00:00Z","from":"matrix:@bob:example.org","text":"my answer, see matrix.to/#/#alpha:example.org","links":["matrix.to/#/#alpha:example.org","https://t.me/+InViTe"],"reply_to":"matrix:!r:example.org/$e0"})",
          kMsg +
              R"($th","chat":"matrix:!r:example.org","time":"2019-11-22T10:00:02Z","from":"matrix:@bob:example.org","text":"waves","reply_to":"matrix:!r:example.org/$root"})",
          kMsg +
              R"($gone","chat":"matrix:!r:example.org","time":"2019-11-22T10:00:03Z","from":"matrix:@bob:example.org"})",
          kMsg +
              R"($img","chat":"matrix:!r:example.org","time":"2019-11-22T10:00:04Z","from":"matrix:@bob:example.org","text":"look at this","media":[{"kind":"image","path":"mxc://example.org/enc1"}]})",
          kMsg +
              R"($aud","chat":"matrix:!r:example.org","time":"2019-11-22T10:00:05Z","from":"matrix:@bob:example.org","media":[{"kind":"audio","path":"mxc://example.org/aud1"}]})",
          kMsg +
              R"($st","chat":"matrix:!r:example.org","time":"2019-11-22T10:00:06Z","from":"matrix:@bob:example.org","media":[{"kind":"sticker","path":"mxc://example.org/st1"}]})",
          kMsg +
              R"($loc","chat":"matrix:!r:example.org","time":"2019-11-22T10:00:07Z","from":"matrix:@bob:example.org","text":"Somewhere"})"}));
  EXPECT_EQ(sink.WeirdCount("matrix edit"), 1);
  EXPECT_EQ(sink.WeirdCount("matrix redacted event"), 1);
  EXPECT_EQ(sink.WeirdCount("matrix msgtype read as text: m.location"), 1);
  EXPECT_EQ(sink.WeirdCount("matrix encrypted event"), 1);
  EXPECT_EQ(sink.WeirdCount("matrix event type not read: org.example.custom"), 1);
  EXPECT_EQ(sink.weird.size(), 5u);  // m.reaction is read and left
  EXPECT_EQ(sink.weird[0].first.line, 2);
}

TEST(MatrixImporter, ReadsMembership) {
  const int64_t t = 1574416800000;
  auto member = [&](const std::string& id, const std::string& sender, const std::string& user,
                    int64_t ts, const std::string& content, const std::string& extra = "") {
    return Ev("m.room.member", id, sender, ts, content, R"(,"state_key":")" + user + "\"" + extra);
  };
  std::string in;
  in += member("$1", "@a:example.org", "@a:example.org", t,
               R"({"membership":"join","displayname":"Anna"})");
  // A new display name is a profile change, not a second join.
  in += member("$2", "@a:example.org", "@a:example.org", t + 1000,
               R"({"membership":"join","displayname":"Anna B"})",
               R"(,"unsigned":{"prev_content":{"membership":"join","displayname":"Anna"}})");
  in += member("$3", "@a:example.org", "@a:example.org", t + 2000,
               R"({"membership":"leave","reason":"bye"})");
  in += member("$4", "@mod:example.org", "@b:example.org", t + 3000,
               R"({"membership":"leave","reason":"off topic"})");
  in += member("$5", "@mod:example.org", "@c:example.org", t + 4000,
               R"({"membership":"ban","reason":"spam"})");
  in += member("$6", "@mod:example.org", "@c:example.org", t + 5000, R"({"membership":"leave"})",
               R"(,"unsigned":{"prev_content":{"membership":"ban"}})");
  in += member("$7", "@mod:example.org", "@d:example.org", t + 6000,
               R"({"membership":"invite","displayname":"Dora"})");
  in += member("$8", "@e:example.org", "@e:example.org", t + 7000, R"({"membership":"knock"})");
  in += Ev("m.room.create", "$c", "@founder:example.org", t - 1000,
           R"({"creator":"@old:example.org","room_version":"1"})", R"(,"state_key":"")");
  in += Ev(
      "m.room.power_levels", "$p", "@founder:example.org", t - 500,
      R"({"users":{"@founder:example.org":100,"@mod:example.org":"50","@user:example.org":0,"bad":100}})",
      R"(,"state_key":"")");
  in += Ev("m.room.name", "$n", "@founder:example.org", t - 400, R"({"name":""})",
           R"(,"state_key":"")");
  Sink sink = Import("members.ndjson", in);
  EXPECT_TRUE(sink.rejects.empty()) << sink.rejects.front().second;
  const std::string m = R"({"type":"member","chat":"matrix:!r:example.org","user":"matrix:)";
  EXPECT_EQ(
      sink.events,
      (std::vector<std::string>{
          R"({"type":"entity","key":"matrix:@a:example.org","kind":"user","time":"2019-11-22T10:00:00Z","name":"Anna"})",
          m + R"(@a:example.org","time":"2019-11-22T10:00:00Z","action":"join"})",
          R"({"type":"entity","key":"matrix:@a:example.org","kind":"user","time":"2019-11-22T10:00:01Z","name":"Anna B"})",
          m + R"(@a:example.org","time":"2019-11-22T10:00:02Z","action":"leave","reason":"bye"})",
          m + R"(@b:example.org","time":"2019-11-22T10:00:03Z","action":"leave","reason":"kicked by @mod:example.org: off topic"})",
          m + R"(@c:example.org","time":"2019-11-22T10:00:04Z","action":"ban","reason":"spam"})",
          m + R"(@c:example.org","time":"2019-11-22T10:00:05Z","action":"leave","reason":"unbanned by @mod:example.org"})",
          R"({"type":"entity","key":"matrix:@d:example.org","kind":"user","time":"2019-11-22T10:00:06Z","name":"Dora"})",
          R"({"type":"entity","key":"matrix:!r:example.org","kind":"group","time":"2019-11-22T09:59:59Z","created":"2019-11-22T09:59:59Z","creator":"matrix:@old:example.org"})",
          m + R"(@old:example.org","time":"2019-11-22T09:59:59Z","action":"creator"})",
          m + R"(@founder:example.org","time":"2019-11-22T09:59:59.500Z","action":"admin","reason":"power level 100"})",
          m + R"(@mod:example.org","time":"2019-11-22T09:59:59.500Z","action":"admin","reason":"power level 50"})"}));
  EXPECT_EQ(sink.WeirdCount("matrix invite"), 1);
  EXPECT_EQ(sink.WeirdCount("matrix knock"), 1);
}

TEST(MatrixImporter, RejectsBadEventsWithTheirLineAndKeepsTheRest) {
  const int64_t t = 1574416800000;
  const std::string good =
      Ev("m.room.message", "$ok", "@a:example.org", t, R"({"msgtype":"m.text","body":"ok"})");
  std::string in;
  in += good;
  in += "not json\n";
  in += "[1,2]\n";
  in +=
      R"({"type":"m.room.message","event_id":"$x","room_id":"!r:example.org","sender":"@a:example.org","content":{}})"
      "\n";
  in +=
      R"({"type":"m.room.message","event_id":"$x","sender":"@a:example.org","origin_server_ts":1,"content":{}})"
      "\n";
  in += Ev("m.room.message", "$x", "@a:example.org", t, R"("text")");
  in += Ev("m.room.message", "$x", "@a:example.org", t, R"({"body":"no msgtype"})");
  in += Ev("m.room.message", "x", "@a:example.org", t, R"({"msgtype":"m.text","body":"b"})");
  in += Ev("m.room.member", "$x", "@a:example.org", t, R"({"membership":"join"})");
  in += Ev("m.room.tombstone", "$x", "@a:example.org", t, R"({"body":"moved"})",
           R"(,"state_key":"")");
  in += Ev("m.room.message", "$x", "@a:example.org", t, R"({"msgtype":5})");
  in += "\n";
  in += good;
  Sink sink = Import("bad.ndjson", in);
  EXPECT_EQ(sink.events.size(), 2u);
  std::vector<std::pair<int64_t, std::string>> got;
  for (const auto& [where, why] : sink.rejects) got.emplace_back(where.line, why);
  EXPECT_EQ(got, (std::vector<std::pair<int64_t, std::string>>{
                     {2, "not JSON: Problem while parsing an atom starting with the letter 'n'"},
                     {3, "expected a JSON object"},
                     {4, "missing field 'origin_server_ts'"},
                     {5, "missing field 'room_id'"},
                     {6, "field 'content': expected an object"},
                     {7, "content: missing field 'msgtype'"},
                     {8, "field 'event_id': expected an event id ($id)"},
                     {9, "field 'state_key': expected the member's user id"},
                     {10, "content: missing field 'replacement_room'"},
                     {11, "content: field 'msgtype': expected a string"}}));
}

TEST(MatrixImporter, RepairsInvalidUtf8) {
  Sink sink = Import("utf8.ndjson", Ev("m.room.message", "$u", "@a:example.org", 1,
                                       "{\"msgtype\":\"m.text\",\"body\":\"bad \xFF byte\"}"));
  ASSERT_EQ(sink.events.size(), 1u);
  EXPECT_NE(sink.events[0].find("bad \xEF\xBF\xBD byte"), std::string::npos);
  EXPECT_EQ(sink.WeirdCount("invalid UTF-8 repaired"), 1);
}

TEST(MatrixImporter, SniffsItsShapesOnly) {
  auto imp = MakeMatrixImporter();
  EXPECT_EQ(imp->Sniff("m.json", kMessagesResponse), 90);
  EXPECT_EQ(imp->Sniff("s.json", R"({"next_batch":"s1","rooms":{"join":{}}})"), 90);
  EXPECT_EQ(imp->Sniff("e.ndjson", Ev("m.room.message", "$e", "@a:b.org", 1, "{}")), 85);
  EXPECT_EQ(imp->Sniff("t.json", R"({"name":"x","type":"public_channel","messages":[]})"), 0);
  EXPECT_EQ(imp->Sniff("r.json", R"({"messages":[{"_id":"a","rid":"b","msg":"c"}]})"), 0);
  EXPECT_EQ(imp->Sniff("n.ndjson", R"({"type":"message","key":"telegram:channel1/1"})"), 0);
  EXPECT_EQ(imp->Sniff("x.txt", "hello"), 0);
}

}  // namespace
}  // namespace cordon
