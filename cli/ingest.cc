// cordon ingest --db FILE INPUT...
#include <fmt/core.h>

#include "command.h"
#include "cordon/ingest/importer.h"
#include "cordon/pipeline/enforce_stage.h"
#include "cordon/pipeline/pipeline.h"
#include "cordon/util/progress.h"

namespace cordon::cli {
namespace {

void PrintReport(const pipeline::PipelineReport& p, bool quiet) {
  const IngestReport& report = p.ingest;
  if (p.enforce && p.enforce->stale) {
    fmt::print(stderr,
               "cordon: warning: other ingests kept writing, so the regeneration "
               "detections are marked stale until the last of them finishes (or `cordon "
               "regen --save`)\n");
  }
  for (const auto& f : report.files) {
    if (!f.status.ok()) fmt::print(stderr, "cordon: {}\n", f.status.ToString());
    if (!f.failed_before.empty() && !quiet) {
      fmt::print(stderr,
                 "cordon: note: skipped {}: failed before, {} (--retry-failed reads it again)\n",
                 f.path, f.failed_before);
    }
    if (!f.own_output.empty() && !quiet) {
      fmt::print(stderr, "cordon: note: skipped {}: written by cordon ({}), not an input\n", f.path,
                 f.own_output);
    }
  }
  for (const auto& s : report.samples) {
    fmt::print(stderr, "cordon: rejected {}: {}\n", s.where.ToString(), s.reason);
  }
  if (report.rejected > static_cast<int64_t>(report.samples.size())) {
    fmt::print(stderr, "cordon: ... {} rejected records in all (cordon stats --rejects)\n",
               report.rejected);
  }
  if (quiet) return;
  std::string others;
  auto add = [&](int64_t n, const char* what) {
    if (n > 0) others += (others.empty() ? " (" : ", ") + std::to_string(n) + " " + what;
  };
  add(report.done_files(), "already done");
  add(report.own_output_files(), "written by cordon, skipped");
  add(report.failed_before_files(), "failed before, skipped");
  add(report.failed_files(), "failed");
  if (!others.empty()) others += ")";
  const double mb = static_cast<double>(report.bytes) / 1e6;
  fmt::print(
      "ingested {} files{}: {} events, {} rejected, {} weird, {:.1f} MB in {:.2f} s ({:.0f} "
      "events/s)\n",
      report.read_files(), others, report.events, report.rejected, report.weird, mb, report.seconds,
      report.seconds > 0 ? report.events / report.seconds : 0.0);
  if (p.enforce) {
    const auto& r = *p.enforce;
    // The detector's rate over what it was fed (what the store added), not every event seen.
    const int64_t fed = r.regen.events - r.warmup_events;
    fmt::print(
        "enforcement: {} regeneration detections, {} stream takedowns mirrored into the "
        "ledger; detector {:.2f} s for {} new events{}\n",
        r.detections, r.mirrored, r.detector_seconds, fed,
        fed > 0 && r.detector_seconds > 0
            ? fmt::format(" ({:.0f} events/s)", static_cast<double>(fed) / r.detector_seconds)
            : std::string());
    if (r.resumed) {
      fmt::print(
          "enforcement: the detector went on from its state saved with the store ({} "
          "events)\n",
          r.warmup_events);
    } else if (r.warmup_events > 0) {
      fmt::print("enforcement: {} stored events replayed into the detector{}{}\n", r.warmup_events,
                 r.state_unusable.empty() ? "" : "; its saved state: ", r.state_unusable);
    }
    if (r.resumed || r.state_saved) {
      std::string parts;
      if (r.resumed) parts += fmt::format(", restored in {:.2f} s", r.state_restore_seconds);
      if (r.state_saved) parts += fmt::format(", saved in {:.2f} s", r.state_save_seconds);
      fmt::print("enforcement: detector state {:.1f} MB{}\n",
                 static_cast<double>(r.state_bytes) / 1e6, parts);
    }
    if (!r.recomputed.empty()) {
      fmt::print("enforcement: detections recomputed from a replay of the store: {}\n",
                 r.recomputed);
    }
  }
}

std::function<int()> Setup(CLI::App& app) {
  struct Args {
    std::string db;
    std::vector<std::string> inputs;
    std::vector<std::string> media_roots;
    std::string format;
    size_t batch = IngestOptions{}.batch_events;
    bool quiet = false;
    bool no_media = false;
    bool rescan = false;
    bool retry_failed = false;
    bool no_match = false;
    bool no_enforce = false;
  };
  auto a = std::make_shared<Args>();
  app.add_option("--db", a->db, "SQLite database to create or update")->required();
  app.add_option("inputs", a->inputs, "files or directories to ingest")->required();
  app.add_option("--format", a->format, "force an importer: " + ImporterNames());
  app.add_option("--batch", a->batch, "events per transaction")->check(NumberAtLeast(0, true));
  app.add_flag("--quiet,-q", a->quiet, "print nothing but errors");
  app.add_flag("--no-media-hash", a->no_media, "do not hash media files found beside exports");
  app.add_option("--media-root", a->media_roots,
                 "a directory where media files named by the inputs may also be read "
                 "(repeatable; docs/security.md)")
      ->allow_extra_args(false)
      ->check(CLI::ExistingDirectory);
  app.add_flag("--rescan", a->rescan, "read files again even if they were ingested whole");
  app.add_flag("--retry-failed", a->retry_failed,
               "read files again that failed whole before (a changed file is always read)");
  app.add_flag("--no-match", a->no_match, "do not match messages against the banks");
  app.add_flag("--no-enforce", a->no_enforce,
               "do not detect regenerations or mirror takedowns into the ledger");
  return [a]() -> int {
    // Drawn on stderr when it is a terminal, unless --quiet.
    const std::unique_ptr<Progress> progress = MakeTerminalProgress(a->quiet);
    pipeline::PipelineOptions opt;
    opt.db = a->db;
    opt.inputs = a->inputs;
    opt.ingest.format = a->format;
    opt.ingest.batch_events = a->batch;
    opt.ingest.hash_media = !a->no_media;
    opt.ingest.media_roots = a->media_roots;
    opt.ingest.skip_done_files = !a->rescan;
    opt.ingest.retry_failed_files = a->retry_failed;
    opt.match = !a->no_match;
    if (a->no_enforce) opt.skip_stages.emplace_back(pipeline::kEnforceStageName);
    opt.progress = progress.get();
    auto report = pipeline::RunPipeline(opt);
    if (!report.ok()) return Fail(report.status().ToString());
    PrintReport(*report, a->quiet);
    return report->ingest.failed_files() > 0 ? 2 : 0;
  };
}

CORDON_COMMAND(kIngest, "ingest", "Ingest exports and event streams into a database", Setup);

}  // namespace
}  // namespace cordon::cli
