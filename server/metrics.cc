#include "server/metrics.h"

#include <prometheus/collectable.h>
#include <prometheus/exposer.h>
#include <prometheus/metric_family.h>

#include <chrono>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "server/status_mapping.h"

namespace teams_usage::server {
namespace {

using grpc::experimental::InterceptionHookPoints;

const char* RpcType(grpc::experimental::ServerRpcInfo::Type type) {
  using Type = grpc::experimental::ServerRpcInfo::Type;
  switch (type) {
    case Type::UNARY:
      return "unary";
    case Type::CLIENT_STREAMING:
      return "client_stream";
    case Type::SERVER_STREAMING:
      return "server_stream";
    case Type::BIDI_STREAMING:
      return "bidi_stream";
  }
  return "unknown";
}

class MetricsInterceptor final : public grpc::experimental::Interceptor {
 public:
  MetricsInterceptor(ServerMetrics* metrics, grpc::experimental::ServerRpcInfo* info)
      : metrics_(metrics), type_(RpcType(info->type())) {
    std::tie(service_, method_) = SplitMethodPath(info->method());
  }
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      start_ = std::chrono::steady_clock::now();
      metrics_->RecordStarted(service_, method_, type_);
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
      metrics_->RecordHandled(service_, method_, type_,
                              static_cast<int>(methods->GetSendStatus().error_code()), seconds);
    }
    methods->Proceed();
  }

 private:
  ServerMetrics* metrics_;
  const char* type_;
  std::string service_;
  std::string method_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

class MetricsInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit MetricsInterceptorFactory(ServerMetrics* metrics) : metrics_(metrics) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new MetricsInterceptor(metrics_, info);
  }

 private:
  ServerMetrics* metrics_;
};

prometheus::ClientMetric GaugeSample(double value,
                                     std::vector<prometheus::ClientMetric::Label> labels) {
  prometheus::ClientMetric m;
  m.gauge.value = value;
  m.label = std::move(labels);
  return m;
}

