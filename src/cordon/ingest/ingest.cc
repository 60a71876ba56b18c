#include "cordon/ingest/ingest.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>

#include "cordon/content/matcher.h"
#include "cordon/ingest/media_files.h"
#include "cordon/store/failed_files.h"
#include "cordon/util/file_check.h"
#include "cordon/util/progress.h"
#include "cordon/util/time.h"

namespace cordon {
namespace fs = std::filesystem;

namespace {

constexpr size_t kMaxSamples = 20;

bool IngestibleName(const fs::path& p) {
  std::string ext = p.extension().string();
  return ext == ".json" || ext == ".ndjson" || ext == ".jsonl";
}

// What the parsing thread hands to the writing thread.
struct Record {
  enum class Kind { kEvent, kReject, kWeird } kind;
  Event event;
  Location where;              // rejects and weirds only
  std::string text;            // their reason
  std::vector<Match> matches;  // messages only: known content found in them
  std::string_view weird;      // weirds only: the name (static storage, ingest/weirds.h)
};
using Batch = std::vector<Record>;

// A bounded queue of batches between one producer and one consumer.
class BatchQueue {
 public:
  explicit BatchQueue(size_t capacity) : capacity_(capacity) {}
  // Blocks while full; false when the consumer has aborted.
  bool Push(Batch&& b) {
    std::unique_lock lock(mu_);
    not_full_.wait(lock, [&] { return q_.size() < capacity_ || aborted_; });
    if (aborted_) return false;
    q_.push_back(std::move(b));
    not_empty_.notify_one();
    return true;
  }
  // Blocks while empty; false once closed and drained.
  bool Pop(Batch& b) {
    std::unique_lock lock(mu_);
    not_empty_.wait(lock, [&] { return !q_.empty() || closed_; });
    if (q_.empty()) return false;
    b = std::move(q_.front());
    q_.pop_front();
    not_full_.notify_one();
    return true;
  }
  void Close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    not_empty_.notify_all();
  }
  void Abort() {
    std::lock_guard lock(mu_);
    aborted_ = true;
    q_.clear();
    not_full_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<Batch> q_;
  size_t capacity_;
  bool closed_ = false, aborted_ = false;
};

// Runs on the parsing thread: hashes media found beside the input and batches records.
class ParseSink final : public EventSink {
 public:
  ParseSink(const IngestOptions& opt, const std::string& path, BatchQueue& queue)
      : opt_(opt), media_(path, opt.media_roots, opt.video_seconds_per_hash), queue_(queue) {}

  Status OnEvent(Event&& event, const Location& where) override {
    std::vector<Match> matches;
    if (auto* m = std::get_if<MessageEvent>(&event)) {
      if (opt_.hash_media) {
        media_.Hash(*m,
                    [&](std::string_view name, std::string what) { OnWeird(name, what, where); });
      }
      if (opt_.matcher != nullptr) matches = opt_.matcher->MatchMessage(*m);
    }
    batch_.push_back(Record{Record::Kind::kEvent, std::move(event), {}, {}, std::move(matches)});
    return MaybeFlush();
  }
  void OnReject(const Location& where, std::string_view reason) override {
    batch_.push_back(Record{Record::Kind::kReject, {}, where, std::string(reason)});
    (void)MaybeFlush();
  }
  void OnWeird(std::string_view name, std::string_view what, const Location& where) override {
    batch_.push_back(Record{Record::Kind::kWeird, {}, where, std::string(what), {}, name});
    (void)MaybeFlush();
  }
  void OnProgress(int64_t bytes) override { bytes_.store(bytes, std::memory_order_relaxed); }

  // Hands over what is left; false when the writer has stopped.
  bool Flush() {
    if (batch_.empty()) return !stopped_;
    if (!queue_.Push(std::move(batch_))) stopped_ = true;
    batch_ = Batch();
    batch_.reserve(kBatch);
    return !stopped_;
  }
  int64_t bytes() const { return bytes_.load(std::memory_order_relaxed); }

 private:
  static constexpr size_t kBatch = 1024;

  Status MaybeFlush() {
    if (batch_.size() >= kBatch && !Flush()) return Status::Internal("ingest stopped");
    return stopped_ ? Status::Internal("ingest stopped") : Status::Ok();
  }

