#include "cordon/store/writer_gate.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <thread>

namespace cordon {
namespace {

bool LockByte(int fd, short type, bool* busy) {
  struct flock fl = {};
  fl.l_type = type;
  fl.l_whence = SEEK_SET;
  fl.l_start = 0;
  fl.l_len = 1;
  if (::fcntl(fd, F_OFD_SETLK, &fl) == 0) return true;
  *busy = errno == EAGAIN || errno == EACCES || errno == EINTR;
  return false;
}

}  // namespace

WriterGate::~WriterGate() {
  if (fd_ >= 0) ::close(fd_);  // releases the lock with the descriptor
}

void WriterGate::Open(const std::string& db_path) {
  if (opened_ || db_path.empty() || db_path == ":memory:") return;
  opened_ = true;
  fd_ = ::open((db_path + "-gate").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
}

bool WriterGate::Enter(int timeout_ms) {
  if (fd_ < 0 || held_) return true;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (int round = 0;; ++round) {
    bool busy = false;
    if (LockByte(fd_, F_WRLCK, &busy)) {
      held_ = true;
      return true;
    }
    if (!busy) {  // locks unsupported here: no turn-taking, but no failure either
      ::close(fd_);
      fd_ = -1;
      return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min(1 << std::min(round, 3), 5)));
  }
}

void WriterGate::Leave() {
  if (!held_) return;
  bool busy = false;
  (void)LockByte(fd_, F_UNLCK, &busy);
  held_ = false;
}

}  // namespace cordon
