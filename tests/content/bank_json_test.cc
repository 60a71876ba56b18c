// The JSON hash lists of `cordon bank import` (content/bank_json.h): TCAP's hash-list API pages
// with deleted records, and HMA's bank content with disabled content, in the shapes their APIs
// answer; bad records rejected with their number and line, the good ones kept.
#include "cordon/content/bank_json.h"

#include <gtest/gtest.h>

#include "cordon/content/bank_files.h"
#include "test_util.h"

namespace cordon {
namespace {

const std::string kPdq1(64, 'a'), kPdq2(64, 'b'), kPdq3(64, 'c'), kPdq4(64, 'd'), kPdq5(64, 'e');
const std::string kMd5a(32, '1'), kMd5b(32, '2'), kMd5c(32, '3');

std::string TcapRecord(int id, const std::string& hash, const std::string& algorithm, bool deleted,
                       const std::string& extra = "") {
  return R"({"id":)" + std::to_string(id) + R"(,"hash_digest":")" + hash + R"(","algorithm":")" +
         algorithm + R"(","ideology":"category-a","file_type":"image","deleted":)" +
         (deleted ? "true" : "false") +
         R"(,"updated_on":1704085200.25,"created_on":"2024-01-01T05:00:00Z")" + extra + "}";
}

// One page of GET api/hash-list/v2/all, as TCAP answers it.
std::string TcapPage(const std::vector<std::string>& records, const std::string& next) {
  std::string out = R"({"count":)" + std::to_string(records.size()) + R"(,"next":)" + next +
                    R"(,"previous":null,"checkpoint":"1704085200,124","results":[)";
  for (size_t i = 0; i < records.size(); ++i) out += (i ? "," : "") + records[i];
  return out + "]}";
}

std::vector<std::string> Signals(const std::vector<BankEntry>& entries) {
  std::vector<std::string> out;
  for (const auto& e : entries) out.push_back(e.signal);
  return out;
}

TEST(TcapHashList, ReadsAPageWithDeletedRecordsAndRejectsBadOnes) {
  const std::string page =
      TcapPage({TcapRecord(121, kPdq1, "PDQ", false), TcapRecord(122, kMd5a, "MD5", false),
                TcapRecord(123, kMd5b, "MD5", true), TcapRecord(124, "zz", "MD5", false),
                TcapRecord(125, kMd5c, "TMK", false), R"({"id":126,"algorithm":"PDQ"})",
                R"({"id":127,"hash_digest":")" + kPdq2 + R"(","algorithm":"PDQ","deleted":"yes"})",
                TcapRecord(128, kPdq3, "PDQ", true), TcapRecord(129, kPdq3, "PDQ", false)},
               R"("https://tcap.example/api/hash-list/v2/all?limit=9&offset=9")");
  ImportOptions opt;
  auto parsed = ParseBankFile(page, "tcap.json", opt);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->format, BankFormat::kTat);
  // 128 deleted kPdq3 and 129 added it again: the later record wins.
  EXPECT_EQ(Signals(parsed->entries), (std::vector<std::string>{kPdq1, kMd5a, kPdq3}));
  EXPECT_EQ(Signals(parsed->removals), std::vector<std::string>{kMd5b});
  EXPECT_EQ(parsed->entries[0].type, SignalType::kPdq);
  EXPECT_EQ(parsed->entries[0].label, "category-a");
  EXPECT_EQ(parsed->entries[0].provenance, "tat id=121 file_type=image");
  EXPECT_EQ(parsed->entries[1].type, SignalType::kMd5);
  ASSERT_EQ(parsed->rejects.size(), 4u);
  EXPECT_EQ(parsed->rejects[0].reason, "record 4: md5 signal must be 32 hex digits, got 'zz'");
  EXPECT_EQ(parsed->rejects[1].reason, "record 5: unsupported algorithm 'TMK'");
  EXPECT_EQ(parsed->rejects[2].reason.rfind("record 6: ", 0), 0u) << parsed->rejects[2].reason;
  EXPECT_NE(parsed->rejects[2].reason.find("hash_digest"), std::string::npos);
  EXPECT_EQ(parsed->rejects[3].reason.rfind("record 7: ", 0), 0u) << parsed->rejects[3].reason;
  EXPECT_NE(parsed->rejects[3].reason.find("deleted"), std::string::npos);
  for (const auto& r : parsed->rejects) EXPECT_EQ(r.where.file, "tcap.json");

  // tcap names the same reader.
  EXPECT_EQ(ParseBankFormat("tcap"), BankFormat::kTat);
  opt.format = BankFormat::kTat;
  auto forced = ParseBankFile(page, "x", opt);
  ASSERT_TRUE(forced.ok());
  EXPECT_EQ(forced->entries.size(), 3u);
}

