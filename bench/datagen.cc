// teams-datagen: writes the three Teams usage datasets in the Partner Center raw-download format
// for one partner, deterministically (same flags, same bytes). Used for the demo data of
// scripts/run and, at scale, by scripts/bench.
//
// Shapes: a long tail of customer sizes (a few large customers, many small ones), weekday/weekend
// rhythm, yearly seasonality (quiet August and late December), slow growth, several countries,
// segments and industries, phone systems at a minority of customers, a dozen third-party apps.
#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "storage/civil_date.h"

namespace {

using teams_usage::AddMonths;
using teams_usage::CivilFromDays;
using teams_usage::FirstOfMonth;
using teams_usage::FormatIsoDate;
using teams_usage::ParseIsoDate;

struct Customer {
  std::string id, tenant, name, country_code, country, segment, industry, vertical, eou;
  double size = 1;  // relative activity
  bool phone_system = false;
  std::vector<int> apps;
};

class Output {
 public:
  Output(const std::string& path, char delimiter) : delimiter_(delimiter) {
    file_ = std::fopen(path.c_str(), "wb");
    if (file_ == nullptr) {
      std::perror(path.c_str());
      std::exit(1);
    }
    std::setvbuf(file_, nullptr, _IOFBF, 1 << 20);
  }
  ~Output() { std::fclose(file_); }
  void Field(const std::string& v) {
    if (!first_) std::fputc(delimiter_, file_);
    first_ = false;
    if (v.find_first_of(std::string("\"\r\n") + delimiter_) == std::string::npos) {
      std::fwrite(v.data(), 1, v.size(), file_);
      return;
    }
    std::fputc('"', file_);
    for (char c : v) {
      if (c == '"') std::fputc('"', file_);
      std::fputc(c, file_);
    }
    std::fputc('"', file_);
  }
  void Int(long long v) { Field(std::to_string(v)); }
  void Hours(double h) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", h);
    Field(buf);
  }
  void End() {
    std::fputs("\r\n", file_);
    first_ = true;
  }
  void Customer(const std::string& partner, const ::Customer& c) {
    for (const std::string* v : {&partner, &c.id, &c.tenant, &c.name, &c.country_code, &c.country,
                                 &c.segment, &c.industry, &c.vertical, &c.eou}) {
      Field(*v);
    }
  }
  void Header(std::initializer_list<const char*> own) {
    for (const char* h :
         {"PGAMpnID", "CustomerId", "CustomerTenantId", "CustomerName", "CustomerCountryCode",
          "CustomerCountry", "CustomerSegment", "IndustryName", "VerticalName", "EOU"}) {
      Field(h);
    }
    for (const char* h : own) Field(h);
    End();
  }

 private:
  std::FILE* file_;
  char delimiter_;
  bool first_ = true;
};

const char* const kCountries[][2] = {
    {"US", "United States"}, {"GB", "United Kingdom"}, {"DE", "Germany"}, {"FR", "France"},
    {"IN", "India"},         {"JP", "Japan"},          {"BR", "Brazil"},  {"AU", "Australia"}};
const double kCountryWeights[] = {30, 12, 12, 9, 14, 8, 8, 7};
const char* const kSegments[] = {"SMB", "SMB Commercial", "Corporate", "Enterprise"};
const double kSegmentWeights[] = {45, 25, 20, 10};
const char* const kIndustries[][2] = {
    {"Retail & Consumer Goods", "Retail"}, {"Financial Services", "Banking"},
    {"Healthcare", "Providers"},           {"Manufacturing", "Discrete Manufacturing"},
    {"Education", "Higher Education"},     {"Government", "Local Government"},
    {"Professional Services", "Legal"},    {"Media & Communications", "Media"}};
const char* const kApps[] = {"Polly",
                             "Trello",
                             "Asana",
                             "Jira Cloud",
                             "Miro",
                             "ServiceNow",
                             "Zoom for Teams",
                             "Salesforce",
                             "Adobe Acrobat",
                             "Smartsheet",
                             "Power BI (3rd-party connector)",
                             "Workday"};
constexpr int kNamedApps = sizeof(kApps) / sizeof(kApps[0]);

