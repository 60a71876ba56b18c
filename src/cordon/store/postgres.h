// The PostgreSQL backend of the store's connection layer (store/sql.h), for
// `--db postgresql://USER@HOST:PORT/NAME` (docs/design.md, "PostgreSQL"). Built only where libpq
// is (CORDON_HAVE_LIBPQ); elsewhere OpenPostgres answers Unsupported.
//
// The store's SQL is written in SQLite's dialect and rewritten here, once per statement:
// `?N` and `?` placeholders become `$N`, `INSERT OR IGNORE` becomes `ON CONFLICT DO NOTHING`
// and `INSERT OR REPLACE INTO t(cols)` an upsert on t's primary key. What SQLite has built in
// and PostgreSQL lacks (two-argument min and max, group_concat) the PostgreSQL schema defines
// (store/postgres_schema.h).
//
// Not thread-safe; each connection and its statements belong to one thread at a time.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "cordon/store/db_url.h"
#include "cordon/store/sql.h"

namespace cordon {

struct StoreOptions;

// A statement in PostgreSQL's dialect and the number of parameters it takes.
struct PostgresSql {
  std::string sql;
  int params = 0;
};
// Rewrites one statement of the store's SQL (SQLite's dialect) for PostgreSQL; InvalidArgument
// for an INSERT OR REPLACE whose table and columns it cannot read.
StatusOr<PostgresSql> RewriteForPostgres(std::string_view sql);

// Whether this build has the PostgreSQL backend.
bool PostgresAvailable();

// Connects to the database at `url` (a libpq connection URI) with the store's settings.
StatusOr<std::unique_ptr<Db>> OpenPostgres(const std::string& url, const StoreOptions& options);

}  // namespace cordon
