// Takedowns recorded by hand (ledger/takedown_import.h): CSV import and one at a time.
#include "cordon/ledger/takedown_import.h"

#include <gtest/gtest.h>

#include "cordon/ledger/referrals.h"
#include "test_util.h"

namespace cordon::ledger {
namespace {

class TakedownImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = Store::Open(dir_.File("t.db"));
    ASSERT_TRUE(s.ok());
    store_ = std::move(*s);
    ledger_ = std::make_unique<Ledger>(*store_, &clock_);
  }
  cordon::testing::TempDir dir_;
  FixedClock clock_{1700000000000};
  std::unique_ptr<Store> store_;
  std::unique_ptr<Ledger> ledger_;
};

TEST_F(TakedownImportTest, RecordsRowsOnceAndReportsProblems) {
  const std::string csv =
      "entity,time,reason\n"
      "telegram:a,1000,spam\n"
      "telegram:b,2000,\n"
      "nokey,3000,spam\n";
  auto r = ImportTakedowns(*store_, *ledger_, csv, "t.csv", "me", /*force=*/true);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->recorded, 1);
  EXPECT_EQ(r->already_recorded, 0);
  ASSERT_EQ(r->problems.size(), 2u);  // empty reason; a key without a platform
  auto list = ledger_->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].entity, "telegram:a");
  EXPECT_EQ((*list)[0].decided_by, "me");
  EXPECT_EQ((*list)[0].evidence, R"({"import":"t.csv","line":2})");

  auto again = ImportTakedowns(*store_, *ledger_, csv, "t.csv", "me", true);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->recorded, 0);
  EXPECT_EQ(again->already_recorded, 1);
}

TEST_F(TakedownImportTest, UnknownEntitiesNeedForce) {
  auto r = ImportTakedowns(*store_, *ledger_, "telegram:a,1000,spam\n", "t.csv", "me", false);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->recorded, 0);
  ASSERT_EQ(r->problems.size(), 1u);
  EXPECT_EQ(r->problems[0].first.line, 1);
}

TEST_F(TakedownImportTest, MissingFileIsAnError) {
  auto r = ImportTakedownFile(*store_, *ledger_, dir_.File("none.csv"), "me", true);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kIoError);
}

TEST_F(TakedownImportTest, EvidenceMergesMessages) {
  auto ev = TakedownEvidence(R"({"b":1,"a":2})", {"m1", "m2"});
  ASSERT_TRUE(ev.ok());
  EXPECT_EQ(*ev, R"({"a":2,"b":1,"messages":["m1","m2"]})");
  auto empty = TakedownEvidence("", {});
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, "{}");
  EXPECT_FALSE(TakedownEvidence("[1]", {}).ok());
}

TEST_F(TakedownImportTest, RecordOneAndActOnAReferral) {
  TakedownRequest req;
  req.entity = "telegram:a";
  req.time = 5000;
  req.reason = "spam";
  req.decided_by = "me";
  auto refused = RecordTakedown(*store_, *ledger_, req, "R1", true);
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->refused, "no referral R1");
  EXPECT_FALSE(refused->entry.has_value());

  ASSERT_TRUE(store_->Begin().ok());
  Referrals refs(*ledger_, *store_);
  Referral ref;
  ref.id = "R1";
  ref.entity = "telegram:b";
  ref.unit = "unit";
  ref.received = 1000;
  ASSERT_TRUE(refs.Add(ref, "me").ok());
  ASSERT_TRUE(store_->Commit().ok());
  auto other = RecordTakedown(*store_, *ledger_, req, "R1", true);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->refused, "referral R1 is about telegram:b");

  req.entity = "telegram:b";
  auto acted = RecordTakedown(*store_, *ledger_, req, "R1", true);
  ASSERT_TRUE(acted.ok()) << acted.status().ToString();
  ASSERT_TRUE(acted->entry.has_value());
  EXPECT_EQ(acted->entry->source, "referral");
  EXPECT_EQ(acted->entry->ref, "referral:R1");
  auto got = refs.Get("R1");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->status, "actioned");

  // A refused request leaves no transaction open behind it.
  auto bad = RecordTakedown(*store_, *ledger_, req, "", /*force=*/false);
  EXPECT_FALSE(bad.ok());
  EXPECT_TRUE(store_->Begin().ok());
  EXPECT_TRUE(store_->Commit().ok());
}

}  // namespace
}  // namespace cordon::ledger
