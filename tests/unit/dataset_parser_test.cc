#include "storage/ingest/dataset_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "storage/civil_date.h"
#include "storage/ingest/csv_reader.h"

namespace teams_usage::ingest {
namespace {

using ::testing::HasSubstr;

constexpr char kMeetingsHeader[] =
    "PGAMpnID,CustomerId,CustomerTenantId,CustomerName,CustomerCountryCode,CustomerCountry,"
    "CustomerSegment,IndustryName,VerticalName,EOU,DateKey,Subworkload,MeetingCount,"
    "MeetingDuration";
constexpr char kWorkloadHeader[] =
    "PGAMpnID,CustomerId,CustomerTenantId,CustomerName,CustomerCountryCode,CustomerCountry,"
    "CustomerSegment,IndustryName,VerticalName,EOU,MonthKey,SubWorkload,DesktopUsers,WebUsers,"
    "MobileUsers,AllUpParticipants";
constexpr char kAppsHeader[] =
    "PGAMpnID,CustomerId,CustomerTenantId,CustomerName,CustomerCountryCode,CustomerCountry,"
    "CustomerSegment,IndustryName,VerticalName,EOU,DateKey,AppName,UserCount";
constexpr char kTenant[] = "6f1c1b2e-3d4a-4b5c-8d9e-0a1b2c3d4e5f";

// The customer part of a CSV row (10 fields) with the given PGAMpnID, CustomerId and name.
std::string Customer(const std::string& partner = "4412345", const std::string& id = "C-001",
                     const std::string& name = "Contoso") {
  return partner + "," + id + "," + kTenant + "," + name +
         ",US,United States,SMB,Retail,Retail,Americas";
}

std::string MeetingsRow(const std::string& date, const std::string& sub, const std::string& count,
                        const std::string& hours, const std::string& customer = Customer()) {
  return customer + "," + date + "," + sub + "," + count + "," + hours;
}

struct Result {
  std::vector<UsageRow> rows;
  std::vector<RowError> errors;
  int64_t error_count = 0;
  int64_t rows_read = 0;
  int64_t lines_read = 0;
  FileFormat format = FileFormat::kAuto;
  bool ok = false;
};

struct Opts {
  Dataset dataset = Dataset::kMeetingsAndCalls;
  FileFormat format = FileFormat::kAuto;
  std::string partner;
  size_t max_errors = 20;
};

// Parses `data`, fed in chunks at the given split offsets (none: one Feed call).
Result Parse(std::string_view data, const Opts& o = {}, const std::vector<size_t>& splits = {}) {
  Result r;
  ParserOptions options;
  options.dataset = o.dataset;
  options.format = o.format;
  options.expected_partner_id = o.partner;
  options.max_errors = o.max_errors;
  DatasetParser parser(options, [&](const UsageRow& row) { r.rows.push_back(row); });
  size_t pos = 0;
  for (size_t split : splits) {
    parser.Feed(data.substr(pos, split - pos));
    pos = split;
  }
  parser.Feed(data.substr(pos));
  parser.Finish();
  r.errors = parser.errors();
  r.error_count = parser.error_count();
  r.rows_read = parser.rows_read();
  r.lines_read = parser.lines_read();
  r.format = parser.format();
  r.ok = parser.ok();
  return r;
}

Result ParseBytewise(std::string_view data, const Opts& o = {}) {
  std::vector<size_t> splits;
  for (size_t i = 1; i < data.size(); ++i) splits.push_back(i);
  return Parse(data, o, splits);
}

std::string ReadFixture(const std::string& name) {
  std::ifstream in(std::string(TEAMS_TESTDATA_DIR) + "/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

int32_t Day(int y, int m, int d) { return DaysFromCivil(y, m, d); }

bool SameRow(const UsageRow& a, const UsageRow& b) {
  const CustomerAttributes& x = a.customer;
  const CustomerAttributes& y = b.customer;
  return a.line == b.line && a.partner_id == b.partner_id && x.customer_id == y.customer_id &&
         x.customer_tenant_id == y.customer_tenant_id && x.name == y.name &&
         x.country_code == y.country_code && x.country == y.country && x.segment == y.segment &&
         x.industry == y.industry && x.vertical == y.vertical && x.eou == y.eou &&
         a.date == b.date && a.subworkload == b.subworkload && a.meeting_count == b.meeting_count &&
         a.meeting_hours == b.meeting_hours && a.desktop_users == b.desktop_users &&
         a.web_users == b.web_users && a.mobile_users == b.mobile_users &&
         a.all_up_participants == b.all_up_participants && a.app_name == b.app_name &&
         a.user_count == b.user_count;
}

void ExpectSameResult(const Result& a, const Result& b, const std::string& where) {
  ASSERT_EQ(a.rows.size(), b.rows.size()) << where;
  for (size_t i = 0; i < a.rows.size(); ++i) EXPECT_TRUE(SameRow(a.rows[i], b.rows[i])) << where;
  ASSERT_EQ(a.errors.size(), b.errors.size()) << where;
  for (size_t i = 0; i < a.errors.size(); ++i) {
    EXPECT_EQ(a.errors[i].ToString(), b.errors[i].ToString()) << where;
  }
  EXPECT_EQ(a.error_count, b.error_count) << where;
  EXPECT_EQ(a.rows_read, b.rows_read) << where;
  EXPECT_EQ(a.lines_read, b.lines_read) << where;
  EXPECT_EQ(a.format, b.format) << where;
  EXPECT_EQ(a.ok, b.ok) << where;
}

// The single error of a parse, as "line N, column C: reason".
std::string OnlyError(const Result& r) {
  EXPECT_EQ(r.error_count, 1);
  EXPECT_EQ(r.errors.size(), 1u);
  EXPECT_FALSE(r.ok);
  return r.errors.empty() ? "" : r.errors[0].ToString();
}

// ---------------------------------------------------------------------------------------------
// Valid input.

TEST(DatasetParserTest, ParsesMeetingsRowValues) {
  const std::string file = std::string(kMeetingsHeader) + "\n" +
                           MeetingsRow("2026-01-05", "Meetings", "120", "85.5") + "\n";
  const Result r = Parse(file);
  ASSERT_TRUE(r.ok) << (r.errors.empty() ? "" : r.errors[0].ToString());
  ASSERT_EQ(r.rows.size(), 1u);
  const UsageRow& row = r.rows[0];
  EXPECT_EQ(row.line, 2);
  EXPECT_EQ(row.partner_id, "4412345");
  EXPECT_EQ(row.customer.customer_id, "C-001");
  EXPECT_EQ(row.customer.customer_tenant_id, kTenant);
  EXPECT_EQ(row.customer.name, "Contoso");
  EXPECT_EQ(row.customer.country_code, "US");
  EXPECT_EQ(row.customer.country, "United States");
  EXPECT_EQ(row.customer.segment, "SMB");
  EXPECT_EQ(row.customer.industry, "Retail");
  EXPECT_EQ(row.customer.vertical, "Retail");
  EXPECT_EQ(row.customer.eou, "Americas");
  EXPECT_EQ(row.date, Day(2026, 1, 5));
  EXPECT_EQ(row.subworkload, Subworkload::kMeetings);
  EXPECT_EQ(row.meeting_count, 120);
  EXPECT_DOUBLE_EQ(row.meeting_hours, 85.5);
  EXPECT_EQ(r.rows_read, 1);
  EXPECT_EQ(r.lines_read, 2);
  EXPECT_EQ(r.format, FileFormat::kCsv);
  EXPECT_EQ(r.error_count, 0);
}

TEST(DatasetParserTest, SkipsBomAndHandlesCrlf) {
  const std::string file = "\xEF\xBB\xBF" + std::string(kMeetingsHeader) + "\r\n" +
                           MeetingsRow("2026-01-05", "Calls", "4", "1") + "\r\n" +
                           MeetingsRow("2026-01-06", "Calls", "5", "2") + "\r\n";
  const Result r = Parse(file);
  ASSERT_TRUE(r.ok) << r.errors[0].ToString();
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0].partner_id, "4412345");  // no BOM left on the first column
  EXPECT_EQ(r.rows[0].line, 2);
  EXPECT_EQ(r.rows[1].line, 3);
  EXPECT_DOUBLE_EQ(r.rows[1].meeting_hours, 2);  // no CR left on the last column
  EXPECT_EQ(r.lines_read, 3);
}

TEST(DatasetParserTest, BomAloneWithoutTheRestIsData) {
  // Two of the three BOM bytes are not a BOM: the header is then misnamed.
  const std::string file = "\xEF\xBB" + std::string(kMeetingsHeader) + "\n";
  const Result r = Parse(file);
  EXPECT_FALSE(r.ok);
  ASSERT_FALSE(r.errors.empty());
  EXPECT_EQ(r.errors[0].ToString(), "line 1, column PGAMpnID: required column is missing");
}

TEST(DatasetParserTest, QuotedCommasDoubledQuotesAndNewlines) {
  const std::string file =
      std::string(kMeetingsHeader) + "\n" +
      MeetingsRow("2026-01-05", "Meetings", "1", "1",
                  Customer("4412345", "C-001", "\"Contoso, Ltd.\"")) +
      "\n" +
      MeetingsRow("2026-01-05", "Meetings", "2", "1",
                  Customer("4412345", "C-002", "\"The \"\"Best\"\" Co\"")) +
      "\n" +
      MeetingsRow("2026-01-05", "Meetings", "3", "1",
                  Customer("4412345", "C-003", "\"North\r\nwind\nTraders\"")) +
      "\n" + MeetingsRow("2026-01-05", "Meetings", "4", "1", Customer("4412345", "C-004", "\"\"")) +
      "\n" + MeetingsRow("\"2026-01-06\"", "\"Calls\"", "\"5\"", "\"0.5\"") + "\n";
  const Result r = Parse(file);
  ASSERT_TRUE(r.ok) << r.errors[0].ToString();
  ASSERT_EQ(r.rows.size(), 5u);
  EXPECT_EQ(r.rows[0].customer.name, "Contoso, Ltd.");
  EXPECT_EQ(r.rows[0].line, 2);
  EXPECT_EQ(r.rows[1].customer.name, "The \"Best\" Co");
  EXPECT_EQ(r.rows[1].line, 3);
  EXPECT_EQ(r.rows[2].customer.name, "North\r\nwind\nTraders");
  EXPECT_EQ(r.rows[2].line, 4);  // spans lines 4, 5 and 6
  EXPECT_EQ(r.rows[3].customer.name, "");
  EXPECT_EQ(r.rows[3].line, 7);
  EXPECT_EQ(r.rows[4].line, 8);
  EXPECT_EQ(r.rows[4].date, Day(2026, 1, 6));
  EXPECT_EQ(r.rows[4].subworkload, Subworkload::kCalls);
  EXPECT_EQ(r.rows[4].meeting_count, 5);
  EXPECT_EQ(r.lines_read, 8);
}

TEST(DatasetParserTest, QuoteInsideUnquotedFieldIsData) {
  const std::string file =
      std::string(kMeetingsHeader) + "\n" +
      MeetingsRow("2026-01-05", "Meetings", "1", "1", Customer("4412345", "C-1", "5\" Displays")) +
      "\n";
  const Result r = Parse(file);
  ASSERT_TRUE(r.ok) << r.errors[0].ToString();
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].customer.name, "5\" Displays");
}

