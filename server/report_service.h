// TeamsUsageReportService: thin handlers over report::ReportStore. Each one checks the caller
// first (the guard), then validates and translates the request (INVALID_ARGUMENT naming the
// field), then calls the core, and maps its errors with ToGrpcStatus.
#ifndef TEAMS_SERVER_REPORT_SERVICE_H_
#define TEAMS_SERVER_REPORT_SERVICE_H_

#include "server/caller.h"
#include "storage/report/report_store.h"
#include "teams_usage/v1/teams_usage.grpc.pb.h"

namespace teams_usage::server {

// ExportDataset's initial metadata: the serialized teams_usage.v1.ResolvedRange of the export
// (its stream of FileChunk has no other place to state it).
inline constexpr char kResolvedRangeMetadataKey[] = "teams-resolved-range-bin";

class ReportServiceImpl final : public teams_usage::v1::TeamsUsageReportService::Service {
 public:
  ReportServiceImpl(const report::ReportStore* store, CallerGuard guard);

  grpc::Status GetSummary(grpc::ServerContext* context,
                          const teams_usage::v1::GetSummaryRequest* request,
                          teams_usage::v1::Summary* response) override;
  grpc::Status GetConversationsTrend(grpc::ServerContext* context,
                                     const teams_usage::v1::GetConversationsTrendRequest* request,
                                     teams_usage::v1::ConversationsTrend* response) override;
  grpc::Status GetUsageByWorkloads(grpc::ServerContext* context,
                                   const teams_usage::v1::GetUsageByWorkloadsRequest* request,
                                   teams_usage::v1::UsageByWorkloads* response) override;
  grpc::Status ListTopCustomers(grpc::ServerContext* context,
                                const teams_usage::v1::ListTopCustomersRequest* request,
                                teams_usage::v1::ListTopCustomersResponse* response) override;
  grpc::Status ListApps(grpc::ServerContext* context,
                        const teams_usage::v1::ListAppsRequest* request,
                        teams_usage::v1::ListAppsResponse* response) override;
  grpc::Status GetReport(grpc::ServerContext* context,
                         const teams_usage::v1::GetReportRequest* request,
                         teams_usage::v1::TeamsUsageReport* response) override;
  grpc::Status ExportDataset(grpc::ServerContext* context,
                             const teams_usage::v1::ExportDatasetRequest* request,
                             grpc::ServerWriter<teams_usage::v1::FileChunk>* writer) override;

 private:
  const report::ReportStore* store_;
  CallerGuard guard_;
};

}  // namespace teams_usage::server

#endif  // TEAMS_SERVER_REPORT_SERVICE_H_
