#include "client/render.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include "client/chart.h"
#include "client/table.h"

namespace teams_usage::client {
namespace {

namespace v1 = teams_usage::v1;

// Charts are easier to read when they do not stretch across a very wide terminal.
constexpr int kMaxChartWidth = 100;

TableStyle TableStyleOf(const RenderOptions& options) {
  TableStyle style;
  style.max_width = options.width;
  style.unicode = options.unicode;
  return style;
}

ChartStyle ChartStyleOf(const RenderOptions& options) {
  ChartStyle style;
  style.width = std::min(options.width, kMaxChartWidth);
  style.unicode = options.unicode;
  return style;
}

std::string Title(const std::string& text, const RenderOptions& options) {
  return TruncateToWidth(text, options.width, options.unicode) + "\n";
}

// The range header line (or two lines on a narrow terminal), each line cut to the width.
std::string Header(const v1::ResolvedRange& range, const RenderOptions& options) {
  std::string out;
  const std::string text = RangeHeader(range, options.range_label, options.width);
  for (size_t start = 0; start < text.size();) {
    const size_t end = text.find('\n', start);
    out += Title(text.substr(start, end - start), options);
    start = end + 1;
  }
  return out;
}

std::string Hours(double value) { return FormatDecimal(value, 1) + " h"; }
std::string Minutes(double value) { return FormatDecimal(value, 1) + " min"; }

// ---- CSV ----------------------------------------------------------------------------------------

// One CSV document of named columns; a row sets some of them, the rest stay empty.
class CsvTable {
 public:
  explicit CsvTable(std::vector<std::string> columns) : columns_(std::move(columns)) {
    for (size_t i = 0; i < columns_.size(); ++i) index_[columns_[i]] = i;
    text_ = CsvRecord(columns_);
  }
  void Row(const std::vector<std::pair<std::string, std::string>>& cells) {
    std::vector<std::string> fields(columns_.size());
    for (const auto& [name, value] : cells) {
      auto it = index_.find(name);
      if (it != index_.end()) fields[it->second] = value;
    }
    text_ += CsvRecord(fields);
  }
  const std::string& text() const { return text_; }

