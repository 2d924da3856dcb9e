#include "tests/support/report_reference.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace teams_usage::testing {
namespace {

// "YYYY-MM" of a month key as written in a file (YYYY-MM or YYYY-MM-01).
std::string MonthKey(const std::string& written) { return written.substr(0, 7); }

std::string MonthOfDay(int64_t day) { return TestDate(day).substr(0, 7); }

void YearMonth(const std::string& date, int* y, int* m) {
  if (std::sscanf(date.c_str(), "%d-%d", y, m) != 2) throw std::invalid_argument(date);
}

std::string FormatYm(int total_months) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", total_months / 12, total_months % 12 + 1);
  return buf;
}

int64_t FirstDayOf(const std::string& ym) { return TestDays(ym + "-01"); }

int64_t LastDayOf(const std::string& ym) {
  int y, m;
  YearMonth(ym, &y, &m);
  return FirstDayOf(FormatYm(y * 12 + m)) - 1;  // the day before the next month's first
}

// The last day of a custom range starting at `start` (DESIGN §1: end < start + 13 months, the
// day clamped to the target month's length).
int64_t LongestEnd(const std::string& start) {
  int y, m;
  YearMonth(start, &y, &m);
  const int d = std::stoi(start.substr(8, 2));
  const std::string target = FormatYm(y * 12 + (m - 1) + 13);
  const int target_days = static_cast<int>(LastDayOf(target) - FirstDayOf(target) + 1);
  return FirstDayOf(target) + std::min(d, target_days) - 1 - 1;
}

bool Contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

double Change(double current, double previous) { return 100.0 * (current - previous) / previous; }

RefKpi Kpi(double value, double previous) {
  RefKpi k;
  k.value = value;
  k.previous_value = previous;
  if (previous != 0) k.change_percent = Change(value, previous);
  return k;
}

}  // namespace

void ReferenceData::AddMeetings(const std::vector<MeetingsRow>& rows) {
  for (const MeetingsRow& r : rows) {
    Partner& p = partners_[r.partner];
    p.customers[r.customer.id] = r.customer;
    p.meetings[{TestDays(r.date), r.customer.id, SubworkloadCode(r.subworkload)}] = {
        r.count, RoundHours(r.hours)};
  }
}

void ReferenceData::AddWorkload(const std::vector<WorkloadRow>& rows) {
  for (const WorkloadRow& r : rows) {
    Partner& p = partners_[r.partner];
    p.customers[r.customer.id] = r.customer;
    p.workload[{MonthKey(r.month), r.customer.id, SubworkloadCode(r.subworkload)}] = {
        r.desktop, r.web, r.mobile, r.all_up};
  }
}

void ReferenceData::AddApps(const std::vector<AppRow>& rows) {
  for (const AppRow& r : rows) {
    Partner& p = partners_[r.partner];
    p.customers[r.customer.id] = r.customer;
    p.apps[{MonthKey(r.month), r.customer.id, r.app}] = r.users;
  }
}

const ReferenceData::Partner& ReferenceData::partner(const std::string& id) const {
  static const Partner kEmpty;
  const auto it = partners_.find(id);
  return it == partners_.end() ? kEmpty : it->second;
}

std::string RefFilter::Describe() const {
  std::string out = "preset=" + std::to_string(preset);
  if (!start_date.empty() || !end_date.empty()) out += " " + start_date + ".." + end_date;
  const auto list = [&](const char* name, const std::vector<std::string>& values) {
    if (values.empty()) return;
    out += std::string(" ") + name + "=[";
    for (const auto& v : values) out += v + "|";
    out += "]";
  };
  list("countries", country_codes);
  list("segments", segments);
  list("industries", industries);
  list("customers", customer_ids);
  return out;
}

Reference::Reference(const ReferenceData& data, std::string partner, std::string today)
    : data_(data.partner(partner)), partner_(std::move(partner)), today_(std::move(today)) {}

std::string Reference::DataAsOf() const {
  if (!data_.meetings.empty()) return TestDate(std::get<0>(data_.meetings.rbegin()->first));
  std::string latest;  // "YYYY-MM"
  for (const auto& [key, value] : data_.workload) latest = std::max(latest, std::get<0>(key));
  for (const auto& [key, value] : data_.apps) latest = std::max(latest, std::get<0>(key));
  return latest.empty() ? "" : TestDate(LastDayOf(latest));
}

