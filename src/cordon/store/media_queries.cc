#include "cordon/store/media_queries.h"

#include "cordon/store/sql.h"

namespace cordon {

StatusOr<std::vector<StoredMediaHashes>> MediaHashesOfChat(Store& store, const std::string& chat) {
  Statement q(
      StoreHandle(store),
      "SELECT md.pdq, md.sha256, md.vpdq FROM media md JOIN messages m ON m.id = md.message_id "
      "WHERE m.chat = ?1 ORDER BY m.time");
  if (!q.ok()) return q.status();
  q.Bind(1, chat);
  std::vector<StoredMediaHashes> out;
  while (q.Step()) {
    StoredMediaHashes h;
    if (!q.IsNull(0)) h.pdq = std::string(q.Text(0));
    if (!q.IsNull(1)) h.sha256 = std::string(q.Text(1));
    if (!q.IsNull(2)) h.vpdq = std::string(q.Text(2));
    out.push_back(std::move(h));
  }
  if (!q.status().ok()) return q.status();
  return out;
}

}  // namespace cordon
