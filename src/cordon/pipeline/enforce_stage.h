// The enforcement stage (enforce/stage.h: regeneration detector and ledger mirror) behind the
// pipeline's Stage interface. Its report goes to PipelineReport::enforce.
#pragma once

#include "cordon/pipeline/stage.h"

namespace cordon::pipeline {

inline constexpr std::string_view kEnforceStageName = "enforce";

// Opens enforce::EnforceStage on the context's store (it replays the store into the detector).
StatusOr<std::unique_ptr<Stage>> OpenEnforceStage(const StageContext& context);

}  // namespace cordon::pipeline
