// End to end: the real teams-report client against the real teams-report-server over a real
// PostgreSQL. The data goes in with `teams-report upload`; then every report subcommand in every
// output format: its JSON reads back as exactly the response the test fetches over gRPC itself,
// its CSV parses (RFC 4180) with one row per response row, its table states the range; --all
// returns every row once; export writes the dataset; errors exit with the code of their class;
// TLS and mutual TLS connect.
#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <memory>
#include <random>
#include <set>
#include <sstream>

#include "absl/time/clock.h"
#include "server/auth/dev_token.h"
#include "teams_usage/v1/teams_usage.grpc.pb.h"
#include "tests/support/pg_env.h"
#include "tests/support/processes.h"
#include "tests/support/usage_files.h"

namespace teams_usage {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
namespace v1 = teams_usage::v1;
using google::protobuf::Message;
using Stub = v1::TeamsUsageReportService::Stub;

constexpr char kSecret[] = "a-client-end-to-end-test-secret-of-at-least-32-bytes";
constexpr char kPartner[] = "4800077";

std::string Token(const std::vector<std::string>& roles) {
  auto token = auth::MintHs256Token(kSecret, "client-e2e", kPartner, roles, "teams-usage-dev",
                                    "teams-usage-report", 900, absl::ToUnixSeconds(absl::Now()));
  EXPECT_TRUE(token.ok()) << token.status();
  return token.ok() ? *token : "";
}

// RFC 4180 records (also TSV with `delimiter` '\t', which quotes the same way). `strict` fails
// the test on a record that does not end in CRLF.
std::vector<std::vector<std::string>> ParseDelimited(const std::string& text, char delimiter,
                                                     bool strict_crlf = true) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false;
  bool field_was_quoted = false;
  const auto end_field = [&]() {
    record.push_back(field);
    field.clear();
    field_was_quoted = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field.push_back(c);
      }
    } else if (c == '"' && field.empty() && !field_was_quoted) {
      quoted = true;
      field_was_quoted = true;
    } else if (c == delimiter) {
      end_field();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      end_field();
      records.push_back(std::move(record));
      record.clear();
      ++i;
    } else if (c == '\n') {
      if (strict_crlf) ADD_FAILURE() << "a record ends in LF, not CRLF, at byte " << i;
      end_field();
      records.push_back(std::move(record));
      record.clear();
    } else {
      field.push_back(c);
    }
  }
  EXPECT_FALSE(quoted) << "an unterminated quoted field";
  if (!field.empty() || !record.empty()) {
    end_field();
    records.push_back(std::move(record));
  }
  return records;
}

// Display columns of a line whose characters are all one column wide (the client's block
// characters, rules and arrows, and the test data): its UTF-8 code points.
int Columns(const std::string& line) {
  int n = 0;
  for (unsigned char c : line) n += (c & 0xC0) != 0x80;
  return n;
}

