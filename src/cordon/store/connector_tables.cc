#include "cordon/store/connector_tables.h"

#include "cordon/store/sql.h"

namespace cordon {
namespace {

StatusOr<std::vector<std::string>> Strings(Statement& q) {
  std::vector<std::string> out;
  while (q.Step()) out.emplace_back(q.Text(0));
  RETURN_IF_ERROR(q.status());
  return out;
}

constexpr std::string_view kActionColumns =
    "SELECT id, connector, ledger_seq, action, target, subject, status, http_status, answer, "
    "attempts, first_tried, last_tried FROM connector_actions ";

ConnectorAction ReadAction(const Statement& q) {
  ConnectorAction a;
  a.id = q.Int(0);
  a.connector = q.Text(1);
  a.ledger_seq = q.Int(2);
  a.action = q.Text(3);
  a.target = q.Text(4);
  a.subject = q.Text(5);
  a.status = q.Text(6);
  a.http_status = q.Int(7);
  a.answer = q.Text(8);
  a.attempts = q.Int(9);
  a.first_tried = q.Int(10);
  a.last_tried = q.Int(11);
  return a;
}

}  // namespace

StatusOr<std::optional<std::string>> ReadConnectorCursor(Store& store, std::string_view connector,
                                                         std::string_view name) {
  Statement q(StoreHandle(store),
              "SELECT value FROM connector_cursors WHERE connector = ?1 AND name = ?2");
  if (!q.ok()) return q.status();
  q.Bind(1, connector).Bind(2, name);
  std::optional<std::string> out;
  if (q.Step()) out = std::string(q.Text(0));
  RETURN_IF_ERROR(q.status());
  return out;
}

Status WriteConnectorCursor(Store& store, std::string_view connector, std::string_view name,
                            std::string_view value, TimeMs now) {
  Statement q(StoreHandle(store),
              "INSERT INTO connector_cursors(connector, name, value, updated) VALUES(?1,?2,?3,?4) "
              "ON CONFLICT(connector, name) DO UPDATE SET value = ?3, updated = ?4");
  if (!q.ok()) return q.status();
  return q.Bind(1, connector).Bind(2, name).Bind(3, value).Bind(4, now).Run();
}

Status NoteConnectorRoom(Store& store, std::string_view connector, std::string_view room,
                         TimeMs now) {
  Statement q(StoreHandle(store),
              "INSERT INTO connector_rooms(connector, room, first_seen, last_seen) "
              "VALUES(?1,?2,?3,?3) ON CONFLICT(connector, room) DO UPDATE SET last_seen = ?3");
  if (!q.ok()) return q.status();
  return q.Bind(1, connector).Bind(2, room).Bind(3, now).Run();
}

StatusOr<std::vector<std::string>> ReadConnectorRooms(Store& store, std::string_view connector) {
  Statement q(StoreHandle(store),
              "SELECT room FROM connector_rooms WHERE connector = ?1 ORDER BY room");
  if (!q.ok()) return q.status();
  q.Bind(1, connector);
  return Strings(q);
}

StatusOr<std::vector<std::string>> ChatsOfUser(Store& store, std::string_view user) {
  Statement q(StoreHandle(store),
              "SELECT chat FROM messages WHERE sender = ?1 "
              "UNION SELECT chat FROM memberships WHERE \"user\" = ?1 ORDER BY 1");
  if (!q.ok()) return q.status();
  q.Bind(1, user);
  return Strings(q);
}

StatusOr<std::optional<ConnectorAction>> FindConnectorAction(
    Store& store, std::string_view connector, int64_t ledger_seq, std::string_view action,
    std::string_view target, std::string_view subject) {
  Statement q(StoreHandle(store),
              std::string(kActionColumns) +
                  "WHERE connector = ?1 AND ledger_seq = ?2 AND action = ?3 AND target = ?4 AND "
                  "subject = ?5");
  if (!q.ok()) return q.status();
  q.Bind(1, connector).Bind(2, ledger_seq).Bind(3, action).Bind(4, target).Bind(5, subject);
  std::optional<ConnectorAction> out;
  if (q.Step()) out = ReadAction(q);
  RETURN_IF_ERROR(q.status());
  return out;
}

Status RecordConnectorAction(Store& store, const ConnectorAction& a) {
  Statement q(
      StoreHandle(store),
      "INSERT INTO connector_actions(connector, ledger_seq, action, target, subject, "
      "status, http_status, answer, attempts, first_tried, last_tried) "
      "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,1,?9,?9) "
      "ON CONFLICT(connector, ledger_seq, action, target, subject) DO UPDATE SET "
      "status = ?6, http_status = ?7, answer = ?8, attempts = connector_actions.attempts + 1, "
      "last_tried = ?9");
  if (!q.ok()) return q.status();
  q.Bind(1, a.connector).Bind(2, a.ledger_seq).Bind(3, a.action).Bind(4, a.target);
  q.Bind(5, a.subject).Bind(6, a.status).Bind(7, a.http_status).Bind(8, a.answer);
  q.Bind(9, a.last_tried);
  return q.Run();
}

StatusOr<std::vector<ConnectorAction>> ReadConnectorActions(Store& store,
                                                            std::string_view connector,
                                                            std::string_view status) {
  Statement q(StoreHandle(store),
              std::string(kActionColumns) +
                  "WHERE connector = ?1 AND (?2 = '' OR status = ?2) ORDER BY id");
  if (!q.ok()) return q.status();
  q.Bind(1, connector).Bind(2, status);
  std::vector<ConnectorAction> out;
  while (q.Step()) out.push_back(ReadAction(q));
  RETURN_IF_ERROR(q.status());
  return out;
}

Status UpsertPolicyRule(Store& store, const PolicyRuleRow& r) {
  Statement q(StoreHandle(store),
              "INSERT OR REPLACE INTO policy_rules(list, type, state_key, kind, entity, "
              "recommendation, reason, sender, time, imported) "
              "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)");
  if (!q.ok()) return q.status();
  q.Bind(1, r.list).Bind(2, r.type).Bind(3, r.state_key).Bind(4, r.kind).Bind(5, r.entity);
  q.Bind(6, r.recommendation).Bind(7, r.reason).Bind(8, r.sender).Bind(9, r.time);
  q.Bind(10, r.imported);
  return q.Run();
}

StatusOr<bool> DeletePolicyRule(Store& store, std::string_view list, std::string_view type,
                                std::string_view state_key) {
  Db* db = StoreHandle(store);
  Statement q(db, "DELETE FROM policy_rules WHERE list = ?1 AND type = ?2 AND state_key = ?3");
  if (!q.ok()) return q.status();
  RETURN_IF_ERROR(q.Bind(1, list).Bind(2, type).Bind(3, state_key).Run());
  return db->Changes() > 0;
}

StatusOr<std::vector<PolicyRuleRow>> ReadPolicyRules(Store& store, std::string_view list) {
  Statement q(StoreHandle(store),
              "SELECT list, type, state_key, kind, entity, recommendation, reason, sender, time, "
              "imported FROM policy_rules WHERE ?1 = '' OR list = ?1 "
              "ORDER BY list, type, state_key");
  if (!q.ok()) return q.status();
  q.Bind(1, list);
  std::vector<PolicyRuleRow> out;
  while (q.Step()) {
    PolicyRuleRow r;
    r.list = q.Text(0);
    r.type = q.Text(1);
    r.state_key = q.Text(2);
    r.kind = q.Text(3);
    r.entity = q.Text(4);
    r.recommendation = q.Text(5);
    r.reason = q.Text(6);
    r.sender = q.Text(7);
    r.time = q.Int(8);
    r.imported = q.Int(9);
    out.push_back(std::move(r));
  }
  RETURN_IF_ERROR(q.status());
  return out;
}

StatusOr<std::vector<std::string>> EntityKeysWithPrefix(Store& store, std::string_view prefix) {
  // A range on the primary key: keys >= prefix and < prefix with its last byte raised.
  std::string end(prefix);
  if (!end.empty()) end.back() = static_cast<char>(end.back() + 1);
  Statement q(StoreHandle(store),
              "SELECT key FROM entities WHERE key >= ?1 AND key < ?2 ORDER BY key");
  if (!q.ok()) return q.status();
  q.Bind(1, prefix).Bind(2, end);
  return Strings(q);
}

}  // namespace cordon
