// The one place where internal errors become gRPC statuses.
#ifndef TEAMS_SERVER_STATUS_MAPPING_H_
#define TEAMS_SERVER_STATUS_MAPPING_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace teams_usage::server {

// Same code, same message, except INTERNAL and UNKNOWN, whose details stay in the server log
// (they may describe the database) and reach the caller as a generic message.
grpc::Status ToGrpcStatus(const absl::Status& status);

// The canonical name of a gRPC status code ("OK", "INVALID_ARGUMENT", ...); "UNKNOWN" if out of
// range.
const char* GrpcCodeName(int code);

}  // namespace teams_usage::server

#endif  // TEAMS_SERVER_STATUS_MAPPING_H_
