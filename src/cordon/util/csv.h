// Writing CSV that is safe to open in a spreadsheet. Every CSV cordon writes goes through here.
//
// Text cells (names, keys, labels, anything an adversary could have written) are neutralised
// against formula injection: a cell starting with '=', '+', '-', '@', a tab or a carriage
// return would be read as a formula by spreadsheet programs, so it gets a single quote in
// front ("=cmd" -> "'=cmd"), which they show as text. A cell that already starts with a single
// quote gets one more, so StripCsvFormulaGuard() undoes the guard exactly and cordon's own CSV
// reads back what was written. Cells holding the delimiter, a double quote, CR or LF, or
// leading or trailing whitespace are quoted RFC 4180 style (embedded quotes doubled); invalid
// UTF-8 is repaired (U+FFFD).
//
// Number cells are written as they are only when they are numbers; anything else is written
// as text, so a number cell cannot smuggle a formula either.
//
// Reading: CsvReader is the one RFC 4180 record reader (bank import, takedown CSV); callers
// word its errors themselves.
//
// Thread safety: pure functions; a CsvRow or CsvReader belongs to one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cordon {

// Appends `text` as one cell, neutralised and quoted as needed (no separator, no line end).
void AppendCsvText(std::string& out, std::string_view text);
// Appends a number cordon computed: as is when `number` is a decimal number ("-1", "0.25",
// "1e+06"), else as text.
void AppendCsvNumber(std::string& out, std::string_view number);
void AppendCsvNumber(std::string& out, int64_t number);

// The cell as it was before AppendCsvText's guard: one leading single quote is dropped when a
// character the guard protects (or a second single quote) follows it.
std::string_view StripCsvFormulaGuard(std::string_view cell);

// One record: cells separated by commas, ended by End() with a line feed.
class CsvRow {
 public:
  explicit CsvRow(std::string& out) : out_(out) {}
  CsvRow& Text(std::string_view text);
  CsvRow& Number(std::string_view number);
  CsvRow& Number(int64_t number);
  void End() { out_ += '\n'; }

 private:
  void Separate();
  std::string& out_;
  bool first_ = true;
};

enum class CsvError {
  kNone,
  kUnterminatedQuote,   // a quoted field runs to the end of the text
  kTextAfterQuote,      // strict: `"a"b`
  kQuoteInField,        // strict: `a"b`
  kLoneCarriageReturn,  // strict: CR not followed by LF outside quotes
  kRecordTooLong,       // longer than CsvReadOptions::max_record_bytes
};

struct CsvReadOptions {
  // Lenient: unquoted fields lose leading and trailing spaces and tabs, a quote opens a field
  // after leading blanks, and stray quotes, text after a closing quote and lone CRs are kept as
  // text. Strict (the default): those are errors and nothing is trimmed.
  bool lenient = false;
  size_t max_record_bytes = 0;  // 0: no limit
};

struct CsvRecord {
  std::vector<std::string> fields;  // on an error, the fields completed before it
  int64_t line = 0;                 // 1-based line the record starts on
  int64_t offset = 0;               // its byte offset
  CsvError error = CsvError::kNone;
};

// RFC 4180 records: comma-separated, fields optionally in double quotes ("" for a quote, line
// breaks allowed inside), records ended by LF or CRLF. Blank lines (LF or CRLF alone) are
// skipped. After an error the rest of its physical line is skipped (an unterminated quote has
// already consumed the rest of the text).
class CsvReader {
 public:
  explicit CsvReader(std::string_view data, CsvReadOptions options = {})
      : d_(data), opt_(options) {}

  // The next record; false at the end of the data.
  bool Next(CsvRecord& r);

 private:
  void ReadRecord(CsvRecord& r);
  void SkipLine();

  std::string_view d_;
  CsvReadOptions opt_;
  size_t pos_ = 0;
  int64_t line_ = 1;
};

}  // namespace cordon
