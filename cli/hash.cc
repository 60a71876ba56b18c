// cordon hash [--json] [--min-quality N] [--fast-jpeg] [--exif-orientation] [--alpha MODE]
//             [--no-digests] [--jobs N] FILE...
//
// MD5, SHA-256 and, for JPEG/PNG/WebP images, the PDQ hash and its quality. Files are hashed in
// parallel and printed in the order given. Exit 1 if any file could not be read or an image
// could not be decoded (the others are still printed).
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <optional>
#include <thread>

#include "command.h"
#include "cordon/content/image.h"
#include "cordon/content/pdq.h"
#include "cordon/util/digest.h"
#include "cordon/util/json_writer.h"

namespace cordon::cli {
namespace {

struct FileResult {
  bool readable = false;  // digests computed
  std::string md5, sha256;
  std::optional<PdqResult> pdq;
  Status error;  // why the file or its image could not be read
};

FileResult HashOne(const std::string& path, const PdqOptions& options, bool digests) {
  FileResult r;
  thread_local std::string bytes;
  if (bytes.capacity() > (size_t{64} << 20)) bytes = std::string();
  // Images are read whole (they are decoded from memory); anything else, or an image over the
  // size limit, is digested as a stream.
  Status st = ReadFileInto(path, options.max_file_bytes, bytes);
  if (!st.ok() && st.code() != StatusCode::kResourceExhausted) {
    r.error = st;
    return r;
  }
  if (!st.ok() || SniffImageFormat(bytes) == ImageFormat::kUnknown) {
    bytes.clear();
    if (!digests) {
      r.readable = st.ok();
      if (!st.ok()) r.error = st;
      return r;
    }
    auto d = DigestFile(path);
    if (!d.ok()) {
      r.error = d.status();
      return r;
    }
    r.readable = true;
    r.md5 = std::move(d->md5);
    r.sha256 = std::move(d->sha256);
    return r;
  }
  r.readable = true;
  if (digests) {
    Digests d = DigestBytes(bytes);
    r.md5 = std::move(d.md5);
    r.sha256 = std::move(d.sha256);
  }
  auto pdq = PdqFromBytes(bytes, path, options);
  if (pdq.ok()) {
    r.pdq = *pdq;
  } else {
    r.error = pdq.status();
  }
  return r;
}

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
  return [a]() -> int {
    KeepFreedMemoryForReuse();
    PdqOptions options;
    options.fast_jpeg = a->fast_jpeg;
    options.apply_exif_orientation = a->exif;
    options.alpha = a->alpha == "white" ? AlphaMode::kOverWhite : AlphaMode::kIgnore;
    const size_t n = a->files.size();
    int jobs = a->jobs > 0 ? a->jobs : static_cast<int>(std::thread::hardware_concurrency());
    jobs = std::max(1, std::min<int>(jobs, static_cast<int>(n)));

    // Workers fill results; this thread prints them in order as they complete.
    std::vector<FileResult> results(n);
    std::vector<char> done(n, 0);
    std::mutex mu;
    std::condition_variable cv;
    std::atomic<size_t> next{0};
    std::vector<std::thread> workers;
    for (int w = 0; w < jobs; ++w) {
      workers.emplace_back([&] {
        for (size_t i; (i = next.fetch_add(1)) < n;) {
          FileResult r = HashOne(a->files[i], options, !a->no_digests);
          std::lock_guard<std::mutex> lock(mu);
          results[i] = std::move(r);
          done[i] = 1;
          cv.notify_one();
        }
      });
    }

    int failed = 0;
    size_t printed = 0;
    if (a->json) std::printf("[");
    for (size_t i = 0; i < n; ++i) {
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return done[i] != 0; });
      }
      FileResult& r = results[i];
      const std::string& file = a->files[i];
      if (!r.error.ok()) {
        ++failed;
        std::fprintf(stderr, "cordon: %s\n", r.error.ToString().c_str());
      }
      if (!r.readable) continue;
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
        if (!r.error.ok()) w.Field("error", r.error.message());
        w.EndObject();
        std::printf("%s\n  %s", printed == 0 ? "" : ",", out.c_str());
      } else {
        if (printed == 0) {
          std::printf("%-64s %7s  %-32s  %-64s  %s\n", "pdq", "quality", "md5", "sha256", "file");
        }
        std::printf("%-64s %7s  %s  %s  %s\n", keep_pdq ? r.pdq->hash.Hex().c_str() : "-",
                    r.pdq ? std::to_string(r.pdq->quality).c_str() : "-",
                    r.md5.empty() ? "-" : r.md5.c_str(), r.sha256.empty() ? "-" : r.sha256.c_str(),
                    file.c_str());
      }
      ++printed;
      r = FileResult();  // free as we go
    }
    if (a->json) std::printf("\n]\n");
    for (auto& t : workers) t.join();
    return failed > 0 ? 1 : 0;
  };
}

CORDON_COMMAND(kHash, "hash", "MD5, SHA-256 and PDQ perceptual hashes of files", Setup);

}  // namespace
}  // namespace cordon::cli