RefRange Reference::Range(const RefFilter& filter) const {
  const Days days = Resolve(filter);
  return {TestDate(days.start), TestDate(days.end), DataAsOf()};
}

Reference::Days Reference::Resolve(const RefFilter& filter) const {
  if (filter.preset == 4) return {TestDays(filter.start_date), TestDays(filter.end_date)};
  const int months = filter.preset == 1 ? 3 : filter.preset == 2 ? 6 : 12;
  std::string end = DataAsOf();
  if (end.empty()) end = today_;
  int y, m;
  YearMonth(end, &y, &m);
  return {FirstDayOf(FormatYm(y * 12 + (m - 1) - (months - 1))), TestDays(end)};
}

bool Reference::Selected(const RefFilter& filter, const std::string& customer_id) const {
  const auto it = data_.customers.find(customer_id);
  if (it == data_.customers.end()) return false;
  const TestCustomer& c = it->second;
  return (filter.country_codes.empty() || Contains(filter.country_codes, c.country_code)) &&
         (filter.segments.empty() || Contains(filter.segments, c.segment)) &&
         (filter.industries.empty() || Contains(filter.industries, c.industry)) &&
         (filter.customer_ids.empty() || Contains(filter.customer_ids, c.id));
}

std::vector<std::string> Reference::MonthsOf(const Days& days) {
  std::vector<std::string> months;
  for (int64_t d = days.start; d <= days.end; ++d) {
    const std::string m = MonthOfDay(d);
    if (months.empty() || months.back() != m) months.push_back(m);
  }
  return months;
}

RefSummary Reference::Summary(const RefFilter& filter) const {
  struct Totals {
    int64_t meetings = 0;
    double hours = 0;
    std::set<std::string> customers;
  };
  const auto totals = [&](int64_t first, int64_t last) {
    Totals t;
    for (const auto& [key, v] : data_.meetings) {
      const auto& [day, customer, sub] = key;
      if (day < first || day > last || !Selected(filter, customer)) continue;
      if (v.count > 0) t.customers.insert(customer);
      if (sub == 1) {
        t.meetings += v.count;
        t.hours += v.hours;
      }
    }
    return t;
  };
  const auto daily_avg = [](const Totals& t, int64_t days) {
    return t.customers.empty()
               ? 0.0
               : static_cast<double>(t.meetings) / (static_cast<double>(days) * t.customers.size());
  };
  const auto avg_minutes = [](const Totals& t) {
    return t.meetings == 0 ? 0.0 : 60.0 * t.hours / static_cast<double>(t.meetings);
  };
  const Days r = Resolve(filter);
  const int64_t d = r.end - r.start + 1;
  const Totals cur = totals(r.start, r.end);
  const Totals prev = totals(r.start - d, r.start - 1);
  RefSummary s;
  s.customers = Kpi(cur.customers.size(), prev.customers.size());
  s.meeting_count = Kpi(cur.meetings, prev.meetings);
  s.daily_avg = Kpi(daily_avg(cur, d), daily_avg(prev, d));
  s.hours = Kpi(cur.hours, prev.hours);
  s.avg_minutes = Kpi(avg_minutes(cur), avg_minutes(prev));
  for (const std::string& month : MonthsOf(r)) {
    const int64_t first = std::max(r.start, FirstDayOf(month));
    const int64_t last = std::min(r.end, LastDayOf(month));
    const Totals t = totals(first, last);
    s.customers.monthly.push_back({month, static_cast<double>(t.customers.size())});
    s.meeting_count.monthly.push_back({month, static_cast<double>(t.meetings)});
    s.daily_avg.monthly.push_back({month, daily_avg(t, last - first + 1)});
    s.hours.monthly.push_back({month, t.hours});
    s.avg_minutes.monthly.push_back({month, avg_minutes(t)});
  }
  return s;
}

