#include "tests/support/upload.h"

#include <string_view>

#include "absl/time/clock.h"

namespace teams_usage::testing {

absl::StatusOr<storage::UploadResult> Upload(storage::ConnectionPool& pool,
                                             const std::string& partner, ingest::Dataset dataset,
                                             const std::string& content, size_t chunk) {
  auto uploader = storage::Uploader::Begin(pool, partner, dataset, ingest::FileFormat::kAuto,
                                           absl::Now() + absl::Seconds(60));
  if (!uploader.ok()) return uploader.status();
  for (size_t i = 0; i < content.size(); i += chunk) {
    absl::Status fed = (*uploader)->Feed(std::string_view(content).substr(i, chunk));
    if (!fed.ok()) return fed;
  }
  return (*uploader)->Finish();
}

}  // namespace teams_usage::testing
