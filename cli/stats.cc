// cordon stats --db FILE [--json] [--rejects]
#include <fmt/core.h>

#include "command.h"
#include "cordon/store/reject_queries.h"
#include "cordon/store/stats_json.h"
#include "cordon/store/store.h"

namespace cordon::cli {
namespace {

std::function<int()> Setup(CLI::App& app) {
  struct Args {
    std::string db;
    bool json = false;
    bool rejects = false;
  };
  auto a = std::make_shared<Args>();
  app.add_option("--db", a->db, "database")->required();
  app.add_flag("--json", a->json, "print JSON");
  app.add_flag("--rejects", a->rejects, "list every rejected record with its location");
  return [a]() -> int {
    auto store = Store::Open(a->db, OpenMode::kExisting);
    if (!store.ok()) return Fail(store.status().ToString());
    if (a->rejects) {
      Status s = ForEachReject(**store, [](const StoredReject& r) {
        fmt::print("{}: {}\n", r.where.ToString(), r.reason);
      });
      return s.ok() ? 0 : Fail(s.ToString());
    }
    auto st = (*store)->Stats();
    if (!st.ok()) return Fail(st.status().ToString());
    const StoreStats& s = *st;
    if (a->json) {
      fmt::print("{}\n", StoreStatsJson(s));
      return 0;
    }
    fmt::print("entities:");
    for (const auto& [kind, n] : s.entities) fmt::print("  {} {}", kind, n);
    fmt::print("\nplatforms:");
    for (const auto& [p, n] : s.by_platform) fmt::print("  {} {}", p, n);
    fmt::print("\nmessages:       {} ({} forwarded)\n", s.messages, s.forwarded);
    fmt::print(
        "media:          {}\nlinks:          {}\nmemberships:    {}\n"
        "invites:        {}\ntakedowns:      {} ({} reinstated)\n"
        "rejected:       {}\nweird:          {}\nfiles:          {}\n",
        s.media, s.links, s.memberships, s.invites, s.takedowns, s.reinstatements, s.rejected,
        s.weird, s.files);
    for (const auto& [name, n] : s.weird_by_name) {
      fmt::print("  {:<32} {}\n", name.empty() ? "(unnamed: stored before names)" : name, n);
    }
    return 0;
  };
}

CORDON_COMMAND(kStats, "stats", "Counts of what a database holds", Setup);

}  // namespace
}  // namespace cordon::cli
