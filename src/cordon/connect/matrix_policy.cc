#include "cordon/connect/matrix_policy.h"

#include <simdjson.h>

#include "cordon/connect/matrix_sync.h"

namespace cordon::connect {

StatusOr<std::string> ResolveRoom(HttpClient& client, std::string_view room) {
  if (!room.empty() && room.front() == '!') return std::string(room);
  if (room.empty() || room.front() != '#') {
    return Status::InvalidArgument("room '" + std::string(room) +
                                   "': expected !room:server or #alias:server");
  }
  ASSIGN_OR_RETURN(HttpResponse r,
                   client.Send("GET", "/_matrix/client/v3/directory/room/" + PathSegment(room)));
  simdjson::dom::parser parser;
  simdjson::padded_string padded(r.body);
  simdjson::dom::element doc;
  std::string_view id;
  if (r.status != 200 || parser.parse(padded).get(doc) || doc["room_id"].get_string().get(id) ||
      id.empty() || id.front() != '!') {
    return Status::NotFound("room alias '" + std::string(room) + "' not resolved (HTTP " +
                            std::to_string(r.status) + ")");
  }
  return std::string(id);
}

StatusOr<MatrixPolicyImportReport> MatrixPolicyImport(HttpClient& client,
                                                      const MatrixPolicyImportOptions& options) {
  const ledger::SystemClock system_clock;
  const ledger::Clock& clock = options.clock ? *options.clock : system_clock;
  MatrixPolicyImportReport report;
  ASSIGN_OR_RETURN(report.room, ResolveRoom(client, options.room));
  ASSIGN_OR_RETURN(HttpResponse r, client.Send("GET", "/_matrix/client/v3/rooms/" +
                                                          PathSegment(report.room) + "/state"));
  if (r.status != 200) {
    return Status::IoError("GET state of " + report.room + ": HTTP " + std::to_string(r.status));
  }
  ASSIGN_OR_RETURN(ParsedPolicyState state, ParsePolicyState(r.body));
  report.other_events = state.other_events;
  report.skipped = state.skipped;
  ASSIGN_OR_RETURN(auto store, Store::Open(options.db, DurableOptions()));
  const TimeMs now = clock.Now();
  RETURN_IF_ERROR(store->Begin());
  ledger::Ledger ledger(*store, &clock);
  auto counts = StorePolicyRules(*store, report.room, state, now);
  Status s = counts.status();
  if (s.ok()) {
    report.rules = counts->first;
    report.withdrawn = counts->second;
    auto applied = ApplyPolicyRules(*store, ledger, now, options.dry_run);
    if (applied.ok()) {
      report.applied = std::move(*applied);
    } else {
      s = applied.status();
    }
  }
  if (s.ok()) s = options.dry_run ? store->Rollback() : store->Commit();
  if (!s.ok()) {
    (void)store->Rollback();
    return s;
  }
  return report;
}

}  // namespace cordon::connect
