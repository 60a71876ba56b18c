// Image decoding for perceptual hashing: JPEG (libjpeg-turbo), PNG (libpng), WebP (libwebp)
// into 8-bit gray or RGB pixels.
//
// Every failure is a Status naming the file: unknown formats are kUnsupported, damaged or
// truncated data kCorrupt, inputs over the limits kResourceExhausted (checked from the header,
// before the pixel buffer is allocated). The libraries' error exits are caught with
// setjmp/longjmp inside C-only frames, so nothing crashes or exits on bad input.
//
// What is done with what the PDQ reference refuses (docs/pdq.md):
//   alpha    dropped (the colour under it is kept) by default, as the Python and Java PDQ ports
//            do; AlphaMode::kOverWhite composites over white instead
//   CMYK     JPEG CMYK/YCCK converted to RGB (R = (255-C)(255-K)/255 ..., Adobe-inverted data
//            recognised from the APP14 marker)
//   palette  expanded to RGB; gray stays one channel (as the reference's loader does)
//   16-bit   PNG samples scaled to 8 bits with rounding (the reference truncates to the low byte)
//   WebP     decoded (still images; animated WebP is kUnsupported)
//
// Thread safety: the functions are reentrant; call from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "cordon/util/status.h"

namespace cordon {

enum class ImageFormat { kUnknown, kJpeg, kPng, kWebp };
const char* ImageFormatName(ImageFormat format);

// From the first bytes of a file (12 are enough).
ImageFormat SniffImageFormat(std::string_view head);

enum class AlphaMode {
  kIgnore,     // drop the alpha channel, keep the colour stored under it
  kOverWhite,  // composite over a white background
};

struct ImageDecodeOptions {
  int64_t max_file_bytes = int64_t{256} << 20;
  int64_t max_pixels = 100'000'000;  // width * height as declared in the header
  AlphaMode alpha = AlphaMode::kIgnore;
  // Read the EXIF orientation (JPEG APP1, PNG eXIf) into Image::orientation; otherwise it is 1.
  bool read_orientation = false;
  // JPEG only: given the stored size, the DCT-domain scale to decode at (1 = full size, the
  // exact libjpeg default decode; 2, 4 or 8 = that fraction, much cheaper). Empty = 1.
  std::function<int(int width, int height)> jpeg_scale_denom;
};

// What a decoder reports before the first row.
struct ImageInfo {
  ImageFormat format = ImageFormat::kUnknown;
  int width = 0;  // of the rows delivered (after any DCT-domain scaling)
  int height = 0;
  int channels = 0;      // 1 (gray) or 3 (RGB)
  int source_width = 0;  // as stored in the file
  int source_height = 0;
  int orientation = 1;  // EXIF orientation 1..8 (1 = as stored or not asked for)
};

// Receives an image row by row, top to bottom, without the whole image ever being held.
// Called on the decoding thread only.
class ImageRowSink {
 public:
  virtual ~ImageRowSink() = default;
  // Before any row. A non-OK status stops decoding and is returned.
  virtual Status Begin(const ImageInfo& info) = 0;
  // Rows for which this is false may be skipped (never passed to Row); a decoder may still
  // deliver them.
  virtual bool WantRow(int /*y*/) { return true; }
  // `pixels` holds width * channels bytes, valid during the call.
  virtual void Row(int y, const uint8_t* pixels) = 0;
};

// Decodes `bytes` into `sink`. Memory use is a few rows for baseline JPEG and non-interlaced PNG
// (plus what libjpeg needs for progressive JPEG); interlaced PNG and WebP are decoded whole.
Status DecodeImageRows(std::string_view bytes, const std::string& name,
                       const ImageDecodeOptions& options, ImageRowSink& sink);

// A decoded image. Owns its pixels.
struct Image {
  ImageFormat format = ImageFormat::kUnknown;
  int width = 0;  // of `pixels` (after any DCT-domain scaling)
  int height = 0;
  int channels = 0;             // 1 (gray) or 3 (RGB)
  std::vector<uint8_t> pixels;  // row-major, channels interleaved, no row padding
  int source_width = 0;         // as stored in the file
  int source_height = 0;
  int orientation = 1;  // EXIF orientation 1..8 (1 = as stored)

  const uint8_t* Row(int y) const { return pixels.data() + size_t(y) * width * channels; }
};

StatusOr<Image> DecodeImage(std::string_view bytes, const std::string& name,
                            const ImageDecodeOptions& options = {});
StatusOr<Image> DecodeImageFile(const std::string& path, const ImageDecodeOptions& options = {});

// Reads a whole file, refusing (kResourceExhausted) one larger than max_bytes.
StatusOr<std::string> ReadFileLimited(const std::string& path, int64_t max_bytes);
// Same into `out`, reusing its capacity.
Status ReadFileInto(const std::string& path, int64_t max_bytes, std::string& out);

// Process-wide: asks the C allocator to keep freed memory for reuse (glibc mmap and trim
// thresholds raised). libjpeg allocates and zeroes large buffers per progressive image; without
// this every image pays for fresh pages again, which doubled decode time in our measurements.
// For programs that decode many images (cordon hash); not thread-safe against other mallopt use.
void KeepFreedMemoryForReuse();

// The orientation tag (1..8) from a TIFF/EXIF block, with or without the "Exif\0\0" prefix;
// 1 when absent or malformed.
int ParseExifOrientation(std::string_view exif);

// Maps a displayed pixel (x, y) of an image shown with EXIF `orientation` to the stored pixel;
// `w` and `h` are the stored dimensions. Orientations 5..8 swap the displayed dimensions.
inline void OrientedToStored(int orientation, int w, int h, int x, int y, int& sx, int& sy) {
  switch (orientation) {
    case 2:
      sx = w - 1 - x;
      sy = y;
      break;
    case 3:
      sx = w - 1 - x;
      sy = h - 1 - y;
      break;
    case 4:
      sx = x;
      sy = h - 1 - y;
      break;
    case 5:
      sx = y;
      sy = x;
      break;
    case 6:
      sx = y;
      sy = h - 1 - x;
      break;
    case 7:
      sx = w - 1 - y;
      sy = h - 1 - x;
      break;
    case 8:
      sx = w - 1 - y;
      sy = x;
      break;
    default:
      sx = x;
      sy = y;
      break;
  }
}

}  // namespace cordon
