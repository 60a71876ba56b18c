// libFuzzer target: the JPEG/PNG/WebP decoders and the PDQ hash on top of them.
#include <cstdint>
#include <string_view>

#include "cordon/content/image.h"
#include "cordon/content/pdq.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // Small limits keep each run fast; the limit checks themselves are part of what is tested.
  cordon::ImageDecodeOptions o;
  o.max_pixels = 1 << 22;
  o.max_file_bytes = 1 << 22;
  o.read_orientation = (size & 1) != 0;
  o.alpha = (size & 2) != 0 ? cordon::AlphaMode::kOverWhite : cordon::AlphaMode::kIgnore;
  auto img = cordon::DecodeImage(bytes, "fuzz", o);
  if (img.ok()) {
    if (img->pixels.size() != size_t(img->width) * img->height * img->channels) __builtin_trap();
    (void)cordon::PdqFromImage(*img);
  }
  cordon::PdqOptions p;
  p.max_pixels = o.max_pixels;
  p.max_file_bytes = o.max_file_bytes;
  p.apply_exif_orientation = o.read_orientation;
  p.fast_jpeg = (size & 4) != 0;
  auto h = cordon::PdqDihedralFromBytes(bytes, "fuzz", p);
  if (h.ok() && (h->quality < 0 || h->quality > 100)) __builtin_trap();
  return 0;
}