TEST(DatasetParserTest, TsvWithQuotedTabAutoDetected) {
  std::string header = kMeetingsHeader;
  std::replace(header.begin(), header.end(), ',', '\t');
  const std::string row =
      "4412345\tC-001\t" + std::string(kTenant) +
      "\t\"Contoso\tEast, \"\"Inc\"\"\"\tUS\tUnited States\tSMB\tRetail\tRetail\tAmericas\t"
      "2026-01-05\tMeetings\t12\t3.25";
  const Result r = Parse(header + "\r\n" + row + "\r\n");
  ASSERT_TRUE(r.ok) << r.errors[0].ToString();
  EXPECT_EQ(r.format, FileFormat::kTsv);
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].customer.name, "Contoso\tEast, \"Inc\"");
  EXPECT_EQ(r.rows[0].meeting_count, 12);
  EXPECT_DOUBLE_EQ(r.rows[0].meeting_hours, 3.25);
}

TEST(DatasetParserTest, AutoDetectIgnoresTabInsideQuotedHeaderCell) {
  const std::string header = "\"Extra\tColumn\"," + std::string(kMeetingsHeader);
  const std::string file =
      header + "\n" + "x," + MeetingsRow("2026-01-05", "Meetings", "1", "1") + "\n";
  const Result r = Parse(file);
  ASSERT_TRUE(r.ok) << r.errors[0].ToString();
  EXPECT_EQ(r.format, FileFormat::kCsv);
  EXPECT_EQ(r.rows.size(), 1u);
}

TEST(DatasetParserTest, ExplicitFormatOverridesDetection) {
  std::string header = kMeetingsHeader;
  std::replace(header.begin(), header.end(), ',', '\t');
  Opts o;
  o.format = FileFormat::kCsv;
  const Result r = Parse(header + "\n", o);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.format, FileFormat::kCsv);
  // The whole tab-separated header is one unknown CSV column: every column is missing.
  EXPECT_EQ(r.error_count, 14);

  o.format = FileFormat::kTsv;
  const Result t = Parse(header + "\n", o);
  EXPECT_TRUE(t.ok);
  EXPECT_EQ(t.format, FileFormat::kTsv);
}

