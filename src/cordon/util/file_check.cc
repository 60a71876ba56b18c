#include "cordon/util/file_check.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace cordon {

std::string UnreadableReason(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    const int err = errno;
    struct stat link;
    if (err == ENOENT && ::lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) {
      return "dangling symbolic link (its target does not exist)";
    }
    if (err == ENOENT) return "no such file";
    if (err == EACCES) return "permission denied on a directory in its path";
    return std::strerror(err);
  }
  if (S_ISDIR(st.st_mode)) return "is a directory";
  if (S_ISFIFO(st.st_mode)) return "is a FIFO (named pipe), not a regular file";
  if (S_ISSOCK(st.st_mode)) return "is a socket, not a regular file";
  if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) return "is a device, not a regular file";
  if (!S_ISREG(st.st_mode)) return "not a regular file";
  if (::access(path.c_str(), R_OK) != 0) {
    return errno == EACCES ? "permission denied" : std::strerror(errno);
  }
  return {};
}

Status CheckReadableFile(const std::string& path) {
  std::string why = UnreadableReason(path);
  if (why.empty()) return Status::Ok();
  return Status::IoError("cannot read file: " + why, Location{path});
}

}  // namespace cordon
