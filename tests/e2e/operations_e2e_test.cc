// Operations, end to end with real processes on loopback: health follows the database (stopped
// and restarted under calls), SIGTERM drains, metrics move, size limits answer with their codes,
// and TLS / mutual TLS with certificates made here by openssl.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <pqxx/pqxx>
#include <random>
#include <thread>

#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "server/auth/dev_token.h"
#include "teams_usage/v1/teams_usage.grpc.pb.h"
#include "tests/support/processes.h"
#include "tests/support/usage_files.h"

namespace teams_usage {
namespace {

using ::testing::HasSubstr;
namespace v1 = teams_usage::v1;
using HealthResponse = grpc::health::v1::HealthCheckResponse;

constexpr char kSecret[] = "an-operations-test-secret-of-at-least-32-bytes!";
constexpr char kPartner[] = "4700001";

std::string Token() {
  auto token = auth::MintHs256Token(kSecret, "ops", kPartner, {"DATA_INGESTOR"}, "teams-usage-dev",
                                    "teams-usage-report", 600, absl::ToUnixSeconds(absl::Now()));
  return token.ok() ? *token : "";
}

std::string SmallFile(const std::string& customer) {
  return testing::MeetingsFile(
      {{kPartner,
        {customer, "t", "N", "US", "United States", "SMB", "Retail", "V", "E"},
        "2026-02-03",
        "Meetings",
        4,
        1.5}});
}

// One upload over `channel`; the status.
grpc::Status UploadOnce(const std::shared_ptr<grpc::Channel>& channel, const std::string& content,
                        std::chrono::milliseconds deadline = std::chrono::milliseconds(5000)) {
  auto stub = v1::TeamsUsageIngestService::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + Token());
  ctx.set_deadline(std::chrono::system_clock::now() + deadline);
  v1::UploadDatasetResponse response;
  auto writer = stub->UploadDataset(&ctx, &response);
  v1::UploadDatasetRequest req;
  req.mutable_header()->set_dataset(v1::MEETINGS_AND_CALLS);
  writer->Write(req);
  req.Clear();
  req.set_data(content);
  writer->Write(req);
  writer->WritesDone();
  return writer->Finish();
}

HealthResponse::ServingStatus Health(const std::shared_ptr<grpc::Channel>& channel,
                                     const std::string& service = "") {
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
  grpc::health::v1::HealthCheckRequest req;
  req.set_service(service);
  HealthResponse resp;
  if (!stub->Check(&ctx, req, &resp).ok()) return HealthResponse::UNKNOWN;
  return resp.status();
}

// Polls until `pred` holds or `limit` passes; how long it took, or -1.
template <typename Pred>
double SecondsUntil(Pred pred, double limit) {
  const auto start = std::chrono::steady_clock::now();
  while (true) {
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (pred()) return elapsed;
    if (elapsed > limit) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

class OperationsE2eTest : public ::testing::Test {
 protected:
  // One private PostgreSQL for the suite (initdb is the slow part); a database per test.
  static void SetUpTestSuite() {
    pg_ = new testing::PrivatePostgres();
    pqxx::connection conn(pg_->admin_url());
    pqxx::nontransaction tx(conn);
    tx.exec("CREATE ROLE teams LOGIN");
  }
  static void TearDownTestSuite() { delete pg_; }
  void SetUp() override {
    ASSERT_TRUE(pg_->Start());  // a no-op when running; a test may have stopped it
    const std::string db =
        "teams_usage_" +
        std::string(::testing::UnitTest::GetInstance()->current_test_info()->name());
    pqxx::connection conn(pg_->admin_url());
    pqxx::nontransaction tx(conn);
    tx.exec("CREATE DATABASE " + tx.quote_name(db) + " OWNER teams");
    db_url_ = "postgresql://teams@127.0.0.1:" + std::to_string(pg_->port()) + "/" + db;
    secret_ = dir_.Write("secret", kSecret);
  }
  std::unique_ptr<testing::ServerProcess> StartServer(std::vector<std::string> extra = {},
                                                      bool plaintext = true) {
    std::vector<std::string> args = {
        "--db-url", db_url_, "--jwt-hs256-secret-file", secret_, "--health-check-interval-ms",
        "200"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto server =
        std::make_unique<testing::ServerProcess>(args, dir_.path() + "/server.log", plaintext);
    EXPECT_TRUE(server->serving()) << testing::ReadFile(dir_.path() + "/server.log");
    return server;
  }
  testing::TempDir dir_;
  static testing::PrivatePostgres* pg_;
  std::string db_url_;
  std::string secret_;
};

testing::PrivatePostgres* OperationsE2eTest::pg_ = nullptr;

TEST_F(OperationsE2eTest, HealthAndCallsFollowADatabaseRestart) {
  auto server = StartServer();
  auto channel = grpc::CreateChannel(server->address(), grpc::InsecureChannelCredentials());
  ASSERT_TRUE(UploadOnce(channel, SmallFile("A1")).ok());
  EXPECT_EQ(Health(channel), HealthResponse::SERVING);
  EXPECT_EQ(Health(channel, "teams_usage.v1.TeamsUsageIngestService"), HealthResponse::SERVING);

  // Calls keep coming while PostgreSQL goes away: only OK or UNAVAILABLE, never a hang.
  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, unavailable{0}, other{0};
  std::thread load([&] {
    int i = 0;
    while (!stop) {
      const auto started = std::chrono::steady_clock::now();
      const grpc::Status s = UploadOnce(channel, SmallFile("L" + std::to_string(i++ % 5)));
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      if (s.ok())
        ++ok;
      else if (s.error_code() == grpc::StatusCode::UNAVAILABLE && seconds < 5)
        ++unavailable;
      else
        ++other;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  ASSERT_TRUE(pg_->Stop());
  EXPECT_GE(SecondsUntil([&] { return Health(channel) == HealthResponse::NOT_SERVING; }, 5), 0);
  EXPECT_EQ(Health(channel, "teams_usage.v1.TeamsUsageReportService"), HealthResponse::NOT_SERVING);
  const grpc::Status down = UploadOnce(channel, SmallFile("A2"));
  EXPECT_EQ(down.error_code(), grpc::StatusCode::UNAVAILABLE) << down.error_message();

  ASSERT_TRUE(pg_->Start());
  const double recovered = SecondsUntil(
      [&] {
        return Health(channel) == HealthResponse::SERVING &&
               UploadOnce(channel, SmallFile("A3")).ok();
      },
      5);
  EXPECT_GE(recovered, 0) << "no recovery within 5 s of PostgreSQL's return";
  stop = true;
  load.join();
  EXPECT_GT(ok.load(), 0);
  EXPECT_GT(unavailable.load(), 0);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(server->Stop(), 0);  // exit status 0 after SIGTERM
}

TEST_F(OperationsE2eTest, SigtermDrainsInFlightCallsThenStops) {
  auto server = StartServer({"--drain-seconds", "2"});
  auto channel = grpc::CreateChannel(server->address(), grpc::InsecureChannelCredentials());
  auto stub = v1::TeamsUsageIngestService::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + Token());
  v1::UploadDatasetResponse response;
  auto writer = stub->UploadDataset(&ctx, &response);
  v1::UploadDatasetRequest req;
  req.mutable_header()->set_dataset(v1::MEETINGS_AND_CALLS);
  ASSERT_TRUE(writer->Write(req));
  const std::string file = SmallFile("D1");
  req.Clear();
  req.set_data(file.substr(0, file.size() / 2));
  ASSERT_TRUE(writer->Write(req));

  std::thread terminate([&] { server->Stop(); });  // SIGTERM, then waits for the exit
  EXPECT_GE(SecondsUntil([&] { return Health(channel) == HealthResponse::NOT_SERVING; }, 1.5), 0);
  // The upload in flight finishes within the drain and is applied.
  req.Clear();
  req.set_data(file.substr(file.size() / 2));
  ASSERT_TRUE(writer->Write(req));
  writer->WritesDone();
  const grpc::Status status = writer->Finish();
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.rows_inserted(), 1);
  terminate.join();
  // After the drain the server is gone: new calls are UNAVAILABLE.
  EXPECT_EQ(UploadOnce(channel, SmallFile("D2"), std::chrono::milliseconds(1000)).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  pqxx::connection conn(db_url_);
  pqxx::work tx(conn);
  tx.exec("SELECT set_config('app.partner_id', '4700001', true)");
  EXPECT_EQ(
      tx.exec1("SELECT count(*) FROM meetings_calls_daily WHERE customer_id = 'D1'")[0].as<int>(),
      1);
}

TEST_F(OperationsE2eTest, MetricsMoveAndLimitsAnswerWithTheirCodes) {
  auto server = StartServer();
  auto channel = grpc::CreateChannel(server->address(), grpc::InsecureChannelCredentials());
  ASSERT_GT(server->metrics_port(), 0);
  const std::string handled_ok =
      "grpc_server_handled_total{grpc_code=\"OK\",grpc_method=\"UploadDataset\","
      "grpc_service=\"teams_usage.v1.TeamsUsageIngestService\",grpc_type=\"client_stream\"}";
  const std::string before = testing::HttpGet(server->metrics_port(), "/metrics");
  ASSERT_THAT(before, HasSubstr("teams_db_pool_connections"));
  const double ok_before = std::max(0.0, testing::MetricValue(before, handled_ok));
  ASSERT_TRUE(UploadOnce(channel, SmallFile("M1")).ok());
  ASSERT_TRUE(UploadOnce(channel, SmallFile("M2")).ok());
  const std::string after = testing::HttpGet(server->metrics_port(), "/metrics");
  EXPECT_EQ(testing::MetricValue(after, handled_ok), ok_before + 2);
  EXPECT_GE(
      testing::MetricValue(
          after, "teams_ingest_rows_total{dataset=\"MEETINGS_AND_CALLS\",result=\"inserted\"}"),
      2);
  EXPECT_THAT(after,
              HasSubstr("grpc_server_handling_seconds_bucket{grpc_method=\"UploadDataset\""));
  EXPECT_THAT(after, HasSubstr("le=\"0.001\""));

  // A message over the 8 MiB receive limit.
  const grpc::Status big = UploadOnce(channel, std::string(9 << 20, 'x'));
  EXPECT_EQ(big.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << big.error_message();
}

TEST_F(OperationsE2eTest, UploadLargerThanTheLimitIsRefusedWhole) {
  auto server = StartServer({"--max-upload-bytes", "1000"});
  auto channel = grpc::CreateChannel(server->address(), grpc::InsecureChannelCredentials());
  std::vector<testing::MeetingsRow> rows;
  for (int d = 1; d <= 20; ++d) {
    rows.push_back({kPartner,
                    {"B1", "t", "N", "US", "United States", "SMB", "Retail", "V", "E"},
                    "2026-02-" + std::string(d < 10 ? "0" : "") + std::to_string(d),
                    "Calls",
                    d,
                    0.5});
  }
  const grpc::Status s = UploadOnce(channel, testing::MeetingsFile(rows));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(s.error_message(), HasSubstr("nothing was applied"));
}

// openssl req/x509 in a subprocess; false on failure.
bool Openssl(const std::string& args) {
  return testing::RunCommand({"/bin/bash", "-c", "openssl " + args + " 2>&1"}).exit_code == 0;
}

TEST_F(OperationsE2eTest, TlsAndMutualTls) {
  const std::string d = dir_.path();
  ASSERT_TRUE(Openssl("req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=test-ca -keyout " + d +
                      "/ca.key -out " + d + "/ca.pem"));
  for (const std::string name : {"server", "client"}) {
    ASSERT_TRUE(Openssl("req -newkey rsa:2048 -nodes -subj /CN=" + name + " -keyout " + d + "/" +
                        name + ".key -out " + d + "/" + name + ".csr"));
    const std::string ext = d + "/" + name + ".ext";
    dir_.Write(name + ".ext", name == "server" ? "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                                               : "extendedKeyUsage=clientAuth\n");
    ASSERT_TRUE(Openssl("x509 -req -in " + d + "/" + name + ".csr -CA " + d + "/ca.pem -CAkey " +
                        d + "/ca.key -CAcreateserial -days 2 -extfile " + ext + " -out " + d + "/" +
                        name + ".pem"));
  }
  auto server = StartServer({"--tls-cert-file", d + "/server.pem", "--tls-key-file",
                             d + "/server.key", "--tls-client-ca-file", d + "/ca.pem"},
                            /*plaintext=*/false);
  // ServerProcess waits for SERVING over plaintext, which a TLS port refuses: wait here.
  grpc::SslCredentialsOptions with_cert;
  with_cert.pem_root_certs = testing::ReadFile(d + "/ca.pem");
  with_cert.pem_private_key = testing::ReadFile(d + "/client.key");
  with_cert.pem_cert_chain = testing::ReadFile(d + "/client.pem");
  auto mtls = grpc::CreateChannel(server->address(), grpc::SslCredentials(with_cert));
  EXPECT_GE(SecondsUntil([&] { return Health(mtls) == HealthResponse::SERVING; }, 10), 0);
  EXPECT_TRUE(UploadOnce(mtls, SmallFile("T1")).ok());

  grpc::SslCredentialsOptions without_cert;
  without_cert.pem_root_certs = with_cert.pem_root_certs;
  auto no_client_cert = grpc::CreateChannel(server->address(), grpc::SslCredentials(without_cert));
  EXPECT_EQ(Health(no_client_cert), HealthResponse::UNKNOWN);  // the handshake fails
  auto plaintext = grpc::CreateChannel(server->address(), grpc::InsecureChannelCredentials());
  EXPECT_EQ(Health(plaintext), HealthResponse::UNKNOWN);
}

}  // namespace
}  // namespace teams_usage

namespace teams_usage {
namespace {

// The x-request-id the server sent back with a health-free, authenticated call.
std::string RequestIdOf(const std::shared_ptr<grpc::Channel>& channel, const std::string& sent,
                        grpc::StatusCode* code) {
  auto stub = v1::TeamsUsageIngestService::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + Token());
  if (!sent.empty()) ctx.AddMetadata("x-request-id", sent);
  v1::UploadDatasetResponse response;
  auto writer = stub->UploadDataset(&ctx, &response);
  v1::UploadDatasetRequest req;
  req.mutable_header()->set_dataset(v1::MEETINGS_AND_CALLS);
  writer->Write(req);
  req.Clear();
  req.set_data(SmallFile("R1"));
  writer->Write(req);
  writer->WritesDone();
  *code = writer->Finish().error_code();
  const auto& md = ctx.GetServerInitialMetadata();
  auto it = md.find("x-request-id");
  return it == md.end() ? "" : std::string(it->second.data(), it->second.size());
}

TEST_F(OperationsE2eTest, EveryCallHasARequestIdInItsResponseAndAuditLine) {
  auto server = StartServer();
  auto channel = grpc::CreateChannel(server->address(), grpc::InsecureChannelCredentials());
  grpc::StatusCode code;
  EXPECT_EQ(RequestIdOf(channel, "req-42.a", &code), "req-42.a");
  EXPECT_EQ(code, grpc::StatusCode::OK);
  const std::string generated = RequestIdOf(channel, "", &code);
  EXPECT_EQ(generated.size(), 32u);
  const std::string replaced = RequestIdOf(channel, "bad id with spaces", &code);
  EXPECT_EQ(replaced.size(), 32u);
  EXPECT_NE(replaced, generated);
  server->Stop();
  const std::string log = testing::ReadFile(dir_.path() + "/server.log");
  EXPECT_THAT(log, HasSubstr("\"request_id\":\"req-42.a\""));
  EXPECT_THAT(log, HasSubstr("\"request_id\":\"" + generated + "\""));
  EXPECT_THAT(log, ::testing::Not(HasSubstr("bad id with spaces")));
  EXPECT_THAT(log, ::testing::Not(HasSubstr(Token().substr(0, 40))));  // never the token
}

TEST_F(OperationsE2eTest, CallsPastTheConcurrencyLimitAreResourceExhausted) {
  auto server = StartServer({"--max-concurrent-calls", "4"});
  auto channel = grpc::CreateChannel(server->address(), grpc::InsecureChannelCredentials());
  auto stub = v1::TeamsUsageIngestService::NewStub(channel);
  // Hold uploads open (header sent, no end) so each keeps a server thread busy.
  constexpr int kCalls = 12;
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<std::unique_ptr<grpc::ClientWriter<v1::UploadDatasetRequest>>> writers;
  std::vector<v1::UploadDatasetResponse> responses(kCalls);
  for (int i = 0; i < kCalls; ++i) {
    contexts.push_back(std::make_unique<grpc::ClientContext>());
    contexts.back()->AddMetadata("authorization", "Bearer " + Token());
    writers.push_back(stub->UploadDataset(contexts.back().get(), &responses[i]));
    v1::UploadDatasetRequest req;
    req.mutable_header()->set_dataset(v1::MEETINGS_AND_CALLS);
    writers.back()->Write(req);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  int ok = 0, exhausted = 0, other = 0;
  for (int i = 0; i < kCalls; ++i) {
    v1::UploadDatasetRequest req;
    req.set_data(SmallFile("C" + std::to_string(i)));
    writers[i]->Write(req);
    writers[i]->WritesDone();
    const grpc::Status s = writers[i]->Finish();
    if (s.ok())
      ++ok;
    else if (s.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED)
      ++exhausted;
    else
      ++other;
  }
  EXPECT_GT(exhausted, 0);
  EXPECT_GT(ok, 0);
  EXPECT_EQ(other, 0);
  // Afterwards the server serves normally again.
  EXPECT_TRUE(UploadOnce(channel, SmallFile("AFTER")).ok());
}

// Report calls that need the database wait for one worker (--db-pool-size 1) in a queue of
// --max-concurrent-calls: a burst past that bound is refused at once, never failed otherwise, and
// the server answers again afterwards. No response cache, so every call needs the database.
TEST_F(OperationsE2eTest, ReportCallsPastTheWorkerBoundAreResourceExhausted) {
  auto server = StartServer(
      {"--max-concurrent-calls", "4", "--db-pool-size", "1", "--response-cache-mib", "0"});
  auto channel = grpc::CreateChannel(server->address(), grpc::InsecureChannelCredentials());
  std::mt19937_64 rng(17);
  testing::RandomDataOptions data_options;
  data_options.partner = kPartner;
  data_options.first_day = "2025-09-01";
  data_options.days = 150;
  const testing::RandomData data = testing::MakeRandomData(data_options, rng);
  ASSERT_TRUE(UploadOnce(channel, testing::MeetingsFile(data.meetings)).ok());

  auto token =
      auth::MintHs256Token(kSecret, "viewer", kPartner, {"REPORT_VIEWER"}, "teams-usage-dev",
                           "teams-usage-report", 600, absl::ToUnixSeconds(absl::Now()));
  ASSERT_TRUE(token.ok()) << token.status();
  auto stub = v1::TeamsUsageReportService::NewStub(channel);
  v1::GetReportRequest request;
  request.mutable_filter()->set_preset(v1::LAST_12_MONTHS);
  // All in flight at once, through the async API.
  constexpr int kCalls = 40;
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<v1::TeamsUsageReport> responses(kCalls);
  std::vector<grpc::Status> statuses(kCalls);
  std::mutex mu;
  std::condition_variable all_done;
  int done = 0;
  for (int i = 0; i < kCalls; ++i) {
    contexts.push_back(std::make_unique<grpc::ClientContext>());
    contexts.back()->AddMetadata("authorization", "Bearer " + *token);
    contexts.back()->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    stub->async()->GetReport(contexts.back().get(), &request, &responses[i],
                             [&, i](grpc::Status status) {
                               std::lock_guard<std::mutex> lock(mu);
                               statuses[i] = std::move(status);
                               ++done;
                               all_done.notify_one();
                             });
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    ASSERT_TRUE(all_done.wait_for(lock, std::chrono::seconds(90), [&] { return done == kCalls; }))
        << done << " of " << kCalls << " calls ended";
  }
  int ok = 0, exhausted = 0;
  for (int i = 0; i < kCalls; ++i) {
    if (statuses[i].ok()) {
      ++ok;
      EXPECT_GT(responses[i].summary().meeting_count().value(), 0) << "call " << i;
    } else if (statuses[i].error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
      ++exhausted;
    } else {
      ADD_FAILURE() << "call " << i << ": " << statuses[i].error_code() << " "
                    << statuses[i].error_message();
    }
  }
  std::cerr << ok << " OK, " << exhausted << " RESOURCE_EXHAUSTED of " << kCalls << "\n";
  EXPECT_GT(ok, 0);
  EXPECT_GT(exhausted, 0);
  // Afterwards a call is served.
  grpc::ClientContext after;
  after.AddMetadata("authorization", "Bearer " + *token);
  after.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  v1::TeamsUsageReport report;
  const grpc::Status status = stub->GetReport(&after, request, &report);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_GT(report.summary().meeting_count().value(), 0);
}

}  // namespace
}  // namespace teams_usage

namespace teams_usage {
namespace {

// A CA and a server certificate for 127.0.0.1 signed by it, written as <prefix>ca.pem,
// <prefix>server.pem and <prefix>server.key in `dir`.
bool MakeCaAndServerCert(const std::string& dir, const std::string& prefix) {
  const std::string p = dir + "/" + prefix;
  std::ofstream(p + "ext") << "subjectAltName=IP:127.0.0.1\n";
  return Openssl("req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=" + prefix + "ca -keyout " +
                 p + "ca.key -out " + p + "ca.pem") &&
         Openssl("req -newkey rsa:2048 -nodes -subj /CN=server -keyout " + p + "server.key -out " +
                 p + "server.csr") &&
         Openssl("x509 -req -in " + p + "server.csr -CA " + p + "ca.pem -CAkey " + p +
                 "ca.key -CAcreateserial -days 2 -extfile " + p + "ext -out " + p + "server.pem");
}

TEST_F(OperationsE2eTest, TlsCertificatesAreReloadedWhenTheyChange) {
  const std::string d = dir_.path();
  ASSERT_TRUE(MakeCaAndServerCert(d, "old-"));
  ASSERT_TRUE(MakeCaAndServerCert(d, "new-"));
  std::filesystem::copy_file(d + "/old-server.pem", d + "/server.pem");
  std::filesystem::copy_file(d + "/old-server.key", d + "/server.key");
  auto server =
      StartServer({"--tls-cert-file", d + "/server.pem", "--tls-key-file", d + "/server.key"},
                  /*plaintext=*/false);
  const auto trusting = [&](const std::string& ca) {
    grpc::SslCredentialsOptions o;
    o.pem_root_certs = testing::ReadFile(d + "/" + ca);
    return grpc::CreateChannel(server->address(), grpc::SslCredentials(o));
  };
  EXPECT_GE(
      SecondsUntil([&] { return Health(trusting("old-ca.pem")) == HealthResponse::SERVING; }, 10),
      0);
  // Rotate: the new pair replaces the files in place (as a Secret update does).
  std::filesystem::copy_file(d + "/new-server.pem", d + "/server.pem",
                             std::filesystem::copy_options::overwrite_existing);
  std::filesystem::copy_file(d + "/new-server.key", d + "/server.key",
                             std::filesystem::copy_options::overwrite_existing);
  EXPECT_GE(
      SecondsUntil([&] { return Health(trusting("new-ca.pem")) == HealthResponse::SERVING; }, 15),
      0)
      << "the new certificate was not picked up without a restart";
  EXPECT_EQ(Health(trusting("old-ca.pem")), HealthResponse::UNKNOWN);
}

}  // namespace
}  // namespace teams_usage
