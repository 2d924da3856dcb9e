// One upload of a dataset file: the bytes are parsed and validated as they arrive and streamed into
// the UploadWriter; Finish() applies everything or nothing. Knows nothing of gRPC.
#ifndef TEAMS_STORAGE_UPLOADER_H_
#define TEAMS_STORAGE_UPLOADER_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/ingest/dataset_parser.h"
#include "storage/ingest_store.h"
#include "storage/pool.h"

namespace teams_usage::storage {

class Uploader {
 public:
  // Leases a connection (waiting until `deadline`) and starts the upload for `partner_id`, whose
  // database work must end by `call_deadline` (DEADLINE_EXCEEDED otherwise, nothing applied); rows
  // naming another PGAMpnID are row errors.
  static absl::StatusOr<std::unique_ptr<Uploader>> Begin(
      ConnectionPool& pool, std::string partner_id, ingest::Dataset dataset,
      ingest::FileFormat format, absl::Time deadline,
      absl::Time call_deadline = absl::InfiniteFuture());
  ~Uploader();

  // INVALID_ARGUMENT as soon as the maximum number of reported row errors is reached (there is
  // no point reading on); database failures as mapped by StatusFromDbException.
  absl::Status Feed(std::string_view bytes);
  // Applies the upload, or fails with INVALID_ARGUMENT naming the bad rows (errors()).
  absl::StatusOr<UploadResult> Finish();

  // The first bad rows (at most 20) and how many there were in all.
  std::vector<ingest::RowError> errors() const;
  int64_t error_count() const;
  int64_t bytes_read() const { return bytes_read_; }

 private:
  Uploader() = default;
  absl::Status InvalidFile() const;

  std::unique_ptr<UploadWriter> writer_;
  std::unique_ptr<ingest::DatasetParser> parser_;
  absl::Status sink_status_;
  int64_t bytes_read_ = 0;
};

}  // namespace teams_usage::storage

#endif  // TEAMS_STORAGE_UPLOADER_H_
