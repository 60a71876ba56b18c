// cordon telegram bot|enforce: a Telegram bot administering groups and channels through the Bot
// API (connect/telegram_bot.h, docs/connectors.md).
#include <fmt/core.h>

#include "command.h"
#include "connector_cli.h"
#include "cordon/connect/telegram_bot.h"

namespace cordon::cli {
namespace {

struct TelegramArgs {
  std::string api = "https://api.telegram.org", token_file, db;
  bool once = false, dry_run = false, quiet = false;
  int64_t timeout_s = 30, every_s = 60;
};

void AddFlags(CLI::App& app, TelegramArgs& a) {
  app.add_option("--api", a.api, "Bot API base URL")->capture_default_str();
  app.add_option("--token-file", a.token_file, "file holding the bot's token")->required();
  app.add_option("--db", a.db, "database")->required();
  app.add_flag("--once", a.once, "one round, then exit");
}

StatusOr<std::unique_ptr<connect::HttpClient>> OpenClient(const TelegramArgs& a) {
  ASSIGN_OR_RETURN(std::string token, connect::ReadTokenFile(a.token_file));
  ASSIGN_OR_RETURN(connect::HttpOptions options, connect::TelegramClientOptions(token));
  return connect::HttpClient::Open(a.api, "", std::move(options));
}

std::function<int()> Setup(CLI::App& app) {
  app.require_subcommand(1, 1);
  auto a = std::make_shared<TelegramArgs>();
  CLI::App* bot = app.add_subcommand("bot", "Read the bot's updates (getUpdates) into the store");
  AddFlags(*bot, *a);
  bot->add_option("--timeout-s", a->timeout_s, "getUpdates long-poll timeout")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{0}, int64_t{50}));
  bot->add_flag("--quiet,-q", a->quiet, "print nothing but errors");
  CLI::App* enforce = app.add_subcommand("enforce", "Delete messages and ban users per the ledger");
  AddFlags(*enforce, *a);
  enforce->add_flag("--dry-run", a->dry_run, "print the requests, send and record nothing");
  AddEveryFlag(*enforce, a->every_s);
  return [a, bot]() -> int {
    auto client = OpenClient(*a);
    if (!client.ok()) return Fail(client.status().ToString());
    if (bot->parsed()) {
      connect::TelegramSyncOptions o;
      o.db = a->db;
      o.rounds = a->once ? 1 : 0;
      o.timeout_s = a->once ? 0 : a->timeout_s;
      if (!a->quiet) o.log = [](const std::string& line) { fmt::print(stderr, "{}\n", line); };
      auto r = connect::TelegramSync(**client, o);
      if (!r.ok()) return Fail(r.status().ToString());
      if (!a->quiet) {
        fmt::print("{} rounds, {} updates, {} events, {} rejected, {} weird, next offset {}\n",
                   r->rounds, r->updates, r->events, r->rejected, r->weird, r->offset);
      }
      return 0;
    }
    connect::TelegramEnforceOptions o;
    o.db = a->db;
    o.dry_run = a->dry_run;
    o.log = [](const std::string& line) { fmt::print(stderr, "{}\n", line); };
    return RunEnforcePasses([&] { return connect::TelegramEnforce(**client, o); }, a->once,
                            a->dry_run, a->every_s);
  };
}

CORDON_COMMAND(kTelegram, "telegram", "Telegram bot: read updates, enforce takedowns", Setup);

}  // namespace
}  // namespace cordon::cli
