#include "cordon/enforce/stage.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>

#include <simdjson.h>

#include "cordon/store/detection_table.h"
#include "cordon/store/regen_state_table.h"
#include "cordon/store/replay.h"
#include "cordon/util/json_writer.h"

namespace cordon::enforce {
namespace {

using SteadyClock = std::chrono::steady_clock;

void SortDetections(std::vector<RegenDetection>& v) {
  std::sort(v.begin(), v.end(), [](const RegenDetection& a, const RegenDetection& b) {
    if (a.detected_at != b.detected_at) return a.detected_at < b.detected_at;
    return a.entity < b.entity;
  });
}

// Parse what CandidatesJson wrote.
std::vector<RegenCandidate> ParseCandidates(std::string_view json) {
  std::vector<RegenCandidate> out;
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::array arr;
  if (parser.parse(padded).get(arr)) return out;
  for (simdjson::dom::element e : arr) {
    RegenCandidate c;
    std::string_view s;
    if (!e["parent"].get(s)) c.parent = std::string(s);
    double v = 0;
    if (!e["score"].get(v)) c.score = v;
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace

StatusOr<bool> SaveDetection(Store& store, const RegenDetection& d) {
  return InsertDetection(
      store, DetectionRow{d.entity, d.parent, d.score, d.detected_at, EvidenceListJson(d.evidence),
                          CandidatesJson(d.candidates)});
}

Status ReplaceDetections(Store& store, const std::vector<RegenDetection>& detections) {
  RETURN_IF_ERROR(DeleteDetections(store));
  for (const RegenDetection& d : detections) RETURN_IF_ERROR(SaveDetection(store, d).status());
  return Status::Ok();
}

StatusOr<std::vector<RegenDetection>> LoadDetections(Store& store) {
  ASSIGN_OR_RETURN(std::vector<DetectionRow> rows, ReadDetections(store));
  std::vector<RegenDetection> out;
  out.reserve(rows.size());
  for (DetectionRow& row : rows) {
    RegenDetection d;
    d.entity = std::move(row.entity);
    d.parent = std::move(row.parent);
    d.score = row.score;
    d.detected_at = row.detected_at;
    auto evidence = ParseEvidenceListJson(row.evidence);
    if (!evidence.ok()) {
      return Status::Corrupt("stored detection of " + d.entity + ": " +
                             evidence.status().message());
    }
    d.evidence = std::move(*evidence);
    d.candidates = ParseCandidates(row.candidates);
    out.push_back(std::move(d));
  }
  return out;
}

StatusOr<std::vector<RegenDetection>> ReplayDetections(Store& store, const RegenOptions& options,
                                                       std::optional<TimeMs> until,
                                                       RegenStats* stats, Progress* progress,
                                                       std::string* state) {
  ASSIGN_OR_RETURN(std::unique_ptr<RegenDetector> det, RegenDetector::Create(options));
  std::vector<RegenDetection> out;
  ReplayOptions ro;
  ro.until = until;
  ro.progress = progress;
  ro.progress_label = "regen";
  RETURN_IF_ERROR(ReplayStore(
      store,
      [&](const Event& e) {
        for (auto& d : det->OnEvent(e)) out.push_back(std::move(d));
        return Status::Ok();
      },
      ro));
  for (auto& d : det->Flush()) out.push_back(std::move(d));
  if (stats != nullptr) *stats = det->stats();
  if (state != nullptr) RETURN_IF_ERROR(det->SaveState(*state));
  SortDetections(out);
  return out;
}

namespace {

// A replay of one snapshot, with the event version it reflects.
struct SnapshotReplay {
  int64_t version = 0;
  std::vector<RegenDetection> detections;
  std::string state;  // the detector's, when asked for
};

StatusOr<SnapshotReplay> ReplaySnapshot(Store& store, const RegenOptions& options,
                                        Progress* progress, bool keep_state = false) {
  RETURN_IF_ERROR(store.BeginRead());
  SnapshotReplay out;
  auto version = store.EventVersion();
  Status st = version.status();
  if (st.ok()) {
    out.version = *version;
    auto dets = ReplayDetections(store, options, std::nullopt, nullptr, progress,
                                 keep_state ? &out.state : nullptr);
    st = dets.status();
    if (st.ok()) out.detections = std::move(*dets);
  }
  Status end = store.Commit();  // ends the read
  RETURN_IF_ERROR(st);
  RETURN_IF_ERROR(end);
  return out;
}

}  // namespace

StatusOr<bool> RefreshDetections(Store& store, const RegenOptions& options, Progress* progress) {
  constexpr int kTries = 3;
  for (int attempt = 0; attempt < kTries; ++attempt) {
    ASSIGN_OR_RETURN(SnapshotReplay replay, ReplaySnapshot(store, options, progress, true));
    RETURN_IF_ERROR(store.Begin());
    auto now = store.EventVersion();
    Status st = now.status();
    const bool unchanged = st.ok() && *now == replay.version;
    if (st.ok() && unchanged) st = ReplaceDetections(store, replay.detections);
    if (st.ok() && unchanged) st = store.MarkDetectionsCurrent();
    if (st.ok() && unchanged) st = SaveRegenState(store, replay.version, replay.state);
    if (!st.ok()) {
      (void)store.Rollback();
      return st;
    }
    RETURN_IF_ERROR(store.Commit());
    if (unchanged) return true;
  }
  return false;
}

StatusOr<std::string> UseCurrentDetections(Store& store, Progress* progress) {
  ASSIGN_OR_RETURN(bool current, store.DetectionsCurrent());
  if (current) return std::string();
  ASSIGN_OR_RETURN(SnapshotReplay replay, ReplaySnapshot(store, RegenOptions{}, progress));
  RETURN_IF_ERROR(ShadowDetections(store));
  for (const RegenDetection& d : replay.detections) {
    RETURN_IF_ERROR(SaveDetection(store, d).status());
  }
  return std::string(
      "regeneration detections recomputed from the events: the stored ones predate the "
      "latest events (an ingest was interrupted, is still running, or ran with --no-enforce); "
      "`cordon regen --save` stores them");
}

// A RegenDetector run on a thread of its own, fed in order in chunks of events; what it raises
// is collected for the writer to store. The thread may first restore the detector from a saved
// state, while the writer goes on: the events fed meanwhile wait for it. Between Feed and Drain
// only the thread touches the detector; Drain returns once it has processed everything fed, so
// the caller may use the detector again after it.
class AsyncDetector {
 public:
  // Runs `detector`, or the one `restore` makes into it first (on the thread; when that fails
  // the detector stays null, the events fed are dropped and restore_status() says why).
  explicit AsyncDetector(std::unique_ptr<RegenDetector>& detector,
                         std::function<StatusOr<std::unique_ptr<RegenDetector>>()> restore = {})
      : detector_(detector), restore_(std::move(restore)) {
    thread_ = std::thread([this] { Loop(); });
  }
  ~AsyncDetector() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

  // Adds the event to the chunk being filled; a full chunk goes to the thread (waiting while
  // it is too far behind).
  void Feed(Event&& event) {
    chunk_.push_back(std::move(event));
    if (chunk_.size() >= kChunk) Hand();
  }
  // Hands over the last chunk, waits until everything fed was processed, and returns what was
  // raised.
  std::vector<RegenDetection> Drain() {
    Hand();
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return restored_ && queue_.empty() && !busy_; });
    return std::exchange(raised_, {});
  }
  // After Drain: the seconds spent on events, and on the restore.
  double seconds() const {
    std::lock_guard<std::mutex> lock(mu_);
    return seconds_;
  }
  double restore_seconds() const {
    std::lock_guard<std::mutex> lock(mu_);
    return restore_seconds_;
  }
  // After Drain: why the restore failed (Ok when it did not, or there was none).
  Status restore_status() const {
    std::lock_guard<std::mutex> lock(mu_);
    return restore_status_;
  }

 private:
  static constexpr size_t kChunk = 1024;
  // Bounds the events in flight: 64 chunks, and while the thread restores (a few seconds for
  // a store of 10M messages), room for what the writer stores meanwhile.
  static constexpr size_t kMaxChunks = 64;
  static constexpr size_t kMaxChunksWhileRestoring = 256;

  void Hand() {
    if (chunk_.empty()) return;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock,
               [&] { return queue_.size() < (restored_ ? kMaxChunks : kMaxChunksWhileRestoring); });
      queue_.push_back(std::move(chunk_));
    }
    cv_.notify_all();
    chunk_ = {};
    chunk_.reserve(kChunk);
  }

