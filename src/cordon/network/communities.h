// Communities of the distribution network: Leiden (igraph_community_leiden, modularity
// objective) on the undirected graph whose edge weights are the evidence counts of every edge
// between two nodes, whatever its kind. Deterministic: igraph's generator is seeded.
//
// Thread safety: igraph's random generator is process-wide; do not run Communities from two
// threads at once.
#pragma once

#include <cstdint>
#include <vector>

#include "cordon/network/graph.h"
#include "cordon/util/status.h"

namespace cordon::network {

struct CommunityOptions {
  double resolution = 1.0;  // modularity resolution (1 = classic modularity)
  int iterations = -1;      // -1: until stable
  uint64_t seed = 42;
};

struct CommunityResult {
  // Per node id: community number (0 = largest), or -1 for merged placeholders and isolated
  // nodes.
  std::vector<int32_t> membership;
  int32_t count = 0;   // communities with at least one edge
  double quality = 0;  // modularity of the partition
};

StatusOr<CommunityResult> Communities(const Network& net, const CommunityOptions& options = {});

}  // namespace cordon::network
