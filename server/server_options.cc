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
  Flag(app, "db-pool-size", &o->db_pool_size, "database connections in the pool")
      ->check(CLI::Range(1, 1000));
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
}

}  // namespace teams_usage::server
