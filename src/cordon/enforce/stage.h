// The enforcement stage of ingest: observes each event after the store applied it, runs the
// regeneration detector on the stream and stores its detections, and mirrors the takedowns and
// reinstatements of platform streams into the ledger (source "platform").
//
// Stored detections are a cache of a replay of the store (`cordon regen`), and equal it after
// every ingest that finishes, whatever the order, concurrency or crashes of the ingests that
// built the store. The detector is fed only what the store added (Store::last_apply_added), so
// its input is the replay's as long as the events arrive in time order and no other connection
// applies events meanwhile. Open() goes on from the detector's state saved with the store
// when that reflects the store's current event version (store/regen_state_table.h), and
// otherwise replays the store into a fresh detector; Finish() checks both
// conditions (the detector's late events; the store's event version against this connection's
// own commits) and, when either failed, recomputes the detections from a replay. Until Finish
// the store's event version is ahead of its detections' (Store::DetectionsCurrent), so a reader
// (or a crash) sees them marked stale, never silently wrong: readers call
// UseCurrentDetections.
//
// The detector runs on a thread of its own while events come (AsyncDetector in stage.cc): the
// writer hands it the events the store added, in order (moved, not copied), and Finish stores
// what it raised. The detector's input and order are unchanged, and so are the detections
// stored by Finish. A saved state is restored on that thread too, while the writer goes on:
// Open checks only its header; damage found past it makes Finish replay the store.
//
// Thread safety: one thread, with its Store (the detector's thread is the stage's own).
#pragma once

#include <memory>
#include <string>
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
  int64_t detections = 0;     // stored after Finish for entities that had none before Open
  int64_t warmup_events = 0;  // replayed into the detector at Open, or held by its saved state
  // Open went on from the detector's state saved with the store (store/regen_state_table.h)
  // instead of replaying the store.
  bool resumed = false;
  // Why a saved state of the current version could not be used ("" otherwise); then replayed.
  std::string state_unusable;
  // Restoring the saved state, on the detector's thread while the writer went on.
  double state_restore_seconds = 0;
  bool state_saved = false;       // Finish saved it (not when a restored one saw nothing new)
  double state_save_seconds = 0;  // saving it at Finish
  int64_t state_bytes = 0;        // its size, as saved last (or restored)
  // Why Finish recomputed the detections from a replay ("" when the stream was in order).
  std::string recomputed;
  bool stale = false;    // Finish could not bring them up to date (other writers kept writing)
  int64_t mirrored = 0;  // ledger entries added for stream takedowns
  double detector_seconds = 0;  // time spent in the detector while observing
  RegenStats regen;
};

class AsyncDetector;

class EnforceStage {
 public:
  // Restores the detector saved with the store, or replays the store into a fresh one (inside
  // its own read transaction).
  static StatusOr<std::unique_ptr<EnforceStage>> Open(Store& store, const StageOptions& options,
                                                      const ledger::Clock* clock = nullptr);
  ~EnforceStage();

  // One event, already applied to the store, inside the caller's transaction: copied for the
  // detector's thread, or moved there by the second form.
  Status OnEvent(const Event& event);
  Status OnEvent(Event&& event);
  // End of input: closes the detector's last batch and stores what it raised, with the
  // detector's state (opens its own transaction).
  Status Finish();

  const StageReport& report() const { return report_; }

 private:
  EnforceStage(Store& store, const StageOptions& options, const ledger::Clock* clock);
  Status Save(const std::vector<RegenDetection>& detections);
  // OnEvent's work but the feeding: whether the detector is to get the event.
  StatusOr<bool> Observe(const Event& event);
  // Replaces the stored detections with a replay's, unless events keep arriving from others.
  Status Recompute();

  Store& store_;
  StageOptions options_;
  ledger::Ledger ledger_;
  std::unique_ptr<RegenDetector> detector_;
  std::unique_ptr<AsyncDetector> async_;  // runs detector_ while events come; reset at Finish
  StageReport report_;
  // At Open: the store's event version and this connection's commits, to tell at Finish
  // whether another connection applied events in between.
  int64_t version_at_open_ = 0;
  int64_t commits_at_open_ = 0;
  // Events given to the detector, the warm-up's included (a restored state's are added when
  // Finish learns their number).
  int64_t fed_ = 0;
  std::string saved_state_;  // read at Open, until the detector's thread restores it
  std::vector<std::string> detected_at_open_;  // sorted entity keys
};

// Stores a detection unless the entity has one already; returns whether it was new.
StatusOr<bool> SaveDetection(Store& store, const RegenDetection& d);
// Replaces every stored detection with `detections` (inside the caller's transaction).
Status ReplaceDetections(Store& store, const std::vector<RegenDetection>& detections);
// Replays the store and replaces its detections, marking them current (Store::
// DetectionsCurrent), with the detector's state after it; `cordon regen --save`. Takes the
// write lock only to write: the replay reads a snapshot, and is repeated (up to three times)
// when another connection applied events meanwhile. Returns whether the detections are current.
StatusOr<bool> RefreshDetections(Store& store, const RegenOptions& options,
                                 Progress* progress = nullptr);
// For commands that read the detections through the store (report, impact, policy): when the
// stored detections are stale, replays the store into a temporary table that shadows them for
// this connection (store/detection_table.h, ShadowDetections), and returns a note that says so
// ("" when they were current). Writes nothing to the database file.
StatusOr<std::string> UseCurrentDetections(Store& store, Progress* progress = nullptr);
// Stored detections, ordered by detected_at then entity.
StatusOr<std::vector<RegenDetection>> LoadDetections(Store& store);
// {"detections":[...]}: `cordon regen --json` and GET /v1/detections; from the `offset`th, at
// most `limit` (-1: all), and then "next_offset" when more remain.
std::string DetectionsJson(const std::vector<RegenDetection>& detections, int64_t offset = 0,
                           int64_t limit = -1);
// Runs a fresh detector over a replay of the store; detections ordered by detected_at, entity.
// `progress` (borrowed, null: silent) gets the replay; `state`, when given, the detector's
// state after it (RegenDetector::SaveState).
StatusOr<std::vector<RegenDetection>> ReplayDetections(Store& store, const RegenOptions& options,
                                                       std::optional<TimeMs> until = std::nullopt,
                                                       RegenStats* stats = nullptr,
                                                       Progress* progress = nullptr,
                                                       std::string* state = nullptr);

}  // namespace cordon::enforce
