#include <gtest/gtest.h>

#include "cordon/util/time.h"

namespace cordon {
namespace {

TEST(CivilFromDays, KnownDates) {
  struct Case {
    int64_t days;
    int64_t y;
    unsigned m, d;
  };
  for (const Case& c :
       {Case{0, 1970, 1, 1}, Case{-1, 1969, 12, 31}, Case{59, 1970, 3, 1}, Case{11016, 2000, 2, 29},
        Case{18261, 2019, 12, 31}, Case{-719468, 0, 3, 1}}) {
    int64_t y;
    unsigned m, d;
    CivilFromDays(c.days, y, m, d);
    EXPECT_EQ(y, c.y) << c.days;
    EXPECT_EQ(m, c.m) << c.days;
    EXPECT_EQ(d, c.d) << c.days;
  }
}

TEST(CivilFromDays, InvertsDaysFromCivil) {
  for (int64_t z = -800000; z <= 800000; z += 37) {
    int64_t y;
    unsigned m, d;
    CivilFromDays(z, y, m, d);
    ASSERT_EQ(DaysFromCivil(y, m, d), z);
  }
}

TEST(DayConstants, AreADayAndAnHour) {
  EXPECT_EQ(kDayMs, 86400000);
  EXPECT_EQ(kHourMs, 3600000);
  EXPECT_EQ(FormatDate(3 * kDayMs - 1), "1970-01-03");
  EXPECT_EQ(FormatDate(3 * kDayMs), "1970-01-04");
}

}  // namespace
}  // namespace cordon
