// Matrix policy lists: `cordon matrix policy import` against a fake GET /rooms/{room}/state
// (the specification's rule examples from ../shared/data/matrix, the legacy types, globs that
// must not be read as regular expressions, withdrawn rules, hostile entity strings), and
// `cordon policy export --format matrix` checked to the byte.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "cordon/connect/matrix_policy.h"
#include "cordon/connect/policy_rules.h"
#include "cordon/ledger/ledger.h"
#include "cordon/store/connector_tables.h"
#include "fake_server.h"
#include "matrix_examples.h"
#include "test_util.h"

namespace cordon::connect {
namespace {

namespace fs = std::filesystem;
using testing::FakeServer;

std::string Rule(const std::string& type, const std::string& state_key,
                 const std::string& content) {
  return R"({"type":")" + type + R"(","state_key":")" + state_key +
         R"(","sender":"@mod:example.org","origin_server_ts":1700000000000,"event_id":"$)" +
         std::to_string(std::hash<std::string>()(state_key) % 100000) +
         R"(","room_id":"!list:example.org","content":)" + content + "}";
}

std::string Ban(const std::string& entity, const std::string& reason = "listed") {
  return R"({"entity":")" + entity + R"(","recommendation":"m.ban","reason":")" + reason + "\"}";
}

// A hostile entity: quotes, SQL, a path, a right-to-left override and a line break, as JSON.
constexpr const char* kHostileJson =
    R"(@evil:x\"'); DROP TABLE policy_rules;--/../\u202e\n<script>)";
constexpr const char* kHostile = "@evil:x\"'); DROP TABLE policy_rules;--/../\u202e\n<script>";

// The policy room's state at the first import.
std::string FirstState() {
  const fs::path dir = testing::MatrixExamplesDir();
  std::string s = "[";
  // The specification's examples: @alice*:example.org, #*:example.org, *.example.org.
  for (const char* f :
       {"m.policy.rule.user.yaml", "m.policy.rule.room.yaml", "m.policy.rule.server.yaml"}) {
    s += testing::LoadMatrixExample(dir / f) + ",";
  }
  s += Rule("m.policy.rule.user", "q", Ban("@spam?:evil.example")) + ",";
  // Regular-expression lookalikes match only themselves.
  s += Rule("m.policy.rule.user", "dot", Ban("@a.c:dot.example")) + ",";
  s += Rule("m.policy.rule.user", "regex", Ban("^@.*$")) + ",";
  s += Rule("m.policy.rule.user", "class", Ban("@[ab]:dot.example")) + ",";
  // The older types.
  s += Rule("m.room.rule.user", "legacy", Ban("@legacy:old.example")) + ",";
  s += Rule("org.matrix.mjolnir.rule.room", "mj", Ban("!mj:old.example")) + ",";
  // Not a ban: stored, not acted on.
  s += Rule("m.policy.rule.user", "watch",
            R"({"entity":"@bob:example.org","recommendation":"org.example.watch"})") +
       ",";
  s += Rule("m.policy.rule.user", "later-withdrawn", Ban("@bob*:nowhere.example")) + ",";
  s += Rule("m.policy.rule.user", "hostile/../%2F?", Ban(kHostileJson, "<b>x</b>")) + ",";
  s += R"({"type":"m.room.name","state_key":"","content":{"name":"Ban list"}},)";
  s += R"({"type":"m.policy.rule.user","state_key":"bad","content":{"entity":7}}])";
  return s;
}

// At the second import: one rule withdrawn with empty content, the rest unchanged.
std::string SecondState() {
  std::string s = FirstState();
  const std::string old = Ban("@bob*:nowhere.example");
  s.replace(s.find(old), old.size(), "{}");
  return s;
}

struct PolicyRoom {
  bool withdrawn = false;
  FakeServer server{[this](const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("Authorization") != "Bearer tok") {
      res.status = 401;
      return;
    }
    if (req.target == "/_matrix/client/v3/directory/room/%23list%3Aexample.org") {
      res.set_content(R"({"room_id":"!list:example.org","servers":["example.org"]})",
                      "application/json");
    } else if (req.target == "/_matrix/client/v3/rooms/%21list%3Aexample.org/state") {
      res.set_content(withdrawn ? SecondState() : FirstState(), "application/json");
    } else {
      res.status = 404;
      res.set_content(R"({"errcode":"M_NOT_FOUND"})", "application/json");
    }
  }};
};

void AddEntity(Store& s, const std::string& key, EntityKind kind,
               std::optional<std::string> alias = std::nullopt) {
  EntityEvent e;
  e.key = key;
  e.kind = kind;
  e.time = 10;
  e.username = std::move(alias);
  ASSERT_TRUE(s.Apply(Event{e}).ok());
}

class MatrixPolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(testing::MatrixExamplesDir())) GTEST_SKIP() << "no Matrix examples";
    auto store = Store::Open(db);
    ASSERT_TRUE(store.ok());
    Store& s = **store;
    ASSERT_TRUE(s.Begin().ok());
    for (const char* user :
         {"@alice:example.org", "@alice2:example.org", "@bob:example.org", "@spam1:evil.example",
          "@spam12:evil.example", "@abc:dot.example", "@a:dot.example", "@x:sub.example.org",
          "@legacy:old.example", "@y:example.orgx"}) {
      AddEntity(s, std::string("matrix:") + user, EntityKind::kUser);
    }
    AddEntity(s, "matrix:@evil:x", EntityKind::kUser);
    AddEntity(s, "matrix:!lobby:other.example", EntityKind::kGroup, "#lobby:example.org");
    AddEntity(s, "matrix:!plain:other.example", EntityKind::kGroup, "#plain:other.example");
    AddEntity(s, "matrix:!mj:old.example", EntityKind::kGroup);
    AddEntity(s, "matrix:!hq:sub.example.org", EntityKind::kGroup);
    ASSERT_TRUE(s.Commit().ok());
  }
  StatusOr<MatrixPolicyImportReport> Import(bool dry_run) {
    auto client = HttpClient::Open(room.server.url(), "tok");
    if (!client.ok()) return client.status();
    MatrixPolicyImportOptions o;
    o.db = db;
    o.room = "#list:example.org";
    o.dry_run = dry_run;
    o.clock = &clock;
    return MatrixPolicyImport(**client, o);
  }
  testing::TempDir tmp;
  const std::string db = tmp.File("db");
  ledger::FixedClock clock{7000};
  PolicyRoom room;
};

const std::vector<std::string> kMatched = {
    "matrix:!hq:sub.example.org",   // server rule *.example.org
    "matrix:!lobby:other.example",  // room rule #*:example.org, by its alias
    "matrix:!mj:old.example",       // org.matrix.mjolnir.rule.room
    "matrix:@alice2:example.org",   // @alice*:example.org
    "matrix:@alice:example.org",    // @alice*:example.org (* matches nothing too)
    "matrix:@legacy:old.example",   // m.room.rule.user
    "matrix:@spam1:evil.example",   // @spam?:evil.example
    "matrix:@x:sub.example.org",    // server rule *.example.org
};

TEST_F(MatrixPolicyTest, ImportStoresRulesAndTakesDownWhatTheGlobsMatch) {
  auto dry = Import(true);
  ASSERT_TRUE(dry.ok()) << dry.status().ToString();
  EXPECT_EQ(dry->room, "!list:example.org");
  EXPECT_EQ(dry->applied.taken_down, kMatched);
  {
    auto store = Store::Open(db, OpenMode::kExisting);
    ASSERT_TRUE(store.ok());
    auto rules = ReadPolicyRules(**store);
    ASSERT_TRUE(rules.ok());
    EXPECT_TRUE(rules->empty());  // a dry run writes nothing
    ledger::Ledger led(**store);
    auto entries = led.List();
    ASSERT_TRUE(entries.ok());
    EXPECT_TRUE(entries->empty());
  }

  auto r = Import(false);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rules, 12);
  EXPECT_EQ(r->withdrawn, 0);
  EXPECT_EQ(r->other_events, 1);
  ASSERT_EQ(r->skipped.size(), 1u);
  EXPECT_NE(r->skipped[0].find("'bad'"), std::string::npos) << r->skipped[0];
  EXPECT_EQ(r->applied.taken_down, kMatched);
  const std::vector<std::string> want_requests = {
      "GET /_matrix/client/v3/directory/room/%23list%3Aexample.org ",
      "GET /_matrix/client/v3/rooms/%21list%3Aexample.org/state ",
  };
  auto lines = room.server.lines();
  ASSERT_GE(lines.size(), 4u);
  // The dry run sent the same two requests.
  EXPECT_EQ(std::vector<std::string>(lines.begin(), lines.begin() + 2), want_requests);
  EXPECT_EQ(std::vector<std::string>(lines.begin() + 2, lines.end()), want_requests);

  auto store = Store::Open(db, OpenMode::kExisting);
  ASSERT_TRUE(store.ok());
  auto rules = ReadPolicyRules(**store, "!list:example.org");
  ASSERT_TRUE(rules.ok());
  ASSERT_EQ(rules->size(), 12u);
  std::map<std::string, PolicyRuleRow> by_key;
  for (const auto& row : *rules) by_key[row.state_key] = row;
  EXPECT_EQ(by_key["rule:@alice*:example.org"].entity, "@alice*:example.org");
  EXPECT_EQ(by_key["rule:@alice*:example.org"].kind, "user");
  EXPECT_EQ(by_key["rule:#*:example.org"].kind, "room");
  EXPECT_EQ(by_key["rule:*.example.org"].kind, "server");
  EXPECT_EQ(by_key["legacy"].type, "m.room.rule.user");
  EXPECT_EQ(by_key["mj"].type, "org.matrix.mjolnir.rule.room");
  EXPECT_EQ(by_key["watch"].recommendation, "org.example.watch");
  // The hostile strings are kept as written, as data.
  const PolicyRuleRow& hostile = by_key["hostile/../%2F?"];
  EXPECT_EQ(hostile.entity, kHostile);
  EXPECT_EQ(hostile.reason, "<b>x</b>");
  EXPECT_EQ(hostile.sender, "@mod:example.org");

  ledger::Ledger led(**store);
  auto entries = led.List();
  ASSERT_TRUE(entries.ok());
  std::vector<std::string> down;
  for (const auto& e : *entries) {
    EXPECT_EQ(e.action, "takedown");
    EXPECT_EQ(e.source, "policy");
    down.push_back(e.entity);
    if (e.entity == "matrix:@alice:example.org") {
      EXPECT_EQ(e.ref, "!list:example.org m.policy.rule.user rule:@alice*:example.org");
      EXPECT_EQ(e.reason, "undesirable behaviour");
    }
  }
  std::sort(down.begin(), down.end());
  EXPECT_EQ(down, kMatched);

  // A second import changes nothing that is down already.
  auto again = Import(false);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->applied.taken_down.empty());
  EXPECT_EQ(again->applied.already_down, static_cast<int64_t>(kMatched.size()));
}

