// The auth interceptor over real loopback gRPC: a grpc::Server on 127.0.0.1 with the
// interceptor, test implementations of both services (most handlers call the guard; GetReport
// and the streaming ExportDataset deliberately skip it and return data), the real health
// service and server reflection. Every RPC x every role x the bad-token kinds must give the
// expected code and, when denied, no response data at all (counted on the client, below the
// stub: no message, no chunk, no handler metadata).
#include <gmock/gmock.h>
#include <google/protobuf/wrappers.pb.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/support/client_interceptor.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <future>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "server/auth/access_policy.h"
#include "server/auth/audit_log.h"
#include "server/auth/auth_interceptor.h"
#include "server/auth/dev_token.h"
#include "server/auth/roles.h"
#include "server/auth/token_verifier.h"
#include "server/status_mapping.h"
#include "teams_usage/v1/teams_usage.grpc.pb.h"

namespace teams_usage::auth {
namespace {

using ::teams_usage::server::ToGrpcStatus;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace teams_usage::v1;  // NOLINT: the proto's many message names

constexpr char kIssuer[] = "teams-usage-dev";
constexpr char kAudience[] = "teams-usage-report";
constexpr char kSecret[] = "e2e-secret-0123456789-0123456789-abcdef";
constexpr char kPartner[] = "4812345";
constexpr char kCanary[] = "leak-canary";  // what the unguarded handlers return

// ---- test handlers -----------------------------------------------------------------------------

size_t InternalKeysSeen(const grpc::ServerContextBase& ctx) {
  size_t n = 0;
  for (const auto& [key, value] : ctx.client_metadata()) {
    if (IsInternalMetadataKey(std::string_view(key.data(), key.size()))) ++n;
  }
  return n;
}

void FillRange(const Principal& caller, ResolvedRange* range) {
  range->set_start_date(caller.partner_id);
  range->set_end_date(caller.subject);
  range->set_data_version(42);
}

void FillCanary(TeamsUsageReport* report) {
  report->mutable_summary()->mutable_range()->set_start_date(kCanary);
  report->mutable_summary()->mutable_customers()->set_value(1234);
  report->add_top_apps()->set_app_name(kCanary);
}

class TestReportService final : public TeamsUsageReportService::Service {
 public:
  grpc::Status GetSummary(grpc::ServerContext* ctx, const GetSummaryRequest*,
                          Summary* response) override {
    Principal caller;
    if (grpc::Status s = RequireCaller(ctx, &caller); !s.ok()) return s;
    FillRange(caller, response->mutable_range());
    response->mutable_range()->set_data_as_of(absl::StrCat(InternalKeysSeen(*ctx)));
    response->mutable_meeting_count()->set_value(7);
    return grpc::Status::OK;
  }
  grpc::Status GetConversationsTrend(grpc::ServerContext* ctx, const GetConversationsTrendRequest*,
                                     ConversationsTrend* response) override {
    auto caller = RequireCaller(ctx);
    if (!caller.ok()) return ToGrpcStatus(caller.status());
    FillRange(*caller, response->mutable_range());
    response->add_points()->set_meetings(3);
    return grpc::Status::OK;
  }
  grpc::Status GetUsageByWorkloads(grpc::ServerContext* ctx, const GetUsageByWorkloadsRequest*,
                                   UsageByWorkloads* response) override {
    auto caller = RequireCaller(ctx);
    if (!caller.ok()) return ToGrpcStatus(caller.status());
    FillRange(*caller, response->mutable_range());
    response->add_points()->set_desktop_users(5);
    return grpc::Status::OK;
  }
  grpc::Status ListTopCustomers(grpc::ServerContext* ctx, const ListTopCustomersRequest* request,
                                ListTopCustomersResponse* response) override {
    auto caller = RequireCaller(ctx);  // before validating the request
    if (!caller.ok()) return ToGrpcStatus(caller.status());
    if (request->page_size() < 0) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "page_size: must not be negative");
    }
    FillRange(*caller, response->mutable_range());
    response->add_customers()->mutable_customer()->set_customer_id("c1");
    response->set_total_size(1);
    return grpc::Status::OK;
  }
  grpc::Status ListApps(grpc::ServerContext* ctx, const ListAppsRequest* request,
                        ListAppsResponse* response) override {
    auto caller = RequireCaller(ctx);  // permission before existence
    if (!caller.ok()) return ToGrpcStatus(caller.status());
    if (request->customer_id() == "missing") {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "customer missing not found");
    }
    FillRange(*caller, response->mutable_range());
    response->add_apps()->set_app_name("Polly");
    return grpc::Status::OK;
  }
  // Deliberately WITHOUT the guard: returns data, metadata and OK to anyone.
  grpc::Status GetReport(grpc::ServerContext* ctx, const GetReportRequest*,
                         TeamsUsageReport* response) override {
    ctx->AddInitialMetadata("x-leak", kCanary);
    ctx->AddTrailingMetadata("x-leak-trailer", kCanary);
    FillCanary(response);
    return grpc::Status::OK;
  }
  // Deliberately WITHOUT the guard: streams three chunks of "data" to anyone.
  grpc::Status ExportDataset(grpc::ServerContext* ctx, const ExportDatasetRequest*,
                             grpc::ServerWriter<FileChunk>* writer) override {
    ctx->AddInitialMetadata("x-leak", kCanary);
    for (int i = 0; i < 3; ++i) {
      FileChunk chunk;
      chunk.set_data(absl::StrCat(kCanary, ",row,", i, "\n"));
      if (!writer->Write(chunk)) break;
    }
    ctx->AddTrailingMetadata("x-leak-trailer", kCanary);
    return grpc::Status::OK;
  }
};