TEST(DatasetParserTest, FormatIsAutoUntilTheHeaderIsRead) {
  ParserOptions options;
  DatasetParser parser(options, nullptr);
  EXPECT_EQ(parser.format(), FileFormat::kAuto);
  parser.Feed("PGAMpnID\tCustomerId");
  EXPECT_EQ(parser.format(), FileFormat::kAuto);
  parser.Feed("\n");
  EXPECT_EQ(parser.format(), FileFormat::kTsv);
}

TEST(DatasetParserTest, ColumnsReorderedAndExtraColumnsIgnored) {
  const std::string file =
      "MeetingDuration,Notes,DateKey,EOU,VerticalName,IndustryName,CustomerSegment,"
      "CustomerCountry,CustomerCountryCode,CustomerName,CustomerTenantId,CustomerId,PGAMpnID,"
      "Subworkload,MeetingCount,\n"
      "2.5,anything,2026-03-31,Americas,Vert,Ind,SMB,Canada,CA,Name,tid,C-9,4412345,Calls,77,\n";
  const Result r = Parse(file);
  ASSERT_TRUE(r.ok) << r.errors[0].ToString();
  ASSERT_EQ(r.rows.size(), 1u);
  const UsageRow& row = r.rows[0];
  EXPECT_DOUBLE_EQ(row.meeting_hours, 2.5);
  EXPECT_EQ(row.date, Day(2026, 3, 31));
  EXPECT_EQ(row.customer.eou, "Americas");
  EXPECT_EQ(row.customer.vertical, "Vert");
  EXPECT_EQ(row.customer.industry, "Ind");
  EXPECT_EQ(row.customer.segment, "SMB");
  EXPECT_EQ(row.customer.country, "Canada");
  EXPECT_EQ(row.customer.country_code, "CA");
  EXPECT_EQ(row.customer.name, "Name");
  EXPECT_EQ(row.customer.customer_tenant_id, "tid");
  EXPECT_EQ(row.customer.customer_id, "C-9");
  EXPECT_EQ(row.partner_id, "4412345");
  EXPECT_EQ(row.subworkload, Subworkload::kCalls);
  EXPECT_EQ(row.meeting_count, 77);
}

TEST(DatasetParserTest, HeaderNamesCaseSpacesUnderscoresAndAlternateSpellings) {
  const std::string meetings =
      " pgampnid ,Customer Id,CUSTOMER_TENANT_ID,customername,CustomerCountryCode,CustomerCountry,"
      "Customer Segment,IndustryName,VerticalName,eou,Date Key,SubWorkload,Meeting count,"
      "Meeting duration\n" +
      MeetingsRow("2026-01-05", "Meetings", "3", "1.5") + "\n";
  const Result m = Parse(meetings);
  ASSERT_TRUE(m.ok) << m.errors[0].ToString();
  ASSERT_EQ(m.rows.size(), 1u);
  EXPECT_EQ(m.rows[0].meeting_count, 3);
  EXPECT_DOUBLE_EQ(m.rows[0].meeting_hours, 1.5);

  std::string workload_header = kWorkloadHeader;
  workload_header.replace(workload_header.find("AllUpParticipants"), 17, "AllUpPartiticipants");
  workload_header.replace(workload_header.find("SubWorkload"), 11, "Subworkload");
  Opts o;
  o.dataset = Dataset::kWorkload;
  const Result w = Parse(workload_header + "\n" + Customer() + ",2026-01,Calls,1,2,3,4\n", o);
  ASSERT_TRUE(w.ok) << w.errors[0].ToString();
  ASSERT_EQ(w.rows.size(), 1u);
  EXPECT_EQ(w.rows[0].all_up_participants, 4);

  std::string apps_header = kAppsHeader;
  apps_header.replace(apps_header.find("UserCount"), 9, "Usercount");
  o.dataset = Dataset::kThirdPartyApps;
  const Result a = Parse(apps_header + "\n" + Customer() + ",2026-01-01,Polly,9\n", o);
  ASSERT_TRUE(a.ok) << a.errors[0].ToString();
  ASSERT_EQ(a.rows.size(), 1u);
  EXPECT_EQ(a.rows[0].user_count, 9);
}

TEST(DatasetParserTest, SubworkloadValuesAndAliases) {
  const std::vector<std::pair<std::string, Subworkload>> cases = {
      {"Meetings", Subworkload::kMeetings},
      {"meetings", Subworkload::kMeetings},
      {" MEETINGS ", Subworkload::kMeetings},
      {"Calls", Subworkload::kCalls},
      {"calls", Subworkload::kCalls},
      {"PhoneSystems", Subworkload::kPhoneSystems},
      {"Phone systems", Subworkload::kPhoneSystems},
      {"Phone System", Subworkload::kPhoneSystems},
      {"PSTN", Subworkload::kPhoneSystems},
      {"pstn", Subworkload::kPhoneSystems},
      {"phone_systems", Subworkload::kPhoneSystems},
  };
  std::string file = std::string(kMeetingsHeader) + "\n";
  for (const auto& c : cases) file += MeetingsRow("2026-01-05", c.first, "1", "1") + "\n";
  const Result r = Parse(file);
  ASSERT_TRUE(r.ok) << r.errors[0].ToString();
  ASSERT_EQ(r.rows.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    EXPECT_EQ(r.rows[i].subworkload, cases[i].second) << cases[i].first;
  }
}

TEST(DatasetParserTest, WorkloadMonthKeyBothForms) {
  Opts o;
  o.dataset = Dataset::kWorkload;
  const std::string file = std::string(kWorkloadHeader) + "\n" + Customer() +
                           ",2026-01,Meetings,10,2,5,15\n" + Customer() +
                           ",2026-02-01,PSTN,0,0,1,1\n" + Customer() +
                           ", 2025-12 , Calls , 7 , 8 , 9 , 10 \n";
  const Result r = Parse(file, o);
  ASSERT_TRUE(r.ok) << r.errors[0].ToString();
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.rows[0].date, Day(2026, 1, 1));
  EXPECT_EQ(r.rows[0].subworkload, Subworkload::kMeetings);
  EXPECT_EQ(r.rows[0].desktop_users, 10);
  EXPECT_EQ(r.rows[0].web_users, 2);
  EXPECT_EQ(r.rows[0].mobile_users, 5);
  EXPECT_EQ(r.rows[0].all_up_participants, 15);
  EXPECT_EQ(r.rows[1].date, Day(2026, 2, 1));
  EXPECT_EQ(r.rows[1].subworkload, Subworkload::kPhoneSystems);
  EXPECT_EQ(r.rows[2].date, Day(2025, 12, 1));
  EXPECT_EQ(r.rows[2].subworkload, Subworkload::kCalls);
  EXPECT_EQ(r.rows[2].all_up_participants, 10);
}

