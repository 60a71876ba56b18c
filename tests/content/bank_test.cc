#include "cordon/content/bank.h"

#include <gtest/gtest.h>

#include "cordon/content/text.h"
#include "test_util.h"

namespace cordon {
namespace {

const std::string kPdqA = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
const std::string kPdqB = "0000000000000000000000000000000000000000000000000000000000000001";
const std::string kMd5 = "0123456789abcdef0123456789abcdef";
const std::string kSha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

std::unique_ptr<Store> OpenStore(const testing::TempDir& dir) {
  auto s = Store::Open(dir.File("bank.db"));
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return std::move(*s);
}

TEST(SignalTest, TypesAndCanonicalForms) {
  EXPECT_EQ(ParseSignalType("PDQ"), SignalType::kPdq);
  EXPECT_EQ(ParseSignalType("video_md5"), SignalType::kMd5);
  EXPECT_EQ(ParseSignalType("photo_md5"), SignalType::kMd5);
  EXPECT_EQ(ParseSignalType("SHA-256"), SignalType::kSha256);
  EXPECT_EQ(ParseSignalType("raw_text"), SignalType::kText);
  EXPECT_EQ(ParseSignalType("ImagePDQ"), SignalType::kPdq);
  EXPECT_FALSE(ParseSignalType("url"));
  EXPECT_FALSE(ParseSignalType(""));

  auto up = CanonicalSignal(SignalType::kPdq,
                            " F8F8F0CEE0F4A84F06370A22038F63F0B36E2ED596621E1D33E6B39C4E9C9B22 ");
  ASSERT_TRUE(up.ok());
  EXPECT_EQ(*up, kPdqA);
  EXPECT_FALSE(CanonicalSignal(SignalType::kPdq, kMd5).ok());
  EXPECT_FALSE(CanonicalSignal(SignalType::kMd5, kSha).ok());
  EXPECT_FALSE(CanonicalSignal(SignalType::kSha256, kSha.substr(1) + "g").ok());
  EXPECT_TRUE(CanonicalSignal(SignalType::kSha256, kSha).ok());
  EXPECT_FALSE(CanonicalSignal(SignalType::kText, " ... !!").ok());  // nothing to match on
  EXPECT_FALSE(CanonicalSignal(SignalType::kText, "bad \xff").ok());
  auto text = CanonicalSignal(SignalType::kText, "  Kept as written ");
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, "  Kept as written ");
}

TEST(BankStoreTest, CreateAddRemoveListDelete) {
  testing::TempDir dir;
  auto store = OpenStore(dir);
  auto g0 = BankGeneration(*store);
  ASSERT_TRUE(g0.ok());
  EXPECT_EQ(*g0, 0);
  ASSERT_TRUE(CreateBank(*store, {"releases", "release-a", "made-up source"}, 1000).ok());
  EXPECT_EQ(*BankGeneration(*store), 1);

  std::vector<BankEntry> entries = {
      {SignalType::kPdq, kPdqA, "poster", "batch 1"},
      {SignalType::kMd5, kMd5, "", ""},
      {SignalType::kSha256, kSha, "", ""},
      {SignalType::kText, "A made-up statement of the vorla council, long enough.", "", ""},
  };
  auto added = AddEntries(*store, "releases", entries, 2000);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(*added, 4);
  EXPECT_EQ(*BankGeneration(*store), 2);
  // The same again: nothing new, but the label moves.
  entries[0].label = "poster v2";
  EXPECT_EQ(*AddEntries(*store, "releases", entries, 3000), 0);

  auto banks = ListBanks(*store);
  ASSERT_TRUE(banks.ok());
  ASSERT_EQ(banks->size(), 1u);
  EXPECT_EQ((*banks)[0].name, "releases");
  EXPECT_EQ((*banks)[0].label, "release-a");
  EXPECT_EQ((*banks)[0].entries, 4);
  EXPECT_EQ((*banks)[0].created, 1000);
  EXPECT_EQ((*banks)[0].version, *BankGeneration(*store));

  std::vector<StoredEntry> stored;
  ASSERT_TRUE(ForEachEntry(*store, "releases", [&](const StoredEntry& e) {
                stored.push_back(e);
                return Status::Ok();
              }).ok());
  ASSERT_EQ(stored.size(), 4u);
  for (const auto& e : stored) {
    if (e.entry.type == SignalType::kPdq) {
      EXPECT_EQ(e.entry.label, "poster v2");
      EXPECT_EQ(e.entry.added, 2000);  // kept from the first add
    }
    if (e.entry.type == SignalType::kText) {
      EXPECT_EQ(e.digest, TextDigest(NormalizeText(e.entry.signal)));
      EXPECT_EQ(e.fingerprint.size(), 1024u);  // 512 bytes as hex
    } else {
      EXPECT_TRUE(e.digest.empty());
    }
  }

  // A bad signal fails the whole call and writes nothing.
  auto bad =
      AddEntries(*store, "releases", {{SignalType::kPdq, kPdqB}, {SignalType::kMd5, "xyz"}}, 0);
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("entry 2"), std::string::npos);
  EXPECT_EQ((*ListBanks(*store))[0].entries, 4);

