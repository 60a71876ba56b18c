// The pipeline: one way to turn inputs into a store, for `cordon ingest`, `cordon demo` and
// anything later (a service, workers). Its steps, one file each (steps.h):
//   open_store.cc    open the store (and a second connection for the banks)
//   load_banks.cc    build the matcher over the banks (content/matcher.h)
//   attach_stages.cc open the registered stages (stages.cc) and fan events out to them
//   run.cc           ingest (ingest/ingest.h), finish the stages, report
//
// Thread safety: RunPipeline opens its own connections; calls may run in parallel (on one
// database the store's locking orders them).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cordon/enforce/stage.h"
#include "cordon/ingest/ingest.h"
#include "cordon/store/store.h"

namespace cordon {
class BankSource;
class Progress;
}  // namespace cordon

namespace cordon::pipeline {

struct PipelineOptions {
  std::string db;  // created when missing
  // Every commit durable (StoreOptions::durable): for a consumer that acknowledges its input
  // once a commit returns (`cordon worker`), so that a server crash cannot lose what it
  // acknowledged. `cordon ingest` leaves it off: a lost batch is read again from the file.
  bool durable = false;
  std::vector<std::string> inputs;
  // Format, batches, media, resume and hooks. The pipeline sets its progress, matcher and
  // observer.
  IngestOptions ingest;
  // Match messages against the banks (read on a connection of their own, so bank changes
  // committed by another process during the ingest are seen at the next batch).
  bool match = true;
  // A bank change seen during the ingest is loaded after a random delay of up to this (workers
  // sharing one store do not all rebuild in one instant; content/matcher.h); 0: at once.
  int64_t bank_reload_jitter_ms = 0;
  // Where the matcher reads the banks (content/bank_source.h); borrowed, must outlive the
  // session. Null: the store, on a connection of its own.
  BankSource* bank_source = nullptr;
  // When set, a bank refresh that fails during the ingest keeps the banks loaded before and is
  // reported here (MatcherOptions::on_refresh_error) instead of failing the ingest.
  std::function<void(const Status&)> on_bank_error;
  // Run the regeneration detector in the enforcement stage (the stage still mirrors platform
  // takedowns into the ledger without it). Off for `cordon worker`, whose detections come from
  // one global detector over the whole stream (distribute/global_detector.h).
  bool detect = true;
  // Registered stages (stages.h) not to run, by name ("enforce").
  std::vector<std::string> skip_stages;
  Progress* progress = nullptr;          // borrowed; null: silent
  const ledger::Clock* clock = nullptr;  // for the stages; null: the system clock
  // Also count matched messages and the store's contents at the end (PipelineReport).
  bool summarize = false;
};

struct PipelineReport {
  IngestReport ingest;
  // Filled by the stages (Stage::Report); empty when the stage did not run.
  std::optional<enforce::StageReport> enforce;
  // With PipelineOptions::summarize: messages with a stored match (when matching) and what
  // the store holds.
  std::optional<int64_t> matched_messages;
  std::optional<StoreStats> stats;
};

// A pipeline kept open across inputs, for a long-running consumer (`cordon worker`): the store,
// the matcher and the stages are opened once, and each Ingest runs more inputs through them.
// Thread safety: one thread at a time.
class PipelineSession {
 public:
  // Opens the store, loads the banks and attaches the stages (options.inputs is not read).
  static StatusOr<std::unique_ptr<PipelineSession>> Open(const PipelineOptions& options);
  ~PipelineSession();
  // Ingests `inputs` with `ingest` (its progress, matcher and observer are the session's);
  // opens the stages again first when they were finished.
  StatusOr<IngestReport> Ingest(const std::vector<std::string>& inputs, IngestOptions ingest);
  // Finishes the stages (the detections brought up to date with the store: recomputed from a
  // replay when another connection wrote meanwhile) and adds their reports to `report`.
  Status Finish(PipelineReport& report);
  Store& store();

 private:
  PipelineSession();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Opens the store, loads the banks, attaches the stages, ingests every input, finishes the
// stages and reports. Non-OK when the store or a stage fails; unreadable inputs are reported in
// PipelineReport::ingest with their status.
StatusOr<PipelineReport> RunPipeline(const PipelineOptions& options);

}  // namespace cordon::pipeline
