// Recording takedowns by hand: one (`cordon takedown ENTITY`) or every row of a CSV
// (`cordon takedown --import`, docs/formats/takedown-csv.md), through the Ledger API.
//
// Transactions: each function runs its own write transaction and rolls it back on error.
// Thread safety: one thread at a time, with its Store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cordon/ledger/ledger.h"

namespace cordon::ledger {

struct TakedownImport {
  int64_t recorded = 0;
  int64_t already_recorded = 0;  // the store held a takedown of the entity at that time
  // Rows refused (bad CSV, unknown entity, a request the ledger refuses), with their place.
  std::vector<std::pair<Location, std::string>> problems;
};

// Records the takedown of each row of the CSV `text` read from `path`, decided by `by`, with
// evidence {"import": path, "line": N}. Importing a file twice records nothing twice. With
// `force`, entities nothing ingested mentions are accepted (their key must still be well
// formed). Non-OK only when the store fails.
StatusOr<TakedownImport> ImportTakedowns(Store& store, Ledger& ledger, std::string_view text,
                                         const std::string& path, const std::string& by,
                                         bool force);
// The same for the file at `path`.
StatusOr<TakedownImport> ImportTakedownFile(Store& store, Ledger& ledger, const std::string& path,
                                            const std::string& by, bool force);

// The evidence object of a takedown by hand: `json` (an object; "" for none) with the message
// keys added as "messages", canonical.
StatusOr<std::string> TakedownEvidence(const std::string& json,
                                       const std::vector<std::string>& messages);

// Records one takedown by hand after checking its entity key (ledger/entity_key.h; `force` as
// above). With a non-empty `referral`, it acts on that referral: the referral must be about the
// entity, the takedown's source becomes "referral" and its ref "referral:<id>", and the
// referral is closed.
struct RecordedTakedown {
  std::optional<Entry> entry;  // the ledger entry, unless refused
  std::string refused;         // why the referral does not fit ("no referral X"); "" when recorded
};
StatusOr<RecordedTakedown> RecordTakedown(Store& store, Ledger& ledger, TakedownRequest request,
                                          const std::string& referral, bool force);

}  // namespace cordon::ledger
