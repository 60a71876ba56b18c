#include "cordon/network/summary.h"

#include <algorithm>

namespace cordon::network {

NetworkSummary Summarize(const Network& net, const Roles& roles) {
  NetworkSummary s;
  for (const auto& n : net.nodes()) {
    if (!n.merged) ++s.node_kinds[std::string(NodeKindName(n.kind))];
  }
  for (const auto& e : net.edges()) {
    if (e.from >= 0) ++s.edge_kinds[std::string(EdgeKindName(e.kind))];
  }
  for (int32_t v = 0; v < static_cast<int32_t>(net.nodes().size()); ++v) {
    if (roles.Primary(v).empty()) continue;
    ++s.role_counts[std::string(roles.Primary(v))];
    s.with_role.push_back(v);
  }
  std::stable_sort(s.with_role.begin(), s.with_role.end(), [&](int32_t x, int32_t y) {
    const auto& rx = roles.by_node[static_cast<size_t>(x)][0];
    const auto& ry = roles.by_node[static_cast<size_t>(y)][0];
    return rx.role != ry.role ? RoleName(rx.role) < RoleName(ry.role)
                              : rx.confidence > ry.confidence;
  });
  return s;
}

StatusOr<std::vector<EdgeKind>> ParseEdgeKinds(const std::string& spec) {
  std::vector<EdgeKind> kinds;
  size_t pos = 0;
  while (pos < spec.size()) {
    size_t end = spec.find(',', pos);
    if (end == std::string::npos) end = spec.size();
    const std::string k = spec.substr(pos, end - pos);
    pos = end + 1;
    if (k.empty()) continue;
    bool found = false;
    for (int i = 0; i < kEdgeKinds; ++i) {
      if (EdgeKindName(static_cast<EdgeKind>(i)) == k) {
        kinds.push_back(static_cast<EdgeKind>(i));
        found = true;
      }
    }
    if (!found) {
      return Status::InvalidArgument("--kinds: unknown edge kind '" + k +
                                     "' (forward, reupload, advert, admin, bot, post)");
    }
  }
  return kinds;
}

}  // namespace cordon::network