TEST(DatasetParserTest, ThirdPartyAppsRows) {
  Opts o;
  o.dataset = Dataset::kThirdPartyApps;
  const std::string file = std::string(kAppsHeader) + "\n" + Customer() +
                           ",2026-01-01,\"Trello, by Atlassian\",25\n" + Customer() +
                           ",2026-02,Polly,0\n";
  const Result r = Parse(file, o);
  ASSERT_TRUE(r.ok) << r.errors[0].ToString();
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0].date, Day(2026, 1, 1));
  EXPECT_EQ(r.rows[0].app_name, "Trello, by Atlassian");
  EXPECT_EQ(r.rows[0].user_count, 25);
  EXPECT_EQ(r.rows[1].date, Day(2026, 2, 1));
  EXPECT_EQ(r.rows[1].app_name, "Polly");
  EXPECT_EQ(r.rows[1].user_count, 0);
}

TEST(DatasetParserTest, BlankLinesAreSkippedButCounted) {
  const std::string file = "\n\r\n" + std::string(kMeetingsHeader) + "\n\n" +
                           MeetingsRow("2026-01-05", "Meetings", "1", "1") + "\r\n\r\n\n" +
                           MeetingsRow("2026-01-06", "Meetings", "2", "1") + "\n\n";
  const Result r = Parse(file);
  ASSERT_TRUE(r.ok) << r.errors[0].ToString();
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0].line, 5);
  EXPECT_EQ(r.rows[1].line, 8);
  EXPECT_EQ(r.rows_read, 2);
  EXPECT_EQ(r.lines_read, 9);
}

TEST(DatasetParserTest, LoneCrEndsALine) {
  const std::string file = std::string(kMeetingsHeader) + "\r" +
                           MeetingsRow("2026-01-05", "Meetings", "1", "1") + "\r" +
                           MeetingsRow("2026-01-06", "Meetings", "2", "1") + "\r";
  const Result r = Parse(file);
  ASSERT_TRUE(r.ok) << r.errors[0].ToString();
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[1].line, 3);
  EXPECT_EQ(r.lines_read, 3);
}

TEST(DatasetParserTest, FinalLineWithoutLineEnd) {
  const std::string file =
      std::string(kMeetingsHeader) + "\n" + MeetingsRow("2026-01-05", "Meetings", "1", "2.75");
  const Result r = Parse(file);
  ASSERT_TRUE(r.ok);
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_DOUBLE_EQ(r.rows[0].meeting_hours, 2.75);
  EXPECT_EQ(r.lines_read, 2);
}

TEST(DatasetParserTest, HeaderOnlyIsOkWithNoRows) {
  for (const std::string& file :
       {std::string(kMeetingsHeader), std::string(kMeetingsHeader) + "\r\n",
        "\xEF\xBB\xBF" + std::string(kMeetingsHeader) + "\n\n"}) {
    const Result r = Parse(file);
    EXPECT_TRUE(r.ok);
    EXPECT_EQ(r.error_count, 0);
    EXPECT_TRUE(r.rows.empty());
    EXPECT_EQ(r.rows_read, 0);
  }
}

TEST(DatasetParserTest, EmptyFileIsAnError) {
  for (const std::string& file :
       {std::string(), std::string("\xEF\xBB\xBF"), std::string("\n\n")}) {
    const Result r = Parse(file);
    EXPECT_EQ(OnlyError(r), "line 1: the file is empty: no header line");
    EXPECT_EQ(r.format, FileFormat::kAuto);
  }
}

TEST(DatasetParserTest, ValueFormsThatAreAccepted) {
  const std::vector<std::pair<std::string, double>> hours = {
      {"12", 12}, {"12.5", 12.5}, {".5", 0.5}, {"0.25", 0.25},
      {"3.", 3},  {" 7 ", 7},     {"0", 0},    {"000123.500", 123.5}};
  for (const auto& h : hours) {
    const Result r = Parse(std::string(kMeetingsHeader) + "\n" +
                           MeetingsRow("2026-01-05", "Calls", "1", h.first));
    ASSERT_TRUE(r.ok) << h.first << ": " << r.errors[0].ToString();
    EXPECT_DOUBLE_EQ(r.rows[0].meeting_hours, h.second) << h.first;
  }
  const std::vector<std::pair<std::string, int64_t>> counts = {
      {"0", 0}, {"007", 7}, {" 42 ", 42}, {"9223372036854775807", INT64_MAX}};
  for (const auto& c : counts) {
    const Result r = Parse(std::string(kMeetingsHeader) + "\n" +
                           MeetingsRow("2026-01-05", "Calls", c.first, "1"));
    ASSERT_TRUE(r.ok) << c.first << ": " << r.errors[0].ToString();
    EXPECT_EQ(r.rows[0].meeting_count, c.second) << c.first;
  }
}

TEST(DatasetParserTest, DateRangeBoundsAreInclusive) {
  const std::string file = std::string(kMeetingsHeader) + "\n" +
                           MeetingsRow("2000-01-01", "Calls", "1", "1") + "\n" +
                           MeetingsRow("2100-12-31", "Calls", "1", "1") + "\n" +
                           MeetingsRow("2024-02-29", "Calls", "1", "1") + "\n";
  const Result r = Parse(file);
  ASSERT_TRUE(r.ok) << r.errors[0].ToString();
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.rows[0].date, Day(2000, 1, 1));
  EXPECT_EQ(r.rows[1].date, Day(2100, 12, 31));
  EXPECT_EQ(r.rows[2].date, Day(2024, 2, 29));
}

TEST(DatasetParserTest, CustomerAttributesAreTrimmedAndMayBeEmpty) {
  const std::string file = std::string(kMeetingsHeader) + "\n" +
                           " 4412345 , C-7 ,,\"  Spaced Name  \",,,,,,," +
                           "2026-01-05,Meetings,1,1\n";
  const Result r = Parse(file, {Dataset::kMeetingsAndCalls, FileFormat::kAuto, "4412345"});
  ASSERT_TRUE(r.ok) << r.errors[0].ToString();
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].partner_id, "4412345");
  EXPECT_EQ(r.rows[0].customer.customer_id, "C-7");
  EXPECT_EQ(r.rows[0].customer.name, "Spaced Name");
  EXPECT_EQ(r.rows[0].customer.customer_tenant_id, "");
  EXPECT_EQ(r.rows[0].customer.eou, "");
}

TEST(DatasetParserTest, MatchingPartnerIsAccepted) {
  Opts o;
  o.partner = "4412345";
  const Result r = Parse(
      std::string(kMeetingsHeader) + "\n" + MeetingsRow("2026-01-05", "Meetings", "1", "1"), o);
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.rows.size(), 1u);
}

TEST(DatasetParserTest, MultibyteUtf8IsKept) {
  const std::string name = "M\xC3\xBCller \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80";
  const Result r =
      Parse(std::string(kMeetingsHeader) + "\n" +
            MeetingsRow("2026-01-05", "Meetings", "1", "1", Customer("4412345", "C-1", name)));
  ASSERT_TRUE(r.ok) << r.errors[0].ToString();
  EXPECT_EQ(r.rows[0].customer.name, name);
}

