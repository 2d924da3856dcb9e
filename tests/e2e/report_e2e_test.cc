// End to end: the real teams-report-server binary over a real PostgreSQL; data uploaded through
// UploadDataset, then every TeamsUsageReportService RPC over gRPC with real tokens, checked
// against the reference computed from the uploaded rows; bad requests name their field;
// ExportDataset streams the dataset back in chunks that upload again as no change.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "absl/time/clock.h"
#include "server/auth/dev_token.h"
#include "teams_usage/v1/teams_usage.grpc.pb.h"
#include "tests/support/pg_env.h"
#include "tests/support/processes.h"
#include "tests/support/report_reference.h"
#include "tests/support/usage_files.h"

namespace teams_usage {
namespace {

using ::testing::HasSubstr;
using testing::Reference;
using testing::RefFilter;
using ::testing::StartsWith;
namespace v1 = teams_usage::v1;

constexpr char kSecret[] = "a-report-end-to-end-secret-of-at-least-32-bytes";
constexpr char kPartner[] = "4800123";
constexpr char kOtherPartner[] = "4800999";

std::string Token(const std::vector<std::string>& roles, const std::string& partner = kPartner) {
  auto token = auth::MintHs256Token(kSecret, "e2e", partner, roles, "teams-usage-dev",
                                    "teams-usage-report", 600, absl::ToUnixSeconds(absl::Now()));
  EXPECT_TRUE(token.ok()) << token.status();
  return token.ok() ? *token : "";
}

// A call context with the caller's token and a deadline.
std::unique_ptr<grpc::ClientContext> Context(const std::string& token) {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  return context;
}

v1::ReportFilter ToProto(const RefFilter& f) {
  v1::ReportFilter p;
  p.set_preset(static_cast<v1::DatePreset>(f.preset));
  p.set_start_date(f.start_date);
  p.set_end_date(f.end_date);
  for (const auto& v : f.country_codes) p.add_customer_country_codes(v);
  for (const auto& v : f.segments) p.add_customer_segments(v);
  for (const auto& v : f.industries) p.add_industries(v);
  for (const auto& v : f.customer_ids) p.add_customer_ids(v);
  return p;
}

void ExpectNear(double actual, double expected, const std::string& what) {
  EXPECT_NEAR(actual, expected, 1e-9 * std::max(1.0, std::fabs(expected))) << what;
}

void ExpectRange(const v1::ResolvedRange& got, const testing::RefRange& want, int64_t version) {
  EXPECT_EQ(got.start_date(), want.start_date);
  EXPECT_EQ(got.end_date(), want.end_date);
  EXPECT_EQ(got.data_as_of(), want.data_as_of);
  EXPECT_EQ(got.data_version(), version);
}

void ExpectKpi(const v1::Kpi& got, const testing::RefKpi& want, const std::string& what) {
  ExpectNear(got.value(), want.value, what);
  ExpectNear(got.previous_value(), want.previous_value, what + " previous");
  ASSERT_EQ(got.has_change_percent(), want.change_percent.has_value()) << what;
  if (want.change_percent.has_value()) {
    EXPECT_NEAR(got.change_percent(), *want.change_percent,
                1e-6 * std::max(1.0, std::fabs(*want.change_percent)))
        << what;
  }
  ASSERT_EQ(got.monthly_size(), static_cast<int>(want.monthly.size())) << what;
  for (size_t i = 0; i < want.monthly.size(); ++i) {
    EXPECT_EQ(got.monthly(i).month(), want.monthly[i].first) << what;
    ExpectNear(got.monthly(i).value(), want.monthly[i].second, what + " " + want.monthly[i].first);
  }
}

void ExpectSummary(const v1::Summary& got, const testing::RefSummary& want) {
  ExpectKpi(got.customers(), want.customers, "customers");
  ExpectKpi(got.meeting_count(), want.meeting_count, "meeting_count");
  ExpectKpi(got.daily_avg_meeting_count_per_customer(), want.daily_avg, "daily_avg");
  ExpectKpi(got.meeting_duration_hours(), want.hours, "hours");
  ExpectKpi(got.avg_meeting_duration_minutes(), want.avg_minutes, "avg_minutes");
}

void ExpectTrend(const v1::ConversationsTrend& got,
                 const std::vector<testing::RefTrendPoint>& want) {
  ASSERT_EQ(got.points_size(), static_cast<int>(want.size()));
  for (size_t i = 0; i < want.size(); ++i) {
    const v1::TrendPoint& p = got.points(i);
    EXPECT_EQ(p.month(), want[i].month);
    EXPECT_EQ(p.meetings(), want[i].meetings);
    EXPECT_EQ(p.calls(), want[i].calls);
    EXPECT_EQ(p.phone_systems(), want[i].phone_systems);
    ExpectNear(p.avg_meeting_duration_minutes(), want[i].avg_minutes, want[i].month);
  }
}

void ExpectWorkloads(const v1::UsageByWorkloads& got, const testing::RefWorkloads& want) {
  ASSERT_EQ(got.points_size(), static_cast<int>(want.points.size()));
  for (size_t i = 0; i < want.points.size(); ++i) {
    const v1::WorkloadPoint& p = got.points(i);
    EXPECT_EQ(p.month(), want.points[i].month);
    EXPECT_EQ(static_cast<int>(p.workload()), want.points[i].workload);
    EXPECT_EQ(p.desktop_users(), want.points[i].desktop);
    EXPECT_EQ(p.mobile_users(), want.points[i].mobile);
    EXPECT_EQ(p.web_users(), want.points[i].web);
  }
  ASSERT_EQ(got.all_up_size(), static_cast<int>(want.all_up.size()));
  for (size_t i = 0; i < want.all_up.size(); ++i) {
    EXPECT_EQ(got.all_up(i).month(), want.all_up[i].first);
    EXPECT_EQ(got.all_up(i).all_up_users(), want.all_up[i].second);
  }
}

void ExpectCustomer(const v1::CustomerUsage& got, const testing::RefCustomerUsage& want) {
  const std::string& id = want.customer.id;
  EXPECT_EQ(got.customer().customer_id(), id);
  EXPECT_EQ(got.customer().customer_tenant_id(), want.customer.tenant_id) << id;
  EXPECT_EQ(got.customer().name(), want.customer.name) << id;
  EXPECT_EQ(got.customer().country_code(), want.customer.country_code) << id;
  EXPECT_EQ(got.customer().country(), want.customer.country) << id;
  EXPECT_EQ(got.customer().segment(), want.customer.segment) << id;
  EXPECT_EQ(got.customer().industry(), want.customer.industry) << id;
  EXPECT_EQ(got.customer().vertical(), want.customer.vertical) << id;
  EXPECT_EQ(got.customer().eou(), want.customer.eou) << id;
  EXPECT_EQ(got.meetings(), want.meetings) << id;
  EXPECT_EQ(got.calls(), want.calls) << id;
  EXPECT_EQ(got.phone_systems(), want.phone_systems) << id;
  ExpectNear(got.meeting_duration_hours(), want.hours, id);
  EXPECT_EQ(got.third_party_apps(), want.apps) << id;
  EXPECT_EQ(got.third_party_app_users(), want.app_users) << id;
}

void ExpectApp(const v1::AppUsage& got, const testing::RefApp& want) {
  EXPECT_EQ(got.app_name(), want.name);
  EXPECT_EQ(got.user_count(), want.user_count) << want.name;
  EXPECT_EQ(got.customer_count(), want.customer_count) << want.name;
}

class ReportE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = testing::TestDatabase::Create("report_e2e", /*migrate=*/false).release();
    dir_ = new testing::TempDir();
    const std::string secret = dir_->Write("secret", std::string(kSecret) + "\n");
    const std::string page_secret =
        dir_->Write("page-secret", "a-page-token-key-for-the-e2e-test-0123456789\n");
    server_ = new testing::ServerProcess(
        {"--db-url", db_->service_url(), "--migrate", "auto", "--jwt-hs256-secret-file", secret,
         "--page-token-secret-file", page_secret},
        dir_->path() + "/server.log");
    model_ = new testing::ReferenceData();
    if (!server_->serving()) return;
    channel_ = new std::shared_ptr<grpc::Channel>(
        grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()));
    reports_ = v1::TeamsUsageReportService::NewStub(*channel_).release();
    ingest_ = v1::TeamsUsageIngestService::NewStub(*channel_).release();

