#include "storage/civil_date.h"

#include <gtest/gtest.h>

#include <optional>

namespace teams_usage {
namespace {

TEST(CivilDateTest, EpochAndKnownDays) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(1970, 1, 2), 1);
  EXPECT_EQ(DaysFromCivil(1969, 12, 31), -1);
  EXPECT_EQ(DaysFromCivil(2000, 1, 1), 10957);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);  // 2000 is a leap year: Feb has 29 days
  EXPECT_EQ(DaysFromCivil(2026, 1, 1), 20454);
  EXPECT_EQ(CivilFromDays(20454), (YearMonthDay{2026, 1, 1}));
  EXPECT_EQ(CivilFromDays(-1), (YearMonthDay{1969, 12, 31}));
}

TEST(CivilDateTest, RoundTripsEveryDayFrom1900To2200) {
  int32_t expected = DaysFromCivil(1900, 1, 1);
  for (int y = 1900; y <= 2200; ++y) {
    for (int m = 1; m <= 12; ++m) {
      for (int d = 1; d <= DaysInMonth(y, m); ++d) {
        const int32_t days = DaysFromCivil(y, m, d);
        ASSERT_EQ(days, expected) << y << "-" << m << "-" << d;  // consecutive days
        ASSERT_EQ(CivilFromDays(days), (YearMonthDay{y, m, d}));
        ++expected;
      }
    }
  }
}

TEST(CivilDateTest, LeapYears) {
  EXPECT_EQ(DaysInMonth(2024, 2), 29);
  EXPECT_EQ(DaysInMonth(2025, 2), 28);
  EXPECT_EQ(DaysInMonth(2000, 2), 29);  // divisible by 400
  EXPECT_EQ(DaysInMonth(2100, 2), 28);  // divisible by 100, not 400
  EXPECT_EQ(DaysInMonth(1900, 2), 28);
  EXPECT_EQ(DaysInMonth(2026, 4), 30);
  EXPECT_EQ(DaysInMonth(2026, 12), 31);
  EXPECT_TRUE(IsValidDate(2024, 2, 29));
  EXPECT_FALSE(IsValidDate(2025, 2, 29));
  EXPECT_FALSE(IsValidDate(2100, 2, 29));
  EXPECT_FALSE(IsValidDate(2026, 0, 1));
  EXPECT_FALSE(IsValidDate(2026, 13, 1));
  EXPECT_FALSE(IsValidDate(2026, 1, 0));
  EXPECT_FALSE(IsValidDate(2026, 4, 31));
}

TEST(CivilDateTest, ParseIsoDate) {
  EXPECT_EQ(ParseIsoDate("2026-01-01"), std::optional<int32_t>(20454));
  EXPECT_EQ(ParseIsoDate("2024-02-29"), std::optional<int32_t>(DaysFromCivil(2024, 2, 29)));
  EXPECT_EQ(ParseIsoDate("2026-12-31"), std::optional<int32_t>(DaysFromCivil(2026, 12, 31)));
  for (const char* bad : {"2026-02-30", "2025-02-29", "2026-13-01", "2026-00-10", "2026-01-00",
                          "2026-04-31", "2026-1-01", "2026-01-1", "26-01-01", "2026/01/01",
                          "2026-01-01 ", " 2026-01-01", "2026-01-01T00:00", "2026-01", "",
                          "abcd-ef-gh", "2026-0a-01", "+026-01-01", "2026--1-01"}) {
    EXPECT_EQ(ParseIsoDate(bad), std::nullopt) << bad;
  }
}

TEST(CivilDateTest, Formatting) {
  EXPECT_EQ(FormatIsoDate(DaysFromCivil(2026, 3, 7)), "2026-03-07");
  EXPECT_EQ(FormatIsoDate(0), "1970-01-01");
  EXPECT_EQ(FormatYearMonth(DaysFromCivil(2026, 3, 7)), "2026-03");
  for (const char* s : {"2000-01-01", "2024-02-29", "2100-12-31"}) {
    EXPECT_EQ(FormatIsoDate(*ParseIsoDate(s)), s);
  }
}

TEST(CivilDateTest, MonthArithmetic) {
  EXPECT_EQ(FirstOfMonth(DaysFromCivil(2026, 3, 17)), DaysFromCivil(2026, 3, 1));
  EXPECT_EQ(FirstOfMonth(DaysFromCivil(2026, 3, 1)), DaysFromCivil(2026, 3, 1));
  EXPECT_EQ(LastOfMonth(DaysFromCivil(2024, 2, 3)), DaysFromCivil(2024, 2, 29));
  EXPECT_EQ(LastOfMonth(DaysFromCivil(2026, 12, 31)), DaysFromCivil(2026, 12, 31));
  const int32_t jan = DaysFromCivil(2026, 1, 1);
  EXPECT_EQ(AddMonths(jan, 1), DaysFromCivil(2026, 2, 1));
  EXPECT_EQ(AddMonths(jan, 12), DaysFromCivil(2027, 1, 1));
  EXPECT_EQ(AddMonths(jan, 13), DaysFromCivil(2027, 2, 1));
  EXPECT_EQ(AddMonths(jan, -1), DaysFromCivil(2025, 12, 1));
  EXPECT_EQ(AddMonths(jan, -12), DaysFromCivil(2025, 1, 1));
  EXPECT_EQ(AddMonths(jan, -13), DaysFromCivil(2024, 12, 1));
  EXPECT_EQ(AddMonths(jan, 0), jan);
  EXPECT_EQ(AddMonths(DaysFromCivil(2025, 10, 1), 13), DaysFromCivil(2026, 11, 1));
}

}  // namespace
}  // namespace teams_usage
