#include "cordon/store/store.h"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "cordon/model/links.h"
#include "cordon/store/message_extras.h"
#include "cordon/store/postgres.h"
#include "cordon/store/schema.h"
#include "cordon/store/sql.h"
#include "cordon/store/sqlite.h"
#include "cordon/util/digest.h"
#include "cordon/util/file_check.h"
#include "cordon/util/flat_map.h"

namespace cordon {
namespace fs = std::filesystem;

namespace {

constexpr size_t kFileHeadBytes = 64 * 1024;

}  // namespace

EntityKind KindFromKey(std::string_view key) {
  if (key.starts_with("telegram:channel")) return EntityKind::kChannel;
  if (key.starts_with("telegram:user")) return EntityKind::kUser;
  if (key.starts_with("telegram:chat")) return EntityKind::kGroup;
  if (key.starts_with("matrix:!")) return EntityKind::kGroup;
  if (key.starts_with("matrix:@")) return EntityKind::kUser;
  return EntityKind::kUnknown;
}

// Open addressing, linear probing; slot hash 0 means empty.
class TouchTable {
 public:
  // Returns the slot for h, inserting it with `time` when absent (then *inserted = true).
  int64_t& Find(uint64_t h, int64_t time, bool* inserted) {
    if (h == 0) h = 1;
    if ((size_ + 1) * 2 > slots_.size()) Grow();
    size_t mask = slots_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      if (slots_[i].first == h) {
        *inserted = false;
        return slots_[i].second;
      }
      if (slots_[i].first == 0) {
        slots_[i] = {h, time};
        ++size_;
        *inserted = true;
        return slots_[i].second;
      }
    }
  }

 private:
  void Grow() {
    std::vector<std::pair<uint64_t, int64_t>> old(std::max<size_t>(1024, slots_.size() * 2));
    old.swap(slots_);
    size_t mask = slots_.size() - 1;
    for (const auto& e : old) {
      if (e.first == 0) continue;
      size_t i = e.first & mask;
      while (slots_[i].first != 0) i = (i + 1) & mask;
      slots_[i] = e;
    }
  }
  std::vector<std::pair<uint64_t, int64_t>> slots_;
  size_t size_ = 0;
};

uint64_t HashKey(std::string_view s) {
  // The standard library's (8 bytes a step), then a final mix so the low bits index well.
  uint64_t h = std::hash<std::string_view>{}(s);
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return h;
}

struct Store::Statements {
  Statement commit;
  Statement entity, entity_name, touch, message, message_views, media, link, member, invite,
      takedown;
  Statement entity_avatar;          // avatar history, for causal replays (store/replay.h)
  bool message_returns_id = false;  // `message` gives the new row's id (RETURNING)
  // A load without the key index (Store::BeginLoad): the insert without a conflict target, and
  // what the key otherwise finds, by row id.
  Statement load_message, load_key_of, load_views;
  Statement reject, weird, file_done, mark_file;
  Statement advance_version;                    // event_version.events + 1
  std::unique_ptr<MessageExtrasWriter> extras;  // events v1.1 fields (store/message_extras.h)
  // Smallest time each entity was touched at in this session, to skip repeated touches.
  // Keyed by a 64-bit hash of the key in a flat table: one cache miss a lookup on this hot
  // path. A collision (odds ~n^2/2^65) would only skip a redundant-looking touch.
  TouchTable touched;
};

namespace {

constexpr std::string_view kEntityUpsert = R"sql(
INSERT INTO entities(key, platform, kind, name, username, about, created, creator, subscribers,
                     avatar_sha256, avatar_pdq, first_seen, updated)
VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)
ON CONFLICT(key) DO UPDATE SET
  kind = CASE WHEN excluded.kind != 'unknown' AND
                   (excluded.updated >= coalesce(entities.updated, -9000000000000000000) OR entities.kind = 'unknown')
              THEN excluded.kind ELSE entities.kind END,
  name = CASE WHEN excluded.name IS NOT NULL AND
                   (excluded.updated >= coalesce(entities.updated, -9000000000000000000) OR entities.name IS NULL)
              THEN excluded.name ELSE entities.name END,
  username = CASE WHEN excluded.username IS NOT NULL AND
                   (excluded.updated >= coalesce(entities.updated, -9000000000000000000) OR entities.username IS NULL)
              THEN excluded.username ELSE entities.username END,
  about = CASE WHEN excluded.about IS NOT NULL AND
                   (excluded.updated >= coalesce(entities.updated, -9000000000000000000) OR entities.about IS NULL)
              THEN excluded.about ELSE entities.about END,
  created = coalesce(entities.created, excluded.created),
  creator = coalesce(entities.creator, excluded.creator),
  subscribers = CASE WHEN excluded.subscribers IS NOT NULL AND
                   (excluded.updated >= coalesce(entities.updated, -9000000000000000000) OR entities.subscribers IS NULL)
              THEN excluded.subscribers ELSE entities.subscribers END,
  avatar_sha256 = CASE WHEN excluded.avatar_sha256 IS NOT NULL AND
                   (excluded.updated >= coalesce(entities.updated, -9000000000000000000) OR entities.avatar_sha256 IS NULL)
              THEN excluded.avatar_sha256 ELSE entities.avatar_sha256 END,
  avatar_pdq = CASE WHEN excluded.avatar_pdq IS NOT NULL AND
                   (excluded.updated >= coalesce(entities.updated, -9000000000000000000) OR entities.avatar_pdq IS NULL)
              THEN excluded.avatar_pdq ELSE entities.avatar_pdq END,
  first_seen = min(coalesce(entities.first_seen, excluded.first_seen), excluded.first_seen),
  updated = max(coalesce(entities.updated, -9000000000000000000), excluded.updated)
)sql";

