// teams-report: the sample client of the Teams usage report service.
#include <CLI/CLI.hpp>
#include <functional>
#include <iostream>
#include <string>

#include "client/client_common.h"
#include "client/export_command.h"
#include "client/report_commands.h"
#include "client/token_command.h"
#include "client/upload_command.h"

int main(int argc, char** argv) {
  using namespace teams_usage::client;
  CLI::App app{
      "teams-report: the sample client of the Teams usage report service.\n"
      "Global flags (connection, --output, --ascii) go before or after the command."};
  app.require_subcommand(1);
  // The global flags are accepted after the subcommand too: `teams-report summary -o json`.
  app.fallthrough();
  // Usage errors in one line, like the RPC errors.
  app.failure_message([](const CLI::App*, const CLI::Error& e) {
    return std::string("teams-report: usage: ") + e.what() + " (see teams-report --help)\n";
  });
  ConnectionOptions connection;
  AddConnectionFlags(app, &connection);
  OutputOptions output;
  AddOutputFlags(app, &output);
  std::function<int()> run;
  AddReportCommands(app, &connection, &output, &run);
  AddExportCommand(app, &connection, &run);
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
