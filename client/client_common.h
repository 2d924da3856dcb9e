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
};

void AddConnectionFlags(CLI::App& app, ConnectionOptions* options);

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
