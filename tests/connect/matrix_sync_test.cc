// `cordon matrix sync` against a fake homeserver on 127.0.0.1 answering GET
// /_matrix/client/v3/sync with the specification's shapes (its example events, read from
// ../shared/data/matrix): the exact requests (since from the store, timeout, the token), what the
// store holds after, the limited timeline recorded as the weird matrix_sync_gap, 429 honoured,
// and a crash between fetching and committing that resumes from the stored since.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>

#include "cordon/connect/matrix_sync.h"
#include "cordon/ingest/weirds.h"
#include "cordon/store/browse.h"
#include "cordon/store/connector_tables.h"
#include "fake_server.h"
#include "matrix_examples.h"
#include "test_util.h"

namespace cordon::connect {
namespace {

namespace fs = std::filesystem;
using testing::FakeServer;

// A spec example as an event of a sync response: its own event id, no room_id (sync events
// carry none; the room is the key above them).
std::string SyncEvent(const std::string& example, const std::string& event_id,
                      std::map<std::string, std::string> overrides = {}) {
  overrides["event_id"] = "\"" + event_id + "\"";
  return testing::LoadMatrixExample(testing::MatrixExamplesDir() / example, overrides, {"room_id"});
}

// The first batch: a named room with a join, a text and an image in its timeline, and a second
// room whose timeline came back limited (events before prev_batch were skipped).
std::string FirstBatch() {
  return R"({"next_batch":"s1/x","rooms":{"join":{"!room:example.org":{"state":{"events":[)" +
         SyncEvent("m.room.name.yaml", "$name") + R"(]},"timeline":{"events":[)" +
         SyncEvent("m.room.member.yaml", "$join") + "," +
         SyncEvent("m.room.message.m.text.yaml", "$t1") + "," +
         SyncEvent("m.room.message.m.image.yaml", "$i1") +
         R"(],"limited":false,"prev_batch":"p1"}},"!gap:example.org":{"timeline":{"events":[)" +
         SyncEvent("m.room.message.m.text.yaml", "$t2") +
         R"(],"limited":true,"prev_batch":"p-gap"}}}}})";
}

std::string SecondBatch() {
  return R"({"next_batch":"s2","rooms":{"join":{"!room:example.org":{"timeline":{"events":[)" +
         SyncEvent("m.room.message.m.text.yaml", "$t3",
                   {{"content", R"({"msgtype":"m.text","body":"a second message"})"}}) +
         R"(],"limited":false,"prev_batch":"s1/x"}}}}})";
}

// Answers /sync from the since it is given; the first `rate_limited` requests get a 429.
struct SyncScript {
  std::atomic<int> rate_limited{0};
  FakeServer server{[this](const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("Authorization") != "Bearer tok") {
      res.status = 401;
      res.set_content(R"({"errcode":"M_UNKNOWN_TOKEN","error":"bad token"})", "application/json");
      return;
    }
    if (req.path != "/_matrix/client/v3/sync") {
      res.status = 404;
      return;
    }
    if (rate_limited > 0) {
      --rate_limited;
      res.status = 429;
      res.set_content(R"({"errcode":"M_LIMIT_EXCEEDED","error":"slow","retry_after_ms":1234})",
                      "application/json");
      return;
    }
    const std::string since = req.get_param_value("since");
    if (since.empty()) {
      res.set_content(FirstBatch(), "application/json");
    } else if (since == "s1/x") {
      res.set_content(SecondBatch(), "application/json");
    } else {
      res.set_content(R"({"next_batch":")" + since + R"(","rooms":{}})", "application/json");
    }
  }};
};

std::vector<std::string> Targets(FakeServer& s) {
  std::vector<std::string> out;
  for (const auto& r : s.seen()) out.push_back(r.method + " " + r.target);
  return out;
}

class MatrixSyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(testing::MatrixExamplesDir())) GTEST_SKIP() << "no Matrix examples";
  }
  StatusOr<MatrixSyncReport> Sync(const std::string& db, int64_t rounds,
                                  std::function<Status(std::string_view)> crash = nullptr) {
    HttpOptions http;
    http.sleep = [this](int64_t ms) { waits.push_back(ms); };
    auto client = HttpClient::Open(script.server.url(), "tok", http);
    if (!client.ok()) return client.status();
    MatrixSyncOptions o;
    o.db = db;
    o.rounds = rounds;
    o.timeout_ms = 0;
    o.spool_dir = tmp.File("spool");  // one spool for every store: their dumps compare
    o.clock = &clock;
    o.crash_point = std::move(crash);
    return MatrixSync(**client, o);
  }
  testing::TempDir tmp;
  ledger::FixedClock clock{5000};
  SyncScript script;
  std::vector<int64_t> waits;
};

