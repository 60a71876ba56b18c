// cordon ingest --db FILE INPUT...
#include <cstdio>

#include "command.h"
#include "cordon/content/matcher.h"
#include "cordon/enforce/stage.h"
#include "cordon/ingest/ingest.h"
#include "cordon/util/progress.h"

namespace cordon::cli {
namespace {

std::function<int()> Setup(CLI::App& app) {
  struct Args {
    std::string db;
    std::vector<std::string> inputs;
    std::vector<std::string> media_roots;
    std::string format;
    size_t batch = 50000;
    bool quiet = false;
    bool no_media = false;
    bool rescan = false;
    bool no_match = false;
    bool no_enforce = false;
  };
  auto a = std::make_shared<Args>();
  app.add_option("--db", a->db, "SQLite database to create or update")->required();
  app.add_option("inputs", a->inputs, "files or directories to ingest")->required();
  app.add_option("--format", a->format,
                 "force an importer: cordon-events, telegram-export, telethon, matrix, rocketchat");
  app.add_option("--batch", a->batch, "events per transaction")->check(NumberAtLeast(0, true));
  app.add_flag("--quiet,-q", a->quiet, "print nothing but errors");
  app.add_flag("--no-media-hash", a->no_media, "do not hash media files found beside exports");
  app.add_option("--media-root", a->media_roots,
                 "a directory where media files named by the inputs may also be read "
                 "(repeatable; docs/security.md)")
      ->allow_extra_args(false)
      ->check(CLI::ExistingDirectory);
  app.add_flag("--rescan", a->rescan, "read files again even if they were ingested whole");
  app.add_flag("--no-match", a->no_match, "do not match messages against the banks");
  app.add_flag("--no-enforce", a->no_enforce,
               "do not detect regenerations or mirror takedowns into the ledger");
  return [a]() -> int {
    auto store = Store::Open(a->db);
    if (!store.ok()) return Fail(store.status().ToString());
    // Drawn on stderr when it is a terminal, unless --quiet.
    const std::unique_ptr<Progress> progress = MakeTerminalProgress(a->quiet);
    IngestOptions opt;
    opt.format = a->format;
    opt.batch_events = a->batch;
    opt.progress = progress.get();
    opt.hash_media = !a->no_media;
    opt.media_roots = a->media_roots;
    opt.skip_done_files = !a->rescan;
    // The matcher reads the banks on its own connection, so bank changes committed by another
    // process while this ingest holds its write transaction are seen at the next batch.
    std::unique_ptr<Store> bank_store;
    std::unique_ptr<Matcher> matcher;
    if (!a->no_match) {
      auto bs = Store::Open(a->db);
      if (!bs.ok()) return Fail(bs.status().ToString());
      bank_store = std::move(*bs);
      matcher = std::make_unique<Matcher>(*bank_store, MatcherOptions{});
      opt.matcher = matcher.get();
    }
    // Enforcement (enforce/stage.h) observes each event after the store applied it.
    std::unique_ptr<enforce::EnforceStage> stage;
    if (!a->no_enforce) {
      enforce::StageOptions so;
      so.progress = progress.get();
      auto st = enforce::EnforceStage::Open(**store, so);
      if (!st.ok()) return Fail(st.status().ToString());
      stage = std::move(*st);
      opt.observer = [&stage](const Event& e) { return stage->OnEvent(e); };
    }
    auto report = Ingest(**store, a->inputs, opt);
    if (!report.ok()) return Fail(report.status().ToString());
    if (stage) {
      Status st = stage->Finish();
      if (!st.ok()) return Fail(st.ToString());
      if (stage->report().stale) {
        std::fprintf(stderr,
                     "cordon: warning: other ingests kept writing, so the regeneration "
                     "detections are marked stale until the last of them finishes (or `cordon "
                     "regen --save`)\n");
      }
    }
    for (const auto& f : report->files) {
      if (!f.status.ok()) std::fprintf(stderr, "cordon: %s\n", f.status.ToString().c_str());
      if (!f.own_output.empty() && !a->quiet) {
        std::fprintf(stderr, "cordon: note: skipped %s: written by cordon (%s), not an input\n",
                     f.path.c_str(), f.own_output.c_str());
      }
    }
    for (const auto& s : report->samples) {
      std::fprintf(stderr, "cordon: rejected %s: %s\n", s.where.ToString().c_str(),
                   s.reason.c_str());
    }
    if (report->rejected > static_cast<int64_t>(report->samples.size())) {
      std::fprintf(stderr, "cordon: ... %lld rejected records in all (cordon stats --rejects)\n",
                   static_cast<long long>(report->rejected));
    }
    if (!a->quiet) {
      std::string others;
      auto add = [&](int64_t n, const char* what) {
        if (n > 0) others += (others.empty() ? " (" : ", ") + std::to_string(n) + " " + what;
      };
      add(report->done_files(), "already done");
      add(report->own_output_files(), "written by cordon, skipped");
      add(report->failed_files(), "failed");
      if (!others.empty()) others += ")";
      double mb = static_cast<double>(report->bytes) / 1e6;
      std::printf(
          "ingested %lld files%s: %lld events, %lld rejected, %lld weird, "
          "%.1f MB in %.2f s (%.0f events/s)\n",
          static_cast<long long>(report->read_files()), others.c_str(),
          static_cast<long long>(report->events), static_cast<long long>(report->rejected),
          static_cast<long long>(report->weird), mb, report->seconds,
          report->seconds > 0 ? report->events / report->seconds : 0.0);
      if (stage) {
        const auto& r = stage->report();
        std::printf(
            "enforcement: %lld regeneration detections, %lld stream takedowns mirrored "
            "into the ledger; detector %.2f s (%.0f events/s)\n",
            static_cast<long long>(r.detections), static_cast<long long>(r.mirrored),
            r.detector_seconds, r.detector_seconds > 0 ? r.events / r.detector_seconds : 0.0);
        if (!r.recomputed.empty()) {
          std::printf("enforcement: detections recomputed from a replay of the store: %s\n",
                      r.recomputed.c_str());
        }
      }
    }
    return report->failed_files() > 0 ? 2 : 0;
  };
}

CORDON_COMMAND(kIngest, "ingest", "Ingest exports and event streams into a database", Setup);

}  // namespace
}  // namespace cordon::cli