  void Restore() {
    const auto t0 = SteadyClock::now();
    auto restored = restore_();
    restore_ = {};  // frees what it held (the saved bytes)
    const double spent = std::chrono::duration<double>(SteadyClock::now() - t0).count();
    std::lock_guard<std::mutex> lock(mu_);
    if (restored.ok()) {
      detector_ = std::move(*restored);
    } else {
      restore_status_ = restored.status();
    }
    restore_seconds_ = spent;
    restored_ = true;
  }

  void Loop() {
    if (restore_) {
      Restore();
      cv_.notify_all();
    }
    for (;;) {
      std::vector<Event> chunk;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
        if (stop_) return;
        chunk = std::move(queue_.front());
        queue_.pop_front();
        busy_ = true;
      }
      cv_.notify_all();  // room for the writer
      std::vector<RegenDetection> found;
      const auto t0 = SteadyClock::now();
      if (detector_ != nullptr) {
        detector_->OnEvents(chunk, found);
      }
      const double spent = std::chrono::duration<double>(SteadyClock::now() - t0).count();
      {
        std::lock_guard<std::mutex> lock(mu_);
        for (auto& d : found) raised_.push_back(std::move(d));
        seconds_ += spent;
        busy_ = false;
      }
      cv_.notify_all();
    }
  }

  std::unique_ptr<RegenDetector>& detector_;  // the stage's; the thread's until Drain
  std::function<StatusOr<std::unique_ptr<RegenDetector>>()> restore_;  // the thread's
  std::vector<Event> chunk_;                                           // the writer's, being filled
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::vector<Event>> queue_;  // guarded by mu_, as are the members below
  bool restored_ = !restore_;
  bool busy_ = false;
  bool stop_ = false;
  std::vector<RegenDetection> raised_;
  double seconds_ = 0;
  double restore_seconds_ = 0;
  Status restore_status_;
  std::thread thread_;
};

