// Hashing the media files that ingested records name, under the rule of docs/security.md
// ("Media files named by input"): a file is read only when it is a regular file that resolves,
// after symbolic links, inside the directory of the input file naming it or inside a media root
// the user gave (IngestOptions::media_roots, `cordon ingest --media-root`). URLs are never
// fetched. Every media not read is reported as a weird named by MediaWeirdName (ingest/
// weirds.h), whose text starts with that name followed by ": " and the path.
//
// A video named by many records (a stream that names one file per post, forwards included) is
// decoded once per input file: its hashes are kept by the file's identity (device, inode, size,
// modification time), up to 64 MiB of signals.
//
// Thread safety: one MediaFiles per input file, used by one thread.
#pragma once

#include <sys/types.h>

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "cordon/content/media_hash.h"
#include "cordon/model/event.h"
#include "cordon/util/contained_path.h"
#include "cordon/util/status.h"

namespace cordon {

// "media_url_not_fetched", "media_outside_root", "media_symlink_escape", "media_missing",
// "media_not_regular", "media_path_invalid", "media_unreadable". A video that is read but does
// not decode keeps its digests and is reported as "media_video_undecodable".
std::string_view MediaWeirdName(PathRefusal why);

// OK when every media root can be opened as a directory; else InvalidArgument naming it.
Status CheckMediaRoots(const std::vector<std::string>& media_roots);

class MediaFiles {
 public:
  // `input`: the file being ingested, whose directory is the first root.
  // Videos are hashed with vPDQ keeping a frame every `video_seconds_per_hash` seconds (0: every
  // frame), in builds with video support.
  MediaFiles(const std::string& input, const std::vector<std::string>& media_roots,
             double video_seconds_per_hash = 1.0);

  // Fills the missing hashes of each media of `m` that has a path and lacks a digest or a PDQ
  // hash; calls `weird` with the name and text of each one that could not be read.
  void Hash(MessageEvent& m,
            const std::function<void(std::string_view name, std::string what)>& weird) const;

 private:
  StatusOr<ContainedRoots> roots_;
  double video_seconds_per_hash_ = 1.0;
  // Videos hashed so far, by (device, inode, size, mtime in ns).
  using FileKey = std::tuple<dev_t, ino_t, int64_t, int64_t>;
  mutable std::map<FileKey, MediaHashes> videos_;
  mutable size_t video_bytes_ = 0;
};

}  // namespace cordon