class TestIngestService final : public TeamsUsageIngestService::Service {
 public:
  grpc::Status UploadDataset(grpc::ServerContext* ctx,
                             grpc::ServerReader<UploadDatasetRequest>* reader,
                             UploadDatasetResponse* response) override {
    auto caller = RequireCaller(ctx);
    if (!caller.ok()) return ToGrpcStatus(caller.status());
    UploadDatasetRequest part;
    int64_t n = 0;
    while (reader->Read(&part)) ++n;
    response->set_rows_read(n);
    response->set_data_version(7);
    return grpc::Status::OK;
  }
};

// The callback API, for a server written that way: one guarded unary method, and the two
// unguarded ones.
class ChunkWriter final : public grpc::ServerWriteReactor<FileChunk> {
 public:
  ChunkWriter() {
    for (int i = 0; i < 3; ++i) chunks_[i].set_data(absl::StrCat(kCanary, ",cb-row,", i, "\n"));
    Next();
  }
  void OnWriteDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "write failed"));
      return;
    }
    Next();
  }
  void OnDone() override { delete this; }

 private:
  void Next() {
    if (next_ < 3) {
      StartWrite(&chunks_[next_++]);
    } else {
      Finish(grpc::Status::OK);
    }
  }
  FileChunk chunks_[3];
  int next_ = 0;
};

class CallbackReportService final : public TeamsUsageReportService::CallbackService {
 public:
  grpc::ServerUnaryReactor* GetSummary(grpc::CallbackServerContext* ctx, const GetSummaryRequest*,
                                       Summary* response) override {
    grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
    Principal caller;
    grpc::Status status = RequireCaller(ctx, &caller);
    if (status.ok()) FillRange(caller, response->mutable_range());
    reactor->Finish(status);
    return reactor;
  }
  grpc::ServerUnaryReactor* GetReport(grpc::CallbackServerContext* ctx, const GetReportRequest*,
                                      TeamsUsageReport* response) override {
    ctx->AddInitialMetadata("x-leak", kCanary);
    FillCanary(response);
    grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  grpc::ServerWriteReactor<FileChunk>* ExportDataset(grpc::CallbackServerContext* ctx,
                                                     const ExportDatasetRequest*) override {
    ctx->AddInitialMetadata("x-leak", kCanary);
    return new ChunkWriter();
  }
};

// ---- client side: count what actually arrives ---------------------------------------------------

std::atomic<int> g_messages_received{0};

class CountingInterceptor final : public grpc::experimental::Interceptor {
 public:
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::POST_RECV_MESSAGE) &&
        methods->GetRecvMessage() != nullptr) {
      ++g_messages_received;
    }
    methods->Proceed();
  }
};

class CountingFactory final : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo*) override {
    return new CountingInterceptor();
  }
};

// ---- fixture
// -------------------------------------------------------------------------------------

enum class ServerKind { kSync, kCallback, kNoInterceptor };

class TestServer {
 public:
  TestServer(ServerKind kind, std::shared_ptr<const TokenVerifier> verifier,
             std::shared_ptr<AuditSink> audit) {
    grpc::EnableDefaultHealthCheckService(true);
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    if (kind == ServerKind::kCallback) {
      builder.RegisterService(&callback_report_);
    } else {
      builder.RegisterService(&report_);
    }
    builder.RegisterService(&ingest_);
    if (kind != ServerKind::kNoInterceptor) {
      auto policy = AccessPolicy::FromGeneratedPool();
      EXPECT_TRUE(policy.ok());
      AuthInterceptorOptions options;
      options.verifier = std::move(verifier);
      options.policy = std::make_shared<const AccessPolicy>(*std::move(policy));
      options.audit = std::move(audit);
      std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> f;
      f.push_back(std::make_unique<AuthInterceptorFactory>(std::move(options)));
      builder.experimental().SetInterceptorCreators(std::move(f));
    }
    server_ = builder.BuildAndStart();
    EXPECT_NE(server_, nullptr);
    EXPECT_GT(port_, 0);

    std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> cf;
    cf.push_back(std::make_unique<CountingFactory>());
    channel_ = grpc::experimental::CreateCustomChannelWithInterceptors(
        absl::StrCat("127.0.0.1:", port_), grpc::InsecureChannelCredentials(),
        grpc::ChannelArguments(), std::move(cf));
  }
  ~TestServer() { server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5)); }
  std::shared_ptr<grpc::Channel> channel() const { return channel_; }

 private:
  TestReportService report_;
  CallbackReportService callback_report_;
  TestIngestService ingest_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

