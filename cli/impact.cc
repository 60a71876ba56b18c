// cordon impact --db FILE [--json]
#include <fmt/core.h>

#include "command.h"
#include "cordon/analysis/impact.h"

namespace cordon::cli {
namespace {

std::string Pct(double change) { return fmt::format("{:+.1f}%", change * 100); }

std::function<int()> Setup(CLI::App& app) {
  struct Args {
    std::string db;
    bool json = false;
    int window = 30;
  };
  auto a = std::make_shared<Args>();
  app.add_option("--db", a->db, "database")->required();
  app.add_flag("--json", a->json, "print JSON");
  app.add_option("--window", a->window, "days before and after each action")
      ->capture_default_str()
      ->check(CLI::Range(1, 365));
  return [a]() -> int {
    auto store = Store::Open(a->db, OpenMode::kExisting);
    if (!store.ok()) return Fail(store.status().ToString());
    // The cohort and counts read the detections: never stale ones (enforce/stage.h).
    if (auto note = UseCurrentDetections(**store); !note.ok()) {
      return Fail(note.status().ToString());
    }
    ImpactOptions opt;
    opt.window_days = a->window;
    auto r = ComputeImpact(**store, opt);
    if (!r.ok()) return Fail(r.status().ToString());
    if (a->json) {
      fmt::print("{}\n", ImpactJson(*r));
      return 0;
    }
    int64_t takedowns = 0;
    for (const auto& d : r->daily) takedowns += d.takedowns;
    fmt::print("{} days, {} takedowns; network cohort: {} chats (found by {})\n", r->daily.size(),
               takedowns, r->network_chats, r->cohort);
    for (const auto& d : r->daily) {
      if (std::find(r->spikes.begin(), r->spikes.end(), d.date) == r->spikes.end()) continue;
      fmt::print("spike {}: {} takedowns against a baseline of {:.0f}\n", d.date, d.takedowns,
                 d.baseline);
    }
    for (const auto& act : r->actions) {
      fmt::print(
          "action {}..{}: organic posts {}, forwarded {}, views {}, active chats {} "
          "({} days before, {} after)\n",
          act.start, act.end, Pct(act.organic_change), Pct(act.forwarded_change),
          Pct(act.views_change), Pct(act.active_chats_change), act.before.days, act.after.days);
    }
    for (const auto& c : r->survival) {
      fmt::print("survival {:<36} {:>6} chats, {:>6} taken down, median life {}\n", c.group,
                 c.chats, c.taken_down,
                 c.median_days < 0 ? std::string("not reached")
                                   : std::to_string(c.median_days).substr(0, 5) + " days");
    }
    for (const auto& [p, n] : r->migration) {
      fmt::print("migration {:<12} {:>6} messages, first on {}\n", p, n, r->migration_first.at(p));
    }
    return 0;
  };
}

CORDON_COMMAND(kImpact, "impact", "Takedowns per day, spikes, before/after, survival, migration",
               Setup);

}  // namespace
}  // namespace cordon::cli
