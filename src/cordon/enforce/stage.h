// The enforcement stage of ingest: observes each event after the store applied it, runs the
// regeneration detector on the stream and stores its detections, and mirrors the takedowns and
// reinstatements of platform streams into the ledger (source "platform").
//
// The detector's state is a cache of the store: Open() replays what the store holds first
// (storing any detection the replay raises that is not stored yet), so an ingest that appends to
// an existing database continues the same stream. Detections made during ingest equal those of
// `cordon regen` (a replay of the store) when the input arrives in time order; events older than
// what the detector has seen are counted as late (RegenStats) and `cordon regen --save` then
// recomputes the stored detections from a replay.
//
// Thread safety: one thread, with its Store.
#pragma once

#include <memory>
#include <vector>

#include "cordon/enforce/regen.h"
#include "cordon/ledger/ledger.h"
#include "cordon/store/store.h"

namespace cordon {
class Progress;
}

namespace cordon::enforce {

struct StageOptions {
  RegenOptions regen;
  bool detect = true;            // run the regeneration detector
  bool mirror_takedowns = true;  // mirror stream takedowns into the ledger
  // Reports Open()'s replay of the store (util/progress.h); borrowed, null: silent.
  Progress* progress = nullptr;
};

struct StageReport {
  int64_t events = 0;
  int64_t detections = 0;  // raised while observing (not counting the warm-up replay)
  int64_t warmup_events = 0;
  int64_t mirrored = 0;         // ledger entries added for stream takedowns
  double detector_seconds = 0;  // time spent in the detector while observing
  RegenStats regen;
};

class EnforceStage {
 public:
  // Replays the store into a fresh detector (inside its own transaction).
  static StatusOr<std::unique_ptr<EnforceStage>> Open(Store& store, const StageOptions& options,
                                                      const ledger::Clock* clock = nullptr);
  ~EnforceStage();

  // One event, already applied to the store, inside the caller's transaction.
  Status OnEvent(const Event& event);
  // End of input: closes the detector's last batch and stores what it raised (opens its own
  // transaction).
  Status Finish();

  const StageReport& report() const { return report_; }

 private:
  EnforceStage(Store& store, const StageOptions& options, const ledger::Clock* clock);
  Status Save(const std::vector<RegenDetection>& detections, bool count);

  Store& store_;
  StageOptions options_;
  ledger::Ledger ledger_;
  std::unique_ptr<RegenDetector> detector_;
  StageReport report_;
};

// Stores a detection unless the entity has one already; returns whether it was new.
StatusOr<bool> SaveDetection(Store& store, const RegenDetection& d);
// Replaces every stored detection with `detections`.
Status ReplaceDetections(Store& store, const std::vector<RegenDetection>& detections);
// Stored detections, ordered by detected_at then entity.
StatusOr<std::vector<RegenDetection>> LoadDetections(Store& store);
// Runs a fresh detector over a replay of the store; detections ordered by detected_at, entity.
// `progress` (borrowed, null: silent) gets the replay.
StatusOr<std::vector<RegenDetection>> ReplayDetections(Store& store, const RegenOptions& options,
                                                       std::optional<TimeMs> until = std::nullopt,
                                                       RegenStats* stats = nullptr,
                                                       Progress* progress = nullptr);

}  // namespace cordon::enforce
