#include "server/status_mapping.h"

#include "server/log.h"

namespace teams_usage::server {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const auto code = static_cast<grpc::StatusCode>(status.code());
  if (status.code() == absl::StatusCode::kInternal || status.code() == absl::StatusCode::kUnknown) {
    LogJson("error", "internal error", {{"detail", status.message()}});
    return grpc::Status(code, "internal error; the server log has the details");
  }
  return grpc::Status(code, std::string(status.message()));
}

}  // namespace teams_usage::server
