#include "server/server_setup.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/resource_quota.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/security/tls_certificate_provider.h>

#include <fstream>
#include <iterator>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/auth/access_policy.h"
#include "server/auth/audit_log.h"
#include "server/auth/auth_interceptor.h"
#include "server/auth/token_verifier.h"
#include "server/health_monitor.h"
#include "server/ingest_service.h"
#include "server/log.h"
#include "server/metrics.h"
#include "server/report_service.h"
#include "storage/pool.h"
#include "storage/report/page_token.h"
#include "storage/report/report_store.h"

namespace teams_usage::server {
namespace {

class RunningServerImpl final : public RunningServer {
 public:
  std::string listen_address() const override { return address_; }
  int metrics_port() const override { return metrics_ == nullptr ? 0 : metrics_->http_port(); }
  void BeginDrain() override {
    if (health_monitor_ != nullptr) health_monitor_->SetDraining();
  }
  void Shutdown(absl::Duration grace) override {
    if (server_ == nullptr) return;
    BeginDrain();
    if (health_monitor_ != nullptr) health_monitor_->Stop();
    // Ends health Watch streams (they would otherwise hold Shutdown for the whole grace period).
    server_->GetHealthCheckService()->Shutdown();
    server_->Shutdown(std::chrono::system_clock::now() + absl::ToChronoSeconds(grace));
    server_->Wait();
    server_.reset();
  }
  ~RunningServerImpl() override { Shutdown(absl::Seconds(10)); }

  std::string address_;
  std::unique_ptr<ServerMetrics> metrics_;
  std::unique_ptr<DatabaseHealthMonitor> health_monitor_;
  std::unique_ptr<storage::ConnectionPool> pool_;
  std::unique_ptr<storage::ConnectionPool> read_pool_;
  std::unique_ptr<storage::DataVersionTracker> versions_;
  std::unique_ptr<IngestServiceImpl> ingest_;
  std::unique_ptr<report::ReportStore> report_store_;
  std::unique_ptr<WorkerPool> report_workers_;
  std::unique_ptr<ReportServiceImpl> report_;
  std::unique_ptr<grpc::Server> server_;
};

// The host part of "host:port".
std::string HostOf(const std::string& address) {
  const size_t colon = address.rfind(':');
  return colon == std::string::npos ? address : address.substr(0, colon);
}

// The page-token codec: the key from --page-token-secret-file (trailing white space dropped),
// or a random key of this process.
absl::StatusOr<std::shared_ptr<const report::PageTokenCodec>> PageTokens(const std::string& path) {
  if (path.empty()) {
    return std::make_shared<const report::PageTokenCodec>(report::PageTokenCodec::WithRandomKey());
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read the page token secret file ", path));
  }
  std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!key.empty() && absl::ascii_isspace(static_cast<unsigned char>(key.back()))) {
    key.pop_back();
  }
  auto codec = report::PageTokenCodec::FromKey(std::move(key));
  if (!codec.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", codec.status().message()));
  }
  return std::make_shared<const report::PageTokenCodec>(*std::move(codec));
}

// Insecure without certificate files; TLS with them, re-read when they change; mutual TLS with a
// client CA bundle.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ListenCredentials(
    const ServerOptions& options) {
  if (options.tls_cert_file.empty() && options.tls_key_file.empty()) {
    if (!options.tls_client_ca_file.empty()) {
      return absl::InvalidArgumentError(
          "--tls-client-ca-file needs --tls-cert-file and --tls-key-file");
    }
    return grpc::InsecureServerCredentials();
  }
  if (options.tls_cert_file.empty() || options.tls_key_file.empty()) {
    return absl::InvalidArgumentError("--tls-cert-file and --tls-key-file go together");
  }
  for (const std::string* path :
       {&options.tls_cert_file, &options.tls_key_file, &options.tls_client_ca_file}) {
    if (!path->empty() && !std::ifstream(*path).good()) {
      return absl::InvalidArgumentError(absl::StrCat("cannot read ", *path));
    }
  }
  constexpr unsigned kRefreshSeconds = 5;
  auto provider = std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
      options.tls_key_file, options.tls_cert_file, options.tls_client_ca_file, kRefreshSeconds);
  grpc::experimental::TlsServerCredentialsOptions tls(provider);
  tls.watch_identity_key_cert_pairs();
  if (!options.tls_client_ca_file.empty()) {
    tls.watch_root_certs();
    tls.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  } else {
    tls.set_cert_request_type(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  }
  return grpc::experimental::TlsServerCredentials(tls);
}

}  // namespace

