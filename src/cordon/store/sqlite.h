// The SQLite backend of the store's connection layer (store/sql.h): one database file in WAL
// mode. Store::Open uses it for every --db that is not a PostgreSQL URL.
// Not thread-safe; each connection and its statements belong to one thread at a time.
#pragma once

#include <memory>
#include <string>

#include "cordon/store/sql.h"

namespace cordon {

struct StoreOptions;

// The page cache each connection keeps (PRAGMA cache_size; negative: KiB), 256 MiB: the
// B-tree pages a bulk ingest touches stay in memory.
inline constexpr const char* kSqliteCacheSize = "PRAGMA cache_size=-262144";

// Opens (or, with OpenMode::kCreate, creates) the SQLite database at `path` with the store's
// settings (WAL, page size, busy handling, synchronous mode).
StatusOr<std::unique_ptr<Db>> OpenSqlite(const std::string& path, const StoreOptions& options);

}  // namespace cordon
