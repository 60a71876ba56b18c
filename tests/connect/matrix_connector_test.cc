// The Matrix connector against a fake homeserver on 127.0.0.1 (cpp-httplib): the exact requests
// sent, 429 with retry_after_ms, a 403 on one ban among several, reruns that repeat nothing.
#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <atomic>

#include "cordon/connect/http_client.h"
#include "cordon/connect/matrix_enforce.h"
#include "cordon/connect/policy_rules.h"
#include "cordon/ledger/ledger.h"
#include "cordon/store/connector_tables.h"
#include "fake_server.h"
#include "test_util.h"

namespace cordon::connect {
namespace {

TEST(MatrixConnector, PathSegmentEncodesHostileIds) {
  EXPECT_EQ(PathSegment("!a/b:s"), "%21a%2Fb%3As");
  EXPECT_EQ(PathSegment(".."), "%2E%2E");
  EXPECT_EQ(PathSegment("$e?x#y%"), "%24e%3Fx%23y%25");
}

TEST(MatrixConnector, BaseUrlRefusesUserInfoAndQuery) {
  EXPECT_FALSE(ParseBaseUrl("https://u:p@h").ok());
  EXPECT_FALSE(ParseBaseUrl("https://h/?x").ok());
  EXPECT_FALSE(ParseBaseUrl("ftp://h").ok());
  auto b = ParseBaseUrl("http://127.0.0.1:8008/pre/");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->port, 8008);
  EXPECT_EQ(b->path, "/pre");
}

TEST(MatrixConnector, GlobMatch) {
  EXPECT_TRUE(GlobMatch("@*:evil.example", "@x:evil.example"));
  EXPECT_FALSE(GlobMatch("@*:evil.example", "@x:good.example"));
  EXPECT_TRUE(GlobMatch("@?:s", "@a:s"));
  EXPECT_FALSE(GlobMatch("@?:s", "@ab:s"));
  EXPECT_TRUE(GlobMatch("*", ""));
  // Globs, not regular expressions: only * and ? are special.
  EXPECT_TRUE(GlobMatch("@a.c:s", "@a.c:s"));
  EXPECT_FALSE(GlobMatch("@a.c:s", "@abc:s"));
  EXPECT_FALSE(GlobMatch("@[ab]:s", "@a:s"));
  EXPECT_TRUE(GlobMatch("@[ab]:s", "@[ab]:s"));
  EXPECT_FALSE(GlobMatch("^@.*$", "@x:s"));
  EXPECT_FALSE(GlobMatch("@a+:s", "@aa:s"));
  EXPECT_TRUE(GlobMatch("@*:s", "@:s"));
  EXPECT_TRUE(GlobMatch("*a*b*c*", "xxaxxbxxcxx"));
  EXPECT_FALSE(GlobMatch("*a*b*c*", "xxaxxcxxbxx"));
  EXPECT_TRUE(GlobMatch("??", "ab"));
  EXPECT_FALSE(GlobMatch("??", "abc"));
  // Many stars against a long miss: no exponential backtracking.
  EXPECT_FALSE(GlobMatch(std::string(64, '*') + "b", std::string(100000, 'a')));
}

TEST(MatrixConnector, ParsesRuleFamiliesAndWithdrawals) {
  auto p = ParsePolicyState(R"([
    {"type":"m.policy.rule.user","state_key":"r1","sender":"@m:s","origin_server_ts":5,
     "content":{"entity":"@*:evil.example","recommendation":"m.ban","reason":"spam"}},
    {"type":"org.matrix.mjolnir.rule.server","state_key":"r2","content":{"entity":"bad.example","recommendation":"m.ban"}},
    {"type":"m.room.rule.room","state_key":"r3","content":{}},
    {"type":"m.policy.rule.user","state_key":"r4","content":{"org.matrix.msc4205.hashes":{"sha256":"x"},"recommendation":"m.ban"}},
    {"type":"m.room.name","state_key":"","content":{"name":"list"}},
    7])");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->rules.size(), 3u);
  EXPECT_EQ(p->rules[0].row.kind, "user");
  EXPECT_EQ(p->rules[0].row.entity, "@*:evil.example");
  EXPECT_EQ(p->rules[1].row.kind, "server");
  EXPECT_TRUE(p->rules[2].withdrawn);
  EXPECT_EQ(p->other_events, 1);
  EXPECT_EQ(p->skipped.size(), 2u);
  EXPECT_FALSE(ParsePolicyState("{}").ok());
}

// A fake homeserver that answers from a script: 429 while `rate_limited`, 403 for bans in
// !denied:server, 401 without the bot's token.
struct FakeHomeserver {
  std::atomic<int> rate_limited{0};  // 429 answers still to give
  testing::FakeServer server{[this](const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("Authorization") != "Bearer tok") {
      res.status = 401;
      return;
    }
    if (rate_limited > 0) {
      --rate_limited;
      res.status = 429;
      res.set_content(R"({"errcode":"M_LIMIT_EXCEEDED","retry_after_ms":1234})",
                      "application/json");
      return;
    }
    if (req.target.find("%21denied%3Aserver/ban") != std::string::npos) {
      res.status = 403;
      res.set_content(R"({"errcode":"M_FORBIDDEN","error":"no power"})", "application/json");
      return;
    }
    res.set_content(
        req.target.find("/redact/") != std::string::npos ? R"({"event_id":"$r"})" : "{}",
        "application/json");
  }};
  std::string url() const { return server.url(); }
};

