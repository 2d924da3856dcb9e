// What every teams-report subcommand shares: the connection, the token, exit codes, errors.
#ifndef TEAMS_CLIENT_CLIENT_COMMON_H_
#define TEAMS_CLIENT_CLIENT_COMMON_H_

#include <grpcpp/grpcpp.h>

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

namespace teams_usage::client {

// Exit codes scripts can rely on.
enum ExitCode {
  kExitOk = 0,
  kExitError = 1,     // anything else
  kExitUsage = 2,     // bad flags or arguments
  kExitAuth = 3,      // UNAUTHENTICATED or PERMISSION_DENIED
  kExitRejected = 4,  // the server rejected the request or its data (INVALID_ARGUMENT, ...)
  kExitServer = 5,    // the server could not answer (UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL)
};

struct ConnectionOptions {
  std::string server = "127.0.0.1:50051";
  std::string token;            // the bearer token itself
  std::string token_file;       // or a file holding it
  double deadline_seconds = 0;  // 0: none
  // TLS: on when any of these is set. The CA file holds the roots that verify the server (the
  // system's roots when empty); the certificate and key (both or neither) identify the client
  // for mutual TLS.
  std::string tls_ca_file;
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_server_name;  // the name the server's certificate must carry, if not the host
  bool tls() const {
    return !tls_ca_file.empty() || !tls_cert_file.empty() || !tls_key_file.empty() ||
           !tls_server_name.empty();
  }
};

void AddConnectionFlags(CLI::App& app, ConnectionOptions* options);

// A channel to the server, with TLS when asked for. Null (after printing why) when a TLS file
// cannot be read: the caller exits with kExitUsage.
std::shared_ptr<grpc::Channel> MakeChannel(const ConnectionOptions& options);
// Adds the authorization metadata and the deadline. Returns false (after printing why) when the
// token file cannot be read.
bool PrepareContext(const ConnectionOptions& options, grpc::ClientContext* context);

// Prints "teams-report: <CODE>: <message>" to stderr and returns the exit code for the status.
int ReportRpcError(const grpc::Status& status);
ExitCode ExitCodeFor(grpc::StatusCode code);
const char* StatusCodeName(grpc::StatusCode code);

}  // namespace teams_usage::client

#endif  // TEAMS_CLIENT_CLIENT_COMMON_H_
