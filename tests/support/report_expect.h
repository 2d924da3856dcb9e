// Shared by the report's pg tests: the reference filter as a validated one, and field-by-field
// comparisons of the store's sections with the reference (tests/support/report_reference.h) — or,
// through AsRef, of two store answers with each other.
#ifndef TEAMS_TESTS_SUPPORT_REPORT_EXPECT_H_
#define TEAMS_TESTS_SUPPORT_REPORT_EXPECT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/ingest/usage_row.h"
#include "storage/pool.h"
#include "storage/report/metrics.h"
#include "storage/report/report_filter.h"
#include "tests/support/report_reference.h"

namespace teams_usage::testing {

report::ValidFilter ToFilter(const RefFilter& f);
void ExpectNear(double actual, double expected, const std::string& what);
void ExpectRange(const report::ResolvedRange& got, const RefRange& want, int64_t data_version);
void ExpectKpi(const report::Kpi& got, const RefKpi& want, const std::string& what);
void ExpectSummary(const report::Summary& got, const RefSummary& want);
void ExpectTrend(const std::vector<report::TrendPoint>& got,
                 const std::vector<RefTrendPoint>& want);
void ExpectWorkloads(const report::UsageByWorkloads& got, const RefWorkloads& want);
void ExpectCustomers(const std::vector<report::CustomerUsage>& got,
                     const std::vector<RefCustomerUsage>& want);
void ExpectApps(const std::vector<report::AppUsage>& got, const std::vector<RefApp>& want);
RefKpi AsRef(const report::Kpi& k);
RefSummary AsRef(const report::Summary& s);
std::vector<RefTrendPoint> AsRef(const std::vector<report::TrendPoint>& points);
RefWorkloads AsRef(const report::UsageByWorkloads& u);
std::vector<RefCustomerUsage> AsRef(const std::vector<report::CustomerUsage>& list);
std::vector<RefApp> AsRef(const std::vector<report::AppUsage>& apps);

}  // namespace teams_usage::testing

#endif  // TEAMS_TESTS_SUPPORT_REPORT_EXPECT_H_
