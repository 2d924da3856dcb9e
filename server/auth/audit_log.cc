#include "server/auth/audit_log.h"

#include <grpcpp/support/status.h>

#include <iterator>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/auth/access_policy.h"
#include "server/auth/roles.h"

namespace teams_usage::auth {
namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = b(0);
  size_t n;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(k) & 0xC0) != 0x80) return 0;
  }
  if (c == 0xE0 && b(1) < 0xA0) return 0;  // overlong
  if (c == 0xED && b(1) > 0x9F) return 0;  // surrogates
  if (c == 0xF0 && b(1) < 0x90) return 0;  // overlong
  if (c == 0xF4 && b(1) > 0x8F) return 0;  // > U+10FFFF
  return n;
}

const char* CodeName(int code) {
  static constexpr const char* kNames[] = {"OK",
                                           "CANCELLED",
                                           "UNKNOWN",
                                           "INVALID_ARGUMENT",
                                           "DEADLINE_EXCEEDED",
                                           "NOT_FOUND",
                                           "ALREADY_EXISTS",
                                           "PERMISSION_DENIED",
                                           "RESOURCE_EXHAUSTED",
                                           "FAILED_PRECONDITION",
                                           "ABORTED",
                                           "OUT_OF_RANGE",
                                           "UNIMPLEMENTED",
                                           "INTERNAL",
                                           "UNAVAILABLE",
                                           "DATA_LOSS",
                                           "UNAUTHENTICATED"};
  if (code < 0 || code >= static_cast<int>(std::size(kNames))) return "UNKNOWN";
  return kNames[code];
}

std::string Rfc3339Utc(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone());
}

using Logger = std::function<void(std::string_view, std::string_view)>;
ABSL_CONST_INIT absl::Mutex g_logger_mu(absl::kConstInit);
std::shared_ptr<const Logger>* g_logger ABSL_GUARDED_BY(g_logger_mu) = nullptr;

}  // namespace

void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const size_t n = Utf8SequenceLength(s, i);
      if (n == 0) {
        out->append("\\ufffd");
        ++i;
      } else {
        out->append(s.substr(i, n));
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          absl::StrAppendFormat(out, "\\u%04x", c);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out->push_back('"');
}

std::string FormatAuditJson(const AuditRecord& r) {
  std::string out = "{\"time\":";
  AppendJsonString(Rfc3339Utc(r.time), &out);
  out.append(",\"method\":");
  AppendJsonString(r.method, &out);
  out.append(",\"peer\":");
  AppendJsonString(r.peer, &out);
  out.append(",\"sub\":");
  AppendJsonString(r.subject, &out);
  out.append(",\"partner\":");
  AppendJsonString(r.partner_id, &out);
  out.append(",\"roles\":[");
  for (size_t i = 0; i < r.roles.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendJsonString(RoleName(r.roles[i]), &out);
  }
  out.append("],\"decision\":");
  AppendJsonString(DecisionName(r.decision), &out);
  if (!r.reason.empty()) {
    out.append(",\"reason\":");
    AppendJsonString(r.reason, &out);
  }
  absl::StrAppend(&out, ",\"code\":", r.grpc_code, ",\"code_name\":\"", CodeName(r.grpc_code),
                  "\"");
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
  AppendJsonString(Rfc3339Utc(absl::Now()), &line);
  line.append(",\"level\":");
  AppendJsonString(level, &line);
  line.append(",\"component\":\"auth\",\"message\":");
  AppendJsonString(message, &line);
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
