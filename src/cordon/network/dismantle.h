// Classic network dismantling: remove as few nodes as possible so that the largest connected
// component holds at most target * N nodes (docs/dismantle.md).
//
// Methods, each followed by a reinsertion pass unless turned off:
//   degree   adaptive highest degree: remove the node of highest current degree, recompute.
//   corehd   CoreHD (Zdeborova, Zhang, Zhou 2016): remove the highest-degree node of the 2-core
//            until the 2-core is empty, then break the remaining trees (optimally, bottom-up).
//   greedy   reverse greedy from the empty graph (explosive-percolation style): start with every
//            node removed and put nodes back one by one, always the one that creates the
//            smallest component, while the largest component stays within the target.
//   best     runs the methods above and keeps the smallest removal set (the default).
// Reinsertion (reverse greedy from a removal set, as in Braunstein et al. 2016 and Fan et al.
// 2020): put removed nodes back one by one, each time the one that would join the smallest
// total of component sizes (ties: fewest components, then the node removed last), as long as
// the largest component stays within the target.
//
// Everything is deterministic: the same graph and options give the same answer.
// Thread safety: functions only read the graph; call them from any number of threads.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cordon/network/graph_io.h"
#include "cordon/util/status.h"

namespace cordon {
class Progress;
}

namespace cordon::network {

enum class DismantleMethod { kBest, kDegree, kCoreHd, kGreedy };

// "best", "degree", "corehd", "greedy".
std::string_view DismantleMethodName(DismantleMethod m);
StatusOr<DismantleMethod> ParseDismantleMethod(std::string_view name);

struct DismantleOptions {
  double target = 0.01;  // the largest component may keep at most floor(target * N) nodes
  DismantleMethod method = DismantleMethod::kBest;
  bool reinsert = true;
  // "best" only: scales the budget of the local search that follows the methods (0: none).
  double effort = 1.0;
  // Reports each method, reinsertion and search (util/progress.h); borrowed, null: silent.
  Progress* progress = nullptr;
};

// One method's outcome inside a run (for reports and benchmarks).
struct MethodRun {
  std::string method;
  int64_t removed_before_reinsertion = 0;
  int64_t removed = 0;
  double seconds = 0;
};

struct DismantleResult {
  // Node ids in removal order: removing them in this order shrinks the largest component
  // early (the last nodes matter least).
  std::vector<int32_t> removed;
  int64_t target_size = 0;        // floor(target * N)
  int64_t largest_component = 0;  // after removing every node in `removed`
  std::string method;             // the method whose answer was kept
  std::vector<MethodRun> runs;    // every method tried, in the order run
};

// floor(target * n), guarded against rounding (0.01 * 300 is 3, not 2).
int64_t TargetSize(int64_t n, double target);

// Fails only on bad options (target outside (0, 1]).
StatusOr<DismantleResult> Dismantle(const CsrGraph& g, const DismantleOptions& options);

// Size of the largest connected component once `removed` is taken out (repeats allowed).
int64_t LargestComponent(const CsrGraph& g, std::span<const int32_t> removed);

// The building blocks, exposed for tests and benchmarks. Each reports to `progress` (borrowed;
// null: silent).

// Adaptive highest degree: every node of positive degree, in removal order, until no edge is
// left. Ties go to the lower id.
std::vector<int32_t> AdaptiveDegreeOrder(const CsrGraph& g, Progress* progress = nullptr);
// CoreHD until the 2-core is empty, then the tree-breaking nodes, so that no component of the
// remaining forest exceeds target_size.
std::vector<int32_t> CoreHdOrder(const CsrGraph& g, int64_t target_size,
                                 Progress* progress = nullptr);
// The length of the shortest prefix of `order` whose removal leaves no component over
// target_size, or -1 when even the whole order does not.
int64_t ShortestPrefix(const CsrGraph& g, std::span<const int32_t> order, int64_t target_size);
// Reinsertion from `removed` (any order; earlier means more important). The answer is a subset
// of `removed`, in removal order. If `removed` does not bring the largest component within
// target_size, nothing is reinserted and the answer is `removed` reordered.
std::vector<int32_t> Reinsert(const CsrGraph& g, std::span<const int32_t> removed,
                              int64_t target_size, Progress* progress = nullptr);

}  // namespace cordon::network
