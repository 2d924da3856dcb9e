#include "client/client_common.h"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "server/status_mapping.h"

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
      ->envname("TEAMS_REPORT_DEADLINE")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--tls-ca-file", o->tls_ca_file,
                 "connect with TLS, verifying the server with these CA certificates (PEM)")
      ->envname("TEAMS_REPORT_TLS_CA_FILE");
  auto* cert = app.add_option("--tls-cert-file", o->tls_cert_file,
                              "client certificate chain (PEM) for mutual TLS")
                   ->envname("TEAMS_REPORT_TLS_CERT_FILE");
  auto* key =
      app.add_option("--tls-key-file", o->tls_key_file, "private key (PEM) of --tls-cert-file")
          ->envname("TEAMS_REPORT_TLS_KEY_FILE");
  cert->needs(key);
  key->needs(cert);
  app.add_option("--tls-server-name", o->tls_server_name,
                 "with TLS: the name the server certificate must carry, when not the --server host")
      ->envname("TEAMS_REPORT_TLS_SERVER_NAME");
}

namespace {

bool ReadWholeFile(const std::string& path, const char* what, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  if (in) buffer << in.rdbuf();
  if (!in || in.bad()) {
    std::cerr << "teams-report: cannot read the " << what << " " << path << "\n";
    return false;
  }
  *out = buffer.str();
  return true;
}

}  // namespace

std::shared_ptr<grpc::Channel> MakeChannel(const ConnectionOptions& options) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  if (!options.tls()) {
    return grpc::CreateCustomChannel(options.server, grpc::InsecureChannelCredentials(), args);
  }
  grpc::SslCredentialsOptions ssl;
  if (!options.tls_ca_file.empty() &&
      !ReadWholeFile(options.tls_ca_file, "TLS CA file", &ssl.pem_root_certs)) {
    return nullptr;
  }
  if (!options.tls_cert_file.empty() &&
      (!ReadWholeFile(options.tls_cert_file, "TLS certificate file", &ssl.pem_cert_chain) ||
       !ReadWholeFile(options.tls_key_file, "TLS key file", &ssl.pem_private_key))) {
    return nullptr;
  }
  if (!options.tls_server_name.empty()) args.SetSslTargetNameOverride(options.tls_server_name);
  return grpc::CreateCustomChannel(options.server, grpc::SslCredentials(ssl), args);
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
  return server::GrpcCodeName(static_cast<int>(code));
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