class ClientE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = testing::TestDatabase::Create("client_e2e", /*migrate=*/false).release();
    dir_ = new testing::TempDir();
    secret_file_ = new std::string(dir_->Write("secret", std::string(kSecret) + "\n"));
    server_ = new testing::ServerProcess({"--db-url", db_->service_url(), "--migrate", "auto",
                                          "--jwt-hs256-secret-file", *secret_file_},
                                         dir_->path() + "/server.log");
    std::mt19937_64 rng(20261031);
    testing::RandomDataOptions options;
    options.partner = kPartner;
    options.customers = 30;
    options.first_day = "2025-11-20";
    options.days = 80;
    options.apps = 8;
    data_ = new testing::RandomData(testing::MakeRandomData(options, rng));
    if (!server_->serving()) return;
    // The data goes in through the client under test.
    const std::string ingest = Token({"DATA_INGESTOR"});
    uploads_ok_ = true;
    for (const auto& [dataset, file] : std::vector<std::pair<std::string, std::string>>{
             {"meetings-and-calls", dir_->Write("m.csv", testing::MeetingsFile(data_->meetings))},
             {"workload", dir_->Write("w.tsv", testing::WorkloadFile(data_->workload, '\t'))},
             {"third-party-apps", dir_->Write("a.csv", testing::AppsFile(data_->apps))}}) {
      const auto result = testing::RunCommand({testing::BinaryPath("client/teams-report"),
                                               "--server", server_->address(), "--token", ingest,
                                               "upload", "--dataset", dataset, file});
      if (result.exit_code != 0) {
        ADD_FAILURE() << "upload " << dataset << ": " << result.err;
        uploads_ok_ = false;
      }
    }
  }
  static void TearDownTestSuite() {
    delete server_;
    delete data_;
    delete secret_file_;
    delete dir_;
    delete db_;
  }
  void SetUp() override {
    ASSERT_TRUE(server_->serving()) << testing::ReadFile(dir_->path() + "/server.log.err")
                                    << testing::ReadFile(dir_->path() + "/server.log");
    ASSERT_TRUE(uploads_ok_);
  }

  // teams-report with the connection flags first and `args` after, and optional environment
  // settings (NAME=value) in front.
  static testing::CommandResult Client(const std::vector<std::string>& args,
                                       const std::string& token = Viewer(),
                                       const std::vector<std::string>& env = {}) {
    std::vector<std::string> argv = {
        "/usr/bin/env", "-u", "COLUMNS", "-u", "TEAMS_REPORT_TOKEN", "-u", "TEAMS_REPORT_OUTPUT"};
    argv.insert(argv.end(), env.begin(), env.end());
    argv.insert(argv.end(), {testing::BinaryPath("client/teams-report"), "--server",
                             server_->address(), "--token", token});
    argv.insert(argv.end(), args.begin(), args.end());
    return testing::RunCommand(argv);
  }

  static std::string Viewer() {
    static const std::string token = Token({"REPORT_VIEWER", "EXECUTIVE_REPORT_VIEWER"});
    return token;
  }

  static std::unique_ptr<Stub> NewStub() {
    return v1::TeamsUsageReportService::NewStub(
        grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()));
  }

  static std::unique_ptr<grpc::ClientContext> Context() {
    auto context = std::make_unique<grpc::ClientContext>();
    context->AddMetadata("authorization", "Bearer " + Viewer());
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    return context;
  }

  // The whole export of a dataset over gRPC.
  static std::string DirectExport(const v1::ExportDatasetRequest& request) {
    auto stub = NewStub();
    auto context = Context();
    auto reader = stub->ExportDataset(context.get(), request);
    std::string bytes;
    v1::FileChunk chunk;
    while (reader->Read(&chunk)) bytes += chunk.data();
    const grpc::Status status = reader->Finish();
    EXPECT_TRUE(status.ok()) << status.error_message();
    return bytes;
  }

  static testing::TestDatabase* db_;
  static testing::TempDir* dir_;
  static std::string* secret_file_;
  static testing::ServerProcess* server_;
  static testing::RandomData* data_;
  static bool uploads_ok_;
};
testing::TestDatabase* ClientE2eTest::db_ = nullptr;
testing::TempDir* ClientE2eTest::dir_ = nullptr;
std::string* ClientE2eTest::secret_file_ = nullptr;
testing::ServerProcess* ClientE2eTest::server_ = nullptr;
testing::RandomData* ClientE2eTest::data_ = nullptr;
bool ClientE2eTest::uploads_ok_ = false;

// One report subcommand with its flags, and the same request made directly.
struct CommandCase {
  std::string name;
  std::vector<std::string> args;
  std::function<std::unique_ptr<Message>()> make;  // an empty response
  std::function<grpc::Status(Stub*, grpc::ClientContext*, Message*)> call;
  std::function<int(const Message&)> csv_rows;
  std::string csv_header_start;
};