TEST_F(MatrixPolicyTest, WithdrawnRuleIsRemoved) {
  ASSERT_TRUE(Import(false).ok());
  room.withdrawn = true;
  auto r = Import(false);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->withdrawn, 1);
  EXPECT_EQ(r->rules, 11);
  auto store = Store::Open(db, OpenMode::kExisting);
  ASSERT_TRUE(store.ok());
  auto rules = ReadPolicyRules(**store);
  ASSERT_TRUE(rules.ok());
  EXPECT_EQ(rules->size(), 11u);
  for (const auto& row : *rules) EXPECT_NE(row.state_key, "later-withdrawn");
}

// `cordon policy export --format matrix`: the rules of the Matrix users and rooms down now.
TEST(MatrixPolicyExport, PrintsTheRulesOfWhatIsDownExactly) {
  testing::TempDir tmp;
  const std::string db = tmp.File("db");
  {
    auto store = Store::Open(db);
    ASSERT_TRUE(store.ok());
    ledger::FixedClock clock(1000);
    ledger::Ledger led(**store, &clock);
    auto down = [&](const std::string& entity, const std::string& reason) {
      ledger::TakedownRequest t;
      t.entity = entity;
      t.time = 100;
      t.reason = reason;
      t.decided_by = "moderator";
      ASSERT_TRUE(led.Takedown(t).ok()) << entity;
    };
    down("matrix:@u:s.example", "spam \"links\" </script>");
    down("matrix:!r:s.example", "propaganda");
    down("matrix:!r:s.example/$ev", "a message: no rule");
    down("telegram:channel1", "another platform: no rule");
    down("matrix:@star*:s.example", "a glob character: no rule");
    down("matrix:@back:s.example", "reinstated below");
    ledger::ReinstateRequest back;
    back.entity = "matrix:@back:s.example";
    back.time = 200;
    back.reason = "appeal granted";
    back.decided_by = "moderator";
    ASSERT_TRUE(led.Reinstate(back).ok());
  }
  auto r = testing::RunCordon("policy export --db " + testing::ShellQuote(db) + " --format matrix");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, R"([{"type":"m.policy.rule.room","state_key":"rule:!r:s.example","content":)"
                   R"({"entity":"!r:s.example","recommendation":"m.ban","reason":"propaganda"}},)"
                   R"({"type":"m.policy.rule.user","state_key":"rule:@u:s.example","content":)"
                   R"({"entity":"@u:s.example","recommendation":"m.ban",)"
                   R"("reason":"spam \"links\" </script>"}}])"
                   "\n");
  // What it prints reads back as the same rules.
  auto parsed = ParsePolicyState(r.out);
  ASSERT_TRUE(parsed.ok());
  ASSERT_EQ(parsed->rules.size(), 2u);
  EXPECT_EQ(parsed->rules[1].row.entity, "@u:s.example");
  EXPECT_EQ(parsed->rules[1].row.reason, "spam \"links\" </script>");

  auto bad =
      testing::RunCordon("policy export --db " + testing::ShellQuote(db) + " --format mjolnir");
  EXPECT_NE(bad.code, 0);
}

}  // namespace
}  // namespace cordon::connect
