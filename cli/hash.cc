// cordon hash [--json] [--min-quality N] [--fast-jpeg] [--exif-orientation] [--alpha MODE]
//             [--no-digests] [--jobs N] [--seconds-per-hash S] FILE...
//
// MD5, SHA-256 and, for JPEG/PNG/WebP images, the PDQ hash and its quality; for videos, the vPDQ
// frames (JSON "vpdq": docs/formats/vpdq.md). Files are hashed in parallel and printed in the
// order given. Exit 1 if any file could not be read or an image or video could not be decoded
// (the others are still printed).
#include <fmt/core.h>

#include "command.h"
#include "cordon/content/image.h"
#include "cordon/content/media_hash.h"
#include "cordon/util/json_writer.h"

namespace cordon::cli {
namespace {

std::function<int()> Setup(CLI::App& app) {
  struct Args {
    std::vector<std::string> files;
    bool json = false;
    int min_quality = 0;
    bool fast_jpeg = false;
    bool exif = false;
    std::string alpha = "ignore";
    int jobs = 0;
    bool no_digests = false;
    double seconds_per_hash = 0;
  };
  auto a = std::make_shared<Args>();
  app.add_option("files", a->files, "files to hash")->required();
  app.add_flag("--json", a->json, "print a JSON array of {file, pdq, quality, md5, sha256}");
  app.add_option("--min-quality", a->min_quality,
                 "drop PDQ hashes below this quality (0-100; the authors recommend 50)")
      ->check(CLI::Range(0, 100));
  app.add_flag("--fast-jpeg", a->fast_jpeg,
               "decode large JPEGs at reduced scale (faster; hashes move a few bits)");
  app.add_flag("--exif-orientation", a->exif, "apply the EXIF orientation before hashing");
  app.add_option("--alpha", a->alpha, "transparency: ignore (keep the colour) or white")
      ->check(CLI::IsMember({"ignore", "white"}));
  app.add_flag("--no-digests", a->no_digests, "skip MD5 and SHA-256 (PDQ only)");
  app.add_option("--jobs,-j", a->jobs, "files hashed at once (default: one per CPU)")
      ->check(CLI::Range(1, 256));
  app.add_option("--seconds-per-hash", a->seconds_per_hash,
                 "videos: hash one frame every S seconds (0: every frame)")
      ->check(NumberAtLeast(0));
  return [a]() -> int {
    KeepFreedMemoryForReuse();
    MediaHashOptions options;
    options.pdq.fast_jpeg = a->fast_jpeg;
    options.pdq.apply_exif_orientation = a->exif;
    options.pdq.alpha = a->alpha == "white" ? AlphaMode::kOverWhite : AlphaMode::kIgnore;
    options.digests = !a->no_digests;
    options.video.seconds_per_hash = a->seconds_per_hash;
    int failed = 0;
    size_t printed = 0;
    if (a->json) fmt::print("[");
    HashMediaFiles(a->files, options, a->jobs, [&](size_t i, const FileHashes& r) {
      const std::string& file = a->files[i];
      if (!r.error.ok()) {
        ++failed;
        fmt::print(stderr, "cordon: {}\n", r.error.ToString());
      }
      if (!r.readable) return;
      const bool keep_pdq = r.pdq && r.pdq->quality >= a->min_quality;
      if (a->json) {
        std::string out;
        JsonWriter w(out);
        w.BeginObject().Field("file", file);
        if (keep_pdq) {
          w.Field("pdq", r.pdq->hash.Hex());
        } else {
          w.Key("pdq").Null();
        }
        if (r.pdq) {
          w.Field("quality", r.pdq->quality);
        } else {
          w.Key("quality").Null();
        }
        if (a->no_digests) {
          w.Key("md5").Null().Key("sha256").Null();
        } else {
          w.Field("md5", r.md5).Field("sha256", r.sha256);
        }
        if (r.vpdq) WriteVpdqJson(w.Key("vpdq"), *r.vpdq);
        if (!r.error.ok()) w.Field("error", r.error.message());
        w.EndObject();
        fmt::print("{}\n  {}", printed == 0 ? "" : ",", out);
      } else {
        if (printed == 0) {
          fmt::print("{:<64} {:>7}  {:<32}  {:<64}  {}\n", "pdq", "quality", "md5", "sha256",
                     "file");
        }
        const std::string shown = keep_pdq ? r.pdq->hash.Hex()
                                  : r.vpdq ? fmt::format("vpdq: {} frames", r.vpdq->size())
                                           : "-";
        fmt::print("{:<64} {:>7}  {}  {}  {}\n", shown,
                   r.pdq ? std::to_string(r.pdq->quality) : "-", r.md5.empty() ? "-" : r.md5,
                   r.sha256.empty() ? "-" : r.sha256, file);
      }
      ++printed;
    });
    if (a->json) fmt::print("\n]\n");
    return failed > 0 ? 1 : 0;
  };
}

CORDON_COMMAND(kHash, "hash", "MD5, SHA-256 and PDQ perceptual hashes of files", Setup);

}  // namespace
}  // namespace cordon::cli
