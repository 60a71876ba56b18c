// cordon publish --nats URL[,URL...] [--stream NAME] INPUT...
// Reads inputs with the importers of `cordon ingest` and publishes their events to a JetStream
// stream for `cordon worker` (src/cordon/distribute/publish.h). Prints what ingest prints.
#include <fmt/core.h>

#include "command.h"
#include "cordon/distribute/publish.h"

namespace cordon::cli {
namespace {

std::function<int()> Setup(CLI::App& app) {
  struct Args {
    std::string nats;
    distribute::PublishOptions opt;
    std::vector<std::string> inputs;
    int64_t window_hours = 24;
    bool no_media = false;
    bool quiet = false;
  };
  auto a = std::make_shared<Args>();
  app.add_option("--nats", a->nats, "NATS server URLs, comma separated (nats://HOST:PORT)")
      ->required();
  app.add_option("--stream", a->opt.stream.name, "JetStream stream (created when missing)")
      ->capture_default_str();
  app.add_option("--replicas", a->opt.stream.replicas,
                 "replicas of a new stream (3 on a 3-node cluster)")
      ->check(CLI::Range(1, 5))
      ->capture_default_str();
  app.add_option("--partitions", a->opt.partitions, "subjects the events are spread over by chat")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  app.add_option("--dedup-hours", a->window_hours,
                 "how long a new stream remembers message ids to drop repeats")
      ->check(CLI::Range(int64_t{1}, int64_t{24 * 365}))
      ->capture_default_str();
  app.add_option("inputs", a->inputs, "files or directories to publish")->required();
  app.add_option("--format", a->opt.format, "force an importer: " + ImporterNames());
  app.add_flag("--no-media-hash", a->no_media, "do not hash media files found beside exports");
  app.add_option("--media-root", a->opt.media_roots,
                 "a directory where media files named by the inputs may also be read (repeatable)")
      ->allow_extra_args(false)
      ->check(CLI::ExistingDirectory);
  app.add_flag("--republish", a->opt.republish, "publish files again that were published whole");
  app.add_flag("--quiet,-q", a->quiet, "print nothing but errors");
  return [a]() -> int {
    a->opt.hash_media = !a->no_media;
    a->opt.stream.duplicate_window_ms = a->window_hours * 3600 * 1000;
    auto js = distribute::JetStream::Connect(a->nats);
    if (!js.ok()) return Fail(js.status().ToString());
    auto r = distribute::PublishInputs(**js, a->inputs, a->opt);
    if (!r.ok()) return Fail(r.status().ToString());
    const IngestReport& report = r->ingest;
    for (const auto& f : report.files) {
      if (!f.status.ok()) fmt::print(stderr, "cordon: {}\n", f.status.ToString());
    }
    for (const auto& s : report.samples) {
      fmt::print(stderr, "cordon: rejected {}: {}\n", s.where.ToString(), s.reason);
    }
    if (report.rejected > static_cast<int64_t>(report.samples.size())) {
      fmt::print(stderr, "cordon: ... {} rejected records in all\n", report.rejected);
    }
    if (!a->quiet) {
      fmt::print(
          "published {} files ({} published before, skipped): {} events, {} rejected, {} weird; "
          "{} messages taken by the stream, {} dropped as repeats, in {:.2f} s\n",
          report.read_files(), r->skipped_files, report.events, report.rejected, report.weird,
          r->published, r->duplicates, report.seconds);
    }
    return report.failed_files() > 0 ? 2 : 0;
  };
}

CORDON_COMMAND(kPublish, "publish", "Publish inputs to a NATS JetStream stream for workers", Setup);

}  // namespace
}  // namespace cordon::cli
