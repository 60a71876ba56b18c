// `cordon matrix policy import`: subscribes cordon to a Matrix policy list. Reads the policy
// room's state (GET /rooms/{roomId}/state), stores its rules (policy_rules.h; withdrawn rules
// are removed) and takes down, in the ledger, the known entities the ban rules match. Later
// `cordon matrix sync` rounds apply the stored rules to entities seen after the import.
#pragma once

#include <string>
#include <vector>

#include "cordon/connect/http_client.h"
#include "cordon/connect/policy_rules.h"
#include "cordon/ledger/ledger.h"

namespace cordon::connect {

struct MatrixPolicyImportOptions {
  std::string db;
  std::string room;  // !room:server or #alias:server
  bool dry_run = false;
  const ledger::Clock* clock = nullptr;
};

struct MatrixPolicyImportReport {
  std::string room;  // the room id read
  int64_t rules = 0, withdrawn = 0, other_events = 0;
  std::vector<std::string> skipped;
  PolicyApplyReport applied;
};

StatusOr<MatrixPolicyImportReport> MatrixPolicyImport(HttpClient& client,
                                                      const MatrixPolicyImportOptions& options);

// Resolves "#alias:server" to its room id (GET /directory/room/{alias}); "!id" is returned as
// given; anything else is InvalidArgument.
StatusOr<std::string> ResolveRoom(HttpClient& client, std::string_view room);

}  // namespace cordon::connect
