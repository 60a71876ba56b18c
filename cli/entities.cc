// cordon entities --db FILE [--platform P] [--kind K] [--after KEY] [--limit N] [--json]
// The entities the store knows (chats, users, bots), by key, a page at a time: --after takes
// the `next` cursor of the page before (store/browse.h; the same JSON as GET /v1/entities).
#include <fmt/core.h>

#include "command.h"
#include "cordon/store/browse.h"
#include "cordon/util/json_writer.h"
#include "cordon/util/time.h"

namespace cordon::cli {
namespace {

std::function<int()> Setup(CLI::App& app) {
  struct Args {
    std::string db;
    EntityQuery q;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  app.add_option("--db", a->db, "database")->required();
  app.add_option("--platform", a->q.platform, "only this platform (telegram, matrix, ...)");
  app.add_option("--kind", a->q.kind, "only this kind (channel, group, user, bot)");
  app.add_option("--after", a->q.after, "start after this key (the `next` of a page)");
  app.add_option("--limit", a->q.limit, "entities in the page (at most 1000)")
      ->check(CLI::Range(int64_t{1}, kMaxBrowseLimit))
      ->capture_default_str();
  app.add_flag("--json", a->json, "print JSON");
  return [a]() -> int {
    auto store = Store::Open(a->db, OpenMode::kExisting);
    if (!store.ok()) return Fail(store.status().ToString());
    auto page = ListEntities(**store, a->q);
    if (!page.ok()) return Fail(page.status().ToString());
    if (a->json) {
      fmt::print("{}\n", EntityPageJson(*page));
      return 0;
    }
    for (const EntityRow& e : page->entities) {
      // Names are adversary-written: quoted and escaped as JSON strings.
      std::string name;
      AppendJsonString(name, e.name);
      fmt::print("{}  {:<8} {}{}\n", e.key, e.kind, name,
                 e.subscribers ? fmt::format(" ({} subscribers)", *e.subscribers) : "");
    }
    if (!page->next.empty()) fmt::print("next: --after {}\n", page->next);
    return 0;
  };
}

CORDON_COMMAND(kEntities, "entities", "The entities the store knows, a page at a time", Setup);

}  // namespace
}  // namespace cordon::cli
