// Where PDQ time goes: decoding versus hashing, per image, in process CPU seconds.
//
//   pdq_bench [--reps N] IMAGE...     (default: some of the authors' test images, from
//                                      $PDQ_IMAGES or ../shared/data/pdq/images)
//
// For each image: a full decode (DecodeImage), PdqFromFile exact and with --fast-jpeg, and the
// hash alone from a 512 x 512 luminance plane. bench/pdq_vs_reference.sh compares whole runs
// with the reference implementation.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "cordon/content/image.h"
#include "cordon/content/pdq.h"

namespace {

double CpuNow() { return double(std::clock()) / CLOCKS_PER_SEC; }

template <typename F>
double MsPer(int reps, F&& f) {
  const double t0 = CpuNow();
  for (int i = 0; i < reps; ++i) f();
  return (CpuNow() - t0) * 1000.0 / reps;
}

}  // namespace

int main(int argc, char** argv) {
  int reps = 5;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--reps") == 0 && i + 1 < argc) {
      reps = std::max(1, std::atoi(argv[++i]));
    } else {
      files.push_back(argv[i]);
    }
  }
  if (files.empty()) {
    // Run from the repository root; PDQ_IMAGES overrides.
    const char* env = std::getenv("PDQ_IMAGES");
    const std::filesystem::path dir = env != nullptr ? env : "../shared/data/pdq/images";
    for (const char* f :
         {"bridge-mods/aaa-orig.jpg", "reg-test-input/dih/bridge-2-rotate-90.jpg",
          "reg-test-input/exif-rotn/exif-rotn-1.jpg", "reg-test-input/labelme-subset/q0122.jpg",
          "misc-images/modes/P.png", "misc-images/modes/HSV.webp"}) {
      if (std::filesystem::exists(dir / f)) files.push_back((dir / f).string());
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "no images given and none found in ../shared\n");
    return 1;
  }
  cordon::KeepFreedMemoryForReuse();

  std::vector<float> plane(512 * 512);
  for (size_t i = 0; i < plane.size(); ++i) plane[i] = float((i * 2654435761u) >> 24);
  const double hash_ms =
      MsPer(reps * 20, [&] { (void)cordon::PdqFromLuma(plane.data(), 512, 512); });
  std::printf("hash of a 512x512 luminance plane: %.3f ms\n\n", hash_ms);

  std::printf("%10s %10s %10s %10s  %s\n", "decode ms", "pdq ms", "fast ms", "size", "file");
  cordon::PdqOptions fast;
  fast.fast_jpeg = true;
  for (const std::string& f : files) {
    auto img = cordon::DecodeImageFile(f);
    if (!img.ok()) {
      std::printf("%s\n", img.status().ToString().c_str());
      continue;
    }
    const double dec = MsPer(reps, [&] { (void)cordon::DecodeImageFile(f); });
    const double pdq = MsPer(reps, [&] { (void)cordon::PdqFromFile(f); });
    const double fst = MsPer(reps, [&] { (void)cordon::PdqFromFile(f, fast); });
    std::printf("%10.2f %10.2f %10.2f %4dx%-5d  %s\n", dec, pdq, fst, img->width, img->height,
                std::filesystem::path(f).filename().c_str());
  }
  return 0;
}
