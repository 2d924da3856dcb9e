#include "tests/support/usage_files.h"

#include <cmath>
#include <cstdio>
#include <ctime>
#include <stdexcept>

namespace teams_usage::testing {
namespace {

const char* const kCustomerHeader[] = {
    "PGAMpnID",        "CustomerId",      "CustomerTenantId", "CustomerName", "CustomerCountryCode",
    "CustomerCountry", "CustomerSegment", "IndustryName",     "VerticalName", "EOU"};

std::string Quote(const std::string& field, char delimiter) {
  const bool needs = field.find_first_of(std::string("\"\r\n") + delimiter) != std::string::npos;
  if (!needs) return field;
  std::string out = "\"";
  for (char c : field) {
    if (c == '"')
      out += "\"\"";
    else
      out.push_back(c);
  }
  return out + "\"";
}

class FileBuilder {
 public:
  explicit FileBuilder(char delimiter) : delimiter_(delimiter) {}
  void Field(const std::string& value) {
    if (!first_) out_.push_back(delimiter_);
    out_ += Quote(value, delimiter_);
    first_ = false;
  }
  void EndLine() {
    out_ += "\r\n";
    first_ = true;
  }
  void Header(std::initializer_list<const char*> own) {
    for (const char* h : kCustomerHeader) Field(h);
    for (const char* h : own) Field(h);
    EndLine();
  }
  void Customer(const std::string& partner, const TestCustomer& c) {
    for (const std::string* v : {&partner, &c.id, &c.tenant_id, &c.name, &c.country_code,
                                 &c.country, &c.segment, &c.industry, &c.vertical, &c.eou}) {
      Field(*v);
    }
  }
  std::string str() const { return out_; }

 private:
  char delimiter_;
  bool first_ = true;
  std::string out_;
};

std::string Hours(double h) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4f", h);
  return buf;
}

}  // namespace

double RoundHours(double hours) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4f", hours);
  return std::strtod(buf, nullptr);
}

std::string MeetingsFile(const std::vector<MeetingsRow>& rows, char delimiter) {
  FileBuilder b(delimiter);
  b.Header({"DateKey", "Subworkload", "MeetingCount", "MeetingDuration"});
  for (const auto& r : rows) {
    b.Customer(r.partner, r.customer);
    b.Field(r.date);
    b.Field(r.subworkload);
    b.Field(std::to_string(r.count));
    b.Field(Hours(r.hours));
    b.EndLine();
  }
  return b.str();
}

std::string WorkloadFile(const std::vector<WorkloadRow>& rows, char delimiter) {
  FileBuilder b(delimiter);
  b.Header(
      {"MonthKey", "SubWorkload", "DesktopUsers", "WebUsers", "MobileUsers", "AllUpParticipants"});
  for (const auto& r : rows) {
    b.Customer(r.partner, r.customer);
    b.Field(r.month);
    b.Field(r.subworkload);
    b.Field(std::to_string(r.desktop));
    b.Field(std::to_string(r.web));
    b.Field(std::to_string(r.mobile));
    b.Field(std::to_string(r.all_up));
    b.EndLine();
  }
  return b.str();
}

std::string AppsFile(const std::vector<AppRow>& rows, char delimiter) {
  FileBuilder b(delimiter);
  b.Header({"DateKey", "AppName", "UserCount"});
  for (const auto& r : rows) {
    b.Customer(r.partner, r.customer);
    b.Field(r.month);
    b.Field(r.app);
    b.Field(std::to_string(r.users));
    b.EndLine();
  }
  return b.str();
}

