#include "cordon/store/replay.h"

#include <array>
#include <limits>
#include <string>
#include <unordered_map>

#include "cordon/store/sql.h"
#include "cordon/util/progress.h"

namespace cordon {
namespace {

constexpr TimeMs kEnd = std::numeric_limits<TimeMs>::max();

// One table read in time order, one row ahead.
class Cursor {
 public:
  Cursor(Db* db, std::string sql, std::optional<TimeMs> until) : q_(db, std::move(sql)) {
    if (q_.ok()) {
      q_.Bind(1, until.value_or(kEnd));
      Advance();
    }
  }
  bool ok() const { return q_.ok() && q_.status().ok(); }
  Status status() const { return q_.status(); }
  TimeMs time() const { return has_ ? q_.Int(0) : kEnd; }
  const Statement& row() const { return q_; }
  void Advance() { has_ = q_.Step(); }

 private:
  Statement q_;
  bool has_ = false;
};

std::optional<std::string> NonEmpty(std::string_view s) {
  if (s.empty()) return std::nullopt;
  return std::string(s);
}

}  // namespace

StatusOr<int64_t> CountReplayEvents(Store& store, std::optional<TimeMs> until, bool messages) {
  // Exact without the entities join: a name row is only written with its entity (store.cc).
  // Without a cut every row counts, and a count without a condition on time reads the
  // smallest index instead of every row (0.03 s against 0.27 s for 1M messages).
  const std::string cut = until ? " WHERE time <= ?1" : "";
  std::string sql = "SELECT (SELECT count(*) FROM entity_names" + cut +
                    ") + (SELECT count(*) FROM invites" + cut +
                    ") + (SELECT count(*) FROM memberships" + cut + ") + " +
                    "(SELECT count(*) FROM takedowns" + cut + ")";
  if (messages) sql += " + (SELECT count(*) FROM messages" + cut + ")";
  Statement q(StoreHandle(store), sql);
  if (!q.ok()) return q.status();
  if (until) q.Bind(1, *until);
  int64_t total = 0;
  if (q.Step()) total = q.Int(0);
  RETURN_IF_ERROR(q.status());
  return total;
}

StatusOr<int64_t> CountMessages(Store& store, std::optional<TimeMs> until) {
  Statement q(StoreHandle(store), "SELECT count(*) FROM messages WHERE time <= ?1");
  if (!q.ok()) return q.status();
  q.Bind(1, until.value_or(kEnd));
  int64_t total = 0;
  if (q.Step()) total = q.Int(0);
  RETURN_IF_ERROR(q.status());
  return total;
}

// ---------------------------------------------------------------- messages

namespace {

struct BulkRows {
  std::unordered_map<int64_t, std::vector<Media>> media_by_id;
  std::unordered_map<int64_t, std::vector<std::string>> links_by_id;
  std::unordered_map<std::string, std::vector<KnownMatch>> matches_by_key;
};

}  // namespace

struct MessageReader::Statements {
  Statement messages, media, links, matches;
  bool with_matches = false;
  // On PostgreSQL a message's media, links and matches are read in bulk when the reader opens
  // (one round trip each instead of three a message, 10x faster there); SQLite reads them per
  // message, which costs it nothing and keeps memory flat.
  bool bulk = false;
  BulkRows rows;
};

namespace {

Media ReadMedia(const Statement& q, int first) {
  Media md;
  md.kind = std::string(q.Text(first + 0));
  md.sha256 = std::string(q.Text(first + 1));
  md.md5 = std::string(q.Text(first + 2));
  md.pdq = std::string(q.Text(first + 3));
  md.path = std::string(q.Text(first + 4));
  return md;
}

KnownMatch ReadKnownMatch(const Statement& q, int first) {
  KnownMatch k;
  k.media_idx = static_cast<int>(q.Int(first + 0));
  k.bank = std::string(q.Text(first + 1));
  k.signal_type = std::string(q.Text(first + 2));
  k.signal = std::string(q.Text(first + 3));
  k.distance = static_cast<int>(q.Int(first + 4));
  k.label = std::string(q.Text(first + 5));
  return k;
}

// Reads the media, links and (with `matches`) matches of every message up to `until`, in the
// order the per-message statements give them.
Status ReadInBulk(Db* db, TimeMs until, bool matches, BulkRows* rows) {
  Statement media(db,
                  "SELECT d.message_id, d.kind, d.sha256, d.md5, d.pdq, d.path FROM media d "
                  "JOIN messages m ON m.id = d.message_id WHERE m.time <= ?1 "
                  "ORDER BY d.message_id, d.idx");
  if (!media.ok()) return media.status();
  media.Bind(1, until);
  while (media.Step()) rows->media_by_id[media.Int(0)].push_back(ReadMedia(media, 1));
  RETURN_IF_ERROR(media.status());
  Statement links(db,
                  "SELECT l.message_id, l.url FROM links l JOIN messages m ON m.id = l.message_id "
                  "WHERE m.time <= ?1 ORDER BY l.message_id, l.idx");
  if (!links.ok()) return links.status();
  links.Bind(1, until);
  while (links.Step()) rows->links_by_id[links.Int(0)].emplace_back(links.Text(1));
  RETURN_IF_ERROR(links.status());
  if (!matches) return Status::Ok();
  Statement q(db,
              "SELECT message, media_idx, bank, signal_type, signal, distance, label FROM matches "
              "ORDER BY message, media_idx, bank, signal_type, signal");
  if (!q.ok()) return q.status();
  while (q.Step()) rows->matches_by_key[std::string(q.Text(0))].push_back(ReadKnownMatch(q, 1));
  return q.status();
}

}  // namespace

MessageReader::MessageReader(std::unique_ptr<Statements> st) : st_(std::move(st)) {}
MessageReader::~MessageReader() = default;

StatusOr<std::unique_ptr<MessageReader>> MessageReader::Open(Store& store,
                                                             const MessageReadOptions& options) {
  Db* db = StoreHandle(store);
  auto st = std::make_unique<Statements>();
  st->messages = Statement(
      db, std::string("SELECT time, id, key, chat, sender, text, fwd_chat, fwd_message, fwd_name, "
                      "fwd_time, views, via_bot, reply_to, x.edited, x.reactions, x.poll_voters, "
                      "x.thread FROM messages LEFT JOIN message_extras x ON x.message_id = id "
                      "WHERE time <= ?1 "
                      "ORDER BY time, ") +
              (options.order == MessageOrder::kByKey ? "key" : "id"));
  st->media = Statement(db,
                        "SELECT kind, sha256, md5, pdq, path FROM media WHERE message_id = ?1 "
                        "ORDER BY idx");
  st->links = Statement(db, "SELECT url FROM links WHERE message_id = ?1 ORDER BY idx");
  st->with_matches = options.matches;
  if (options.matches) {
    st->matches = Statement(db,
                            "SELECT media_idx, bank, signal_type, signal, distance, label "
                            "FROM matches WHERE message = ?1 "
                            "ORDER BY media_idx, bank, signal_type, signal");
    if (!st->matches.ok()) return st->matches.status();
  }
  for (const Statement* q : {&st->messages, &st->media, &st->links}) {
    if (!q->ok()) return q->status();
  }
  st->messages.Bind(1, options.until.value_or(kEnd));
  if (db->dialect() == SqlDialect::kPostgres) {
    st->bulk = true;
    RETURN_IF_ERROR(ReadInBulk(db, options.until.value_or(kEnd), options.matches, &st->rows));
  }
  return std::unique_ptr<MessageReader>(new MessageReader(std::move(st)));
}

bool MessageReader::Next(MessageEvent* m, std::vector<KnownMatch>* matches) {
  Statement& r = st_->messages;
  if (!status_.ok()) return false;
  if (!r.Step()) {
    status_ = r.status();
    return false;
  }
  // A NULL column reads as "" (Statement::Text), which is what the store wrote NULL for.
  *m = MessageEvent();
  m->time = r.Int(0);
  const int64_t id = r.Int(1);
  m->key = std::string(r.Text(2));
  m->chat = std::string(r.Text(3));
  m->from = std::string(r.Text(4));
  m->text = std::string(r.Text(5));
  if (!r.IsNull(6) || !r.IsNull(7) || !r.IsNull(8) || !r.IsNull(9)) {
    ForwardOrigin f;
    f.chat = std::string(r.Text(6));
    f.message = std::string(r.Text(7));
    f.name = std::string(r.Text(8));
    if (!r.IsNull(9)) f.time = r.Int(9);
    m->forward = std::move(f);
  }
  if (!r.IsNull(10)) m->views = r.Int(10);
  m->via_bot = std::string(r.Text(11));
  m->reply_to = std::string(r.Text(12));
  if (!r.IsNull(13)) m->edited = r.Int(13);
  if (!r.IsNull(14)) m->reactions = r.Int(14);
  if (!r.IsNull(15)) m->poll_voters = r.Int(15);
  m->thread = std::string(r.Text(16));
  if (st_->bulk) {
    if (auto it = st_->rows.media_by_id.find(id); it != st_->rows.media_by_id.end()) {
      m->media = std::move(it->second);
    }
    if (auto it = st_->rows.links_by_id.find(id); it != st_->rows.links_by_id.end()) {
      m->links = std::move(it->second);
    }
    if (st_->with_matches && matches != nullptr) {
      matches->clear();
      if (auto it = st_->rows.matches_by_key.find(m->key); it != st_->rows.matches_by_key.end()) {
        *matches = std::move(it->second);
      }
    }
    return true;
  }
  Statement& media = st_->media;
  media.Bind(1, id);
  while (media.Step()) m->media.push_back(ReadMedia(media, 0));
  status_ = media.status();
  media.Reset();
  if (!status_.ok()) return false;
  Statement& links = st_->links;
  links.Bind(1, id);
  while (links.Step()) m->links.emplace_back(links.Text(0));
  status_ = links.status();
  links.Reset();
  if (!status_.ok()) return false;
  if (st_->with_matches && matches != nullptr) {
    matches->clear();
    Statement& q = st_->matches;
    q.Bind(1, m->key);
    while (q.Step()) matches->push_back(ReadKnownMatch(q, 0));
    status_ = q.status();
    q.Reset();
    if (!status_.ok()) return false;
  }
  return true;
}

// ---------------------------------------------------------------- replay

Status ReplayStore(Store& store, const std::function<Status(const Event&)>& fn,
                   const ReplayOptions& options) {
  Db* db = StoreHandle(store);
  // Column 0 is the time in every cursor.
  Cursor entities(db,
                  "SELECT n.time, n.entity, n.name, n.username, e.kind, e.created, e.creator, "
                  "a.sha256, a.pdq FROM entity_names n JOIN entities e ON e.key = n.entity "
                  "LEFT JOIN entity_avatars a ON a.entity = n.entity AND a.time = n.time "
                  "WHERE n.time <= ?1 ORDER BY n.time, n.entity, n.name, n.username",
                  options.until);
  Cursor invites(db,
                 "SELECT time, link, chat FROM invites WHERE time <= ?1 ORDER BY time, link, chat",
                 options.until);
  Cursor members(db,
                 "SELECT time, chat, \"user\", action, coalesce(reason, '') FROM memberships "
                 "WHERE time <= ?1 ORDER BY time, chat, \"user\", action",
                 options.until);
  Cursor takedowns(db,
                   "SELECT time, entity, action, coalesce(reason, ''), coalesce(source, '') "
                   "FROM takedowns WHERE time <= ?1 "
                   "ORDER BY time, CASE action WHEN 'takedown' THEN 0 ELSE 1 END, entity",
                   options.until);
  std::array<Cursor*, 4> cursors = {&entities, &invites, &members, &takedowns};
  for (Cursor* c : cursors) {
    if (!c->ok()) return c->status();
  }
  // Messages, one ahead like the cursors.
  std::unique_ptr<MessageReader> messages;
  MessageEvent message;
  bool has_message = false;
  if (options.messages) {
    MessageReadOptions mo;
    mo.until = options.until;
    ASSIGN_OR_RETURN(messages, MessageReader::Open(store, mo));
    has_message = messages->Next(&message);
    RETURN_IF_ERROR(messages->status());
  }
  int64_t total = 0;
  if (options.progress != nullptr) {
    ASSIGN_OR_RETURN(total, CountReplayEvents(store, options.until, options.messages));
  }
  ProgressStep step(options.progress, options.progress_label, total, "events", 1024);

  while (true) {
    // The earliest head; ties go to the earlier kind (entities, invites, memberships,
    // messages, takedowns).
    Cursor* next = nullptr;
    for (Cursor* c : {&entities, &invites, &members}) {
      if (c->time() != kEnd && (next == nullptr || c->time() < next->time())) next = c;
    }
    const TimeMs before_messages = next == nullptr ? kEnd : next->time();
    if (has_message && message.time < before_messages && message.time <= takedowns.time()) {
      RETURN_IF_ERROR(fn(Event(std::move(message))));
      has_message = messages->Next(&message);
      RETURN_IF_ERROR(messages->status());
      step.Advance();
      continue;
    }
    if (takedowns.time() != kEnd && (next == nullptr || takedowns.time() < next->time())) {
      next = &takedowns;
    }
    if (next == nullptr) break;
    const Statement& r = next->row();
    if (next == &entities) {
      EntityEvent e;
      e.time = r.Int(0);
      e.key = std::string(r.Text(1));
      e.name = NonEmpty(r.Text(2));
      e.username = NonEmpty(r.Text(3));
      e.kind = ParseEntityKind(r.Text(4)).value_or(EntityKind::kUnknown);
      if (!r.IsNull(5)) e.created = r.Int(5);
      e.creator = NonEmpty(r.Text(6));
      e.avatar_sha256 = NonEmpty(r.Text(7));
      e.avatar_pdq = NonEmpty(r.Text(8));
      RETURN_IF_ERROR(fn(Event(std::move(e))));
    } else if (next == &invites) {
      RETURN_IF_ERROR(
          fn(Event(InviteEvent{std::string(r.Text(1)), std::string(r.Text(2)), r.Int(0)})));
    } else if (next == &members) {
      MemberEvent m;
      m.time = r.Int(0);
      m.chat = std::string(r.Text(1));
      m.user = std::string(r.Text(2));
      m.action = ParseMemberAction(r.Text(3)).value_or(MemberAction::kJoin);
      m.reason = std::string(r.Text(4));
      RETURN_IF_ERROR(fn(Event(std::move(m))));
    } else {
      if (r.Text(2) == "takedown") {
        RETURN_IF_ERROR(fn(Event(TakedownEvent{std::string(r.Text(1)), r.Int(0),
                                               std::string(r.Text(3)), std::string(r.Text(4))})));
      } else {
        RETURN_IF_ERROR(
            fn(Event(ReinstateEvent{std::string(r.Text(1)), r.Int(0), std::string(r.Text(3))})));
      }
    }
    next->Advance();
    if (!next->ok()) return next->status();
    step.Advance();
  }
  return Status::Ok();
}

}  // namespace cordon