    std::mt19937_64 rng(404);
    testing::RandomDataOptions o;
    o.partner = kPartner;
    o.customers = 12;
    o.first_day = "2025-06-11";
    o.days = 300;
    data_ = new testing::RandomData(testing::MakeRandomData(o, rng));
    Upload(v1::MEETINGS_AND_CALLS, testing::MeetingsFile(data_->meetings));
    model_->AddMeetings(data_->meetings);
    Upload(v1::WORKLOAD, testing::WorkloadFile(data_->workload, '\t'));
    model_->AddWorkload(data_->workload);
    Upload(v1::THIRD_PARTY_APPS, testing::AppsFile(data_->apps));
    model_->AddApps(data_->apps);
  }
  static void TearDownTestSuite() {
    delete reports_;
    delete ingest_;
    delete channel_;
    delete server_;
    delete dir_;
    delete db_;
    delete model_;
    delete data_;
  }
  void SetUp() override {
    ASSERT_TRUE(server_->serving()) << testing::ReadFile(dir_->path() + "/server.log.err")
                                    << testing::ReadFile(dir_->path() + "/server.log");
  }

  // Uploads a file through the real UploadDataset; returns the response (and records the version).
  static v1::UploadDatasetResponse Upload(v1::Dataset dataset, const std::string& file) {
    auto context = Context(Token({"DATA_INGESTOR"}));
    v1::UploadDatasetResponse response;
    auto writer = ingest_->UploadDataset(context.get(), &response);
    v1::UploadDatasetRequest header;
    header.mutable_header()->set_dataset(dataset);
    EXPECT_TRUE(writer->Write(header));
    for (size_t i = 0; i < file.size(); i += 64 * 1024) {
      v1::UploadDatasetRequest chunk;
      chunk.set_data(file.substr(i, 64 * 1024));
      EXPECT_TRUE(writer->Write(chunk));
    }
    writer->WritesDone();
    const grpc::Status status = writer->Finish();
    EXPECT_TRUE(status.ok()) << status.error_message();
    if (status.ok()) version_ = response.data_version();
    return response;
  }

  static std::string Export(v1::Dataset dataset, v1::FileFormat format, const RefFilter& filter,
                            int* chunks, grpc::Status* status, v1::ResolvedRange* range = nullptr) {
    auto context = Context(Token({"EXECUTIVE_REPORT_VIEWER"}));
    v1::ExportDatasetRequest request;
    request.set_dataset(dataset);
    request.set_format(format);
    *request.mutable_filter() = ToProto(filter);
    auto reader = reports_->ExportDataset(context.get(), request);
    std::string out;
    v1::FileChunk chunk;
    *chunks = 0;
    while (reader->Read(&chunk)) {
      out += chunk.data();
      ++*chunks;
    }
    *status = reader->Finish();
    if (range != nullptr) {
      const auto& metadata = context->GetServerInitialMetadata();
      const auto it = metadata.find("teams-resolved-range-bin");
      EXPECT_NE(it, metadata.end());
      if (it != metadata.end()) {
        EXPECT_TRUE(range->ParseFromString(std::string(it->second.data(), it->second.size())));
      }
    }
    return out;
  }

  static testing::TestDatabase* db_;
  static testing::TempDir* dir_;
  static testing::ServerProcess* server_;
  static std::shared_ptr<grpc::Channel>* channel_;
  static v1::TeamsUsageReportService::Stub* reports_;
  static v1::TeamsUsageIngestService::Stub* ingest_;
  static testing::ReferenceData* model_;
  static testing::RandomData* data_;
  static int64_t version_;
};
testing::TestDatabase* ReportE2eTest::db_ = nullptr;
testing::TempDir* ReportE2eTest::dir_ = nullptr;
testing::ServerProcess* ReportE2eTest::server_ = nullptr;
std::shared_ptr<grpc::Channel>* ReportE2eTest::channel_ = nullptr;
v1::TeamsUsageReportService::Stub* ReportE2eTest::reports_ = nullptr;
v1::TeamsUsageIngestService::Stub* ReportE2eTest::ingest_ = nullptr;
testing::ReferenceData* ReportE2eTest::model_ = nullptr;
testing::RandomData* ReportE2eTest::data_ = nullptr;
int64_t ReportE2eTest::version_ = 0;

