#include "storage/report/report_store.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <map>
#include <optional>
#include <pqxx/pqxx>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "storage/civil_date.h"
#include "storage/report/export_writer.h"
#include "storage/report/report_queries.h"
#include "storage/report/result_cache.h"

namespace teams_usage::report {
namespace {

using Snapshot = pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>;
using Params = std::vector<std::string>;

// The partner's row in `partners`, read in the report's snapshot.
struct PartnerState {
  int64_t data_version = 0;
  std::optional<int32_t> latest_day;    // latest meetings-and-calls DateKey
  std::optional<int32_t> latest_month;  // latest month of the monthly datasets
};

// The materialized default view (migrations/0004_report_presets.sql) that answers a request, as
// read in its snapshot.
struct PresetMonth {
  int64_t active_customers = 0;
  MeetingSums sums;
  // Desktop, web, mobile users of each workload (index: Workload - 1).
  std::array<std::array<int64_t, 3>, 3> users{};
  int64_t all_up_users = 0;
};
struct PresetView {
  int months = 0;  // N of LAST_N_MONTHS
  int64_t customers = 0;
  int64_t previous_customers = 0;
  MeetingSums previous_sums;
  std::map<int32_t, PresetMonth> by_month;  // every month of the range
  std::array<int64_t, 4> ranked{};          // listed customers per UsageMetric 1..4
  int64_t listed_apps = 0;
};

int PresetMonths(DatePreset preset) {
  switch (preset) {
    case DatePreset::kLast3Months:
      return 3;
    case DatePreset::kLast6Months:
      return 6;
    case DatePreset::kLast12Months:
      return 12;
    case DatePreset::kCustom:
      break;
  }
  return 0;
}

// What every section of one response shares.
struct Context {
  PartnerState partner;
  ResolvedRange range;
  // The materialized default view that answers the request (when CallSpec::wants_preset and one
  // exists for exactly this snapshot's data_version and range).
  std::optional<PresetView> preset;
};

int32_t TodayUtc() {
  const int64_t seconds = absl::ToUnixSeconds(absl::Now());
  return static_cast<int32_t>(seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400));
}

// A PostgreSQL array literal of text: every element quoted, quotes and backslashes escaped.
std::string TextArray(const std::vector<std::string>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.push_back('"');
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    out.push_back('"');
  }
  return out + "}";
}

// A PostgreSQL array literal of `values`, each written by `element` (numbers and dates need no
// quoting).
template <typename T, typename Element>
std::string ArrayLiteral(const std::vector<T>& values, Element element) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += element(values[i]);
  }
  return out + "}";
}

std::string DateArray(const std::vector<int32_t>& days) {
  return ArrayLiteral(days, [](int32_t day) { return FormatIsoDate(day); });
}

template <typename Int>
std::string IntArray(const std::vector<Int>& values) {
  return ArrayLiteral(values, [](Int v) { return absl::StrCat(v); });
}

// A double as text that reads back as the same double.
std::string DoubleText(double value) {
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  return ec == std::errc() ? std::string(buf, end) : absl::StrCat(value);
}

std::string DoubleArray(const std::vector<double>& values) {
  return ArrayLiteral(values, DoubleText);
}

// $1..$6 of every report statement: the partner and the customer filter.
Params BaseParams(const std::string& partner_id, const CustomerFilter& filter,
                  const std::string& one_customer = "") {
  return {partner_id,
          TextArray(filter.country_codes),
          TextArray(filter.segments),
          TextArray(filter.industries),
          TextArray(filter.customer_ids),
          one_customer};
}

Params With(Params params, std::initializer_list<std::string> more) {
  params.insert(params.end(), more.begin(), more.end());
  return params;
}

// Runs `statement` (one of report_queries.h's constants) as a prepared statement of the
// connection: parsed once per connection rather than on every call. Report transactions plan
// every execution with its parameters (plan_cache_mode, set by report_begin).
template <typename... Args>
pqxx::result Query(pqxx::transaction_base& tx, const char* statement, Args&&... args) {
  const std::string name = absl::StrCat("teams_report_", reinterpret_cast<uintptr_t>(statement));
  tx.conn().prepare(name, statement);  // defines it once per connection; then a lookup
  return tx.exec_prepared(name, std::forward<Args>(args)...);
}

pqxx::result Exec(pqxx::transaction_base& tx, const char* statement, const Params& params) {
  return Query(tx, statement, pqxx::prepare::make_dynamic_params(params));
}

int32_t DayOf(const pqxx::field& field) {
  const std::optional<int32_t> day = ParseIsoDate(field.c_str());
  if (!day.has_value()) throw std::runtime_error(absl::StrCat("unexpected date ", field.c_str()));
  return *day;
}

std::optional<int32_t> OptionalDay(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return DayOf(field);
}

// The default view in report_begin's rows, when it belongs to `context`'s snapshot.
std::optional<PresetView> PresetViewOf(const pqxx::result& rows, int months,
                                       const Context& context) {
  if (rows.empty() || rows[0][3].is_null() ||
      rows[0][3].as<int64_t>() != context.partner.data_version ||
      DayOf(rows[0][4]) != context.range.dates.start ||
      DayOf(rows[0][5]) != context.range.dates.end) {
    return std::nullopt;
  }
  PresetView view;
  view.months = months;
  view.customers = rows[0][6].as<int64_t>();
  view.previous_customers = rows[0][7].as<int64_t>();
  for (int m = 0; m < 4; ++m) view.ranked[m] = rows[0][8 + m].as<int64_t>();
  view.listed_apps = rows[0][12].as<int64_t>();
  view.previous_sums.meetings = rows[0][13].as<int64_t>();
  view.previous_sums.meeting_hours = rows[0][14].as<double>();
  view.previous_sums.calls = rows[0][15].as<int64_t>();
  view.previous_sums.phone_systems = rows[0][16].as<int64_t>();
  for (const auto& row : rows) {
    if (row[17].is_null()) continue;
    PresetMonth& m = view.by_month[DayOf(row[17])];
    m.active_customers = row[18].as<int64_t>();
    m.sums.meetings = row[19].as<int64_t>();
    m.sums.meeting_hours = row[20].as<double>();
    m.sums.calls = row[21].as<int64_t>();
    m.sums.phone_systems = row[22].as<int64_t>();
    for (int w = 0; w < 3; ++w) {
      for (int c = 0; c < 3; ++c) m.users[w][c] = row[23 + 3 * w + c].as<int64_t>();
    }
    m.all_up_users = row[32].as<int64_t>();
  }
  return view;
}

