// End to end: the real teams-report-server binary on a loopback port over a real PostgreSQL, and
// the real teams-report client uploading each dataset in small chunks.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <pqxx/pqxx>
#include <random>

#include "absl/time/clock.h"
#include "server/auth/dev_token.h"
#include "teams_usage/v1/teams_usage.grpc.pb.h"
#include "tests/support/pg_env.h"
#include "tests/support/processes.h"
#include "tests/support/usage_files.h"

namespace teams_usage {
namespace {

using ::testing::HasSubstr;
namespace v1 = teams_usage::v1;

constexpr char kSecret[] = "an-end-to-end-test-secret-of-at-least-32-bytes";
constexpr char kPartner[] = "4800001";

class IngestE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = testing::TestDatabase::Create("ingest_e2e", /*migrate=*/false).release();
    dir_ = new testing::TempDir();
    const std::string secret = dir_->Write("secret", std::string(kSecret) + "\n");
    server_ = new testing::ServerProcess(
        {"--db-url", db_->service_url(), "--migrate", "auto", "--jwt-hs256-secret-file", secret},
        dir_->path() + "/server.log");
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
    delete db_;
  }
  void SetUp() override {
    ASSERT_TRUE(server_->serving()) << testing::ReadFile(dir_->path() + "/server.log.err")
                                    << testing::ReadFile(dir_->path() + "/server.log");
  }

  static std::string Token(const std::vector<std::string>& roles,
                           const std::string& partner = kPartner) {
    auto token = auth::MintHs256Token(kSecret, "e2e", partner, roles, "teams-usage-dev",
                                      "teams-usage-report", 600, absl::ToUnixSeconds(absl::Now()));
    EXPECT_TRUE(token.ok()) << token.status();
    return token.ok() ? *token : "";
  }

  testing::CommandResult Client(const std::string& token, std::vector<std::string> args) {
    std::vector<std::string> argv = {testing::BinaryPath("client/teams-report"), "--server",
                                     server_->address(), "--token", token};
    argv.insert(argv.end(), args.begin(), args.end());
    return testing::RunCommand(argv);
  }

  int64_t Count(const std::string& sql) {
    pqxx::connection conn(db_->url());
    pqxx::read_transaction tx(conn);
    return tx.exec1(sql)[0].as<int64_t>();
  }

  static testing::TestDatabase* db_;
  static testing::TempDir* dir_;
  static testing::ServerProcess* server_;
};
testing::TestDatabase* IngestE2eTest::db_ = nullptr;
testing::TempDir* IngestE2eTest::dir_ = nullptr;
testing::ServerProcess* IngestE2eTest::server_ = nullptr;

TEST_F(IngestE2eTest, ClientUploadsEachDatasetInSmallChunks) {
  std::mt19937_64 rng(7);
  testing::RandomDataOptions options;
  options.partner = kPartner;
  options.customers = 8;
  options.days = 40;
  const auto data = testing::MakeRandomData(options, rng);
  const std::string token = Token({"DATA_INGESTOR"});
  struct Case {
    const char* dataset;
    std::string file;
    size_t rows;
    const char* table;
  } cases[] = {
      {"meetings-and-calls", dir_->Write("m.csv", testing::MeetingsFile(data.meetings)),
       data.meetings.size(), "meetings_calls_daily"},
      {"workload", dir_->Write("w.tsv", testing::WorkloadFile(data.workload, '\t')),
       data.workload.size(), "workload_monthly"},
      {"third-party-apps", dir_->Write("a.csv", testing::AppsFile(data.apps)), data.apps.size(),
       "app_usage_monthly"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.dataset);
    const auto first =
        Client(token, {"upload", "--dataset", c.dataset, "--chunk-kib", "1", c.file});
    ASSERT_EQ(first.exit_code, 0) << first.err;
    EXPECT_THAT(first.out, HasSubstr(std::to_string(c.rows) + " rows read, " +
                                     std::to_string(c.rows) + " inserted, 0 replaced"));
    EXPECT_EQ(first.err, "");  // no progress bar when stderr is not a terminal
    EXPECT_EQ(Count(std::string("SELECT count(*) FROM ") + c.table), static_cast<int64_t>(c.rows));

    const auto again =
        Client(token, {"upload", "--dataset", c.dataset, "--chunk-kib", "3", c.file});
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_THAT(again.out,
                HasSubstr("0 inserted, 0 replaced, " + std::to_string(c.rows) + " unchanged"));
  }
  EXPECT_EQ(Count("SELECT data_version FROM partners"), 3);
  EXPECT_EQ(Count("SELECT count(*) FROM customers"), 8);
}

