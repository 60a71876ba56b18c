// The strong-evidence rule of the regeneration detector (regen.h, RegenOptions::strong_evidence):
// two strong non-name signals detect whatever the name; a similar name alone does not.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "cordon/enforce/regen.h"
#include "cordon/model/evidence.h"

namespace cordon::enforce {
namespace {

constexpr TimeMs kT0 = 1572566400000;  // 2019-11-01
constexpr TimeMs kMin = 60 * 1000;
constexpr TimeMs kHour = 60 * kMin;

// Two PDQ hashes 6 bits apart: a perturbed copy of an avatar.
const char* const kAvatar = "f0e1d2c3b4a5968778695a4b3c2d1e0f0123456789abcdeffedcba9876543210";
const char* const kAvatarCopy = "f0e1d2c3b4a5968778695a4b3c2d1e0f0123456789abcdeffedcba987654321f";
// An unrelated avatar (far from both).
const char* const kOtherAvatar = "0f1e2d3c4b5a69788796a5b4c3d2e1f0fedcba98765432100123456789abcdef";

EntityEvent Entity(const std::string& key, EntityKind kind, TimeMs t, const std::string& name,
                   const std::string& creator = "", const char* avatar = nullptr) {
  EntityEvent e;
  e.key = key;
  e.kind = kind;
  e.time = t;
  e.name = name;
  e.created = t;
  if (!creator.empty()) e.creator = creator;
  if (avatar != nullptr) e.avatar_pdq = avatar;
  return e;
}

// A population of unrelated chats: nothing is unlikely by chance in a world of ten chats, so
// the rule needs a population for its nats to reach kStrongNats.
std::vector<Event> Population() {
  std::vector<Event> ev;
  for (int i = 0; i < 3000; ++i) {
    ev.push_back(Entity("telegram:channel" + std::to_string(1000 + i), EntityKind::kChannel,
                        kT0 - kHour, "Filler " + std::to_string(i)));
  }
  return ev;
}

// A channel run by user1 with an avatar, taken down; 20 hours later a channel with an
// unrelated name and a near-copy of the avatar appears, and an hour after its birth user1
// becomes its admin.
constexpr TimeMs kBorn = kT0 + 20 * kHour;
constexpr TimeMs kAdminAt = kBorn + kHour;

std::vector<Event> UnrelatedNameWorld() {
  std::vector<Event> ev = Population();
  ev.push_back(Entity("telegram:user1", EntityKind::kUser, kT0, "Brak Tolum"));
  ev.push_back(Entity("telegram:channel10", EntityKind::kChannel, kT0 + 1, "Nova Digest",
                      "telegram:user1", kAvatar));
  ev.push_back(TakedownEvent{"telegram:channel10", kT0 + 5 * kHour, "tos", "platform"});
  ev.push_back(Entity("telegram:channel20", EntityKind::kChannel, kBorn, "Garden Chess Club", "",
                      kAvatarCopy));
  ev.push_back(
      MemberEvent{"telegram:channel20", "telegram:user1", kAdminAt, MemberAction::kAdmin, ""});
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

TEST(RegenStrongEvidence, TwoStrongNonNameSignalsDetectWithAnUnrelatedName) {
  const auto ds = Detect(UnrelatedNameWorld());
  ASSERT_EQ(ds.size(), 1u) << Dump(ds);
  const RegenDetection& d = ds[0];
  EXPECT_EQ(d.entity, "telegram:channel20");
  EXPECT_EQ(d.parent, "telegram:channel10");
  EXPECT_GE(d.score, 0.5);
  // The name is unrelated: at most a trace of similarity.
  if (const Evidence* n = Signal(d, "name")) {
    EXPECT_LT(n->value.value_or(1), 0.3) << Dump(ds);
  }
  ASSERT_NE(Signal(d, "avatar"), nullptr);
  ASSERT_NE(Signal(d, "admins"), nullptr);
  // The evidence says how strong: the sum of the strong signals' nats, naming them.
  const Evidence* s = Signal(d, "strength");
  ASSERT_NE(s, nullptr) << Dump(ds);
  EXPECT_GE(s->value.value_or(0), 2 * kStrongNats);
  EXPECT_EQ(s->detail, "2 strong non-name signals: avatar, admins");
  // The evidence round-trips through its one JSON form.
  auto parsed = ParseEvidenceListJson(EvidenceListJson(d.evidence));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, d.evidence);
}

MessageEvent Post(const std::string& chat, TimeMs t, const std::string& text) {
  MessageEvent m;
  m.key = chat + "/" + std::to_string(t);
  m.chat = chat;
  m.time = t;
  m.text = text;
  return m;
}

// The rule's prior comes from how often new chats appear (StrongPrior in regen.cc). Here 20
// chats, all made long before: a shared admin, or a repost of the parent's post, is one pair in
// about 20 by chance (3 nats each, far short of a strong signal), but a chat born 20 hours after
// a takedown, where hardly any chat is new, is likely its successor, and the two signals
// together detect.
constexpr TimeMs kRepostAt = kAdminAt + kHour;
std::vector<Event> FewOldChatsWorld() {
  std::vector<Event> ev;
  for (int i = 0; i < 20; ++i) {
    EntityEvent e = Entity("telegram:channel" + std::to_string(1000 + i), EntityKind::kChannel,
                           kT0 - kHour, "Filler " + std::to_string(i));
    e.created = kT0 - 200 * 24 * kHour;
    ev.push_back(e);
  }
  const std::string post = "Weekly garden bulletin, edition seven: seedlings and frost dates";
  ev.push_back(Entity("telegram:user1", EntityKind::kUser, kT0, "Brak Tolum"));
  ev.push_back(
      Entity("telegram:channel10", EntityKind::kChannel, kT0 + 1, "Nova Digest", "telegram:user1"));
  ev.push_back(Post("telegram:channel10", kT0 + 2 * kHour, post));
  ev.push_back(TakedownEvent{"telegram:channel10", kT0 + 5 * kHour, "tos", "platform"});
  ev.push_back(Entity("telegram:channel20", EntityKind::kChannel, kBorn, "Garden Chess Club"));
  ev.push_back(
      MemberEvent{"telegram:channel20", "telegram:user1", kAdminAt, MemberAction::kAdmin, ""});
  ev.push_back(Post("telegram:channel20", kRepostAt, post));
  return ev;
}

TEST(RegenStrongEvidence, WeakerSignalsDetectWhereNewChatsAreRare) {
  const auto ev = FewOldChatsWorld();
  const auto ds = Detect(ev);
  ASSERT_EQ(ds.size(), 1u) << Dump(ds);
  EXPECT_EQ(ds[0].entity, "telegram:channel20");
  EXPECT_EQ(ds[0].parent, "telegram:channel10");
  EXPECT_EQ(ds[0].detected_at, kRepostAt);
  ASSERT_NE(Signal(ds[0], "admins"), nullptr) << Dump(ds);
  ASSERT_NE(Signal(ds[0], "content"), nullptr) << Dump(ds);
  EXPECT_EQ(Signal(ds[0], "strength"), nullptr) << Dump(ds);  // neither is strong alone
  RegenOptions opt;
  opt.strong_evidence = false;
  EXPECT_TRUE(Detect(ev, opt).empty()) << Dump(Detect(ev, opt));
  auto one = ev;
  one.pop_back();  // no repost: the shared admin alone
  EXPECT_TRUE(Detect(one).empty()) << Dump(Detect(one));
}

TEST(RegenStrongEvidence, TheLogisticModelAloneMissesIt) {
  RegenOptions opt;
  opt.strong_evidence = false;
  EXPECT_TRUE(Detect(UnrelatedNameWorld(), opt).empty());
}

TEST(RegenStrongEvidence, OneStrongSignalIsNotEnough) {
  auto ev = UnrelatedNameWorld();
  ev.pop_back();  // no admin: the avatar copy alone
  EXPECT_TRUE(Detect(ev).empty());
}

TEST(RegenStrongEvidence, ASimilarNameAloneDoesNotDetect) {
  std::vector<Event> ev = Population();
  ev.push_back(Entity("telegram:user1", EntityKind::kUser, kT0, "Brak Tolum"));
  ev.push_back(Entity("telegram:user2", EntityKind::kUser, kT0, "Sela Moor"));
  ev.push_back(Entity("telegram:channel10", EntityKind::kChannel, kT0 + 1, "Nova Digest",
                      "telegram:user1", kAvatar));
  ev.push_back(TakedownEvent{"telegram:channel10", kT0 + 5 * kHour, "tos", "platform"});
  // A benign look-alike: a similar name, someone else's, its own avatar.
  ev.push_back(Entity("telegram:channel20", EntityKind::kChannel, kBorn, "Nova Digest Daily",
                      "telegram:user2", kOtherAvatar));
  EXPECT_TRUE(Detect(ev).empty()) << Dump(Detect(ev));
}

TEST(RegenStrongEvidence, RequireNonNameGatesANameOnlyDetection) {
  std::vector<Event> ev = Population();
  ev.push_back(Entity("telegram:user1", EntityKind::kUser, kT0, "Brak Tolum"));
  ev.push_back(TakedownEvent{"telegram:user1", kT0 + kHour, "tos", "platform"});
  ev.push_back(Entity("telegram:user2", EntityKind::kUser, kT0 + 5 * kHour, "Brak Tolum v2"));
  ASSERT_EQ(Detect(ev).size(), 1u);  // an equal name: the model detects it
  RegenOptions opt;
  opt.require_non_name = true;
  EXPECT_TRUE(Detect(ev, opt).empty());
  // With two strong non-name signals the gate lets the detection through.
  ASSERT_EQ(Detect(UnrelatedNameWorld(), opt).size(), 1u);
}

TEST(RegenStrongEvidence, DetectionUsesOnlyEventsUpToItsTime) {
  const auto ev = UnrelatedNameWorld();
  const auto ds = Detect(ev);
  ASSERT_EQ(ds.size(), 1u);
  // Raised when the second strong signal (the admin) arrived, not before.
  EXPECT_EQ(ds[0].detected_at, kAdminAt);
  // A prefix cut just before it detects nothing; one cut at it, the same detection.
  std::vector<Event> before, upto;
  for (const Event& e : ev) {
    if (EventTime(e) < kAdminAt) before.push_back(e);
    if (EventTime(e) <= kAdminAt) upto.push_back(e);
  }
  EXPECT_TRUE(Detect(before).empty());
  EXPECT_EQ(Dump(Detect(upto)), Dump(ds));
  // Later events (a look-alike of another's, more posts) do not change it.
  auto more = ev;
  more.push_back(Entity("telegram:channel30", EntityKind::kChannel, kAdminAt + kHour,
                        "Nova Digest Daily", "", kOtherAvatar));
  const auto ds2 = Detect(more);
  ASSERT_FALSE(ds2.empty());
  EXPECT_EQ(Dump({ds2[0]}), Dump(ds));
}

}  // namespace
}  // namespace cordon::enforce
