// cordon lookup --db FILE [--bank NAME] [--radius R] [--json]
//
// Reads PDQ hashes (64 hex digits a line) on standard input and writes a line per query:
//   {"query":"<hash>","matches":[{"signal":"<hash>","distance":N,"bank":"..","label":".."}]}
// A line that is not a hash gets {"query":"<line>","error":"..."}; the exit status is then 1.
#include <fmt/core.h>

#include <cstdio>
#include <iostream>

#include "command.h"
#include "cordon/content/matcher.h"
#include "cordon/util/json_writer.h"

namespace cordon::cli {
namespace {

std::function<int()> Setup(CLI::App& app) {
  struct Args {
    std::string db;
    std::string bank;
    int radius = kPdqMatchDistance;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  app.add_option("--db", a->db, "database")->required();
  app.add_option("--bank", a->bank, "only this bank");
  app.add_option("--radius", a->radius, "largest Hamming distance (default 31)")
      ->check(CLI::Range(0, 256));
  app.add_flag("--json", a->json, "one JSON object per query (the default is text)");
  return [a]() -> int {
    auto store = Store::Open(a->db, OpenMode::kExisting);
    if (!store.ok()) return Fail(store.status().ToString());
    MatcherOptions opt;
    if (!a->bank.empty()) opt.banks = {a->bank};
    Matcher matcher(**store, opt);
    Status s = matcher.Refresh();
    if (!s.ok()) return Fail(s.ToString());
    if (!a->bank.empty() && matcher.banks() == 0) return Fail("no bank named '" + a->bank + "'");
    std::ios::sync_with_stdio(false);
    std::string line, out;
    int rc = 0;
    while (std::getline(std::cin, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty()) continue;
      out.clear();
      JsonWriter w(out);
      auto h = PdqHash::FromHex(line);
      if (!h.ok()) {
        rc = 1;
        if (a->json) {
          w.BeginObject().Field("query", line).Field("error", h.status().message()).EndObject();
          fmt::print("{}\n", out);
        } else {
          fmt::print(stderr, "cordon: {}: {}\n", line, h.status().message());
        }
        continue;
      }
      std::vector<Match> matches = matcher.LookupPdq(*h, a->radius);
      if (a->json) {
        w.BeginObject().Field("query", h->Hex()).Key("matches").BeginArray();
        for (const Match& m : matches) {
          w.BeginObject()
              .Field("signal", m.signal)
              .Field("distance", m.distance)
              .Field("bank", m.bank)
              .Field("label", m.label)
              .EndObject();
        }
        w.EndArray().EndObject();
        fmt::print("{}\n", out);
      } else {
        fmt::print("{}: {} matches\n", h->Hex(), matches.size());
        for (const Match& m : matches) {
          fmt::print("  {} distance {} bank {}{}{}\n", m.signal, m.distance, m.bank,
                     m.label.empty() ? "" : " label ", m.label);
        }
      }
    }
    return rc;
  };
}

CORDON_COMMAND(kLookup, "lookup", "Look up PDQ hashes from standard input in the banks", Setup);

}  // namespace
}  // namespace cordon::cli
