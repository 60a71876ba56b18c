// Planning: the reach model on the fixture world (testdata/network/make_world.py), budgets and
// per-kind costs, the swap search beating plain greedy, what-if scoring, and target lists.
#include <gtest/gtest.h>

#include "cordon/network/plan.h"
#include "cordon/util/time.h"
#include "world_fixture.h"

namespace cordon::network {
namespace {

// The world on day 12, before channel200's takedown:
//   roots 100 (5000) and 400 (1500); 200 (1000) <- 100; 300 (800) <- 100; 700 (300) <- 200.
//   posters: 100 user10; 200 user10 + bot20; 300 user10 + user12; 400 user11; 700 user12.
ReachGraph WorldGraph(const char* at = "2019-11-12T23:59:59Z") {
  BuildOptions o;
  o.as_of = *ParseRfc3339Ms(at);
  NetworkBuilder b(o);
  for (const Event& e : testing::WorldEvents()) {
    if (EventTime(e) <= *o.as_of) b.Add(e);
  }
  const Network& net = b.network();
  return MakeReachGraph(net, AssignRoles(net));
}

TEST(ReachModel, CarriersRootsPostersAndSupply) {
  const ReachGraph g = WorldGraph();
  auto node = [&](const char* key) -> const ReachNode& {
    const int32_t id = g.Find(key);
    EXPECT_GE(id, 0) << key;
    return g.node(id);
  };
  EXPECT_TRUE(node("telegram:channel100").root);
  EXPECT_TRUE(node("telegram:channel400").root);
  EXPECT_FALSE(node("telegram:channel200").root);
  EXPECT_TRUE(node("telegram:chat700").carrier);
  EXPECT_EQ(g.Find("telegram:channel500"), -1);  // the journalist carries no releases
  EXPECT_EQ(g.Find("telegram:channel600"), -1);
  EXPECT_EQ(node("telegram:channel300").posters.size(), 2u);  // user13 was banned
  EXPECT_EQ(node("telegram:channel200").posters.size(), 2u);  // user10 and the bot
  const auto& parents = node("telegram:chat700").parents;
  ASSERT_EQ(parents.size(), 1u);  // the single by-name forward from 100 is too weak
  EXPECT_EQ(g.node(parents[0]).key, "telegram:channel200");
  EXPECT_EQ(node("telegram:channel100").audience, 5000);
  EXPECT_DOUBLE_EQ(Reach(g, {}), 5000 + 1000 + 800 + 1500 + 300);
}

TEST(ReachModel, TakenDownChatsAndTheirDependentsDropOut) {
  const ReachGraph g = WorldGraph("2019-11-13T00:00:00Z");  // channel200 is down
  EXPECT_TRUE(g.node(g.Find("telegram:channel200")).down);
  EXPECT_DOUBLE_EQ(Reach(g, {}), 5000 + 800 + 1500);
}

TEST(ReachModel, ReplacementSucceedsTheChatWhoseBacklogItReposts) {
  // An official source (1) with forwarding mirrors (2-5; 5 forwards 2) and an injector (6) posting
  // each release first-hand a minute later. The injector is taken down, then mirror 2; a new
  // channel (7) reposts mirror 2's last posts, releases the injector carried too plus a picture
  // of mirror 2's own, and forwards the source from then on. It takes mirror 2's place, and
  // does not inherit the injector's first-hand access.
  constexpr TimeMs kDay = 24LL * 3600 * 1000, kMin = 60 * 1000;
  NetworkBuilder b;
  auto post = [&](const std::string& chat, const std::string& id, TimeMs t, int item,
                  std::string from = {}) {
    MessageEvent m;
    m.chat = chat;
    m.key = chat + "/" + id;
    m.time = t;
    if (!from.empty()) m.forward = ForwardOrigin{from, from + "/" + id, "", t};
    char sha[65];
    std::snprintf(sha, sizeof sha, "%064d", item + 1);
    m.media.push_back(Media{"photo", sha, "", "", ""});
    b.Add(m);
  };
  const std::string src = "telegram:channel1", inj = "telegram:channel6", old = "telegram:channel2",
                    rep = "telegram:channel7";
  for (int d = 0; d < 23; ++d) {
    const TimeMs t0 = kDay * (d + 1);
    const std::string id = std::to_string(d);
    post(src, id, t0, d);
    if (t0 < kDay * 19 + kDay / 2) post(inj, id, t0 + kMin, d);
    for (int c = 2; c <= 5; ++c) {
      const std::string chat = "telegram:channel" + std::to_string(c);
      if (c == 2 && t0 > kDay * 20) continue;
      if (c == 5) continue;
      post(chat, id, t0 + kMin * (c + 1), d, src);
    }
    if (d == 16) post(old, "own", t0 + kDay / 2, 1000);  // its own picture
    if (d == 18) b.Add(TakedownEvent{inj, t0 + kDay / 2, "", ""});
    if (d == 19) {
      b.Add(TakedownEvent{old, t0 + kDay / 2, "", ""});
      // The backlog, shortly before the next release: releases of days 15-19 and the picture.
      TimeMs at = kDay * (d + 2) - 2 * 3600 * 1000;
      for (int k = 15; k <= 19; ++k) {
        post(rep, "b" + std::to_string(k), at, k);
        if (k == 16) post(rep, "bown", at += kMin, 1000);
        at += kMin;
      }
    }
    if (d >= 20) post(rep, id, t0 + kMin * 10, d, src);
    if (d < 20) post("telegram:channel5", id, t0 + kMin * 12, d, old);  // mirror 5 forwards 2
  }
  const Network& net = b.network();
  const Roles roles = AssignRoles(net);
  ASSERT_EQ(roles.Primary(net.Find(inj)), "injector");
  ASSERT_EQ(roles.Primary(net.Find(rep)), "mirror");
  const ReachGraph g = MakeReachGraph(net, roles);
  const int32_t r = g.Find(rep);
  ASSERT_GE(r, 0);
  EXPECT_FALSE(g.node(r).root);
  // Mirror 5, which forwarded mirror 2, gets its releases from the successor.
  const ReachNode& m5 = g.node(g.Find("telegram:channel5"));
  bool succeeds = false;
  for (size_t i = 0; i < m5.parents.size(); ++i) {
    succeeds |= m5.parents[i] == r && m5.parent_refs[i] == "successor of " + old;
  }
  EXPECT_TRUE(succeeds);
}

TEST(Plan, BudgetOneCutsTheSourceAndBudgetTwoEverything) {
  const ReachGraph g = WorldGraph();
  PlanOptions o;
  o.budget = 1;
  const PlanResult one = Plan(g, o);
  ASSERT_EQ(one.targets.size(), 1u);
  EXPECT_TRUE(one.targets[0].key == "telegram:channel100" ||
              one.targets[0].key == "telegram:user10")
      << one.targets[0].key;
  EXPECT_DOUBLE_EQ(one.reach_before, 8600);
  EXPECT_DOUBLE_EQ(one.reach_after, 1500);
  EXPECT_DOUBLE_EQ(one.targets[0].drop, 7100);
  EXPECT_EQ(one.targets[0].rank, 1);
  EXPECT_FALSE(one.targets[0].evidence.refs.empty());
  EXPECT_EQ(one.targets[0].evidence.signal, "target");
  o.budget = 2;
  const PlanResult two = Plan(g, o);
  EXPECT_EQ(two.targets.size(), 2u);
  EXPECT_DOUBLE_EQ(two.reach_after, 0);
  // Nothing left to cut: a larger budget picks no more targets.
  o.budget = 10;
  EXPECT_EQ(Plan(g, o).targets.size(), 2u);
}

TEST(Plan, PerKindCostsSteerTheChoice) {
  const ReachGraph g = WorldGraph();
  PlanOptions o;
  o.budget = 2;
  o.costs.user = 5;  // accounts are expensive: take the chats
  PlanResult r = Plan(g, o);
  ASSERT_EQ(r.targets.size(), 2u);
  for (const auto& t : r.targets) EXPECT_TRUE(IsChat(t.kind)) << t.key;
  EXPECT_DOUBLE_EQ(r.reach_after, 0);
  o.costs = Costs{};
  o.costs.channel = 5;  // channels are expensive: take their admins
  r = Plan(g, o);
  ASSERT_EQ(r.targets.size(), 2u);
  EXPECT_EQ(r.targets[0].key, "telegram:user10");
  EXPECT_EQ(r.targets[1].key, "telegram:user11");
  EXPECT_NE(r.targets[0].evidence.detail.find("last poster standing in 1 carriers"),
            std::string::npos)
      << r.targets[0].evidence.detail;
  EXPECT_NE(r.targets[0].evidence.detail.find("cuts the supply of 3 more carriers"),
            std::string::npos)
      << r.targets[0].evidence.detail;
  EXPECT_DOUBLE_EQ(r.cost, 2);
}

// Roots q1, q2 (audience 1); chats c1..c6 (10 each): c1, c2, c5 fed by q1; c3, c4, c6 by q2;
// account pA is the only poster of c1..c4. Greedy takes pA (40) then q1 (11): 51. Taking q1 and
// q2 cuts all 62; one swap finds it.
ReachGraph SwapGraph() {
  ReachGraph g;
  auto chat = [&](const char* key, bool root, double aud) {
    const int32_t id = g.Add(key, NodeKind::kChannel);
    g.node(id).carrier = true;
    g.node(id).root = root;
    g.node(id).audience = aud;
    return id;
  };
  const int32_t q1 = chat("q1", true, 1), q2 = chat("q2", true, 1);
  const int32_t pa = g.Add("pA", NodeKind::kUser);
  for (int i = 1; i <= 6; ++i) {
    const int32_t c = chat(("c" + std::to_string(i)).c_str(), false, 10);
    g.AddParent(c, (i == 1 || i == 2 || i == 5) ? q1 : q2);
    if (i <= 4) g.AddPoster(c, pa);
  }
  g.Finalize();
  return g;
}

TEST(Plan, SwapSearchBeatsPlainGreedy) {
  const ReachGraph g = SwapGraph();
  PlanOptions o;
  o.budget = 2;
  o.local_search = false;
  const PlanResult greedy = Plan(g, o);
  EXPECT_DOUBLE_EQ(greedy.reach_before, 62);
  EXPECT_DOUBLE_EQ(greedy.reach_after, 62 - 51);
  EXPECT_EQ(greedy.targets.at(0).key, "pA");
  o.local_search = true;
  const PlanResult better = Plan(g, o);
  EXPECT_DOUBLE_EQ(better.reach_after, 0);
  ASSERT_EQ(better.targets.size(), 2u);
  EXPECT_EQ(better.targets[0].key.substr(0, 1), "q");
  EXPECT_EQ(better.targets[1].key.substr(0, 1), "q");
}

TEST(Plan, BudgetOneIsTheBestSingleTarget) {
  const ReachGraph g = SwapGraph();
  PlanOptions o;
  o.budget = 1;
  const PlanResult r = Plan(g, o);
  double best = 0;
  for (int32_t v = 0; v < g.size(); ++v) {
    std::vector<char> removed(static_cast<size_t>(g.size()), 0);
    removed[static_cast<size_t>(v)] = 1;
    best = std::max(best, r.reach_before - Reach(g, removed));
  }
  ASSERT_EQ(r.targets.size(), 1u);
  EXPECT_DOUBLE_EQ(r.targets[0].drop, best);
}

TEST(WhatIf, ScoresGivenTargetsInOrder) {
  const ReachGraph g = WorldGraph();
  PlanResult r = EvaluateTargets(g, {"telegram:channel200", "telegram:user12", "telegram:nobody"});
  EXPECT_DOUBLE_EQ(r.reach_before, 8600);
  ASSERT_EQ(r.targets.size(), 3u);
  EXPECT_DOUBLE_EQ(r.targets[0].drop, 1000 + 300);
  EXPECT_NE(r.targets[0].evidence.detail.find("cuts the supply of 1 more carriers"),
            std::string::npos)
      << r.targets[0].evidence.detail;
  // With the relay gone, the group is no longer reached: user12 adds nothing there, and
  // channel300 still has user10.
  EXPECT_DOUBLE_EQ(r.targets[1].drop, 0);
  EXPECT_EQ(r.unknown, std::vector<std::string>{"telegram:nobody"});
  EXPECT_NE(r.targets[2].evidence.detail.find("not in the reach model"), std::string::npos);
  EXPECT_DOUBLE_EQ(r.reach_after, 8600 - 1300);
  // Alone, user12 silences the group it runs.
  PlanResult alone = EvaluateTargets(g, {"telegram:user12"});
  EXPECT_DOUBLE_EQ(alone.targets[0].drop, 300);
  EXPECT_NE(alone.targets[0].evidence.detail.find("silences telegram:chat700"), std::string::npos)
      << alone.targets[0].evidence.detail;
  EXPECT_FALSE(alone.targets[0].evidence.refs.empty());
}

TEST(Costs, Parse) {
  auto c = ParseCosts("channel=2,bot=0.5,account=3");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->Of(NodeKind::kChannel), 2);
  EXPECT_EQ(c->Of(NodeKind::kBot), 0.5);
  EXPECT_EQ(c->Of(NodeKind::kUser), 3);
  EXPECT_EQ(c->Of(NodeKind::kGroup), 1);
  auto chat = ParseCosts("chat=4");
  ASSERT_TRUE(chat.ok());
  EXPECT_EQ(chat->Of(NodeKind::kGroup), 4);
  EXPECT_FALSE(ParseCosts("planet=1").ok());
  EXPECT_FALSE(ParseCosts("bot=-1").ok());
  EXPECT_FALSE(ParseCosts("bot=abc").ok());
  EXPECT_FALSE(ParseCosts("bot").ok());
  EXPECT_TRUE(ParseCosts("").ok());
}

TEST(TargetList, JsonTextAndPlanOutput) {
  auto a = ParseTargetList(R"(["telegram:user1","telegram:channel2"])", "t.json");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, (std::vector<std::string>{"telegram:user1", "telegram:channel2"}));
  auto plan = ParseTargetList(
      R"({"targets":[{"entity":"telegram:user1","rank":1}],"predicted":{"reach_before":1}})",
      "plan.json");
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(*plan, std::vector<std::string>{"telegram:user1"});
  auto text =
      ParseTargetList("# day of action\ntelegram:user1\n\n  telegram:bot2  # a bot\n", "t.txt");
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, (std::vector<std::string>{"telegram:user1", "telegram:bot2"}));
  auto bad = ParseTargetList("telegram:user1\ntwo words\n", "t.txt");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().where().line, 2);
  EXPECT_FALSE(ParseTargetList("[1,2]", "t.json").ok());
  EXPECT_FALSE(ParseTargetList("{\"targets\": 3}", "t.json").ok());
  EXPECT_FALSE(ParseTargetList("[\"a\"", "t.json").ok());
}

}  // namespace
}  // namespace cordon::network
