// The store: one SQLite file in WAL mode with a versioned schema, or a PostgreSQL database
// (`postgresql://USER@HOST:PORT/NAME`, store/postgres.h) with the same schema and results.
//
// Applying an event is idempotent by key: the same event twice changes nothing, which is what
// makes a killed ingest safe to run again. Later stages read and write through this class and
// the typed functions beside it in store/ (replay.h, ledger_table.h, bank_table.h, ...): SQL
// lives only in store/. The connection (store/sql.h) is reachable only through StoreHandle, for
// store/ files and tests; scripts/check-layers.sh refuses SQLite and libpq anywhere else in src/
// and cli/.
//
// Errors name the database file or URL (without its password), whatever statement failed.
//
// Thread safety: a Store is used by one thread at a time. Any number of Stores (threads or
// processes) may open one database: readers never wait (WAL); writers take turns, one write
// transaction at a time. Begin() starts with BEGIN IMMEDIATE, so a writer waits for the write
// lock up to StoreOptions::busy_timeout_ms before it reads anything, and writers waiting in
// Begin() are served in turn rather than the one that just committed taking the lock again
// (docs/security.md, "Concurrency"). On PostgreSQL the same holds through a transaction-scoped
// advisory lock (docs/design.md, "PostgreSQL as the shared store").
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "cordon/model/event.h"
#include "cordon/store/schema.h"
#include "cordon/util/status.h"

namespace cordon {

class Db;

// The schema version a store opens at: one per migration in schema.h.
inline constexpr int kSchemaVersion = static_cast<int>(kMigrations.size());

struct StoreStats {
  std::map<std::string, int64_t> entities;  // by kind: channel, group, user, bot, unknown
  int64_t messages = 0;
  int64_t forwarded = 0;
  int64_t media = 0;
  int64_t links = 0;
  int64_t memberships = 0;
  int64_t invites = 0;
  int64_t takedowns = 0;
  int64_t reinstatements = 0;
  int64_t rejected = 0;
  int64_t weird = 0;
  // By name (ingest/weirds.h); "" for weirds stored before they had names.
  std::map<std::string, int64_t> weird_by_name;
  int64_t files = 0;
  std::map<std::string, int64_t> by_platform;  // entities by platform
};

// Whether Store::Open may create a database. Commands that only analyse what was ingested open
// with kExisting, so a mistyped path is an error instead of a new empty database.
enum class OpenMode { kCreate, kExisting };

struct StoreOptions {
  // How long a statement waits for another connection's lock (SQLite's busy timeout) before
  // it fails with "database is locked".
  int busy_timeout_ms = 30000;
  OpenMode mode = OpenMode::kCreate;
  // Pages (32 KiB each) the write-ahead log may hold before a commit copies it into the
  // database (SQLite's wal_autocheckpoint): 1 GiB. Large for bulk ingest (benchmarks.md): a
  // page changed by several transactions between checkpoints is copied back once, which into a
  // large store (the pages at the end of each chat's keys change in every transaction) writes
  // 1.4x less than 128 MiB did. The fault-injection test makes it small so that checkpoints
  // happen mid-ingest.
  int checkpoint_pages = 32768;
  // Keys a load (Store::BeginLoad) keeps in memory at most, 24 to 64 bytes each (a hash table
  // of hashes and row ids). Past it the load builds the message key index and goes on through
  // it.
  int64_t load_max_keys = int64_t{16} << 20;
  // Bits of the 64-bit key hash a load keeps: tests make it small so that different keys
  // share a hash.
  int load_key_hash_bits = 64;
  // Syncs every commit to disk (SQLite's synchronous=FULL), so that a commit survives a power
  // loss, not only a crash. Bulk ingest leaves it off: a lost batch is ingested again, and the
  // syncs would cost it dearly (docs/security.md, "Detections and crashes").
  bool durable = false;
};

// For commands that record decisions by hand (takedowns, reinstatements, appeals, referrals,
// policy actions): an existing database, every commit durable.
inline StoreOptions RecordingOptions() {
  StoreOptions options;
  options.mode = OpenMode::kExisting;
  options.durable = true;
  return options;
}

// How the store knows a file it ingested whole: the same bytes under any name.
struct FileIdentity {
  std::string path;  // canonical: absolute, symbolic links and "." / ".." resolved
  int64_t size = 0;
  int64_t mtime_ns = 0;
  std::string head_sha256;  // SHA-256 of the first 64 KiB, hex: catches in-place rewrites
};
// Identifies the file at `path` as given; IoError naming it when it cannot be read.
StatusOr<FileIdentity> IdentifyFile(const std::string& path);

class Store {
 public:
  // Opens (or, with OpenMode::kCreate, creates) the database and brings its schema to
  // kSchemaVersion. With kExisting a path that names no file (or a PostgreSQL database without
  // cordon's schema) is NotFound, saying how a database is made. `path` may be a PostgreSQL URL
  // (store/postgres.h); Unsupported when this build has no libpq.
  static StatusOr<std::unique_ptr<Store>> Open(const std::string& path,
                                               const StoreOptions& options = {});
  static StatusOr<std::unique_ptr<Store>> Open(const std::string& path, OpenMode mode) {
    StoreOptions options;
    options.mode = mode;
    return Open(path, options);
  }
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Transactions: events applied between Begin and Commit land together or not at all.
  // Begin takes the write lock at once (BEGIN IMMEDIATE), in turn with other writers.
  Status Begin();
  Status Commit();
  // Ends the open transaction without its changes: for a caller that failed between Begin and
  // Commit (or BeginRead and Commit).
  Status Rollback();
  // A read transaction: every query until Commit sees one snapshot of the database (taken at
  // the first read), whatever other connections commit meanwhile. Takes no lock from writers.
  Status BeginRead();

