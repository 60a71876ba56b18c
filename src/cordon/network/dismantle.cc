#include "cordon/network/dismantle.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <queue>

#include "cordon/network/dismantle_search.h"
#include "cordon/util/progress.h"

namespace cordon::network {
namespace {

using Clock = std::chrono::steady_clock;

// Union-find over node ids with component sizes; path halving, union by size.
class Components {
 public:
  explicit Components(int32_t n)
      : parent_(static_cast<size_t>(n)), size_(static_cast<size_t>(n), 1) {
    for (int32_t v = 0; v < n; ++v) parent_[v] = v;
  }
  int32_t Find(int32_t v) {
    while (parent_[v] != v) {
      parent_[v] = parent_[parent_[v]];
      v = parent_[v];
    }
    return v;
  }
  // Returns the size of the merged component.
  int64_t Union(int32_t a, int32_t b) {
    a = Find(a);
    b = Find(b);
    if (a == b) return size_[a];
    if (size_[a] < size_[b]) std::swap(a, b);
    parent_[b] = a;
    size_[a] += size_[b];
    return size_[a];
  }
  int64_t Size(int32_t root) const { return size_[root]; }

 private:
  std::vector<int32_t> parent_;
  std::vector<int64_t> size_;
};

// Nodes sorted by a degree that only decreases (Batagelj-Zaversnik bins): O(1) to decrement,
// O(1) to take the node of highest degree from the end.
class DegreeBins {
 public:
  explicit DegreeBins(std::vector<int32_t> degree) : deg_(std::move(degree)) {
    const int32_t n = static_cast<int32_t>(deg_.size());
    int32_t max_deg = 0;
    for (int32_t d : deg_) max_deg = std::max(max_deg, d);
    bin_.assign(static_cast<size_t>(max_deg) + 2, 0);
    for (int32_t d : deg_) ++bin_[d + 1];
    for (size_t d = 1; d < bin_.size(); ++d) bin_[d] += bin_[d - 1];
    vert_.resize(static_cast<size_t>(n));
    pos_.resize(static_cast<size_t>(n));
    std::vector<int32_t> fill(bin_.begin(), bin_.end() - 1);
    for (int32_t v = 0; v < n; ++v) {
      pos_[v] = fill[deg_[v]]++;
      vert_[pos_[v]] = v;
    }
    end_ = n;
  }
  int32_t degree(int32_t v) const { return deg_[v]; }
  bool empty() const { return end_ == 0; }
  // The node of highest degree (ties: a fixed, deterministic choice).
  int32_t Top() const { return vert_[end_ - 1]; }
  void PopTop() { --end_; }
  // Only for nodes still in the bins, with positive degree.
  void Decrement(int32_t v) {
    const int32_t d = deg_[v];
    const int32_t first = bin_[d];
    const int32_t u = vert_[first];
    if (u != v) {
      std::swap(vert_[first], vert_[pos_[v]]);
      pos_[u] = pos_[v];
      pos_[v] = first;
    }
    ++bin_[d];
    --deg_[v];
  }

