// The ledger's records as JSON and as text lines for people (`cordon ledger`).
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cordon/ledger/ledger.h"

namespace cordon::ledger {

// `s` as a time (ParseTimeArg), or the clock's now when empty; InvalidArgument naming `flag`.
StatusOr<TimeMs> TimeArgOrNow(std::string_view s, std::string_view flag, const Clock& clock);

// A verification checked against a head hash kept elsewhere ("" for none): a differing head
// means entries were cut from the end, or added.
struct VerifyVerdict {
  bool ok = true;
  std::string problem;
};
VerifyVerdict CheckVerify(const VerifyResult& result, std::string_view expect_head);
std::string VerifyJson(const VerifyResult& result, const VerifyVerdict& verdict);

// One line per record (no newline).
std::string EntryLine(const Entry& e);
std::string AppealLine(const Appeal& a);
std::string PreservedLine(const Preserved& p);

// AppendEntryJson's object, returned.
std::string EntryJson(const Entry& e);
// {"appeal": id, "entity": ..., "status": ...}
std::string AppealJson(const Appeal& appeal);
// {"appeals": [...]}
std::string AppealsJson(const std::vector<Appeal>& appeals);
// {"<key>": [...]}
std::string PreservedJson(const std::vector<Preserved>& list, std::string_view key);
// {"entries": [...]}
std::string EntriesJson(const std::vector<Entry>& entries);

}  // namespace cordon::ledger