 private:
  std::vector<std::string> columns_;
  std::map<std::string, size_t> index_;
  std::string text_;
};

using Cells = std::vector<std::pair<std::string, std::string>>;

std::string Num(int64_t v) { return std::to_string(v); }
std::string Num(double v) { return ShortestDecimal(v); }

const char* const kKpiNames[] = {"customers", "meeting_count",
                                 "daily_avg_meeting_count_per_customer", "meeting_duration_hours",
                                 "avg_meeting_duration_minutes"};

std::vector<const v1::Kpi*> Kpis(const v1::Summary& s) {
  return {&s.customers(), &s.meeting_count(), &s.daily_avg_meeting_count_per_customer(),
          &s.meeting_duration_hours(), &s.avg_meeting_duration_minutes()};
}

Cells KpiCells(const char* name, const v1::Kpi& kpi) {
  return {{"kpi", name},
          {"value", Num(kpi.value())},
          {"previous_value", Num(kpi.previous_value())},
          {"change_percent", kpi.has_change_percent() ? Num(kpi.change_percent()) : ""}};
}

Cells TrendCells(const v1::TrendPoint& p) {
  return {{"month", p.month()},
          {"meetings", Num(p.meetings())},
          {"calls", Num(p.calls())},
          {"phone_systems", Num(p.phone_systems())},
          {"avg_meeting_duration_minutes", Num(p.avg_meeting_duration_minutes())}};
}

Cells WorkloadCells(const v1::WorkloadPoint& p) {
  return {{"month", p.month()},
          {"workload", v1::Workload_Name(p.workload())},
          {"desktop_users", Num(p.desktop_users())},
          {"mobile_users", Num(p.mobile_users())},
          {"web_users", Num(p.web_users())}};
}

Cells AllUpCells(const v1::AllUpPoint& p) {
  return {{"month", p.month()}, {"all_up_users", Num(p.all_up_users())}};
}

Cells CustomerCells(const v1::CustomerUsage& u) {
  const v1::Customer& c = u.customer();
  return {{"customer_id", c.customer_id()},
          {"customer_tenant_id", c.customer_tenant_id()},
          {"name", c.name()},
          {"country_code", c.country_code()},
          {"country", c.country()},
          {"segment", c.segment()},
          {"industry", c.industry()},
          {"vertical", c.vertical()},
          {"eou", c.eou()},
          {"meetings", Num(u.meetings())},
          {"calls", Num(u.calls())},
          {"phone_systems", Num(u.phone_systems())},
          {"meeting_duration_hours", Num(u.meeting_duration_hours())},
          {"third_party_apps", Num(u.third_party_apps())},
          {"third_party_app_users", Num(u.third_party_app_users())}};
}

Cells AppCells(const v1::AppUsage& a) {
  return {{"app_name", a.app_name()},
          {"user_count", Num(a.user_count())},
          {"customer_count", Num(a.customer_count())}};
}

Cells WithSection(const char* section, Cells cells) {
  cells.insert(cells.begin(), {"section", section});
  return cells;
}

const std::vector<std::string> kSummaryColumns = {"kpi", "value", "previous_value",
                                                  "change_percent"};
const std::vector<std::string> kTrendColumns = {"month", "meetings", "calls", "phone_systems",
                                                "avg_meeting_duration_minutes"};
const std::vector<std::string> kWorkloadColumns = {
    "section", "month", "workload", "desktop_users", "mobile_users", "web_users", "all_up_users"};
const std::vector<std::string> kCustomerColumns = {"customer_id",
                                                   "customer_tenant_id",
                                                   "name",
                                                   "country_code",
                                                   "country",
                                                   "segment",
                                                   "industry",
                                                   "vertical",
                                                   "eou",
                                                   "meetings",
                                                   "calls",
                                                   "phone_systems",
                                                   "meeting_duration_hours",
                                                   "third_party_apps",
                                                   "third_party_app_users"};
const std::vector<std::string> kAppColumns = {"app_name", "user_count", "customer_count"};

// The report's CSV: every section's columns, once each, after a `section` column.
std::vector<std::string> ReportColumns() {
  std::vector<std::string> columns = {"section"};
  for (const auto* list :
       {&kSummaryColumns, &kTrendColumns, &kWorkloadColumns, &kCustomerColumns, &kAppColumns}) {
    for (const std::string& c : *list) {
      if (std::find(columns.begin(), columns.end(), c) == columns.end()) columns.push_back(c);
    }
  }
  return columns;
}

// ---- tables and charts --------------------------------------------------------------------------

std::string SummaryTable(const v1::Summary& summary, const RenderOptions& options) {
  const char* const titles[] = {"Customers", "Meetings", "Daily avg meetings per customer",
                                "Meeting duration", "Avg meeting duration"};
  std::vector<std::vector<std::string>> rows;
  const auto kpis = Kpis(summary);
  for (size_t i = 0; i < kpis.size(); ++i) {
    const v1::Kpi& kpi = *kpis[i];
    const auto format = [i](double v) {
      switch (i) {
        case 0:
        case 1:
          return FormatDecimal(v, 0);
        case 2:
          return FormatDecimal(v, 2);
        case 3:
          return Hours(v);
        default:
          return Minutes(v);
      }
    };
    std::vector<double> monthly;
    for (const v1::MonthValue& m : kpi.monthly()) monthly.push_back(m.value());
    rows.push_back(
        {titles[i], format(kpi.value()), format(kpi.previous_value()),
         FormatChange(
             kpi.has_change_percent() ? std::optional<double>(kpi.change_percent()) : std::nullopt,
             options.unicode),
         Sparkline(monthly, options.unicode)});
  }
  const auto make = [&rows](bool with_monthly) {
    std::vector<Column> columns = {{"KPI", Align::kLeft, /*shrinkable=*/true, 12},
                                   {"Value", Align::kRight},
                                   {"Previous period", Align::kRight, false, 8, /*drop_rank=*/1},
                                   {"Change", Align::kLeft}};
    if (with_monthly) columns.push_back({"Monthly", Align::kLeft});
    Table table(columns);
    for (const auto& row : rows) table.AddRow(row);  // a fifth cell beyond the columns is ignored
    return table;
  };
  // The micro charts are the first thing to go on a narrow terminal, before a KPI name is cut.
  const Table full = make(true);
  if (options.width <= 0 || full.NaturalWidth() <= options.width) {
    return full.Render(TableStyleOf(options));
  }
  return make(false).Render(TableStyleOf(options));
}

std::string TrendTable(const v1::ConversationsTrend& trend, const RenderOptions& options) {
  Table table({{"Month", Align::kLeft},
               {"Meetings", Align::kRight},
               {"Calls", Align::kRight},
               {"Phone systems", Align::kRight},
               {"Avg meeting", Align::kRight, false, 8, /*drop_rank=*/1}});
  for (const v1::TrendPoint& p : trend.points()) {
    table.AddRow({p.month(), FormatInt(p.meetings()), FormatInt(p.calls()),
                  FormatInt(p.phone_systems()), Minutes(p.avg_meeting_duration_minutes())});
  }
  std::string out = table.Render(TableStyleOf(options));
  if (trend.points_size() == 0) return out;
  struct Series {
    const char* title;
    double (*value)(const v1::TrendPoint&);
    std::string (*label)(const v1::TrendPoint&);
  };
  const Series series[] = {
      {"Meetings per month", [](const v1::TrendPoint& p) { return double(p.meetings()); },
       [](const v1::TrendPoint& p) { return FormatInt(p.meetings()); }},
      {"Calls per month", [](const v1::TrendPoint& p) { return double(p.calls()); },
       [](const v1::TrendPoint& p) { return FormatInt(p.calls()); }},
      {"Phone-system (PSTN) calls per month",
       [](const v1::TrendPoint& p) { return double(p.phone_systems()); },
       [](const v1::TrendPoint& p) { return FormatInt(p.phone_systems()); }},
      {"Average meeting duration per month",
       [](const v1::TrendPoint& p) { return p.avg_meeting_duration_minutes(); },
       [](const v1::TrendPoint& p) { return Minutes(p.avg_meeting_duration_minutes()); }},
  };
  for (const Series& s : series) {
    BarChart chart;
    chart.title = s.title;
    for (const v1::TrendPoint& p : trend.points()) {
      chart.bars.push_back({p.month(), {s.value(p)}, s.label(p)});
    }
    out += "\n" + RenderBarChart(chart, ChartStyleOf(options));
  }
  return out;
}

std::string WorkloadsTable(const v1::UsageByWorkloads& usage, const RenderOptions& options) {
  Table table({{"Month", Align::kLeft},
               {"Workload", Align::kLeft},
               {"Desktop users", Align::kRight},
               {"Mobile users", Align::kRight},
               {"Web users", Align::kRight}});
  for (const v1::WorkloadPoint& p : usage.points()) {
    table.AddRow({p.month(), WorkloadTitle(p.workload()), FormatInt(p.desktop_users()),
                  FormatInt(p.mobile_users()), FormatInt(p.web_users())});
  }
  std::string out = table.Render(TableStyleOf(options));

  // One stacked chart per workload present, in the order they come.
  std::vector<v1::Workload> workloads;
  for (const v1::WorkloadPoint& p : usage.points()) {
    if (std::find(workloads.begin(), workloads.end(), p.workload()) == workloads.end()) {
      workloads.push_back(p.workload());
    }
  }
  for (v1::Workload w : workloads) {
    BarChart chart;
    chart.title = WorkloadTitle(w) + ": users per month (desktop / mobile / web)";
    chart.legend = {"desktop", "mobile", "web"};
    for (const v1::WorkloadPoint& p : usage.points()) {
      if (p.workload() != w) continue;
      chart.bars.push_back(
          {p.month(),
           {double(p.desktop_users()), double(p.mobile_users()), double(p.web_users())},
           FormatInt(p.desktop_users()) + " / " + FormatInt(p.mobile_users()) + " / " +
               FormatInt(p.web_users())});
    }
    out += "\n" + RenderBarChart(chart, ChartStyleOf(options));
  }
  if (usage.all_up_size() > 0) {
    BarChart chart;
    chart.title = "All-up Teams users per month";
    for (const v1::AllUpPoint& p : usage.all_up()) {
      chart.bars.push_back({p.month(), {double(p.all_up_users())}, FormatInt(p.all_up_users())});
    }
    out += "\n" + RenderBarChart(chart, ChartStyleOf(options));
  }
  return out;
}

// "rows 1-25 of 60", "25 rows of 60".
std::string RowsNote(int64_t first_rank, int rows, int64_t total) {
  if (rows == 0) return "none of " + FormatInt(total);
  if (first_rank > 0) {
    return "rows " + FormatInt(first_rank) + "-" + FormatInt(first_rank + rows - 1) + " of " +
           FormatInt(total);
  }
  return FormatInt(rows) + " rows of " + FormatInt(total);
}

std::string CustomersTable(const google::protobuf::RepeatedPtrField<v1::CustomerUsage>& rows,
                           v1::UsageMetric metric, int64_t first_rank,
                           const RenderOptions& options) {
  // Narrow terminals leave out the descriptive columns first, never the ranking metric.
  if (metric == v1::USAGE_METRIC_UNSPECIFIED) metric = v1::METRIC_MEETINGS;
  const auto rank_unless = [metric](v1::UsageMetric m, int rank) { return m == metric ? 0 : rank; };
  std::vector<Column> columns = {
      {"#", Align::kRight},
      {"Customer", Align::kLeft, true, 12},
      // A cut id is of no use (it cannot be passed to --customer): whole, or left out.
      {"ID", Align::kLeft, false, 8, 8},
      {"Country", Align::kLeft, false, 8, 6},
      {"Segment", Align::kLeft, true, 8, 9},
      {"Industry", Align::kLeft, true, 8, 10},
      {"Meetings", Align::kRight, false, 8, rank_unless(v1::METRIC_MEETINGS, 2)},
      {"Calls", Align::kRight, false, 8, rank_unless(v1::METRIC_CALLS, 3)},
      {"Phone systems", Align::kRight, false, 8, rank_unless(v1::METRIC_PHONE_SYSTEMS, 4)},
      {"Meeting hours", Align::kRight, false, 8, 7},
      {"Apps", Align::kRight, false, 8, 5},
      {"App users", Align::kRight, false, 8, rank_unless(v1::METRIC_THIRD_PARTY_APPS, 1)},
  };
  if (first_rank <= 0) columns.erase(columns.begin());  // ranks unknown: no rank column
  Table table(columns);
  int64_t rank = first_rank;
  for (const v1::CustomerUsage& u : rows) {
    const v1::Customer& c = u.customer();
    std::vector<std::string> row = {c.name(),
                                    c.customer_id(),
                                    c.country_code(),
                                    c.segment(),
                                    c.industry(),
                                    FormatInt(u.meetings()),
                                    FormatInt(u.calls()),
                                    FormatInt(u.phone_systems()),
                                    FormatDecimal(u.meeting_duration_hours(), 1),
                                    FormatInt(u.third_party_apps()),
                                    FormatInt(u.third_party_app_users())};
    if (first_rank > 0) row.insert(row.begin(), FormatInt(rank++));
    table.AddRow(row);
  }
  return table.Render(TableStyleOf(options));
}

std::string AppsTable(const google::protobuf::RepeatedPtrField<v1::AppUsage>& apps,
                      int64_t first_rank, const RenderOptions& options) {
  std::vector<Column> columns = {{"#", Align::kRight},
                                 {"App", Align::kLeft, true, 12},
                                 {"Users", Align::kRight},
                                 {"Customers", Align::kRight}};
  if (first_rank <= 0) columns.erase(columns.begin());
  Table table(columns);
  int64_t rank = first_rank;
  for (const v1::AppUsage& a : apps) {
    std::vector<std::string> row = {a.app_name(), FormatInt(a.user_count()),
                                    FormatInt(a.customer_count())};
    if (first_rank > 0) row.insert(row.begin(), FormatInt(rank++));
    table.AddRow(row);
  }
  return table.Render(TableStyleOf(options));
}

std::string NextPageNote(const std::string& token) {
  if (token.empty()) return "";
  // The token is never cut, whatever the width: it is to be copied whole.
  return "More rows: --all for every row, or the next page with\n--page-token " + token + "\n";
}

}  // namespace

std::string RangeHeader(const v1::ResolvedRange& range, const std::string& label, int width) {
  std::string dates = "Range " + range.start_date() + " .. " + range.end_date();
  if (!label.empty()) dates += " (" + label + ")";
  const std::string as_of = "data as of " +
                            (range.data_as_of().empty() ? "(no data yet)" : range.data_as_of()) +
                            ", data version " + std::to_string(range.data_version());
  const std::string one_line = dates + "   " + as_of;
  if (width <= 0 || DisplayWidth(one_line) <= width) return one_line + "\n";
  return dates + "\n" + as_of + "\n";
}

std::string ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = false;
  std::string out;
  if (!google::protobuf::util::MessageToJsonString(message, &out, options).ok()) return "{}\n";
  if (out.empty() || out.back() != '\n') out.push_back('\n');
  return out;
}

