// TeamsUsageIngestService: a thin translation from the gRPC stream to storage::Uploader.
#ifndef TEAMS_SERVER_INGEST_SERVICE_H_
#define TEAMS_SERVER_INGEST_SERVICE_H_

#include <cstdint>

#include "server/caller.h"
#include "server/metrics.h"
#include "storage/data_version_tracker.h"
#include "storage/pool.h"
#include "teams_usage/v1/teams_usage.grpc.pb.h"

namespace teams_usage::server {

struct IngestLimits {
  // Largest upload accepted, in bytes of file data; past it the call fails with
  // RESOURCE_EXHAUSTED and nothing is applied.
  int64_t max_upload_bytes = int64_t{8} << 30;
};

class IngestServiceImpl final : public teams_usage::v1::TeamsUsageIngestService::Service {
 public:
  // `metrics` and `versions` may be null. `versions` learns each upload's new data_version before
  // the upload's RPC returns, so this process's cached reports never lag its own uploads.
  IngestServiceImpl(storage::ConnectionPool* pool, CallerGuard guard, IngestLimits limits = {},
                    ServerMetrics* metrics = nullptr,
                    storage::DataVersionTracker* versions = nullptr);

  grpc::Status UploadDataset(grpc::ServerContext* context,
                             grpc::ServerReader<teams_usage::v1::UploadDatasetRequest>* reader,
                             teams_usage::v1::UploadDatasetResponse* response) override;

 private:
  grpc::Status Upload(const auth::Principal& caller, grpc::ServerContext* context,
                      grpc::ServerReader<teams_usage::v1::UploadDatasetRequest>* reader,
                      teams_usage::v1::UploadDatasetResponse* response, std::string* dataset_name,
                      int64_t* bytes);

  storage::ConnectionPool* pool_;
  CallerGuard guard_;
  IngestLimits limits_;
  ServerMetrics* metrics_;
  storage::DataVersionTracker* versions_;
};

}  // namespace teams_usage::server

#endif  // TEAMS_SERVER_INGEST_SERVICE_H_
