// `cordon matrix sync`: reads a Matrix homeserver live, as a bot account, into the store.
//
// Each round long-polls GET /_matrix/client/v3/sync with the `since` token kept in the store
// (connector "matrix", cursor "since"), writes the answer to a spool file beside the database
// and ingests it through the one pipeline (pipeline/pipeline.h: the Matrix importer, the
// matcher and the detectors), exactly as `cordon ingest` would. Then, in one transaction, it
// notes the joined rooms, records each `limited` timeline as the weird matrix_sync_gap (events
// were skipped), applies imported policy rules (policy_rules.h) to what is now known, and
// stores the new `since`. A crash before that transaction re-reads the same batch next time;
// every event is an upsert by key, so nothing is applied twice.
//
// Thread safety: one sync per client; the store's locking orders it with other writers.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "cordon/connect/http_client.h"
#include "cordon/ledger/ledger.h"
#include "cordon/pipeline/pipeline.h"

namespace cordon::connect {

inline constexpr std::string_view kMatrixConnector = "matrix";

struct MatrixSyncOptions {
  std::string db;
  // Rounds to run; 0 = until stop() says so (or forever). --once is 1 with timeout 0.
  int64_t rounds = 0;
  int64_t timeout_ms = 30000;  // the long poll
  // Where each answer is written before it is ingested; "" = "<db>.matrix-spool".
  std::string spool_dir;
  std::function<bool()> stop;            // checked between rounds
  const ledger::Clock* clock = nullptr;  // null: the system clock
  Progress* progress = nullptr;
  // Called after each round with a line for the log.
  std::function<void(const std::string&)> log;
  // For tests: called at "fetched" (the answer is in the spool, nothing ingested) and at
  // "ingested" (its events applied, the new `since` not stored yet); a non-OK status ends the
  // sync there, as a crash at that point would. Null: never.
  std::function<Status(std::string_view point)> crash_point;
};

struct MatrixSyncReport {
  int64_t rounds = 0;
  int64_t events = 0, rejected = 0, weird = 0;
  int64_t gaps = 0;              // limited timelines
  int64_t rooms = 0;             // joined rooms in the answers
  int64_t policy_takedowns = 0;  // entities taken down by imported policy rules
  std::string since;             // the cursor stored last
};

// Runs the rounds. Non-OK when the server refuses (401, 403, ...), its answer is no sync
// response, or the store fails; what earlier rounds stored stays.
StatusOr<MatrixSyncReport> MatrixSync(HttpClient& client, const MatrixSyncOptions& options);

}  // namespace cordon::connect