// ---------------------------------------------------------------------------------------------
// Chunking: any split gives the same result as one chunk.

TEST(DatasetParserTest, EverySplitPositionGivesTheSameResult) {
  const std::string file =
      "\xEF\xBB\xBF" + std::string(kMeetingsHeader) + "\r\n" +
      MeetingsRow("2026-01-05", "Meetings", "1", "1",
                  Customer("4412345", "C-1", "\"A, \"\"quoted\"\"\r\nname\"")) +
      "\r\n\r\n" + MeetingsRow("2026-02-30", "Chat", "-1", "x") + "\r\n" +
      MeetingsRow("2026-01-06", "Calls", "2", "0.5") + "\r" + "\"unterminated";
  const Result whole = Parse(file);
  EXPECT_EQ(whole.error_count, 5);
  for (size_t i = 0; i <= file.size(); ++i) {
    ExpectSameResult(whole, Parse(file, {}, {i}), "split at " + std::to_string(i));
  }
  for (size_t i = 0; i + 1 < file.size(); i += 3) {
    ExpectSameResult(whole, Parse(file, {}, {i, i + 1}), "splits at " + std::to_string(i));
  }
  ExpectSameResult(whole, ParseBytewise(file), "byte by byte");
}

TEST(DatasetParserTest, TsvEverySplitPosition) {
  std::string header = kWorkloadHeader;
  std::replace(header.begin(), header.end(), ',', '\t');
  std::string row = Customer("4412345", "C-1", "\"Tab\there\"") + ",2026-01,Calls,1,2,3,4";
  std::replace(row.begin(), row.end(), ',', '\t');
  const std::string file = header + "\n" + row + "\n" + row;
  Opts o;
  o.dataset = Dataset::kWorkload;
  const Result whole = Parse(file, o);
  ASSERT_TRUE(whole.ok) << whole.errors[0].ToString();
  ASSERT_EQ(whole.rows.size(), 2u);
  EXPECT_EQ(whole.rows[1].customer.name, "Tab\there");
  for (size_t i = 0; i <= file.size(); ++i) {
    ExpectSameResult(whole, Parse(file, o, {i}), "split at " + std::to_string(i));
  }
  ExpectSameResult(whole, ParseBytewise(file, o), "byte by byte");
}

TEST(DatasetParserTest, FixturesGiveTheSameResultByteByByte) {
  const std::vector<std::pair<std::string, Dataset>> fixtures = {
      {"meetings_export.csv", Dataset::kMeetingsAndCalls},
      {"workload_export.tsv", Dataset::kWorkload},
      {"apps_export.csv", Dataset::kThirdPartyApps},
      {"meetings_bad.csv", Dataset::kMeetingsAndCalls},
  };
  for (const auto& f : fixtures) {
    const std::string file = ReadFixture(f.first);
    Opts o;
    o.dataset = f.second;
    ExpectSameResult(Parse(file, o), ParseBytewise(file, o), f.first);
  }
}

// ---------------------------------------------------------------------------------------------
// Fixtures in the export's real format.

TEST(DatasetParserTest, MeetingsExportFixture) {
  const Result r = Parse(ReadFixture("meetings_export.csv"));
  ASSERT_TRUE(r.ok) << r.errors[0].ToString();
  EXPECT_EQ(r.format, FileFormat::kCsv);
  ASSERT_EQ(r.rows.size(), 4u);
  EXPECT_EQ(r.rows[0].partner_id, "4412345");
  EXPECT_EQ(r.rows[0].customer.name, "Contoso, Ltd.");
  EXPECT_EQ(r.rows[0].customer.vertical, "Retail, Consumer Goods");
  EXPECT_EQ(r.rows[0].date, Day(2026, 1, 5));
  EXPECT_EQ(r.rows[0].meeting_count, 120);
  EXPECT_DOUBLE_EQ(r.rows[0].meeting_hours, 85.5);
  EXPECT_EQ(r.rows[1].customer.name, "Fabrikam \"Cloud\" Inc");
  EXPECT_EQ(r.rows[1].subworkload, Subworkload::kCalls);
  EXPECT_DOUBLE_EQ(r.rows[1].meeting_hours, 12.25);
  EXPECT_EQ(r.rows[2].customer.name, "Northwind\r\nTraders");
  EXPECT_EQ(r.rows[2].subworkload, Subworkload::kPhoneSystems);
  EXPECT_EQ(r.rows[2].line, 4);
  EXPECT_EQ(r.rows[3].line, 7);
  EXPECT_EQ(r.rows[3].subworkload, Subworkload::kPhoneSystems);
  EXPECT_DOUBLE_EQ(r.rows[3].meeting_hours, 0.75);
  EXPECT_EQ(r.lines_read, 7);
  EXPECT_EQ(r.rows_read, 4);
}

TEST(DatasetParserTest, WorkloadExportFixture) {
  Opts o;
  o.dataset = Dataset::kWorkload;
  const Result r = Parse(ReadFixture("workload_export.tsv"), o);
  ASSERT_TRUE(r.ok) << r.errors[0].ToString();
  EXPECT_EQ(r.format, FileFormat::kTsv);
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.rows[0].customer.name, "Contoso\tEast");
  EXPECT_EQ(r.rows[0].date, Day(2026, 1, 1));
  EXPECT_EQ(r.rows[0].desktop_users, 10);
  EXPECT_EQ(r.rows[0].web_users, 2);
  EXPECT_EQ(r.rows[0].mobile_users, 5);
  EXPECT_EQ(r.rows[0].all_up_participants, 15);
  EXPECT_EQ(r.rows[1].customer.name, "Fabrikam \"Cloud\"");
  EXPECT_EQ(r.rows[1].date, Day(2026, 2, 1));
  EXPECT_EQ(r.rows[1].subworkload, Subworkload::kCalls);
  EXPECT_EQ(r.rows[2].customer.name, "Multi\nline");
  EXPECT_EQ(r.rows[2].subworkload, Subworkload::kPhoneSystems);
  EXPECT_EQ(r.rows[2].line, 4);
  EXPECT_EQ(r.lines_read, 5);
}

TEST(DatasetParserTest, AppsExportFixture) {
  Opts o;
  o.dataset = Dataset::kThirdPartyApps;
  o.partner = "4412345";
  const Result r = Parse(ReadFixture("apps_export.csv"), o);
  ASSERT_TRUE(r.ok) << r.errors[0].ToString();
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.rows[0].customer.name, "Contoso, Ltd.");
  EXPECT_EQ(r.rows[0].app_name, "Polly");
  EXPECT_EQ(r.rows[0].user_count, 25);
  EXPECT_EQ(r.rows[0].date, Day(2026, 1, 1));
  EXPECT_EQ(r.rows[1].app_name, "Trello, by Atlassian");
  EXPECT_EQ(r.rows[1].date, Day(2026, 2, 1));
  EXPECT_EQ(r.rows[2].app_name, "Jira \"Cloud\"");
  EXPECT_EQ(r.rows[2].user_count, 0);
}