// An entity seen only as a reference (a chat or a sender): created with the kind its key
// implies, never overriding what an entity event said.
constexpr std::string_view kEntityTouch = R"sql(
INSERT INTO entities(key, platform, kind, first_seen) VALUES(?1, ?2, ?3, ?4)
ON CONFLICT(key) DO UPDATE SET first_seen = min(coalesce(entities.first_seen, excluded.first_seen),
                                                excluded.first_seen)
)sql";

constexpr std::string_view kMessageInsert = R"sql(
INSERT INTO messages(key, chat, time, sender, text, fwd_chat, fwd_message, fwd_name, fwd_time,
                     views, via_bot, reply_to)
VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
ON CONFLICT(key) DO NOTHING
)sql";
// Where the backend keeps no last rowid (PostgreSQL). Not on SQLite: there RETURNING made the
// whole ingest about 2.5x slower (it runs the insert through a temporary result table;
// docs/benchmarks.md), and the rowid is read after the insert instead.
constexpr std::string_view kMessageInsertReturning = R"sql(
INSERT INTO messages(key, chat, time, sender, text, fwd_chat, fwd_message, fwd_name, fwd_time,
                     views, via_bot, reply_to)
VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
ON CONFLICT(key) DO NOTHING RETURNING id
)sql";

// A message seen again keeps its row; only a higher view count is taken.
constexpr std::string_view kMessageViews = R"sql(
UPDATE messages SET views = ?2 WHERE key = ?1 AND (views IS NULL OR views < ?2)
)sql";
constexpr std::string_view kMessageLoadInsert = R"sql(
INSERT INTO messages(key, chat, time, sender, text, fwd_chat, fwd_message, fwd_name, fwd_time,
                     views, via_bot, reply_to)
VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
)sql";
constexpr std::string_view kMessageLoadViews = R"sql(
UPDATE messages SET views = ?2 WHERE id = ?1 AND (views IS NULL OR views < ?2)
)sql";
constexpr std::string_view kKeyIndex = "messages_by_key";

}  // namespace

StatusOr<FileIdentity> IdentifyFile(const std::string& path) {
  struct stat sb;
  if (::stat(path.c_str(), &sb) != 0 || !S_ISREG(sb.st_mode)) {
    return Status::IoError("cannot read file", Location{path});
  }
  FileIdentity id;
  std::error_code ec;
  const fs::path canonical = fs::weakly_canonical(fs::absolute(path, ec), ec);
  if (ec) return Status::IoError("cannot resolve path: " + ec.message(), Location{path});
  id.path = canonical.string();
  id.size = static_cast<int64_t>(sb.st_size);
  id.mtime_ns = static_cast<int64_t>(sb.st_mtim.tv_sec) * 1000000000 + sb.st_mtim.tv_nsec;
  std::string head(kFileHeadBytes, '\0');
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return Status::IoError("cannot read file", Location{path});
  head.resize(std::fread(head.data(), 1, head.size(), f));
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return Status::IoError("cannot read file", Location{path});
  id.head_sha256 = DigestBytes(head).sha256;
  return id;
}

StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& path, const StoreOptions& options) {
  if (options.mode == OpenMode::kExisting && !IsPostgresUrl(path)) {
    const std::string why = UnreadableReason(path);
    if (!why.empty()) {
      return Status::NotFound(
          "no database here (" + why + "); `cordon ingest --db " + path + " INPUT...` creates one",
          Location{path});
    }
  }
  std::unique_ptr<Store> s(new Store());
  s->options_ = options;
  if (IsPostgresUrl(path)) {
    s->path_ = RedactUrl(path);
    ASSIGN_OR_RETURN(s->db_, OpenPostgres(path, options));
    if (options.mode == OpenMode::kExisting) {
      ASSIGN_OR_RETURN(int64_t version, s->db_->SchemaVersion());
      if (version == 0) {
        return Status::NotFound("no database here (no cordon schema in it); `cordon ingest --db " +
                                    s->path_ + " INPUT...` creates one",
                                Location{s->path_});
      }
    }
  } else {
    s->path_ = path;
    ASSIGN_OR_RETURN(s->db_, OpenSqlite(path, options));
  }
  RETURN_IF_ERROR(s->Migrate());
  RETURN_IF_ERROR(s->Prepare());
  return s;
}

Store::~Store() {
  st_.reset();  // finalize statements before closing
  db_.reset();
}

Status Store::Migrate() {
  ASSIGN_OR_RETURN(int64_t version, db_->SchemaVersion());
  if (version == static_cast<int64_t>(kMigrations.size())) return Status::Ok();
  // Another process may be migrating the same database (two ingests into a new file): take
  // the write lock first, then read the version again and apply only what is still missing.
  RETURN_IF_ERROR(db_->BeginWrite());
  Status s;
  auto v = db_->SchemaVersion();
  if (!v.ok()) s = v.status();
  if (s.ok() && *v > static_cast<int64_t>(kMigrations.size())) {
    s = Status::Unsupported("database schema version " + std::to_string(*v) +
                                " is newer than this cordon (" +
                                std::to_string(kMigrations.size()) + ")",
                            Location{path_});
  }
  for (size_t i = s.ok() ? static_cast<size_t>(*v) : kMigrations.size(); i < kMigrations.size();
       ++i) {
    const std::string migration = db_->Migration(i);
    if (!migration.empty()) s = db_->Exec(migration);
    if (s.ok()) s = db_->SetSchemaVersion(static_cast<int64_t>(i + 1));
    if (!s.ok()) {
      s = Status::IoError("migration " + std::to_string(i + 1) + ": " + s.message(),
                          Location{path_});
      break;
    }
  }
  if (!s.ok()) {
    (void)db_->Exec("ROLLBACK");
    return s;
  }
  return db_->Exec("COMMIT");
}

Status Store::Prepare() {
  st_ = std::make_unique<Statements>();
  auto& s = *st_;
  Db* db = db_.get();
  s.commit = Statement(db, "COMMIT");
  s.entity = Statement(db, kEntityUpsert);
  s.entity_name = Statement(
      db, "INSERT OR IGNORE INTO entity_names(entity, time, name, username) VALUES(?1,?2,?3,?4)");
  s.entity_avatar = Statement(db,
                              "INSERT OR IGNORE INTO entity_avatars(entity, time, sha256, pdq) "
                              "VALUES(?1,?2,?3,?4)");
  s.touch = Statement(db, kEntityTouch);
  s.message_returns_id = !db->LastInsertRowid().has_value();
  // `message` is prepared at its first use: its conflict target needs the key index, which
  // another connection's load may have left out until this Store's first Begin.
  s.message_views = Statement(db, kMessageViews);
  if (db->dialect() == SqlDialect::kSqlite) {
    s.load_message = Statement(db, kMessageLoadInsert);
    s.load_key_of = Statement(db, "SELECT key FROM messages WHERE id = ?1");
    s.load_views = Statement(db, kMessageLoadViews);
  }
  s.media = Statement(db,
                      "INSERT OR IGNORE INTO media(message_id, idx, kind, sha256, md5, pdq, path, "
                      "vpdq) VALUES(?1,?2,?3,?4,?5,?6,?7,?8)");
  s.link =
      Statement(db,
                "INSERT OR IGNORE INTO links(message_id, idx, url, normalized, platform, kind, "
                "target) VALUES(?1,?2,?3,?4,?5,?6,?7)");
  s.member = Statement(db,
                       "INSERT OR IGNORE INTO memberships(chat, \"user\", time, action, reason) "
                       "VALUES(?1,?2,?3,?4,?5)");
  s.invite = Statement(db,
                       "INSERT INTO invites(link, chat, time) VALUES(?1,?2,?3) "
                       "ON CONFLICT(link, chat) DO UPDATE SET time = excluded.time "
                       "WHERE excluded.time < invites.time");
  s.takedown = Statement(db,
                         "INSERT OR IGNORE INTO takedowns(entity, time, action, reason, source) "
                         "VALUES(?1,?2,?3,?4,?5)");
  s.reject = Statement(db,
                       "INSERT OR IGNORE INTO rejects(file, line, \"offset\", reason) "
                       "VALUES(?1,?2,?3,?4)");
  s.weird = Statement(
      db,
      "INSERT OR IGNORE INTO weirds(file, line, \"offset\", what, name) VALUES(?1,?2,?3,?4,?5)");
  s.file_done = Statement(db,
                          "SELECT 1 FROM files WHERE path = ?1 AND size = ?2 AND mtime_ns = ?3 "
                          "AND head_sha256 = ?4");
  s.mark_file = Statement(db,
                          "INSERT OR REPLACE INTO files(path, size, mtime_ns, importer, events, "
                          "rejects, head_sha256) VALUES(?1,?2,?3,?4,?5,?6,?7)");
  s.advance_version = Statement(db, "UPDATE event_version SET events = events + 1 WHERE id = 1");
  for (Statement* p : {&s.commit, &s.advance_version, &s.entity, &s.entity_name, &s.entity_avatar,
                       &s.touch, &s.message_views, &s.media, &s.link, &s.member, &s.invite,
                       &s.takedown, &s.reject, &s.weird, &s.file_done, &s.mark_file}) {
    if (!p->ok()) return p->status();
  }
  s.extras = std::make_unique<MessageExtrasWriter>(db);
  return s.extras->status();
}

