// cordon messages --db FILE [--chat KEY] [--after ID] [--limit N] [--json]
// The stored messages in the order they were stored, a page at a time: --after takes the
// `next` cursor of the page before (store/browse.h; the same JSON as GET /v1/messages).
#include <fmt/core.h>

#include <algorithm>

#include "command.h"
#include "cordon/store/browse.h"
#include "cordon/util/json_writer.h"
#include "cordon/util/time.h"

namespace cordon::cli {
namespace {

std::function<int()> Setup(CLI::App& app) {
  struct Args {
    std::string db;
    MessageQuery q;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  app.add_option("--db", a->db, "database")->required();
  app.add_option("--chat", a->q.chat, "only messages in this chat");
  app.add_option("--after", a->q.after, "start after this message id (the `next` of a page)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--limit", a->q.limit, "messages in the page (at most 1000)")
      ->check(CLI::Range(int64_t{1}, kMaxBrowseLimit))
      ->capture_default_str();
  app.add_flag("--json", a->json, "print JSON");
  return [a]() -> int {
    auto store = Store::Open(a->db, OpenMode::kExisting);
    if (!store.ok()) return Fail(store.status().ToString());
    auto page = ListMessages(**store, a->q);
    if (!page.ok()) return Fail(page.status().ToString());
    if (a->json) {
      fmt::print("{}\n", MessagePageJson(*page));
      return 0;
    }
    for (const MessageRow& m : page->messages) {
      // Texts are adversary-written: quoted and escaped as JSON strings, on one line.
      // Cut at 200 bytes, backed off to a UTF-8 character boundary so the line stays valid.
      size_t cut = std::min<size_t>(m.text.size(), 200);
      while (cut > 0 && cut < m.text.size() &&
             (static_cast<unsigned char>(m.text[cut]) & 0xC0) == 0x80)
        --cut;
      std::string text;
      AppendJsonString(text, cut < m.text.size() ? m.text.substr(0, cut) + "..." : m.text);
      fmt::print("{:>8}  {}  {}  {}\n", m.id, FormatRfc3339Ms(m.time), m.key, text);
    }
    if (page->next != 0) fmt::print("next: --after {}\n", page->next);
    return 0;
  };
}

CORDON_COMMAND(kMessages, "messages", "The stored messages, a page at a time", Setup);

}  // namespace
}  // namespace cordon::cli
