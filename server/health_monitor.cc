#include "server/health_monitor.h"

#include <memory>
#include <pqxx/pqxx>

#include "server/log.h"

namespace teams_usage::server {

DatabaseHealthMonitor::DatabaseHealthMonitor(std::string db_url, std::vector<std::string> services,
                                             absl::Duration interval)
    : db_url_(std::move(db_url)), services_(std::move(services)), interval_(interval) {}

DatabaseHealthMonitor::~DatabaseHealthMonitor() { Stop(); }

void DatabaseHealthMonitor::Start(grpc::HealthCheckServiceInterface* health) {
  health_ = health;
  CheckOnce();
  thread_ = std::thread([this] {
    while (!stop_.WaitForNotificationWithTimeout(interval_)) CheckOnce();
  });
}

void DatabaseHealthMonitor::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

void DatabaseHealthMonitor::SetDraining() {
  draining_ = true;
  Publish();
}

void DatabaseHealthMonitor::CheckOnce() {
  bool up = false;
  try {
    // A fresh connection each time: it proves that new connections can be made, which is what
    // the pool needs, and it cannot be stuck behind a busy pool. PGCONNECT_TIMEOUT bounds it.
    pqxx::connection conn(db_url_);
    pqxx::nontransaction tx(conn);
    tx.exec("SELECT 1");
    up = true;
  } catch (const std::exception&) {
    up = false;
  }
  const bool was_up = database_up_.exchange(up);
  if (was_up != up) {
    LogJson(up ? "info" : "error", up ? "database reachable" : "database unreachable");
  }
  Publish();
}

void DatabaseHealthMonitor::Publish() {
  if (health_ == nullptr) return;
  const bool serving = database_up_.load() && !draining_.load();
  absl::MutexLock lock(&publish_mu_);
  health_->SetServingStatus(serving);
  for (const std::string& service : services_) health_->SetServingStatus(service, serving);
}

}  // namespace teams_usage::server