namespace {

// The twelve parameters of kMessageInsert and kMessageLoadInsert.
void BindMessage(Statement& q, const MessageEvent& m) {
  q.Bind(1, m.key).Bind(2, m.chat).Bind(3, m.time).BindOrNull(4, m.from).BindOrNull(5, m.text);
  if (m.forward) {
    q.BindOrNull(6, m.forward->chat)
        .BindOrNull(7, m.forward->message)
        .BindOrNull(8, m.forward->name)
        .Bind(9, m.forward->time);
  }
  q.Bind(10, m.views).BindOrNull(11, m.via_bot).BindOrNull(12, m.reply_to);
}

}  // namespace

// A load without the key index: the rows inserted so far, by their key's hash (its
// hash_bits low bits; tests keep few so that keys collide).
struct Store::Load {
  FlatMap64<int64_t> rows;
  uint64_t hash_mask = ~uint64_t{0};
  int64_t data_version = 0;  // SQLite's, when this load last held the write lock
};

StatusOr<bool> Store::KeyIndexMissing() {
  if (db_->dialect() != SqlDialect::kSqlite) return false;
  Statement q(db_.get(), "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = ?1");
  if (!q.ok()) return q.status();
  q.Bind(1, kKeyIndex);
  if (!q.Step()) return q.status().ok() ? Status::Internal("count(*) gave no row") : q.status();
  return q.Int(0) == 0;
}

Status Store::BuildKeyIndex() {
  load_.reset();
  // SQLite's sorter works in runs of the page cache's size: with the store's large cache it
  // sorted every key at once, 2x slower than merging 8 MiB runs (docs/benchmarks.md).
  RETURN_IF_ERROR(db_->Exec("PRAGMA cache_size=-8192"));
  Status built = db_->Exec("CREATE UNIQUE INDEX IF NOT EXISTS messages_by_key ON messages(key)");
  Status restored = db_->Exec(kSqliteCacheSize);
  RETURN_IF_ERROR(built);
  return restored;
}

StatusOr<int64_t> Store::DataVersion() {
  Statement q(db_.get(), "PRAGMA data_version");
  if (!q.ok()) return q.status();
  if (!q.Step()) return q.status().ok() ? Status::Internal("data_version gave no row") : q.status();
  return q.Int(0);
}

Status Store::BeginLoad() {
  if (load_ != nullptr) return Status::Ok();
  if (db_->dialect() != SqlDialect::kSqlite || db_->InTransaction()) return Status::Ok();
  RETURN_IF_ERROR(db_->BeginWrite());
  // Only into a store without messages whose index is there (a missing one is another load's,
  // or a dead one's, which the next Begin builds). A load is never needed: whatever stops this
  // one from starting leaves the ingest to the index.
  Status s;
  bool empty = false;
  {
    Statement q(db_.get(), "SELECT NOT EXISTS(SELECT 1 FROM messages)");
    if (q.ok() && q.Step()) empty = q.Int(0) != 0;
    s = q.status();
  }
  StatusOr<bool> missing = KeyIndexMissing();
  StatusOr<int64_t> version = DataVersion();
  const bool start = s.ok() && empty && missing.ok() && !*missing && version.ok() &&
                     db_->Exec("DROP INDEX messages_by_key").ok();
  if (!start || !db_->Exec("COMMIT").ok()) return db_->Exec("ROLLBACK").At(Location{path_});
  load_ = std::make_unique<Load>();
  const int bits = std::clamp(options_.load_key_hash_bits, 1, 64);
  load_->hash_mask = bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
  load_->data_version = *version;
  return Status::Ok();
}

