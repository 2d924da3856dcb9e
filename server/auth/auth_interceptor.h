// The server interceptor that authenticates and authorises every call, and the one guard every
// handler calls first.
//
// gRPC 1.51 cannot end a call from a server interceptor before the handler runs (Hijack is
// client-only), so enforcement has two layers (DESIGN.md §6):
//   1. At POST_RECV_INITIAL_METADATA, before the handler starts, the interceptor erases every
//      client-sent `x-teams-principal*` / `x-teams-auth*` metadata entry, verifies the bearer
//      token once, asks the AccessPolicy, and publishes the result in a process-wide registry
//      keyed by the call's ServerContextBase (memory the client cannot write to). Handlers get
//      the caller only through RequireCaller(), which returns UNAUTHENTICATED /
//      PERMISSION_DENIED for a denied call, and fails closed when there is no record.
//   2. For a denied call, whatever the handler does: initial and trailing metadata it adds are
//      dropped, every message it sends is dropped before it reaches the wire (the send op is
//      removed from the batch, so a stream's client receives no message at all), and the final
//      status is replaced with the decision's status. A handler that forgets the guard leaks
//      nothing.
// When the call is destroyed the record is removed and one AuditRecord is written.
//
// Usage (register it FIRST, so that later interceptors such as metrics see the forced status):
//   std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> f;
//   f.push_back(std::make_unique<teams_usage::auth::AuthInterceptorFactory>(options));
//   builder.experimental().SetInterceptorCreators(std::move(f));
// and in every handler:
//   auto caller = teams_usage::auth::RequireCaller(context);
//   if (!caller.ok()) return teams_usage::server::ToGrpcStatus(caller.status());
#ifndef TEAMS_SERVER_AUTH_AUTH_INTERCEPTOR_H_
#define TEAMS_SERVER_AUTH_AUTH_INTERCEPTOR_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_interceptor.h>
#include <grpcpp/support/status.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/auth/access_policy.h"
#include "server/auth/audit_log.h"
#include "server/auth/principal.h"
#include "server/auth/token_verifier.h"

namespace teams_usage::auth {

// Metadata keys reserved for the server; a client's copies are erased before any handler runs.
inline constexpr std::string_view kInternalMetadataPrefixes[] = {"x-teams-principal",
                                                                 "x-teams-auth"};
bool IsInternalMetadataKey(std::string_view key);

struct AuthInterceptorOptions {
  std::shared_ptr<const TokenVerifier> verifier;  // required
  std::shared_ptr<const AccessPolicy> policy;     // required
  std::shared_ptr<AuditSink> audit;               // optional; nullptr writes no audit log
  std::function<int64_t()> now_unix;              // optional; default: the wall clock
};

class AuthInterceptorFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit AuthInterceptorFactory(AuthInterceptorOptions options);
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  std::shared_ptr<const AuthInterceptorOptions> options_;
};

// THE guard. The verified caller of the current call, or UNAUTHENTICATED (no / bad token),
// PERMISSION_DENIED (the caller's roles do not allow this method). Fails closed
// (UNAUTHENTICATED) when the interceptor did not run for this call. For an open method (health,
// reflection) it returns the caller when a valid token was sent, else UNAUTHENTICATED.
absl::StatusOr<Principal> RequireCaller(const grpc::ServerContextBase* context);

// The same, as a grpc::Status; `*caller` is set only when the status is OK.
grpc::Status RequireCaller(const grpc::ServerContextBase* context, Principal* caller);

// The interceptor's decision for the current call; nullopt when it did not run.
std::optional<AccessDecision> CallDecision(const grpc::ServerContextBase* context);

}  // namespace teams_usage::auth

#endif  // TEAMS_SERVER_AUTH_AUTH_INTERCEPTOR_H_
