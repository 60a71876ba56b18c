// The JSON forms of a reconstructed network (`cordon network --json`, GET /v1/network) and of a
// plan or what-if (`cordon plan --json`, GET /v1/plan): written once here so the CLI and the
// service print the same thing.
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>

#include "cordon/network/communities.h"
#include "cordon/network/graph.h"
#include "cordon/network/plan.h"
#include "cordon/network/roles.h"
#include "cordon/network/summary.h"

namespace cordon::network {

struct NetworkJsonOptions {
  int64_t roles_offset = 0;     // the nodes with a role skipped before listing (paging)
  int64_t max_roles = 200;      // nodes with a role listed
  std::string written, format;  // the export file and its format; "" when none was written
};

// {"as_of","events","nodes":{kind:n},"edges":{kind:n},"releases","role_counts":{},
//  "communities":{"count","modularity"},"roles":[{"entity","kind","name","community",
//  "roles":[{"role","confidence","reason","evidence":[...]}]}],"roles_total"[,"written","format"]}
std::string NetworkJson(const Network& net, const Roles& roles, const CommunityResult& comm,
                        const NetworkSummary& sum, const NetworkJsonOptions& options);

struct PlanJsonInfo {
  std::string as_of;  // RFC 3339, "" when the network is empty
  std::string mode;   // plan, evaluate, evaluate-day
  double budget = 0;  // written for mode plan
  Costs costs;
  std::string day;  // evaluate-day's day
  double seconds = 0;
};

// {"mode","as_of"[,"day"][,"budget"],"costs":{},"targets":[{"entity","kind","rank","cost","drop",
//  "reason","evidence":[...]}][,"unknown":[...]],"predicted":{"reach_before","reach_after",
//  "reduction"},"model":{"carriers","roots","candidates","evaluations","cost","seconds"}
//  [,"shortfall"]}
std::string PlanJson(const PlanResult& r, const ReachGraph& g, const PlanJsonInfo& info);

}  // namespace cordon::network