enum class Rpc {
  kGetSummary,
  kGetConversationsTrend,
  kGetUsageByWorkloads,
  kListTopCustomers,
  kListApps,
  kGetReport,
  kExportDataset,
  kUploadDataset,
};
constexpr Rpc kAllRpcs[] = {Rpc::kGetSummary,
                            Rpc::kGetConversationsTrend,
                            Rpc::kGetUsageByWorkloads,
                            Rpc::kListTopCustomers,
                            Rpc::kListApps,
                            Rpc::kGetReport,
                            Rpc::kExportDataset,
                            Rpc::kUploadDataset};

const char* RpcName(Rpc rpc) {
  switch (rpc) {
    case Rpc::kGetSummary:
      return "GetSummary";
    case Rpc::kGetConversationsTrend:
      return "GetConversationsTrend";
    case Rpc::kGetUsageByWorkloads:
      return "GetUsageByWorkloads";
    case Rpc::kListTopCustomers:
      return "ListTopCustomers";
    case Rpc::kListApps:
      return "ListApps";
    case Rpc::kGetReport:
      return "GetReport";
    case Rpc::kExportDataset:
      return "ExportDataset";
    case Rpc::kUploadDataset:
      return "UploadDataset";
  }
  return "?";
}

// DESIGN.md §6, independently of the proto.
bool Allowed(Rpc rpc, Role role) {
  switch (rpc) {
    case Rpc::kExportDataset:
      return role == GLOBAL_ADMIN || role == EXECUTIVE_REPORT_VIEWER;
    case Rpc::kUploadDataset:
      return role == DATA_INGESTOR;
    default:
      return role != DATA_INGESTOR;
  }
}

struct CallResult {
  grpc::StatusCode code = grpc::StatusCode::UNKNOWN;
  std::string message;
  int messages = 0;               // messages that reached the client
  size_t response_bytes = 0;      // serialized size of what the stub handed back
  std::string partner;            // the partner the handler saw (guarded handlers)
  bool canary = false;            // the unguarded handlers' data arrived
  bool leaked_metadata = false;   // handler-set metadata arrived
  size_t internal_keys_seen = 0;  // forged internal keys the handler could read
};

struct Request {
  std::vector<std::string> authorization;  // one entry per `authorization` header sent
  std::multimap<std::string, std::string> extra_metadata;
  int32_t page_size = 0;
  std::string customer_id;
};

CallResult Call(grpc::Channel* channel, Rpc rpc, const Request& req) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  for (const std::string& a : req.authorization) ctx.AddMetadata("authorization", a);
  for (const auto& [k, v] : req.extra_metadata) ctx.AddMetadata(k, v);
  auto report = TeamsUsageReportService::NewStub(
      std::shared_ptr<grpc::ChannelInterface>(channel, [](grpc::ChannelInterface*) {}));
  auto ingest = TeamsUsageIngestService::NewStub(
      std::shared_ptr<grpc::ChannelInterface>(channel, [](grpc::ChannelInterface*) {}));
  g_messages_received = 0;
  CallResult r;
  grpc::Status status;
  const auto take_range = [&](const ResolvedRange& range) {
    r.partner = range.start_date();
    if (!range.data_as_of().empty()) r.internal_keys_seen = std::stoul(range.data_as_of());
  };
  switch (rpc) {
    case Rpc::kGetSummary: {
      Summary out;
      status = report->GetSummary(&ctx, GetSummaryRequest(), &out);
      r.response_bytes = out.ByteSizeLong();
      take_range(out.range());
      break;
    }
    case Rpc::kGetConversationsTrend: {
      ConversationsTrend out;
      status = report->GetConversationsTrend(&ctx, GetConversationsTrendRequest(), &out);
      r.response_bytes = out.ByteSizeLong();
      take_range(out.range());
      break;
    }
    case Rpc::kGetUsageByWorkloads: {
      UsageByWorkloads out;
      status = report->GetUsageByWorkloads(&ctx, GetUsageByWorkloadsRequest(), &out);
      r.response_bytes = out.ByteSizeLong();
      take_range(out.range());
      break;
    }
    case Rpc::kListTopCustomers: {
      ListTopCustomersRequest in;
      in.set_page_size(req.page_size);
      ListTopCustomersResponse out;
      status = report->ListTopCustomers(&ctx, in, &out);
      r.response_bytes = out.ByteSizeLong();
      take_range(out.range());
      break;
    }
    case Rpc::kListApps: {
      ListAppsRequest in;
      in.set_customer_id(req.customer_id);
      ListAppsResponse out;
      status = report->ListApps(&ctx, in, &out);
      r.response_bytes = out.ByteSizeLong();
      take_range(out.range());
      break;
    }
    case Rpc::kGetReport: {
      TeamsUsageReport out;
      status = report->GetReport(&ctx, GetReportRequest(), &out);
      r.response_bytes = out.ByteSizeLong();
      r.canary = out.summary().range().start_date() == kCanary;
      break;
    }
    case Rpc::kExportDataset: {
      ExportDatasetRequest in;
      in.set_dataset(MEETINGS_AND_CALLS);
      auto reader = report->ExportDataset(&ctx, in);
      FileChunk chunk;
      int chunks = 0;
      while (reader->Read(&chunk)) {
        ++chunks;
        r.response_bytes += chunk.data().size();
        r.canary = r.canary || absl::StrContains(chunk.data(), kCanary);
      }
      status = reader->Finish();
      EXPECT_EQ(chunks, g_messages_received.load());
      break;
    }
    case Rpc::kUploadDataset: {
      UploadDatasetResponse out;
      auto writer = ingest->UploadDataset(&ctx, &out);
      UploadDatasetRequest part;
      part.mutable_header()->set_dataset(WORKLOAD);
      writer->Write(part);
      part.set_data("PGAMpnID,CustomerId\n");
      writer->Write(part);
      writer->WritesDone();
      status = writer->Finish();
      r.response_bytes = out.ByteSizeLong();
      if (out.data_version() == 7) r.partner = "ingested";
      break;
    }
  }
  r.code = status.error_code();
  r.message = status.error_message();
  r.messages = g_messages_received.load();
  for (const auto* md : {&ctx.GetServerInitialMetadata(), &ctx.GetServerTrailingMetadata()}) {
    for (const auto& [key, value] : *md) {
      if (absl::StartsWith(absl::string_view(key.data(), key.size()), "x-leak")) {
        r.leaked_metadata = true;
      }
    }
  }
  return r;
}

