// vPDQ in banks: import of the reference's hash files and ThreatExchange's signal form (with bad
// lines rejected), VpdqIndex against the brute-force rule, the matcher on videos made with
// ffmpeg (a trimmed copy matches, an unrelated clip does not), and ingest of a message naming a
// video (matched) or a damaged one (counted as media_video_undecodable). The video cases skip,
// saying why, when this build has no video support or ffmpeg is missing.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>

#include "cordon/content/bank.h"
#include "cordon/content/matcher.h"
#include "cordon/content/video.h"
#include "cordon/content/vpdq_index.h"
#include "cordon/ingest/ingest.h"
#include "cordon/store/match_queries.h"
#include "cordon/store/match_table.h"
#include "test_util.h"

namespace cordon {
namespace {

PdqHash RandomHash(std::mt19937_64& rng) {
  PdqHash h;
  for (auto& w : h.bits) w = rng();
  return h;
}

PdqHash Flip(PdqHash h, int bits, std::mt19937_64& rng) {
  for (int i = 0; i < bits; ++i) {
    const int b = static_cast<int>(rng() % 256);
    h.bits[b / 64] ^= uint64_t{1} << (b % 64);
  }
  return h;
}

std::vector<VpdqFrame> Video(std::mt19937_64& rng, int frames, int quality = 100) {
  std::vector<VpdqFrame> v;
  PdqHash h = RandomHash(rng);
  for (int i = 0; i < frames; ++i) {
    if (i % 5 == 0) h = RandomHash(rng);  // a new scene every 5 frames
    v.push_back({i, i * 1.0, quality, Flip(h, 3, rng)});
  }
  return v;
}

const std::string kHex(64, 'a');

TEST(VpdqBankImport, ReferenceHashFileIsOneEntryAndBadLinesAreRejected) {
  const std::string file = "0,100," + kHex + ",0.000\n" + "1,100,zz" + kHex.substr(2) + ",0.040\n" +
                           "garbage\n" + "2,90," + std::string(64, 'B') + ",0.080\r\n";
  auto parsed = ParseBankFile(file, "dir/clip.vpdq.txt", {});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->format, BankFormat::kVpdqHashFile);
  ASSERT_EQ(parsed->entries.size(), 1u);
  EXPECT_EQ(parsed->entries[0].type, SignalType::kVpdq);
  EXPECT_EQ(parsed->entries[0].signal,
            "[\"" + kHex + ",100,0.000\",\"" + std::string(64, 'b') + ",90,0.080\"]");
  EXPECT_EQ(parsed->entries[0].provenance, "vpdq file=clip.vpdq.txt");
  ASSERT_EQ(parsed->rejects.size(), 2u);
  EXPECT_EQ(parsed->rejects[0].where.line, 2);
  EXPECT_EQ(parsed->rejects[1].where.line, 3);
}

TEST(VpdqBankImport, ThreatExchangeSignalInTeFilesAndCsv) {
  const std::string sig = "[\"" + kHex + ",100,0.0\", \"" + kHex + ",80,1.23e+02\"]";
  const std::string te_file = "vpdq " + sig + "\nvpdq [\"" + kHex + ",101,0.0\"]\nvpdq []\n";
  auto parsed = ParseBankFile(te_file, "exchange.txt", {});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->format, BankFormat::kTeFile);
  ASSERT_EQ(parsed->entries.size(), 1u);
  EXPECT_EQ(parsed->entries[0].signal, "[\"" + kHex + ",100,0.000\",\"" + kHex + ",80,123.000\"]");
  ASSERT_EQ(parsed->rejects.size(), 2u);  // quality 101; no frames
  EXPECT_NE(parsed->rejects[0].reason.find("quality"), std::string::npos);

  // HMA's sample CSV with the type from the file name ("vpdq" before "pdq").
  std::string quoted = sig;
  for (size_t p = 0; (p = quoted.find('"', p)) != std::string::npos; p += 2) quoted.insert(p, "\"");
  auto te = ParseBankFile("\"" + quoted + "\",42,2021-01-01,tag\nnot json,43,t,x\n",
                          "video_vpdq.csv", {.format = BankFormat::kThreatExchange});
  ASSERT_TRUE(te.ok()) << te.status().ToString();
  ASSERT_EQ(te->entries.size(), 1u);
  EXPECT_EQ(te->entries[0].type, SignalType::kVpdq);
  EXPECT_EQ(te->rejects.size(), 1u);
}