TEST_F(MatrixSyncTest, RequestsCarryTheStoredSinceAndTheStoreHoldsTheRooms) {
  const std::string db = tmp.File("db");
  script.rate_limited = 1;
  auto r = Sync(db, 2);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rounds, 2);
  EXPECT_EQ(r->gaps, 1);
  EXPECT_EQ(r->since, "s2");
  // The 429's retry_after_ms was waited, then the same request sent again; the second round
  // sends the since the first stored, percent-encoded.
  EXPECT_EQ(waits, std::vector<int64_t>{1234});
  EXPECT_EQ(Targets(script.server),
            (std::vector<std::string>{"GET /_matrix/client/v3/sync?timeout=0",
                                      "GET /_matrix/client/v3/sync?timeout=0",
                                      "GET /_matrix/client/v3/sync?timeout=0&since=s1%2Fx"}));
  for (const auto& req : script.server.seen()) EXPECT_EQ(req.authorization, "Bearer tok");

  auto store = Store::Open(db, OpenMode::kExisting);
  ASSERT_TRUE(store.ok());
  Store& s = **store;
  auto since = ReadConnectorCursor(s, kMatrixConnector, "since");
  ASSERT_TRUE(since.ok());
  EXPECT_EQ(since->value_or(""), "s2");
  auto rooms = ReadConnectorRooms(s, kMatrixConnector);
  ASSERT_TRUE(rooms.ok());
  EXPECT_EQ(*rooms, (std::vector<std::string>{"!gap:example.org", "!room:example.org"}));

  MessageQuery mq;
  auto messages = ListMessages(s, mq);
  ASSERT_TRUE(messages.ok());
  std::map<std::string, std::string> text_by_key;
  for (const MessageRow& m : messages->messages) text_by_key[m.key] = m.text;
  EXPECT_EQ(text_by_key, (std::map<std::string, std::string>{
                             {"matrix:!gap:example.org/$t2", "This is an example text message"},
                             {"matrix:!room:example.org/$i1", ""},
                             {"matrix:!room:example.org/$t1", "This is an example text message"},
                             {"matrix:!room:example.org/$t3", "a second message"}}));
  for (const MessageRow& m : messages->messages) {
    EXPECT_EQ(m.sender, "matrix:@example:example.org") << m.key;
  }

  EntityQuery eq;
  eq.platform = "matrix";
  auto entities = ListEntities(s, eq);
  ASSERT_TRUE(entities.ok());
  std::map<std::string, std::pair<std::string, std::string>> kind_name;
  for (const EntityRow& e : entities->entities) kind_name[e.key] = {e.kind, e.name};
  EXPECT_EQ(kind_name["matrix:!room:example.org"],
            (std::pair<std::string, std::string>{"group", "The room name"}));
  EXPECT_EQ(kind_name["matrix:@alice:example.org"],
            (std::pair<std::string, std::string>{"user", "Alice Margatroid"}));
  EXPECT_EQ(kind_name["matrix:!gap:example.org"].first, "group");
  EXPECT_EQ(kind_name["matrix:@example:example.org"].first, "user");

  // The limited timeline is one weird naming the room and where the skipped events end.
  auto stats = s.Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->weird_by_name[std::string(weird::kMatrixSyncGap)], 1);
  auto dump = s.Dump();
  ASSERT_TRUE(dump.ok());
  EXPECT_NE(dump->find("room !gap:example.org: limited timeline, events before prev_batch "
                       "'p-gap' were not read"),
            std::string::npos);
  // Each round's spool file is removed once its cursor is stored.
  EXPECT_TRUE(fs::is_empty(tmp.File("spool")));
}

TEST_F(MatrixSyncTest, RefusedTokenIsAnErrorAndStoresNothing) {
  const std::string db = tmp.File("db");
  auto client = HttpClient::Open(script.server.url(), "wrong");
  ASSERT_TRUE(client.ok());
  MatrixSyncOptions o;
  o.db = db;
  o.rounds = 1;
  o.spool_dir = tmp.File("spool");
  auto r = MatrixSync(**client, o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("HTTP 401"), std::string::npos) << r.status().ToString();
  auto store = Store::Open(db, OpenMode::kExisting);
  ASSERT_TRUE(store.ok());
  auto since = ReadConnectorCursor(**store, kMatrixConnector, "since");
  ASSERT_TRUE(since.ok());
  EXPECT_FALSE(since->has_value());
}

// A crash after the answer was fetched (and, at the later point, ingested) but before the new
// since was committed: the next run asks again from the stored since, re-reads the same batch,
// and the store ends exactly as after a run without the crash.
class MatrixSyncCrashTest : public MatrixSyncTest,
                            public ::testing::WithParamInterface<const char*> {};

