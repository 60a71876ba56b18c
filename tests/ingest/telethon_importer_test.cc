// Telethon messages as NDJSON (to_dict/to_json, 4CAT, wrappers) and as a messages.* container.
#include <gtest/gtest.h>

#include <map>

#include "capture_sink.h"
#include "cordon/ingest/importer.h"
#include "test_util.h"

namespace cordon {
namespace {

using testing::CaptureSink;

class TelethonTest : public ::testing::Test {
 protected:
  const Importer& importer() { return *FindImporter("telethon"); }

  Status Run(const std::string& content, CaptureSink& sink,
             const std::string& name = "messages.ndjson") {
    path_ = tmp_.File(name);
    testing::WriteFile(path_, content);
    return importer().Import(InputFile{path_}, ImportLimits{}, sink);
  }

  testing::TempDir tmp_;
  std::string path_;
};

constexpr const char* kPeer = R"("peer_id": {"_": "PeerChannel", "channel_id": 1700000003})";

// One NDJSON record from a readable, possibly multi-line, literal.
std::string Flat(std::string s) {
  for (char& c : s) {
    if (c == '\n') c = ' ';
  }
  return s + "\n";
}

std::string Line(const std::string& fields) {
  return Flat(std::string(R"({"_": "Message", "id": 101, )") + kPeer +
              R"(, "date": "2019-11-22T09:00:00+00:00", )" + fields + "}");
}

TEST_F(TelethonTest, UrlEntityOffsetsAreUtf16Units) {
  CaptureSink sink;
  // Cyrillic is one UTF-16 unit per letter but two UTF-8 bytes; the emoji is two units, four
  // bytes. A byte-offset reading would cut the wrong span.
  ASSERT_TRUE(Run(Line(R"("message": "Новости 📰 example.com/news и t.me/harbor_watch", "entities": [
      {"_": "MessageEntityUrl", "offset": 11, "length": 16},
      {"_": "MessageEntityBold", "offset": 0, "length": 7},
      {"_": "MessageEntityUrl", "offset": 30, "length": 17}])"),
                  sink)
                  .ok());
  auto msgs = sink.Of<MessageEvent>();
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].links, (std::vector<std::string>{"example.com/news", "t.me/harbor_watch"}));
  EXPECT_TRUE(sink.weirds.empty());
}

TEST_F(TelethonTest, UrlEntityOutsideTheTextIsWeird) {
  CaptureSink sink;
  ASSERT_TRUE(Run(Line(R"("message": "short", "entities": [
      {"_": "MessageEntityUrl", "offset": 2, "length": 40}])"),
                  sink)
                  .ok());
  EXPECT_EQ(sink.Of<MessageEvent>().size(), 1u);
  ASSERT_EQ(sink.weirds.size(), 1u);
  EXPECT_EQ(sink.weirds[0].where.line, 1);
}

TEST_F(TelethonTest, TextUrlsWebPagesAndTextLinksWithoutDuplicates) {
  CaptureSink sink;
  ASSERT_TRUE(Run(Line(R"("message": "Join us here or at https://example.org/landing", "entities": [
      {"_": "MessageEntityTextUrl", "offset": 8, "length": 4, "url": "https://t.me/+XyZ987abc"}],
      "media": {"_": "MessageMediaWebPage", "webpage": {"_": "WebPage", "url": "https://example.org/landing"}})"),
                  sink)
                  .ok());
  auto msgs = sink.Of<MessageEvent>();
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].links,
            (std::vector<std::string>{"https://t.me/+XyZ987abc", "https://example.org/landing"}));
  EXPECT_TRUE(msgs[0].media.empty());
}

// A negative view count is not a count: the message is kept with views unknown, and a weird
// names the field.
TEST_F(TelethonTest, NegativeViewsAreDroppedAsAWeird) {
  CaptureSink sink;
  ASSERT_TRUE(Run(Line(R"("message": "x", "views": -40)"), sink).ok());
  auto msgs = sink.Of<MessageEvent>();
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_FALSE(msgs[0].views.has_value());
  EXPECT_TRUE(sink.rejects.empty());
  ASSERT_EQ(sink.weirds.size(), 1u);
  EXPECT_EQ(sink.weirds[0].text, "field 'views': negative count ignored");
}

