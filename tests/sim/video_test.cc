// The simulator's videos (issue #20): some releases are short synthetic videos, the mirrors
// repost edited copies (re-encoded, scaled, cropped, trimmed, with an intro), and the copies
// match their original under the vPDQ rule ingest uses while other releases do not. Reads
// truth.json to know which file is a copy of which (tests may; detectors never do). In a build
// without video support the same world has no videos and says so.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "cordon/content/matcher.h"
#include "cordon/content/video.h"
#include "cordon/content/vpdq.h"
#include "cordon/sim/media.h"
#include "cordon/sim/simulator.h"
#include "test_util.h"

namespace cordon {
namespace {

namespace fs = std::filesystem;

struct TruthVideo {
  int64_t video = 0;  // which release
  std::string edit;   // original, reencode, scale, crop, trim, intro
  std::string path;   // relative to the output directory
};

std::vector<TruthVideo> VideosOfTruth(const fs::path& dir) {
  std::vector<TruthVideo> out;
  simdjson::dom::parser parser;
  simdjson::dom::element truth;
  EXPECT_EQ(parser.load((dir / "truth.json").string()).get(truth), simdjson::SUCCESS);
  for (auto m : truth["media"].get_array()) {
    if (m["source"].get_string().value_unsafe() != "video") continue;
    TruthVideo v;
    v.video = m["image"].get_int64().value_unsafe();
    v.edit = std::string(m["edit"].get_string().value_unsafe());
    v.path = std::string(m["path"].get_string().value_unsafe());
    out.push_back(std::move(v));
  }
  return out;
}

// The world the tests of a process share: small, short, files written.
class SimVideo : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new testing::TempDir();
    sim::SimOptions o;
    o.out_dir = tmp_->File("w");
    o.seed = 5150;
    o.scale = sim::Scale::kSmall;
    o.days = 30;
    o.action = sim::ActionPreset::kNone;
    const Status st = sim::Simulate(o);
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  static void TearDownTestSuite() {
    delete tmp_;
    tmp_ = nullptr;
  }
  static fs::path World() { return tmp_->path() / "w"; }

  static testing::TempDir* tmp_;
};
testing::TempDir* SimVideo::tmp_ = nullptr;

std::vector<VpdqFrame> HashAsIngestDoes(const fs::path& file) {
  auto frames = VpdqFromFile(file.string(), VideoHashOptions{.seconds_per_hash = 1});
  EXPECT_TRUE(frames.ok()) << file << ": " << frames.status().ToString();
  return frames.ok() ? *frames : std::vector<VpdqFrame>{};
}

TEST_F(SimVideo, CopiesMatchTheirOriginalAndNoOtherRelease) {
  if (!VideoSupported()) GTEST_SKIP() << "this build has no video support";
  const fs::path dir = World();
  const std::vector<TruthVideo> videos = VideosOfTruth(dir);
  std::map<int64_t, std::vector<VpdqFrame>> originals;
  std::vector<std::pair<const TruthVideo*, std::vector<VpdqFrame>>> copies;
  std::set<std::string> edits;
  for (const TruthVideo& v : videos) {
    ASSERT_TRUE(v.path.ends_with(".mp4")) << v.path;
    std::vector<VpdqFrame> frames = HashAsIngestDoes(dir / v.path);
    // 4 s or more, a frame a second (a trimmed copy may be down to 2 s).
    ASSERT_GE(frames.size(), v.edit == "trim" ? 2u : 4u) << v.edit << " " << v.path;
    if (v.edit == "original") {
      originals[v.video] = std::move(frames);
    } else {
      edits.insert(v.edit);
      copies.emplace_back(&v, std::move(frames));
    }
  }
  ASSERT_GE(originals.size(), 3u);
  ASSERT_GE(copies.size(), 5u);
  EXPECT_GE(edits.size(), 4u) << "a mix of edits";
  const VpdqMatchOptions rule = MatcherOptions{}.vpdq;  // what ingest's matcher applies
  for (const auto& [v, frames] : copies) {
    ASSERT_TRUE(originals.count(v->video)) << v->path;
    const VpdqComparison own = CompareVpdq(frames, originals.at(v->video), rule);
    EXPECT_TRUE(own.match) << v->edit << " copy " << v->path << ": " << own.query_match_percent
                           << "% of its frames";
    for (const auto& [other, other_frames] : originals) {
      if (other == v->video) continue;
      EXPECT_FALSE(CompareVpdq(frames, other_frames, rule).match)
          << v->path << " matches release " << other;
    }
  }
}

TEST_F(SimVideo, EventsAndExportsReferToTheVideoFiles) {
  const fs::path dir = World();
  simdjson::dom::parser parser;
  std::ifstream in(dir / "events.ndjson");
  std::string line;
  int64_t video_messages = 0;
  std::set<std::string> paths;
  while (std::getline(in, line)) {
    if (!line.starts_with(R"({"type":"message")") || line.find(R"("kind":"video")") == line.npos) {
      continue;
    }
    simdjson::dom::element ev;
    ASSERT_EQ(parser.parse(line).get(ev), simdjson::SUCCESS);
    for (auto md : ev["media"].get_array()) {
      ++video_messages;
      std::string_view path;
      ASSERT_EQ(md["path"].get(path), simdjson::SUCCESS) << line;
      EXPECT_TRUE(fs::is_regular_file(dir / path)) << path;
      paths.emplace(path);
    }
  }
  int64_t exported = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir / "telegram")) {
    if (e.path().extension() == ".mp4") ++exported;
  }
  if (!VideoSupported()) {
    EXPECT_EQ(video_messages, 0) << "no videos without video support";
    EXPECT_EQ(exported, 0);
    EXPECT_TRUE(VideosOfTruth(dir).empty());
    return;
  }
  EXPECT_GT(video_messages, 0);
  EXPECT_GT(paths.size(), 3u);
  EXPECT_GT(exported, 0) << "the researcher's exports carry the videos as files";
}

