// Printing the report service's responses: human tables and charts, the proto's JSON mapping, or
// RFC 4180 CSV. Pure logic (messages in, text out), so it is tested without a server; the values
// are printed as the server sent them — no figure is computed here.
#ifndef TEAMS_CLIENT_RENDER_H_
#define TEAMS_CLIENT_RENDER_H_

#include <google/protobuf/message.h>

#include <cstdint>
#include <string>
#include <vector>

#include "teams_usage/v1/teams_usage.pb.h"

namespace teams_usage::client {

enum class OutputFormat { kTable, kJson, kCsv };

struct RenderOptions {
  OutputFormat format = OutputFormat::kTable;
  int width = 80;       // terminal columns (tables and charts)
  bool unicode = true;  // block characters, arrows and rules, or ASCII only
  // How the range was asked for, shown in the header line: "last 12 months", "custom range".
  std::string range_label;
};

// The first line of every table output: the resolved range, data_as_of and data_version; on two
// lines when one would be wider than `width` (0: no limit).
std::string RangeHeader(const teams_usage::v1::ResolvedRange& range, const std::string& label,
                        int width);

// JSON: the proto3 JSON mapping (lowerCamelCase names, int64 as strings, enums by name, every
// field printed, zeros included; an absent change_percent stays absent), indented, one document
// ending in '\n'.
std::string ToJson(const google::protobuf::Message& message);

std::string RenderSummary(const teams_usage::v1::Summary& summary, const RenderOptions& options);
std::string RenderTrend(const teams_usage::v1::ConversationsTrend& trend,
                        const RenderOptions& options);
std::string RenderWorkloads(const teams_usage::v1::UsageByWorkloads& usage,
                            const RenderOptions& options);
// `first_rank`: the rank of the first row (1 on the first page), or 0 when unknown (a page
// fetched by --page-token), which leaves the rank column out.
std::string RenderTopCustomers(const teams_usage::v1::ListTopCustomersResponse& response,
                               teams_usage::v1::UsageMetric metric, int64_t first_rank,
                               const RenderOptions& options);
std::string RenderApps(const teams_usage::v1::ListAppsResponse& response, int64_t first_rank,
                       const RenderOptions& options);
std::string RenderReport(const teams_usage::v1::TeamsUsageReport& report,
                         const RenderOptions& options);

// RFC 4180: fields quoted when they hold a comma, a quote, CR or LF (quotes doubled); records
// end in CRLF.
std::string CsvRecord(const std::vector<std::string>& fields);

// Display names: "Meetings", "Calls", "Phone systems"; "meetings", ... ; enum names in CSV/JSON.
std::string WorkloadTitle(teams_usage::v1::Workload workload);
std::string MetricTitle(teams_usage::v1::UsageMetric metric);

}  // namespace teams_usage::client

#endif  // TEAMS_CLIENT_RENDER_H_
