// The server's configuration: command-line flags, each also read from TEAMS_REPORT_<FLAG>.
#ifndef TEAMS_SERVER_SERVER_OPTIONS_H_
#define TEAMS_SERVER_SERVER_OPTIONS_H_

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

namespace teams_usage::server {

struct ServerOptions {
  std::string listen = "127.0.0.1:50051";
  std::string db_url;
  std::string db_read_url;  // a streaming replica for report reads (optional)
  int db_pool_size = 8;
  int response_cache_mib = 64;              // report response cache; 0: off
  std::string cache_validation = "notify";  // notify | query (see docs/operations.md)
  std::string report_presets = "on";        // on | off: the materialized default views
  std::string migrate = "auto";             // auto | off
  std::string jwt_hs256_secret_file;
  std::string jwt_public_key_file;
  std::string jwt_issuer = "teams-usage-dev";
  std::string jwt_audience = "teams-usage-report";
  int64_t max_upload_bytes = int64_t{8} << 30;
  // HMAC key of the report page tokens; empty: a random key per process (tokens then do not
  // survive a restart and are not accepted by other replicas).
  std::string page_token_secret_file;

  // Operations.
  std::string metrics_listen = "127.0.0.1:9464";  // Prometheus /metrics; empty: off
  int drain_seconds = 10;           // after SIGTERM: NOT_SERVING, in-flight calls go on this long
  int shutdown_grace_seconds = 10;  // then Shutdown(deadline) cancels what is left
  int health_check_interval_ms = 1000;   // database check behind the health status
  int max_concurrent_calls = 256;        // past it, new calls get RESOURCE_EXHAUSTED
  int max_connection_age_seconds = 300;  // so clients rebalance across replicas
  int keepalive_seconds = 30;            // HTTP/2 keepalive pings to idle clients
  std::string tls_cert_file;             // server certificate chain (PEM); with the key: TLS
  std::string tls_key_file;              // its private key (PEM)
  std::string tls_client_ca_file;        // CA bundle: clients must present a certificate (mTLS)
};

// Registers the flags on `app` (and on its `migrate` subcommand where they apply).
void AddServerFlags(CLI::App& app, ServerOptions* options);

}  // namespace teams_usage::server

#endif  // TEAMS_SERVER_SERVER_OPTIONS_H_