TEST_F(IngestE2eTest, BadFileIsRejectedWithItsLineAndNothingApplied) {
  const int64_t before = Count("SELECT count(*) FROM meetings_calls_daily");
  const std::string file = dir_->Write(
      "bad.csv",
      "PGAMpnID,CustomerId,CustomerTenantId,CustomerName,CustomerCountryCode,CustomerCountry,"
      "CustomerSegment,IndustryName,VerticalName,EOU,DateKey,Subworkload,MeetingCount,"
      "MeetingDuration\r\n"
      "4800001,X1,t,N,US,United States,SMB,Retail,V,E,2026-01-05,Meetings,3,1.5\r\n"
      "4800001,X1,t,N,US,United States,SMB,Retail,V,E,2026-02-30,Meetings,3,1.5\r\n");
  const auto result =
      Client(Token({"DATA_INGESTOR"}), {"upload", "--dataset", "meetings-and-calls", file});
  EXPECT_EQ(result.exit_code, 4);
  EXPECT_THAT(result.err, HasSubstr("INVALID_ARGUMENT"));
  EXPECT_THAT(result.err, HasSubstr("line 3, column DateKey"));
  EXPECT_EQ(Count("SELECT count(*) FROM meetings_calls_daily"), before);
}

TEST_F(IngestE2eTest, OnlyTheIngestorRoleMayUploadAndOnlyForItsOwnPartner) {
  const std::string file = dir_->Write(
      "one.csv",
      testing::MeetingsFile({{kPartner,
                              {"Y1", "t", "N", "US", "United States", "SMB", "Retail", "V", "E"},
                              "2026-01-05",
                              "Calls",
                              2,
                              0.5}}));
  const auto viewer = Client(Token({"REPORT_VIEWER", "GLOBAL_ADMIN"}),
                             {"upload", "--dataset", "meetings-and-calls", file});
  EXPECT_EQ(viewer.exit_code, 3);
  EXPECT_THAT(viewer.err, HasSubstr("PERMISSION_DENIED"));
  const auto anonymous = Client("", {"upload", "--dataset", "meetings-and-calls", file});
  EXPECT_EQ(anonymous.exit_code, 3);
  EXPECT_THAT(anonymous.err, HasSubstr("UNAUTHENTICATED"));
  // A token for another partner: the file's PGAMpnID does not match, so nothing is applied.
  const auto other = Client(Token({"DATA_INGESTOR"}, "4899999"),
                            {"upload", "--dataset", "meetings-and-calls", file});
  EXPECT_EQ(other.exit_code, 4);
  EXPECT_THAT(other.err, HasSubstr("line 2, column PGAMpnID"));
  EXPECT_EQ(Count("SELECT count(*) FROM meetings_calls_daily WHERE customer_id = 'Y1'"), 0);
}

