// cordon matrix policy import --homeserver URL --token-file F --db DB --room ROOM [--dry-run]
// Reads a Matrix policy list into cordon's rules and applies them (connect/matrix_policy.h).
#include <fmt/core.h>

#include "cordon/connect/matrix_policy.h"
#include "matrix.h"

namespace cordon::cli {

std::function<int()> SetupMatrixPolicy(CLI::App& matrix) {
  struct Args {
    MatrixArgs m;
    std::string room;
    bool dry_run = false;
  };
  auto a = std::make_shared<Args>();
  CLI::App* policy = matrix.add_subcommand("policy", "Matrix policy lists");
  policy->require_subcommand(1, 1);
  CLI::App* app = policy->add_subcommand("import", "Subscribe to a policy room's rules");
  AddMatrixFlags(*app, a->m);
  app->add_option("--room", a->room, "the policy room (!room:server or #alias:server)")->required();
  app->add_flag("--dry-run", a->dry_run, "print what would be taken down, write nothing");
  return [a, policy]() -> int {
    if (!policy->parsed()) return -1;
    auto client = OpenMatrixClient(a->m);
    if (!client.ok()) return Fail(client.status().ToString());
    connect::MatrixPolicyImportOptions o;
    o.db = a->m.db;
    o.room = a->room;
    o.dry_run = a->dry_run;
    auto r = connect::MatrixPolicyImport(**client, o);
    if (!r.ok()) return Fail(r.status().ToString());
    for (const std::string& why : r->skipped) fmt::print(stderr, "skipped: {}\n", why);
    for (const std::string& key : r->applied.taken_down) {
      fmt::print("{}{}\n", a->dry_run ? "would take down " : "taken down ", key);
    }
    fmt::print("{}: {} rules, {} withdrawn, {} skipped; {} taken down, {} already down\n", r->room,
               r->rules, r->withdrawn, r->skipped.size(), r->applied.taken_down.size(),
               r->applied.already_down);
    return 0;
  };
}

}  // namespace cordon::cli
