// The shared CSV writer: cells a spreadsheet would run as formulas are neutralised, quoting is
// RFC 4180, and the guard comes off exactly; the reader splits records in both its modes.
#include "cordon/util/csv.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

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

// The reader (CsvReader), strict by default as bank import uses it, lenient as takedowns do.
std::vector<CsvRecord> ReadAll(std::string_view data, CsvReadOptions opt = {}) {
  std::vector<CsvRecord> out;
  CsvReader reader(data, opt);
  CsvRecord r;
  while (reader.Next(r)) out.push_back(r);
  return out;
}

using Fields = std::vector<std::string>;

TEST(CsvReader, QuotedFieldsAndDoubledQuotes) {
  auto rs = ReadAll("a,\"b,c\",\"say \"\"hi\"\"\",\n\"\",x\n");
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0].fields, (Fields{"a", "b,c", "say \"hi\"", ""}));
  EXPECT_EQ(rs[0].error, CsvError::kNone);
  EXPECT_EQ(rs[1].fields, (Fields{"", "x"}));
  EXPECT_EQ(rs[1].line, 2);
  EXPECT_EQ(rs[1].offset, 22);
}

TEST(CsvReader, CrlfAndBlankLines) {
  auto rs = ReadAll("a,b\r\n\r\n\nc,d\r\ne");
  ASSERT_EQ(rs.size(), 3u);
  EXPECT_EQ(rs[0].fields, (Fields{"a", "b"}));
  EXPECT_EQ(rs[1].fields, (Fields{"c", "d"}));
  EXPECT_EQ(rs[1].line, 4);
  EXPECT_EQ(rs[2].fields, (Fields{"e"}));
  EXPECT_EQ(rs[2].line, 5);
}

TEST(CsvReader, EmbeddedNewlinesCountLines) {
  auto rs = ReadAll("\"one\ntwo\r\nthree\",x\ny\n");
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0].fields, (Fields{"one\ntwo\r\nthree", "x"}));
  EXPECT_EQ(rs[0].line, 1);
  EXPECT_EQ(rs[1].fields, (Fields{"y"}));
  EXPECT_EQ(rs[1].line, 4);
}

TEST(CsvReader, UnterminatedQuoteEndsTheText) {
  auto rs = ReadAll("a,b\nc,\"open\nmore\n");
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[1].error, CsvError::kUnterminatedQuote);
  EXPECT_EQ(rs[1].line, 2);
  EXPECT_EQ(rs[1].fields, (Fields{"c"}));  // the fields before the error
  auto lenient = ReadAll("\"open", {.lenient = true});
  ASSERT_EQ(lenient.size(), 1u);
  EXPECT_EQ(lenient[0].error, CsvError::kUnterminatedQuote);
}

TEST(CsvReader, StrictErrorsSkipTheirLine) {
  auto rs = ReadAll("\"a\"b,c\nx\"y\nlone\rcr\nok\n");
  ASSERT_EQ(rs.size(), 4u);
  EXPECT_EQ(rs[0].error, CsvError::kTextAfterQuote);
  EXPECT_EQ(rs[1].error, CsvError::kQuoteInField);
  EXPECT_EQ(rs[1].line, 2);
  EXPECT_EQ(rs[2].error, CsvError::kLoneCarriageReturn);
  EXPECT_EQ(rs[2].fields, (Fields{"lone"}));  // the CR ended the field before it
  EXPECT_EQ(rs[3].error, CsvError::kNone);
  EXPECT_EQ(rs[3].fields, (Fields{"ok"}));
  EXPECT_EQ(rs[3].line, 4);
  // Strict mode keeps blanks as they are.
  EXPECT_EQ(ReadAll(" a , b ")[0].fields, (Fields{" a ", " b "}));
}

TEST(CsvReader, LenientTrimsAndKeepsStrayText) {
  auto rs = ReadAll(" a ,\t\"b \" ,x\"y,\"q\"r\"\nlone\rcr\n  \n", {.lenient = true});
  ASSERT_EQ(rs.size(), 3u);
  EXPECT_EQ(rs[0].fields, (Fields{"a", "b  ", "x\"y", "qr\""}));
  EXPECT_EQ(rs[1].fields, (Fields{"lone\rcr"}));
  EXPECT_EQ(rs[2].fields, (Fields{""}));  // a line of blanks is one empty field
  EXPECT_EQ(rs[2].line, 3);
}

TEST(CsvReader, RecordLimitSkipsTheLine) {
  const std::string data = std::string(20, 'x') + ",y\nz\n";
  auto rs = ReadAll(data, {.lenient = true, .max_record_bytes = 10});
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0].error, CsvError::kRecordTooLong);
  EXPECT_EQ(rs[1].fields, (Fields{"z"}));
  EXPECT_EQ(rs[1].line, 2);
}

}  // namespace
}  // namespace cordon