TEST_F(TelethonTest, ForwardOriginFromChannelPost) {
  CaptureSink sink;
  ASSERT_TRUE(Run(Line(R"("message": "x", "post": true, "from_id": null, "views": 980,
      "fwd_from": {"_": "MessageFwdHeader", "date": "2019-11-21T08:00:00+00:00",
                   "from_id": {"_": "PeerChannel", "channel_id": 1700000099}, "from_name": null,
                   "channel_post": 77})") +
                      Line(R"("message": "y", "fwd_from": {"_": "MessageFwdHeader",
                   "date": "2019-11-21T08:00:00+00:00", "from_id": null, "from_name": "Hidden Person"})"),
                  sink)
                  .ok());
  auto msgs = sink.Of<MessageEvent>();
  ASSERT_EQ(msgs.size(), 2u);
  ASSERT_TRUE(msgs[0].forward.has_value());
  EXPECT_EQ(msgs[0].forward->chat, "telegram:channel1700000099");
  EXPECT_EQ(msgs[0].forward->message, "telegram:channel1700000099/77");
  EXPECT_EQ(msgs[0].forward->time, 1574323200000);
  EXPECT_EQ(msgs[0].views, 980);
  EXPECT_EQ(msgs[0].from, "telegram:channel1700000003");  // a channel post speaks as the channel
  ASSERT_TRUE(msgs[1].forward.has_value());
  EXPECT_EQ(msgs[1].forward->chat, "");
  EXPECT_EQ(msgs[1].forward->message, "");
  EXPECT_EQ(msgs[1].forward->name, "Hidden Person");
}

TEST_F(TelethonTest, DatesAsIsoStringsOrSeconds) {
  CaptureSink sink;
  std::string lines;
  for (const char* date :
       {R"("2019-11-22T10:10:00+00:00")", R"("2019-11-22 12:10:00+02:00")", "1574417400",
        "1574417400.25", R"("2019-11-22T10:10:00.250000+00:00")"}) {
    lines += std::string(R"({"_": "Message", "id": 1, )") + kPeer + R"(, "date": )" + date + "}\n";
  }
  ASSERT_TRUE(Run(lines, sink).ok());
  auto msgs = sink.Of<MessageEvent>();
  ASSERT_EQ(msgs.size(), 5u);
  EXPECT_EQ(msgs[0].time, 1574417400000);
  EXPECT_EQ(msgs[1].time, 1574417400000);
  EXPECT_EQ(msgs[2].time, 1574417400000);
  EXPECT_EQ(msgs[3].time, 1574417400250);
  EXPECT_EQ(msgs[4].time, 1574417400250);
}

TEST_F(TelethonTest, RepliesBotsAndMediaKinds) {
  CaptureSink sink;
  ASSERT_TRUE(
      Run(Line(R"("from_id": {"_": "PeerUser", "user_id": 800001}, "via_bot_id": 800500,
        "reply_to": {"_": "MessageReplyHeader", "reply_to_msg_id": 5000, "reply_to_peer_id": null},
        "media": {"_": "MessageMediaDocument", "document": {"_": "Document", "mime_type": "audio/ogg",
          "attributes": [{"_": "DocumentAttributeAudio", "duration": 3, "voice": true}]}})") +
              Line(R"("reply_to": {"_": "MessageReplyHeader", "reply_to_msg_id": 9,
                   "reply_to_peer_id": {"_": "PeerChannel", "channel_id": 42}},
        "media": {"_": "MessageMediaDocument", "document": {"_": "Document", "mime_type": "video/mp4",
          "attributes": [{"_": "DocumentAttributeVideo", "round_message": false},
                         {"_": "DocumentAttributeAnimated"}]}})") +
              Line(R"("media": {"_": "MessageMediaPhoto", "photo": {"_": "Photo", "id": 1}})") +
              Line(R"("media": {"_": "MessageMediaGeo", "geo": {"_": "GeoPoint"}})"),
          sink)
          .ok());
  auto msgs = sink.Of<MessageEvent>();
  ASSERT_EQ(msgs.size(), 4u);
  EXPECT_EQ(msgs[0].from, "telegram:user800001");
  EXPECT_EQ(msgs[0].via_bot, "telegram:user800500");
  EXPECT_EQ(msgs[0].reply_to, "telegram:channel1700000003/5000");
  ASSERT_EQ(msgs[0].media.size(), 1u);
  EXPECT_EQ(msgs[0].media[0].kind, "voice_message");
  EXPECT_EQ(msgs[1].reply_to, "telegram:channel42/9");
  EXPECT_EQ(msgs[1].media[0].kind, "animation");
  EXPECT_EQ(msgs[2].media[0].kind, "photo");
  EXPECT_TRUE(msgs[3].media.empty());
  EXPECT_EQ(sink.Entities()["telegram:user800500"].kind, EntityKind::kBot);
}