std::vector<RefFilter> SomeFilters() {
  std::vector<RefFilter> filters(5);
  filters[1].preset = 1;  // last 3 months
  filters[2].preset = 4;  // mid-month custom range
  filters[2].start_date = "2025-09-17";
  filters[2].end_date = "2026-01-05";
  filters[3].preset = 2;
  filters[3].country_codes = {"US", "IN"};
  filters[3].segments = {"SMB", "Enterprise"};
  filters[4].preset = 4;  // one day
  filters[4].start_date = "2025-12-31";
  filters[4].end_date = "2025-12-31";
  filters[4].customer_ids = {"C0003", "C0004", "C0005", "C0006", "C0007"};
  return filters;
}

TEST_F(ReportE2eTest, EveryRpcMatchesTheReference) {
  const Reference reference(*model_, kPartner, "2026-06-15");
  const std::string token = Token({"REPORT_VIEWER"});
  for (const RefFilter& filter : SomeFilters()) {
    SCOPED_TRACE(filter.Describe());
    const testing::RefRange range = reference.Range(filter);

    v1::GetSummaryRequest summary_request;
    *summary_request.mutable_filter() = ToProto(filter);
    v1::Summary summary;
    grpc::Status status = reports_->GetSummary(Context(token).get(), summary_request, &summary);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ExpectRange(summary.range(), range, version_);
    ExpectSummary(summary, reference.Summary(filter));

    v1::GetConversationsTrendRequest trend_request;
    *trend_request.mutable_filter() = ToProto(filter);
    v1::ConversationsTrend trend;
    status = reports_->GetConversationsTrend(Context(token).get(), trend_request, &trend);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ExpectRange(trend.range(), range, version_);
    ExpectTrend(trend, reference.Trend(filter));

    v1::GetUsageByWorkloadsRequest workloads_request;
    *workloads_request.mutable_filter() = ToProto(filter);
    workloads_request.add_workloads(v1::PHONE_SYSTEMS);
    workloads_request.add_workloads(v1::MEETINGS);
    v1::UsageByWorkloads workloads;
    status = reports_->GetUsageByWorkloads(Context(token).get(), workloads_request, &workloads);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ExpectRange(workloads.range(), range, version_);
    ExpectWorkloads(workloads, reference.Workloads(filter, {1, 3}));

    for (v1::UsageMetric metric : {v1::USAGE_METRIC_UNSPECIFIED, v1::METRIC_CALLS,
                                   v1::METRIC_PHONE_SYSTEMS, v1::METRIC_THIRD_PARTY_APPS}) {
      SCOPED_TRACE(v1::UsageMetric_Name(metric));
      const auto want = reference.TopCustomers(filter, metric == 0 ? 1 : metric);
      v1::ListTopCustomersRequest request;
      *request.mutable_filter() = ToProto(filter);
      request.set_metric(metric);
      request.set_page_size(3);
      size_t listed = 0;
      for (int page = 0; page < 100; ++page) {
        v1::ListTopCustomersResponse response;
        status = reports_->ListTopCustomers(Context(token).get(), request, &response);
        ASSERT_TRUE(status.ok()) << status.error_message();
        ExpectRange(response.range(), range, version_);
        EXPECT_EQ(response.total_size(), static_cast<int64_t>(want.size()));
        for (const auto& c : response.customers()) {
          ASSERT_LT(listed, want.size());
          ExpectCustomer(c, want[listed++]);
        }
        if (response.next_page_token().empty()) break;
        request.set_page_token(response.next_page_token());
      }
      EXPECT_EQ(listed, want.size());
    }

    for (const std::string& customer : {std::string(), std::string("C0002")}) {
      const auto want = reference.Apps(filter, customer);
      v1::ListAppsRequest request;
      *request.mutable_filter() = ToProto(filter);
      request.set_customer_id(customer);
      v1::ListAppsResponse response;
      status = reports_->ListApps(Context(token).get(), request, &response);
      ASSERT_TRUE(status.ok()) << status.error_message();
      ExpectRange(response.range(), range, version_);
      EXPECT_EQ(response.total_size(), static_cast<int64_t>(want.size()));
      ASSERT_EQ(response.apps_size(), static_cast<int>(want.size()));  // fewer than 25 apps
      for (size_t i = 0; i < want.size(); ++i) ExpectApp(response.apps(i), want[i]);
      EXPECT_EQ(response.next_page_token(), "");
    }

    v1::GetReportRequest report_request;
    *report_request.mutable_filter() = ToProto(filter);
    report_request.set_top_apps(2);
    v1::TeamsUsageReport report;
    status = reports_->GetReport(Context(token).get(), report_request, &report);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ExpectRange(report.summary().range(), range, version_);
    ExpectSummary(report.summary(), reference.Summary(filter));
    ExpectTrend(report.conversations_trend(), reference.Trend(filter));
    ExpectWorkloads(report.usage_by_workloads(), reference.Workloads(filter, {}));
    const auto top = reference.TopCustomers(filter, 1);
    ASSERT_EQ(report.top_customers_size(), static_cast<int>(std::min<size_t>(top.size(), 10)));
    for (int i = 0; i < report.top_customers_size(); ++i) {
      ExpectCustomer(report.top_customers(i), top[i]);
    }
    const auto apps = reference.Apps(filter, "");
    ASSERT_EQ(report.top_apps_size(), static_cast<int>(std::min<size_t>(apps.size(), 2)));
    for (int i = 0; i < report.top_apps_size(); ++i) ExpectApp(report.top_apps(i), apps[i]);
  }
}

