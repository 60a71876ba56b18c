#include "cordon/network/view.h"

#include <chrono>

#include "cordon/util/time.h"

namespace cordon::network {

StatusOr<NetworkView> BuildNetworkView(Store& store, const BuildOptions& options) {
  ASSIGN_OR_RETURN(Network net, BuildNetwork(store, options));
  Roles roles = AssignRoles(net);
  ASSIGN_OR_RETURN(CommunityResult comm, Communities(net));
  NetworkSummary sum = Summarize(net, roles);
  return NetworkView{std::move(net), std::move(roles), std::move(comm), std::move(sum)};
}

StatusOr<PlanRun> RunPlan(Store& store, const PlanRequest& request) {
  const auto start = std::chrono::steady_clock::now();
  BuildOptions bo;
  bo.as_of = request.at;
  bo.progress = request.progress;
  PlanJsonInfo info;
  info.mode = "plan";
  info.budget = request.budget;
  info.costs = request.costs;
  std::vector<std::string> keys;
  if (!request.evaluate_day.empty()) {
    if (request.at)
      return Status::InvalidArgument("--evaluate-day sets the time itself; drop --at");
    const std::string& d = request.evaluate_day;
    // A day, not the milliseconds ParseTimeArg also takes.
    const bool dashed = d.size() == 10 && d[4] == '-' && d[7] == '-';
    auto day = dashed ? ParseTimeArg(d) : std::nullopt;
    if (!day) {
      return Status::InvalidArgument("--evaluate-day: expected YYYY-MM-DD, got '" + d + "'");
    }
    info.mode = "evaluate-day";
    info.day = d;
    bo.as_of = *day - 1;
    ASSIGN_OR_RETURN(keys, TakedownsBetween(store, *day, *day + 24LL * 3600 * 1000));
  } else if (request.evaluate) {
    info.mode = "evaluate";
    keys = *request.evaluate;
  }
  ASSIGN_OR_RETURN(Network net, BuildNetwork(store, bo));
  const Roles roles = AssignRoles(net);
  ReachGraph g = MakeReachGraph(net, roles);
  PlanResult r;
  if (info.mode == "plan") {
    PlanOptions po;
    po.budget = request.budget;
    po.costs = request.costs;
    po.local_search = request.local_search;
    po.progress = request.progress;
    r = Plan(g, po);
  } else {
    r = EvaluateTargets(g, keys, request.costs);
  }
  info.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const TimeMs t = bo.as_of.value_or(net.time());
  info.as_of = t == kNoTime ? "" : FormatRfc3339Ms(t);
  return PlanRun{std::move(r), std::move(g), std::move(info)};
}

}  // namespace cordon::network
