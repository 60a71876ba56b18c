// The simulator's contract: deterministic output, clean ingest, and the calibration targets of
// docs/simulation.md (takedowns per day, and CREST's before/after figures for the strong and the
// weak day of action). Tests of the simulator may read truth.json; detectors never do.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "cordon/ingest/ingest.h"
#include "cordon/sim/simulator.h"
#include "cordon/store/store.h"
#include "cordon/util/time.h"
#include "sim_output.h"
#include "test_util.h"

namespace cordon {
namespace {

namespace fs = std::filesystem;

// Every regular file under `dir`, by relative path.
std::map<std::string, std::string> ReadTree(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) {
      files[fs::relative(e.path(), dir).string()] = testing::ReadFile(e.path());
    }
  }
  return files;
}

sim::SimOptions Small(const std::string& out, uint64_t seed) {
  sim::SimOptions o;
  o.out_dir = out;
  o.seed = seed;
  o.scale = sim::Scale::kSmall;
  o.media = sim::MediaMode::kHashes;  // images made and hashed, not written: same code, less disk
  o.days = 40;                        // enough for the day of action and replacements; quicker
  return o;
}

TEST(Simulator, SameSeedGivesByteIdenticalOutput) {
  testing::TempDir tmp;
  sim::SimSummary a, b;
  ASSERT_TRUE(sim::Simulate(Small(tmp.File("a"), 4242), &a).ok());
  ASSERT_TRUE(sim::Simulate(Small(tmp.File("b"), 4242), &b).ok());
  const auto ta = ReadTree(tmp.path() / "a");
  const auto tb = ReadTree(tmp.path() / "b");
  ASSERT_GT(ta.size(), 2u);  // events, truth and the exports
  ASSERT_EQ(ta.size(), tb.size());
  for (const auto& [name, bytes] : ta) {
    auto it = tb.find(name);
    ASSERT_NE(it, tb.end()) << name;
    EXPECT_TRUE(bytes == it->second) << name << " differs between two runs with one seed";
  }
  EXPECT_GT(a.messages, 1000);
  EXPECT_EQ(a.events, b.events);

  sim::SimSummary c;
  ASSERT_TRUE(sim::Simulate(Small(tmp.File("c"), 4243), &c).ok());
  EXPECT_NE(testing::ReadFile(tmp.path() / "a" / "events.ndjson"),
            testing::ReadFile(tmp.path() / "c" / "events.ndjson"));
}

TEST(Simulator, RefusesToOverwriteWithoutBeingAsked) {
  testing::TempDir tmp;
  sim::SimOptions o = Small(tmp.File("w"), 1);
  o.media = sim::MediaMode::kNone;
  o.telegram_exports = false;
  ASSERT_TRUE(sim::Simulate(o).ok());
  EXPECT_FALSE(sim::Simulate(o).ok());
  o.overwrite = true;
  EXPECT_TRUE(sim::Simulate(o).ok());
}

sim::SimOptions Quick(const std::string& out) {
  sim::SimOptions o = Small(out, 1);
  o.media = sim::MediaMode::kNone;
  o.days = 5;
  o.action = sim::ActionPreset::kNone;
  return o;  // exports on: telegram/ has files
}

// The manifest lists every file and directory written, and it and truth.json say in their first
// bytes that cordon wrote them.
TEST(Simulator, ManifestListsWhatTheRunWrote) {
  testing::TempDir tmp;
  ASSERT_TRUE(sim::Simulate(Quick(tmp.File("w"))).ok());
  const fs::path dir = tmp.path() / "w";
  const std::string manifest = testing::ReadFile(dir / "cordon-sim-manifest.json");
  const std::string truth = testing::ReadFile(dir / "truth.json");
  EXPECT_NE(manifest.substr(0, 4096).find("\"cordon_output\": \"sim-manifest\""),
            std::string::npos);
  EXPECT_NE(truth.substr(0, 4096).find("\"cordon_output\": \"sim-truth\""), std::string::npos);
  size_t files = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    const std::string rel = fs::relative(e.path(), dir).generic_string();
    if (rel == "cordon-sim-manifest.json") continue;
    const std::string entry = e.is_directory() ? "\"" + rel + "\"" : "{\"path\": \"" + rel + "\"";
    EXPECT_NE(manifest.find(entry), std::string::npos) << rel;
    files += e.is_regular_file();
  }
  EXPECT_GT(files, 2u);  // events, truth and exports
}

