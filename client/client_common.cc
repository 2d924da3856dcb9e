#include "client/client_common.h"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/ascii.h"

namespace teams_usage::client {

void AddConnectionFlags(CLI::App& app, ConnectionOptions* o) {
  app.add_option("--server", o->server, "server address host:port")
      ->envname("TEAMS_REPORT_SERVER")
      ->capture_default_str();
  app.add_option("--token", o->token, "bearer token (or TEAMS_REPORT_TOKEN)")
      ->envname("TEAMS_REPORT_TOKEN");
  app.add_option("--token-file", o->token_file, "file holding the bearer token")
      ->envname("TEAMS_REPORT_TOKEN_FILE");
  app.add_option("--deadline", o->deadline_seconds, "deadline of each call, in seconds")
      ->check(CLI::NonNegativeNumber);
}

std::shared_ptr<grpc::Channel> MakeChannel(const ConnectionOptions& options) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  return grpc::CreateCustomChannel(options.server, grpc::InsecureChannelCredentials(), args);
}

bool PrepareContext(const ConnectionOptions& options, grpc::ClientContext* context) {
  std::string token = options.token;
  if (token.empty() && !options.token_file.empty()) {
    std::ifstream in(options.token_file);
    if (!in) {
      std::cerr << "teams-report: cannot read the token file " << options.token_file << "\n";
      return false;
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    token = std::string(absl::StripAsciiWhitespace(buffer.str()));
  }
  if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
  if (options.deadline_seconds > 0) {
    context->set_deadline(
        std::chrono::system_clock::now() +
        std::chrono::milliseconds(static_cast<int64_t>(options.deadline_seconds * 1000)));
  }
  return true;
}

const char* StatusCodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::OK:
      return "OK";
    case grpc::CANCELLED:
      return "CANCELLED";
    case grpc::UNKNOWN:
      return "UNKNOWN";
    case grpc::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::ABORTED:
      return "ABORTED";
    case grpc::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::INTERNAL:
      return "INTERNAL";
    case grpc::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::DATA_LOSS:
      return "DATA_LOSS";
    case grpc::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    default:
      return "UNKNOWN";
  }
}

ExitCode ExitCodeFor(grpc::StatusCode code) {
  switch (code) {
    case grpc::OK:
      return kExitOk;
    case grpc::UNAUTHENTICATED:
    case grpc::PERMISSION_DENIED:
      return kExitAuth;
    case grpc::INVALID_ARGUMENT:
    case grpc::NOT_FOUND:
    case grpc::FAILED_PRECONDITION:
    case grpc::OUT_OF_RANGE:
    case grpc::RESOURCE_EXHAUSTED:
    case grpc::ALREADY_EXISTS:
      return kExitRejected;
    case grpc::UNAVAILABLE:
    case grpc::DEADLINE_EXCEEDED:
    case grpc::INTERNAL:
    case grpc::UNKNOWN:
    case grpc::DATA_LOSS:
    case grpc::ABORTED:
    case grpc::UNIMPLEMENTED:
      return kExitServer;
    default:
      return kExitError;
  }
}

int ReportRpcError(const grpc::Status& status) {
  std::cerr << "teams-report: " << StatusCodeName(status.error_code()) << ": "
            << status.error_message() << "\n";
  return ExitCodeFor(status.error_code());
}

}  // namespace teams_usage::client
