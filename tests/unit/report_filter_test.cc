// The report filter: validation (every error names its field), preset and custom range
// resolution, the previous period and the months overlapping a range.
#include "storage/report/report_filter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "storage/civil_date.h"

namespace teams_usage::report {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

int32_t D(const char* iso) { return *ParseIsoDate(iso); }

FilterInput Custom(const std::string& start, const std::string& end) {
  FilterInput f;
  f.preset = static_cast<int>(DatePreset::kCustom);
  f.start_date = start;
  f.end_date = end;
  return f;
}

std::string ErrorOf(const FilterInput& input) {
  const auto result = ValidateFilter(input);
  EXPECT_FALSE(result.ok());
  if (result.ok()) return "";
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(result.status().message());
}

DateRange Resolve(const FilterInput& input, std::optional<int32_t> data_as_of,
                  int32_t today = D("2030-01-01")) {
  const auto filter = ValidateFilter(input);
  EXPECT_TRUE(filter.ok()) << filter.status();
  return ResolveDateRange(*filter, data_as_of, today);
}

TEST(ReportFilterTest, PresetsEndAtDataAsOfAndStartOnTheFirst) {
  FilterInput f;
  f.preset = static_cast<int>(DatePreset::kLast3Months);
  EXPECT_EQ(Resolve(f, D("2026-10-17")), (DateRange{D("2026-08-01"), D("2026-10-17")}));
  f.preset = static_cast<int>(DatePreset::kLast6Months);
  EXPECT_EQ(Resolve(f, D("2026-10-17")), (DateRange{D("2026-05-01"), D("2026-10-17")}));
  f.preset = static_cast<int>(DatePreset::kLast12Months);
  EXPECT_EQ(Resolve(f, D("2026-10-17")), (DateRange{D("2025-11-01"), D("2026-10-17")}));
  f.preset = 0;  // unspecified = last 12 months
  EXPECT_EQ(Resolve(f, D("2026-02-28")), (DateRange{D("2025-03-01"), D("2026-02-28")}));
  f.preset = static_cast<int>(DatePreset::kLast3Months);
  EXPECT_EQ(Resolve(f, D("2026-01-01")), (DateRange{D("2025-11-01"), D("2026-01-01")}));
}

TEST(ReportFilterTest, PresetsWithoutDataResolveAgainstToday) {
  FilterInput f;
  f.preset = static_cast<int>(DatePreset::kLast3Months);
  EXPECT_EQ(Resolve(f, std::nullopt, D("2026-03-09")),
            (DateRange{D("2026-01-01"), D("2026-03-09")}));
}

TEST(ReportFilterTest, CustomRangesAreKeptAsGiven) {
  EXPECT_EQ(Resolve(Custom("2026-01-15", "2026-01-15"), D("2026-10-17")),
            (DateRange{D("2026-01-15"), D("2026-01-15")}));
  EXPECT_EQ(Resolve(Custom("2025-12-31", "2026-02-01"), std::nullopt),
            (DateRange{D("2025-12-31"), D("2026-02-01")}));
}

TEST(ReportFilterTest, RangesOfAtMostThirteenMonths) {
  // The design's example: the longest range from 2025-10-01 ends on 2026-10-31.
  EXPECT_TRUE(ValidateFilter(Custom("2025-10-01", "2026-10-31")).ok());
  EXPECT_THAT(ErrorOf(Custom("2025-10-01", "2026-11-01")),
              HasSubstr("filter.end_date: the range may be at most 13 months"));
  EXPECT_THAT(ErrorOf(Custom("2025-10-01", "2026-11-01")), HasSubstr("2026-10-31"));
  // Mid-month: before start + 13 months.
  EXPECT_TRUE(ValidateFilter(Custom("2025-10-15", "2026-11-14")).ok());
  EXPECT_FALSE(ValidateFilter(Custom("2025-10-15", "2026-11-15")).ok());
  // Start + 13 months past the target month's end is clamped to it, as in PostgreSQL.
  EXPECT_TRUE(ValidateFilter(Custom("2025-01-31", "2026-02-27")).ok());
  EXPECT_FALSE(ValidateFilter(Custom("2025-01-31", "2026-02-28")).ok());
  EXPECT_TRUE(ValidateFilter(Custom("2026-01-31", "2027-02-27")).ok());
  EXPECT_TRUE(ValidateFilter(Custom("2027-01-29", "2028-02-28")).ok());  // 2028 is a leap year
  EXPECT_FALSE(ValidateFilter(Custom("2027-01-29", "2028-02-29")).ok());
}

TEST(ReportFilterTest, BadDatesNameTheirField) {
  EXPECT_THAT(ErrorOf(Custom("2026-02-30", "2026-03-01")),
              HasSubstr("filter.start_date: not a real date in the form YYYY-MM-DD: '2026-02-30'"));
  EXPECT_THAT(ErrorOf(Custom("2026-02-01", "2026-3-1")), HasSubstr("filter.end_date: not a real"));
  EXPECT_THAT(ErrorOf(Custom("yesterday", "2026-03-01")), HasSubstr("filter.start_date: "));
  EXPECT_THAT(ErrorOf(Custom("2026-02-01T00:00", "2026-03-01")), HasSubstr("filter.start_date: "));
  EXPECT_THAT(ErrorOf(Custom("1899-12-31", "1900-01-05")),
              HasSubstr("filter.start_date: year out of range"));
  EXPECT_THAT(ErrorOf(Custom("2026-03-02", "2026-03-01")),
              HasSubstr("filter.end_date: must not be before filter.start_date"));
}

TEST(ReportFilterTest, CustomNeedsBothDatesAndPresetsTakeNone) {
  EXPECT_THAT(ErrorOf(Custom("", "2026-03-01")),
              HasSubstr("filter.start_date: required with preset CUSTOM"));
  EXPECT_THAT(ErrorOf(Custom("2026-03-01", "")),
              HasSubstr("filter.end_date: required with preset CUSTOM"));
  FilterInput f = Custom("2026-03-01", "2026-03-02");
  f.preset = static_cast<int>(DatePreset::kLast3Months);
  EXPECT_THAT(ErrorOf(f), HasSubstr("filter.start_date: allowed only with preset CUSTOM"));
  f.preset = 0;
  f.start_date.clear();
  EXPECT_THAT(ErrorOf(f), HasSubstr("filter.end_date: allowed only with preset CUSTOM"));
}

TEST(ReportFilterTest, UnknownPresetIsRefused) {
  FilterInput f;
  f.preset = 9;
  EXPECT_THAT(ErrorOf(f), HasSubstr("filter.preset: unknown value 9"));
  f.preset = -1;
  EXPECT_THAT(ErrorOf(f), HasSubstr("filter.preset: unknown value -1"));
}

TEST(ReportFilterTest, CustomerListsAreCheckedSortedAndDeduplicated) {
  FilterInput f;
  f.customer_country_codes = {"US", "DE", "US"};
  f.customer_ids = {"C2", "C1"};
  const auto filter = ValidateFilter(f);
  ASSERT_TRUE(filter.ok()) << filter.status();
  EXPECT_THAT(filter->customers.country_codes, ElementsAre("DE", "US"));
  EXPECT_THAT(filter->customers.customer_ids, ElementsAre("C1", "C2"));
  EXPECT_FALSE(filter->customers.empty());
  EXPECT_TRUE(ValidateFilter(FilterInput{})->customers.empty());

  FilterInput bad;
  bad.customer_segments = {"SMB", ""};
  EXPECT_THAT(ErrorOf(bad), HasSubstr("filter.customer_segments[1]: must not be empty"));
  bad = FilterInput{};
  bad.industries = {"Retail\xC3"};
  EXPECT_THAT(ErrorOf(bad), HasSubstr("filter.industries[0]: not valid UTF-8"));
  bad = FilterInput{};
  bad.customer_ids.assign(kMaxFilterValues + 1, "C");
  EXPECT_THAT(ErrorOf(bad), HasSubstr("filter.customer_ids: at most 1000 values"));
}

TEST(ReportFilterTest, TheFieldPrefixIsTheCallers) {
  const auto result = ValidateFilter(Custom("2026-02-30", "2026-03-01"), "request.filter");
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("request.filter.start_date: "));
}