// The bug: --overwrite removed telegram/ and media/ whole, with files the simulator never
// wrote. Now what a manifest does not list stops it, nothing is removed, and the message
// names what was found.
TEST(Simulator, OverwriteRefusesFilesItDidNotWrite) {
  testing::TempDir tmp;
  const fs::path dir = tmp.path() / "w";
  sim::SimOptions o = Quick(dir.string());
  ASSERT_TRUE(sim::Simulate(o).ok());
  fs::create_directories(dir / "telegram" / "case");
  testing::WriteFile(dir / "telegram" / "case" / "result.json", "{\"name\":\"real case\"}");
  const std::string events = testing::ReadFile(dir / "events.ndjson");
  o.overwrite = true;
  Status s = sim::Simulate(o);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("telegram/case/result.json"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("telegram/case/"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("nothing was removed"), std::string::npos) << s.message();
  EXPECT_EQ(testing::ReadFile(dir / "telegram" / "case" / "result.json"),
            "{\"name\":\"real case\"}");
  EXPECT_EQ(testing::ReadFile(dir / "events.ndjson"), events);
  EXPECT_TRUE(fs::exists(dir / "cordon-sim-manifest.json"));

  // A file the simulator wrote and someone changed since is not its own either.
  fs::remove_all(dir / "telegram" / "case");
  testing::WriteFile(dir / "events.ndjson", events + "\n");
  s = sim::Simulate(o);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("events.ndjson (changed since"), std::string::npos) << s.message();

  // A symbolic link is never the simulator's: refused, and what it points at is untouched.
  testing::WriteFile(dir / "events.ndjson", events);
  testing::WriteFile(tmp.path() / "elsewhere.txt", "keep");
  fs::create_symlink(tmp.path() / "elsewhere.txt", dir / "media");
  s = sim::Simulate(o);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("media"), std::string::npos) << s.message();
  EXPECT_EQ(testing::ReadFile(tmp.path() / "elsewhere.txt"), "keep");
  fs::remove(dir / "media");

  // With only its own output there, --overwrite replaces it; other files in DIR stay.
  testing::WriteFile(dir / "notes.txt", "mine");
  ASSERT_TRUE(sim::Simulate(o).ok());
  EXPECT_EQ(testing::ReadFile(dir / "notes.txt"), "mine");
  EXPECT_EQ(testing::ReadFile(dir / "events.ndjson"), events);
  EXPECT_TRUE(fs::exists(dir / "cordon-sim-manifest.json"));
}

// Simulator-looking output without a manifest (an older cordon, or a person's own files
// named like it) is never removed.
TEST(Simulator, OverwriteWithoutManifestRemovesNothing) {
  testing::TempDir tmp;
  const fs::path dir = tmp.path() / "w";
  fs::create_directories(dir / "telegram" / "case");
  fs::create_directories(dir / "media");
  testing::WriteFile(dir / "telegram" / "case" / "result.json", "{}");
  testing::WriteFile(dir / "media" / "photo.jpg", "jpeg");
  sim::SimOptions o = Quick(dir.string());
  o.overwrite = true;
  const Status s = sim::Simulate(o);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("media, telegram"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("no cordon-sim-manifest.json"), std::string::npos) << s.message();
  EXPECT_EQ(testing::ReadFile(dir / "telegram" / "case" / "result.json"), "{}");
  EXPECT_EQ(testing::ReadFile(dir / "media" / "photo.jpg"), "jpeg");
  EXPECT_FALSE(fs::exists(dir / "events.ndjson"));

  // A manifest that is not one is no licence either.
  testing::WriteFile(dir / "cordon-sim-manifest.json",
                     R"({"cordon_output": "sim-manifest", "dirs": ["telegram"], "files": []})");
  EXPECT_FALSE(sim::Simulate(o).ok());
  EXPECT_EQ(testing::ReadFile(dir / "telegram" / "case" / "result.json"), "{}");
}

TEST(Simulator, UnknownParameterNamesTheKnownOnesOfItsGroup) {
  testing::TempDir tmp;
  sim::SimOptions o = Small(tmp.File("w"), 1);
  o.params = {{"action.bot1", 0.1}};
  const Status s = sim::Simulate(o);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("action.bots1"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find("scale.mirrors"), std::string::npos) << s.message();
  o.params = {{"action.bots1", 2.0}};  // out of range
  EXPECT_FALSE(sim::Simulate(o).ok());
}

TEST(Simulator, OutputIngestsWithNoRejectedRecords) {
  testing::TempDir tmp;
  sim::SimSummary summary;
  ASSERT_TRUE(sim::Simulate(Small(tmp.File("w"), 77), &summary).ok());
  ASSERT_GT(summary.exports, 0);
  auto store = Store::Open(tmp.File("s.db"));
  ASSERT_TRUE(store.ok());
  IngestOptions opt;
  auto report = Ingest(**store, {tmp.File("w/events.ndjson"), tmp.File("w/telegram")}, opt);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->rejected, 0);
  EXPECT_EQ(report->failed_files(), 0);
  EXPECT_EQ(report->files.size(), static_cast<size_t>(1 + summary.exports));
  auto stats = (*store)->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->messages, summary.messages);  // exports repeat stream messages: no duplicates
  EXPECT_EQ(stats->takedowns, summary.takedowns);
  EXPECT_EQ(stats->reinstatements, summary.reinstatements);
}

