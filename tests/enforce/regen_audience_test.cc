// The audience evidence of the regeneration detector (regen.h, RegenOptions::audience): a new
// account whose groups were those of one recently removed account is that account's
// regeneration; when several removed accounts share them, the evidence is split among them.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "cordon/enforce/regen.h"
#include "cordon/model/evidence.h"

namespace cordon::enforce {
namespace {

constexpr TimeMs kT0 = 1572566400000;  // 2019-11-01
constexpr TimeMs kMin = 60 * 1000;
constexpr TimeMs kHour = 60 * kMin;
constexpr TimeMs kDay = 24 * kHour;

std::string User(int i) { return "telegram:user" + std::to_string(i); }
std::string Group(int i) { return "telegram:channel" + std::to_string(i); }

EntityEvent Entity(const std::string& key, EntityKind kind, TimeMs t, const std::string& name,
                   TimeMs created) {
  EntityEvent e;
  e.key = key;
  e.kind = kind;
  e.time = t;
  e.name = name;
  e.created = created;
  return e;
}

MemberEvent Join(const std::string& group, const std::string& user, TimeMs t) {
  return MemberEvent{group, user, t, MemberAction::kJoin, ""};
}

// A world of 3000 accounts made long before (so few new accounts appear: one born after a
// takedown is likely to be a regeneration) and three groups (1, 2, 3), each with 30 of them.
// Nothing in the names ties any two accounts.
constexpr int kAccounts = 3000;
std::string AccountName(int user) {
  static const char* kSyll[] = {"ka", "lo", "mi", "ne", "ru", "si", "ta", "vo", "ze", "pu"};
  std::string name;
  for (int k = user - 1000, n = 0; n < 4; k /= 10, ++n) name += kSyll[k % 10];
  return name;
}
std::vector<Event> Population() {
  std::vector<Event> ev;
  const TimeMs made = kT0 - 200 * kDay;
  for (int g = 1; g <= 3; ++g) {
    ev.push_back(
        Entity(Group(g), EntityKind::kGroup, kT0 - kHour, "Circle " + std::to_string(g), made));
  }
  for (int i = 0; i < kAccounts; ++i) {
    ev.push_back(
        Entity(User(1000 + i), EntityKind::kUser, kT0 - kHour, AccountName(1000 + i), made));
  }
  for (int g = 1; g <= 3; ++g) {
    for (int i = 0; i < 30; ++i) ev.push_back(Join(Group(g), User(2000 + 100 * g + i), kT0));
  }
  return ev;
}

// Accounts removed at kDown (`removed`, each with its groups), and an account with an unrelated
// name born kBorn that joins `joins` an hour after its birth.
constexpr TimeMs kDown = kT0 + 20 * kDay;
constexpr TimeMs kBorn = kDown + 6 * kHour;
constexpr TimeMs kJoined = kBorn + kHour;
const std::string kNew = "telegram:user9000";

struct Removed {
  int user;
  std::vector<int> groups;
  TimeMs before = 0;  // removed this long before kDown
};
std::vector<Event> World(const std::vector<Removed>& removed, const std::vector<int>& joins) {
  std::vector<Event> ev = Population();
  int k = 0;
  for (const auto& [user, groups, before] : removed) {
    for (int g : groups) ev.push_back(Join(Group(g), User(user), kT0 + kHour));
    ev.push_back(TakedownEvent{User(user), kDown - before + (k++) * kMin, "tos", "platform"});
  }
  std::stable_sort(ev.begin(), ev.end(),
                   [](const Event& a, const Event& b) { return EventTime(a) < EventTime(b); });
  ev.push_back(Entity(kNew, EntityKind::kUser, kBorn, "Orvel Quantash", kBorn));
  for (int g : joins) ev.push_back(Join(Group(g), kNew, kJoined));
  return ev;
}

std::vector<RegenDetection> Detect(const std::vector<Event>& events, RegenOptions opt = {}) {
  auto det = RegenDetector::Create(opt);
  EXPECT_TRUE(det.ok());
  std::vector<RegenDetection> out;
  for (const Event& e : events) {
    for (auto& d : (*det)->OnEvent(e)) out.push_back(std::move(d));
  }
  for (auto& d : (*det)->Flush()) out.push_back(std::move(d));
  return out;
}

std::string Dump(const std::vector<RegenDetection>& ds) {
  std::string s;
  for (const auto& d : ds) {
    AppendDetectionJson(s, d);
    s += '\n';
  }
  return s;
}

const Evidence* Signal(const RegenDetection& d, const std::string& signal) {
  for (const Evidence& e : d.evidence) {
    if (e.signal == signal) return &e;
  }
  return nullptr;
}

// User 2101 (a member of group 1) is removed; six hours later a new account with an unrelated
// name joins group 1 and nothing else. Two other members of group 1 were removed three days
// before. A group of 30 of 3000 accounts: an unrelated account is in it one time in a hundred;
// an account removed six hours before the new one appeared is likelier to be its parent than
// ones removed days before (the delay's prior), and the posterior is normalised over the three.
std::vector<Event> RecentAndOlder() {
  return World({{2101, {1}}, {2102, {1}, 3 * kDay}, {2103, {1}, 3 * kDay}}, {1});
}

TEST(RegenAudience, TheRecentlyRemovedAccountSharingTheGroupIsTheParent) {
  const auto ds = Detect(RecentAndOlder());
  ASSERT_EQ(ds.size(), 1u) << Dump(ds);
  const RegenDetection& d = ds[0];
  EXPECT_EQ(d.entity, kNew);
  EXPECT_EQ(d.parent, User(2101));
  EXPECT_EQ(d.detected_at, kJoined);  // when the group was joined, not at birth
  const Evidence* a = Signal(d, "audience");
  ASSERT_NE(a, nullptr) << Dump(ds);
  EXPECT_GE(a->value.value_or(0), 0.5);
  EXPECT_EQ(a->value.value_or(0), d.score);
  EXPECT_NE(
      a->detail.find("1 shared group, 0 of the parent's not found again (rejoin chance 0.50)"),
      std::string::npos)
      << a->detail;
  EXPECT_NE(a->detail.find("split over 3 candidates"), std::string::npos) << a->detail;
  // The others share the rest of the posterior.
  ASSERT_EQ(d.candidates.size(), 3u);
  EXPECT_LT(d.candidates[1].score + d.candidates[2].score, 1 - d.score + 1e-3);
  // The evidence round-trips through its one JSON form.
  auto parsed = ParseEvidenceListJson(EvidenceListJson(d.evidence));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, d.evidence);
}

TEST(RegenAudience, WithoutItTheGroupAloneDoesNotDetect) {
  RegenOptions opt;
  opt.audience = false;
  EXPECT_TRUE(Detect(RecentAndOlder(), opt).empty()) << Dump(Detect(RecentAndOlder(), opt));
}

// Three accounts of group 1 removed the same hour: the group points at none of them more than
// the others, so the evidence is split three ways and none of them alone is the parent. That
// the new account is one of theirs is nearly certain (RegenOptions::audience_any): it is
// detected, naming the likeliest, with the split in its candidates.
TEST(RegenAudience, EvidenceSharedByOtherRemovedAccountsIsSplit) {
  const auto world = World({{2101, {1}}, {2102, {1}}, {2103, {1}}}, {1});
  RegenOptions each;
  each.audience_any = false;
  EXPECT_TRUE(Detect(world, each).empty()) << Dump(Detect(world, each));
  const auto ds = Detect(world);
  ASSERT_EQ(ds.size(), 1u) << Dump(ds);
  const RegenDetection& d = ds[0];
  EXPECT_EQ(d.entity, kNew);
  EXPECT_EQ(d.detected_at, kJoined);
  ASSERT_EQ(d.candidates.size(), 3u);
  EXPECT_EQ(d.candidates[0].parent, d.parent);
  double sum = 0;
  for (const RegenCandidate& c : d.candidates) {
    EXPECT_LT(c.score, 0.5) << Dump(ds);
    sum += c.score;
  }
  EXPECT_GE(d.score, 0.5);
  EXPECT_NEAR(d.score, sum, 2e-3) << Dump(ds);
  const Evidence* a = Signal(d, "audience");
  ASSERT_NE(a, nullptr) << Dump(ds);
  EXPECT_EQ(a->value.value_or(1), d.candidates[0].score);
  EXPECT_NE(a->detail.find("split over 3 candidates, one of them together"), std::string::npos)
      << a->detail;
}

// A split detection does not claim the parent it names, which stays open to the replacements
// of the others: a second new account joins group 1 later, and its pair with the parent the
// first detection named is scored as unclaimed. A detection on the parent's own posterior
// (RecentAndOlder: 2101 removed days after the others) claims it.
double ClaimedForASecondAccount(std::vector<Event> ev, const std::string& parent) {
  const std::string second = "telegram:user9001";
  const TimeMs born = kJoined + 2 * kHour;
  ev.push_back(Entity(second, EntityKind::kUser, born, "Wendle Praskivo", born));
  ev.push_back(Join(Group(1), second, born + kHour));
  auto det = RegenDetector::Create();
  EXPECT_TRUE(det.ok());
  double claimed = -1;
  (*det)->SetPairSink([&](const RegenScoredPair& p) {
    if (p.entity == second && p.parent == parent) claimed = p.x[kFeatClaimed];
  });
  for (const Event& e : ev) (*det)->OnEvent(e);
  (*det)->Flush();
  return claimed;
}

TEST(RegenAudience, ASplitDetectionClaimsNoParent) {
  const auto split = World({{2101, {1}}, {2102, {1}, kHour}, {2103, {1}, kHour}}, {1});
  const auto ds = Detect(split);
  ASSERT_EQ(ds.size(), 1u) << Dump(ds);
  ASSERT_LT(ds[0].candidates[0].score, 0.5) << Dump(ds);  // split
  EXPECT_EQ(ClaimedForASecondAccount(split, ds[0].parent), 0.0) << Dump(ds);
  const auto own = Detect(RecentAndOlder());
  ASSERT_EQ(own.size(), 1u);
  ASSERT_GE(own[0].candidates[0].score, 0.5) << Dump(own);
  EXPECT_EQ(ClaimedForASecondAccount(RecentAndOlder(), own[0].parent), 1.0) << Dump(own);
}

// The same three, but the new account joins groups 1 and 2, as only 2101 was in both: the
// second group decides between them. (The others' groups are all found again too, so only the
// shared groups differ.)
TEST(RegenAudience, TheCandidateSharingMoreGroupsTakesTheSplit) {
  const auto ds = Detect(World({{2101, {1, 2}}, {2102, {1}}, {2103, {1}}}, {1, 2}));
  ASSERT_EQ(ds.size(), 1u) << Dump(ds);
  EXPECT_EQ(ds[0].parent, User(2101));
  const Evidence* a = Signal(ds[0], "audience");
  ASSERT_NE(a, nullptr) << Dump(ds);
  EXPECT_NE(a->detail.find("2 shared groups"), std::string::npos) << a->detail;
  EXPECT_NE(a->detail.find("split over 3 candidates"), std::string::npos) << a->detail;
}

// The removed account was also in groups 2 and 3, both still up, and the new account joined
// neither: under "it is 2101's new account", each is a group not found again, which weighs
// against it.
TEST(RegenAudience, GroupsNotFoundAgainWeighAgainst) {
  const auto alone = Detect(World({{2101, {1}}}, {1}));
  ASSERT_EQ(alone.size(), 1u);
  const auto ds = Detect(World({{2101, {1, 2, 3}}}, {1}));
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_LT(ds[0].score, alone[0].score) << Dump(ds);
  const Evidence* a = Signal(ds[0], "audience");
  ASSERT_NE(a, nullptr);
  EXPECT_NE(a->detail.find("2 of the parent's not found again"), std::string::npos) << a->detail;
}

// Many new accounts appearing (here 3000 made in the window, not long before) make any one of
// them less likely to be the removed account's: the same group then does not suffice.
TEST(RegenAudience, APriorFromTheRateOfNewAccounts) {
  ASSERT_EQ(Detect(RecentAndOlder()).size(), 1u);
  std::vector<Event> ev = RecentAndOlder();
  for (Event& e : ev) {
    if (auto* en = std::get_if<EntityEvent>(&e); en && en->kind == EntityKind::kUser) {
      en->created = en->time;  // born when first seen: within the window
    }
  }
  EXPECT_TRUE(Detect(ev).empty()) << Dump(Detect(ev));
}

// Before that, four members of group 3 (also in group 2) were removed and came back under their
// names numbered, which the name detects without the audience evidence; each new account
// rejoined both groups. Once their watches ended, the chance that a new account rejoins its
// parent's groups is learnt from them (Laplace: (8 + 1) / (8 + 2)), and a shared group weighs
// more; so is the delay after which accounts come back.
TEST(RegenAudience, TheRejoinChanceAndTheDelayAreLearntFromOtherDetections) {
  std::vector<Event> ev = RecentAndOlder();
  for (int k = 0; k < 4; ++k) {
    const int u = 2301 + k;
    const TimeMs down = kT0 + kDay + k * kHour;
    ev.push_back(Join(Group(2), User(u), kT0 + kHour));
    ev.push_back(TakedownEvent{User(u), down, "tos", "platform"});
    const std::string back = "telegram:user" + std::to_string(9100 + k);
    ev.push_back(Entity(back, EntityKind::kUser, down + 5 * kHour, AccountName(u) + " v2",
                        down + 5 * kHour));
    ev.push_back(Join(Group(3), back, down + 6 * kHour));
    ev.push_back(Join(Group(2), back, down + 7 * kHour));
  }
  std::stable_sort(ev.begin(), ev.end(),
                   [](const Event& a, const Event& b) { return EventTime(a) < EventTime(b); });
  const auto ds = Detect(ev);
  ASSERT_EQ(ds.size(), 5u) << Dump(ds);
  int numbered = 0;
  for (const auto& d : ds) numbered += d.entity != kNew && Signal(d, "name") != nullptr ? 1 : 0;
  EXPECT_EQ(numbered, 4) << Dump(ds);
  const RegenDetection& d = ds.back();
  ASSERT_EQ(d.entity, kNew);
  EXPECT_EQ(d.parent, User(2101));
  const Evidence* a = Signal(d, "audience");
  ASSERT_NE(a, nullptr) << Dump(ds);
  EXPECT_NE(a->detail.find("(rejoin chance 0.90)"), std::string::npos) << a->detail;
  // The shared group: ln(0.9 / (31 of 3005 accounts)) = 4.5 nats, where the unlearnt chance
  // gives ln(0.5 / (31 of 3001)) = 3.9. (Its competitors gain as much: the split stays.)
  EXPECT_NE(a->detail.find("; 4.5 nats;"), std::string::npos) << a->detail;
  const auto unlearnt = Detect(RecentAndOlder());
  ASSERT_EQ(unlearnt.size(), 1u);
  const Evidence* u = Signal(unlearnt[0], "audience");
  ASSERT_NE(u, nullptr);
  EXPECT_NE(u->detail.find("; 3.9 nats;"), std::string::npos) << u->detail;
  // And the delay: the four came back five hours after their removal, as the new account did six
  // hours after 2101's (the same bin, now 5 of 12 counts: 3.3 times the scale-free density, +1.2
  // nats), while the two others were removed three days before (a bin of 1 of 12: 2/3 of it).
  // Five new accounts appeared in the window instead of one (-1.6 nats), so 2101's prior odds
  // fall a little, but the split moves to it.
  EXPECT_NE(a->detail.find("prior 1.7 nats"), std::string::npos) << a->detail;
  EXPECT_NE(u->detail.find("prior 2.1 nats"), std::string::npos) << u->detail;
  EXPECT_GT(d.score, unlearnt[0].score + 0.05) << Dump(ds) << Dump(unlearnt);
  ASSERT_EQ(d.candidates.size(), 3u);
  ASSERT_EQ(unlearnt[0].candidates.size(), 3u);
  EXPECT_LT(d.candidates[1].score, unlearnt[0].candidates[1].score);
}

MessageEvent Say(const std::string& group, const std::string& from, TimeMs t) {
  MessageEvent m;
  m.key = group + "/" + from + "/" + std::to_string(t);
  m.chat = group;
  m.from = from;
  m.time = t;
  m.text = "hello";
  return m;
}

// Three members of group 1 removed the same hour, so the group alone splits three ways (the
// test above); but 2101 posted 60 messages in its 20 days, the others 3 each, and the new
// account posts 6 in its first two days: it posts at 2101's rate, and that decides. (Without
// the split detection, which would name one of the three when the group is joined.)
TEST(RegenAudience, ThePostingRateDecidesBetweenThem) {
  RegenOptions opt;
  opt.audience_any = false;
  std::vector<Event> ev = World({{2101, {1}}, {2102, {1}}, {2103, {1}}}, {1});
  const TimeMs span = kDown - kT0 - 2 * kHour;
  for (int i = 0; i < 60; ++i) ev.push_back(Say(Group(1), User(2101), kT0 + kHour + span * i / 60));
  for (int u : {2102, 2103}) {
    for (int i = 0; i < 3; ++i) ev.push_back(Say(Group(1), User(u), kT0 + kHour + span * i / 3));
  }
  std::vector<TimeMs> said;
  for (int i = 0; i < 6; ++i) {
    said.push_back(kJoined + 4 * kHour + i * 8 * kHour);
    ev.push_back(Say(Group(1), kNew, said.back()));
  }
  std::stable_sort(ev.begin(), ev.end(),
                   [](const Event& a, const Event& b) { return EventTime(a) < EventTime(b); });
  const auto ds = Detect(ev, opt);
  ASSERT_EQ(ds.size(), 1u) << Dump(ds);
  EXPECT_EQ(ds[0].parent, User(2101));
  // Raised by one of its messages, not when it joined.
  EXPECT_NE(std::find(said.begin(), said.end(), ds[0].detected_at), said.end()) << Dump(ds);
  const Evidence* a = Signal(ds[0], "audience");
  ASSERT_NE(a, nullptr) << Dump(ds);
  EXPECT_NE(a->detail.find("split over 3 candidates"), std::string::npos) << a->detail;
  EXPECT_EQ(a->detail.find("posting rate 0.0 nats"), std::string::npos) << a->detail;
  // The others' posting rates are far from the new account's: from a third each, they fall
  // below a tenth.
  ASSERT_EQ(ds[0].candidates.size(), 3u);
  EXPECT_LT(ds[0].candidates[1].score, 0.1) << Dump(ds);
}

// A random world of accounts in groups, removed and coming back under unrelated names that
// rejoin their groups: the audience evidence finds some of them, a prefix of the stream gives
// the same early detections, and a detector restored from a saved state goes on as the one that
// saved it.
std::vector<Event> RandomAccountWorld(uint32_t seed) {
  std::mt19937 rng(seed);
  auto uni = [&](int n) { return static_cast<int>(rng() % static_cast<uint32_t>(n)); };
  std::vector<Event> ev;
  const TimeMs made = kT0 - 200 * kDay;
  constexpr int kGroups = 12;
  for (int g = 0; g < kGroups; ++g) {
    ev.push_back(Entity(Group(g), EntityKind::kGroup, kT0, "Circle " + std::to_string(g), made));
  }
  int next = 1000;
  auto name = [&]() {
    static const char* kSyll[] = {"ka", "lo", "mi", "ne", "ru", "si", "ta", "vo", "ze", "pu"};
    std::string s;
    for (int n = 0; n < 4; ++n) s += kSyll[uni(10)];
    return s;
  };
  struct Acc {
    std::string key;
    std::vector<int> groups;
  };
  std::vector<Acc> live;
  for (int i = 0; i < 600; ++i) {
    Acc a{User(next++), {}};
    ev.push_back(Entity(a.key, EntityKind::kUser, kT0, name(), made));
    if (uni(3) == 0) {
      for (int n = 1 + uni(3); n > 0; --n) a.groups.push_back(uni(kGroups));
      for (int g : a.groups) ev.push_back(Join(Group(g), a.key, kT0 + 1));
    }
    live.push_back(a);
  }
  TimeMs t = kT0 + kHour;
  for (int step = 0; step < 150; ++step) {
    t += (1 + uni(300)) * kMin;
    // Someone in a group says something (posting rates are evidence too).
    for (int n = 0; n < 5; ++n) {
      const Acc& s = live[static_cast<size_t>(uni(static_cast<int>(live.size())))];
      if (!s.groups.empty()) ev.push_back(Say(Group(s.groups[0]), s.key, t + n));
    }
    Acc& a = live[static_cast<size_t>(uni(static_cast<int>(live.size())))];
    if (a.groups.empty() || uni(4) == 0) {
      // A new account of nobody's: joins a group or two.
      Acc n{User(next++), {uni(kGroups)}};
      ev.push_back(Entity(n.key, EntityKind::kUser, t, name(), t));
      ev.push_back(Join(Group(n.groups[0]), n.key, t + 30 * kMin));
      live.push_back(n);
      continue;
    }
    ev.push_back(TakedownEvent{a.key, t, "tos", "platform"});
    if (uni(3) == 0) continue;  // gone for good
    const TimeMs born = t + (1 + uni(20)) * kHour;
    Acc n{User(next++), a.groups};
    ev.push_back(Entity(n.key, EntityKind::kUser, born, name(), born));
    for (size_t k = 0; k < n.groups.size(); ++k) {
      ev.push_back(Join(Group(n.groups[k]), n.key, born + (1 + uni(4)) * kHour));
    }
    a = n;
  }
  std::stable_sort(ev.begin(), ev.end(),
                   [](const Event& a, const Event& b) { return EventTime(a) < EventTime(b); });
  return ev;
}

std::vector<RegenDetection> RunSavedAndRestored(const std::vector<Event>& events, TimeMs cut) {
  auto det = RegenDetector::Create();
  EXPECT_TRUE(det.ok());
  std::vector<RegenDetection> out;
  size_t i = 0;
  for (; i < events.size() && EventTime(events[i]) <= cut; ++i) {
    for (auto& d : (*det)->OnEvent(events[i])) out.push_back(std::move(d));
  }
  for (auto& d : (*det)->Flush()) out.push_back(std::move(d));
  std::string state;
  EXPECT_TRUE((*det)->SaveState(state).ok());
  det->reset();
  auto restored = RegenDetector::Restore({}, state);
  EXPECT_TRUE(restored.ok()) << restored.status().ToString();
  if (!restored.ok()) return out;
  for (; i < events.size(); ++i) {
    for (auto& d : (*restored)->OnEvent(events[i])) out.push_back(std::move(d));
  }
  for (auto& d : (*restored)->Flush()) out.push_back(std::move(d));
  return out;
}

TEST(RegenAudience, CausalAndRestoredExactly) {
  for (uint32_t seed : {5u, 17u}) {
    const auto ev = RandomAccountWorld(seed);
    const auto all = Detect(ev);
    int audience = 0;
    for (const auto& d : all) audience += Signal(d, "audience") != nullptr ? 1 : 0;
    EXPECT_GT(audience, 5) << "seed " << seed;
    const TimeMs first = EventTime(ev.front()), last = EventTime(ev.back());
    for (int k = 1; k <= 4; ++k) {
      const TimeMs cut = first + (last - first) * k / 5;
      // A prefix: the same detections up to the cut.
      std::vector<Event> prefix;
      for (const Event& e : ev) {
        if (EventTime(e) <= cut) prefix.push_back(e);
      }
      std::vector<RegenDetection> early;
      for (const auto& d : all) {
        if (d.detected_at <= cut) early.push_back(d);
      }
      EXPECT_EQ(Dump(Detect(prefix)), Dump(early)) << "seed " << seed << " cut " << k;
      // Saved at the cut and restored: the same detections.
      EXPECT_EQ(Dump(RunSavedAndRestored(ev, cut)), Dump(all)) << "seed " << seed << " cut " << k;
    }
  }
}

}  // namespace
}  // namespace cordon::enforce