int SubworkloadCode(const std::string& s) {
  std::string k;
  for (char c : s) {
    if (c != ' ') k.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  if (k == "meetings") return 1;
  if (k == "calls") return 2;
  if (k == "phonesystems" || k == "phonesystem" || k == "pstn") return 3;
  throw std::invalid_argument("unknown subworkload " + s);
}

int64_t TestDays(const std::string& date) {
  std::tm tm{};
  if (std::sscanf(date.c_str(), "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3) {
    throw std::invalid_argument("bad date " + date);
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&tm) / 86400);
}

std::string TestDate(int64_t days) {
  const std::time_t t = static_cast<std::time_t>(days * 86400);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

RandomData MakeRandomData(const RandomDataOptions& o, std::mt19937_64& rng) {
  static const char* const kCountries[][2] = {
      {"US", "United States"}, {"DE", "Germany"}, {"IN", "India"}, {"BR", "Brazil"}};
  static const char* const kSegments[] = {"SMB", "Corporate", "Enterprise"};
  static const char* const kIndustries[] = {"Retail", "Health, Care", "Finance \"Plus\""};
  static const char* const kSubworkloads[] = {"Meetings", "Calls", "PhoneSystems"};
  static const char* const kAppNames[] = {"Polly",       "Trello", "Zoom\tBridge",   "Asana",
                                          "Jira, Cloud", "Miro",   "\"Quoted\" App", "Ébauche"};
  RandomData data;
  std::uniform_real_distribution<double> unit(0, 1);
  for (int i = 0; i < o.customers; ++i) {
    TestCustomer c;
    char id[32];
    std::snprintf(id, sizeof id, "C%04d", i);
    c.id = id;
    c.tenant_id = "00000000-0000-4000-8000-" + std::string(12 - std::to_string(i).size(), '0') +
                  std::to_string(i);
    c.name = i % 5 == 0 ? "Contoso, Ltd. \"" + std::to_string(i) + "\"" : "Customer " + c.id;
    const auto& country = kCountries[rng() % 4];
    c.country_code = country[0];
    c.country = country[1];
    c.segment = kSegments[rng() % 3];
    c.industry = kIndustries[rng() % 3];
    c.vertical = i % 2 == 0 ? "Vertical A" : "Vertical\nB";
    c.eou = i % 3 == 0 ? "" : "EOU" + std::to_string(i % 4);
    data.customers.push_back(c);
  }
  const int64_t first = TestDays(o.first_day);
  std::vector<int64_t> months;
  for (int d = 0; d < o.days; ++d) {
    const std::string date = TestDate(first + d);
    const std::string month = date.substr(0, 8) + "01";
    if (months.empty() || TestDate(months.back()) != month) months.push_back(TestDays(month));
    for (int ci = 0; ci < o.customers; ++ci) {
      for (int s = 0; s < 3; ++s) {
        if (unit(rng) >= o.row_probability) continue;
        MeetingsRow r;
        r.partner = o.partner;
        r.customer = data.customers[ci];
        r.date = date;
        r.subworkload = kSubworkloads[s];
        // Customer 1 never meets; some rows are zero.
        r.count = (ci == 1 || unit(rng) < 0.1) ? 0 : static_cast<int64_t>(rng() % 40);
        r.hours = r.count == 0 ? 0 : RoundHours(static_cast<double>(r.count) * unit(rng) * 1.5);
        data.meetings.push_back(r);
      }
    }
  }
  for (int64_t m : months) {
    const std::string month = TestDate(m);
    for (int ci = 0; ci < o.customers; ++ci) {
      if (unit(rng) < 0.2) continue;
      const int64_t all_up = static_cast<int64_t>(rng() % 500);
      for (int s = 0; s < 3; ++s) {
        if (unit(rng) < 0.25) continue;
        WorkloadRow w;
        w.partner = o.partner;
        w.customer = data.customers[ci];
        w.month = (ci % 2 == 0) ? month : month.substr(0, 7);
        w.subworkload = kSubworkloads[s];
        w.desktop = static_cast<int64_t>(rng() % 300);
        w.web = static_cast<int64_t>(rng() % 100);
        w.mobile = static_cast<int64_t>(rng() % 200);
        w.all_up = all_up;
        data.workload.push_back(w);
      }
      for (int a = 0; a < o.apps && a < 8; ++a) {
        if (unit(rng) < 0.5) continue;
        AppRow r;
        r.partner = o.partner;
        r.customer = data.customers[ci];
        r.month = (ci % 3 == 0) ? month.substr(0, 7) : month;
        r.app = kAppNames[a];
        r.users = unit(rng) < 0.15 ? 0 : static_cast<int64_t>(rng() % 120);
        data.apps.push_back(r);
      }
    }
  }
  return data;
}

}  // namespace teams_usage::testing
