// cordon stats --db FILE [--json] [--rejects]
#include <cstdio>

#include "command.h"
#include "cordon/store/store.h"
#include "cordon/util/json_writer.h"

namespace cordon::cli {
namespace {

void PrintRejects(Store& store) {
  Statement q(store.db(), "SELECT file, line, offset, reason FROM rejects ORDER BY 1, 2, 3");
  while (q.Step()) {
    Location where{std::string(q.Text(0)), q.Int(1), q.Int(2)};
    std::printf("%s: %s\n", where.ToString().c_str(), std::string(q.Text(3)).c_str());
  }
}

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
      PrintRejects(**store);
      return 0;
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
      std::printf("%s\n", out.c_str());
      return 0;
    }
    std::printf("entities:");
    for (const auto& [kind, n] : s.entities)
      std::printf("  %s %lld", kind.c_str(), static_cast<long long>(n));
    std::printf("\nplatforms:");
    for (const auto& [p, n] : s.by_platform)
      std::printf("  %s %lld", p.c_str(), static_cast<long long>(n));
    std::printf("\nmessages:       %lld (%lld forwarded)\n", static_cast<long long>(s.messages),
                static_cast<long long>(s.forwarded));
    std::printf(
        "media:          %lld\nlinks:          %lld\nmemberships:    %lld\n"
        "invites:        %lld\ntakedowns:      %lld (%lld reinstated)\n"
        "rejected:       %lld\nweird:          %lld\nfiles:          %lld\n",
        static_cast<long long>(s.media), static_cast<long long>(s.links),
        static_cast<long long>(s.memberships), static_cast<long long>(s.invites),
        static_cast<long long>(s.takedowns), static_cast<long long>(s.reinstatements),
        static_cast<long long>(s.rejected), static_cast<long long>(s.weird),
        static_cast<long long>(s.files));
    for (const auto& [name, n] : s.weird_by_name) {
      std::printf("  %-32s %lld\n", name.empty() ? "(unnamed: stored before names)" : name.c_str(),
                  static_cast<long long>(n));
    }
    return 0;
  };
}

CORDON_COMMAND(kStats, "stats", "Counts of what a database holds", Setup);

}  // namespace
}  // namespace cordon::cli
