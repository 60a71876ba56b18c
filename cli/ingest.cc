// cordon ingest --db FILE INPUT...
#include <cstdio>

#include "command.h"
#include "cordon/ingest/ingest.h"

namespace cordon::cli {
namespace {

std::function<int()> Setup(CLI::App& app) {
  struct Args {
    std::string db;
    std::vector<std::string> inputs;
    std::string format;
    size_t batch = 50000;
    bool quiet = false;
    bool no_media = false;
    bool rescan = false;
  };
  auto a = std::make_shared<Args>();
  app.add_option("--db", a->db, "SQLite database to create or update")->required();
  app.add_option("inputs", a->inputs, "files or directories to ingest")->required();
  app.add_option("--format", a->format,
                 "force an importer: cordon-events, telegram-export, telethon, matrix, rocketchat");
  app.add_option("--batch", a->batch, "events per transaction")->check(CLI::PositiveNumber);
  app.add_flag("--quiet,-q", a->quiet, "print nothing but errors");
  app.add_flag("--no-media-hash", a->no_media, "do not hash media files found beside exports");
  app.add_flag("--rescan", a->rescan, "read files again even if they were ingested whole");
  return [a]() -> int {
    auto store = Store::Open(a->db);
    if (!store.ok()) return Fail(store.status().ToString());
    IngestOptions opt;
    opt.format = a->format;
    opt.batch_events = a->batch;
    opt.progress = !a->quiet;
    opt.hash_media = !a->no_media;
    opt.skip_done_files = !a->rescan;
    auto report = Ingest(**store, a->inputs, opt);
    if (!report.ok()) return Fail(report.status().ToString());
    for (const auto& f : report->files) {
      if (!f.status.ok()) std::fprintf(stderr, "cordon: %s\n", f.status.ToString().c_str());
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
      int64_t skipped = 0;
      for (const auto& f : report->files) skipped += f.skipped;
      double mb = static_cast<double>(report->bytes) / 1e6;
      std::printf("ingested %zu files (%lld already done): %lld events, %lld rejected, %lld weird, "
                  "%.1f MB in %.2f s (%.0f events/s)\n",
                  report->files.size(), static_cast<long long>(skipped),
                  static_cast<long long>(report->events), static_cast<long long>(report->rejected),
                  static_cast<long long>(report->weird), mb, report->seconds,
                  report->seconds > 0 ? report->events / report->seconds : 0.0);
    }
    return report->failed_files() > 0 ? 2 : 0;
  };
}

CORDON_COMMAND(kIngest, "ingest", "Ingest exports and event streams into a database", Setup);

}  // namespace
}  // namespace cordon::cli
