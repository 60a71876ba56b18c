// vPDQ: the comparison rule and hash-file form (always), and video decoding on clips made at
// test time with the ffmpeg command's own test sources (skipped, saying why, when this build has
// no video support or ffmpeg is not installed). The clips' edited copies are the cases of issue
// #20: re-encoded, scaled, cropped, trimmed, re-timed and intro'd.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "cordon/content/video.h"
#include "cordon/content/vpdq.h"
#include "test_util.h"

namespace cordon {
namespace {

PdqHash HashWithBits(int n) {
  PdqHash h;
  for (int k = 0; k < n; ++k) h.SetBit(k);
  return h;
}

VpdqFrame Frame(int64_t n, int quality, const PdqHash& h) { return {n, n / 25.0, quality, h}; }

TEST(VpdqCompare, DistanceIsStrictlyUnderTheThreshold) {
  const std::vector<VpdqFrame> q = {Frame(0, 100, HashWithBits(0))};
  EXPECT_TRUE(CompareVpdq(q, {Frame(0, 100, HashWithBits(30))}).match);
  const VpdqComparison c = CompareVpdq(q, {Frame(0, 100, HashWithBits(31))});
  EXPECT_FALSE(c.match);
  EXPECT_EQ(c.query_match_percent, 0);
}

TEST(VpdqCompare, PercentagesAndQualityFilter) {
  const PdqHash a = HashWithBits(0), b = HashWithBits(200);
  // Query: 4 good frames of a, 1 of b, and a low-quality b that is left out.
  std::vector<VpdqFrame> q = {Frame(0, 100, a), Frame(1, 100, a), Frame(2, 100, a),
                              Frame(3, 100, a), Frame(4, 100, b), Frame(5, 49, b)};
  std::vector<VpdqFrame> t = {Frame(0, 80, a), Frame(1, 50, a)};
  VpdqComparison c = CompareVpdq(q, t);
  EXPECT_DOUBLE_EQ(c.query_match_percent, 80);
  EXPECT_DOUBLE_EQ(c.target_match_percent, 100);
  EXPECT_TRUE(c.match);
  VpdqMatchOptions strict;
  strict.query_percent = 81;
  EXPECT_FALSE(CompareVpdq(q, t, strict).match);
  // Target 0%: the reference's Python rule, where a target with an extra scene still matches.
  t.push_back(Frame(2, 90, b));
  t.push_back(Frame(3, 90, HashWithBits(100)));
  c = CompareVpdq(q, t);
  EXPECT_DOUBLE_EQ(c.target_match_percent, 75);
  EXPECT_FALSE(c.match);
  VpdqMatchOptions python;
  python.target_percent = 0;
  EXPECT_TRUE(CompareVpdq(q, t, python).match);
}

TEST(VpdqCompare, NoFrameOfEnoughQualityNeverMatches) {
  const std::vector<VpdqFrame> q = {Frame(0, 10, HashWithBits(0))};
  const VpdqComparison c = CompareVpdq(q, q);
  EXPECT_FALSE(c.match);
  EXPECT_EQ(c.query_match_percent, 0);
  EXPECT_EQ(c.target_match_percent, 0);
  EXPECT_FALSE(CompareVpdq({}, {}).match);
}

TEST(VpdqHashFile, RoundTripsTheReferenceForm) {
  const std::vector<VpdqFrame> frames = {{0, 0.0, 100, HashWithBits(3)},
                                         {25, 1.0, 47, HashWithBits(64)}};
  const std::string text = FormatVpdqHashFile(frames);
  EXPECT_EQ(text.substr(0, text.find('\n')),
            "0,100,0000000000000000000000000000000000000000000000000000000000000007,0.000");
  auto back = ParseVpdqHashFile(text + "\r\n\n", "h.txt");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, frames);
}

TEST(VpdqHashFile, BadLinesAreCorruptWithTheirLine) {
  for (const std::string& bad :
       std::vector<std::string>{"0,100,abc,0.000", "x,100," + std::string(64, 'a') + ",0",
                                "0,101," + std::string(64, 'a') + ",0", "0,100", "0,1,2,3,4"}) {
    auto r = ParseVpdqHashFile(std::string("\n") + bad + "\n", "h.txt");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kCorrupt);
    EXPECT_NE(r.status().ToString().find(":2"), std::string::npos) << r.status().ToString();
  }
}

