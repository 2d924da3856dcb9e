#include "tests/support/report_expect.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string_view>

#include "absl/time/clock.h"
#include "storage/civil_date.h"

namespace teams_usage::testing {

report::ValidFilter ToFilter(const RefFilter& f) {
  report::FilterInput input;
  input.preset = f.preset;
  input.start_date = f.start_date;
  input.end_date = f.end_date;
  input.customer_country_codes = f.country_codes;
  input.customer_segments = f.segments;
  input.industries = f.industries;
  input.customer_ids = f.customer_ids;
  auto filter = report::ValidateFilter(input);
  EXPECT_TRUE(filter.ok()) << filter.status() << " " << f.Describe();
  return filter.ok() ? *filter : report::ValidFilter{};
}

void ExpectNear(double actual, double expected, const std::string& what) {
  EXPECT_NEAR(actual, expected, 1e-9 * std::max(1.0, std::fabs(expected))) << what;
}

void ExpectRange(const report::ResolvedRange& got, const RefRange& want, int64_t data_version) {
  EXPECT_EQ(FormatIsoDate(got.dates.start), want.start_date);
  EXPECT_EQ(FormatIsoDate(got.dates.end), want.end_date);
  EXPECT_EQ(got.data_as_of.has_value() ? FormatIsoDate(*got.data_as_of) : "", want.data_as_of);
  EXPECT_EQ(got.data_version, data_version);
}

void ExpectKpi(const report::Kpi& got, const RefKpi& want, const std::string& what) {
  ExpectNear(got.value, want.value, what + " value");
  ExpectNear(got.previous_value, want.previous_value, what + " previous");
  ASSERT_EQ(got.change_percent.has_value(), want.change_percent.has_value()) << what;
  if (want.change_percent.has_value()) {
    EXPECT_NEAR(*got.change_percent, *want.change_percent,
                1e-6 * std::max(1.0, std::fabs(*want.change_percent)))
        << what << " change";
  }
  ASSERT_EQ(got.monthly.size(), want.monthly.size()) << what;
  for (size_t i = 0; i < want.monthly.size(); ++i) {
    EXPECT_EQ(FormatYearMonth(got.monthly[i].month), want.monthly[i].first) << what;
    ExpectNear(got.monthly[i].value, want.monthly[i].second, what + " " + want.monthly[i].first);
  }
}

void ExpectSummary(const report::Summary& got, const RefSummary& want) {
  ExpectKpi(got.customers, want.customers, "customers");
  ExpectKpi(got.meeting_count, want.meeting_count, "meeting_count");
  ExpectKpi(got.daily_avg_meeting_count_per_customer, want.daily_avg, "daily_avg");
  ExpectKpi(got.meeting_duration_hours, want.hours, "hours");
  ExpectKpi(got.avg_meeting_duration_minutes, want.avg_minutes, "avg_minutes");
}

void ExpectTrend(const std::vector<report::TrendPoint>& got,
                 const std::vector<RefTrendPoint>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(FormatYearMonth(got[i].month), want[i].month);
    EXPECT_EQ(got[i].meetings, want[i].meetings) << want[i].month;
    EXPECT_EQ(got[i].calls, want[i].calls) << want[i].month;
    EXPECT_EQ(got[i].phone_systems, want[i].phone_systems) << want[i].month;
    ExpectNear(got[i].avg_meeting_duration_minutes, want[i].avg_minutes, want[i].month);
  }
}

void ExpectWorkloads(const report::UsageByWorkloads& got, const RefWorkloads& want) {
  ASSERT_EQ(got.points.size(), want.points.size());
  for (size_t i = 0; i < want.points.size(); ++i) {
    const auto& g = got.points[i];
    const auto& w = want.points[i];
    EXPECT_EQ(FormatYearMonth(g.month), w.month);
    EXPECT_EQ(static_cast<int>(g.workload), w.workload);
    EXPECT_EQ(g.desktop_users, w.desktop) << w.month << " " << w.workload;
    EXPECT_EQ(g.mobile_users, w.mobile) << w.month << " " << w.workload;
    EXPECT_EQ(g.web_users, w.web) << w.month << " " << w.workload;
  }
  ASSERT_EQ(got.all_up.size(), want.all_up.size());
  for (size_t i = 0; i < want.all_up.size(); ++i) {
    EXPECT_EQ(FormatYearMonth(got.all_up[i].month), want.all_up[i].first);
    EXPECT_EQ(got.all_up[i].all_up_users, want.all_up[i].second) << want.all_up[i].first;
  }
}

