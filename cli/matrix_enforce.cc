// cordon matrix enforce --homeserver URL --token-file F --db DB [--policy-room ROOM]
//                       [--dry-run] [--once] [--every-s N]
// Carries out the ledger's decisions on Matrix entities (connect/matrix_enforce.h).
#include <fmt/core.h>

#include <chrono>
#include <thread>

#include "cordon/connect/matrix_enforce.h"
#include "matrix.h"

namespace cordon::cli {

std::function<int()> SetupMatrixEnforce(CLI::App& matrix) {
  struct Args {
    MatrixArgs m;
    std::string policy_room;
    bool dry_run = false, once = false;
    int64_t every_s = 60;
  };
  auto a = std::make_shared<Args>();
  CLI::App* app = matrix.add_subcommand("enforce", "Ban, redact and publish rules per the ledger");
  AddMatrixFlags(*app, a->m);
  app->add_option("--policy-room", a->policy_room, "publish rules here (!room:server or #alias)");
  app->add_flag("--dry-run", a->dry_run, "print the requests, send and record nothing");
  app->add_flag("--once", a->once, "one pass, then exit");
  app->add_option("--every-s", a->every_s, "seconds between passes")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{86400}));
  return [a, app]() -> int {
    if (!app->parsed()) return -1;
    auto client = OpenMatrixClient(a->m);
    if (!client.ok()) return Fail(client.status().ToString());
    connect::MatrixEnforceOptions o;
    o.db = a->m.db;
    o.policy_room = a->policy_room;
    o.dry_run = a->dry_run;
    o.log = [](const std::string& line) { fmt::print(stderr, "{}\n", line); };
    for (;;) {
      auto r = connect::MatrixEnforce(**client, o);
      if (!r.ok()) return Fail(r.status().ToString());
      if (a->dry_run) {
        for (const auto& p : r->actions) fmt::print("{} {} {}\n", p.method, p.path, p.body);
      }
      fmt::print("{} done, {} failed (retried next pass), {} done before\n", r->done, r->failed,
                 r->already_done);
      if (a->once || a->dry_run) return r->failed > 0 ? 2 : 0;
      std::this_thread::sleep_for(std::chrono::seconds(a->every_s));
    }
  };
}

}  // namespace cordon::cli
