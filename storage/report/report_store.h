// The report's core over PostgreSQL: every section of DESIGN.md §1 for one partner and a
// validated filter, as domain structs. Knows nothing of gRPC (server/report_service.cc translates).
//
// Each call runs in ONE read-only REPEATABLE READ transaction that first scopes the session to the
// partner (app.partner_id, for row-level security) and sets statement_timeout from the caller's
// deadline; the partner's data state (data_version, data_as_of) is read in the same snapshot, so
// the resolved range, the figures and the page tokens of a response always belong together, and
// GetReport's sections always agree with each other however uploads interleave. Which table
// answers which section: docs/aggregation.md.
#ifndef TEAMS_STORAGE_REPORT_REPORT_STORE_H_
#define TEAMS_STORAGE_REPORT_REPORT_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <pqxx/transaction_base>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "storage/data_version_tracker.h"
#include "storage/ingest/usage_row.h"
#include "storage/pool.h"
#include "storage/report/metrics.h"
#include "storage/report/page_token.h"
#include "storage/report/report_filter.h"
#include "storage/report/result_cache.h"

namespace teams_usage::report {

struct ReportStoreOptions {
  // Signs and checks page tokens. Required.
  std::shared_ptr<const PageTokenCodec> page_tokens;
  // Today (days since 1970-01-01, UTC): presets of a partner without data end today. Default:
  // the system clock.
  std::function<int32_t()> today;
  // statement_timeout (and the wait for a connection) when the caller set no deadline.
  absl::Duration default_timeout = absl::Seconds(30);
  // Budget of the response cache (keyed by the partner's data_version, so never stale); 0: none.
  size_t cache_bytes = size_t{64} << 20;
  // A streaming replica for the reads (optional; not owned). Each call first reads the partner's
  // data_version on the primary (one indexed row), then runs on the replica unless the replica
  // has not replayed that version yet, or cannot be reached: then on the primary. So an answer is
  // never older than the primary was when the call began — never older than anything the caller
  // saw before (docs/operations.md).
  storage::ConnectionPool* read_pool = nullptr;
  // Answer requests for a preset over all customers from the views materialized by the uploads
  // (RefreshReportPresets), when they belong to the request's snapshot. Off: always from the
  // rollups (tests compare both).
  bool use_presets = true;
  // Knows partners' current data_version without a query (optional; not owned): a cached response
  // of that version is then served with no database round trip. Without it, every call reads the
  // version in its snapshot first.
  storage::DataVersionTracker* versions = nullptr;
};

struct SummaryReport {
  ResolvedRange range;
  Summary summary;
};

struct TrendReport {
  ResolvedRange range;
  std::vector<TrendPoint> points;
};

struct WorkloadsReport {
  ResolvedRange range;
  UsageByWorkloads usage;
};

struct PageRequest {
  int32_t page_size = kDefaultPageSize;  // as returned by EffectivePageSize
  std::string page_token;                // empty: the first page
};

struct TopCustomersPage {
  ResolvedRange range;
  std::vector<CustomerUsage> customers;
  std::string next_page_token;  // empty on the last page
  int64_t total_size = 0;
};

struct AppsPage {
  ResolvedRange range;
  std::vector<AppUsage> apps;
  std::string next_page_token;
  int64_t total_size = 0;
};

// Every section from one snapshot.
struct FullReport {
  ResolvedRange range;
  Summary summary;
  std::vector<TrendPoint> trend;
  UsageByWorkloads workloads;                // all three workloads
  std::vector<CustomerUsage> top_customers;  // by meetings
  std::vector<AppUsage> top_apps;
};

// How a call may be answered. kAny reads the database as needed. kCacheOnly answers only from
// memory — a cached response of the partner's current data_version, known without a query (a
// DataVersionTracker is needed) — and otherwise fails at once with a status for which
// IsNotCached() is true; for callers that must not block, which then retry with kAny elsewhere.
enum class ReadMode { kAny, kCacheOnly };
bool IsNotCached(const absl::Status& status);

// Receives an export's bytes in order, in chunks of about kExportChunkBytes; returns false when
// the receiver is gone (the export then stops with CANCELLED).
using ChunkSink = std::function<bool(absl::string_view chunk)>;
inline constexpr size_t kExportChunkBytes = 64 * 1024;

class ReportStore {
 public:
  ReportStore(storage::ConnectionPool* pool, ReportStoreOptions options);
  ~ReportStore();

