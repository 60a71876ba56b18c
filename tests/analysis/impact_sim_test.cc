// Impact measured on a simulated world, checked against the simulator's own record: the daily
// figures equal the events, exactly the two action days stand out, and the before/after change
// of the network's posts matches what the simulator produced. Only this test reads truth.json;
// ComputeImpact sees the store alone.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "cordon/analysis/impact.h"
#include "cordon/ingest/ingest.h"
#include "cordon/sim/simulator.h"
#include "cordon/store/store.h"
#include "cordon/util/time.h"
#include "sim_output.h"
#include "test_util.h"

namespace cordon {
namespace {

constexpr int64_t kDayMs = 86'400'000;

// Per UTC day, from events.ndjson.
struct DailyTruth {
  std::map<std::string, int64_t> takedowns, posts, forwarded;
};

DailyTruth CountByDay(const std::filesystem::path& dir) {
  DailyTruth t;
  testing::ForEachMessageOrTakedown(dir, [&](const testing::SimEvent& e) {
    const std::string day(e.time.substr(0, 10));
    if (!e.message) {
      ++t.takedowns[day];
      return;
    }
    ++t.posts[day];
    if (e.forwarded) ++t.forwarded[day];
  });
  return t;
}

// The network's organic and forwarded posts per day, by the simulator's record, between two
// days inclusive.
std::pair<double, double> NetworkPostsPerDay(const std::filesystem::path& dir,
                                             const std::set<std::string>& chats,
                                             const std::string& from, const std::string& to) {
  int64_t organic = 0, forwarded = 0;
  testing::ForEachMessageOrTakedown(dir, [&](const testing::SimEvent& e) {
    const std::string_view day = e.time.substr(0, 10);
    if (!e.message || day < from || day > to || !chats.count(std::string(e.chat))) return;
    ++(e.forwarded ? forwarded : organic);
  });
  const double days = static_cast<double>(*ParseRfc3339Ms(to + "T00:00:00Z") -
                                          *ParseRfc3339Ms(from + "T00:00:00Z")) /
                          kDayMs +
                      1;
  return {organic / days, forwarded / days};
}

TEST(ImpactOnASimulatedWorld, MatchesWhatTheSimulatorProduced) {
  testing::TempDir tmp;
  sim::SimOptions o;
  o.out_dir = tmp.File("w");
  o.seed = 2031;  // not used while developing the impact analysis
  o.scale = sim::Scale::kSmall;
  o.media = sim::MediaMode::kNone;
  o.telegram_exports = false;
  ASSERT_TRUE(sim::Simulate(o).ok());
  auto store = Store::Open(tmp.File("w.db"));
  ASSERT_TRUE(store.ok());
  IngestOptions opt;
  auto ingested = Ingest(**store, {tmp.File("w/events.ndjson")}, opt);
  ASSERT_TRUE(ingested.ok());
  ASSERT_EQ(ingested->rejected, 0);
  auto r = ComputeImpact(**store);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const DailyTruth counted = CountByDay(tmp.path() / "w");
  const testing::SimTruth truth = testing::ReadSimTruth(tmp.path() / "w");

  // Daily figures equal the events, day by day.
  ASSERT_EQ(r->daily.size(), 90u);
  for (const auto& d : r->daily) {
    auto count = [&](const std::map<std::string, int64_t>& m) {
      auto it = m.find(d.date);
      return it == m.end() ? int64_t{0} : it->second;
    };
    EXPECT_EQ(d.takedowns, count(counted.takedowns)) << d.date;
    EXPECT_EQ(d.posts, count(counted.posts)) << d.date;
    EXPECT_EQ(d.forwarded_posts, count(counted.forwarded)) << d.date;
  }

  // The action days are the spikes, and no ordinary day is.
  EXPECT_EQ(r->spikes, truth.action_days);
  ASSERT_EQ(r->actions.size(), 1u);
  const ActionImpact& a = r->actions[0];
  EXPECT_EQ(a.start, truth.action_days.front());
  EXPECT_EQ(a.end, truth.action_days.back());

  // Before/after: the change the store-only cohort measures is within 5 points of the change
  // in the simulator's true network chats over the same windows.
  const auto before =
      NetworkPostsPerDay(tmp.path() / "w", truth.network_chats, a.before.from, a.before.to);
  const auto after =
      NetworkPostsPerDay(tmp.path() / "w", truth.network_chats, a.after.from, a.after.to);
  const double true_organic = after.first / before.first - 1;
  const double true_forwarded = after.second / before.second - 1;
  EXPECT_LT(true_organic, -0.8);  // the simulator staged a strong action
  EXPECT_NEAR(a.organic_change, true_organic, 0.05);
  EXPECT_NEAR(a.forwarded_change, true_forwarded, 0.05);
}

}  // namespace
}  // namespace cordon