TEST_F(TelethonTest, ServiceActionsBecomeMembershipsAndEntities) {
  CaptureSink sink;
  auto svc = [](int id, const char* peer, const char* from, const char* action) {
    return std::string(R"({"_": "MessageService", "id": )") + std::to_string(id) +
           R"(, "peer_id": )" + peer + R"(, "date": "2019-11-22T10:00:00+00:00", "from_id": )" +
           from + R"(, "action": )" + action + "}\n";
  };
  const char* chat = R"({"_": "PeerChat", "chat_id": 900001})";
  const char* u1 = R"({"_": "PeerUser", "user_id": 1})";
  const char* u2 = R"({"_": "PeerUser", "user_id": 2})";
  ASSERT_TRUE(
      Run(svc(1, chat, u1,
              R"({"_": "MessageActionChatCreate", "title": "Garden", "users": [1, 3]})") +
              svc(2, chat, u1, R"({"_": "MessageActionChatAddUser", "users": [4]})") +
              svc(3, chat, u2, R"({"_": "MessageActionChatAddUser", "users": [2]})") +
              svc(4, chat, u1, R"({"_": "MessageActionChatDeleteUser", "user_id": 4})") +
              svc(5, chat, u2, R"({"_": "MessageActionChatJoinedByLink", "inviter_id": 1})") +
              svc(6, chat, u1, R"({"_": "MessageActionChatEditTitle", "title": "Garden Club"})") +
              svc(7, chat, u1, R"({"_": "MessageActionPinMessage"})") +
              svc(8, chat, u1, R"({"_": "MessageActionChatDeleteUser", "user_id": "x"})"),
          sink)
          .ok());
  EXPECT_TRUE(sink.Of<MessageEvent>().empty());
  auto m = sink.Of<MemberEvent>();
  ASSERT_EQ(m.size(), 6u);
  EXPECT_EQ(m[0].action, MemberAction::kCreator);
  EXPECT_EQ(m[0].user, "telegram:user1");
  EXPECT_EQ(m[1].user, "telegram:user3");
  EXPECT_EQ(m[1].reason, "added by telegram:user1");
  EXPECT_EQ(m[2].user, "telegram:user4");
  EXPECT_EQ(m[2].action, MemberAction::kJoin);
  EXPECT_EQ(m[3].user, "telegram:user2");
  EXPECT_EQ(m[3].reason, "");  // joined by themselves
  EXPECT_EQ(m[4].user, "telegram:user4");
  EXPECT_EQ(m[4].action, MemberAction::kLeave);
  EXPECT_EQ(m[4].reason, "removed by telegram:user1");
  EXPECT_EQ(m[5].reason, "invite link");
  auto entities = sink.Of<EntityEvent>();
  ASSERT_GE(entities.size(), 2u);
  EXPECT_EQ(entities[0].name, "Garden");
  EXPECT_EQ(entities[0].creator, "telegram:user1");
  EXPECT_EQ(entities[0].created, 1574416800000);
  EXPECT_EQ(entities[1].name, "Garden Club");
  ASSERT_EQ(sink.weirds.size(), 1u);  // the pin
  EXPECT_EQ(sink.weirds[0].where.line, 7);
  ASSERT_EQ(sink.rejects.size(), 1u);
  EXPECT_EQ(sink.rejects[0].where.line, 8);
}

