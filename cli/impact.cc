// cordon impact --db FILE [--json]
#include <cstdio>

#include "command.h"
#include "cordon/analysis/impact.h"

namespace cordon::cli {
namespace {

std::string Pct(double change) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.1f%%", change * 100);
  return buf;
}

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
      std::printf("%s\n", ImpactJson(*r).c_str());
      return 0;
    }
    int64_t takedowns = 0;
    for (const auto& d : r->daily) takedowns += d.takedowns;
    std::printf("%zu days, %lld takedowns; network cohort: %lld chats (found by %s)\n",
                r->daily.size(), static_cast<long long>(takedowns),
                static_cast<long long>(r->network_chats), r->cohort.c_str());
    for (const auto& d : r->daily) {
      if (std::find(r->spikes.begin(), r->spikes.end(), d.date) == r->spikes.end()) continue;
      std::printf("spike %s: %lld takedowns against a baseline of %.0f\n", d.date.c_str(),
                  static_cast<long long>(d.takedowns), d.baseline);
    }
    for (const auto& act : r->actions) {
      std::printf(
          "action %s..%s: organic posts %s, forwarded %s, views %s, active chats %s "
          "(%d days before, %d after)\n",
          act.start.c_str(), act.end.c_str(), Pct(act.organic_change).c_str(),
          Pct(act.forwarded_change).c_str(), Pct(act.views_change).c_str(),
          Pct(act.active_chats_change).c_str(), act.before.days, act.after.days);
    }
    for (const auto& c : r->survival) {
      std::printf("survival %-36s %6lld chats, %6lld taken down, median life %s\n", c.group.c_str(),
                  static_cast<long long>(c.chats), static_cast<long long>(c.taken_down),
                  c.median_days < 0
                      ? "not reached"
                      : (std::to_string(c.median_days).substr(0, 5) + " days").c_str());
    }
    for (const auto& [p, n] : r->migration) {
      std::printf("migration %-12s %6lld messages, first on %s\n", p.c_str(),
                  static_cast<long long>(n), r->migration_first.at(p).c_str());
    }
    return 0;
  };
}

CORDON_COMMAND(kImpact, "impact", "Takedowns per day, spikes, before/after, survival, migration",
               Setup);

}  // namespace
}  // namespace cordon::cli