EnforceStage::EnforceStage(Store& store, const StageOptions& options, const ledger::Clock* clock)
    : store_(store), options_(options), ledger_(store, clock) {}

EnforceStage::~EnforceStage() = default;

StatusOr<std::unique_ptr<EnforceStage>> EnforceStage::Open(Store& store,
                                                           const StageOptions& options,
                                                           const ledger::Clock* clock) {
  std::unique_ptr<EnforceStage> s(new EnforceStage(store, options, clock));
  if (!options.detect) return s;
  // The warm-up reads one snapshot, without the write lock; its version is the stage's
  // starting point.
  RETURN_IF_ERROR(store.BeginRead());
  std::vector<RegenDetection> found;
  bool current = false;
  Status st = [&]() -> Status {
    ASSIGN_OR_RETURN(s->version_at_open_, store.EventVersion());
    ASSIGN_OR_RETURN(current, store.DetectionsCurrent());
    ASSIGN_OR_RETURN(s->detected_at_open_, DetectedEntities(store));
    if (current) {
      // The detector saved with detections that are still current has seen exactly the
      // store's events: go on from it. Anything unusable about it is reported, then replayed.
      ASSIGN_OR_RETURN(std::optional<int64_t> saved, RegenStateVersion(store));
      if (saved && *saved == s->version_at_open_) {
        auto bytes = ReadRegenState(store);
        const Status header =
            bytes.ok() ? RegenDetector::CheckStateHeader(options.regen, *bytes) : bytes.status();
        if (header.ok()) {
          // Restored on the detector's thread while the writer goes on (AsyncDetector);
          // Finish falls back to a replay should the rest of the bytes turn out damaged.
          s->saved_state_ = std::move(*bytes);
          s->report_.resumed = true;
          s->report_.state_bytes = static_cast<int64_t>(s->saved_state_.size());
          return Status::Ok();
        }
        s->report_.state_unusable = header.message();
        // Detections made with other options give way to this detector's.
        if (header.code() == StatusCode::kInvalidArgument) current = false;
      }
    }
    ASSIGN_OR_RETURN(s->detector_, RegenDetector::Create(options.regen));
    ReplayOptions ro;
    ro.progress = options.progress;
    ro.progress_label = "regen: catching up";
    return ReplayStore(
        store,
        [&](const Event& e) {
          ++s->report_.warmup_events;
          for (auto& d : s->detector_->OnEvent(e)) found.push_back(std::move(d));
          return Status::Ok();
        },
        ro);
  }();
  Status end = store.Commit();
  RETURN_IF_ERROR(st);
  RETURN_IF_ERROR(end);
  s->commits_at_open_ = store.event_commits();
  s->fed_ = s->report_.warmup_events;
  // Stale detections (a crash, an ingest without the stage) give way to the replay's.
  RETURN_IF_ERROR(store.Begin());
  st = current ? s->Save(found) : ReplaceDetections(store, found);
  if (!st.ok()) {
    (void)store.Rollback();
    return st;
  }
  RETURN_IF_ERROR(store.Commit());
  if (s->report_.resumed) {
    s->async_ = std::make_unique<AsyncDetector>(
        s->detector_, [regen = options.regen, state = std::move(s->saved_state_)] {
          return RegenDetector::Restore(regen, state);
        });
  } else {
    s->async_ = std::make_unique<AsyncDetector>(s->detector_);
  }
  return s;
}