TEST(DatasetParserTest, BadMeetingsFixture) {
  int sink_calls = 0;
  ParserOptions options;
  DatasetParser parser(options, [&](const UsageRow& row) {
    ++sink_calls;
    EXPECT_EQ(row.line, 2);  // the only row before the first error
  });
  parser.Feed(ReadFixture("meetings_bad.csv"));
  parser.Finish();
  EXPECT_FALSE(parser.ok());
  EXPECT_EQ(sink_calls, 1);
  std::vector<std::string> got;
  for (const RowError& e : parser.errors()) got.push_back(e.ToString());
  EXPECT_THAT(got, ::testing::ElementsAre(
                       "line 3, column DateKey: not a real date: '2026-02-30'",
                       "line 4, column MeetingCount: not a non-negative integer: '-3'",
                       "line 7, column Subworkload: unknown subworkload 'Chat' (expected "
                       "Meetings, Calls or PhoneSystems)",
                       "line 8: expected 14 fields, found 13",
                       "line 9, column MeetingDuration: not a non-negative decimal number: 'abc'"));
  EXPECT_EQ(parser.error_count(), 5);
  EXPECT_EQ(parser.rows_read(), 7);
  EXPECT_EQ(parser.lines_read(), 9);
}

// ---------------------------------------------------------------------------------------------
// Invalid input: each names line, column and reason.

std::string MeetingsError(const std::string& row) {
  return OnlyError(Parse(std::string(kMeetingsHeader) + "\n" + row + "\n"));
}

TEST(DatasetParserTest, BadDates) {
  EXPECT_EQ(MeetingsError(MeetingsRow("2026/01/05", "Meetings", "1", "1")),
            "line 2, column DateKey: not a date in the form YYYY-MM-DD: '2026/01/05'");
  EXPECT_EQ(MeetingsError(MeetingsRow("2026-1-05", "Meetings", "1", "1")),
            "line 2, column DateKey: not a date in the form YYYY-MM-DD: '2026-1-05'");
  EXPECT_EQ(MeetingsError(MeetingsRow("2026-01", "Meetings", "1", "1")),
            "line 2, column DateKey: not a date in the form YYYY-MM-DD: '2026-01'");
  EXPECT_EQ(MeetingsError(MeetingsRow("2026-02-30", "Meetings", "1", "1")),
            "line 2, column DateKey: not a real date: '2026-02-30'");
  EXPECT_EQ(MeetingsError(MeetingsRow("2025-02-29", "Meetings", "1", "1")),
            "line 2, column DateKey: not a real date: '2025-02-29'");
  EXPECT_EQ(MeetingsError(MeetingsRow("2026-13-01", "Meetings", "1", "1")),
            "line 2, column DateKey: not a real date: '2026-13-01'");
  EXPECT_EQ(MeetingsError(MeetingsRow("1999-12-31", "Meetings", "1", "1")),
            "line 2, column DateKey: year out of range (2000..2100): '1999-12-31'");
  EXPECT_EQ(MeetingsError(MeetingsRow("2101-01-01", "Meetings", "1", "1")),
            "line 2, column DateKey: year out of range (2000..2100): '2101-01-01'");
  EXPECT_EQ(MeetingsError(MeetingsRow("", "Meetings", "1", "1")),
            "line 2, column DateKey: required value is empty");
}

TEST(DatasetParserTest, BadMonths) {
  Opts o;
  o.dataset = Dataset::kWorkload;
  const auto error = [&](const std::string& month) {
    return OnlyError(Parse(
        std::string(kWorkloadHeader) + "\n" + Customer() + "," + month + ",Calls,1,1,1,1", o));
  };
  EXPECT_EQ(error("2026-01-15"),
            "line 2, column MonthKey: must be the first of the month (YYYY-MM-01 or YYYY-MM): "
            "'2026-01-15'");
  EXPECT_EQ(error("2026-13"), "line 2, column MonthKey: not a real month: '2026-13'");
  EXPECT_EQ(error("2026-02-30"), "line 2, column MonthKey: not a real date: '2026-02-30'");
  EXPECT_EQ(error("2026-1"),
            "line 2, column MonthKey: not a month in the form YYYY-MM or YYYY-MM-01: '2026-1'");
  EXPECT_EQ(error("Jan 2026"),
            "line 2, column MonthKey: not a month in the form YYYY-MM or YYYY-MM-01: 'Jan 2026'");
  EXPECT_EQ(error("1999-12"), "line 2, column MonthKey: year out of range (2000..2100): '1999-12'");

  o.dataset = Dataset::kThirdPartyApps;
  EXPECT_EQ(
      OnlyError(Parse(std::string(kAppsHeader) + "\n" + Customer() + ",2026-03-02,Polly,1", o)),
      "line 2, column DateKey: must be the first of the month (YYYY-MM-01 or YYYY-MM): "
      "'2026-03-02'");
}

TEST(DatasetParserTest, BadCounts) {
  EXPECT_EQ(MeetingsError(MeetingsRow("2026-01-05", "Meetings", "-3", "1")),
            "line 2, column MeetingCount: not a non-negative integer: '-3'");
  EXPECT_EQ(MeetingsError(MeetingsRow("2026-01-05", "Meetings", "1.5", "1")),
            "line 2, column MeetingCount: not a non-negative integer: '1.5'");
  EXPECT_EQ(MeetingsError(MeetingsRow("2026-01-05", "Meetings", "1e3", "1")),
            "line 2, column MeetingCount: not a non-negative integer: '1e3'");
  EXPECT_EQ(MeetingsError(MeetingsRow("2026-01-05", "Meetings", "+5", "1")),
            "line 2, column MeetingCount: not a non-negative integer: '+5'");
  EXPECT_EQ(MeetingsError(MeetingsRow("2026-01-05", "Meetings", "1 000", "1")),
            "line 2, column MeetingCount: not a non-negative integer: '1 000'");
  EXPECT_EQ(MeetingsError(MeetingsRow("2026-01-05", "Meetings", "", "1")),
            "line 2, column MeetingCount: required value is empty");
  EXPECT_EQ(MeetingsError(MeetingsRow("2026-01-05", "Meetings", "  ", "1")),
            "line 2, column MeetingCount: required value is empty");
  EXPECT_EQ(MeetingsError(MeetingsRow("2026-01-05", "Meetings", "9223372036854775808", "1")),
            "line 2, column MeetingCount: integer is too large: '9223372036854775808'");

  Opts o;
  o.dataset = Dataset::kWorkload;
  EXPECT_EQ(OnlyError(Parse(
                std::string(kWorkloadHeader) + "\n" + Customer() + ",2026-01,Calls,1,x,1,1", o)),
            "line 2, column WebUsers: not a non-negative integer: 'x'");
  o.dataset = Dataset::kThirdPartyApps;
  EXPECT_EQ(OnlyError(Parse(std::string(kAppsHeader) + "\n" + Customer() + ",2026-01,Polly,-1", o)),
            "line 2, column UserCount: not a non-negative integer: '-1'");
}

