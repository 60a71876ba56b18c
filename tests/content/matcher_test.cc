#include "cordon/content/matcher.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include <cstdio>
#include <random>

#include "cordon/ingest/ingest.h"
#include "cordon/store/sqlite.h"
#include "test_util.h"

namespace cordon {
namespace {

// Made-up PDQ hashes: kBase and kNear differ in 5 bits, kFar in 40.
PdqHash MakeHash(uint64_t seed) {
  std::mt19937_64 rng(seed);
  PdqHash h;
  for (auto& w : h.bits) w = rng();
  return h;
}
PdqHash FlipBits(PdqHash h, int n) {
  for (int i = 0; i < n; ++i) h.bits[i % 4] ^= uint64_t{1} << (i * 7 % 64);
  return h;
}
const PdqHash kBase = MakeHash(1);
const PdqHash kNear = FlipBits(kBase, 5);
const PdqHash kFar = FlipBits(kBase, 40);
const std::string kMd5 = "0123456789abcdef0123456789abcdef";
const std::string kStatement =
    "The made-up council of vorla announces the new harvest schedule for the eastern valleys";

std::unique_ptr<Store> Open(const std::string& path) {
  auto s = Store::Open(path);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return std::move(*s);
}

MessageEvent Message(const std::string& key, std::string text, std::vector<Media> media) {
  MessageEvent m;
  m.key = key;
  m.chat = "telegram:channel5";
  m.time = 1000;
  m.text = std::move(text);
  m.media = std::move(media);
  return m;
}

Media WithPdq(const PdqHash& h) {
  Media md;
  md.kind = "photo";
  md.pdq = h.Hex();
  return md;
}

TEST(MatcherTest, MatchesEverySignalType) {
  testing::TempDir dir;
  auto store = Open(dir.File("m.db"));
  ASSERT_TRUE(CreateBank(*store, {"known", "release-a", "made-up feed"}, 1).ok());
  ASSERT_TRUE(AddEntries(*store, "known",
                         {{SignalType::kPdq, kBase.Hex(), "poster"},
                          {SignalType::kMd5, kMd5},
                          {SignalType::kText, kStatement}},
                         2)
                  .ok());
  Matcher matcher(*store, {});
  ASSERT_TRUE(matcher.Refresh().ok());
  EXPECT_EQ(matcher.banks(), 1u);
  EXPECT_EQ(matcher.entries(), 3u);

  Media digest;
  digest.kind = "video";
  digest.md5 = "0123456789ABCDEF0123456789ABCDEF";  // case does not matter
  MessageEvent m = Message("telegram:channel5/1",
                           "the made-up COUNCIL of vorla announces its new harvest schedule for "
                           "the eastern valleys, share widely",
                           {WithPdq(kFar), WithPdq(kNear), digest});
  std::vector<Match> got = matcher.MatchMessage(m);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].media_idx, -1);
  EXPECT_EQ(got[0].type, SignalType::kText);
  EXPECT_EQ(got[0].signal, kStatement);
  EXPECT_EQ(got[0].label, "release-a");  // the bank's label when the entry has none
  EXPECT_GT(got[0].distance, 0);         // altered
  EXPECT_LT(got[0].distance, 60);
  EXPECT_EQ(got[1].media_idx, 1);
  EXPECT_EQ(got[1].type, SignalType::kPdq);
  EXPECT_EQ(got[1].distance, 5);
  EXPECT_EQ(got[1].signal, kBase.Hex());
  EXPECT_EQ(got[1].query, kNear.Hex());
  EXPECT_EQ(got[1].label, "poster");
  EXPECT_EQ(got[2].media_idx, 2);
  EXPECT_EQ(got[2].type, SignalType::kMd5);
  EXPECT_EQ(got[2].distance, 0);

