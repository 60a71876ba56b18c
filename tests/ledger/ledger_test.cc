#include "cordon/ledger/ledger.h"

#include <gtest/gtest.h>

#include "cordon/store/sqlite.h"
#include "cordon/util/time.h"
#include "test_util.h"

namespace cordon::ledger {
namespace {

constexpr TimeMs kT0 = 1574416800000;  // 2019-11-22T10:00:00Z
constexpr TimeMs kHour = 3600 * 1000;

class LedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = Store::Open(dir_.File("l.db"));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    ledger_ = std::make_unique<Ledger>(*store_, &clock_);
  }
  TakedownRequest Req(const std::string& entity, TimeMs t) {
    TakedownRequest r;
    r.entity = entity;
    r.time = t;
    r.reason = "terrorist_content";
    r.decided_by = "analyst1";
    return r;
  }
  void Exec(const std::string& sql) {
    ASSERT_TRUE(cordon::Exec(StoreHandle(*store_), sql).ok()) << sql;
  }
  int64_t Count(const std::string& sql) {
    Statement q(StoreHandle(*store_), sql);
    return q.Step() ? q.Int(0) : -1;
  }

  testing::TempDir dir_;
  FixedClock clock_{kT0 + 10 * kHour};
  std::unique_ptr<Store> store_;
  std::unique_ptr<Ledger> ledger_;
};

TEST_F(LedgerTest, ChainsEntriesAndVerifies) {
  auto a = ledger_->Takedown(Req("telegram:channel1", kT0));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->seq, 1);
  EXPECT_EQ(a->prev_hash, std::string(kGenesisHash));
  EXPECT_EQ(a->hash, ChainHash(a->prev_hash, CanonicalJson(*a)));
  EXPECT_EQ(a->recorded, kT0 + 10 * kHour);
  auto b = ledger_->Takedown(Req("telegram:channel2", kT0 + kHour));
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->prev_hash, a->hash);
  auto v = ledger_->Verify();
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->ok) << v->problem;
  EXPECT_EQ(v->entries, 2);
  EXPECT_EQ(v->head, b->hash);
  EXPECT_TRUE(v->warnings.empty());
}

TEST_F(LedgerTest, TakedownLandsInTakedownsTableAndRefusesTwice) {
  ASSERT_TRUE(ledger_->Takedown(Req("telegram:channel1", kT0)).ok());
  EXPECT_EQ(Count("SELECT count(*) FROM takedowns WHERE entity='telegram:channel1' "
                  "AND action='takedown' AND source='platform'"),
            1);
  auto again = ledger_->Takedown(Req("telegram:channel1", kT0 + kHour));
  EXPECT_FALSE(again.ok());
  EXPECT_NE(again.status().message().find("already down"), std::string::npos);
  TakedownRequest bad = Req("telegram:channel9", kT0);
  bad.source = "rumour";
  EXPECT_FALSE(ledger_->Takedown(bad).ok());
  bad = Req("telegram:channel9", kT0);
  bad.reason = "";
  EXPECT_FALSE(ledger_->Takedown(bad).ok());
  bad = Req("telegram:channel9", kT0);
  bad.evidence = "{not json";
  EXPECT_FALSE(ledger_->Takedown(bad).ok());
  // Refused requests wrote nothing.
  EXPECT_EQ(Count("SELECT count(*) FROM ledger"), 1);
}

TEST_F(LedgerTest, DetectsAnEditedEntry) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(ledger_->Takedown(Req("telegram:channel" + std::to_string(i), kT0 + i)).ok());
  }
  Exec("UPDATE ledger SET reason = 'spam' WHERE seq = 3");
  auto v = ledger_->Verify();
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->ok);
  EXPECT_EQ(v->first_bad_seq, 3);
  EXPECT_NE(v->problem.find("edited"), std::string::npos);
}

TEST_F(LedgerTest, DetectsEditedEvidenceAndRecomputedHash) {
  TakedownRequest r = Req("telegram:channel1", kT0);
  r.evidence = R"({"messages":["telegram:channel1/5"]})";
  ASSERT_TRUE(ledger_->Takedown(r).ok());
  ASSERT_TRUE(ledger_->Takedown(Req("telegram:channel2", kT0 + 1)).ok());
  // Someone edits the evidence and even recomputes that entry's hash: the next entry's
  // prev_hash no longer matches.
  Exec("UPDATE ledger SET evidence = '{\"messages\":[]}' WHERE seq = 1");
  auto e1 = ledger_->List({.entity = "telegram:channel1"});
  ASSERT_TRUE(e1.ok());
  ASSERT_EQ(e1->size(), 1u);
  const std::string forged = ChainHash((*e1)[0].prev_hash, CanonicalJson((*e1)[0]));
  Exec("UPDATE ledger SET hash = '" + forged + "' WHERE seq = 1");
  auto v = ledger_->Verify();
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->ok);
  EXPECT_EQ(v->first_bad_seq, 2);
  EXPECT_NE(v->problem.find("prev_hash"), std::string::npos);
}