TEST_F(TelethonTest, FourCatVariantWithAttachedChatAndSender) {
  CaptureSink sink;
  ASSERT_TRUE(
      Run(Flat(R"({"id": 5004, "peer_id": {"channel_id": 1700000004, "_type": "PeerChannel"},
      "date": 1574418000.0, "message": "hello", "post": false,
      "from_id": {"user_id": 800002, "_type": "PeerUser"}, "entities": [],
      "_chat": {"id": 1700000004, "title": "Riverside Circle", "megagroup": true, "broadcast": false,
                "participants_count": 120, "_type": "Channel"},
      "_sender": {"id": 800002, "first_name": "Lio", "last_name": "Park", "username": "lio_park",
                  "bot": true, "_type": "User"}})"),
          sink)
          .ok());
  auto msgs = sink.Of<MessageEvent>();
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].key, "telegram:channel1700000004/5004");
  EXPECT_EQ(msgs[0].from, "telegram:user800002");
  EXPECT_EQ(msgs[0].time, 1574418000000);
  auto e = sink.Entities();
  EXPECT_EQ(e["telegram:channel1700000004"].name, "Riverside Circle");
  EXPECT_EQ(e["telegram:channel1700000004"].kind, EntityKind::kGroup);
  EXPECT_EQ(e["telegram:channel1700000004"].subscribers, 120);
  EXPECT_EQ(e["telegram:user800002"].name, "Lio Park");
  EXPECT_EQ(e["telegram:user800002"].username, "lio_park");
  EXPECT_EQ(e["telegram:user800002"].kind, EntityKind::kBot);
}

TEST_F(TelethonTest, WrappedMessagesAreUnwrapped) {
  CaptureSink sink;
  std::string inner = std::string(R"({"_": "Message", "id": 7, )") + kPeer +
                      R"(, "date": "2019-11-22T09:00:00+00:00", "message": "in a wrapper"})";
  ASSERT_TRUE(Run(R"({"id": "7", "source_platform": "telegram", "data": )" + inner + "}\n" +
                      R"({"body": )" + inner + "}\n" + R"({"data": {"nothing": 1}})" + "\n",
                  sink)
                  .ok());
  auto msgs = sink.Of<MessageEvent>();
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[0].text, "in a wrapper");
  ASSERT_EQ(sink.rejects.size(), 1u);
  EXPECT_EQ(sink.rejects[0].where.line, 3);
}

TEST_F(TelethonTest, MalformedLinesAreRejectedWithFileAndLineAndTheRestKept) {
  CaptureSink sink;
  ASSERT_TRUE(Run(Line(R"("message": "one")") + "{\"_\": \"Message\", \"id\": 1\n" +
                      Line(R"("message": 5)") + "\n" +
                      R"({"_": "Message", "id": 3, "date": "2019-11-22T09:00:00+00:00"})"
                      "\n" +
                      R"({"_": "Message", "id": 3, "peer_id": {"_": "PeerFoo"}, "date": 1})"
                      "\n" +
                      R"({"_": "Channel", "id": 5})"
                      "\n" +
                      Line(R"("message": "last")"),
                  sink)
                  .ok());
  auto msgs = sink.Of<MessageEvent>();
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[0].text, "one");
  EXPECT_EQ(msgs[1].text, "last");
  ASSERT_EQ(sink.rejects.size(), 5u);
  EXPECT_EQ(sink.rejects[0].where.line, 2);
  EXPECT_EQ(sink.rejects[0].where.file, path_);
  EXPECT_GT(sink.rejects[0].where.offset, 0);
  EXPECT_EQ(sink.rejects[1].where.line, 3);
  EXPECT_EQ(sink.rejects[1].text, "field 'message': expected a string");
  EXPECT_EQ(sink.rejects[2].where.line, 5);
  EXPECT_EQ(sink.rejects[2].text, "missing field 'peer_id'");
  EXPECT_EQ(sink.rejects[3].text, "field 'peer_id': expected a Peer");
  EXPECT_EQ(sink.rejects[4].text, "not a Telethon message: type 'Channel'");
}

TEST_F(TelethonTest, InvalidUtf8IsRepairedAndCounted) {
  CaptureSink sink;
  ASSERT_TRUE(Run(Line("\"message\": \"bad \xC3 byte\""), sink).ok());
  auto msgs = sink.Of<MessageEvent>();
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].text, "bad \xEF\xBF\xBD byte");
  ASSERT_EQ(sink.weirds.size(), 1u);
  EXPECT_EQ(sink.weirds[0].where.line, 1);
}

