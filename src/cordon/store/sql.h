// The store's connection and statement layer, backend-neutral: a Db is one connection to a
// database (SQLite, store/sqlite.h, or PostgreSQL, store/postgres.h), a Statement one prepared
// statement on it with typed binds and reads. The SQL of store/ is written once, in SQLite's
// dialect with `?N` placeholders; the PostgreSQL backend rewrites the few constructs that differ
// (placeholders, INSERT OR IGNORE / OR REPLACE) and its schema supplies the functions SQLite
// has built in (docs/design.md, "PostgreSQL"). Every error is located at the connection's
// database (a file, or a PostgreSQL URL without its password).
// Not thread-safe; each Db and its statements belong to one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "cordon/util/status.h"

namespace cordon {

enum class SqlDialect { kSqlite, kPostgres };

// One prepared statement of a backend. Binds are 1-based; a parameter not bound is NULL.
class SqlCursor {
 public:
  virtual ~SqlCursor() = default;
  virtual void BindText(int i, std::string_view v) = 0;
  virtual void BindInt(int i, int64_t v) = 0;
  virtual void BindDouble(int i, double v) = 0;
  virtual void BindNull(int i) = 0;
  // Bytes, not text: stored as a BLOB (SQLite) or bytea (PostgreSQL).
  virtual void BindBlob(int i, std::string_view v) = 0;
  // True when a row is ready; false when done or failed (*status set on failure).
  virtual bool Step(Status* status) = 0;
  // Runs to completion, then resets and clears the binds.
  virtual Status Run() = 0;
  // Back to before the first Step, binds cleared.
  virtual void Reset() = 0;
  virtual int64_t Int(int col) const = 0;
  virtual double Double(int col) const = 0;
  virtual std::string_view Text(int col) const = 0;
  virtual bool IsNull(int col) const = 0;
  // A column bound with BindBlob; valid until the next Step or Reset.
  virtual std::string_view Blob(int col) const = 0;
  // The result's columns (PostgreSQL knows them once the statement ran).
  virtual int ColumnCount() const = 0;
};

class Db {
 public:
  virtual ~Db() = default;
  virtual SqlDialect dialect() const = 0;
  // Where errors point: the database file, or the URL with any password removed.
  virtual const Location& where() const = 0;
  // Null with *status set when the statement does not compile.
  virtual std::unique_ptr<SqlCursor> Prepare(std::string_view sql, Status* status) = 0;
  // Runs one or more statements without parameters or results.
  virtual Status Exec(std::string_view sql) = 0;
  // Rows inserted, updated or deleted by the last statement that ran to completion.
  virtual int64_t Changes() const = 0;
  // The rowid the last INSERT gave, where the backend keeps one for the connection (SQLite);
  // nullopt elsewhere (PostgreSQL: ask with RETURNING).
  virtual std::optional<int64_t> LastInsertRowid() const { return std::nullopt; }
  // Whether a transaction is open on this connection.
  virtual bool InTransaction() const = 0;

  // A write transaction, taken in turn with the other writers of the database: SQLite's
  // BEGIN IMMEDIATE behind the writer gate; on PostgreSQL a transaction holding the store's
  // advisory lock (docs/security.md, "Concurrency").
  virtual Status BeginWrite() = 0;
  // A read transaction: one snapshot for every query until it ends.
  virtual Status BeginRead() = 0;

  // The schema version of the database (0: none yet) and setting it, inside BeginWrite.
  virtual StatusOr<int64_t> SchemaVersion() = 0;
  virtual Status SetSchemaVersion(int64_t version) = 0;
  // The migration that brings the schema from `version` to `version + 1`, in this dialect.
  virtual std::string Migration(size_t version) const = 0;
};

class Store;
// The connection behind a Store: for the files of store/ (and tests that set up rows the store
// has no typed write for). Owned by the Store; valid while it lives.
Db* StoreHandle(Store& store);

class Statement {
 public:
  Statement() = default;
  Statement(Db* db, std::string_view sql);  // check ok() after
  Statement(Statement&& o) noexcept = default;
  Statement& operator=(Statement&& o) noexcept = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool ok() const { return cursor_ != nullptr; }
  const Status& status() const { return status_; }

  // Binds are 1-based, as in SQLite.
  Statement& Bind(int i, std::string_view v) {
    cursor_->BindText(i, v);
    return *this;
  }
  Statement& Bind(int i, const std::string& v) { return Bind(i, std::string_view(v)); }
  Statement& Bind(int i, const char* v) { return Bind(i, std::string_view(v)); }
  Statement& Bind(int i, int64_t v) {
    cursor_->BindInt(i, v);
    return *this;
  }
  Statement& Bind(int i, double v) {
    cursor_->BindDouble(i, v);
    return *this;
  }
  Statement& BindNull(int i) {
    cursor_->BindNull(i);
    return *this;
  }
  Statement& BindBlob(int i, std::string_view v) {
    cursor_->BindBlob(i, v);
    return *this;
  }
  Statement& Bind(int i, const std::optional<std::string>& v) {
    return v ? Bind(i, std::string_view(*v)) : BindNull(i);
  }
  Statement& Bind(int i, const std::optional<int64_t>& v) { return v ? Bind(i, *v) : BindNull(i); }
  // Binds NULL for an empty string.
  Statement& BindOrNull(int i, std::string_view v) { return v.empty() ? BindNull(i) : Bind(i, v); }

  // Steps once: true when a row is ready; false when done (check status()).
  bool Step() { return cursor_->Step(&status_); }
  // Steps to completion and resets; returns the error if any.
  Status Run() { return cursor_->Run(); }
  void Reset() { cursor_->Reset(); }

  int64_t Int(int col) const { return cursor_->Int(col); }
  double Double(int col) const { return cursor_->Double(col); }
  std::string_view Text(int col) const { return cursor_->Text(col); }
  bool IsNull(int col) const { return cursor_->IsNull(col); }
  std::string_view Blob(int col) const { return cursor_->Blob(col); }
  int ColumnCount() const { return cursor_->ColumnCount(); }

 private:
  std::unique_ptr<SqlCursor> cursor_;
  Status status_;
};

// Runs one or more statements without results.
inline Status Exec(Db* db, std::string_view sql) { return db->Exec(sql); }

// The database of a connection, as a Location for errors.
inline Location DatabaseFile(Db* db) { return db->where(); }

}  // namespace cordon
