// teams-report: the sample client of the Teams usage report service.
#include <CLI/CLI.hpp>
#include <functional>
#include <iostream>

#include "client/client_common.h"
#include "client/token_command.h"
#include "client/upload_command.h"

int main(int argc, char** argv) {
  using namespace teams_usage::client;
  CLI::App app{"teams-report: the sample client of the Teams usage report service"};
  app.require_subcommand(1);
  ConnectionOptions connection;
  AddConnectionFlags(app, &connection);
  std::function<int()> run;
  AddUploadCommand(app, &connection, &run);
  AddTokenCommand(app, &run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  return run ? run() : kExitUsage;
}