std::vector<CommandCase> Cases() {
  std::vector<CommandCase> cases;
  {
    v1::GetSummaryRequest r;
    cases.push_back({"summary (default range)",
                     {"summary"},
                     [] { return std::make_unique<v1::Summary>(); },
                     [r](Stub* s, grpc::ClientContext* c, Message* m) {
                       return s->GetSummary(c, r, static_cast<v1::Summary*>(m));
                     },
                     [](const Message&) { return 5; },
                     "kpi,value,previous_value,change_percent"});
  }
  {
    v1::GetSummaryRequest r;
    r.mutable_filter()->set_preset(v1::LAST_3_MONTHS);
    r.mutable_filter()->add_customer_country_codes("US");
    r.mutable_filter()->add_customer_country_codes("DE");
    r.mutable_filter()->add_customer_segments("SMB");
    r.mutable_filter()->add_customer_segments("Corporate");
    cases.push_back({"summary with filters",
                     {"summary", "--range", "3m", "--country", "US,DE", "--segment", "SMB",
                      "--segment", "Corporate"},
                     [] { return std::make_unique<v1::Summary>(); },
                     [r](Stub* s, grpc::ClientContext* c, Message* m) {
                       return s->GetSummary(c, r, static_cast<v1::Summary*>(m));
                     },
                     [](const Message&) { return 5; },
                     "kpi,"});
  }
  {
    v1::GetConversationsTrendRequest r;
    r.mutable_filter()->set_preset(v1::CUSTOM);
    r.mutable_filter()->set_start_date("2025-12-01");
    r.mutable_filter()->set_end_date("2026-01-31");
    cases.push_back({"trend, custom range",
                     {"trend", "--from", "2025-12-01", "--to", "2026-01-31"},
                     [] { return std::make_unique<v1::ConversationsTrend>(); },
                     [r](Stub* s, grpc::ClientContext* c, Message* m) {
                       return s->GetConversationsTrend(c, r,
                                                       static_cast<v1::ConversationsTrend*>(m));
                     },
                     [](const Message& m) {
                       return static_cast<const v1::ConversationsTrend&>(m).points_size();
                     },
                     "month,meetings,calls,phone_systems,avg_meeting_duration_minutes"});
  }
  {
    v1::GetUsageByWorkloadsRequest r;
    r.add_workloads(v1::MEETINGS);
    r.add_workloads(v1::PHONE_SYSTEMS);
    r.mutable_filter()->add_industries("Health, Care");
    cases.push_back({"workloads",
                     {"workloads", "--workload", "meetings", "--workload", "phone-systems",
                      "--industry", "Health, Care"},
                     [] { return std::make_unique<v1::UsageByWorkloads>(); },
                     [r](Stub* s, grpc::ClientContext* c, Message* m) {
                       return s->GetUsageByWorkloads(c, r, static_cast<v1::UsageByWorkloads*>(m));
                     },
                     [](const Message& m) {
                       const auto& u = static_cast<const v1::UsageByWorkloads&>(m);
                       return u.points_size() + u.all_up_size();
                     },
                     "section,month,workload,desktop_users,mobile_users,web_users,all_up_users"});
  }
  {
    v1::ListTopCustomersRequest r;
    r.set_metric(v1::METRIC_CALLS);
    r.set_page_size(5);
    cases.push_back({"top-customers, one page",
                     {"top-customers", "--metric", "calls", "--page-size", "5"},
                     [] { return std::make_unique<v1::ListTopCustomersResponse>(); },
                     [r](Stub* s, grpc::ClientContext* c, Message* m) {
                       return s->ListTopCustomers(c, r,
                                                  static_cast<v1::ListTopCustomersResponse*>(m));
                     },
                     [](const Message& m) {
                       return static_cast<const v1::ListTopCustomersResponse&>(m).customers_size();
                     },
                     "customer_id,customer_tenant_id,name,"});
  }
  {
    v1::ListTopCustomersRequest r;
    r.set_metric(v1::METRIC_THIRD_PARTY_APPS);
    r.mutable_filter()->add_customer_ids("C0002");
    r.mutable_filter()->add_customer_ids("C0005");
    r.mutable_filter()->add_customer_ids("C0010");
    cases.push_back({"top-customers by apps, some customers",
                     {"top-customers", "--metric", "third-party-apps", "--customer", "C0002,C0005",
                      "--customer", "C0010"},
                     [] { return std::make_unique<v1::ListTopCustomersResponse>(); },
                     [r](Stub* s, grpc::ClientContext* c, Message* m) {
                       return s->ListTopCustomers(c, r,
                                                  static_cast<v1::ListTopCustomersResponse*>(m));
                     },
                     [](const Message& m) {
                       return static_cast<const v1::ListTopCustomersResponse&>(m).customers_size();
                     },
                     "customer_id,"});
  }
  {
    v1::ListAppsRequest r;
    r.set_customer_id("C0004");
    cases.push_back(
        {"apps of one customer",
         {"apps", "--customer-id", "C0004"},
         [] { return std::make_unique<v1::ListAppsResponse>(); },
         [r](Stub* s, grpc::ClientContext* c, Message* m) {
           return s->ListApps(c, r, static_cast<v1::ListAppsResponse*>(m));
         },
         [](const Message& m) { return static_cast<const v1::ListAppsResponse&>(m).apps_size(); },
         "app_name,user_count,customer_count"});
  }
  {
    v1::ListAppsRequest r;
    r.mutable_filter()->set_preset(v1::LAST_6_MONTHS);
    r.set_page_size(3);
    cases.push_back(
        {"apps, one page",
         {"apps", "--range", "6m", "--page-size", "3"},
         [] { return std::make_unique<v1::ListAppsResponse>(); },
         [r](Stub* s, grpc::ClientContext* c, Message* m) {
           return s->ListApps(c, r, static_cast<v1::ListAppsResponse*>(m));
         },
         [](const Message& m) { return static_cast<const v1::ListAppsResponse&>(m).apps_size(); },
         "app_name,"});
  }
  {
    v1::GetReportRequest r;
    r.set_top_customers(4);
    r.set_top_apps(3);
    r.mutable_filter()->set_preset(v1::LAST_12_MONTHS);
    cases.push_back({"report",
                     {"report", "--range", "12m", "--top-customers", "4", "--top-apps", "3"},
                     [] { return std::make_unique<v1::TeamsUsageReport>(); },
                     [r](Stub* s, grpc::ClientContext* c, Message* m) {
                       return s->GetReport(c, r, static_cast<v1::TeamsUsageReport*>(m));
                     },
                     [](const Message& m) {
                       const auto& t = static_cast<const v1::TeamsUsageReport&>(m);
                       return 5 + t.conversations_trend().points_size() +
                              t.usage_by_workloads().points_size() +
                              t.usage_by_workloads().all_up_size() + t.top_customers_size() +
                              t.top_apps_size();
                     },
                     "section,kpi,value,"});
  }
  return cases;
}

