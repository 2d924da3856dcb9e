// teams-loadgen: a closed-loop gRPC load generator for the report RPCs and the health check.
// It keeps --concurrency calls in flight with the gRPC callback API (each finished call starts the
// next one of its slot), discards the --warmup-seconds, measures for --duration-seconds (or until
// --max-calls measured calls), and prints one line of JSON with the count, the errors by status
// code, the throughput and exact latency percentiles (a sorted vector of per-call durations).
// Loopback servers only. Used by scripts/bench.
#include <grpcpp/grpcpp.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "grpc/health/v1/health.grpc.pb.h"
#include "teams_usage/v1/teams_usage.grpc.pb.h"

namespace {

namespace v1 = teams_usage::v1;
using Clock = std::chrono::steady_clock;

enum class Rpc { kHealth, kSummary, kTrend, kWorkloads, kTopCustomers, kApps, kReport };

const std::map<std::string, Rpc>& RpcNames() {
  static const std::map<std::string, Rpc> names = {{"health", Rpc::kHealth},
                                                   {"summary", Rpc::kSummary},
                                                   {"trend", Rpc::kTrend},
                                                   {"workloads", Rpc::kWorkloads},
                                                   {"top-customers", Rpc::kTopCustomers},
                                                   {"apps", Rpc::kApps},
                                                   {"report", Rpc::kReport}};
  return names;
}

const char* CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    default:
      return "OTHER";
  }
}

