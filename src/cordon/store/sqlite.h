// Thin RAII wrappers over SQLite: a prepared statement with typed binds and reads. Every
// error they return is located at the connection's database file.
// Not thread-safe; each Db and its statements belong to one thread at a time.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cordon/util/status.h"

namespace cordon {

class Store;
// The SQLite connection behind a Store: for the files of store/ (and tests that set up rows
// the store has no typed write for). Owned by the Store; valid while it lives.
sqlite3* StoreHandle(Store& store);

class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, std::string_view sql);  // check ok() after
  ~Statement();
  Statement(Statement&& o) noexcept;
  Statement& operator=(Statement&& o) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool ok() const { return stmt_ != nullptr; }
  const Status& status() const { return status_; }

  // Binds are 1-based, as in SQLite.
  Statement& Bind(int i, std::string_view v);
  Statement& Bind(int i, const std::string& v) { return Bind(i, std::string_view(v)); }
  Statement& Bind(int i, const char* v) { return Bind(i, std::string_view(v)); }
  Statement& Bind(int i, int64_t v);
  Statement& Bind(int i, double v);
  Statement& BindNull(int i);
  Statement& Bind(int i, const std::optional<std::string>& v);
  Statement& Bind(int i, const std::optional<int64_t>& v);
  // Binds NULL for an empty string.
  Statement& BindOrNull(int i, std::string_view v);

  // Steps once: true when a row is ready; false when done (check status()).
  bool Step();
  // Steps to completion and resets; returns the error if any.
  Status Run();
  void Reset();

  int64_t Int(int col) const;
  double Double(int col) const;
  std::string_view Text(int col) const;
  bool IsNull(int col) const;
  int ColumnCount() const { return sqlite3_column_count(stmt_); }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  Status status_;
};

// Runs one or more statements without results.
Status Exec(sqlite3* db, std::string_view sql);

// The database file of a connection, as a Location for errors.
Location DatabaseFile(sqlite3* db);
// An I/O error with SQLite's message for the connection's last failure ("sqlite <what>: ..."),
// located at its database file.
Status SqliteError(sqlite3* db, std::string_view what);

}  // namespace cordon