Status Store::FinishLoad() {
  load_.reset();
  if (db_->InTransaction()) return Status::Ok();  // the next Begin builds the index
  ASSIGN_OR_RETURN(bool missing, KeyIndexMissing());
  if (!missing) return Status::Ok();
  RETURN_IF_ERROR(db_->BeginWrite());
  Status s = BuildKeyIndex();
  if (s.ok()) return db_->Exec("COMMIT");
  (void)db_->Exec("ROLLBACK");
  return s;
}

Status Store::LoadMessage(const MessageEvent& m, int64_t* id, int64_t* seen_id) {
  auto& s = *st_;
  *id = 0;
  *seen_id = 0;
  const uint64_t h = HashKey(m.key) & load_->hash_mask;
  if (auto it = load_->rows.find(h); it != load_->rows.end()) {
    const int64_t row = it->second;
    s.load_key_of.Bind(1, row);
    const bool same = s.load_key_of.Step() && s.load_key_of.Text(0) == m.key;
    s.load_key_of.Reset();
    RETURN_IF_ERROR(s.load_key_of.status());
    if (same) {
      *seen_id = row;
      return Status::Ok();
    }
    // Two keys with one hash: the table can no longer tell them apart, the index can.
    return BuildKeyIndex();
  }
  if (static_cast<int64_t>(load_->rows.size()) >= options_.load_max_keys) return BuildKeyIndex();
  // Bound only here, just before the run that clears it: a statement left bound would lend
  // the next message the parameters it does not set (a forward's).
  BindMessage(s.load_message, m);
  RETURN_IF_ERROR(s.load_message.Run());
  const std::optional<int64_t> row = db_->LastInsertRowid();
  if (!row) return Status::Internal("no row id after inserting a message", Location{path_});
  load_->rows[h] = *row;
  *id = *row;
  return Status::Ok();
}

Status Store::Begin() {
  events_pending_ = false;
  RETURN_IF_ERROR(db_->BeginWrite());
  if (load_ != nullptr) {
    // Only this load may have written since it last held the lock; otherwise its table of
    // keys no longer knows every row, and the index takes over.
    ASSIGN_OR_RETURN(int64_t version, DataVersion());
    if (version == load_->data_version) return Status::Ok();
    return BuildKeyIndex();
  }
  // Another connection's load may be under way, or have died: the index is built here.
  ASSIGN_OR_RETURN(bool missing, KeyIndexMissing());
  return missing ? BuildKeyIndex() : Status::Ok();
}

Status Store::BeginRead() {
  events_pending_ = false;
  return db_->BeginRead();
}

Status Store::Commit() {
  if (events_pending_) {
    Status s = AdvanceEventVersion();
    if (!s.ok()) {
      load_.reset();  // the table of keys may hold rows this transaction will not keep
      return s;
    }
  }
  events_pending_ = false;
  Status s = st_->commit.Run();
  if (!s.ok()) load_.reset();
  return s;
}

Status Store::Rollback() {
  events_pending_ = false;
  load_.reset();  // it knows rows the rollback takes back; the next Begin builds the index
  return db_->Exec("ROLLBACK").At(Location{path_});
}

Db* StoreHandle(Store& store) { return store.db_.get(); }

Status Store::AdvanceEventVersion() {
  RETURN_IF_ERROR(st_->advance_version.Run());
  ++event_commits_;
  return Status::Ok();
}

// One column of the event_version row (schema.h).
StatusOr<int64_t> Store::EventVersionColumn(std::string_view expression) {
  Statement q(db_.get(), "SELECT " + std::string(expression) + " FROM event_version WHERE id = 1");
  if (!q.ok()) return q.status();
  if (!q.Step()) {
    RETURN_IF_ERROR(q.status());
    return Status::Corrupt("the event_version row is missing", Location{path_});
  }
  return q.Int(0);
}

StatusOr<int64_t> Store::EventVersion() { return EventVersionColumn("events"); }

StatusOr<bool> Store::DetectionsCurrent() {
  ASSIGN_OR_RETURN(int64_t current,
                   EventVersionColumn("CASE WHEN events = detections THEN 1 ELSE 0 END"));
  return current != 0;
}

Status Store::MarkDetectionsCurrent() {
  return db_->Exec("UPDATE event_version SET detections = events WHERE id = 1");
}

