// cordon stats --db FILE [--json] [--rejects]
#include <fmt/core.h>

#include "command.h"
#include "cordon/store/reject_queries.h"
#include "cordon/store/store.h"
#include "cordon/util/json_writer.h"

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
      std::string out;
      JsonWriter w(out);
      w.BeginObject().Key("entities").BeginObject();
      for (const auto& [kind, n] : s.entities) w.Field(kind, n);
      w.EndObject();
      w.Key("platforms").BeginObject();
      for (const auto& [p, n] : s.by_platform) w.Field(p, n);
      w.EndObject();
      w.Field("messages", s.messages).Field("forwarded", s.forwarded).Field("media", s.media);
      w.Field("links", s.links).Field("memberships", s.memberships).Field("invites", s.invites);
      w.Field("takedowns", s.takedowns).Field("reinstatements", s.reinstatements);
      w.Field("rejected", s.rejected).Field("weird", s.weird).Field("files", s.files);
      w.Key("weird_by_name").BeginObject();
      for (const auto& [name, n] : s.weird_by_name) w.Field(name.empty() ? "unnamed" : name, n);
      w.EndObject();
      w.EndObject();
      fmt::print("{}\n", out);
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
