// What every connector's `enforce` shares: the ledger's decisions still in force for one
// platform, and the loop that carries out a plan of actions once each, recording every action
// with the server's answer (store/connector_tables.h) in its own transaction as soon as it is
// answered. A rerun skips what was done and retries what failed; one failure does not stop the
// others; --dry-run lists the plan and sends and records nothing.
//
// Thread safety: one run per client and store.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "cordon/connect/http_client.h"
#include "cordon/ledger/ledger.h"
#include "cordon/store/connector_tables.h"
#include "cordon/util/json_writer.h"

namespace cordon::connect {

// One request a decision asks for. (connector, ledger_seq, action, target, subject) names it in
// connector_actions.
struct PlannedAction {
  int64_t ledger_seq = 0;
  std::string action, target, subject;
  std::string method, path, body;
};

struct ActionReport {
  std::vector<PlannedAction> actions;  // tried (or, with dry_run, to be tried) in this run
  int64_t done = 0, failed = 0;
  int64_t already_done = 0;  // skipped: done in an earlier run
};

struct RunActionsOptions {
  std::string_view connector;
  bool dry_run = false;
  const ledger::Clock* clock = nullptr;  // null: the system clock
  std::function<void(const std::string&)> log;
  // Whether an answer means the action was carried out; null: any 2xx.
  std::function<bool(const HttpResponse&)> succeeded;
};

// Sends each action not done before, in order, and records it.
StatusOr<ActionReport> RunActions(HttpClient& client, Store& store, std::vector<PlannedAction> plan,
                                  const RunActionsOptions& options);

// The ledger's takedowns and reinstatements of entities whose key starts with `prefix`, each the
// last such decision about its entity (a takedown followed by a reinstatement leaves only the
// reinstatement), in ledger order.
std::vector<ledger::Entry> DecisionsInForce(const std::vector<ledger::Entry>& entries,
                                            std::string_view prefix);

// (target, subject) of each action named `action` among `done`, sorted and unique: where a ban
// was done, for the unban a reinstatement asks for.
std::vector<std::pair<std::string, std::string>> DoneActions(
    const std::vector<ConnectorAction>& done, std::string_view action);

// A JSON object built by `f`: JsonObject([&](JsonWriter& w) { w.Field("a", 1); }).
std::string JsonObject(const std::function<void(JsonWriter&)>& f);

// Runs `f` in a transaction of `store`: committed when it returns OK, rolled back otherwise.
Status InTransaction(Store& store, const std::function<Status()>& f);

}  // namespace cordon::connect
