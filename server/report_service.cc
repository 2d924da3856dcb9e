#include "server/report_service.h"

#include <chrono>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/proto_convert.h"
#include "server/status_mapping.h"
#include "storage/civil_date.h"
#include "storage/ingest/copy_text.h"

namespace teams_usage::server {
namespace {

namespace v1 = teams_usage::v1;

// ---- requests -> domain -------------------------------------------------------------------------

absl::StatusOr<report::ValidFilter> FilterFromProto(const v1::ReportFilter& filter) {
  report::FilterInput input;
  input.preset = static_cast<int>(filter.preset());
  input.start_date = filter.start_date();
  input.end_date = filter.end_date();
  input.customer_country_codes.assign(filter.customer_country_codes().begin(),
                                      filter.customer_country_codes().end());
  input.customer_segments.assign(filter.customer_segments().begin(),
                                 filter.customer_segments().end());
  input.industries.assign(filter.industries().begin(), filter.industries().end());
  input.customer_ids.assign(filter.customer_ids().begin(), filter.customer_ids().end());
  return report::ValidateFilter(input, "filter");
}

absl::StatusOr<std::vector<report::Workload>> WorkloadsFromProto(
    const v1::GetUsageByWorkloadsRequest& request) {
  std::vector<report::Workload> workloads;
  for (int i = 0; i < request.workloads_size(); ++i) {
    const int value = request.workloads(i);
    if (value == v1::WORKLOAD_UNSPECIFIED) {
      return absl::InvalidArgumentError(
          absl::StrCat("workloads[", i,
                       "]: WORKLOAD_UNSPECIFIED is not a workload (MEETINGS, CALLS or "
                       "PHONE_SYSTEMS)"));
    }
    if (value < v1::MEETINGS || value > v1::PHONE_SYSTEMS) {
      return absl::InvalidArgumentError(absl::StrCat("workloads[", i, "]: unknown value ", value,
                                                     " (MEETINGS, CALLS or PHONE_SYSTEMS)"));
    }
    workloads.push_back(static_cast<report::Workload>(value));
  }
  return workloads;
}

absl::StatusOr<report::UsageMetric> MetricFromProto(int value) {
  if (value == v1::USAGE_METRIC_UNSPECIFIED) return report::UsageMetric::kMeetings;
  if (value >= v1::METRIC_MEETINGS && value <= v1::METRIC_THIRD_PARTY_APPS) {
    return static_cast<report::UsageMetric>(value);
  }
  return absl::InvalidArgumentError(absl::StrCat("metric: unknown value ", value));
}

absl::StatusOr<report::PageRequest> PageFromProto(int32_t page_size, const std::string& token) {
  const absl::StatusOr<int32_t> size = report::EffectivePageSize(page_size);
  if (!size.ok()) return size.status();
  return report::PageRequest{*size, token};
}

absl::StatusOr<ingest::FileFormat> FormatFromProto(int value) {
  switch (value) {
    case v1::FILE_FORMAT_UNSPECIFIED:
    case v1::CSV:
      return ingest::FileFormat::kCsv;
    case v1::TSV:
      return ingest::FileFormat::kTsv;
    default:
      return absl::InvalidArgumentError(absl::StrCat("format: unknown value ", value));
  }
}

// ---- domain -> responses ------------------------------------------------------------------------

void ToProto(const report::ResolvedRange& range, v1::ResolvedRange* out) {
  out->set_start_date(FormatIsoDate(range.dates.start));
  out->set_end_date(FormatIsoDate(range.dates.end));
  out->set_data_as_of(range.data_as_of.has_value() ? FormatIsoDate(*range.data_as_of) : "");
  out->set_data_version(range.data_version);
}

void ToProto(const report::Kpi& kpi, v1::Kpi* out) {
  out->set_value(kpi.value);
  out->set_previous_value(kpi.previous_value);
  if (kpi.change_percent.has_value()) out->set_change_percent(*kpi.change_percent);
  for (const report::MonthValue& m : kpi.monthly) {
    v1::MonthValue* value = out->add_monthly();
    value->set_month(FormatYearMonth(m.month));
    value->set_value(m.value);
  }
}

void ToProto(const report::ResolvedRange& range, const report::Summary& summary, v1::Summary* out) {
  ToProto(range, out->mutable_range());
  ToProto(summary.customers, out->mutable_customers());
  ToProto(summary.meeting_count, out->mutable_meeting_count());
  ToProto(summary.daily_avg_meeting_count_per_customer,
          out->mutable_daily_avg_meeting_count_per_customer());
  ToProto(summary.meeting_duration_hours, out->mutable_meeting_duration_hours());
  ToProto(summary.avg_meeting_duration_minutes, out->mutable_avg_meeting_duration_minutes());
}

void ToProto(const report::ResolvedRange& range, const std::vector<report::TrendPoint>& points,
             v1::ConversationsTrend* out) {
  ToProto(range, out->mutable_range());
  for (const report::TrendPoint& p : points) {
    v1::TrendPoint* point = out->add_points();
    point->set_month(FormatYearMonth(p.month));
    point->set_meetings(p.meetings);
    point->set_calls(p.calls);
    point->set_phone_systems(p.phone_systems);
    point->set_avg_meeting_duration_minutes(p.avg_meeting_duration_minutes);
  }
}

void ToProto(const report::ResolvedRange& range, const report::UsageByWorkloads& usage,
             v1::UsageByWorkloads* out) {
  ToProto(range, out->mutable_range());
  for (const report::WorkloadPoint& p : usage.points) {
    v1::WorkloadPoint* point = out->add_points();
    point->set_month(FormatYearMonth(p.month));
    point->set_workload(static_cast<v1::Workload>(p.workload));
    point->set_desktop_users(p.desktop_users);
    point->set_mobile_users(p.mobile_users);
    point->set_web_users(p.web_users);
  }
  for (const report::AllUpPoint& p : usage.all_up) {
    v1::AllUpPoint* point = out->add_all_up();
    point->set_month(FormatYearMonth(p.month));
    point->set_all_up_users(p.all_up_users);
  }
}

void ToProto(const report::CustomerUsage& usage, v1::CustomerUsage* out) {
  v1::Customer* c = out->mutable_customer();
  c->set_customer_id(usage.customer.customer_id);
  c->set_customer_tenant_id(usage.customer.customer_tenant_id);
  c->set_name(usage.customer.name);
  c->set_country_code(usage.customer.country_code);
  c->set_country(usage.customer.country);
  c->set_segment(usage.customer.segment);
  c->set_industry(usage.customer.industry);
  c->set_vertical(usage.customer.vertical);
  c->set_eou(usage.customer.eou);
  out->set_meetings(usage.meetings);
  out->set_calls(usage.calls);
  out->set_phone_systems(usage.phone_systems);
  out->set_meeting_duration_hours(usage.meeting_duration_hours);
  out->set_third_party_apps(usage.third_party_apps);
  out->set_third_party_app_users(usage.third_party_app_users);
}

void ToProto(const report::AppUsage& app, v1::AppUsage* out) {
  out->set_app_name(app.app_name);
  out->set_user_count(app.user_count);
  out->set_customer_count(app.customer_count);
}

}  // namespace

ReportServiceImpl::ReportServiceImpl(const report::ReportStore* store, CallerGuard guard,
                                     WorkerPool* workers)
    : store_(store), guard_(std::move(guard)), workers_(workers) {
  SetMessageAllocatorFor_GetSummary(&summary_messages_);
  SetMessageAllocatorFor_GetConversationsTrend(&trend_messages_);
  SetMessageAllocatorFor_GetUsageByWorkloads(&workloads_messages_);
  SetMessageAllocatorFor_ListTopCustomers(&top_customers_messages_);
  SetMessageAllocatorFor_ListApps(&apps_messages_);
  SetMessageAllocatorFor_GetReport(&report_messages_);
}

namespace {

// The answer of a handler: `read` (ReadMode -> the store's StatusOr<result>), then `fill`, which
// writes the result into the response.
template <typename Read, typename Fill>
auto AnswerWith(Read read, Fill fill) {
  return [read = std::move(read), fill = std::move(fill)](report::ReadMode mode) -> absl::Status {
    const auto result = read(mode);
    if (!result.ok()) return result.status();
    fill(*result);
    return absl::OkStatus();
  };
}

}  // namespace

grpc::ServerUnaryReactor* ReportServiceImpl::Reject(grpc::CallbackServerContext* context,
                                                    const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

absl::StatusOr<ReportServiceImpl::ReportCall> ReportServiceImpl::Begin(
    grpc::ServerContextBase* context, const v1::ReportFilter& filter) const {
  absl::StatusOr<auth::Principal> caller = guard_(context);
  if (!caller.ok()) return caller.status();
  absl::StatusOr<report::ValidFilter> valid = FilterFromProto(filter);
  if (!valid.ok()) return valid.status();
  return ReportCall{std::move(caller->partner_id), *std::move(valid)};
}

grpc::ServerUnaryReactor* ReportServiceImpl::Serve(grpc::CallbackServerContext* context,
                                                   Answer answer) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const absl::Status in_memory = answer(report::ReadMode::kCacheOnly);
  if (!report::IsNotCached(in_memory)) {
    reactor->Finish(ToGrpcStatus(in_memory));
    return reactor;
  }
  const bool queued = workers_->TrySchedule([reactor, answer = std::move(answer)] {
    reactor->Finish(ToGrpcStatus(answer(report::ReadMode::kAny)));
  });
  if (!queued) {
    reactor->Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                 "the server is at its limit of concurrent calls; retry later"));
  }
  return reactor;
}

