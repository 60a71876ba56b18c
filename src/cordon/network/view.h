// What `cordon network` and `cordon plan` compute from a store, and GET /v1/network and
// GET /v1/plan too: the network as it stood at a time with its roles and communities, and a
// plan (or a what-if) against it. One function each, so the CLI and the service agree.
//
// Thread safety: Communities uses igraph's process-wide generator: callers on several threads
// must not run BuildNetworkView at once (the service holds a lock).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cordon/network/build.h"
#include "cordon/network/communities.h"
#include "cordon/network/graph.h"
#include "cordon/network/json.h"
#include "cordon/network/plan.h"
#include "cordon/network/roles.h"
#include "cordon/network/summary.h"
#include "cordon/store/store.h"
#include "cordon/util/progress.h"

namespace cordon::network {

struct NetworkView {
  Network net;
  Roles roles;
  CommunityResult communities;
  NetworkSummary summary;
};

StatusOr<NetworkView> BuildNetworkView(Store& store, const BuildOptions& options);

struct PlanRequest {
  std::optional<TimeMs> at;  // the network as it stood then (default: the last event)
  std::string evaluate_day;  // YYYY-MM-DD: score that day's takedowns (mode evaluate-day)
  std::optional<std::vector<std::string>> evaluate;  // score these keys (mode evaluate)
  double budget = 10;                                // mode plan
  Costs costs;
  bool local_search = true;
  Progress* progress = nullptr;  // borrowed; null: silent
};

struct PlanRun {
  PlanResult result;
  ReachGraph graph;
  PlanJsonInfo info;  // seconds: the whole run
};

// InvalidArgument for a bad evaluate_day or one given with `at`.
StatusOr<PlanRun> RunPlan(Store& store, const PlanRequest& request);

}  // namespace cordon::network
