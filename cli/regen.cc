// cordon regen --db FILE [--json] [--threshold T] [--until T] [--stored] [--save] [--baseline]
//
// Replays the store in time order through the regeneration detector and prints its detections:
// {"detections":[{"entity","parent","score","detected_at","evidence":[...],"candidates":[...]}]}
#include <fmt/core.h>

#include <cstdio>

#include "command.h"
#include "cordon/enforce/stage.h"
#include "cordon/ledger/ledger.h"
#include "cordon/util/progress.h"
#include "cordon/util/time.h"

namespace cordon::cli {
namespace {

std::function<int()> Setup(CLI::App& app) {
  struct Args {
    std::string db, until;
    double threshold = enforce::RegenOptions{}.threshold;
    double window_days = 30, watch_days = 7;
    bool json = false, stored = false, save = false, baseline = false, quiet = false;
  };
  auto a = std::make_shared<Args>();
  app.add_option("--db", a->db, "database")->required();
  app.add_flag("--json", a->json, "print JSON");
  app.add_option("--threshold", a->threshold, "score at which a detection is raised")
      ->check(NumberInRange(0.0001, 1))
      ->capture_default_str();
  app.add_option("--until", a->until,
                 "replay only events up to this time (RFC 3339, YYYY-MM-DD or ms)");
  app.add_option("--window-days", a->window_days, "how far back a parent's takedown may lie")
      ->check(NumberAtLeast(0, true))
      ->capture_default_str();
  app.add_option("--watch-days", a->watch_days, "how long a new or renamed entity is watched")
      ->check(NumberAtLeast(0, true))
      ->capture_default_str();
  app.add_flag("--stored", a->stored, "print the detections stored during ingest, no replay");
  app.add_flag("--save", a->save, "replace the stored detections with the replay's");
  app.add_flag("--baseline", a->baseline, "name similarity alone (for comparison)");
  app.add_flag("--quiet,-q", a->quiet, "no progress bar or summary on stderr");
  return [a]() -> int {
    auto store = Store::Open(a->db, OpenMode::kExisting);
    if (!store.ok()) return Fail(store.status().ToString());
    std::optional<TimeMs> until;
    if (!a->until.empty()) {
      until = ParseTimeArg(a->until);
      if (!until) return Fail(fmt::format("--until: not {}: {}", kTimeArgForms, a->until));
    }
    enforce::RegenOptions opt;
    opt.threshold = a->threshold;
    opt.parent_window = static_cast<TimeMs>(a->window_days * kDayMs);
    opt.watch = static_cast<TimeMs>(a->watch_days * kDayMs);
    opt.name_only = a->baseline;
    if (a->save && (a->stored || until)) {
      return Fail("--save stores the detections of every event: drop --stored and --until");
    }
    StatusOr<std::vector<enforce::RegenDetection>> dets = Status::Internal("unset");
    enforce::RegenStats stats;
    if (a->stored) {
      auto current = (*store)->DetectionsCurrent();
      if (!current.ok()) return Fail(current.status().ToString());
      if (!*current) {
        fmt::print(stderr,
                   "cordon: warning: the stored detections predate the latest events (an "
                   "ingest was interrupted, is running, or ran with --no-enforce); `cordon "
                   "regen` replays them, `cordon regen --save` stores the replay's\n");
      }
      dets = enforce::LoadDetections(**store);
    } else {
      const std::unique_ptr<Progress> progress = MakeTerminalProgress(a->quiet);
      if (a->save) {
        auto saved = enforce::RefreshDetections(**store, opt, progress.get());
        if (!saved.ok()) return Fail(saved.status().ToString());
        if (!*saved) {
          return Fail("other connections kept applying events; the detections were not saved");
        }
        dets = enforce::LoadDetections(**store);
      } else {
        dets = enforce::ReplayDetections(**store, opt, until, &stats, progress.get());
      }
    }
    if (!dets.ok()) return Fail(dets.status().ToString());
    if (a->json) {
      fmt::print("{}\n", enforce::DetectionsJson(*dets));
      return 0;
    }
    fmt::print("{:<24}  {:<36}    {:<36} {:<5}  {}\n", "detected at", "entity",
               "parent (taken down)", "score", "signals");
    for (const auto& d : *dets) {
      std::string signals;
      for (const auto& e : d.evidence) {
        if (e.signal == "timing") continue;
        signals += (signals.empty() ? "" : ", ") + e.signal;
      }
      fmt::print("{}  {:<36} <- {:<36} {:.3f}  [{}]\n", FormatRfc3339Ms(d.detected_at), d.entity,
                 d.parent, d.score, signals);
    }
    if (!a->stored && !a->save && !a->quiet) {
      fmt::print(stderr, "{} detections; {} events replayed, {} entities, {} pairs scored\n",
                 dets->size(), stats.events, stats.entities, stats.pairs_scored);
    }
    return 0;
  };
}

CORDON_COMMAND(kRegen, "regen",
               "Regeneration detections: replay the store through the streaming detector", Setup);

}  // namespace
}  // namespace cordon::cli