TEST_F(TelethonTest, OldLayerFields) {
  CaptureSink sink;
  // Telethon < 1.16: "to_id", an integer from_id, a top-level reply_to_msg_id, channel_id in
  // the forward header.
  ASSERT_TRUE(Run(Flat(R"({"_": "Message", "id": 9, "to_id": {"_": "PeerChannel", "channel_id": 55},
      "date": "2019-01-01T00:00:00+00:00", "from_id": 321, "reply_to_msg_id": 8, "message": "m",
      "fwd_from": {"_": "MessageFwdHeader", "date": "2018-12-31T00:00:00+00:00", "from_id": 77,
                   "channel_id": 66, "channel_post": 5}})"),
                  sink)
                  .ok());
  auto msgs = sink.Of<MessageEvent>();
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].key, "telegram:channel55/9");
  EXPECT_EQ(msgs[0].from, "telegram:user321");
  EXPECT_EQ(msgs[0].reply_to, "telegram:channel55/8");
  ASSERT_TRUE(msgs[0].forward.has_value());
  EXPECT_EQ(msgs[0].forward->chat, "telegram:channel66");
  EXPECT_EQ(msgs[0].forward->message, "telegram:channel66/5");
}

TEST_F(TelethonTest, ContainerDocumentNamesWhatItsMessagesMention) {
  CaptureSink sink;
  ASSERT_TRUE(Run(R"({"_":"messages.ChannelMessages","flags":0,"pts":1,"count":3,"messages":[
      {"_":"Message","id":2,"peer_id":{"_":"PeerChannel","channel_id":10},"date":"2019-11-22 09:00:00+00:00",
       "message":"a","post":true,"fwd_from":{"_":"MessageFwdHeader","date":"2019-11-21 09:00:00+00:00",
       "from_id":{"_":"PeerChannel","channel_id":20},"channel_post":4}},
      {"_":"Message","id":1,"peer_id":{"_":"PeerChannel","channel_id":10},"date":"bad"},
      {"_":"MessageService","id":0,"peer_id":{"_":"PeerChannel","channel_id":10},"date":"2019-11-20 09:00:00+00:00",
       "action":{"_":"MessageActionChannelCreate","title":"Ten"}}],
      "chats":[{"_":"Channel","id":10,"title":"Ten News","username":"ten_news","broadcast":true},
               {"_":"Channel","id":20,"title":"Twenty","megagroup":false,"broadcast":true},
               {"_":"Channel","id":30,"title":"Never mentioned","broadcast":true}],
      "users":[]})",
                  sink, "ten_news_messages.json")
                  .ok());
  auto msgs = sink.Of<MessageEvent>();
  ASSERT_EQ(msgs.size(), 1u);
  ASSERT_EQ(sink.rejects.size(), 1u);
  EXPECT_EQ(sink.rejects[0].where.line, 2);
  EXPECT_EQ(sink.rejects[0].text.rfind("message 1 (messages[1]): field 'date'", 0), 0u);
  auto e = sink.Entities();
  EXPECT_EQ(e["telegram:channel10"].name, "Ten News");
  EXPECT_EQ(e["telegram:channel10"].username, "ten_news");
  EXPECT_EQ(e["telegram:channel10"].time, 1574413200000);
  EXPECT_EQ(e["telegram:channel20"].name, "Twenty");
  EXPECT_EQ(e["telegram:channel20"].time, 1574326800000);  // the forwarded post's time
  EXPECT_EQ(e.count("telegram:channel30"), 0u);
}

TEST_F(TelethonTest, TruncatedContainerIsCorrupt) {
  CaptureSink sink;
  Status s = Run(R"({"_": "messages.ChannelMessages", "messages": [{"_": "Message", "id": 1,)",
                 sink, "x.json");
  EXPECT_EQ(s.code(), StatusCode::kCorrupt);
  EXPECT_EQ(s.ToString().find('\n'), std::string::npos);
  EXPECT_EQ(s.where().file, path_);
}

TEST_F(TelethonTest, SniffRecognisesTelethonShapes) {
  const Importer& t = importer();
  EXPECT_GE(t.Sniff("m.ndjson", Line(R"("message": "x")")), 80);
  EXPECT_GE(
      t.Sniff("m.ndjson", R"({"id": 1, "peer_id": {"channel_id": 5, "_type": "PeerChannel"}})"),
      80);
  EXPECT_GE(t.Sniff("m.json", R"({"_": "messages.ChannelMessages", "messages": []})"), 80);
  EXPECT_EQ(t.Sniff("m.ndjson", R"({"type": "message", "key": "telegram:channel1/1"})"), 0);
  EXPECT_EQ(t.Sniff("m.ndjson", "not json"), 0);
  EXPECT_EQ(t.Sniff("result.json", R"({"name": "A", "type": "public_channel", "id": 1,
      "messages": [{"id": 1, "type": "message", "date_unixtime": "1"}]})"),
            0);
}

}  // namespace
}  // namespace cordon
