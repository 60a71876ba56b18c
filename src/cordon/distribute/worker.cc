#include "cordon/distribute/worker.h"

#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "cordon/distribute/bank_sync.h"
#include "cordon/distribute/notes.h"
#include "cordon/distribute/publish.h"
#include "cordon/pipeline/enforce_stage.h"
#include "cordon/util/digest.h"
#include "cordon/util/json_writer.h"
#include "cordon/util/time.h"

namespace cordon::distribute {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kHeartbeatMs = 2000;

// Releases the messages of a batch not acknowledged (on an early return): they come again.
struct DropUnacked {
  JetStream& js;
  std::vector<Message>& batch;
  ~DropUnacked() {
    for (Message& m : batch) js.Drop(m);
  }
};

std::string Heartbeat(const WorkerOptions& o, const WorkerReport& r, int64_t started,
                      std::string_view state) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject()
      .Field("name", o.name)
      .Field("pid", static_cast<int64_t>(::getpid()))
      .Field("state", state)
      .Field("started_ms", started)
      .Field("seen_ms", UnixNowMs())
      .Field("messages", r.messages)
      .Field("events", r.events)
      .Field("batches", r.batches)
      .Field("checkpoints", r.checkpoints)
      .EndObject();
  return out;
}

// Worker names become key-value keys: letters, digits, '-' and '_' only.
bool ValidName(const std::string& n) {
  if (n.empty() || n.size() > 64) return false;
  for (unsigned char c : n) {
    if (!std::isalnum(c) && c != '-' && c != '_') return false;
  }
  return true;
}

// Applies one batch: its events through the pipeline (one transaction), then its notes (one
// more); nothing is acknowledged here. Counts go to `counted`, which the caller adds to its
// report only when the whole batch committed: a batch that failed comes again and is counted
// then.
Status ApplyBatch(pipeline::PipelineSession& session, const std::vector<Message>& batch,
                  const fs::path& dir, const std::string& stream, const IngestOptions& ingest,
                  WorkerReport& counted, int64_t* n_events) {
  std::string events;
  std::vector<const Message*> notes;
  *n_events = 0;
  for (const Message& m : batch) {
    if (m.subject.find(".events.") != std::string::npos) {
      events += m.data;
      events += '\n';
      ++*n_events;
    } else {
      notes.push_back(&m);
    }
  }
  if (*n_events > 0) {
    // Named by content: a batch redelivered whole has the same name, and its rejects (keyed
    // by file and line) land on the same rows.
    const fs::path file = dir / ("batch-" + DigestBytes(events).sha256 + ".ndjson");
    {
      std::ofstream out(file, std::ios::binary | std::ios::trunc);
      out.write(events.data(), static_cast<std::streamsize>(events.size()));
      if (!out) return Status::IoError("cannot write " + file.string());
    }
    StatusOr<IngestReport> r = session.Ingest({file.string()}, ingest);
    std::error_code ec;
    fs::remove(file, ec);
    if (!r.ok()) return r.status();
    for (const FileReport& f : r->files) {
      if (!f.status.ok()) return f.status;
    }
    counted.events += r->events;
    counted.rejected += r->rejected;
  }
  if (notes.empty()) return Status::Ok();
  Store& store = session.store();
  RETURN_IF_ERROR(store.Begin());
  for (const Message* m : notes) {
    Status s = ApplyNote(store, m->data);
    if (s.code() == StatusCode::kCorrupt) {
      ++counted.rejected;
      Location where{"nats:" + stream + "/" + std::to_string(m->stream_seq), 0, -1};
      s = store.AddReject(where, s.message());
    } else if (s.ok()) {
      ++counted.notes;
    }
    if (!s.ok()) {
      (void)store.Rollback();
      return s;
    }
  }
  return store.Commit();
}

bool Stopped(const WorkerOptions& o) { return o.stop != nullptr && o.stop->load(); }

// The worker's global detector (global_detector.h) on a thread of its own, stopped and joined
// on every way out of RunWorker.
class GlobalDetectorThread {
 public:
  GlobalDetectorThread(const std::string& urls, const WorkerOptions& o, const fs::path& dir) {
    if (!o.enforce) return;
    options_.stream = o.stream;
    options_.work_consumer = o.durable;
    options_.name = o.name;
    options_.db = o.db;
    options_.work_dir = dir.string();
    options_.batch = o.batch;
    options_.idle_ms = o.idle_ms;
    options_.lateness_ms = o.detector_lateness_ms;
    options_.stop = &stop_;
    options_.finishing = &finishing_;
    options_.on_retry = o.on_retry;
    thread_ = std::thread([this, urls] {
      result_ = RunGlobalDetector(urls, options_);
      done_ = true;
    });
  }
  ~GlobalDetectorThread() { (void)Join(false); }

  // The detector's error, once it ended with one.
  Status Failure() const {
    if (!done_.load() || result_.ok()) return Status::Ok();
    return result_.status();
  }

  // `finish`: let it make the detections current first; otherwise stop it now.
  StatusOr<GlobalDetectorReport> Join(bool finish) {
    if (!thread_.joinable()) return result_;
    (finish ? finishing_ : stop_) = true;
    thread_.join();
    return result_;
  }

 private:
  GlobalDetectorOptions options_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> finishing_{false};
  std::atomic<bool> done_{false};
  StatusOr<GlobalDetectorReport> result_ = GlobalDetectorReport{};
  std::thread thread_;
};

}  // namespace