  // The same statement with other punctuation, case and diacritics is an exact match.
  got = matcher.MatchMessage(Message("telegram:channel5/2",
                                     "THE made-up council of vorla!! "
                                     "announces the new harvest schedule, for the eastern valleys",
                                     {}));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].distance, 0);
  // Unrelated text and media: nothing.
  EXPECT_TRUE(matcher
                  .MatchMessage(Message("telegram:channel5/3",
                                        "weather is fine in marlo "
                                        "today and the market opens at nine as usual",
                                        {WithPdq(MakeHash(9))}))
                  .empty());
}

TEST(MatcherTest, LiveMatcherSeesBankChangesWithoutRestart) {
  testing::TempDir dir;
  auto reader = Open(dir.File("live.db"));
  auto writer = Open(dir.File("live.db"));  // another connection, as another process would be
  MatcherOptions opt;
  opt.refresh_interval_ms = 0;
  Matcher matcher(*reader, opt);
  MessageEvent m = Message("telegram:channel5/7", "", {WithPdq(kNear)});

  auto process = [&] {
    auto n = matcher.Process(*reader, m);
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    return n.ok() ? *n : size_t{999};
  };
  EXPECT_EQ(process(), 0u);
  ASSERT_TRUE(CreateBank(*writer, {"live"}, 1).ok());
  ASSERT_TRUE(AddEntries(*writer, "live", {{SignalType::kPdq, kBase.Hex()}}, 2).ok());
  EXPECT_EQ(process(), 1u);
  const int64_t gen = matcher.generation();
  // A second bank appears; the first is not rebuilt, both match.
  ASSERT_TRUE(CreateBank(*writer, {"other"}, 3).ok());
  ASSERT_TRUE(AddEntries(*writer, "other", {{SignalType::kPdq, kNear.Hex()}}, 4).ok());
  EXPECT_EQ(process(), 2u);
  EXPECT_GT(matcher.generation(), gen);
  ASSERT_TRUE(RemoveEntries(*writer, "live", {{SignalType::kPdq, kBase.Hex()}}).ok());
  EXPECT_EQ(process(), 1u);
  ASSERT_TRUE(DeleteBank(*writer, "other").ok());
  EXPECT_EQ(process(), 0u);
  EXPECT_EQ(matcher.banks(), 1u);

  // With a polling interval, a change shows up once the interval has passed.
  MatcherOptions slow;
  slow.refresh_interval_ms = 3600 * 1000;
  Matcher lazy(*reader, slow);
  ASSERT_TRUE(lazy.MaybeRefresh().ok());
  ASSERT_TRUE(AddEntries(*writer, "live", {{SignalType::kPdq, kBase.Hex()}}, 5).ok());
  ASSERT_TRUE(lazy.MaybeRefresh().ok());
  EXPECT_TRUE(lazy.MatchMessage(m).empty());  // not yet polled
  ASSERT_TRUE(lazy.Refresh().ok());
  EXPECT_EQ(lazy.MatchMessage(m).size(), 1u);

  // With a reload jitter, a change seen is loaded after a random delay (processes sharing the
  // store do not rebuild in one instant): not at the call that saw it, and once the delay has
  // passed. The first load is at once.
  MatcherOptions jittered;
  jittered.refresh_interval_ms = 0;
  jittered.reload_jitter_ms = 3600 * 1000;
  jittered.jitter_seed = 7;
  Matcher spread(*reader, jittered);
  ASSERT_TRUE(spread.MaybeRefresh().ok());
  EXPECT_EQ(spread.MatchMessage(m).size(), 1u);
  ASSERT_TRUE(RemoveEntries(*writer, "live", {{SignalType::kPdq, kBase.Hex()}}).ok());
  ASSERT_TRUE(spread.MaybeRefresh().ok());
  EXPECT_EQ(spread.MatchMessage(m).size(), 1u);  // seen; its load waits

  jittered.reload_jitter_ms = 50;
  Matcher soon(*reader, jittered);
  ASSERT_TRUE(soon.MaybeRefresh().ok());
  EXPECT_TRUE(soon.MatchMessage(m).empty());
  ASSERT_TRUE(AddEntries(*writer, "live", {{SignalType::kPdq, kBase.Hex()}}, 6).ok());
  for (int i = 0; i < 500 && soon.MatchMessage(m).empty(); ++i) {
    ASSERT_TRUE(soon.MaybeRefresh().ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(soon.MatchMessage(m).size(), 1u);
}

TEST(MatcherTest, BankFilterAndLookup) {
  testing::TempDir dir;
  auto store = Open(dir.File("f.db"));
  ASSERT_TRUE(CreateBank(*store, {"a", "la"}, 1).ok());
  ASSERT_TRUE(CreateBank(*store, {"b", "lb"}, 1).ok());
  ASSERT_TRUE(AddEntries(*store, "a", {{SignalType::kPdq, kBase.Hex()}}, 1).ok());
  ASSERT_TRUE(AddEntries(*store, "b", {{SignalType::kPdq, kNear.Hex()}}, 1).ok());
  Matcher all(*store, {});
  ASSERT_TRUE(all.Refresh().ok());
  std::vector<Match> got = all.LookupPdq(kBase, 31);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].bank, "a");
  EXPECT_EQ(got[0].distance, 0);
  EXPECT_EQ(got[1].bank, "b");
  EXPECT_EQ(got[1].distance, 5);
  EXPECT_EQ(all.LookupPdq(kBase, 4).size(), 1u);
  EXPECT_EQ(all.LookupPdq(kBase, 31, "b").size(), 1u);
  MatcherOptions only_b;
  only_b.banks = {"b"};
  Matcher b(*store, only_b);
  ASSERT_TRUE(b.Refresh().ok());
  got = b.LookupPdq(kBase, 31);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].label, "lb");
}

