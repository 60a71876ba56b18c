// Procedural images for the simulator and the edited copies that mirrors re-upload, encoded
// with libjpeg, written once to DIR/media/ and hashed (SHA-256, MD5, PDQ).
//
// An image is a pure function of its seed: gradients, shapes, glyph-like marks and an optional
// emblem. An edit (re-encode, resize, crop, mirror, watermark) decodes the original JPEG,
// changes it and encodes it again, as a person re-uploading a picture would.
//
// Videos (in builds with video support, content/video.h) are the same kind of abstract scene
// with its shapes drifting slowly, a few seconds at a few frames a second, encoded as MP4. Their
// edited copies decode the original MP4, change every frame (scale, crop) or the sequence (trim,
// a short intro card) and encode again at a lower quality, as a re-uploader's tool would.
//
// Thread safety: the free functions are pure; a MediaStore is not thread-safe (one per run).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cordon/content/video.h"
#include "cordon/util/status.h"

namespace cordon::sim {

using RgbImage = cordon::RgbImage;  // RGB, row-major

enum class ImageStyle { kRelease, kPhoto, kAvatar };

// Draws an image of size x size. `emblem_seed` != 0 adds a recurring emblem (a source's logo).
RgbImage DrawImage(uint64_t seed, int size, ImageStyle style, uint64_t emblem_seed = 0);

enum class Edit { kOriginal = 0, kReencode, kResize, kCrop, kWatermark, kMirror };
inline constexpr int kEdits = 6;
std::string_view EditName(Edit e);

// Applies `edit` to decoded pixels (kOriginal and kReencode return a copy).
RgbImage ApplyEdit(const RgbImage& image, Edit edit, uint64_t seed);

StatusOr<std::string> EncodeJpeg(const RgbImage& image, int quality);
StatusOr<RgbImage> DecodeJpeg(std::string_view bytes);

// Edits of a video. Every copy is also re-encoded at a lower quality.
enum class VideoEdit { kOriginal = 0, kReencode, kScale, kCrop, kTrim, kIntro };
inline constexpr int kVideoEdits = 6;
std::string_view VideoEditName(VideoEdit e);

// The synthetic videos' shape.
inline constexpr int kVideoWidth = 256;
inline constexpr int kVideoHeight = 192;
inline constexpr int kVideoFps = 8;

// The frames of video `seed`: 4 to 6 s at kVideoFps of kVideoWidth x kVideoHeight, an abstract
// scene whose shapes drift, with the emblem when `emblem_seed` != 0.
std::vector<RgbImage> DrawVideo(uint64_t seed, uint64_t emblem_seed);

// The copy `edit` makes of the decoded frames of an original (kOriginal and kReencode: the same
// frames), with the quantiser it is encoded at.
struct EditedVideo {
  std::vector<RgbImage> frames;
  int quantizer = 4;
};
EditedVideo ApplyVideoEdit(std::vector<RgbImage> frames, VideoEdit edit, uint64_t seed);

// A media file as messages refer to it.
struct MediaFile {
  std::string path;  // relative to the output directory; empty when no file was written
  std::string sha256;
  std::string md5;
  std::string pdq;  // empty when not an image
  int width = 0;
  int height = 0;
  int64_t bytes = 0;
  uint64_t image = 0;  // which drawn image (or video) it shows
  Edit edit = Edit::kOriginal;
  // Videos: kind "video", an .mp4, no PDQ; the edit made and the length in frames.
  bool video = false;
  VideoEdit video_edit = VideoEdit::kOriginal;
  int frames = 0;
};

// Hashes an encoded image (digests and PDQ) into `out`.
Status HashImage(std::string_view jpeg, MediaFile& out);

// Draws, edits, encodes, writes and hashes images once each, keyed by (image, edit).
class MediaStore {
 public:
  // Files go under out_dir/media/; `write` false keeps everything in memory (hashes only).
  MediaStore(std::string out_dir, uint64_t seed, int image_size, bool write);

  // The file for `edit` of image `image` drawn in `style` (emblem_seed as for DrawImage).
  StatusOr<const MediaFile*> Get(uint64_t image, ImageStyle style, uint64_t emblem_seed, Edit edit);
  // The video `video` (drawn with `emblem_seed`), or its copy number `copy` (1..): an edit
  // chosen from the copy's seed. Needs video support (VideoSupported()).
  StatusOr<const MediaFile*> GetVideo(uint64_t video, uint64_t emblem_seed, int copy);
  // The encoded bytes of a file this store made (read back from disk or the memory cache).
  StatusOr<std::string> Bytes(const MediaFile& f) const;

  int64_t files() const { return files_; }
  int64_t video_files() const { return video_files_; }
  int64_t bytes_written() const { return bytes_; }
  // Every file made, in key order (for truth.json).
  const std::map<std::pair<uint64_t, int>, MediaFile>& all() const { return cache_; }

 private:
  std::string out_dir_;
  uint64_t seed_;
  int size_;
  bool write_;
  std::map<std::pair<uint64_t, int>, MediaFile> cache_;
  std::map<std::string, std::string> memory_;  // sha256 -> bytes when not writing
  int64_t files_ = 0;
  int64_t video_files_ = 0;
  int64_t bytes_ = 0;

  Status Keep(MediaFile& f, std::string bytes, std::string_view extension);
};

// An avatar's hashes: image `base` drawn as an avatar, perturbed when `perturb` != 0 (a
// replacement's copy of its parent's picture: re-encoded, shifted, recoloured or marked).
struct AvatarHashes {
  std::string sha256;
  std::string pdq;
};
StatusOr<AvatarHashes> MakeAvatar(uint64_t base, uint64_t perturb, int size);

}  // namespace cordon::sim