// The result of an export, whose rows went to the sink.
struct Exported {};

// Rough sizes of results, for the cache's budget.
size_t ApproxBytes(const Exported&) { return 0; }
size_t ApproxBytes(const Kpi& kpi) { return sizeof kpi + kpi.monthly.size() * sizeof(MonthValue); }
size_t ApproxBytes(const Summary& s) {
  return ApproxBytes(s.customers) + ApproxBytes(s.meeting_count) +
         ApproxBytes(s.daily_avg_meeting_count_per_customer) +
         ApproxBytes(s.meeting_duration_hours) + ApproxBytes(s.avg_meeting_duration_minutes);
}
size_t ApproxBytes(const std::vector<TrendPoint>& v) { return v.size() * sizeof(TrendPoint); }
size_t ApproxBytes(const UsageByWorkloads& u) {
  return u.points.size() * sizeof(WorkloadPoint) + u.all_up.size() * sizeof(AllUpPoint);
}
size_t ApproxBytes(const std::vector<CustomerUsage>& customers) {
  size_t bytes = 0;
  for (const CustomerUsage& u : customers) {
    const CustomerInfo& c = u.customer;
    bytes += sizeof u + c.customer_id.size() + c.customer_tenant_id.size() + c.name.size() +
             c.country_code.size() + c.country.size() + c.segment.size() + c.industry.size() +
             c.vertical.size() + c.eou.size();
  }
  return bytes;
}
size_t ApproxBytes(const std::vector<AppUsage>& apps) {
  size_t bytes = 0;
  for (const AppUsage& a : apps) bytes += sizeof a + a.app_name.size();
  return bytes;
}
size_t ApproxBytes(const SummaryReport& r) { return sizeof r + ApproxBytes(r.summary); }
size_t ApproxBytes(const TrendReport& r) { return sizeof r + ApproxBytes(r.points); }
size_t ApproxBytes(const WorkloadsReport& r) { return sizeof r + ApproxBytes(r.usage); }
size_t ApproxBytes(const TopCustomersPage& r) {
  return sizeof r + ApproxBytes(r.customers) + r.next_page_token.size();
}
size_t ApproxBytes(const AppsPage& r) {
  return sizeof r + ApproxBytes(r.apps) + r.next_page_token.size();
}
size_t ApproxBytes(const FullReport& r) {
  return sizeof r + ApproxBytes(r.summary) + ApproxBytes(r.trend) + ApproxBytes(r.workloads) +
         ApproxBytes(r.top_customers) + ApproxBytes(r.top_apps);
}

// What InSnapshot needs to know of a call besides its body.
struct CallSpec {
  absl::string_view what;                // what is being done, for error messages
  absl::string_view method;              // the cache key's first part; empty: not cached
  std::string key_extra;                 // the request's fields besides the partner and the filter
  std::optional<PagePosition> position;  // a page token's, checked against the data version
  bool cache_only = false;               // ReadMode::kCacheOnly
  bool wants_preset = false;             // the body can use the default view (Context::preset)
};

// The cache key of a call: everything its answer depends on. The data_version stands for the
// partner's data, the resolved dates for the preset's meaning on that data (and today).
// `epoch`: the DataVersionTracker's (0 without one), so that nothing cached before it forgot what
// it knew (a reconnection, partners deleted) is found again.
std::string CacheKey(const CallSpec& call, const std::string& partner_id, const ValidFilter& filter,
                     const Context& context, uint64_t epoch) {
  return absl::StrCat(call.method, "|", partner_id.size(), ":", partner_id, "|", epoch, "|",
                      context.range.data_version, "|", context.range.dates.start, "..",
                      context.range.dates.end, "|", CanonicalFilter(filter), "|", call.key_extra);
}

// The partner's state of one data version, cached beside the responses so that a response can be
// found for the version the DataVersionTracker knows without reading the state.
std::string StateKey(uint64_t epoch, const std::string& partner_id, int64_t data_version) {
  return absl::StrCat("PartnerState|", partner_id.size(), ":", partner_id, "|", epoch, "|",
                      data_version);
}

int32_t TodayOf(const ReportStoreOptions& options) {
  return options.today ? options.today() : TodayUtc();
}

Context ContextOf(const PartnerState& partner, const ValidFilter& filter,
                  const ReportStoreOptions& options) {
  Context context;
  context.partner = partner;
  context.range.data_version = partner.data_version;
  context.range.data_as_of = DataAsOf(partner.latest_day, partner.latest_month);
  context.range.dates = ResolveDateRange(filter, context.range.data_as_of, TodayOf(options));
  return context;
}

using Ticket = storage::DataVersionTracker::Ticket;

constexpr absl::string_view kNotCachedPayload = "type.teams-usage/report.not-cached";

absl::Status NotCachedError() {
  absl::Status status = absl::UnavailableError("not answered from memory");
  status.SetPayload(kNotCachedPayload, absl::Cord("1"));
  return status;
}

// Returned by SnapshotOn when the replica has not yet replayed the version the call needs.
constexpr absl::string_view kReplicaBehind = "the read replica is behind";

