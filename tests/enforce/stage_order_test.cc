// Stored regeneration detections equal a replay of the store (enforce/stage.h), whatever the
// order, concurrency or interruptions of the ingests that built it (issue #12, defect 2: two
// halves ingested in reverse order stored 272 detections where a replay gives 831).
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "cordon/enforce/stage.h"
#include "cordon/ingest/ingest.h"
#include "cordon/sim/simulator.h"
#include "cordon/store/sqlite.h"
#include "test_util.h"

namespace cordon::enforce {
namespace {

std::string Dump(const std::vector<RegenDetection>& v) {
  std::string out;
  for (const auto& d : v) AppendDetectionJson(out, d), out += '\n';
  return out;
}

// One small simulated world for the whole suite, its events as lines in time order.
class StageOrder : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir;
    sim::SimOptions o;
    o.out_dir = dir_->File("w");
    o.seed = 7001;
    o.scale = sim::Scale::kSmall;
    o.media = sim::MediaMode::kNone;
    o.telegram_exports = false;
    o.days = 40;
    ASSERT_TRUE(sim::Simulate(o).ok());
    std::ifstream in(dir_->File("w/events.ndjson"));
    lines_ = new std::vector<std::string>;
    for (std::string line; std::getline(in, line);) lines_->push_back(line);
    ASSERT_GT(lines_->size(), 1000u);
    // The detections of one ingest in order, checked against a replay.
    auto store = Store::Open(dir_->File("whole.db"));
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE(IngestWithStage(**store, {dir_->File("w/events.ndjson")}).ok());
    auto replayed = ReplayDetections(**store, {});
    ASSERT_TRUE(replayed.ok());
    want_ = new std::string(Dump(*replayed));
    ASSERT_GT(replayed->size(), 20u);
  }
  static void TearDownTestSuite() {
    delete want_;
    delete lines_;
    delete dir_;
  }

  // Writes the lines at `order` (indexes), in that order, to a file named `name`.
  static std::string Part(const std::string& name, const std::vector<size_t>& order) {
    std::string text;
    for (size_t i : order) text += (*lines_)[i] + '\n';
    const std::string path = dir_->File(name);
    testing::WriteFile(path, text);
    return path;
  }
  static std::vector<size_t> Range(size_t from, size_t to) {
    std::vector<size_t> v;
    for (size_t i = from; i < to; ++i) v.push_back(i);
    return v;
  }
  static std::vector<size_t> EveryOther(size_t first) {
    std::vector<size_t> v;
    for (size_t i = first; i < lines_->size(); i += 2) v.push_back(i);
    return v;
  }

  // One ingest with the enforcement stage, as `cordon ingest` runs it.
  static StatusOr<StageReport> IngestWithStage(Store& store, const std::vector<std::string>& in,
                                               size_t batch = 50000) {
    ASSIGN_OR_RETURN(std::unique_ptr<EnforceStage> stage, EnforceStage::Open(store, {}));
    IngestOptions opt;
    opt.batch_events = batch;
    opt.observer = [&](const Event& e) { return stage->OnEvent(e); };
    RETURN_IF_ERROR(Ingest(store, in, opt).status());
    RETURN_IF_ERROR(stage->Finish());
    return stage->report();
  }

  static std::string Stored(Store& store) {
    auto stored = LoadDetections(store);
    EXPECT_TRUE(stored.ok());
    return stored.ok() ? Dump(*stored) : "";
  }
  static bool Current(Store& store) {
    auto current = store.DetectionsCurrent();
    EXPECT_TRUE(current.ok());
    return current.ok() && *current;
  }

  static testing::TempDir* dir_;
  static std::vector<std::string>* lines_;
  static std::string* want_;
};

testing::TempDir* StageOrder::dir_ = nullptr;
std::vector<std::string>* StageOrder::lines_ = nullptr;
std::string* StageOrder::want_ = nullptr;

TEST_F(StageOrder, OneIngestInOrderNeedsNoRecompute) {
  auto store = Store::Open(dir_->File("in-order.db"));
  ASSERT_TRUE(store.ok());
  auto report = IngestWithStage(**store, {Part("all.ndjson", Range(0, lines_->size()))});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->recomputed, "");
  EXPECT_EQ(Stored(**store), *want_);
  EXPECT_TRUE(Current(**store));
}

TEST_F(StageOrder, LaterHalfFirst) {
  auto store = Store::Open(dir_->File("reverse.db"));
  ASSERT_TRUE(store.ok());
  const size_t half = lines_->size() / 2;
  ASSERT_TRUE(IngestWithStage(**store, {Part("late.ndjson", Range(half, lines_->size()))}).ok());
  auto second = IngestWithStage(**store, {Part("early.ndjson", Range(0, half))});
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_NE(second->recomputed, "");  // the early half arrived after the detector passed it
  EXPECT_EQ(Stored(**store), *want_);
  EXPECT_TRUE(Current(**store));
}

