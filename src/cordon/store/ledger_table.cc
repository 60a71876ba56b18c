#include "cordon/store/ledger_table.h"

#include <climits>

#include "cordon/store/sql.h"

namespace cordon {
namespace {

// Names the database in an error that does not name a place already.
Status Located(Store& store, const Status& s) { return s.At(Location{store.path()}); }

constexpr std::string_view kEntryColumns =
    "seq, time, recorded, action, entity, reason, source, decided_by, evidence, ref, "
    "preserve_until, prev_hash, hash";

LedgerEntry ReadEntry(const Statement& q) {
  LedgerEntry e;
  e.seq = q.Int(0);
  e.time = q.Int(1);
  e.recorded = q.Int(2);
  e.action = std::string(q.Text(3));
  e.entity = std::string(q.Text(4));
  e.reason = std::string(q.Text(5));
  e.source = std::string(q.Text(6));
  e.decided_by = std::string(q.Text(7));
  e.evidence = std::string(q.Text(8));
  e.ref = std::string(q.Text(9));
  if (!q.IsNull(10)) e.preserve_until = q.Int(10);
  e.prev_hash = std::string(q.Text(11));
  e.hash = std::string(q.Text(12));
  return e;
}

// Every row of an entry query, in its order.
StatusOr<std::vector<LedgerEntry>> ReadEntries(Store& store, Statement& q) {
  std::vector<LedgerEntry> out;
  while (q.Step()) out.push_back(ReadEntry(q));
  if (!q.status().ok()) return Located(store, q.status());
  return out;
}

constexpr std::string_view kAppealColumns =
    "id, entity, filed, filed_by, reason, status, decided, decided_by, decision";

AppealRow ReadAppeal(const Statement& q) {
  AppealRow a;
  a.id = q.Int(0);
  a.entity = std::string(q.Text(1));
  a.filed = q.Int(2);
  a.filed_by = std::string(q.Text(3));
  a.reason = std::string(q.Text(4));
  a.status = std::string(q.Text(5));
  if (!q.IsNull(6)) a.decided = q.Int(6);
  a.decided_by = std::string(q.Text(7));
  a.decision = std::string(q.Text(8));
  return a;
}

}  // namespace

StatusOr<std::optional<LedgerTip>> ReadLedgerTip(Store& store) {
  Statement q(StoreHandle(store), "SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1");
  if (!q.ok()) return Located(store, q.status());
  std::optional<LedgerTip> tip;
  if (q.Step()) tip = LedgerTip{q.Int(0), std::string(q.Text(1))};
  if (!q.status().ok()) return Located(store, q.status());
  return tip;
}

Status InsertLedgerEntry(Store& store, const LedgerEntry& e) {
  Statement ins(StoreHandle(store),
                "INSERT INTO ledger(seq, time, recorded, action, entity, reason, source, "
                "decided_by, evidence, ref, preserve_until, prev_hash, hash) "
                "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)");
  if (!ins.ok()) return Located(store, ins.status());
  ins.Bind(1, e.seq).Bind(2, e.time).Bind(3, e.recorded).Bind(4, e.action).Bind(5, e.entity);
  ins.Bind(6, e.reason).Bind(7, e.source).Bind(8, e.decided_by).Bind(9, e.evidence);
  ins.Bind(10, e.ref).Bind(11, e.preserve_until).Bind(12, e.prev_hash).Bind(13, e.hash);
  return Located(store, ins.Run());
}

StatusOr<bool> LedgerHasDecision(Store& store, std::string_view entity, TimeMs time,
                                 std::string_view action) {
  Statement q(StoreHandle(store),
              "SELECT 1 FROM ledger WHERE entity = ?1 AND time = ?2 AND action = ?3 LIMIT 1");
  if (!q.ok()) return Located(store, q.status());
  q.Bind(1, entity).Bind(2, time).Bind(3, action);
  const bool found = q.Step();
  if (!q.status().ok()) return Located(store, q.status());
  return found;
}

StatusOr<std::vector<LedgerEntry>> ListLedgerEntries(Store& store, const LedgerFilter& f) {
  std::string sql = "SELECT " + std::string(kEntryColumns) +
                    " FROM ledger WHERE (?1 = '' OR entity = ?1) AND (?2 = '' OR action = ?2) "
                    "AND time >= ?3 AND time <= ?4 AND seq > ?5 ORDER BY seq";
  if (f.limit > 0) sql += " LIMIT " + std::to_string(f.limit);
  Statement q(StoreHandle(store), sql);
  if (!q.ok()) return Located(store, q.status());
  q.Bind(1, f.entity).Bind(2, f.action).Bind(3, f.since.value_or(INT64_MIN));
  q.Bind(4, f.until.value_or(INT64_MAX)).Bind(5, f.after_seq);
  return ReadEntries(store, q);
}

Status ForEachLedgerEntry(Store& store, const std::function<bool(const LedgerEntry&)>& f) {
  Statement q(StoreHandle(store),
              "SELECT " + std::string(kEntryColumns) + " FROM ledger ORDER BY seq");
  if (!q.ok()) return Located(store, q.status());
  while (q.Step()) {
    if (!f(ReadEntry(q))) break;
  }
  return Located(store, q.status());
}

StatusOr<std::vector<LedgerEntry>> ReadPreservationEntries(Store& store) {
  Statement q(StoreHandle(store), "SELECT " + std::string(kEntryColumns) +
                                      " FROM ledger WHERE action IN "
                                      "('takedown','reinstate','preserve','purge') ORDER BY seq");
  if (!q.ok()) return Located(store, q.status());
  return ReadEntries(store, q);
}

StatusOr<std::vector<LedgerEntry>> DecisionsWithoutTakedownRow(Store& store, int64_t limit) {
  Statement q(StoreHandle(store),
              "SELECT " + std::string(kEntryColumns) +
                  " FROM ledger l WHERE l.action IN ('takedown','reinstate') AND NOT EXISTS ("
                  "SELECT 1 FROM takedowns t WHERE t.entity = l.entity AND t.time = l.time AND "
                  "t.action = l.action) ORDER BY l.seq LIMIT ?1");
  if (!q.ok()) return Located(store, q.status());
  q.Bind(1, limit);
  return ReadEntries(store, q);
}

StatusOr<std::optional<TimeMs>> EntityDownSince(Store& store, std::string_view entity, TimeMs at) {
  Statement q(StoreHandle(store),
              "SELECT action, time FROM takedowns WHERE entity = ?1 AND time <= ?2 "
              "ORDER BY time DESC, CASE action WHEN 'reinstate' THEN 0 ELSE 1 END LIMIT 1");
  if (!q.ok()) return Located(store, q.status());
  q.Bind(1, entity).Bind(2, at);
  std::optional<TimeMs> down;
  if (q.Step() && q.Text(0) == "takedown") down = q.Int(1);
  if (!q.status().ok()) return Located(store, q.status());
  return down;
}

StatusOr<std::vector<Event>> TakedownsWithoutLedgerEntry(Store& store) {
  Statement q(StoreHandle(store),
              "SELECT t.entity, t.time, t.action, coalesce(t.reason, ''), coalesce(t.source, '') "
              "FROM takedowns t WHERE NOT EXISTS (SELECT 1 FROM ledger l WHERE "
              "l.entity = t.entity AND l.time = t.time AND l.action = t.action) "
              "ORDER BY t.time, t.entity, t.action");
  if (!q.ok()) return Located(store, q.status());
  std::vector<Event> out;
  while (q.Step()) {
    if (q.Text(2) == "takedown") {
      out.emplace_back(TakedownEvent{std::string(q.Text(0)), q.Int(1), std::string(q.Text(3)),
                                     std::string(q.Text(4))});
    } else {
      out.emplace_back(ReinstateEvent{std::string(q.Text(0)), q.Int(1), std::string(q.Text(3))});
    }
  }
  if (!q.status().ok()) return Located(store, q.status());
  return out;
}

StatusOr<int64_t> CountEntityMessages(Store& store, std::string_view entity) {
  Statement q(StoreHandle(store),
              "SELECT (SELECT count(*) FROM messages WHERE chat = ?1) + "
              "(SELECT count(*) FROM messages WHERE sender = ?1 AND chat != ?1)");
  if (!q.ok()) return Located(store, q.status());
  q.Bind(1, entity);
  const int64_t n = q.Step() ? q.Int(0) : 0;
  if (!q.status().ok()) return Located(store, q.status());
  return n;
}

StatusOr<PurgedRows> DeleteEntityMessages(Store& store, std::string_view entity) {
  const std::string ids =
      "SELECT id FROM messages WHERE chat = ?1 UNION SELECT id FROM messages WHERE sender = ?1";
  Statement del_media(StoreHandle(store), "DELETE FROM media WHERE message_id IN (" + ids + ")");
  Statement del_links(StoreHandle(store), "DELETE FROM links WHERE message_id IN (" + ids + ")");
  Statement del_msgs(StoreHandle(store), "DELETE FROM messages WHERE chat = ?1 OR sender = ?1");
  for (Statement* s : {&del_media, &del_links, &del_msgs}) {
    if (!s->ok()) return Located(store, s->status());
  }
  PurgedRows out;
  // Media and links first: they name their message.
  Status s = del_media.Bind(1, entity).Run();
  if (!s.ok()) return Located(store, s);
  out.media = StoreHandle(store)->Changes();
  s = del_links.Bind(1, entity).Run();
  if (!s.ok()) return Located(store, s);
  out.links = StoreHandle(store)->Changes();
  s = del_msgs.Bind(1, entity).Run();
  if (!s.ok()) return Located(store, s);
  out.messages = StoreHandle(store)->Changes();
  // The detector's saved state has seen those messages: a later ingest replays instead.
  s = Exec(StoreHandle(store), "DELETE FROM regen_state");
  if (!s.ok()) return Located(store, s);
  return out;
}

StatusOr<bool> IsKnownEntity(Store& store, std::string_view key) {
  Statement q(StoreHandle(store), "SELECT 1 FROM entities WHERE key = ?1");
  if (!q.ok()) return Located(store, q.status());
  q.Bind(1, key);
  const bool known = q.Step();
  if (!q.status().ok()) return Located(store, q.status());
  return known;
}

StatusOr<int64_t> InsertAppeal(Store& store, const AppealRow& a) {
  Statement ins(StoreHandle(store),
                "INSERT INTO appeals(entity, filed, filed_by, reason, status) "
                "VALUES(?1,?2,?3,?4,?5) RETURNING id");
  if (!ins.ok()) return Located(store, ins.status());
  ins.Bind(1, a.entity).Bind(2, a.filed).Bind(3, a.filed_by).Bind(4, a.reason).Bind(5, a.status);
  const int64_t id = ins.Step() ? ins.Int(0) : 0;
  ins.Reset();
  if (!ins.status().ok()) return Located(store, ins.status());
  return id;
}

StatusOr<std::optional<AppealRow>> FindAppeal(Store& store, int64_t id) {
  Statement q(StoreHandle(store),
              "SELECT " + std::string(kAppealColumns) + " FROM appeals WHERE id = ?1");
  if (!q.ok()) return Located(store, q.status());
  q.Bind(1, id);
  std::optional<AppealRow> out;
  if (q.Step()) out = ReadAppeal(q);
  if (!q.status().ok()) return Located(store, q.status());
  return out;
}

StatusOr<std::optional<int64_t>> OpenAppealOf(Store& store, std::string_view entity) {
  Statement q(StoreHandle(store), "SELECT id FROM appeals WHERE entity = ?1 AND status = 'open'");
  if (!q.ok()) return Located(store, q.status());
  q.Bind(1, entity);
  std::optional<int64_t> id;
  if (q.Step()) id = q.Int(0);
  if (!q.status().ok()) return Located(store, q.status());
  return id;
}

Status UpdateAppealDecision(Store& store, const AppealRow& a) {
  Statement u(StoreHandle(store),
              "UPDATE appeals SET status = ?2, decided = ?3, decided_by = ?4, decision = ?5 "
              "WHERE id = ?1");
  if (!u.ok()) return Located(store, u.status());
  return Located(store, u.Bind(1, a.id)
                            .Bind(2, a.status)
                            .Bind(3, a.decided)
                            .Bind(4, a.decided_by)
                            .Bind(5, a.decision)
                            .Run());
}

StatusOr<std::vector<AppealRow>> ListAppeals(Store& store, std::string_view status) {
  Statement q(StoreHandle(store), "SELECT " + std::string(kAppealColumns) +
                                      " FROM appeals WHERE ?1 = '' OR status = ?1 ORDER BY id");
  if (!q.ok()) return Located(store, q.status());
  q.Bind(1, status);
  std::vector<AppealRow> out;
  while (q.Step()) out.push_back(ReadAppeal(q));
  if (!q.status().ok()) return Located(store, q.status());
  return out;
}

}  // namespace cordon
