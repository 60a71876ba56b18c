// The ledger's renderings (ledger/ledger_text.h, referral_report_text.h).
#include "cordon/ledger/ledger_text.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "cordon/ledger/referral_report_text.h"
#include "cordon/util/time.h"

namespace cordon::ledger {
namespace {

TEST(LedgerText, TimeArgOrNow) {
  FixedClock clock(42);
  EXPECT_EQ(*TimeArgOrNow("", "--time", clock), 42);
  EXPECT_EQ(*TimeArgOrNow("1000", "--time", clock), 1000);
  auto bad = TimeArgOrNow("yesterday", "--now", clock);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "--now: not RFC 3339, YYYY-MM-DD or milliseconds: yesterday");
}

TEST(LedgerText, VerifyAgainstAnExpectedHead) {
  VerifyResult r;
  r.entries = 3;
  r.head = "abc";
  EXPECT_TRUE(CheckVerify(r, "").ok);
  EXPECT_TRUE(CheckVerify(r, "abc").ok);
  const VerifyVerdict v = CheckVerify(r, "def");
  EXPECT_FALSE(v.ok);
  EXPECT_NE(v.problem.find("head hash differs"), std::string::npos);
  EXPECT_EQ(
      VerifyJson(r, v).rfind(R"({"ok":false,"entries":3,"head":"abc","first_bad_seq":null)", 0),
      0u);
}

TEST(LedgerText, Lines) {
  Entry e;
  e.seq = 7;
  e.time = 0;
  e.action = "takedown";
  e.entity = "telegram:a";
  e.reason = "spam";
  e.source = "platform";
  e.decided_by = "me";
  // The layout `cordon ledger` printed with printf before.
  char want[512];
  std::snprintf(want, sizeof want, "%6lld  %s  %-17s %-34s %-22s %-11s by %s%s%s", 7LL,
                FormatRfc3339Ms(0).c_str(), "takedown", "telegram:a", "spam", "platform", "me", "",
                "");
  EXPECT_EQ(EntryLine(e), want);
  e.ref = "referral:R1";
  EXPECT_EQ(EntryLine(e), std::string(want) + "  referral:R1");
  Preserved p{"telegram:a", 0, 0, 12, true};
  std::snprintf(want, sizeof want, "%-40s down %s  until %s  %6lld messages%s", "telegram:a",
                FormatRfc3339Ms(0).c_str(), FormatRfc3339Ms(0).c_str(), 12LL, "  (purged)");
  EXPECT_EQ(PreservedLine(p), want);
}

TEST(ReferralText, Durations) {
  EXPECT_EQ(FormatDuration(42), "42 s");
  EXPECT_EQ(FormatDuration(210), "3.5 min");
  EXPECT_EQ(FormatDuration(4500), "1.25 h");
}

}  // namespace
}  // namespace cordon::ledger