// The catalog's app `a`: the named ones, then numbered line-of-business apps.
std::string AppName(int a) {
  return a < kNamedApps ? kApps[a] : "Line-of-business app " + std::to_string(a + 1);
}
const char* const kNameParts[] = {"Contoso",   "Fabrikam",      "Northwind", "Tailspin",
                                  "Woodgrove", "Litware",       "Adatum",    "Proseware",
                                  "Wingtip",   "Lamna",         "Relecloud", "Alpine",
                                  "Coho",      "Fourth Coffee", "Margie's"};
const char* const kNameSuffixes[] = {"Ltd.",  "Inc.",     "GmbH",    "Group",
                                     "& Co.", "Holdings", "Systems", "Partners"};

double Seasonality(int month) {  // 1..12
  static const double kFactor[] = {0.95, 1.0,  1.05, 1.02, 1.03, 0.97,
                                   0.85, 0.78, 1.0,  1.06, 1.08, 0.82};
  return kFactor[month - 1];
}

double Weekday(int32_t days) {
  const int wd = ((days % 7) + 7 + 4) % 7;  // 1970-01-01 was a Thursday; 0 = Sunday
  if (wd == 0) return 0.12;
  if (wd == 6) return 0.22;
  return 1.0;
}

template <size_t N>
int Pick(std::mt19937_64& rng, const double (&weights)[N]) {
  std::discrete_distribution<int> d(std::begin(weights), std::end(weights));
  return d(rng);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"teams-datagen: deterministic Teams usage datasets in the Partner Center format"};
  std::string partner = "4812345";
  int customers = 60;
  int months = 13;
  std::string end_date = "2026-10-31";
  std::string out_dir = ".";
  std::string format = "csv";
  uint64_t seed = 1;
  double phone_system_share = 0.35;
  int app_catalog = kNamedApps;
  double app_adoption = 1;
  app.add_option("--partner", partner, "PGAMpnID of the partner")->capture_default_str();
  app.add_option("--customers", customers, "number of customers")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  app.add_option("--months", months, "months of data, ending with the month of --end-date")
      ->check(CLI::Range(1, 36))
      ->capture_default_str();
  app.add_option("--end-date", end_date, "the last DateKey (data as of)")->capture_default_str();
  app.add_option("--out-dir", out_dir, "where to write the three files")->capture_default_str();
  app.add_option("--format", format, "csv or tsv")
      ->check(CLI::IsMember({"csv", "tsv"}))
      ->capture_default_str();
  app.add_option("--seed", seed, "random seed")->capture_default_str();
  // The largest partner of DESIGN.md §11 (≈12 M daily, 0.4 M workload, 1.3 M app rows at 10,000
  // customers × 13 months): --phone-system-share 1 --apps 40 --app-adoption 1.8.
  app.add_option("--phone-system-share", phone_system_share,
                 "share of customers with phone systems (a PhoneSystems row every day)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_option("--apps", app_catalog, "third-party apps in the catalog")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  app.add_option("--app-adoption", app_adoption,
                 "multiplier of each app's adoption probability (0.55 / (1 + a / 4) for app a)")
      ->check(CLI::Range(0.0, 100.0))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  const auto end = ParseIsoDate(end_date);
  if (!end) {
    std::fprintf(stderr, "teams-datagen: --end-date must be YYYY-MM-DD\n");
    return 2;
  }
  const int32_t first = AddMonths(FirstOfMonth(*end), -(months - 1));
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0, 1);

  std::vector<Customer> all(customers);
  for (int i = 0; i < customers; ++i) {
    Customer& c = all[i];
    char id[40];
    std::snprintf(id, sizeof id, "%08d-%04d", 70000000 + i * 7919 % 9999999, i % 10000);
    c.id = id;
    char tenant[40];
    std::snprintf(tenant, sizeof tenant, "%08x-%04x-4%03x-8%03x-%012llx",
                  static_cast<unsigned>(rng()), static_cast<unsigned>(rng() & 0xffff),
                  static_cast<unsigned>(rng() & 0xfff), static_cast<unsigned>(rng() & 0xfff),
                  static_cast<unsigned long long>(rng() & 0xffffffffffffULL));
    c.tenant = tenant;
    c.name = std::string(kNameParts[rng() % 15]) + " " + kNameSuffixes[rng() % 8];
    if (i >= 15) c.name += " " + std::to_string(i);
    const int country = Pick(rng, kCountryWeights);
    c.country_code = kCountries[country][0];
    c.country = kCountries[country][1];
    const int segment = Pick(rng, kSegmentWeights);
    c.segment = kSegments[segment];
    const int industry = static_cast<int>(rng() % 8);
    c.industry = kIndustries[industry][0];
    c.vertical = kIndustries[industry][1];
    c.eou = segment >= 2 ? "Enterprise Commercial" : "SMB";
    // Long tail: size ~ rank^-0.9, larger segments larger.
    c.size = 400.0 / std::pow(i + 1.0, 0.9) * (1 + segment * 0.5) * (0.7 + 0.6 * unit(rng));
    c.phone_system = unit(rng) < phone_system_share;
    for (int a = 0; a < app_catalog; ++a) {
      if (unit(rng) < app_adoption * 0.55 / (1 + a * 0.25)) c.apps.push_back(a);
    }
  }

  const char delimiter = format == "tsv" ? '\t' : ',';
  const std::string ext = format == "tsv" ? ".tsv" : ".csv";
  const char* const kSub[] = {"Meetings", "Calls", "PhoneSystems"};
  {
    Output out(out_dir + "/TeamsUsageMeetingsAndCalls" + ext, delimiter);
    out.Header({"DateKey", "Subworkload", "MeetingCount", "MeetingDuration"});
    for (int32_t day = first; day <= *end; ++day) {
      const auto ymd = CivilFromDays(day);
      const double growth = 1 + 0.015 * (day - first) / 30.0;
      const double factor = Seasonality(ymd.month) * Weekday(day) * growth;
      const std::string date = FormatIsoDate(day);
      for (const Customer& c : all) {
        for (int s = 0; s < 3; ++s) {
          if (s == 2 && !c.phone_system) continue;
          const double mean = c.size * factor * (s == 0 ? 0.05 : s == 1 ? 0.08 : 0.015);
          std::poisson_distribution<long long> count(mean);
          const long long n = mean > 0 ? count(rng) : 0;
          const double avg_hours = s == 0 ? 0.45 + 0.35 * unit(rng) : 0.08 + 0.1 * unit(rng);
          out.Customer(partner, c);
          out.Field(date);
          out.Field(kSub[s]);
          out.Int(n);
          out.Hours(n * avg_hours);
          out.End();
        }
      }
    }
  }
  {
    Output out(out_dir + "/TeamsUsageWorkload" + ext, delimiter);
    out.Header({"MonthKey", "SubWorkload", "DesktopUsers", "WebUsers", "MobileUsers",
                "AllUpParticipants"});
    for (int m = 0; m < months; ++m) {
      const int32_t month = AddMonths(first, m);
      const auto ymd = CivilFromDays(month);
      char key[16];
      std::snprintf(key, sizeof key, "%04d-%02d", ymd.year, ymd.month);
      for (const Customer& c : all) {
        const double users = c.size * Seasonality(ymd.month) * (1 + 0.015 * m);
        const long long all_up = static_cast<long long>(users * (1.1 + 0.2 * unit(rng)));
        for (int s = 0; s < 3; ++s) {
          if (s == 2 && !c.phone_system) continue;
          const double share = s == 0 ? 0.9 : s == 1 ? 0.75 : 0.2;
          out.Customer(partner, c);
          out.Field(key);
          out.Field(kSub[s]);
          out.Int(static_cast<long long>(users * share * 0.7));
          out.Int(static_cast<long long>(users * share * 0.15));
          out.Int(static_cast<long long>(users * share * 0.35));
          out.Int(all_up);
          out.End();
        }
      }
    }
  }
  {
    Output out(out_dir + "/TeamsUsage3PApps" + ext, delimiter);
    out.Header({"DateKey", "AppName", "UserCount"});
    for (int m = 0; m < months; ++m) {
      const int32_t month = AddMonths(first, m);
      const std::string key = FormatIsoDate(month);
      for (const Customer& c : all) {
        for (int a : c.apps) {
          out.Customer(partner, c);
          out.Field(key);
          out.Field(AppName(a));
          out.Int(static_cast<long long>(c.size * 0.3 / (1 + a * 0.3) * (0.8 + 0.4 * unit(rng))));
          out.End();
        }
      }
    }
  }
  return 0;
}
