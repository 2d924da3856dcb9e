// client/render (the responses as table, JSON and CSV), the export's record counter and the
// terminal checks: pure logic, no server.
#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <limits>

#include "client/export_command.h"
#include "client/render.h"
#include "client/table.h"
#include "client/terminal.h"

namespace teams_usage::client {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
namespace v1 = teams_usage::v1;

bool IsAscii(const std::string& text) {
  for (unsigned char c : text) {
    if (c >= 0x80) return false;
  }
  return true;
}

void SetRange(v1::ResolvedRange* range) {
  range->set_start_date("2025-11-01");
  range->set_end_date("2026-10-31");
  range->set_data_as_of("2026-10-31");
  range->set_data_version(7);
}

v1::Summary SampleSummary() {
  v1::Summary s;
  SetRange(s.mutable_range());
  s.mutable_customers()->set_value(60);
  s.mutable_customers()->set_previous_value(58);
  s.mutable_customers()->set_change_percent(3.448275862068966);
  s.mutable_meeting_count()->set_value(43882);
  s.mutable_meeting_count()->set_previous_value(0);  // change absent
  s.mutable_meeting_duration_hours()->set_value(27405.26);
  s.mutable_meeting_duration_hours()->set_previous_value(30000);
  s.mutable_meeting_duration_hours()->set_change_percent(-8.649166666666666);
  s.mutable_avg_meeting_duration_minutes()->set_value(37.47);
  for (const char* month : {"2026-09", "2026-10"}) {
    auto* m = s.mutable_customers()->add_monthly();
    m->set_month(month);
    m->set_value(59);
  }
  return s;
}

v1::ListTopCustomersResponse SampleCustomers() {
  v1::ListTopCustomersResponse r;
  SetRange(r.mutable_range());
  r.set_total_size(40);
  r.set_next_page_token("TOKEN2");
  auto* u = r.add_customers();
  u->mutable_customer()->set_customer_id("C0001");
  u->mutable_customer()->set_name("Contoso, Ltd. \"0\"");
  u->mutable_customer()->set_vertical("Vertical\nB");
  u->mutable_customer()->set_country_code("US");
  u->set_meetings(std::numeric_limits<int64_t>::max());
  u->set_meeting_duration_hours(1234.5);
  auto* v = r.add_customers();
  v->mutable_customer()->set_customer_id("C0002");
  v->mutable_customer()->set_name("Ébauche SARL");
  v->set_meetings(12);
  return r;
}

RenderOptions Options(OutputFormat format, bool unicode = true, int width = 120) {
  RenderOptions o;
  o.format = format;
  o.unicode = unicode;
  o.width = width;
  o.range_label = "last 12 months";
  return o;
}

TEST(CsvRecordTest, Rfc4180Quoting) {
  EXPECT_EQ(CsvRecord({"a", "b"}), "a,b\r\n");
  EXPECT_EQ(CsvRecord({"Contoso, Ltd.", "say \"hi\"", "two\nlines", "", "tab\there"}),
            "\"Contoso, Ltd.\",\"say \"\"hi\"\"\",\"two\nlines\",,tab\there\r\n");
  EXPECT_EQ(CsvRecord({}), "\r\n");
}

TEST(RenderTest, HeaderStatesTheResolvedRange) {
  v1::ResolvedRange range;
  SetRange(&range);
  EXPECT_EQ(RangeHeader(range, "last 12 months", 0),
            "Range 2025-11-01 .. 2026-10-31 (last 12 months)   data as of 2026-10-31, data "
            "version 7\n");
  EXPECT_EQ(RangeHeader(range, "", 40),
            "Range 2025-11-01 .. 2026-10-31\ndata as of 2026-10-31, data version 7\n");
  range.set_data_as_of("");
  EXPECT_THAT(RangeHeader(range, "", 0), HasSubstr("data as of (no data yet)"));
}

TEST(RenderTest, SummaryTableHasUnitsSignsArrowsAndNa) {
  const std::string text = RenderSummary(SampleSummary(), Options(OutputFormat::kTable));
  EXPECT_THAT(text, HasSubstr("data as of 2026-10-31, data version 7"));
  EXPECT_THAT(text, HasSubstr("+3.4% ▲"));
  EXPECT_THAT(text, HasSubstr("-8.6% ▼"));
  EXPECT_THAT(text, HasSubstr("n/a"));  // meetings: no previous period
  EXPECT_THAT(text, HasSubstr("43,882"));
  EXPECT_THAT(text, HasSubstr("27,405.3 h"));
  EXPECT_THAT(text, HasSubstr("37.5 min"));
  EXPECT_THAT(text, HasSubstr("██"));  // the monthly sparkline
  const std::string ascii = RenderSummary(SampleSummary(), Options(OutputFormat::kTable, false));
  EXPECT_TRUE(IsAscii(ascii)) << ascii;
  EXPECT_THAT(ascii, HasSubstr("+3.4% ^"));
}

TEST(RenderTest, SummaryCsvHasOneRowPerKpi) {
  const std::string csv = RenderSummary(SampleSummary(), Options(OutputFormat::kCsv));
  EXPECT_EQ(csv,
            "kpi,value,previous_value,change_percent\r\n"
            "customers,60,58,3.448275862068966\r\n"
            "meeting_count,43882,0,\r\n"
            "daily_avg_meeting_count_per_customer,0,0,\r\n"
            "meeting_duration_hours,27405.26,30000,-8.649166666666666\r\n"
            "avg_meeting_duration_minutes,37.47,0,\r\n");
}

TEST(RenderTest, JsonIsTheProtoMappingAndReadsBack) {
  const v1::Summary summary = SampleSummary();
  const std::string json = RenderSummary(summary, Options(OutputFormat::kJson));
  EXPECT_THAT(json, HasSubstr("\"dataAsOf\": \"2026-10-31\""));
  EXPECT_THAT(json, HasSubstr("\"dataVersion\": \"7\""));  // int64 as a string
  EXPECT_THAT(json, HasSubstr("\"previousValue\": 0"));    // zeros are printed
  v1::Summary back;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &back).ok()) << json;
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(back, summary));
  EXPECT_FALSE(back.meeting_count().has_change_percent());  // absent stays absent

  const auto customers = SampleCustomers();
  v1::ListTopCustomersResponse back2;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(
          RenderTopCustomers(customers, v1::METRIC_MEETINGS, 1, Options(OutputFormat::kJson)),
          &back2)
          .ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(back2, customers));
}

