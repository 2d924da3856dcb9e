#include "server/server_setup.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/auth/access_policy.h"
#include "server/auth/audit_log.h"
#include "server/auth/auth_interceptor.h"
#include "server/auth/token_verifier.h"
#include "server/ingest_service.h"
#include "server/log.h"
#include "storage/pool.h"

namespace teams_usage::server {
namespace {

class RunningServerImpl final : public RunningServer {
 public:
  std::string listen_address() const override { return address_; }
  void Shutdown() override {
    if (server_ == nullptr) return;
    server_->GetHealthCheckService()->Shutdown();
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(10));
    server_->Wait();
    server_.reset();
  }
  ~RunningServerImpl() override { Shutdown(); }

  std::string address_;
  std::unique_ptr<storage::ConnectionPool> pool_;
  std::unique_ptr<IngestServiceImpl> ingest_;
  std::unique_ptr<grpc::Server> server_;
};

// The host part of "host:port".
std::string HostOf(const std::string& address) {
  const size_t colon = address.rfind(':');
  return colon == std::string::npos ? address : address.substr(0, colon);
}

}  // namespace

absl::StatusOr<std::unique_ptr<RunningServer>> StartServer(const ServerOptions& options) {
  auto running = std::make_unique<RunningServerImpl>();
  storage::PoolOptions pool_options;
  pool_options.url = options.db_url;
  pool_options.size = options.db_pool_size;
  running->pool_ = std::make_unique<storage::ConnectionPool>(pool_options);

  auth::TokenVerifierConfig verifier_config;
  verifier_config.hs256_secret_file = options.jwt_hs256_secret_file;
  verifier_config.public_key_file = options.jwt_public_key_file;
  verifier_config.issuer = options.jwt_issuer;
  verifier_config.audience = options.jwt_audience;
  auto verifier = auth::TokenVerifier::Create(verifier_config);
  if (!verifier.ok()) return verifier.status();
  auto policy = auth::AccessPolicy::FromGeneratedPool();
  if (!policy.ok()) return policy.status();
  auth::AuthInterceptorOptions auth_options;
  auth_options.verifier = std::shared_ptr<const auth::TokenVerifier>(*std::move(verifier));
  auth_options.policy = std::make_shared<const auth::AccessPolicy>(*std::move(policy));
  auth_options.audit = std::make_shared<auth::JsonLinesAuditSink>();

  CallerGuard guard = [](grpc::ServerContextBase* context) {
    return auth::RequireCaller(context);
  };
  IngestLimits limits;
  limits.max_upload_bytes = options.max_upload_bytes;
  running->ingest_ = std::make_unique<IngestServiceImpl>(running->pool_.get(), guard, limits);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<auth::AuthInterceptorFactory>(auth_options));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  int port = 0;
  builder.AddListeningPort(options.listen, grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(running->ingest_.get());
  builder.SetMaxReceiveMessageSize(8 << 20);
  running->server_ = builder.BuildAndStart();
  if (running->server_ == nullptr || port == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", options.listen));
  }
  running->address_ = absl::StrCat(HostOf(options.listen), ":", port);
  return running;
}

}  // namespace teams_usage::server