TEST_F(LedgerTest, DetectsADeletedEntry) {
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(ledger_->Takedown(Req("telegram:channel" + std::to_string(i), kT0 + i)).ok());
  }
  Exec("DELETE FROM ledger WHERE seq = 2");
  auto v = ledger_->Verify();
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->ok);
  EXPECT_EQ(v->first_bad_seq, 3);
  EXPECT_NE(v->problem.find("sequence gap"), std::string::npos);
}

TEST_F(LedgerTest, WarnsWhenTheTakedownsRowIsGone) {
  ASSERT_TRUE(ledger_->Takedown(Req("telegram:channel1", kT0)).ok());
  Exec("DELETE FROM takedowns");
  auto v = ledger_->Verify();
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->ok);  // the chain itself is intact
  ASSERT_EQ(v->warnings.size(), 1u);
  EXPECT_NE(v->warnings[0].find("no takedowns row"), std::string::npos);
}

TEST_F(LedgerTest, AppealsAndReinstatement) {
  ASSERT_TRUE(ledger_->Takedown(Req("telegram:channel7", kT0)).ok());
  EXPECT_FALSE(ledger_->FileAppeal("telegram:channel8", kT0, "owner", "mistake").ok());  // not down
  auto ap = ledger_->FileAppeal("telegram:channel7", kT0 + kHour, "owner", "a news channel");
  ASSERT_TRUE(ap.ok()) << ap.status().ToString();
  EXPECT_FALSE(ledger_->FileAppeal("telegram:channel7", kT0 + kHour, "owner", "again").ok());
  ReinstateRequest r;
  r.entity = "telegram:channel7";
  r.time = kT0 + 5 * kHour;
  r.reason = "appeal_upheld";
  r.decided_by = "reviewer2";
  r.appeal = ap->id;
  auto e = ledger_->Reinstate(r);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->ref, "appeal:" + std::to_string(ap->id));
  auto appeals = ledger_->Appeals();
  ASSERT_TRUE(appeals.ok());
  ASSERT_EQ(appeals->size(), 1u);
  EXPECT_EQ((*appeals)[0].status, "granted");
  EXPECT_EQ((*appeals)[0].decided_by, "reviewer2");
  auto down = ledger_->DownSince("telegram:channel7");
  ASSERT_TRUE(down.ok());
  EXPECT_FALSE(down->has_value());
  EXPECT_EQ(Count("SELECT count(*) FROM takedowns WHERE action='reinstate'"), 1);
  EXPECT_FALSE(ledger_->Reinstate(r).ok());  // not down any more
  // Taken down again later and the appeal denied.
  ASSERT_TRUE(ledger_->Takedown(Req("telegram:channel7", kT0 + 48 * kHour)).ok());
  auto ap2 = ledger_->FileAppeal("telegram:channel7", kT0 + 49 * kHour, "owner", "again");
  ASSERT_TRUE(ap2.ok());
  ASSERT_TRUE(ledger_->DenyAppeal(ap2->id, kT0 + 50 * kHour, "reviewer2", "same content").ok());
  EXPECT_FALSE(ledger_->DenyAppeal(ap2->id, kT0 + 50 * kHour, "reviewer2", "twice").ok());
  auto actions = ledger_->List();
  ASSERT_TRUE(actions.ok());
  std::vector<std::string> names;
  for (const auto& x : *actions) names.push_back(x.action);
  EXPECT_EQ(names, (std::vector<std::string>{"takedown", "appeal", "reinstate", "takedown",
                                             "appeal", "appeal_denied"}));
  EXPECT_TRUE(ledger_->Verify()->ok);
}

