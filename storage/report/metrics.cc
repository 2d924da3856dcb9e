#include "storage/report/metrics.h"

namespace teams_usage::report {
namespace {

// The five summary KPIs of one set of days.
struct KpiValues {
  double customers = 0;
  double meeting_count = 0;
  double daily_avg = 0;
  double hours = 0;
  double avg_minutes = 0;
};

KpiValues ValuesOf(const MeetingSums& sums, int32_t days, int64_t customers) {
  KpiValues v;
  v.customers = static_cast<double>(customers);
  v.meeting_count = static_cast<double>(sums.meetings);
  v.daily_avg = DailyAvgPerCustomer(sums.meetings, days, customers);
  v.hours = sums.meeting_hours;
  v.avg_minutes = AvgMeetingMinutes(sums.meeting_hours, sums.meetings);
  return v;
}

void SetValues(Kpi* kpi, double current, double previous) {
  kpi->value = current;
  kpi->previous_value = previous;
  kpi->change_percent = ChangePercent(current, previous);
}

}  // namespace

double AvgMeetingMinutes(double meeting_hours, int64_t meetings) {
  if (meetings == 0) return 0;
  return 60.0 * meeting_hours / static_cast<double>(meetings);
}

double DailyAvgPerCustomer(int64_t meetings, int32_t days, int64_t customers) {
  if (customers == 0 || days <= 0) return 0;
  return static_cast<double>(meetings) /
         (static_cast<double>(days) * static_cast<double>(customers));
}

std::optional<double> ChangePercent(double current, double previous) {
  if (previous == 0) return std::nullopt;
  return 100.0 * (current - previous) / previous;
}

Summary BuildSummary(const std::vector<MonthFigures>& months, const PeriodFigures& current,
                     const PeriodFigures& previous) {
  Summary s;
  const KpiValues cur = ValuesOf(current.sums, current.days, current.customers);
  const KpiValues prev = ValuesOf(previous.sums, previous.days, previous.customers);
  SetValues(&s.customers, cur.customers, prev.customers);
  SetValues(&s.meeting_count, cur.meeting_count, prev.meeting_count);
  SetValues(&s.daily_avg_meeting_count_per_customer, cur.daily_avg, prev.daily_avg);
  SetValues(&s.meeting_duration_hours, cur.hours, prev.hours);
  SetValues(&s.avg_meeting_duration_minutes, cur.avg_minutes, prev.avg_minutes);
  for (const MonthFigures& m : months) {
    // A month's figures use the days of that month that lie in the range.
    const KpiValues v = ValuesOf(m.sums, m.slice.days(), m.active_customers);
    s.customers.monthly.push_back({m.slice.month, v.customers});
    s.meeting_count.monthly.push_back({m.slice.month, v.meeting_count});
    s.daily_avg_meeting_count_per_customer.monthly.push_back({m.slice.month, v.daily_avg});
    s.meeting_duration_hours.monthly.push_back({m.slice.month, v.hours});
    s.avg_meeting_duration_minutes.monthly.push_back({m.slice.month, v.avg_minutes});
  }
  return s;
}

std::vector<TrendPoint> BuildTrend(const std::vector<MonthFigures>& months) {
  std::vector<TrendPoint> points;
  points.reserve(months.size());
  for (const MonthFigures& m : months) {
    TrendPoint p;
    p.month = m.slice.month;
    p.meetings = m.sums.meetings;
    p.calls = m.sums.calls;
    p.phone_systems = m.sums.phone_systems;
    p.avg_meeting_duration_minutes = AvgMeetingMinutes(m.sums.meeting_hours, m.sums.meetings);
    points.push_back(p);
  }
  return points;
}

int64_t RankingValue(const CustomerUsage& usage, UsageMetric metric) {
  switch (metric) {
    case UsageMetric::kMeetings:
      return usage.meetings;
    case UsageMetric::kCalls:
      return usage.calls;
    case UsageMetric::kPhoneSystems:
      return usage.phone_systems;
    case UsageMetric::kThirdPartyApps:
      return usage.third_party_app_users;
  }
  return usage.meetings;
}

}  // namespace teams_usage::report
