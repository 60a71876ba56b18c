#include "cordon/content/media_hash.h"

#include "cordon/content/digest.h"

namespace cordon {

StatusOr<MediaHashes> HashMediaFile(const std::string& path) {
  ASSIGN_OR_RETURN(Digests d, DigestFile(path));
  MediaHashes h;
  h.md5 = std::move(d.md5);
  h.sha256 = std::move(d.sha256);
  return h;
}

Status FillMediaHashes(const std::string& path, Media& media) {
  ASSIGN_OR_RETURN(MediaHashes h, HashMediaFile(path));
  if (media.md5.empty()) media.md5 = h.md5;
  if (media.sha256.empty()) media.sha256 = h.sha256;
  if (media.pdq.empty()) media.pdq = h.pdq;
  return Status::Ok();
}

}  // namespace cordon
