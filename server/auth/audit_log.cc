#include "server/auth/audit_log.h"

#include <grpcpp/support/status.h>

#include <iterator>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/auth/access_policy.h"
#include "server/auth/roles.h"
#include "server/auth/string_view_compat.h"
#include "server/log.h"
#include "server/status_mapping.h"

namespace teams_usage::auth {
namespace {

std::string Rfc3339Utc(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone());
}

using Logger = std::function<void(std::string_view, std::string_view)>;
ABSL_CONST_INIT absl::Mutex g_logger_mu(absl::kConstInit);
std::shared_ptr<const Logger>* g_logger ABSL_GUARDED_BY(g_logger_mu) = nullptr;

}  // namespace

std::string FormatAuditJson(const AuditRecord& r) {
  std::string out = "{\"time\":";
  server::AppendJsonString(Rfc3339Utc(r.time), &out);
  out.append(",\"method\":");
  server::AppendJsonString(r.method, &out);
  out.append(",\"request_id\":");
  server::AppendJsonString(r.request_id, &out);
  out.append(",\"peer\":");
  server::AppendJsonString(r.peer, &out);
  out.append(",\"sub\":");
  server::AppendJsonString(r.subject, &out);
  out.append(",\"partner\":");
  server::AppendJsonString(r.partner_id, &out);
  out.append(",\"roles\":[");
  for (size_t i = 0; i < r.roles.size(); ++i) {
    if (i > 0) out.push_back(',');
    server::AppendJsonString(AbslView(RoleName(r.roles[i])), &out);
  }
  out.append("],\"decision\":");
  server::AppendJsonString(AbslView(DecisionName(r.decision)), &out);
  if (!r.reason.empty()) {
    out.append(",\"reason\":");
    server::AppendJsonString(r.reason, &out);
  }
  absl::StrAppend(&out, ",\"code\":", r.grpc_code, ",\"code_name\":\"",
                  server::GrpcCodeName(r.grpc_code), "\"");
  absl::StrAppendFormat(&out, ",\"latency_ms\":%.3f}", r.latency_ms);
  return out;
}

void JsonLinesAuditSink::Record(const AuditRecord& record) {
  std::string line = FormatAuditJson(record);
  line.push_back('\n');
  absl::MutexLock lock(&mu_);
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fflush(out_);
}

void MemoryAuditSink::Record(const AuditRecord& record) {
  absl::MutexLock lock(&mu_);
  records_.push_back(record);
}

std::vector<AuditRecord> MemoryAuditSink::records() const {
  absl::MutexLock lock(&mu_);
  return records_;
}

void MemoryAuditSink::Clear() {
  absl::MutexLock lock(&mu_);
  records_.clear();
}

void LogAuthEvent(std::string_view level, std::string_view message) {
  std::shared_ptr<const Logger> logger;
  {
    absl::MutexLock lock(&g_logger_mu);
    if (g_logger != nullptr) logger = *g_logger;
  }
  if (logger != nullptr) {
    (*logger)(level, message);
    return;
  }
  std::string line = "{\"time\":";
  server::AppendJsonString(Rfc3339Utc(absl::Now()), &line);
  line.append(",\"level\":");
  server::AppendJsonString(AbslView(level), &line);
  line.append(",\"component\":\"auth\",\"message\":");
  server::AppendJsonString(AbslView(message), &line);
  line.append("}\n");
  std::fwrite(line.data(), 1, line.size(), stderr);
}

void SetAuthEventLogger(std::function<void(std::string_view, std::string_view)> logger) {
  auto next = logger ? std::make_shared<const Logger>(std::move(logger)) : nullptr;
  absl::MutexLock lock(&g_logger_mu);
  if (g_logger == nullptr) g_logger = new std::shared_ptr<const Logger>();
  *g_logger = std::move(next);
}

}  // namespace teams_usage::auth
