#include "cordon/ledger/takedown_csv.h"

#include <gtest/gtest.h>

namespace cordon::ledger {
namespace {

TEST(TakedownCsv, ReadsRowsWithHeaderQuotesAndCrlf) {
  const std::string text =
      "\xEF\xBB\xBF"
      "entity,time,reason,source\r\n"
      "telegram:channel1,2019-11-22T10:00:00Z,terrorist_content,platform\r\n"
      "\"telegram:channel2\",1574416800000,\"bot, \"\"mirror\"\"\",referral\r\n"
      "\n"
      "telegram:user3 , 2019-11-22T11:00:00Z , ban_evasion\n";
  CsvResult r = ParseTakedownCsv(text, "t.csv");
  EXPECT_TRUE(r.problems.empty()) << r.problems[0].message;
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.rows[0].entity, "telegram:channel1");
  EXPECT_EQ(r.rows[0].time, 1574416800000);
  EXPECT_EQ(r.rows[0].line, 2);
  EXPECT_EQ(r.rows[1].reason, "bot, \"mirror\"");
  EXPECT_EQ(r.rows[1].source, "referral");
  EXPECT_EQ(r.rows[1].line, 3);
  EXPECT_EQ(r.rows[2].entity, "telegram:user3");
  EXPECT_EQ(r.rows[2].source, "platform");
  EXPECT_EQ(r.rows[2].line, 5);
}

TEST(TakedownCsv, ReportsBadRowsAtTheirLineAndKeepsTheRest) {
  const std::string text =
      "telegram:channel1,2019-11-22T10:00:00Z,tos\n"
      "telegram:channel2,yesterday,tos\n"
      "telegram:channel3,2019-11-22T10:00:00Z\n"
      "\"a\nmulti-line\",2019-11-22T10:00:00Z,tos,rumour\n"
      ",2019-11-22T10:00:00Z,tos\n"
      "telegram:channel4,2019-11-22T10:00:00Z,tos,USER_REPORT\n";
  CsvResult r = ParseTakedownCsv(text, "t.csv");
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[1].entity, "telegram:channel4");
  EXPECT_EQ(r.rows[1].source, "user_report");
  EXPECT_EQ(r.rows[1].line, 7);
  ASSERT_EQ(r.problems.size(), 4u);
  EXPECT_EQ(r.problems[0].where.ToString(), "t.csv:2");
  EXPECT_NE(r.problems[0].message.find("RFC 3339"), std::string::npos);
  EXPECT_EQ(r.problems[1].where.line, 3);
  EXPECT_EQ(r.problems[2].where.line, 4);
  EXPECT_NE(r.problems[2].message.find("unknown source"), std::string::npos);
  EXPECT_EQ(r.problems[3].where.line, 6);
}

TEST(TakedownCsv, UnterminatedQuoteStopsWithALocation) {
  CsvResult r = ParseTakedownCsv("telegram:channel1,1,tos\n\"open,1,tos\n", "t.csv");
  ASSERT_EQ(r.rows.size(), 1u);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].where.line, 2);
}

}  // namespace
}  // namespace cordon::ledger