Status EnforceStage::Save(const std::vector<RegenDetection>& detections) {
  for (const RegenDetection& d : detections) RETURN_IF_ERROR(SaveDetection(store_, d).status());
  return Status::Ok();
}

StatusOr<bool> EnforceStage::Observe(const Event& event) {
  ++report_.events;
  // Read before the ledger writes: only what the store added is the replay's.
  const bool added = store_.last_apply_added();
  if (options_.mirror_takedowns && (std::holds_alternative<TakedownEvent>(event) ||
                                    std::holds_alternative<ReinstateEvent>(event))) {
    ASSIGN_OR_RETURN(bool mirrored, ledger_.MirrorEvent(event));
    report_.mirrored += mirrored;
  }
  if (async_ == nullptr || !added) return false;
  ++fed_;
  // What it raises is stored by Finish: stored now, the writes would depend on how far the
  // thread had got (the fault-injection tests replay a run's writes exactly), and until
  // Finish the stored detections are stale anyway.
  return true;
}

Status EnforceStage::OnEvent(const Event& event) {
  ASSIGN_OR_RETURN(bool feed, Observe(event));
  if (feed) async_->Feed(Event(event));
  return Status::Ok();
}

Status EnforceStage::OnEvent(Event&& event) {
  ASSIGN_OR_RETURN(bool feed, Observe(event));
  if (feed) async_->Feed(std::move(event));
  return Status::Ok();
}