TEST(SimVideoSummary, SaysWhenVideosAreUnsupported) {
  testing::TempDir tmp;
  sim::SimOptions o;
  o.out_dir = tmp.File("w");
  o.seed = 5151;
  o.scale = sim::Scale::kSmall;
  o.days = 6;
  o.action = sim::ActionPreset::kNone;
  o.media = sim::MediaMode::kHashes;
  sim::SimSummary s;
  ASSERT_TRUE(sim::Simulate(o, &s).ok());
  EXPECT_EQ(s.videos_unsupported, !VideoSupported());
  const std::string text = sim::SummaryText(s);
  EXPECT_EQ(text.find("no video support") != std::string::npos, !VideoSupported()) << text;
  if (VideoSupported()) {
    EXPECT_GT(s.video_files, 0);
  }
}

TEST(SimVideoEdits, KeepTheSceneAndChangeTheFile) {
  if (!VideoSupported()) GTEST_SKIP() << "this build has no video support";
  const std::vector<RgbImage> frames = sim::DrawVideo(7, 0);
  ASSERT_GE(frames.size(), static_cast<size_t>(4 * sim::kVideoFps));
  EXPECT_EQ(frames.size(), sim::DrawVideo(7, 0).size());
  auto original = EncodeVideoMp4(frames, VideoEncodeOptions{.fps = sim::kVideoFps});
  ASSERT_TRUE(original.ok()) << original.status().ToString();
  auto again = EncodeVideoMp4(frames, VideoEncodeOptions{.fps = sim::kVideoFps});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*original, *again) << "encoding is deterministic";
  auto decoded = DecodeVideoRgb(*original, "original");
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->frames.size(), frames.size());
  EXPECT_DOUBLE_EQ(decoded->fps, sim::kVideoFps);
  const auto capped = DecodeVideoRgb(*original, "original", {}, /*max_bytes=*/100'000);
  EXPECT_EQ(capped.status().code(), StatusCode::kResourceExhausted) << capped.status().ToString();
  const auto trimmed = sim::ApplyVideoEdit(decoded->frames, sim::VideoEdit::kTrim, 3);
  EXPECT_LT(trimmed.frames.size(), frames.size());
  const auto intro = sim::ApplyVideoEdit(decoded->frames, sim::VideoEdit::kIntro, 3);
  EXPECT_GT(intro.frames.size(), frames.size());
  const auto scaled = sim::ApplyVideoEdit(decoded->frames, sim::VideoEdit::kScale, 3);
  EXPECT_NE(scaled.frames[0].width, frames[0].width);
  EXPECT_GT(scaled.quantizer, 4) << "copies are encoded at a lower quality";
}

}  // namespace
}  // namespace cordon
