#include "cordon/pipeline/enforce_stage.h"

#include "cordon/enforce/stage.h"
#include "cordon/pipeline/pipeline.h"

namespace cordon::pipeline {
namespace {

class EnforceAdapter final : public Stage {
 public:
  explicit EnforceAdapter(std::unique_ptr<enforce::EnforceStage> stage)
      : stage_(std::move(stage)) {}
  std::string_view name() const override { return kEnforceStageName; }
  Status OnEvent(const Event& event) override { return stage_->OnEvent(event); }
  Status TakeEvent(Event&& event) override { return stage_->OnEvent(std::move(event)); }
  Status Finish() override { return stage_->Finish(); }
  void Report(PipelineReport& report) const override { report.enforce = stage_->report(); }

 private:
  std::unique_ptr<enforce::EnforceStage> stage_;
};

}  // namespace

StatusOr<std::unique_ptr<Stage>> OpenEnforceStage(const StageContext& context) {
  enforce::StageOptions options;
  options.progress = context.progress;
  options.detect = context.detect;
  ASSIGN_OR_RETURN(std::unique_ptr<enforce::EnforceStage> stage,
                   enforce::EnforceStage::Open(context.store, options, context.clock));
  return std::unique_ptr<Stage>(std::make_unique<EnforceAdapter>(std::move(stage)));
}

}  // namespace cordon::pipeline
