#include "cordon/pipeline/steps.h"
#include "cordon/store/match_queries.h"

namespace cordon::pipeline {

StatusOr<PipelineReport> RunPipeline(const PipelineOptions& options) {
  ASSIGN_OR_RETURN(Stores stores, OpenStores(options));
  const std::unique_ptr<Matcher> matcher = LoadBanks(stores.banks.get());
  ASSIGN_OR_RETURN(std::vector<std::unique_ptr<Stage>> stages, AttachStages(options, *stores.main));
  IngestOptions ingest = options.ingest;
  ingest.progress = options.progress;
  ingest.matcher = matcher.get();
  ingest.observer = ObserveAll(stages);
  PipelineReport report;
  ASSIGN_OR_RETURN(report.ingest, Ingest(*stores.main, options.inputs, ingest));
  for (const auto& stage : stages) RETURN_IF_ERROR(stage->Finish());
  for (const auto& stage : stages) stage->Report(report);
  if (options.summarize) {
    ASSIGN_OR_RETURN(report.stats, stores.main->Stats());
    if (matcher) {
      ASSIGN_OR_RETURN(report.matched_messages, CountMatchedMessages(*stores.main));
    }
  }
  return report;
}

}  // namespace cordon::pipeline
