// PostgreSQL as the store (issue #19, docs/design.md "PostgreSQL"): the SQL rewriting and URL
// redaction alone, then, on a throwaway server this binary starts once (postgres_server.h), the
// contract: the same simulated world ingested into SQLite and into PostgreSQL gives the same
// `stats --json`, matches, regeneration detections and `impact --json`, and a second ingest
// changes nothing. Skipped, saying why, without libpq or the server binaries.
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "cordon/pipeline/release_bank.h"
#include "cordon/sim/simulator.h"
#include "cordon/store/postgres.h"
#include "cordon/store/regen_state_table.h"
#include "cordon/store/sql.h"
#include "cordon/store/store.h"
#include "postgres_server.h"
#include "test_util.h"

namespace cordon {
namespace {

TEST(PostgresSql, RewritesPlaceholders) {
  auto r = RewriteForPostgres("SELECT a FROM t WHERE b = ?1 AND c = ?2 OR d = ?1 AND e = ?");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->sql, "SELECT a FROM t WHERE b = $1 AND c = $2 OR d = $1 AND e = $3");
  EXPECT_EQ(r->params, 3);
  // Not inside literals, quoted names or comments.
  r = RewriteForPostgres("SELECT '?1', \"a?\" -- ?\n FROM t WHERE x = ?");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->sql, "SELECT '?1', \"a?\" -- ?\n FROM t WHERE x = $1");
  EXPECT_EQ(r->params, 1);
}

TEST(PostgresSql, RewritesInsertOrIgnoreAndReplace) {
  auto r = RewriteForPostgres("INSERT OR IGNORE INTO t(a, b) VALUES(?1,?2)");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->sql, "INSERT INTO t(a, b) VALUES($1,$2) ON CONFLICT DO NOTHING");
  r = RewriteForPostgres("insert or replace into files(path, size) VALUES(?1, ?2);\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->sql,
            "INSERT INTO files(path, size) VALUES($1, $2) ON CONFLICT ON CONSTRAINT files_pkey "
            "DO UPDATE SET path = EXCLUDED.path, size = EXCLUDED.size");
  EXPECT_FALSE(RewriteForPostgres("INSERT OR ROLLBACK INTO t VALUES(1)").ok());
  EXPECT_FALSE(RewriteForPostgres("INSERT OR REPLACE INTO t VALUES(1)").ok());
}

TEST(PostgresUrl, PasswordsAreNeverShown) {
  EXPECT_TRUE(IsPostgresUrl("postgresql://u@h:5432/db"));
  EXPECT_TRUE(IsPostgresUrl("POSTGRES://u@h/db"));
  EXPECT_FALSE(IsPostgresUrl("case.db"));
  EXPECT_FALSE(IsPostgresUrl("./postgresql:/x.db"));
  EXPECT_EQ(RedactUrl("postgresql://u:s3cret@h:5432/db"), "postgresql://u@h:5432/db");
  EXPECT_EQ(RedactUrl("postgresql://u@h/db?password=s3cret&sslmode=disable"),
            "postgresql://u@h/db?sslmode=disable");
  EXPECT_EQ(RedactUrl("postgresql://u@h/db?sslmode=disable&password=s3cret"),
            "postgresql://u@h/db?sslmode=disable");
  EXPECT_EQ(RedactUrl("postgresql://u@h/db?password=s3cret"), "postgresql://u@h/db");
  EXPECT_EQ(RedactUrl("postgresql://h/db"), "postgresql://h/db");
  // Nothing listens on port 1: the error names the database, never the password. Without libpq
  // the error says PostgreSQL is not built in.
  auto store = Store::Open("postgresql://u:s3cret@127.0.0.1:1/db");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().ToString().find("s3cret"), std::string::npos)
      << store.status().ToString();
  EXPECT_NE(store.status().ToString().find("postgresql://u@127.0.0.1:1/db"), std::string::npos)
      << store.status().ToString();
  if (!PostgresAvailable()) {
    EXPECT_NE(store.status().ToString().find("without PostgreSQL support"), std::string::npos)
        << store.status().ToString();
  }
}

