#include "cordon/store/sqlite.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "cordon/store/schema.h"
#include "cordon/store/store.h"
#include "cordon/store/writer_gate.h"

namespace cordon {
namespace {

Location FileOf(sqlite3* db) {
  const char* name = db != nullptr ? sqlite3_db_filename(db, "main") : nullptr;
  return Location{name != nullptr && *name != '\0' ? name : "(temporary database)"};
}

// An I/O error with SQLite's message for the connection's last failure ("sqlite <what>: ..."),
// located at its database file.
Status SqliteError(sqlite3* db, std::string_view what) {
  std::string m = "sqlite";
  if (!what.empty()) m += " " + std::string(what);
  m += ": ";
  m += db != nullptr ? sqlite3_errmsg(db) : "no database";
  return Status::IoError(std::move(m), FileOf(db));
}

// SQLite's busy handler: waits for another connection's lock with short sleeps (1, 2, 4, then
// 5 ms) up to the Store's busy timeout. SQLite's own timeout sleeps up to 100 ms between tries,
// which would make every hand-over between writers taking turns (WriterGate) that slow.
int WaitForLock(void* timeout_ms, int tries) {
  const int64_t waited = tries <= 3 ? (int64_t{1} << tries) - 1 : 7 + 5 * int64_t{tries - 3};
  if (waited >= *static_cast<const int*>(timeout_ms)) return 0;
  std::this_thread::sleep_for(std::chrono::milliseconds(std::min(1 << std::min(tries, 3), 5)));
  return 1;
}

class SqliteCursor final : public SqlCursor {
 public:
  SqliteCursor(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~SqliteCursor() override { sqlite3_finalize(stmt_); }

  void BindText(int i, std::string_view v) override {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void BindInt(int i, int64_t v) override { sqlite3_bind_int64(stmt_, i, v); }
  void BindDouble(int i, double v) override { sqlite3_bind_double(stmt_, i, v); }
  void BindNull(int i) override { sqlite3_bind_null(stmt_, i); }
  void BindBlob(int i, std::string_view v) override {
    sqlite3_bind_blob64(stmt_, i, v.data(), v.size(), SQLITE_TRANSIENT);
  }

  bool Step(Status* status) override {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) *status = SqliteError(db_, "");
    return false;
  }
  Status Run() override {
    int rc;
    while ((rc = sqlite3_step(stmt_)) == SQLITE_ROW) {
    }
    Status s;
    if (rc != SQLITE_DONE) s = SqliteError(db_, "");
    Reset();
    return s;
  }
  void Reset() override {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  int64_t Int(int col) const override { return sqlite3_column_int64(stmt_, col); }
  double Double(int col) const override { return sqlite3_column_double(stmt_, col); }
  std::string_view Text(int col) const override {
    const unsigned char* p = sqlite3_column_text(stmt_, col);
    if (p == nullptr) return {};
    return std::string_view(reinterpret_cast<const char*>(p),
                            static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
  }
  bool IsNull(int col) const override { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::string_view Blob(int col) const override {
    const void* p = sqlite3_column_blob(stmt_, col);
    if (p == nullptr) return {};
    return std::string_view(static_cast<const char*>(p),
                            static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
  }
  int ColumnCount() const override { return sqlite3_column_count(stmt_); }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

class SqliteDb final : public Db {
 public:
  explicit SqliteDb(sqlite3* db) : db_(db), where_(FileOf(db)) {}
  ~SqliteDb() override {
    begin_.reset();  // finalize before closing
    sqlite3_close_v2(db_);
  }

  SqlDialect dialect() const override { return SqlDialect::kSqlite; }
  const Location& where() const override { return where_; }

  std::unique_ptr<SqlCursor> Prepare(std::string_view sql, Status* status) override {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                           &stmt, nullptr) != SQLITE_OK) {
      *status = Status::Internal(std::string("sqlite prepare: ") + sqlite3_errmsg(db_) +
                                     " in: " + std::string(sql.substr(0, 120)),
                                 where_);
      return nullptr;
    }
    return std::make_unique<SqliteCursor>(db_, stmt);
  }

  Status Exec(std::string_view sql) override {
    char* err = nullptr;
    const std::string s(sql);
    if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      Status st = Status::IoError(std::string("sqlite: ") + (err ? err : "error"), where_);
      sqlite3_free(err);
      return st;
    }
    return Status::Ok();
  }

  int64_t Changes() const override { return sqlite3_changes64(db_); }
  std::optional<int64_t> LastInsertRowid() const override { return sqlite3_last_insert_rowid(db_); }
  bool InTransaction() const override { return sqlite3_get_autocommit(db_) == 0; }

  Status BeginWrite() override {
    if (begin_ == nullptr) {
      Status s;
      begin_ = Prepare("BEGIN IMMEDIATE", &s);
      if (begin_ == nullptr) return s;
    }
    // Writers queue at the gate only while they wait for the write lock (writer_gate.h).
    const char* file = sqlite3_db_filename(db_, "main");
    if (file != nullptr && *file != '\0') gate_.Open(file);
    const bool entered = gate_.Enter(busy_timeout_ms_);
    Status s = begin_->Run();
    if (entered) gate_.Leave();
    return s;
  }
  Status BeginRead() override { return Exec("BEGIN DEFERRED"); }

  // Reads user_version in a statement of its own, finished before anything else runs: an
  // unfinished read would keep a read transaction open, and a write begun on top of it cannot
  // wait for another writer (SQLite answers "database is locked" at once).
  StatusOr<int64_t> SchemaVersion() override {
    Status s;
    auto q = Prepare("PRAGMA user_version", &s);
    if (q == nullptr) return s;
    const int64_t version = q->Step(&s) ? q->Int(0) : 0;
    RETURN_IF_ERROR(s);
    return version;
  }
  Status SetSchemaVersion(int64_t version) override {
    return Exec("PRAGMA user_version=" + std::to_string(version));
  }
  std::string Migration(size_t version) const override { return std::string(kMigrations[version]); }

  sqlite3* db_;
  Location where_;
  int busy_timeout_ms_ = 0;  // read by the busy handler
  WriterGate gate_;
  std::unique_ptr<SqlCursor> begin_;
};

// Puts the database in WAL mode. Turning a new database to WAL needs it alone, and SQLite
// answers "database is locked" at once, without the busy handler, when another connection
// is doing the same (two processes creating one database): wait and try again, up to the
// busy timeout. Once a database is in WAL mode the pragma needs no lock.
Status EnterWal(SqliteDb& db, int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    Statement q(&db, "PRAGMA journal_mode=WAL");
    if (!q.ok()) return q.status();
    if (q.Step()) return Status::Ok();  // the mode now in force ("memory" for a temporary one)
    if ((sqlite3_errcode(db.db_) & 0xff) != SQLITE_BUSY ||
        std::chrono::steady_clock::now() >= deadline) {
      return q.status();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace

StatusOr<std::unique_ptr<Db>> OpenSqlite(const std::string& path, const StoreOptions& options) {
  const int create = options.mode == OpenMode::kCreate ? SQLITE_OPEN_CREATE : 0;
  sqlite3* handle = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &handle,
                                 SQLITE_OPEN_READWRITE | create | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = handle ? sqlite3_errmsg(handle) : "cannot open";
    sqlite3_close_v2(handle);
    return Status::IoError("cannot open database: " + msg, Location{path});
  }
  auto db = std::make_unique<SqliteDb>(handle);
  db->busy_timeout_ms_ = std::max(0, options.busy_timeout_ms);
  sqlite3_busy_handler(handle, WaitForLock, &db->busy_timeout_ms_);
  // Large pages (new databases only; set before WAL) and a large checkpoint interval
  // (StoreOptions::checkpoint_pages): fewer B-tree pages and WAL frames per ingested message,
  // 1.6x faster bulk ingest (benchmarks.md). Temporary storage (sorts, temporary B-trees)
  // stays in files, SQLite's default: the system caches them, memory stays bounded, and an
  // index build sorted 2x faster there than with temp_store=MEMORY.
  Status st = db->Exec("PRAGMA page_size=32768;");
  if (st.ok()) st = EnterWal(*db, db->busy_timeout_ms_);
  if (st.ok()) {
    st =
        db->Exec(std::string("PRAGMA synchronous=") + (options.durable ? "FULL" : "NORMAL") +
                 "; PRAGMA foreign_keys=OFF; " + kSqliteCacheSize + "; PRAGMA wal_autocheckpoint=" +
                 std::to_string(std::max(1, options.checkpoint_pages)) + ";");
  }
  if (!st.ok()) return st.At(Location{path});
  return std::unique_ptr<Db>(std::move(db));
}

}  // namespace cordon
