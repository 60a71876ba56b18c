// Opening files named by untrusted input (media paths in exports) only inside trusted
// directories, the "roots": an input cannot make cordon open /etc/shadow, ../../x, a FIFO, or a
// symbolic link that leads out.
//
// Contract of ContainedRoots::OpenFile(path, base):
//  - A path with a URL scheme (RFC 3986: a letter, then letters, digits, '+', '-' or '.', at
//    least two characters in all, then ':' before any '/'; "mxc://...", "https://...",
//    "data:...") is refused as kUrl without touching the file system.
//  - An empty path, one with a NUL byte or one over 4096 bytes is refused as kInvalid.
//  - A relative path starts in root `base`; an absolute one at "/".
//  - Inside a root each name is looked up relative to the directory before it with
//    AT_SYMLINK_NOFOLLOW / O_NOFOLLOW; symbolic links are read and followed by this code (at
//    most 40, else kInvalid), never by the kernel, so a link is followed only to a place inside
//    a root (the same or another one).
//  - ".." goes up one directory. Outside every root the walk goes by name only and reads
//    nothing there (no link outside a root is followed); it may come back into a root, so
//    "../media/a.png" reaches a root beside the base.
//  - The file is opened only when it is found inside a root; otherwise kOutsideRoot, or
//    kSymlinkEscape when a symbolic link led out.
//  - Only regular files are opened: the type is checked before opening (fstatat), the open
//    uses O_NONBLOCK, and fstat checks the open descriptor again, so FIFOs, devices, sockets and
//    directories give kNotRegular and never block.
//  - The final open is openat2(root, path found, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS) when
//    the kernel has it (a rename since the walk cannot move the file out of the root), else
//    openat(O_NOFOLLOW) from the directory descriptor the walk holds. A name swapped for a
//    symbolic link between the check and the open makes the open fail (kUnreadable); it is
//    never followed.
//  - Anything else that goes wrong (a missing name: kMissing; a name that is not a directory
//    where one is needed: kMissing; permissions, I/O: kUnreadable) is a refusal too.
//
// Roots are trusted (the user names them); they are resolved with realpath once, in Open.
// Thread safety: OpenFile is const and may be called from several threads at once.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cordon/util/status.h"
#include "cordon/util/unique_fd.h"

namespace cordon {

// Why OpenFile did not open a path.
enum class PathRefusal {
  kUrl,            // has a URL scheme: nothing is fetched
  kInvalid,        // empty, a NUL byte, too long, too many symbolic links
  kOutsideRoot,    // found outside every root ("/etc/shadow", "../../x")
  kSymlinkEscape,  // a symbolic link inside a root leads out of every root
  kMissing,        // no such file, or a name on the way is not a directory
  kNotRegular,     // a FIFO, device, socket or directory
  kUnreadable,     // permission, I/O, or the path changed while it was opened
};

struct ContainedFile {
  UniqueFd fd;                         // a regular file open for reading, when ok()
  std::optional<PathRefusal> refusal;  // set when not opened
  std::string detail;                  // why, for people: "FIFO", "Permission denied", ...
  bool ok() const { return !refusal.has_value(); }
};

// True when `path` starts with a URL scheme (see the contract above).
bool HasUrlScheme(std::string_view path);

class ContainedRoots {
 public:
  // Opens each directory as a root, resolved with realpath. InvalidArgument when one cannot be
  // opened as a directory. `use_openat2` = false forces the openat fallback (for tests).
  static StatusOr<ContainedRoots> Open(const std::vector<std::string>& dirs,
                                       bool use_openat2 = true);

  size_t size() const { return roots_.size(); }
  // The resolved path of root i.
  const std::string& root_path(size_t i) const { return roots_[i].path; }

  // Opens `path` if it names a regular file inside a root; relative paths start in root
  // `base` (< size()).
  ContainedFile OpenFile(std::string_view path, size_t base = 0) const;

 private:
  struct Root {
    std::string path;                // realpath
    std::vector<std::string> parts;  // its components
    UniqueFd fd;                     // O_PATH | O_DIRECTORY
  };
  class Walk;

  std::vector<Root> roots_;
  bool use_openat2_ = true;
};

}  // namespace cordon
