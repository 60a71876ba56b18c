#include "cordon/network/json.h"

#include <algorithm>

#include "cordon/util/json_writer.h"
#include "cordon/util/time.h"

namespace cordon::network {

std::string NetworkJson(const Network& net, const Roles& roles, const CommunityResult& comm,
                        const NetworkSummary& sum, const NetworkJsonOptions& options) {
  const std::string as_of = net.time() == kNoTime ? "" : FormatRfc3339Ms(net.time());
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Field("as_of", as_of).Field("events", net.events());
  w.Key("nodes").BeginObject();
  for (const auto& [k, c] : sum.node_kinds) w.Field(k, c);
  w.EndObject().Key("edges").BeginObject();
  for (const auto& [k, c] : sum.edge_kinds) w.Field(k, c);
  w.EndObject().Field("releases", static_cast<int64_t>(roles.release_items.size()));
  w.Key("role_counts").BeginObject();
  for (const auto& [k, c] : sum.role_counts) w.Field(k, c);
  w.EndObject();
  w.Key("communities").BeginObject().Field("count", comm.count);
  w.Field("modularity", comm.quality).EndObject();
  w.Key("roles").BeginArray();
  const int64_t total = static_cast<int64_t>(sum.with_role.size());
  const int64_t first = std::max<int64_t>(0, options.roles_offset);
  const int64_t end = std::min(total, first + std::max<int64_t>(0, options.max_roles));
  for (int64_t i = first; i < end; ++i) {
    const int32_t v = sum.with_role[static_cast<size_t>(i)];
    const auto& node = net.node(v);
    w.BeginObject().Field("entity", node.key).Field("kind", NodeKindName(node.kind));
    w.Field("name", node.name).Field("community", comm.membership[static_cast<size_t>(v)]);
    w.Key("roles").BeginArray();
    for (const auto& r : roles.by_node[static_cast<size_t>(v)]) {
      w.BeginObject().Field("role", RoleName(r.role)).Field("confidence", r.confidence);
      w.Field("reason", r.evidence.detail).Key("evidence").BeginArray();
      for (const auto& e : r.evidence.refs) w.String(e);
      w.EndArray().EndObject();
    }
    w.EndArray().EndObject();
  }
  w.EndArray().Field("roles_total", total);
  if (!options.written.empty()) w.Field("written", options.written).Field("format", options.format);
  w.EndObject();
  return out;
}

std::string PlanJson(const PlanResult& r, const ReachGraph& g, const PlanJsonInfo& info) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Field("mode", info.mode).Field("as_of", info.as_of);
  if (!info.day.empty()) w.Field("day", info.day);
  if (info.mode == "plan") w.Field("budget", info.budget);
  const Costs& costs = info.costs;
  w.Key("costs").BeginObject().Field("channel", costs.channel).Field("group", costs.group);
  w.Field("user", costs.user).Field("bot", costs.bot).EndObject();
  w.Key("targets").BeginArray();
  for (const auto& t : r.targets) {
    w.BeginObject().Field("entity", t.key).Field("kind", NodeKindName(t.kind));
    w.Field("rank", t.rank).Field("cost", t.cost).Field("drop", t.drop);
    w.Field("reason", t.evidence.detail).Key("evidence").BeginArray();
    for (const auto& e : t.evidence.refs) w.String(e);
    w.EndArray().EndObject();
  }
  w.EndArray();
  if (!r.unknown.empty()) {
    w.Key("unknown").BeginArray();
    for (const auto& k : r.unknown) w.String(k);
    w.EndArray();
  }
  const double reduction = r.reach_before > 0 ? 1 - r.reach_after / r.reach_before : 0;
  w.Key("predicted").BeginObject().Field("reach_before", r.reach_before);
  w.Field("reach_after", r.reach_after).Field("reduction", reduction).EndObject();
  int64_t carriers = 0, roots = 0;
  for (int32_t v = 0; v < g.size(); ++v) {
    carriers += g.node(v).carrier;
    roots += g.node(v).root;
  }
  w.Key("model").BeginObject().Field("carriers", carriers).Field("roots", roots);
  w.Field("candidates", r.candidates).Field("evaluations", r.evaluations);
  w.Field("cost", r.cost).Field("seconds", info.seconds).EndObject();
  if (!r.shortfall.empty()) w.Field("shortfall", r.shortfall);
  w.EndObject();
  return out;
}

}  // namespace cordon::network