// The partner's data_version on the primary (0 for a partner without data).
absl::StatusOr<int64_t> PrimaryDataVersion(storage::ConnectionPool& pool,
                                           const std::string& partner_id, absl::Time deadline,
                                           absl::string_view what) {
  auto lease = pool.Acquire(deadline);
  if (!lease.ok()) return lease.status();
  try {
    pqxx::work tx(lease->conn());
    const int64_t timeout_ms =
        std::max<int64_t>(1, absl::ToInt64Milliseconds(deadline - absl::Now()));
    Query(tx, sql::kScopeToPartner, partner_id, std::to_string(timeout_ms));
    const pqxx::result state = Query(tx, sql::kPartnerState, partner_id);
    const int64_t version = state.empty() ? 0 : state[0][0].as<int64_t>();
    tx.commit();
    return version;
  } catch (const std::exception& e) {
    return storage::StatusFromDbException(e, what);
  }
}

template <typename Result, typename Body>
absl::StatusOr<Result> SnapshotOn(storage::ConnectionPool& pool, int64_t min_data_version,
                                  const ReportStoreOptions& options, ResultCache* cache,
                                  const std::optional<Ticket>& ticket,
                                  const std::string& partner_id, const ValidFilter& filter,
                                  absl::Time effective_deadline, const CallSpec& call, Body&& body);

// Runs `body` in one read-only REPEATABLE READ transaction scoped to the partner, with the
// partner's state and the filter's resolved range; answers from `cache` (when given) what an
// earlier call computed for the same data version — with no database round trip at all when the
// DataVersionTracker knows the partner's current version.
template <typename Result, typename Body>
absl::StatusOr<Result> InSnapshot(storage::ConnectionPool& pool, const ReportStoreOptions& options,
                                  ResultCache* cache, const std::string& partner_id,
                                  const ValidFilter& filter, absl::Time deadline,
                                  const CallSpec& call, Body&& body) {
  const absl::Time now = absl::Now();
  const absl::Time effective_deadline =
      deadline == absl::InfiniteFuture() ? now + options.default_timeout : deadline;
  if (effective_deadline <= now) return absl::DeadlineExceededError("deadline already passed");
  std::optional<Ticket> ticket;
  if (options.versions != nullptr && cache != nullptr && !call.method.empty()) {
    ticket = options.versions->Begin();
    if (const std::optional<int64_t> version = options.versions->Known(*ticket, partner_id)) {
      const std::shared_ptr<const PartnerState> state =
          cache->Get<PartnerState>(StateKey(ticket->epoch, partner_id, *version));
      // A page token of another version is left to the snapshot path, which reports it.
      if (state != nullptr &&
          (!call.position.has_value() || call.position->data_version == *version)) {
        const Context context = ContextOf(*state, filter, options);
        if (const std::shared_ptr<const Result> hit =
                cache->Get<Result>(CacheKey(call, partner_id, filter, context, ticket->epoch))) {
          return *hit;
        }
      }
    }
  }
  if (call.cache_only) return NotCachedError();
  if (options.read_pool != nullptr) {
    const absl::StatusOr<int64_t> version =
        PrimaryDataVersion(pool, partner_id, effective_deadline, call.what);
    if (!version.ok()) return version.status();
    absl::StatusOr<Result> on_replica =
        SnapshotOn<Result>(*options.read_pool, *version, options, cache, ticket, partner_id, filter,
                           effective_deadline, call, body);
    const bool replica_failed =
        !on_replica.ok() && (on_replica.status().message() == kReplicaBehind ||
                             on_replica.status().code() == absl::StatusCode::kUnavailable);
    if (!replica_failed) return on_replica;
  }
  return SnapshotOn<Result>(pool, 0, options, cache, ticket, partner_id, filter, effective_deadline,
                            call, body);
}

// One snapshot on `pool`; kReplicaBehind (ABORTED) when its data_version is below
// `min_data_version`.
template <typename Result, typename Body>
absl::StatusOr<Result> SnapshotOn(storage::ConnectionPool& pool, int64_t min_data_version,
                                  const ReportStoreOptions& options, ResultCache* cache,
                                  const std::optional<Ticket>& ticket,
                                  const std::string& partner_id, const ValidFilter& filter,
                                  absl::Time effective_deadline, const CallSpec& call,
                                  Body&& body) {
  auto lease = pool.Acquire(effective_deadline);
  if (!lease.ok()) return lease.status();
  try {
    Snapshot tx(lease->conn());
    // The caller's remaining time bounds every statement (at least 1 ms: 0 would mean none).
    const int64_t timeout_ms =
        std::max<int64_t>(1, absl::ToInt64Milliseconds(effective_deadline - absl::Now()));
    const int preset_months = call.wants_preset && options.use_presets && filter.customers.empty()
                                  ? PresetMonths(filter.preset)
                                  : 0;
    const pqxx::result state =
        Query(tx, sql::kReportBegin, partner_id, std::to_string(timeout_ms), preset_months);
    PartnerState partner;
    if (!state.empty()) {
      partner.data_version = state[0][0].as<int64_t>();
      partner.latest_day = OptionalDay(state[0][1]);
      partner.latest_month = OptionalDay(state[0][2]);
    }
    if (partner.data_version < min_data_version) return absl::AbortedError(kReplicaBehind);
    Context context = ContextOf(partner, filter, options);
    if (preset_months > 0) context.preset = PresetViewOf(state, preset_months, context);
    const uint64_t epoch = ticket.has_value() ? ticket->epoch : 0;
    if (ticket.has_value() && cache != nullptr) {
      // The snapshot began after the ticket: what it read may be followed from here on.
      options.versions->Learn(*ticket, partner_id, partner.data_version);
      cache->Put(StateKey(epoch, partner_id, partner.data_version), partner, sizeof partner);
    }
    if (call.position.has_value()) {
      const absl::Status current = CheckDataVersion(*call.position, context.range.data_version);
      if (!current.ok()) return current;
    }

    std::string key;
    if (cache != nullptr && !call.method.empty()) {
      key = CacheKey(call, partner_id, filter, context, epoch);
      if (const std::shared_ptr<const Result> hit = cache->Get<Result>(key)) {
        tx.commit();
        return *hit;
      }
    }
    absl::StatusOr<Result> result = body(tx, context);
    if (!result.ok()) return result;
    tx.commit();
    if (cache != nullptr && !key.empty()) cache->Put(key, *result, ApproxBytes(*result));
    return result;
  } catch (const std::exception& e) {
    return storage::StatusFromDbException(e, call.what);
  }
}

