// teams-report-server: the Teams usage report gRPC service.
//   teams-report-server [flags]              serve
//   teams-report-server migrate --db-url URL  apply pending migrations and exit
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>

#include <csignal>
#include <iostream>
#include <memory>
#include <thread>

#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "server/log.h"
#include "server/server_setup.h"
#include "storage/migrations.h"

namespace {

using teams_usage::server::LogJson;

int RunMigrate(const std::string& db_url) {
  auto report = teams_usage::storage::MigrateDatabase(db_url);
  if (!report.ok()) {
    LogJson("error", "migration failed", {{"error", report.status().message()}});
    return 1;
  }
  LogJson("info", "migrations applied",
          {{"applied", absl::StrJoin(report->applied, ",")},
           {"schema_version", std::to_string(report->current_version)}});
  return 0;
}

// Blocks SIGINT/SIGTERM in every thread and returns the set, for sigwait().
sigset_t BlockShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

}  // namespace

int main(int argc, char** argv) {
  teams_usage::server::ServerOptions options;
  CLI::App app{"teams-report-server: the Teams usage report gRPC service"};
  teams_usage::server::AddServerFlags(app, &options);
  CLI::App* migrate = app.add_subcommand("migrate", "apply pending migrations and exit");
  migrate->fallthrough();  // `migrate --db-url URL`: the flags are the server's
  CLI11_PARSE(app, argc, argv);

  if (options.db_url.empty()) {
    std::cerr << "teams-report-server: --db-url (or TEAMS_REPORT_DB_URL) is required\n";
    return 2;
  }
  if (migrate->parsed()) return RunMigrate(options.db_url);

  // New database connections (pool, health check) give up quickly when PostgreSQL is away, so
  // calls fail fast with UNAVAILABLE instead of hanging. An operator's own setting wins.
  setenv("PGCONNECT_TIMEOUT", "3", /*overwrite=*/0);
  // Abseil's mutex deadlock detection keeps a lock graph on every acquisition; in a server that
  // takes a few mutexes per call it is measurable overhead (bench/RESULTS.md), and our lock order
  // is flat.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  const sigset_t signals = BlockShutdownSignals();
  if (options.migrate == "auto" && RunMigrate(options.db_url) != 0) return 1;

  auto server = teams_usage::server::StartServer(options);
  if (!server.ok()) {
    LogJson("error", "server failed to start", {{"error", server.status().message()}});
    return 1;
  }
  LogJson("info", "serving",
          {{"listen", (*server)->listen_address()},
           {"metrics_port", std::to_string((*server)->metrics_port())}});

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  // Drain: health turns NOT_SERVING at once so load balancers and clients move away, in-flight
  // (and late-arriving) calls are served for --drain-seconds, then Shutdown gives the calls
  // still running --shutdown-grace-seconds before cancelling them. A second signal skips the
  // drain.
  LogJson("info", "draining",
          {{"signal", signal_number == SIGTERM ? "SIGTERM" : "SIGINT"},
           {"drain_seconds", std::to_string(options.drain_seconds)}});
  (*server)->BeginDrain();
  {
    struct timespec ts {};
    ts.tv_sec = options.drain_seconds;
    siginfo_t info;
    sigtimedwait(&signals, &info, &ts);  // returns early on a second signal
  }
  LogJson("info", "shutting down");
  (*server)->Shutdown(absl::Seconds(options.shutdown_grace_seconds));
  LogJson("info", "stopped");
  return 0;
}
