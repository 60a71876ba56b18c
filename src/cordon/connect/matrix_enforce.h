// `cordon matrix enforce`: carries out the ledger's decisions about Matrix entities through a
// bot account (docs/connectors.md).
//
// For each takedown still in force (no later reinstatement):
//   user  matrix:@u:s        ban   POST /rooms/{room}/ban {"user_id","reason"} in each room the
//                                  bot has joined (matrix sync) where the store saw the user
//   message matrix:!r/$e     redact PUT /rooms/{room}/redact/{eventId}/{txnId} {"reason"}
//   user or room, with a policy room:
//                            rule  PUT /rooms/{policy}/state/m.policy.rule.user|room/rule:<id>
//                                  {"entity","recommendation":"m.ban","reason"}
// and for each reinstatement: unban (POST /rooms/{room}/unban) where a ban was done, and the
// rule withdrawn (the same state event with content {}). A redaction cannot be undone.
//
// Every action is recorded (store/connector_tables.h) with the server's answer, each in its own
// transaction as soon as it is answered (connect/actions.h, shared by every connector): a rerun
// skips what was done, retries what failed, and one failure (a 403 on one ban) does not stop
// the others. Transaction ids of redactions are
// derived from the ledger entry and the event, so a retry after a lost answer is the same
// request to the server. Path parts are percent-encoded (ids are written by adversaries).
//
// Thread safety: one run per client.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "cordon/connect/actions.h"
#include "cordon/connect/http_client.h"
#include "cordon/ledger/ledger.h"

namespace cordon::connect {

struct MatrixEnforceOptions {
  std::string db;
  std::string policy_room;  // "" for none; a room id (!...) or an alias (#...), resolved first
  bool dry_run = false;     // list the actions, send and record nothing
  const ledger::Clock* clock = nullptr;
  std::function<void(const std::string&)> log;
};

using MatrixEnforceReport = ActionReport;

StatusOr<MatrixEnforceReport> MatrixEnforce(HttpClient& client,
                                            const MatrixEnforceOptions& options);

}  // namespace cordon::connect