 private:
  std::vector<int32_t> deg_, bin_, vert_, pos_;
  int32_t end_ = 0;
};

std::vector<int32_t> Degrees(const CsrGraph& g) {
  std::vector<int32_t> d(static_cast<size_t>(g.num_nodes()));
  for (int32_t v = 0; v < g.num_nodes(); ++v) d[v] = g.Degree(v);
  return d;
}

// Bottom-up tree breaking: in each tree of the forest left when `removed` nodes are taken out,
// remove a node as soon as the part hanging from it exceeds target_size. This is optimal for
// trees: some node of that part must go, and the top one separates all of it.
void BreakTrees(const CsrGraph& g, std::vector<char>& removed, int64_t target_size,
                std::vector<int32_t>& order) {
  const int32_t n = g.num_nodes();
  std::vector<int32_t> parent(static_cast<size_t>(n), -1);
  std::vector<int64_t> hanging(static_cast<size_t>(n), 0);
  std::vector<char> seen(static_cast<size_t>(n), 0);
  std::vector<int32_t> stack, visit;
  for (int32_t root = 0; root < n; ++root) {
    if (removed[root] || seen[root]) continue;
    // Preorder of the tree; reversed, every child comes before its parent.
    visit.clear();
    stack.push_back(root);
    seen[root] = 1;
    while (!stack.empty()) {
      const int32_t v = stack.back();
      stack.pop_back();
      visit.push_back(v);
      for (int32_t w : g.Neighbors(v)) {
        if (removed[w] || seen[w]) continue;
        seen[w] = 1;
        parent[w] = v;
        stack.push_back(w);
      }
    }
    if (static_cast<int64_t>(visit.size()) <= target_size) continue;
    for (auto it = visit.rbegin(); it != visit.rend(); ++it) {
      const int32_t v = *it;
      hanging[v] += 1;
      if (hanging[v] > target_size) {
        removed[v] = 1;
        order.push_back(v);
        hanging[v] = 0;
      }
      if (v != root) hanging[parent[v]] += hanging[v];
    }
  }
}

// Reinsertion priority: the smallest component first, then the fewest components joined, then
// the node removed last (highest rank).
struct ReinsertKey {
  int64_t size;
  int32_t parts;
  int32_t rank;
  int32_t v;
  // std::priority_queue keeps the largest on top, so "less" means "put back later".
  bool operator<(const ReinsertKey& o) const {
    if (size != o.size) return size > o.size;
    if (parts != o.parts) return parts > o.parts;
    return rank < o.rank;
  }
};

// Removal order for nodes that stay out: the one that would form the largest component if put
// back comes first.
std::vector<int32_t> OrderByKeys(std::vector<ReinsertKey>& keys) {
  std::sort(keys.begin(), keys.end(), [](const ReinsertKey& a, const ReinsertKey& b) {
    if (a.size != b.size) return a.size > b.size;
    if (a.parts != b.parts) return a.parts > b.parts;
    return a.rank < b.rank;
  });
  std::vector<int32_t> order;
  order.reserve(keys.size());
  for (const auto& k : keys) order.push_back(k.v);
  return order;
}

// Search budget (see docs/dismantle.md): edge visits per unit of graph size (nodes plus both
// directions of every edge), a ceiling of about ten seconds, and the rounds without progress
// after which it stops early.
constexpr double kWorkPerSize = 30;
constexpr double kMaxWork = 1.5e8;
constexpr double kPatience = 1000;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

}  // namespace

std::string_view DismantleMethodName(DismantleMethod m) {
  switch (m) {
    case DismantleMethod::kBest:
      return "best";
    case DismantleMethod::kDegree:
      return "degree";
    case DismantleMethod::kCoreHd:
      return "corehd";
    case DismantleMethod::kGreedy:
      return "greedy";
  }
  return "?";
}

StatusOr<DismantleMethod> ParseDismantleMethod(std::string_view name) {
  for (DismantleMethod m : {DismantleMethod::kBest, DismantleMethod::kDegree,
                            DismantleMethod::kCoreHd, DismantleMethod::kGreedy}) {
    if (DismantleMethodName(m) == name) return m;
  }
  return Status::InvalidArgument("unknown dismantling method '" + std::string(name) +
                                 "' (best, degree, corehd, greedy)");
}

int64_t TargetSize(int64_t n, double target) {
  return static_cast<int64_t>(std::floor(target * static_cast<double>(n) + 1e-9));
}

int64_t LargestComponent(const CsrGraph& g, std::span<const int32_t> removed) {
  const int32_t n = g.num_nodes();
  std::vector<char> gone(static_cast<size_t>(n), 0);
  for (int32_t v : removed) gone[v] = 1;
  Components c(n);
  int64_t largest = 0;
  for (int32_t v = 0; v < n; ++v) {
    if (gone[v]) continue;
    largest = std::max<int64_t>(largest, 1);
    for (int32_t w : g.Neighbors(v)) {
      if (w > v && !gone[w]) largest = std::max(largest, c.Union(v, w));
    }
  }
  return largest;
}

std::vector<int32_t> AdaptiveDegreeOrder(const CsrGraph& g, Progress* progress) {
  const int32_t n = g.num_nodes();
  DegreeBins bins(Degrees(g));
  std::vector<char> removed(static_cast<size_t>(n), 0);
  std::vector<int32_t> order;
  // Done when no edge is left: each removal takes its node's remaining edges.
  ProgressStep step(progress, "dismantle: degree", g.num_edges(), "edges", 1024);
  while (!bins.empty() && bins.degree(bins.Top()) > 0) {
    const int32_t v = bins.Top();
    step.Advance(bins.degree(v));
    bins.PopTop();
    removed[v] = 1;
    order.push_back(v);
    for (int32_t w : g.Neighbors(v)) {
      if (!removed[w]) bins.Decrement(w);
    }
  }
  return order;
}

std::vector<int32_t> CoreHdOrder(const CsrGraph& g, int64_t target_size, Progress* progress) {
  const int32_t n = g.num_nodes();
  // Done when the 2-core is empty: every node leaves it, removed or peeled.
  ProgressStep step(progress, "dismantle: corehd", n, "nodes", 1024);
  DegreeBins bins(Degrees(g));
  std::vector<char> removed(static_cast<size_t>(n), 0);
  std::vector<char> in_core(static_cast<size_t>(n), 1);
  std::vector<int32_t> peel;
  // Takes nodes of degree < 2 out of the core, cascading; their degrees stay frozen so they
  // sit in the low bins and are never taken from the top.
  auto drain = [&]() {
    while (!peel.empty()) {
      const int32_t v = peel.back();
      peel.pop_back();
      for (int32_t w : g.Neighbors(v)) {
        if (removed[w] || !in_core[w]) continue;
        bins.Decrement(w);
        if (bins.degree(w) < 2) {
          in_core[w] = 0;
          peel.push_back(w);
          step.Advance();
        }
      }
    }
  };
  for (int32_t v = 0; v < n; ++v) {
    if (bins.degree(v) < 2) {
      in_core[v] = 0;
      peel.push_back(v);
      step.Advance();
    }
  }
  drain();
  std::vector<int32_t> order;
  while (!bins.empty() && in_core[bins.Top()]) {
    const int32_t v = bins.Top();
    bins.PopTop();
    removed[v] = 1;
    in_core[v] = 0;
    order.push_back(v);
    step.Advance();
    for (int32_t w : g.Neighbors(v)) {
      if (removed[w] || !in_core[w]) continue;
      bins.Decrement(w);
      if (bins.degree(w) < 2) {
        in_core[w] = 0;
        peel.push_back(w);
        step.Advance();
      }
    }
    drain();
  }
  BreakTrees(g, removed, target_size, order);
  return order;
}

int64_t ShortestPrefix(const CsrGraph& g, std::span<const int32_t> order, int64_t target_size) {
  const int32_t n = g.num_nodes();
  std::vector<char> present(static_cast<size_t>(n), 1);
  std::vector<int64_t> first(static_cast<size_t>(n), -1);
  for (size_t i = 0; i < order.size(); ++i) {
    present[order[i]] = 0;
    if (first[order[i]] < 0) first[order[i]] = static_cast<int64_t>(i);
  }
  Components c(n);
  int64_t largest = 0;
  for (int32_t v = 0; v < n; ++v) {
    if (!present[v]) continue;
    largest = std::max<int64_t>(largest, 1);
    for (int32_t w : g.Neighbors(v)) {
      if (w > v && present[w]) largest = std::max(largest, c.Union(v, w));
    }
  }
  if (largest > target_size) return -1;
  for (int64_t i = static_cast<int64_t>(order.size()) - 1; i >= 0; --i) {
    const int32_t v = order[i];
    if (first[v] != i) continue;  // a repeat; its first appearance comes earlier
    present[v] = 1;
    int64_t size = 1;
    for (int32_t w : g.Neighbors(v)) {
      if (present[w]) size = c.Union(v, w);
    }
    largest = std::max(largest, size);
    if (largest > target_size) return i + 1;
  }
  return 0;
}

std::vector<int32_t> Reinsert(const CsrGraph& g, std::span<const int32_t> removed,
                              int64_t target_size, Progress* progress) {
  const int32_t n = g.num_nodes();
  // rank: position of first appearance in `removed`; -1 for present nodes.
  std::vector<int32_t> rank(static_cast<size_t>(n), -1);
  std::vector<int32_t> candidates;
  for (const int32_t v : removed) {
    if (rank[v] >= 0) continue;
    rank[v] = static_cast<int32_t>(candidates.size());
    candidates.push_back(v);
  }
  std::vector<char> present(static_cast<size_t>(n), 0);
  for (int32_t v = 0; v < n; ++v) present[v] = rank[v] < 0;
  Components c(n);
  int64_t largest = 0;
  for (int32_t v = 0; v < n; ++v) {
    if (!present[v]) continue;
    largest = std::max<int64_t>(largest, 1);
    for (int32_t w : g.Neighbors(v)) {
      if (w > v && present[w]) largest = std::max(largest, c.Union(v, w));
    }
  }

  // The component a candidate would form: 1 + the sizes of the distinct components around it.
  std::vector<int32_t> mark(static_cast<size_t>(n), -1);
  int32_t stamp = 0;
  auto evaluate = [&](int32_t v) {
    ReinsertKey k{1, 0, rank[v], v};
    ++stamp;
    for (int32_t w : g.Neighbors(v)) {
      if (!present[w]) continue;
      const int32_t r = c.Find(w);
      if (mark[r] == stamp) continue;
      mark[r] = stamp;
      k.size += c.Size(r);
      ++k.parts;
    }
    return k;
  };
  if (largest > target_size) {
    // Nothing can go back; only order the set.
    std::vector<ReinsertKey> keys;
    for (int32_t v : candidates) keys.push_back(evaluate(v));
    return OrderByKeys(keys);
  }
  std::vector<ReinsertKey> start;
  start.reserve(candidates.size());
  for (int32_t v : candidates) start.push_back(evaluate(v));
  std::priority_queue<ReinsertKey> heap(std::less<ReinsertKey>(), std::move(start));
  // Out of the candidates; the pass may stop before it has put them all back.
  ProgressStep step(progress, "dismantle: reinsert", static_cast<int64_t>(candidates.size()),
                    "nodes", 1024);
  // Costs only grow as components merge, so a popped key that is still current is the true
  // minimum (lazy evaluation).
  while (!heap.empty()) {
    const ReinsertKey top = heap.top();
    heap.pop();
    const ReinsertKey now = evaluate(top.v);
    if (now.size != top.size || now.parts != top.parts) {
      heap.push(now);
      continue;
    }
    if (now.size > target_size) {
      heap.push(now);
      break;
    }
    present[top.v] = 1;
    step.Advance();
    for (int32_t w : g.Neighbors(top.v)) {
      if (present[w]) c.Union(top.v, w);
    }
  }
  // The nodes left out, ordered by the component each would form if put back.
  std::vector<ReinsertKey> keys;
  keys.reserve(heap.size());
  for (; !heap.empty(); heap.pop()) keys.push_back(evaluate(heap.top().v));
  return OrderByKeys(keys);
}

StatusOr<DismantleResult> Dismantle(const CsrGraph& g, const DismantleOptions& options) {
  if (!(options.target > 0 && options.target <= 1)) {
    return Status::InvalidArgument("target must be in (0, 1], got " +
                                   std::to_string(options.target));
  }
  if (!(options.effort >= 0 && options.effort <= 1000)) {
    return Status::InvalidArgument("effort must be in [0, 1000], got " +
                                   std::to_string(options.effort));
  }
  const int32_t n = g.num_nodes();
  const int64_t k = TargetSize(n, options.target);
  DismantleResult best;
  best.target_size = k;
  bool have = false;
  // Every node, highest degree first (ties: lower id).
  auto by_degree = [&]() {
    std::vector<int32_t> all(static_cast<size_t>(n));
    for (int32_t v = 0; v < n; ++v) all[v] = v;
    std::stable_sort(all.begin(), all.end(),
                     [&](int32_t a, int32_t b) { return g.Degree(a) > g.Degree(b); });
    return all;
  };

  auto run = [&](DismantleMethod m) {
    const auto start = Clock::now();
    std::vector<int32_t> order;
    switch (m) {
      case DismantleMethod::kDegree:
        order = AdaptiveDegreeOrder(g, options.progress);
        break;
      case DismantleMethod::kCoreHd:
        order = CoreHdOrder(g, k, options.progress);
        break;
      case DismantleMethod::kGreedy:
      case DismantleMethod::kBest:
        // Every node starts removed; on ties the lowest degree goes back first.
        order = by_degree();
        break;
    }
    if (m != DismantleMethod::kGreedy) {
      int64_t prefix = ShortestPrefix(g, order, k);
      if (prefix < 0) {
        // Only when the target is below 1 node: the order leaves isolated nodes. Finish it.
        std::vector<char> in(static_cast<size_t>(n), 0);
        for (int32_t v : order) in[v] = 1;
        for (int32_t v : by_degree()) {
          if (!in[v]) order.push_back(v);
        }
        prefix = ShortestPrefix(g, order, k);
      }
      order.resize(static_cast<size_t>(std::max<int64_t>(prefix, 0)));
    }
    MethodRun r;
    r.method = std::string(DismantleMethodName(m));
    r.removed_before_reinsertion = static_cast<int64_t>(order.size());
    if (options.reinsert || m == DismantleMethod::kGreedy) {
      order = Reinsert(g, order, k, options.progress);
    }
    r.removed = static_cast<int64_t>(order.size());
    r.seconds = Seconds(start);
    best.runs.push_back(r);
    if (!have || order.size() < best.removed.size()) {
      have = true;
      best.removed = std::move(order);
      best.method = r.method;
    }
  };
  if (options.method == DismantleMethod::kBest) {
    run(DismantleMethod::kCoreHd);
    run(DismantleMethod::kDegree);
    run(DismantleMethod::kGreedy);
    if (options.reinsert && options.effort > 0 && k > 0 && !best.removed.empty()) {
      const auto start = Clock::now();
      DismantleSearchOptions so;
      const double scale = options.effort;
      const double size = static_cast<double>(n) + 2.0 * static_cast<double>(g.num_edges());
      so.max_work = static_cast<int64_t>(scale * std::min(kWorkPerSize * size, kMaxWork));
      so.patience = static_cast<int64_t>(scale * kPatience);
      so.progress = options.progress;
      std::vector<int32_t> found = SearchRemovalSet(g, best.removed, k, so);
      // Orders the set (and would put back any stray node).
      found = Reinsert(g, found, k, options.progress);
      MethodRun r;
      r.method = "search";
      r.removed_before_reinsertion = static_cast<int64_t>(best.removed.size());
      r.removed = static_cast<int64_t>(found.size());
      r.seconds = Seconds(start);
      best.runs.push_back(r);
      if (found.size() <= best.removed.size()) {
        best.removed = std::move(found);
        best.method += "+search";
      }
    }
  } else {
    run(options.method);
  }
  best.largest_component = LargestComponent(g, best.removed);
  return best;
}

}  // namespace cordon::network
