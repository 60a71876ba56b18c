#include "cordon/network/communities.h"

#include <igraph/igraph.h>

#include <algorithm>
#include <map>

namespace cordon::network {
namespace {

// Frees igraph objects on every path out.
struct IgraphScope {
  igraph_t graph;
  igraph_vector_int_t edges, membership;
  igraph_vector_t weights, strength;
  bool has_graph = false;
  IgraphScope() {
    igraph_vector_int_init(&edges, 0);
    igraph_vector_int_init(&membership, 0);
    igraph_vector_init(&weights, 0);
    igraph_vector_init(&strength, 0);
  }
  ~IgraphScope() {
    if (has_graph) igraph_destroy(&graph);
    igraph_vector_int_destroy(&edges);
    igraph_vector_int_destroy(&membership);
    igraph_vector_destroy(&weights);
    igraph_vector_destroy(&strength);
  }
};

// igraph's default handler aborts; errors come back as codes instead while this lives.
struct QuietErrors {
  igraph_error_handler_t* old;
  QuietErrors() : old(igraph_set_error_handler(igraph_error_handler_ignore)) {}
  ~QuietErrors() { igraph_set_error_handler(old); }
};

Status Check(igraph_error_t rc, const char* what) {
  if (rc == IGRAPH_SUCCESS) return Status::Ok();
  return Status::Internal(std::string("igraph ") + what + ": " + igraph_strerror(rc));
}

}  // namespace

StatusOr<CommunityResult> Communities(const Network& net, const CommunityOptions& options) {
  CommunityResult out;
  const size_t n = net.nodes().size();
  out.membership.assign(n, -1);
  // Undirected pairs with summed evidence counts.
  std::map<std::pair<int32_t, int32_t>, double> pairs;
  for (const Edge& e : net.edges()) {
    if (e.from < 0 || e.from == e.to) continue;
    auto key = std::minmax(e.from, e.to);
    pairs[{key.first, key.second}] += static_cast<double>(std::max<int64_t>(e.evidence.count, 1));
  }
  if (pairs.empty()) return out;
  std::vector<int32_t> local(n, -1), global;
  for (const auto& [p, w] : pairs) {
    for (int32_t v : {p.first, p.second}) {
      if (local[static_cast<size_t>(v)] < 0) {
        local[static_cast<size_t>(v)] = static_cast<int32_t>(global.size());
        global.push_back(v);
      }
    }
  }
  QuietErrors quiet;
  IgraphScope s;
  RETURN_IF_ERROR(
      Check(igraph_vector_int_resize(&s.edges, static_cast<igraph_integer_t>(2 * pairs.size())),
            "resize"));
  RETURN_IF_ERROR(Check(
      igraph_vector_resize(&s.weights, static_cast<igraph_integer_t>(pairs.size())), "resize"));
  igraph_integer_t i = 0;
  double total = 0;
  for (const auto& [p, w] : pairs) {
    VECTOR(s.edges)[2 * i] = local[static_cast<size_t>(p.first)];
    VECTOR(s.edges)[2 * i + 1] = local[static_cast<size_t>(p.second)];
    VECTOR(s.weights)[i] = w;
    total += w;
    ++i;
  }
  RETURN_IF_ERROR(
      Check(igraph_create(&s.graph, &s.edges, static_cast<igraph_integer_t>(global.size()),
                          IGRAPH_UNDIRECTED),
            "create"));
  s.has_graph = true;
  RETURN_IF_ERROR(Check(igraph_strength(&s.graph, &s.strength, igraph_vss_all(), IGRAPH_ALL,
                                        IGRAPH_LOOPS, &s.weights),
                        "strength"));
  igraph_rng_seed(igraph_rng_default(), static_cast<igraph_uint_t>(options.seed));
  igraph_integer_t clusters = 0;
  igraph_real_t quality = 0;
  // Modularity through the generalised objective: node weights = strengths, resolution
  // scaled by 1 / (2m).
  RETURN_IF_ERROR(Check(
      igraph_community_leiden(&s.graph, &s.weights, &s.strength, options.resolution / (2 * total),
                              0.01, false, options.iterations, &s.membership, &clusters, &quality),
      "leiden"));
  igraph_real_t modularity = 0;
  RETURN_IF_ERROR(Check(igraph_modularity(&s.graph, &s.membership, &s.weights, options.resolution,
                                          false, &modularity),
                        "modularity"));
  // Number communities by size, largest first (ties: smallest node id).
  std::vector<int64_t> size(static_cast<size_t>(clusters), 0);
  std::vector<int32_t> first(static_cast<size_t>(clusters), INT32_MAX);
  for (size_t k = 0; k < global.size(); ++k) {
    const auto c = static_cast<size_t>(VECTOR(s.membership)[static_cast<igraph_integer_t>(k)]);
    ++size[c];
    first[c] = std::min(first[c], global[k]);
  }
  std::vector<int32_t> order(static_cast<size_t>(clusters));
  for (size_t c = 0; c < order.size(); ++c) order[c] = static_cast<int32_t>(c);
  std::sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
    const auto ua = static_cast<size_t>(a), ub = static_cast<size_t>(b);
    return size[ua] != size[ub] ? size[ua] > size[ub] : first[ua] < first[ub];
  });
  std::vector<int32_t> rank(order.size());
  for (size_t r = 0; r < order.size(); ++r)
    rank[static_cast<size_t>(order[r])] = static_cast<int32_t>(r);
  for (size_t k = 0; k < global.size(); ++k) {
    const auto c = static_cast<size_t>(VECTOR(s.membership)[static_cast<igraph_integer_t>(k)]);
    out.membership[static_cast<size_t>(global[k])] = rank[c];
  }
  out.count = static_cast<int32_t>(clusters);
  out.quality = modularity;
  return out;
}

}  // namespace cordon::network
