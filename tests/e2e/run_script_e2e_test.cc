// ./scripts/run --once, as a developer runs it: it builds (a no-op when build/ is up to date),
// starts its own PostgreSQL and server, loads the demo data through `teams-report upload`, and
// prints the whole report with the sample client, then the commands to query it again. The data
// goes to a private directory (TEAMS_RUN_LOCAL_DIR), the script picks free ports for PostgreSQL
// and gRPC and the test one for metrics, so a developer's running instance is left alone.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <regex>
#include <sstream>

#include "tests/support/processes.h"

namespace teams_usage {
namespace {

using ::testing::HasSubstr;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The numbers of a table row, "1,234", "37.5" (units like "h" and "min" are separate words),
// after its first word (the KPI, the month or the rank).
std::vector<double> Numbers(const std::string& row) {
  static const std::regex kNumber(R"(^[+-]?[0-9][0-9,]*(\.[0-9]+)?%?$)");
  std::vector<double> numbers;
  std::istringstream words(row);
  std::string word;
  words >> word;  // the first column
  while (words >> word) {
    if (!std::regex_match(word, kNumber)) continue;
    std::string digits;
    for (char c : word) {
      if (c != ',' && c != '%' && c != '+') digits.push_back(c);
    }
    numbers.push_back(std::stod(digits));
  }
  return numbers;
}

// The rows of the table under the line `title` (after its header and rule), up to a blank line.
std::vector<std::string> SectionRows(const std::vector<std::string>& lines,
                                     const std::string& title) {
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].rfind(title, 0) != 0) continue;
    std::vector<std::string> rows;
    // i+1: the header, i+2: the rule.
    for (size_t j = i + 3; j < lines.size() && !lines[j].empty(); ++j) {
      if (lines[j].rfind("(left out", 0) == 0) continue;
      rows.push_back(lines[j]);
    }
    return rows;
  }
  ADD_FAILURE() << "no section " << title;
  return {};
}

TEST(RunScriptE2eTest, OncePrintsTheWholeReportWithNonZeroFigures) {
  testing::TempDir dir;
  // PostgreSQL runs as the postgres user: it must be able to reach its data directory.
  ASSERT_EQ(chmod(dir.path().c_str(), 0711), 0);
  const std::string local = dir.path() + "/local";
  const auto result = testing::RunCommand(
      {"/usr/bin/env", "TEAMS_RUN_LOCAL_DIR=" + local, "LANG=C.UTF-8", "LC_ALL=", "COLUMNS=120",
       // The server reads its flags from TEAMS_REPORT_*: metrics on a port of its own, so that a
       // developer's instance on the default 127.0.0.1:9464 does not stop this one.
       "TEAMS_REPORT_METRICS_LISTEN=127.0.0.1:0", "/usr/bin/timeout", "-k", "10", "1100",
       testing::SourcePath("scripts/run"), "--once"});
  ASSERT_EQ(result.exit_code, 0) << result.out << "\n"
                                 << result.err << "\n"
                                 << testing::ReadFile(local + "/server.log");
  const std::string& out = result.out;
  const auto lines = Lines(out);

  // The demo data went in through the client.
  EXPECT_THAT(out, HasSubstr("TeamsUsageMeetingsAndCalls.csv: "));
  EXPECT_THAT(out, HasSubstr("TeamsUsage3PApps.csv: "));
  // The header of the report: the last 12 months up to the demo data's last day.
  EXPECT_THAT(out, HasSubstr("Range 2025-11-01 .. 2026-10-31 (last 12 months)"));
  EXPECT_THAT(out, HasSubstr("data as of 2026-10-31, data version 3"));

  // Summary: every KPI non-zero.
  const auto summary = SectionRows(lines, "Summary");
  ASSERT_EQ(summary.size(), 5u) << out;
  for (const std::string& row : summary) {
    const auto numbers = Numbers("KPI" + row.substr(row.find("  ")));  // the title has spaces
    ASSERT_FALSE(numbers.empty()) << row;
    EXPECT_GT(numbers[0], 0) << row;
  }
  // Trend: twelve months, each with meetings (the first number) above zero; and its charts.
  const auto trend = SectionRows(lines, "Conversations trend");
  EXPECT_EQ(trend.size(), 12u) << out;
  for (const std::string& row : trend) {
    const auto numbers = Numbers(row);
    ASSERT_EQ(numbers.size(), 4u) << row;
    EXPECT_GT(numbers[0], 0) << row;
    EXPECT_GT(numbers[1], 0) << row;
    EXPECT_GT(numbers[3], 0) << row;
  }
  EXPECT_THAT(out, HasSubstr("Meetings per month\n2025-11  "));
  EXPECT_THAT(out, HasSubstr("█"));
  // Workloads: twelve months of three workloads, users on every client.
  const auto workloads = SectionRows(lines, "Usage by workloads");
  EXPECT_EQ(workloads.size(), 36u) << out;
  for (const std::string& row : workloads) {
    const auto numbers = Numbers(row);
    ASSERT_EQ(numbers.size(), 3u) << row;
    for (double n : numbers) EXPECT_GT(n, 0) << row;
  }
  EXPECT_THAT(out, HasSubstr("All-up Teams users per month"));
  // Top customers and apps: ten rows each with usage.
  const auto customers = SectionRows(lines, "Top customers by meetings");
  EXPECT_EQ(customers.size(), 10u) << out;
  for (const std::string& row : customers) {
    const auto numbers = Numbers(row);
    ASSERT_GE(numbers.size(), 3u) << row;
    EXPECT_GT(numbers[0], 0) << row;  // meetings (the first number after the rank)
  }
  const auto apps = SectionRows(lines, "Top third-party apps");
  EXPECT_EQ(apps.size(), 10u) << out;
  for (const std::string& row : apps) {
    const auto numbers = Numbers(row);
    ASSERT_GE(numbers.size(), 2u) << row;
    EXPECT_GT(numbers[numbers.size() - 2], 0) << row;  // users
    EXPECT_GT(numbers.back(), 0) << row;               // customers
  }

  // And how to ask again, with the token file the script wrote.
  const std::string client = "--token-file " + local + "/viewer.token ";
  for (const std::string command :
       {"summary --range 12m", "trend --range 12m", "top-customers --range 12m --all",
        "apps --range 12m", "export --dataset meetings-and-calls --range 12m --out"}) {
    EXPECT_THAT(out, HasSubstr(client + command)) << out;
  }
}

}  // namespace
}  // namespace teams_usage