TEST_F(ClientE2eTest, JsonOutputIsExactlyTheRpcResponse) {
  auto stub = NewStub();
  for (const CommandCase& c : Cases()) {
    SCOPED_TRACE(c.name);
    auto direct = c.make();
    auto context = Context();
    const grpc::Status status = c.call(stub.get(), context.get(), direct.get());
    ASSERT_TRUE(status.ok()) << status.error_message();
    for (const auto& format :
         std::vector<std::vector<std::string>>{{"--output", "json"}, {"-o", "json"}}) {
      // The global flag goes before the subcommand or after it.
      std::vector<std::string> before = format;
      before.insert(before.end(), c.args.begin(), c.args.end());
      std::vector<std::string> after = c.args;
      after.insert(after.end(), format.begin(), format.end());
      for (const auto& args : {before, after}) {
        const auto result = Client(args);
        ASSERT_EQ(result.exit_code, 0) << result.err;
        EXPECT_EQ(result.err, "");
        auto parsed = c.make();
        const auto parse = google::protobuf::util::JsonStringToMessage(result.out, parsed.get());
        ASSERT_TRUE(parse.ok()) << parse.ToString() << "\n" << result.out;
        EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(*parsed, *direct))
            << "client:\n"
            << parsed->DebugString() << "\ndirect:\n"
            << direct->DebugString();
        EXPECT_THAT(result.out, HasSubstr("\"dataVersion\": \"3\""));  // lowerCamelCase names
      }
    }
    // Something to compare: every case has rows.
    EXPECT_GT(c.csv_rows(*direct), 0);
  }
}

TEST_F(ClientE2eTest, CsvOutputParsesWithOneRecordPerRow) {
  auto stub = NewStub();
  for (const CommandCase& c : Cases()) {
    SCOPED_TRACE(c.name);
    auto direct = c.make();
    auto context = Context();
    ASSERT_TRUE(c.call(stub.get(), context.get(), direct.get()).ok());
    std::vector<std::string> args = c.args;
    args.insert(args.end(), {"--output", "csv"});
    const auto result = Client(args);
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_THAT(result.out, StartsWith(c.csv_header_start));
    const auto records = ParseDelimited(result.out, ',');
    ASSERT_FALSE(records.empty());
    EXPECT_EQ(static_cast<int>(records.size()) - 1, c.csv_rows(*direct)) << result.out;
    for (const auto& record : records) {
      EXPECT_EQ(record.size(), records[0].size()) << "every record has every column";
    }
    EXPECT_THAT(result.out, Not(HasSubstr("\"1,"))) << "no thousands separators in CSV";
  }
}

TEST_F(ClientE2eTest, CsvFieldsHoldTheDataAsItIs) {
  // Customer names with commas and quotes, verticals with line breaks, app names with tabs.
  const auto customers = Client({"top-customers", "--all", "-o", "csv"});
  ASSERT_EQ(customers.exit_code, 0) << customers.err;
  const auto records = ParseDelimited(customers.out, ',');
  std::set<std::string> names;
  std::set<std::string> verticals;
  for (const auto& r : records) {
    names.insert(r[2]);
    verticals.insert(r[7]);
  }
  EXPECT_TRUE(names.count("Contoso, Ltd. \"0\"")) << customers.out;
  EXPECT_TRUE(verticals.count("Vertical\nB"));
  const auto apps = Client({"apps", "--all", "-o", "csv"});
  ASSERT_EQ(apps.exit_code, 0) << apps.err;
  std::set<std::string> app_names;
  for (const auto& r : ParseDelimited(apps.out, ',')) app_names.insert(r[0]);
  for (const char* name : {"Jira, Cloud", "\"Quoted\" App", "Ébauche", "Zoom\tBridge"}) {
    EXPECT_TRUE(app_names.count(name)) << name;
  }
}