  auto removed =
      RemoveEntries(*store, "releases", {{SignalType::kMd5, kMd5}, {SignalType::kPdq, kPdqB}});
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 1);
  EXPECT_EQ((*ListBanks(*store))[0].entries, 3);

  EXPECT_EQ(AddEntries(*store, "nosuch", entries, 0).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(DeleteBank(*store, "nosuch").code(), StatusCode::kNotFound);
  const int64_t before = *BankGeneration(*store);
  ASSERT_TRUE(DeleteBank(*store, "releases").ok());
  EXPECT_GT(*BankGeneration(*store), before);
  EXPECT_TRUE(ListBanks(*store)->empty());
  int left = 0;
  ASSERT_TRUE(ForEachEntry(*store, "releases", [&](const StoredEntry&) {
                ++left;
                return Status::Ok();
              }).ok());
  EXPECT_EQ(left, 0);
  EXPECT_FALSE(CreateBank(*store, {" padded"}, 0).ok());
}

TEST(BankCsvTest, ExportImportRoundTrip) {
  std::vector<BankEntry> entries = {
      {SignalType::kPdq, kPdqA, "label, with comma", "src \"quoted\"", 11},
      {SignalType::kMd5, kMd5, "", "", 12},
      {SignalType::kSha256, kSha, "multi\nline", "", 13},
      {SignalType::kText, "  leading space, a comma and \"quotes\"\r\nand a line break", "t", "p",
       14},
      {SignalType::kText, "\u0645\u062b\u0627\u0644 \u0646\u0635 \u0645\u0635\u0646\u0648\u0639",
       "", "", 15},
  };
  std::string csv;
  AppendCsvHeader(csv);
  for (const auto& e : entries) AppendCsvRow(csv, e);
  auto parsed = ParseBankFile(csv, "export.csv", {});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->format, BankFormat::kCsv);
  EXPECT_TRUE(parsed->rejects.empty()) << parsed->rejects[0].reason;
  ASSERT_EQ(parsed->entries.size(), entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ(parsed->entries[i].type, entries[i].type) << i;
    EXPECT_EQ(parsed->entries[i].signal, entries[i].signal) << i;
    EXPECT_EQ(parsed->entries[i].label, entries[i].label) << i;
    EXPECT_EQ(parsed->entries[i].provenance, entries[i].provenance) << i;
    EXPECT_EQ(parsed->entries[i].added, entries[i].added) << i;
  }
  // And through a store: add, read back, export, import into a second bank: same rows.
  testing::TempDir dir;
  auto store = OpenStore(dir);
  ASSERT_TRUE(CreateBank(*store, {"a"}, 1).ok());
  ASSERT_TRUE(CreateBank(*store, {"b"}, 1).ok());
  ASSERT_TRUE(AddEntries(*store, "a", parsed->entries, 99).ok());
  auto dump = [&](const char* bank) {
    std::string out;
    AppendCsvHeader(out);
    EXPECT_TRUE(ForEachEntry(*store, bank, [&](const StoredEntry& e) {
                  AppendCsvRow(out, e.entry);
                  return Status::Ok();
                }).ok());
    return out;
  };
  std::string exported = dump("a");
  auto again = ParseBankFile(exported, "a.csv", {});
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE(AddEntries(*store, "b", again->entries, 99).ok());
  EXPECT_EQ(dump("b"), exported);
}

