// The typed reads and writes under store/ that the later stages use instead of SQL: the replay
// and message reader, the network's rows, the detection table, policy and analysis queries.
#include <gtest/gtest.h>

#include <algorithm>

#include "cordon/store/analysis_queries.h"
#include "cordon/store/detection_table.h"
#include "cordon/store/network_rows.h"
#include "cordon/store/policy_queries.h"
#include "cordon/store/replay.h"
#include "cordon/store/sqlite.h"
#include "cordon/store/store.h"
#include "test_util.h"

namespace cordon {
namespace {

constexpr TimeMs kDay = 86400000;

class StoreQueries : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = Store::Open(dir_.File("q.db"));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }
  void Apply(const Event& e) { ASSERT_TRUE(store_->Apply(e).ok()); }
  // Rows the store has no Apply for (matches, ledger, referrals) are seeded directly.
  void Sql(const std::string& sql) { ASSERT_TRUE(Exec(StoreHandle(*store_), sql).ok()) << sql; }

  static MessageEvent Message(std::string key, std::string chat, TimeMs time) {
    MessageEvent m;
    m.key = std::move(key);
    m.chat = std::move(chat);
    m.time = time;
    return m;
  }
  static EntityEvent Entity(std::string key, EntityKind kind, TimeMs time, std::string name) {
    EntityEvent e;
    e.key = std::move(key);
    e.kind = kind;
    e.time = time;
    e.name = std::move(name);
    return e;
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreQueries, MessageReaderOrdersAndConvertsEveryField) {
  // Arrival order differs from key order within one millisecond.
  MessageEvent full = Message("telegram:channel1/9", "telegram:channel1", 5000);
  full.from = "telegram:user2";
  full.text = "hello";
  full.links = {"t.me/a", "t.me/b"};
  full.media = {Media{"photo", std::string(64, 'a'), "", "", "p.jpg"},
                Media{"video", "", "", "", ""}};
  full.forward = ForwardOrigin{"telegram:channel3", "telegram:channel3/1", "", 4000};
  full.views = 7;
  full.via_bot = "@bot";
  full.reply_to = "telegram:channel1/1";
  Apply(full);
  MessageEvent only_time = Message("telegram:channel1/1", "telegram:channel1", 5000);
  only_time.forward = ForwardOrigin{"", "", "", 4500};  // a forward known by its time alone
  Apply(only_time);
  Apply(Message("telegram:channel1/5", "telegram:channel1", 6000));
  Sql("INSERT INTO matches VALUES('telegram:channel1/9', 0, 'b', 'sha256', 'x', 2, NULL, "
      "'lbl', 'telegram:channel1', 5000), ('telegram:channel1/9', -1, 'a', 'text', 'y', 0, NULL, "
      "NULL, 'telegram:channel1', 5000)");

  for (MessageOrder order : {MessageOrder::kByKey, MessageOrder::kArrival}) {
    MessageReadOptions o;
    o.order = order;
    o.matches = true;
    auto reader = MessageReader::Open(*store_, o);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    std::vector<MessageEvent> got;
    std::vector<std::vector<KnownMatch>> matches;
    MessageEvent m;
    std::vector<KnownMatch> k;
    while ((*reader)->Next(&m, &k)) {
      got.push_back(m);
      matches.push_back(k);
    }
    ASSERT_TRUE((*reader)->status().ok()) << (*reader)->status().ToString();
    ASSERT_EQ(got.size(), 3u);
    const size_t f = order == MessageOrder::kByKey ? 1 : 0;  // index of `full`
    EXPECT_EQ(got[f].key, full.key);
    EXPECT_EQ(got[1 - f].key, only_time.key);
    EXPECT_EQ(got[2].key, "telegram:channel1/5");
    const MessageEvent& g = got[f];
    EXPECT_EQ(g.from, full.from);
    EXPECT_EQ(g.text, full.text);
    EXPECT_EQ(g.links, full.links);
    ASSERT_EQ(g.media.size(), 2u);
    EXPECT_EQ(g.media[0].kind, "photo");
    EXPECT_EQ(g.media[0].sha256, std::string(64, 'a'));
    EXPECT_EQ(g.media[0].path, "p.jpg");
    EXPECT_EQ(g.media[1].kind, "video");
    ASSERT_TRUE(g.forward.has_value());
    EXPECT_EQ(g.forward->chat, "telegram:channel3");
    EXPECT_EQ(g.forward->message, "telegram:channel3/1");
    EXPECT_EQ(g.forward->time, 4000);
    EXPECT_EQ(g.views, 7);
    EXPECT_EQ(g.via_bot, "@bot");
    EXPECT_EQ(g.reply_to, full.reply_to);
    ASSERT_TRUE(got[1 - f].forward.has_value());
    EXPECT_EQ(got[1 - f].forward->time, 4500);
    EXPECT_FALSE(got[2].forward.has_value());
    EXPECT_FALSE(got[2].views.has_value());
    ASSERT_EQ(matches[f].size(), 2u);
    EXPECT_EQ(matches[f][0].media_idx, -1);
    EXPECT_EQ(matches[f][0].bank, "a");
    EXPECT_EQ(matches[f][0].label, "");
    EXPECT_EQ(matches[f][1].media_idx, 0);
    EXPECT_EQ(matches[f][1].signal, "x");
    EXPECT_EQ(matches[f][1].distance, 2);
    EXPECT_EQ(matches[f][1].label, "lbl");
    EXPECT_TRUE(matches[2].empty());
  }
  MessageReadOptions until;
  until.until = 5000;
  auto reader = MessageReader::Open(*store_, until);
  ASSERT_TRUE(reader.ok());
  MessageEvent m;
  int n = 0;
  while ((*reader)->Next(&m)) ++n;
  EXPECT_EQ(n, 2);
  EXPECT_EQ(*CountMessages(*store_, 5000), 2);
  EXPECT_EQ(*CountMessages(*store_), 3);
}

TEST_F(StoreQueries, ReplayGivesEventsInTimeAndKindOrder) {
  Apply(Entity("telegram:channel1", EntityKind::kChannel, 1000, "one"));
  Apply(Message("telegram:channel1/1", "telegram:channel1", 1000));
  Apply(TakedownEvent{"telegram:channel1", 1000, "tos", "platform"});
  Apply(MemberEvent{"telegram:channel1", "telegram:user2", 1000, MemberAction::kAdmin, ""});
  Apply(InviteEvent{"t.me/+abc", "telegram:channel1", 1000});
  Apply(ReinstateEvent{"telegram:channel1", 2000, "appeal"});
  std::vector<size_t> kinds;
  ASSERT_TRUE(ReplayStore(*store_, [&](const Event& e) {
                kinds.push_back(e.index());
                return Status::Ok();
              }).ok());
  const std::vector<size_t> want = {
      Event(EntityEvent{}).index(),   Event(InviteEvent{}).index(),
      Event(MemberEvent{}).index(),   Event(MessageEvent{}).index(),
      Event(TakedownEvent{}).index(), Event(ReinstateEvent{}).index()};
  EXPECT_EQ(kinds, want);
  EXPECT_EQ(*CountReplayEvents(*store_), 6);
  EXPECT_EQ(*CountReplayEvents(*store_, 1000, false), 4);
  ReplayOptions o;
  o.messages = false;
  o.until = 1000;
  int n = 0;
  ASSERT_TRUE(ReplayStore(
                  *store_,
                  [&](const Event&) {
                    ++n;
                    return Status::Ok();
                  },
                  o)
                  .ok());
  EXPECT_EQ(n, 4);
  // fn's error stops the replay.
  Status st = ReplayStore(*store_, [](const Event&) { return Status::Internal("stop"); });
  EXPECT_EQ(st.code(), StatusCode::kInternal);
}

TEST_F(StoreQueries, NetworkRows) {
  EXPECT_EQ(LatestEventTime(*store_).status().code(), StatusCode::kNotFound);
  EntityEvent e = Entity("telegram:channel1", EntityKind::kChannel, 3000, "one");
  e.subscribers = 10;
  e.creator = "telegram:user9";
  e.created = 500;
  Apply(e);
  Apply(Message("telegram:channel2/1", "telegram:channel2", 1000));
  Apply(TakedownEvent{"telegram:channel2", 2000, "tos", ""});
  Apply(TakedownEvent{"telegram:channel2", 2500, "tos", ""});
  Apply(TakedownEvent{"telegram:channel1", 4000, "tos", ""});
  auto sightings = ReadEntitySightings(*store_, 3000);
  ASSERT_TRUE(sightings.ok());
  // channel2 was first seen as a message's chat, user9 as the creator.
  std::vector<std::string> keys;
  for (const EntityEvent& x : *sightings) keys.push_back(x.key);
  ASSERT_EQ(keys,
            (std::vector<std::string>{"telegram:channel1", "telegram:channel2", "telegram:user9"}));
  const EntityEvent& s = (*sightings)[0];
  EXPECT_EQ(s.key, "telegram:channel1");
  EXPECT_EQ(s.time, 3000);
  EXPECT_EQ(s.kind, EntityKind::kChannel);
  EXPECT_EQ(s.subscribers, 10);
  EXPECT_EQ(s.creator, "telegram:user9");
  EXPECT_EQ(s.created, 500);
  EXPECT_FALSE(s.name.has_value());
  EXPECT_EQ(ReadEntitySightings(*store_, 999)->size(), 0u);
  auto down = FirstTakedownsBetween(*store_, 0, 5000);
  ASSERT_TRUE(down.ok());
  EXPECT_EQ(*down, (std::vector<std::string>{"telegram:channel2", "telegram:channel1"}));
  EXPECT_TRUE(FirstTakedownsBetween(*store_, 0, 2000)->empty());
  EXPECT_EQ(*LatestEventTime(*store_), 4000);
}

TEST_F(StoreQueries, DetectionTableAndShadow) {
  DetectionRow a{"telegram:channel2", "telegram:channel1", 0.9, 200, "[]", "[]"};
  DetectionRow b{"telegram:channel3", "telegram:channel1", 0.7, 100, "[{\"signal\":\"x\"}]", "[]"};
  EXPECT_TRUE(*InsertDetection(*store_, a));
  EXPECT_TRUE(*InsertDetection(*store_, b));
  EXPECT_FALSE(*InsertDetection(*store_, a));  // one per entity
  auto rows = ReadDetections(*store_);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].entity, "telegram:channel3");  // by detected_at
  EXPECT_EQ((*rows)[0].evidence, b.evidence);
  EXPECT_DOUBLE_EQ((*rows)[1].score, 0.9);
  EXPECT_EQ(*DetectedEntities(*store_),
            (std::vector<std::string>{"telegram:channel2", "telegram:channel3"}));

  // The shadow starts empty, takes this connection's writes and leaves the file alone.
  ASSERT_TRUE(ShadowDetections(*store_).ok());
  EXPECT_TRUE(DetectedEntities(*store_)->empty());
  EXPECT_TRUE(*InsertDetection(*store_, DetectionRow{"telegram:channel4", "p", 1, 5, "[]", "[]"}));
  EXPECT_EQ(*DetectedEntities(*store_), (std::vector<std::string>{"telegram:channel4"}));
  ASSERT_TRUE(ShadowDetections(*store_).ok());  // again: replaced, empty
  EXPECT_TRUE(DetectedEntities(*store_)->empty());
  {
    auto other = Store::Open(dir_.File("q.db"));
    ASSERT_TRUE(other.ok());
    EXPECT_EQ(DetectedEntities(**other)->size(), 2u);
    ASSERT_TRUE(DeleteDetections(**other).ok());
    EXPECT_TRUE(ReadDetections(**other)->empty());
  }
}