TEST_F(ClientE2eTest, TableOutputStatesTheRangeAndDrawsCharts) {
  auto stub = NewStub();
  for (const CommandCase& c : Cases()) {
    SCOPED_TRACE(c.name);
    auto direct = c.make();
    auto context = Context();
    ASSERT_TRUE(c.call(stub.get(), context.get(), direct.get()).ok());
    const auto* range_field = direct->GetDescriptor()->FindFieldByName("range");
    const Message* holder = direct.get();
    if (range_field == nullptr) {  // the report: its summary's range
      holder = &static_cast<const v1::TeamsUsageReport&>(*direct).summary();
      range_field = holder->GetDescriptor()->FindFieldByName("range");
    }
    const auto& range = static_cast<const v1::ResolvedRange&>(
        holder->GetReflection()->GetMessage(*holder, range_field));

    const auto unicode = Client(c.args, Viewer(), {"LANG=C.UTF-8", "COLUMNS=100"});
    ASSERT_EQ(unicode.exit_code, 0) << unicode.err;
    EXPECT_THAT(unicode.out, StartsWith("Range " + range.start_date() + " .. " + range.end_date()));
    EXPECT_THAT(unicode.out, HasSubstr("data as of " + range.data_as_of() + ", data version 3"));
    EXPECT_THAT(unicode.out, HasSubstr("─"));
    const bool has_charts =
        c.name.rfind("trend", 0) == 0 || c.name == "workloads" || c.name == "report";
    if (has_charts) {
      EXPECT_THAT(unicode.out, HasSubstr("█"));
    }
    // Charts never wider than the terminal; tables here fit 100 columns too.
    std::istringstream lines(unicode.out);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("--page-token ", 0) == 0) continue;  // a token is never cut
      EXPECT_LE(Columns(line), 100) << line;
    }

    const auto ascii = Client(
        [&] {
          auto a = c.args;
          a.push_back("--ascii");
          return a;
        }(),
        Viewer(), {"LANG=C.UTF-8", "COLUMNS=100"});
    ASSERT_EQ(ascii.exit_code, 0) << ascii.err;
    const auto plain_locale = Client(c.args, Viewer(), {"LANG=C", "LC_ALL=", "LC_CTYPE="});
    ASSERT_EQ(plain_locale.exit_code, 0) << plain_locale.err;
    for (const std::string& text : {ascii.out, plain_locale.out}) {
      for (const char* glyph : {"█", "▏", "─", "▲", "▼", "…", "▓", "░", "▁"}) {
        EXPECT_THAT(text, Not(HasSubstr(glyph))) << text;
      }
      if (has_charts) {
        EXPECT_THAT(text, HasSubstr("#"));
      }
    }
  }
}

TEST_F(ClientE2eTest, AllFollowsEveryPageAndPrintsEachRowOnce) {
  auto stub = NewStub();
  v1::ListTopCustomersRequest request;
  request.set_page_size(1000);
  v1::ListTopCustomersResponse everything;
  {
    auto context = Context();
    ASSERT_TRUE(stub->ListTopCustomers(context.get(), request, &everything).ok());
  }
  ASSERT_GT(everything.customers_size(), 14) << "enough rows for several pages of 7";
  ASSERT_EQ(everything.next_page_token(), "");

  const auto json = Client({"top-customers", "--all", "--page-size", "7", "-o", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  v1::ListTopCustomersResponse merged;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json.out, &merged).ok()) << json.out;
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(merged, everything))
      << merged.DebugString();
  EXPECT_EQ(merged.next_page_token(), "");
  EXPECT_EQ(merged.total_size(), everything.customers_size());

  const auto csv = Client({"top-customers", "--all", "--page-size", "4", "-o", "csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  const auto records = ParseDelimited(csv.out, ',');
  ASSERT_EQ(static_cast<int>(records.size()) - 1, everything.customers_size());
  for (int i = 0; i < everything.customers_size(); ++i) {
    EXPECT_EQ(records[i + 1][0], everything.customers(i).customer().customer_id());
  }

  // The table: every customer id exactly once, ranked 1..n, and no pointer to a next page.
  const auto table = Client({"top-customers", "--all", "--page-size", "5"}, Viewer(),
                            {"COLUMNS=250", "LANG=C.UTF-8"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  for (const auto& row : everything.customers()) {
    const std::string id = "  " + row.customer().customer_id() + "  ";
    const size_t first = table.out.find(id);
    EXPECT_NE(first, std::string::npos) << id;
    EXPECT_EQ(table.out.find(id, first + 1), std::string::npos) << id << " twice";
  }
  EXPECT_THAT(table.out, HasSubstr("(rows 1-" + std::to_string(everything.customers_size()) +
                                   " of " + std::to_string(everything.total_size()) + ")"));
  EXPECT_THAT(table.out, Not(HasSubstr("--page-token")));

  // One page points to the next; following it by hand gives the rows after it.
  const auto page1 = Client({"top-customers", "--page-size", "7", "-o", "json"});
  v1::ListTopCustomersResponse first_page;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(page1.out, &first_page).ok());
  ASSERT_NE(first_page.next_page_token(), "");
  const auto rest = Client({"top-customers", "--page-size", "7", "--page-token",
                            first_page.next_page_token(), "--all", "-o", "json"});
  v1::ListTopCustomersResponse tail;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(rest.out, &tail).ok()) << rest.err;
  ASSERT_EQ(tail.customers_size(), everything.customers_size() - 7);
  EXPECT_EQ(tail.customers(0).customer().customer_id(),
            everything.customers(7).customer().customer_id());

  // Apps, two at a time.
  v1::ListAppsRequest apps_request;
  apps_request.set_page_size(1000);
  v1::ListAppsResponse all_apps;
  {
    auto context = Context();
    ASSERT_TRUE(stub->ListApps(context.get(), apps_request, &all_apps).ok());
  }
  ASSERT_GT(all_apps.apps_size(), 2);
  const auto apps = Client({"apps", "--all", "--page-size", "2", "-o", "json"});
  ASSERT_EQ(apps.exit_code, 0) << apps.err;
  v1::ListAppsResponse merged_apps;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(apps.out, &merged_apps).ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(merged_apps, all_apps))
      << merged_apps.DebugString();
}