Status Store::TouchEntity(std::string_view key, int64_t time) {
  if (key.empty() || key.front() == '@') return Status::Ok();  // a bare "@name" is no key
  bool inserted = false;
  int64_t& first = st_->touched.Find(HashKey(key), time, &inserted);
  if (!inserted) {
    if (first <= time) return Status::Ok();
    first = time;
  }
  return st_->touch.Bind(1, key)
      .Bind(2, PlatformName(PlatformOfKey(key)))
      .Bind(3, EntityKindName(KindFromKey(key)))
      .Bind(4, time)
      .Run();
}

Status Store::ApplyEntity(const EntityEvent& e) {
  EntityKind kind = e.kind != EntityKind::kUnknown ? e.kind : KindFromKey(e.key);
  RETURN_IF_ERROR(st_->entity.Bind(1, e.key)
                      .Bind(2, PlatformName(PlatformOfKey(e.key)))
                      .Bind(3, EntityKindName(kind))
                      .Bind(4, e.name)
                      .Bind(5, e.username)
                      .Bind(6, e.about)
                      .Bind(7, e.created)
                      .Bind(8, e.creator)
                      .Bind(9, e.subscribers)
                      .Bind(10, e.avatar_sha256)
                      .Bind(11, e.avatar_pdq)
                      .Bind(12, e.time)
                      .Run());
  if (e.name || e.username) {
    RETURN_IF_ERROR(st_->entity_name.Bind(1, e.key)
                        .Bind(2, e.time)
                        .Bind(3, e.name.value_or(""))
                        .Bind(4, e.username.value_or(""))
                        .Run());
    added_ = db_->Changes() > 0;
  }
  if (e.avatar_sha256 || e.avatar_pdq) {
    RETURN_IF_ERROR(st_->entity_avatar.Bind(1, e.key)
                        .Bind(2, e.time)
                        .Bind(3, e.avatar_sha256.value_or(""))
                        .Bind(4, e.avatar_pdq.value_or(""))
                        .Run());
  }
  if (e.creator) RETURN_IF_ERROR(TouchEntity(*e.creator, e.time));
  return Status::Ok();
}

Status Store::ApplyMessage(const MessageEvent& m) {
  auto& s = *st_;
  bool inserted = false;
  int64_t id = 0;
  int64_t seen_id = 0;  // a load's row of a key seen before
  if (load_ != nullptr) {
    RETURN_IF_ERROR(LoadMessage(m, &id, &seen_id));
    inserted = id != 0;  // neither: the load ended here, and the index decides
  }
  if (!inserted && seen_id == 0) {
    if (!s.message.ok()) {
      s.message =
          Statement(db_.get(), s.message_returns_id ? kMessageInsertReturning : kMessageInsert);
      RETURN_IF_ERROR(s.message.status());
    }
    BindMessage(s.message, m);
    if (s.message_returns_id) {
      inserted = s.message.Step();
      id = inserted ? s.message.Int(0) : 0;
      s.message.Reset();
      RETURN_IF_ERROR(s.message.status());
    } else {
      RETURN_IF_ERROR(s.message.Run());
      inserted = db_->Changes() > 0;
      id = inserted ? db_->LastInsertRowid().value_or(0) : 0;
    }
  }
  if (!inserted) {
    // Seen before: its media and links came with it the first time.
    if (seen_id != 0) {
      if (m.views) RETURN_IF_ERROR(s.load_views.Bind(1, seen_id).Bind(2, m.views).Run());
      return s.extras->SeenAgain(m, seen_id, &added_);
    }
    if (m.views) RETURN_IF_ERROR(s.message_views.Bind(1, m.key).Bind(2, m.views).Run());
    return s.extras->SeenAgain(m, std::nullopt, &added_);
  }
  added_ = true;
  RETURN_IF_ERROR(s.extras->Inserted(id, m));
  for (size_t i = 0; i < m.media.size(); ++i) {
    const Media& md = m.media[i];
    RETURN_IF_ERROR(s.media.Bind(1, id)
                        .Bind(2, static_cast<int64_t>(i))
                        .Bind(3, md.kind)
                        .BindOrNull(4, md.sha256)
                        .BindOrNull(5, md.md5)
                        .BindOrNull(6, md.pdq)
                        .BindOrNull(7, md.path)
                        .BindOrNull(8, md.vpdq)
                        .Run());
  }
  for (size_t i = 0; i < m.links.size(); ++i) {
    s.link.Bind(1, id).Bind(2, static_cast<int64_t>(i)).Bind(3, m.links[i]);
    if (auto l = NormalizeLink(m.links[i])) {
      s.link.Bind(4, l->normalized).Bind(5, l->platform).Bind(6, l->kind).Bind(7, l->target);
    }
    RETURN_IF_ERROR(s.link.Run());
  }
  RETURN_IF_ERROR(TouchEntity(m.chat, m.time));
  RETURN_IF_ERROR(TouchEntity(m.from, m.time));
  if (!m.via_bot.empty()) RETURN_IF_ERROR(TouchEntity(m.via_bot, m.time));
  if (m.forward && !m.forward->chat.empty()) {
    RETURN_IF_ERROR(TouchEntity(m.forward->chat, m.forward->time.value_or(m.time)));
  }
  return Status::Ok();
}

