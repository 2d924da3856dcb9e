#include "server/auth/auth_interceptor.h"

#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/interceptor.h>
#include <grpcpp/support/string_ref.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "server/auth/string_view_compat.h"
#include "server/status_mapping.h"

namespace teams_usage::auth {
namespace {

// A caller's x-request-id is kept when it is short and made of safe characters (it goes into
// logs); otherwise the call gets a new one.
bool IsUsableRequestId(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.' &&
        c != ':') {
      return false;
    }
  }
  return true;
}

// 128 random bits as 32 hex digits.
std::string NewRequestId() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(rng()),
                static_cast<unsigned long long>(rng()));
  return buf;
}

using grpc::experimental::InterceptionHookPoints;

// What the interceptor established for one call; immutable once published.
struct CallRecord {
  absl::StatusOr<Principal> caller;
  AccessDecision decision;
};

// ServerContextBase* -> the record of the call it belongs to. Sharded to keep the lock cheap
// under many concurrent calls. An entry lives exactly as long as its interceptor, which gRPC
// destroys before (or while) it destroys the context.
class CallRegistry {
 public:
  static CallRegistry& Get() {
    static CallRegistry* registry = new CallRegistry();
    return *registry;
  }

  void Publish(const void* context, const void* owner, std::shared_ptr<const CallRecord> record) {
    Shard& shard = ShardFor(context);
    absl::MutexLock lock(&shard.mu);
    shard.map.insert_or_assign(context, Entry{owner, std::move(record)});
  }

  void Erase(const void* context, const void* owner) {
    Shard& shard = ShardFor(context);
    absl::MutexLock lock(&shard.mu);
    const auto it = shard.map.find(context);
    if (it != shard.map.end() && it->second.owner == owner) shard.map.erase(it);
  }

  std::shared_ptr<const CallRecord> Find(const void* context) {
    Shard& shard = ShardFor(context);
    absl::MutexLock lock(&shard.mu);
    const auto it = shard.map.find(context);
    return it == shard.map.end() ? nullptr : it->second.record;
  }

 private:
  struct Entry {
    const void* owner;
    std::shared_ptr<const CallRecord> record;
  };
  struct Shard {
    absl::Mutex mu;
    absl::flat_hash_map<const void*, Entry> map ABSL_GUARDED_BY(mu);
  };
  static constexpr size_t kShards = 16;

  Shard& ShardFor(const void* context) {
    return shards_[absl::Hash<const void*>()(context) % kShards];
  }

  Shard shards_[kShards];
};

int64_t SteadyNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string_view View(const grpc::string_ref& s) { return std::string_view(s.data(), s.size()); }

class AuthInterceptor final : public grpc::experimental::Interceptor {
 public:
  AuthInterceptor(std::shared_ptr<const AuthInterceptorOptions> options,
                  grpc::experimental::ServerRpcInfo* info)
      : options_(std::move(options)),
        context_(info->server_context()),
        method_(info->method() != nullptr ? info->method() : ""),
        start_(absl::Now()),
        start_ns_(SteadyNowNs()) {}