// What is not ported yet says so before it connects anywhere.
TEST(PostgresUrl, ConnectorsSayTheyAreNotPortedYet) {
  const testing::CliResult r = testing::RunCordon(
      "matrix sync --once --homeserver http://127.0.0.1:1 --token-file /dev/null --db "
      "'postgresql://u:s3cret@127.0.0.1:1/db'");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("`cordon matrix sync` is not supported on PostgreSQL yet"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("s3cret"), std::string::npos) << r.err;
}

// One server for the whole binary run.
class PostgresStoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new testing::PostgresServer();
    why_ = PostgresAvailable() ? server_->Start() : "built without libpq";
    skip_ = !PostgresAvailable() || server_->missing();
  }
  static void TearDownTestSuite() {
    server_->Stop();
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    if (why_.empty()) return;
    if (skip_) GTEST_SKIP() << why_;
    FAIL() << why_;  // installed but not starting: a broken set-up, not an absent one
  }
  static std::string NewDatabase(const std::string& name) {
    const std::string url = server_->CreateDatabase(name);
    EXPECT_FALSE(url.empty()) << "cannot create database " << name;
    return url;
  }

  static testing::PostgresServer* server_;
  static std::string why_;
  static bool skip_;
};
testing::PostgresServer* PostgresStoreTest::server_ = nullptr;
std::string PostgresStoreTest::why_;
bool PostgresStoreTest::skip_ = false;

TEST_F(PostgresStoreTest, AnalysingCommandsRefuseADatabaseWithoutTheSchema) {
  const std::string url = NewDatabase("empty");
  auto store = Store::Open(url, OpenMode::kExisting);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kNotFound) << store.status().ToString();
  const testing::CliResult r = testing::RunCordon("stats --db " + testing::ShellQuote(url));
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("no database here (no cordon schema in it)"), std::string::npos) << r.err;
  // Creating opens it at the current schema; opening again migrates nothing.
  ASSERT_TRUE(Store::Open(url).ok());
  auto again = Store::Open(url, OpenMode::kExisting);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
}

// bytea through text parameters and results: every byte value comes back.
TEST_F(PostgresStoreTest, SavedDetectorStateComesBackByteForByte) {
  auto store = Store::Open(NewDatabase("regen_state"));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  std::string bytes;
  for (int k = 0; k < 3; ++k) {
    for (int c = 0; c < 256; ++c) bytes += static_cast<char>(c);
  }
  ASSERT_TRUE(SaveRegenState(**store, 7, bytes).ok());
  auto back = ReadRegenState(**store);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(*back == bytes);
  EXPECT_EQ(*RegenStateVersion(**store), std::optional<int64_t>(7));
}