TEST_F(IngestE2eTest, StreamProtocolErrorsNameTheField) {
  auto channel = grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
  auto stub = v1::TeamsUsageIngestService::NewStub(channel);
  const std::string token = Token({"DATA_INGESTOR"});
  {  // data before the header
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + token);
    v1::UploadDatasetResponse response;
    auto writer = stub->UploadDataset(&ctx, &response);
    v1::UploadDatasetRequest req;
    req.set_data("PGAMpnID\n");
    writer->Write(req);
    writer->WritesDone();
    const auto status = writer->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), HasSubstr("header"));
  }
  {  // no dataset
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + token);
    v1::UploadDatasetResponse response;
    auto writer = stub->UploadDataset(&ctx, &response);
    v1::UploadDatasetRequest req;
    req.mutable_header()->set_file_name("x.csv");
    writer->Write(req);
    writer->WritesDone();
    const auto status = writer->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), HasSubstr("header.dataset"));
  }
  {  // row errors also arrive as structured trailing metadata
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + token);
    v1::UploadDatasetResponse response;
    auto writer = stub->UploadDataset(&ctx, &response);
    v1::UploadDatasetRequest req;
    req.mutable_header()->set_dataset(v1::THIRD_PARTY_APPS);
    writer->Write(req);
    req.Clear();
    req.set_data(
        "PGAMpnID,CustomerId,CustomerTenantId,CustomerName,CustomerCountryCode,CustomerCountry,"
        "CustomerSegment,IndustryName,VerticalName,EOU,DateKey,AppName,UserCount\n"
        "4800001,Z1,t,N,US,United States,SMB,Retail,V,E,2026-01,Polly,-1\n");
    writer->Write(req);
    writer->WritesDone();
    const auto status = writer->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    const auto& trailers = ctx.GetServerTrailingMetadata();
    auto it = trailers.find("teams-upload-errors-bin");
    ASSERT_NE(it, trailers.end());
    v1::UploadErrorDetails details;
    ASSERT_TRUE(details.ParseFromString(std::string(it->second.data(), it->second.size())));
    ASSERT_EQ(details.errors_size(), 1);
    EXPECT_EQ(details.errors(0).line(), 2);
    EXPECT_EQ(details.errors(0).column(), "UserCount");
    EXPECT_EQ(details.error_count(), 1);
  }
}

TEST_F(IngestE2eTest, CancelledUploadAppliesNothing) {
  auto channel = grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
  auto stub = v1::TeamsUsageIngestService::NewStub(channel);
  const int64_t before = Count("SELECT count(*) FROM meetings_calls_daily");
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + Token({"DATA_INGESTOR"}));
  v1::UploadDatasetResponse response;
  auto writer = stub->UploadDataset(&ctx, &response);
  v1::UploadDatasetRequest req;
  req.mutable_header()->set_dataset(v1::MEETINGS_AND_CALLS);
  writer->Write(req);
  req.Clear();
  req.set_data(
      testing::MeetingsFile({{kPartner,
                              {"K1", "t", "N", "US", "United States", "SMB", "Retail", "V", "E"},
                              "2026-01-07",
                              "Meetings",
                              5,
                              2.5}}));
  writer->Write(req);
  ctx.TryCancel();
  const auto status = writer->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::CANCELLED);
  // Give the server a moment to finish its side of the call.
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_EQ(Count("SELECT count(*) FROM meetings_calls_daily"), before);
  EXPECT_EQ(Count("SELECT count(*) FROM meetings_calls_daily WHERE customer_id = 'K1'"), 0);
}

}  // namespace
}  // namespace teams_usage

namespace teams_usage {
namespace {

TEST(MigrateCommandE2eTest, AppliesPendingMigrationsAndExits) {
  auto db = testing::TestDatabase::Create("migrate_command_e2e", /*migrate=*/false);
  const auto first = testing::RunCommand({testing::BinaryPath("server/teams-report-server"),
                                          "migrate", "--db-url", db->service_url()});
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_THAT(first.out, ::testing::HasSubstr("\"applied\":\"1,2,3"));
  const auto second = testing::RunCommand({testing::BinaryPath("server/teams-report-server"),
                                           "migrate", "--db-url", db->service_url()});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_THAT(second.out, ::testing::HasSubstr("\"applied\":\"\""));
  const auto unreachable =
      testing::RunCommand({testing::BinaryPath("server/teams-report-server"), "migrate", "--db-url",
                           "postgresql://nobody@127.0.0.1:1/none"});
  EXPECT_EQ(unreachable.exit_code, 1);
  EXPECT_THAT(unreachable.out, ::testing::HasSubstr("migration failed"));
}

}  // namespace
}  // namespace teams_usage
