// The per-call audit log (one JSON line per RPC, written when the call ends) and the auth
// component's operational log (key reloads, policy warnings). Neither ever contains a token.
#ifndef TEAMS_SERVER_AUTH_AUDIT_LOG_H_
#define TEAMS_SERVER_AUTH_AUDIT_LOG_H_

#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/auth/access_policy.h"
#include "teams_usage/v1/teams_usage.pb.h"

namespace teams_usage::auth {

struct AuditRecord {
  absl::Time time;         // when the call arrived
  std::string method;      // "/teams_usage.v1.TeamsUsageReportService/GetSummary"
  std::string request_id;  // the caller's x-request-id, or one generated for the call
  std::string peer;        // "ipv4:127.0.0.1:53122"
  std::string subject;     // from a verified token only; empty otherwise
  std::string partner_id;  // from a verified token only; empty otherwise
  std::vector<teams_usage::v1::Role> roles;
  Decision decision = Decision::kUnauthenticated;
  std::string reason;  // why the call was denied; empty when allowed
  int grpc_code = 0;   // the status code the call ended with (forced for denied calls)
  double latency_ms = 0;
};

// {"time":"2026-10-17T08:15:02.123Z","method":"...","request_id":"...","peer":"...","sub":"...","partner":"...",
//  "roles":["REPORT_VIEWER"],"decision":"allow","code":0,"code_name":"OK","latency_ms":1.234}
// (plus "reason" for denied calls). RFC 3339 UTC time, millisecond precision.
std::string FormatAuditJson(const AuditRecord& record);

class AuditSink {
 public:
  virtual ~AuditSink() = default;
  // Called once per call, from whichever gRPC thread ends it; must be thread-safe.
  virtual void Record(const AuditRecord& record) = 0;
};

// Writes FormatAuditJson lines to a stdio stream (default stdout), flushing each.
class JsonLinesAuditSink final : public AuditSink {
 public:
  explicit JsonLinesAuditSink(FILE* out = stdout) : out_(out) {}
  void Record(const AuditRecord& record) override;

 private:
  absl::Mutex mu_;
  FILE* const out_;
};

// Keeps the records in memory (tests).
class MemoryAuditSink final : public AuditSink {
 public:
  void Record(const AuditRecord& record) override;
  std::vector<AuditRecord> records() const;
  void Clear();

 private:
  mutable absl::Mutex mu_;
  std::vector<AuditRecord> records_ ABSL_GUARDED_BY(mu_);
};

// Operational messages of the auth component: a JSON line on stderr by default
// ({"time":...,"level":"warning","component":"auth","message":...}).
void LogAuthEvent(std::string_view level, std::string_view message);

// Replaces the destination of LogAuthEvent (nullptr restores stderr). For tests and for a
// server that has its own logger.
void SetAuthEventLogger(std::function<void(std::string_view level, std::string_view message)>);

}  // namespace teams_usage::auth

#endif  // TEAMS_SERVER_AUTH_AUDIT_LOG_H_