std::string CsvRecord(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out.push_back(',');
    const std::string& f = fields[i];
    if (f.find_first_of(",\"\r\n") == std::string::npos) {
      out += f;
      continue;
    }
    out.push_back('"');
    for (char ch : f) {
      if (ch == '"') out.push_back('"');
      out.push_back(ch);
    }
    out.push_back('"');
  }
  out += "\r\n";
  return out;
}

std::string WorkloadTitle(v1::Workload workload) {
  switch (workload) {
    case v1::MEETINGS:
      return "Meetings";
    case v1::CALLS:
      return "Calls";
    case v1::PHONE_SYSTEMS:
      return "Phone systems";
    default:
      return "Unspecified";
  }
}

std::string MetricTitle(v1::UsageMetric metric) {
  switch (metric) {
    case v1::METRIC_CALLS:
      return "calls";
    case v1::METRIC_PHONE_SYSTEMS:
      return "phone systems";
    case v1::METRIC_THIRD_PARTY_APPS:
      return "third-party app users";
    default:
      return "meetings";
  }
}

std::string RenderSummary(const v1::Summary& summary, const RenderOptions& options) {
  switch (options.format) {
    case OutputFormat::kJson:
      return ToJson(summary);
    case OutputFormat::kCsv: {
      CsvTable csv(kSummaryColumns);
      const auto kpis = Kpis(summary);
      for (size_t i = 0; i < kpis.size(); ++i) csv.Row(KpiCells(kKpiNames[i], *kpis[i]));
      return csv.text();
    }
    case OutputFormat::kTable:
      break;
  }
  return Header(summary.range(), options) + "\n" + Title("Summary", options) +
         SummaryTable(summary, options);
}

