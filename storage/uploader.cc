#include "storage/uploader.h"

#include <algorithm>

namespace teams_usage::storage {

constexpr size_t kMaxReportedErrors = 20;

absl::StatusOr<std::unique_ptr<Uploader>> Uploader::Begin(
    ConnectionPool& pool, std::string partner_id, ingest::Dataset dataset,
    ingest::FileFormat format, absl::Time deadline, absl::Time call_deadline) {
  auto lease = pool.Acquire(deadline);
  if (!lease.ok()) return lease.status();
  std::unique_ptr<Uploader> uploader(new Uploader());
  ingest::ParserOptions options;
  options.dataset = dataset;
  options.format = format;
  options.expected_partner_id = partner_id;
  options.max_errors = kMaxReportedErrors;
  auto writer =
      UploadWriter::Start(*std::move(lease), std::move(partner_id), dataset, call_deadline);
  if (!writer.ok()) return writer.status();
  uploader->writer_ = *std::move(writer);
  Uploader* self = uploader.get();
  uploader->parser_ =
      std::make_unique<ingest::DatasetParser>(options, [self](const ingest::UsageRow& row) {
        if (!self->sink_status_.ok()) return;
        self->sink_status_ = self->writer_->Add(row);
      });
  return uploader;
}

Uploader::~Uploader() = default;

absl::Status Uploader::Feed(std::string_view bytes) {
  bytes_read_ += static_cast<int64_t>(bytes.size());
  parser_->Feed(bytes);
  if (!sink_status_.ok()) return sink_status_;
  if (error_count() >= static_cast<int64_t>(kMaxReportedErrors)) return InvalidFile();
  return absl::OkStatus();
}

absl::StatusOr<UploadResult> Uploader::Finish() {
  parser_->Finish();
  if (!sink_status_.ok()) return sink_status_;
  if (error_count() > 0) return InvalidFile();
  auto result = writer_->Commit(parser_->rows_read());
  if (!result.ok() && result.status().code() == absl::StatusCode::kInvalidArgument) {
    return InvalidFile();
  }
  return result;
}

std::vector<ingest::RowError> Uploader::errors() const {
  std::vector<ingest::RowError> all = parser_->errors();
  const auto& more = writer_->row_errors();
  all.insert(all.end(), more.begin(), more.end());
  std::stable_sort(
      all.begin(), all.end(),
      [](const ingest::RowError& a, const ingest::RowError& b) { return a.line < b.line; });
  if (all.size() > kMaxReportedErrors) all.resize(kMaxReportedErrors);
  return all;
}

int64_t Uploader::error_count() const {
  return parser_->error_count() + static_cast<int64_t>(writer_->row_errors().size());
}

absl::Status Uploader::InvalidFile() const {
  return absl::InvalidArgumentError(ingest::SummarizeErrors(errors(), error_count()));
}

}  // namespace teams_usage::storage
