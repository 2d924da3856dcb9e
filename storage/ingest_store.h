// Writes one upload of a Teams usage dataset to PostgreSQL: rows stream into a staging table
// through COPY while the file arrives; Commit() then validates the natural keys, upserts the facts
// and customers in one set-based statement each, refreshes the rollups of what changed, bumps the
// partner's data_version, and commits. Everything happens in one transaction: an upload that is
// abandoned, rejected or interrupted applies nothing.
#ifndef TEAMS_STORAGE_INGEST_STORE_H_
#define TEAMS_STORAGE_INGEST_STORE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/ingest/dataset_parser.h"
#include "storage/ingest/usage_row.h"
#include "storage/pool.h"

namespace teams_usage::storage {

struct UploadResult {
  int64_t rows_read = 0;
  int64_t rows_inserted = 0;
  int64_t rows_replaced = 0;
  int64_t rows_unchanged = 0;
  int64_t customers_changed = 0;  // customer attribute rows inserted or changed
  int64_t data_version = 0;       // the partner's data_version after the upload
};

class UploadWriter {
 public:
  // Begins the transaction and the COPY on the leased connection.
  // Every statement of the upload, its COPY included, must end by `call_deadline` (PostgreSQL's
  // statement_timeout is set from it); infinite: no limit.
  static absl::StatusOr<std::unique_ptr<UploadWriter>> Start(
      ConnectionPool::Lease lease, std::string partner_id, ingest::Dataset dataset,
      absl::Time call_deadline = absl::InfiniteFuture());
  ~UploadWriter();  // rolls back unless Commit() succeeded

  // Adds a validated row of the upload's dataset. A text field that PostgreSQL cannot store (not
  // UTF-8, or a NUL byte) is reported into `errors` as a row error and makes the upload fail.
  absl::Status Add(const ingest::UsageRow& row);
  // Row errors found while adding (bad text encoding) and by Commit (a natural key repeated).
  const std::vector<ingest::RowError>& row_errors() const { return row_errors_; }

  // Ends the COPY and applies the upload. INVALID_ARGUMENT (with row_errors()) when the file
  // repeats a natural key or has rows PostgreSQL cannot store; nothing is applied then.
  absl::StatusOr<UploadResult> Commit(int64_t rows_read);

 private:
  UploadWriter(ConnectionPool::Lease lease, std::string partner_id, ingest::Dataset dataset);
  class Impl;
  std::unique_ptr<Impl> impl_;
  std::vector<ingest::RowError> row_errors_;
};

}  // namespace teams_usage::storage

#endif  // TEAMS_STORAGE_INGEST_STORE_H_
