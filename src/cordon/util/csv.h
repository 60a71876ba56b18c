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
// Thread safety: pure functions; a CsvRow belongs to one thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

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

}  // namespace cordon