TEST_F(LedgerTest, PreservesForSixMonthsThenPurges) {
  // Content of the removed channel.
  ASSERT_TRUE(store_
                  ->Apply(MessageEvent{"telegram:channel3/1",
                                       "telegram:channel3",
                                       kT0 - kHour,
                                       "",
                                       "a post",
                                       {"https://t.me/x"},
                                       {Media{"photo", "ab", "", "", ""}}})
                  .ok());
  ASSERT_TRUE(store_
                  ->Apply(MessageEvent{
                      "telegram:channel4/1", "telegram:channel4", kT0 - kHour, "", "kept", {}, {}})
                  .ok());
  auto e = ledger_->Takedown(Req("telegram:channel3", kT0));
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(FormatRfc3339Ms(*e->preserve_until), "2020-05-22T10:00:00Z");
  auto p = ledger_->Preservation();
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->size(), 1u);
  EXPECT_EQ((*p)[0].messages, 1);
  // Before the end nothing is due; a hold extends it.
  auto due = ledger_->Purge(kT0 + 100 * 24 * kHour, "ops", false);
  ASSERT_TRUE(due.ok());
  EXPECT_TRUE(due->empty());
  ASSERT_TRUE(ledger_
                  ->Hold("telegram:channel3", *ParseRfc3339Ms("2020-08-01T00:00:00Z"), kT0 + kHour,
                         "legal", "authority request")
                  .ok());
  due = ledger_->Purge(*ParseRfc3339Ms("2020-06-01T00:00:00Z"), "ops", false);
  ASSERT_TRUE(due.ok());
  EXPECT_TRUE(due->empty());
  // Dry run reports and deletes nothing.
  const TimeMs later = *ParseRfc3339Ms("2020-08-02T00:00:00Z");
  due = ledger_->Purge(later, "ops", true);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ(Count("SELECT count(*) FROM messages"), 2);
  due = ledger_->Purge(later, "ops", false);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].messages, 1);
  EXPECT_EQ(Count("SELECT count(*) FROM messages"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM media"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM links"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM ledger WHERE action='purge'"), 1);
  due = ledger_->Purge(later + kHour, "ops", false);
  ASSERT_TRUE(due.ok());
  EXPECT_TRUE(due->empty());  // purged once
  EXPECT_TRUE(ledger_->Verify()->ok);
}

TEST_F(LedgerTest, MirrorsStreamTakedownsOnce) {
  // Takedowns that came from a platform stream, through the store only.
  ASSERT_TRUE(store_->Apply(TakedownEvent{"telegram:user5", kT0, "terrorist_bot", ""}).ok());
  ASSERT_TRUE(store_->Apply(TakedownEvent{"telegram:user6", kT0 + 1, "tos", "referral"}).ok());
  ASSERT_TRUE(store_->Apply(ReinstateEvent{"telegram:user5", kT0 + kHour, "error"}).ok());
  auto n = ledger_->SyncFromTakedowns();
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 3);
  auto again = ledger_->SyncFromTakedowns();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);
  auto m = ledger_->MirrorEvent(TakedownEvent{"telegram:user6", kT0 + 1, "tos", "referral"});
  ASSERT_TRUE(m.ok());
  EXPECT_FALSE(*m);
  auto list = ledger_->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].source, "platform");
  EXPECT_EQ((*list)[0].decided_by, "platform");
  EXPECT_EQ((*list)[1].source, "referral");
  EXPECT_EQ((*list)[2].action, "reinstate");
  EXPECT_TRUE(ledger_->Verify()->ok);
}

TEST(LedgerJson, CanonicalizeSortsAndIsIdempotent) {
  auto c = CanonicalizeJson(R"( {"b": [1, 2.5, {"z":null,"a":true}], "a": "x\"y", "n": -3} )");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(*c, R"({"a":"x\"y","b":[1,2.5,{"a":true,"z":null}],"n":-3})");
  auto again = CanonicalizeJson(*c);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *c);
  EXPECT_FALSE(CanonicalizeJson("{").ok());
  EXPECT_FALSE(CanonicalizeJson("").ok());
}

TEST(LedgerTime, AddMonthsClampsToMonthEnd) {
  EXPECT_EQ(FormatRfc3339Ms(AddMonths(*ParseRfc3339Ms("2019-08-31T12:00:00Z"), 6)),
            "2020-02-29T12:00:00Z");
  EXPECT_EQ(FormatRfc3339Ms(AddMonths(*ParseRfc3339Ms("2019-11-22T00:00:01Z"), 6)),
            "2020-05-22T00:00:01Z");
  EXPECT_EQ(FormatRfc3339Ms(AddMonths(*ParseRfc3339Ms("2019-03-31T00:00:00Z"), -1)),
            "2019-02-28T00:00:00Z");
  EXPECT_EQ(ParseTimeArg("1574416800000"), std::optional<TimeMs>(1574416800000));
  EXPECT_EQ(ParseTimeArg("2019-11-22T10:00:00Z"), std::optional<TimeMs>(1574416800000));
  EXPECT_FALSE(ParseTimeArg("yesterday").has_value());
  EXPECT_FALSE(ParseTimeArg("").has_value());
}

}  // namespace
}  // namespace cordon::ledger
