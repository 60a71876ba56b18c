// Hashing media files: digests (MD5, SHA-256) and, for images, PDQ; for videos, vPDQ
// (content/video.h) in HashMediaFile. One implementation for
// ingest (a media file found beside an export, opened by the caller inside its roots) and for
// `cordon hash` (files named by the user, hashed on a pool of threads).
// Thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cordon/content/pdq.h"
#include "cordon/content/video.h"
#include "cordon/model/event.h"
#include "cordon/util/status.h"

namespace cordon {

struct MediaHashes {
  std::string md5;
  std::string sha256;
  std::string pdq;  // empty when the file is not a decodable image
  int pdq_quality = -1;
  std::string vpdq;    // videos: ThreatExchange's vPDQ signal (vpdq.h); empty when not hashed
  Status video_error;  // a video that could not be decoded: why (its digests are still there)
};

struct MediaFdOptions {
  // Hash videos with vPDQ (in builds with video support; otherwise videos get digests only).
  bool videos = true;
  // Ingest samples one frame a second by default, as python-threatexchange's vPDQ hasher.
  VideoHashOptions video{.seconds_per_hash = 1};
};

// Hashes the regular file open as `fd`, from its start (the offset is moved; `fd` stays open).
// `name` is for messages only. Callers open the file themselves (ingest through
// util/contained_path.h, so input cannot name files outside the roots).
StatusOr<MediaHashes> HashMediaFd(int fd, const std::string& name,
                                  const MediaFdOptions& options = {});

// Fills the empty hash fields of `media` from `h`, the hashes of its file, as FillMediaHashes
// does (a PDQ under the quality floor is not recorded); moves h's video error to `*video_error`
// when given.
void FillMediaFromHashes(const MediaHashes& h, Media& media, Status* video_error = nullptr);

// Fills the empty hash fields of `media` from the file open as `fd`; leaves given values alone.
// Fails when the file cannot be read; a video that does not decode keeps its digests, and why it
// did not decode goes to `*video_error` (when given).
Status FillMediaHashes(int fd, const std::string& name, Media& media,
                       const MediaFdOptions& options = {}, Status* video_error = nullptr);

struct MediaHashOptions {
  PdqOptions pdq;
  bool digests = true;  // false: PDQ only
  VideoHashOptions video;
};

struct FileHashes {
  bool readable = false;  // the file was read (and digested, when asked)
  std::string md5, sha256;
  std::optional<PdqResult> pdq;                // images that decode
  std::optional<std::vector<VpdqFrame>> vpdq;  // videos that decode
  Status error;                                // why the file, or its image, could not be read
};

// Hashes the file at `path` (pipes too). Images are read whole and decoded; anything else, or
// an image over options.pdq.max_file_bytes, is digested as a stream. A regular file whose first
// bytes look like a video (SniffVideoFormat) is also hashed with vPDQ. An image or video that
// does not decode keeps its digests and sets `error`.
FileHashes HashMediaFile(const std::string& path, const MediaHashOptions& options);

// Hashes `paths` on `jobs` threads (0: one per CPU) and calls `emit` on the calling thread with
// each result in the order of `paths`, as soon as it and those before it are done. Results are
// freed after `emit` returns.
void HashMediaFiles(const std::vector<std::string>& paths, const MediaHashOptions& options,
                    int jobs, const std::function<void(size_t index, const FileHashes&)>& emit);

}  // namespace cordon