// Labels, provenance and text signals come from outside: export neutralises formulas, and
// importing the export gives back exactly what was exported.
TEST(BankCsvTest, ExportNeutralisesFormulasAndImportsBackExactly) {
  std::vector<BankEntry> entries = {
      {SignalType::kText, "=cmd|' /C calc'!A0", "+label", "@provenance", 1},
      {SignalType::kText, "-2+3 is a made-up sum", "'quoted", "\tlead", 2},
      {SignalType::kMd5, kMd5, "=HYPERLINK(\"http://x.example\")", "-", 3},
  };
  std::string csv;
  AppendCsvHeader(csv);
  for (const auto& e : entries) AppendCsvRow(csv, e);
  EXPECT_NE(csv.find("text,'=cmd|' /C calc'!A0,'+label,'@provenance,1\n"), std::string::npos)
      << csv;
  EXPECT_NE(csv.find("text,'-2+3 is a made-up sum,''quoted,\"'\tlead\",2\n"), std::string::npos)
      << csv;
  EXPECT_NE(csv.find(",\"'=HYPERLINK(\"\"http://x.example\"\")\",'-,3\n"), std::string::npos)
      << csv;
  auto parsed = ParseBankFile(csv, "export.csv", {});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_TRUE(parsed->rejects.empty()) << parsed->rejects[0].reason;
  ASSERT_EQ(parsed->entries.size(), entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ(parsed->entries[i].signal, entries[i].signal) << i;
    EXPECT_EQ(parsed->entries[i].label, entries[i].label) << i;
    EXPECT_EQ(parsed->entries[i].provenance, entries[i].provenance) << i;
  }
}

TEST(BankCsvTest, BadRowsRejectedWithLineNumbers) {
  const std::string csv =
      "signal_type,signal,label,source\n"  // 1
      "pdq," +
      kPdqA +
      ",ok,feed-1\n"  // 2 good
      "gif," +
      kPdqA +
      ",,\n"          // 3 unknown type
      "md5,0123,,\n"  // 4 bad digest
      "sha256," +
      kSha +
      "\n"                                              // 5 field count
      "md5,ab\"cd,,\n"                                  // 6 quote in unquoted field
      "text,\"two\nlines of a made-up statement\",,\n"  // 7-8 good, spans two lines
      "pdq,\"" +
      kPdqB +
      "\"x,,\n"  // 9 text after closing quote
      "\n"       // 10 blank
      "md5," +
      kMd5 +
      ",,\r\n"                    // 11 good (CRLF)
      "text,\"never closed,,\n";  // 12 unterminated
  auto parsed = ParseBankFile(csv, "bad.csv", {});
  ASSERT_TRUE(parsed.ok());
  ASSERT_EQ(parsed->entries.size(), 3u);
  EXPECT_EQ(parsed->entries[0].provenance, "source=feed-1");
  EXPECT_EQ(parsed->entries[1].signal, "two\nlines of a made-up statement");
  EXPECT_EQ(parsed->entries[2].signal, kMd5);
  std::vector<int64_t> lines;
  for (const auto& r : parsed->rejects) {
    EXPECT_EQ(r.where.file, "bad.csv");
    lines.push_back(r.where.line);
  }
  EXPECT_EQ(lines, (std::vector<int64_t>{3, 4, 5, 6, 9, 12}));
  EXPECT_NE(parsed->rejects[0].reason.find("unknown signal_type 'gif'"), std::string::npos);
  EXPECT_NE(parsed->rejects[1].reason.find("32 hex digits"), std::string::npos);
  EXPECT_NE(parsed->rejects[2].reason.find("expected 4 fields, found 2"), std::string::npos);
  EXPECT_NE(parsed->rejects[5].reason.find("not closed"), std::string::npos);
}

TEST(BankCsvTest, HeaderWithoutSignalColumnsIsRejected) {
  auto parsed = ParseBankFile("signal_type,label\npdq,x\n", "h.csv", {BankFormat::kCsv});
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(parsed->entries.empty());
  ASSERT_EQ(parsed->rejects.size(), 1u);
  EXPECT_EQ(parsed->rejects[0].where.line, 1);
  // With --type the signal_type column may be left out.
  ImportOptions opt;
  opt.type = SignalType::kMd5;
  auto typed = ParseBankFile("signal\n" + kMd5 + "\n", "t.csv", opt);
  ASSERT_TRUE(typed.ok());
  ASSERT_EQ(typed->entries.size(), 1u);
  EXPECT_EQ(typed->entries[0].type, SignalType::kMd5);
}

TEST(BankCsvTest, UnknownFormatIsAnError) {
  EXPECT_FALSE(ParseBankFile("hello there\n", "x.txt", {}).ok());
}

