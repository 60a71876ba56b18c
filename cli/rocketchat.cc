// cordon rocketchat sync|enforce: a Rocket.Chat account read and acting over the REST API
// (connect/rocketchat.h, docs/connectors.md).
#include <fmt/core.h>

#include <chrono>
#include <thread>

#include "command.h"
#include "connector_cli.h"
#include "cordon/connect/rocketchat.h"

namespace cordon::cli {
namespace {

struct RocketChatArgs {
  std::string server, user_id, token_file, db;
  bool once = false, dry_run = false, quiet = false;
  int64_t every_s = 60, count = 100, max_pages = 50;
};

void AddFlags(CLI::App& app, RocketChatArgs& a) {
  app.add_option("--server", a.server, "base URL, e.g. https://chat.example.org")->required();
  app.add_option("--user-id", a.user_id, "the account's user id (X-User-Id)")->required();
  app.add_option("--token-file", a.token_file, "file holding its personal access token")
      ->required();
  app.add_option("--db", a.db, "database")->required();
  app.add_flag("--once", a.once, "one round, then exit");
  AddEveryFlag(app, a.every_s);
}

std::function<int()> Setup(CLI::App& app) {
  app.require_subcommand(1, 1);
  auto a = std::make_shared<RocketChatArgs>();
  CLI::App* sync = app.add_subcommand("sync", "Read the account's rooms into the store");
  AddFlags(*sync, *a);
  sync->add_option("--count", a->count, "messages per history page")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{1000}));
  sync->add_option("--max-pages", a->max_pages, "pages per room per round")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{100000}));
  sync->add_flag("--quiet,-q", a->quiet, "print nothing but errors");
  CLI::App* enforce =
      app.add_subcommand("enforce", "Delete messages and remove users per the ledger");
  AddFlags(*enforce, *a);
  enforce->add_flag("--dry-run", a->dry_run, "print the requests, send and record nothing");
  return [a, sync]() -> int {
    auto token = connect::ReadTokenFile(a->token_file);
    if (!token.ok()) return Fail(token.status().ToString());
    auto client = connect::HttpClient::Open(a->server, "",
                                            connect::RocketChatClientOptions(a->user_id, *token));
    if (!client.ok()) return Fail(client.status().ToString());
    if (!sync->parsed()) {
      connect::RocketChatEnforceOptions o;
      o.db = a->db;
      o.dry_run = a->dry_run;
      o.log = [](const std::string& line) { fmt::print(stderr, "{}\n", line); };
      return RunEnforcePasses([&] { return connect::RocketChatEnforce(**client, o); }, a->once,
                              a->dry_run, a->every_s);
    }
    connect::RocketChatSyncOptions o;
    o.db = a->db;
    o.count = a->count;
    o.max_pages = a->max_pages;
    if (!a->quiet) o.log = [](const std::string& line) { fmt::print(stderr, "{}\n", line); };
    for (;;) {
      auto r = connect::RocketChatSync(**client, o);
      if (!r.ok()) return Fail(r.status().ToString());
      if (!a->quiet) {
        fmt::print("{} rooms, {} messages, {} events, {} rejected, {} weird, {} gaps\n", r->rooms,
                   r->messages, r->events, r->rejected, r->weird, r->gaps);
      }
      if (a->once) return 0;
      std::this_thread::sleep_for(std::chrono::seconds(a->every_s));
    }
  };
}

CORDON_COMMAND(kRocketChat, "rocketchat", "Rocket.Chat: read rooms, enforce takedowns", Setup);

}  // namespace
}  // namespace cordon::cli
