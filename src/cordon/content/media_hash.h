// Hashing a media file found beside an export: digests always, PDQ for images.
// Thread-safe.
#pragma once

#include <string>

#include "cordon/model/event.h"
#include "cordon/util/status.h"

namespace cordon {

struct MediaHashes {
  std::string md5;
  std::string sha256;
  std::string pdq;  // empty when the file is not a decodable image
  int pdq_quality = -1;
};

// Hashes the regular file open as `fd`, from its start (the offset is moved; `fd` stays open).
// `name` is for messages only. Callers open the file themselves (ingest through
// util/contained_path.h, so input cannot name files outside the roots).
StatusOr<MediaHashes> HashMediaFd(int fd, const std::string& name);

// Fills the empty hash fields of `media` from the file open as `fd`; leaves given values alone.
Status FillMediaHashes(int fd, const std::string& name, Media& media);

}  // namespace cordon