TEST_P(MatrixSyncCrashTest, ResumesFromTheStoredSinceAndAppliesNothingTwice) {
  const std::string clean_db = tmp.File("clean.db");
  ASSERT_TRUE(Sync(clean_db, 2).ok());
  auto clean = Store::Open(clean_db, OpenMode::kExisting);
  ASSERT_TRUE(clean.ok());
  auto want = (*clean)->Dump();
  ASSERT_TRUE(want.ok());

  const std::string db = tmp.File("crash.db");
  const std::string point = GetParam();
  int calls = 0;
  auto crashed = Sync(db, 2, [&](std::string_view at) {
    // The second round dies at the point under test.
    if (at == point && ++calls == 2) return Status::Internal("crash at " + point);
    return Status::Ok();
  });
  ASSERT_FALSE(crashed.ok());
  {
    auto store = Store::Open(db, OpenMode::kExisting);
    ASSERT_TRUE(store.ok());
    auto since = ReadConnectorCursor(**store, kMatrixConnector, "since");
    ASSERT_TRUE(since.ok());
    EXPECT_EQ(since->value_or(""), "s1/x");  // the crashed round stored no cursor
    auto messages = ListMessages(**store, MessageQuery{});
    ASSERT_TRUE(messages.ok());
    // Ingested before the crash, or not, depending on where it struck.
    EXPECT_EQ(messages->messages.size(), point == std::string("ingested") ? 4u : 3u);
  }
  const size_t before = script.server.seen().size();
  auto resumed = Sync(db, 1);
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  EXPECT_EQ(resumed->since, "s2");
  const auto seen = script.server.seen();
  ASSERT_EQ(seen.size(), before + 1);
  EXPECT_EQ(seen.back().target, "/_matrix/client/v3/sync?timeout=0&since=s1%2Fx");

  auto store = Store::Open(db, OpenMode::kExisting);
  ASSERT_TRUE(store.ok());
  auto got = (*store)->Dump();
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, *want);
  auto stats = (*store)->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->messages, 4);
  EXPECT_EQ(stats->weird_by_name[std::string(weird::kMatrixSyncGap)], 1);
}

INSTANTIATE_TEST_SUITE_P(CrashPoints, MatrixSyncCrashTest,
                         ::testing::Values("fetched", "ingested"));

TEST_F(MatrixSyncTest, CliOnceSyncsOnceWithTimeoutZero) {
  const std::string db = tmp.File("db");
  testing::WriteFile(tmp.File("token"), "tok\n");
  auto r = testing::RunCordon("matrix sync --homeserver " + script.server.url() + " --token-file " +
                              testing::ShellQuote(tmp.File("token")) + " --db " +
                              testing::ShellQuote(db) + " --once --quiet");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(Targets(script.server),
            std::vector<std::string>{"GET /_matrix/client/v3/sync?timeout=0"});
  EXPECT_EQ(script.server.seen()[0].authorization, "Bearer tok");
  auto store = Store::Open(db, OpenMode::kExisting);
  ASSERT_TRUE(store.ok());
  auto since = ReadConnectorCursor(**store, kMatrixConnector, "since");
  ASSERT_TRUE(since.ok());
  EXPECT_EQ(since->value_or(""), "s1/x");
}

// The same flags from a YAML file (--config): the file's keys are the long flag names, the
// command line wins over the file, an unknown key is an error naming the file and its line.
TEST_F(MatrixSyncTest, CliConfigFileGivesTheFlags) {
  const std::string db = tmp.File("db");
  testing::WriteFile(tmp.File("token"), "tok\n");
  testing::WriteFile(tmp.File("bot.yaml"),
                     "# the Matrix bot\n"
                     "homeserver: " +
                         script.server.url() +
                         "\n"
                         "token-file: " +
                         tmp.File("token") +
                         "\n"
                         "db: " +
                         tmp.File("not-this.db") +
                         "\n"
                         "once: true\n"
                         "quiet: yes\n");
  auto r = testing::RunCordon("matrix sync --config " + testing::ShellQuote(tmp.File("bot.yaml")) +
                              " --db " + testing::ShellQuote(db));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "");  // quiet, from the file
  EXPECT_EQ(Targets(script.server),
            std::vector<std::string>{"GET /_matrix/client/v3/sync?timeout=0"});
  EXPECT_TRUE(fs::exists(db));  // --db on the command line won over the file's
  EXPECT_FALSE(fs::exists(tmp.File("not-this.db")));

  testing::WriteFile(tmp.File("typo.yaml"), "once: true\nhomeservr: http://127.0.0.1:1\n");
  r = testing::RunCordon("matrix sync --config " + testing::ShellQuote(tmp.File("typo.yaml")) +
                         " --db " + testing::ShellQuote(db));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find(tmp.File("typo.yaml") + ":2"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("unknown key 'homeservr'"), std::string::npos) << r.err;
  EXPECT_EQ(script.server.seen().size(), 1u);  // nothing sent

  // Without --config and without a required flag: the usual error.
  r = testing::RunCordon("matrix sync --db " + testing::ShellQuote(db));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--homeserver"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace cordon::connect
