#include "server/server_options.h"

#include <algorithm>
#include <cctype>

namespace teams_usage::server {
namespace {

// "db-url" -> "TEAMS_REPORT_DB_URL"
std::string EnvName(std::string flag) {
  std::transform(flag.begin(), flag.end(), flag.begin(), [](unsigned char c) {
    return c == '-' ? '_' : static_cast<char>(std::toupper(c));
  });
  return "TEAMS_REPORT_" + flag;
}

template <typename T>
CLI::Option* Flag(CLI::App& app, const std::string& name, T* value, const std::string& help) {
  return app.add_option("--" + name, *value, help)->envname(EnvName(name))->capture_default_str();
}

}  // namespace

void AddServerFlags(CLI::App& app, ServerOptions* o) {
  Flag(app, "listen", &o->listen, "gRPC listen address (host:port)");
  Flag(app, "db-url", &o->db_url, "PostgreSQL connection URL (libpq) of the primary");
  Flag(app, "db-read-url", &o->db_read_url,
       "libpq URL of a streaming replica for report reads (optional); a replica that has not "
       "replayed the partner's current data version is bypassed for the primary");
  Flag(app, "db-pool-size", &o->db_pool_size, "database connections in the pool")
      ->check(CLI::Range(1, 1000));
  Flag(app, "response-cache-mib", &o->response_cache_mib,
       "memory for cached report responses, in MiB; 0: no cache")
      ->check(CLI::Range(0, 65536));
  Flag(app, "cache-validation", &o->cache_validation,
       "how a cached response is known current: notify (the partner's data_version as announced "
       "by PostgreSQL NOTIFY, no query) or query (read it in a snapshot first)")
      ->check(CLI::IsMember({"notify", "query"}));
  Flag(app, "report-presets", &o->report_presets,
       "answer preset ranges over all customers from the views the uploads materialize: on or off")
      ->check(CLI::IsMember({"on", "off"}));
  Flag(app, "migrate", &o->migrate, "apply pending migrations at start-up: auto or off")
      ->check(CLI::IsMember({"auto", "off"}));
  Flag(app, "jwt-hs256-secret-file", &o->jwt_hs256_secret_file,
       "file holding the HS256 secret (development)");
  Flag(app, "jwt-public-key-file", &o->jwt_public_key_file,
       "PEM public key or JWKS file for RS256/ES256 tokens (production)");
  Flag(app, "jwt-issuer", &o->jwt_issuer, "required `iss` of tokens");
  Flag(app, "jwt-audience", &o->jwt_audience, "required `aud` of tokens");
  Flag(app, "max-upload-bytes", &o->max_upload_bytes, "largest accepted upload, in bytes")
      ->check(CLI::PositiveNumber);
  Flag(app, "page-token-secret-file", &o->page_token_secret_file,
       "file holding the page-token HMAC key (at least 32 bytes); default: a random key per "
       "process, so tokens do not survive a restart or cross replicas");
  Flag(app, "metrics-listen", &o->metrics_listen,
       "Prometheus metrics address (host:port, /metrics); empty: off");
  Flag(app, "drain-seconds", &o->drain_seconds,
       "after SIGTERM: report NOT_SERVING and keep serving in-flight calls this long")
      ->check(CLI::Range(0, 3600));
  Flag(app, "shutdown-grace-seconds", &o->shutdown_grace_seconds,
       "after the drain: how long calls still running may take before they are cancelled")
      ->check(CLI::Range(0, 3600));
  Flag(app, "health-check-interval-ms", &o->health_check_interval_ms,
       "how often the database check behind the health status runs")
      ->check(CLI::Range(50, 60000));
  Flag(app, "max-concurrent-calls", &o->max_concurrent_calls,
       "calls served at once; past it new calls get RESOURCE_EXHAUSTED")
      ->check(CLI::Range(4, 100000));
  Flag(app, "max-connection-age-seconds", &o->max_connection_age_seconds,
       "connections are closed (gracefully) after this long, so clients rebalance")
      ->check(CLI::Range(1, 86400 * 7));
  Flag(app, "keepalive-seconds", &o->keepalive_seconds, "HTTP/2 keepalive ping interval")
      ->check(CLI::Range(1, 86400));
  Flag(app, "tls-cert-file", &o->tls_cert_file,
       "server certificate chain (PEM); with --tls-key-file the gRPC port speaks TLS; "
       "re-read when it changes");
  Flag(app, "tls-key-file", &o->tls_key_file, "private key of --tls-cert-file (PEM)");
  Flag(app, "tls-client-ca-file", &o->tls_client_ca_file,
       "CA bundle (PEM): clients must present a certificate it signed (mutual TLS)");
}

}  // namespace teams_usage::server