Status EnforceStage::Finish() {
  if (detector_ == nullptr && async_ == nullptr) return Status::Ok();  // not detecting
  std::vector<RegenDetection> raised;
  if (async_ != nullptr) {
    raised = async_->Drain();
    report_.detector_seconds += async_->seconds();
    report_.state_restore_seconds = async_->restore_seconds();
    const Status restore = async_->restore_status();
    async_.reset();  // the detector is this thread's again
    if (report_.resumed && restore.ok()) {
      report_.warmup_events = detector_->stats().events - fed_;  // what the state held
      fed_ += report_.warmup_events;
    } else if (report_.resumed) {
      // The bytes passed the header check at Open but not the rest: the events fed since
      // were dropped, and the detections are recomputed from a replay below.
      report_.resumed = false;
      report_.state_unusable = restore.message();
      report_.recomputed = "the detector's saved state could not be restored";
      ASSIGN_OR_RETURN(detector_, RegenDetector::Create(options_.regen));
    }
  }
  report_.regen = detector_->stats();
  RETURN_IF_ERROR(store_.Begin());
  Status st = [&]() -> Status {
    // In order: no late event, no other connection's events, and the detector saw as many
    // events as a replay gives. Then its detections are the replay's.
    ASSIGN_OR_RETURN(int64_t version, store_.EventVersion());
    ASSIGN_OR_RETURN(int64_t replay_events, CountReplayEvents(store_));
    const int64_t own = store_.event_commits() - commits_at_open_;
    std::string why;
    if (report_.regen.late_events > 0) {
      why = std::to_string(report_.regen.late_events) +
            " events arrived older than what the detector had passed";
    } else if (version - version_at_open_ != own) {
      why = "another connection applied events during this ingest";
    } else if (replay_events != fed_) {
      why = "the store replays " + std::to_string(replay_events) +
            " events where the detector saw " + std::to_string(fed_);
    }
    if (report_.recomputed.empty()) report_.recomputed = std::move(why);  // else: said above
    if (!report_.recomputed.empty()) return Status::Ok();
    RETURN_IF_ERROR(Save(raised));
    const auto t0 = SteadyClock::now();
    std::vector<RegenDetection> found = detector_->Flush();
    report_.detector_seconds += std::chrono::duration<double>(SteadyClock::now() - t0).count();
    RETURN_IF_ERROR(Save(found));
    RETURN_IF_ERROR(store_.MarkDetectionsCurrent());
    // The next ingest goes on from here instead of replaying the store. A restored state that
    // saw no new event is saved already: it only moves to this version (the version advances
    // with every transaction that applied events, even ones the store held already; the
    // checks above found the replay unchanged).
    if (report_.resumed && fed_ == report_.warmup_events) {
      return SetRegenStateVersion(store_, version);
    }
    const auto t1 = SteadyClock::now();
    std::string state;
    RETURN_IF_ERROR(detector_->SaveState(state));
    RETURN_IF_ERROR(SaveRegenState(store_, version, state));
    report_.state_saved = true;
    report_.state_bytes = static_cast<int64_t>(state.size());
    report_.state_save_seconds = std::chrono::duration<double>(SteadyClock::now() - t1).count();
    return Status::Ok();
  }();
  if (!st.ok()) {
    (void)store_.Rollback();
    return st;
  }
  RETURN_IF_ERROR(store_.Commit());
  if (!report_.recomputed.empty()) {
    ASSIGN_OR_RETURN(bool current, RefreshDetections(store_, options_.regen, options_.progress));
    report_.stale = !current;
  }
  ASSIGN_OR_RETURN(std::vector<std::string> now, DetectedEntities(store_));
  report_.detections = 0;
  for (const std::string& e : now) {
    report_.detections +=
        !std::binary_search(detected_at_open_.begin(), detected_at_open_.end(), e);
  }
  return Status::Ok();
}

std::string DetectionsJson(const std::vector<RegenDetection>& detections, int64_t offset,
                           int64_t limit) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Key("detections").BeginArray();
  const auto total = static_cast<int64_t>(detections.size());
  const int64_t first = std::clamp<int64_t>(offset, 0, total);
  const int64_t end = limit < 0 ? total : std::min(total, first + limit);
  for (int64_t i = first; i < end; ++i) {
    std::string one;
    AppendDetectionJson(one, detections[static_cast<size_t>(i)]);
    w.Raw(one);
  }
  w.EndArray();
  if (end < total) w.Field("next_offset", end);
  w.EndObject();
  return out;
}

}  // namespace cordon::enforce
