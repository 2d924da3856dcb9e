// Test-side model of the three Partner Center Teams usage datasets, and writers that produce
// real-format files (CSV or TSV, RFC 4180 quoting) from it. Independent of the code under test.
#ifndef TEAMS_TESTS_SUPPORT_USAGE_FILES_H_
#define TEAMS_TESTS_SUPPORT_USAGE_FILES_H_

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace teams_usage::testing {

struct TestCustomer {
  std::string id;
  std::string tenant_id;
  std::string name;
  std::string country_code;
  std::string country;
  std::string segment;
  std::string industry;
  std::string vertical;
  std::string eou;
};

struct MeetingsRow {  // TeamsUsageMeetingsAndCalls
  std::string partner;
  TestCustomer customer;
  std::string date;         // YYYY-MM-DD
  std::string subworkload;  // as written in the file: Meetings, Calls, PhoneSystems, PSTN, ...
  int64_t count = 0;
  double hours = 0;
};

struct WorkloadRow {  // TeamsUsageWorkload
  std::string partner;
  TestCustomer customer;
  std::string month;  // YYYY-MM or YYYY-MM-01
  std::string subworkload;
  int64_t desktop = 0;
  int64_t web = 0;
  int64_t mobile = 0;
  int64_t all_up = 0;
};

struct AppRow {  // TeamsUsage3PApps
  std::string partner;
  TestCustomer customer;
  std::string month;  // YYYY-MM-01 or YYYY-MM
  std::string app;
  int64_t users = 0;
};

// Files with a header line and one record per row; delimiter ',' (CSV) or '\t' (TSV).
std::string MeetingsFile(const std::vector<MeetingsRow>& rows, char delimiter = ',');
std::string WorkloadFile(const std::vector<WorkloadRow>& rows, char delimiter = ',');
std::string AppsFile(const std::vector<AppRow>& rows, char delimiter = ',');

// Canonical subworkload code of a file spelling: 1 Meetings, 2 Calls, 3 PhoneSystems.
int SubworkloadCode(const std::string& spelling);
// Hours written with a fixed number of decimals reads back exactly as this value.
double RoundHours(double hours);

// A deterministic random data set: `customers` customers of `partner`, over the days from
// `first_day` (YYYY-MM-DD) for `days` days, with some zero-meeting customers and days.
struct RandomDataOptions {
  std::string partner = "P1";
  int customers = 12;
  std::string first_day = "2025-11-20";
  int days = 80;
  double row_probability = 0.35;  // of each customer-day-subworkload
  int apps = 6;
};
struct RandomData {
  std::vector<TestCustomer> customers;
  std::vector<MeetingsRow> meetings;
  std::vector<WorkloadRow> workload;
  std::vector<AppRow> apps;
};
RandomData MakeRandomData(const RandomDataOptions& options, std::mt19937_64& rng);

// Days since 1970-01-01 of "YYYY-MM-DD", and back, computed independently of storage/.
int64_t TestDays(const std::string& date);
std::string TestDate(int64_t days);

}  // namespace teams_usage::testing

#endif  // TEAMS_TESTS_SUPPORT_USAGE_FILES_H_