std::string RenderTrend(const v1::ConversationsTrend& trend, const RenderOptions& options) {
  switch (options.format) {
    case OutputFormat::kJson:
      return ToJson(trend);
    case OutputFormat::kCsv: {
      CsvTable csv(kTrendColumns);
      for (const v1::TrendPoint& p : trend.points()) csv.Row(TrendCells(p));
      return csv.text();
    }
    case OutputFormat::kTable:
      break;
  }
  return Header(trend.range(), options) + "\n" + Title("Conversations trend", options) +
         TrendTable(trend, options);
}

std::string RenderWorkloads(const v1::UsageByWorkloads& usage, const RenderOptions& options) {
  switch (options.format) {
    case OutputFormat::kJson:
      return ToJson(usage);
    case OutputFormat::kCsv: {
      CsvTable csv(kWorkloadColumns);
      for (const v1::WorkloadPoint& p : usage.points()) {
        csv.Row(WithSection("workloads", WorkloadCells(p)));
      }
      for (const v1::AllUpPoint& p : usage.all_up()) csv.Row(WithSection("all_up", AllUpCells(p)));
      return csv.text();
    }
    case OutputFormat::kTable:
      break;
  }
  return Header(usage.range(), options) + "\n" + Title("Usage by workloads", options) +
         WorkloadsTable(usage, options);
}