// ---- meetings and calls -------------------------------------------------------------------------

struct PeriodResult {
  std::vector<MonthFigures> months;  // every month overlapping the period, in order
  PeriodFigures total;
};

// Whole months of `range` (answered by monthly rollups) and the partial ones' first/last days. A
// slice that reaches the month's end, or past the latest day with data, covers all of the
// month's rows: the monthly rollup answers it.
void SplitMonths(const std::vector<MonthSlice>& months, std::optional<int32_t> latest_day,
                 std::vector<int32_t>* whole_months, std::vector<int32_t>* partial_first,
                 std::vector<int32_t>* partial_last) {
  for (const MonthSlice& slice : months) {
    const bool to_month_end = slice.last_day == LastOfMonth(slice.month) ||
                              !latest_day.has_value() || slice.last_day >= *latest_day;
    if (slice.first_day == slice.month && to_month_end) {
      whole_months->push_back(slice.month);
    } else {
      partial_first->push_back(slice.first_day);
      partial_last->push_back(slice.last_day);
    }
  }
}

// Reads the meetings-and-calls figures of `range`: per month, and (with `with_customers`) the
// active customers per month and over the whole range.
PeriodResult ReadPeriod(pqxx::transaction_base& tx, const Params& base, bool filtered,
                        const DateRange& range, std::optional<int32_t> latest_day,
                        bool with_customers) {
  PeriodResult period;
  period.total.days = range.days();
  const std::vector<MonthSlice> slices = MonthsOverlapping(range);
  std::vector<int32_t> whole_months, partial_first, partial_last, all_months, masks;
  SplitMonths(slices, latest_day, &whole_months, &partial_first, &partial_last);
  for (const MonthSlice& slice : slices) {
    MonthFigures figures;
    figures.slice = slice;
    period.months.push_back(figures);
    all_months.push_back(slice.month);
    masks.push_back(slice.day_mask());
  }
  std::map<int32_t, MonthFigures*> by_month;
  for (MonthFigures& m : period.months) by_month[m.slice.month] = &m;

  const pqxx::result sums = Exec(
      tx, filtered ? sql::kMonthSumsFiltered : sql::kMonthSumsAllCustomers,
      With(base, {DateArray(whole_months), DateArray(partial_first), DateArray(partial_last)}));
  for (const auto& row : sums) {
    const auto it = by_month.find(DayOf(row[0]));
    if (it == by_month.end()) continue;  // cannot happen: every row is of a listed month
    MeetingSums& s = it->second->sums;
    s.meetings = row[1].as<int64_t>();
    s.meeting_hours = row[2].as<double>();
    s.calls = row[3].as<int64_t>();
    s.phone_systems = row[4].as<int64_t>();
    period.total.sums.meetings += s.meetings;
    period.total.sums.meeting_hours += s.meeting_hours;
    period.total.sums.calls += s.calls;
    period.total.sums.phone_systems += s.phone_systems;
  }
  if (!with_customers) return period;

  const pqxx::result active =
      Exec(tx, filtered ? sql::kActiveCustomersFiltered : sql::kActiveCustomersAll,
           With(base, {DateArray(all_months), IntArray(masks)}));
  for (const auto& row : active) {
    if (row[0].is_null()) {
      period.total.customers = row[1].as<int64_t>();
      continue;
    }
    const auto it = by_month.find(DayOf(row[0]));
    if (it != by_month.end()) it->second->active_customers = row[1].as<int64_t>();
  }
  return period;
}

// The figures ReadPeriod would read for `range` (the view's), from the default view.
PeriodResult PeriodFromView(const DateRange& range, const PresetView& view) {
  PeriodResult period;
  period.total.days = range.days();
  period.total.customers = view.customers;
  for (const MonthSlice& slice : MonthsOverlapping(range)) {
    MonthFigures figures;
    figures.slice = slice;
    const auto it = view.by_month.find(slice.month);
    if (it != view.by_month.end()) {
      figures.sums = it->second.sums;
      figures.active_customers = it->second.active_customers;
    }
    MeetingSums& total = period.total.sums;
    total.meetings += figures.sums.meetings;
    total.meeting_hours += figures.sums.meeting_hours;
    total.calls += figures.sums.calls;
    total.phone_systems += figures.sums.phone_systems;
    period.months.push_back(figures);
  }
  return period;
}

Summary ReadSummary(pqxx::transaction_base& tx, const Params& base, bool filtered,
                    const Context& context, PeriodResult* current_out) {
  const DateRange& range = context.range.dates;
  const DateRange previous_range = PreviousPeriod(range);
  PeriodResult current;
  PeriodFigures previous;
  if (const std::optional<PresetView>& view = context.preset) {
    current = PeriodFromView(range, *view);
    previous = {previous_range.days(), view->previous_sums, view->previous_customers};
  } else {
    current = ReadPeriod(tx, base, filtered, range, context.partner.latest_day, true);
    previous =
        ReadPeriod(tx, base, filtered, previous_range, context.partner.latest_day, true).total;
  }
  Summary summary = BuildSummary(current.months, current.total, previous);
  if (current_out != nullptr) *current_out = std::move(current);
  return summary;
}

// ---- workloads ----------------------------------------------------------------------------------