TEST(TcapHashList, PagesOneALineWithABrokenLine) {
  const std::string file =
      TcapPage({TcapRecord(1, kPdq1, "PDQ", false), TcapRecord(2, kMd5a, "MD5", false)},
               R"("https://tcap.example/next")") +
      "\n{\"count\": 1, \"results\": [\n" +
      TcapPage({TcapRecord(3, kMd5a, "MD5", true), TcapRecord(4, kPdq2, "pdq", false)}, "null") +
      "\n";
  auto parsed = ParseBankFile(file, "pages.ndjson", {});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(Signals(parsed->entries), (std::vector<std::string>{kPdq1, kPdq2}));
  EXPECT_EQ(Signals(parsed->removals), std::vector<std::string>{kMd5a});
  ASSERT_EQ(parsed->rejects.size(), 1u);
  EXPECT_EQ(parsed->rejects[0].where.line, 2);
  EXPECT_NE(parsed->rejects[0].reason.find("not valid JSON"), std::string::npos);
  // Records of a line carry its line.
  auto bad = ParseBankFile(TcapPage({TcapRecord(1, "x", "PDQ", false)}, "null") + "\n" +
                               TcapPage({TcapRecord(2, "y", "PDQ", false)}, "null") + "\n",
                           "p.ndjson", {});
  ASSERT_TRUE(bad.ok());
  ASSERT_EQ(bad->rejects.size(), 2u);
  EXPECT_EQ(bad->rejects[1].where.line, 2);
  EXPECT_EQ(bad->rejects[1].reason.rfind("record 2: ", 0), 0u) << bad->rejects[1].reason;

  auto broken = ParseBankFile("{\"results\": [", "t.json", {});
  ASSERT_TRUE(broken.ok());
  ASSERT_EQ(broken->rejects.size(), 1u);
  EXPECT_TRUE(broken->entries.empty());
}

TEST(TcapHashList, DeletedRecordRemovesTheHashFromTheBank) {
  testing::TempDir dir;
  auto store = Store::Open(dir.File("b.db"));
  ASSERT_TRUE(store.ok());
  const BankInfo info{"tcap", "", "tcap hash list"};
  auto first = ParseBankFile(
      TcapPage({TcapRecord(1, kPdq1, "PDQ", false), TcapRecord(2, kMd5a, "MD5", false),
                TcapRecord(3, kMd5b, "MD5", false)},
               "null"),
      "p1.json", {});
  ASSERT_TRUE(first.ok());
  auto n = ImportIntoBank(**store, info, *first, 1000);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(n->added, 3);
  EXPECT_EQ(n->removed, 0);
  // The next page (after the checkpoint) deletes one and adds one; a deletion of a hash the
  // bank never had removes nothing.
  auto second =
      ParseBankFile(TcapPage({TcapRecord(2, kMd5a, "MD5", true), TcapRecord(4, kPdq2, "PDQ", false),
                              TcapRecord(5, kMd5c, "MD5", true)},
                             "null"),
                    "p2.json", {});
  ASSERT_TRUE(second.ok());
  n = ImportIntoBank(**store, info, *second, 2000);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(n->added, 1);
  EXPECT_EQ(n->removed, 1);
  std::vector<std::string> left;
  ASSERT_TRUE(ForEachEntry(**store, "tcap", [&](const StoredEntry& e) {
                left.push_back(e.entry.signal);
                return Status::Ok();
              }).ok());
  EXPECT_EQ(left, (std::vector<std::string>{kMd5b, kPdq1, kPdq2}));
}

std::string HmaContent(int id, int64_t disable_until, const std::string& signals,
                       const std::string& extra = "") {
  return R"({"id":)" + std::to_string(id) + R"(,"disable_until_ts":)" +
         std::to_string(disable_until) +
         R"(,"original_media_uri":null,"bank":{"name":"TEST_BANK","matching_enabled_ratio":1.0},)"
         R"("signals":)" +
         signals + extra + "}";
}

TEST(HmaBank, ReadsContentAndRemovesDisabledSignals) {
  const std::string file =
      "[" +
      HmaContent(1001, 1, R"({"pdq":")" + kPdq1 + R"(","video_md5":")" + kMd5a + R"("})",
                 R"(,"metadata":{"content_id":"c-1","content_uri":"https://example.org/1"},)"
                 R"("note":"poster-1")") +
      "," + HmaContent(1002, 0, R"({"pdq":")" + kPdq2 + R"("})") + "," +
      HmaContent(1003, 4102444800, R"({"pdq":")" + kPdq3 + R"("})") + "," +
      HmaContent(1004, 1000, R"({"pdq":")" + kPdq4 + R"("})") + "," +
      HmaContent(1005, 1, R"({"clip":"0.1,0.2","pdq":")" + kPdq5 + R"("})") + "," +
      HmaContent(1006, 1, "{}") + "," + HmaContent(1007, 1, R"({"pdq":5})") + "," +
      R"({"id":1008,"signals":{"pdq":"not hex"}})" + ",\"oops\"]";
  ImportOptions opt;
  opt.now = 1704085200000;  // 2024: 1003 is disabled until 2100, 1004's time has passed
  auto parsed = ParseBankFile(file, "hma.json", opt);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->format, BankFormat::kHma);
  EXPECT_EQ(Signals(parsed->entries), (std::vector<std::string>{kPdq1, kMd5a, kPdq4, kPdq5}));
  EXPECT_EQ(parsed->entries[0].type, SignalType::kPdq);
  EXPECT_EQ(parsed->entries[1].type, SignalType::kMd5);
  EXPECT_EQ(parsed->entries[0].label, "poster-1");
  EXPECT_EQ(parsed->entries[0].provenance,
            "hma bank=TEST_BANK id=1001 content_id=c-1 content_uri=https://example.org/1");
  EXPECT_EQ(Signals(parsed->removals), (std::vector<std::string>{kPdq2, kPdq3}));
  std::vector<std::string> reasons;
  for (const auto& r : parsed->rejects) reasons.push_back(r.reason);
  EXPECT_EQ(reasons, (std::vector<std::string>{
                         "record 5: signal type 'clip' not supported",
                         "record 6: no signals",
                         "record 7: signal 'pdq' is not a string",
                         "record 8: pdq signal must be 64 hex digits, got 'not hex'",
                         "record 9: not an object",
                     }));
}