// Accepts 127.0.0.1, localhost, [::1] (and other 127.x.y.z) with a port; nothing else.
bool IsLoopback(const std::string& target) {
  const auto colon = target.rfind(':');
  if (colon == std::string::npos || colon + 1 == target.size()) return false;
  const std::string host = target.substr(0, colon);
  return host == "localhost" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

struct Options {
  std::string token;
  v1::DatePreset preset = v1::LAST_12_MONTHS;
  int call_timeout_ms = 10000;
};

// One call in flight: it owns what the callback API needs until completion.
struct Call {
  grpc::ClientContext context;
  grpc::Status status;
  Clock::time_point start;
  grpc::health::v1::HealthCheckRequest health_request;
  grpc::health::v1::HealthCheckResponse health_response;
  v1::GetSummaryRequest summary_request;
  v1::Summary summary_response;
  v1::GetConversationsTrendRequest trend_request;
  v1::ConversationsTrend trend_response;
  v1::GetUsageByWorkloadsRequest workloads_request;
  v1::UsageByWorkloads workloads_response;
  v1::ListTopCustomersRequest top_request;
  v1::ListTopCustomersResponse top_response;
  v1::ListAppsRequest apps_request;
  v1::ListAppsResponse apps_response;
  v1::GetReportRequest report_request;
  v1::TeamsUsageReport report_response;
};

class LoadGenerator {
 public:
  LoadGenerator(std::shared_ptr<grpc::Channel> channel, Options options, std::vector<Rpc> mix,
                int concurrency, Clock::time_point measure_start, Clock::time_point deadline,
                int64_t max_calls)
      : health_(grpc::health::v1::Health::NewStub(channel)),
        report_(v1::TeamsUsageReportService::NewStub(channel)),
        options_(std::move(options)),
        mix_(std::move(mix)),
        measure_start_(measure_start),
        deadline_(deadline),
        max_calls_(max_calls),
        slots_(static_cast<size_t>(concurrency)) {}

  // Starts every slot and waits until each has stopped (time or call budget spent).
  void Run() {
    active_ = static_cast<int>(slots_.size());
    for (size_t i = 0; i < slots_.size(); ++i) Next(i);
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return active_ == 0; });
  }

  // Merged results; call after Run().
  std::vector<double> LatenciesMs() const {
    std::vector<double> all;
    for (const Slot& s : slots_)
      all.insert(all.end(), s.latencies_ms.begin(), s.latencies_ms.end());
    std::sort(all.begin(), all.end());
    return all;
  }
  std::map<std::string, int64_t> ErrorCodes() const {
    std::map<std::string, int64_t> all;
    for (const Slot& s : slots_) {
      for (const auto& [code, n] : s.errors) all[code] += n;
    }
    return all;
  }
  Clock::time_point LastCompletion() const {
    Clock::time_point last = measure_start_;
    for (const Slot& s : slots_) last = std::max(last, s.last_completion);
    return last;
  }

 private:
  // Each slot runs one call at a time, so its fields are only touched by one callback at a time
  // (the completion of a call happens before the start of the next).
  struct Slot {
    std::vector<double> latencies_ms;
    std::map<std::string, int64_t> errors;
    Clock::time_point last_completion;
  };

  void Next(size_t slot) {
    const Clock::time_point now = Clock::now();
    bool stop = now >= deadline_;
    if (!stop && now >= measure_start_) {
      stop = measured_.fetch_add(1, std::memory_order_relaxed) >= max_calls_;
    }
    if (stop) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (--active_ == 0) done_.notify_all();
      return;
    }
    const Rpc rpc = mix_[next_rpc_.fetch_add(1, std::memory_order_relaxed) % mix_.size()];
    Start(rpc, slot);
  }

  void Finish(Call* raw, size_t slot) {
    std::unique_ptr<Call> call(raw);
    const Clock::time_point end = Clock::now();
    if (call->start >= measure_start_ && call->start < deadline_) {
      Slot& s = slots_[slot];
      s.last_completion = end;
      s.latencies_ms.push_back(
          std::chrono::duration<double, std::milli>(end - call->start).count());
      if (!call->status.ok()) ++s.errors[CodeName(call->status.error_code())];
    }
    call.reset();
    Next(slot);
  }

  template <typename Request>
  void SetFilter(Request& request) const {
    request.mutable_filter()->set_preset(options_.preset);
  }

  void Start(Rpc rpc, size_t slot) {
    auto* call = new Call;
    call->context.set_deadline(std::chrono::system_clock::now() +
                               std::chrono::milliseconds(options_.call_timeout_ms));
    if (rpc != Rpc::kHealth && !options_.token.empty()) {
      call->context.AddMetadata("authorization", "Bearer " + options_.token);
    }
    auto done = [this, call, slot](grpc::Status status) {
      call->status = std::move(status);
      Finish(call, slot);
    };
    call->start = Clock::now();
    switch (rpc) {
      case Rpc::kHealth:
        health_->async()->Check(&call->context, &call->health_request, &call->health_response,
                                done);
        break;
      case Rpc::kSummary:
        SetFilter(call->summary_request);
        report_->async()->GetSummary(&call->context, &call->summary_request,
                                     &call->summary_response, done);
        break;
      case Rpc::kTrend:
        SetFilter(call->trend_request);
        report_->async()->GetConversationsTrend(&call->context, &call->trend_request,
                                                &call->trend_response, done);
        break;
      case Rpc::kWorkloads:
        SetFilter(call->workloads_request);
        report_->async()->GetUsageByWorkloads(&call->context, &call->workloads_request,
                                              &call->workloads_response, done);
        break;
      case Rpc::kTopCustomers:
        SetFilter(call->top_request);
        report_->async()->ListTopCustomers(&call->context, &call->top_request, &call->top_response,
                                           done);
        break;
      case Rpc::kApps:
        SetFilter(call->apps_request);
        report_->async()->ListApps(&call->context, &call->apps_request, &call->apps_response, done);
        break;
      case Rpc::kReport:
        SetFilter(call->report_request);
        report_->async()->GetReport(&call->context, &call->report_request, &call->report_response,
                                    done);
        break;
    }
  }

  std::unique_ptr<grpc::health::v1::Health::Stub> health_;
  std::unique_ptr<v1::TeamsUsageReportService::Stub> report_;
  const Options options_;
  const std::vector<Rpc> mix_;
  const Clock::time_point measure_start_;
  const Clock::time_point deadline_;
  const int64_t max_calls_;
  std::vector<Slot> slots_;
  std::atomic<int64_t> measured_{0};
  std::atomic<uint64_t> next_rpc_{0};
  std::mutex mutex_;
  std::condition_variable done_;
  int active_ = 0;
};

