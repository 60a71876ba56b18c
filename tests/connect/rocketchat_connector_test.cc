// The Rocket.Chat connector against a fake Rocket.Chat server on 127.0.0.1: rooms listed, history
// paged since the time kept per room (a rerun resumes there, a replay applies nothing twice), the
// Rocket.Chat importer keying messages by the server, and enforcement (chat.delete, channels.kick,
// groups.kick, channels.invite) with a 429 carrying X-RateLimit-Reset, a 403 on one kick among
// several, and reruns that repeat nothing.
#include <gtest/gtest.h>

#include "cordon/connect/rocketchat.h"
#include "cordon/ledger/ledger.h"
#include "cordon/store/connector_tables.h"
#include "cordon/store/sqlite.h"
#include "cordon/util/time.h"
#include "fake_server.h"
#include "test_util.h"

namespace cordon::connect {
namespace {

using testing::FakeAnswer;
using testing::FakeServer;

int64_t Count(Store& s, const std::string& sql) {
  Statement q(StoreHandle(s), sql);
  return q.Step() ? q.Int(0) : -1;
}

std::string Msg(const std::string& id, const std::string& rid, const std::string& user, int second,
                const std::string& text) {
  return R"({"_id":")" + id + R"(","rid":")" + rid + R"(","msg":")" + text +
         R"(","ts":"2024-01-01T10:00:0)" + std::to_string(second) + R"(.000Z","u":{"_id":")" +
         user + R"(","username":")" + user + R"(_name"},"_updatedAt":"2024-01-01T10:00:09.000Z"})";
}

// A Rocket.Chat server: two rooms, their histories (newest first), the moderation endpoints.
struct FakeRocketChat {
  std::map<std::string, std::vector<std::pair<int, std::string>>> history = {
      {"GENERAL",
       {{3, Msg("m3", "GENERAL", "userB", 3, "third")},
        {2, Msg("m2", "GENERAL", "userA", 2, "second")},
        {1, Msg("m1", "GENERAL", "userB", 1, "see https://example.org/a")}}},
      {"PrivRoom1", {{4, Msg("p1", "PrivRoom1", "userB", 4, "private")}}},
  };
  int rate_limited = 0;

  FakeAnswer Answer(const httplib::Request& req) {
    if (req.get_header_value("X-User-Id") != "botUser" ||
        req.get_header_value("X-Auth-Token") != "rc-token") {
      return {401, R"({"status":"error","message":"You must be logged in to do this."})", {}};
    }
    if (rate_limited > 0) {
      --rate_limited;
      return {
          429,
          R"({"success":false,"error":"Error, too many requests. Please slow down. You must wait 2 seconds before trying this endpoint again. [error-too-many-requests]"})",
          {{"X-RateLimit-Limit", "10"},
           {"X-RateLimit-Remaining", "0"},
           {"X-RateLimit-Reset", "1000002500"}}};
    }
    if (req.path == "/api/v1/channels.list.joined") {
      return {
          200,
          R"({"channels":[{"_id":"GENERAL","name":"general","t":"c"}],"offset":0,"count":1,"total":1,"success":true})",
          {}};
    }
    if (req.path == "/api/v1/groups.list") {
      return {
          200,
          R"({"groups":[{"_id":"PrivRoom1","name":"mods","t":"p"}],"offset":0,"count":1,"total":1,"success":true})",
          {}};
    }
    if (req.path == "/api/v1/channels.history" || req.path == "/api/v1/groups.history") {
      const auto& msgs = history[req.get_param_value("roomId")];
      const int64_t oldest =
          req.has_param("oldest") ? ParseRfc3339Ms(req.get_param_value("oldest")).value_or(0) : 0;
      const size_t offset = std::stoul(req.get_param_value("offset"));
      const size_t count = std::stoul(req.get_param_value("count"));
      std::string out;
      size_t index = 0;
      for (const auto& [second, m] : msgs) {
        if (ParseRfc3339Ms("2024-01-01T10:00:0" + std::to_string(second) + "Z").value() < oldest) {
          continue;
        }
        if (index++ < offset || index > offset + count) continue;
        out += (out.empty() ? "" : ",") + m;
      }
      return {200, R"({"messages":[)" + out + R"(],"success":true})", {}};
    }
    if (req.path == "/api/v1/groups.kick") {
      return {
          403,
          R"({"success":false,"error":"User does not have the permissions required for this action [error-unauthorized]"})",
          {}};
    }
    return {200, R"({"success":true})", {}};
  }
};

HttpOptions Options(std::vector<int64_t>* waits) {
  HttpOptions o;
  o.sleep = [waits](int64_t ms) { waits->push_back(ms); };
  o.now_ms = [] { return int64_t{1000000000}; };
  return RocketChatClientOptions("botUser", "rc-token", o);
}