std::string Token(const std::vector<std::string>& roles, const std::string& partner = kPartner,
                  int64_t issued = 0, const std::string& secret = kSecret,
                  const std::string& audience = kAudience) {
  TokenSpec spec;
  spec.key = secret;
  spec.subject = "user@contoso.test";
  spec.partner_id = partner;
  spec.roles = roles;
  spec.issuer = kIssuer;
  spec.audience = audience;
  spec.issued_at = issued != 0 ? issued : absl::ToUnixSeconds(absl::Now());
  spec.ttl_seconds = 3600;
  auto token = MintToken(spec);
  EXPECT_TRUE(token.ok()) << token.status();
  return *token;
}

// The ways of not presenting a valid token, each sent as the `authorization` header(s).
std::vector<std::pair<std::string, std::vector<std::string>>> BadCredentials() {
  const std::string admin = Token({"GLOBAL_ADMIN", "DATA_INGESTOR"});
  const std::vector<std::string> parts = absl::StrSplit(admin, '.');
  const std::string alg_none =
      absl::StrCat(absl::WebSafeBase64Escape(R"({"alg":"none"})"), ".", parts[1], ".");
  return {
      {"no authorization header", {}},
      {"other scheme", {"Basic dXNlcjpwYXNzd29yZA=="}},
      {"token without scheme", {admin}},
      {"malformed token", {"Bearer not.a-jwt"}},
      {"expired token",
       {"Bearer " + Token({"GLOBAL_ADMIN", "DATA_INGESTOR"}, kPartner,
                          absl::ToUnixSeconds(absl::Now()) - 7200)}},
      {"wrong signature",
       {"Bearer " + Token({"GLOBAL_ADMIN", "DATA_INGESTOR"}, kPartner, 0,
                          "some-other-secret-that-is-long-enough")}},
      {"alg none", {"Bearer " + alg_none}},
      {"wrong audience",
       {"Bearer " +
        Token({"GLOBAL_ADMIN", "DATA_INGESTOR"}, kPartner, 0, kSecret, "another-service")}},
      {"two authorization headers", {"Bearer " + admin, "Bearer " + admin}},
  };
}

class AuthE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char dir[] = "/tmp/auth_e2e_XXXXXX";
    dir_ = new std::string(mkdtemp(dir));
    std::ofstream(*dir_ + "/secret") << kSecret << "\n";
    TokenVerifierConfig config;
    config.hs256_secret_file = *dir_ + "/secret";
    config.issuer = kIssuer;
    config.audience = kAudience;
    auto verifier = TokenVerifier::Create(config);
    ASSERT_TRUE(verifier.ok()) << verifier.status();
    verifier_ = new std::shared_ptr<const TokenVerifier>(*std::move(verifier));
  }
  static void TearDownTestSuite() {
    delete verifier_;
    std::system(("rm -rf '" + *dir_ + "'").c_str());
    delete dir_;
  }

  static std::string* dir_;
  static std::shared_ptr<const TokenVerifier>* verifier_;
};
std::string* AuthE2eTest::dir_ = nullptr;
std::shared_ptr<const TokenVerifier>* AuthE2eTest::verifier_ = nullptr;

