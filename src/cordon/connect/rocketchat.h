// `cordon rocketchat sync` and `cordon rocketchat enforce`: a Rocket.Chat account (a bot or a
// moderator) read and acting over the REST API (docs/connectors.md). Every request carries the
// headers X-User-Id and X-Auth-Token (RocketChatClientOptions).
//
// Reading: each round lists the rooms the account is in (GET /api/v1/channels.list.joined and
// /api/v1/groups.list, paged), then reads each room's new messages (GET /api/v1/channels.history
// or groups.history ?roomId=R&count=N&offset=O&oldest=ISO, paged by offset) since the newest
// message time kept for the room (connector "rocketchat", cursor "oldest/<roomId>"). The pages are
// written to spool files beside the database, in a directory named after the server, and
// ingested through the one pipeline with the Rocket.Chat importer (docs/formats/rocketchat.md),
// which keys them rocketchat:<server>/<id>. Then, in one transaction: the rooms are noted with
// their type (cursor "type/<roomId>": c or p), each room's newest time is stored, the server
// name the keys carry is stored (cursor "host"), and a room that held more new messages than
// `max_pages` pages is recorded as the weird rocketchat_sync_gap. A crash before that reads the
// same pages again; events are upserts by key, so nothing is applied twice. The `oldest` bound is
// inclusive of the newest message read (it is read again, harmlessly), so messages sharing its
// millisecond are not lost.
//
// Enforcement: for each ledger decision in force about an entity of that server
//   message rocketchat:<server>/<room>/<msg>
//                      delete  POST /api/v1/chat.delete {"roomId","msgId"}        (a noted room)
//   user rocketchat:<server>/<user>
//                      kick    POST /api/v1/channels.kick or groups.kick {"roomId","userId"} in
//                              each noted room where the store saw the user
//   reinstated user    invite  POST /api/v1/channels.invite or groups.invite where a kick was done
// recorded per action with the answer (connect/actions.h); an answer counts as done when it is
// HTTP 200 with "success": true. 429 answers are honoured (X-RateLimit-Reset, Retry-After).
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

inline constexpr std::string_view kRocketChatConnector = "rocketchat";

// The options that send the account's id and token as Rocket.Chat's headers.
HttpOptions RocketChatClientOptions(std::string_view user_id, std::string_view token,
                                    HttpOptions options = {});

struct RocketChatSyncOptions {
  std::string db;
  int64_t count = 100;     // messages per page
  int64_t max_pages = 50;  // pages per room per round; more is a gap
  std::string spool_dir;   // "" = "<db>.rocketchat-spool"
  const ledger::Clock* clock = nullptr;
  Progress* progress = nullptr;
  std::function<void(const std::string&)> log;
};

struct RocketChatSyncReport {
  int64_t rooms = 0, pages = 0, messages = 0;
  int64_t events = 0, rejected = 0, weird = 0;
  int64_t gaps = 0;
  std::string host;  // the server name in the keys
};

// One round.
StatusOr<RocketChatSyncReport> RocketChatSync(HttpClient& client,
                                              const RocketChatSyncOptions& options);

struct RocketChatEnforceOptions {
  std::string db;
  bool dry_run = false;
  const ledger::Clock* clock = nullptr;
  std::function<void(const std::string&)> log;
};

StatusOr<ActionReport> RocketChatEnforce(HttpClient& client,
                                         const RocketChatEnforceOptions& options);

}  // namespace cordon::connect