TEST(VideoSniff, RecognisesContainers) {
  EXPECT_EQ(SniffVideoFormat(std::string("\0\0\0\x20"
                                         "ftypisom",
                                         12)),
            VideoFormat::kMp4);
  EXPECT_EQ(SniffVideoFormat("\x1A\x45\xDF\xA3...."), VideoFormat::kMatroska);
  EXPECT_EQ(SniffVideoFormat("RIFF\1\2\3\4AVI LIST"), VideoFormat::kAvi);
  EXPECT_EQ(SniffVideoFormat("OggS"), VideoFormat::kOgg);
  EXPECT_EQ(SniffVideoFormat("ffconcat version 1.0\n"), VideoFormat::kUnknown);
  EXPECT_EQ(SniffVideoFormat("#EXTM3U\n"), VideoFormat::kUnknown);
  EXPECT_EQ(SniffVideoFormat("\x89PNG\r\n\x1a\n"), VideoFormat::kUnknown);
}

// ---------------------------------------------------------------- videos made with ffmpeg

std::string SkipReason() {
  if (!VideoSupported()) return "this build has no video support (CORDON_VIDEO off or no FFmpeg)";
  if (std::system("ffmpeg -version >/dev/null 2>&1") != 0) return "the ffmpeg command is missing";
  return "";
}

