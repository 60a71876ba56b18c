#include "cordon/store/regen_state_table.h"

#include <algorithm>

#include "cordon/store/sql.h"

namespace cordon {

Status DeleteRegenState(Store& store) {
  return Exec(StoreHandle(store), "DELETE FROM regen_state");
}

Status SaveRegenState(Store& store, int64_t version, std::string_view bytes) {
  RETURN_IF_ERROR(DeleteRegenState(store));
  Statement q(StoreHandle(store), "INSERT INTO regen_state(part, version, data) VALUES(?1,?2,?3)");
  if (!q.ok()) return q.status();
  int64_t part = 0;
  size_t at = 0;
  do {  // an empty state is one empty part
    const size_t n = std::min(kRegenStatePart, bytes.size() - at);
    RETURN_IF_ERROR(q.Bind(1, part).Bind(2, version).BindBlob(3, bytes.substr(at, n)).Run());
    at += n;
    ++part;
  } while (at < bytes.size());
  return Status::Ok();
}

Status SetRegenStateVersion(Store& store, int64_t version) {
  Statement q(StoreHandle(store), "UPDATE regen_state SET version = ?1");
  if (!q.ok()) return q.status();
  return q.Bind(1, version).Run();
}

StatusOr<std::optional<int64_t>> RegenStateVersion(Store& store) {
  Statement q(StoreHandle(store), "SELECT version FROM regen_state WHERE part = 0");
  if (!q.ok()) return q.status();
  std::optional<int64_t> out;
  if (q.Step()) out = q.Int(0);
  RETURN_IF_ERROR(q.status());
  return out;
}

StatusOr<std::string> ReadRegenState(Store& store) {
  Statement q(StoreHandle(store), "SELECT part, version, data FROM regen_state ORDER BY part");
  if (!q.ok()) return q.status();
  std::string out;
  int64_t expect = 0;
  std::optional<int64_t> version;
  while (q.Step()) {
    if (q.Int(0) != expect || (version && *version != q.Int(1))) {
      return Status::Corrupt("the saved regeneration state's parts do not follow each other",
                             DatabaseFile(StoreHandle(store)));
    }
    version = q.Int(1);
    ++expect;
    out += q.Blob(2);
  }
  RETURN_IF_ERROR(q.status());
  return out;
}

}  // namespace cordon