Status Store::Apply(const Event& event) {
  added_ = false;
  if (!db_->InTransaction()) {
    RETURN_IF_ERROR(ApplyEvent(event));
    return AdvanceEventVersion();
  }
  events_pending_ = true;
  return ApplyEvent(event);
}

Status Store::ApplyEvent(const Event& event) {
  auto& s = *st_;
  if (auto* m = std::get_if<MessageEvent>(&event)) return ApplyMessage(*m);
  if (auto* e = std::get_if<EntityEvent>(&event)) return ApplyEntity(*e);
  if (auto* m = std::get_if<MemberEvent>(&event)) {
    RETURN_IF_ERROR(s.member.Bind(1, m->chat)
                        .Bind(2, m->user)
                        .Bind(3, m->time)
                        .Bind(4, MemberActionName(m->action))
                        .BindOrNull(5, m->reason)
                        .Run());
    added_ = db_->Changes() > 0;
    RETURN_IF_ERROR(TouchEntity(m->chat, m->time));
    return TouchEntity(m->user, m->time);
  }
  if (auto* i = std::get_if<InviteEvent>(&event)) {
    RETURN_IF_ERROR(s.invite.Bind(1, i->link).Bind(2, i->chat).Bind(3, i->time).Run());
    added_ = db_->Changes() > 0;
    return TouchEntity(i->chat, i->time);
  }
  if (auto* t = std::get_if<TakedownEvent>(&event)) {
    RETURN_IF_ERROR(s.takedown.Bind(1, t->entity)
                        .Bind(2, t->time)
                        .Bind(3, std::string_view("takedown"))
                        .Bind(4, t->reason)
                        .BindOrNull(5, t->source)
                        .Run());
    added_ = db_->Changes() > 0;
    return TouchEntity(t->entity, t->time);
  }
  if (auto* r = std::get_if<ReinstateEvent>(&event)) {
    RETURN_IF_ERROR(s.takedown.Bind(1, r->entity)
                        .Bind(2, r->time)
                        .Bind(3, std::string_view("reinstate"))
                        .BindOrNull(4, r->reason)
                        .BindNull(5)
                        .Run());
    added_ = db_->Changes() > 0;
    return TouchEntity(r->entity, r->time);
  }
  return Status::Internal("unhandled event type");
}

Status Store::AddReject(const Location& where, std::string_view reason) {
  return st_->reject.Bind(1, where.file)
      .Bind(2, where.line)
      .Bind(3, where.offset)
      .Bind(4, reason)
      .Run();
}

Status Store::AddWeird(const Location& where, std::string_view name, std::string_view what) {
  return st_->weird.Bind(1, where.file)
      .Bind(2, where.line)
      .Bind(3, where.offset)
      .Bind(4, what)
      .Bind(5, name)
      .Run();
}

bool Store::FileDone(const FileIdentity& file) {
  auto& q = st_->file_done;
  q.Bind(1, file.path).Bind(2, file.size).Bind(3, file.mtime_ns).Bind(4, file.head_sha256);
  bool done = q.Step();
  q.Reset();
  return done;
}

Status Store::MarkFileDone(const FileIdentity& file, std::string_view importer, int64_t events,
                           int64_t rejects) {
  return st_->mark_file.Bind(1, file.path)
      .Bind(2, file.size)
      .Bind(3, file.mtime_ns)
      .Bind(4, importer)
      .Bind(5, events)
      .Bind(6, rejects)
      .Bind(7, file.head_sha256)
      .Run();
}

Status Store::EnsureAnalysisIndexes() {
  return db_->Exec(
      "CREATE INDEX IF NOT EXISTS messages_by_chat ON messages(chat, time);"
      "CREATE INDEX IF NOT EXISTS messages_by_sender ON messages(sender, time);"
      "CREATE INDEX IF NOT EXISTS messages_by_forward ON messages(fwd_chat) "
      "WHERE fwd_chat IS NOT NULL;"
      "CREATE INDEX IF NOT EXISTS links_by_target ON links(normalized);"
      "CREATE INDEX IF NOT EXISTS media_by_sha256 ON media(sha256) WHERE sha256 IS NOT NULL;");
}