TEST_F(StoreQueries, RollbackUndoesTheTransaction) {
  ASSERT_TRUE(store_->Begin().ok());
  ASSERT_TRUE(InsertDetection(*store_, DetectionRow{"e", "p", 1, 5, "[]", "[]"}).ok());
  ASSERT_TRUE(store_->Rollback().ok());
  EXPECT_TRUE(DetectedEntities(*store_)->empty());
  // No transaction open: an error that names the database.
  Status st = store_->Rollback();
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.where().file.find("q.db"), std::string::npos) << st.ToString();
}

TEST_F(StoreQueries, PolicyQueries) {
  Apply(Entity("telegram:channel1", EntityKind::kGroup, 1000, "one"));
  Sql("INSERT INTO matches VALUES"
      "('m1', 0, 'a', 'pdq', 's1', 10, NULL, NULL, 'telegram:channel1', 100),"
      "('m2', 0, 'b', 'pdq', 's2', 40, NULL, NULL, 'telegram:channel1', 300),"
      "('m3', 0, 'a', 'pdq', 's1', 0, NULL, NULL, 'telegram:channel2', NULL),"
      "('m4', 0, 'a', 'pdq', 's1', 0, NULL, NULL, NULL, 50)");
  auto all = MatchesByChat(*store_, MatchFilter{});
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].chat, "telegram:channel1");
  EXPECT_EQ((*all)[0].messages, 2);
  EXPECT_EQ((*all)[0].min_distance, 10);
  EXPECT_EQ((*all)[0].last, 300);
  EXPECT_FALSE((*all)[1].last.has_value());
  auto near_a = MatchesByChat(*store_, MatchFilter{{"a", "c"}, 31});
  ASSERT_TRUE(near_a.ok());
  ASSERT_EQ(near_a->size(), 2u);
  EXPECT_EQ((*near_a)[0].messages, 1);
  EXPECT_EQ((*near_a)[0].banks, "a");
  EXPECT_EQ(*MatchedMessages(*store_, MatchFilter{}, "telegram:channel1", 10),
            (std::vector<std::string>{"m1", "m2"}));
  EXPECT_EQ(*MatchedMessages(*store_, MatchFilter{}, "telegram:channel1", 1),
            (std::vector<std::string>{"m1"}));
  EXPECT_EQ(*MatchedMessages(*store_, MatchFilter{{"b"}, -1}, "telegram:channel1", 10),
            (std::vector<std::string>{"m2"}));
  // The same messages as evidence of their closest match.
  Sql("INSERT INTO matches VALUES"
      "('m1', 1, 'b', 'sha256', 's9', 0, NULL, 'the label', 'telegram:channel1', 100)");
  auto ev = MatchedMessageEvidence(*store_, MatchFilter{}, "telegram:channel1", 10);
  ASSERT_TRUE(ev.ok()) << ev.status().ToString();
  ASSERT_EQ(ev->size(), 2u);
  EXPECT_EQ((*ev)[0], (Evidence{.signal = "match",
                                .refs = {"m1", "b/sha256/s9"},
                                .value = 0,
                                .time = 100,
                                .detail = "the label"}));
  EXPECT_EQ((*ev)[1].refs, (std::vector<std::string>{"m2", "b/pdq/s2"}));
  EXPECT_EQ((*ev)[1].value, 40);
  auto untimed = MatchedMessageEvidence(*store_, MatchFilter{}, "telegram:channel2", 10);
  ASSERT_TRUE(untimed.ok());
  ASSERT_EQ(untimed->size(), 1u);
  EXPECT_FALSE((*untimed)[0].time.has_value());

  auto kinds = StoredEntityKinds(*store_, {"telegram:channel1", "telegram:channel9"});
  ASSERT_TRUE(kinds.ok());
  EXPECT_EQ((*kinds)[0], EntityKind::kGroup);
  EXPECT_FALSE((*kinds)[1].has_value());

  EXPECT_FALSE(*LedgerHasEntry(*store_, "telegram:channel1", "review", "policy:r"));
  Sql("INSERT INTO ledger(time, recorded, action, entity, reason, source, decided_by, evidence, "
      "ref, prev_hash, hash) VALUES(1, 1, 'review', 'telegram:channel1', 'x', 'policy', 'me', "
      "'{}', 'policy:r', '', 'h')");
  EXPECT_TRUE(*LedgerHasEntry(*store_, "telegram:channel1", "review", "policy:r"));
  EXPECT_FALSE(*LedgerHasEntry(*store_, "telegram:channel1", "watch", "policy:r"));
}

