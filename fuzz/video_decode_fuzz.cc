// libFuzzer target: container bytes through FFmpeg's demuxers and decoders (content/video.h)
// and the vPDQ frame hashes on top. Seeds in fuzz/corpus/video_decode_fuzz are tiny clips made
// with the ffmpeg command (scripts/make-video-seeds.sh).
#include <cstdint>
#include <string_view>

#include "cordon/content/video.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // Small limits keep each run fast; the limit checks themselves are part of what is tested.
  cordon::VideoHashOptions o;
  o.max_pixels = 1 << 16;
  o.max_frames = 64;
  o.max_duration_seconds = 60;
  o.seconds_per_hash = (size & 1) != 0 ? 0.5 : 0;
  auto frames = cordon::VpdqFromBytes(bytes, "fuzz", o);
  if (frames.ok()) {
    for (const auto& f : *frames) {
      if (f.quality < 0 || f.quality > 100 || f.frame < 0) __builtin_trap();
    }
  }
  return 0;
}
