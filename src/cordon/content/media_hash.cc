#include "cordon/content/media_hash.h"

#include <cstdio>
#include <memory>

#include "cordon/content/digest.h"
#include "cordon/content/image.h"
#include "cordon/content/pdq.h"

namespace cordon {
namespace {

// The first bytes, to tell images from other media without reading a video whole.
std::string Head(const std::string& path) {
  std::string head(16, '\0');
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), std::fclose);
  if (!f) return {};
  head.resize(std::fread(head.data(), 1, head.size(), f.get()));
  return head;
}

}  // namespace

// Digests always. PDQ for files that look like JPEG, PNG or WebP and decode; an image that does
// not decode (damaged, over the limits) still gets its digests and an empty pdq, because the
// digests identify the file whatever its pixels.
StatusOr<MediaHashes> HashMediaFile(const std::string& path) {
  MediaHashes h;
  const PdqOptions options;
  if (SniffImageFormat(Head(path)) == ImageFormat::kUnknown) {
    ASSIGN_OR_RETURN(Digests d, DigestFile(path));
    h.md5 = std::move(d.md5);
    h.sha256 = std::move(d.sha256);
    return h;
  }
  auto bytes = ReadFileLimited(path, options.max_file_bytes);
  if (!bytes.ok()) {
    if (bytes.status().code() != StatusCode::kResourceExhausted) return bytes.status();
    ASSIGN_OR_RETURN(Digests d, DigestFile(path));  // too big to decode: digests only
    h.md5 = std::move(d.md5);
    h.sha256 = std::move(d.sha256);
    return h;
  }
  Digests d = DigestBytes(*bytes);
  h.md5 = std::move(d.md5);
  h.sha256 = std::move(d.sha256);
  auto pdq = PdqFromBytes(*bytes, path, options);
  if (pdq.ok()) {
    h.pdq = pdq->hash.Hex();
    h.pdq_quality = pdq->quality;
  }
  return h;
}

// Hashes below the authors' quality floor match too easily (flat or tiny pictures), so they are
// not recorded.
Status FillMediaHashes(const std::string& path, Media& media) {
  ASSIGN_OR_RETURN(MediaHashes h, HashMediaFile(path));
  if (media.md5.empty()) media.md5 = h.md5;
  if (media.sha256.empty()) media.sha256 = h.sha256;
  if (media.pdq.empty() && h.pdq_quality >= kPdqMinQuality) media.pdq = h.pdq;
  return Status::Ok();
}

}  // namespace cordon
