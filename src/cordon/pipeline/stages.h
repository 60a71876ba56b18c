// The registry of pipeline stages (stage.h): one line per stage in stages.cc, in the order
// they observe each event.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "cordon/pipeline/stage.h"

namespace cordon::pipeline {

struct StageEntry {
  std::string_view name;
  StatusOr<std::unique_ptr<Stage>> (*open)(const StageContext& context);
};

// Every stage cordon has, in observation order.
const std::vector<StageEntry>& RegisteredStages();

}  // namespace cordon::pipeline