// What the calibration looks at, counted from the output files.
struct Calibration {
  std::map<std::string, int64_t> takedowns_by_day;
  std::vector<std::string> action_days;
  // Posts in network chats in the 30 days before the first action day and the 30 from it.
  int64_t organic_before = 0, organic_after = 0;
  int64_t forwarded_before = 0, forwarded_after = 0;

  double OrganicChange() const { return 100.0 * (double(organic_after) / organic_before - 1); }
  double ForwardedChange() const {
    return 100.0 * (double(forwarded_after) / forwarded_before - 1);
  }
};

Calibration Measure(const fs::path& dir) {
  Calibration c;
  const testing::SimTruth truth = testing::ReadSimTruth(dir);
  c.action_days = truth.action_days;
  if (c.action_days.empty()) return c;
  const int64_t action = *ParseRfc3339Ms(c.action_days[0] + "T00:00:00Z");
  const int64_t day_ms = 86'400'000;
  testing::ForEachMessageOrTakedown(dir, [&](const testing::SimEvent& e) {
    if (!e.message) {
      ++c.takedowns_by_day[std::string(e.time.substr(0, 10))];
      return;
    }
    if (!truth.network_chats.count(std::string(e.chat))) return;
    const int64_t t = *ParseRfc3339Ms(e.time);
    const bool before = t >= action - 30 * day_ms && t < action;
    const bool after = t >= action && t < action + 30 * day_ms;
    if (!before && !after) return;
    int64_t& n = e.forwarded ? (before ? c.forwarded_before : c.forwarded_after)
                             : (before ? c.organic_before : c.organic_after);
    ++n;
  });
  return c;
}

sim::SimOptions Default(const std::string& out, uint64_t seed, sim::ActionPreset action) {
  sim::SimOptions o;  // the default scale (medium) and window
  o.out_dir = out;
  o.seed = seed;
  o.action = action;
  o.media = sim::MediaMode::kNone;  // statistics only
  o.telegram_exports = false;
  return o;
}

// Telegram: 200-300 takedowns on a usual day against 2,096 and 2,959 on 22-23 Nov 2019.
// CREST: organic posts -95.5% and forwarded -95% over the 30 days after against the 30 before.
// Seeds 2025-2027 were not used while the parameters were set. One world's figures depend on
// which few large chats survive (seed 2024 gives -91% and -87%), so each seed is held to 5
// points; docs/simulation.md gives the spread.
class SimulatorCalibration : public ::testing::TestWithParam<uint64_t> {};

TEST_P(SimulatorCalibration, DefaultRunHasTheShapeOfNovember2019) {
  testing::TempDir tmp;
  ASSERT_TRUE(sim::Simulate(Default(tmp.File("w"), GetParam(), sim::ActionPreset::kNov2019)).ok());
  const Calibration c = Measure(tmp.path() / "w");
  ASSERT_EQ(c.action_days, (std::vector<std::string>{"2019-11-22", "2019-11-23"}));
  // The usual days are those before the action; after it the gutted network gives fewer
  // accounts to take down, and the daily count decays.
  std::vector<int64_t> ordinary;
  for (const auto& [day, n] : c.takedowns_by_day) {
    if (day < c.action_days[0]) ordinary.push_back(n);
  }
  ASSERT_GE(ordinary.size(), 45u);
  std::sort(ordinary.begin(), ordinary.end());
  const int64_t median = ordinary[ordinary.size() / 2];
  EXPECT_GE(median, 200);
  EXPECT_LE(median, 300);
  // The 10th-90th percentile of ordinary days stays near the usual range.
  EXPECT_GE(ordinary[ordinary.size() / 10], 150);
  EXPECT_LE(ordinary[ordinary.size() * 9 / 10], 350);
  EXPECT_NEAR(c.takedowns_by_day.at("2019-11-22"), 2096, 2096 * 0.10);
  EXPECT_NEAR(c.takedowns_by_day.at("2019-11-23"), 2959, 2959 * 0.10);
  EXPECT_GT(c.organic_before, 10000);
  EXPECT_GT(c.forwarded_before, 3000);
  EXPECT_NEAR(c.OrganicChange(), -95.5, 5.0);
  EXPECT_NEAR(c.ForwardedChange(), -95.0, 5.0);
}

INSTANTIATE_TEST_SUITE_P(HeldOutSeeds, SimulatorCalibration, ::testing::Values(2025, 2026, 2027));

// The weak action (Oct 2018: organic -15%, forwarded -9.7%). Which few chats it hits decides
// much of the forwarded figure, so its tolerance is wider (docs/simulation.md gives the spread
// over seeds).
TEST(SimulatorWeakAction, HasTheShapeOfOctober2018) {
  testing::TempDir tmp;
  ASSERT_TRUE(sim::Simulate(Default(tmp.File("w"), 2025, sim::ActionPreset::kOct2018)).ok());
  const Calibration c = Measure(tmp.path() / "w");
  EXPECT_NEAR(c.OrganicChange(), -15.0, 5.0);
  EXPECT_NEAR(c.ForwardedChange(), -9.7, 8.0);
}

}  // namespace
}  // namespace cordon
