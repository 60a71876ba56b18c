#include <algorithm>

#include "cordon/pipeline/stages.h"
#include "cordon/pipeline/steps.h"

namespace cordon::pipeline {

StatusOr<std::vector<std::unique_ptr<Stage>>> AttachStages(const PipelineOptions& options,
                                                           Store& store) {
  for (const std::string& skip : options.skip_stages) {
    const auto& all = RegisteredStages();
    if (std::none_of(all.begin(), all.end(), [&](const StageEntry& e) { return e.name == skip; })) {
      return Status::InvalidArgument("no pipeline stage named '" + skip + "'");
    }
  }
  const StageContext context{store, options.progress, options.clock, options.detect};
  std::vector<std::unique_ptr<Stage>> stages;
  for (const StageEntry& entry : RegisteredStages()) {
    const auto& skip = options.skip_stages;
    if (std::find(skip.begin(), skip.end(), entry.name) != skip.end()) continue;
    ASSIGN_OR_RETURN(std::unique_ptr<Stage> stage, entry.open(context));
    stages.push_back(std::move(stage));
  }
  return stages;
}

std::function<Status(Event&)> ObserveAll(const std::vector<std::unique_ptr<Stage>>& stages) {
  if (stages.empty()) return nullptr;
  return [&stages](Event& e) -> Status {
    for (size_t i = 0; i + 1 < stages.size(); ++i) RETURN_IF_ERROR(stages[i]->OnEvent(e));
    return stages.back()->TakeEvent(std::move(e));
  };
}

}  // namespace cordon::pipeline
