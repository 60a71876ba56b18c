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

StatusOr<MediaHashes> HashMediaFile(const std::string& path);

// Fills the empty hash fields of `media` from the file at `path`; leaves given values alone.
Status FillMediaHashes(const std::string& path, Media& media);

}  // namespace cordon