UsageByWorkloads ReadWorkloads(pqxx::transaction_base& tx, const Params& base, bool filtered,
                               const DateRange& range, const std::vector<Workload>& selection,
                               const std::optional<PresetView>& view = std::nullopt) {
  const std::vector<MonthSlice> months = MonthsOverlapping(range);
  UsageByWorkloads usage;
  if (months.empty()) return usage;
  // (month, subworkload 0..3) -> desktop, web, mobile; subworkload 0 holds all-up users.
  std::map<std::pair<int32_t, int>, std::array<int64_t, 3>> values;
  if (view.has_value()) {
    for (const auto& [month, m] : view->by_month) {
      for (int w = 1; w <= 3; ++w) values[{month, w}] = m.users[w - 1];
      values[{month, 0}] = {m.all_up_users, 0, 0};
    }
  } else {
    const pqxx::result rows =
        Exec(tx, filtered ? sql::kWorkloadsFiltered : sql::kWorkloadsAllCustomers,
             With(base, {FormatIsoDate(months.front().month), FormatIsoDate(months.back().month)}));
    for (const auto& row : rows) {
      values[{DayOf(row[0]), row[1].as<int>()}] = {row[2].as<int64_t>(), row[3].as<int64_t>(),
                                                   row[4].as<int64_t>()};
    }
  }
  for (const MonthSlice& m : months) {
    for (Workload w : selection) {
      WorkloadPoint p;
      p.month = m.month;
      p.workload = w;
      const auto it = values.find({m.month, static_cast<int>(w)});
      if (it != values.end()) {
        p.desktop_users = it->second[0];
        p.web_users = it->second[1];
        p.mobile_users = it->second[2];
      }
      usage.points.push_back(p);
    }
    const auto all_up = values.find({m.month, 0});
    usage.all_up.push_back({m.month, all_up == values.end() ? 0 : all_up->second[0]});
  }
  return usage;
}

// ---- rankings -----------------------------------------------------------------------------------

struct Ranking {
  std::vector<CustomerUsage> customers;
  int64_t total = 0;
};

// A customer of a ranking from its row, whose columns from `first` on are those of kTopCustomers'
// from the second on.
CustomerUsage CustomerUsageOf(const pqxx::row& row, int first) {
  CustomerUsage u;
  CustomerInfo& c = u.customer;
  int i = first;
  for (std::string* field : {&c.customer_id, &c.customer_tenant_id, &c.name, &c.country_code,
                             &c.country, &c.segment, &c.industry, &c.vertical, &c.eou}) {
    *field = row[i++].as<std::string>();
  }
  u.meetings = row[i++].as<int64_t>();
  u.calls = row[i++].as<int64_t>();
  u.phone_systems = row[i++].as<int64_t>();
  u.meeting_duration_hours = row[i++].as<double>();
  u.third_party_apps = row[i++].as<int64_t>();
  u.third_party_app_users = row[i++].as<int64_t>();
  return u;
}

// $7..$11 of kTopCustomers and kRefreshPresetCustomers.
std::vector<std::string> CustomerUsageParams(const std::vector<MonthSlice>& months,
                                             std::optional<int32_t> latest_day) {
  std::vector<int32_t> whole_months, partial_first, partial_last;
  SplitMonths(months, latest_day, &whole_months, &partial_first, &partial_last);
  return {DateArray(whole_months), DateArray(partial_first), DateArray(partial_last),
          FormatIsoDate(months.front().month), FormatIsoDate(months.back().month)};
}

Ranking ReadTopCustomers(pqxx::transaction_base& tx, const Params& base, const DateRange& range,
                         std::optional<int32_t> latest_day, UsageMetric metric, int64_t limit,
                         int64_t offset, const std::optional<PresetView>& preset) {
  const int metric_index = std::clamp(static_cast<int>(metric), 1, 4) - 1;
  if (preset.has_value()) {
    Ranking ranking;
    ranking.total = preset->ranked[metric_index];
    const pqxx::result rows =
        Query(tx, sql::kPresetTopCustomers[metric_index], base[0], preset->months, limit, offset);
    for (const auto& row : rows) ranking.customers.push_back(CustomerUsageOf(row, 0));
    return ranking;
  }
  const std::vector<MonthSlice> months = MonthsOverlapping(range);
  Ranking ranking;
  if (months.empty()) return ranking;
  Params params = base;
  for (std::string& p : CustomerUsageParams(months, latest_day)) params.push_back(std::move(p));
  params.push_back(std::to_string(static_cast<int>(metric)));
  params.push_back(std::to_string(limit));
  params.push_back(std::to_string(offset));
  const pqxx::result rows = Exec(tx, sql::kTopCustomers, params);
  for (const auto& row : rows) {
    ranking.total = row[0].as<int64_t>();
    if (row[1].is_null()) continue;  // the page is empty
    ranking.customers.push_back(CustomerUsageOf(row, 1));
  }
  return ranking;
}

struct AppRanking {
  std::vector<AppUsage> apps;
  int64_t total = 0;
};

AppRanking ReadApps(pqxx::transaction_base& tx, const Params& base, bool filtered,
                    const DateRange& range, int64_t limit, int64_t offset,
                    const std::optional<PresetView>& preset) {
  if (preset.has_value()) {  // only given for all customers (CallSpec::wants_preset)
    AppRanking ranking;
    ranking.total = preset->listed_apps;
    const pqxx::result rows = Query(tx, sql::kPresetApps, base[0], preset->months, limit, offset);
    for (const auto& row : rows) {
      ranking.apps.push_back(
          AppUsage{row[0].as<std::string>(), row[1].as<int64_t>(), row[2].as<int64_t>()});
    }
    return ranking;
  }
  const std::vector<MonthSlice> months = MonthsOverlapping(range);
  AppRanking ranking;
  if (months.empty()) return ranking;
  const char* statement = filtered             ? sql::kAppsFiltered
                          : months.size() == 1 ? sql::kAppsAllCustomersOneMonth
                                               : sql::kAppsAllCustomers;
  const pqxx::result rows =
      Exec(tx, statement,
           With(base, {FormatIsoDate(months.front().month), FormatIsoDate(months.back().month),
                       std::to_string(limit), std::to_string(offset)}));
  for (const auto& row : rows) {
    ranking.total = row[0].as<int64_t>();
    if (row[1].is_null()) continue;
    ranking.apps.push_back(
        AppUsage{row[1].as<std::string>(), row[2].as<int64_t>(), row[3].as<int64_t>()});
  }
  return ranking;
}

