// The ledger's tables: rows in and out as stored, and errors that name the database.
#include "cordon/store/ledger_table.h"

#include <gtest/gtest.h>

#include "cordon/store/sqlite.h"
#include "test_util.h"

namespace cordon {
namespace {

class LedgerTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = Store::Open(dir_.File("ledger.db"));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }
  LedgerEntry Entry(int64_t seq, const std::string& action, const std::string& entity,
                    TimeMs time) {
    LedgerEntry e;
    e.seq = seq;
    e.time = time;
    e.recorded = time + 1;
    e.action = action;
    e.entity = entity;
    e.reason = "r" + std::to_string(seq);
    e.source = "platform";
    e.decided_by = "analyst";
    e.evidence = "{\"n\":" + std::to_string(seq) + "}";
    e.prev_hash = "p" + std::to_string(seq);
    e.hash = "h" + std::to_string(seq);
    return e;
  }
  void Insert(const LedgerEntry& e) {
    Status s = InsertLedgerEntry(*store_, e);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  void Apply(const Event& e) {
    Status s = store_->Apply(e);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(LedgerTableTest, EntriesRoundTripInSeqOrder) {
  auto empty = ReadLedgerTip(*store_);
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(empty->has_value());

  LedgerEntry a = Entry(1, "takedown", "telegram:channel1", 100);
  a.preserve_until = 5000;
  a.ref = "referral:7";
  Insert(a);
  Insert(Entry(2, "appeal", "telegram:channel1", 200));
  Insert(Entry(3, "takedown", "telegram:channel2", 300));
  // A seq already taken is refused.
  EXPECT_FALSE(InsertLedgerEntry(*store_, Entry(3, "watch", "telegram:channel3", 400)).ok());

  auto tip = ReadLedgerTip(*store_);
  ASSERT_TRUE(tip.ok() && tip->has_value());
  EXPECT_EQ((*tip)->seq, 3);
  EXPECT_EQ((*tip)->hash, "h3");

  auto all = ListLedgerEntries(*store_, {});
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 3u);
  const LedgerEntry& back = (*all)[0];
  EXPECT_EQ(back.seq, 1);
  EXPECT_EQ(back.time, 100);
  EXPECT_EQ(back.recorded, 101);
  EXPECT_EQ(back.action, "takedown");
  EXPECT_EQ(back.entity, "telegram:channel1");
  EXPECT_EQ(back.reason, "r1");
  EXPECT_EQ(back.source, "platform");
  EXPECT_EQ(back.decided_by, "analyst");
  EXPECT_EQ(back.evidence, "{\"n\":1}");
  EXPECT_EQ(back.ref, "referral:7");
  EXPECT_EQ(back.preserve_until, std::optional<TimeMs>(5000));
  EXPECT_EQ(back.prev_hash, "p1");
  EXPECT_EQ(back.hash, "h1");
  EXPECT_FALSE((*all)[1].preserve_until.has_value());

  LedgerFilter f;
  f.entity = "telegram:channel1";
  EXPECT_EQ(ListLedgerEntries(*store_, f)->size(), 2u);
  f.action = "appeal";
  ASSERT_EQ(ListLedgerEntries(*store_, f)->size(), 1u);
  EXPECT_EQ(ListLedgerEntries(*store_, f)->front().seq, 2);
  LedgerFilter window;
  window.since = 200;
  window.until = 300;
  EXPECT_EQ(ListLedgerEntries(*store_, window)->size(), 2u);
  window.limit = 1;
  ASSERT_EQ(ListLedgerEntries(*store_, window)->size(), 1u);
  EXPECT_EQ(ListLedgerEntries(*store_, window)->front().seq, 2);

  std::vector<int64_t> seen;
  ASSERT_TRUE(ForEachLedgerEntry(*store_, [&](const LedgerEntry& e) {
                seen.push_back(e.seq);
                return e.seq < 2;  // stops after the second
              }).ok());
  EXPECT_EQ(seen, (std::vector<int64_t>{1, 2}));

  EXPECT_TRUE(*LedgerHasDecision(*store_, "telegram:channel2", 300, "takedown"));
  EXPECT_FALSE(*LedgerHasDecision(*store_, "telegram:channel2", 301, "takedown"));
  EXPECT_FALSE(*LedgerHasDecision(*store_, "telegram:channel2", 300, "reinstate"));
}

TEST_F(LedgerTableTest, PreservationEntriesAreTheFourActions) {
  Insert(Entry(1, "takedown", "telegram:channel1", 100));
  Insert(Entry(2, "appeal", "telegram:channel1", 110));
  Insert(Entry(3, "preserve", "telegram:channel1", 120));
  Insert(Entry(4, "referral", "telegram:channel2", 130));
  Insert(Entry(5, "reinstate", "telegram:channel1", 140));
  Insert(Entry(6, "purge", "telegram:channel3", 150));
  auto got = ReadPreservationEntries(*store_);
  ASSERT_TRUE(got.ok());
  std::vector<int64_t> seqs;
  for (const LedgerEntry& e : *got) seqs.push_back(e.seq);
  EXPECT_EQ(seqs, (std::vector<int64_t>{1, 3, 5, 6}));
}

TEST_F(LedgerTableTest, DownSinceAndTakedownsAgainstTheLedger) {
  Apply(TakedownEvent{"telegram:channel1", 100, "tos", "referral"});
  Apply(ReinstateEvent{"telegram:channel1", 200, "appeal"});
  Apply(TakedownEvent{"telegram:channel1", 200, "again", ""});
  // At equal times the reinstatement is the later decision: up at 200.
  EXPECT_EQ(*EntityDownSince(*store_, "telegram:channel1", 150), std::optional<TimeMs>(100));
  EXPECT_FALSE(EntityDownSince(*store_, "telegram:channel1", 200)->has_value());
  EXPECT_FALSE(EntityDownSince(*store_, "telegram:channel1", 50)->has_value());
  EXPECT_FALSE(EntityDownSince(*store_, "telegram:channel9", 1000)->has_value());

  // The takedown at 100 is in the ledger; the other two rows are not.
  Insert(Entry(1, "takedown", "telegram:channel1", 100));
  Insert(Entry(2, "takedown", "telegram:channel2", 400));  // no takedowns row
  auto todo = TakedownsWithoutLedgerEntry(*store_);
  ASSERT_TRUE(todo.ok()) << todo.status().ToString();
  ASSERT_EQ(todo->size(), 2u);
  const auto* r = std::get_if<ReinstateEvent>(&(*todo)[0]);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->entity, "telegram:channel1");
  EXPECT_EQ(r->time, 200);
  EXPECT_EQ(r->reason, "appeal");
  const auto* t = std::get_if<TakedownEvent>(&(*todo)[1]);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->time, 200);
  EXPECT_EQ(t->reason, "again");
  EXPECT_EQ(t->source, "");