std::string RenderTopCustomers(const v1::ListTopCustomersResponse& response, v1::UsageMetric metric,
                               int64_t first_rank, const RenderOptions& options) {
  switch (options.format) {
    case OutputFormat::kJson:
      return ToJson(response);
    case OutputFormat::kCsv: {
      CsvTable csv(kCustomerColumns);
      for (const v1::CustomerUsage& u : response.customers()) csv.Row(CustomerCells(u));
      return csv.text();
    }
    case OutputFormat::kTable:
      break;
  }
  return Header(response.range(), options) + "\n" +
         Title("Top customers by " + MetricTitle(metric) + " (" +
                   RowsNote(first_rank, response.customers_size(), response.total_size()) + ")",
               options) +
         CustomersTable(response.customers(), metric, first_rank, options) +
         NextPageNote(response.next_page_token());
}

std::string RenderApps(const v1::ListAppsResponse& response, int64_t first_rank,
                       const RenderOptions& options) {
  switch (options.format) {
    case OutputFormat::kJson:
      return ToJson(response);
    case OutputFormat::kCsv: {
      CsvTable csv(kAppColumns);
      for (const v1::AppUsage& a : response.apps()) csv.Row(AppCells(a));
      return csv.text();
    }
    case OutputFormat::kTable:
      break;
  }
  return Header(response.range(), options) + "\n" +
         Title("Third-party apps (" +
                   RowsNote(first_rank, response.apps_size(), response.total_size()) + ")",
               options) +
         AppsTable(response.apps(), first_rank, options) + NextPageNote(response.next_page_token());
}

