// The shared CSV writer: cells a spreadsheet would run as formulas are neutralised, quoting is
// RFC 4180, and the guard comes off exactly.
#include "cordon/util/csv.h"

#include <gtest/gtest.h>

namespace cordon {
namespace {

std::string Cell(std::string_view s) {
  std::string out;
  AppendCsvText(out, s);
  return out;
}

TEST(Csv, NeutralisesFormulaTriggers) {
  EXPECT_EQ(Cell("=HYPERLINK(\"http://x.example\")"), "\"'=HYPERLINK(\"\"http://x.example\"\")\"");
  EXPECT_EQ(Cell("=1+2"), "'=1+2");
  EXPECT_EQ(Cell("+1"), "'+1");
  EXPECT_EQ(Cell("-5"), "'-5");
  EXPECT_EQ(Cell("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(Cell("\tcmd"), "\"'\tcmd\"");
  EXPECT_EQ(Cell("\rcmd"), "\"'\rcmd\"");
  EXPECT_EQ(Cell("'quoted"), "''quoted");
  EXPECT_EQ(Cell("plain name"), "plain name");
  EXPECT_EQ(Cell("a-b=c"), "a-b=c");  // only the first character matters
  EXPECT_EQ(Cell(""), "");
}

TEST(Csv, QuotesDelimitersQuotesLineBreaksAndEdgeSpaces) {
  EXPECT_EQ(Cell("a,b"), "\"a,b\"");
  EXPECT_EQ(Cell("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(Cell("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(Cell("cr\rhere"), "\"cr\rhere\"");
  EXPECT_EQ(Cell(" padded "), "\" padded \"");
  EXPECT_EQ(Cell("bad \xff byte"), "bad \xEF\xBF\xBD byte");
}

TEST(Csv, NumbersStayNumbersOnlyWhenTheyAreNumbers) {
  std::string out;
  CsvRow(out).Number(-1).Number("-0.25").Number("1e+06").Number("=1+1").Number("12abc").End();
  EXPECT_EQ(out, "-1,-0.25,1e+06,'=1+1,12abc\n");
}

TEST(Csv, StripUndoesTheGuardExactly) {
  for (std::string_view s :
       {"=x", "+x", "-x", "@x", "\tx", "\rx", "'x", "''x", "'=x", "x", "", "'", "-"}) {
    std::string cell;
    AppendCsvText(cell, s);
    // Unquote what the writer quoted, as a CSV reader would.
    std::string field = cell;
    if (!field.empty() && field.front() == '"') {
      field = field.substr(1, field.size() - 2);
      std::string plain;
      for (size_t i = 0; i < field.size(); ++i) {
        plain += field[i];
        if (field[i] == '"') ++i;
      }
      field = plain;
    }
    EXPECT_EQ(StripCsvFormulaGuard(field), s) << cell;
  }
}

}  // namespace
}  // namespace cordon