  ~AuthInterceptor() override {
    CallRegistry::Get().Erase(context_, this);
    WriteAudit();
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      OnRecvInitialMetadata(methods->GetRecvInitialMetadata());
    }
    const bool send_initial =
        methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_INITIAL_METADATA);
    const bool send_message =
        methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_MESSAGE);
    const bool send_status =
        methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS);
    if (send_initial || send_message || send_status) {
      std::shared_ptr<const CallRecord> record = this->record();
      if (record == nullptr || !record->decision.allowed()) {
        // Denied (or, failing closed, never decided): nothing the handler produced leaves.
        if (send_initial) {
          if (auto* md = methods->GetSendInitialMetadata()) md->clear();
        }
        if (send_message) {
          // Drop the message: with neither a message pointer nor a valid buffer left, gRPC
          // leaves the SEND_MESSAGE op out of the batch, so nothing reaches the wire.
          methods->ModifySendMessage(nullptr);
          if (grpc::ByteBuffer* buffer = methods->GetSerializedSendMessage()) buffer->Clear();
        }
        if (send_status) {
          if (auto* md = methods->GetSendTrailingMetadata()) md->clear();
          methods->ModifySendStatus(
              record == nullptr
                  ? grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "no authentication decision")
                  : server::ToGrpcStatus(record->decision.status));
        }
      }
      if (send_initial) {
        // Every response names its request, so a caller can quote it and we can find its logs.
        if (auto* md = methods->GetSendInitialMetadata()) {
          md->erase("x-request-id");
          md->emplace("x-request-id", request_id());
        }
      }
      if (send_status) {
        const grpc::Status final_status = methods->GetSendStatus();
        absl::MutexLock lock(&mu_);
        final_code_ = static_cast<int>(final_status.error_code());
        end_ns_ = SteadyNowNs();
      }
    }
    methods->Proceed();
  }

 private:
  std::shared_ptr<const CallRecord> record() {
    absl::MutexLock lock(&mu_);
    return record_;
  }
  std::string request_id() {
    absl::MutexLock lock(&mu_);
    return request_id_;
  }

  void OnRecvInitialMetadata(std::multimap<grpc::string_ref, grpc::string_ref>* metadata) {
    std::string request_id;
    std::string authorization;
    int authorization_count = 0;
    if (metadata != nullptr) {
      for (auto it = metadata->begin(); it != metadata->end();) {
        const std::string_view key = View(it->first);
        if (IsInternalMetadataKey(key)) {
          it = metadata->erase(it);
          continue;
        }
        if (key == "x-request-id") {
          request_id.assign(it->second.data(), it->second.size());
        }
        if (absl::EqualsIgnoreCase(AbslView(key), "authorization")) {
          ++authorization_count;
          authorization.assign(it->second.data(), it->second.size());
        }
        ++it;
      }
    }
    auto record = std::make_shared<CallRecord>();
    if (authorization_count == 0) {
      record->caller = absl::UnauthenticatedError("missing bearer token");
    } else if (authorization_count > 1) {
      record->caller = absl::UnauthenticatedError("more than one authorization header");
    } else if (options_->verifier == nullptr) {
      record->caller = absl::UnauthenticatedError("no token verifier configured");
    } else {
      const int64_t now =
          options_->now_unix ? options_->now_unix() : absl::ToUnixSeconds(absl::Now());
      record->caller = options_->verifier->VerifyAuthorization(authorization, now);
    }
    if (options_->policy != nullptr) {
      record->decision = options_->policy->Decide(method_, record->caller);
    } else {
      record->decision = {Decision::kPermissionDenied,
                          absl::PermissionDeniedError("no access policy configured")};
    }
    std::shared_ptr<const CallRecord> published = record;
    {
      absl::MutexLock lock(&mu_);
      record_ = published;
      peer_ = context_->peer();
      request_id_ = IsUsableRequestId(request_id) ? request_id : NewRequestId();
    }
    CallRegistry::Get().Publish(context_, this, std::move(published));
  }

  void WriteAudit() {
    if (options_->audit == nullptr) return;
    AuditRecord audit;
    audit.time = start_;
    audit.method = method_;
    std::shared_ptr<const CallRecord> record;
    {
      absl::MutexLock lock(&mu_);
      record = record_;
      audit.peer = peer_;
      audit.request_id = request_id_;
      audit.grpc_code = final_code_.value_or(static_cast<int>(grpc::StatusCode::CANCELLED));
      audit.latency_ms =
          static_cast<double>((end_ns_ != 0 ? end_ns_ : SteadyNowNs()) - start_ns_) / 1e6;
    }
    if (record == nullptr) {
      audit.decision = Decision::kUnauthenticated;
      audit.reason = "no authentication decision";
    } else {
      audit.decision = record->decision.decision;
      if (!record->decision.allowed())
        audit.reason = std::string(record->decision.status.message());
      if (record->caller.ok()) {
        audit.subject = record->caller->subject;
        audit.partner_id = record->caller->partner_id;
        audit.roles = record->caller->roles;
      }
    }
    options_->audit->Record(audit);
  }

  const std::shared_ptr<const AuthInterceptorOptions> options_;
  const grpc::ServerContextBase* const context_;
  const std::string method_;
  const absl::Time start_;
  const int64_t start_ns_;

  absl::Mutex mu_;
  std::shared_ptr<const CallRecord> record_ ABSL_GUARDED_BY(mu_);
  std::string peer_ ABSL_GUARDED_BY(mu_);
  std::string request_id_ ABSL_GUARDED_BY(mu_);
  std::optional<int> final_code_ ABSL_GUARDED_BY(mu_);
  int64_t end_ns_ ABSL_GUARDED_BY(mu_) = 0;
};

std::atomic<bool> g_logged_missing_record{false};

}  // namespace

bool IsInternalMetadataKey(std::string_view key) {
  for (std::string_view prefix : kInternalMetadataPrefixes) {
    if (absl::StartsWithIgnoreCase(AbslView(key), AbslView(prefix))) return true;
  }
  return false;
}

AuthInterceptorFactory::AuthInterceptorFactory(AuthInterceptorOptions options)
    : options_(std::make_shared<const AuthInterceptorOptions>(std::move(options))) {
  if (options_->verifier == nullptr || options_->policy == nullptr) {
    LogAuthEvent("error",
                 "auth interceptor without a token verifier or policy: every call is denied");
  }
}

grpc::experimental::Interceptor* AuthInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new AuthInterceptor(options_, info);
}

absl::StatusOr<Principal> RequireCaller(const grpc::ServerContextBase* context) {
  std::shared_ptr<const CallRecord> record =
      context == nullptr ? nullptr : CallRegistry::Get().Find(context);
  if (record == nullptr) {
    if (!g_logged_missing_record.exchange(true)) {
      LogAuthEvent("error",
                   "RequireCaller found no authentication record for a call: is the auth "
                   "interceptor installed? Calls are refused.");
    }
    return absl::UnauthenticatedError("no authenticated caller");
  }
  switch (record->decision.decision) {
    case Decision::kAllow:
      return record->caller;
    case Decision::kOpen:
      if (record->caller.ok()) return record->caller;
      return absl::UnauthenticatedError(record->caller.status().message());
    case Decision::kUnauthenticated:
    case Decision::kPermissionDenied:
      break;
  }
  return record->decision.status;
}

grpc::Status RequireCaller(const grpc::ServerContextBase* context, Principal* caller) {
  absl::StatusOr<Principal> result = RequireCaller(context);
  if (!result.ok()) return server::ToGrpcStatus(result.status());
  if (caller != nullptr) *caller = *std::move(result);
  return grpc::Status::OK;
}

std::optional<AccessDecision> CallDecision(const grpc::ServerContextBase* context) {
  std::shared_ptr<const CallRecord> record =
      context == nullptr ? nullptr : CallRegistry::Get().Find(context);
  if (record == nullptr) return std::nullopt;
  return record->decision;
}

}  // namespace teams_usage::auth
