#include "cordon/distribute/publish.h"

#include <chrono>

#include "cordon/distribute/notes.h"
#include "cordon/ingest/media_files.h"
#include "cordon/model/event_json.h"
#include "cordon/util/digest.h"
#include "cordon/util/file_check.h"

namespace cordon::distribute {
namespace {

constexpr size_t kMaxSamples = 20;

// A message id from what the message says: the same record published twice has the same id.
std::string IdOf(char kind, std::string_view data) {
  return std::string(1, kind) + DigestBytes(data).sha256;
}

// Publishes what one importer finds in one file. Not thread-safe.
class PublishSink final : public EventSink {
 public:
  PublishSink(JetStream& js, const PublishOptions& opt, const std::string& path,
              PublishReport& report, FileReport& file)
      : js_(js),
        opt_(opt),
        media_(path, opt.media_roots, opt.video_seconds_per_hash),
        report_(report),
        file_(file) {}

  Status OnEvent(Event&& event, const Location& where) override {
    if (auto* m = std::get_if<MessageEvent>(&event); m != nullptr && opt_.hash_media) {
      media_.Hash(*m, [&](std::string_view name, std::string what) { OnWeird(name, what, where); });
    }
    RETURN_IF_ERROR(status_);
    line_.clear();
    AppendEventJson(event, line_);
    if (!line_.empty() && line_.back() == '\n') line_.pop_back();
    const std::string subject =
        opt_.stream.name + ".events." + std::to_string(PartitionOf(event, opt_.partitions));
    RETURN_IF_ERROR(Send(subject, 'e', line_));
    ++file_.events;
    ++report_.ingest.events;
    return Status::Ok();
  }
  void OnReject(const Location& where, std::string_view reason) override {
    ++file_.rejected;
    ++report_.ingest.rejected;
    if (report_.ingest.samples.size() < kMaxSamples) {
      report_.ingest.samples.push_back({where, std::string(reason)});
    }
    if (status_.ok()) (void)Send(opt_.stream.name + ".notes", 'r', RejectNote(where, reason));
  }
  void OnWeird(std::string_view name, std::string_view what, const Location& where) override {
    ++file_.weird;
    ++report_.ingest.weird;
    ++report_.ingest.weird_by_name[std::string(name)];
    if (status_.ok()) (void)Send(opt_.stream.name + ".notes", 'w', WeirdNote(where, name, what));
  }
  const Status& status() const { return status_; }

 private:
  // Keeps the first failure in status_, so that the caller tells the stream's failure from
  // the file's.
  Status Send(const std::string& subject, char kind, std::string_view data) {
    Status s = js_.PublishAsync(subject, data, IdOf(kind, data));
    if (!s.ok() && status_.ok()) status_ = s;
    return s;
  }

  JetStream& js_;
  const PublishOptions& opt_;
  MediaFiles media_;
  PublishReport& report_;
  FileReport& file_;
  std::string line_;
  Status status_;  // the first failure to publish; stops the import at the next event
};

std::string FileKey(const FileIdentity& id) {
  return DigestBytes(id.path + '\n' + std::to_string(id.size) + '\n' + std::to_string(id.mtime_ns) +
                     '\n' + id.head_sha256)
      .sha256;
}

}  // namespace

std::string FilesBucket(const std::string& stream) { return stream + "_files"; }
std::string WorkersBucket(const std::string& stream) { return stream + "_workers"; }

int PartitionOf(const Event& event, int partitions) {
  const std::string* key = std::visit(
      [](const auto& e) -> const std::string* {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, EntityEvent>) return &e.key;
        if constexpr (std::is_same_v<T, MessageEvent> || std::is_same_v<T, MemberEvent> ||
                      std::is_same_v<T, InviteEvent>)
          return &e.chat;
        if constexpr (std::is_same_v<T, TakedownEvent> || std::is_same_v<T, ReinstateEvent>)
          return &e.entity;
      },
      event);
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : *key) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return partitions > 0 ? static_cast<int>(h % static_cast<uint64_t>(partitions)) : 0;
}

StatusOr<PublishReport> PublishInputs(JetStream& js, const std::vector<std::string>& inputs,
                                      const PublishOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  if (options.partitions < 1 || options.partitions > 4096) {
    return Status::InvalidArgument("--partitions: expected 1 to 4096");
  }
  if (options.hash_media) RETURN_IF_ERROR(CheckMediaRoots(options.media_roots));
  RETURN_IF_ERROR(js.EnsureStream(options.stream));
  const std::string files_bucket = FilesBucket(options.stream.name);
  RETURN_IF_ERROR(js.EnsureBucket(files_bucket, 0));
  ASSIGN_OR_RETURN(std::vector<std::string> files, ExpandInputs(inputs));
  ASSIGN_OR_RETURN(const Importer* forced, ForcedImporter(options.format));
  PublishReport report;
  for (const std::string& path : files) {
    FileReport fr;
    fr.path = path;
    fr.status = CheckReadableFile(path);
    if (!fr.status.ok()) {
      report.ingest.files.push_back(std::move(fr));
      continue;
    }
    StatusOr<FileIdentity> identity = IdentifyFile(path);
    if (!identity.ok()) {
      fr.status = identity.status();
      report.ingest.files.push_back(std::move(fr));
      continue;
    }
    const std::string key = FileKey(*identity);
    if (!options.republish) {
      StatusOr<std::string> before = js.Get(files_bucket, key);
      if (before.ok()) {
        fr.skipped = true;
        ++report.skipped_files;
        report.ingest.bytes += identity->size;
        report.ingest.files.push_back(std::move(fr));
        continue;
      }
      if (before.status().code() != StatusCode::kNotFound) return before.status();
    }
    StatusOr<Detection> detected = ImporterFor(path, forced, options.limits);
    if (!detected.ok() || !detected->own_output.empty()) {
      if (!detected.ok()) fr.status = detected.status();
      if (detected.ok()) fr.own_output = detected->own_output;
      report.ingest.files.push_back(std::move(fr));
      continue;
    }
    const Importer* importer = detected->importer;
    fr.importer = std::string(importer->name());
    PublishSink sink(js, options, path, report, fr);
    Status s = importer->Import(InputFile{path}, options.limits, sink);
    // A failure to publish is the stream's, not the file's: stop, and say so.
    Status published = js.PublishComplete(&report.published, &report.duplicates);
    RETURN_IF_ERROR(sink.status());
    RETURN_IF_ERROR(published);
    if (!s.ok()) {
      fr.status = s;  // the good records before the failure are published
    } else {
      const std::string note = FileNote(*identity, importer->name(), fr.events, fr.rejected);
      bool duplicate = false;
      RETURN_IF_ERROR(
          js.Publish(options.stream.name + ".notes", note, IdOf('f', note), &duplicate));
      ++(duplicate ? report.duplicates : report.published);
      RETURN_IF_ERROR(js.Put(files_bucket, key, note));
    }
    report.ingest.bytes += identity->size;
    report.ingest.files.push_back(std::move(fr));
  }
  report.ingest.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace cordon::distribute
