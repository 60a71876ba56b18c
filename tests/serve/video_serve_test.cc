// Videos through a real `cordon serve` (serve/video_routes.h): POST /h/hash with a `video` file,
// and /m/lookup with signal_type=vpdq by GET and by POST, against a bank imported from the
// reference's hash file. Clips are made at test time with ffmpeg's test sources; skipped, saying
// why, when this build has no video support or ffmpeg is missing.
#include <gtest/gtest.h>
#include <httplib.h>
#include <simdjson.h>

#include <cstdlib>

#include "cordon/content/video.h"
#include "cordon/content/vpdq.h"
#include "cordon/util/digest.h"
#include "serve/serve_process.h"
#include "test_util.h"

namespace cordon {
namespace {

std::string UrlEncode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

class VideoServeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!VideoSupported()) GTEST_SKIP() << "this build has no video support";
    if (std::system("ffmpeg -version >/dev/null 2>&1") != 0) GTEST_SKIP() << "no ffmpeg command";
    db_ = tmp_.File("db.sqlite");
    auto ff = [&](const std::string& args, const std::string& out) {
      const std::string cmd =
          "ffmpeg -nostdin -y -loglevel error " + args + " " + testing::ShellQuote(tmp_.File(out));
      ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    };
    ff("-f lavfi -i testsrc2=size=160x120:rate=25 -t 2 -c:v libx264 -pix_fmt yuv420p", "a.mp4");
    ff("-f lavfi -i mandelbrot=size=160x120:rate=25 -t 2 -c:v libx264 -pix_fmt yuv420p", "b.mp4");
    auto frames = VpdqFromFile(tmp_.File("a.mp4"));
    ASSERT_TRUE(frames.ok()) << frames.status().ToString();
    a_ = *frames;
    testing::WriteFile(tmp_.File("a.txt"), FormatVpdqHashFile(a_));
    auto imp = testing::RunCordon("bank import --db " + testing::ShellQuote(db_) +
                                  " --bank VIDEOS --format vpdq " +
                                  testing::ShellQuote(tmp_.File("a.txt")));
    ASSERT_EQ(imp.code, 0) << imp.err;
    auto tok = testing::RunCordon("token create --db " + testing::ShellQuote(db_) +
                                  " --role viewer --name v");
    ASSERT_EQ(tok.code, 0) << tok.err;
    viewer_ = {{"Authorization", "Bearer " + Trimmed(tok.out)}};
  }

  testing::TempDir tmp_;
  std::string db_;
  std::vector<VpdqFrame> a_;
  httplib::Headers viewer_;
};

