// The report computed straight from the uploaded rows (DESIGN.md §4), independently of the code
// under test: a natural-key model of every upload (last upload wins) and the metric definitions
// applied to it by brute force. Used by the report's pg and e2e tests.
#ifndef TEAMS_TESTS_SUPPORT_REPORT_REFERENCE_H_
#define TEAMS_TESTS_SUPPORT_REPORT_REFERENCE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "tests/support/usage_files.h"

namespace teams_usage::testing {

// What an upload leaves in the database, per partner, keyed as the natural keys.
class ReferenceData {
 public:
  // One upload each, in the order the service received them.
  void AddMeetings(const std::vector<MeetingsRow>& rows);
  void AddWorkload(const std::vector<WorkloadRow>& rows);
  void AddApps(const std::vector<AppRow>& rows);

  struct Meetings {
    int64_t count = 0;
    double hours = 0;
  };
  struct Workload {
    int64_t desktop = 0, web = 0, mobile = 0, all_up = 0;
  };
  struct Partner {
    std::map<std::string, TestCustomer> customers;
    // (day, customer, subworkload code) -> values
    std::map<std::tuple<int64_t, std::string, int>, Meetings> meetings;
    // (month "YYYY-MM", customer, subworkload code) -> values
    std::map<std::tuple<std::string, std::string, int>, Workload> workload;
    // (month "YYYY-MM", customer, app) -> users
    std::map<std::tuple<std::string, std::string, std::string>, int64_t> apps;
  };
  const Partner& partner(const std::string& id) const;

 private:
  std::map<std::string, Partner> partners_;
};

// The request side, as plain values. preset: 0 unspecified (= 12 months), 1, 2, 3, 4 = CUSTOM.
struct RefFilter {
  int preset = 0;
  std::string start_date, end_date;
  std::vector<std::string> country_codes, segments, industries, customer_ids;
  std::string Describe() const;
};

struct RefRange {
  std::string start_date, end_date, data_as_of;  // data_as_of "" without data
};

struct RefKpi {
  double value = 0, previous_value = 0;
  std::optional<double> change_percent;
  std::vector<std::pair<std::string, double>> monthly;  // ("YYYY-MM", value)
};

struct RefSummary {
  RefKpi customers, meeting_count, daily_avg, hours, avg_minutes;
};

struct RefTrendPoint {
  std::string month;
  int64_t meetings = 0, calls = 0, phone_systems = 0;
  double avg_minutes = 0;
};

struct RefWorkloadPoint {
  std::string month;
  int workload = 0;
  int64_t desktop = 0, mobile = 0, web = 0;
};

struct RefWorkloads {
  std::vector<RefWorkloadPoint> points;
  std::vector<std::pair<std::string, int64_t>> all_up;
};

struct RefCustomerUsage {
  TestCustomer customer;
  int64_t meetings = 0, calls = 0, phone_systems = 0;
  double hours = 0;
  int64_t apps = 0, app_users = 0;
};

struct RefApp {
  std::string name;
  int64_t user_count = 0, customer_count = 0;
};

class Reference {
 public:
  // `today`: YYYY-MM-DD, what presets of a partner without data end at.
  Reference(const ReferenceData& data, std::string partner, std::string today);

  RefRange Range(const RefFilter& filter) const;
  RefSummary Summary(const RefFilter& filter) const;
  std::vector<RefTrendPoint> Trend(const RefFilter& filter) const;
  // workloads: codes 1..3, empty = all
  RefWorkloads Workloads(const RefFilter& filter, std::set<int> workloads) const;
  // The whole ranking; metric 1 meetings, 2 calls, 3 phone systems, 4 third-party app users.
  std::vector<RefCustomerUsage> TopCustomers(const RefFilter& filter, int metric) const;
  std::vector<RefApp> Apps(const RefFilter& filter, const std::string& customer_id) const;
  // Rows of a dataset (1 meetings, 2 workload, 3 apps) that an export of `filter` holds.
  size_t ExportRows(int dataset, const RefFilter& filter) const;

 private:
  struct Days {
    int64_t start = 0, end = 0;
  };
  Days Resolve(const RefFilter& filter) const;
  std::string DataAsOf() const;  // "" without data
  bool Selected(const RefFilter& filter, const std::string& customer_id) const;
  // Months ("YYYY-MM") overlapping the days, in order.
  static std::vector<std::string> MonthsOf(const Days& days);

  const ReferenceData::Partner& data_;
  std::string partner_;
  std::string today_;
};

// A random filter over the data's span: presets, custom ranges (mid-month, one day, long, before
// and after the data), and customer restrictions that match some, one or no customers.
RefFilter RandomFilter(std::mt19937_64& rng, const std::string& first_day, int span_days,
                       const std::vector<TestCustomer>& customers);

}  // namespace teams_usage::testing

#endif  // TEAMS_TESTS_SUPPORT_REPORT_REFERENCE_H_
