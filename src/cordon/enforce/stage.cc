#include "cordon/enforce/stage.h"

#include <algorithm>
#include <chrono>

#include <simdjson.h>

#include "cordon/enforce/replay.h"
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

// Parse what EvidenceJson / CandidatesJson wrote.
std::vector<RegenEvidence> ParseEvidence(std::string_view json) {
  std::vector<RegenEvidence> out;
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::array arr;
  if (parser.parse(padded).get(arr)) return out;
  for (simdjson::dom::element e : arr) {
    RegenEvidence ev;
    std::string_view s;
    if (!e["signal"].get(s)) ev.signal = std::string(s);
    if (!e["detail"].get(s)) ev.detail = std::string(s);
    double v = 0;
    if (!e["value"].get(v)) ev.value = v;
    out.push_back(std::move(ev));
  }
  return out;
}

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
  Statement q(store.db(),
              "INSERT OR IGNORE INTO regen_detections(entity, parent, score, detected_at, "
              "evidence, candidates) VALUES(?1,?2,?3,?4,?5,?6)");
  if (!q.ok()) return q.status();
  RETURN_IF_ERROR(q.Bind(1, d.entity)
                      .Bind(2, d.parent)
                      .Bind(3, d.score)
                      .Bind(4, d.detected_at)
                      .Bind(5, EvidenceJson(d.evidence))
                      .Bind(6, CandidatesJson(d.candidates))
                      .Run());
  return sqlite3_changes(store.db()) > 0;
}

Status ReplaceDetections(Store& store, const std::vector<RegenDetection>& detections) {
  RETURN_IF_ERROR(Exec(store.db(), "DELETE FROM regen_detections"));
  for (const RegenDetection& d : detections) RETURN_IF_ERROR(SaveDetection(store, d).status());
  return Status::Ok();
}

StatusOr<std::vector<RegenDetection>> LoadDetections(Store& store) {
  Statement q(store.db(),
              "SELECT entity, parent, score, detected_at, evidence, candidates "
              "FROM regen_detections ORDER BY detected_at, entity");
  if (!q.ok()) return q.status();
  std::vector<RegenDetection> out;
  while (q.Step()) {
    RegenDetection d;
    d.entity = std::string(q.Text(0));
    d.parent = std::string(q.Text(1));
    d.score = q.Double(2);
    d.detected_at = q.Int(3);
    d.evidence = ParseEvidence(q.Text(4));
    d.candidates = ParseCandidates(q.Text(5));
    out.push_back(std::move(d));
  }
  RETURN_IF_ERROR(q.status());
  return out;
}

StatusOr<std::vector<RegenDetection>> ReplayDetections(Store& store, const RegenOptions& options,
                                                       std::optional<TimeMs> until,
                                                       RegenStats* stats, Progress* progress) {
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
  SortDetections(out);
  return out;
}

EnforceStage::EnforceStage(Store& store, const StageOptions& options, const ledger::Clock* clock)
    : store_(store), options_(options), ledger_(store, clock) {}

EnforceStage::~EnforceStage() = default;

StatusOr<std::unique_ptr<EnforceStage>> EnforceStage::Open(Store& store,
                                                           const StageOptions& options,
                                                           const ledger::Clock* clock) {
  std::unique_ptr<EnforceStage> s(new EnforceStage(store, options, clock));
  if (!options.detect) return s;
  ASSIGN_OR_RETURN(s->detector_, RegenDetector::Create(options.regen));
  RETURN_IF_ERROR(store.Begin());
  std::vector<RegenDetection> found;
  ReplayOptions ro;
  ro.progress = options.progress;
  ro.progress_label = "regen: catching up";
  Status st = ReplayStore(
      store,
      [&](const Event& e) {
        ++s->report_.warmup_events;
        for (auto& d : s->detector_->OnEvent(e)) found.push_back(std::move(d));
        return Status::Ok();
      },
      ro);
  if (st.ok()) st = s->Save(found, false);
  if (!st.ok()) return st;
  RETURN_IF_ERROR(store.Commit());
  return s;
}

Status EnforceStage::Save(const std::vector<RegenDetection>& detections, bool count) {
  for (const RegenDetection& d : detections) {
    ASSIGN_OR_RETURN(bool added, SaveDetection(store_, d));
    if (added && count) ++report_.detections;
  }
  return Status::Ok();
}

Status EnforceStage::OnEvent(const Event& event) {
  ++report_.events;
  if (options_.mirror_takedowns && (std::holds_alternative<TakedownEvent>(event) ||
                                    std::holds_alternative<ReinstateEvent>(event))) {
    ASSIGN_OR_RETURN(bool added, ledger_.MirrorEvent(event));
    report_.mirrored += added;
  }
  if (detector_ == nullptr) return Status::Ok();
  const auto t0 = SteadyClock::now();
  std::vector<RegenDetection> found = detector_->OnEvent(event);
  report_.detector_seconds += std::chrono::duration<double>(SteadyClock::now() - t0).count();
  return Save(found, true);
}

Status EnforceStage::Finish() {
  if (detector_ == nullptr) return Status::Ok();
  RETURN_IF_ERROR(store_.Begin());
  const auto t0 = SteadyClock::now();
  std::vector<RegenDetection> found = detector_->Flush();
  report_.detector_seconds += std::chrono::duration<double>(SteadyClock::now() - t0).count();
  RETURN_IF_ERROR(Save(found, true));
  RETURN_IF_ERROR(store_.Commit());
  report_.regen = detector_->stats();
  return Status::Ok();
}

}  // namespace cordon::enforce
