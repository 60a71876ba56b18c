#include "cordon/distribute/global_detector.h"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <thread>

#include "cordon/distribute/jetstream.h"
#include "cordon/enforce/regen.h"
#include "cordon/enforce/stage.h"
#include "cordon/ingest/importer.h"
#include "cordon/store/replay.h"
#include "cordon/store/store.h"
#include "cordon/util/json_writer.h"
#include "cordon/util/time.h"

namespace cordon::distribute {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kRenewMs = 2000;

// The lease's value, for `cluster status`.
std::string LeaseValue(const std::string& holder, const GlobalDetectorReport& r, size_t buffered) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject()
      .Field("holder", holder)
      .Field("pid", static_cast<int64_t>(::getpid()))
      .Field("seen_ms", UnixNowMs())
      .Field("events", r.events)
      .Field("buffered", static_cast<int64_t>(buffered))
      .Field("checkpoints", r.checkpoints)
      .Field("replays", r.replays)
      .EndObject();
  return out;
}

bool Set(const std::atomic<bool>* flag) { return flag != nullptr && flag->load(); }

// Sleeps `ms`, waking early on `stop`.
void Nap(int64_t ms, const std::atomic<bool>* stop) {
  for (int64_t slept = 0; slept < ms && !Set(stop); slept += 50) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

// What the importer finds in a fetched batch goes into the reorder buffer. Rejects and weirds
// are the workers' to count (they import the same lines).
class BufferSink final : public EventSink {
 public:
  explicit BufferSink(std::multimap<TimeMs, Event>& buffer, TimeMs& newest)
      : buffer_(buffer), newest_(newest) {}
  Status OnEvent(Event&& event, const Location&) override {
    const TimeMs t = EventTime(event);
    newest_ = std::max(newest_, t);
    buffer_.emplace(t, std::move(event));
    return Status::Ok();
  }
  void OnReject(const Location&, std::string_view) override {}
  void OnWeird(std::string_view, std::string_view, const Location&) override {}

 private:
  std::multimap<TimeMs, Event>& buffer_;
  TimeMs& newest_;
};

// One term: the lease held, the stream folded from its first message.
class Term {
 public:
  Term(JetStream& lease, uint64_t revision, const GlobalDetectorOptions& o,
       GlobalDetectorReport& report)
      : lease_(lease),
        revision_(revision),
        o_(o),
        report_(report),
        // Named by holder: a holder that lost its lease must not delete its successor's.
        reader_name_("cordon-detector-" + o.name) {}

  // Returns when `stop` is set, when `finishing` is set and the detections are current, or
  // when the lease was lost (*lost set).
  Status Run(bool* lost) {
    ASSIGN_OR_RETURN(reader_, JetStream::Connect(lease_.urls()));
    RETURN_IF_ERROR(reader_->SubscribeReader(o_.stream, reader_name_, o_.stream + ".events.>"));
    StoreOptions so;
    so.durable = true;
    ASSIGN_OR_RETURN(store_, Store::Open(o_.db, so));
    ASSIGN_OR_RETURN(detector_, enforce::RegenDetector::Create());
    importer_ = FindImporter("cordon-events");
    if (importer_ == nullptr) return Status::Internal("no cordon-events importer");
    file_ = (fs::path(o_.work_dir) / "detector-batch.ndjson").string();
    last_renew_ = SteadyNowMs();
    last_save_ = SteadyNowMs();
    while (!Set(o_.stop)) {
      if (SteadyNowMs() - last_renew_ >= kRenewMs) {
        ASSIGN_OR_RETURN(bool held, Renew());
        if (!held) {
          *lost = true;
          return Status::Ok();
        }
      }
      ASSIGN_OR_RETURN(std::vector<Message> batch, reader_->Fetch(o_.batch, o_.idle_ms));
      if (!batch.empty()) {
        Status s = Feed(batch);
        for (Message& m : batch) reader_->Drop(m);
        RETURN_IF_ERROR(s);
        if (SteadyNowMs() - last_save_ >= o_.save_every_ms) RETURN_IF_ERROR(SaveRaised());
        continue;
      }
      ASSIGN_OR_RETURN(bool current, store_->DetectionsCurrent());
      if (current && checkpointed_ == fed_ && buffer_.empty()) {
        if (Set(o_.finishing)) return Status::Ok();
        continue;
      }
      RETURN_IF_ERROR(Checkpoint());
    }
    return Status::Ok();
  }

  ~Term() {
    if (reader_ != nullptr) (void)reader_->DeleteConsumer(o_.stream, reader_name_);
  }

 private:
  StatusOr<bool> Renew() {
    last_renew_ = SteadyNowMs();
    return lease_.UpdateKey(DetectorBucket(o_.stream), kDetectorLeaseKey,
                            LeaseValue(o_.name, report_, buffer_.size()), &revision_);
  }

  Status Feed(const std::vector<Message>& batch) {
    std::string lines;
    for (const Message& m : batch) {
      lines += m.data;
      lines += '\n';
    }
    {
      std::ofstream out(file_, std::ios::binary | std::ios::trunc);
      out.write(lines.data(), static_cast<std::streamsize>(lines.size()));
      if (!out) return Status::IoError("cannot write " + file_);
    }
    received_ += static_cast<int64_t>(batch.size());
    report_.messages += static_cast<int64_t>(batch.size());
    BufferSink sink(buffer_, newest_);
    Status s = importer_->Import(InputFile{file_}, ImportLimits{}, sink);
    std::error_code ec;
    fs::remove(file_, ec);
    RETURN_IF_ERROR(s);
    Release(false);
    return Status::Ok();
  }

  // Feeds the detector what the buffer need not hold any longer (everything when `all`).
  void Release(bool all) {
    while (!buffer_.empty()) {
      auto first = buffer_.begin();
      if (!all && first->first > newest_ - o_.lateness_ms && buffer_.size() <= o_.max_buffered) {
        break;
      }
      Raise(detector_->OnEvent(first->second));
      ++fed_;
      ++report_.events;
      buffer_.erase(first);
    }
  }

  void Raise(std::vector<enforce::RegenDetection> found) {
    for (auto& d : found) raised_.push_back(std::move(d));
  }

  // Stores what was raised since the last save, while the stored detections are stale anyway
  // (workers applied events since they were made current).
  Status SaveRaised() {
    last_save_ = SteadyNowMs();
    if (saved_ == raised_.size()) return Status::Ok();
    RETURN_IF_ERROR(store_->Begin());
    Status st = [&]() -> Status {
      ASSIGN_OR_RETURN(bool current, store_->DetectionsCurrent());
      if (current) return Status::Ok();
      for (size_t i = saved_; i < raised_.size(); ++i) {
        RETURN_IF_ERROR(enforce::SaveDetection(*store_, raised_[i]).status());
      }
      saved_ = raised_.size();
      return Status::Ok();
    }();
    if (!st.ok()) {
      (void)store_->Rollback();
      return st;
    }
    return store_->Commit();
  }

  // Quiet: every event published was given to this detector, and every message published
  // was applied and acknowledged by a worker. Asked while holding the store's write lock, so
  // that no worker commits between the answer and the checkpoint.
  StatusOr<bool> Quiet() {
    ASSIGN_OR_RETURN(ConsumerState mine, reader_->GetConsumerState(o_.stream, reader_name_));
    if (mine.pending != 0 || static_cast<int64_t>(mine.delivered) != received_) return false;
    StatusOr<ConsumerState> work = reader_->GetConsumerState(o_.stream, o_.work_consumer);
    if (work.status().code() == StatusCode::kNotFound) return false;  // no worker yet
    RETURN_IF_ERROR(work.status());
    return work->pending == 0 && work->ack_pending == 0;
  }

  Status Checkpoint() {
    // Asked once before taking the lock, so that a busy cluster's workers are not held up.
    ASSIGN_OR_RETURN(bool quiet_now, Quiet());
    if (!quiet_now) return Status::Ok();
    RETURN_IF_ERROR(store_->Begin());
    bool done = false;
    Status st = [&]() -> Status {
      ASSIGN_OR_RETURN(bool quiet, Quiet());
      if (!quiet) return Status::Ok();
      done = true;
      Release(true);
      Raise(detector_->Flush());
      ASSIGN_OR_RETURN(int64_t replay_events, CountReplayEvents(*store_));
      const int64_t late = detector_->stats().late_events;
      std::string why;
      if (late > 0) {
        why = std::to_string(late) + " events came later than the reorder buffer reaches";
      } else if (replay_events != fed_) {
        why = "the store replays " + std::to_string(replay_events) +
              " events where the stream gave " + std::to_string(fed_);
      }
      if (why.empty()) {
        ++report_.checkpoints;
      } else {
        RETURN_IF_ERROR(Rebuild());
        ++report_.replays;
        report_.replayed_because = why;
      }
      RETURN_IF_ERROR(enforce::ReplaceDetections(*store_, raised_));
      return store_->MarkDetectionsCurrent();
    }();
    if (!st.ok() || !done) {
      (void)store_->Rollback();
      return st;
    }
    RETURN_IF_ERROR(store_->Commit());
    checkpointed_ = fed_;
    saved_ = raised_.size();
    return Status::Ok();
  }

  // A fresh detector from a replay of the store (inside the checkpoint's transaction): it
  // then stands where the stream's reader does.
  Status Rebuild() {
    ASSIGN_OR_RETURN(detector_, enforce::RegenDetector::Create());
    raised_.clear();
    int64_t fed = 0;
    RETURN_IF_ERROR(ReplayStore(*store_, [&](const Event& e) {
      Raise(detector_->OnEvent(e));
      ++fed;
      return Status::Ok();
    }));
    Raise(detector_->Flush());
    fed_ = fed;
    report_.events += fed;
    return Status::Ok();
  }

  JetStream& lease_;
  uint64_t revision_;
  const GlobalDetectorOptions& o_;
  GlobalDetectorReport& report_;
  std::unique_ptr<JetStream> reader_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<enforce::RegenDetector> detector_;
  const Importer* importer_ = nullptr;
  std::string file_;
  std::multimap<TimeMs, Event> buffer_;
  TimeMs newest_ = std::numeric_limits<TimeMs>::min();
  std::vector<enforce::RegenDetection> raised_;
  size_t saved_ = 0;  // raised_[0, saved_) are stored
  const std::string reader_name_;
  int64_t received_ = 0;       // messages fetched this term
  int64_t fed_ = 0;            // events given to detector_ (a replay's included)
  int64_t checkpointed_ = -1;  // fed_ at the last checkpoint
  int64_t last_renew_ = 0;
  int64_t last_save_ = 0;
};

// Whether the stored detections are current, on a connection kept open between calls (and
// opened again after a failure).
StatusOr<bool> StoreCurrent(const std::string& db, std::unique_ptr<Store>& store) {
  if (store == nullptr) {
    ASSIGN_OR_RETURN(store, Store::Open(db));
  }
  StatusOr<bool> current = store->DetectionsCurrent();
  if (!current.ok()) store.reset();
  return current;
}

}  // namespace

