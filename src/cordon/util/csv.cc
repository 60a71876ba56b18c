#include "cordon/util/csv.h"

#include "cordon/util/utf8.h"

namespace cordon {
namespace {

// The characters spreadsheets read a formula from (OWASP, "CSV Injection"), and the guard
// itself so that guarding stays reversible.
bool NeedsGuard(char c) {
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r' || c == '\'';
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// -?digits[.digits][(e|E)[+-]digits]
bool IsDecimalNumber(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  const size_t int_start = i;
  while (i < s.size() && IsDigit(s[i])) ++i;
  if (i == int_start) return false;
  if (i < s.size() && s[i] == '.') {
    const size_t frac_start = ++i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    if (i == frac_start) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    const size_t exp_start = i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    if (i == exp_start) return false;
  }
  return i == s.size();
}

}  // namespace

void AppendCsvText(std::string& out, std::string_view text) {
  std::string repaired;
  if (!IsValidUtf8(text)) {
    repaired = RepairUtf8(text);
    text = repaired;
  }
  const bool guard = !text.empty() && NeedsGuard(text.front());
  const bool quote = text.find_first_of(",\"\r\n") != std::string_view::npos ||
                     (!text.empty() && (IsSpace(text.front()) || IsSpace(text.back())));
  if (quote) out += '"';
  if (guard) out += '\'';
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  if (quote) out += '"';
}

void AppendCsvNumber(std::string& out, std::string_view number) {
  if (IsDecimalNumber(number)) {
    out += number;
  } else {
    AppendCsvText(out, number);
  }
}

void AppendCsvNumber(std::string& out, int64_t number) { out += std::to_string(number); }

std::string_view StripCsvFormulaGuard(std::string_view cell) {
  if (cell.size() >= 2 && cell[0] == '\'' && NeedsGuard(cell[1])) cell.remove_prefix(1);
  return cell;
}

void CsvRow::Separate() {
  if (!first_) out_ += ',';
  first_ = false;
}

CsvRow& CsvRow::Text(std::string_view text) {
  Separate();
  AppendCsvText(out_, text);
  return *this;
}

CsvRow& CsvRow::Number(std::string_view number) {
  Separate();
  AppendCsvNumber(out_, number);
  return *this;
}

CsvRow& CsvRow::Number(int64_t number) {
  Separate();
  AppendCsvNumber(out_, number);
  return *this;
}

}  // namespace cordon
