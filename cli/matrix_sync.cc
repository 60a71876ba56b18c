// cordon matrix sync --homeserver URL --token-file F --db DB [--once] [--timeout-ms N]
// Long-polls /sync into the store through the pipeline (connect/matrix_sync.h).
#include <fmt/core.h>

#include "cordon/connect/matrix_sync.h"
#include "cordon/util/progress.h"
#include "matrix.h"

namespace cordon::cli {

std::function<int()> SetupMatrixSync(CLI::App& matrix) {
  struct Args {
    MatrixArgs m;
    bool once = false, quiet = false;
    int64_t timeout_ms = 30000;
  };
  auto a = std::make_shared<Args>();
  CLI::App* app = matrix.add_subcommand("sync", "Read the joined rooms live into the store");
  AddMatrixFlags(*app, a->m);
  app->add_flag("--once", a->once, "one sync with timeout 0, then exit");
  app->add_option("--timeout-ms", a->timeout_ms, "long-poll timeout")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{0}, int64_t{300000}));
  app->add_flag("--quiet,-q", a->quiet, "print nothing but errors");
  return [a, app]() -> int {
    if (!app->parsed()) return -1;
    auto client = OpenMatrixClient(a->m);
    if (!client.ok()) return Fail(client.status().ToString());
    connect::MatrixSyncOptions o;
    o.db = a->m.db;
    o.rounds = a->once ? 1 : 0;
    o.timeout_ms = a->once ? 0 : a->timeout_ms;
    if (!a->quiet) o.log = [](const std::string& line) { fmt::print(stderr, "{}\n", line); };
    auto r = connect::MatrixSync(**client, o);
    if (!r.ok()) return Fail(r.status().ToString());
    if (!a->quiet) {
      fmt::print("{} rounds, {} events, {} rejected, {} weird, {} gaps, {} policy takedowns\n",
                 r->rounds, r->events, r->rejected, r->weird, r->gaps, r->policy_takedowns);
    }
    return 0;
  };
}

}  // namespace cordon::cli
