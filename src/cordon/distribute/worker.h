// `cordon worker`: consumes a cordon stream (publish.h) from a durable JetStream consumer that
// any number of workers share, and runs what it pulls through the same pipeline as `cordon
// ingest` (matcher, regeneration detector, enforcement stage) into the store.
//
// A batch of messages is acknowledged only after its effects are committed; every effect is an
// idempotent upsert, so a batch redelivered after a crash changes nothing. Detection needs a
// global view (a replacement may come in another partition, to another worker, than its
// parent): the workers' enforcement stages only mirror takedowns, and one global detector,
// run by whichever worker holds its lease, folds the whole stream (global_detector.h;
// docs/design.md, "Workers on NATS JetStream").
//
// Thread safety: RunWorker runs on the calling thread and one more of its own (the global
// detector, with its own connections); `stop` may be set from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "cordon/distribute/global_detector.h"
#include "cordon/distribute/jetstream.h"
#include "cordon/pipeline/pipeline.h"

namespace cordon::distribute {

struct WorkerOptions {
  std::string stream = "CORDON";
  std::string durable = "cordon-workers";  // the consumer every worker of a store shares
  std::string name;                        // in heartbeats and `cluster status`; required
  std::string db;
  // Where batches are written for the importer (removed once applied); empty: under $TMPDIR.
  std::string work_dir;
  int batch = 5000;              // messages per fetch
  int64_t ack_wait_ms = 120000;  // a batch not acknowledged by then goes to another worker
  int64_t idle_ms = 1000;        // a fetch empty this long means the stream ran dry
  bool match = true;
  // A bank change is loaded after a random delay of up to this, so that the workers of one
  // store spread their rebuilds (a known outage of matchers that all reload at once).
  int64_t bank_reload_jitter_ms = 10000;
  // Read the banks from the stream's key-value bucket NAME_banks (`cordon bank publish`,
  // bank_sync.h) rather than from the store. A bank copy that cannot be loaded (half written,
  // corrupt) keeps the banks loaded before and is counted (WorkerReport::bank_errors).
  bool banks_from_nats = false;
  // Called with each bank load that failed and was skipped that way. Optional.
  std::function<void(const Status&)> on_bank_error;
  bool enforce = true;  // the enforcement stage, and the global detector
  // The global detector's reorder buffer (GlobalDetectorOptions::lateness_ms).
  TimeMs detector_lateness_ms = kDayMs;
  // Return once the stream has run dry and the consumer has nothing pending (tests, benches,
  // `make cluster-demo`); otherwise run until `stop`.
  bool exit_when_drained = false;
  const std::atomic<bool>* stop = nullptr;  // borrowed; checked between batches
  // Called before each wait when the store failed with an I/O error (a database restarting):
  // why, and how long the worker waits before opening it again. Also called, from the global
  // detector's thread, when its NATS or store connection failed. Optional; must be safe to
  // call from two threads.
  std::function<void(const Status& why, int64_t wait_ms)> on_retry;
};

struct WorkerReport {
  int64_t messages = 0;  // acknowledged
  int64_t events = 0;
  int64_t notes = 0;
  int64_t batches = 0;
  int64_t checkpoints = 0;        // times the stages were finished (detections brought up to date)
  int64_t rejected = 0;           // messages that were not valid events or notes (counted, acked)
  int64_t retries = 0;            // times the store failed and the worker waited to open it again
  int64_t bank_errors = 0;        // bank loads from NATS that failed (the banks before kept)
  pipeline::PipelineReport last;  // the stages' report at the last checkpoint
  GlobalDetectorReport detector;  // this worker's terms as the global detector
  double seconds = 0;
};

StatusOr<WorkerReport> RunWorker(JetStream& js, const WorkerOptions& options);

}  // namespace cordon::distribute