grpc::ServerUnaryReactor* ReportServiceImpl::GetSummary(grpc::CallbackServerContext* context,
                                                        const v1::GetSummaryRequest* request,
                                                        v1::Summary* response) {
  auto checked = Begin(context, request->filter());
  if (!checked.ok()) return Reject(context, checked.status());
  return Serve(
      context,
      AnswerWith(
          [this, context, call = *std::move(checked)](report::ReadMode mode) {
            return store_->GetSummary(call.partner_id, call.filter, DeadlineOf(context), mode);
          },
          [response](const report::SummaryReport& r) { ToProto(r.range, r.summary, response); }));
}

grpc::ServerUnaryReactor* ReportServiceImpl::GetConversationsTrend(
    grpc::CallbackServerContext* context, const v1::GetConversationsTrendRequest* request,
    v1::ConversationsTrend* response) {
  auto checked = Begin(context, request->filter());
  if (!checked.ok()) return Reject(context, checked.status());
  return Serve(context, AnswerWith(
                            [this, context, call = *std::move(checked)](report::ReadMode mode) {
                              return store_->GetConversationsTrend(call.partner_id, call.filter,
                                                                   DeadlineOf(context), mode);
                            },
                            [response](const report::TrendReport& r) {
                              ToProto(r.range, r.points, response);
                            }));
}

