// Internal: the simulated world and its day-by-day generator (simulator.cc drives it; the
// generator itself is world_impl.h). Not part of the API; see simulator.h.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cordon/sim/params.h"
#include "cordon/sim/simulator.h"
#include "cordon/util/status.h"

namespace cordon::sim {

struct WorldConfig {
  SimOptions options;
  ScaleParams scale;
  DynamicsParams dyn;
  ActionParams action;
  int64_t start_ms = 0;  // midnight UTC of the first day
  int days = 0;
  int action_day = -1;  // index of the first day of action, -1 for none
};

// Runs the whole simulation into cfg.options.out_dir (which must exist) and fills `summary`.
Status RunWorld(const WorldConfig& cfg, SimSummary& summary);

}  // namespace cordon::sim