class VpdqVideos : public ::testing::Test {
 protected:
  // The clips are made once per build directory and shared by every test process (ctest runs
  // each test in its own; making them took about 9 s each time): the first process to take the
  // lock makes them, the others wait and reuse them (change the directory's version when the clips
  // change). Files a test writes go to its own TempDir.
  static void SetUpTestSuite() {
    if (!SkipReason().empty()) return;
    dir_ = new testing::TempDir();
    clips_ = (std::filesystem::path(CORDON_BINARY).parent_path() / "test-clips-v1").string();
    std::filesystem::create_directories(clips_);
    const int lock = ::open((clips_ + "/.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    ASSERT_GE(lock, 0);
    ASSERT_EQ(::flock(lock, LOCK_EX), 0);
    if (!std::filesystem::exists(clips_ + "/.done")) MakeClips();
    ::close(lock);  // releases the lock
  }
  static void MakeClips() {
    auto ff = [](const std::string& args, const std::string& out) {
      const std::string cmd = "ffmpeg -nostdin -y -loglevel error " + args + " " +
                              testing::ShellQuote(clips_ + "/" + out);
      ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    };
    const std::string base = testing::ShellQuote(clips_ + "/base.mp4");
    const std::string x264 = "-c:v libx264 -pix_fmt yuv420p";
    ff("-f lavfi -i testsrc2=size=320x240:rate=25 -t 3 " + x264, "base.mp4");
    ff("-f lavfi -i mandelbrot=size=256x192:rate=15 -t 2 -c:v libvpx-vp9 -b:v 300k", "other.webm");
    ff("-i " + base + " " + x264 + " -crf 40", "reencoded.mp4");
    ff("-i " + base + " -vf scale=176:132 " + x264, "scaled.mp4");
    ff("-i " + base + " -vf scale=480:360 " + x264, "upscaled.mp4");
    ff("-i " + base + " -vf crop=304:228 " + x264, "cropped.mp4");
    ff("-i " + base + " -ss 1 " + x264, "trimmed.mp4");
    ff("-i " + base + " -r 30 -c:v libvpx-vp9 -b:v 300k", "rate30.webm");
    ff("-f lavfi -i mandelbrot=size=320x240:rate=25 -i " + base +
           " -filter_complex '[0:v]trim=duration=1[a];[a][1:v]concat=n=2:v=1[v]' -map '[v]' " +
           x264,
       "intro.mp4");
    if (!::testing::Test::HasFatalFailure()) testing::WriteFile(clips_ + "/.done", "");
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
    cache_.clear();
  }
  void SetUp() override {
    const std::string why = SkipReason();
    if (!why.empty()) GTEST_SKIP() << why;
  }
  // A clip from the shared directory, or a file of this process's own.
  static std::string Path(const std::string& name) {
    static const std::set<std::string> kClips = {"base.mp4",    "other.webm",   "reencoded.mp4",
                                                 "scaled.mp4",  "upscaled.mp4", "cropped.mp4",
                                                 "trimmed.mp4", "rate30.webm",  "intro.mp4"};
    return kClips.count(name) != 0 ? clips_ + "/" + name : dir_->File(name);
  }
  static const std::vector<VpdqFrame>& Hashes(const std::string& name) {
    auto it = cache_.find(name);
    if (it == cache_.end()) {
      auto r = VpdqFromFile(Path(name));
      EXPECT_TRUE(r.ok()) << r.status().ToString();
      it = cache_.emplace(name, r.ok() ? *r : std::vector<VpdqFrame>()).first;
    }
    return it->second;
  }
  static VpdqComparison Compare(const std::string& q, const std::string& t,
                                const VpdqMatchOptions& o = {}) {
    const VpdqComparison c = CompareVpdq(Hashes(q), Hashes(t), o);
    std::cout << "  " << q << " vs " << t << ": " << c.query_match_percent << "% / "
              << c.target_match_percent << "%\n";
    return c;
  }
  static testing::TempDir* dir_;
  static std::string clips_;
  static std::map<std::string, std::vector<VpdqFrame>> cache_;
};
testing::TempDir* VpdqVideos::dir_ = nullptr;
std::string VpdqVideos::clips_;
std::map<std::string, std::vector<VpdqFrame>> VpdqVideos::cache_;

TEST_F(VpdqVideos, EveryFrameNumberedWithItsTimestamp) {
  const auto& f = Hashes("base.mp4");
  ASSERT_EQ(f.size(), 75u);
  for (size_t i = 0; i < f.size(); ++i) {
    EXPECT_EQ(f[i].frame, static_cast<int64_t>(i));
    EXPECT_NEAR(f[i].timestamp, i / 25.0, 1e-6);
    EXPECT_GE(f[i].quality, 50);
  }
  EXPECT_EQ(Hashes("other.webm").size(), 30u);
}

TEST_F(VpdqVideos, SecondsPerHashSamples) {
  VideoHashOptions o;
  o.seconds_per_hash = 1;
  auto r = VpdqFromFile(Path("base.mp4"), o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[1].frame, 25);
  EXPECT_EQ((*r)[1].pdq, Hashes("base.mp4")[25].pdq);
}

TEST_F(VpdqVideos, FromMemoryEqualsFromFile) {
  auto r = VpdqFromBytes(testing::ReadFile(Path("other.webm")), "other.webm");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, Hashes("other.webm"));
}

TEST_F(VpdqVideos, EditedCopiesMatchAndOthersDoNot) {
  for (const char* copy : {"reencoded.mp4", "scaled.mp4", "upscaled.mp4", "rate30.webm"}) {
    EXPECT_TRUE(Compare(copy, "base.mp4").match) << copy;
    EXPECT_TRUE(Compare("base.mp4", copy).match) << copy;
  }
  // A trimmed copy is all in the original, which is only partly in it: the reference's Python
  // rule (target 0%) matches it, the C++ tool's 80/80 does not.
  VpdqComparison c = Compare("trimmed.mp4", "base.mp4");
  EXPECT_GE(c.query_match_percent, 95);
  EXPECT_LT(c.target_match_percent, 80);
  VpdqMatchOptions python;
  python.target_percent = 0;
  EXPECT_TRUE(Compare("trimmed.mp4", "base.mp4", python).match);
  // An intro of another clip: the original is all in the copy.
  c = Compare("base.mp4", "intro.mp4");
  EXPECT_GE(c.query_match_percent, 95);
  EXPECT_TRUE(Compare("base.mp4", "intro.mp4", python).match);
  // 5% cropped from each side: PDQ is not robust to crops, and neither is vPDQ (the reference
  // gives the same frames, SameFramesAsTheReference).
  EXPECT_FALSE(Compare("cropped.mp4", "base.mp4").match);
  EXPECT_FALSE(Compare("other.webm", "base.mp4").match);
  EXPECT_FALSE(Compare("other.webm", "base.mp4", python).match);
  EXPECT_FALSE(Compare("base.mp4", "other.webm", python).match);
}

TEST_F(VpdqVideos, PlaylistsNeverOpenOtherFiles) {
  // Each names a real video: had it been opened, frames would come back.
  const std::string target = Path("base.mp4");
  const std::map<std::string, std::string> playlists = {
      {"concat.txt", "ffconcat version 1.0\nfile '" + target + "'\n"},
      {"passwd.txt", "ffconcat version 1.0\nfile '/etc/passwd'\n"},
      {"list.m3u8", "#EXTM3U\n#EXT-X-TARGETDURATION:3\n#EXTINF:3,\nfile://" + target +
                        "\n#EXTINF:3,\n/etc/passwd\n#EXT-X-ENDLIST\n"},
  };
  for (const auto& [name, text] : playlists) {
    testing::WriteFile(Path(name), text);
    auto r = VpdqFromFile(Path(name));
    EXPECT_FALSE(r.ok()) << name;
    auto m = VpdqFromBytes(text, name);
    EXPECT_FALSE(m.ok()) << name;
    // Through the CLI too: digests only, no vPDQ.
    testing::CliResult cli = testing::RunCordon("hash --json " + testing::ShellQuote(Path(name)));
    EXPECT_EQ(cli.code, 0) << cli.err;
    EXPECT_EQ(cli.out.find("vpdq"), std::string::npos) << cli.out;
  }
}

TEST_F(VpdqVideos, DamagedFilesAreErrorsNotCrashes) {
  const std::string good = testing::ReadFile(Path("base.mp4"));
  // Truncated: either the frames before the cut or an error.
  auto half = VpdqFromBytes(good.substr(0, good.size() / 2), "half.mp4");
  if (half.ok()) {
    EXPECT_LT(half->size(), 75u);
  }
  // A valid header followed by noise.
  std::string noise = good.substr(0, 64);
  for (int i = 0; i < 5000; ++i) noise.push_back(static_cast<char>((i * 7919) >> 3));
  EXPECT_FALSE(VpdqFromBytes(noise, "noise.mp4").ok());
  EXPECT_FALSE(VpdqFromBytes("", "empty.mp4").ok());
  // Every byte flipped in turn in the first kilobyte: no crash whatever the outcome.
  for (size_t i = 0; i < 1024 && i < good.size(); i += 37) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x5a);
    (void)VpdqFromBytes(bad, "flipped.mp4");
  }
}

