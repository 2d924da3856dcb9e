// `teams-report upload`: streams a Partner Center raw-download file to UploadDataset.
#ifndef TEAMS_CLIENT_UPLOAD_COMMAND_H_
#define TEAMS_CLIENT_UPLOAD_COMMAND_H_

#include <CLI/CLI.hpp>

#include "client/client_common.h"

namespace teams_usage::client {

// Registers the subcommand; `run` is set to its action.
CLI::App* AddUploadCommand(CLI::App& app, const ConnectionOptions* connection,
                           std::function<int()>* run);

}  // namespace teams_usage::client

#endif  // TEAMS_CLIENT_UPLOAD_COMMAND_H_
