#include "cordon/ledger/takedown_csv.h"

#include <algorithm>

#include "cordon/ledger/ledger.h"
#include "cordon/util/strings.h"
#include "cordon/util/utf8.h"

namespace cordon::ledger {
namespace {

constexpr size_t kMaxRecordBytes = 64 * 1024;
constexpr size_t kMaxRows = 10'000'000;

// Unquoted fields are trimmed of spaces and tabs only.
constexpr std::string_view kFieldBlank = " \t";

}  // namespace

bool NextCsvRecord(std::string_view text, size_t& pos, std::vector<std::string>& fields,
                   int64_t& lines, std::string& error) {
  fields.clear();
  lines = 1;
  std::string field;
  bool quoted = false;      // inside quotes
  bool was_quoted = false;  // this field started with a quote
  const size_t start = pos;
  while (pos < text.size()) {
    const char c = text[pos];
    if (pos - start > kMaxRecordBytes) {
      // Skip to the end of the physical line and give up on this record.
      while (pos < text.size() && text[pos] != '\n') ++pos;
      if (pos < text.size()) ++pos;
      error = "record longer than 64 KiB";
      return false;
    }
    if (quoted) {
      if (c == '"') {
        if (pos + 1 < text.size() && text[pos + 1] == '"') {
          field += '"';
          pos += 2;
          continue;
        }
        quoted = false;
        ++pos;
        continue;
      }
      if (c == '\n') ++lines;
      field += c;
      ++pos;
      continue;
    }
    if (c == '"' && !was_quoted && Trim(field, kFieldBlank).empty()) {
      field.clear();
      quoted = true;
      was_quoted = true;
      ++pos;
      continue;
    }
    if (c == ',') {
      fields.push_back(was_quoted ? field : std::string(Trim(field, kFieldBlank)));
      field.clear();
      was_quoted = false;
      ++pos;
      continue;
    }
    if (c == '\r' && pos + 1 < text.size() && text[pos + 1] == '\n') {
      ++pos;
      continue;
    }
    if (c == '\n') {
      ++pos;
      fields.push_back(was_quoted ? field : std::string(Trim(field, kFieldBlank)));
      return true;
    }
    field += c;
    ++pos;
  }
  if (quoted) {
    error = "unterminated quoted field";
    return false;
  }
  fields.push_back(was_quoted ? field : std::string(Trim(field, kFieldBlank)));
  return true;
}

CsvResult ParseTakedownCsv(std::string_view text, const std::string& file) {
  CsvResult out;
  StripUtf8Bom(text);  // spreadsheets write one
  size_t pos = 0;
  int64_t line = 1;
  bool first = true;
  std::vector<std::string> f;
  while (pos < text.size()) {
    const int64_t row_line = line;
    int64_t spanned = 1;
    std::string error;
    const bool ok = NextCsvRecord(text, pos, f, spanned, error);
    line += spanned;
    if (!ok) {
      out.problems.push_back({Location{file, row_line}, error});
      if (error == "unterminated quoted field") break;
      continue;
    }
    if (f.size() == 1 && f[0].empty()) continue;  // a blank line
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
      bad("time '" + f[1].substr(0, 64) + "' is neither RFC 3339 nor milliseconds");
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