TEST_F(VpdqVideos, LimitsAreResourceExhausted) {
  VideoHashOptions o;
  o.max_frames = 10;
  EXPECT_EQ(VpdqFromFile(Path("base.mp4"), o).status().code(), StatusCode::kResourceExhausted);
  o = {};
  o.max_pixels = 320 * 239;
  EXPECT_EQ(VpdqFromFile(Path("base.mp4"), o).status().code(), StatusCode::kResourceExhausted);
  o = {};
  o.max_duration_seconds = 1.5;
  EXPECT_EQ(VpdqFromFile(Path("base.mp4"), o).status().code(), StatusCode::kResourceExhausted);
  o = {};
  o.max_file_bytes = 100;
  EXPECT_EQ(VpdqFromFile(Path("base.mp4"), o).status().code(), StatusCode::kResourceExhausted);
}

TEST_F(VpdqVideos, HashJsonIsTheContract) {
  testing::CliResult r = testing::RunCordon("hash --json --seconds-per-hash 1 " +
                                            testing::ShellQuote(Path("base.mp4")));
  ASSERT_EQ(r.code, 0) << r.err;
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(r.out);
  simdjson::dom::object o = doc.at(0).get_object();
  EXPECT_EQ(std::string(o["file"].get_string().value()), Path("base.mp4"));
  EXPECT_EQ(o["md5"].get_string().value().size(), 32u);
  EXPECT_EQ(o["sha256"].get_string().value().size(), 64u);
  simdjson::dom::array frames = o["vpdq"].get_array();
  ASSERT_EQ(frames.size(), 3u);
  simdjson::dom::object second = frames.at(1).get_object();
  EXPECT_EQ(int64_t(second["frame"]), 25);
  EXPECT_DOUBLE_EQ(double(second["timestamp"]), 1.0);
  EXPECT_EQ(int64_t(second["quality"]), Hashes("base.mp4")[25].quality);
  EXPECT_EQ(std::string(second["pdq"].get_string().value()), Hashes("base.mp4")[25].pdq.Hex());
  EXPECT_NE(r.out.find("\"timestamp\":1.000"), std::string::npos);
}

