// Prometheus metrics (prometheus-cpp): per-RPC counters and latency histograms recorded by a
// server interceptor, connection-pool gauges read at scrape time, and ingest counters. Served as
// text on --metrics-listen at /metrics.
#ifndef TEAMS_SERVER_METRICS_H_
#define TEAMS_SERVER_METRICS_H_

#include <grpcpp/support/server_interceptor.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <cstdint>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "storage/pool.h"

namespace prometheus {
class Exposer;
}

namespace teams_usage::server {

// Latency buckets in seconds: fine below 5 ms, where the report RPCs are meant to answer.
const std::vector<double>& HandlingSecondsBuckets();

class ServerMetrics {
 public:
  ServerMetrics();
  ~ServerMetrics();

  // Serves /metrics on `listen` (host:port; port 0 picks one). Empty: no HTTP endpoint.
  absl::Status StartHttp(const std::string& listen);
  // The port /metrics is served on, 0 when not serving.
  int http_port() const;

  // Register after the auth interceptor, so that the recorded code is the one sent.
  std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> InterceptorFactory();

  // Pool gauges, read at every scrape. `role` labels the pool ("primary").
  void WatchPool(const storage::ConnectionPool* pool, const std::string& role);

  // One finished upload: `outcome` is applied, rejected (bad file) or failed.
  void RecordUpload(const std::string& dataset, const std::string& outcome, int64_t bytes,
                    int64_t inserted, int64_t replaced, int64_t unchanged);

  // Called by the interceptor.
  void RecordStarted(const std::string& service, const std::string& method,
                     const std::string& type);
  void RecordHandled(const std::string& service, const std::string& method, const std::string& type,
                     int code, double seconds);

  prometheus::Registry& registry() { return *registry_; }

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& started_;
  prometheus::Family<prometheus::Counter>& handled_;
  prometheus::Family<prometheus::Histogram>& handling_seconds_;
  prometheus::Family<prometheus::Counter>& ingest_rows_;
  prometheus::Family<prometheus::Counter>& ingest_bytes_;
  prometheus::Family<prometheus::Counter>& ingest_uploads_;
  prometheus::Gauge& ingest_last_commit_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, prometheus::Histogram*> histograms_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<prometheus::Collectable> pools_;
  std::unique_ptr<prometheus::Exposer> exposer_;
};

// "/pkg.Service/Method" -> {"pkg.Service", "Method"}.
std::pair<std::string, std::string> SplitMethodPath(const std::string& path);

}  // namespace teams_usage::server

#endif  // TEAMS_SERVER_METRICS_H_
