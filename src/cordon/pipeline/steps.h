// The steps of RunPipeline (pipeline.h), one file each; internal to pipeline/.
#pragma once

#include <memory>
#include <vector>

#include "cordon/content/matcher.h"
#include "cordon/pipeline/pipeline.h"
#include "cordon/pipeline/stage.h"

namespace cordon::pipeline {

struct Stores {
  std::unique_ptr<Store> main;
  std::unique_ptr<Store> banks;  // null when not matching
};

// open_store.cc
StatusOr<Stores> OpenStores(const PipelineOptions& options);

// load_banks.cc: over options.bank_source when set, else `banks`; null when not matching.
std::unique_ptr<Matcher> LoadBanks(Store* banks, const PipelineOptions& options);

// attach_stages.cc: the registered stages not skipped, opened in order.
StatusOr<std::vector<std::unique_ptr<Stage>>> AttachStages(const PipelineOptions& options,
                                                           Store& store);
// An observer (IngestOptions::observer) that feeds each event to every stage in order; empty
// when there are none.
std::function<Status(Event&)> ObserveAll(const std::vector<std::unique_ptr<Stage>>& stages);

}  // namespace cordon::pipeline