StatusOr<StoreStats> Store::Stats() {
  StoreStats out;
  for (const char* k : {"channel", "group", "user", "bot"}) out.entities[k] = 0;
  {
    Statement q(db_.get(), "SELECT kind, platform, count(*) FROM entities GROUP BY kind, platform");
    if (!q.ok()) return q.status();
    while (q.Step()) {
      out.entities[std::string(q.Text(0))] += q.Int(2);
      out.by_platform[std::string(q.Text(1))] += q.Int(2);
    }
    if (!q.status().ok()) return q.status();
  }
  auto count = [&](std::string_view sql, int64_t& into) -> Status {
    Statement q(db_.get(), sql);
    if (!q.ok()) return q.status();
    if (q.Step()) into = q.Int(0);
    return q.status();
  };
  RETURN_IF_ERROR(count("SELECT count(*) FROM messages", out.messages));
  RETURN_IF_ERROR(
      count("SELECT count(*) FROM messages WHERE fwd_chat IS NOT NULL OR fwd_name IS NOT NULL "
            "OR fwd_message IS NOT NULL",
            out.forwarded));
  RETURN_IF_ERROR(count("SELECT count(*) FROM media", out.media));
  RETURN_IF_ERROR(count("SELECT count(*) FROM links", out.links));
  RETURN_IF_ERROR(count("SELECT count(*) FROM memberships", out.memberships));
  RETURN_IF_ERROR(count("SELECT count(*) FROM invites", out.invites));
  RETURN_IF_ERROR(count("SELECT count(*) FROM takedowns WHERE action='takedown'", out.takedowns));
  RETURN_IF_ERROR(
      count("SELECT count(*) FROM takedowns WHERE action='reinstate'", out.reinstatements));
  RETURN_IF_ERROR(count("SELECT count(*) FROM rejects", out.rejected));
  RETURN_IF_ERROR(count("SELECT count(*) FROM weirds", out.weird));
  {
    Statement q(db_.get(), "SELECT name, count(*) FROM weirds GROUP BY name");
    if (!q.ok()) return q.status();
    while (q.Step()) out.weird_by_name[std::string(q.Text(0))] = q.Int(1);
    if (!q.status().ok()) return q.status();
  }
  RETURN_IF_ERROR(count("SELECT count(*) FROM files", out.files));
  return out;
}

Status Store::CheckIntegrity() {
  // PostgreSQL checks its own pages and WAL; there is no whole-database check to run here.
  if (db_->dialect() == SqlDialect::kPostgres) return Status::Ok();
  Statement q(db_.get(), "PRAGMA integrity_check(10)");
  if (!q.ok()) return q.status().At(Location{path_});
  std::string findings;
  while (q.Step()) {
    const std::string_view line = q.Text(0);
    if (line == "ok") continue;
    findings += findings.empty() ? "" : "; ";
    findings += line;
  }
  if (!q.status().ok()) return q.status().At(Location{path_});
  if (!findings.empty())
    return Status::Corrupt("integrity check failed: " + findings, Location{path_});
  return Status::Ok();
}

StatusOr<std::string> Store::Dump() {
  std::string out;
  Statement tables(db_.get(),
                   db_->dialect() == SqlDialect::kPostgres
                       ? "SELECT table_name FROM information_schema.tables WHERE "
                         "table_schema = current_schema() AND table_type = 'BASE TABLE' AND "
                         "table_name NOT IN ('files', 'failed_files', 'event_version', "
                         "'regen_state', 'cordon_schema') ORDER BY 1"
                       : "SELECT name FROM sqlite_master WHERE type='table' AND "
                         "name NOT IN ('files', 'failed_files', 'event_version', 'regen_state') "
                         "ORDER BY name");
  if (!tables.ok()) return tables.status();
  std::vector<std::string> names;
  while (tables.Step()) names.emplace_back(tables.Text(0));
  for (const auto& name : names) {
    Statement probe(db_.get(), "SELECT * FROM " + name + " LIMIT 0");
    if (!probe.ok()) return probe.status();
    (void)probe.Step();  // PostgreSQL knows the columns once it ran
    RETURN_IF_ERROR(probe.status());
    const int cols = probe.ColumnCount();
    std::string order;
    for (int c = 1; c <= cols; ++c) order += (c > 1 ? "," : "") + std::to_string(c);
    Statement q(db_.get(), "SELECT * FROM " + name + " ORDER BY " + order);
    if (!q.ok()) return q.status();
    while (q.Step()) {
      out += name;
      for (int c = 0; c < cols; ++c) {
        out += '|';
        out += q.IsNull(c) ? std::string("NULL") : std::string(q.Text(c));
      }
      out += '\n';
    }
    if (!q.status().ok()) return q.status();
  }
  return out;
}

}  // namespace cordon
