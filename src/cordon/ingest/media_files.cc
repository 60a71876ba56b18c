#include "cordon/ingest/media_files.h"

#include <sys/stat.h>

#include <filesystem>

#include "cordon/content/media_hash.h"
#include "cordon/ingest/weirds.h"

namespace cordon {
namespace {

constexpr size_t kMaxCachedVideoBytes = size_t{64} << 20;  // of vPDQ signals kept per input

// The roots of one input file: its directory first (relative paths start there).
std::vector<std::string> RootsOf(const std::string& input,
                                 const std::vector<std::string>& media_roots) {
  std::string dir = std::filesystem::path(input).parent_path().string();
  std::vector<std::string> roots{dir.empty() ? "." : dir};
  roots.insert(roots.end(), media_roots.begin(), media_roots.end());
  return roots;
}

// A path from the input, made safe to store and print: control characters replaced, cut to
// 120 bytes on a UTF-8 boundary.
std::string Printable(std::string_view s) {
  constexpr size_t kMax = 120;
  bool cut = false;
  if (s.size() > kMax) {
    size_t n = kMax;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    s = s.substr(0, n);
    cut = true;
  }
  std::string out(s);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return cut ? out + "..." : out;
}

std::string WeirdText(PathRefusal why, std::string_view path, std::string_view detail) {
  std::string what = std::string(MediaWeirdName(why)) + ": " + Printable(path);
  if (why == PathRefusal::kNotRegular || why == PathRefusal::kInvalid ||
      why == PathRefusal::kUnreadable) {
    what += " (" + std::string(detail) + ")";
  }
  return what;
}

}  // namespace

std::string_view MediaWeirdName(PathRefusal why) {
  switch (why) {
    case PathRefusal::kUrl:
      return weird::kMediaUrlNotFetched;
    case PathRefusal::kInvalid:
      return weird::kMediaPathInvalid;
    case PathRefusal::kOutsideRoot:
      return weird::kMediaOutsideRoot;
    case PathRefusal::kSymlinkEscape:
      return weird::kMediaSymlinkEscape;
    case PathRefusal::kMissing:
      return weird::kMediaMissing;
    case PathRefusal::kNotRegular:
      return weird::kMediaNotRegular;
    case PathRefusal::kUnreadable:
      return weird::kMediaUnreadable;
  }
  return weird::kMediaUnreadable;
}

Status CheckMediaRoots(const std::vector<std::string>& media_roots) {
  auto roots = ContainedRoots::Open(media_roots);
  if (!roots.ok()) {
    return Status::InvalidArgument("media root: " + roots.status().message(),
                                   roots.status().where());
  }
  return Status::Ok();
}

MediaFiles::MediaFiles(const std::string& input, const std::vector<std::string>& media_roots,
                       double video_seconds_per_hash)
    : roots_(ContainedRoots::Open(RootsOf(input, media_roots))),
      video_seconds_per_hash_(video_seconds_per_hash) {}

void MediaFiles::Hash(MessageEvent& m,
                      const std::function<void(std::string_view, std::string)>& weird) const {
  for (Media& md : m.media) {
    if (md.path.empty() || (!md.sha256.empty() && !md.pdq.empty())) continue;
    if (!roots_.ok()) {  // the input's directory or a media root went away since the start
      weird(weird::kMediaUnreadable,
            WeirdText(PathRefusal::kUnreadable, md.path, roots_.status().message()));
      continue;
    }
    ContainedFile f = roots_->OpenFile(md.path);
    if (!f.ok()) {
      weird(MediaWeirdName(*f.refusal), WeirdText(*f.refusal, md.path, f.detail));
      continue;
    }
    MediaFdOptions options;
    options.video.seconds_per_hash = video_seconds_per_hash_;
    Status video_error;
    Status s = Status::Ok();
    struct stat st;
    if (::fstat(f.fd.get(), &st) != 0) {
      s = Status::IoError("cannot stat", Location{md.path});
    } else {
      const FileKey key{
          st.st_dev, st.st_ino, static_cast<int64_t>(st.st_size),
          static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
      auto it = videos_.find(key);
      if (it != videos_.end()) {
        FillMediaFromHashes(it->second, md, &video_error);
      } else {
        auto h = HashMediaFd(f.fd.get(), md.path, options);
        if (!h.ok()) {
          s = h.status();
        } else {
          FillMediaFromHashes(*h, md, &video_error);
          const bool video = !h->vpdq.empty() || !h->video_error.ok();
          if (video && video_bytes_ + h->vpdq.size() <= kMaxCachedVideoBytes) {
            video_bytes_ += h->vpdq.size();
            videos_.emplace(key, std::move(*h));
          }
        }
      }
    }
    if (!s.ok()) {
      weird(weird::kMediaUnreadable, WeirdText(PathRefusal::kUnreadable, md.path, s.message()));
    } else if (!video_error.ok()) {
      weird(weird::kMediaVideoUndecodable, std::string(weird::kMediaVideoUndecodable) + ": " +
                                               Printable(md.path) + " (" + video_error.message() +
                                               ")");
    }
  }
}

}  // namespace cordon
