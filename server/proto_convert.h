// Conversions between proto enums and the domain, shared by the service handlers. Each names
// the request field in its INVALID_ARGUMENT message.
#ifndef TEAMS_SERVER_PROTO_CONVERT_H_
#define TEAMS_SERVER_PROTO_CONVERT_H_

#include <grpcpp/server_context.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "storage/ingest/usage_row.h"

namespace teams_usage::server {

// A teams_usage.v1.Dataset value; DATASET_UNSPECIFIED and unknown values are errors on `field`.
absl::StatusOr<ingest::Dataset> DatasetFromProto(int value, absl::string_view field);

// The caller's deadline; absl::InfiniteFuture() when it set none.
absl::Time DeadlineOf(const grpc::ServerContextBase* context);

}  // namespace teams_usage::server

#endif  // TEAMS_SERVER_PROTO_CONVERT_H_
