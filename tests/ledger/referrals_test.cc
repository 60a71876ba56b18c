#include "cordon/ledger/referrals.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace cordon::ledger {
namespace {

constexpr TimeMs kT0 = 1574416800000;
constexpr TimeMs kMin = 60 * 1000;

class ReferralsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = Store::Open(dir_.File("r.db"));
    ASSERT_TRUE(s.ok());
    store_ = std::move(*s);
    ledger_ = std::make_unique<Ledger>(*store_, &clock_);
    refs_ = std::make_unique<Referrals>(*ledger_, *store_);
  }
  Referral Make(const std::string& id, const std::string& kind, const std::string& entity,
                TimeMs received) {
    Referral r;
    r.id = id;
    r.kind = kind;
    r.entity = entity;
    r.unit = "iru";
    r.reason = "terrorist_content";
    r.received = received;
    return r;
  }

  testing::TempDir dir_;
  FixedClock clock_{kT0};
  std::unique_ptr<Store> store_;
  std::unique_ptr<Ledger> ledger_;
  std::unique_ptr<Referrals> refs_;
};

TEST_F(ReferralsTest, RemovalOrderHasAOneHourDeadline) {
  auto r = refs_->Add(Make("RO-1", "removal_order", "telegram:channel1", kT0), "desk");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(r->deadline.has_value());
  EXPECT_EQ(*r->deadline, kT0 + 60 * kMin);
  EXPECT_FALSE(r->Overdue(kT0 + 59 * kMin));
  EXPECT_TRUE(r->Overdue(kT0 + 61 * kMin));
  auto plain = refs_->Add(Make("REF-1", "referral", "telegram:channel2", kT0), "desk");
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->deadline.has_value());
  EXPECT_FALSE(plain->Overdue(kT0 + 1000 * kMin));
  EXPECT_FALSE(refs_->Add(Make("RO-1", "removal_order", "telegram:channel3", kT0), "desk").ok());
  EXPECT_FALSE(refs_->Add(Make("X", "memo", "telegram:channel3", kT0), "desk").ok());
}

TEST_F(ReferralsTest, ActingTakesDownThroughTheLedger) {
  ASSERT_TRUE(refs_->Add(Make("RO-1", "removal_order", "telegram:channel1", kT0), "desk").ok());
  auto r = refs_->Act("RO-1", kT0 + 20 * kMin, "analyst", true);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, "actioned");
  EXPECT_FALSE(r->Overdue(kT0 + 5000 * kMin));
  auto down = ledger_->DownSince("telegram:channel1");
  ASSERT_TRUE(down.ok());
  EXPECT_EQ(down->value_or(0), kT0 + 20 * kMin);
  auto entries = ledger_->List();
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 3u);
  EXPECT_EQ((*entries)[0].action, "referral");
  EXPECT_EQ((*entries)[1].action, "takedown");
  EXPECT_EQ((*entries)[1].source, "referral");
  EXPECT_EQ((*entries)[1].ref, "referral:RO-1");
  EXPECT_EQ((*entries)[2].action, "referral_actioned");
  EXPECT_FALSE(refs_->Act("RO-1", kT0 + 30 * kMin, "analyst", true).ok());  // closed
  EXPECT_FALSE(refs_->Act("nope", kT0, "analyst", true).ok());
  EXPECT_TRUE(ledger_->Verify()->ok);
}

TEST_F(ReferralsTest, ReportsTimeToActionAndOverdue) {
  // Five orders actioned after 10, 20, 30, 50 and 90 minutes; one open past its hour; one
  // referral rejected; one referral actioned after a day.
  const int minutes[] = {10, 20, 30, 50, 90};
  for (int i = 0; i < 5; ++i) {
    const std::string id = "RO-" + std::to_string(i);
    ASSERT_TRUE(
        refs_->Add(Make(id, "removal_order", "telegram:channel" + std::to_string(i), kT0), "desk")
            .ok());
    ASSERT_TRUE(refs_->Act(id, kT0 + minutes[i] * kMin, "analyst", true).ok());
  }
  ASSERT_TRUE(refs_->Add(Make("RO-open", "removal_order", "telegram:channel9", kT0), "desk").ok());
  ASSERT_TRUE(refs_->Add(Make("REF-a", "referral", "telegram:channel10", kT0), "desk").ok());
  ASSERT_TRUE(refs_->Reject("REF-a", kT0 + kMin, "analyst", "news reporting").ok());
  ASSERT_TRUE(refs_->Add(Make("REF-b", "referral", "telegram:channel11", kT0), "desk").ok());
  ASSERT_TRUE(refs_->Act("REF-b", kT0 + 24 * 60 * kMin + kMin, "analyst", true).ok());
  auto rep = refs_->Report(kT0 + 120 * kMin);
  ASSERT_TRUE(rep.ok());
  EXPECT_EQ(rep->total, 8);
  EXPECT_EQ(rep->open, 1);
  EXPECT_EQ(rep->actioned, 6);
  EXPECT_EQ(rep->rejected, 1);
  EXPECT_EQ(rep->overdue_open, 1);
  EXPECT_EQ(rep->late, 1);  // the 90-minute order
  EXPECT_EQ(rep->orders, 6);
  EXPECT_EQ(rep->orders_actioned, 5);
  EXPECT_EQ(rep->orders_late, 1);
  EXPECT_DOUBLE_EQ(rep->orders_median_s, 30 * 60);
  EXPECT_DOUBLE_EQ(rep->within_deadline, 4.0 / 5.0);
  EXPECT_DOUBLE_EQ(rep->min_s, 600);
  EXPECT_DOUBLE_EQ(rep->max_s, 24 * 3600 + 60);
  // <15m: 10; 15-30m: 20; 30-60m: 30, 50; 1-2h: 90; >24h: one day.
  EXPECT_EQ(rep->histogram[0].second, 1);
  EXPECT_EQ(rep->histogram[1].second, 1);
  EXPECT_EQ(rep->histogram[2].second, 2);
  EXPECT_EQ(rep->histogram[3].second, 1);
  EXPECT_EQ(rep->histogram[4].second, 0);
  EXPECT_EQ(rep->histogram[5].second, 1);
  auto list = refs_->List("open");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].id, "RO-open");
}

}  // namespace
}  // namespace cordon::ledger
