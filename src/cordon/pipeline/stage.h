// A stage of the pipeline: something that watches the stream of events as ingest applies them
// (a detector, the ledger's mirror of stream takedowns) and says what it did at the end.
//
// A new detector is one file that implements Stage and one registration line in stages.cc;
// RunPipeline (pipeline.h) opens every registered stage the options do not skip, feeds each
// applied event to all of them in registration order, finishes them, and collects their reports.
//
// Thread safety: a stage is used by one thread, the store's.
#pragma once

#include <memory>
#include <string_view>

#include "cordon/model/event.h"
#include "cordon/util/status.h"

namespace cordon {
class Progress;
class Store;
namespace ledger {
class Clock;
}
}  // namespace cordon

namespace cordon::pipeline {

struct PipelineReport;

// What a stage is opened with; everything is borrowed and outlives the stage.
struct StageContext {
  Store& store;                          // the ingest's connection
  Progress* progress = nullptr;          // null: silent
  const ledger::Clock* clock = nullptr;  // null: the system clock
  bool detect = true;                    // PipelineOptions::detect
};

class Stage {
 public:
  virtual ~Stage() = default;
  // The name it is registered and skipped by (PipelineOptions::skip_stages).
  virtual std::string_view name() const = 0;
  // One event, already applied to the store, in input order, inside the open write
  // transaction. A non-OK status stops the ingest like a store error.
  virtual Status OnEvent(const Event& event) = 0;
  // The same, for the last stage, which may keep the event's contents (the pipeline reads
  // nothing of it afterwards) instead of copying them.
  virtual Status TakeEvent(Event&& event) { return OnEvent(event); }
  // End of input, outside any transaction (a stage may open its own).
  virtual Status Finish() = 0;
  // Adds what the stage did to the pipeline's report; called after Finish.
  virtual void Report(PipelineReport& report) const = 0;
};

}  // namespace cordon::pipeline
