// Local search that shrinks a dismantling set (docs/dismantle.md, "Search").
//
// Each round takes a few present nodes near a removed one out as well, then puts back, greedily
// and only where the change can matter, every node whose return keeps all components within the
// target (the reinsertion rule). The round is kept when the set did not grow, and undone
// otherwise. Components are tracked incrementally (union-find over component "atoms", with an
// undo log), so a round costs time in proportion to the components it touches, not the graph.
//
// Deterministic for a given seed. Thread safety: reads the graph only.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "cordon/network/graph_io.h"

namespace cordon {
class Progress;
}

namespace cordon::network {

struct DismantleSearchOptions {
  // Stop after this many edge visits (a machine-independent time budget).
  int64_t max_work = 0;
  // Stop after this many rounds in a row without a smaller set.
  int64_t patience = 0;
  int32_t max_region = 24;  // nodes taken out per round: 1 .. max_region
  uint64_t seed = 1;
  // Reports the work done against max_work (util/progress.h); borrowed, null: silent.
  Progress* progress = nullptr;
};

struct DismantleSearchStats {
  int64_t rounds = 0;
  int64_t accepted = 0;  // rounds kept (smaller or equal set)
  int64_t improved = 0;  // rounds that made the set smaller
  int64_t work = 0;
};

// `removed` must leave no component over target_size. Returns a set no larger, with the same
// guarantee, from which no single node can be put back; order is unspecified.
std::vector<int32_t> SearchRemovalSet(const CsrGraph& g, std::span<const int32_t> removed,
                                      int64_t target_size, const DismantleSearchOptions& options,
                                      DismantleSearchStats* stats = nullptr);

}  // namespace cordon::network
