// How the store knows a file it ingested (FileIdentity), the schema migration that added the
// head digest, and errors that name the database file.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "cordon/ingest/ingest.h"
#include "cordon/model/event_json.h"
#include "cordon/store/schema.h"
#include "cordon/store/sqlite.h"
#include "cordon/store/store.h"
#include "test_util.h"

namespace cordon {
namespace {

// Runs SQL on a SQLite handle opened by the test (an old schema the store then migrates).
bool RawExec(sqlite3* db, const std::string& sql) {
  return sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
}

namespace fs = std::filesystem;

std::string Messages(int first, int n) {
  std::string out;
  for (int i = first; i < first + n; ++i) {
    MessageEvent m;
    m.chat = "telegram:channel1";
    m.key = m.chat + "/" + std::to_string(i);
    m.time = 1000 + i;
    m.text = "text " + std::to_string(i);
    AppendEventJson(m, out);
  }
  return out;
}

// Runs the body in `dir` as the working directory, then goes back.
class InDirectory {
 public:
  explicit InDirectory(const fs::path& dir) : old_(fs::current_path()) { fs::current_path(dir); }
  ~InDirectory() { fs::current_path(old_); }

 private:
  fs::path old_;
};

IngestReport IngestOne(Store& store, const std::string& path) {
  IngestOptions opt;
  auto r = Ingest(store, {path}, opt);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->files.size(), 1u);
  return *r;
}

TEST(StoreFiles, OneFileUnderTwoNamesIsIngestedOnce) {
  testing::TempDir tmp;
  fs::create_directories(tmp.path() / "sub");
  testing::WriteFile(tmp.path() / "a.ndjson", Messages(0, 10));
  auto store = Store::Open(tmp.File("s.db"));
  ASSERT_TRUE(store.ok());
  {
    InDirectory cd(tmp.path());
    EXPECT_FALSE(IngestOne(**store, "./a.ndjson").files[0].skipped);
  }
  EXPECT_TRUE(IngestOne(**store, fs::absolute(tmp.path() / "a.ndjson").string()).files[0].skipped);
  EXPECT_TRUE(IngestOne(**store, tmp.File("sub/../a.ndjson")).files[0].skipped);
  fs::create_symlink(tmp.path() / "a.ndjson", tmp.path() / "link.ndjson");
  EXPECT_TRUE(IngestOne(**store, tmp.File("link.ndjson")).files[0].skipped);
  auto stats = (*store)->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->files, 1);
  EXPECT_EQ(stats->messages, 10);
}

// A file rewritten in place with the same size and its old mtime put back is read again:
// its first 64 KiB differ.
TEST(StoreFiles, FileRewrittenWithSameSizeAndMtimeIsReadAgain) {
  testing::TempDir tmp;
  const fs::path file = tmp.path() / "a.ndjson";
  const std::string before = Messages(0, 10);
  testing::WriteFile(file, before);
  const auto mtime = fs::last_write_time(file);
  auto store = Store::Open(tmp.File("s.db"));
  ASSERT_TRUE(store.ok());
  EXPECT_FALSE(IngestOne(**store, file.string()).files[0].skipped);
  std::string after = before;
  after.replace(after.find("channel1/0\""), 11, "channel1/x\"");  // a new key, same size
  ASSERT_EQ(after.size(), before.size());
  testing::WriteFile(file, after);
  fs::last_write_time(file, mtime);
  ASSERT_EQ(fs::file_size(file), before.size());
  auto id = IdentifyFile(file.string());
  ASSERT_TRUE(id.ok());
  const IngestReport again = IngestOne(**store, file.string());
  EXPECT_FALSE(again.files[0].skipped);
  EXPECT_EQ(again.events, 10);
  EXPECT_TRUE((*store)->FileDone(*id));
  Statement q(StoreHandle(*(*store)),
              "SELECT count(*) FROM messages WHERE key = 'telegram:channel1/x'");
  ASSERT_TRUE(q.Step());
  EXPECT_EQ(q.Int(0), 1);
  // Unchanged since: skipped.
  EXPECT_TRUE(IngestOne(**store, file.string()).files[0].skipped);
}

// A database of schema 3 (files keyed by the path as typed, no digest) opens at the current
// version; its old rows match nothing, so their files are read once more.
TEST(StoreFiles, MigratesAVersion3Database) {
  testing::TempDir tmp;
  const std::string db = tmp.File("old.db");
  const fs::path file = tmp.path() / "a.ndjson";
  testing::WriteFile(file, Messages(0, 5));
  {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
    for (size_t v = 0; v < 3; ++v) ASSERT_TRUE(RawExec(raw, std::string(kMigrations[v])));
    ASSERT_TRUE(RawExec(raw, "PRAGMA user_version=3"));
    ASSERT_TRUE(RawExec(raw, "INSERT INTO files VALUES('" + file.string() + "', " +
                                 std::to_string(fs::file_size(file)) +
                                 ", 0, 'cordon-events', 5, 0)"));
    sqlite3_close(raw);
  }
  auto store = Store::Open(db);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  Statement v(StoreHandle(*(*store)), "PRAGMA user_version");
  ASSERT_TRUE(v.Step());
  EXPECT_EQ(v.Int(0), kSchemaVersion);
  EXPECT_FALSE(IngestOne(**store, file.string()).files[0].skipped);
  EXPECT_TRUE(IngestOne(**store, file.string()).files[0].skipped);
}

TEST(StoreFiles, ErrorsNameTheDatabaseFile) {
  testing::TempDir tmp;
  const std::string db = tmp.File("named.db");
  auto a = Store::Open(db);
  ASSERT_TRUE(a.ok());
  Status s = Exec(StoreHandle(*(*a)), "SELECT * FROM no_such_table");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.ToString().find(db), std::string::npos) << s.ToString();
  Statement bad(StoreHandle(*(*a)), "SELEKT 1");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().ToString().find(db), std::string::npos) << bad.status().ToString();
  // A writer that cannot get the lock says which database is locked.
  ASSERT_TRUE((*a)->Begin().ok());
  StoreOptions impatient;
  impatient.busy_timeout_ms = 0;
  auto b = Store::Open(db, impatient);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  s = (*b)->Begin();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.ToString().find(db), std::string::npos) << s.ToString();
  EXPECT_NE(s.ToString().find("locked"), std::string::npos) << s.ToString();
  ASSERT_TRUE((*a)->Commit().ok());
  EXPECT_TRUE((*b)->Begin().ok());
  EXPECT_TRUE((*b)->Commit().ok());
}

}  // namespace
}  // namespace cordon