TEST_F(StoreQueries, ImpactQueries) {
  // Two days; the first message is before the epoch, on day -1.
  Apply(Entity("telegram:channel1", EntityKind::kChannel, -10, "one"));
  Apply(Entity("telegram:channel2", EntityKind::kGroup, kDay + 5, "two"));
  Apply(Entity("telegram:user3", EntityKind::kUser, 0, "three"));
  MessageEvent m1 = Message("telegram:channel1/1", "telegram:channel1", -10);
  m1.views = 4;
  m1.links = {"https://matrix.to/#/#room:example.org"};
  Apply(m1);
  MessageEvent m2 = Message("telegram:channel1/2", "telegram:channel1", kDay + 10);
  m2.forward = ForwardOrigin{"", "", "Someone", std::nullopt};
  m2.views = 6;
  Apply(m2);
  Apply(Message("telegram:channel2/1", "telegram:channel2", kDay + 20));
  Apply(TakedownEvent{"telegram:channel1", kDay + 30, "tos", ""});
  Apply(TakedownEvent{"telegram:user3", kDay + 40, "tos", ""});
  Apply(ReinstateEvent{"telegram:user3", kDay + 50, ""});

  // No matches: the cohort is the chats taken down.
  auto cohort = BuildImpactCohort(*store_);
  ASSERT_TRUE(cohort.ok()) << cohort.status().ToString();
  EXPECT_EQ(cohort->how, "takedowns");
  EXPECT_EQ(cohort->chats, 1);

  auto span = MessageAndTakedownSpan(*store_);
  ASSERT_TRUE(span.ok() && span->has_value());
  EXPECT_EQ((*span)->first, -10);
  EXPECT_EQ((*span)->last, kDay + 50);

  auto posts = PostsPerDay(*store_);
  ASSERT_TRUE(posts.ok());
  std::sort(posts->begin(), posts->end(),
            [](const DayPosts& a, const DayPosts& b) { return a.day < b.day; });
  ASSERT_EQ(posts->size(), 2u);
  EXPECT_EQ((*posts)[0].day, -1);
  EXPECT_EQ((*posts)[0].views, 4);
  EXPECT_EQ((*posts)[1].day, 1);
  EXPECT_EQ((*posts)[1].posts, 2);
  EXPECT_EQ((*posts)[1].forwarded, 1);
  auto cohort_posts = CohortPostsPerDay(*store_);
  ASSERT_TRUE(cohort_posts.ok());
  int64_t cohort_total = 0;
  for (const DayPosts& p : *cohort_posts) cohort_total += p.posts;
  EXPECT_EQ(cohort_total, 2);  // channel1's only

  auto takedowns = TakedownsPerDay(*store_);
  ASSERT_TRUE(takedowns.ok());
  ASSERT_EQ(takedowns->size(), 1u);
  EXPECT_EQ((*takedowns)[0].day, 1);
  EXPECT_EQ((*takedowns)[0].count, 2);

  auto links = CrossPlatformLinksPerDay(*store_);
  ASSERT_TRUE(links.ok());
  ASSERT_EQ(links->size(), 1u);
  EXPECT_EQ((*links)[0].platform, "matrix");
  EXPECT_EQ((*links)[0].day, -1);

  ASSERT_TRUE(InsertDetection(*store_, DetectionRow{"telegram:channel2", "telegram:channel1", 0.8,
                                                    kDay + 60, "[]", "[]"})
                  .ok());
  auto activity = ReadCohortActivity(*store_, kDay, 2 * kDay);
  ASSERT_TRUE(activity.ok());
  EXPECT_EQ(activity->posts, 1);
  EXPECT_EQ(activity->forwarded, 1);
  EXPECT_EQ(activity->views, 6);
  EXPECT_EQ(activity->active_chats, 1);
  EXPECT_EQ(activity->new_chats, 0);  // channel1 was first seen the day before
  EXPECT_EQ(activity->takedowns, 2);
  EXPECT_EQ(activity->regenerations, 1);

  auto lifetimes = ChatLifetimes(*store_);
  ASSERT_TRUE(lifetimes.ok());
  ASSERT_EQ(lifetimes->size(), 2u);  // channels and groups only
  for (const ChatLifetime& c : *lifetimes) {
    if (c.key == "telegram:channel1") {
      EXPECT_EQ(c.born, -10);
      EXPECT_EQ(c.first_takedown, kDay + 30);
      EXPECT_TRUE(c.in_cohort);
    } else {
      EXPECT_EQ(c.key, "telegram:channel2");
      EXPECT_FALSE(c.first_takedown.has_value());
      EXPECT_FALSE(c.in_cohort);
    }
  }

  // With matches the cohort is the chats that carried known content, and the replacements.
  Sql("INSERT INTO matches VALUES"
      "('telegram:channel1/1', 0, 'b', 'pdq', 's', 0, NULL, 'L', 'telegram:channel1', 100),"
      "('telegram:channel1/2', 0, 'b', 'pdq', 's', 0, NULL, NULL, 'telegram:channel1', 50),"
      "('telegram:channel9/1', 0, 'b', 'pdq', 's', 0, NULL, NULL, 'telegram:channel9', 3700000),"
      "('telegram:channel9/2', 0, 'b', 'pdq', 't', 0, NULL, NULL, 'telegram:channel9', 10)");
  cohort = BuildImpactCohort(*store_);
  ASSERT_TRUE(cohort.ok());
  EXPECT_EQ(cohort->how, "matches");
  EXPECT_EQ(cohort->chats, 3);  // channel1, channel9 and the replacement channel2

  auto top = MostCarriedKnownItems(*store_, 20);
  ASSERT_TRUE(top.ok());
  ASSERT_EQ(top->size(), 2u);
  EXPECT_EQ((*top)[0].signal, "s");
  EXPECT_EQ((*top)[0].chats, 2);
  EXPECT_EQ((*top)[0].first, 50);
  EXPECT_EQ((*top)[0].label, "L");
  EXPECT_EQ((*top)[1].label, "");
  EXPECT_EQ(MostCarriedKnownItems(*store_, 1)->size(), 1u);
  auto firsts = FirstMatchPerChat(*store_, "b", "s");
  ASSERT_TRUE(firsts.ok());
  std::sort(firsts->begin(), firsts->end());
  EXPECT_EQ(*firsts, (std::vector<TimeMs>{50, 3700000}));
}