  const IngestOptions& opt_;
  MediaFiles media_;  // hashes the media files a message names, inside the allowed roots
  BatchQueue& queue_;
  Batch batch_;
  bool stopped_ = false;
  std::atomic<int64_t> bytes_{0};
};

// Parses one file on a second thread while this one writes to the store, so parsing (and
// media hashing) overlaps SQLite's work. Returns the importer's status in *import_status and
// a non-OK status only when the store fails.
Status ImportFile(Store& store, const Importer& importer, const std::string& path,
                  const IngestOptions& opt, IngestReport& report, FileReport& file,
                  ProgressStep& bar, Status* import_status) {
  // The banks are loaded before the parser starts matching.
  if (opt.matcher != nullptr) RETURN_IF_ERROR(opt.matcher->MaybeRefresh());
  BatchQueue queue(8);
  ParseSink sink(opt, path, queue);
  std::thread parser([&] {
    *import_status = importer.Import(InputFile{path}, opt.limits, sink);
    sink.Flush();
    queue.Close();
  });
  Status store_status;
  size_t in_txn = 0;
  const int64_t bytes_before = report.bytes;
  Batch batch;
  while (store_status.ok() && queue.Pop(batch)) {
    if (opt.matcher != nullptr) store_status = opt.matcher->MaybeRefresh();
    for (Record& r : batch) {
      if (!store_status.ok()) break;
      switch (r.kind) {
        case Record::Kind::kEvent:
          if (!r.matches.empty()) {
            store_status =
                opt.matcher->StoreMatches(store, std::get<MessageEvent>(r.event), r.matches);
            if (!store_status.ok()) break;
          }
          store_status = store.Apply(r.event);
          if (store_status.ok() && opt.observer) store_status = opt.observer(r.event);
          if (!store_status.ok()) break;
          ++file.events;
          ++report.events;
          if (opt.after_event) opt.after_event(report.events);
          if (++in_txn >= opt.batch_events) {
            store_status = store.Commit();
            if (store_status.ok() && opt.after_commit)
              store_status = opt.after_commit(report.events);
            if (store_status.ok()) store_status = store.Begin();
            in_txn = 0;
          }
          break;
        case Record::Kind::kReject:
          ++file.rejected;
          ++report.rejected;
          if (report.samples.size() < kMaxSamples) report.samples.push_back({r.where, r.text});
          store_status = store.AddReject(r.where, r.text);
          break;
        case Record::Kind::kWeird:
          ++file.weird;
          ++report.weird;
          ++report.weird_by_name[std::string(r.weird)];
          store_status = store.AddWeird(r.where, r.weird, r.text);
          break;
      }
      if (!store_status.ok()) break;
    }
    bar.Set(bytes_before + sink.bytes());
  }
  if (!store_status.ok()) queue.Abort();
  parser.join();
  return store_status;
}

// Whether a file's failure says something about its bytes, so that reading the same bytes
// again would fail again: not I/O errors, which may pass.
bool FailsForGood(const Status& s) {
  return s.code() == StatusCode::kCorrupt || s.code() == StatusCode::kUnsupported ||
         s.code() == StatusCode::kResourceExhausted;
}

// What is stored and said again for a failed file: the status without its file name.
std::string FailureReason(const Status& s) {
  return std::string(StatusCodeName(s.code())) + ": " + s.message();
}

}  // namespace

int64_t IngestReport::failed_files() const {
  return std::count_if(files.begin(), files.end(),
                       [](const FileReport& f) { return !f.status.ok(); });
}

int64_t IngestReport::read_files() const {
  return std::count_if(files.begin(), files.end(), [](const FileReport& f) {
    return f.status.ok() && !f.skipped && f.own_output.empty() && f.failed_before.empty();
  });
}

int64_t IngestReport::done_files() const {
  return std::count_if(files.begin(), files.end(), [](const FileReport& f) { return f.skipped; });
}

int64_t IngestReport::failed_before_files() const {
  return std::count_if(files.begin(), files.end(),
                       [](const FileReport& f) { return !f.failed_before.empty(); });
}

int64_t IngestReport::own_output_files() const {
  return std::count_if(files.begin(), files.end(),
                       [](const FileReport& f) { return !f.own_output.empty(); });
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
      if (it->is_regular_file(ec) && IngestibleName(it->path()))
        found.push_back(it->path().string());
    }
    if (ec) return Status::IoError("cannot walk directory: " + ec.message(), Location{in});
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

namespace {

// Ingests each file in its own transaction(s), adding to `report`.
Status IngestFiles(Store& store, const std::vector<std::string>& files, const Importer* forced,
                   const IngestOptions& options, ProgressStep& bar, IngestReport& report) {
  for (const auto& path : files) {
    FileReport fr;
    fr.path = path;
    fr.status = CheckReadableFile(path);
    if (!fr.status.ok()) {
      report.files.push_back(std::move(fr));
      continue;
    }
    auto identity = IdentifyFile(path);
    if (!identity.ok()) {
      fr.status = identity.status();
      report.files.push_back(std::move(fr));
      continue;
    }
    if (options.record_files && options.skip_done_files && store.FileDone(*identity)) {
      fr.skipped = true;
      report.bytes += identity->size;
      report.files.push_back(std::move(fr));
      continue;
    }
    if (options.record_files && options.skip_done_files && !options.retry_failed_files) {
      ASSIGN_OR_RETURN(auto reason, FailedBefore(store, *identity, options.format));
      if (reason) {
        fr.failed_before = *reason;
        report.bytes += identity->size;
        report.files.push_back(std::move(fr));
        continue;
      }
    }
    StatusOr<Detection> detected = ImporterFor(path, forced, options.limits);
    if (!detected.ok()) {
      fr.status = detected.status();
      if (options.record_files && FailsForGood(fr.status)) {
        RETURN_IF_ERROR(MarkFileFailed(store, *identity, options.format, FailureReason(fr.status),
                                       UnixNowMs()));
      }
      report.files.push_back(std::move(fr));
      continue;
    }
    fr.own_output = detected->own_output;
    if (!fr.own_output.empty()) {
      report.files.push_back(std::move(fr));
      continue;
    }
    const Importer* importer = detected->importer;
    fr.importer = std::string(importer->name());
    RETURN_IF_ERROR(store.Begin());
    Status s;
    RETURN_IF_ERROR(ImportFile(store, *importer, path, options, report, fr, bar, &s));
    if (!s.ok()) {
      // An unreadable file keeps whatever good records came before the failure.
      fr.status = s;
      if (options.record_files && FailsForGood(s)) {
        RETURN_IF_ERROR(
            MarkFileFailed(store, *identity, options.format, FailureReason(s), UnixNowMs()));
      }
    } else if (options.record_files) {
      RETURN_IF_ERROR(store.MarkFileDone(*identity, importer->name(), fr.events, fr.rejected));
      RETURN_IF_ERROR(ClearFileFailed(store, *identity));
    }
    RETURN_IF_ERROR(store.Commit());
    if (options.after_commit) RETURN_IF_ERROR(options.after_commit(report.events));
    report.bytes += identity->size;
    bar.Set(report.bytes);
    report.files.push_back(std::move(fr));
  }
  return Status::Ok();
}

}  // namespace

StatusOr<IngestReport> Ingest(Store& store, const std::vector<std::string>& inputs,
                              const IngestOptions& options) {
  auto start = std::chrono::steady_clock::now();
  IngestReport report;
  if (options.hash_media) RETURN_IF_ERROR(CheckMediaRoots(options.media_roots));
  ASSIGN_OR_RETURN(std::vector<std::string> files, ExpandInputs(inputs));
  ASSIGN_OR_RETURN(const Importer* forced, ForcedImporter(options.format));
  int64_t total_bytes = 0;
  for (const auto& f : files) {
    struct stat sb;
    if (::stat(f.c_str(), &sb) == 0) total_bytes += sb.st_size;
  }
  ProgressStep bar(options.progress, "ingest", total_bytes, kProgressBytes);
  // Into a store without messages, the message key index is built once at the end
  // (Store::BeginLoad). After a failure, the next writer's Begin builds it.
  RETURN_IF_ERROR(store.BeginLoad());
  Status ingested = IngestFiles(store, files, forced, options, bar, report);
  Status finished = store.FinishLoad();
  RETURN_IF_ERROR(ingested);
  RETURN_IF_ERROR(finished);
  bar.Finish();
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace cordon