TEST_F(ReportE2eTest, BadRequestsAreInvalidArgumentNamingTheField) {
  const std::string token = Token({"GLOBAL_ADMIN"});
  const auto custom = [](const std::string& start, const std::string& end) {
    v1::ReportFilter f;
    f.set_preset(v1::CUSTOM);
    f.set_start_date(start);
    f.set_end_date(end);
    return f;
  };
  const auto summary = [&](const v1::ReportFilter& filter) {
    v1::GetSummaryRequest request;
    *request.mutable_filter() = filter;
    v1::Summary response;
    return reports_->GetSummary(Context(token).get(), request, &response);
  };
  const auto expect_invalid = [](const grpc::Status& status, const std::string& field) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
    EXPECT_THAT(status.error_message(), StartsWith(field + ": "));
  };
  expect_invalid(summary(custom("2026-02-30", "2026-03-10")), "filter.start_date");
  expect_invalid(summary(custom("2026-02-01", "03/10/2026")), "filter.end_date");
  expect_invalid(summary(custom("2026-03-10", "2026-03-09")), "filter.end_date");
  expect_invalid(summary(custom("2025-10-01", "2026-11-01")), "filter.end_date");
  expect_invalid(summary(custom("", "")), "filter.start_date");
  expect_invalid(summary(custom("2026-01-01", "")), "filter.end_date");
  v1::ReportFilter with_preset = custom("2026-01-01", "2026-01-31");
  with_preset.set_preset(v1::LAST_3_MONTHS);
  expect_invalid(summary(with_preset), "filter.start_date");
  v1::ReportFilter unknown_preset;
  unknown_preset.set_preset(static_cast<v1::DatePreset>(17));
  expect_invalid(summary(unknown_preset), "filter.preset");
  v1::ReportFilter empty_country;
  empty_country.add_customer_country_codes("");
  expect_invalid(summary(empty_country), "filter.customer_country_codes[0]");

  {
    v1::ListTopCustomersRequest request;
    request.set_page_size(-1);
    v1::ListTopCustomersResponse response;
    expect_invalid(reports_->ListTopCustomers(Context(token).get(), request, &response),
                   "page_size");
    request.set_page_size(5);
    request.set_page_token("bm90LWEtdG9rZW4");
    expect_invalid(reports_->ListTopCustomers(Context(token).get(), request, &response),
                   "page_token");
    request.clear_page_token();
    request.set_metric(static_cast<v1::UsageMetric>(9));
    expect_invalid(reports_->ListTopCustomers(Context(token).get(), request, &response), "metric");
  }
  {
    v1::ListAppsRequest request;
    request.set_page_size(-5);
    v1::ListAppsResponse response;
    expect_invalid(reports_->ListApps(Context(token).get(), request, &response), "page_size");
  }
  {
    v1::GetUsageByWorkloadsRequest request;
    request.add_workloads(v1::CALLS);
    request.add_workloads(static_cast<v1::Workload>(7));
    v1::UsageByWorkloads response;
    expect_invalid(reports_->GetUsageByWorkloads(Context(token).get(), request, &response),
                   "workloads[1]");
    request.set_workloads(1, v1::WORKLOAD_UNSPECIFIED);
    expect_invalid(reports_->GetUsageByWorkloads(Context(token).get(), request, &response),
                   "workloads[1]");
  }
  {
    v1::GetReportRequest request;
    request.set_top_customers(-1);
    v1::TeamsUsageReport response;
    expect_invalid(reports_->GetReport(Context(token).get(), request, &response), "top_customers");
    request.set_top_customers(0);
    request.set_top_apps(-3);
    expect_invalid(reports_->GetReport(Context(token).get(), request, &response), "top_apps");
    *request.mutable_filter() = custom("2026-01-01", "2025-12-31");
    request.set_top_apps(0);
    expect_invalid(reports_->GetReport(Context(token).get(), request, &response),
                   "filter.end_date");
  }
  {
    int chunks = 0;
    grpc::Status status;
    Export(v1::DATASET_UNSPECIFIED, v1::CSV, RefFilter{}, &chunks, &status);
    expect_invalid(status, "dataset");
    EXPECT_EQ(chunks, 0);
    Export(v1::WORKLOAD, static_cast<v1::FileFormat>(5), RefFilter{}, &chunks, &status);
    expect_invalid(status, "format");
  }
}

