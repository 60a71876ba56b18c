#include "cordon/util/contained_path.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <deque>

namespace cordon {

namespace {

constexpr size_t kMaxPath = 4096;
constexpr int kMaxLinks = 40;

// Set once openat2 turns out to be missing (old kernel, or a seccomp filter without it).
std::atomic<bool> g_no_openat2{false};

// The names of a path, without empty ones and ".".
std::vector<std::string> Split(std::string_view p) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= p.size()) {
    size_t end = p.find('/', start);
    if (end == std::string_view::npos) end = p.size();
    std::string_view name = p.substr(start, end - start);
    if (!name.empty() && name != ".") out.emplace_back(name);
    start = end + 1;
  }
  return out;
}

const char* TypeName(mode_t m) {
  if (S_ISDIR(m)) return "directory";
  if (S_ISFIFO(m)) return "FIFO";
  if (S_ISCHR(m)) return "character device";
  if (S_ISBLK(m)) return "block device";
  if (S_ISSOCK(m)) return "socket";
  return "not a regular file";
}

ContainedFile Refuse(PathRefusal why, std::string detail) {
  ContainedFile f;
  f.refusal = why;
  f.detail = std::move(detail);
  return f;
}

ContainedFile RefuseErrno(int err) {
  return Refuse(err == ENOENT || err == ENOTDIR ? PathRefusal::kMissing : PathRefusal::kUnreadable,
                std::strerror(err));
}

ContainedFile Changed() { return Refuse(PathRefusal::kUnreadable, "changed while being opened"); }

bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

}  // namespace