  auto orphans = DecisionsWithoutTakedownRow(*store_, 100);
  ASSERT_TRUE(orphans.ok());
  ASSERT_EQ(orphans->size(), 1u);
  EXPECT_EQ((*orphans)[0].seq, 2);
  EXPECT_EQ((*orphans)[0].entity, "telegram:channel2");
  EXPECT_TRUE(DecisionsWithoutTakedownRow(*store_, 0)->empty());
}

TEST_F(LedgerTableTest, CountsAndDeletesAnEntitysMessages) {
  EntityEvent known;
  known.key = "telegram:channel1";
  known.kind = EntityKind::kChannel;
  Apply(known);
  auto message = [](const std::string& key, const std::string& chat, const std::string& from) {
    MessageEvent m;
    m.key = key;
    m.chat = chat;
    m.from = from;
    m.time = 1000;
    m.text = "see https://example.org/" + key;
    m.links = {"https://example.org/" + key};
    m.media.push_back(Media{"photo", std::string(64, 'a'), "", "", ""});
    return m;
  };
  Apply(message("telegram:channel1/1", "telegram:channel1", "telegram:user1"));
  Apply(message("telegram:channel1/2", "telegram:channel1", "telegram:channel1"));
  Apply(message("telegram:channel2/1", "telegram:channel2", "telegram:channel1"));
  Apply(message("telegram:channel2/2", "telegram:channel2", "telegram:user2"));

  EXPECT_EQ(*CountEntityMessages(*store_, "telegram:channel1"), 3);
  EXPECT_EQ(*CountEntityMessages(*store_, "telegram:user2"), 1);
  EXPECT_EQ(*CountEntityMessages(*store_, "telegram:nobody"), 0);

  auto purged = DeleteEntityMessages(*store_, "telegram:channel1");
  ASSERT_TRUE(purged.ok()) << purged.status().ToString();
  EXPECT_EQ(purged->messages, 3);
  EXPECT_EQ(purged->media, 3);
  EXPECT_EQ(purged->links, 3);
  EXPECT_EQ(*CountEntityMessages(*store_, "telegram:channel1"), 0);
  EXPECT_EQ(*CountEntityMessages(*store_, "telegram:user2"), 1);
  auto again = DeleteEntityMessages(*store_, "telegram:channel1");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->messages, 0);

  EXPECT_TRUE(*IsKnownEntity(*store_, "telegram:channel1"));
  EXPECT_FALSE(*IsKnownEntity(*store_, "telegram:channel77"));
}

