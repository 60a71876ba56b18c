#include "cordon/store/takedown_queries.h"

#include "cordon/store/sql.h"

namespace cordon {

StatusOr<bool> HasTakedownAt(Store& store, std::string_view entity, TimeMs time) {
  Statement q(StoreHandle(store),
              "SELECT 1 FROM takedowns WHERE entity = ?1 AND time = ?2 AND action = 'takedown'");
  if (!q.ok()) return q.status();
  q.Bind(1, entity).Bind(2, time);
  const bool found = q.Step();
  if (!q.status().ok()) return q.status();
  return found;
}

}  // namespace cordon