void ExpectNothingLeaked(const CallResult& r) {
  EXPECT_EQ(r.messages, 0);
  EXPECT_EQ(r.response_bytes, 0u);
  EXPECT_FALSE(r.canary);
  EXPECT_FALSE(r.leaked_metadata);
  EXPECT_TRUE(r.partner.empty());
}

void ExpectServed(Rpc rpc, const CallResult& r) {
  EXPECT_EQ(r.code, grpc::StatusCode::OK) << r.message;
  EXPECT_GT(r.response_bytes, 0u);
  switch (rpc) {
    case Rpc::kGetReport:
      EXPECT_EQ(r.messages, 1);
      EXPECT_TRUE(r.canary);
      EXPECT_TRUE(r.leaked_metadata);  // allowed: the handler's metadata goes through
      break;
    case Rpc::kExportDataset:
      EXPECT_EQ(r.messages, 3);
      EXPECT_TRUE(r.canary);
      break;
    case Rpc::kUploadDataset:
      EXPECT_EQ(r.messages, 1);
      EXPECT_EQ(r.partner, "ingested");
      break;
    default:
      EXPECT_EQ(r.messages, 1);
      EXPECT_EQ(r.partner, kPartner);
  }
}

TEST_F(AuthE2eTest, EveryRpcTimesEveryRole) {
  auto audit = std::make_shared<MemoryAuditSink>();
  TestServer server(ServerKind::kSync, *verifier_, audit);
  int served = 0, denied = 0;
  for (Rpc rpc : kAllRpcs) {
    for (Role role : AllRoles()) {
      SCOPED_TRACE(absl::StrCat(RpcName(rpc), " as ", RoleName(role)));
      Request req;
      req.authorization = {"Bearer " + Token({RoleName(role)})};
      const CallResult r = Call(server.channel().get(), rpc, req);
      if (Allowed(rpc, role)) {
        ExpectServed(rpc, r);
        ++served;
      } else {
        EXPECT_EQ(r.code, grpc::StatusCode::PERMISSION_DENIED) << r.message;
        ExpectNothingLeaked(r);
        ++denied;
      }
    }
    SCOPED_TRACE(absl::StrCat(RpcName(rpc), " with a token without roles"));
    Request req;
    req.authorization = {"Bearer " + Token({})};
    const CallResult r = Call(server.channel().get(), rpc, req);
    EXPECT_EQ(r.code, grpc::StatusCode::PERMISSION_DENIED) << r.message;
    ExpectNothingLeaked(r);
  }
  EXPECT_EQ(served, 6 * 5 + 2 + 1);
  EXPECT_EQ(denied, 8 * 6 - served);
}

TEST_F(AuthE2eTest, EveryRpcTimesEveryBadToken) {
  TestServer server(ServerKind::kSync, *verifier_, nullptr);
  for (const auto& [kind, headers] : BadCredentials()) {
    for (Rpc rpc : kAllRpcs) {
      SCOPED_TRACE(absl::StrCat(RpcName(rpc), " with ", kind));
      Request req;
      req.authorization = headers;
      const CallResult r = Call(server.channel().get(), rpc, req);
      EXPECT_EQ(r.code, grpc::StatusCode::UNAUTHENTICATED) << r.message;
      ExpectNothingLeaked(r);
      // The reason is short and never echoes the token.
      for (const std::string& h : headers) {
        if (h.size() > 20) {
          EXPECT_THAT(r.message, Not(HasSubstr(h.substr(h.size() - 16))));
        }
      }
    }
  }
}