TEST_F(StoreQueries, ReportQueries) {
  EntityEvent child = Entity("telegram:channel2", EntityKind::kChannel, 1000, "child");
  child.created = 400;
  Apply(child);
  Apply(Entity("telegram:channel1", EntityKind::kChannel, 100, "parent"));
  ASSERT_TRUE(InsertDetection(*store_, DetectionRow{"telegram:channel2", "telegram:channel1", 0.8,
                                                    3600400, "[]", "[]"})
                  .ok());
  ASSERT_TRUE(InsertDetection(
                  *store_, DetectionRow{"unknown:x", "telegram:channel1", 0.6, 9000000, "[]", "[]"})
                  .ok());
  auto latest = LatestRegenerations(*store_, 30);
  ASSERT_TRUE(latest.ok());
  ASSERT_EQ(latest->size(), 2u);
  EXPECT_EQ((*latest)[0].entity, "unknown:x");  // latest first
  EXPECT_EQ((*latest)[0].entity_name, "");
  EXPECT_FALSE((*latest)[0].born.has_value());
  EXPECT_EQ((*latest)[1].entity_name, "child");
  EXPECT_EQ((*latest)[1].parent_name, "parent");
  EXPECT_EQ((*latest)[1].born, 400);
  EXPECT_EQ(LatestRegenerations(*store_, 1)->size(), 1u);
  auto ages = RegenerationAges(*store_);
  ASSERT_TRUE(ages.ok());
  ASSERT_EQ(ages->size(), 2u);
  for (const RegenAge& a : *ages) {
    if (a.kind.empty()) {
      EXPECT_FALSE(a.age.has_value());
    } else {
      EXPECT_EQ(a.kind, "channel");
      EXPECT_EQ(a.age, 3600000);
    }
  }

  EXPECT_TRUE(ReferralsByReceipt(*store_, 200)->empty());
  Sql("INSERT INTO referrals VALUES('r2', 'removal_order', 'e', 'u', 'r', 20, 80, 'actioned', 90, "
      "NULL), ('r1', 'referral', 'e', 'u', 'r', 10, NULL, 'open', NULL, NULL)");
  auto referrals = ReferralsByReceipt(*store_, 200);
  ASSERT_TRUE(referrals.ok());
  ASSERT_EQ(referrals->size(), 2u);
  EXPECT_EQ((*referrals)[0].id, "r1");
  EXPECT_FALSE((*referrals)[0].deadline.has_value());
  EXPECT_FALSE((*referrals)[0].actioned.has_value());
  EXPECT_EQ((*referrals)[1].kind, "removal_order");
  EXPECT_EQ((*referrals)[1].deadline, 80);
  EXPECT_EQ((*referrals)[1].actioned, 90);
  EXPECT_EQ(ReferralsByReceipt(*store_, 1)->size(), 1u);
}

TEST_F(StoreQueries, ErrorsNameTheDatabase) {
  // A table gone from under the store: every read fails with the database named.
  Sql("DROP TABLE matches");
  auto by_chat = MatchesByChat(*store_, MatchFilter{});
  ASSERT_FALSE(by_chat.ok());
  EXPECT_NE(by_chat.status().where().file.find("q.db"), std::string::npos);
  MessageReadOptions o;
  o.matches = true;
  EXPECT_FALSE(MessageReader::Open(*store_, o).ok());
  EXPECT_FALSE(BuildImpactCohort(*store_).ok());
  EXPECT_FALSE(MostCarriedKnownItems(*store_, 20).ok());
}

}  // namespace
}  // namespace cordon