TEST_F(StageOrder, InterleavedHalvesOneAfterTheOther) {
  auto store = Store::Open(dir_->File("halves.db"));
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE(IngestWithStage(**store, {Part("odd.ndjson", EveryOther(1))}).ok());
  ASSERT_TRUE(IngestWithStage(**store, {Part("even.ndjson", EveryOther(0))}).ok());
  EXPECT_EQ(Stored(**store), *want_);
  EXPECT_TRUE(Current(**store));
}

TEST_F(StageOrder, ConcurrentIngests) {
  const std::string db = dir_->File("concurrent.db");
  const std::string odd = Part("c-odd.ndjson", EveryOther(1));
  const std::string even = Part("c-even.ndjson", EveryOther(0));
  {
    auto created = Store::Open(db);  // both ingests then find the schema in place
    ASSERT_TRUE(created.ok());
  }
  Status results[2];
  auto run = [&](int i, const std::string& input) {
    auto store = Store::Open(db);
    if (!store.ok()) {
      results[i] = store.status();
      return;
    }
    // Small transactions, so the two ingests interleave.
    results[i] = IngestWithStage(**store, {input}, 500).status();
  };
  std::thread a(run, 0, odd), b(run, 1, even);
  a.join();
  b.join();
  ASSERT_TRUE(results[0].ok()) << results[0].ToString();
  ASSERT_TRUE(results[1].ok()) << results[1].ToString();
  auto store = Store::Open(db);
  ASSERT_TRUE(store.ok());
  EXPECT_EQ(Stored(**store), *want_);
  EXPECT_TRUE(Current(**store));
}

// An ingest stopped part-way (as by kill -9 between two commits) leaves its detections marked
// stale; readers get the replay's; the ingest run again brings them up to date.
TEST_F(StageOrder, InterruptedIngestIsStaleUntilResumed) {
  auto store = Store::Open(dir_->File("interrupted.db"));
  ASSERT_TRUE(store.ok());
  const std::string all = Part("i-all.ndjson", Range(0, lines_->size()));
  {
    auto stage = EnforceStage::Open(**store, {});
    ASSERT_TRUE(stage.ok());
    IngestOptions opt;
    opt.batch_events = 300;
    int64_t seen = 0;
    const int64_t stop_at = static_cast<int64_t>(lines_->size()) * 2 / 3;
    opt.observer = [&](const Event& e) {
      if (++seen == stop_at) return Status::Internal("stopped here");
      return (*stage)->OnEvent(e);
    };
    EXPECT_FALSE(Ingest(**store, {all}, opt).ok());
    (void)Exec(StoreHandle(*(*store)), "ROLLBACK");  // what a killed process leaves undone
  }
  EXPECT_FALSE(Current(**store));
  // A reader (report, impact, policy) sees the replay's detections, not the stored ones.
  auto note = UseCurrentDetections(**store);
  ASSERT_TRUE(note.ok()) << note.status().ToString();
  EXPECT_NE(*note, "");
  auto seen_by_reader = LoadDetections(**store);
  ASSERT_TRUE(seen_by_reader.ok());
  auto replay_of_prefix = ReplayDetections(**store, {});
  ASSERT_TRUE(replay_of_prefix.ok());
  EXPECT_EQ(Dump(*seen_by_reader), Dump(*replay_of_prefix));
  ASSERT_TRUE(Exec(StoreHandle(*(*store)), "DROP TABLE temp.regen_detections").ok());

  auto resumed = IngestWithStage(**store, {all});
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  EXPECT_EQ(Stored(**store), *want_);
  EXPECT_TRUE(Current(**store));
  auto again = UseCurrentDetections(**store);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, "");
}

// Events ingested without the stage leave the detections stale; `regen --save` (and any later
// ingest with the stage) brings them up to date.
TEST_F(StageOrder, IngestWithoutTheStageMarksThemStale) {
  auto store = Store::Open(dir_->File("no-enforce.db"));
  ASSERT_TRUE(store.ok());
  const size_t half = lines_->size() / 2;
  ASSERT_TRUE(IngestWithStage(**store, {Part("n-early.ndjson", Range(0, half))}).ok());
  EXPECT_TRUE(Current(**store));
  ASSERT_TRUE(Ingest(**store, {Part("n-late.ndjson", Range(half, lines_->size()))}, {}).ok());
  EXPECT_FALSE(Current(**store));
  auto refreshed = RefreshDetections(**store, {});
  ASSERT_TRUE(refreshed.ok());
  EXPECT_TRUE(*refreshed);
  EXPECT_EQ(Stored(**store), *want_);
  EXPECT_TRUE(Current(**store));
}

}  // namespace
}  // namespace cordon::enforce
