// cordon match --db FILE [--bank NAME] [--json] [--by-chat] [--rescan]
//
// The matches stored with messages: which chats carried known content, when, and how altered
// (distance). --rescan first matches every stored message against the banks as they are now
// (for banks added after the messages were ingested). --by-chat sums them up per chat and bank.
#include <fmt/core.h>

#include "command.h"
#include "cordon/content/matcher.h"
#include "cordon/store/match_queries.h"

namespace cordon::cli {
namespace {

std::function<int()> Setup(CLI::App& app) {
  struct Args {
    std::string db;
    std::string bank;
    bool json = false;
    bool by_chat = false;
    bool rescan = false;
  };
  auto a = std::make_shared<Args>();
  app.add_option("--db", a->db, "database")->required();
  app.add_option("--bank", a->bank, "only matches against this bank");
  app.add_flag("--json", a->json, "one JSON object per line");
  app.add_flag("--by-chat", a->by_chat,
               "per chat and bank: matches, first and last time, "
               "closest and farthest distance");
  app.add_flag("--rescan", a->rescan, "match every stored message against the banks first");
  return [a]() -> int {
    auto store = Store::Open(a->db, OpenMode::kExisting);
    if (!store.ok()) return Fail(store.status().ToString());
    if (a->rescan) {
      MatcherOptions opt;
      if (!a->bank.empty()) opt.banks = {a->bank};
      Matcher matcher(**store, opt);
      auto n = RematchStore(**store, matcher);
      if (!n.ok()) return Fail(n.status().ToString());
      if (!a->json) fmt::print(stderr, "rescan: {} matches\n", *n);
    }
    int64_t rows = 0;
    Status s;
    if (a->by_chat) {
      s = ForEachChatMatches(**store, a->bank, [&](const ChatMatches& c) {
        ++rows;
        if (!a->json) {
          fmt::print("{}  bank {}: {} matches of {} signals, time {}..{}, distance {}..{}\n",
                     c.chat, c.bank, c.matches, c.signals, c.first, c.last, c.min_distance,
                     c.max_distance);
          return;
        }
        std::string out;
        AppendChatMatchesJson(out, c);
        fmt::print("{}\n", out);
      });
    } else {
      s = ForEachMatch(**store, a->bank, [&](const StoredMatch& m) {
        ++rows;
        if (!a->json) {
          std::string what = m.media_idx < 0 ? "text" : "media " + std::to_string(m.media_idx);
          std::string signal = m.signal;
          if (signal.size() > 64) signal = signal.substr(0, 61) + "...";
          fmt::print("{}  {}  {}: {} {} {} distance {}{}{}\n", m.chat, m.message, what, m.bank,
                     m.signal_type, signal, m.distance, m.has_label ? " label " : "", m.label);
          return;
        }
        std::string out;
        AppendMatchJson(out, m);
        fmt::print("{}\n", out);
      });
    }
    if (!s.ok()) return Fail(s.ToString());
    if (rows == 0 && !a->json) {
      fmt::print("no matches{}\n", a->bank.empty() ? "" : " against bank " + a->bank);
    }
    return 0;
  };
}

CORDON_COMMAND(kMatch, "match", "Stored matches of messages against the banks", Setup);

}  // namespace
}  // namespace cordon::cli
