#include "cordon/content/media_hash.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "cordon/content/image.h"
#include "cordon/content/pdq.h"
#include "cordon/util/digest.h"

namespace cordon {
namespace {

Status ReadError(const std::string& name) {
  return Status::IoError(std::string("read failed: ") + std::strerror(errno), Location{name});
}

// Reads `fd` from its start into `out`, up to `max_bytes`; false when there is more.
StatusOr<bool> ReadWhole(int fd, const std::string& name, int64_t max_bytes, std::string& out) {
  if (::lseek(fd, 0, SEEK_SET) != 0) return ReadError(name);
  out.clear();
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n == 0) return true;
    if (n < 0) {
      if (errno == EINTR) continue;
      return ReadError(name);
    }
    if (static_cast<int64_t>(out.size()) + n > max_bytes) return false;
    out.append(buf, static_cast<size_t>(n));
  }
}

StatusOr<MediaHashes> DigestsOnly(int fd, const std::string& name) {
  if (::lseek(fd, 0, SEEK_SET) != 0) return ReadError(name);
  ASSIGN_OR_RETURN(Digests d, DigestFd(fd, name));
  MediaHashes h;
  h.md5 = std::move(d.md5);
  h.sha256 = std::move(d.sha256);
  return h;
}

}  // namespace

// Digests always. PDQ for files that look like JPEG, PNG or WebP and decode; an image that does
// not decode (damaged, over the limits) still gets its digests and an empty pdq, because the
// digests identify the file whatever its pixels. The first bytes tell images from other media
// without reading a video whole.
StatusOr<MediaHashes> HashMediaFd(int fd, const std::string& name) {
  struct stat st;
  if (::fstat(fd, &st) != 0) return ReadError(name);
  if (!S_ISREG(st.st_mode)) return Status::IoError("not a regular file", Location{name});
  const PdqOptions options;
  std::string head(16, '\0');
  const ssize_t got = ::pread(fd, head.data(), head.size(), 0);
  if (got < 0) return ReadError(name);
  head.resize(static_cast<size_t>(got));
  if (SniffImageFormat(head) == ImageFormat::kUnknown || st.st_size > options.max_file_bytes) {
    return DigestsOnly(fd, name);
  }
  std::string bytes;
  ASSIGN_OR_RETURN(bool whole, ReadWhole(fd, name, options.max_file_bytes, bytes));
  if (!whole) return DigestsOnly(fd, name);  // grew over the limit: too big to decode
  MediaHashes h;
  Digests d = DigestBytes(bytes);
  h.md5 = std::move(d.md5);
  h.sha256 = std::move(d.sha256);
  auto pdq = PdqFromBytes(bytes, name, options);
  if (pdq.ok()) {
    h.pdq = pdq->hash.Hex();
    h.pdq_quality = pdq->quality;
  }
  return h;
}

// Hashes below the authors' quality floor match too easily (flat or tiny pictures), so they are
// not recorded.
Status FillMediaHashes(int fd, const std::string& name, Media& media) {
  ASSIGN_OR_RETURN(MediaHashes h, HashMediaFd(fd, name));
  if (media.md5.empty()) media.md5 = h.md5;
  if (media.sha256.empty()) media.sha256 = h.sha256;
  if (media.pdq.empty() && h.pdq_quality >= kPdqMinQuality) media.pdq = h.pdq;
  return Status::Ok();
}

}  // namespace cordon