TEST_F(VideoServeTest, HashAnswersTheFramesAndLookupFindsTheBankedVideo) {
  ServeProcess serve(db_);
  ASSERT_TRUE(serve.WaitLoaded()) << serve.Stderr();
  auto c = serve.Client();
  c.set_read_timeout(60, 0);
  const std::string video = testing::ReadFile(tmp_.File("a.mp4"));
  auto r = c.Post("/h/hash", viewer_,
                  httplib::MultipartFormDataItems{{"video", video, "a.mp4", "video/mp4"}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  simdjson::dom::parser parser;
  simdjson::dom::object doc = parser.parse(r->body).get_object();
  simdjson::dom::array frames = doc["vpdq"].get_array();
  ASSERT_EQ(frames.size(), a_.size());
  simdjson::dom::object f10 = frames.at(10).get_object();
  EXPECT_EQ(int64_t(f10["frame"]), 10);
  EXPECT_EQ(int64_t(f10["quality"]), a_[10].quality);
  EXPECT_EQ(std::string(f10["pdq"].get_string().value()), a_[10].pdq.Hex());
  EXPECT_EQ(std::string(doc["sha256"].get_string().value()), DigestBytes(video).sha256);
  EXPECT_EQ(std::string(doc["md5"].get_string().value()), DigestBytes(video).md5);
  const std::string signal(doc["vpdq_signal"].get_string().value());
  EXPECT_EQ(signal, FormatVpdqSignal(a_));

  // One frame a second: a short signal for GET; all of it is in the banked video.
  r = c.Post("/h/hash?seconds_per_hash=1", viewer_,
             httplib::MultipartFormDataItems{{"video", video, "a.mp4", "video/mp4"}});
  ASSERT_EQ(r->status, 200) << r->body;
  const std::string sampled(parser.parse(r->body).get_object()["vpdq_signal"].get_string().value());
  ASSERT_EQ(ParseVpdqSignal(sampled)->size(), 2u);
  r = c.Get(("/m/lookup?signal_type=vpdq&signal=" + UrlEncode(sampled)).c_str(), viewer_);
  ASSERT_EQ(r->status, 200) << r->body;
  {
    // The target's share: its frames within distance 30 of a sampled one, as CompareVpdq says.
    const VpdqComparison want = CompareVpdq(*ParseVpdqSignal(sampled), a_);
    simdjson::dom::object hit = parser.parse(r->body).get_object()["VIDEOS"].at(0).get_object();
    EXPECT_EQ(int64_t(hit["bank_content_id"]), 1);
    EXPECT_EQ(std::string(hit["distance"].get_string().value()), "0");
    EXPECT_DOUBLE_EQ(double(hit["query_match_percent"]), 100);
    EXPECT_DOUBLE_EQ(double(hit["target_match_percent"]), want.target_match_percent);
    EXPECT_LT(want.target_match_percent, 80);  // matches only under the 80/0 rule
  }
  // The whole signal in a POST body, in either form.
  for (const std::string& body : {signal, FormatVpdqHashFile(a_)}) {
    r = c.Post("/m/lookup?signal_type=vpdq", viewer_, body, "text/plain");
    ASSERT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(r->body,
              R"({"VIDEOS":[{"bank_content_id":1,"distance":"0","query_match_percent":100,)"
              R"("target_match_percent":100}]})");
  }
  // Another video matches nothing.
  r = c.Post("/h/hash", viewer_,
             httplib::MultipartFormDataItems{
                 {"video", testing::ReadFile(tmp_.File("b.mp4")), "b.mp4", "video/mp4"}});
  ASSERT_EQ(r->status, 200) << r->body;
  const std::string other(parser.parse(r->body).get_object()["vpdq_signal"].get_string().value());
  r = c.Post("/m/lookup?signal_type=vpdq", viewer_, other, "application/json");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->body, "{}");

  // Errors: not a video, a bad signal, POST for another signal type, no token.
  r = c.Post("/h/hash", viewer_,
             httplib::MultipartFormDataItems{{"video", "ffconcat version 1.0\n", "x.mp4", ""}});
  EXPECT_EQ(r->status, 400) << r->body;
  r = c.Post("/h/hash?seconds_per_hash=nan", viewer_,
             httplib::MultipartFormDataItems{{"video", video, "a.mp4", "video/mp4"}});
  EXPECT_EQ(r->status, 400) << r->body;
  r = c.Get("/m/lookup?signal_type=vpdq&signal=%5B%22abc%22%5D", viewer_);
  EXPECT_EQ(r->status, 400) << r->body;
  r = c.Get("/m/lookup?signal_type=vpdq&signal=", viewer_);
  EXPECT_EQ(r->status, 400) << r->body;
  r = c.Post("/m/lookup?signal_type=pdq", viewer_, a_[0].pdq.Hex(), "text/plain");
  EXPECT_EQ(r->status, 400) << r->body;
  r = c.Post("/m/lookup?signal_type=vpdq", signal, "text/plain");
  EXPECT_EQ(r->status, 401) << r->body;
}

// Lookups need no decoder: they run in every build, on a bank imported from a hash file. A file
// that looks like an MP4 is 400 when it does not decode, 501 in a build without video support.
TEST(VideoServeLookup, WorksWithoutTheDecoderAndSaysWhenVideosCannotBeHashed) {
  testing::TempDir tmp;
  const std::string db = tmp.File("db.sqlite");
  std::vector<VpdqFrame> frames;
  for (int i = 0; i < 20; ++i) {
    PdqHash h;
    for (int k = 0; k < 256; ++k) {
      if (((k * 7 + i / 5 * 31) % 3) == 0) h.SetBit(k);
    }
    frames.push_back({i, i / 10.0, 90, h});
  }
  testing::WriteFile(tmp.File("v.txt"), FormatVpdqHashFile(frames));
  auto imp =
      testing::RunCordon("bank import --db " + testing::ShellQuote(db) +
                         " --bank CLIPS --format vpdq " + testing::ShellQuote(tmp.File("v.txt")));
  ASSERT_EQ(imp.code, 0) << imp.err;
  auto tok = testing::RunCordon("token create --db " + testing::ShellQuote(db) +
                                " --role viewer --name v");
  ASSERT_EQ(tok.code, 0) << tok.err;
  const httplib::Headers viewer = {{"Authorization", "Bearer " + Trimmed(tok.out)}};
  ServeProcess serve(db);
  ASSERT_TRUE(serve.WaitLoaded()) << serve.Stderr();
  auto c = serve.Client();
  const std::vector<VpdqFrame> half(frames.begin(), frames.begin() + 10);
  auto r = c.Post("/m/lookup?signal_type=vpdq", viewer, FormatVpdqSignal(half), "text/plain");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  // Scenes of 5 frames with 3 distinct patterns: the first two scenes are queried, and the
  // fourth repeats the first, so 15 of the 20 banked frames are hit.
  EXPECT_EQ(r->body, R"({"CLIPS":[{"bank_content_id":1,"distance":"0","query_match_percent":100,)"
                     R"("target_match_percent":75}]})");
  EXPECT_DOUBLE_EQ(CompareVpdq(half, frames).target_match_percent, 75);
  r = c.Get(("/m/lookup?signal_type=vpdq&banks=OTHER&signal=" + UrlEncode(FormatVpdqSignal(half)))
                .c_str(),
            viewer);
  EXPECT_EQ(r->body, "{}");
  const std::string fake_mp4 = std::string(
                                   "\0\0\0\x20"
                                   "ftypisom",
                                   12) +
                               std::string(500, 'x');
  r = c.Post("/h/hash", viewer, httplib::MultipartFormDataItems{{"video", fake_mp4, "f.mp4", ""}});
  EXPECT_EQ(r->status, VideoSupported() ? 400 : 501) << r->body;
}

}  // namespace
}  // namespace cordon