std::vector<RefTrendPoint> Reference::Trend(const RefFilter& filter) const {
  const Days r = Resolve(filter);
  std::vector<RefTrendPoint> points;
  for (const std::string& month : MonthsOf(r)) {
    RefTrendPoint p;
    p.month = month;
    double hours = 0;
    for (const auto& [key, v] : data_.meetings) {
      const auto& [day, customer, sub] = key;
      if (day < r.start || day > r.end || MonthOfDay(day) != month || !Selected(filter, customer)) {
        continue;
      }
      if (sub == 1) {
        p.meetings += v.count;
        hours += v.hours;
      } else if (sub == 2) {
        p.calls += v.count;
      } else {
        p.phone_systems += v.count;
      }
    }
    p.avg_minutes = p.meetings == 0 ? 0 : 60.0 * hours / static_cast<double>(p.meetings);
    points.push_back(p);
  }
  return points;
}

RefWorkloads Reference::Workloads(const RefFilter& filter, std::set<int> workloads) const {
  if (workloads.empty()) workloads = {1, 2, 3};
  RefWorkloads out;
  for (const std::string& month : MonthsOf(Resolve(filter))) {
    for (int w : workloads) {
      RefWorkloadPoint p;
      p.month = month;
      p.workload = w;
      for (const auto& [key, v] : data_.workload) {
        const auto& [m, customer, sub] = key;
        if (m != month || sub != w || !Selected(filter, customer)) continue;
        p.desktop += v.desktop;
        p.web += v.web;
        p.mobile += v.mobile;
      }
      out.points.push_back(p);
    }
    std::map<std::string, int64_t> all_up;  // customer -> max over its rows of the month
    for (const auto& [key, v] : data_.workload) {
      const auto& [m, customer, sub] = key;
      if (m != month || !Selected(filter, customer)) continue;
      all_up[customer] = std::max(all_up[customer], v.all_up);
    }
    int64_t total = 0;
    for (const auto& [customer, users] : all_up) total += users;
    out.all_up.push_back({month, total});
  }
  return out;
}

std::vector<RefCustomerUsage> Reference::TopCustomers(const RefFilter& filter, int metric) const {
  const Days r = Resolve(filter);
  const std::vector<std::string> months = MonthsOf(r);
  std::vector<RefCustomerUsage> listed;
  for (const auto& [id, customer] : data_.customers) {
    if (!Selected(filter, id)) continue;
    RefCustomerUsage u;
    u.customer = customer;
    for (const auto& [key, v] : data_.meetings) {
      const auto& [day, c, sub] = key;
      if (c != id || day < r.start || day > r.end) continue;
      if (sub == 1) {
        u.meetings += v.count;
        u.hours += v.hours;
      } else if (sub == 2) {
        u.calls += v.count;
      } else {
        u.phone_systems += v.count;
      }
    }
    std::set<std::string> apps;
    for (const std::string& month : months) {
      int64_t month_users = 0;
      for (const auto& [key, users] : data_.apps) {
        const auto& [m, c, app] = key;
        if (c != id || m != month) continue;
        month_users += users;
        if (users > 0) apps.insert(app);
      }
      u.app_users = std::max(u.app_users, month_users);
    }
    u.apps = static_cast<int64_t>(apps.size());
    const int64_t rank = metric == 2   ? u.calls
                         : metric == 3 ? u.phone_systems
                         : metric == 4 ? u.app_users
                                       : u.meetings;
    if (rank > 0) listed.push_back(u);
  }
  const auto rank = [metric](const RefCustomerUsage& u) {
    return metric == 2   ? u.calls
           : metric == 3 ? u.phone_systems
           : metric == 4 ? u.app_users
                         : u.meetings;
  };
  std::stable_sort(listed.begin(), listed.end(), [&](const auto& a, const auto& b) {
    if (rank(a) != rank(b)) return rank(a) > rank(b);
    return a.customer.id < b.customer.id;
  });
  return listed;
}