double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  // Nearest rank: the smallest value with at least p of the samples at or below it.
  size_t rank = static_cast<size_t>(p * static_cast<double>(sorted.size()) + 0.999999);
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"teams-loadgen: closed-loop load on the report RPCs or the health check"};
  std::string server = "127.0.0.1:50051";
  std::string token_file;
  std::vector<std::string> rpcs;
  int concurrency = 16;
  double duration_seconds = 10;
  double warmup_seconds = 1;
  int64_t max_calls = 10'000'000;
  std::string range = "12m";
  Options options;
  app.add_option("--server", server, "host:port of the server (loopback only)")
      ->capture_default_str();
  app.add_option("--token-file", token_file, "file holding the bearer token for report RPCs");
  app.add_option("--rpc", rpcs,
                 "health, summary, trend, workloads, top-customers, apps, report; repeat or "
                 "comma-separate for a round-robin mix")
      ->delimiter(',')
      ->required()
      ->check(CLI::IsMember(
          {"health", "summary", "trend", "workloads", "top-customers", "apps", "report"}));
  app.add_option("--concurrency", concurrency, "calls in flight")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  app.add_option("--duration-seconds", duration_seconds, "measured time")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 86400.0));
  app.add_option("--warmup-seconds", warmup_seconds, "unmeasured time before")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 3600.0));
  app.add_option("--max-calls", max_calls, "at most this many measured calls")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{1'000'000'000}));
  app.add_option("--range", range, "ReportFilter preset of report RPCs")
      ->capture_default_str()
      ->check(CLI::IsMember({"3m", "6m", "12m"}));
  app.add_option("--call-timeout-ms", options.call_timeout_ms, "deadline of each call")
      ->capture_default_str()
      ->check(CLI::Range(1, 600000));
  CLI11_PARSE(app, argc, argv);

  if (!IsLoopback(server)) {
    std::fprintf(stderr, "teams-loadgen: --server must be a loopback address, not %s\n",
                 server.c_str());
    return 2;
  }
  std::vector<Rpc> mix;
  bool needs_token = false;
  for (const std::string& name : rpcs) {
    mix.push_back(RpcNames().at(name));
    needs_token = needs_token || mix.back() != Rpc::kHealth;
  }
  if (!token_file.empty()) {
    std::ifstream in(token_file);
    if (!in) {
      std::fprintf(stderr, "teams-loadgen: cannot read %s\n", token_file.c_str());
      return 2;
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    options.token = buffer.str();
    const auto last = options.token.find_last_not_of(" \t\r\n");
    options.token.erase(last == std::string::npos ? 0 : last + 1);
  }
  if (needs_token && options.token.empty()) {
    std::fprintf(stderr, "teams-loadgen: report RPCs need --token-file\n");
    return 2;
  }
  options.preset = range == "3m"   ? v1::LAST_3_MONTHS
                   : range == "6m" ? v1::LAST_6_MONTHS
                                   : v1::LAST_12_MONTHS;

  auto channel = grpc::CreateChannel(server, grpc::InsecureChannelCredentials());
  if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10))) {
    std::fprintf(stderr, "teams-loadgen: cannot connect to %s\n", server.c_str());
    return 1;
  }
  const auto to_duration = [](double s) {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
  };
  const Clock::time_point measure_start = Clock::now() + to_duration(warmup_seconds);
  const Clock::time_point deadline = measure_start + to_duration(duration_seconds);
  LoadGenerator generator(channel, options, mix, concurrency, measure_start, deadline, max_calls);
  generator.Run();

  const std::vector<double> latencies = generator.LatenciesMs();
  const std::map<std::string, int64_t> error_codes = generator.ErrorCodes();
  int64_t errors = 0;
  for (const auto& entry : error_codes) errors += entry.second;
  const double seconds =
      std::chrono::duration<double>(generator.LastCompletion() - measure_start).count();
  const auto calls = static_cast<int64_t>(latencies.size());

  std::string rpc_names;
  for (const std::string& name : rpcs) rpc_names += (rpc_names.empty() ? "" : ",") + name;
  std::string codes;
  for (const auto& [code, n] : error_codes) {
    codes += (codes.empty() ? "" : ",") + JsonString(code) + ":" + std::to_string(n);
  }
  std::printf(
      "{\"rpc\":%s,\"concurrency\":%d,\"calls\":%lld,\"errors\":%lld,\"error_codes\":{%s},"
      "\"seconds\":%.3f,\"throughput_per_s\":%.1f,\"p50_ms\":%.3f,\"p90_ms\":%.3f,"
      "\"p99_ms\":%.3f,\"p999_ms\":%.3f}\n",
      JsonString(rpc_names).c_str(), concurrency, static_cast<long long>(calls),
      static_cast<long long>(errors), codes.c_str(), seconds,
      seconds > 0 ? static_cast<double>(calls) / seconds : 0.0, Percentile(latencies, 0.50),
      Percentile(latencies, 0.90), Percentile(latencies, 0.99), Percentile(latencies, 0.999));
  return 0;
}
