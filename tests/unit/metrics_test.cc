// The metric math of DESIGN.md §4, and the export's field writing.
#include "storage/report/metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <charconv>

#include "storage/civil_date.h"
#include "storage/report/export_writer.h"

namespace teams_usage::report {
namespace {

int32_t D(const char* iso) { return *ParseIsoDate(iso); }

TEST(MetricsTest, AverageMeetingMinutes) {
  EXPECT_DOUBLE_EQ(AvgMeetingMinutes(1.5, 3), 30.0);
  EXPECT_DOUBLE_EQ(AvgMeetingMinutes(0, 4), 0.0);
  EXPECT_EQ(AvgMeetingMinutes(2.0, 0), 0.0);
}

TEST(MetricsTest, DailyAveragePerCustomer) {
  EXPECT_DOUBLE_EQ(DailyAvgPerCustomer(90, 30, 3), 1.0);
  EXPECT_DOUBLE_EQ(DailyAvgPerCustomer(7, 2, 7), 0.5);
  EXPECT_EQ(DailyAvgPerCustomer(90, 30, 0), 0.0);
  EXPECT_EQ(DailyAvgPerCustomer(0, 30, 5), 0.0);
}

TEST(MetricsTest, ChangePercentIsAbsentWithoutAPreviousValue) {
  EXPECT_DOUBLE_EQ(*ChangePercent(150, 100), 50.0);
  EXPECT_DOUBLE_EQ(*ChangePercent(0, 100), -100.0);
  EXPECT_DOUBLE_EQ(*ChangePercent(1, 3), 100.0 * (1.0 - 3.0) / 3.0);
  EXPECT_EQ(ChangePercent(5, 0), std::nullopt);
  EXPECT_EQ(ChangePercent(0, 0), std::nullopt);
}

TEST(MetricsTest, SummaryFromMonthsAndPeriods) {
  const auto slices = MonthsOverlapping({D("2026-01-20"), D("2026-02-10")});
  ASSERT_EQ(slices.size(), 2u);
  std::vector<MonthFigures> months(2);
  months[0].slice = slices[0];  // 12 days
  months[0].sums = {24, 6.0, 5, 1};
  months[0].active_customers = 2;
  months[1].slice = slices[1];  // 10 days
  months[1].sums = {0, 0, 3, 0};
  months[1].active_customers = 1;
  PeriodFigures current;
  current.days = 22;
  current.sums = {24, 6.0, 8, 1};
  current.customers = 2;
  PeriodFigures previous;
  previous.days = 22;
  previous.sums = {12, 6.0, 0, 0};
  previous.customers = 0;

  const Summary s = BuildSummary(months, current, previous);
  EXPECT_EQ(s.customers.value, 2);
  EXPECT_EQ(s.customers.previous_value, 0);
  EXPECT_FALSE(s.customers.change_percent.has_value());
  EXPECT_EQ(s.meeting_count.value, 24);
  EXPECT_DOUBLE_EQ(*s.meeting_count.change_percent, 100.0);
  EXPECT_DOUBLE_EQ(s.meeting_duration_hours.value, 6.0);
  EXPECT_DOUBLE_EQ(*s.meeting_duration_hours.change_percent, 0.0);
  EXPECT_DOUBLE_EQ(s.avg_meeting_duration_minutes.value, 15.0);
  EXPECT_DOUBLE_EQ(s.avg_meeting_duration_minutes.previous_value, 30.0);
  EXPECT_DOUBLE_EQ(*s.avg_meeting_duration_minutes.change_percent, -50.0);
  EXPECT_DOUBLE_EQ(s.daily_avg_meeting_count_per_customer.value, 24.0 / (22 * 2));
  EXPECT_EQ(s.daily_avg_meeting_count_per_customer.previous_value, 0);  // no customers before

  ASSERT_EQ(s.meeting_count.monthly.size(), 2u);
  EXPECT_EQ(s.meeting_count.monthly[0].month, D("2026-01-01"));
  EXPECT_EQ(s.meeting_count.monthly[0].value, 24);
  EXPECT_EQ(s.meeting_count.monthly[1].month, D("2026-02-01"));
  EXPECT_EQ(s.meeting_count.monthly[1].value, 0);
  // A month's daily average uses the days of the month that lie in the range.
  EXPECT_DOUBLE_EQ(s.daily_avg_meeting_count_per_customer.monthly[0].value, 24.0 / (12 * 2));
  EXPECT_EQ(s.daily_avg_meeting_count_per_customer.monthly[1].value, 0);
  EXPECT_EQ(s.customers.monthly[1].value, 1);
  EXPECT_DOUBLE_EQ(s.avg_meeting_duration_minutes.monthly[0].value, 15.0);
  EXPECT_EQ(s.avg_meeting_duration_minutes.monthly[1].value, 0);
  EXPECT_DOUBLE_EQ(s.meeting_duration_hours.monthly[0].value, 6.0);
}

TEST(MetricsTest, TrendHasOnePointPerMonth) {
  std::vector<MonthFigures> months(2);
  months[0].slice = MonthsOverlapping({D("2026-01-01"), D("2026-01-31")})[0];
  months[0].sums = {4, 1.0, 7, 9};
  months[1].slice = MonthsOverlapping({D("2026-02-01"), D("2026-02-28")})[0];
  const auto trend = BuildTrend(months);
  ASSERT_EQ(trend.size(), 2u);
  EXPECT_EQ(trend[0].meetings, 4);
  EXPECT_EQ(trend[0].calls, 7);
  EXPECT_EQ(trend[0].phone_systems, 9);
  EXPECT_DOUBLE_EQ(trend[0].avg_meeting_duration_minutes, 15.0);
  EXPECT_EQ(trend[1].month, D("2026-02-01"));
  EXPECT_EQ(trend[1].meetings, 0);
  EXPECT_EQ(trend[1].avg_meeting_duration_minutes, 0);
}

TEST(MetricsTest, RankingValues) {
  CustomerUsage u;
  u.meetings = 1;
  u.calls = 2;
  u.phone_systems = 3;
  u.third_party_apps = 4;
  u.third_party_app_users = 5;
  EXPECT_EQ(RankingValue(u, UsageMetric::kMeetings), 1);
  EXPECT_EQ(RankingValue(u, UsageMetric::kCalls), 2);
  EXPECT_EQ(RankingValue(u, UsageMetric::kPhoneSystems), 3);
  EXPECT_EQ(RankingValue(u, UsageMetric::kThirdPartyApps), 5);
}

// ---- export fields ------------------------------------------------------------------------------

TEST(ExportWriterTest, CsvQuotesOnlyWhenNeeded) {
  DelimitedWriter w(',');
  w.Field("plain");
  w.Field("a,b");
  w.Field("say \"hi\"");
  w.Field("two\nlines");
  w.Field("tab\there");
  w.Field("");
  w.EndRecord();
  EXPECT_EQ(w.buffer(), "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",tab\there,\r\n");
}

TEST(ExportWriterTest, TsvQuotesTabsNewlinesAndQuotes) {
  DelimitedWriter w('\t');
  w.Field("a,b");
  w.Field("tab\there");
  w.Field("cr\r");
  w.Field("q\"");
  w.Int(-5);
  w.EndRecord();
  EXPECT_EQ(w.buffer(), "a,b\t\"tab\there\"\t\"cr\r\"\t\"q\"\"\"\t-5\r\n");
}

TEST(ExportWriterTest, HoursAreShortestPlainDecimalsThatReadBackExactly) {
  for (double v : {0.0, 0.1, 1.25, 1e-5, 123456789.125, 0.30000000000000004, 1e21, 5e-324}) {
    DelimitedWriter w(',');
    w.Hours(v);
    const std::string& text = w.buffer();
    EXPECT_EQ(text.find_first_not_of("0123456789."), std::string::npos) << text;
    double back = -1;
    const auto [end, ec] =
        std::from_chars(text.data(), text.data() + text.size(), back, std::chars_format::fixed);
    EXPECT_EQ(ec, std::errc());
    EXPECT_EQ(back, v) << text;
  }
  DelimitedWriter w(',');
  w.Hours(0.1);
  w.Hours(1.25);
  w.Hours(1e-5);
  EXPECT_EQ(w.buffer(), "0.1,1.25,0.00001");
}

TEST(ExportWriterTest, HeadersUseThePartnerCenterColumnNames) {
  DelimitedWriter meetings(',');
  meetings.Header(ingest::Dataset::kMeetingsAndCalls);
  EXPECT_EQ(meetings.buffer(),
            "PGAMpnID,CustomerId,CustomerTenantId,CustomerName,CustomerCountryCode,"
            "CustomerCountry,CustomerSegment,IndustryName,VerticalName,EOU,DateKey,Subworkload,"
            "MeetingCount,MeetingDuration\r\n");
  DelimitedWriter workload('\t');
  workload.Header(ingest::Dataset::kWorkload);
  EXPECT_THAT(workload.buffer(),
              ::testing::EndsWith("\tEOU\tMonthKey\tSubWorkload\tDesktopUsers\tWebUsers\t"
                                  "MobileUsers\tAllUpParticipants\r\n"));
  DelimitedWriter apps(',');
  apps.Header(ingest::Dataset::kThirdPartyApps);
  EXPECT_THAT(apps.buffer(), ::testing::EndsWith(",EOU,DateKey,AppName,UserCount\r\n"));
  EXPECT_EQ(SubworkloadName(1), "Meetings");
  EXPECT_EQ(SubworkloadName(2), "Calls");
  EXPECT_EQ(SubworkloadName(3), "PhoneSystems");
}

}  // namespace
}  // namespace teams_usage::report