// ---- export -------------------------------------------------------------------------------------

double ParseDouble(const pqxx::field& field) {
  const char* text = field.c_str();
  double value = 0;
  const auto [end, ec] = std::from_chars(text, text + field.size(), value);
  if (ec != std::errc() || end != text + field.size()) {
    throw std::runtime_error(absl::StrCat("unexpected number ", text));
  }
  return value;
}

void WriteExportRow(DelimitedWriter& w, ingest::Dataset dataset, const std::string& partner_id,
                    const pqxx::row& row) {
  w.Field(partner_id);
  for (int i = 0; i < 9; ++i) w.Field(absl::string_view(row[i].c_str(), row[i].size()));
  w.Field(absl::string_view(row[9].c_str(), row[9].size()));  // DateKey / MonthKey
  switch (dataset) {
    case ingest::Dataset::kMeetingsAndCalls:
      w.Field(SubworkloadName(row[10].as<int>()));
      w.Int(row[11].as<int64_t>());
      w.Hours(ParseDouble(row[12]));
      break;
    case ingest::Dataset::kWorkload:
      w.Field(SubworkloadName(row[10].as<int>()));
      for (int i = 11; i <= 14; ++i) w.Int(row[i].as<int64_t>());
      break;
    case ingest::Dataset::kThirdPartyApps:
      w.Field(absl::string_view(row[10].c_str(), row[10].size()));
      w.Int(row[11].as<int64_t>());
      break;
  }
  w.EndRecord();
}

// Decodes the request's page token (if any) into `call->position`.
absl::Status ReadPagePosition(const PageTokenCodec& codec, const PageRequest& page,
                              const std::string& fingerprint, CallSpec* call) {
  if (page.page_token.empty()) return absl::OkStatus();
  auto decoded = codec.Decode(page.page_token, fingerprint);
  if (!decoded.ok()) return decoded.status();
  call->position = *decoded;
  return absl::OkStatus();
}

// The token of the page after the `count` rows that start at `offset`; empty after the last.
std::string NextPageToken(const PageTokenCodec& codec, const std::string& fingerprint,
                          int64_t data_version, int64_t offset, size_t count, int64_t total) {
  const int64_t next = offset + static_cast<int64_t>(count);
  if (count == 0 || next >= total) return "";
  return codec.Encode(fingerprint, {data_version, next});
}

}  // namespace

bool IsNotCached(const absl::Status& status) {
  return status.GetPayload(kNotCachedPayload).has_value();
}

ReportStore::ReportStore(storage::ConnectionPool* pool, ReportStoreOptions options)
    : pool_(pool),
      options_(std::move(options)),
      cache_(std::make_unique<ResultCache>(options_.cache_bytes)) {
  if (options_.page_tokens == nullptr) {
    options_.page_tokens = std::make_shared<PageTokenCodec>(PageTokenCodec::WithRandomKey());
  }
}

ReportStore::~ReportStore() = default;

ResultCache::Stats ReportStore::cache_stats() const { return cache_->stats(); }

absl::StatusOr<SummaryReport> ReportStore::GetSummary(const std::string& partner_id,
                                                      const ValidFilter& filter,
                                                      absl::Time deadline, ReadMode mode) const {
  const CallSpec call{"reading the summary",        "GetSummary",         "", std::nullopt,
                      mode == ReadMode::kCacheOnly, /*wants_preset=*/true};
  return InSnapshot<SummaryReport>(
      *pool_, options_, cache_.get(), partner_id, filter, deadline, call,
      [&](Snapshot& tx, const Context& context) -> absl::StatusOr<SummaryReport> {
        const Params base = BaseParams(partner_id, filter.customers);
        SummaryReport report;
        report.range = context.range;
        report.summary = ReadSummary(tx, base, !filter.customers.empty(), context, nullptr);
        return report;
      });
}

absl::StatusOr<TrendReport> ReportStore::GetConversationsTrend(const std::string& partner_id,
                                                               const ValidFilter& filter,
                                                               absl::Time deadline,
                                                               ReadMode mode) const {
  const CallSpec call{"reading the conversations trend", "GetConversationsTrend", "", std::nullopt,
                      mode == ReadMode::kCacheOnly,      /*wants_preset=*/true};
  return InSnapshot<TrendReport>(
      *pool_, options_, cache_.get(), partner_id, filter, deadline, call,
      [&](Snapshot& tx, const Context& context) -> absl::StatusOr<TrendReport> {
        const PeriodResult period =
            context.preset ? PeriodFromView(context.range.dates, *context.preset)
                           : ReadPeriod(tx, BaseParams(partner_id, filter.customers),
                                        !filter.customers.empty(), context.range.dates,
                                        context.partner.latest_day, /*with_customers=*/false);
        TrendReport report;
        report.range = context.range;
        report.points = BuildTrend(period.months);
        return report;
      });
}

absl::StatusOr<WorkloadsReport> ReportStore::GetUsageByWorkloads(const std::string& partner_id,
                                                                 const ValidFilter& filter,
                                                                 std::vector<Workload> workloads,
                                                                 absl::Time deadline,
                                                                 ReadMode mode) const {
  if (workloads.empty()) {
    workloads = {Workload::kMeetings, Workload::kCalls, Workload::kPhoneSystems};
  }
  std::sort(workloads.begin(), workloads.end());
  workloads.erase(std::unique(workloads.begin(), workloads.end()), workloads.end());
  CallSpec call{"reading the usage by workloads", "GetUsageByWorkloads", "", std::nullopt,
                mode == ReadMode::kCacheOnly,     /*wants_preset=*/true};
  for (Workload w : workloads) absl::StrAppend(&call.key_extra, static_cast<int>(w), ",");
  return InSnapshot<WorkloadsReport>(
      *pool_, options_, cache_.get(), partner_id, filter, deadline, call,
      [&](Snapshot& tx, const Context& context) -> absl::StatusOr<WorkloadsReport> {
        WorkloadsReport report;
        report.range = context.range;
        report.usage =
            ReadWorkloads(tx, BaseParams(partner_id, filter.customers), !filter.customers.empty(),
                          context.range.dates, workloads, context.preset);
        return report;
      });
}