TEST(VpdqIndex, EqualsTheBruteForceRuleOnEveryVideo) {
  std::mt19937_64 rng(7);
  std::vector<std::vector<VpdqFrame>> bank;
  for (int i = 0; i < 300; ++i) bank.push_back(Video(rng, 20 + i % 17, i % 9 == 0 ? 40 : 100));
  // Queries: copies (perturbed, trimmed, with new frames), and unrelated videos.
  std::vector<std::vector<VpdqFrame>> queries;
  for (int i = 0; i < 30; ++i) {
    auto q = bank[static_cast<size_t>(i * 7)];
    for (auto& f : q) f.pdq = Flip(f.pdq, 8, rng);
    q.resize(q.size() * (1 + i % 3) / 3);
    if (i % 2) {
      auto extra = Video(rng, i % 6);
      q.insert(q.end(), extra.begin(), extra.end());
    }
    queries.push_back(q);
    queries.push_back(Video(rng, 25));
  }
  for (const VpdqMatchOptions& o :
       {VpdqMatchOptions{}, VpdqMatchOptions{.query_percent = 80, .target_percent = 0},
        VpdqMatchOptions{
            .distance = 20, .quality = 60, .query_percent = 30, .target_percent = 10}}) {
    VpdqIndex index(bank, o, {.mode = PdqIndexOptions::Mode::kMultiIndex});
    int matched = 0;
    for (const auto& q : queries) {
      std::vector<VpdqHit> want;
      for (size_t v = 0; v < bank.size(); ++v) {
        const VpdqComparison c = CompareVpdq(q, bank[v], o);
        if (c.match) {
          want.push_back({static_cast<uint32_t>(v), c.query_match_percent, c.target_match_percent});
        }
      }
      EXPECT_EQ(index.Query(q), want);
      matched += static_cast<int>(!want.empty());
    }
    EXPECT_GT(matched, 5);  // the test covers matches, not only misses
  }
}

// ---------------------------------------------------------------- videos made with ffmpeg

std::string SkipReason() {
  if (!VideoSupported()) return "this build has no video support (CORDON_VIDEO off or no FFmpeg)";
  if (std::system("ffmpeg -version >/dev/null 2>&1") != 0) return "the ffmpeg command is missing";
  return "";
}

class VpdqBankVideos : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string why = SkipReason();
    if (!why.empty()) GTEST_SKIP() << why;
    auto ff = [&](const std::string& args, const std::string& out) {
      const std::string cmd =
          "ffmpeg -nostdin -y -loglevel error " + args + " " + testing::ShellQuote(dir_.File(out));
      ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    };
    const std::string x264 = "-c:v libx264 -pix_fmt yuv420p";
    ff("-f lavfi -i testsrc2=size=320x240:rate=25 -t 4 " + x264, "base.mp4");
    ff("-i " + testing::ShellQuote(dir_.File("base.mp4")) + " -ss 1 -crf 35 " + x264,
       "trimmed.mp4");
    ff("-f lavfi -i mandelbrot=size=256x192:rate=15 -t 3 " + x264, "other.mp4");
    auto opened = Store::Open(dir_.File("v.db"));
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(*opened);
    auto frames = VpdqFromFile(dir_.File("base.mp4"), {.seconds_per_hash = 1});
    ASSERT_TRUE(frames.ok()) << frames.status().ToString();
    ASSERT_TRUE(CreateBank(*store_, {"videos", "release-v", "made-up feed"}, 1).ok());
    BankEntry e;
    e.type = SignalType::kVpdq;
    e.signal = FormatVpdqHashFile(*frames);  // the reference's form is accepted too
    ASSERT_TRUE(AddEntries(*store_, "videos", {e}, 2).ok());
  }
  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(VpdqBankVideos, MatcherFindsATrimmedReencodedCopyAndNotAnotherVideo) {
  Matcher matcher(*store_, {});
  ASSERT_TRUE(matcher.Refresh().ok());
  EXPECT_EQ(matcher.entries(), 1u);
  auto trimmed = VpdqFromFile(dir_.File("trimmed.mp4"), {.seconds_per_hash = 1});
  auto other = VpdqFromFile(dir_.File("other.mp4"), {.seconds_per_hash = 1});
  ASSERT_TRUE(trimmed.ok() && other.ok());
  auto hits = matcher.LookupVpdq(*trimmed, "q");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].bank, "videos");
  EXPECT_EQ(hits[0].type, SignalType::kVpdq);
  EXPECT_EQ(hits[0].label, "release-v");
  EXPECT_LE(hits[0].distance, 20);
  EXPECT_TRUE(matcher.LookupVpdq(*other, "q").empty());
}

