// `cordon telegram bot` and `cordon telegram enforce`: a Telegram bot that is an administrator of
// groups and channels (docs/connectors.md). The Bot API's token is part of every request's path
// (https://api.telegram.org/bot<token>/METHOD): the client is opened with it as a secret path
// prefix (TelegramClientOptions), so it is never logged, put in an error or stored.
//
// Reading: each round calls getUpdates (POST {"offset","timeout","allowed_updates"}) with the
// offset kept in the store (connector "telegram", cursor "offset"), writes the answer to a spool
// file beside the database and ingests it through the one pipeline with the Bot API importer
// (docs/formats/telegram-bot-api.md). Then, in one transaction, it notes the groups and channels
// the updates came from (connector_rooms, by their Bot API chat id) and stores the next offset
// (the last update_id + 1). A crash before that transaction asks for the same updates again (the
// Bot API keeps them until an offset past them is sent); events are upserts by key.
//
// Enforcement: for each ledger decision in force about a Telegram entity
//   message telegram:channel<id>/<m>, telegram:chat<id>/<m>
//                      delete  POST deleteMessage {"chat_id","message_id"}  (a chat the bot saw)
//   user telegram:user<id>
//                      ban     POST banChatMember {"chat_id","user_id"} in each chat the bot saw
//                              where the store saw the user (a message or a membership)
//   reinstated user    unban   POST unbanChatMember {"chat_id","user_id","only_if_banned":true}
//                              where a ban was done
// recorded per action with the answer (connect/actions.h); an answer counts as done when it is
// HTTP 200 with "ok": true. 429 answers carry parameters.retry_after (seconds): the client waits.
//
// Thread safety: one run per client.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "cordon/connect/actions.h"
#include "cordon/connect/http_client.h"
#include "cordon/ledger/ledger.h"
#include "cordon/util/progress.h"

namespace cordon::connect {

inline constexpr std::string_view kTelegramConnector = "telegram";

// The client options that put `token` in the path, hidden ("/bot<token>" in logs).
StatusOr<HttpOptions> TelegramClientOptions(std::string_view token, HttpOptions options = {});

struct TelegramSyncOptions {
  std::string db;
  int64_t rounds = 0;      // 0 = until stop() says so; --once is 1 with timeout 0
  int64_t timeout_s = 30;  // getUpdates' long poll
  int64_t limit = 100;     // updates per call (the Bot API's maximum)
  std::string spool_dir;   // "" = "<db>.telegram-spool"
  std::function<bool()> stop;
  const ledger::Clock* clock = nullptr;
  Progress* progress = nullptr;
  std::function<void(const std::string&)> log;
};

struct TelegramSyncReport {
  int64_t rounds = 0, updates = 0;
  int64_t events = 0, rejected = 0, weird = 0;
  int64_t chats = 0;   // groups and channels noted in this run
  int64_t offset = 0;  // the offset stored last (0: none yet)
};

StatusOr<TelegramSyncReport> TelegramSync(HttpClient& client, const TelegramSyncOptions& options);

struct TelegramEnforceOptions {
  std::string db;
  bool dry_run = false;
  const ledger::Clock* clock = nullptr;
  std::function<void(const std::string&)> log;
};

StatusOr<ActionReport> TelegramEnforce(HttpClient& client, const TelegramEnforceOptions& options);

}  // namespace cordon::connect