absl::StatusOr<std::unique_ptr<RunningServer>> StartServer(const ServerOptions& options) {
  auto running = std::make_unique<RunningServerImpl>();
  storage::PoolOptions pool_options;
  pool_options.url = options.db_url;
  pool_options.size = options.db_pool_size;
  running->pool_ = std::make_unique<storage::ConnectionPool>(pool_options);
  running->metrics_ = std::make_unique<ServerMetrics>();
  running->metrics_->WatchPool(running->pool_.get(), "primary");
  if (!options.db_read_url.empty()) {
    storage::PoolOptions read_options = pool_options;
    read_options.url = options.db_read_url;
    running->read_pool_ = std::make_unique<storage::ConnectionPool>(read_options);
    running->metrics_->WatchPool(running->read_pool_.get(), "replica");
  }
  if (absl::Status started = running->metrics_->StartHttp(options.metrics_listen); !started.ok()) {
    return started;
  }

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

  CallerGuard guard = [](grpc::ServerContextBase* context) { return auth::RequireCaller(context); };
  if (options.response_cache_mib > 0 && options.cache_validation == "notify") {
    storage::DataVersionTracker::Options tracker_options;
    tracker_options.url = options.db_url;
    running->versions_ = std::make_unique<storage::DataVersionTracker>(tracker_options);
  }
  IngestLimits limits;
  limits.max_upload_bytes = options.max_upload_bytes;
  running->ingest_ = std::make_unique<IngestServiceImpl>(
      running->pool_.get(), guard, limits, running->metrics_.get(), running->versions_.get());
  auto page_tokens = PageTokens(options.page_token_secret_file);
  if (!page_tokens.ok()) return page_tokens.status();
  report::ReportStoreOptions report_options;
  report_options.page_tokens = *std::move(page_tokens);
  report_options.read_pool = running->read_pool_.get();
  report_options.cache_bytes = static_cast<size_t>(options.response_cache_mib) << 20;
  report_options.use_presets = options.report_presets == "on";
  report_options.versions = running->versions_.get();
  running->report_store_ =
      std::make_unique<report::ReportStore>(running->pool_.get(), std::move(report_options));
  // The report calls that need the database run here: as many workers as connections (more would
  // only wait for one), and at most --max-concurrent-calls of them queued or running.
  running->report_workers_ = std::make_unique<WorkerPool>(
      options.db_pool_size, static_cast<size_t>(options.max_concurrent_calls));
  running->report_ = std::make_unique<ReportServiceImpl>(running->report_store_.get(), guard,
                                                         running->report_workers_.get());

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<auth::AuthInterceptorFactory>(auth_options));
  interceptors.push_back(running->metrics_->InterceptorFactory());  // after auth: sees its status
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  auto credentials = ListenCredentials(options);
  if (!credentials.ok()) return credentials.status();
  int port = 0;
  builder.AddListeningPort(options.listen, *credentials, &port);
  // Each sync call holds a thread: capping the threads caps the calls served at once, and gRPC
  // answers calls past the cap with RESOURCE_EXHAUSTED.
  grpc::ResourceQuota quota("teams-report-server");
  quota.SetMaxThreads(options.max_concurrent_calls);
  builder.SetResourceQuota(quota);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS,
                             options.max_connection_age_seconds * 1000);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS, 30 * 1000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, options.keepalive_seconds * 1000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 10 * 1000);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 5 * 1000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.RegisterService(running->ingest_.get());
  builder.RegisterService(running->report_.get());
  builder.SetMaxReceiveMessageSize(8 << 20);
  running->server_ = builder.BuildAndStart();
  if (running->server_ == nullptr || port == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", options.listen));
  }
  running->address_ = absl::StrCat(HostOf(options.listen), ":", port);
  running->health_monitor_ = std::make_unique<DatabaseHealthMonitor>(
      options.db_url,
      std::vector<std::string>{"teams_usage.v1.TeamsUsageReportService",
                               "teams_usage.v1.TeamsUsageIngestService"},
      absl::Milliseconds(options.health_check_interval_ms));
  running->health_monitor_->Start(running->server_->GetHealthCheckService());
  return running;
}

}  // namespace teams_usage::server