// A native events file with a message whose photo is a near copy of a banked image and whose
// text repeats a banked statement.
void WriteEvents(const std::string& path) {
  testing::WriteFile(
      path,
      "{\"type\":\"message\",\"key\":\"telegram:channel5/1\",\"chat\":\"telegram:channel5\","
      "\"time\":\"2021-03-01T10:00:00Z\",\"text\":\"" +
          kStatement +
          "\",\"media\":[{\"kind\":"
          "\"photo\",\"pdq\":\"" +
          kNear.Hex() +
          "\"}]}\n"
          "{\"type\":\"message\",\"key\":\"telegram:channel6/9\",\"chat\":\"telegram:channel6\","
          "\"time\":\"2021-03-02T10:00:00Z\",\"text\":\"nothing known here at all, only a note "
          "about "
          "the weather\"}\n");
}

std::string Matches(Store& store) {
  Statement q(StoreHandle(store),
              "SELECT message, media_idx, bank, signal_type, distance, chat, time FROM matches "
              "ORDER BY 1, 2, 3, 4");
  std::string out;
  while (q.Step()) {
    out += std::string(q.Text(0)) + " " + std::to_string(q.Int(1)) + " " + std::string(q.Text(2)) +
           " " + std::string(q.Text(3)) + " " + std::to_string(q.Int(4)) + " " +
           std::string(q.Text(5)) + " " + std::to_string(q.Int(6)) + "\n";
  }
  return out;
}

TEST(MatcherTest, IngestWithABankStoresMatches) {
  testing::TempDir dir;
  const std::string db = dir.File("ingest.db");
  WriteEvents(dir.File("events.ndjson"));
  auto store = Open(db);
  ASSERT_TRUE(CreateBank(*store, {"known"}, 1).ok());
  ASSERT_TRUE(AddEntries(*store, "known",
                         {{SignalType::kPdq, kBase.Hex()}, {SignalType::kText, kStatement}}, 2)
                  .ok());
  auto bank_store = Open(db);
  Matcher matcher(*bank_store, {});
  IngestOptions opt;
  opt.matcher = &matcher;
  auto report = Ingest(*store, {dir.File("events.ndjson")}, opt);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->events, 2);
  const std::string want =
      "telegram:channel5/1 -1 known text 0 telegram:channel5 1614592800000\n"
      "telegram:channel5/1 0 known pdq 5 telegram:channel5 1614592800000\n";
  EXPECT_EQ(Matches(*store), want);
  // Ingesting again stores nothing twice.
  opt.skip_done_files = false;
  ASSERT_TRUE(Ingest(*store, {dir.File("events.ndjson")}, opt).ok());
  EXPECT_EQ(Matches(*store), want);
}