  // A load: events applied in many transactions, by one writer. Into a store without messages
  // (SQLite), BeginLoad drops the unique index of message keys and FinishLoad builds it once:
  // kept up row by row it was half of SQLite's cost of a message (docs/benchmarks.md, "A load
  // without the key index"). Meanwhile the store tells a new key from a seen one itself, by a
  // table of key hashes and row ids in memory (a hash seen before is confirmed against the
  // row's key). Into any other store both do nothing but end the load.
  //
  // The index is built early, and the load goes on through it, when another connection
  // commits during the load (seen at Begin, through SQLite's data_version), on a true
  // collision of two keys' hashes, or past StoreOptions::load_max_keys. A Rollback or a failed
  // Commit ends the load too, leaving the build to the next Begin. Whenever the index is
  // missing outside this Store's load (another connection's load, or one whose process died),
  // Begin builds it; readers meanwhile find keys by scanning. Call both outside a
  // transaction; FinishLoad called inside one leaves the build to the next Begin. BeginLoad
  // fails only when its transaction cannot end: a load it cannot start is no load.
  Status BeginLoad();
  Status FinishLoad();
  // Whether a load without the key index is under way (for tests and reports).
  bool loading_without_key_index() const { return load_ != nullptr; }

  Status Apply(const Event& event);
  // Whether the last Apply added what a replay of the store (store/replay.h) gives back as an
  // event: a new message, name, membership, invite (or an earlier time for one) or takedown.
  // An event the store held already adds nothing.
  bool last_apply_added() const { return added_; }

  // The event version (schema.h, table event_version): Commit advances it once for a
  // transaction that applied events; an Apply outside Begin/Commit advances it at once. What
  // is derived from the events (the regeneration detections) records the version it reflects.
  StatusOr<int64_t> EventVersion();
  // How many times this Store advanced the event version. Against EventVersion() it tells
  // whether another connection applied events in between (enforce/stage.cc).
  int64_t event_commits() const { return event_commits_; }
  // Whether the stored regeneration detections reflect every event applied so far.
  StatusOr<bool> DetectionsCurrent();
  // Records that they do now (inside the caller's transaction).
  Status MarkDetectionsCurrent();
  // A record an importer could not use; (file, location) is its key.
  Status AddReject(const Location& where, std::string_view reason);
  // `name`: one of weird::kAllWeirds (ingest/weirds.h); `what`: the sentence for a human.
  Status AddWeird(const Location& where, std::string_view name, std::string_view what);

  // Files already ingested completely: same canonical path, size, mtime and head digest.
  bool FileDone(const FileIdentity& file);
  Status MarkFileDone(const FileIdentity& file, std::string_view importer, int64_t events,
                      int64_t rejects);

  // Builds the indexes that analyses need and ingest does not (messages by chat and time,
  // by sender, forwards by source). Ingest leaves them out because one bulk build after the
  // load costs far less than keeping them up to date row by row; existing ones are kept.
  Status EnsureAnalysisIndexes();

  StatusOr<StoreStats> Stats();
  // SQLite's integrity check of the whole file: Corrupt with its first findings otherwise.
  Status CheckIntegrity();
  // Every row of every table in a canonical order, one line per row: for tests and diffs. The
  // bookkeeping tables (files, failed_files, event_version) and the detector's cached state
  // (regen_state) are left out: they record how a store was built.
  StatusOr<std::string> Dump();

  // The file, or the PostgreSQL URL without its password.
  const std::string& path() const { return path_; }

 private:
  friend Db* StoreHandle(Store& store);
  Store() = default;
  Status Migrate();
  Status Prepare();
  Status ApplyEvent(const Event& event);
  Status ApplyEntity(const EntityEvent& e);
  Status ApplyMessage(const MessageEvent& m);
  Status TouchEntity(std::string_view key, int64_t time);
  Status AdvanceEventVersion();
  StatusOr<int64_t> EventVersionColumn(std::string_view expression);
  // The load without the key index (BeginLoad).
  StatusOr<bool> KeyIndexMissing();
  Status BuildKeyIndex();  // inside the caller's write transaction; ends a load
  StatusOr<int64_t> DataVersion();
  // Inserts `m` during a load; *id its row, or 0 when the key was there already (*seen_id).
  Status LoadMessage(const MessageEvent& m, int64_t* id, int64_t* seen_id);

  std::unique_ptr<Db> db_;
  std::string path_;  // a PostgreSQL URL without its password
  bool added_ = false;
  bool events_pending_ = false;  // events applied in the open transaction
  int64_t event_commits_ = 0;
  struct Statements;
  std::unique_ptr<Statements> st_;
  StoreOptions options_;
  struct Load;
  std::unique_ptr<Load> load_;  // a load without the key index under way
};

// "telegram:channel12" -> channel, "telegram:user3" -> user, "telegram:chat9" -> group,
// "matrix:!room:s" -> group, "matrix:@u:s" -> user; unknown otherwise.
EntityKind KindFromKey(std::string_view key);

}  // namespace cordon
