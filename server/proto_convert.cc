#include "server/proto_convert.h"

#include "absl/strings/str_cat.h"
#include "teams_usage/v1/teams_usage.pb.h"

namespace teams_usage::server {

namespace v1 = teams_usage::v1;

absl::StatusOr<ingest::Dataset> DatasetFromProto(int value, absl::string_view field) {
  switch (value) {
    case v1::MEETINGS_AND_CALLS:
      return ingest::Dataset::kMeetingsAndCalls;
    case v1::WORKLOAD:
      return ingest::Dataset::kWorkload;
    case v1::THIRD_PARTY_APPS:
      return ingest::Dataset::kThirdPartyApps;
    case v1::DATASET_UNSPECIFIED:
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": required (MEETINGS_AND_CALLS, WORKLOAD or THIRD_PARTY_APPS)"));
    default:
      return absl::InvalidArgumentError(absl::StrCat(field, ": unknown value ", value));
  }
}

absl::Time DeadlineOf(const grpc::ServerContextBase* context) {
  const auto deadline = context->deadline();
  if (deadline == std::chrono::system_clock::time_point::max()) return absl::InfiniteFuture();
  return absl::FromChrono(deadline);
}

}  // namespace teams_usage::server
