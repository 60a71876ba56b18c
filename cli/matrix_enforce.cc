// cordon matrix enforce --homeserver URL --token-file F --db DB [--policy-room ROOM]
//                       [--dry-run] [--once] [--every-s N]
// Carries out the ledger's decisions on Matrix entities (connect/matrix_enforce.h).
#include <fmt/core.h>

#include "connector_cli.h"
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
  AddEveryFlag(*app, a->every_s);
  return [a, app]() -> int {
    if (!app->parsed()) return -1;
    auto client = OpenMatrixClient(a->m);
    if (!client.ok()) return Fail(client.status().ToString());
    connect::MatrixEnforceOptions o;
    o.db = a->m.db;
    o.policy_room = a->policy_room;
    o.dry_run = a->dry_run;
    o.log = [](const std::string& line) { fmt::print(stderr, "{}\n", line); };
    return RunEnforcePasses([&] { return connect::MatrixEnforce(**client, o); }, a->once,
                            a->dry_run, a->every_s);
  };
}

}  // namespace cordon::cli
