// Tenant isolation through the API: partner B's tokens, with every role that may read, never see
// partner A's data through any report RPC or the export, and a page token minted for A is
// refused to B.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <random>
#include <tuple>

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
namespace v1 = teams_usage::v1;

constexpr char kSecret[] = "an-isolation-test-secret-of-at-least-32-bytes!!";
constexpr char kPartnerA[] = "4600001";
constexpr char kPartnerB[] = "4600002";

std::string Token(const std::string& partner, const std::vector<std::string>& roles) {
  auto token = auth::MintHs256Token(kSecret, "iso", partner, roles, "teams-usage-dev",
                                    "teams-usage-report", 600, absl::ToUnixSeconds(absl::Now()));
  return token.ok() ? *token : "";
}

void Authorize(grpc::ClientContext* ctx, const std::string& token) {
  ctx->AddMetadata("authorization", "Bearer " + token);
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
}

grpc::Status Upload(const std::shared_ptr<grpc::Channel>& channel, const std::string& partner,
                    v1::Dataset dataset, const std::string& file) {
  auto stub = v1::TeamsUsageIngestService::NewStub(channel);
  grpc::ClientContext ctx;
  Authorize(&ctx, Token(partner, {"DATA_INGESTOR"}));
  v1::UploadDatasetResponse response;
  auto writer = stub->UploadDataset(&ctx, &response);
  v1::UploadDatasetRequest req;
  req.mutable_header()->set_dataset(dataset);
  writer->Write(req);
  req.Clear();
  req.set_data(file);
  writer->Write(req);
  writer->WritesDone();
  return writer->Finish();
}

class IsolationE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = testing::TestDatabase::Create("isolation_e2e", /*migrate=*/false).release();
    dir_ = new testing::TempDir();
    server_ = new testing::ServerProcess(
        {"--db-url", db_->service_url(), "--jwt-hs256-secret-file", dir_->Write("secret", kSecret)},
        dir_->path() + "/server.log");
    auto channel = grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
    std::mt19937_64 rng(46);
    // A's customers are named "A…", B's "B…"; A has far more activity than B.
    for (const auto& [partner, prefix, customers] :
         {std::tuple{kPartnerA, "A", 9}, std::tuple{kPartnerB, "B", 3}}) {
      testing::RandomDataOptions o;
      o.partner = partner;
      o.customers = customers;
      o.days = 60;
      o.first_day = "2026-08-10";
      auto data = testing::MakeRandomData(o, rng);
      auto rename = [&](testing::TestCustomer& c) {
        c.id = std::string(prefix) + c.id;
        c.name = std::string(prefix) + "-" + c.name;
      };
      for (auto& r : data.meetings) rename(r.customer);
      for (auto& r : data.workload) rename(r.customer);
      for (auto& r : data.apps) {
        rename(r.customer);
        r.app = std::string(prefix) + "-" + r.app;
      }
      ASSERT_TRUE(
          Upload(channel, partner, v1::MEETINGS_AND_CALLS, testing::MeetingsFile(data.meetings))
              .ok());
      ASSERT_TRUE(
          Upload(channel, partner, v1::WORKLOAD, testing::WorkloadFile(data.workload)).ok());
      ASSERT_TRUE(
          Upload(channel, partner, v1::THIRD_PARTY_APPS, testing::AppsFile(data.apps)).ok());
    }
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
    delete db_;
  }
  void SetUp() override { ASSERT_TRUE(server_->serving()); }

  static testing::TestDatabase* db_;
  static testing::TempDir* dir_;
  static testing::ServerProcess* server_;
};
testing::TestDatabase* IsolationE2eTest::db_ = nullptr;
testing::TempDir* IsolationE2eTest::dir_ = nullptr;
testing::ServerProcess* IsolationE2eTest::server_ = nullptr;