TEST(DatasetParserTest, BadHours) {
  for (const char* bad : {"-1", "abc", "1e5", "1.2.3", ".", "1,5", "+2", "inf", "nan", "0x10"}) {
    const std::string v = bad;
    const std::string row = MeetingsRow("2026-01-05", "Meetings", "1",
                                        v.find(',') != std::string::npos ? "\"" + v + "\"" : v);
    EXPECT_EQ(MeetingsError(row),
              "line 2, column MeetingDuration: not a non-negative decimal number: '" + v + "'");
  }
  EXPECT_EQ(MeetingsError(MeetingsRow("2026-01-05", "Meetings", "1", "")),
            "line 2, column MeetingDuration: required value is empty");
  EXPECT_THAT(MeetingsError(MeetingsRow("2026-01-05", "Meetings", "1", std::string(400, '9'))),
              HasSubstr("line 2, column MeetingDuration: number is too large: '999"));
}

TEST(DatasetParserTest, UnknownSubworkload) {
  EXPECT_EQ(MeetingsError(MeetingsRow("2026-01-05", "Chat", "1", "1")),
            "line 2, column Subworkload: unknown subworkload 'Chat' (expected Meetings, Calls or "
            "PhoneSystems)");
  EXPECT_EQ(MeetingsError(MeetingsRow("2026-01-05", "", "1", "1")),
            "line 2, column Subworkload: required value is empty");
}

TEST(DatasetParserTest, MissingColumnsAreReportedOnLineOne) {
  std::string header = kMeetingsHeader;
  header.replace(header.find(",MeetingCount"), 13, "");
  header.replace(header.find("CustomerId,"), 11, "");
  const Result r = Parse(header + "\n" + "1,2,3\n" + "4,5,6\n");
  EXPECT_FALSE(r.ok);
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_EQ(r.errors[0].ToString(), "line 1, column CustomerId: required column is missing");
  EXPECT_EQ(r.errors[1].ToString(), "line 1, column MeetingCount: required column is missing");
  EXPECT_EQ(r.error_count, 2);  // the rows are not validated against a broken header
  EXPECT_EQ(r.rows_read, 2);
  EXPECT_TRUE(r.rows.empty());
}

TEST(DatasetParserTest, WrongDatasetReportsItsMissingColumns) {
  Opts o;
  o.dataset = Dataset::kMeetingsAndCalls;
  const Result r = Parse(std::string(kWorkloadHeader) + "\n", o);
  std::vector<std::string> got;
  for (const RowError& e : r.errors) got.push_back(e.column);
  EXPECT_THAT(got, ::testing::ElementsAre("DateKey", "MeetingCount", "MeetingDuration"));
}

TEST(DatasetParserTest, DuplicateColumnIsAnError) {
  const std::string header = std::string(kMeetingsHeader) + ",Meeting Count";
  const Result r = Parse(header + "\n");
  EXPECT_EQ(OnlyError(r),
            "line 1, column MeetingCount: column appears more than once in the header (fields 13 "
            "and 15)");
}

TEST(DatasetParserTest, WrongFieldCount) {
  const std::string file = std::string(kMeetingsHeader) + "\n" +
                           MeetingsRow("2026-01-05", "Meetings", "1", "1") + ",extra\n" +
                           Customer() + ",2026-01-05,Meetings,1\n" + "\"\"\n";
  const Result r = Parse(file);
  ASSERT_EQ(r.errors.size(), 3u);
  EXPECT_EQ(r.errors[0].ToString(), "line 2: expected 14 fields, found 15");
  EXPECT_EQ(r.errors[1].ToString(), "line 3: expected 14 fields, found 13");
  EXPECT_EQ(r.errors[2].ToString(), "line 4: expected 14 fields, found 1");
}

TEST(DatasetParserTest, UnterminatedQuoteIsReportedWhereTheRecordStarts) {
  const std::string file = std::string(kMeetingsHeader) + "\n" +
                           MeetingsRow("2026-01-05", "Meetings", "1", "1") + "\n" + Customer() +
                           ",2026-01-05,\"Meetings,1,1\nmore\nlines\n";
  const Result r = Parse(file);
  EXPECT_EQ(OnlyError(r), "line 3: unterminated quoted field: the file ends inside quotes");
  EXPECT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.lines_read, 5);
}

TEST(DatasetParserTest, TextAfterClosingQuoteIsAnError) {
  const Result r = Parse(std::string(kMeetingsHeader) + "\n" +
                         MeetingsRow("2026-01-05", "Meetings", "1", "1",
                                     Customer("4412345", "C-1", "\"Contoso\" Ltd")));
  EXPECT_EQ(OnlyError(r), "line 2: malformed quoted field: text after the closing quote");
}

TEST(DatasetParserTest, WrongPartner) {
  Opts o;
  o.partner = "4412345";
  const Result r = Parse(std::string(kMeetingsHeader) + "\n" +
                             MeetingsRow("2026-01-05", "Meetings", "1", "1", Customer("999")),
                         o);
  EXPECT_EQ(OnlyError(r),
            "line 2, column PGAMpnID: row belongs to partner '999', not to the caller's partner");
  EXPECT_TRUE(r.rows.empty());
}

TEST(DatasetParserTest, EmptyRequiredValues) {
  EXPECT_EQ(MeetingsError(MeetingsRow("2026-01-05", "Meetings", "1", "1", Customer("4412345", ""))),
            "line 2, column CustomerId: required value is empty");
  EXPECT_EQ(MeetingsError(MeetingsRow("2026-01-05", "Meetings", "1", "1", Customer(" ", "C-1"))),
            "line 2, column PGAMpnID: required value is empty");
  Opts o;
  o.dataset = Dataset::kThirdPartyApps;
  EXPECT_EQ(OnlyError(Parse(std::string(kAppsHeader) + "\n" + Customer() + ",2026-01,\"  \",1", o)),
            "line 2, column AppName: required value is empty");
}

TEST(DatasetParserTest, BadTextIsAnError) {
  EXPECT_EQ(MeetingsError(MeetingsRow("2026-01-05", "Meetings", "1", "1",
                                      Customer("4412345", "C-1",
                                               "Bad\xFF"
                                               "Name"))),
            "line 2, column CustomerName: not valid UTF-8 text");
  EXPECT_EQ(MeetingsError(MeetingsRow("2026-01-05", "Meetings", "1", "1",
                                      Customer("4412345", "C-1", std::string("Nul\0Name", 8)))),
            "line 2, column CustomerName: contains a NUL character");
}

