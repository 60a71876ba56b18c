#include "cordon/ingest/ingest.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "cordon/content/media_hash.h"

namespace cordon {
namespace fs = std::filesystem;

namespace {

constexpr size_t kMaxSamples = 20;

bool IngestibleName(const fs::path& p) {
  std::string ext = p.extension().string();
  return ext == ".json" || ext == ".ndjson" || ext == ".jsonl";
}

class ProgressBar {
 public:
  ProgressBar(bool enabled, int64_t total) : enabled_(enabled), total_(total) {}
  void Update(int64_t done, int64_t events) {
    if (!enabled_) return;
    auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    double frac = total_ > 0 ? std::min(1.0, static_cast<double>(done) / total_) : 0;
    int filled = static_cast<int>(frac * 30);
    std::fprintf(stderr, "\r[%.*s%*s] %3d%%  %lld events", filled,
                 "##############################", 30 - filled, "", static_cast<int>(frac * 100),
                 static_cast<long long>(events));
    drawn_ = true;
  }
  void Done() {
    if (drawn_) std::fprintf(stderr, "\r%60s\r", "");
  }

 private:
  bool enabled_;
  int64_t total_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_{};
};

class StoreSink final : public EventSink {
 public:
  StoreSink(Store& store, const IngestOptions& opt, IngestReport& report, FileReport& file,
            ProgressBar& bar, int64_t bytes_before)
      : store_(store), opt_(opt), report_(report), file_(file), bar_(bar),
        bytes_before_(bytes_before), base_dir_(fs::path(file.path).parent_path()) {}

  Status OnEvent(Event&& event, const Location&) override {
    Status s = Apply(std::move(event));
    if (!s.ok() && store_error_.ok()) store_error_ = s;
    return s;
  }

  Status Apply(Event&& event) {
    if (opt_.hash_media) {
      if (auto* m = std::get_if<MessageEvent>(&event)) HashMedia(*m);
    }
    RETURN_IF_ERROR(store_.Apply(event));
    ++file_.events;
    ++report_.events;
    if (opt_.after_event) opt_.after_event(report_.events);
    if (++in_batch_ >= opt_.batch_events) {
      RETURN_IF_ERROR(store_.Commit());
      RETURN_IF_ERROR(store_.Begin());
      in_batch_ = 0;
    }
    return Status::Ok();
  }

  void OnReject(const Location& where, std::string_view reason) override {
    ++file_.rejected;
    ++report_.rejected;
    if (report_.samples.size() < kMaxSamples) {
      report_.samples.push_back({where, std::string(reason)});
    }
    Status s = store_.AddReject(where, reason);
    if (!s.ok() && store_error_.ok()) store_error_ = s;
  }

  void OnWeird(std::string_view what, const Location& where) override {
    ++file_.weird;
    ++report_.weird;
    Status s = store_.AddWeird(where, what);
    if (!s.ok() && store_error_.ok()) store_error_ = s;
  }

  void OnProgress(int64_t bytes) override { bar_.Update(bytes_before_ + bytes, report_.events); }

  const Status& store_error() const { return store_error_; }

 private:
  // Media paths are relative to the export; hash the files that are there.
  void HashMedia(MessageEvent& m) {
    for (Media& md : m.media) {
      if (md.path.empty() || (!md.sha256.empty() && !md.pdq.empty())) continue;
      fs::path p = fs::path(md.path).is_absolute() ? fs::path(md.path) : base_dir_ / md.path;
      std::error_code ec;
      if (!fs::is_regular_file(p, ec)) continue;
      Status s = FillMediaHashes(p.string(), md);
      if (!s.ok()) OnWeird("media file not hashed: " + s.message(), Location{p.string()});
    }
  }

  Store& store_;
  const IngestOptions& opt_;
  IngestReport& report_;
  FileReport& file_;
  ProgressBar& bar_;
  int64_t bytes_before_;
  fs::path base_dir_;
  size_t in_batch_ = 0;
  Status store_error_;
};

}  // namespace

int64_t IngestReport::failed_files() const {
  return std::count_if(files.begin(), files.end(), [](const FileReport& f) { return !f.status.ok(); });
}

StatusOr<std::vector<std::string>> ExpandInputs(const std::vector<std::string>& inputs) {
  std::vector<std::string> out;
  for (const auto& in : inputs) {
    std::error_code ec;
    fs::file_status st = fs::status(in, ec);
    if (ec || !fs::exists(st)) {
      out.push_back(in);  // reported as unreadable by Ingest
      continue;
    }
    if (!fs::is_directory(st)) {
      out.push_back(in);
      continue;
    }
    std::vector<std::string> found;
    for (auto it = fs::recursive_directory_iterator(
             in, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file(ec) && IngestibleName(it->path())) found.push_back(it->path().string());
    }
    if (ec) return Status::IoError("cannot walk directory: " + ec.message(), Location{in});
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

StatusOr<IngestReport> Ingest(Store& store, const std::vector<std::string>& inputs,
                              const IngestOptions& options) {
  auto start = std::chrono::steady_clock::now();
  IngestReport report;
  ASSIGN_OR_RETURN(std::vector<std::string> files, ExpandInputs(inputs));
  int64_t total_bytes = 0;
  for (const auto& f : files) {
    struct stat sb;
    if (::stat(f.c_str(), &sb) == 0) total_bytes += sb.st_size;
  }
  ProgressBar bar(options.progress && ::isatty(2), total_bytes);
  for (const auto& path : files) {
    FileReport fr;
    fr.path = path;
    struct stat sb;
    if (::stat(path.c_str(), &sb) != 0 || !S_ISREG(sb.st_mode)) {
      fr.status = Status::IoError("cannot read file", Location{path});
      report.files.push_back(std::move(fr));
      continue;
    }
    const int64_t mtime_ns = static_cast<int64_t>(sb.st_mtim.tv_sec) * 1000000000 + sb.st_mtim.tv_nsec;
    if (options.skip_done_files && store.FileDone(path, sb.st_size, mtime_ns)) {
      fr.skipped = true;
      report.bytes += sb.st_size;
      report.files.push_back(std::move(fr));
      continue;
    }
    const Importer* importer = nullptr;
    if (!options.format.empty()) {
      importer = FindImporter(options.format);
      if (importer == nullptr) return Status::InvalidArgument("unknown format '" + options.format + "'");
    } else {
      auto detected = DetectImporter(path, options.limits);
      if (!detected.ok()) {
        fr.status = detected.status();
        report.files.push_back(std::move(fr));
        continue;
      }
      importer = *detected;
    }
    fr.importer = std::string(importer->name());
    RETURN_IF_ERROR(store.Begin());
    StoreSink sink(store, options, report, fr, bar, report.bytes);
    Status s = importer->Import(InputFile{path}, options.limits, sink);
    if (!sink.store_error().ok()) return sink.store_error();
    if (!s.ok()) {
      // An unreadable file keeps whatever good records came before the failure.
      fr.status = s;
    } else {
      RETURN_IF_ERROR(store.MarkFileDone(path, sb.st_size, mtime_ns, importer->name(), fr.events,
                                         fr.rejected));
    }
    RETURN_IF_ERROR(store.Commit());
    report.bytes += sb.st_size;
    bar.Update(report.bytes, report.events);
    report.files.push_back(std::move(fr));
  }
  bar.Done();
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace cordon
