#include "server/ingest_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/proto_convert.h"
#include "server/status_mapping.h"
#include "storage/uploader.h"

namespace teams_usage::server {
namespace {

namespace v1 = teams_usage::v1;

// How long an upload may wait for a free database connection when the caller set no deadline.
constexpr absl::Duration kDefaultAcquireWait = absl::Seconds(30);

absl::StatusOr<ingest::FileFormat> FormatFromProto(v1::FileFormat f) {
  switch (f) {
    case v1::FILE_FORMAT_UNSPECIFIED:
      return ingest::FileFormat::kAuto;
    case v1::CSV:
      return ingest::FileFormat::kCsv;
    case v1::TSV:
      return ingest::FileFormat::kTsv;
    default:
      return absl::InvalidArgumentError("header.format: unknown file format");
  }
}

// The readable message plus the row errors as binary trailing metadata.
grpc::Status RejectFile(grpc::ServerContext* context, const absl::Status& status,
                        const storage::Uploader& uploader) {
  v1::UploadErrorDetails details;
  for (const auto& e : uploader.errors()) {
    v1::RowError* out = details.add_errors();
    out->set_line(e.line);
    out->set_column(e.column);
    out->set_reason(e.reason);
  }
  details.set_error_count(uploader.error_count());
  context->AddTrailingMetadata("teams-upload-errors-bin", details.SerializeAsString());
  return ToGrpcStatus(status);
}

}  // namespace

IngestServiceImpl::IngestServiceImpl(storage::ConnectionPool* pool, CallerGuard guard,
                                     IngestLimits limits, ServerMetrics* metrics,
                                     storage::DataVersionTracker* versions)
    : pool_(pool),
      guard_(std::move(guard)),
      limits_(limits),
      metrics_(metrics),
      versions_(versions) {}

grpc::Status IngestServiceImpl::UploadDataset(grpc::ServerContext* context,
                                              grpc::ServerReader<v1::UploadDatasetRequest>* reader,
                                              v1::UploadDatasetResponse* response) {
  const absl::StatusOr<auth::Principal> caller = guard_(context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  std::string dataset_name = "DATASET_UNSPECIFIED";
  int64_t bytes = 0;
  const grpc::Status status = Upload(*caller, context, reader, response, &dataset_name, &bytes);
  if (metrics_ != nullptr) {
    const char* outcome = status.ok()                                                 ? "applied"
                          : status.error_code() == grpc::StatusCode::INVALID_ARGUMENT ? "rejected"
                                                                                      : "failed";
    metrics_->RecordUpload(dataset_name, outcome, bytes, response->rows_inserted(),
                           response->rows_replaced(), response->rows_unchanged());
  }
  return status;
}

grpc::Status IngestServiceImpl::Upload(const auth::Principal& caller, grpc::ServerContext* context,
                                       grpc::ServerReader<v1::UploadDatasetRequest>* reader,
                                       v1::UploadDatasetResponse* response,
                                       std::string* dataset_name, int64_t* bytes) {
  // Taken before the upload's transaction begins, so that the version it commits may be learnt.
  const storage::DataVersionTracker::Ticket ticket =
      versions_ != nullptr ? versions_->Begin() : storage::DataVersionTracker::Ticket{};
  v1::UploadDatasetRequest request;
  if (!reader->Read(&request)) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "header: the first message must carry the upload header");
  }
  if (!request.has_header()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "header: the first message must carry the upload header, not data");
  }
  const auto dataset = DatasetFromProto(request.header().dataset(), "header.dataset");
  if (!dataset.ok()) return ToGrpcStatus(dataset.status());
  *dataset_name = v1::Dataset_Name(request.header().dataset());
  const auto format = FormatFromProto(request.header().format());
  if (!format.ok()) return ToGrpcStatus(format.status());

  const absl::Time call_deadline = DeadlineOf(context);
  const absl::Time acquire_deadline = std::min(call_deadline, absl::Now() + kDefaultAcquireWait);
  auto uploader = storage::Uploader::Begin(*pool_, caller.partner_id, *dataset, *format,
                                           acquire_deadline, call_deadline);
  if (!uploader.ok()) return ToGrpcStatus(uploader.status());

  while (reader->Read(&request)) {
    if (request.has_header()) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          "header: only the first message may carry the upload header");
    }
    if ((*uploader)->bytes_read() + static_cast<int64_t>(request.data().size()) >
        limits_.max_upload_bytes) {
      return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                          absl::StrCat("data: the upload exceeds the limit of ",
                                       limits_.max_upload_bytes, " bytes; nothing was applied"));
    }
    *bytes += static_cast<int64_t>(request.data().size());
    const absl::Status fed = (*uploader)->Feed(request.data());
    if (fed.code() == absl::StatusCode::kInvalidArgument) {
      return RejectFile(context, fed, **uploader);
    }
    if (!fed.ok()) return ToGrpcStatus(fed);
  }
  // Read() also ends when the client cancels: then nothing may be applied.
  if (context->IsCancelled()) {
    return grpc::Status(grpc::StatusCode::CANCELLED, "upload cancelled; nothing was applied");
  }
  const auto result = (*uploader)->Finish();
  if (!result.ok()) {
    if (result.status().code() == absl::StatusCode::kInvalidArgument) {
      return RejectFile(context, result.status(), **uploader);
    }
    return ToGrpcStatus(result.status());
  }
  response->set_rows_read(result->rows_read);
  response->set_rows_inserted(result->rows_inserted);
  response->set_rows_replaced(result->rows_replaced);
  response->set_rows_unchanged(result->rows_unchanged);
  response->set_data_version(result->data_version);
  if (versions_ != nullptr) versions_->Learn(ticket, caller.partner_id, result->data_version);
  return grpc::Status::OK;
}

}  // namespace teams_usage::server