TEST(RenderTest, TopCustomersCsvQuotesHostileFieldsAndKeepsFullNumbers) {
  const std::string csv =
      RenderTopCustomers(SampleCustomers(), v1::METRIC_MEETINGS, 1, Options(OutputFormat::kCsv));
  EXPECT_THAT(csv, HasSubstr("customer_id,customer_tenant_id,name,"));
  EXPECT_THAT(csv, HasSubstr("C0001,,\"Contoso, Ltd. \"\"0\"\"\",US,,,,\"Vertical\nB\",,"
                             "9223372036854775807,0,0,1234.5,0,0\r\n"));
  EXPECT_THAT(csv, Not(HasSubstr("9,223")));  // no thousands separators in CSV
}

TEST(RenderTest, TopCustomersTableRanksAndPointsToTheNextPage) {
  const std::string text =
      RenderTopCustomers(SampleCustomers(), v1::METRIC_MEETINGS, 1, Options(OutputFormat::kTable));
  EXPECT_THAT(text, HasSubstr("Top customers by meetings (rows 1-2 of 40)"));
  EXPECT_THAT(text, HasSubstr("9,223,372,036,854,775,807"));
  EXPECT_THAT(text, HasSubstr("Ébauche SARL"));
  EXPECT_THAT(text, HasSubstr("\n--page-token TOKEN2\n"));
  EXPECT_THAT(text, Not(HasSubstr("\nB")));  // the newline in the data never reaches the screen
  const std::string later =
      RenderTopCustomers(SampleCustomers(), v1::METRIC_CALLS, 0, Options(OutputFormat::kTable));
  EXPECT_THAT(later, HasSubstr("Top customers by calls (2 rows of 40)"));
  EXPECT_THAT(later, Not(HasSubstr("\n#  Customer")));
  EXPECT_THAT(text, HasSubstr("\n#  Customer"));
}

TEST(RenderTest, WorkloadsCsvHasASectionColumn) {
  v1::UsageByWorkloads usage;
  SetRange(usage.mutable_range());
  for (auto w : {v1::MEETINGS, v1::CALLS}) {
    auto* p = usage.add_points();
    p->set_month("2026-10");
    p->set_workload(w);
    p->set_desktop_users(1000);
    p->set_mobile_users(20);
    p->set_web_users(3);
  }
  usage.add_all_up()->set_month("2026-10");
  usage.mutable_all_up(0)->set_all_up_users(1500);
  EXPECT_EQ(RenderWorkloads(usage, Options(OutputFormat::kCsv)),
            "section,month,workload,desktop_users,mobile_users,web_users,all_up_users\r\n"
            "workloads,2026-10,MEETINGS,1000,20,3,\r\n"
            "workloads,2026-10,CALLS,1000,20,3,\r\n"
            "all_up,2026-10,,,,,1500\r\n");
  const std::string table = RenderWorkloads(usage, Options(OutputFormat::kTable, true, 80));
  EXPECT_THAT(table, HasSubstr("Meetings: users per month"));
  EXPECT_THAT(table, HasSubstr("All-up Teams users per month"));
  EXPECT_THAT(table, HasSubstr("1,000 / 20 / 3"));
  for (size_t start = 0; start < table.size();) {
    const size_t end = table.find('\n', start);
    EXPECT_LE(DisplayWidth(table.substr(start, end - start)), 80);
    start = end + 1;
  }
}