TEST(DatasetParserTest, LineNumbersAfterMultiLineQuotedField) {
  const std::string file = std::string(kMeetingsHeader) + "\n" +
                           MeetingsRow("2026-01-05", "Meetings", "1", "1",
                                       Customer("4412345", "C-1", "\"one\ntwo\r\nthree\rfour\"")) +
                           "\n" + MeetingsRow("2026-01-05", "Meetings", "-3", "1") + "\n";
  const Result r = Parse(file);
  // The quoted name spans lines 2-5 (LF, CRLF and CR each end a line); the next record is line 6.
  EXPECT_EQ(OnlyError(r), "line 6, column MeetingCount: not a non-negative integer: '-3'");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].line, 2);
  EXPECT_EQ(r.lines_read, 6);
}

TEST(DatasetParserTest, SeveralErrorsInOneRowInColumnOrder) {
  const Result r = Parse(std::string(kMeetingsHeader) + "\n" +
                         MeetingsRow("2026-02-30", "Chat", "x", "-1", Customer("", "")));
  std::vector<std::string> columns;
  for (const RowError& e : r.errors) {
    columns.push_back(e.column);
    EXPECT_EQ(e.line, 2);
  }
  EXPECT_THAT(columns, ::testing::ElementsAre("PGAMpnID", "CustomerId", "DateKey", "Subworkload",
                                              "MeetingCount", "MeetingDuration"));
  EXPECT_EQ(r.error_count, 6);
}

TEST(DatasetParserTest, SinkIsNotCalledAfterTheFirstError) {
  const std::string file = std::string(kMeetingsHeader) + "\n" +
                           MeetingsRow("2026-01-05", "Meetings", "1", "1") + "\n" +
                           MeetingsRow("2026-01-05", "Meetings", "-1", "1") + "\n" +
                           MeetingsRow("2026-01-06", "Meetings", "1", "1") + "\n";
  const Result r = Parse(file);
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].line, 2);
  EXPECT_EQ(r.rows_read, 3);
  EXPECT_EQ(r.error_count, 1);
}

TEST(DatasetParserTest, MaxErrorsCapsKeptErrorsButCountsAll) {
  std::string file = std::string(kMeetingsHeader) + "\n";
  for (int i = 0; i < 50; ++i) file += MeetingsRow("2026-01-05", "Meetings", "-1", "1") + "\n";
  Opts o;
  o.max_errors = 5;
  const Result r = Parse(file, o);
  EXPECT_FALSE(r.ok);
  ASSERT_EQ(r.errors.size(), 5u);
  EXPECT_EQ(r.error_count, 50);
  EXPECT_EQ(r.rows_read, 50);
  for (size_t i = 0; i < r.errors.size(); ++i) EXPECT_EQ(r.errors[i].line, 2 + int64_t(i));
  EXPECT_THAT(SummarizeErrors(r.errors, r.error_count),
              HasSubstr("50 bad rows/fields; nothing was applied: line 2, column MeetingCount: "
                        "not a non-negative integer: '-1'; line 3, column MeetingCount:"));
  EXPECT_THAT(SummarizeErrors(r.errors, r.error_count), ::testing::EndsWith("'-1' (and 45 more)"));

  o.max_errors = 0;
  const Result none = Parse(file, o);
  EXPECT_FALSE(none.ok);
  EXPECT_TRUE(none.errors.empty());
  EXPECT_EQ(none.error_count, 50);
}

TEST(DatasetParserTest, RowErrorToString) {
  EXPECT_EQ((RowError{17, "MeetingCount", "not a non-negative integer: '-3'"}).ToString(),
            "line 17, column MeetingCount: not a non-negative integer: '-3'");
  EXPECT_EQ((RowError{17, "", "expected 14 fields, found 13"}).ToString(),
            "line 17: expected 14 fields, found 13");
}

TEST(DatasetParserTest, SummarizeErrorsFormats) {
  const std::vector<RowError> one = {{3, "DateKey", "not a real date: '2026-02-30'"}};
  EXPECT_EQ(SummarizeErrors(one, 1),
            "1 bad row/field; nothing was applied: line 3, column DateKey: not a real date: "
            "'2026-02-30'");
  const std::vector<RowError> two = {{3, "DateKey", "x"}, {4, "", "y"}};
  EXPECT_EQ(SummarizeErrors(two, 2),
            "2 bad rows/fields; nothing was applied: line 3, column DateKey: x; line 4: y");
  EXPECT_EQ(SummarizeErrors(two, 7),
            "7 bad rows/fields; nothing was applied: line 3, column DateKey: x; line 4: y (and 5 "
            "more)");
}

TEST(DatasetParserTest, ReasonsShowAShortEscapedValueOnly) {
  const std::string huge(10000, 'A');
  const std::string reason = MeetingsError(MeetingsRow("2026-01-05", huge, "1", "1"));
  EXPECT_LT(reason.size(), 200u);
  EXPECT_THAT(reason, HasSubstr("'" + std::string(64, 'A') + "...'"));

  const std::string binary = MeetingsError(MeetingsRow("2026-01-05", "\"a\nb\x01\xFF\"", "1", "1"));
  EXPECT_EQ(binary,
            "line 2, column Subworkload: unknown subworkload 'a\\nb\\x01\\xff' (expected Meetings, "
            "Calls or PhoneSystems)");
}

TEST(DatasetParserTest, OverlongRecordIsAnErrorNotABuffer) {
  const std::string file =
      std::string(kMeetingsHeader) + "\n" +
      MeetingsRow("2026-01-05", "Meetings", "1", "1",
                  Customer("4412345", "C-1", std::string(kMaxRecordBytes, 'x'))) +
      "\n" + MeetingsRow("2026-01-05", "Meetings", "-1", "1") + "\n";
  const Result r = Parse(file);
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_EQ(r.errors[0].ToString(), "line 2: record is longer than 1048576 bytes");
  EXPECT_EQ(r.errors[1].line, 3);
}

TEST(DatasetParserTest, FeedAfterFinishIsIgnored) {
  int rows = 0;
  DatasetParser parser(ParserOptions{}, [&](const UsageRow&) { ++rows; });
  parser.Feed(std::string(kMeetingsHeader) + "\n" +
              MeetingsRow("2026-01-05", "Meetings", "1", "1"));
  parser.Finish();
  parser.Feed("\n" + MeetingsRow("2026-01-05", "Meetings", "1", "1"));
  parser.Finish();
  EXPECT_EQ(rows, 1);
  EXPECT_TRUE(parser.ok());
  EXPECT_EQ(parser.rows_read(), 1);
}

}  // namespace
}  // namespace teams_usage::ingest
