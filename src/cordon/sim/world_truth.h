// Internal to the simulator: truth.json, what the simulated world really was. Roles of every
// chat and account, mirror relations, regenerations and benign relaunches, look-alikes, key
// actors, migration links, the images, the exports, and the parameters of the run. Detectors
// never read it; tests and evaluations do.
//
// Thread safety: reads its arguments only; one call per file.
#pragma once

#include <string>

#include "cordon/sim/media.h"
#include "cordon/sim/simulator.h"
#include "cordon/sim/world.h"
#include "cordon/sim/world_state.h"
#include "cordon/util/status.h"

namespace cordon::sim::world {

// Writes truth.json to `path` from the world as it stands at the end of the run. `summary`
// gives the days of action; `media` the images the run made.
Status WriteTruth(const std::string& path, const WorldConfig& cfg, const SimSummary& summary,
                  const WorldState& st, const MediaStore& media);

}  // namespace cordon::sim::world
