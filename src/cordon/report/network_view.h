// Turns a reconstructed network and a takedown plan into what the report draws: the key actors
// table and a map of the network's core (docs/design.md, "Report").
//
// Thread safety: a pure function of its inputs.
#pragma once

#include <cstddef>

#include "cordon/network/graph.h"
#include "cordon/network/plan.h"
#include "cordon/network/roles.h"
#include "cordon/report/report.h"

namespace cordon {

struct NetworkViewOptions {
  size_t max_nodes = 90;  // the map shows the plan's targets and the busiest carriers
};

// Fills inputs->key_actors (the plan's targets, ranked), inputs->nodes and inputs->edges (laid
// out by Kamada-Kawai from a circle, so the same network always gives the same picture).
void AddNetworkView(const network::Network& net, const network::Roles& roles,
                    const network::PlanResult& plan, ReportInputs* inputs,
                    const NetworkViewOptions& options = {});

}  // namespace cordon