std::string RenderReport(const v1::TeamsUsageReport& report, const RenderOptions& options) {
  switch (options.format) {
    case OutputFormat::kJson:
      return ToJson(report);
    case OutputFormat::kCsv: {
      CsvTable csv(ReportColumns());
      const auto kpis = Kpis(report.summary());
      for (size_t i = 0; i < kpis.size(); ++i) {
        csv.Row(WithSection("summary", KpiCells(kKpiNames[i], *kpis[i])));
      }
      for (const v1::TrendPoint& p : report.conversations_trend().points()) {
        csv.Row(WithSection("trend", TrendCells(p)));
      }
      for (const v1::WorkloadPoint& p : report.usage_by_workloads().points()) {
        csv.Row(WithSection("workloads", WorkloadCells(p)));
      }
      for (const v1::AllUpPoint& p : report.usage_by_workloads().all_up()) {
        csv.Row(WithSection("all_up", AllUpCells(p)));
      }
      for (const v1::CustomerUsage& u : report.top_customers()) {
        csv.Row(WithSection("top_customers", CustomerCells(u)));
      }
      for (const v1::AppUsage& a : report.top_apps()) csv.Row(WithSection("top_apps", AppCells(a)));
      return csv.text();
    }
    case OutputFormat::kTable:
      break;
  }
  std::string out = Header(report.summary().range(), options);
  out += "\n" + Title("Summary", options) + SummaryTable(report.summary(), options);
  out += "\n" + Title("Conversations trend", options) +
         TrendTable(report.conversations_trend(), options);
  out += "\n" + Title("Usage by workloads", options) +
         WorkloadsTable(report.usage_by_workloads(), options);
  out += "\n" +
         Title("Top customers by meetings (first " + FormatInt(report.top_customers_size()) + ")",
               options) +
         CustomersTable(report.top_customers(), v1::METRIC_MEETINGS, 1, options);
  out += "\n" +
         Title("Top third-party apps (first " + FormatInt(report.top_apps_size()) + ")", options) +
         AppsTable(report.top_apps(), 1, options);
  return out;
}

}  // namespace teams_usage::client
