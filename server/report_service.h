// TeamsUsageReportService: thin handlers over report::ReportStore. Each one checks the caller
// first (the guard), then validates and translates the request (INVALID_ARGUMENT naming the
// field), then calls the core, and maps its errors with ToGrpcStatus.
#ifndef TEAMS_SERVER_REPORT_SERVICE_H_
#define TEAMS_SERVER_REPORT_SERVICE_H_

#include <functional>

#include "server/arena_allocator.h"
#include "server/caller.h"
#include "server/worker_pool.h"
#include "storage/report/report_store.h"
#include "teams_usage/v1/teams_usage.grpc.pb.h"

namespace teams_usage::server {

// ExportDataset's initial metadata: the serialized teams_usage.v1.ResolvedRange of the export
// (its stream of FileChunk has no other place to state it).
inline constexpr char kResolvedRangeMetadataKey[] = "teams-resolved-range-bin";

// The unary report methods use gRPC's callback API: a call whose answer is in memory (the
// response cache, validated without a query) is finished on the gRPC thread that received it;
// the others run on `workers`, whose bound also caps these calls in flight (past it:
// RESOURCE_EXHAUSTED). ExportDataset, a long stream, stays on the synchronous API.
using ReportServiceBase = teams_usage::v1::TeamsUsageReportService::WithCallbackMethod_GetSummary<
    teams_usage::v1::TeamsUsageReportService::WithCallbackMethod_GetConversationsTrend<
        teams_usage::v1::TeamsUsageReportService::WithCallbackMethod_GetUsageByWorkloads<
            teams_usage::v1::TeamsUsageReportService::WithCallbackMethod_ListTopCustomers<
                teams_usage::v1::TeamsUsageReportService::WithCallbackMethod_ListApps<
                    teams_usage::v1::TeamsUsageReportService::WithCallbackMethod_GetReport<
                        teams_usage::v1::TeamsUsageReportService::Service>>>>>>;

class ReportServiceImpl final : public ReportServiceBase {
 public:
  // `workers` is not owned.
  ReportServiceImpl(const report::ReportStore* store, CallerGuard guard, WorkerPool* workers);

  grpc::ServerUnaryReactor* GetSummary(grpc::CallbackServerContext* context,
                                       const teams_usage::v1::GetSummaryRequest* request,
                                       teams_usage::v1::Summary* response) override;
  grpc::ServerUnaryReactor* GetConversationsTrend(
      grpc::CallbackServerContext* context,
      const teams_usage::v1::GetConversationsTrendRequest* request,
      teams_usage::v1::ConversationsTrend* response) override;
  grpc::ServerUnaryReactor* GetUsageByWorkloads(
      grpc::CallbackServerContext* context,
      const teams_usage::v1::GetUsageByWorkloadsRequest* request,
      teams_usage::v1::UsageByWorkloads* response) override;
  grpc::ServerUnaryReactor* ListTopCustomers(
      grpc::CallbackServerContext* context, const teams_usage::v1::ListTopCustomersRequest* request,
      teams_usage::v1::ListTopCustomersResponse* response) override;
  grpc::ServerUnaryReactor* ListApps(grpc::CallbackServerContext* context,
                                     const teams_usage::v1::ListAppsRequest* request,
                                     teams_usage::v1::ListAppsResponse* response) override;
  grpc::ServerUnaryReactor* GetReport(grpc::CallbackServerContext* context,
                                      const teams_usage::v1::GetReportRequest* request,
                                      teams_usage::v1::TeamsUsageReport* response) override;
  grpc::Status ExportDataset(grpc::ServerContext* context,
                             const teams_usage::v1::ExportDatasetRequest* request,
                             grpc::ServerWriter<teams_usage::v1::FileChunk>* writer) override;

 private:
  // Answers with `answer` (which fills the response): first from memory on this thread, else on
  // a worker.
  using Answer = std::function<absl::Status(report::ReadMode)>;
  // What every report handler checks first: the caller (the guard) and the request's filter.
  struct ReportCall {
    std::string partner_id;
    report::ValidFilter filter;
  };
  absl::StatusOr<ReportCall> Begin(grpc::ServerContextBase* context,
                                   const teams_usage::v1::ReportFilter& filter) const;
  grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* context, Answer answer);
  grpc::ServerUnaryReactor* Reject(grpc::CallbackServerContext* context,
                                   const absl::Status& status);

  const report::ReportStore* store_;
  CallerGuard guard_;
  WorkerPool* workers_;
  ArenaMessageAllocator<teams_usage::v1::GetSummaryRequest, teams_usage::v1::Summary>
      summary_messages_;
  ArenaMessageAllocator<teams_usage::v1::GetConversationsTrendRequest,
                        teams_usage::v1::ConversationsTrend>
      trend_messages_;
  ArenaMessageAllocator<teams_usage::v1::GetUsageByWorkloadsRequest,
                        teams_usage::v1::UsageByWorkloads>
      workloads_messages_;
  ArenaMessageAllocator<teams_usage::v1::ListTopCustomersRequest,
                        teams_usage::v1::ListTopCustomersResponse>
      top_customers_messages_;
  ArenaMessageAllocator<teams_usage::v1::ListAppsRequest, teams_usage::v1::ListAppsResponse>
      apps_messages_;
  ArenaMessageAllocator<teams_usage::v1::GetReportRequest, teams_usage::v1::TeamsUsageReport>
      report_messages_;
};

}  // namespace teams_usage::server

#endif  // TEAMS_SERVER_REPORT_SERVICE_H_