TEST_F(AuthE2eTest, UnguardedStreamSendsNoChunkToADeniedCaller) {
  TestServer server(ServerKind::kSync, *verifier_, nullptr);
  for (const char* role : {"REPORT_VIEWER", "ACCOUNT_ADMIN", "DATA_INGESTOR"}) {
    Request req;
    req.authorization = {"Bearer " + Token({role})};
    const CallResult r = Call(server.channel().get(), Rpc::kExportDataset, req);
    EXPECT_EQ(r.code, grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(r.messages, 0) << role;
    EXPECT_FALSE(r.leaked_metadata);
  }
  Request req;
  req.authorization = {"Bearer " + Token({"EXECUTIVE_REPORT_VIEWER"})};
  const CallResult r = Call(server.channel().get(), Rpc::kExportDataset, req);
  EXPECT_EQ(r.code, grpc::StatusCode::OK);
  EXPECT_EQ(r.messages, 3);
}

TEST_F(AuthE2eTest, CallbackApiHandlersAreBlankedToo) {
  TestServer server(ServerKind::kCallback, *verifier_, nullptr);
  const auto call = [&](Rpc rpc, const std::vector<std::string>& auth) {
    Request req;
    req.authorization = auth;
    return Call(server.channel().get(), rpc, req);
  };
  const std::vector<std::string> viewer = {"Bearer " + Token({"REPORT_VIEWER"})};
  const std::vector<std::string> ingestor = {"Bearer " + Token({"DATA_INGESTOR"})};
  const std::vector<std::string> exec = {"Bearer " + Token({"EXECUTIVE_REPORT_VIEWER"})};

  CallResult r = call(Rpc::kGetSummary, viewer);
  EXPECT_EQ(r.code, grpc::StatusCode::OK);
  EXPECT_EQ(r.partner, kPartner);
  r = call(Rpc::kGetSummary, ingestor);
  EXPECT_EQ(r.code, grpc::StatusCode::PERMISSION_DENIED);
  ExpectNothingLeaked(r);

  r = call(Rpc::kGetReport, ingestor);
  EXPECT_EQ(r.code, grpc::StatusCode::PERMISSION_DENIED);
  ExpectNothingLeaked(r);
  r = call(Rpc::kGetReport, {});
  EXPECT_EQ(r.code, grpc::StatusCode::UNAUTHENTICATED);
  ExpectNothingLeaked(r);
  r = call(Rpc::kGetReport, viewer);
  EXPECT_EQ(r.code, grpc::StatusCode::OK);
  EXPECT_TRUE(r.canary);

  r = call(Rpc::kExportDataset, viewer);
  EXPECT_EQ(r.code, grpc::StatusCode::PERMISSION_DENIED);
  ExpectNothingLeaked(r);
  r = call(Rpc::kExportDataset, {"Bearer garbage"});
  EXPECT_EQ(r.code, grpc::StatusCode::UNAUTHENTICATED);
  ExpectNothingLeaked(r);
  r = call(Rpc::kExportDataset, exec);
  EXPECT_EQ(r.code, grpc::StatusCode::OK);
  EXPECT_EQ(r.messages, 3);
}

TEST_F(AuthE2eTest, PermissionIsCheckedBeforeValidationAndExistence) {
  TestServer server(ServerKind::kSync, *verifier_, nullptr);
  Request ingestor;
  ingestor.authorization = {"Bearer " + Token({"DATA_INGESTOR"})};
  Request viewer;
  viewer.authorization = {"Bearer " + Token({"REPORT_VIEWER"})};
  Request anonymous;
  for (Request* req : {&ingestor, &viewer, &anonymous}) {
    req->customer_id = "missing";
    req->page_size = -1;
  }
  EXPECT_EQ(Call(server.channel().get(), Rpc::kListApps, ingestor).code,
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(server.channel().get(), Rpc::kListApps, anonymous).code,
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Call(server.channel().get(), Rpc::kListApps, viewer).code, grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Call(server.channel().get(), Rpc::kListTopCustomers, ingestor).code,
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(server.channel().get(), Rpc::kListTopCustomers, anonymous).code,
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Call(server.channel().get(), Rpc::kListTopCustomers, viewer).code,
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(AuthE2eTest, ForgedInternalMetadataGainsNothing) {
  TestServer server(ServerKind::kSync, *verifier_, nullptr);
  const std::multimap<std::string, std::string> forged = {
      {"x-teams-principal", "GLOBAL_ADMIN"},
      {"x-teams-principal-partner-id", "666"},
      {"x-teams-principal-roles", "GLOBAL_ADMIN,EXECUTIVE_REPORT_VIEWER,DATA_INGESTOR"},
      {"x-teams-principal-sub", "root"},
      {"x-teams-auth-decision", "allow"},
  };
  // Without a token: nothing.
  Request anonymous;
  anonymous.extra_metadata = forged;
  for (Rpc rpc : kAllRpcs) {
    SCOPED_TRACE(RpcName(rpc));
    const CallResult r = Call(server.channel().get(), rpc, anonymous);
    EXPECT_EQ(r.code, grpc::StatusCode::UNAUTHENTICATED);
    ExpectNothingLeaked(r);
  }
  // With a viewer token for partner 4812345: still that partner, still a viewer, and the
  // handler never sees the forged keys.
  Request viewer;
  viewer.authorization = {"Bearer " + Token({"REPORT_VIEWER"})};
  viewer.extra_metadata = forged;
  CallResult r = Call(server.channel().get(), Rpc::kGetSummary, viewer);
  EXPECT_EQ(r.code, grpc::StatusCode::OK);
  EXPECT_EQ(r.partner, kPartner);
  EXPECT_EQ(r.internal_keys_seen, 0u);
  for (Rpc rpc : {Rpc::kExportDataset, Rpc::kUploadDataset}) {
    r = Call(server.channel().get(), rpc, viewer);
    EXPECT_EQ(r.code, grpc::StatusCode::PERMISSION_DENIED) << RpcName(rpc);
    ExpectNothingLeaked(r);
  }
}

grpc::Status HealthCheck(grpc::Channel* channel, const std::vector<std::string>& auth,
                         int* serving_status) {
  grpc::TemplatedGenericStub<google::protobuf::StringValue, google::protobuf::Int32Value> stub(
      std::shared_ptr<grpc::ChannelInterface>(channel, [](grpc::ChannelInterface*) {}));
  // HealthCheckRequest{service=""} and HealthCheckResponse{status} are wire-compatible with
  // StringValue and Int32Value (field 1).
  google::protobuf::StringValue request;
  google::protobuf::Int32Value response;
  grpc::ClientContext ctx;
  for (const std::string& a : auth) ctx.AddMetadata("authorization", a);
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  std::promise<grpc::Status> done;
  stub.UnaryCall(&ctx, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request, &response,
                 [&](grpc::Status s) { done.set_value(std::move(s)); });
  grpc::Status status = done.get_future().get();
  *serving_status = response.value();
  return status;
}

TEST_F(AuthE2eTest, HealthIsOpenWithOrWithoutAToken) {
  TestServer server(ServerKind::kSync, *verifier_, nullptr);
  std::vector<std::vector<std::string>> credentials = {{"Bearer " + Token({"REPORT_VIEWER"})},
                                                       {"Bearer " + Token({})}};
  for (const auto& [kind, headers] : BadCredentials()) credentials.push_back(headers);
  for (const auto& auth : credentials) {
    int serving = -1;
    const grpc::Status status = HealthCheck(server.channel().get(), auth, &serving);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(serving, 1);  // SERVING
  }
}

// Reflection (bidi streaming), raw: ServerReflectionRequest{list_services: ""} is field 7.
grpc::Status ListServicesByReflection(grpc::Channel* channel, std::string* response_bytes) {
  grpc::GenericStub stub(
      std::shared_ptr<grpc::ChannelInterface>(channel, [](grpc::ChannelInterface*) {}));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  grpc::CompletionQueue cq;
  auto call =
      stub.PrepareCall(&ctx, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  void* tag;
  bool ok;
  const auto wait = [&](intptr_t expected) {
    EXPECT_TRUE(cq.Next(&tag, &ok));
    EXPECT_EQ(reinterpret_cast<intptr_t>(tag), expected);
    return ok;
  };
  call->StartCall(reinterpret_cast<void*>(1));
  wait(1);
  const std::string request("\x3a\x00", 2);
  grpc::Slice slice(request);
  grpc::ByteBuffer out(&slice, 1);
  call->Write(out, reinterpret_cast<void*>(2));
  wait(2);
  grpc::ByteBuffer in;
  call->Read(&in, reinterpret_cast<void*>(3));
  if (wait(3)) {
    std::vector<grpc::Slice> slices;
    in.Dump(&slices);
    for (const auto& s : slices)
      response_bytes->append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  call->WritesDone(reinterpret_cast<void*>(4));
  wait(4);
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(5));
  wait(5);
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  return status;
}

TEST_F(AuthE2eTest, ReflectionIsOpen) {
  TestServer server(ServerKind::kSync, *verifier_, nullptr);
  std::string bytes;
  const grpc::Status status = ListServicesByReflection(server.channel().get(), &bytes);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(bytes, HasSubstr("teams_usage.v1.TeamsUsageReportService"));
}

TEST_F(AuthE2eTest, UnknownMethodIsDenied) {
  TestServer server(ServerKind::kSync, *verifier_, nullptr);
  const auto call = [&](const std::string& method, const std::vector<std::string>& auth) {
    grpc::TemplatedGenericStub<google::protobuf::StringValue, google::protobuf::StringValue> stub(
        server.channel());
    google::protobuf::StringValue request, response;
    grpc::ClientContext ctx;
    for (const std::string& a : auth) ctx.AddMetadata("authorization", a);
    std::promise<grpc::Status> done;
    stub.UnaryCall(&ctx, method, grpc::StubOptions(), &request, &response,
                   [&](grpc::Status s) { done.set_value(std::move(s)); });
    return done.get_future().get().error_code();
  };
  const std::vector<std::string> admin = {
      "Bearer " + Token({"GLOBAL_ADMIN", "EXECUTIVE_REPORT_VIEWER", "DATA_INGESTOR"})};
  EXPECT_EQ(call("/teams_usage.v1.TeamsUsageReportService/DeleteEverything", admin),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(call("/teams_usage.v1.TeamsUsageReportService/DeleteEverything", {}),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(call("/some.Other/Method", admin), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(AuthE2eTest, GuardFailsClosedWithoutTheInterceptor) {
  TestServer server(ServerKind::kNoInterceptor, *verifier_, nullptr);
  Request admin;
  admin.authorization = {"Bearer " + Token({"GLOBAL_ADMIN", "DATA_INGESTOR"})};
  for (Rpc rpc : {Rpc::kGetSummary, Rpc::kListApps, Rpc::kUploadDataset}) {
    const CallResult r = Call(server.channel().get(), rpc, admin);
    EXPECT_EQ(r.code, grpc::StatusCode::UNAUTHENTICATED) << RpcName(rpc);
    EXPECT_EQ(r.messages, 0);
  }
}

TEST_F(AuthE2eTest, AuditLogHasOneLinePerCallAndNoToken) {
  auto audit = std::make_shared<MemoryAuditSink>();
  TestServer server(ServerKind::kSync, *verifier_, audit);
  const std::string viewer_token = Token({"REPORT_VIEWER"});
  Request viewer;
  viewer.authorization = {"Bearer " + viewer_token};
  Request bad;
  bad.authorization = {
      "Bearer " + Token({"GLOBAL_ADMIN"}, kPartner, 0, "some-other-secret-that-is-long-enough")};
  EXPECT_EQ(Call(server.channel().get(), Rpc::kGetSummary, viewer).code, grpc::StatusCode::OK);
  EXPECT_EQ(Call(server.channel().get(), Rpc::kExportDataset, viewer).code,
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(server.channel().get(), Rpc::kGetReport, bad).code,
            grpc::StatusCode::UNAUTHENTICATED);
  int serving = 0;
  EXPECT_TRUE(HealthCheck(server.channel().get(), {}, &serving).ok());

  // Records are written when gRPC destroys the call, just after the client has its status.
  std::vector<AuditRecord> records;
  for (int i = 0; i < 500 && records.size() < 4; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    records = audit->records();
  }
  ASSERT_EQ(records.size(), 4u);
  std::map<std::string, AuditRecord> by_method;
  for (const auto& rec : records) by_method[rec.method] = rec;

  const AuditRecord& ok = by_method.at("/teams_usage.v1.TeamsUsageReportService/GetSummary");
  EXPECT_EQ(ok.decision, Decision::kAllow);
  EXPECT_EQ(ok.grpc_code, 0);
  EXPECT_EQ(ok.subject, "user@contoso.test");
  EXPECT_EQ(ok.partner_id, kPartner);
  EXPECT_THAT(ok.roles, ::testing::ElementsAre(REPORT_VIEWER));
  EXPECT_THAT(ok.peer, HasSubstr("127.0.0.1"));
  EXPECT_GE(ok.latency_ms, 0.0);
  EXPECT_LT(absl::Now() - ok.time, absl::Minutes(1));

  const AuditRecord& denied = by_method.at("/teams_usage.v1.TeamsUsageReportService/ExportDataset");
  EXPECT_EQ(denied.decision, Decision::kPermissionDenied);
  EXPECT_EQ(denied.grpc_code, static_cast<int>(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_EQ(denied.partner_id, kPartner);

  const AuditRecord& unauth = by_method.at("/teams_usage.v1.TeamsUsageReportService/GetReport");
  EXPECT_EQ(unauth.decision, Decision::kUnauthenticated);
  EXPECT_EQ(unauth.grpc_code, static_cast<int>(grpc::StatusCode::UNAUTHENTICATED));
  EXPECT_EQ(unauth.reason, "invalid token signature");
  EXPECT_TRUE(unauth.subject.empty());  // never from an unverified token

  const AuditRecord& health = by_method.at("/grpc.health.v1.Health/Check");
  EXPECT_EQ(health.decision, Decision::kOpen);
  EXPECT_EQ(health.grpc_code, 0);

  const std::string line = FormatAuditJson(ok);
  EXPECT_THAT(line, HasSubstr("\"method\":\"/teams_usage.v1.TeamsUsageReportService/GetSummary\""));
  EXPECT_THAT(line, HasSubstr("\"decision\":\"allow\""));
  EXPECT_THAT(line, HasSubstr("\"partner\":\"4812345\""));
  EXPECT_THAT(line, HasSubstr("\"roles\":[\"REPORT_VIEWER\"]"));
  EXPECT_THAT(line, HasSubstr("\"code\":0"));
  EXPECT_THAT(
      line,
      ::testing::MatchesRegex(
          R"(\{"time":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z".*"latency_ms":[0-9]+\.[0-9]{3}\})"));
  for (const auto& rec : records) {
    const std::string json = FormatAuditJson(rec);
    EXPECT_THAT(json, Not(HasSubstr(viewer_token.substr(viewer_token.size() - 20))));
    EXPECT_EQ(json.find('\n'), std::string::npos);
  }
}

TEST_F(AuthE2eTest, ManyConcurrentCallsKeepTheirOwnCaller) {
  TestServer server(ServerKind::kSync, *verifier_, nullptr);
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      const std::string partner = absl::StrCat("partner-", t);
      auto stub = TeamsUsageReportService::NewStub(server.channel());
      for (int i = 0; i < 50; ++i) {
        grpc::ClientContext ctx;
        ctx.AddMetadata(
            "authorization",
            "Bearer " + Token({t % 2 == 0 ? "REPORT_VIEWER" : "DATA_INGESTOR"}, partner));
        Summary out;
        const grpc::Status s = stub->GetSummary(&ctx, GetSummaryRequest(), &out);
        const bool expect_ok = t % 2 == 0;
        if (s.ok() != expect_ok || (expect_ok && out.range().start_date() != partner)) ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace teams_usage::auth