TEST(BankImportTest, ThreatExchangeSampleCsv) {
  // The shape of HMA's sample_data/pdq.csv: hash, descriptor id, time, space-separated tags.
  const std::string csv = kPdqA + ",1111,2020-07-31T18:47:52+0000,made_up_tag other_tag\n" + kPdqB +
                          ",2222,2020-07-31T18:47:45+0000,made_up_tag\n" +
                          "nothex,3333,2020-07-31T18:47:45+0000,x\n";
  ImportOptions opt;
  opt.provenance = "te export";
  auto parsed = ParseBankFile(csv, "samples/pdq.csv", opt);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->format, BankFormat::kThreatExchange);
  ASSERT_EQ(parsed->entries.size(), 2u);
  EXPECT_EQ(parsed->entries[0].type, SignalType::kPdq);  // from the file name
  EXPECT_EQ(parsed->entries[0].label, "made_up_tag other_tag");
  EXPECT_EQ(parsed->entries[0].provenance,
            "te export; threatexchange id=1111 time=2020-07-31T18:47:52+0000");
  ASSERT_EQ(parsed->rejects.size(), 1u);
  EXPECT_EQ(parsed->rejects[0].where.line, 3);
  // Without a type in the name or options a 64-digit hash is ambiguous (pdq or sha256).
  auto untyped = ParseBankFile(csv, "hashes.csv", {});
  ASSERT_TRUE(untyped.ok());
  EXPECT_TRUE(untyped->entries.empty());
  EXPECT_EQ(untyped->rejects.size(), 3u);
  // Raw text rows, quoted as the samples quote them.
  ImportOptions text;
  text.type = SignalType::kText;
  auto texts = ParseBankFile("\"A made-up line, with a comma\",44,2020-07-31T19:45:20+0000,t\n",
                             "raw.csv", text);
  ASSERT_TRUE(texts.ok());
  ASSERT_EQ(texts->entries.size(), 1u);
  EXPECT_EQ(texts->entries[0].signal, "A made-up line, with a comma");
}

TEST(BankImportTest, ThreatExchangeFileExchange) {
  const std::string file = "pdq " + kPdqA + "\nvideo_md5 " + kMd5 + "\n\nurl example.invalid/x\n";
  auto parsed = ParseBankFile(file, "signals.txt", {});
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->format, BankFormat::kTeFile);
  ASSERT_EQ(parsed->entries.size(), 2u);
  EXPECT_EQ(parsed->entries[1].type, SignalType::kMd5);
  ASSERT_EQ(parsed->rejects.size(), 1u);
  EXPECT_EQ(parsed->rejects[0].where.line, 4);
}

TEST(BankImportTest, TechAgainstTerrorismHashList) {
  const std::string json = R"([
    {"id": 1, "hash_digest": ")" +
                           kPdqA + R"(", "algorithm": "PDQ", "ideology": "made-up-a",
     "file_type": "image"},
    {"id": 2, "hash_digest": ")" +
                           kMd5 + R"(", "algorithim": "MD5", "ideology": "made-up-b",
     "file_type": "video"},
    {"id": 3, "hash_digest": ")" +
                           kSha + R"(", "algorithm": "SHA256"},
    {"id": 4, "hash_digest": "abc", "algorithm": "PDQ"},
    {"id": 5, "hash_digest": ")" +
                           kMd5 + R"(", "algorithm": "TMK"},
    {"id": 6},
    "not an object"
  ])";
  auto parsed = ParseBankFile(json, "tat.json", {});
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->format, BankFormat::kTat);
  ASSERT_EQ(parsed->entries.size(), 3u);
  EXPECT_EQ(parsed->entries[0].type, SignalType::kPdq);
  EXPECT_EQ(parsed->entries[0].label, "made-up-a");
  EXPECT_EQ(parsed->entries[0].provenance, "tat id=1 file_type=image");
  EXPECT_EQ(parsed->entries[1].type, SignalType::kMd5);
  EXPECT_EQ(parsed->entries[2].type, SignalType::kSha256);
  ASSERT_EQ(parsed->rejects.size(), 4u);
  EXPECT_NE(parsed->rejects[0].reason.find("record 4"), std::string::npos);
  EXPECT_NE(parsed->rejects[1].reason.find("unsupported algorithm 'TMK'"), std::string::npos);
  EXPECT_NE(parsed->rejects[2].reason.find("record 6"), std::string::npos);
  EXPECT_NE(parsed->rejects[3].reason.find("record 7"), std::string::npos);
  auto broken = ParseBankFile("[{\"id\": ", "tat.json", {});
  ASSERT_TRUE(broken.ok());
  EXPECT_EQ(broken->rejects.size(), 1u);
}

}  // namespace
}  // namespace cordon
