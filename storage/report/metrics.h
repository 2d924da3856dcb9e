// The report's figures (DESIGN.md §1, §4) as domain types, and the metric math that derives the
// sections from per-month sums. Pure logic: storage supplies the sums, handlers translate the
// results to the proto.
#ifndef TEAMS_STORAGE_REPORT_METRICS_H_
#define TEAMS_STORAGE_REPORT_METRICS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/report/report_filter.h"

namespace teams_usage::report {

// ---- inputs: sums over a set of days ------------------------------------------------------------

// Σ MeetingCount / MeetingDuration per subworkload over some days (calls and phone systems count
// calls in MeetingCount).
struct MeetingSums {
  int64_t meetings = 0;
  double meeting_hours = 0;
  int64_t calls = 0;
  int64_t phone_systems = 0;
};

// The figures of one calendar month, restricted to the days of it that lie in the range.
struct MonthFigures {
  MonthSlice slice;
  MeetingSums sums;
  int64_t active_customers = 0;  // distinct customers with MeetingCount > 0 on those days
};

// The figures of a whole period (the range, or the previous period).
struct PeriodFigures {
  int32_t days = 0;  // D
  MeetingSums sums;
  int64_t customers = 0;  // distinct customers with MeetingCount > 0 in the period
};

// ---- the sections -------------------------------------------------------------------------------

struct MonthValue {
  int32_t month = 0;  // first of the month
  double value = 0;
};

struct Kpi {
  double value = 0;
  double previous_value = 0;
  std::optional<double> change_percent;  // absent when previous_value == 0
  std::vector<MonthValue> monthly;
};

struct Summary {
  Kpi customers;
  Kpi meeting_count;
  Kpi daily_avg_meeting_count_per_customer;
  Kpi meeting_duration_hours;
  Kpi avg_meeting_duration_minutes;
};

struct TrendPoint {
  int32_t month = 0;
  int64_t meetings = 0;
  int64_t calls = 0;
  int64_t phone_systems = 0;
  double avg_meeting_duration_minutes = 0;
};

// Values match teams_usage.v1.Workload and the subworkload columns.
enum class Workload { kMeetings = 1, kCalls = 2, kPhoneSystems = 3 };

struct WorkloadPoint {
  int32_t month = 0;
  Workload workload = Workload::kMeetings;
  int64_t desktop_users = 0;
  int64_t mobile_users = 0;
  int64_t web_users = 0;
};

struct AllUpPoint {
  int32_t month = 0;
  int64_t all_up_users = 0;
};

struct UsageByWorkloads {
  std::vector<WorkloadPoint> points;  // by month, then workload
  std::vector<AllUpPoint> all_up;     // every month, whatever the workload selection
};

struct CustomerInfo {
  std::string customer_id;
  std::string customer_tenant_id;
  std::string name;
  std::string country_code;
  std::string country;
  std::string segment;
  std::string industry;
  std::string vertical;
  std::string eou;
};

struct CustomerUsage {
  CustomerInfo customer;
  int64_t meetings = 0;
  int64_t calls = 0;
  int64_t phone_systems = 0;
  double meeting_duration_hours = 0;
  int64_t third_party_apps = 0;       // distinct apps with UserCount > 0
  int64_t third_party_app_users = 0;  // peak monthly Σ UserCount over its apps
};

// Values match teams_usage.v1.UsageMetric (0 there means kMeetings).
enum class UsageMetric { kMeetings = 1, kCalls = 2, kPhoneSystems = 3, kThirdPartyApps = 4 };

struct AppUsage {
  std::string app_name;
  int64_t user_count = 0;      // peak monthly Σ UserCount over customers
  int64_t customer_count = 0;  // distinct customers with UserCount > 0
};

// ---- the math -----------------------------------------------------------------------------------

// 60 × hours / meetings; 0 without meetings.
double AvgMeetingMinutes(double meeting_hours, int64_t meetings);
// meetings / (days × customers); 0 without customers (or days).
double DailyAvgPerCustomer(int64_t meetings, int32_t days, int64_t customers);
// 100 × (current − previous) / previous; absent when previous == 0.
std::optional<double> ChangePercent(double current, double previous);

// The summary from the range's months (each clipped to the range), the range's totals and the
// previous period's totals. `months` lists every month overlapping the range, in order.
Summary BuildSummary(const std::vector<MonthFigures>& months, const PeriodFigures& current,
                     const PeriodFigures& previous);

// The conversations trend: one point per month, in order.
std::vector<TrendPoint> BuildTrend(const std::vector<MonthFigures>& months);

// The value a customer is ranked by (METRIC_THIRD_PARTY_APPS ranks by third_party_app_users).
int64_t RankingValue(const CustomerUsage& usage, UsageMetric metric);

}  // namespace teams_usage::report

#endif  // TEAMS_STORAGE_REPORT_METRICS_H_
