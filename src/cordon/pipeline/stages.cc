#include "cordon/pipeline/stages.h"

#include "cordon/pipeline/enforce_stage.h"

namespace cordon::pipeline {

const std::vector<StageEntry>& RegisteredStages() {
  static const std::vector<StageEntry> stages = {
      {kEnforceStageName, &OpenEnforceStage},
  };
  return stages;
}

}  // namespace cordon::pipeline