void ExpectCustomers(const std::vector<report::CustomerUsage>& got,
                     const std::vector<RefCustomerUsage>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    const auto& g = got[i];
    const auto& w = want[i];
    const std::string& id = w.customer.id;
    EXPECT_EQ(g.customer.customer_id, id) << "rank " << i;
    EXPECT_EQ(g.customer.customer_tenant_id, w.customer.tenant_id) << id;
    EXPECT_EQ(g.customer.name, w.customer.name) << id;
    EXPECT_EQ(g.customer.country_code, w.customer.country_code) << id;
    EXPECT_EQ(g.customer.country, w.customer.country) << id;
    EXPECT_EQ(g.customer.segment, w.customer.segment) << id;
    EXPECT_EQ(g.customer.industry, w.customer.industry) << id;
    EXPECT_EQ(g.customer.vertical, w.customer.vertical) << id;
    EXPECT_EQ(g.customer.eou, w.customer.eou) << id;
    EXPECT_EQ(g.meetings, w.meetings) << id;
    EXPECT_EQ(g.calls, w.calls) << id;
    EXPECT_EQ(g.phone_systems, w.phone_systems) << id;
    ExpectNear(g.meeting_duration_hours, w.hours, id + " hours");
    EXPECT_EQ(g.third_party_apps, w.apps) << id;
    EXPECT_EQ(g.third_party_app_users, w.app_users) << id;
  }
}

void ExpectApps(const std::vector<report::AppUsage>& got, const std::vector<RefApp>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i].app_name, want[i].name) << "rank " << i;
    EXPECT_EQ(got[i].user_count, want[i].user_count) << want[i].name;
    EXPECT_EQ(got[i].customer_count, want[i].customer_count) << want[i].name;
  }
}

// The store's own results in the reference's shape, to compare two store answers field by field.
RefKpi AsRef(const report::Kpi& k) {
  RefKpi r;
  r.value = k.value;
  r.previous_value = k.previous_value;
  r.change_percent = k.change_percent;
  for (const auto& m : k.monthly) r.monthly.push_back({FormatYearMonth(m.month), m.value});
  return r;
}
RefSummary AsRef(const report::Summary& s) {
  return {AsRef(s.customers), AsRef(s.meeting_count), AsRef(s.daily_avg_meeting_count_per_customer),
          AsRef(s.meeting_duration_hours), AsRef(s.avg_meeting_duration_minutes)};
}
std::vector<RefTrendPoint> AsRef(const std::vector<report::TrendPoint>& points) {
  std::vector<RefTrendPoint> out;
  for (const auto& p : points) {
    out.push_back({FormatYearMonth(p.month), p.meetings, p.calls, p.phone_systems,
                   p.avg_meeting_duration_minutes});
  }
  return out;
}
RefWorkloads AsRef(const report::UsageByWorkloads& u) {
  RefWorkloads out;
  for (const auto& p : u.points) {
    out.points.push_back({FormatYearMonth(p.month), static_cast<int>(p.workload), p.desktop_users,
                          p.mobile_users, p.web_users});
  }
  for (const auto& a : u.all_up) out.all_up.push_back({FormatYearMonth(a.month), a.all_up_users});
  return out;
}
std::vector<RefCustomerUsage> AsRef(const std::vector<report::CustomerUsage>& list) {
  std::vector<RefCustomerUsage> out;
  for (const auto& u : list) {
    const auto& c = u.customer;
    out.push_back({{c.customer_id, c.customer_tenant_id, c.name, c.country_code, c.country,
                    c.segment, c.industry, c.vertical, c.eou},
                   u.meetings,
                   u.calls,
                   u.phone_systems,
                   u.meeting_duration_hours,
                   u.third_party_apps,
                   u.third_party_app_users});
  }
  return out;
}
std::vector<RefApp> AsRef(const std::vector<report::AppUsage>& apps) {
  std::vector<RefApp> out;
  for (const auto& a : apps) out.push_back({a.app_name, a.user_count, a.customer_count});
  return out;
}

}  // namespace teams_usage::testing
