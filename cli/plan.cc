// cordon plan --db FILE --budget K [--costs kind=value,...] [--at TIME] [--json]
// cordon plan --db FILE --evaluate FILE [--at TIME] [--json]
// cordon plan --db FILE --evaluate-day YYYY-MM-DD [--json]
// Plans a day of action: the targets (accounts, bots, chats) that most reduce the audience the
// next official release reaches, using the network as it stood at TIME (default: the last
// event). What-if: scores a given target list, or the takedowns that happened on a day against
// the network as it stood at the start of that day.
#include <fmt/core.h>

#include <fstream>
#include <sstream>

#include "command.h"
#include "cordon/network/view.h"
#include "cordon/util/progress.h"
#include "cordon/util/time.h"

namespace cordon::cli {
namespace {

using network::PlanResult;

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
    auto store = Store::Open(a->db, OpenMode::kExisting);
    if (!store.ok()) return Fail(store.status().ToString());
    network::PlanRequest req;
    req.budget = a->budget;
    req.costs = costs;
    req.local_search = !a->no_local_search;
    req.evaluate_day = a->evaluate_day;
    if (!a->at.empty()) {
      req.at = ParseTimeArg(a->at);
      if (!req.at) {
        return Fail(Status::InvalidArgument(
                        fmt::format("--at: expected {}, got '{}'", kTimeArgForms, a->at))
                        .ToString());
      }
    }
    if (!a->evaluate.empty()) {
      std::ifstream f(a->evaluate, std::ios::binary);
      std::stringstream ss;
      ss << f.rdbuf();
      if (!f.good() && !f.eof()) return Fail(a->evaluate + ": cannot read file");
      auto k = network::ParseTargetList(ss.str(), a->evaluate);
      if (!k.ok()) return Fail(k.status().ToString());
      req.evaluate = std::move(*k);
    }
    const std::unique_ptr<Progress> progress = MakeTerminalProgress(a->quiet);
    req.progress = progress.get();
    auto run = network::RunPlan(**store, req);
    if (!run.ok()) return Fail(run.status().ToString());
    if (a->json) {
      fmt::print("{}\n", network::PlanJson(run->result, run->graph, run->info));
    } else {
      PrintText(run->result, run->info.as_of, run->info.mode, a->budget);
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
