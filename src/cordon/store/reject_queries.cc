#include "cordon/store/reject_queries.h"

#include "cordon/store/sql.h"

namespace cordon {

Status ForEachReject(Store& store, const std::function<void(const StoredReject&)>& fn) {
  Statement q(StoreHandle(store),
              "SELECT file, line, \"offset\", reason FROM rejects ORDER BY 1, 2, 3");
  if (!q.ok()) return q.status();
  while (q.Step()) {
    fn(StoredReject{Location{std::string(q.Text(0)), q.Int(1), q.Int(2)}, std::string(q.Text(3))});
  }
  return q.status();
}

}  // namespace cordon