TEST_F(IsolationE2eTest, PartnerBSeesOnlyItsOwnDataThroughEveryRpc) {
  auto channel = grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
  auto stub = v1::TeamsUsageReportService::NewStub(channel);
  for (const char* role : {"GLOBAL_ADMIN", "ACCOUNT_ADMIN", "ADMIN_AGENT", "REPORT_VIEWER",
                           "EXECUTIVE_REPORT_VIEWER"}) {
    SCOPED_TRACE(role);
    const std::string b = Token(kPartnerB, {role});
    const std::string a = Token(kPartnerA, {role});
    v1::ReportFilter filter;
    filter.set_preset(v1::LAST_12_MONTHS);

    v1::GetReportRequest report_req;
    *report_req.mutable_filter() = filter;
    report_req.set_top_customers(1000);
    report_req.set_top_apps(1000);
    v1::TeamsUsageReport report_b, report_a;
    {
      grpc::ClientContext ctx;
      Authorize(&ctx, b);
      ASSERT_TRUE(stub->GetReport(&ctx, report_req, &report_b).ok());
    }
    {
      grpc::ClientContext ctx;
      Authorize(&ctx, a);
      ASSERT_TRUE(stub->GetReport(&ctx, report_req, &report_a).ok());
    }
    ASSERT_GT(report_b.top_customers_size(), 0);
    for (const auto& c : report_b.top_customers()) {
      EXPECT_EQ(c.customer().customer_id().substr(0, 1), "B");
    }
    for (const auto& app : report_b.top_apps()) EXPECT_EQ(app.app_name().substr(0, 2), "B-");
    EXPECT_LE(report_b.summary().customers().value(), 3);
    EXPECT_NE(report_b.summary().meeting_count().value(),
              report_a.summary().meeting_count().value());

    // The individual RPCs agree with B's report, so none of them mixed in A's rows.
    v1::Summary summary;
    {
      grpc::ClientContext ctx;
      Authorize(&ctx, b);
      v1::GetSummaryRequest req;
      *req.mutable_filter() = filter;
      ASSERT_TRUE(stub->GetSummary(&ctx, req, &summary).ok());
    }
    EXPECT_EQ(summary.meeting_count().value(), report_b.summary().meeting_count().value());
    v1::ConversationsTrend trend;
    {
      grpc::ClientContext ctx;
      Authorize(&ctx, b);
      v1::GetConversationsTrendRequest req;
      *req.mutable_filter() = filter;
      ASSERT_TRUE(stub->GetConversationsTrend(&ctx, req, &trend).ok());
    }
    int64_t trend_meetings = 0;
    for (const auto& p : trend.points()) trend_meetings += p.meetings();
    EXPECT_EQ(static_cast<double>(trend_meetings), summary.meeting_count().value());
    v1::UsageByWorkloads workloads;
    {
      grpc::ClientContext ctx;
      Authorize(&ctx, b);
      v1::GetUsageByWorkloadsRequest req;
      *req.mutable_filter() = filter;
      ASSERT_TRUE(stub->GetUsageByWorkloads(&ctx, req, &workloads).ok());
    }
    EXPECT_EQ(workloads.DebugString(), report_b.usage_by_workloads().DebugString());
    v1::ListAppsResponse apps;
    {
      grpc::ClientContext ctx;
      Authorize(&ctx, b);
      v1::ListAppsRequest req;
      *req.mutable_filter() = filter;
      req.set_page_size(1000);
      ASSERT_TRUE(stub->ListApps(&ctx, req, &apps).ok());
    }
    for (const auto& app : apps.apps()) EXPECT_EQ(app.app_name().substr(0, 2), "B-");
    {  // asking B's service for one of A's customers yields nothing of A's
      grpc::ClientContext ctx;
      Authorize(&ctx, b);
      v1::ListAppsRequest req;
      *req.mutable_filter() = filter;
      req.set_customer_id(report_a.top_customers(0).customer().customer_id());
      v1::ListAppsResponse none;
      // An unknown customer (A's, to B) answers an empty list, as any unknown id does.
      ASSERT_TRUE(stub->ListApps(&ctx, req, &none).ok());
      EXPECT_EQ(none.apps_size(), 0);
      EXPECT_EQ(none.total_size(), 0);
    }
    {
      grpc::ClientContext ctx;
      Authorize(&ctx, b);
      v1::ListTopCustomersRequest req;
      *req.mutable_filter() = filter;
      req.mutable_filter()->add_customer_ids(report_a.top_customers(0).customer().customer_id());
      v1::ListTopCustomersResponse none;
      ASSERT_TRUE(stub->ListTopCustomers(&ctx, req, &none).ok());
      EXPECT_EQ(none.customers_size(), 0);
      EXPECT_EQ(none.total_size(), 0);
    }
  }
}

TEST_F(IsolationE2eTest, PageTokensOfAAreRefusedToB) {
  auto channel = grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
  auto stub = v1::TeamsUsageReportService::NewStub(channel);
  v1::ListTopCustomersRequest req;
  req.mutable_filter()->set_preset(v1::LAST_12_MONTHS);
  req.set_page_size(1);
  v1::ListTopCustomersResponse first;
  {
    grpc::ClientContext ctx;
    Authorize(&ctx, Token(kPartnerA, {"REPORT_VIEWER"}));
    ASSERT_TRUE(stub->ListTopCustomers(&ctx, req, &first).ok());
  }
  ASSERT_FALSE(first.next_page_token().empty());
  req.set_page_token(first.next_page_token());
  grpc::ClientContext ctx;
  Authorize(&ctx, Token(kPartnerB, {"REPORT_VIEWER"}));
  v1::ListTopCustomersResponse stolen;
  const grpc::Status s = stub->ListTopCustomers(&ctx, req, &stolen);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("page_token"));
  EXPECT_EQ(stolen.customers_size(), 0);
}

TEST_F(IsolationE2eTest, ExportOfBHoldsNoRowOfA) {
  auto channel = grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
  auto stub = v1::TeamsUsageReportService::NewStub(channel);
  for (v1::Dataset dataset : {v1::MEETINGS_AND_CALLS, v1::WORKLOAD, v1::THIRD_PARTY_APPS}) {
    grpc::ClientContext ctx;
    Authorize(&ctx, Token(kPartnerB, {"EXECUTIVE_REPORT_VIEWER"}));
    v1::ExportDatasetRequest req;
    req.set_dataset(dataset);
    req.mutable_filter()->set_preset(v1::LAST_12_MONTHS);
    auto reader = stub->ExportDataset(&ctx, req);
    std::string file;
    v1::FileChunk chunk;
    while (reader->Read(&chunk)) file += chunk.data();
    ASSERT_TRUE(reader->Finish().ok());
    EXPECT_THAT(file, HasSubstr(kPartnerB));
    EXPECT_THAT(file, Not(HasSubstr(kPartnerA)));
    EXPECT_THAT(file, Not(HasSubstr("A-")));
  }
}

}  // namespace
}  // namespace teams_usage
