// The referrals table: rows in and out as stored.
#include "cordon/store/referral_table.h"

#include <gtest/gtest.h>

#include "cordon/store/sqlite.h"
#include "test_util.h"

namespace cordon {
namespace {

TEST(ReferralTableTest, RowsRoundTripAndUpdate) {
  testing::TempDir dir;
  auto store = Store::Open(dir.File("referrals.db"));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  Store& s = **store;

  ReferralRow order;
  order.id = "irua-2";
  order.kind = "removal_order";
  order.entity = "telegram:channel1";
  order.unit = "IRU";
  order.reason = "terrorist_content";
  order.received = 2000;
  order.deadline = 2000 + 3600 * 1000;
  ASSERT_TRUE(InsertReferral(s, order).ok());
  ReferralRow plain;
  plain.id = "irua-1";
  plain.entity = "telegram:channel2";
  plain.unit = "IRU";
  plain.received = 1000;
  plain.note = "by mail";
  ASSERT_TRUE(InsertReferral(s, plain).ok());
  EXPECT_FALSE(InsertReferral(s, plain).ok());  // the id is taken

  auto got = FindReferral(s, "irua-2");
  ASSERT_TRUE(got.ok() && got->has_value()) << got.status().ToString();
  EXPECT_EQ((*got)->kind, "removal_order");
  EXPECT_EQ((*got)->entity, "telegram:channel1");
  EXPECT_EQ((*got)->unit, "IRU");
  EXPECT_EQ((*got)->reason, "terrorist_content");
  EXPECT_EQ((*got)->received, 2000);
  EXPECT_EQ((*got)->deadline, order.deadline);
  EXPECT_EQ((*got)->status, "open");
  EXPECT_FALSE((*got)->actioned.has_value());
  EXPECT_EQ((*got)->note, "");
  EXPECT_FALSE(FindReferral(s, "nosuch")->has_value());

  // Listed by time received.
  auto all = ListReferrals(s, "");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, "irua-1");
  EXPECT_EQ((*all)[0].note, "by mail");
  EXPECT_FALSE((*all)[0].deadline.has_value());

  ReferralRow done = **got;
  done.status = "rejected";
  done.actioned = 5000;
  done.note = "not terrorist content";
  ASSERT_TRUE(UpdateReferralStatus(s, done).ok());
  auto after = FindReferral(s, "irua-2");
  EXPECT_EQ((*after)->status, "rejected");
  EXPECT_EQ((*after)->actioned, std::optional<TimeMs>(5000));
  EXPECT_EQ((*after)->note, "not terrorist content");
  EXPECT_EQ(ListReferrals(s, "open")->size(), 1u);
  EXPECT_EQ(ListReferrals(s, "rejected")->front().id, "irua-2");

  ASSERT_TRUE(Exec(StoreHandle(s), "DROP TABLE referrals").ok());
  Status e = ListReferrals(s, "").status();
  EXPECT_FALSE(e.ok());
  EXPECT_NE(e.where().file.find("referrals.db"), std::string::npos) << e.ToString();
}

}  // namespace
}  // namespace cordon