TEST_F(ReportE2eTest, PermissionComesBeforeValidation) {
  v1::GetSummaryRequest bad;
  bad.mutable_filter()->set_preset(static_cast<v1::DatePreset>(17));
  v1::Summary summary;
  EXPECT_EQ(
      reports_->GetSummary(Context(Token({"DATA_INGESTOR"})).get(), bad, &summary).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(reports_->GetSummary(Context("").get(), bad, &summary).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  // Raw data is for GLOBAL_ADMIN and EXECUTIVE_REPORT_VIEWER only.
  v1::ExportDatasetRequest request;
  request.set_dataset(v1::MEETINGS_AND_CALLS);
  for (const char* role : {"REPORT_VIEWER", "ACCOUNT_ADMIN", "ADMIN_AGENT"}) {
    auto context = Context(Token({role}));
    auto reader = reports_->ExportDataset(context.get(), request);
    v1::FileChunk chunk;
    EXPECT_FALSE(reader->Read(&chunk)) << role;
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::PERMISSION_DENIED) << role;
  }
  for (const char* role : {"GLOBAL_ADMIN", "ACCOUNT_ADMIN", "ADMIN_AGENT", "REPORT_VIEWER",
                           "EXECUTIVE_REPORT_VIEWER"}) {
    v1::GetSummaryRequest ok;
    EXPECT_TRUE(reports_->GetSummary(Context(Token({role})).get(), ok, &summary).ok()) << role;
  }
}

TEST_F(ReportE2eTest, AnotherPartnerSeesNoneOfTheData) {
  v1::GetReportRequest request;
  v1::TeamsUsageReport report;
  const grpc::Status status =
      reports_->GetReport(Context(Token({"GLOBAL_ADMIN"}, kOtherPartner)).get(), request, &report);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(report.summary().range().data_as_of(), "");
  EXPECT_EQ(report.summary().range().data_version(), 0);
  EXPECT_EQ(report.summary().meeting_count().value(), 0);
  EXPECT_EQ(report.conversations_trend().points_size(), 12);
  EXPECT_EQ(report.top_customers_size(), 0);
  EXPECT_EQ(report.top_apps_size(), 0);
}

TEST_F(ReportE2eTest, ExportStreamsChunksThatUploadBackAsNoChange) {
  const Reference reference(*model_, kPartner, "2026-06-15");
  RefFilter longest;
  longest.preset = 4;
  longest.start_date = "2025-06-11";
  longest.end_date = "2026-07-10";
  struct Case {
    v1::Dataset dataset;
    v1::FileFormat format;
    const char* header;
  } cases[] = {
      {v1::MEETINGS_AND_CALLS, v1::FILE_FORMAT_UNSPECIFIED,
       "PGAMpnID,CustomerId,CustomerTenantId,CustomerName,CustomerCountryCode,CustomerCountry,"
       "CustomerSegment,IndustryName,VerticalName,EOU,DateKey,Subworkload,MeetingCount,"
       "MeetingDuration\r\n"},
      {v1::WORKLOAD, v1::TSV,
       "PGAMpnID\tCustomerId\tCustomerTenantId\tCustomerName\tCustomerCountryCode\t"
       "CustomerCountry\tCustomerSegment\tIndustryName\tVerticalName\tEOU\tMonthKey\t"
       "SubWorkload\tDesktopUsers\tWebUsers\tMobileUsers\tAllUpParticipants\r\n"},
      {v1::THIRD_PARTY_APPS, v1::CSV,
       "PGAMpnID,CustomerId,CustomerTenantId,CustomerName,CustomerCountryCode,CustomerCountry,"
       "CustomerSegment,IndustryName,VerticalName,EOU,DateKey,AppName,UserCount\r\n"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(v1::Dataset_Name(c.dataset));
    int chunks = 0;
    grpc::Status status;
    v1::ResolvedRange range;
    const std::string file = Export(c.dataset, c.format, longest, &chunks, &status, &range);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ExpectRange(range, reference.Range(longest), version_);
    EXPECT_THAT(file, StartsWith(c.header));
    const size_t rows = reference.ExportRows(static_cast<int>(c.dataset), longest);
    if (c.dataset == v1::MEETINGS_AND_CALLS) {
      EXPECT_GT(file.size(), 3u * 64 * 1024);
      EXPECT_GE(chunks, 3);  // streamed in chunks of about 64 KiB
    }
    const int64_t before = version_;
    const v1::UploadDatasetResponse again = Upload(c.dataset, file);
    EXPECT_EQ(again.rows_read(), static_cast<int64_t>(rows));
    EXPECT_EQ(again.rows_unchanged(), static_cast<int64_t>(rows));
    EXPECT_EQ(again.rows_inserted(), 0);
    EXPECT_EQ(again.rows_replaced(), 0);
    EXPECT_EQ(again.data_version(), before);
  }
}

}  // namespace
}  // namespace teams_usage
