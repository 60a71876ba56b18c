#include "cordon/content/media_hash.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <thread>

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

// Digests (when asked) and PDQ of an image file read whole; a decoding error goes to `out.error`.
void HashImageBytes(std::string_view bytes, const std::string& name, const PdqOptions& options,
                    bool digests, FileHashes& out) {
  out.readable = true;
  if (digests) {
    Digests d = DigestBytes(bytes);
    out.md5 = std::move(d.md5);
    out.sha256 = std::move(d.sha256);
  }
  auto pdq = PdqFromBytes(bytes, name, options);
  if (pdq.ok()) {
    out.pdq = *pdq;
  } else {
    out.error = pdq.status();
  }
}

}  // namespace

// Digests always. PDQ for files that look like JPEG, PNG or WebP and decode; an image that does
// not decode (damaged, over the limits) still gets its digests and an empty pdq, because the
// digests identify the file whatever its pixels. The first bytes tell images from other media
// without reading a video whole.
StatusOr<MediaHashes> HashMediaFd(int fd, const std::string& name,
                                  const MediaFdOptions& fd_options) {
  struct stat st;
  if (::fstat(fd, &st) != 0) return ReadError(name);
  if (!S_ISREG(st.st_mode)) return Status::IoError("not a regular file", Location{name});
  const PdqOptions options;
  std::string head(512, '\0');  // MPEG-TS needs 189 bytes to be told
  const ssize_t got = ::pread(fd, head.data(), head.size(), 0);
  if (got < 0) return ReadError(name);
  head.resize(static_cast<size_t>(got));
  if (fd_options.videos && VideoSupported() && SniffVideoFormat(head) != VideoFormat::kUnknown) {
    ASSIGN_OR_RETURN(MediaHashes h, DigestsOnly(fd, name));
    auto frames = VpdqFromFd(fd, name, fd_options.video);
    if (frames.ok() && !frames->empty()) {
      h.vpdq = FormatVpdqSignal(*frames);
    } else {
      h.video_error = frames.ok() ? Status::Corrupt("video: no frame decoded", Location{name})
                                  : frames.status();
    }
    return h;
  }
  if (SniffImageFormat(head) == ImageFormat::kUnknown || st.st_size > options.max_file_bytes) {
    return DigestsOnly(fd, name);
  }
  std::string bytes;
  ASSIGN_OR_RETURN(bool whole, ReadWhole(fd, name, options.max_file_bytes, bytes));
  if (!whole) return DigestsOnly(fd, name);  // grew over the limit: too big to decode
  FileHashes f;
  HashImageBytes(bytes, name, options, /*digests=*/true, f);
  MediaHashes h;
  h.md5 = std::move(f.md5);
  h.sha256 = std::move(f.sha256);
  if (f.pdq) {
    h.pdq = f.pdq->hash.Hex();
    h.pdq_quality = f.pdq->quality;
  }
  return h;
}

// Hashes below the authors' quality floor match too easily (flat or tiny pictures), so they are
// not recorded.
Status FillMediaHashes(int fd, const std::string& name, Media& media, const MediaFdOptions& options,
                       Status* video_error) {
  ASSIGN_OR_RETURN(MediaHashes h, HashMediaFd(fd, name, options));
  FillMediaFromHashes(h, media, video_error);
  return Status::Ok();
}

void FillMediaFromHashes(const MediaHashes& h, Media& media, Status* video_error) {
  if (media.md5.empty()) media.md5 = h.md5;
  if (media.sha256.empty()) media.sha256 = h.sha256;
  if (media.pdq.empty() && h.pdq_quality >= kPdqMinQuality) media.pdq = h.pdq;
  if (media.vpdq.empty()) media.vpdq = h.vpdq;
  if (video_error != nullptr) *video_error = h.video_error;
}

}  // namespace cordon

namespace cordon {

namespace {

// vPDQ of a file already digested (or not asked to be), when it looks like a video.
void HashVideo(const std::string& path, std::string_view bytes, const VideoHashOptions& options,
               FileHashes& r) {
  auto frames = bytes.empty() ? VpdqFromFile(path, options) : VpdqFromBytes(bytes, path, options);
  if (frames.ok()) {
    r.vpdq = std::move(*frames);
  } else {
    r.error = frames.status();
  }
}

// The first bytes of a regular file, for sniffing one too large to have been read whole.
std::string FileHead(const std::string& path) {
  std::string head;
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return head;
  if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
    head.resize(512);
    head.resize(std::fread(head.data(), 1, head.size(), f));
    std::fclose(f);
  }
  return head;
}

}  // namespace

FileHashes HashMediaFile(const std::string& path, const MediaHashOptions& options) {
  FileHashes r;
  // One buffer per thread, reused across files unless a huge file grew it.
  thread_local std::string bytes;
  if (bytes.capacity() > (size_t{64} << 20)) bytes = std::string();
  Status st = ReadFileInto(path, options.pdq.max_file_bytes, bytes);
  if (!st.ok() && st.code() != StatusCode::kResourceExhausted) {
    r.error = st;
    return r;
  }
  if (st.ok() && SniffImageFormat(bytes) != ImageFormat::kUnknown) {
    HashImageBytes(bytes, path, options.pdq, options.digests, r);
    return r;
  }
  // Read whole: decoded from memory. Too large: decoded from the file, after its digests.
  const bool video_in_memory = st.ok() && SniffVideoFormat(bytes) != VideoFormat::kUnknown;
  const bool video_on_disk = !st.ok() && SniffVideoFormat(FileHead(path)) != VideoFormat::kUnknown;
  if (video_in_memory) {
    r.readable = true;
    if (options.digests) {
      Digests d = DigestBytes(bytes);
      r.md5 = std::move(d.md5);
      r.sha256 = std::move(d.sha256);
    }
    HashVideo(path, bytes, options.video, r);
    return r;
  }
  bytes.clear();
  if (!options.digests) {
    r.readable = st.ok() || video_on_disk;
    if (video_on_disk) {
      HashVideo(path, {}, options.video, r);
    } else if (!st.ok()) {
      r.error = st;
    }
    return r;
  }
  auto d = DigestFile(path);
  if (!d.ok()) {
    r.error = d.status();
    return r;
  }
  r.readable = true;
  r.md5 = std::move(d->md5);
  r.sha256 = std::move(d->sha256);
  if (video_on_disk) HashVideo(path, {}, options.video, r);
  return r;
}

void HashMediaFiles(const std::vector<std::string>& paths, const MediaHashOptions& options,
                    int jobs, const std::function<void(size_t index, const FileHashes&)>& emit) {
  const size_t n = paths.size();
  if (n == 0) return;
  if (jobs <= 0) jobs = static_cast<int>(std::thread::hardware_concurrency());
  jobs = std::max(1, std::min<int>(jobs, static_cast<int>(n)));
  // Workers fill results; this thread hands them on in order as they complete.
  std::vector<FileHashes> results(n);
  std::vector<char> done(n, 0);
  std::mutex mu;
  std::condition_variable cv;
  std::atomic<size_t> next{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < jobs; ++w) {
    workers.emplace_back([&] {
      for (size_t i; (i = next.fetch_add(1)) < n;) {
        FileHashes r = HashMediaFile(paths[i], options);
        std::lock_guard<std::mutex> lock(mu);
        results[i] = std::move(r);
        done[i] = 1;
        cv.notify_one();
      }
    });
  }
  for (size_t i = 0; i < n; ++i) {
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return done[i] != 0; });
    }
    emit(i, results[i]);
    results[i] = FileHashes();  // free as we go
  }
  for (auto& t : workers) t.join();
}

}  // namespace cordon
