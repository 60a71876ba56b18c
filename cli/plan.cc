// cordon plan --db FILE --budget K [--costs kind=value,...] [--at TIME] [--json]
// cordon plan --db FILE --evaluate FILE [--at TIME] [--json]
// cordon plan --db FILE --evaluate-day YYYY-MM-DD [--json]
// Plans a day of action: the targets (accounts, bots, chats) that most reduce the audience the
// next official release reaches, using the network as it stood at TIME (default: the last
// event). What-if: scores a given target list, or the takedowns that happened on a day against
// the network as it stood at the start of that day.
#include <fmt/core.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "command.h"
#include "cordon/network/build.h"
#include "cordon/network/plan.h"
#include "cordon/network/roles.h"
#include "cordon/util/json_writer.h"
#include "cordon/util/progress.h"
#include "cordon/util/time.h"

namespace cordon::cli {
namespace {

using network::PlanResult;

void PrintJson(const PlanResult& r, const network::ReachGraph& g, const std::string& as_of,
               const std::string& mode, double budget, const network::Costs& costs,
               const std::string& day, double seconds) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Field("mode", mode).Field("as_of", as_of);
  if (!day.empty()) w.Field("day", day);
  if (mode == "plan") w.Field("budget", budget);
  w.Key("costs").BeginObject().Field("channel", costs.channel).Field("group", costs.group);
  w.Field("user", costs.user).Field("bot", costs.bot).EndObject();
  w.Key("targets").BeginArray();
  for (const auto& t : r.targets) {
    w.BeginObject().Field("entity", t.key).Field("kind", network::NodeKindName(t.kind));
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
  w.Field("cost", r.cost).Field("seconds", seconds).EndObject();
  if (!r.shortfall.empty()) w.Field("shortfall", r.shortfall);
  w.EndObject();
  fmt::print("{}\n", out);
}

void PrintText(const PlanResult& r, const std::string& as_of, const std::string& mode,
               double budget) {
  fmt::print("{} against the network as of {}\n", mode, as_of);
  for (const auto& t : r.targets) {
    fmt::print("{:>3}. {:<8} {}\n     {}\n", t.rank, network::NodeKindName(t.kind), t.key,
               t.evidence.detail);
    for (size_t i = 0; i < t.evidence.refs.size() && i < 4; ++i) {
      fmt::print("       evidence: {}\n", t.evidence.refs[i]);
    }
  }
  for (const auto& k : r.unknown) fmt::print("  not in the model: {}\n", k);
  const double reduction = r.reach_before > 0 ? 1 - r.reach_after / r.reach_before : 0;
  fmt::print("predicted reach: {:.0f} -> {:.0f} (-{:.1f}%)\n", r.reach_before, r.reach_after,
             100 * reduction);
  if (!r.shortfall.empty()) {
    fmt::print("{} targets, cost {:g} of the budget {:g}: {}\n", r.targets.size(), r.cost, budget,
               r.shortfall);
  }
}

std::function<int()> Setup(CLI::App& app) {
  struct Args {
    std::string db, at, costs, evaluate, evaluate_day;
    double budget = -1;
    bool json = false;
    bool no_local_search = false;
    bool quiet = false;
  };
  auto a = std::make_shared<Args>();
  app.add_option("--db", a->db, "database")->required();
  app.add_option("--budget", a->budget, "total cost of the targets (each costs 1 by default)")
      ->check(NumberAtLeast(0));
  app.add_option("--costs", a->costs, "per-kind costs: channel=2,group=1,user=1,bot=0.5");
  app.add_option("--at", a->at, "the network as it stood at this time (default: the last event)");
  app.add_option("--evaluate", a->evaluate,
                 "what-if: score the targets in FILE (keys, one per line, or JSON)")
      ->check(CLI::ExistingFile);
  app.add_option("--evaluate-day", a->evaluate_day,
                 "what-if: score the takedowns of this day (YYYY-MM-DD) against the network "
                 "as it stood at its start");
  app.add_flag("--no-local-search", a->no_local_search, "greedy only (for comparison)");
  app.add_flag("--json", a->json, "print JSON");
  app.add_flag("--quiet,-q", a->quiet, "no progress bar on stderr");
  return [a]() -> int {
    const int modes = (a->budget >= 0) + !a->evaluate.empty() + !a->evaluate_day.empty();
    if (modes != 1) return Fail("give exactly one of --budget, --evaluate, --evaluate-day");
    if (!a->evaluate_day.empty() && !a->at.empty()) {
      return Fail("--evaluate-day sets the time itself; drop --at");
    }
    network::Costs costs;
    if (!a->costs.empty()) {
      auto c = network::ParseCosts(a->costs);
      if (!c.ok()) return Fail(c.status().ToString());
      costs = *c;
    }
    const auto start = std::chrono::steady_clock::now();
    auto store = Store::Open(a->db, OpenMode::kExisting);
    if (!store.ok()) return Fail(store.status().ToString());
    network::BuildOptions bo;
    std::vector<std::string> keys;
    std::string mode = "plan";
    auto bad_time = [](std::string_view flag, std::string_view forms, const std::string& s) {
      return Fail(Status::InvalidArgument(fmt::format("{}: expected {}, got '{}'", flag, forms, s))
                      .ToString());
    };
    if (!a->at.empty()) {
      auto at = ParseTimeArg(a->at);
      if (!at) return bad_time("--at", kTimeArgForms, a->at);
      bo.as_of = *at;
    }
    if (!a->evaluate_day.empty()) {
      mode = "evaluate-day";
      if (a->evaluate_day.size() != 10) return Fail("--evaluate-day: expected YYYY-MM-DD");
      // A day, not the milliseconds ParseTimeArg also takes.
      const bool dashed = a->evaluate_day[4] == '-' && a->evaluate_day[7] == '-';
      auto day = dashed ? ParseTimeArg(a->evaluate_day) : std::nullopt;
      if (!day) return bad_time("--evaluate-day", "YYYY-MM-DD", a->evaluate_day);
      bo.as_of = *day - 1;
      auto k = network::TakedownsBetween(**store, *day, *day + 24LL * 3600 * 1000);
      if (!k.ok()) return Fail(k.status().ToString());
      keys = std::move(*k);
    } else if (!a->evaluate.empty()) {
      mode = "evaluate";
      std::ifstream f(a->evaluate, std::ios::binary);
      std::stringstream ss;
      ss << f.rdbuf();
      if (!f.good() && !f.eof()) return Fail(a->evaluate + ": cannot read file");
      auto k = network::ParseTargetList(ss.str(), a->evaluate);
      if (!k.ok()) return Fail(k.status().ToString());
      keys = std::move(*k);
    }
    const std::unique_ptr<Progress> progress = MakeTerminalProgress(a->quiet);
    bo.progress = progress.get();
    auto net = network::BuildNetwork(**store, bo);
    if (!net.ok()) return Fail(net.status().ToString());
    const network::Roles roles = network::AssignRoles(*net);
    const network::ReachGraph g = network::MakeReachGraph(*net, roles);
    PlanResult r;
    if (mode == "plan") {
      network::PlanOptions po;
      po.budget = a->budget;
      po.costs = costs;
      po.local_search = !a->no_local_search;
      po.progress = progress.get();
      r = network::Plan(g, po);
    } else {
      r = network::EvaluateTargets(g, keys, costs);
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const TimeMs t = bo.as_of.value_or(net->time());
    const std::string as_of = t == network::kNoTime ? "" : FormatRfc3339Ms(t);
    if (a->json) {
      PrintJson(r, g, as_of, mode, a->budget, costs, a->evaluate_day, seconds);
    } else {
      PrintText(r, as_of, mode, a->budget);
    }
    return 0;
  };
}

CORDON_COMMAND(kPlan, "plan",
               "Plan a day of action (targets that most cut the next release's reach), or "
               "score one",
               Setup);

}  // namespace
}  // namespace cordon::cli
