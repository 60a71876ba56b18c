// Turns a reconstructed network and a takedown plan into what the report draws: the key actors
// table and a map of the network's core (docs/design.md, "Report").
//
// Thread safety: a pure function of its inputs.
#pragma once

#include <cstddef>
#include <string>

#include "cordon/analysis/impact.h"
#include "cordon/network/graph.h"
#include "cordon/network/plan.h"
#include "cordon/network/roles.h"
#include "cordon/report/report.h"
#include "cordon/store/store.h"
#include "cordon/util/status.h"

namespace cordon {

struct NetworkViewOptions {
  size_t max_nodes = 90;  // the map shows the plan's targets and the busiest carriers
};

// Fills inputs->key_actors (the plan's targets, ranked), inputs->nodes and inputs->edges (laid
// out by Kamada-Kawai from a circle, so the same network always gives the same picture).
void AddNetworkView(const network::Network& net, const network::Roles& roles,
                    const network::PlanResult& plan, ReportInputs* inputs,
                    const NetworkViewOptions& options = {});

// The whole step as the report and the demo run it: reconstructs the network from the store as
// it stood on the eve of the first detected day of action (or at the last event when there is
// none), assigns roles, plans `budget` takedowns and adds the view. `summary` (optional) gets
// one line for the user. `progress` (borrowed, null: silent) gets the build and the plan.
Status AddNetworkFromStore(Store& store, const ImpactReport& impact, double budget,
                           ReportInputs* inputs, std::string* summary = nullptr,
                           Progress* progress = nullptr);

}  // namespace cordon
