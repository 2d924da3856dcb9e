#include "client/token_command.h"

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "client/client_common.h"
#include "server/auth/dev_token.h"
#include "server/auth/token_verifier.h"

namespace teams_usage::client {
namespace {

struct TokenArgs {
  std::string secret_file;
  std::string partner;
  std::vector<std::string> roles;
  std::string subject = "dev-user";
  std::string issuer = "teams-usage-dev";
  std::string audience = "teams-usage-report";
  int64_t ttl_seconds = 3600;
};

int RunToken(const TokenArgs& args) {
  auto secret = auth::ReadSecretFile(args.secret_file);
  if (!secret.ok()) {
    std::cerr << "teams-report: " << secret.status().message() << "\n";
    return kExitUsage;
  }
  auto token =
      auth::MintHs256Token(*secret, args.subject, args.partner, args.roles, args.issuer,
                           args.audience, args.ttl_seconds, absl::ToUnixSeconds(absl::Now()));
  if (!token.ok()) {
    std::cerr << "teams-report: " << token.status().message() << "\n";
    return kExitUsage;
  }
  std::cout << *token << "\n";
  return kExitOk;
}

}  // namespace

CLI::App* AddTokenCommand(CLI::App& app, std::function<int()>* run) {
  auto args = std::make_shared<TokenArgs>();
  CLI::App* cmd = app.add_subcommand(
      "token", "mint a development token (HS256) — for development only, never production");
  cmd->add_option("--secret-file", args->secret_file, "the server's --jwt-hs256-secret-file")
      ->required();
  cmd->add_option("--partner", args->partner, "partner id (PGAMpnID) the token is for")->required();
  cmd->add_option("--roles", args->roles,
                  "roles, e.g. REPORT_VIEWER,DATA_INGESTOR (GLOBAL_ADMIN, ACCOUNT_ADMIN, "
                  "ADMIN_AGENT, REPORT_VIEWER, EXECUTIVE_REPORT_VIEWER, DATA_INGESTOR)")
      ->required()
      ->delimiter(',');
  cmd->add_option("--sub", args->subject, "the token's subject")->capture_default_str();
  cmd->add_option("--issuer", args->issuer, "iss")->capture_default_str();
  cmd->add_option("--audience", args->audience, "aud")->capture_default_str();
  cmd->add_option("--ttl", args->ttl_seconds, "lifetime in seconds")
      ->check(CLI::Range(1, 31 * 24 * 3600))
      ->capture_default_str();
  cmd->callback([args, run]() { *run = [args]() { return RunToken(*args); }; });
  return cmd;
}

}  // namespace teams_usage::client