TEST(MatrixConnector, EnforceBansRedactsPublishesAndRerunRepeatsNothing) {
  testing::TempDir tmp;
  const std::string db = tmp.File("db");
  ledger::FixedClock clock(1000);
  {
    auto store = Store::Open(db);
    ASSERT_TRUE(store.ok());
    Store& s = **store;
    ASSERT_TRUE(s.Begin().ok());
    for (const char* room : {"!ok:server", "!denied:server", "!other:server"}) {
      ASSERT_TRUE(NoteConnectorRoom(s, "matrix", room, 1).ok());
      MemberEvent m;
      m.chat = std::string("matrix:") + room;
      m.user = "matrix:@spam:evil.example";
      m.time = 10;
      ASSERT_TRUE(s.Apply(Event{m}).ok());
    }
    ledger::Ledger led(s, &clock);
    ledger::TakedownRequest t;
    t.entity = "matrix:@spam:evil.example";
    t.time = 100;
    t.decided_by = "moderator";
    t.reason = "spam \"links\"";
    {
      auto tk = led.Takedown(t);
      ASSERT_TRUE(tk.ok()) << tk.status().ToString();
    }
    t.entity = "matrix:!ok:server/$ev/1";
    t.reason = "propaganda";
    {
      auto tk = led.Takedown(t);
      ASSERT_TRUE(tk.ok()) << tk.status().ToString();
    }
    ASSERT_TRUE(s.Commit().ok());
  }
  FakeHomeserver hs;
  hs.rate_limited = 1;
  std::vector<int64_t> waits;
  HttpOptions http;
  http.sleep = [&](int64_t ms) { waits.push_back(ms); };
  auto client = HttpClient::Open(hs.url(), "tok", http);
  ASSERT_TRUE(client.ok());
  MatrixEnforceOptions o;
  o.db = db;
  o.policy_room = "!list:server";
  o.clock = &clock;
  auto r = MatrixEnforce(**client, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->done, 4);
  EXPECT_EQ(r->failed, 1);
  EXPECT_EQ(waits, std::vector<int64_t>{1234});
  const std::string ban_body = R"({"user_id":"@spam:evil.example","reason":"spam \"links\""})";
  const std::vector<std::string> want = {
      "POST /_matrix/client/v3/rooms/%21denied%3Aserver/ban " + ban_body,  // the 429
      "POST /_matrix/client/v3/rooms/%21denied%3Aserver/ban " + ban_body,  // the 403
      "POST /_matrix/client/v3/rooms/%21ok%3Aserver/ban " + ban_body,
      "POST /_matrix/client/v3/rooms/%21other%3Aserver/ban " + ban_body,
      "PUT /_matrix/client/v3/rooms/%21list%3Aserver/state/m.policy.rule.user/"
      "rule%3A%40spam%3Aevil.example "
      R"({"entity":"@spam:evil.example","recommendation":"m.ban","reason":"spam \"links\""})",
  };
  const std::vector<std::string> seen = hs.server.lines();
  ASSERT_GE(seen.size(), want.size() + 1);
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(seen[i], want[i]) << i;
  EXPECT_EQ(
      seen[5].rfind("PUT /_matrix/client/v3/rooms/%21ok%3Aserver/redact/%24ev%2F1/cordon.2.", 0),
      0u)
      << seen[5];

  auto store = Store::Open(db);
  ASSERT_TRUE(store.ok());
  auto failed = ReadConnectorActions(**store, "matrix", "failed");
  ASSERT_TRUE(failed.ok());
  ASSERT_EQ(failed->size(), 1u);
  EXPECT_EQ((*failed)[0].target, "!denied:server");
  EXPECT_EQ((*failed)[0].http_status, 403);

  // A rerun sends only the failed ban again.
  const size_t before = seen.size();
  auto again = MatrixEnforce(**client, o);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->already_done, 4);
  const std::vector<std::string> after = hs.server.lines();
  ASSERT_EQ(after.size(), before + 1);
  EXPECT_EQ(after.back(), want[1]);

  // A reinstatement unbans where the ban was done and withdraws the rule with empty content.
  {
    auto s2 = Store::Open(db);
    ASSERT_TRUE(s2.ok());
    ledger::Ledger led(**s2, &clock);
    ledger::ReinstateRequest rq;
    rq.entity = "matrix:@spam:evil.example";
    rq.time = 200;
    rq.decided_by = "moderator";
    rq.reason = "appeal granted";
    auto rs = led.Reinstate(rq);
    ASSERT_TRUE(rs.ok()) << rs.status().ToString();
  }
  auto third = MatrixEnforce(**client, o);
  ASSERT_TRUE(third.ok()) << third.status().ToString();
  const std::vector<std::string> all = hs.server.lines();
  std::vector<std::string> undo(all.begin() + static_cast<std::ptrdiff_t>(after.size()), all.end());
  const std::string unban_body = R"({"user_id":"@spam:evil.example","reason":"appeal granted"})";
  std::sort(undo.begin(), undo.end());
  const std::vector<std::string> want_undo = {
      "POST /_matrix/client/v3/rooms/%21ok%3Aserver/unban " + unban_body,
      "POST /_matrix/client/v3/rooms/%21other%3Aserver/unban " + unban_body,
      "PUT /_matrix/client/v3/rooms/%21list%3Aserver/state/m.policy.rule.user/"
      "rule%3A%40spam%3Aevil.example {}",
  };
  EXPECT_EQ(undo, want_undo);
}

}  // namespace
}  // namespace cordon::connect
