#include "cordon/store/failed_files.h"

#include "cordon/store/sql.h"

namespace cordon {

StatusOr<std::optional<std::string>> FailedBefore(Store& store, const FileIdentity& file,
                                                  std::string_view format) {
  Statement q(StoreHandle(store),
              "SELECT reason FROM failed_files WHERE path = ?1 AND format = ?2 AND size = ?3 "
              "AND mtime_ns = ?4 AND head_sha256 = ?5");
  if (!q.ok()) return q.status();
  q.Bind(1, file.path).Bind(2, format).Bind(3, file.size).Bind(4, file.mtime_ns);
  q.Bind(5, file.head_sha256);
  if (!q.Step()) {
    RETURN_IF_ERROR(q.status());
    return std::optional<std::string>();
  }
  return std::optional<std::string>(std::string(q.Text(0)));
}

Status MarkFileFailed(Store& store, const FileIdentity& file, std::string_view format,
                      std::string_view reason, TimeMs now) {
  Statement q(StoreHandle(store),
              "INSERT OR REPLACE INTO failed_files(path, format, size, mtime_ns, head_sha256, "
              "reason, failed) VALUES(?1,?2,?3,?4,?5,?6,?7)");
  if (!q.ok()) return q.status();
  return q.Bind(1, file.path)
      .Bind(2, format)
      .Bind(3, file.size)
      .Bind(4, file.mtime_ns)
      .Bind(5, file.head_sha256)
      .Bind(6, reason)
      .Bind(7, now)
      .Run();
}

Status ClearFileFailed(Store& store, const FileIdentity& file) {
  Statement q(StoreHandle(store), "DELETE FROM failed_files WHERE path = ?1");
  if (!q.ok()) return q.status();
  return q.Bind(1, file.path).Run();
}

}  // namespace cordon