TEST(MatcherTest, RematchFindsMessagesIngestedBeforeTheBank) {
  testing::TempDir dir;
  WriteEvents(dir.File("events.ndjson"));
  auto store = Open(dir.File("late.db"));
  ASSERT_TRUE(Ingest(*store, {dir.File("events.ndjson")}, {}).ok());
  EXPECT_EQ(Matches(*store), "");
  ASSERT_TRUE(CreateBank(*store, {"late"}, 1).ok());
  ASSERT_TRUE(AddEntries(*store, "late", {{SignalType::kPdq, kBase.Hex()}}, 2).ok());
  Matcher matcher(*store, {});
  auto n = RematchStore(*store, matcher);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 1);
  EXPECT_EQ(Matches(*store), "telegram:channel5/1 0 late pdq 5 telegram:channel5 1614592800000\n");
}

// The CLI end to end: import a bank file, look hashes up, read stored matches.
std::string RunCommand(const std::string& cmd) {
  std::string out;
  std::FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  ::pclose(p);
  return out;
}

TEST(MatcherCliTest, BankImportLookupAndMatch) {
  testing::TempDir dir;
  const std::string bin = CORDON_BINARY;
  const std::string db = dir.File("cli.db");
  testing::WriteFile(dir.File("bank.csv"),
                     "signal_type,signal,label\npdq," + kBase.Hex() + ",poster\npdq,zz,\n");
  std::string imported = RunCommand(bin + " bank import --db " + db + " --bank known " +
                                    dir.File("bank.csv") + " 2>&1");
  EXPECT_NE(imported.find("bank.csv:3"), std::string::npos) << imported;
  EXPECT_NE(imported.find("1 new, 1 rejected"), std::string::npos) << imported;
  testing::WriteFile(dir.File("q.txt"), kNear.Hex() + "\n" + kFar.Hex() + "\nnot a hash\n");
  std::string looked =
      RunCommand(bin + " lookup --db " + db + " --json < " + dir.File("q.txt") + " 2>&1");
  EXPECT_EQ(looked, "{\"query\":\"" + kNear.Hex() + "\",\"matches\":[{\"signal\":\"" + kBase.Hex() +
                        "\",\"distance\":5,\"bank\":\"known\",\"label\":\"poster\"}]}\n"
                        "{\"query\":\"" +
                        kFar.Hex() +
                        "\",\"matches\":[]}\n"
                        "{\"query\":\"not a hash\",\"error\":\"" +
                        PdqHash::FromHex("not a hash").status().message() + "\"}\n");
  WriteEvents(dir.File("events.ndjson"));
  RunCommand(bin + " ingest -q --db " + db + " " + dir.File("events.ndjson"));
  std::string matched = RunCommand(bin + " match --db " + db + " --json");
  EXPECT_NE(matched.find("\"message\":\"telegram:channel5/1\""), std::string::npos) << matched;
  EXPECT_NE(matched.find("\"distance\":5"), std::string::npos) << matched;
  std::string listed = RunCommand(bin + " bank list --db " + db + " --json");
  EXPECT_NE(listed.find("\"entries\":1"), std::string::npos) << listed;
  std::string exported = RunCommand(bin + " bank export --db " + db + " --bank known");
  EXPECT_EQ(
      exported.find("signal_type,signal,label,provenance,added\npdq," + kBase.Hex() + ",poster,"),
      0u)
      << exported;
}

}  // namespace
}  // namespace cordon
