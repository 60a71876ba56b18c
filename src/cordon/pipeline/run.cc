#include "cordon/pipeline/steps.h"
#include "cordon/store/match_queries.h"

namespace cordon::pipeline {

struct PipelineSession::Impl {
  PipelineOptions options;
  Stores stores;
  std::unique_ptr<Matcher> matcher;
  std::vector<std::unique_ptr<Stage>> stages;
  bool finished = false;  // Finish ran: the stages open again at the next Ingest
};

PipelineSession::PipelineSession() : impl_(std::make_unique<Impl>()) {}
PipelineSession::~PipelineSession() = default;

StatusOr<std::unique_ptr<PipelineSession>> PipelineSession::Open(const PipelineOptions& options) {
  std::unique_ptr<PipelineSession> session(new PipelineSession());
  Impl& m = *session->impl_;
  m.options = options;
  ASSIGN_OR_RETURN(m.stores, OpenStores(options));
  m.matcher = LoadBanks(m.stores.banks.get(), options);
  ASSIGN_OR_RETURN(m.stages, AttachStages(options, *m.stores.main));
  return session;
}

StatusOr<IngestReport> PipelineSession::Ingest(const std::vector<std::string>& inputs,
                                               IngestOptions ingest) {
  if (impl_->finished) {
    ASSIGN_OR_RETURN(impl_->stages, AttachStages(impl_->options, *impl_->stores.main));
    impl_->finished = false;
  }
  ingest.progress = impl_->options.progress;
  ingest.matcher = impl_->matcher.get();
  ingest.observer = ObserveAll(impl_->stages);
  return cordon::Ingest(*impl_->stores.main, inputs, ingest);
}

Status PipelineSession::Finish(PipelineReport& report) {
  for (const auto& stage : impl_->stages) RETURN_IF_ERROR(stage->Finish());
  for (const auto& stage : impl_->stages) stage->Report(report);
  impl_->stages.clear();
  impl_->finished = true;
  return Status::Ok();
}

Store& PipelineSession::store() { return *impl_->stores.main; }

StatusOr<PipelineReport> RunPipeline(const PipelineOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<PipelineSession> session, PipelineSession::Open(options));
  PipelineReport report;
  ASSIGN_OR_RETURN(report.ingest, session->Ingest(options.inputs, options.ingest));
  RETURN_IF_ERROR(session->Finish(report));
  if (options.summarize) {
    Store& store = session->store();
    ASSIGN_OR_RETURN(report.stats, store.Stats());
    if (options.match) {
      ASSIGN_OR_RETURN(report.matched_messages, CountMatchedMessages(store));
    }
  }
  return report;
}

}  // namespace cordon::pipeline