TEST_F(PostgresStoreTest, SameResultsAsSqlite) {
  testing::TempDir tmp;
  sim::SimOptions o;
  o.out_dir = tmp.File("w");
  o.seed = 2019;
  o.scale = sim::Scale::kSmall;
  ASSERT_TRUE(sim::Simulate(o).ok());
  const std::string pg = NewDatabase("same");
  const std::string lite = tmp.File("platform.db");
  const std::string researcher = tmp.File("researcher.db");
  auto cordon = [](const std::string& args) {
    testing::CliResult r = testing::RunCordon(args);
    EXPECT_EQ(r.code, 0) << args << "\n" << r.err;
    return r;
  };
  // As the demo does: the researcher's exports, the official releases banked into both
  // platform databases, then the platform's stream matched and watched by the detector.
  cordon("ingest --db " + testing::ShellQuote(researcher) + " " +
         testing::ShellQuote(tmp.File("w/telegram")));
  {
    auto source = Store::Open(researcher, OpenMode::kExisting);
    ASSERT_TRUE(source.ok());
    for (const std::string& db : {lite, pg}) {
      auto target = Store::Open(db);
      ASSERT_TRUE(target.ok()) << target.status().ToString();
      auto banked = pipeline::BankOfficialReleases(**source, **target);
      ASSERT_TRUE(banked.ok()) << banked.status().ToString();
      EXPECT_GT(banked->signals, 0);
    }
  }
  const std::string events = testing::ShellQuote(tmp.File("w/events.ndjson"));
  for (const std::string& db : {lite, pg}) {
    cordon("ingest --db " + testing::ShellQuote(db) + " " + events);
  }
  const std::string q_lite = testing::ShellQuote(lite), q_pg = testing::ShellQuote(pg);
  for (const char* command : {"stats --json", "match --json", "regen --json", "impact --json"}) {
    const std::string a = cordon(std::string(command) + " --db " + q_lite).out;
    const std::string b = cordon(std::string(command) + " --db " + q_pg).out;
    EXPECT_GT(a.size(), 20u) << command;
    EXPECT_EQ(a, b) << command;
  }

  // Ingesting again (every file read again) changes nothing.
  auto before = Store::Open(pg, OpenMode::kExisting);
  ASSERT_TRUE(before.ok());
  auto dump = (*before)->Dump();
  ASSERT_TRUE(dump.ok()) << dump.status().ToString();
  EXPECT_GT(dump->size(), 1000u);
  cordon("ingest --rescan --db " + q_pg + " " + events);
  auto after = (*before)->Dump();
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(*dump == *after) << "a second ingest changed the database";
  EXPECT_EQ(cordon("stats --json --db " + q_pg).out, cordon("stats --json --db " + q_lite).out);

  // A takedown by hand makes the stored detections stale: impact then replays them into a
  // shadow table of the same shape, on either backend.
  for (const std::string& db : {q_lite, q_pg}) {
    const testing::CliResult e = cordon("entities --json --kind channel --limit 1 --db " + db);
    const size_t at = e.out.find("\"key\":\"");
    ASSERT_NE(at, std::string::npos) << e.out;
    const std::string entity = e.out.substr(at + 7, e.out.find('"', at + 7) - (at + 7));
    cordon("takedown --db " + db + " " + testing::ShellQuote(entity) +
           " --reason test --time 2019-12-01 --by tester");
  }
  EXPECT_EQ(cordon("impact --json --db " + q_pg).out, cordon("impact --json --db " + q_lite).out);
}

// Writers of one database from several processes: two ingests of one stream at once into a new
// database (both racing to create the schema) end as one ingest into SQLite does.
TEST_F(PostgresStoreTest, TwoIngestsAtOnceConverge) {
  testing::TempDir tmp;
  sim::SimOptions o;
  o.out_dir = tmp.File("w");
  o.seed = 7;
  o.scale = sim::Scale::kSmall;
  o.days = 30;  // a day of action in the window, a third of the default's events
  o.media = sim::MediaMode::kNone;
  o.telegram_exports = false;
  ASSERT_TRUE(sim::Simulate(o).ok());
  const std::string pg = testing::ShellQuote(NewDatabase("two"));
  const std::string lite = testing::ShellQuote(tmp.File("one.db"));
  const std::string events = testing::ShellQuote(tmp.File("w/events.ndjson"));
  // Small batches, so that the two take turns many times; both must succeed.
  const std::string ingest = std::string(CORDON_BINARY) + " ingest --quiet --batch 500 --db " + pg +
                             " " + events + " < /dev/null > /dev/null";
  const std::string both = ingest + " & p=$!; " + ingest + "; b=$?; wait $p; a=$?; exit $((a | b))";
  ASSERT_EQ(std::system(("sh -c " + testing::ShellQuote(both)).c_str()), 0);
  ASSERT_EQ(testing::RunCordon("ingest --db " + lite + " " + events).code, 0);
  const testing::CliResult a = testing::RunCordon("stats --json --db " + pg);
  const testing::CliResult b = testing::RunCordon("stats --json --db " + lite);
  EXPECT_EQ(a.code, 0) << a.err;
  EXPECT_EQ(a.out, b.out);
  EXPECT_EQ(testing::RunCordon("regen --json --db " + pg).out,
            testing::RunCordon("regen --json --db " + lite).out);
}

// A statement that failed inside a transaction is not committed silently.
TEST_F(PostgresStoreTest, ACommitAfterAFailedStatementFails) {
  auto store = Store::Open(NewDatabase("abort"));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE((*store)->Begin().ok());
  EXPECT_FALSE(Exec(StoreHandle(**store), "SELECT * FROM no_such_table").ok());
  const Status s = (*store)->Commit();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.ToString().find("rolled back"), std::string::npos) << s.ToString();
  EXPECT_TRUE((*store)->Begin().ok());  // the connection is usable again
  EXPECT_TRUE((*store)->Commit().ok());
}

}  // namespace
}  // namespace cordon