TEST(HmaBank, OneContentALineAsTheApiAnswersEach) {
  const std::string file = HmaContent(1, 1, R"({"pdq":")" + kPdq1 + R"("})") + "\n" +
                           R"({"id":2,"signals":{"pdq":")" + kPdq2 + R"("}})" + "\n";
  ImportOptions opt;
  opt.format = BankFormat::kHma;
  auto parsed = ParseBankFile(file, "hma.ndjson", opt);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(Signals(parsed->entries), (std::vector<std::string>{kPdq1, kPdq2}));
  EXPECT_EQ(parsed->entries[1].provenance, "hma id=2");
  EXPECT_TRUE(parsed->rejects.empty());
  EXPECT_EQ(ParseBankFormat("hma"), BankFormat::kHma);
  EXPECT_EQ(BankFormatName(BankFormat::kHma), "hma");
}

TEST(BankImportCli, TcapAndHmaFilesThroughTheCommand) {
  testing::TempDir dir;
  const std::string db = dir.File("b.db");
  testing::WriteFile(
      dir.File("tcap.json"),
      TcapPage({TcapRecord(1, kPdq1, "PDQ", false), TcapRecord(2, "zz", "MD5", false)}, "null"));
  auto r = testing::RunCordon("bank import --db " + testing::ShellQuote(db) +
                              " --bank tcap --format tcap -q " +
                              testing::ShellQuote(dir.File("tcap.json")));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "bank tcap: 1 entries read (tat), 1 new, 1 rejected, 0 removed\n");
  EXPECT_NE(r.err.find("record 2: md5 signal must be 32 hex digits"), std::string::npos) << r.err;
  testing::WriteFile(dir.File("tcap2.json"), TcapPage({TcapRecord(1, kPdq1, "PDQ", true)}, "null"));
  r = testing::RunCordon("bank import --db " + testing::ShellQuote(db) + " --bank tcap -q " +
                         testing::ShellQuote(dir.File("tcap2.json")));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "bank tcap: 0 entries read (tat), 0 new, 0 rejected, 1 removed\n");

  testing::WriteFile(dir.File("hma.json"),
                     "[" + HmaContent(7, 1, R"({"pdq":")" + kPdq2 + R"("})") + "]");
  r = testing::RunCordon("bank import --db " + testing::ShellQuote(db) + " --bank hma -q " +
                         testing::ShellQuote(dir.File("hma.json")));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "bank hma: 1 entries read (hma), 1 new, 0 rejected, 0 removed\n");
  r = testing::RunCordon("bank import --db " + testing::ShellQuote(db) +
                         " --bank x --format nope " + testing::ShellQuote(dir.File("hma.json")));
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("tat (or tcap), hma"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace cordon
