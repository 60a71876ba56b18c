#include "cordon/util/csv.h"

#include "cordon/util/strings.h"
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

bool CsvReader::Next(CsvRecord& r) {
  while (pos_ < d_.size()) {
    r.fields.clear();
    r.error = CsvError::kNone;
    r.line = line_;
    r.offset = static_cast<int64_t>(pos_);
    if (d_[pos_] == '\n' || (d_[pos_] == '\r' && pos_ + 1 < d_.size() && d_[pos_ + 1] == '\n')) {
      pos_ += d_[pos_] == '\r' ? 2 : 1;  // a blank line
      ++line_;
      continue;
    }
    ReadRecord(r);
    return true;
  }
  return false;
}

void CsvReader::SkipLine() {
  while (pos_ < d_.size() && d_[pos_] != '\n') ++pos_;
  if (pos_ < d_.size()) {
    ++pos_;
    ++line_;
  }
}

void CsvReader::ReadRecord(CsvRecord& r) {
  constexpr std::string_view kBlank = " \t";  // what lenient mode trims
  const size_t start = pos_;
  std::string field;
  bool quoted = false;      // inside quotes
  bool was_quoted = false;  // this field started with a quote
  auto end_field = [&] {
    r.fields.push_back(was_quoted || !opt_.lenient ? std::move(field)
                                                   : std::string(Trim(field, kBlank)));
    field.clear();
    was_quoted = false;
  };
  auto fail = [&](CsvError e) {
    r.error = e;
    SkipLine();
  };
  while (pos_ < d_.size()) {
    if (opt_.max_record_bytes != 0 && pos_ - start > opt_.max_record_bytes) {
      return fail(CsvError::kRecordTooLong);
    }
    const char c = d_[pos_];
    if (quoted) {
      if (c == '"') {
        if (pos_ + 1 < d_.size() && d_[pos_ + 1] == '"') {
          field += '"';
          pos_ += 2;
          continue;
        }
        quoted = false;
        ++pos_;
        if (!opt_.lenient && pos_ < d_.size() && d_[pos_] != ',' && d_[pos_] != '\n' &&
            d_[pos_] != '\r') {
          return fail(CsvError::kTextAfterQuote);
        }
        continue;
      }
      if (c == '\n') ++line_;
      field += c;
      ++pos_;
      continue;
    }
    if (c == '"') {
      const bool at_start =
          !was_quoted && (opt_.lenient ? Trim(field, kBlank).empty() : field.empty());
      if (at_start) {
        field.clear();
        quoted = true;
        was_quoted = true;
        ++pos_;
        continue;
      }
      if (!opt_.lenient) return fail(CsvError::kQuoteInField);
    }
    if (c == ',') {
      end_field();
      ++pos_;
      continue;
    }
    if (c == '\r') {
      if (pos_ + 1 < d_.size() && d_[pos_ + 1] == '\n') {
        ++pos_;  // the LF ends the record
        continue;
      }
      if (!opt_.lenient) {
        end_field();  // the CR ends the field before it
        return fail(CsvError::kLoneCarriageReturn);
      }
    }
    if (c == '\n') {
      ++pos_;
      ++line_;
      end_field();
      return;
    }
    field += c;
    ++pos_;
  }
  if (quoted) {
    r.error = CsvError::kUnterminatedQuote;
    return;
  }
  end_field();
}

}  // namespace cordon
