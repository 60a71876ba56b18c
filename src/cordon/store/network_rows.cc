#include "cordon/store/network_rows.h"

#include "cordon/store/sql.h"

namespace cordon {

StatusOr<std::vector<EntityEvent>> ReadEntitySightings(Store& store, TimeMs until) {
  Statement q(StoreHandle(store),
              "SELECT key, kind, subscribers, creator, created, first_seen FROM entities "
              "WHERE first_seen IS NOT NULL AND first_seen <= ?1 ORDER BY key");
  if (!q.ok()) return q.status();
  q.Bind(1, until);
  std::vector<EntityEvent> out;
  while (q.Step()) {
    EntityEvent e;
    e.key = std::string(q.Text(0));
    e.kind = ParseEntityKind(q.Text(1)).value_or(EntityKind::kUnknown);
    if (!q.IsNull(2)) e.subscribers = q.Int(2);
    if (!q.IsNull(3)) e.creator = std::string(q.Text(3));
    if (!q.IsNull(4)) e.created = q.Int(4);
    e.time = q.Int(5);
    out.push_back(std::move(e));
  }
  RETURN_IF_ERROR(q.status());
  return out;
}

StatusOr<std::vector<std::string>> FirstTakedownsBetween(Store& store, TimeMs from, TimeMs to) {
  Statement q(StoreHandle(store),
              "SELECT entity, min(time) FROM takedowns WHERE action = 'takedown' AND time >= ?1 "
              "AND time < ?2 GROUP BY entity ORDER BY 2, 1");
  if (!q.ok()) return q.status();
  q.Bind(1, from).Bind(2, to);
  std::vector<std::string> out;
  while (q.Step()) out.emplace_back(q.Text(0));
  RETURN_IF_ERROR(q.status());
  return out;
}

StatusOr<TimeMs> LatestEventTime(Store& store) {
  Statement q(StoreHandle(store),
              "SELECT max(t) FROM (SELECT max(time) AS t FROM messages UNION ALL "
              "SELECT max(time) FROM memberships UNION ALL SELECT max(time) FROM invites "
              "UNION ALL SELECT max(time) FROM takedowns) AS latest");
  if (!q.ok()) return q.status();
  if (!q.Step() || q.IsNull(0)) {
    RETURN_IF_ERROR(q.status());
    return Status::NotFound("the database holds no events", Location{store.path()});
  }
  return q.Int(0);
}

}  // namespace cordon
