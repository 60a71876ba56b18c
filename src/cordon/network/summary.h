// A summary of a reconstructed network (`cordon network`): counts of nodes, edges and roles by
// kind, the nodes with a role in listing order, and the edge kinds a user names.
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "cordon/network/graph.h"
#include "cordon/network/roles.h"
#include "cordon/util/status.h"

namespace cordon::network {

struct NetworkSummary {
  std::map<std::string, int64_t> node_kinds;   // nodes not merged, by kind name
  std::map<std::string, int64_t> edge_kinds;   // edges with a source, by kind name
  std::map<std::string, int64_t> role_counts;  // by primary role
  // Nodes with a role, by primary role name and then by falling confidence.
  std::vector<int32_t> with_role;
};

NetworkSummary Summarize(const Network& net, const Roles& roles);

// "forward,reupload" -> the kinds; "" -> none (every kind). InvalidArgument naming an unknown
// kind (a --kinds flag).
StatusOr<std::vector<EdgeKind>> ParseEdgeKinds(const std::string& spec);

}  // namespace cordon::network
