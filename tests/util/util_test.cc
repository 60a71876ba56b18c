#include <gtest/gtest.h>

#include "cordon/util/json_writer.h"
#include "cordon/util/line_reader.h"
#include "cordon/util/time.h"
#include "cordon/util/utf8.h"
#include "test_util.h"

namespace cordon {
namespace {

TEST(Time, ParsesRfc3339Forms) {
  EXPECT_EQ(ParseRfc3339Ms("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseRfc3339Ms("2019-11-22T10:15:00Z"), 1574417700000);
  EXPECT_EQ(ParseRfc3339Ms("2019-11-22T10:15:00.250Z"), 1574417700250);
  EXPECT_EQ(ParseRfc3339Ms("2019-11-22T12:15:00+02:00"), 1574417700000);
  EXPECT_EQ(ParseRfc3339Ms("2019-11-22T08:15:00-02:00"), 1574417700000);
  EXPECT_EQ(ParseRfc3339Ms("2019-11-22T10:15:00"), 1574417700000);  // no zone: UTC
  EXPECT_EQ(ParseRfc3339Ms("2019-11-22 10:15:00Z"), 1574417700000);
}

TEST(Time, RejectsMalformed) {
  for (const char* s : {"", "2019", "2019-13-01T00:00:00Z", "2019-11-22T25:00:00Z",
                        "2019-11-22T10:15:00Q", "2019-11-22T10:15:00+2", "2019-11-22X10:15:00Z",
                        "2019-11-22T10:15:00.Z", "20a9-11-22T10:15:00Z"}) {
    EXPECT_FALSE(ParseRfc3339Ms(s).has_value()) << s;
  }
}

TEST(Time, FormatsRoundTrip) {
  for (int64_t ms : {int64_t{0}, int64_t{1574417700000}, int64_t{1574417700250}, int64_t{-86400000},
                     int64_t{4102444800000}}) {
    EXPECT_EQ(ParseRfc3339Ms(FormatRfc3339Ms(ms)), ms) << FormatRfc3339Ms(ms);
  }
  EXPECT_EQ(FormatRfc3339Ms(1574417700000), "2019-11-22T10:15:00Z");
  EXPECT_EQ(FormatDate(1574417700000), "2019-11-22");
  EXPECT_EQ(FormatDate(-1), "1969-12-31");
}

// Moved here from the network (ParseAsOf) and ledger copies, which it replaces.
TEST(Time, ParseTimeArgTakesMillisecondsDatesAndRfc3339) {
  EXPECT_EQ(ParseTimeArg("1574416800000"), std::optional<int64_t>(1574416800000));
  EXPECT_EQ(ParseTimeArg("-5"), std::optional<int64_t>(-5));
  EXPECT_EQ(ParseTimeArg("2019-11-22T10:00:00Z"), std::optional<int64_t>(1574416800000));
  EXPECT_EQ(ParseTimeArg("2019-11-22"), ParseRfc3339Ms("2019-11-22T00:00:00Z"));
  for (const char* s :
       {"", "-", "yesterday", "2019-11-2x", "12a", "99999999999999999999", "2019-13-01"}) {
    EXPECT_FALSE(ParseTimeArg(s).has_value()) << s;
  }
}

TEST(Utf8, RepairsInvalidSequencesOnly) {
  EXPECT_EQ(RepairUtf8("plain"), "plain");
  EXPECT_EQ(RepairUtf8("caf\xC3\xA9"), "caf\xC3\xA9");
  EXPECT_EQ(RepairUtf8("a\xFF"
                       "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(RepairUtf8("\xC3"), "\xEF\xBF\xBD");                                  // truncated
  EXPECT_EQ(RepairUtf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");                  // overlong
  EXPECT_EQ(RepairUtf8("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  EXPECT_TRUE(IsValidUtf8(RepairUtf8("x\x80\x81\xF4\x90\x80\x80y")));
}

TEST(JsonWriter, EscapesAndNests) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Field("a", "q\"\\\n\x01").Key("b").BeginArray().Int(1).Int(-2).EndArray();
  w.Field("c", true).Key("d").Null().EndObject();
  EXPECT_EQ(out, R"({"a":"q\"\\\n\u0001","b":[1,-2],"c":true,"d":null})");
}

TEST(LineReader, SplitsLinesAndReportsOffsets) {
  testing::TempDir tmp;
  testing::WriteFile(tmp.path() / "f", "one\r\ntwo\n\nlast");
  LineReader r;
  ASSERT_TRUE(r.Open(tmp.File("f"), 100).ok());
  Line l;
  std::vector<std::pair<std::string, int64_t>> got;
  while (r.Next(l)) got.emplace_back(std::string(l.text), l.offset);
  ASSERT_TRUE(r.status().ok());
  std::vector<std::pair<std::string, int64_t>> want = {
      {"one", 0}, {"two", 5}, {"", 9}, {"last", 10}};
  EXPECT_EQ(got, want);
}

TEST(LineReader, SkipsOverlongLinesAndKeepsTheRest) {
  testing::TempDir tmp;
  std::string big(5000, 'x');
  // Lines cross the reader's 1 MiB blocks too.
  std::string content;
  for (int i = 0; i < 600; ++i) content += big + "\n" + "ok" + std::to_string(i) + "\n";
  testing::WriteFile(tmp.path() / "f", content);
  LineReader r;
  ASSERT_TRUE(r.Open(tmp.File("f"), 4000).ok());
  Line l;
  int too_long = 0, ok = 0;
  while (r.Next(l)) {
    if (l.too_long) {
      ++too_long;
    } else {
      EXPECT_EQ(l.text, "ok" + std::to_string(ok));
      ++ok;
    }
  }
  EXPECT_EQ(too_long, 600);
  EXPECT_EQ(ok, 600);
}

TEST(LineReader, MissingFileIsAnError) {
  LineReader r;
  Status s = r.Open("/nonexistent/cordon/file", 100);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kIoError);
  EXPECT_NE(s.ToString().find("/nonexistent/cordon/file"), std::string::npos);
}

}  // namespace
}  // namespace cordon