  // Errors: INVALID_ARGUMENT for a page token that is malformed, tampered with, of another request
  // or of another data version ("page_token: ..."); UNAVAILABLE / DEADLINE_EXCEEDED / INTERNAL
  // from the database as mapped by storage::StatusFromDbException.
  absl::StatusOr<SummaryReport> GetSummary(const std::string& partner_id, const ValidFilter& filter,
                                           absl::Time deadline,
                                           ReadMode mode = ReadMode::kAny) const;
  absl::StatusOr<TrendReport> GetConversationsTrend(const std::string& partner_id,
                                                    const ValidFilter& filter, absl::Time deadline,
                                                    ReadMode mode = ReadMode::kAny) const;
  // `workloads`: the points to list (empty = all three); the all-up series is never restricted.
  absl::StatusOr<WorkloadsReport> GetUsageByWorkloads(const std::string& partner_id,
                                                      const ValidFilter& filter,
                                                      std::vector<Workload> workloads,
                                                      absl::Time deadline,
                                                      ReadMode mode = ReadMode::kAny) const;
  absl::StatusOr<TopCustomersPage> ListTopCustomers(const std::string& partner_id,
                                                    const ValidFilter& filter, UsageMetric metric,
                                                    const PageRequest& page, absl::Time deadline,
                                                    ReadMode mode = ReadMode::kAny) const;
  // `customer_id`: empty = every customer of the filter; otherwise that one customer (when the
  // filter selects it).
  absl::StatusOr<AppsPage> ListApps(const std::string& partner_id, const ValidFilter& filter,
                                    const std::string& customer_id, const PageRequest& page,
                                    absl::Time deadline, ReadMode mode = ReadMode::kAny) const;
  // `top_customers` / `top_apps` as returned by EffectiveTopCount.
  absl::StatusOr<FullReport> GetReport(const std::string& partner_id, const ValidFilter& filter,
                                       int32_t top_customers, int32_t top_apps, absl::Time deadline,
                                       ReadMode mode = ReadMode::kAny) const;

  // Streams the partner's current rows of `dataset` in the filter's range and customer set, with
  // a header line, as CSV (kCsv or kAuto) or TSV (kTsv), from one snapshot, through a cursor: the
  // export is never held in memory whole. `on_range` (optional) learns the resolved range before
  // the first chunk.
  absl::Status ExportDataset(
      const std::string& partner_id, ingest::Dataset dataset, const ValidFilter& filter,
      ingest::FileFormat format, const ChunkSink& sink, absl::Time deadline,
      const std::function<void(const ResolvedRange&)>& on_range = nullptr) const;

  ResultCache::Stats cache_stats() const;

 private:
  storage::ConnectionPool* pool_;
  ReportStoreOptions options_;
  std::unique_ptr<ResultCache> cache_;
};

// Materializes the partner's default views — LAST_3/6/12_MONTHS over all customers: distinct
// customers, the per-customer usage of the rankings, the per-app figures — for its current
// data_version, in `tx` (the upload's transaction, scoped to the partner), replacing the previous
// ones. Computed by the same queries as a request without them, so both answer alike.
absl::Status RefreshReportPresets(pqxx::transaction_base& tx, const std::string& partner_id);

}  // namespace teams_usage::report

#endif  // TEAMS_STORAGE_REPORT_REPORT_STORE_H_
