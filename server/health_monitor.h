// Keeps the gRPC health status in step with the database: a background thread checks PostgreSQL
// every interval and sets every service (and the overall "") to SERVING or NOT_SERVING; once
// draining starts (SIGTERM) the status stays NOT_SERVING. Probes never touch the database
// themselves.
#ifndef TEAMS_SERVER_HEALTH_MONITOR_H_
#define TEAMS_SERVER_HEALTH_MONITOR_H_

#include <grpcpp/health_check_service_interface.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

namespace teams_usage::server {

class DatabaseHealthMonitor {
 public:
  DatabaseHealthMonitor(std::string db_url, std::vector<std::string> services,
                        absl::Duration interval);
  ~DatabaseHealthMonitor();

  // Checks once synchronously, then keeps checking in the background.
  void Start(grpc::HealthCheckServiceInterface* health);
  // From now on NOT_SERVING, whatever the database does.
  void SetDraining();
  void Stop();
  bool database_up() const { return database_up_.load(); }

 private:
  void CheckOnce();
  void Publish();

  const std::string db_url_;
  const std::vector<std::string> services_;
  const absl::Duration interval_;
  grpc::HealthCheckServiceInterface* health_ = nullptr;
  std::atomic<bool> database_up_{false};
  std::atomic<bool> draining_{false};
  absl::Notification stop_;
  std::thread thread_;
  absl::Mutex publish_mu_;
};

}  // namespace teams_usage::server

#endif  // TEAMS_SERVER_HEALTH_MONITOR_H_
