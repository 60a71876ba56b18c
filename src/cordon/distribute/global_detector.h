// The global stage of `cordon worker`: one regeneration detector over the whole stream.
//
// A replacement may be published in another partition than its parent and applied by another
// worker, so no worker's share of the stream is enough to detect it. Instead of every worker
// replaying the shared store (a stampede on it each time the cluster goes idle), the detector's
// state is replicated through JetStream: its input is the stream itself. Every worker runs a
// GlobalDetector beside its batches; one of them holds the lease (a key in the bucket
// NAME_detector, renewed every 2 s, gone 15 s after its holder stops renewing; taken only
// while the stored detections are stale, since a successor starts over) and folds the
// stream's events, from the first, through a RegenDetector: read with a consumer of its own
// (`cordon-detector`, no acknowledgements), reordered by event time in a buffer (events up to
// `lateness_ms` older than the newest seen are put back in order), fed in time order. A worker
// that takes over from a holder that died reads the stream again from the start, from NATS,
// not from the store.
//
// The detections are stored as they are raised, and made current (Store::
// MarkDetectionsCurrent) at a checkpoint: when the stream is quiet (every event published has
// been given to the detector and applied and acknowledged by the workers), inside one write
// transaction of the store (no worker commits meanwhile), the buffer is emptied and the
// detector flushed. If no event came later than the buffer could put back in order and the
// detector was fed as many events as a replay of the store gives, its detections are the
// replay's and replace the stored ones. Otherwise (events older than the buffer's reach, an
// event published twice beyond the duplicate window, events written to the store by
// something else than a worker) the detector is rebuilt from a replay of the store in that same
// transaction, and goes on from there: the stream's past and the store agree again.
//
// Thread safety: RunGlobalDetector runs on the calling thread (`cordon worker` gives it one of
// its own) with connections of its own; `stop` and `finishing` may be set from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "cordon/model/event.h"
#include "cordon/util/status.h"
#include "cordon/util/time.h"

namespace cordon::distribute {

struct GlobalDetectorOptions {
  std::string stream = "CORDON";
  // The workers' shared consumer: the stream is quiet when it has nothing pending.
  std::string work_consumer = "cordon-workers";
  std::string name;  // the worker's: the lease's holder
  std::string db;
  std::string work_dir;  // where fetched events are written for the importer
  int batch = 5000;      // messages per fetch
  int64_t idle_ms = 1000;
  // Reorder buffer: an event is fed once it is this much older (event time) than the newest
  // seen, or the buffer holds `max_buffered` events, or the stream is quiet.
  TimeMs lateness_ms = kDayMs;
  size_t max_buffered = 1000000;
  // Detections raised are stored this often while the stream is busy (not marked current).
  int64_t save_every_ms = 5000;
  const std::atomic<bool>* stop = nullptr;  // borrowed: return at once, releasing the lease
  // Borrowed: the worker is done (its stream drained). Return once the stored detections are
  // current, taking the lease to make them so when nobody holds it.
  const std::atomic<bool>* finishing = nullptr;
  // Called before each wait after NATS or the store failed: why, and how long. Optional.
  std::function<void(const Status& why, int64_t wait_ms)> on_retry;
};

struct GlobalDetectorReport {
  int64_t terms = 0;             // times this process took the lease
  int64_t messages = 0;          // read from the stream while holding it
  int64_t events = 0;            // fed to the detector (a replay's included)
  int64_t checkpoints = 0;       // times the detections were made current from the stream
  int64_t replays = 0;           // times they were made current from a replay of the store instead
  std::string replayed_because;  // the last replay's reason
};

// Runs until `stop`, or `finishing` and the detections are current.
StatusOr<GlobalDetectorReport> RunGlobalDetector(const std::string& nats_urls,
                                                 const GlobalDetectorOptions& options);

// The bucket of the detector's lease for a stream ("NAME_detector"), and the lease's key.
std::string DetectorBucket(const std::string& stream);
inline constexpr char kDetectorLeaseKey[] = "lease";
// A holder that stops renewing (every 2 s) loses the lease this long after its last renewal.
inline constexpr int64_t kDetectorLeaseTtlMs = 15000;

}  // namespace cordon::distribute