absl::StatusOr<TopCustomersPage> ReportStore::ListTopCustomers(
    const std::string& partner_id, const ValidFilter& filter, UsageMetric metric,
    const PageRequest& page, absl::Time deadline, ReadMode mode) const {
  const std::string fingerprint =
      RequestFingerprint({"ListTopCustomers", partner_id, CanonicalFilter(filter),
                          std::to_string(static_cast<int>(metric))});
  CallSpec call{"listing the top customers",  "ListTopCustomers",   "", std::nullopt,
                mode == ReadMode::kCacheOnly, /*wants_preset=*/true};
  if (absl::Status read = ReadPagePosition(*options_.page_tokens, page, fingerprint, &call);
      !read.ok()) {
    return read;
  }
  const int64_t offset = call.position.has_value() ? call.position->offset : 0;
  call.key_extra = absl::StrCat(static_cast<int>(metric), "|", page.page_size, "|", offset);
  return InSnapshot<TopCustomersPage>(
      *pool_, options_, cache_.get(), partner_id, filter, deadline, call,
      [&](Snapshot& tx, const Context& context) -> absl::StatusOr<TopCustomersPage> {
        Ranking ranking = ReadTopCustomers(tx, BaseParams(partner_id, filter.customers),
                                           context.range.dates, context.partner.latest_day, metric,
                                           page.page_size, offset, context.preset);
        TopCustomersPage result;
        result.range = context.range;
        result.total_size = ranking.total;
        result.next_page_token =
            NextPageToken(*options_.page_tokens, fingerprint, context.range.data_version, offset,
                          ranking.customers.size(), ranking.total);
        result.customers = std::move(ranking.customers);
        return result;
      });
}

absl::StatusOr<AppsPage> ReportStore::ListApps(const std::string& partner_id,
                                               const ValidFilter& filter,
                                               const std::string& customer_id,
                                               const PageRequest& page, absl::Time deadline,
                                               ReadMode mode) const {
  const std::string fingerprint =
      RequestFingerprint({"ListApps", partner_id, CanonicalFilter(filter), customer_id});
  CallSpec call{"listing the apps",
                "ListApps",
                "",
                std::nullopt,
                mode == ReadMode::kCacheOnly,
                /*wants_preset=*/customer_id.empty()};
  if (absl::Status read = ReadPagePosition(*options_.page_tokens, page, fingerprint, &call);
      !read.ok()) {
    return read;
  }
  const int64_t offset = call.position.has_value() ? call.position->offset : 0;
  call.key_extra =
      absl::StrCat(customer_id.size(), ":", customer_id, "|", page.page_size, "|", offset);
  return InSnapshot<AppsPage>(
      *pool_, options_, cache_.get(), partner_id, filter, deadline, call,
      [&](Snapshot& tx, const Context& context) -> absl::StatusOr<AppsPage> {
        AppRanking ranking = ReadApps(tx, BaseParams(partner_id, filter.customers, customer_id),
                                      !filter.customers.empty() || !customer_id.empty(),
                                      context.range.dates, page.page_size, offset, context.preset);
        AppsPage result;
        result.range = context.range;
        result.total_size = ranking.total;
        result.next_page_token =
            NextPageToken(*options_.page_tokens, fingerprint, context.range.data_version, offset,
                          ranking.apps.size(), ranking.total);
        result.apps = std::move(ranking.apps);
        return result;
      });
}

absl::StatusOr<FullReport> ReportStore::GetReport(const std::string& partner_id,
                                                  const ValidFilter& filter, int32_t top_customers,
                                                  int32_t top_apps, absl::Time deadline,
                                                  ReadMode mode) const {
  const CallSpec call{"reading the report",
                      "GetReport",
                      absl::StrCat(top_customers, "|", top_apps),
                      std::nullopt,
                      mode == ReadMode::kCacheOnly,
                      /*wants_preset=*/true};
  return InSnapshot<FullReport>(
      *pool_, options_, cache_.get(), partner_id, filter, deadline, call,
      [&](Snapshot& tx, const Context& context) -> absl::StatusOr<FullReport> {
        const Params base = BaseParams(partner_id, filter.customers);
        const bool filtered = !filter.customers.empty();
        FullReport report;
        report.range = context.range;
        const std::optional<PresetView>& preset = context.preset;
        PeriodResult current;
        report.summary = ReadSummary(tx, base, filtered, context, &current);
        report.trend = BuildTrend(current.months);
        report.workloads =
            ReadWorkloads(tx, base, filtered, context.range.dates,
                          {Workload::kMeetings, Workload::kCalls, Workload::kPhoneSystems}, preset);
        report.top_customers =
            ReadTopCustomers(tx, base, context.range.dates, context.partner.latest_day,
                             UsageMetric::kMeetings, top_customers, 0, preset)
                .customers;
        report.top_apps =
            ReadApps(tx, base, filtered, context.range.dates, top_apps, 0, preset).apps;
        return report;
      });
}

