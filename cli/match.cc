// cordon match --db FILE [--bank NAME] [--json] [--by-chat] [--rescan]
//
// The matches stored with messages: which chats carried known content, when, and how altered
// (distance). --rescan first matches every stored message against the banks as they are now
// (for banks added after the messages were ingested). --by-chat sums them up per chat and bank.
#include <cstdio>

#include "command.h"
#include "cordon/content/matcher.h"
#include "cordon/util/json_writer.h"

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
      if (!a->json) std::fprintf(stderr, "rescan: %lld matches\n", static_cast<long long>(*n));
    }
    const char* filter = a->bank.empty() ? "?1 = ''" : "bank = ?1";
    std::string sql =
        a->by_chat ? std::string(
                         "SELECT chat, bank, count(*), min(time), max(time), min(distance), "
                         "max(distance), count(DISTINCT signal) FROM matches WHERE ") +
                         filter + " GROUP BY chat, bank ORDER BY chat, bank"
                   : std::string(
                         "SELECT message, media_idx, bank, signal_type, signal, distance, "
                         "query, label, chat, time FROM matches WHERE ") +
                         filter + " ORDER BY time, message, media_idx, bank, signal_type, signal";
    Statement q((*store)->db(), sql);
    if (!q.ok()) return Fail(q.status().ToString());
    q.Bind(1, a->bank);
    int64_t rows = 0;
    while (q.Step()) {
      ++rows;
      std::string out;
      JsonWriter w(out);
      if (a->by_chat) {
        if (a->json) {
          w.BeginObject()
              .Field("chat", q.Text(0))
              .Field("bank", q.Text(1))
              .Field("matches", q.Int(2))
              .Field("first", q.Int(3))
              .Field("last", q.Int(4))
              .Field("min_distance", q.Int(5))
              .Field("max_distance", q.Int(6))
              .Field("signals", q.Int(7))
              .EndObject();
          std::printf("%s\n", out.c_str());
        } else {
          std::printf(
              "%s  bank %s: %lld matches of %lld signals, time %lld..%lld, distance "
              "%lld..%lld\n",
              std::string(q.Text(0)).c_str(), std::string(q.Text(1)).c_str(),
              static_cast<long long>(q.Int(2)), static_cast<long long>(q.Int(7)),
              static_cast<long long>(q.Int(3)), static_cast<long long>(q.Int(4)),
              static_cast<long long>(q.Int(5)), static_cast<long long>(q.Int(6)));
        }
        continue;
      }
      if (a->json) {
        w.BeginObject()
            .Field("message", q.Text(0))
            .Field("chat", q.Text(8))
            .Field("time", q.Int(9))
            .Field("media_idx", q.Int(1))
            .Field("bank", q.Text(2))
            .Field("signal_type", q.Text(3))
            .Field("signal", q.Text(4))
            .Field("distance", q.Int(5))
            .Field("query", q.Text(6))
            .Field("label", q.Text(7))
            .EndObject();
        std::printf("%s\n", out.c_str());
      } else {
        std::string what = q.Int(1) < 0 ? "text" : "media " + std::to_string(q.Int(1));
        std::string signal(q.Text(4));
        if (signal.size() > 64) signal = signal.substr(0, 61) + "...";
        std::printf("%s  %s  %s: %s %s %s distance %lld%s%s\n", std::string(q.Text(8)).c_str(),
                    std::string(q.Text(0)).c_str(), what.c_str(), std::string(q.Text(2)).c_str(),
                    std::string(q.Text(3)).c_str(), signal.c_str(),
                    static_cast<long long>(q.Int(5)), q.IsNull(7) ? "" : " label ",
                    std::string(q.Text(7)).c_str());
      }
    }
    if (!q.status().ok()) return Fail(q.status().ToString());
    if (rows == 0 && !a->json) {
      std::printf("no matches%s\n", a->bank.empty() ? "" : (" against bank " + a->bank).c_str());
    }
    return 0;
  };
}

CORDON_COMMAND(kMatch, "match", "Stored matches of messages against the banks", Setup);

}  // namespace
}  // namespace cordon::cli