TEST(ReportFilterTest, CanonicalFilterIsEqualExactlyForTheSameSelection) {
  FilterInput a;
  a.customer_country_codes = {"US", "DE"};
  FilterInput b;
  b.customer_country_codes = {"DE", "US", "DE"};
  EXPECT_EQ(CanonicalFilter(*ValidateFilter(a)), CanonicalFilter(*ValidateFilter(b)));
  FilterInput c;
  c.customer_segments = {"US", "DE"};  // same values, another list
  EXPECT_NE(CanonicalFilter(*ValidateFilter(a)), CanonicalFilter(*ValidateFilter(c)));
  FilterInput d;
  d.customer_country_codes = {"USDE"};
  EXPECT_NE(CanonicalFilter(*ValidateFilter(a)), CanonicalFilter(*ValidateFilter(d)));
  EXPECT_NE(CanonicalFilter(*ValidateFilter(Custom("2026-01-01", "2026-01-31"))),
            CanonicalFilter(*ValidateFilter(Custom("2026-01-01", "2026-01-30"))));
  FilterInput last3;
  last3.preset = 1;
  EXPECT_NE(CanonicalFilter(*ValidateFilter(last3)), CanonicalFilter(*ValidateFilter({})));
}

TEST(ReportFilterTest, DataAsOfFollowsTheDesign) {
  EXPECT_EQ(DataAsOf(D("2026-10-17"), D("2026-12-01")), D("2026-10-17"));
  EXPECT_EQ(DataAsOf(std::nullopt, D("2026-02-01")), D("2026-02-28"));
  EXPECT_EQ(DataAsOf(std::nullopt, D("2028-02-01")), D("2028-02-29"));
  EXPECT_EQ(DataAsOf(std::nullopt, std::nullopt), std::nullopt);
}

