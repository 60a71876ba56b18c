#include "cordon/report/network_view.h"

#include <igraph.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <numbers>
#include <set>
#include <string>
#include <vector>

#include "cordon/network/build.h"
#include "cordon/util/time.h"

namespace cordon {
namespace {

// How much a node matters on the map: carriers by audience and activity, accounts by what
// they run.
double Weight(const network::Node& n, const network::Roles& roles, int32_t id) {
  const auto& f = roles.features[static_cast<size_t>(id)];
  if (network::IsChat(n.kind)) {
    return static_cast<double>(n.subscribers.value_or(0)) + 10.0 * static_cast<double>(f.releases);
  }
  return 50.0 * static_cast<double>(f.carriers_run) + static_cast<double>(f.release_posts);
}

}  // namespace

void AddNetworkView(const network::Network& net, const network::Roles& roles,
                    const network::PlanResult& plan, ReportInputs* inputs,
                    const NetworkViewOptions& options) {
  for (const auto& t : plan.targets) {
    ReportActor a;
    a.entity = t.key;
    a.kind = std::string(network::NodeKindName(t.kind));
    // PlanTarget::node indexes the reach graph; the roles index the network.
    const int32_t v = net.Find(t.key);
    if (v >= 0) a.role = std::string(roles.Primary(v));
    a.reason = t.evidence.detail;
    a.score = t.drop;
    inputs->key_actors.push_back(std::move(a));
  }

  // The nodes: the targets first, then the heaviest nodes that have a role.
  std::vector<int32_t> chosen;
  std::set<int32_t> in;
  for (const auto& t : plan.targets) {
    const int32_t v = net.Find(t.key);
    if (v >= 0 && in.insert(v).second) chosen.push_back(v);
  }
  std::vector<std::pair<double, int32_t>> ranked;
  for (int32_t v = 0; v < static_cast<int32_t>(net.nodes().size()); ++v) {
    const auto& n = net.node(v);
    if (n.merged || roles.Primary(v).empty()) continue;
    ranked.push_back({-Weight(n, roles, v), v});
  }
  std::sort(ranked.begin(), ranked.end());
  for (const auto& [w, v] : ranked) {
    if (chosen.size() >= options.max_nodes) break;
    if (in.insert(v).second) chosen.push_back(v);
  }
  if (chosen.empty()) return;

  std::map<int32_t, size_t> index;
  for (size_t i = 0; i < chosen.size(); ++i) index[chosen[i]] = i;
  std::map<std::pair<size_t, size_t>, double> weights;  // undirected, summed over kinds
  for (const auto& e : net.edges()) {
    if (e.from < 0 || e.to < 0 || e.from == e.to) continue;
    auto a = index.find(e.from), b = index.find(e.to);
    if (a == index.end() || b == index.end()) continue;
    auto key = std::minmax(a->second, b->second);
    weights[{key.first, key.second}] += static_cast<double>(e.evidence.count);
  }

  // Kamada-Kawai from a circle: deterministic, and readable at this size.
  const auto n = static_cast<igraph_integer_t>(chosen.size());
  igraph_vector_int_t edge_list;
  igraph_vector_int_init(&edge_list, 0);
  for (const auto& [ab, w] : weights) {
    igraph_vector_int_push_back(&edge_list, static_cast<igraph_integer_t>(ab.first));
    igraph_vector_int_push_back(&edge_list, static_cast<igraph_integer_t>(ab.second));
  }
  igraph_t g;
  igraph_create(&g, &edge_list, n, IGRAPH_UNDIRECTED);
  igraph_matrix_t pos;
  igraph_matrix_init(&pos, n, 2);
  for (igraph_integer_t i = 0; i < n; ++i) {
    const double angle = 2 * std::numbers::pi * static_cast<double>(i) / static_cast<double>(n);
    MATRIX(pos, i, 0) = std::cos(angle);
    MATRIX(pos, i, 1) = std::sin(angle);
  }
  igraph_layout_kamada_kawai(&g, &pos, /*use_seed=*/true, /*maxiter=*/50 * n,
                             /*epsilon=*/0, /*kkconst=*/static_cast<igraph_real_t>(n),
                             /*weights=*/nullptr, nullptr, nullptr, nullptr, nullptr);
  double min_x = 1e300, max_x = -1e300, min_y = 1e300, max_y = -1e300;
  for (igraph_integer_t i = 0; i < n; ++i) {
    min_x = std::min(min_x, MATRIX(pos, i, 0));
    max_x = std::max(max_x, MATRIX(pos, i, 0));
    min_y = std::min(min_y, MATRIX(pos, i, 1));
    max_y = std::max(max_y, MATRIX(pos, i, 1));
  }
  const double span_x = std::max(1e-9, max_x - min_x), span_y = std::max(1e-9, max_y - min_y);
  for (igraph_integer_t i = 0; i < n; ++i) {
    const int32_t v = chosen[static_cast<size_t>(i)];
    const auto& node = net.node(v);
    ReportNode rn;
    rn.key = node.key;
    rn.label = node.name.empty() ? node.key : node.name;
    rn.role = std::string(roles.Primary(v));
    rn.x = (MATRIX(pos, i, 0) - min_x) / span_x;
    rn.y = (MATRIX(pos, i, 1) - min_y) / span_y;
    rn.weight = std::max(1.0, Weight(node, roles, v) / 10);
    inputs->nodes.push_back(std::move(rn));
  }
  igraph_matrix_destroy(&pos);
  igraph_destroy(&g);
  igraph_vector_int_destroy(&edge_list);
  for (const auto& [ab, w] : weights) {
    inputs->edges.push_back({ab.first, ab.second, std::max(1.0, std::log2(1 + w))});
  }
  inputs->network_note = "The map shows the " + std::to_string(chosen.size()) +
                         " most important of " + std::to_string(net.nodes().size()) +
                         " reconstructed nodes; the key actors are a plan of " +
                         std::to_string(plan.targets.size()) + " takedowns.";
}

Status AddNetworkFromStore(Store& store, const ImpactReport& impact, double budget,
                           ReportInputs* inputs, std::string* summary, Progress* progress) {
  network::BuildOptions bo;
  bo.progress = progress;
  if (!impact.spikes.empty()) {
    if (auto day = ParseRfc3339Ms(impact.spikes.front() + "T00:00:00Z")) bo.as_of = *day - 1;
  }
  ASSIGN_OR_RETURN(network::Network net, network::BuildNetwork(store, bo));
  const network::Roles roles = network::AssignRoles(net);
  const network::ReachGraph graph = network::MakeReachGraph(net, roles);
  network::PlanOptions po;
  po.budget = budget;
  po.progress = progress;
  const network::PlanResult plan = network::Plan(graph, po);
  AddNetworkView(net, roles, plan, inputs);
  if (summary != nullptr) {
    char line[256];
    std::snprintf(
        line, sizeof line,
        "%zu nodes as of %s; a plan of %zu takedowns cuts predicted reach by %.1f%%",
        net.nodes().size(),
        net.time() == network::kNoTime ? "(no events)" : FormatRfc3339Ms(net.time()).c_str(),
        plan.targets.size(),
        plan.reach_before > 0 ? 100 * (1 - plan.reach_after / plan.reach_before) : 0.0);
    *summary = line;
  }
  return Status::Ok();
}

}  // namespace cordon
