#include "cordon/enforce/regen.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

#include "cordon/enforce/stage.h"
#include "cordon/ingest/ingest.h"
#include "cordon/model/event_json.h"
#include "cordon/store/replay.h"
#include "cordon/store/sqlite.h"
#include "cordon/util/time.h"
#include "test_util.h"

namespace cordon::enforce {
namespace {

constexpr TimeMs kT0 = 1572566400000;  // 2019-11-01
constexpr TimeMs kMin = 60 * 1000;
constexpr TimeMs kHour = 60 * kMin;

EntityEvent Entity(const std::string& key, EntityKind kind, TimeMs t, const std::string& name,
                   const std::string& creator = "") {
  EntityEvent e;
  e.key = key;
  e.kind = kind;
  e.time = t;
  e.name = name;
  e.created = t;
  if (!creator.empty()) e.creator = creator;
  return e;
}

MessageEvent Post(const std::string& chat, int id, TimeMs t, const std::string& text) {
  MessageEvent m;
  m.chat = chat;
  m.key = chat + "/" + std::to_string(id);
  m.time = t;
  m.from = chat;
  m.text = text;
  return m;
}

std::vector<RegenDetection> RunDetector(const std::vector<Event>& events, RegenOptions opt = {}) {
  auto det = RegenDetector::Create(opt);
  EXPECT_TRUE(det.ok());
  std::vector<RegenDetection> out;
  for (const Event& e : events) {
    for (auto& d : (*det)->OnEvent(e)) out.push_back(std::move(d));
  }
  for (auto& d : (*det)->Flush()) out.push_back(std::move(d));
  std::sort(out.begin(), out.end(), [](const RegenDetection& a, const RegenDetection& b) {
    return std::tie(a.detected_at, a.entity) < std::tie(b.detected_at, b.entity);
  });
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

const RegenDetection* Find(const std::vector<RegenDetection>& ds, const std::string& entity) {
  for (const auto& d : ds) {
    if (d.entity == entity) return &d;
  }
  return nullptr;
}

bool HasSignal(const RegenDetection& d, const std::string& signal) {
  return std::any_of(d.evidence.begin(), d.evidence.end(),
                     [&](const Evidence& e) { return e.signal == signal; });
}

std::vector<RegenDetection> RunSavedAndRestored(const std::vector<Event>& events, TimeMs cut,
                                                RegenOptions opt = {});

TEST(RegenDetector, NumberedReplacementIsDetectedAtBirth) {
  std::vector<Event> ev;
  ev.push_back(Entity("telegram:user1", EntityKind::kUser, kT0, "Brak Tolum"));
  ev.push_back(
      Entity("telegram:channel10", EntityKind::kChannel, kT0 + 1, "Nova Digest", "telegram:user1"));
  ev.push_back(Post("telegram:channel10", 1, kT0 + kHour, "a first release of the week here"));
  ev.push_back(TakedownEvent{"telegram:channel10", kT0 + 5 * kHour, "tos", "platform"});
  ev.push_back(Entity("telegram:channel11", EntityKind::kChannel, kT0 + 9 * kHour,
                      "N\xD0\xBEva Digest 2", "telegram:user1"));
  ev.push_back(Post("telegram:channel11", 1, kT0 + 9 * kHour + kMin, "hello again friends"));
  auto ds = RunDetector(ev);
  ASSERT_EQ(ds.size(), 1u) << Dump(ds);
  EXPECT_EQ(ds[0].entity, "telegram:channel11");
  EXPECT_EQ(ds[0].parent, "telegram:channel10");
  EXPECT_EQ(ds[0].detected_at, kT0 + 9 * kHour);  // the creation event itself
  EXPECT_GE(ds[0].score, 0.5);
  EXPECT_TRUE(HasSignal(ds[0], "name"));
  EXPECT_TRUE(HasSignal(ds[0], "admins"));
  ASSERT_FALSE(ds[0].candidates.empty());
  EXPECT_EQ(ds[0].candidates[0].parent, "telegram:channel10");
}

TEST(RegenDetector, AVersionMarkerDoesNotHideTheName) {
  // "v2" keeps a letter in the strict key ("brakvtolumv"); the name without it matches exactly.
  std::vector<Event> ev;
  ev.push_back(Entity("telegram:user1", EntityKind::kUser, kT0, "Brak Tolum"));
  ev.push_back(TakedownEvent{"telegram:user1", kT0 + kHour, "tos", "platform"});
  ev.push_back(Entity("telegram:user2", EntityKind::kUser, kT0 + 5 * kHour, "Brak Tolum v2"));
  auto ds = RunDetector(ev);
  ASSERT_EQ(ds.size(), 1u) << Dump(ds);
  EXPECT_EQ(ds[0].entity, "telegram:user2");
  EXPECT_EQ(ds[0].parent, "telegram:user1");
  ASSERT_FALSE(ds[0].evidence.empty());
  EXPECT_EQ(ds[0].evidence[0].signal, "name");
  EXPECT_DOUBLE_EQ(ds[0].evidence[0].value.value_or(-1), 1.0) << Dump(ds);
}

// The name index keeps each class's postings apart: an entity whose kind is learnt after its
// takedown is found under its new class (and no longer under the old one).
TEST(RegenDetector, AKindLearntAfterTheTakedownMovesTheNameToItsClass) {
  for (bool saved : {false, true}) {
    std::vector<Event> ev;
    ev.push_back(Entity("telegram:user1", EntityKind::kUser, kT0, "Brak Tolum Digest"));
    ev.push_back(TakedownEvent{"telegram:user1", kT0 + kHour, "tos", "platform"});
    ev.push_back(Entity("telegram:user1", EntityKind::kBot, kT0 + 2 * kHour, "Brak Tolum Digest"));
    ev.push_back(Entity("telegram:user3", EntityKind::kUser, kT0 + 5 * kHour, "Brak Tolum Digest"));
    ev.push_back(Entity("telegram:user2", EntityKind::kBot, kT0 + 5 * kHour, "Brak Tolum Digest"));
    const auto ds = saved ? RunSavedAndRestored(ev, kT0 + 3 * kHour) : RunDetector(ev);
    ASSERT_EQ(ds.size(), 1u) << Dump(ds);
    EXPECT_EQ(ds[0].entity, "telegram:user2");
    EXPECT_EQ(ds[0].parent, "telegram:user1");
  }
}

// The name retrieval skips the slots that went down too long before a birth (by the latest
// takedown up to each slot): an entity reinstated and taken down again keeps its early slot, and
// must still be found by its new takedown, also after a restore between the two.
TEST(RegenDetector, ATakedownAfterAReinstatementIsFoundByName) {
  constexpr TimeMs kDay = 24 * kHour;
  const char* const names[] = {"Weekly Lantern",      "Garden Chess Club",   "Morning Tide Notes",
                               "Quiet Harbour Radio", "Silver Orchard Post", "Amber Field Journal"};
  for (bool saved : {false, true}) {
    std::vector<Event> ev;
    ev.push_back(Entity("telegram:channel10", EntityKind::kChannel, kT0, "Nova Digest"));
    ev.push_back(TakedownEvent{"telegram:channel10", kT0 + kHour, "tos", "platform"});
    // Slots after channel10's: six taken down the same day (so that its reinstatement leaves
    // too few stale to rebuild the index), six more ten days later.
    for (int i = 0; i < 12; ++i) {
      const std::string key = "telegram:channel" + std::to_string(20 + i);
      const TimeMs t = kT0 + (i < 6 ? 2 * kHour : 10 * kDay + i * kHour);
      ev.push_back(Entity(key, EntityKind::kChannel, t,
                          std::string(names[i % 6]) + " " + (i < 6 ? "Daily" : "Weekly")));
      ev.push_back(TakedownEvent{key, t + kHour, "tos", "platform"});
    }
    std::sort(ev.begin(), ev.end(),
              [](const Event& a, const Event& b) { return EventTime(a) < EventTime(b); });
    ev.push_back(ReinstateEvent{"telegram:channel10", kT0 + 11 * kDay, "appeal"});
    // Down again 35 days after its first takedown: beyond the 30-day window of that one.
    ev.push_back(TakedownEvent{"telegram:channel10", kT0 + 35 * kDay, "tos", "platform"});
    ev.push_back(Entity("telegram:channel11", EntityKind::kChannel, kT0 + 35 * kDay + 2 * kHour,
                        "Nova Digest 2"));
    const auto ds = saved ? RunSavedAndRestored(ev, kT0 + 20 * kDay) : RunDetector(ev);
    const RegenDetection* d = Find(ds, "telegram:channel11");
    ASSERT_NE(d, nullptr) << (saved ? "restored: " : "") << Dump(ds);
    EXPECT_EQ(d->parent, "telegram:channel10");
  }
}

// The name candidates an entity keeps while its names stay are checked again when it is
// evaluated again: one reinstated since is no candidate (it has no takedown to be measured
// from), while one still down is scored as before.
TEST(RegenDetector, AReinstatedNameCandidateIsNotScoredAgain) {
  std::vector<Event> ev;
  ev.push_back(Entity("telegram:channel10", EntityKind::kChannel, kT0, "Nova Digest"));
  ev.push_back(Entity("telegram:channel12", EntityKind::kChannel, kT0, "Nova Digest Weekly"));
  ev.push_back(TakedownEvent{"telegram:channel10", kT0 + kHour, "tos", "platform"});
  ev.push_back(TakedownEvent{"telegram:channel12", kT0 + kHour, "tos", "platform"});
  ev.push_back(
      Entity("telegram:channel11", EntityKind::kChannel, kT0 + 2 * kHour, "Nova Digest 2"));
  ev.push_back(ReinstateEvent{"telegram:channel10", kT0 + 3 * kHour, "appeal"});
  // A join makes channel11 evaluated again, its names unchanged.
  ev.push_back(MemberEvent{"telegram:channel11", "telegram:user5", kT0 + 4 * kHour,
                           MemberAction::kJoin, ""});
  RegenOptions opt;
  opt.score_detected = true;  // channel11 is detected by its name, and evaluated again after
  auto det = RegenDetector::Create(opt);
  ASSERT_TRUE(det.ok());
  std::vector<std::pair<TimeMs, std::string>> scored;  // channel11's candidates, by time
  (*det)->SetPairSink([&](const RegenScoredPair& p) {
    if (p.entity == "telegram:channel11") scored.emplace_back(p.time, p.parent);
  });
  for (const Event& e : ev) (*det)->OnEvent(e);
  (*det)->Flush();
  auto count = [&](TimeMs from, TimeMs to, const std::string& parent) {
    return std::count_if(scored.begin(), scored.end(), [&](const auto& s) {
      return s.first >= from && s.first < to && s.second == parent;
    });
  };
  const TimeMs reinstated = kT0 + 3 * kHour, end = kT0 + 5 * kHour;
  EXPECT_GT(count(0, reinstated, "telegram:channel10"), 0);    // a candidate while down
  EXPECT_GT(count(reinstated, end, "telegram:channel12"), 0);  // evaluated again
  EXPECT_EQ(count(reinstated, end, "telegram:channel10"), 0);  // not after its reinstatement
}

// Lists of grams that many taken-down names share are counted as bitmaps, the rare ones posting
// by posting: a parent whose name is mostly common grams is found by their counts, among
// hundreds of takedowns sharing them.
TEST(RegenDetector, NameRetrievalCountsCommonAndRareGramsAlike) {
  std::vector<Event> ev;
  std::mt19937 rng(7);
  const std::string letters = "bdfgmnprstvz", vowels = "aeiou";
  TimeMs t = kT0;
  auto add = [&](const std::string& key, const std::string& name) {
    ev.push_back(Entity(key, EntityKind::kChannel, t, name));
    ev.push_back(TakedownEvent{key, t + kMin, "tos", "platform"});
    t += 10 * kMin;
  };
  for (int i = 0; i < 400; ++i) {
    std::string word;
    for (int k = 0; k < 3; ++k) {
      word += letters[rng() % letters.size()];
      word += vowels[rng() % vowels.size()];
    }
    word[0] = static_cast<char>(word[0] - 'a' + 'A');
    add("telegram:channel" + std::to_string(1000 + i), word + " Evening Digest");
    if (i == 200) add("telegram:channel10", "Kal Evening Digest");  // 3 of its 14 grams rare
  }
  ev.push_back(
      Entity("telegram:channel11", EntityKind::kChannel, t + kHour, "Kal Evening Digest 2"));
  const auto ds = RunDetector(ev);
  const RegenDetection* d = Find(ds, "telegram:channel11");
  ASSERT_NE(d, nullptr) << Dump(ds);
  EXPECT_EQ(d->parent, "telegram:channel10");
}

TEST(RegenDetector, UnrelatedNameIsCaughtByItsAdminAndTheRepostedBacklog) {
  std::vector<Event> ev;
  ev.push_back(Entity("telegram:user1", EntityKind::kUser, kT0, "Brak Tolum"));
  ev.push_back(
      Entity("telegram:channel10", EntityKind::kChannel, kT0 + 1, "Nova Digest", "telegram:user1"));
  // Another channel of the same admin, also taken down: the backlog tells them apart.
  ev.push_back(Entity("telegram:channel12", EntityKind::kChannel, kT0 + 2, "Weekly Lantern",
                      "telegram:user1"));
  for (int i = 0; i < 6; ++i) {
    ev.push_back(Post("telegram:channel10", i + 1, kT0 + (i + 1) * kHour,
                      "release number " + std::to_string(i) + " of the nova series"));
  }
  ev.push_back(Post("telegram:channel12", 1, kT0 + 7 * kHour, "lantern post with its own words"));
  ev.push_back(TakedownEvent{"telegram:channel10", kT0 + 10 * kHour, "tos", "platform"});
  ev.push_back(TakedownEvent{"telegram:channel12", kT0 + 10 * kHour + 1, "tos", "platform"});
  const TimeMs born = kT0 + 20 * kHour;
  ev.push_back(Entity("telegram:channel20", EntityKind::kChannel, born, "Garden Chess Club",
                      "telegram:user1"));
  for (int i = 0; i < 6; ++i) {
    ev.push_back(Post("telegram:channel20", i + 1, born + (i + 2) * kMin,
                      "release number " + std::to_string(i) + " of the nova series"));
  }
  auto ds = RunDetector(ev);
  const RegenDetection* d = Find(ds, "telegram:channel20");
  ASSERT_NE(d, nullptr) << Dump(ds);
  EXPECT_EQ(d->parent, "telegram:channel10");
  EXPECT_TRUE(HasSignal(*d, "content"));
  // Before its second message.
  EXPECT_LT(d->detected_at, born + 3 * kMin);
}

// Content posted by two chats keeps its chats in a list of its own; when the content expires
// the list is released and reused by later content, which must not inherit its chats.
TEST(RegenDetector, ExpiredContentLeavesNoChatsToTheContentAfterIt) {
  constexpr TimeMs kDay = 24 * kHour;
  std::vector<Event> ev;
  ev.push_back(Entity("telegram:user1", EntityKind::kUser, kT0, "Brak Tolum"));
  ev.push_back(Entity("telegram:channel10", EntityKind::kChannel, kT0, "Nova Digest"));
  ev.push_back(Entity("telegram:channel11", EntityKind::kChannel, kT0, "Weekly Lantern"));
  ev.push_back(
      Entity("telegram:channel40", EntityKind::kChannel, kT0, "Harbor Echo", "telegram:user1"));
  ev.push_back(Entity("telegram:channel41", EntityKind::kChannel, kT0, "Quiet Orchard"));
  // Two chats post the old backlog; one of them is taken down within the window of what follows.
  for (int i = 0; i < 4; ++i) {
    const std::string text = "old backlog item " + std::to_string(i) + " with enough words";
    ev.push_back(Post("telegram:channel10", i + 1, kT0 + (i + 1) * kMin, text));
    ev.push_back(Post("telegram:channel11", i + 1, kT0 + (i + 1) * kMin, text));
  }
  ev.push_back(TakedownEvent{"telegram:channel11", kT0 + 36 * kDay, "tos", "platform"});
  // Past both windows of the old backlog: it expires, and two other chats post a new one.
  const TimeMs later = kT0 + 40 * kDay;
  for (int i = 0; i < 4; ++i) {
    const std::string text = "new backlog entry " + std::to_string(i) + " in other words";
    ev.push_back(Post("telegram:channel40", i + 1, later + (i + 1) * kMin, text));
    ev.push_back(Post("telegram:channel41", i + 1, later + (i + 1) * kMin, text));
  }
  ev.push_back(TakedownEvent{"telegram:channel40", later + kHour, "tos", "platform"});
  const TimeMs born = later + 2 * kHour;
  // Its admin and the new backlog tie it to channel40.
  ev.push_back(Entity("telegram:channel50", EntityKind::kChannel, born, "Garden Chess Club",
                      "telegram:user1"));
  for (int i = 0; i < 4; ++i) {
    ev.push_back(Post("telegram:channel50", i + 1, born + (i + 1) * kMin,
                      "new backlog entry " + std::to_string(i) + " in other words"));
  }
  auto ds = RunDetector(ev);
  const RegenDetection* d = Find(ds, "telegram:channel50");
  ASSERT_NE(d, nullptr) << Dump(ds);
  EXPECT_EQ(d->parent, "telegram:channel40");
  for (const RegenCandidate& c : d->candidates) EXPECT_NE(c.parent, "telegram:channel11");
  // The same after a save and restore between the two backlogs.
  EXPECT_EQ(Dump(RunSavedAndRestored(ev, later)), Dump(ds));
}

TEST(RegenDetector, ComparesOnlyWithWhatWasDownBefore) {
  std::vector<Event> ev;
  ev.push_back(Entity("telegram:channel10", EntityKind::kChannel, kT0, "Nova Digest"));
  // The look-alike exists before the takedown: not a regeneration of it.
  ev.push_back(Entity("telegram:channel11", EntityKind::kChannel, kT0 + kHour, "Nova Digest 2"));
  ev.push_back(TakedownEvent{"telegram:channel10", kT0 + 2 * kHour, "tos", "platform"});
  ev.push_back(Post("telegram:channel11", 1, kT0 + 3 * kHour, "some words that are long enough"));
  EXPECT_TRUE(RunDetector(ev).empty());
}

TEST(RegenDetector, ANewChannelWithNoTiesIsNotDetected) {
  std::vector<Event> ev;
  ev.push_back(Entity("telegram:user1", EntityKind::kUser, kT0, "Brak Tolum"));
  ev.push_back(Entity("telegram:user2", EntityKind::kUser, kT0, "Sela Moor"));
  ev.push_back(
      Entity("telegram:channel10", EntityKind::kChannel, kT0 + 1, "Nova Digest", "telegram:user1"));
  ev.push_back(Post("telegram:channel10", 1, kT0 + kHour, "a first release of the week here"));
  ev.push_back(TakedownEvent{"telegram:channel10", kT0 + 5 * kHour, "tos", "platform"});
  ev.push_back(Entity("telegram:channel30", EntityKind::kChannel, kT0 + 6 * kHour,
                      "Garden Chess Club", "telegram:user2"));
  ev.push_back(Post("telegram:channel30", 1, kT0 + 7 * kHour, "openings for the weekend club"));
  EXPECT_TRUE(RunDetector(ev).empty());
}

// A random world: lineages of channels and groups whose chats are taken down and replaced
// (named by numbering, homoglyphs, separators, emoji or an unrelated name), benign channels,
// accounts that join, posts that repeat, adverts with invite links.
std::vector<Event> RandomWorld(uint32_t seed) {
  std::mt19937 rng(seed);
  auto uni = [&](int n) { return static_cast<int>(rng() % static_cast<uint32_t>(n)); };
  static const char* kWords[] = {"Nova",   "Digest", "Lantern", "Weekly", "Harbor", "Echo",
                                 "Garden", "Chess",  "Atlas",   "Morrow", "Quill",  "Signal"};
  std::vector<Event> ev;
  int next_id = 100;
  int post_id = 1;
  struct Chat {
    std::string key, name, admin;
    int gen = 0;
    bool group = false;
    std::vector<std::string> posts;
  };
  std::vector<Chat> live;
  std::vector<std::string> admins;
  for (int i = 0; i < 6; ++i) {
    admins.push_back("telegram:user" + std::to_string(next_id++));
    ev.push_back(Entity(admins.back(), EntityKind::kUser, kT0,
                        std::string(kWords[uni(12)]) + " " + kWords[uni(12)]));
  }
  std::vector<std::string> users;
  for (int i = 0; i < 30; ++i) {
    users.push_back("telegram:user" + std::to_string(next_id++));
    ev.push_back(Entity(users.back(), EntityKind::kUser, kT0 + 1,
                        std::string(kWords[uni(12)]) + std::to_string(uni(900))));
  }
  auto new_chat = [&](TimeMs t, const std::string& name, const std::string& admin, bool group,
                      int gen) {
    Chat c;
    c.key = "telegram:channel" + std::to_string(next_id++);
    c.name = name;
    c.admin = admin;
    c.group = group;
    c.gen = gen;
    ev.push_back(Entity(c.key, group ? EntityKind::kGroup : EntityKind::kChannel, t, name, admin));
    ev.push_back(MemberEvent{c.key, admin, t, MemberAction::kCreator, ""});
    ev.push_back(InviteEvent{"t.me/+Inv" + std::to_string(next_id), c.key, t});
    return c;
  };
  for (int i = 0; i < 12; ++i) {
    live.push_back(new_chat(
        kT0 + 2, std::string(kWords[uni(12)]) + " " + kWords[uni(12)] + " " + kWords[uni(12)],
        admins[uni(6)], uni(3) == 0, 0));
  }
  TimeMs t = kT0 + kHour;
  for (int step = 0; step < 400; ++step) {
    t += 1 + uni(90) * kMin;
    const int what = uni(10);
    if (live.empty()) break;
    Chat& c = live[uni(static_cast<int>(live.size()))];
    if (what < 6) {
      std::string text =
          "post " + std::to_string(uni(60)) + " about " + kWords[uni(12)] + " and more words";
      MessageEvent m = Post(c.key, post_id++, t, text);
      if (c.group) m.from = users[uni(30)];
      if (uni(8) == 0)
        m.links.push_back("https://t.me/+Inv" + std::to_string(100 + uni(next_id - 100)));
      ev.push_back(m);
      c.posts.push_back(text);
      if (c.group && uni(3) == 0)
        ev.push_back(MemberEvent{c.key, users[uni(30)], t, MemberAction::kJoin, ""});
    } else if (what < 8) {
      // Taken down; replaced a few hours later, sometimes with an unrelated name.
      ev.push_back(TakedownEvent{c.key, t, "tos", "platform"});
      Chat old = c;
      c = live.back();
      live.pop_back();
      const TimeMs rt = t + (1 + uni(12)) * kHour;
      std::string name;
      switch (uni(5)) {
        case 0:
          name = old.name + " " + std::to_string(old.gen + 2);
          break;
        case 1:
          name = old.name + " \xE2\x9C\xA8";
          break;
        case 2:
          name = "\xD0\x9E" + old.name.substr(1);
          break;
        case 3:
          name = old.name + " | v" + std::to_string(old.gen + 2);
          break;
        default:
          name = std::string(kWords[uni(12)]) + " " + kWords[uni(12)] + " Club";
          break;
      }
      // Events after rt are generated later in the loop; keep time order by sorting at the end.
      Chat r = new_chat(rt, name, old.admin, old.group, old.gen + 1);
      int k = 0;
      for (auto it = old.posts.rbegin(); it != old.posts.rend() && k < 5; ++it, ++k) {
        ev.push_back(Post(r.key, post_id++, rt + (k + 1) * kMin, *it));
      }
      live.push_back(r);
    } else {
      live.push_back(new_chat(t, std::string(kWords[uni(12)]) + " " + kWords[uni(12)],
                              admins[uni(6)], uni(3) == 0, 0));
    }
  }
  std::stable_sort(ev.begin(), ev.end(),
                   [](const Event& a, const Event& b) { return EventTime(a) < EventTime(b); });
  return ev;
}

TEST(RegenDetector, RandomWorldFindsReplacements) {
  const auto ev = RandomWorld(7);
  const auto ds = RunDetector(ev);
  EXPECT_GT(ds.size(), 10u);
  for (const auto& d : ds) {
    EXPECT_FALSE(d.candidates.empty());
    EXPECT_EQ(d.candidates[0].parent, d.parent);
    EXPECT_GE(d.score, 0.5);
  }
}

TEST(RegenDetector, APrefixOfTheStreamGivesTheSameEarlyDetections) {
  for (uint32_t seed : {3u, 11u}) {
    const auto ev = RandomWorld(seed);
    const auto full = RunDetector(ev);
    ASSERT_FALSE(full.empty());
    const TimeMs first = EventTime(ev.front()), last = EventTime(ev.back());
    for (int k = 1; k <= 4; ++k) {
      const TimeMs cut = first + (last - first) * k / 5;
      std::vector<Event> prefix;
      for (const Event& e : ev) {
        if (EventTime(e) <= cut) prefix.push_back(e);
      }
      std::vector<RegenDetection> early;
      for (const auto& d : full) {
        if (d.detected_at <= cut) early.push_back(d);
      }
      EXPECT_EQ(Dump(RunDetector(prefix)), Dump(early)) << "seed " << seed << " cut " << cut;
    }
  }
}

// OnEvents looks ahead into the events it is given: in chunks of any size, it raises what OnEvent
// raises and leaves the same state.
TEST(RegenDetector, EventsFedInChunksAreAppliedAsOneByOne) {
  for (uint32_t seed : {3u, 11u}) {
    const auto ev = RandomWorld(seed);
    auto one = RegenDetector::Create();
    ASSERT_TRUE(one.ok());
    std::vector<RegenDetection> want;
    for (const Event& e : ev) {
      for (auto& d : (*one)->OnEvent(e)) want.push_back(std::move(d));
    }
    for (auto& d : (*one)->Flush()) want.push_back(std::move(d));
    std::string want_state;
    ASSERT_TRUE((*one)->SaveState(want_state).ok());
    ASSERT_FALSE(want.empty());
    for (size_t chunk : {size_t{1}, size_t{2}, size_t{5}, size_t{64}, ev.size()}) {
      auto det = RegenDetector::Create();
      ASSERT_TRUE(det.ok());
      std::vector<RegenDetection> got;
      for (size_t i = 0; i < ev.size(); i += chunk) {
        const size_t n = std::min(chunk, ev.size() - i);
        // A copy each time: the events of one call are gone by the next.
        const std::vector<Event> part(ev.begin() + static_cast<std::ptrdiff_t>(i),
                                      ev.begin() + static_cast<std::ptrdiff_t>(i + n));
        (*det)->OnEvents(part, got);
      }
      for (auto& d : (*det)->Flush()) got.push_back(std::move(d));
      EXPECT_EQ(Dump(got), Dump(want)) << "seed " << seed << " chunk " << chunk;
      std::string state;
      ASSERT_TRUE((*det)->SaveState(state).ok());
      EXPECT_EQ(state, want_state) << "seed " << seed << " chunk " << chunk;
    }
  }
}

TEST(RegenDetector, OrderWithinAMillisecondDoesNotMatter) {
  auto ev = RandomWorld(5);
  const auto want = Dump(RunDetector(ev));
  std::mt19937 rng(99);
  // Reverse and shuffle every run of equal times.
  for (size_t i = 0; i < ev.size();) {
    size_t j = i;
    while (j < ev.size() && EventTime(ev[j]) == EventTime(ev[i])) ++j;
    std::shuffle(ev.begin() + static_cast<std::ptrdiff_t>(i),
                 ev.begin() + static_cast<std::ptrdiff_t>(j), rng);
    i = j;
  }
  EXPECT_EQ(Dump(RunDetector(ev)), want);
}

TEST(RegenDetector, CountsLateEvents) {
  auto det = RegenDetector::Create();
  ASSERT_TRUE(det.ok());
  (*det)->OnEvent(Entity("telegram:channel1", EntityKind::kChannel, kT0 + kHour, "A"));
  (*det)->OnEvent(Entity("telegram:channel2", EntityKind::kChannel, kT0, "B"));
  EXPECT_EQ((*det)->stats().late_events, 1);
  EXPECT_EQ((*det)->stats().events, 2);
}

// A detector that goes on after a Flush (the global detector's checkpoints): an event of the
// millisecond it flushed comes too late to be evaluated with its batch, and is counted so;
// the next millisecond is not late.
TEST(RegenDetector, AnEventOfAFlushedMillisecondIsLate) {
  auto det = RegenDetector::Create();
  ASSERT_TRUE(det.ok());
  (*det)->OnEvent(Entity("telegram:channel1", EntityKind::kChannel, kT0, "A"));
  (*det)->Flush();
  (*det)->OnEvent(Entity("telegram:channel2", EntityKind::kChannel, kT0, "B"));
  EXPECT_EQ((*det)->stats().late_events, 1);
  (*det)->OnEvent(Entity("telegram:channel3", EntityKind::kChannel, kT0 + 1, "C"));
  (*det)->OnEvent(Entity("telegram:channel4", EntityKind::kChannel, kT0 + 1, "D"));
  EXPECT_EQ((*det)->stats().late_events, 1);
  // Flushing an empty detector seals nothing.
  auto fresh = RegenDetector::Create();
  ASSERT_TRUE(fresh.ok());
  (*fresh)->Flush();
  (*fresh)->OnEvent(Entity("telegram:channel1", EntityKind::kChannel, kT0, "A"));
  EXPECT_EQ((*fresh)->stats().late_events, 0);
}

TEST(RegenDetector, RejectsBadOptions) {
  RegenOptions o;
  o.threshold = 0;
  EXPECT_FALSE(RegenDetector::Create(o).ok());
  o = {};
  o.watch = 0;
  EXPECT_FALSE(RegenDetector::Create(o).ok());
}

// Stops a detector after the events up to `cut`, saves its state, restores it into a new one
// and feeds that the rest: the detections of both parts.
std::vector<RegenDetection> RunSavedAndRestored(const std::vector<Event>& events, TimeMs cut,
                                                RegenOptions opt) {
  auto det = RegenDetector::Create(opt);
  EXPECT_TRUE(det.ok());
  std::vector<RegenDetection> out;
  size_t i = 0;
  for (; i < events.size() && EventTime(events[i]) <= cut; ++i) {
    for (auto& d : (*det)->OnEvent(events[i])) out.push_back(std::move(d));
  }
  for (auto& d : (*det)->Flush()) out.push_back(std::move(d));
  std::string state;
  EXPECT_TRUE((*det)->SaveState(state).ok());
  const RegenStats before = (*det)->stats();
  det->reset();
  auto restored = RegenDetector::Restore(opt, state);
  EXPECT_TRUE(restored.ok()) << restored.status().ToString();
  if (!restored.ok()) return out;
  EXPECT_EQ((*restored)->stats().events, before.events);
  EXPECT_EQ((*restored)->stats().pairs_scored, before.pairs_scored);
  for (; i < events.size(); ++i) {
    for (auto& d : (*restored)->OnEvent(events[i])) out.push_back(std::move(d));
  }
  for (auto& d : (*restored)->Flush()) out.push_back(std::move(d));
  std::sort(out.begin(), out.end(), [](const RegenDetection& a, const RegenDetection& b) {
    return std::tie(a.detected_at, a.entity) < std::tie(b.detected_at, b.entity);
  });
  return out;
}

// What an ingest into an existing store relies on (enforce/stage.h): a detector restored from
// a saved state goes on exactly as the one that saved it, wherever the stream is cut.
TEST(RegenDetector, ARestoredStateGoesOnAsTheDetectorThatSavedIt) {
  RegenOptions names_only;
  names_only.name_only = true;
  for (uint32_t seed : {3u, 11u, 21u}) {
    const auto ev = RandomWorld(seed);
    const TimeMs first = EventTime(ev.front()), last = EventTime(ev.back());
    for (const RegenOptions& opt : {RegenOptions{}, names_only}) {
      const std::string want = Dump(RunDetector(ev, opt));
      ASSERT_GT(want.size(), 100u);
      for (int k = 0; k <= 5; ++k) {
        const TimeMs cut = first + (last - first) * k / 5;
        EXPECT_EQ(Dump(RunSavedAndRestored(ev, cut, opt)), want)
            << "seed " << seed << " cut " << k << "/5 name_only " << opt.name_only;
      }
    }
  }
}

TEST(RegenDetector, AStateIsSavedOnlyBetweenBatchesAndCheckedWhenRestored) {
  const auto ev = RandomWorld(4);
  auto det = RegenDetector::Create();
  ASSERT_TRUE(det.ok());
  for (const Event& e : ev) (*det)->OnEvent(e);
  std::string state;
  EXPECT_FALSE((*det)->SaveState(state).ok()) << "a batch is open";
  (*det)->Flush();
  ASSERT_TRUE((*det)->SaveState(state).ok());
  ASSERT_TRUE(RegenDetector::Restore({}, state).ok());
  // Other options: refused, so that a caller replays instead.
  RegenOptions other;
  other.threshold = 0.7;
  auto wrong = RegenDetector::Restore(other, state);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().code(), StatusCode::kInvalidArgument);
  // Every truncation is refused, and damaged bytes never crash it.
  for (size_t n = 0; n < state.size(); n += 1 + state.size() / 997) {
    auto cut = RegenDetector::Restore({}, std::string_view(state).substr(0, n));
    EXPECT_FALSE(cut.ok()) << "restored from the first " << n << " of " << state.size() << " bytes";
  }
  EXPECT_FALSE(RegenDetector::Restore({}, state + "x").ok()) << "trailing bytes";
  std::mt19937 rng(17);
  for (int k = 0; k < 300; ++k) {
    std::string bad = state;
    bad[rng() % bad.size()] = static_cast<char>(rng());
    auto r = RegenDetector::Restore({}, bad);
    if (r.ok()) {
      for (const Event& e : ev) (*r)->OnEvent(e);  // a state that parses is usable
      (*r)->Flush();
    }
  }
}

// Ingest (with the enforcement stage observing) and a replay of the store give the same
// detections, also when a second ingest continues an existing database.
TEST(RegenStage, IngestAndReplayAgree) {
  testing::TempDir dir;
  const auto ev = RandomWorld(21);
  const size_t half = ev.size() / 2;
  std::string a, b;
  // Split between milliseconds.
  size_t split = half;
  while (split < ev.size() && EventTime(ev[split]) == EventTime(ev[split - 1])) ++split;
  for (size_t i = 0; i < ev.size(); ++i) AppendEventJson(ev[i], i < split ? a : b);
  testing::WriteFile(dir.File("a.ndjson"), a);
  testing::WriteFile(dir.File("b.ndjson"), b);
  auto store = Store::Open(dir.File("s.db"));
  ASSERT_TRUE(store.ok());
  for (const char* f : {"a.ndjson", "b.ndjson"}) {
    auto stage = EnforceStage::Open(**store, {});
    ASSERT_TRUE(stage.ok()) << stage.status().ToString();
    IngestOptions opt;
    opt.observer = [&](const Event& e) { return (*stage)->OnEvent(e); };
    auto rep = Ingest(**store, {dir.File(f)}, opt);
    ASSERT_TRUE(rep.ok()) << rep.status().ToString();
    ASSERT_TRUE((*stage)->Finish().ok());
    EXPECT_EQ((*stage)->report().recomputed, "") << f;
    // The second went on from the detector the first saved, which had seen all of a.
    EXPECT_EQ((*stage)->report().resumed, f[0] == 'b') << f;
    EXPECT_EQ((*stage)->report().warmup_events, f[0] == 'b' ? static_cast<int64_t>(split) : 0);
  }
  auto stored = LoadDetections(**store);
  ASSERT_TRUE(stored.ok());
  auto replayed = ReplayDetections(**store, {});
  ASSERT_TRUE(replayed.ok());
  EXPECT_GT(stored->size(), 10u);
  EXPECT_EQ(Dump(*stored), Dump(*replayed));
  // And the same as the detector straight on the stream.
  EXPECT_EQ(Dump(*replayed), Dump(RunDetector(ev)));
  // Stream takedowns were mirrored into the ledger.
  Statement q(StoreHandle(*(*store)), "SELECT count(*) FROM ledger WHERE action = 'takedown'");
  ASSERT_TRUE(q.Step());
  Statement t(StoreHandle(*(*store)), "SELECT count(*) FROM takedowns WHERE action = 'takedown'");
  ASSERT_TRUE(t.Step());
  EXPECT_EQ(q.Int(0), t.Int(0));
  EXPECT_GT(q.Int(0), 0);
}

// Writes the random world of `seed` into `files` files p0.ndjson, p1.ndjson, ... of `dir`, cut
// in time order; its events.
std::vector<Event> WriteWorldInParts(const testing::TempDir& dir, uint32_t seed, size_t files) {
  const auto ev = RandomWorld(seed);
  std::vector<std::string> parts(files);
  for (size_t i = 0; i < ev.size(); ++i) {
    AppendEventJson(ev[i], parts[i * parts.size() / ev.size()]);
  }
  for (size_t p = 0; p < parts.size(); ++p) {
    testing::WriteFile(dir.File("p" + std::to_string(p) + ".ndjson"), parts[p]);
  }
  return ev;
}

// Runs one ingest of `file` through the enforcement stage (read again even when it was read
// whole before, as `cordon ingest --rescan` does); its report.
StageReport IngestWithStage(Store& store, const std::string& file, const StageOptions& so = {}) {
  auto stage = EnforceStage::Open(store, so);
  EXPECT_TRUE(stage.ok()) << stage.status().ToString();
  if (!stage.ok()) return {};
  IngestOptions opt;
  opt.skip_done_files = false;
  opt.observer = [&](const Event& e) { return (*stage)->OnEvent(e); };
  auto rep = Ingest(store, {file}, opt);
  EXPECT_TRUE(rep.ok()) << rep.status().ToString();
  EXPECT_TRUE((*stage)->Finish().ok());
  return (*stage)->report();
}

// The saved state is used only when it is the store's: not after events applied without the
// stage, not with other options, not when damaged. Each time the stage says why, replays, and
// the detections still equal a replay's.
TEST(RegenStage, ASavedStateThatIsNotTheStoresIsReplayedInstead) {
  testing::TempDir dir;
  WriteWorldInParts(dir, 12, 4);
  auto store = Store::Open(dir.File("s.db"));
  ASSERT_TRUE(store.ok());
  Store& s = **store;
  EXPECT_FALSE(IngestWithStage(s, dir.File("p0.ndjson")).resumed);
  // Events applied without the stage: the detections and the saved state are stale.
  ASSERT_TRUE(Ingest(s, {dir.File("p1.ndjson")}, {}).ok());
  StageReport r = IngestWithStage(s, dir.File("p2.ndjson"));
  EXPECT_FALSE(r.resumed);
  EXPECT_EQ(r.state_unusable, "");
  // Other options.
  StageOptions other;
  other.regen.threshold = 0.8;
  r = IngestWithStage(s, dir.File("p3.ndjson"), other);
  EXPECT_FALSE(r.resumed);
  EXPECT_NE(r.state_unusable.find("other options"), std::string::npos) << r.state_unusable;
  auto replay_other = ReplayDetections(s, other.regen);
  ASSERT_TRUE(replay_other.ok());
  auto stored = LoadDetections(s);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(Dump(*stored), Dump(*replay_other));
  // A damaged state.
  ASSERT_TRUE(Exec(StoreHandle(s), "UPDATE regen_state SET data = x'00ff'").ok());
  r = IngestWithStage(s, dir.File("p3.ndjson"), other);  // adds nothing, reads the state
  EXPECT_FALSE(r.resumed);
  EXPECT_NE(r.state_unusable, "");
  EXPECT_TRUE(r.state_saved);
  stored = LoadDetections(s);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(Dump(*stored), Dump(*replay_other));
  // And after that replay the state is saved again, and used. An ingest that adds nothing
  // (its transactions still advance the event version) does not write the state again, but it
  // stays usable.
  r = IngestWithStage(s, dir.File("p3.ndjson"), other);
  EXPECT_TRUE(r.resumed) << r.state_unusable;
  EXPECT_FALSE(r.state_saved);
  r = IngestWithStage(s, dir.File("p3.ndjson"), other);
  EXPECT_TRUE(r.resumed) << r.state_unusable;
  EXPECT_FALSE(r.state_saved);
}

// The saved state is restored on the detector's thread while the ingest goes on, after a
// check of its header alone. Bytes damaged past the header are found there: the events fed
// meanwhile are lost to it, so the detections are recomputed from a replay, and a new state
// is saved for the next ingest.
TEST(RegenStage, AStateDamagedPastItsHeaderIsReplayedAtTheEnd) {
  testing::TempDir dir;
  const auto ev = WriteWorldInParts(dir, 13, 3);
  auto store = Store::Open(dir.File("s.db"));
  ASSERT_TRUE(store.ok());
  Store& s = **store;
  EXPECT_TRUE(IngestWithStage(s, dir.File("p0.ndjson")).state_saved);
  ASSERT_TRUE(
      Exec(StoreHandle(s), "UPDATE regen_state SET data = substr(data, 1, length(data) - 9)").ok());
  StageReport r = IngestWithStage(s, dir.File("p1.ndjson"));
  EXPECT_FALSE(r.resumed);
  EXPECT_NE(r.state_unusable.find("truncated or damaged"), std::string::npos) << r.state_unusable;
  EXPECT_NE(r.recomputed, "");
  EXPECT_FALSE(r.stale);
  auto stored = LoadDetections(s);
  ASSERT_TRUE(stored.ok());
  auto replayed = ReplayDetections(s, {});
  ASSERT_TRUE(replayed.ok());
  EXPECT_EQ(Dump(*stored), Dump(*replayed));
  // The replay saved a good state: the next ingest goes on from it.
  r = IngestWithStage(s, dir.File("p2.ndjson"));
  EXPECT_TRUE(r.resumed) << r.state_unusable;
  EXPECT_EQ(r.recomputed, "");
  stored = LoadDetections(s);
  ASSERT_TRUE(stored.ok());
  EXPECT_GT(stored->size(), 4u);
  EXPECT_EQ(Dump(*stored), Dump(RunDetector(ev)));
}

TEST(RegenStage, ReplayUntilGivesTheEarlyDetections) {
  testing::TempDir dir;
  const auto ev = RandomWorld(8);
  auto store = Store::Open(dir.File("s.db"));
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Begin().ok());
  for (const Event& e : ev) ASSERT_TRUE((*store)->Apply(e).ok());
  ASSERT_TRUE((*store)->Commit().ok());
  auto all = ReplayDetections(**store, {});
  ASSERT_TRUE(all.ok());
  ASSERT_GT(all->size(), 4u);
  const TimeMs cut = (*all)[all->size() / 2].detected_at;
  auto early = ReplayDetections(**store, {}, cut);
  ASSERT_TRUE(early.ok());
  std::vector<RegenDetection> want;
  for (const auto& d : *all) {
    if (d.detected_at <= cut) want.push_back(d);
  }
  EXPECT_EQ(Dump(*early), Dump(want));
}

}  // namespace
}  // namespace cordon::enforce