grpc::ServerUnaryReactor* ReportServiceImpl::GetUsageByWorkloads(
    grpc::CallbackServerContext* context, const v1::GetUsageByWorkloadsRequest* request,
    v1::UsageByWorkloads* response) {
  auto checked = Begin(context, request->filter());
  if (!checked.ok()) return Reject(context, checked.status());
  auto workloads = WorkloadsFromProto(*request);
  if (!workloads.ok()) return Reject(context, workloads.status());
  return Serve(
      context,
      AnswerWith(
          [this, context, call = *std::move(checked),
           workloads = *std::move(workloads)](report::ReadMode mode) {
            return store_->GetUsageByWorkloads(call.partner_id, call.filter, workloads,
                                               DeadlineOf(context), mode);
          },
          [response](const report::WorkloadsReport& r) { ToProto(r.range, r.usage, response); }));
}

grpc::ServerUnaryReactor* ReportServiceImpl::ListTopCustomers(
    grpc::CallbackServerContext* context, const v1::ListTopCustomersRequest* request,
    v1::ListTopCustomersResponse* response) {
  auto checked = Begin(context, request->filter());
  if (!checked.ok()) return Reject(context, checked.status());
  const auto metric = MetricFromProto(request->metric());
  if (!metric.ok()) return Reject(context, metric.status());
  auto page = PageFromProto(request->page_size(), request->page_token());
  if (!page.ok()) return Reject(context, page.status());
  return Serve(context, AnswerWith(
                            [this, context, call = *std::move(checked), metric = *metric,
                             page = *std::move(page)](report::ReadMode mode) {
                              return store_->ListTopCustomers(call.partner_id, call.filter, metric,
                                                              page, DeadlineOf(context), mode);
                            },
                            [response](const report::TopCustomersPage& r) {
                              ToProto(r.range, response->mutable_range());
                              for (const report::CustomerUsage& usage : r.customers) {
                                ToProto(usage, response->add_customers());
                              }
                              response->set_next_page_token(r.next_page_token);
                              response->set_total_size(r.total_size);
                            }));
}

