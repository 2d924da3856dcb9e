// Assembles the running server from its options: pool, auth, services, health, reflection.
// Used by main and by the end-to-end tests, which run the same server in-process.
#ifndef TEAMS_SERVER_SERVER_SETUP_H_
#define TEAMS_SERVER_SERVER_SETUP_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/server_options.h"

namespace teams_usage::server {

class RunningServer {
 public:
  virtual ~RunningServer() = default;
  // host:port actually bound (the port is chosen when the options ask for port 0).
  virtual std::string listen_address() const = 0;
  // The port /metrics is served on (0 when off).
  virtual int metrics_port() const = 0;
  // Health turns NOT_SERVING (for good); calls are still served.
  virtual void BeginDrain() = 0;
  // Stops accepting calls, gives in-flight calls `grace` to finish (then cancels them), and
  // releases the pool.
  virtual void Shutdown(absl::Duration grace) = 0;
};

absl::StatusOr<std::unique_ptr<RunningServer>> StartServer(const ServerOptions& options);

}  // namespace teams_usage::server

#endif  // TEAMS_SERVER_SERVER_SETUP_H_
