#include "cordon/ledger/takedown_csv.h"

#include <algorithm>

#include "cordon/ledger/ledger.h"
#include "cordon/util/csv.h"
#include "cordon/util/strings.h"
#include "cordon/util/utf8.h"

namespace cordon::ledger {
namespace {

constexpr size_t kMaxRecordBytes = 64 * 1024;
constexpr size_t kMaxRows = 10'000'000;

}  // namespace

CsvResult ParseTakedownCsv(std::string_view text, const std::string& file) {
  CsvResult out;
  StripUtf8Bom(text);  // spreadsheets write one
  // Lenient: spreadsheets and hand edits leave blanks around cells and stray quotes.
  CsvReader reader(text, CsvReadOptions{.lenient = true, .max_record_bytes = kMaxRecordBytes});
  CsvRecord r;
  bool first = true;
  while (reader.Next(r)) {
    const int64_t row_line = r.line;
    const std::vector<std::string>& f = r.fields;
    if (r.error == CsvError::kUnterminatedQuote) {
      out.problems.push_back({Location{file, row_line}, "unterminated quoted field"});
      break;
    }
    if (r.error != CsvError::kNone) {
      out.problems.push_back({Location{file, row_line}, "record longer than 64 KiB"});
      continue;
    }
    if (f.size() == 1 && f[0].empty()) continue;  // a line of blanks
    const bool header = first && !f.empty() && ToLower(f[0]) == "entity";
    first = false;
    if (header) continue;
    if (out.rows.size() >= kMaxRows) {
      out.problems.push_back(
          {Location{file, row_line}, "more than 10 million rows; the rest is skipped"});
      break;
    }
    auto bad = [&](std::string m) {
      out.problems.push_back({Location{file, row_line}, std::move(m)});
    };
    if (f.size() < 3 || f.size() > 4) {
      bad("expected entity,time,reason[,source]: found " + std::to_string(f.size()) + " fields");
      continue;
    }
    CsvTakedown t;
    t.line = row_line;
    t.entity = f[0];
    t.reason = f[2];
    if (t.entity.empty()) {
      bad("empty entity");
      continue;
    }
    if (t.reason.empty()) {
      bad("empty reason");
      continue;
    }
    auto time = ParseTimeArg(f[1]);
    if (!time) {
      bad("time '" + f[1].substr(0, 64) + "' is not " + std::string(kTimeArgForms));
      continue;
    }
    t.time = *time;
    if (f.size() == 4 && !f[3].empty()) {
      t.source = ToLower(f[3]);
      if (!IsKnownSource(t.source)) {
        bad("unknown source '" + f[3].substr(0, 64) +
            "' (platform, referral, user_report, policy)");
        continue;
      }
    }
    out.rows.push_back(std::move(t));
  }
  return out;
}

}  // namespace cordon::ledger