// "12,345" -> "12345".
std::string WithoutCommas(std::string text) {
  text.erase(std::remove(text.begin(), text.end(), ','), text.end());
  return text;
}

TEST_F(ClientE2eTest, ExportWritesTheDatasetToAFileOrStdout) {
  struct Case {
    const char* dataset;
    v1::Dataset proto;
    size_t rows;
  } cases[] = {{"meetings-and-calls", v1::MEETINGS_AND_CALLS, data_->meetings.size()},
               {"workload", v1::WORKLOAD, data_->workload.size()},
               {"third-party-apps", v1::THIRD_PARTY_APPS, data_->apps.size()}};
  for (const Case& c : cases) {
    for (const char* format : {"csv", "tsv"}) {
      SCOPED_TRACE(std::string(c.dataset) + " " + format);
      const std::string out = dir_->path() + "/export-" + c.dataset + "." + format;
      const auto result =
          Client({"export", "--dataset", c.dataset, "--format", format, "--out", out});
      ASSERT_EQ(result.exit_code, 0) << result.err;
      EXPECT_EQ(result.err, "");  // no progress bar: stderr is not a terminal
      const std::string file = testing::ReadFile(out);
      const auto records = ParseDelimited(file, format[0] == 't' ? '\t' : ',');
      ASSERT_FALSE(records.empty());
      EXPECT_EQ(records.size() - 1, c.rows) << "every uploaded row is in the default range";
      EXPECT_EQ(records[0][0], "PGAMpnID");
      EXPECT_THAT(WithoutCommas(result.out),
                  StartsWith("exported " + std::to_string(c.rows) + " rows ("));
      EXPECT_THAT(result.out, HasSubstr(") to " + out + "\n"));

      // The same bytes as the RPC's stream, and the same again on stdout.
      v1::ExportDatasetRequest request;
      request.set_dataset(c.proto);
      request.set_format(format[0] == 't' ? v1::TSV : v1::CSV);
      EXPECT_EQ(file, DirectExport(request));
      const auto piped = Client({"export", "--dataset", c.dataset, "--format", format});
      ASSERT_EQ(piped.exit_code, 0) << piped.err;
      EXPECT_EQ(piped.out, file);
      EXPECT_EQ(piped.err, "");
    }
  }
  // No file is left beside the output.
  for (const auto& entry : std::filesystem::directory_iterator(dir_->path())) {
    EXPECT_THAT(entry.path().filename().string(), Not(HasSubstr(".partial")));
  }
}

