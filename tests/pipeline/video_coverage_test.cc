// Video coverage end to end, in the demo's order of work (cli/demo.cc): a simulated world with
// video releases; the researcher's exports ingested; the bank of the official source's releases
// built from them (vPDQ for its videos); the platform's stream ingested and matched; the counts
// in the store, in the impact figures and in the report. Nothing here reads the simulator's
// truth: what is checked is what a monitor would see.
#include <gtest/gtest.h>

#include <string>

#include "cordon/analysis/impact.h"
#include "cordon/content/video.h"
#include "cordon/pipeline/enforce_stage.h"
#include "cordon/pipeline/pipeline.h"
#include "cordon/pipeline/release_bank.h"
#include "cordon/report/report.h"
#include "cordon/sim/simulator.h"
#include "cordon/store/analysis_queries.h"
#include "test_util.h"

namespace cordon::pipeline {
namespace {

TEST(VideoCoverage, EditedCopiesOfBankedVideosAreMatchedCountedAndReported) {
  cordon::testing::TempDir dir;
  sim::SimOptions so;
  so.out_dir = dir.File("w");
  so.seed = 5152;
  so.scale = sim::Scale::kSmall;
  so.days = 30;
  so.action = sim::ActionPreset::kNone;
  sim::SimSummary summary;
  ASSERT_TRUE(sim::Simulate(so, &summary).ok());

  PipelineOptions researcher;
  researcher.db = dir.File("r.db");
  researcher.inputs = {dir.File("w/telegram")};
  researcher.match = false;
  researcher.skip_stages = {std::string(kEnforceStageName)};
  auto r = RunPipeline(researcher);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto source = Store::Open(researcher.db);
  auto target = Store::Open(dir.File("p.db"));
  ASSERT_TRUE(source.ok() && target.ok());
  auto banked = BankOfficialReleases(**source, **target);
  ASSERT_TRUE(banked.ok()) << banked.status().ToString();
  EXPECT_EQ(banked->officials, 1u);

  PipelineOptions platform;
  platform.db = dir.File("p.db");
  platform.inputs = {dir.File("w/events.ndjson")};
  platform.skip_stages = {std::string(kEnforceStageName)};
  auto p = RunPipeline(platform);
  ASSERT_TRUE(p.ok()) << p.status().ToString();

  auto counts = CountVideoMatches(**target);
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  ImpactOptions io;
  auto impact = ComputeImpact(**target, io);
  ASSERT_TRUE(impact.ok()) << impact.status().ToString();
  ReportInputs in;
  in.impact = *impact;
  auto html = RenderReport(**target, in);
  ASSERT_TRUE(html.ok()) << html.status().ToString();

  if (!VideoSupported()) {
    // The simulator made images instead; nothing to count, and the report has no section.
    EXPECT_EQ(banked->videos, 0);
    EXPECT_EQ(counts->posts, 0);
    EXPECT_EQ(counts->banked, 0);
    EXPECT_EQ(html->find("id=\"video-coverage\""), std::string::npos);
    return;
  }
  EXPECT_GT(banked->videos, 2);
  EXPECT_EQ(counts->banked, banked->videos);
  EXPECT_LE(counts->matched_posts, counts->posts);
  EXPECT_EQ(counts->hashed, counts->posts) << "every simulated video decodes";
  EXPECT_GT(counts->matched_posts, 0);
  EXPECT_GT(counts->edited_posts, 0) << "edited copies matched by vPDQ alone";
  EXPECT_LT(counts->edited_posts, counts->matched_posts) << "forwards are the same file";
  EXPECT_GT(counts->edited_distinct, 2);
  EXPECT_GT(counts->banked_matched, 0);
  EXPECT_LE(counts->banked_matched, counts->banked);

  EXPECT_EQ(impact->videos.matched_posts, counts->matched_posts);
  EXPECT_EQ(impact->videos.edited_posts, counts->edited_posts);
  EXPECT_NE(ImpactJson(*impact).find("\"edited_posts\":" + std::to_string(counts->edited_posts)),
            std::string::npos);
  EXPECT_NE(html->find("id=\"video-coverage\""), std::string::npos);
  EXPECT_NE(html->find("<svg"), std::string::npos);
  bool headline = false;
  for (const std::string& h : Headlines(*impact)) {
    if (h.starts_with("Video coverage: " + std::to_string(counts->matched_posts) + " of the " +
                      std::to_string(counts->posts) + " video posts")) {
      headline = true;
    }
  }
  EXPECT_TRUE(headline);
}

}  // namespace
}  // namespace cordon::pipeline
