#include "cordon/analysis/impact.h"

#include <gtest/gtest.h>

#include "cordon/util/time.h"
#include "test_util.h"

namespace cordon {
namespace {

constexpr int64_t kDay = 86400000;

TEST(Spikes, FlagsActionDaysAndNotOrdinaryOnes) {
  // 60 ordinary days of 200-300 takedowns, then the two action days, then 30 more.
  std::vector<int64_t> series;
  uint64_t x = 12345;
  for (int i = 0; i < 90; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    series.push_back(200 + static_cast<int64_t>((x >> 33) % 101));
  }
  series[52] = 2096;
  series[53] = 2959;
  std::vector<size_t> spikes = DetectSpikes(series, 28, 3.0, 6.0);
  EXPECT_EQ(spikes, (std::vector<size_t>{52, 53}));
}

TEST(Spikes, QuietSeriesHasNone) {
  std::vector<int64_t> flat(40, 0);
  flat[20] = 3;  // a handful is never a spike
  EXPECT_TRUE(DetectSpikes(flat, 28, 3.0, 6.0).empty());
}

TEST(KaplanMeier, MatchesAHandComputedCurve) {
  // Times 1,2,2,3(censored),4: S(1)=4/5, S(2)=4/5*2/4=0.4, S(4)=0.4*(1-1/1)=0.
  SurvivalCurve c = KaplanMeier("g", {{1, true}, {2, true}, {2, true}, {3, false}, {4, true}});
  ASSERT_EQ(c.steps.size(), 4u);
  EXPECT_DOUBLE_EQ(c.steps[1].second, 0.8);
  EXPECT_DOUBLE_EQ(c.steps[2].second, 0.4);
  EXPECT_DOUBLE_EQ(c.steps[3].second, 0.0);
  EXPECT_DOUBLE_EQ(c.median_days, 2);
  EXPECT_EQ(c.taken_down, 4);
}

// A small world: 10 network chats posting daily, taken down on an action day; daily figures
// must equal the events exactly and the action must be found with its before/after drop.
TEST(Impact, DailyFiguresEqualTheEventsAndTheActionIsMeasured) {
  testing::TempDir tmp;
  auto store = Store::Open(tmp.File("i.db"));
  ASSERT_TRUE(store.ok());
  Store& s = **store;
  const int64_t t0 = *ParseRfc3339Ms("2019-10-01T00:00:00Z");
  ASSERT_TRUE(s.Begin().ok());
  int64_t expected_posts_day5 = 0;
  for (int c = 0; c < 40; ++c) {
    EntityEvent e;
    e.key = "telegram:channel" + std::to_string(c);
    e.kind = EntityKind::kChannel;
    e.time = t0;
    e.created = t0;
    ASSERT_TRUE(s.Apply(e).ok());
  }
  for (int day = 0; day < 70; ++day) {
    for (int c = 0; c < 40; ++c) {
      const bool down = c < 30 && day >= 40;  // 30 chats silenced by the action on day 40
      if (down) continue;
      for (int k = 0; k < 2; ++k) {
        MessageEvent m;
        m.chat = "telegram:channel" + std::to_string(c);
        m.key = m.chat + "/" + std::to_string(day * 10 + k);
        m.time = t0 + day * kDay + 3600000 * (k + 1);
        m.views = 10;
        if (k == 1) m.forward = ForwardOrigin{"telegram:channel0", "", "", std::nullopt};
        if (c == 35 && day == 65 && k == 0) m.links = {"https://matrix.to/#/#room:example.org"};
        ASSERT_TRUE(s.Apply(m).ok());
        if (day == 5) ++expected_posts_day5;
      }
    }
    // Everyday takedowns of other accounts, and the action on day 40.
    int n = day == 40 ? 0 : 5;
    for (int k = 0; k < n; ++k) {
      ASSERT_TRUE(s.Apply(TakedownEvent{"telegram:user" + std::to_string(day * 100 + k),
                                        t0 + day * kDay + 1000 * k, "tos", ""})
                      .ok());
    }
    if (day == 40) {
      for (int c = 0; c < 30; ++c) {
        ASSERT_TRUE(s.Apply(TakedownEvent{"telegram:channel" + std::to_string(c),
                                          t0 + day * kDay + 1000 * c, "action", "referral"})
                        .ok());
      }
      for (int k = 0; k < 40; ++k) {
        ASSERT_TRUE(s.Apply(TakedownEvent{"telegram:user9" + std::to_string(k),
                                          t0 + day * kDay + 5000 + k, "action", "referral"})
                        .ok());
      }
    }
  }
  ASSERT_TRUE(s.Commit().ok());
  auto r = ComputeImpact(s);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->daily.size(), 70u);
  EXPECT_EQ(r->daily[0].date, "2019-10-01");
  EXPECT_EQ(r->daily[5].posts, expected_posts_day5);
  EXPECT_EQ(r->daily[5].forwarded_posts, expected_posts_day5 / 2);
  EXPECT_EQ(r->daily[5].views, expected_posts_day5 * 10);
  EXPECT_EQ(r->daily[5].takedowns, 5);
  EXPECT_EQ(r->daily[40].takedowns, 70);
  int64_t posts = 0;
  for (const auto& d : r->daily) posts += d.posts;
  EXPECT_EQ(posts, 2 * (40 * 40 + 10 * 30));
  EXPECT_EQ(r->spikes, (std::vector<std::string>{"2019-11-10"}));
  ASSERT_EQ(r->actions.size(), 1u);
  // No matches: the cohort is the chats ever taken down, the 30 silenced ones.
  EXPECT_EQ(r->cohort, "takedowns");
  EXPECT_EQ(r->network_chats, 30);
  EXPECT_DOUBLE_EQ(r->actions[0].organic_change, -1.0);
  EXPECT_EQ(r->actions[0].before.active_chats, 30);
  EXPECT_EQ(r->migration.at("matrix"), 1);
  EXPECT_EQ(r->migration_first.at("matrix"), "2019-12-05");
  // Survival: the 30 network chats all died at day 40 (plus hours); the others live on.
  bool saw_network = false;
  for (const auto& c : r->survival) {
    if (c.group == "network") {
      saw_network = true;
      EXPECT_EQ(c.chats, 30);
      EXPECT_EQ(c.taken_down, 30);
      EXPECT_NEAR(c.median_days, 40, 0.01);
    }
    if (c.group == "other") {
      EXPECT_EQ(c.taken_down, 0);
    }
  }
  EXPECT_TRUE(saw_network);
  const std::string json = ImpactJson(*r);
  EXPECT_NE(json.find("\"spikes\":[\"2019-11-10\"]"), std::string::npos);
  EXPECT_NE(json.find("\"migration\":{\"matrix\":1}"), std::string::npos);
}

}  // namespace
}  // namespace cordon
