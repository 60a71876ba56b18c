#include "cordon/connect/matrix_policy.h"

#include <simdjson.h>

#include <fstream>

#include "cordon/connect/matrix_sync.h"

namespace cordon::connect {

StatusOr<std::string> ReadTokenFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError("cannot read the token file", Location{path});
  std::string text(4097, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > 4096) return Status::InvalidArgument("token file over 4 KiB", Location{path});
  const size_t eol = text.find('\n');
  if (eol != std::string::npos) text.resize(eol);
  const size_t b = text.find_first_not_of(" \t\r");
  const size_t e = text.find_last_not_of(" \t\r");
  text = b == std::string::npos ? "" : text.substr(b, e - b + 1);
  if (text.empty()) return Status::InvalidArgument("token file is empty", Location{path});
  for (unsigned char c : text) {
    if (c < 0x21 || c == 0x7f) {
      return Status::InvalidArgument("token holds a space or control character", Location{path});
    }
  }
  return text;
}

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