TEST(RocketChatConnector, SyncPagesHistoryKeepsTheTimeAndResumes) {
  testing::TempDir tmp;
  const std::string db = tmp.File("db");
  FakeRocketChat rc;
  rc.rate_limited = 1;
  FakeServer server([&](const httplib::Request& req) { return rc.Answer(req); });
  std::vector<int64_t> waits;
  auto client = HttpClient::Open(server.url(), "", Options(&waits));
  ASSERT_TRUE(client.ok());
  ledger::FixedClock clock(5000);
  RocketChatSyncOptions o;
  o.db = db;
  o.count = 2;
  o.clock = &clock;
  auto r = RocketChatSync(**client, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(waits, std::vector<int64_t>{2500});
  EXPECT_EQ(r->rooms, 2);
  EXPECT_EQ(r->messages, 4);
  const std::string host = "127.0.0.1:" + std::to_string(server.port());
  EXPECT_EQ(r->host, host);
  const std::vector<std::string> want = {
      "GET /api/v1/channels.list.joined?count=100&offset=0 ",  // the 429
      "GET /api/v1/channels.list.joined?count=100&offset=0 ",
      "GET /api/v1/groups.list?count=100&offset=0 ",
      "GET /api/v1/channels.history?roomId=GENERAL&count=2&offset=0 ",
      "GET /api/v1/channels.history?roomId=GENERAL&count=2&offset=2 ",
      "GET /api/v1/groups.history?roomId=PrivRoom1&count=2&offset=0 ",
  };
  EXPECT_EQ(server.lines(), want);
  {
    auto store = Store::Open(db);
    ASSERT_TRUE(store.ok());
    Store& s = **store;
    EXPECT_EQ(Count(s, "SELECT count(*) FROM messages"), 4);
    EXPECT_EQ(Count(s, "SELECT count(*) FROM messages WHERE key = 'rocketchat:" + host +
                           "/GENERAL/m1' AND sender = 'rocketchat:" + host + "/userB'"),
              1);
    EXPECT_EQ(ReadConnectorCursor(s, "rocketchat", "oldest/GENERAL").value(),
              "2024-01-01T10:00:03Z");
    EXPECT_EQ(ReadConnectorCursor(s, "rocketchat", "type/PrivRoom1").value(), "p");
    EXPECT_EQ(ReadConnectorCursor(s, "rocketchat", "host").value(), host);
    EXPECT_EQ(ReadConnectorRooms(s, "rocketchat").value(),
              (std::vector<std::string>{"GENERAL", "PrivRoom1"}));
  }

  // A new message; the next round asks from the kept time and applies nothing twice.
  rc.history["GENERAL"].insert(rc.history["GENERAL"].begin(),
                               {5, Msg("m5", "GENERAL", "userA", 5, "fifth")});
  r = RocketChatSync(**client, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const auto seen = server.lines();
  ASSERT_EQ(seen.size(), want.size() + 5);  // the page of two asks for a next one
  EXPECT_EQ(seen[want.size() + 2],
            "GET /api/v1/channels.history?roomId=GENERAL&count=2&offset=0"
            "&oldest=2024-01-01T10%3A00%3A03Z&inclusive=true ");
  auto store = Store::Open(db);
  ASSERT_TRUE(store.ok());
  EXPECT_EQ(Count(**store, "SELECT count(*) FROM messages"), 5);
  EXPECT_EQ(ReadConnectorCursor(**store, "rocketchat", "oldest/GENERAL").value(),
            "2024-01-01T10:00:05Z");

  // A room with more new messages than a round reads: recorded as a gap.
  o.max_pages = 1;
  o.count = 1;
  ASSERT_TRUE(
      WriteConnectorCursor(**store, "rocketchat", "oldest/GENERAL", "2024-01-01T10:00:01Z", 1)
          .ok());
  r = RocketChatSync(**client, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->gaps, 1);
  EXPECT_EQ(Count(**store, "SELECT count(*) FROM weirds WHERE name = 'rocketchat_sync_gap'"), 1);
}

TEST(RocketChatConnector, EnforceDeletesKicksHonours429AndRetriesOnlyTheFailure) {
  testing::TempDir tmp;
  const std::string db = tmp.File("db");
  FakeRocketChat rc;
  FakeServer server([&](const httplib::Request& req) { return rc.Answer(req); });
  std::vector<int64_t> waits;
  auto client = HttpClient::Open(server.url(), "", Options(&waits));
  ASSERT_TRUE(client.ok());
  ledger::FixedClock clock(5000);
  RocketChatSyncOptions so;
  so.db = db;
  so.clock = &clock;
  ASSERT_TRUE(RocketChatSync(**client, so).ok());
  const std::string host = "127.0.0.1:" + std::to_string(server.port());
  {
    auto store = Store::Open(db);
    ASSERT_TRUE(store.ok());
    ledger::Ledger led(**store, &clock);
    ledger::TakedownRequest t;
    t.time = 100;
    t.decided_by = "moderator";
    t.reason = "spam";
    ASSERT_TRUE((*store)->Begin().ok());
    for (std::string entity : {"/userB", "/GENERAL/m1", "/GENERAL"}) {  // the room: no action
      t.entity = "rocketchat:" + host + entity;
      ASSERT_TRUE(led.Takedown(t).ok()) << entity;
    }
    ASSERT_TRUE((*store)->Commit().ok());
  }
  const size_t before = server.lines().size();
  rc.rate_limited = 1;
  RocketChatEnforceOptions o;
  o.db = db;
  o.clock = &clock;
  auto r = RocketChatEnforce(**client, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->done, 2);
  EXPECT_EQ(r->failed, 1);
  EXPECT_EQ(waits, std::vector<int64_t>{2500});
  const std::vector<std::string> want = {
      R"(POST /api/v1/channels.kick {"roomId":"GENERAL","userId":"userB"})",  // the 429
      R"(POST /api/v1/channels.kick {"roomId":"GENERAL","userId":"userB"})",
      R"(POST /api/v1/groups.kick {"roomId":"PrivRoom1","userId":"userB"})",  // the 403
      R"(POST /api/v1/chat.delete {"roomId":"GENERAL","msgId":"m1"})",
  };
  auto seen = server.lines();
  ASSERT_EQ(seen.size(), before + want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(seen[before + i], want[i]) << i;
  {
    auto store = Store::Open(db);
    ASSERT_TRUE(store.ok());
    auto failed = ReadConnectorActions(**store, "rocketchat", "failed");
    ASSERT_TRUE(failed.ok());
    ASSERT_EQ(failed->size(), 1u);
    EXPECT_EQ((*failed)[0].action, "kick");
    EXPECT_EQ((*failed)[0].target, "PrivRoom1");
    EXPECT_EQ((*failed)[0].http_status, 403);
  }

  // A rerun sends only the failed kick again.
  auto again = RocketChatEnforce(**client, o);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->already_done, 2);
  seen = server.lines();
  ASSERT_EQ(seen.size(), before + want.size() + 1);
  EXPECT_EQ(seen.back(), want[2]);

  // A reinstatement invites the user back where the kick was done.
  {
    auto store = Store::Open(db);
    ASSERT_TRUE(store.ok());
    ledger::Ledger led(**store, &clock);
    ledger::ReinstateRequest rr;
    rr.entity = "rocketchat:" + host + "/userB";
    rr.time = 200;
    rr.decided_by = "moderator";
    rr.reason = "appeal granted";
    ASSERT_TRUE((*store)->Begin().ok());
    auto re = led.Reinstate(rr);
    ASSERT_TRUE(re.ok()) << re.status().ToString();
    ASSERT_TRUE((*store)->Commit().ok());
  }
  auto back = RocketChatEnforce(**client, o);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->done, 1);
  EXPECT_EQ(server.lines().back(),
            R"(POST /api/v1/channels.invite {"roomId":"GENERAL","userId":"userB"})");
}

TEST(RocketChatConnector, CliSyncsOnceAndEnforcesWithTheHeaders) {
  testing::TempDir tmp;
  const std::string db = tmp.File("db");
  testing::WriteFile(tmp.path() / "token", "rc-token\n");
  FakeRocketChat rc;
  FakeServer server([&](const httplib::Request& req) { return rc.Answer(req); });
  const std::string common = " --server " + server.url() + " --user-id botUser --token-file " +
                             testing::ShellQuote(tmp.File("token")) + " --db " +
                             testing::ShellQuote(db) + " --once";
  auto sync = testing::RunCordon("rocketchat sync" + common);
  ASSERT_EQ(sync.code, 0) << sync.err;
  EXPECT_NE(sync.out.find("2 rooms, 4 messages"), std::string::npos) << sync.out;
  {
    auto store = Store::Open(db);
    ASSERT_TRUE(store.ok());
    ledger::Ledger led(**store);
    ledger::TakedownRequest t;
    t.entity = "rocketchat:127.0.0.1:" + std::to_string(server.port()) + "/GENERAL/m2";
    t.time = 100;
    t.decided_by = "moderator";
    t.reason = "spam";
    ASSERT_TRUE((*store)->Begin().ok());
    ASSERT_TRUE(led.Takedown(t).ok());
    ASSERT_TRUE((*store)->Commit().ok());
  }
  auto enforce = testing::RunCordon("rocketchat enforce" + common);
  ASSERT_EQ(enforce.code, 0) << enforce.err;
  EXPECT_NE(enforce.out.find("1 done, 0 failed"), std::string::npos) << enforce.out;
  EXPECT_EQ(server.lines().back(), R"(POST /api/v1/chat.delete {"roomId":"GENERAL","msgId":"m2"})");
  // A wrong token: the server's 401 is the error, the token is not printed.
  testing::WriteFile(tmp.path() / "token", "wrong-token\n");
  auto refused = testing::RunCordon("rocketchat sync" + common);
  EXPECT_EQ(refused.code, 1);
  EXPECT_NE(refused.err.find("HTTP 401"), std::string::npos) << refused.err;
  EXPECT_EQ(refused.err.find("wrong-token"), std::string::npos);
}

}  // namespace
}  // namespace cordon::connect
