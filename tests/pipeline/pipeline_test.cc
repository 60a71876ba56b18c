// The pipeline (pipeline/pipeline.h): one RunPipeline for ingest and demo, its stage registry
// and the fan-out of applied events to the stages.
#include "cordon/pipeline/pipeline.h"

#include <gtest/gtest.h>

#include "cordon/enforce/stage.h"
#include "cordon/pipeline/enforce_stage.h"
#include "cordon/pipeline/release_bank.h"
#include "cordon/pipeline/stages.h"
#include "cordon/pipeline/steps.h"
#include "test_util.h"

namespace cordon::pipeline {
namespace {

std::string World() {
  return (cordon::testing::SourceDir() / "testdata/network/world.ndjson").string();
}

PipelineOptions Options(const std::string& db) {
  PipelineOptions o;
  o.db = db;
  o.inputs = {World()};
  return o;
}

TEST(Pipeline, RegistryHasTheEnforcementStage) {
  bool found = false;
  for (const StageEntry& e : RegisteredStages()) found |= e.name == kEnforceStageName;
  EXPECT_TRUE(found);
}

TEST(Pipeline, RunsIngestAndTheStages) {
  cordon::testing::TempDir dir;
  PipelineOptions o = Options(dir.File("p.db"));
  o.summarize = true;
  auto r = RunPipeline(o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->ingest.events, 99);
  EXPECT_EQ(r->ingest.failed_files(), 0);
  ASSERT_TRUE(r->enforce.has_value());
  EXPECT_EQ(r->enforce->events, 99);
  EXPECT_FALSE(r->enforce->stale);
  EXPECT_EQ(r->enforce->mirrored, 1);  // the stream's one takedown
  ASSERT_TRUE(r->stats.has_value());
  EXPECT_EQ(r->stats->takedowns, 1);
  ASSERT_TRUE(r->matched_messages.has_value());
  EXPECT_EQ(*r->matched_messages, 0);  // no banks

  // Stored detections equal a replay of the store (enforce/stage.h's promise).
  auto store = Store::Open(o.db);
  ASSERT_TRUE(store.ok());
  auto stored = enforce::LoadDetections(**store);
  auto replay = enforce::ReplayDetections(**store, enforce::RegenOptions{});
  ASSERT_TRUE(stored.ok() && replay.ok());
  EXPECT_EQ(stored->size(), replay->size());
}

TEST(Pipeline, SkippedStagesDoNotRun) {
  cordon::testing::TempDir dir;
  PipelineOptions o = Options(dir.File("p.db"));
  o.skip_stages = {std::string(kEnforceStageName)};
  o.match = false;
  auto r = RunPipeline(o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->ingest.events, 99);
  EXPECT_FALSE(r->enforce.has_value());
  EXPECT_FALSE(r->stats.has_value());  // not asked to summarize
  EXPECT_FALSE(r->matched_messages.has_value());
}

TEST(Pipeline, UnknownStageIsRefused) {
  cordon::testing::TempDir dir;
  PipelineOptions o = Options(dir.File("p.db"));
  o.skip_stages = {"no-such-stage"};
  auto r = RunPipeline(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

TEST(Pipeline, MatchesAgainstABankOfTheOfficialReleases) {
  cordon::testing::TempDir dir;
  // The researcher's view first, then a bank of what the official source posted.
  PipelineOptions researcher = Options(dir.File("r.db"));
  researcher.match = false;
  researcher.skip_stages = {std::string(kEnforceStageName)};
  ASSERT_TRUE(RunPipeline(researcher).ok());
  auto source = Store::Open(researcher.db);
  auto target = Store::Open(dir.File("p.db"));
  ASSERT_TRUE(source.ok() && target.ok());
  auto banked = BankOfficialReleases(**source, **target);
  ASSERT_TRUE(banked.ok()) << banked.status().ToString();
  EXPECT_EQ(banked->officials, 1u);
  EXPECT_GT(banked->signals, 0);
  auto again = BankOfficialReleases(**source, **target);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->signals, 0);  // nothing new

  PipelineOptions platform = Options(dir.File("p.db"));
  platform.summarize = true;
  auto r = RunPipeline(platform);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(r->matched_messages.has_value());
  EXPECT_GT(*r->matched_messages, 0);
}

// A stage that counts what it sees: the interface a new detector implements.
class CountingStage : public Stage {
 public:
  explicit CountingStage(std::vector<std::string>* log) : log_(log) {}
  std::string_view name() const override { return "count"; }
  Status OnEvent(const Event&) override {
    ++events;
    log_->push_back("event");
    return Status::Ok();
  }
  Status Finish() override {
    log_->push_back("finish");
    return Status::Ok();
  }
  void Report(PipelineReport&) const override {}
  int64_t events = 0;

 private:
  std::vector<std::string>* log_;
};

TEST(Pipeline, ObserveAllFeedsEveryStageInOrderAndStopsAtAnError) {
  std::vector<std::string> log;
  std::vector<std::unique_ptr<Stage>> stages;
  stages.push_back(std::make_unique<CountingStage>(&log));
  stages.push_back(std::make_unique<CountingStage>(&log));
  auto observe = ObserveAll(stages);
  ASSERT_TRUE(observe);
  Event e;
  ASSERT_TRUE(observe(e).ok());
  ASSERT_TRUE(observe(e).ok());
  EXPECT_EQ(static_cast<CountingStage&>(*stages[0]).events, 2);
  EXPECT_EQ(static_cast<CountingStage&>(*stages[1]).events, 2);
  EXPECT_EQ(log.size(), 4u);
  EXPECT_FALSE(ObserveAll({}));  // no stages: no observer, as ingest without enforcement

  class Failing final : public CountingStage {
   public:
    using CountingStage::CountingStage;
    Status OnEvent(const Event&) override { return Status::Internal("stop"); }
  };
  std::vector<std::unique_ptr<Stage>> failing;
  failing.push_back(std::make_unique<Failing>(&log));
  failing.push_back(std::make_unique<CountingStage>(&log));
  EXPECT_FALSE(ObserveAll(failing)(e).ok());
  EXPECT_EQ(static_cast<CountingStage&>(*failing[1]).events, 0);
}

}  // namespace
}  // namespace cordon::pipeline