std::vector<RefApp> Reference::Apps(const RefFilter& filter, const std::string& customer_id) const {
  const std::vector<std::string> months = MonthsOf(Resolve(filter));
  std::map<std::string, std::map<std::string, int64_t>> users_by_app_month;
  std::map<std::string, std::set<std::string>> customers_by_app;
  for (const auto& [key, users] : data_.apps) {
    const auto& [month, customer, app] = key;
    if (!Contains(months, month) || !Selected(filter, customer)) continue;
    if (!customer_id.empty() && customer != customer_id) continue;
    users_by_app_month[app][month] += users;
    if (users > 0) customers_by_app[app].insert(customer);
  }
  std::vector<RefApp> apps;
  for (const auto& [app, by_month] : users_by_app_month) {
    RefApp a;
    a.name = app;
    for (const auto& [month, users] : by_month) a.user_count = std::max(a.user_count, users);
    a.customer_count = static_cast<int64_t>(customers_by_app[app].size());
    if (a.user_count > 0) apps.push_back(a);
  }
  std::stable_sort(apps.begin(), apps.end(), [](const RefApp& a, const RefApp& b) {
    if (a.user_count != b.user_count) return a.user_count > b.user_count;
    return a.name < b.name;  // std::string compares bytes as unsigned char
  });
  return apps;
}

size_t Reference::ExportRows(int dataset, const RefFilter& filter) const {
  const Days r = Resolve(filter);
  const std::vector<std::string> months = MonthsOf(r);
  size_t n = 0;
  if (dataset == 1) {
    for (const auto& [key, v] : data_.meetings) {
      n += std::get<0>(key) >= r.start && std::get<0>(key) <= r.end &&
           Selected(filter, std::get<1>(key));
    }
  } else if (dataset == 2) {
    for (const auto& [key, v] : data_.workload) {
      n += Contains(months, std::get<0>(key)) && Selected(filter, std::get<1>(key));
    }
  } else {
    for (const auto& [key, v] : data_.apps) {
      n += Contains(months, std::get<0>(key)) && Selected(filter, std::get<1>(key));
    }
  }
  return n;
}

RefFilter RandomFilter(std::mt19937_64& rng, const std::string& first_day, int span_days,
                       const std::vector<TestCustomer>& customers) {
  RefFilter f;
  const auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  const int64_t first = TestDays(first_day);
  if (pick(10) < 3) {
    f.preset = pick(4);
  } else {
    f.preset = 4;
    int64_t start = first - 40 + pick(span_days + 80);
    int64_t end = start;
    switch (pick(6)) {
      case 0:  // one day
        break;
      case 1: {  // whole months
        const std::string month = MonthOfDay(start);
        start = FirstDayOf(month);
        int y, m;
        YearMonth(month, &y, &m);
        end = LastDayOf(FormatYm(y * 12 + (m - 1) + pick(13)));
        break;
      }
      case 2:  // anything allowed
        end = start + pick(static_cast<int>(LongestEnd(TestDate(start)) - start + 1));
        break;
      case 3:  // the longest allowed
        end = LongestEnd(TestDate(start));
        break;
      case 4:  // long before the data
        start = TestDays("2019-01-10") + pick(30);
        end = start + pick(60);
        break;
      default:  // a few weeks, often across a month's end
        end = start + 1 + pick(60);
        break;
    }
    f.start_date = TestDate(start);
    f.end_date = TestDate(end);
  }
  if (pick(2) == 0) {
    static const char* const kCountries[] = {"US", "DE", "IN", "BR", "ZZ"};
    static const char* const kSegments[] = {"SMB", "Corporate", "Enterprise"};
    static const char* const kIndustries[] = {"Retail", "Health, Care", "Finance \"Plus\""};
    const auto subset = [&](const char* const* values, int n, std::vector<std::string>* out) {
      if (pick(3) != 0) return;
      for (int i = 0; i < n; ++i) {
        if (pick(2) == 0) out->push_back(values[i]);
      }
      if (out->empty()) out->push_back(values[pick(n)]);
    };
    subset(kCountries, 5, &f.country_codes);
    subset(kSegments, 3, &f.segments);
    subset(kIndustries, 3, &f.industries);
    if (pick(3) == 0) {
      for (const TestCustomer& c : customers) {
        if (pick(3) == 0) f.customer_ids.push_back(c.id);
      }
      if (pick(2) == 0) f.customer_ids.push_back("C9999");  // no such customer
      if (f.customer_ids.empty()) f.customer_ids.push_back(customers[pick(customers.size())].id);
    }
  }
  return f;
}

}  // namespace teams_usage::testing