TEST(ReportFilterTest, PreviousPeriodIsTheSameNumberOfDaysBefore) {
  // 2026-08-01 .. 2026-10-17 is 78 days; the 78 days before end on 2026-07-31.
  const DateRange r{D("2026-08-01"), D("2026-10-17")};
  EXPECT_EQ(r.days(), 78);
  EXPECT_EQ(PreviousPeriod(r), (DateRange{D("2026-05-15"), D("2026-07-31")}));
  EXPECT_EQ(PreviousPeriod(r).days(), 78);
  EXPECT_EQ(PreviousPeriod({D("2026-03-01"), D("2026-03-01")}),
            (DateRange{D("2026-02-28"), D("2026-02-28")}));
}

TEST(ReportFilterTest, MonthsOverlappingAreClippedToTheRange) {
  const auto months = MonthsOverlapping({D("2025-12-15"), D("2026-02-03")});
  ASSERT_EQ(months.size(), 3u);
  EXPECT_EQ(months[0].month, D("2025-12-01"));
  EXPECT_EQ(months[0].first_day, D("2025-12-15"));
  EXPECT_EQ(months[0].last_day, D("2025-12-31"));
  EXPECT_EQ(months[0].days(), 17);
  EXPECT_FALSE(months[0].whole());
  EXPECT_EQ(months[1].month, D("2026-01-01"));
  EXPECT_EQ(months[1].days(), 31);
  EXPECT_TRUE(months[1].whole());
  EXPECT_EQ(months[2].first_day, D("2026-02-01"));
  EXPECT_EQ(months[2].last_day, D("2026-02-03"));
  EXPECT_FALSE(months[2].whole());

  const auto one_day = MonthsOverlapping({D("2026-02-28"), D("2026-02-28")});
  ASSERT_EQ(one_day.size(), 1u);
  EXPECT_EQ(one_day[0].days(), 1);
  // The longest range spans 14 calendar months.
  EXPECT_EQ(MonthsOverlapping({D("2025-10-15"), D("2026-11-14")}).size(), 14u);
}

TEST(ReportFilterTest, DayMasksUseBitDMinusOneForDayD) {
  MonthSlice s;
  s.month = D("2026-01-01");
  s.first_day = D("2026-01-01");
  s.last_day = D("2026-01-31");
  EXPECT_EQ(s.day_mask(), 0x7FFFFFFF);
  s.first_day = s.last_day = D("2026-01-31");
  EXPECT_EQ(s.day_mask(), 1 << 30);
  s.first_day = s.last_day = D("2026-01-01");
  EXPECT_EQ(s.day_mask(), 1);
  s.first_day = D("2026-01-03");
  s.last_day = D("2026-01-05");
  EXPECT_EQ(s.day_mask(), 0b11100);
}

TEST(ReportFilterTest, AddMonthsClampsToTheTargetMonthsEnd) {
  EXPECT_EQ(AddMonthsClamped(D("2026-01-31"), 1), D("2026-02-28"));
  EXPECT_EQ(AddMonthsClamped(D("2028-01-31"), 1), D("2028-02-29"));
  EXPECT_EQ(AddMonthsClamped(D("2025-10-01"), 13), D("2026-11-01"));
  EXPECT_EQ(AddMonthsClamped(D("2025-10-31"), 13), D("2026-11-30"));
  EXPECT_EQ(AddMonthsClamped(D("2026-03-15"), -3), D("2025-12-15"));
}

}  // namespace
}  // namespace teams_usage::report