TEST_F(VpdqBankVideos, IngestMatchesAVideoAndCountsAnUndecodableOne) {
  // A damaged video: the first 3000 bytes of a real one (its index is at the end).
  std::string bad;
  {
    std::FILE* f = std::fopen(dir_.File("base.mp4").c_str(), "rb");
    ASSERT_NE(f, nullptr);
    bad.resize(3000);
    bad.resize(std::fread(bad.data(), 1, bad.size(), f));
    std::fclose(f);
  }
  testing::WriteFile(dir_.File("broken.mp4"), bad);
  auto msg = [](int id, const std::string& path) {
    return R"({"type":"message","key":"telegram:channel1/)" + std::to_string(id) +
           R"(","chat":"telegram:channel1","time":"2021-03-01T10:00:00Z","media":[{"kind":"video","path":")" +
           path + "\"}]}\n";
  };
  // Messages 4 and 5 name files already hashed (decoded once, reported for each record).
  testing::WriteFile(dir_.File("events.ndjson"), msg(1, "trimmed.mp4") + msg(2, "other.mp4") +
                                                     msg(3, "broken.mp4") + msg(4, "trimmed.mp4") +
                                                     msg(5, "broken.mp4"));
  Matcher matcher(*store_, {});
  IngestOptions opt;
  opt.matcher = &matcher;
  auto report = Ingest(*store_, {dir_.File("events.ndjson")}, opt);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->events, 5);
  EXPECT_EQ(report->weird_by_name["media_video_undecodable"], 2);
  auto matches = [&] {
    std::vector<std::string> out;
    EXPECT_TRUE(ForEachMatch(*store_, "", [&](const StoredMatch& m) {
                  out.push_back(m.message + " " + std::to_string(m.media_idx) + " " + m.bank + " " +
                                m.signal_type);
                }).ok());
    return out;
  };
  const std::vector<std::string> want = {"telegram:channel1/1 0 videos vpdq",
                                         "telegram:channel1/4 0 videos vpdq"};
  EXPECT_EQ(matches(), want);

  // The sampled frames are stored with the media (migration 10): the same signal for the same
  // file, none for the video that did not decode; a rematch of the stored messages finds the
  // same matches from them, without the files.
  std::map<std::string, std::string> stored;
  ASSERT_TRUE(ForEachMessageContent(*store_, [&](const MessageEvent& m) {
                stored[m.key] = m.media.at(0).vpdq;
                return Status::Ok();
              }).ok());
  ASSERT_EQ(stored.size(), 5u);
  EXPECT_FALSE(stored["telegram:channel1/1"].empty());
  EXPECT_EQ(stored["telegram:channel1/1"], stored["telegram:channel1/4"]);
  EXPECT_FALSE(stored["telegram:channel1/2"].empty());
  EXPECT_TRUE(stored["telegram:channel1/3"].empty());
  EXPECT_TRUE(stored["telegram:channel1/5"].empty());
  // A bank added after the ingest, the files gone: a rematch matches from the stored frames.
  std::filesystem::remove(dir_.File("trimmed.mp4"));
  auto frames = VpdqFromFile(dir_.File("base.mp4"), {.seconds_per_hash = 1});
  ASSERT_TRUE(frames.ok());
  ASSERT_TRUE(CreateBank(*store_, {"later", "release-v", "made-up feed"}, 3).ok());
  ASSERT_TRUE(
      AddEntries(*store_, "later", {BankEntry{SignalType::kVpdq, FormatVpdqSignal(*frames)}}, 4)
          .ok());
  ASSERT_TRUE(matcher.Refresh().ok());
  auto rematched = RematchStore(*store_, matcher);
  ASSERT_TRUE(rematched.ok()) << rematched.status().ToString();
  const std::vector<std::string> both = {
      "telegram:channel1/1 0 later vpdq", "telegram:channel1/1 0 videos vpdq",
      "telegram:channel1/4 0 later vpdq", "telegram:channel1/4 0 videos vpdq"};
  EXPECT_EQ(matches(), both);
}

}  // namespace
}  // namespace cordon
