// PDQ: Meta's 256-bit perceptual image hash, written from the published algorithm
// (field guide section 4; docs/pdq.md says what cordon does beyond the reference).
//
// Pipeline: decode -> luminance (0.299R + 0.587G + 0.114B) -> images over 512 px on a side
// resampled to 512x512 (nearest neighbour, as the reference loader does) -> two passes of a
// box filter per axis (window ceil(dim/128)) -> 64x64 samples -> quality -> 16x16 DCT that skips
// the DC row -> bit set where the coefficient exceeds the (lower) median.
//
// Thread safety: everything here is a pure function of its arguments; call from any thread.
// Ownership: results are plain values.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "cordon/content/image.h"
#include "cordon/util/status.h"

namespace cordon {

// 256 bits; bit k (k = i*16 + j for DCT coefficient (i, j)) is bit (k % 64) of bits[k / 64].
struct PdqHash {
  std::array<uint64_t, 4> bits{};

  // 64 lowercase hex digits, the reference's format: 16-bit words from bit 255 down to bit 0.
  std::string Hex() const;
  // Parses 64 hex digits (either case); anything else is kInvalidArgument.
  static StatusOr<PdqHash> FromHex(std::string_view hex);

  bool Bit(int k) const { return (bits[k >> 6] >> (k & 63)) & 1; }
  void SetBit(int k) { bits[k >> 6] |= uint64_t{1} << (k & 63); }
  friend bool operator==(const PdqHash&, const PdqHash&) = default;
};

// Hamming distance, 0..256.
inline int Distance(const PdqHash& a, const PdqHash& b) {
  return std::popcount(a.bits[0] ^ b.bits[0]) + std::popcount(a.bits[1] ^ b.bits[1]) +
         std::popcount(a.bits[2] ^ b.bits[2]) + std::popcount(a.bits[3] ^ b.bits[3]);
}

// The authors' recommended thresholds.
inline constexpr int kPdqMatchDistance = 31;  // match when Distance <= 31
inline constexpr int kPdqMinQuality = 50;     // hashes below this are unreliable

struct PdqResult {
  PdqHash hash;
  int quality = 0;  // 0..100
};

// The eight dihedral transforms, in the reference's order.
enum class Dihedral {
  kOriginal = 0,
  kRotate90,  // 90 degrees counter-clockwise
  kRotate180,
  kRotate270,   // 270 degrees counter-clockwise (90 clockwise)
  kFlipX,       // mirror about the horizontal (x) axis: upside down
  kFlipY,       // mirror about the vertical (y) axis: left-right
  kFlipPlus1,   // transpose (mirror about the main diagonal)
  kFlipMinus1,  // mirror about the anti-diagonal
};

// With fast_jpeg, a JPEG with a side over 512 px is decoded at the smallest DCT scale (1/2, 1/4
// or 1/8) that keeps this many pixels on each side; smaller images are decoded exactly.
inline constexpr int kPdqFastJpegMinSide = 256;
// That rule: the scale denominator (1, 2, 4 or 8) for a JPEG of the given stored size.
int PdqFastJpegScale(int width, int height);

// How images are decoded before hashing.
struct PdqOptions {
  // Apply the EXIF orientation tag (JPEG APP1) before hashing. The reference ignores it, so the
  // default is off: hashes then match the reference's.
  bool apply_exif_orientation = false;
  // Let libjpeg decode a large JPEG at reduced scale in the DCT domain (PdqFastJpegScale).
  // Cheaper, but the hash moves by a few bits against the full decode (docs/pdq.md has the
  // measured cost). Off = pixels are exactly libjpeg's default decode, so hashes equal the
  // reference's.
  bool fast_jpeg = false;
  // What to do with transparency (the reference refuses such images).
  AlphaMode alpha = AlphaMode::kIgnore;
  // Limits checked before anything large is allocated.
  int64_t max_file_bytes = int64_t{256} << 20;
  int64_t max_pixels = 100'000'000;
};

// Luminance plane, row-major, `width` * `height` floats in 0..255, hashed at its own size (no
// 512 px resize: that belongs to the loader). Planes under 5 px on a side get the zero hash and
// quality 0, as in the reference.
StatusOr<PdqResult> PdqFromLuma(const float* luma, int width, int height);

// Hashes many frames (a video's) from RGB24 pixels, keeping its scratch buffers between calls:
// the hash of PdqFromLuma on the luminance 0.299 R + 0.587 G + 0.114 B (in float, as the
// reference's fillFloatLumaFromRGB), at the frame's own size. One per thread; not thread-safe.
class PdqFrameHasher {
 public:
  PdqFrameHasher();
  ~PdqFrameHasher();
  PdqFrameHasher(const PdqFrameHasher&) = delete;
  PdqFrameHasher& operator=(const PdqFrameHasher&) = delete;

  // `stride` bytes from one row to the next (at least 3 * width). Frames under 5 px on a side
  // get the zero hash and quality 0, as in the reference; sizes over 2^31 pixels are an error.
  StatusOr<PdqResult> HashRgb24(const uint8_t* rgb, int width, int height, ptrdiff_t stride);

 private:
  struct Scratch;
  std::unique_ptr<Scratch> scratch_;
};

// A decoded image, as the reference's file loader hashes it: luminance of the displayed picture
// (image.orientation applied), resized to 512 x 512 nearest-neighbour when a side of the source
// is over 512.
StatusOr<PdqResult> PdqFromImage(const Image& image);

// Decodes the image file (JPEG, PNG or WebP, sniffed from its bytes) and hashes it.
StatusOr<PdqResult> PdqFromFile(const std::string& path, const PdqOptions& options = {});
// Same, from bytes in memory; `name` is used in error locations.
StatusOr<PdqResult> PdqFromBytes(std::string_view bytes, const std::string& name,
                                 const PdqOptions& options = {});

// The hash of each dihedral transform of the image, indexed by Dihedral, computed from one DCT
// (sign changes and transposes of the coefficients; each gets its own median).
struct PdqDihedralResult {
  std::array<PdqHash, 8> hashes;
  int quality = 0;
};
StatusOr<PdqDihedralResult> PdqDihedralFromLuma(const float* luma, int width, int height);
StatusOr<PdqDihedralResult> PdqDihedralFromImage(const Image& image);
StatusOr<PdqDihedralResult> PdqDihedralFromBytes(std::string_view bytes, const std::string& name,
                                                 const PdqOptions& options = {});
StatusOr<PdqDihedralResult> PdqDihedralFromFile(const std::string& path,
                                                const PdqOptions& options = {});

}  // namespace cordon