absl::Status ReportStore::ExportDataset(
    const std::string& partner_id, ingest::Dataset dataset, const ValidFilter& filter,
    ingest::FileFormat format, const ChunkSink& sink, absl::Time deadline,
    const std::function<void(const ResolvedRange&)>& on_range) const {
  const CallSpec call{"exporting the dataset", "", "", std::nullopt};  // never cached
  const absl::StatusOr<Exported> done = InSnapshot<Exported>(
      *pool_, options_, nullptr, partner_id, filter, deadline, call,
      [&](Snapshot& tx, const Context& context) -> absl::StatusOr<Exported> {
        const DateRange& range = context.range.dates;
        const char* declare = sql::kExportMeetings;
        std::string first = FormatIsoDate(range.start);
        std::string last = FormatIsoDate(range.end);
        if (dataset != ingest::Dataset::kMeetingsAndCalls) {
          // Monthly rows are in the range when their month overlaps it.
          declare = dataset == ingest::Dataset::kWorkload ? sql::kExportWorkload : sql::kExportApps;
          first = FormatIsoDate(FirstOfMonth(range.start));
          last = FormatIsoDate(FirstOfMonth(range.end));
        }
        Exec(tx, declare, With(BaseParams(partner_id, filter.customers), {first, last}));
        if (on_range) on_range(context.range);

        DelimitedWriter writer(format == ingest::FileFormat::kTsv ? '\t' : ',');
        writer.buffer().reserve(kExportChunkBytes + 4096);
        writer.Header(dataset);
        for (;;) {
          const pqxx::result rows = tx.exec(sql::kExportFetch);
          if (rows.empty()) break;
          for (const auto& row : rows) {
            WriteExportRow(writer, dataset, partner_id, row);
            if (writer.buffer().size() >= kExportChunkBytes) {
              if (!sink(writer.buffer())) return absl::CancelledError("the export was cancelled");
              writer.buffer().clear();
            }
          }
        }
        if (!writer.buffer().empty() && !sink(writer.buffer())) {
          return absl::CancelledError("the export was cancelled");
        }
        tx.exec(sql::kExportClose);
        return Exported{};
      });
  return done.status();
}

absl::Status RefreshReportPresets(pqxx::transaction_base& tx, const std::string& partner_id) {
  try {
    // Planned with their parameters, as in report_begin (the statements are prepared).
    tx.exec("SET LOCAL plan_cache_mode = force_custom_plan");
    const pqxx::result state = Query(tx, sql::kPartnerState, partner_id);
    Query(tx, sql::kDeletePresets, partner_id);
    if (state.empty()) return absl::OkStatus();
    PartnerState partner;
    partner.data_version = state[0][0].as<int64_t>();
    partner.latest_day = OptionalDay(state[0][1]);
    partner.latest_month = OptionalDay(state[0][2]);
    const std::optional<int32_t> data_as_of = DataAsOf(partner.latest_day, partner.latest_month);
    if (!data_as_of.has_value()) return absl::OkStatus();  // no data: nothing to materialize
    const Params base = BaseParams(partner_id, CustomerFilter{});
    for (DatePreset preset :
         {DatePreset::kLast3Months, DatePreset::kLast6Months, DatePreset::kLast12Months}) {
      ValidFilter filter;
      filter.preset = preset;
      const int months = PresetMonths(preset);
      const DateRange range = ResolveDateRange(filter, data_as_of, /*today=*/0);
      // The general path computes what the view holds, so both always agree.
      const PeriodResult current = ReadPeriod(tx, base, false, range, partner.latest_day,
                                              /*with_customers=*/true);
      const PeriodResult previous = ReadPeriod(tx, base, false, PreviousPeriod(range),
                                               partner.latest_day, /*with_customers=*/true);
      const std::vector<MonthSlice> slices = MonthsOverlapping(range);
      Params usage = base;
      for (std::string& p : CustomerUsageParams(slices, partner.latest_day)) {
        usage.push_back(std::move(p));
      }
      usage.push_back(std::to_string(months));
      Exec(tx, sql::kRefreshPresetCustomers, usage);
      Query(tx, sql::kRefreshPresetApps, partner_id, months, FormatIsoDate(slices.front().month),
            FormatIsoDate(slices.back().month));
      const UsageByWorkloads workloads = ReadWorkloads(
          tx, base, false, range, {Workload::kMeetings, Workload::kCalls, Workload::kPhoneSystems});
      // One array per column of report_preset_month, an element per month of the range.
      std::vector<int32_t> month_starts;
      std::array<std::vector<int64_t>, 14> columns;  // active .. phone systems, users, all-up
      std::vector<double> hours;
      for (size_t i = 0; i < current.months.size(); ++i) {
        const MonthFigures& m = current.months[i];
        month_starts.push_back(m.slice.month);
        columns[0].push_back(m.active_customers);
        columns[1].push_back(m.sums.meetings);
        hours.push_back(m.sums.meeting_hours);
        columns[2].push_back(m.sums.calls);
        columns[3].push_back(m.sums.phone_systems);
        for (int w = 0; w < 3; ++w) {  // points are by month, then workload 1..3
          const WorkloadPoint& p = workloads.points[i * 3 + w];
          columns[4 + 3 * w].push_back(p.desktop_users);
          columns[5 + 3 * w].push_back(p.web_users);
          columns[6 + 3 * w].push_back(p.mobile_users);
        }
        columns[13].push_back(workloads.all_up[i].all_up_users);
      }
      const MeetingSums& prev = previous.total.sums;
      Query(tx, sql::kRefreshPresetState, partner_id, months, partner.data_version,
            FormatIsoDate(range.start), FormatIsoDate(range.end), current.total.customers,
            previous.total.customers, prev.meetings, DoubleText(prev.meeting_hours), prev.calls,
            prev.phone_systems, DateArray(month_starts), IntArray(columns[0]), IntArray(columns[1]),
            DoubleArray(hours), IntArray(columns[2]), IntArray(columns[3]), IntArray(columns[4]),
            IntArray(columns[5]), IntArray(columns[6]), IntArray(columns[7]), IntArray(columns[8]),
            IntArray(columns[9]), IntArray(columns[10]), IntArray(columns[11]),
            IntArray(columns[12]), IntArray(columns[13]));
    }
    return absl::OkStatus();
  } catch (const std::exception& e) {
    return storage::StatusFromDbException(e, "materializing the report's default views");
  }
}

}  // namespace teams_usage::report
