#include "client/report_commands.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <set>

#include "client/html_report.h"
#include "client/table.h"
#include "client/terminal.h"
#include "teams_usage/v1/teams_usage.grpc.pb.h"

namespace teams_usage::client {
namespace {

namespace v1 = teams_usage::v1;

// With --all and no --page-size: the largest page the server gives, for the fewest round trips.
constexpr int32_t kAllPageSize = 1000;

struct PageArgs {
  int32_t page_size = 0;  // 0: the server's default (25)
  std::string page_token;
  bool all = false;
};

void AddPageFlags(CLI::App* cmd, PageArgs* page) {
  cmd->add_option("--page-size", page->page_size,
                  "rows per page (server default 25, at most 1000)");
  cmd->add_option("--page-token", page->page_token,
                  "continue from a previous page's next_page_token");
  cmd->add_flag("--all", page->all,
                "follow next_page_token until the last page and print every row once");
}

// The command's channel and a stub on it, or an exit code (a TLS file could not be read).
template <typename Service>
std::unique_ptr<typename Service::Stub> NewStub(const ConnectionOptions& connection) {
  const auto channel = MakeChannel(connection);
  if (channel == nullptr) return nullptr;
  return Service::NewStub(channel);
}

// One unary call with the token and deadline; on failure prints the status and sets *exit_code.
template <typename Call>
bool Unary(const ConnectionOptions& connection, Call call, int* exit_code) {
  grpc::ClientContext context;
  if (!PrepareContext(connection, &context)) {
    *exit_code = kExitUsage;
    return false;
  }
  const grpc::Status status = call(&context);
  if (!status.ok()) {
    *exit_code = ReportRpcError(status);
    return false;
  }
  return true;
}

int Print(const std::string& text) {
  std::cout << text << std::flush;
  return std::cout ? kExitOk : kExitError;
}

// Fetches one page, or every page from the first (or --page-token) on with --all, merged into
// one response with all rows (`append` moves a page's rows into the merged response).
template <typename Request, typename Response, typename Fetch, typename Append>
bool FetchPages(const ConnectionOptions& connection, Request request, const PageArgs& page,
                Fetch fetch, Append append, Response* merged, int* exit_code) {
  request.set_page_size(page.all && page.page_size == 0 ? kAllPageSize : page.page_size);
  request.set_page_token(page.page_token);
  std::set<std::string> seen;
  for (bool first = true;; first = false) {
    Response response;
    if (!Unary(
            connection,
            [&](grpc::ClientContext* context) { return fetch(context, request, &response); },
            exit_code)) {
      return false;
    }
    if (first) {
      *merged = std::move(response);
    } else {
      append(&response, merged);
      merged->set_total_size(response.total_size());
      merged->set_next_page_token(response.next_page_token());
    }
    const std::string next = merged->next_page_token();
    if (!page.all || next.empty()) break;
    if (!seen.insert(next).second) {
      std::cerr << "teams-report: the server returned the same page token twice; stopping\n";
      *exit_code = kExitServer;
      return false;
    }
    request.set_page_token(next);
  }
  if (page.all) merged->clear_next_page_token();
  return true;
}

// The rank of the first row printed: known when the listing starts at the first page.
int64_t FirstRank(const PageArgs& page) { return page.page_token.empty() ? 1 : 0; }

v1::Workload WorkloadFromName(const std::string& name) {
  if (name == "meetings") return v1::MEETINGS;
  if (name == "calls") return v1::CALLS;
  return v1::PHONE_SYSTEMS;
}

v1::UsageMetric MetricFromName(const std::string& name) {
  if (name == "calls") return v1::METRIC_CALLS;
  if (name == "phone-systems") return v1::METRIC_PHONE_SYSTEMS;
  if (name == "third-party-apps") return v1::METRIC_THIRD_PARTY_APPS;
  return v1::METRIC_MEETINGS;
}

// ---- the subcommands ----------------------------------------------------------------------------

struct Context {
  const ConnectionOptions* connection;
  const OutputOptions* output;
  FilterArgs filter;
  RenderOptions Render() const {
    RenderOptions options = output->Resolve();
    options.range_label = RangeLabel(filter);
    return options;
  }
};

int RunSummary(const Context& c) {
  auto stub = NewStub<v1::TeamsUsageReportService>(*c.connection);
  if (stub == nullptr) return kExitUsage;
  v1::GetSummaryRequest request;
  *request.mutable_filter() = ToFilter(c.filter);
  v1::Summary response;
  int code = kExitOk;
  if (!Unary(
          *c.connection,
          [&](grpc::ClientContext* ctx) { return stub->GetSummary(ctx, request, &response); },
          &code)) {
    return code;
  }
  return Print(RenderSummary(response, c.Render()));
}

int RunTrend(const Context& c) {
  auto stub = NewStub<v1::TeamsUsageReportService>(*c.connection);
  if (stub == nullptr) return kExitUsage;
  v1::GetConversationsTrendRequest request;
  *request.mutable_filter() = ToFilter(c.filter);
  v1::ConversationsTrend response;
  int code = kExitOk;
  if (!Unary(
          *c.connection,
          [&](grpc::ClientContext* ctx) {
            return stub->GetConversationsTrend(ctx, request, &response);
          },
          &code)) {
    return code;
  }
  return Print(RenderTrend(response, c.Render()));
}

int RunWorkloads(const Context& c, const std::vector<std::string>& workloads) {
  auto stub = NewStub<v1::TeamsUsageReportService>(*c.connection);
  if (stub == nullptr) return kExitUsage;
  v1::GetUsageByWorkloadsRequest request;
  *request.mutable_filter() = ToFilter(c.filter);
  for (const std::string& w : workloads) request.add_workloads(WorkloadFromName(w));
  v1::UsageByWorkloads response;
  int code = kExitOk;
  if (!Unary(
          *c.connection,
          [&](grpc::ClientContext* ctx) {
            return stub->GetUsageByWorkloads(ctx, request, &response);
          },
          &code)) {
    return code;
  }
  return Print(RenderWorkloads(response, c.Render()));
}

int RunTopCustomers(const Context& c, const std::string& metric_name, const PageArgs& page) {
  auto stub = NewStub<v1::TeamsUsageReportService>(*c.connection);
  if (stub == nullptr) return kExitUsage;
  v1::ListTopCustomersRequest request;
  *request.mutable_filter() = ToFilter(c.filter);
  const v1::UsageMetric metric = MetricFromName(metric_name);
  request.set_metric(metric);
  v1::ListTopCustomersResponse response;
  int code = kExitOk;
  const bool ok = FetchPages(
      *c.connection, request, page,
      [&](grpc::ClientContext* ctx, const v1::ListTopCustomersRequest& r,
          v1::ListTopCustomersResponse* out) { return stub->ListTopCustomers(ctx, r, out); },
      [](v1::ListTopCustomersResponse* from, v1::ListTopCustomersResponse* to) {
        for (auto& row : *from->mutable_customers()) *to->add_customers() = std::move(row);
      },
      &response, &code);
  if (!ok) return code;
  return Print(RenderTopCustomers(response, metric, FirstRank(page), c.Render()));
}

int RunApps(const Context& c, const std::string& customer_id, const PageArgs& page) {
  auto stub = NewStub<v1::TeamsUsageReportService>(*c.connection);
  if (stub == nullptr) return kExitUsage;
  v1::ListAppsRequest request;
  *request.mutable_filter() = ToFilter(c.filter);
  request.set_customer_id(customer_id);
  v1::ListAppsResponse response;
  int code = kExitOk;
  const bool ok = FetchPages(
      *c.connection, request, page,
      [&](grpc::ClientContext* ctx, const v1::ListAppsRequest& r, v1::ListAppsResponse* out) {
        return stub->ListApps(ctx, r, out);
      },
      [](v1::ListAppsResponse* from, v1::ListAppsResponse* to) {
        for (auto& row : *from->mutable_apps()) *to->add_apps() = std::move(row);
      },
      &response, &code);
  if (!ok) return code;
  return Print(RenderApps(response, FirstRank(page), c.Render()));
}

// --html FILE and --svg-dir DIR of `report`: the page and the section pictures, instead of the
// printed report.
struct PictureArgs {
  std::string html;
  std::string svg_dir;
  bool any() const { return !html.empty() || !svg_dir.empty(); }
};

// Checked before the call, so that a mistyped path costs no request: exit code 2.
bool CheckPictureArgs(const PictureArgs& args) {
  if (!args.html.empty()) {
    struct stat st {};
    if (stat(args.html.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      std::cerr << "teams-report: usage: --html " << args.html << " is a directory\n";
      return false;
    }
    const size_t slash = args.html.rfind('/');
    const std::string parent = slash == std::string::npos ? "." : args.html.substr(0, slash + 1);
    if (stat(parent.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      std::cerr << "teams-report: usage: --html " << args.html << ": no directory " << parent
                << "\n";
      return false;
    }
  }
  if (!args.svg_dir.empty()) {
    struct stat st {};
    if (stat(args.svg_dir.c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) {
      std::cerr << "teams-report: usage: --svg-dir " << args.svg_dir << " is not a directory\n";
      return false;
    }
  }
  return true;
}

// Writes `content` to a temporary file beside `path` and renames it over `path`, so a reader
// never sees half a page; a device or a pipe (/dev/stdout) is written to directly. False, after
// printing why, on any error.
bool WriteWholeFile(const std::string& path, const std::string& content) {
  const auto failed = [&path]() {
    std::cerr << "teams-report: cannot write " << path << ": " << std::strerror(errno) << "\n";
    return false;
  };
  struct stat st {};
  if (stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) return failed();
    const bool written = std::fwrite(content.data(), 1, content.size(), f) == content.size();
    return (std::fclose(f) == 0 && written) || failed();
  }
  char* resolved = realpath(path.c_str(), nullptr);  // a symbolic link keeps pointing there
  const std::string target = resolved != nullptr ? std::string(resolved) : path;
  std::free(resolved);
  std::string temp = target + ".partial-XXXXXX";
  const int fd = mkstemp(temp.data());
  if (fd < 0) return failed();
  const mode_t mask = umask(0);
  umask(mask);
  fchmod(fd, 0666 & ~mask);  // as a plain create would
  size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  bool ok = done == content.size() && fsync(fd) == 0;
  int error = ok ? 0 : errno;
  if (close(fd) != 0 && ok) {
    ok = false;
    error = errno;
  }
  if (ok && std::rename(temp.c_str(), target.c_str()) != 0) {
    ok = false;
    error = errno;
  }
  if (ok) return true;
  std::remove(temp.c_str());
  errno = error == 0 ? EIO : error;  // a short write without an errno: the disk is full
  return failed();
}

HtmlReportOptions PictureOptions(const FilterArgs& f) {
  HtmlReportOptions options;
  options.range_label = RangeLabel(f);
  const auto join = [](const std::vector<std::string>& values) {
    std::string out;
    for (const std::string& v : values) out += (out.empty() ? "" : ", ") + v;
    return out;
  };
  if (!f.countries.empty()) options.filters.emplace_back("Countries", join(f.countries));
  if (!f.segments.empty()) options.filters.emplace_back("Segments", join(f.segments));
  if (!f.industries.empty()) options.filters.emplace_back("Industries", join(f.industries));
  if (!f.customers.empty()) options.filters.emplace_back("Customers", join(f.customers));
  return options;
}

CLI::Validator NotEmpty(const std::string& name) {
  return CLI::Validator(
      [](std::string& value) { return value.empty() ? std::string("empty path") : std::string(); },
      name);
}

int WritePictures(const v1::TeamsUsageReport& report, const FilterArgs& filter,
                  const PictureArgs& args) {
  const HtmlReportOptions options = PictureOptions(filter);
  if (!args.html.empty()) {
    const std::string page = RenderHtmlReport(report, options);
    if (!WriteWholeFile(args.html, page)) return kExitError;
    std::cout << "wrote " << args.html << " (" << FormatInt(static_cast<int64_t>(page.size()))
              << " bytes)\n";
  }
  if (!args.svg_dir.empty()) {
    if (mkdir(args.svg_dir.c_str(), 0777) != 0 && errno != EEXIST) {
      std::cerr << "teams-report: cannot create " << args.svg_dir << ": " << std::strerror(errno)
                << "\n";
      return kExitError;
    }
    int count = 0;
    for (const SectionSvg& section : RenderSectionSvgs(report)) {
      if (!WriteWholeFile(args.svg_dir + "/" + section.name + ".svg", section.svg)) {
        return kExitError;
      }
      ++count;
    }
    std::cout << "wrote " << count << " SVG files to " << args.svg_dir << "\n";
  }
  return std::cout.flush() ? kExitOk : kExitError;
}

int RunReport(const Context& c, int32_t top_customers, int32_t top_apps,
              const PictureArgs& pictures) {
  if (!CheckPictureArgs(pictures)) return kExitUsage;
  auto stub = NewStub<v1::TeamsUsageReportService>(*c.connection);
  if (stub == nullptr) return kExitUsage;
  v1::GetReportRequest request;
  *request.mutable_filter() = ToFilter(c.filter);
  request.set_top_customers(top_customers);
  request.set_top_apps(top_apps);
  v1::TeamsUsageReport response;
  int code = kExitOk;
  if (!Unary(
          *c.connection,
          [&](grpc::ClientContext* ctx) { return stub->GetReport(ctx, request, &response); },
          &code)) {
    return code;
  }
  if (pictures.any()) return WritePictures(response, c.filter, pictures);
  return Print(RenderReport(response, c.Render()));
}

}  // namespace

RenderOptions OutputOptions::Resolve() const {
  RenderOptions options;
  options.format = output == "json"  ? OutputFormat::kJson
                   : output == "csv" ? OutputFormat::kCsv
                                     : OutputFormat::kTable;
  options.width = TerminalWidth(STDOUT_FILENO);
  options.unicode = !ascii && EnvironmentIsUtf8();
  return options;
}

void AddOutputFlags(CLI::App& app, OutputOptions* options) {
  app.add_option("--output,-o", options->output,
                 "table (aligned, with charts), json (the proto's JSON mapping) or csv (RFC 4180)")
      ->envname("TEAMS_REPORT_OUTPUT")
      ->check(CLI::IsMember({"table", "json", "csv"}))
      ->capture_default_str();
  app.add_flag("--ascii", options->ascii,
               "ASCII only: no block characters or arrows (the default when the locale is not "
               "UTF-8)");
}

void AddFilterFlags(CLI::App* cmd, FilterArgs* f) {
  auto* range =
      cmd->add_option("--range", f->range,
                      "the last 3, 6 or 12 months up to the data's last day (default 12m)")
          ->check(CLI::IsMember({"3m", "6m", "12m"}));
  auto* from = cmd->add_option("--from", f->from, "first day of a custom range, YYYY-MM-DD");
  auto* to = cmd->add_option("--to", f->to, "last day of a custom range, YYYY-MM-DD (inclusive)");
  from->needs(to);
  to->needs(from);
  range->excludes(from);
  range->excludes(to);
  cmd->add_option("--country", f->countries,
                  "customer country code, e.g. US (repeat or comma-separate for several)")
      ->delimiter(',')
      ->allow_extra_args(false);
  cmd->add_option("--segment", f->segments, "customer segment, e.g. SMB (repeat for several)")
      ->allow_extra_args(false);
  cmd->add_option("--industry", f->industries,
                  "industry, e.g. \"Financial Services\" (repeat for several)")
      ->allow_extra_args(false);
  cmd->add_option("--customer", f->customers, "customer id (repeat or comma-separate for several)")
      ->delimiter(',')
      ->allow_extra_args(false);
}

v1::ReportFilter ToFilter(const FilterArgs& f) {
  v1::ReportFilter filter;
  if (!f.from.empty() || !f.to.empty()) {
    filter.set_preset(v1::CUSTOM);
    filter.set_start_date(f.from);
    filter.set_end_date(f.to);
  } else if (f.range == "3m") {
    filter.set_preset(v1::LAST_3_MONTHS);
  } else if (f.range == "6m") {
    filter.set_preset(v1::LAST_6_MONTHS);
  } else if (f.range == "12m") {
    filter.set_preset(v1::LAST_12_MONTHS);
  }
  for (const auto& v : f.countries) filter.add_customer_country_codes(v);
  for (const auto& v : f.segments) filter.add_customer_segments(v);
  for (const auto& v : f.industries) filter.add_industries(v);
  for (const auto& v : f.customers) filter.add_customer_ids(v);
  return filter;
}

std::string RangeLabel(const FilterArgs& f) {
  if (!f.from.empty() || !f.to.empty()) return "custom range";
  if (f.range == "3m") return "last 3 months";
  if (f.range == "6m") return "last 6 months";
  return "last 12 months";
}

void AddReportCommands(CLI::App& app, const ConnectionOptions* connection,
                       const OutputOptions* output, std::function<int()>* run) {
  const auto context = [connection, output]() {
    auto c = std::make_shared<Context>();
    c->connection = connection;
    c->output = output;
    return c;
  };

  {
    auto c = context();
    CLI::App* cmd = app.add_subcommand("summary", "the summary KPIs, with the previous period");
    AddFilterFlags(cmd, &c->filter);
    cmd->callback([c, run]() { *run = [c]() { return RunSummary(*c); }; });
  }
  {
    auto c = context();
    CLI::App* cmd = app.add_subcommand(
        "trend", "the conversations trend: meetings, calls, phone systems per month");
    AddFilterFlags(cmd, &c->filter);
    cmd->callback([c, run]() { *run = [c]() { return RunTrend(*c); }; });
  }
  {
    auto c = context();
    auto workloads = std::make_shared<std::vector<std::string>>();
    CLI::App* cmd = app.add_subcommand(
        "workloads", "users per month on desktop, mobile and web, by workload, and all-up");
    AddFilterFlags(cmd, &c->filter);
    cmd->add_option("--workload", *workloads,
                    "meetings, calls or phone-systems (repeat or comma-separate; default all)")
        ->delimiter(',')
        ->allow_extra_args(false)
        ->check(CLI::IsMember({"meetings", "calls", "phone-systems"}));
    cmd->callback([c, workloads, run]() {
      *run = [c, workloads]() { return RunWorkloads(*c, *workloads); };
    });
  }
  {
    auto c = context();
    auto metric = std::make_shared<std::string>("meetings");
    auto page = std::make_shared<PageArgs>();
    CLI::App* cmd = app.add_subcommand("top-customers", "customers ranked by usage, paginated");
    AddFilterFlags(cmd, &c->filter);
    cmd->add_option("--metric", *metric, "what to rank by")
        ->check(CLI::IsMember({"meetings", "calls", "phone-systems", "third-party-apps"}))
        ->capture_default_str();
    AddPageFlags(cmd, page.get());
    cmd->callback([c, metric, page, run]() {
      *run = [c, metric, page]() { return RunTopCustomers(*c, *metric, *page); };
    });
  }
  {
    auto c = context();
    auto customer_id = std::make_shared<std::string>();
    auto page = std::make_shared<PageArgs>();
    CLI::App* cmd = app.add_subcommand(
        "apps", "the third-party Teams apps the customers use, by peak monthly users");
    AddFilterFlags(cmd, &c->filter);
    cmd->add_option("--customer-id", *customer_id, "only this customer's apps");
    AddPageFlags(cmd, page.get());
    cmd->callback([c, customer_id, page, run]() {
      *run = [c, customer_id, page]() { return RunApps(*c, *customer_id, *page); };
    });
  }
  {
    auto c = context();
    auto top_customers = std::make_shared<int32_t>(0);
    auto top_apps = std::make_shared<int32_t>(0);
    CLI::App* cmd =
        app.add_subcommand("report", "the whole report: every section from one snapshot");
    AddFilterFlags(cmd, &c->filter);
    cmd->add_option("--top-customers", *top_customers,
                    "how many top customers (by meetings); 0: the server's default, 10");
    cmd->add_option("--top-apps", *top_apps, "how many top apps; 0: the server's default, 10");
    auto pictures = std::make_shared<PictureArgs>();
    cmd->add_option("--html", pictures->html,
                    "write the report as one self-contained HTML page (charts, no script) to "
                    "FILE instead of printing it")
        ->check(NotEmpty("FILE"));
    cmd->add_option("--svg-dir", pictures->svg_dir,
                    "write one SVG per section (summary.svg, conversations-trend.svg, ...) into "
                    "DIR (created if missing) instead of printing the report")
        ->check(NotEmpty("DIR"));
    cmd->callback([c, top_customers, top_apps, pictures, run]() {
      *run = [c, top_customers, top_apps, pictures]() {
        return RunReport(*c, *top_customers, *top_apps, *pictures);
      };
    });
  }
}

}  // namespace teams_usage::client