bool HasUrlScheme(std::string_view p) {
  if (p.empty() || !IsAsciiAlpha(p[0])) return false;
  for (size_t i = 1; i < p.size(); ++i) {
    const char c = p[i];
    if (c == ':') return i >= 2;  // "C:" is a drive letter, not a scheme
    if (!IsAsciiAlpha(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') {
      return false;
    }
  }
  return false;
}

// One resolution: where the walk is, and what is left of the path.
class ContainedRoots::Walk {
 public:
  explicit Walk(const ContainedRoots& r) : r_(r) {}

  ContainedFile Run(std::string_view path, size_t base) {
    if (path.empty()) return Refuse(PathRefusal::kInvalid, "empty path");
    if (path.size() > kMaxPath) return Refuse(PathRefusal::kInvalid, "path too long");
    if (path.find('\0') != std::string_view::npos) {
      return Refuse(PathRefusal::kInvalid, "NUL byte in path");
    }
    if (HasUrlScheme(path)) return Refuse(PathRefusal::kUrl, "URLs are not fetched");
    for (auto& name : Split(path)) todo_.push_back(std::move(name));
    if (path.front() == '/') {
      Enter({});
    } else if (base < r_.roots_.size()) {
      root_ = static_cast<int>(base);
      pos_ = r_.roots_[base].parts;
    } else {
      return Refuse(PathRefusal::kOutsideRoot, "no root to start from");
    }
    int links = 0;
    while (!todo_.empty()) {
      std::string name = std::move(todo_.front());
      todo_.pop_front();
      if (name == "..") {
        if (root_ >= 0 && !dirs_.empty()) {
          dirs_.pop_back();
          pos_.pop_back();
        } else {
          if (!pos_.empty()) pos_.pop_back();
          // Above a root: maybe into a root holding it. (Outside every root, a parent is
          // outside too.)
          if (root_ >= 0) Enter(pos_);
        }
        continue;
      }
      if (root_ < 0) {  // by name only
        pos_.push_back(std::move(name));
        Enter(pos_);
        continue;
      }
      struct stat st;
      if (::fstatat(Top(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return RefuseErrno(errno);
      if (S_ISLNK(st.st_mode)) {
        if (++links > kMaxLinks) return Refuse(PathRefusal::kInvalid, "too many symbolic links");
        std::string target(PATH_MAX, '\0');
        const ssize_t n = ::readlinkat(Top(), name.c_str(), target.data(), target.size());
        if (n < 0) return errno == EINVAL ? Changed() : RefuseErrno(errno);
        if (static_cast<size_t>(n) >= target.size()) {
          return Refuse(PathRefusal::kInvalid, "symbolic link target too long");
        }
        target.resize(static_cast<size_t>(n));
        via_link_ = true;
        std::vector<std::string> parts = Split(target);
        for (auto it = parts.rbegin(); it != parts.rend(); ++it) todo_.push_front(std::move(*it));
        if (!target.empty() && target.front() == '/') Enter({});
        continue;
      }
      if (S_ISDIR(st.st_mode) && !todo_.empty()) {
        const int fd = ::openat(Top(), name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) return errno == ENOTDIR || errno == ELOOP ? Changed() : RefuseErrno(errno);
        dirs_.emplace_back(fd);
        pos_.push_back(std::move(name));
        continue;
      }
      if (!todo_.empty()) return RefuseErrno(ENOTDIR);
      if (!S_ISREG(st.st_mode)) return Refuse(PathRefusal::kNotRegular, TypeName(st.st_mode));
      return OpenFinal(name);
    }
    if (root_ < 0) {
      return via_link_ ? Refuse(PathRefusal::kSymlinkEscape, "a symbolic link leads out")
                       : Refuse(PathRefusal::kOutsideRoot, "outside the media roots");
    }
    return Refuse(PathRefusal::kNotRegular, "directory");
  }

 private:
  int Top() const { return dirs_.empty() ? r_.roots_[root_].fd.get() : dirs_.back().get(); }

  // Moves to the resolved absolute position `pos`: into the deepest root holding it, whose
  // names below the root are then looked up again one by one, or outside every root.
  void Enter(std::vector<std::string> pos) {
    dirs_.clear();
    root_ = -1;
    for (size_t i = 0; i < r_.roots_.size(); ++i) {
      const auto& parts = r_.roots_[i].parts;
      if (parts.size() > pos.size() || !std::equal(parts.begin(), parts.end(), pos.begin())) {
        continue;
      }
      if (root_ < 0 || parts.size() > r_.roots_[root_].parts.size()) root_ = static_cast<int>(i);
    }
    if (root_ < 0) {
      pos_ = std::move(pos);
      return;
    }
    const size_t depth = r_.roots_[root_].parts.size();
    for (size_t i = pos.size(); i > depth; --i) todo_.push_front(std::move(pos[i - 1]));
    pos.resize(depth);
    pos_ = std::move(pos);
  }

  ContainedFile OpenFinal(const std::string& name) {
    constexpr int kFlags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | O_NOFOLLOW;
    int fd = -1;
    bool opened = false;
    if (r_.use_openat2_ && !g_no_openat2.load(std::memory_order_relaxed)) {
      std::string rel;
      for (size_t i = r_.roots_[root_].parts.size(); i < pos_.size(); ++i) rel += pos_[i] + "/";
      rel += name;
      struct open_how how = {};
      how.flags = kFlags;
      how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
      fd = static_cast<int>(
          ::syscall(SYS_openat2, r_.roots_[root_].fd.get(), rel.c_str(), &how, sizeof(how)));
      if (fd >= 0) {
        opened = true;
      } else if (errno == ENOSYS) {
        g_no_openat2.store(true, std::memory_order_relaxed);
      } else if (errno != EPERM) {  // EPERM: a seccomp filter may refuse it; fall back
        return errno == ELOOP || errno == EXDEV ? Changed() : RefuseErrno(errno);
      }
    }
    if (!opened) {
      fd = ::openat(Top(), name.c_str(), kFlags);
      if (fd < 0) return errno == ELOOP ? Changed() : RefuseErrno(errno);
    }
    UniqueFd file(fd);
    struct stat st;
    if (::fstat(file.get(), &st) != 0) return RefuseErrno(errno);
    if (!S_ISREG(st.st_mode)) return Refuse(PathRefusal::kNotRegular, TypeName(st.st_mode));
    ContainedFile out;
    out.fd = std::move(file);
    return out;
  }

  const ContainedRoots& r_;
  std::deque<std::string> todo_;  // names still to walk
  std::vector<std::string> pos_;  // the resolved components of the current directory
  int root_ = -1;                 // the root holding pos_, or -1 outside every root
  std::vector<UniqueFd> dirs_;    // directories below that root, down to pos_
  bool via_link_ = false;
};

StatusOr<ContainedRoots> ContainedRoots::Open(const std::vector<std::string>& dirs,
                                              bool use_openat2) {
  ContainedRoots out;
  out.use_openat2_ = use_openat2;
  for (const auto& dir : dirs) {
    char* real = ::realpath(dir.c_str(), nullptr);
    if (real == nullptr) {
      return Status::InvalidArgument(
          std::string("cannot resolve directory: ") + std::strerror(errno), Location{dir});
    }
    Root root;
    root.path = real;
    std::free(real);
    root.parts = Split(root.path);
    root.fd = UniqueFd(::open(root.path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root.fd.valid()) {
      return Status::InvalidArgument(std::string("cannot open directory: ") + std::strerror(errno),
                                     Location{dir});
    }
    out.roots_.push_back(std::move(root));
  }
  return out;
}

ContainedFile ContainedRoots::OpenFile(std::string_view path, size_t base) const {
  return Walk(*this).Run(path, base);
}

}  // namespace cordon