TEST_F(ClientE2eTest, ExportAppliesTheFilter) {
  size_t rows = 0;
  for (const auto& r : data_->meetings) rows += r.customer.id == "C0003" ? 1 : 0;
  ASSERT_GT(rows, 0u);
  const auto result = Client({"export", "--dataset", "meetings-and-calls", "--customer", "C0003",
                              "--from", "2025-11-01", "--to", "2026-02-28"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto records = ParseDelimited(result.out, ',');
  EXPECT_EQ(records.size() - 1, rows);
  for (size_t i = 1; i < records.size(); ++i) EXPECT_EQ(records[i][1], "C0003");
}

TEST_F(ClientE2eTest, ExportThatFailsLeavesNoFile) {
  const std::string out = dir_->path() + "/denied.csv";
  // Raw data is for GLOBAL_ADMIN and EXECUTIVE_REPORT_VIEWER only.
  const auto denied =
      Client({"export", "--dataset", "workload", "--out", out}, Token({"REPORT_VIEWER"}));
  EXPECT_EQ(denied.exit_code, 3);
  EXPECT_THAT(denied.err, StartsWith("teams-report: PERMISSION_DENIED: "));
  EXPECT_FALSE(std::filesystem::exists(out));
  const auto bad_range = Client({"export", "--dataset", "workload", "--out", out, "--from",
                                 "2026-02-30", "--to", "2026-03-01"});
  EXPECT_EQ(bad_range.exit_code, 4);
  EXPECT_FALSE(std::filesystem::exists(out));
  const auto no_dir =
      Client({"export", "--dataset", "workload", "--out", dir_->path() + "/no/such/dir.csv"});
  EXPECT_EQ(no_dir.exit_code, 2);
  EXPECT_THAT(no_dir.err, HasSubstr("cannot create"));
  for (const auto& entry : std::filesystem::directory_iterator(dir_->path())) {
    EXPECT_THAT(entry.path().filename().string(), Not(HasSubstr(".partial")));
  }
}

TEST_F(ClientE2eTest, ExportToALinkOrADeviceWritesThroughIt) {
  namespace fs = std::filesystem;
  // A link to a device: the device is written to, the link is not replaced by a file.
  const fs::path to_null = fs::path(dir_->path()) / "to-null.csv";
  fs::create_symlink("/dev/null", to_null);
  const auto into_null = Client({"export", "--dataset", "workload", "--out", to_null.string()});
  EXPECT_EQ(into_null.exit_code, 0) << into_null.err;
  EXPECT_TRUE(fs::is_symlink(to_null));
  EXPECT_TRUE(fs::is_character_file(fs::path("/dev/null")));
  // A link to a file: the file gets the export, the link stays.
  const fs::path file = fs::path(dir_->path()) / "real.csv";
  dir_->Write("real.csv", "old");
  const fs::path link = fs::path(dir_->path()) / "link.csv";
  fs::create_symlink(file, link);
  const auto through = Client({"export", "--dataset", "workload", "--out", link.string()});
  EXPECT_EQ(through.exit_code, 0) << through.err;
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_THAT(testing::ReadFile(file.string()), StartsWith("PGAMpnID"));
}

// One line on stderr: "teams-report: <STATUS>: <message>" (or "teams-report: usage: ...").
void ExpectOneErrorLine(const testing::CommandResult& result, const std::string& start) {
  EXPECT_THAT(result.err, StartsWith(start)) << result.err;
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  EXPECT_EQ(result.out, "");
}

TEST_F(ClientE2eTest, ErrorsExitWithTheCodeOfTheirClass) {
  // 2: usage.
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"summary", "--bogus"},
           {"summary", "--range", "5m"},
           {"summary", "--from", "2026-01-01"},
           {"summary", "--range", "3m", "--from", "2026-01-01", "--to", "2026-01-31"},
           {"top-customers", "--metric", "revenue"},
           {"workloads", "--workload", "email"},
           {"export", "--format", "csv"},
           {"--output", "yaml", "summary"},
           {"frobnicate"},
           {}}) {
    SCOPED_TRACE(args.empty() ? "(no command)" : args[0] + " " + args.back());
    const auto result = Client(args);
    EXPECT_EQ(result.exit_code, 2);
    ExpectOneErrorLine(result, "teams-report: usage: ");
  }
  const auto token_file = Client({"--token-file", dir_->path() + "/missing", "summary"}, "");
  EXPECT_EQ(token_file.exit_code, 2);
  EXPECT_THAT(token_file.err, HasSubstr("cannot read the token file"));

  // 3: no token, or a role that may not.
  const auto anonymous = Client({"summary"}, "");
  EXPECT_EQ(anonymous.exit_code, 3);
  ExpectOneErrorLine(anonymous, "teams-report: UNAUTHENTICATED: ");
  const auto ingestor = Client({"report"}, Token({"DATA_INGESTOR"}));
  EXPECT_EQ(ingestor.exit_code, 3);
  ExpectOneErrorLine(ingestor, "teams-report: PERMISSION_DENIED: ");

  // 4: the server rejects the request; the message names the field.
  const auto bad_day = Client({"summary", "--from", "2026-02-30", "--to", "2026-03-31"});
  EXPECT_EQ(bad_day.exit_code, 4);
  ExpectOneErrorLine(bad_day, "teams-report: INVALID_ARGUMENT: ");
  EXPECT_THAT(bad_day.err, HasSubstr("start_date"));
  const auto too_long = Client({"trend", "--from", "2025-01-01", "--to", "2026-10-31"});
  EXPECT_EQ(too_long.exit_code, 4);
  const auto negative = Client({"top-customers", "--page-size", "-1"});
  EXPECT_EQ(negative.exit_code, 4);
  ExpectOneErrorLine(negative, "teams-report: INVALID_ARGUMENT: ");
  const auto bad_token = Client({"apps", "--page-token", "not-a-token"});
  EXPECT_EQ(bad_token.exit_code, 4);

  // 5: nothing listens there.
  const int closed_port = testing::FreeLoopbackPort();
  const auto down = testing::RunCommand({testing::BinaryPath("client/teams-report"), "--server",
                                         "127.0.0.1:" + std::to_string(closed_port), "--token",
                                         Viewer(), "summary"});
  EXPECT_EQ(down.exit_code, 5);
  ExpectOneErrorLine(down, "teams-report: UNAVAILABLE: ");
  const auto down_export =
      testing::RunCommand({testing::BinaryPath("client/teams-report"), "--server",
                           "127.0.0.1:" + std::to_string(closed_port), "--token", Viewer(),
                           "export", "--dataset", "workload", "--out", dir_->path() + "/down.csv"});
  EXPECT_EQ(down_export.exit_code, 5);
  EXPECT_FALSE(std::filesystem::exists(dir_->path() + "/down.csv"));
}

