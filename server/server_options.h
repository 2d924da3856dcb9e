// The server's configuration: command-line flags, each also read from TEAMS_REPORT_<FLAG>.
#ifndef TEAMS_SERVER_SERVER_OPTIONS_H_
#define TEAMS_SERVER_SERVER_OPTIONS_H_

#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

namespace teams_usage::server {

struct ServerOptions {
  std::string listen = "127.0.0.1:50051";
  std::string db_url;
  int db_pool_size = 8;
  std::string migrate = "auto";  // auto | off
  std::string jwt_hs256_secret_file;
  std::string jwt_public_key_file;
  std::string jwt_issuer = "teams-usage-dev";
  std::string jwt_audience = "teams-usage-report";
  int64_t max_upload_bytes = int64_t{8} << 30;
};

// Registers the flags on `app` (and on its `migrate` subcommand where they apply).
void AddServerFlags(CLI::App& app, ServerOptions* options);

}  // namespace teams_usage::server

#endif  // TEAMS_SERVER_SERVER_OPTIONS_H_
