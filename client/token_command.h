// `teams-report token`: mints a development token (HS256, from a secret file). Development only:
// production tokens come from the identity provider.
#ifndef TEAMS_CLIENT_TOKEN_COMMAND_H_
#define TEAMS_CLIENT_TOKEN_COMMAND_H_

#include <CLI/CLI.hpp>
#include <functional>

namespace teams_usage::client {

CLI::App* AddTokenCommand(CLI::App& app, std::function<int()>* run);

}  // namespace teams_usage::client

#endif  // TEAMS_CLIENT_TOKEN_COMMAND_H_
