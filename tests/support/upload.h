// An upload through the real storage::Uploader, fed in chunks as UploadDataset delivers them.
#ifndef TEAMS_TESTS_SUPPORT_UPLOAD_H_
#define TEAMS_TESTS_SUPPORT_UPLOAD_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "storage/ingest/usage_row.h"
#include "storage/pool.h"
#include "storage/uploader.h"

namespace teams_usage::testing {

absl::StatusOr<storage::UploadResult> Upload(storage::ConnectionPool& pool,
                                             const std::string& partner, ingest::Dataset dataset,
                                             const std::string& content, size_t chunk = 1000);

}  // namespace teams_usage::testing

#endif  // TEAMS_TESTS_SUPPORT_UPLOAD_H_