TEST(RenderTest, ReportCsvIsOneDocumentOfSections) {
  v1::TeamsUsageReport report;
  *report.mutable_summary() = SampleSummary();
  auto* t = report.mutable_conversations_trend()->add_points();
  t->set_month("2026-10");
  t->set_meetings(5);
  *report.mutable_top_customers() = SampleCustomers().customers();
  auto* a = report.add_top_apps();
  a->set_app_name("Polly");
  a->set_user_count(9);
  const std::string csv = RenderReport(report, Options(OutputFormat::kCsv));
  EXPECT_EQ(csv.substr(0, csv.find("\r\n")),
            "section,kpi,value,previous_value,change_percent,month,meetings,calls,phone_systems,"
            "avg_meeting_duration_minutes,workload,desktop_users,mobile_users,web_users,"
            "all_up_users,customer_id,customer_tenant_id,name,country_code,country,segment,"
            "industry,vertical,eou,meeting_duration_hours,third_party_apps,"
            "third_party_app_users,app_name,user_count,customer_count");
  EXPECT_THAT(csv, HasSubstr("\r\nsummary,customers,60,58,"));
  EXPECT_THAT(csv, HasSubstr("\r\ntrend,,,,,2026-10,5,0,0,0,"));
  EXPECT_THAT(csv, HasSubstr("\r\ntop_apps,"));
  EXPECT_THAT(csv, HasSubstr(",Polly,9,0\r\n"));
  const std::string table = RenderReport(report, Options(OutputFormat::kTable));
  for (const char* title : {"Summary", "Conversations trend", "Usage by workloads",
                            "Top customers by meetings (first 2)", "Top third-party apps"}) {
    EXPECT_THAT(table, HasSubstr(std::string("\n") + title)) << title;
  }
}

TEST(RecordCounterTest, CountsRecordsAcrossChunksAndQuotedLineEnds) {
  const std::string file =
      "PGAMpnID,Name,Vertical\r\n1,\"Contoso, \"\"X\"\"\",\"Vertical\nB\"\r\n2,Plain,V\r\n3,Last,V";
  for (size_t chunk = 1; chunk <= file.size(); ++chunk) {
    RecordCounter counter;
    for (size_t at = 0; at < file.size(); at += chunk) counter.Feed(file.substr(at, chunk));
    EXPECT_EQ(counter.records(), 4) << "chunk " << chunk;
    EXPECT_EQ(counter.rows(), 3);
  }
  RecordCounter empty;
  EXPECT_EQ(empty.rows(), 0);
  empty.Feed("Header\n");
  EXPECT_EQ(empty.rows(), 0);
  empty.Feed("a\tb\n");
  EXPECT_EQ(empty.rows(), 1);
}

TEST(TerminalTest, LocaleAndColumns) {
  EXPECT_TRUE(LocaleIsUtf8(nullptr, nullptr, "en_US.UTF-8"));
  EXPECT_TRUE(LocaleIsUtf8(nullptr, nullptr, "C.utf8"));
  EXPECT_FALSE(LocaleIsUtf8(nullptr, nullptr, "C"));
  EXPECT_FALSE(LocaleIsUtf8(nullptr, nullptr, nullptr));
  EXPECT_FALSE(LocaleIsUtf8("C", nullptr, "en_US.UTF-8"));  // LC_ALL wins
  EXPECT_TRUE(LocaleIsUtf8("", "de_DE.UTF-8", "C"));        // empty counts as unset
  EXPECT_EQ(ParseColumns("120"), 120);
  EXPECT_EQ(ParseColumns("0"), 0);
  EXPECT_EQ(ParseColumns("-5"), 0);
  EXPECT_EQ(ParseColumns("80x"), 0);
  EXPECT_EQ(ParseColumns(""), 0);
  EXPECT_EQ(ParseColumns(nullptr), 0);
}

}  // namespace
}  // namespace teams_usage::client