TEST_F(ClientE2eTest, HelpListsEveryCommand) {
  const auto help = Client({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* command : {"summary", "trend", "workloads", "top-customers", "apps", "report",
                              "export", "upload", "token"}) {
    EXPECT_THAT(help.out, HasSubstr(command));
  }
  const auto sub = Client({"top-customers", "--help"});
  EXPECT_EQ(sub.exit_code, 0);
  for (const char* flag : {"--metric", "--page-size", "--page-token", "--all", "--range", "--from",
                           "--country", "--segment", "--industry", "--customer"}) {
    EXPECT_THAT(sub.out, HasSubstr(flag));
  }
}

// openssl in a subprocess; false on failure.
bool Openssl(const std::string& args) {
  return testing::RunCommand({"/bin/bash", "-c", "openssl " + args + " 2>&1"}).exit_code == 0;
}

TEST_F(ClientE2eTest, TlsAndMutualTls) {
  const std::string d = dir_->path();
  ASSERT_TRUE(Openssl("req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=client-e2e-ca -keyout " +
                      d + "/ca.key -out " + d + "/ca.pem"));
  for (const std::string name : {"server", "client"}) {
    ASSERT_TRUE(Openssl("req -newkey rsa:2048 -nodes -subj /CN=" + name + " -keyout " + d + "/" +
                        name + ".key -out " + d + "/" + name + ".csr"));
    dir_->Write(name + ".ext", name == "server" ? "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                                                : "extendedKeyUsage=clientAuth\n");
    ASSERT_TRUE(Openssl("x509 -req -in " + d + "/" + name + ".csr -CA " + d + "/ca.pem -CAkey " +
                        d + "/ca.key -CAcreateserial -days 2 -extfile " + d + "/" + name +
                        ".ext -out " + d + "/" + name + ".pem"));
  }
  testing::ServerProcess tls_server(
      {"--db-url", db_->service_url(), "--migrate", "off", "--jwt-hs256-secret-file", *secret_file_,
       "--tls-cert-file", d + "/server.pem", "--tls-key-file", d + "/server.key",
       "--tls-client-ca-file", d + "/ca.pem"},
      d + "/tls-server.log", /*plaintext_health=*/false);
  ASSERT_TRUE(tls_server.serving()) << testing::ReadFile(d + "/tls-server.log.err");
  const auto run = [&](std::vector<std::string> tls_flags) {
    std::vector<std::string> argv = {testing::BinaryPath("client/teams-report"),
                                     "--server",
                                     tls_server.address(),
                                     "--token",
                                     Viewer(),
                                     "--deadline",
                                     "20"};
    argv.insert(argv.end(), tls_flags.begin(), tls_flags.end());
    argv.insert(argv.end(), {"summary", "-o", "json"});
    return testing::RunCommand(argv);
  };
  const auto mtls = run({"--tls-ca-file", d + "/ca.pem", "--tls-cert-file", d + "/client.pem",
                         "--tls-key-file", d + "/client.key"});
  ASSERT_EQ(mtls.exit_code, 0) << mtls.err;
  v1::Summary summary;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(mtls.out, &summary).ok());
  EXPECT_EQ(summary.range().data_version(), 3);
  // The server name can be given when the address is not in the certificate.
  const auto by_name = run({"--tls-ca-file", d + "/ca.pem", "--tls-cert-file", d + "/client.pem",
                            "--tls-key-file", d + "/client.key", "--tls-server-name", "localhost"});
  EXPECT_EQ(by_name.exit_code, 0) << by_name.err;

  // Without a client certificate the handshake fails: the server is unavailable to us.
  const auto no_cert = run({"--tls-ca-file", d + "/ca.pem"});
  EXPECT_EQ(no_cert.exit_code, 5) << no_cert.err;
  EXPECT_THAT(no_cert.err, StartsWith("teams-report: UNAVAILABLE: "));
  // Plaintext against a TLS port fails the same way.
  EXPECT_EQ(run({}).exit_code, 5);
  // A certificate without its key, or a file that is not there: usage errors.
  EXPECT_EQ(run({"--tls-cert-file", d + "/client.pem"}).exit_code, 2);
  const auto missing = run({"--tls-ca-file", d + "/missing.pem"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("cannot read the TLS CA file"));
}

}  // namespace
}  // namespace teams_usage