TEST_F(LedgerTableTest, AppealsRoundTrip) {
  AppealRow a;
  a.entity = "telegram:channel1";
  a.filed = 100;
  a.filed_by = "owner";
  a.reason = "mistake";
  a.status = "open";
  auto id1 = InsertAppeal(*store_, a);
  ASSERT_TRUE(id1.ok()) << id1.status().ToString();
  a.entity = "telegram:channel2";
  auto id2 = InsertAppeal(*store_, a);
  ASSERT_TRUE(id2.ok());
  EXPECT_NE(*id1, *id2);

  auto found = FindAppeal(*store_, *id1);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->id, *id1);
  EXPECT_EQ((*found)->entity, "telegram:channel1");
  EXPECT_EQ((*found)->filed, 100);
  EXPECT_EQ((*found)->filed_by, "owner");
  EXPECT_EQ((*found)->reason, "mistake");
  EXPECT_EQ((*found)->status, "open");
  EXPECT_FALSE((*found)->decided.has_value());
  EXPECT_FALSE(FindAppeal(*store_, 999)->has_value());
  EXPECT_EQ(*OpenAppealOf(*store_, "telegram:channel1"), std::optional<int64_t>(*id1));

  AppealRow decided = **found;
  decided.status = "denied";
  decided.decided = 500;
  decided.decided_by = "reviewer";
  decided.decision = "upheld";
  ASSERT_TRUE(UpdateAppealDecision(*store_, decided).ok());
  auto after = FindAppeal(*store_, *id1);
  EXPECT_EQ((*after)->status, "denied");
  EXPECT_EQ((*after)->decided, std::optional<TimeMs>(500));
  EXPECT_EQ((*after)->decided_by, "reviewer");
  EXPECT_EQ((*after)->decision, "upheld");
  EXPECT_FALSE(OpenAppealOf(*store_, "telegram:channel1")->has_value());

  EXPECT_EQ(ListAppeals(*store_, "")->size(), 2u);
  auto open = ListAppeals(*store_, "open");
  ASSERT_EQ(open->size(), 1u);
  EXPECT_EQ((*open)[0].id, *id2);
  EXPECT_EQ(ListAppeals(*store_, "denied")->size(), 1u);
}

TEST_F(LedgerTableTest, ErrorsNameTheDatabase) {
  ASSERT_TRUE(Exec(StoreHandle(*store_), "DROP TABLE appeals; DROP TABLE ledger").ok());
  for (const Status& s : {ListAppeals(*store_, "").status(), ReadLedgerTip(*store_).status(),
                          InsertLedgerEntry(*store_, Entry(1, "watch", "telegram:channel1", 1)),
                          LedgerHasDecision(*store_, "telegram:channel1", 1, "watch").status()}) {
    EXPECT_FALSE(s.ok());
    EXPECT_NE(s.where().file.find("ledger.db"), std::string::npos) << s.ToString();
  }
}

}  // namespace
}  // namespace cordon