TEST_F(VpdqVideos, CompareCliTakesVideosOrHashFiles) {
  testing::WriteFile(Path("base.txt"), FormatVpdqHashFile(Hashes("base.mp4")));
  testing::CliResult r =
      testing::RunCordon("vpdq compare --json " + testing::ShellQuote(Path("reencoded.mp4")) + " " +
                         testing::ShellQuote(Path("base.txt")));
  ASSERT_EQ(r.code, 0) << r.err;
  simdjson::dom::parser parser;
  simdjson::dom::object o = parser.parse(r.out).get_object();
  EXPECT_TRUE(bool(o["match"]));
  const VpdqComparison c = CompareVpdq(Hashes("reencoded.mp4"), Hashes("base.mp4"));
  EXPECT_DOUBLE_EQ(double(o["query_match_percent"]), c.query_match_percent);
  EXPECT_DOUBLE_EQ(double(o["target_match_percent"]), c.target_match_percent);
  r = testing::RunCordon("vpdq compare --json --target-percent 0 --query-percent 95 " +
                         testing::ShellQuote(Path("trimmed.mp4")) + " " +
                         testing::ShellQuote(Path("base.mp4")));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\"match\":true"), std::string::npos) << r.out;
  r = testing::RunCordon("vpdq compare " + testing::ShellQuote(Path("base.mp4")) +
                         " /nonexistent.mp4");
  EXPECT_EQ(r.code, 1);
}

TEST_F(VpdqVideos, HashCliWritesTheReferenceFormAndTheSignal) {
  const std::string out = Path("base.cordon.txt");
  testing::CliResult r = testing::RunCordon("vpdq hash -o " + testing::ShellQuote(out) + " " +
                                            testing::ShellQuote(Path("base.mp4")));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(testing::ReadFile(out), FormatVpdqHashFile(Hashes("base.mp4")));
  r = testing::RunCordon("vpdq hash --signal --seconds-per-hash 1 " +
                         testing::ShellQuote(Path("base.mp4")));
  ASSERT_EQ(r.code, 0) << r.err;
  auto signal = ParseVpdqSignal(r.out);
  ASSERT_TRUE(signal.ok()) << signal.status().ToString() << r.out;
  ASSERT_EQ(signal->size(), 3u);
  EXPECT_EQ((*signal)[2].pdq, Hashes("base.mp4")[50].pdq);
  EXPECT_EQ((*signal)[2].quality, Hashes("base.mp4")[50].quality);
  EXPECT_DOUBLE_EQ((*signal)[2].timestamp, 2.0);
  // Not a video: an error, nothing written.
  testing::WriteFile(Path("notvideo.txt"), "ffconcat version 1.0\nfile 'base.mp4'\n");
  r = testing::RunCordon("vpdq hash -o " + testing::ShellQuote(Path("none.txt")) + " " +
                         testing::ShellQuote(Path("notvideo.txt")));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("video"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(Path("none.txt")));
}

// With CORDON_VPDQ_REFERENCE naming the reference's vpdq-hash-video (built outside the
// repository, docs/formats/vpdq.md), every clip's frames are compared with its output.
TEST_F(VpdqVideos, SameFramesAsTheReference) {
  const char* ref = std::getenv("CORDON_VPDQ_REFERENCE");
  if (ref == nullptr || *ref == '\0') GTEST_SKIP() << "CORDON_VPDQ_REFERENCE is not set";
  for (const char* clip : {"base.mp4", "other.webm", "reencoded.mp4", "scaled.mp4", "upscaled.mp4",
                           "cropped.mp4", "trimmed.mp4", "rate30.webm", "intro.mp4"}) {
    const std::string out = Path(std::string(clip) + ".ref.txt");
    const std::string cmd = testing::ShellQuote(ref) + " -r 0 -i " +
                            testing::ShellQuote(Path(clip)) + " -o " + testing::ShellQuote(out) +
                            " >/dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    auto theirs = ParseVpdqHashFile(testing::ReadFile(out), out);
    ASSERT_TRUE(theirs.ok()) << theirs.status().ToString();
    const auto& ours = Hashes(clip);
    ASSERT_EQ(theirs->size(), ours.size()) << clip;
    int worst = 0;
    for (size_t i = 0; i < ours.size(); ++i) {
      EXPECT_EQ((*theirs)[i].frame, ours[i].frame);
      EXPECT_EQ((*theirs)[i].quality, ours[i].quality);
      EXPECT_NEAR((*theirs)[i].timestamp, ours[i].timestamp, 0.0005);
      worst = std::max(worst, Distance((*theirs)[i].pdq, ours[i].pdq));
    }
    EXPECT_EQ(worst, 0) << clip;
  }
}

}  // namespace
}  // namespace cordon