StatusOr<WorkerReport> RunWorker(JetStream& js, const WorkerOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  if (!ValidName(o.name)) {
    return Status::InvalidArgument("--name: 1 to 64 letters, digits, '-' or '_', got '" + o.name +
                                   "'");
  }
  fs::path dir = o.work_dir;
  if (dir.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    dir = fs::path(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") / ("cordon-worker-" + o.name);
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::IoError("cannot create " + dir.string() + ": " + ec.message());

  StreamSpec spec;
  spec.name = o.stream;
  RETURN_IF_ERROR(js.EnsureStream(spec));
  RETURN_IF_ERROR(js.Subscribe(o.stream, o.durable, o.ack_wait_ms));
  const std::string workers = WorkersBucket(o.stream);
  RETURN_IF_ERROR(js.EnsureBucket(workers, kHeartbeatTtlMs));

  WorkerReport report;
  pipeline::PipelineOptions popt;
  popt.db = o.db;
  popt.durable = true;  // a batch is acknowledged once its commit returns: it must survive
  popt.match = o.match;
  popt.bank_reload_jitter_ms = o.bank_reload_jitter_ms;
  std::unique_ptr<JetStreamBankSource> banks;
  if (o.match && o.banks_from_nats) {
    // On this thread's JetStream, like the fetches: the matcher refreshes between them.
    ASSIGN_OR_RETURN(banks, JetStreamBankSource::Open(js, o.stream));
    popt.bank_source = banks.get();
    popt.on_bank_error = [&report, &o](const Status& why) {
      ++report.bank_errors;
      if (o.on_bank_error) o.on_bank_error(why);
    };
  }
  if (!o.enforce) popt.skip_stages.emplace_back(pipeline::kEnforceStageName);
  popt.detect = false;  // the global detector's, below
  IngestOptions ingest;
  ingest.format = "cordon-events";
  ingest.hash_media = false;  // the publisher hashed them; the worker has no media files
  ingest.record_files = false;
  ingest.batch_events = static_cast<size_t>(o.batch) + 1;  // one transaction a batch

  const int64_t started = UnixNowMs();
  int64_t last_beat = 0;
  auto beat = [&](std::string_view state) -> Status {
    last_beat = SteadyNowMs();
    return js.Put(workers, o.name, Heartbeat(o, report, started, state));
  };
  RETURN_IF_ERROR(beat("starting"));
  GlobalDetectorThread detector(js.urls(), o, dir);

  // The store may be away (a database restarting): an I/O failure to open it or to apply a
  // batch is retried with exponential backoff, the batch handed back for redelivery; any other
  // failure ends the worker.
  std::unique_ptr<pipeline::PipelineSession> session;
  int64_t backoff_ms = 0;
  auto retry_later = [&](const Status& why) -> Status {
    if (why.code() != StatusCode::kIoError) return why;
    session.reset();
    backoff_ms = std::min<int64_t>(std::max<int64_t>(backoff_ms * 2, 250), 30000);
    ++report.retries;
    if (o.on_retry) o.on_retry(why, backoff_ms);
    for (int64_t slept = 0; slept < backoff_ms && !Stopped(o); slept += 50) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return beat("retrying");
  };
  bool dirty = false;  // events applied since the stages last finished
  while (!Stopped(o)) {
    RETURN_IF_ERROR(detector.Failure());
    if (session == nullptr) {
      StatusOr<std::unique_ptr<pipeline::PipelineSession>> opened =
          pipeline::PipelineSession::Open(popt);
      if (!opened.ok()) {
        RETURN_IF_ERROR(retry_later(opened.status()));
        continue;
      }
      session = std::move(*opened);
      RETURN_IF_ERROR(beat("running"));
    }
    if (SteadyNowMs() - last_beat >= kHeartbeatMs) RETURN_IF_ERROR(beat("running"));
    ASSIGN_OR_RETURN(std::vector<Message> batch, js.Fetch(o.batch, o.idle_ms));
    DropUnacked guard{js, batch};
    if (batch.empty()) {
      if (dirty) {
        report.last = pipeline::PipelineReport();
        if (Status s = session->Finish(report.last); !s.ok()) {
          RETURN_IF_ERROR(retry_later(s));
          continue;
        }
        ++report.checkpoints;
        dirty = false;
      }
      if (o.exit_when_drained) {
        ASSIGN_OR_RETURN(ConsumerState c, js.GetConsumerState(o.stream, o.durable));
        if (c.pending == 0 && c.ack_pending == 0) break;
      }
      continue;
    }
    int64_t n_events = 0;
    WorkerReport counted;
    if (Status s = ApplyBatch(*session, batch, dir, o.stream, ingest, counted, &n_events);
        !s.ok()) {
      js.NakAll(batch);  // redelivered at once, to whichever worker asks first
      dirty = true;      // the stages reopen with the session: finish them once it settles
      RETURN_IF_ERROR(retry_later(s));
      continue;
    }
    backoff_ms = 0;
    // Everything above is committed: acknowledge.
    RETURN_IF_ERROR(js.AckAll(batch));
    report.events += counted.events;
    report.rejected += counted.rejected;
    report.notes += counted.notes;
    report.messages += static_cast<int64_t>(batch.size());
    ++report.batches;
    dirty = dirty || n_events > 0;
  }
  if (dirty && session != nullptr) {
    report.last = pipeline::PipelineReport();
    RETURN_IF_ERROR(session->Finish(report.last));
    ++report.checkpoints;
  }
  // Drained: wait until the detections are current (this worker's detector makes them so when
  // nobody else holds the lease). Stopped: the detector hands its lease over at once.
  if (!Stopped(o)) RETURN_IF_ERROR(beat("finishing"));
  ASSIGN_OR_RETURN(report.detector, detector.Join(/*finish=*/!Stopped(o)));
  RETURN_IF_ERROR(beat("stopped"));
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace cordon::distribute
