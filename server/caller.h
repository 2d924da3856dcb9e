// How a handler learns who is calling: one function, installed at start-up. In production it is
// the auth interceptor's guard (server/auth); tests may install their own.
#ifndef TEAMS_SERVER_CALLER_H_
#define TEAMS_SERVER_CALLER_H_

#include <grpcpp/server_context.h>

#include <functional>

#include "absl/status/statusor.h"
#include "server/auth/principal.h"

namespace teams_usage::server {

// Returns the verified principal, or UNAUTHENTICATED / PERMISSION_DENIED. Handlers call it before
// touching storage.
using CallerGuard = std::function<absl::StatusOr<auth::Principal>(grpc::ServerContextBase*)>;

}  // namespace teams_usage::server

#endif  // TEAMS_SERVER_CALLER_H_
