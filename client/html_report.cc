#include "client/html_report.h"

#include <cmath>
#include <map>
#include <optional>

#include "client/render.h"
#include "client/svg.h"
#include "client/table.h"

namespace teams_usage::client {
namespace {

namespace v1 = teams_usage::v1;
using svg::Escape;
using svg::Num;

// Longer names are cut (the whole name stays as the tooltip): a table row stays one line.
constexpr int kNameColumns = 40;

// ---- the KPIs -----------------------------------------------------------------------------------

struct KpiView {
  const char* title;
  const v1::Kpi* kpi;
  int decimals;
  const char* unit;  // after the value, "" for counts
};

std::vector<KpiView> Kpis(const v1::Summary& s) {
  return {{"Customers", &s.customers(), 0, ""},
          {"Meetings", &s.meeting_count(), 0, ""},
          {"Daily avg meetings per customer", &s.daily_avg_meeting_count_per_customer(), 2, ""},
          {"Meeting duration", &s.meeting_duration_hours(), 1, "h"},
          {"Avg meeting duration", &s.avg_meeting_duration_minutes(), 1, "min"}};
}

std::string FormatValue(double value, int decimals, const std::string& unit) {
  return FormatDecimal(value, decimals) + (unit.empty() ? "" : " " + unit);
}

// The change against the previous period as the tiles show it.
struct Change {
  std::string css;    // "up", "down", "flat" or "none"
  std::string arrow;  // "▲", "▼" or ""
  std::string text;   // "+2.8%", "-0.5%", "0.0%", "n/a"
  std::string tooltip;
};

Change ChangeOf(const KpiView& k) {
  const std::string previous =
      "previous period: " + FormatValue(k.kpi->previous_value(), k.decimals, k.unit);
  if (!k.kpi->has_change_percent() || !std::isfinite(k.kpi->change_percent())) {
    return {"none", "", "n/a", previous + " (no change to compare with)"};
  }
  const double p = k.kpi->change_percent();
  const std::string digits = FormatDecimal(std::fabs(p), 1);
  // What prints as 0.0% is no change, whatever the sign of the unrounded value.
  if (digits.find_first_not_of("0.,") == std::string::npos) {
    return {"flat", "", "0.0%", previous};
  }
  if (p > 0) return {"up", "▲", "+" + digits + "%", previous};
  return {"down", "▼", "-" + digits + "%", previous};
}

svg::MicroChartSpec MicroOf(const KpiView& k) {
  svg::MicroChartSpec spec;
  spec.title = std::string(k.title) + " per month";
  for (const v1::MonthValue& m : k.kpi->monthly()) {
    spec.months.push_back(m.month());
    spec.values.push_back(m.value());
    spec.value_labels.push_back(FormatValue(m.value(), k.decimals, k.unit));
  }
  return spec;
}

// ---- the sections' data -------------------------------------------------------------------------

const v1::ResolvedRange& RangeOf(const v1::TeamsUsageReport& r) {
  if (r.summary().has_range()) return r.summary().range();
  if (r.conversations_trend().has_range()) return r.conversations_trend().range();
  return r.usage_by_workloads().range();
}

svg::LineChartSpec TrendSpec(const v1::ConversationsTrend& trend) {
  svg::LineChartSpec spec;
  spec.title = "Conversations trend: meetings, calls and phone-system calls per month";
  spec.left_axis_title = "Count";
  spec.right_axis_title = "Avg meeting minutes";
  svg::Series meetings{"Meetings", "c1", {}, 0, "", false};
  svg::Series calls{"Calls", "c2", {}, 0, "", false};
  svg::Series phone{"Phone systems", "c3", {}, 0, "", false};
  svg::Series minutes{"Avg meeting minutes", "c4", {}, 1, "min", true};
  for (const v1::TrendPoint& p : trend.points()) {
    spec.categories.push_back(p.month());
    meetings.values.push_back(static_cast<double>(p.meetings()));
    calls.values.push_back(static_cast<double>(p.calls()));
    phone.values.push_back(static_cast<double>(p.phone_systems()));
    minutes.values.push_back(p.avg_meeting_duration_minutes());
  }
  spec.series = {meetings, calls, phone, minutes};
  return spec;
}

struct WorkloadPanel {
  v1::Workload workload;
  std::string id;  // "meetings", "calls", "phone-systems"
  svg::StackedBarSpec spec;
};

// The three workload panels, and the all-up users as a chart of their own: drawn into each panel
// it would dwarf the phone-system bars (all-up counts every workload's users).
struct WorkloadsView {
  std::vector<WorkloadPanel> panels;
  svg::LineChartSpec all_up;
};

WorkloadsView Workloads(const v1::UsageByWorkloads& usage) {
  // The months: those of the all-up series (every month of the range), else of the points.
  std::vector<std::string> months;
  std::map<std::string, size_t> month_index;
  const auto add_month = [&](const std::string& m) {
    if (month_index.emplace(m, months.size()).second) months.push_back(m);
  };
  for (const v1::AllUpPoint& p : usage.all_up()) add_month(p.month());
  for (const v1::WorkloadPoint& p : usage.points()) add_month(p.month());

  std::vector<double> all_up(months.size(), 0);
  for (const v1::AllUpPoint& p : usage.all_up()) {
    all_up[month_index[p.month()]] = static_cast<double>(p.all_up_users());
  }
  WorkloadsView view;
  view.all_up.title = "All-up Teams users per month (every workload)";
  view.all_up.categories = months;
  view.all_up.series = {{"All-up users (every workload)", "allup", all_up, 0, "", false}};
  view.all_up.left_axis_title = "Users";
  view.all_up.height = 220;
  for (v1::Workload w : {v1::MEETINGS, v1::CALLS, v1::PHONE_SYSTEMS}) {
    WorkloadPanel panel;
    panel.workload = w;
    panel.id = w == v1::MEETINGS ? "meetings" : w == v1::CALLS ? "calls" : "phone-systems";
    svg::StackedBarSpec& spec = panel.spec;
    spec.title = WorkloadTitle(w) + ": users per month on desktop, mobile and web";
    spec.categories = months;
    spec.part_names = {"Desktop", "Mobile", "Web"};
    spec.part_classes = {"desktop", "mobile", "web"};
    spec.values.assign(months.size(), std::vector<double>(3, 0));
    spec.axis_title = "Users";
    bool present = false;
    for (const v1::WorkloadPoint& p : usage.points()) {
      if (p.workload() != w) continue;
      present = true;
      std::vector<double>& v = spec.values[month_index[p.month()]];
      v = {static_cast<double>(p.desktop_users()), static_cast<double>(p.mobile_users()),
           static_cast<double>(p.web_users())};
    }
    // A workload the response left out is not drawn, unless none is there at all.
    if (present || usage.points().empty()) view.panels.push_back(std::move(panel));
  }
  return view;
}

// ---- HTML ---------------------------------------------------------------------------------------

std::string PageCss(const std::vector<WorkloadPanel>& panels) {
  std::string css =
      "*{box-sizing:border-box}\n"
      "body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 \"Segoe UI\","
      "system-ui,-apple-system,\"DejaVu Sans\",Arial,sans-serif}\n"
      "header{padding:20px 32px 14px;border-bottom:1px solid var(--grid)}\n"
      "h1{font-size:22px;margin:0 0 8px}\n"
      ".meta{display:flex;flex-wrap:wrap;gap:4px 28px;margin:0}\n"
      ".meta div{display:flex;gap:6px}.meta dt{color:var(--muted)}"
      ".meta dd{margin:0;font-weight:600}\n"
      "main{padding:16px 32px 8px;max-width:1280px}\n"
      "section{margin:0 0 28px;break-inside:avoid}\n"
      "h2{font-size:16px;margin:0 0 10px}\n"
      ".tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(190px,1fr));gap:12px}\n"
      ".tile{border:1px solid var(--grid);border-radius:8px;padding:12px 14px;"
      "background:var(--card);min-width:0}\n"
      // Two lines for every title, so the values of all tiles line up.
      ".tile h3{font-size:12px;font-weight:600;margin:0;color:var(--muted);line-height:1.3;"
      "min-height:2.6em;overflow:hidden}\n"
      ".tile .value{font-size:24px;font-weight:600;margin:2px 0 0;white-space:nowrap}\n"
      ".change{margin:0 0 8px;font-weight:600;white-space:nowrap}\n"
      ".change.up{color:var(--up)}.change.down{color:var(--down)}"
      ".change.flat,.change.none{color:var(--muted)}\n"
      ".change .prev{font-weight:400;color:var(--muted)}\n"
      ".tile svg.micro{display:block;width:100%;height:36px}\n"
      "svg.chart{display:block;width:100%;height:auto}\n"
      ".card{border:1px solid var(--grid);border-radius:8px;padding:12px 14px;"
      "background:var(--card)}\n"
      ".wl-radio{position:absolute;opacity:0;width:1px;height:1px;margin:0}\n"
      ".wl-tabs{display:flex;flex-wrap:wrap;gap:6px;margin:0 0 10px}\n"
      ".wl-tabs label{padding:3px 12px;border:1px solid var(--grid);border-radius:14px;"
      "cursor:pointer;color:var(--muted);user-select:none}\n"
      ".wl-panel{display:none}\n"
      ".wl-panel h3{font-size:14px;margin:0 0 6px}\n"
      ".print-only{display:none}\n"
      "table{border-collapse:collapse;width:100%;font-size:13px}\n"
      "th{text-align:left;color:var(--muted);font-weight:600;border-bottom:1px solid "
      "var(--grid);padding:4px 8px;white-space:nowrap}\n"
      "td{padding:4px 8px;border-bottom:1px solid var(--grid);white-space:nowrap}\n"
      ".num{text-align:right;font-variant-numeric:tabular-nums}\n"
      ".name{max-width:22em;overflow:hidden;text-overflow:ellipsis}\n"
      ".barcell{display:flex;align-items:center;justify-content:flex-end;gap:8px}\n"
      // Every value of a column as wide as its widest, so that the bars line up.
      ".barcell span{min-width:var(--numw,6ch)}\n"
      "svg.cellbar{display:block;width:90px;height:10px;flex:none}\n"
      ".apps{max-width:720px}\n"
      ".all-up{margin-top:12px}\n"
      "p.empty{color:var(--muted)}\n"
      "footer{padding:0 32px 24px;color:var(--muted);font-size:12px}\n"
      "@media print{@page{margin:12mm}body{font-size:10pt}"
      "header,main,footer{padding-left:0;padding-right:0}"
      ".wl-tabs{display:none}.wl-panel{display:block!important;break-inside:avoid;"
      "margin-bottom:12px}.print-only{display:block}"
      ".tile,.card{background:none}.wl-panels,.all-up{break-inside:avoid}"
      ".tiles{grid-template-columns:repeat(5,minmax(0,1fr));gap:8px}.tile{padding:8px 10px}"
      ".tile .value{font-size:16px}}\n";
  // The workload selector: the checked radio shows its panel and marks its label.
  for (const WorkloadPanel& p : panels) {
    const std::string radio = "#wl-" + p.id;
    css += radio + ":checked~.wl-panels #wl-panel-" + p.id + "{display:block}\n";
    css += radio + ":checked~.wl-tabs label[for=wl-" + p.id +
           "]{background:var(--c1);border-color:var(--c1);color:var(--bg)}\n";
    css += radio + ":focus-visible~.wl-tabs label[for=wl-" + p.id +
           "]{outline:2px solid var(--fg);outline-offset:2px}\n";
  }
  return css;
}

std::string Header(const v1::ResolvedRange& range, const HtmlReportOptions& options) {
  std::string range_text = range.start_date() + " – " + range.end_date();
  if (!options.range_label.empty()) range_text += " (" + options.range_label + ")";
  std::string filters;
  for (const auto& [name, value] : options.filters) {
    if (!filters.empty()) filters += "; ";
    filters += name + ": " + value;
  }
  if (filters.empty()) filters = "none (all customers)";
  const auto item = [](const std::string& name, const std::string& value) {
    return "<div><dt>" + Escape(name) + "</dt><dd>" + Escape(value) + "</dd></div>";
  };
  return "<header><h1>Teams usage</h1><dl class=\"meta\">" + item("Range", range_text) +
         item("Filters", filters) +
         item("Data as of", range.data_as_of().empty() ? "no data yet" : range.data_as_of()) +
         item("Data version", std::to_string(range.data_version())) + "</dl></header>\n";
}

std::string SectionOpen(const std::string& id, const std::string& title) {
  return "<section id=\"" + id + "\" aria-labelledby=\"h-" + id + "\"><h2 id=\"h-" + id + "\">" +
         Escape(title) + "</h2>";
}

std::string SummaryHtml(const v1::Summary& summary) {
  std::string out = SectionOpen("summary", "Summary") + "<div class=\"tiles\">";
  for (const KpiView& k : Kpis(summary)) {
    const Change c = ChangeOf(k);
    // The title attribute: a narrow tile cuts the name with "…".
    out += "<article class=\"tile\"><h3 title=\"" + Escape(k.title) + "\">" + Escape(k.title) +
           "</h3>";
    out += "<p class=\"value\">" + Escape(FormatValue(k.kpi->value(), k.decimals, k.unit)) + "</p>";
    out += "<p class=\"change " + c.css + "\" title=\"" + Escape(c.tooltip) + "\">";
    if (!c.arrow.empty()) out += "<span aria-hidden=\"true\">" + c.arrow + "</span> ";
    out += Escape(c.text) + " <span class=\"prev\">vs " +
           Escape(FormatValue(k.kpi->previous_value(), k.decimals, k.unit)) + "</span></p>";
    out += svg::MicroChart(MicroOf(k)) + "</article>";
  }
  return out + "</div></section>\n";
}

std::string WorkloadsHtml(const WorkloadsView& view) {
  const std::vector<WorkloadPanel>& panels = view.panels;
  std::string out = SectionOpen("usage-by-workloads", "Usage by workloads");
  // Pure HTML/CSS selector: radios first, so that `:checked ~` reaches the tabs and panels.
  for (size_t i = 0; i < panels.size(); ++i) {
    out += "<input type=\"radio\" class=\"wl-radio\" name=\"workload\" id=\"wl-" + panels[i].id +
           "\"" + (i == 0 ? " checked" : "") + ">";
  }
  out += "<div class=\"wl-tabs\">";
  for (const WorkloadPanel& p : panels) {
    out += "<label for=\"wl-" + p.id + "\">" + Escape(WorkloadTitle(p.workload)) + "</label>";
  }
  out += "</div><div class=\"wl-panels\">";
  for (const WorkloadPanel& p : panels) {
    out += "<div class=\"wl-panel card\" id=\"wl-panel-" + p.id + "\"><h3 class=\"print-only\">" +
           Escape(WorkloadTitle(p.workload)) + "</h3>" + svg::StackedBarChart(p.spec) + "</div>";
  }
  return out + "</div><div class=\"card all-up\">" + svg::LineChart(view.all_up) +
         "</div></section>\n";
}

std::string NameCell(const std::string& name) {
  return "<td class=\"name\" title=\"" + Escape(name) + "\">" +
         Escape(svg::Ellipsize(name, kNameColumns)) + "</td>";
}

std::string BarCell(int64_t value, int64_t max) {
  const double fraction = max > 0 ? static_cast<double>(value) / static_cast<double>(max) : 0;
  return "<td class=\"num\"><div class=\"barcell\">" + svg::CellBar(fraction) + "<span>" +
         FormatInt(value) + "</span></div></td>";
}

std::string CustomersHtml(const google::protobuf::RepeatedPtrField<v1::CustomerUsage>& rows) {
  std::string out = SectionOpen("top-customers", "Top customers by meetings");
  if (rows.empty())
    return out + "<p class=\"empty\">No customer held a meeting in this range.</p></section>\n";
  int64_t max = 0;
  for (const v1::CustomerUsage& u : rows) max = std::max(max, u.meetings());
  out += "<table style=\"--numw:" + std::to_string(FormatInt(max).size()) +
         "ch\"><thead><tr><th class=\"num\">#</th><th>Customer</th><th>Country</th>"
         "<th class=\"num\">Meetings</th><th class=\"num\">Calls</th>"
         "<th class=\"num\">Phone systems</th><th class=\"num\">Meeting hours</th>"
         "<th class=\"num\">Apps</th><th class=\"num\">App users</th></tr></thead><tbody>";
  int rank = 1;
  for (const v1::CustomerUsage& u : rows) {
    const v1::Customer& c = u.customer();
    out += "<tr><td class=\"num\">" + std::to_string(rank++) + "</td>" + NameCell(c.name());
    out += "<td title=\"" + Escape(c.country()) + "\">" + Escape(c.country_code()) + "</td>";
    out += BarCell(u.meetings(), max);
    out += "<td class=\"num\">" + FormatInt(u.calls()) + "</td>";
    out += "<td class=\"num\">" + FormatInt(u.phone_systems()) + "</td>";
    out += "<td class=\"num\">" + FormatDecimal(u.meeting_duration_hours(), 1) + "</td>";
    out += "<td class=\"num\">" + FormatInt(u.third_party_apps()) + "</td>";
    out += "<td class=\"num\">" + FormatInt(u.third_party_app_users()) + "</td></tr>";
  }
  return out + "</tbody></table></section>\n";
}

std::string AppsHtml(const google::protobuf::RepeatedPtrField<v1::AppUsage>& rows) {
  std::string out = SectionOpen("top-apps", "Top third-party apps by users");
  if (rows.empty())
    return out + "<p class=\"empty\">No third-party app was used in this range.</p></section>\n";
  int64_t max = 0;
  for (const v1::AppUsage& a : rows) max = std::max(max, a.user_count());
  out += "<table class=\"apps\" style=\"--numw:" + std::to_string(FormatInt(max).size()) +
         "ch\"><thead><tr><th class=\"num\">#</th><th>App</th>"
         "<th class=\"num\">Users (peak month)</th><th class=\"num\">Customers</th></tr></thead>"
         "<tbody>";
  int rank = 1;
  for (const v1::AppUsage& a : rows) {
    out += "<tr><td class=\"num\">" + std::to_string(rank++) + "</td>" + NameCell(a.app_name()) +
           BarCell(a.user_count(), max) + "<td class=\"num\">" + FormatInt(a.customer_count()) +
           "</td></tr>";
  }
  return out + "</tbody></table></section>\n";
}

// ---- standalone SVG -----------------------------------------------------------------------------

std::string SummarySvg(const v1::Summary& summary) {
  constexpr int kTileWidth = 184;
  constexpr int kGap = 10;
  constexpr int kHeight = 132;
  std::string out =
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart tiles-chart\" "
      "viewBox=\"0 0 960 132\" width=\"960\" height=\"132\" role=\"img\" "
      "aria-label=\"Summary\"><title>Summary</title>";
  int x = 0;
  for (const KpiView& k : Kpis(summary)) {
    const Change c = ChangeOf(k);
    out += "<g transform=\"translate(" + std::to_string(x) + ",0)\"><title>" +
           Escape(std::string(k.title) + ": " + FormatValue(k.kpi->value(), k.decimals, k.unit) +
                  ", " + c.tooltip) +
           "</title>";
    out += "<rect class=\"tile-bg\" x=\"0.5\" y=\"0.5\" width=\"" + std::to_string(kTileWidth - 1) +
           "\" height=\"" + std::to_string(kHeight - 1) + "\" rx=\"8\"/>";
    out += "<text class=\"kpi-title\" x=\"12\" y=\"22\">" + Escape(svg::Ellipsize(k.title, 26)) +
           "</text>";
    out += "<text class=\"kpi-value\" x=\"12\" y=\"50\">" +
           Escape(FormatValue(k.kpi->value(), k.decimals, k.unit)) + "</text>";
    out += "<text class=\"" + c.css + "\" x=\"12\" y=\"70\">" +
           Escape((c.arrow.empty() ? "" : c.arrow + " ") + c.text) + "</text>";
    svg::MicroChartSpec micro = MicroOf(k);
    micro.width = kTileWidth - 24;
    out += "<g transform=\"translate(12,84)\">" + svg::MicroChart(micro) + "</g></g>";
    x += kTileWidth + kGap;
  }
  return out + "</svg>";
}

std::string WorkloadsSvg(const WorkloadsView& view) {
  constexpr int kPanelHeight = 300;
  constexpr int kHeading = 24;
  const std::vector<WorkloadPanel>& panels = view.panels;
  const int height =
      static_cast<int>(panels.size()) * (kPanelHeight + kHeading) + kHeading + view.all_up.height;
  std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 960 " +
                    std::to_string(height) + "\" width=\"960\" height=\"" + std::to_string(height) +
                    "\" role=\"img\" aria-label=\"Usage by workloads\"><title>Usage by "
                    "workloads</title>";
  int y = 0;
  for (const WorkloadPanel& p : panels) {
    out += "<text class=\"kpi-title\" x=\"4\" y=\"" + std::to_string(y + 17) + "\">" +
           Escape(WorkloadTitle(p.workload)) + "</text>";
    out += "<g transform=\"translate(0," + std::to_string(y + kHeading) + ")\">" +
           svg::StackedBarChart(p.spec) + "</g>";
    y += kPanelHeight + kHeading;
  }
  out += "<text class=\"kpi-title\" x=\"4\" y=\"" + std::to_string(y + 17) +
         "\">All-up users</text><g transform=\"translate(0," + std::to_string(y + kHeading) +
         ")\">" + svg::LineChart(view.all_up) + "</g>";
  return out + "</svg>";
}

}  // namespace

std::string RenderHtmlReport(const v1::TeamsUsageReport& report, const HtmlReportOptions& options) {
  const v1::ResolvedRange& range = RangeOf(report);
  const WorkloadsView workloads = Workloads(report.usage_by_workloads());
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"" +
      std::string(kHtmlReportCsp) +
      "\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"color-scheme\" content=\"light dark\">\n<title>Teams usage, " +
      Escape(range.start_date() + " – " + range.end_date()) + "</title>\n<style>\n" +
      svg::ChartCss() + PageCss(workloads.panels) + "</style>\n</head>\n<body>\n" +
      Header(range, options) + "<main>\n" + SummaryHtml(report.summary());
  out += SectionOpen("conversations-trend", "Conversations trend") + "<div class=\"card\">" +
         svg::LineChart(TrendSpec(report.conversations_trend())) + "</div></section>\n";
  out += WorkloadsHtml(workloads);
  out += CustomersHtml(report.top_customers());
  out += AppsHtml(report.top_apps());
  out += "</main>\n<footer>Drawn by teams-report from one GetReport response (data version " +
         std::to_string(range.data_version()) +
         "); every figure is the server's. Hover a mark for its value.</footer>\n</body>\n"
         "</html>\n";
  return out;
}

std::vector<SectionSvg> RenderSectionSvgs(const v1::TeamsUsageReport& report) {
  std::vector<SectionSvg> out;
  out.push_back({"summary", svg::StandaloneSvg(SummarySvg(report.summary()))});
  out.push_back({"conversations-trend",
                 svg::StandaloneSvg(svg::LineChart(TrendSpec(report.conversations_trend())))});
  out.push_back({"usage-by-workloads",
                 svg::StandaloneSvg(WorkloadsSvg(Workloads(report.usage_by_workloads())))});
  std::vector<svg::HorizontalBar> customers;
  for (const v1::CustomerUsage& u : report.top_customers()) {
    customers.push_back(
        {u.customer().name(), static_cast<double>(u.meetings()), FormatInt(u.meetings())});
  }
  out.push_back({"top-customers", svg::StandaloneSvg(svg::HorizontalBarChart(
                                      "Top customers by meetings", customers))});
  std::vector<svg::HorizontalBar> apps;
  for (const v1::AppUsage& a : report.top_apps()) {
    apps.push_back({a.app_name(), static_cast<double>(a.user_count()), FormatInt(a.user_count())});
  }
  out.push_back({"top-apps", svg::StandaloneSvg(svg::HorizontalBarChart(
                                 "Top third-party apps by users (peak month)", apps))});
  return out;
}

}  // namespace teams_usage::client