std::string DetectorBucket(const std::string& stream) { return stream + "_detector"; }

StatusOr<GlobalDetectorReport> RunGlobalDetector(const std::string& nats_urls,
                                                 const GlobalDetectorOptions& o) {
  GlobalDetectorReport report;
  ASSIGN_OR_RETURN(std::unique_ptr<JetStream> js, JetStream::Connect(nats_urls));
  const std::string bucket = DetectorBucket(o.stream);
  RETURN_IF_ERROR(js->EnsureBucket(bucket, kDetectorLeaseTtlMs));
  int64_t backoff_ms = 0;
  auto retry_later = [&](const Status& why) -> Status {
    if (why.code() != StatusCode::kIoError) return why;
    backoff_ms = std::min<int64_t>(std::max<int64_t>(backoff_ms * 2, 250), 30000);
    if (o.on_retry) o.on_retry(why, backoff_ms);
    Nap(backoff_ms, o.stop);
    return Status::Ok();
  };
  std::unique_ptr<Store> store;  // for StoreCurrent, while not holding the lease
  while (!Set(o.stop)) {
    // The lease is taken only when there is work for it: a holder's successor reads the
    // stream from its start, so nobody takes over while the detections are current (a holder
    // that finished and handed over, a cluster at rest).
    StatusOr<bool> current = StoreCurrent(o.db, store);
    if (!current.ok()) {
      RETURN_IF_ERROR(retry_later(current.status()));
      continue;
    }
    if (*current) {
      if (Set(o.finishing)) break;
      Nap(250, o.stop);  // one small query: soon after the workers' first commit, a holder
      continue;
    }
    uint64_t revision = 0;
    StatusOr<bool> taken =
        js->CreateKey(bucket, kDetectorLeaseKey, LeaseValue(o.name, report, 0), &revision);
    if (!taken.ok()) {
      RETURN_IF_ERROR(retry_later(taken.status()));
      continue;
    }
    if (!*taken) {
      Nap(1000, o.stop);  // held by another worker: wait to take over should it stop renewing
      continue;
    }
    ++report.terms;
    store.reset();  // the term opens its own
    bool lost = false;
    Status s;
    {
      Term term(*js, revision, o, report);
      s = term.Run(&lost);
    }
    if (!lost) (void)js->Delete(bucket, kDetectorLeaseKey);  // hand over at once
    if (!s.ok()) {
      RETURN_IF_ERROR(retry_later(s));
      continue;
    }
    backoff_ms = 0;
    if (!lost && Set(o.finishing)) break;
  }
  return report;
}

}  // namespace cordon::distribute
