// Evidence: the one type that says why cordon believes something. Every stage that justifies a
// finding carries it: each reference behind a network edge, a role, a plan target, each signal
// of a regeneration detection (stored in the detection table), a stored content match
// (store/match_table.h, MatchEvidence), and through them the policy actions and the ledger
// entries that act on them (under "signals" in their evidence). One JSON form, written and read
// here, is how it is stored and shown (docs/design.md, "One evidence type").
//
//   {"signal":"avatar","refs":["telegram:channel7/12"],"value":0.93,
//    "time":"2024-03-01T10:00:00.000Z","detail":"PDQ distance 8"}
//
// Empty fields (no refs, no value, no time, empty detail) are left out, and a reader takes a
// missing field as empty, so a signal that needs only a strength and a sentence stays small.
// Everything in it may be adversary-written (channel names, message texts, keys): the writer
// escapes every string and repairs invalid UTF-8 to U+FFFD, so its output is always valid JSON.
// Values are written with 6 significant digits (the producers round to 4 decimals).
//
// Thread safety: plain values and pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cordon/model/event.h"
#include "cordon/util/json_writer.h"
#include "cordon/util/status.h"

namespace cordon {

struct Evidence {
  // What kind of signal it is: a stable lowercase name its producer documents (edges: forward,
  // sha256, pdq:<distance>, link:<link>, ...; roles: the role's name; regeneration: name,
  // avatar, admins, content, members, advert, timing; plan targets: target; matches: match).
  std::string signal;
  // What it points at: message keys, entity keys or membership references ("member <chat>
  // <user> <action>"). The first is what it is about; a re-upload's second is the earlier
  // message it repeats.
  std::vector<std::string> refs;
  // Its strength or measure, on the scale its signal documents (mostly 0..1; timing: hours).
  std::optional<double> value;
  // When it arose.
  std::optional<TimeMs> time;
  // What it means, one line, for a person to check.
  std::string detail;

  friend bool operator==(const Evidence&, const Evidence&) = default;
};

// Writes one evidence object / an array of them as the next value of `w`.
void WriteEvidenceJson(JsonWriter& w, const Evidence& e);
void WriteEvidenceListJson(JsonWriter& w, const std::vector<Evidence>& list);
// The array as JSON text (what the detection table and policy evidence store).
std::string EvidenceListJson(const std::vector<Evidence>& list);

// Reads what the writers wrote. Unknown fields are ignored (a newer writer may add some); a field
// of the wrong type, a time that is no RFC 3339 string or text that is not one JSON value is an
// InvalidArgument error.
StatusOr<Evidence> ParseEvidenceJson(std::string_view json);
StatusOr<std::vector<Evidence>> ParseEvidenceListJson(std::string_view json);

}  // namespace cordon
