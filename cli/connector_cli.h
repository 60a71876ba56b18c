// What the connectors' enforce subcommands share (matrix, telegram, rocketchat): the --every-s
// flag and the loop of passes that prints each pass's outcome.
#pragma once

#include <fmt/core.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <thread>

#include "command.h"
#include "cordon/connect/actions.h"

namespace cordon::cli {

inline void AddEveryFlag(CLI::App& app, int64_t& every_s) {
  app.add_option("--every-s", every_s, "seconds between passes")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{86400}));
}

// Runs `pass` once (with --once or --dry-run) or every `every_s` seconds; with dry_run prints
// the requests. Exit code 2 when an action failed in the last pass.
inline int RunEnforcePasses(const std::function<StatusOr<connect::ActionReport>()>& pass, bool once,
                            bool dry_run, int64_t every_s) {
  for (;;) {
    auto r = pass();
    if (!r.ok()) return Fail(r.status().ToString());
    if (dry_run) {
      for (const auto& p : r->actions) fmt::print("{} {} {}\n", p.method, p.path, p.body);
    }
    fmt::print("{} done, {} failed (retried next pass), {} done before\n", r->done, r->failed,
               r->already_done);
    if (once || dry_run) return r->failed > 0 ? 2 : 0;
    std::this_thread::sleep_for(std::chrono::seconds(every_s));
  }
}

}  // namespace cordon::cli