grpc::ServerUnaryReactor* ReportServiceImpl::ListApps(grpc::CallbackServerContext* context,
                                                      const v1::ListAppsRequest* request,
                                                      v1::ListAppsResponse* response) {
  auto checked = Begin(context, request->filter());
  if (!checked.ok()) return Reject(context, checked.status());
  if (!ingest::IsStorableText(request->customer_id())) {
    return Reject(context,
                  absl::InvalidArgumentError("customer_id: not valid UTF-8 text (or holds a NUL)"));
  }
  auto page = PageFromProto(request->page_size(), request->page_token());
  if (!page.ok()) return Reject(context, page.status());
  return Serve(context, AnswerWith(
                            [this, context, request, call = *std::move(checked),
                             page = *std::move(page)](report::ReadMode mode) {
                              return store_->ListApps(call.partner_id, call.filter,
                                                      request->customer_id(), page,
                                                      DeadlineOf(context), mode);
                            },
                            [response](const report::AppsPage& r) {
                              ToProto(r.range, response->mutable_range());
                              for (const report::AppUsage& app : r.apps) {
                                ToProto(app, response->add_apps());
                              }
                              response->set_next_page_token(r.next_page_token);
                              response->set_total_size(r.total_size);
                            }));
}

grpc::ServerUnaryReactor* ReportServiceImpl::GetReport(grpc::CallbackServerContext* context,
                                                       const v1::GetReportRequest* request,
                                                       v1::TeamsUsageReport* response) {
  auto checked = Begin(context, request->filter());
  if (!checked.ok()) return Reject(context, checked.status());
  const auto top_customers = report::EffectiveTopCount(request->top_customers(), "top_customers");
  if (!top_customers.ok()) return Reject(context, top_customers.status());
  const auto top_apps = report::EffectiveTopCount(request->top_apps(), "top_apps");
  if (!top_apps.ok()) return Reject(context, top_apps.status());
  return Serve(context,
               AnswerWith(
                   [this, context, call = *std::move(checked), top_customers = *top_customers,
                    top_apps = *top_apps](report::ReadMode mode) {
                     return store_->GetReport(call.partner_id, call.filter, top_customers, top_apps,
                                              DeadlineOf(context), mode);
                   },
                   [response](const report::FullReport& r) {
                     ToProto(r.range, r.summary, response->mutable_summary());
                     ToProto(r.range, r.trend, response->mutable_conversations_trend());
                     ToProto(r.range, r.workloads, response->mutable_usage_by_workloads());
                     for (const report::CustomerUsage& usage : r.top_customers) {
                       ToProto(usage, response->add_top_customers());
                     }
                     for (const report::AppUsage& app : r.top_apps) {
                       ToProto(app, response->add_top_apps());
                     }
                   }));
}

grpc::Status ReportServiceImpl::ExportDataset(grpc::ServerContext* context,
                                              const v1::ExportDatasetRequest* request,
                                              grpc::ServerWriter<v1::FileChunk>* writer) {
  const auto call = Begin(context, request->filter());
  if (!call.ok()) return ToGrpcStatus(call.status());
  const auto dataset = DatasetFromProto(request->dataset(), "dataset");
  if (!dataset.ok()) return ToGrpcStatus(dataset.status());
  const auto format = FormatFromProto(request->format());
  if (!format.ok()) return ToGrpcStatus(format.status());

  v1::FileChunk chunk;
  const report::ChunkSink sink = [&](absl::string_view bytes) {
    if (context->IsCancelled()) return false;
    chunk.set_data(bytes.data(), bytes.size());
    return writer->Write(chunk);
  };
  // The resolved range goes out as initial metadata, with the first chunk.
  const auto on_range = [&](const report::ResolvedRange& range) {
    v1::ResolvedRange resolved;
    ToProto(range, &resolved);
    context->AddInitialMetadata(kResolvedRangeMetadataKey, resolved.SerializeAsString());
  };
  const absl::Status exported = store_->ExportDataset(call->partner_id, *dataset, call->filter,
                                                      *format, sink, DeadlineOf(context), on_range);
  return ToGrpcStatus(exported);
}

}  // namespace teams_usage::server
