// The report subcommands of teams-report — `summary`, `trend`, `workloads`, `top-customers`,
// `apps`, `report` — and what they share: the filter flags and the global output flags. Thin:
// flags become one request, the response is printed as it came (client/render.h).
#ifndef TEAMS_CLIENT_REPORT_COMMANDS_H_
#define TEAMS_CLIENT_REPORT_COMMANDS_H_

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

#include "client/client_common.h"
#include "client/render.h"
#include "teams_usage/v1/teams_usage.pb.h"

namespace teams_usage::client {

// Global: --output table|json|csv, --ascii.
struct OutputOptions {
  std::string output = "table";
  bool ascii = false;
  // What the report commands render with: the format, and for tables the terminal's width and
  // character set (ASCII when --ascii is given or the locale is not UTF-8).
  RenderOptions Resolve() const;
};
void AddOutputFlags(CLI::App& app, OutputOptions* options);

// The dashboard's filters, on every report subcommand and on `export`.
struct FilterArgs {
  std::string range;  // 3m, 6m, 12m; empty: the server's default (the last 12 months)
  std::string from;   // YYYY-MM-DD, with `to`: a custom range (validated by the server)
  std::string to;
  std::vector<std::string> countries;
  std::vector<std::string> segments;
  std::vector<std::string> industries;
  std::vector<std::string> customers;
};
void AddFilterFlags(CLI::App* command, FilterArgs* filter);
teams_usage::v1::ReportFilter ToFilter(const FilterArgs& filter);
// "last 12 months", "custom range", as the header line shows it.
std::string RangeLabel(const FilterArgs& filter);

// Registers the six report subcommands; `run` is set to the action of the one given.
void AddReportCommands(CLI::App& app, const ConnectionOptions* connection,
                       const OutputOptions* output, std::function<int()>* run);

}  // namespace teams_usage::client

#endif  // TEAMS_CLIENT_REPORT_COMMANDS_H_