// Reads the pools' statistics when scraped.
class PoolCollectable final : public prometheus::Collectable {
 public:
  void Add(const storage::ConnectionPool* pool, std::string role) {
    absl::MutexLock lock(&mu_);
    pools_.emplace_back(pool, std::move(role));
  }
  std::vector<prometheus::MetricFamily> Collect() const override {
    prometheus::MetricFamily connections{"teams_db_pool_connections",
                                         "Database connections of the pool, by state",
                                         prometheus::MetricType::Gauge,
                                         {}};
    prometheus::MetricFamily waiting{"teams_db_pool_waiting",
                                     "Calls waiting for a database connection",
                                     prometheus::MetricType::Gauge,
                                     {}};
    prometheus::MetricFamily size{
        "teams_db_pool_size", "Configured pool size", prometheus::MetricType::Gauge, {}};
    prometheus::MetricFamily opened{"teams_db_pool_opened_total",
                                    "Database connections opened",
                                    prometheus::MetricType::Counter,
                                    {}};
    prometheus::MetricFamily broken{"teams_db_pool_broken_total",
                                    "Database connections found broken and replaced",
                                    prometheus::MetricType::Counter,
                                    {}};
    absl::MutexLock lock(&mu_);
    for (const auto& [pool, role] : pools_) {
      const storage::PoolStats s = pool->stats();
      connections.metric.push_back(GaugeSample(s.in_use, {{"pool", role}, {"state", "in_use"}}));
      connections.metric.push_back(GaugeSample(s.idle, {{"pool", role}, {"state", "idle"}}));
      waiting.metric.push_back(GaugeSample(s.waiting, {{"pool", role}}));
      size.metric.push_back(GaugeSample(pool->options().size, {{"pool", role}}));
      prometheus::ClientMetric o;
      o.counter.value = static_cast<double>(s.opened_total);
      o.label = {{"pool", role}};
      opened.metric.push_back(o);
      prometheus::ClientMetric b;
      b.counter.value = static_cast<double>(s.broken_total);
      b.label = {{"pool", role}};
      broken.metric.push_back(b);
    }
    return {connections, waiting, size, opened, broken};
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<std::pair<const storage::ConnectionPool*, std::string>> pools_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

const std::vector<double>& HandlingSecondsBuckets() {
  static const std::vector<double> kBuckets = {0.00025, 0.0005, 0.001, 0.0015, 0.002, 0.003, 0.004,
                                               0.005,   0.0075, 0.01,  0.025,  0.05,  0.1,   0.25,
                                               0.5,     1,      2.5,   5,      10,    30,    60};
  return kBuckets;
}

std::pair<std::string, std::string> SplitMethodPath(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (path.size() < 2 || path[0] != '/' || slash == 0 || slash == std::string::npos) {
    return {"unknown", path};
  }
  return {path.substr(1, slash - 1), path.substr(slash + 1)};
}

ServerMetrics::ServerMetrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      started_(prometheus::BuildCounter()
                   .Name("grpc_server_started_total")
                   .Help("RPCs started on the server")
                   .Register(*registry_)),
      handled_(prometheus::BuildCounter()
                   .Name("grpc_server_handled_total")
                   .Help("RPCs completed on the server, by status code")
                   .Register(*registry_)),
      handling_seconds_(prometheus::BuildHistogram()
                            .Name("grpc_server_handling_seconds")
                            .Help("Time from receiving an RPC to sending its status")
                            .Register(*registry_)),
      ingest_rows_(prometheus::BuildCounter()
                       .Name("teams_ingest_rows_total")
                       .Help("Rows of applied uploads, by dataset and result")
                       .Register(*registry_)),
      ingest_bytes_(prometheus::BuildCounter()
                        .Name("teams_ingest_bytes_total")
                        .Help("File bytes received by UploadDataset, by dataset")
                        .Register(*registry_)),
      ingest_uploads_(prometheus::BuildCounter()
                          .Name("teams_ingest_uploads_total")
                          .Help("Uploads by dataset and outcome (applied, rejected, failed)")
                          .Register(*registry_)),
      ingest_last_commit_(prometheus::BuildGauge()
                              .Name("teams_ingest_last_applied_timestamp_seconds")
                              .Help("Unix time of the newest applied upload (data age = now - "
                                    "this)")
                              .Register(*registry_)
                              .Add({})),
      pools_(std::make_shared<PoolCollectable>()) {}

ServerMetrics::~ServerMetrics() = default;

absl::Status ServerMetrics::StartHttp(const std::string& listen) {
  if (listen.empty()) return absl::OkStatus();
  try {
    exposer_ = std::make_unique<prometheus::Exposer>(listen, 2);
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat("cannot serve metrics on ", listen, ": ", e.what()));
  }
  exposer_->RegisterCollectable(registry_);
  exposer_->RegisterCollectable(pools_);
  return absl::OkStatus();
}

int ServerMetrics::http_port() const {
  if (exposer_ == nullptr) return 0;
  const auto ports = exposer_->GetListeningPorts();
  return ports.empty() ? 0 : ports.front();
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
ServerMetrics::InterceptorFactory() {
  return std::make_unique<MetricsInterceptorFactory>(this);
}

void ServerMetrics::WatchPool(const storage::ConnectionPool* pool, const std::string& role) {
  static_cast<PoolCollectable*>(pools_.get())->Add(pool, role);
}

void ServerMetrics::RecordUpload(const std::string& dataset, const std::string& outcome,
                                 int64_t bytes, int64_t inserted, int64_t replaced,
                                 int64_t unchanged) {
  ingest_uploads_.Add({{"dataset", dataset}, {"outcome", outcome}}).Increment();
  ingest_bytes_.Add({{"dataset", dataset}}).Increment(static_cast<double>(bytes));
  if (outcome != "applied") return;
  ingest_rows_.Add({{"dataset", dataset}, {"result", "inserted"}})
      .Increment(static_cast<double>(inserted));
  ingest_rows_.Add({{"dataset", dataset}, {"result", "replaced"}})
      .Increment(static_cast<double>(replaced));
  ingest_rows_.Add({{"dataset", dataset}, {"result", "unchanged"}})
      .Increment(static_cast<double>(unchanged));
  ingest_last_commit_.Set(absl::ToDoubleSeconds(absl::Now() - absl::UnixEpoch()));
}

void ServerMetrics::RecordStarted(const std::string& service, const std::string& method,
                                  const std::string& type) {
  started_.Add({{"grpc_service", service}, {"grpc_method", method}, {"grpc_type", type}})
      .Increment();
}

void ServerMetrics::RecordHandled(const std::string& service, const std::string& method,
                                  const std::string& type, int code, double seconds) {
  handled_
      .Add({{"grpc_service", service},
            {"grpc_method", method},
            {"grpc_type", type},
            {"grpc_code", GrpcCodeName(code)}})
      .Increment();
  prometheus::Histogram* histogram;
  {
    const std::string key = absl::StrCat(service, "/", method);
    absl::MutexLock lock(&mu_);
    auto it = histograms_.find(key);
    if (it == histograms_.end()) {
      it = histograms_
               .emplace(key, &handling_seconds_.Add({{"grpc_service", service},
                                                     {"grpc_method", method},
                                                     {"grpc_type", type}},
                                                    HandlingSecondsBuckets()))
               .first;
    }
    histogram = it->second;
  }
  histogram->Observe(seconds);
}

}  // namespace teams_usage::server
