// The Teams usage dashboard page of one GetReport response: a self-contained HTML document
// (inline CSS and SVG, no script, no external asset; a Content-Security-Policy that forbids
// loading any), and the same sections as standalone SVG files. Pure logic: the message in, text
// out. Every figure is printed as the server sent it; the client only draws.
#ifndef TEAMS_CLIENT_HTML_REPORT_H_
#define TEAMS_CLIENT_HTML_REPORT_H_

#include <string>
#include <utility>
#include <vector>

#include "teams_usage/v1/teams_usage.pb.h"

namespace teams_usage::client {

// The Content-Security-Policy the page carries in a <meta> tag: nothing may be fetched; inline
// styles and data: images are all it uses.
inline constexpr char kHtmlReportCsp[] =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

struct HtmlReportOptions {
  // How the range was asked for ("last 12 months", "custom range"), shown beside it.
  std::string range_label;
  // The filters of the request as (name, value) pairs, e.g. {"Countries", "US, DE"}; empty: the
  // header says every customer is included.
  std::vector<std::pair<std::string, std::string>> filters;
};

// The ids of the page's sections, in order; also the names of the --svg-dir files (ID.svg).
inline constexpr const char* kHtmlReportSections[] = {
    "summary", "conversations-trend", "usage-by-workloads", "top-customers", "top-apps"};

std::string RenderHtmlReport(const teams_usage::v1::TeamsUsageReport& report,
                             const HtmlReportOptions& options);

struct SectionSvg {
  std::string name;  // one of kHtmlReportSections
  std::string svg;   // a standalone SVG document
};
// One standalone SVG per section: the KPI tiles, the trend, the three workloads side by side,
// and the top customers and apps as horizontal bars.
std::vector<SectionSvg> RenderSectionSvgs(const teams_usage::v1::TeamsUsageReport& report);

}  // namespace teams_usage::client

#endif  // TEAMS_CLIENT_HTML_REPORT_H_
