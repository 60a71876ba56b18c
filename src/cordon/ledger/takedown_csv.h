// Takedowns from CSV (docs/formats/takedown-csv.md): `entity,time,reason[,source]`, one row a
// takedown, RFC 4180 quoting (fields in double quotes, "" for a quote, CRLF or LF line ends),
// an optional header row naming the columns, blank lines ignored. Time is RFC 3339, integer
// milliseconds since the epoch or a date YYYY-MM-DD (ParseTimeArg); source, when present, is
// platform, referral, user_report or policy (empty means platform).
//
// A bad row is reported with its line and the rest goes on.
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cordon/model/event.h"
#include "cordon/util/status.h"

namespace cordon::ledger {

struct CsvTakedown {
  std::string entity;
  TimeMs time = 0;
  std::string reason;
  std::string source = "platform";
  int64_t line = 0;  // 1-based line the row starts on
};

struct CsvProblem {
  Location where;
  std::string message;
};

struct CsvResult {
  std::vector<CsvTakedown> rows;
  std::vector<CsvProblem> problems;
};

// Parses `text` read from `file` (for locations). Limits: rows of at most 64 KiB, at most
// 10 million rows; beyond them the rest is reported and skipped.
CsvResult ParseTakedownCsv(std::string_view text, const std::string& file);

}  // namespace cordon::ledger
