#include "cordon/enforce/replay.h"

#include <array>
#include <limits>
#include <string>

#include "cordon/util/progress.h"

namespace cordon::enforce {
namespace {

constexpr TimeMs kEnd = std::numeric_limits<TimeMs>::max();

// One table read in time order, one row ahead.
class Cursor {
 public:
  Cursor(sqlite3* db, std::string sql, std::optional<TimeMs> until) : q_(db, std::move(sql)) {
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
  Statement q(store.db(),
              "SELECT (SELECT count(*) FROM entity_names WHERE time <= ?1) + "
              "(SELECT count(*) FROM invites WHERE time <= ?1) + "
              "(SELECT count(*) FROM memberships WHERE time <= ?1) + "
              "(SELECT count(*) FROM messages WHERE ?2 AND time <= ?1) + "
              "(SELECT count(*) FROM takedowns WHERE time <= ?1)");
  if (!q.ok()) return q.status();
  q.Bind(1, until.value_or(kEnd)).Bind(2, int64_t{messages});
  int64_t total = 0;
  if (q.Step()) total = q.Int(0);
  RETURN_IF_ERROR(q.status());
  return total;
}

Status ReplayStore(Store& store, const std::function<Status(const Event&)>& fn,
                   const ReplayOptions& options) {
  sqlite3* db = store.db();
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
                 "SELECT time, chat, user, action, coalesce(reason, '') FROM memberships "
                 "WHERE time <= ?1 ORDER BY time, chat, user, action",
                 options.until);
  Cursor messages(db,
                  options.messages
                      ? "SELECT time, id, key, chat, coalesce(sender, ''), coalesce(text, ''), "
                        "fwd_chat, fwd_message, fwd_name, fwd_time, views, "
                        "coalesce(via_bot, ''), coalesce(reply_to, '') FROM messages "
                        "WHERE time <= ?1 ORDER BY time, key"
                      : "SELECT time FROM messages WHERE 0 AND ?1",
                  options.until);
  Cursor takedowns(db,
                   "SELECT time, entity, action, coalesce(reason, ''), coalesce(source, '') "
                   "FROM takedowns WHERE time <= ?1 "
                   "ORDER BY time, CASE action WHEN 'takedown' THEN 0 ELSE 1 END, entity",
                   options.until);
  Statement media(db,
                  "SELECT coalesce(kind, ''), coalesce(sha256, ''), coalesce(md5, ''), "
                  "coalesce(pdq, ''), coalesce(path, '') FROM media WHERE message_id = ?1 "
                  "ORDER BY idx");
  Statement links(db, "SELECT url FROM links WHERE message_id = ?1 ORDER BY idx");
  std::array<Cursor*, 5> cursors = {&entities, &invites, &members, &messages, &takedowns};
  for (Cursor* c : cursors) {
    if (!c->ok()) return c->status();
  }
  if (!media.ok()) return media.status();
  if (!links.ok()) return links.status();
  int64_t total = 0;
  if (options.progress != nullptr) {
    ASSIGN_OR_RETURN(total, CountReplayEvents(store, options.until, options.messages));
  }
  ProgressStep step(options.progress, options.progress_label, total, "events", 1024);

  while (true) {
    // The earliest head; ties go to the earlier cursor in the list.
    Cursor* next = nullptr;
    for (Cursor* c : cursors) {
      if (c->time() != kEnd && (next == nullptr || c->time() < next->time())) next = c;
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
    } else if (next == &messages) {
      MessageEvent m;
      m.time = r.Int(0);
      const int64_t id = r.Int(1);
      m.key = std::string(r.Text(2));
      m.chat = std::string(r.Text(3));
      m.from = std::string(r.Text(4));
      m.text = std::string(r.Text(5));
      if (!r.IsNull(6) || !r.IsNull(7) || !r.IsNull(8)) {
        ForwardOrigin f;
        f.chat = std::string(r.Text(6));
        f.message = std::string(r.Text(7));
        f.name = std::string(r.Text(8));
        if (!r.IsNull(9)) f.time = r.Int(9);
        m.forward = std::move(f);
      }
      if (!r.IsNull(10)) m.views = r.Int(10);
      m.via_bot = std::string(r.Text(11));
      m.reply_to = std::string(r.Text(12));
      media.Bind(1, id);
      while (media.Step()) {
        Media md;
        md.kind = std::string(media.Text(0));
        md.sha256 = std::string(media.Text(1));
        md.md5 = std::string(media.Text(2));
        md.pdq = std::string(media.Text(3));
        md.path = std::string(media.Text(4));
        m.media.push_back(std::move(md));
      }
      RETURN_IF_ERROR(media.status());
      media.Reset();
      links.Bind(1, id);
      while (links.Step()) m.links.emplace_back(links.Text(0));
      RETURN_IF_ERROR(links.status());
      links.Reset();
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

}  // namespace cordon::enforce
