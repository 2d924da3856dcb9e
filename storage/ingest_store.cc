#include "storage/ingest_store.h"

#include <limits>
#include <pqxx/tablewriter>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "storage/civil_date.h"
#include "storage/ingest/copy_text.h"
#include "storage/ingest_queries.h"
#include "storage/report/report_store.h"

namespace teams_usage::storage {
namespace {

using ingest::CustomerAttributes;
using ingest::Dataset;
using ingest::RowError;
using ingest::UsageRow;

// COPY data is sent in batches of about this many bytes.
constexpr size_t kCopyBatchBytes = 1 << 20;

struct DatasetStatements {
  const char* create_stage;
  std::vector<std::string> stage_columns;
  const char* duplicates;
  const char* key_columns;  // for the duplicate message
  const char* replace;      // UPDATE of changed rows; returns their count
  const char* insert;       // INSERT of new keys; returns their count
  std::vector<const char*> refresh;
};

template <size_t N>
std::vector<const char*> Statements(const char* const (&list)[N]) {
  return std::vector<const char*>(list, list + N);
}

const DatasetStatements& StatementsFor(Dataset dataset) {
  static const DatasetStatements kMeetings{
      sql::kCreateStageMeetings,
      {"line", "customer_id", "day", "subworkload", "meeting_count", "meeting_hours"},
      sql::kDuplicatesMeetings,
      "CustomerId, DateKey and Subworkload",
      sql::kReplaceMeetings,
      sql::kInsertMeetings,
      Statements(sql::kRefreshMeetings)};
  static const DatasetStatements kWorkload{
      sql::kCreateStageWorkload,
      {"line", "customer_id", "month", "subworkload", "desktop_users", "web_users", "mobile_users",
       "all_up_participants"},
      sql::kDuplicatesWorkload,
      "CustomerId, MonthKey and SubWorkload",
      sql::kReplaceWorkload,
      sql::kInsertWorkload,
      Statements(sql::kRefreshWorkload)};
  static const DatasetStatements kApps{sql::kCreateStageApps,
                                       {"line", "customer_id", "month", "app_name", "user_count"},
                                       sql::kDuplicatesApps,
                                       "CustomerId, DateKey and AppName",
                                       sql::kReplaceApps,
                                       sql::kInsertApps,
                                       Statements(sql::kRefreshApps)};
  switch (dataset) {
    case Dataset::kMeetingsAndCalls:
      return kMeetings;
    case Dataset::kWorkload:
      return kWorkload;
    case Dataset::kThirdPartyApps:
      return kApps;
  }
  return kMeetings;
}

void Exec(pqxx::work& tx, const char* statement, const std::string& partner_id) {
  if (std::string_view(statement).find("$1") != std::string_view::npos) {
    tx.exec_params(statement, partner_id);
  } else {
    tx.exec(statement);
  }
}

// libpqxx 6.4's only public raw-line COPY writer is the deprecated tablewriter; stream_to keeps
// write_raw_line private. Raw lines let us send pre-escaped batches of many rows per call.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
class CopyWriter {
 public:
  CopyWriter(pqxx::work& tx, const std::string& table, const std::vector<std::string>& columns)
      : writer_(tx, table, columns.begin(), columns.end()) {}
  // `batch` holds whole lines, each ending in '\n'.
  void WriteBatch(std::string* batch) {
    if (batch->empty()) return;
    batch->pop_back();  // write_raw_line appends the final newline itself
    writer_.write_raw_line(*batch);
    batch->clear();
  }
  void Complete() { writer_.complete(); }

 private:
  pqxx::tablewriter writer_;
};
#pragma GCC diagnostic pop

}  // namespace

class UploadWriter::Impl {
 public:
  Impl(ConnectionPool::Lease lease, std::string partner_id, Dataset dataset)
      : lease(std::move(lease)),
        partner_id(std::move(partner_id)),
        dataset(dataset),
        statements(StatementsFor(dataset)) {}

  ConnectionPool::Lease lease;
  const std::string partner_id;
  const Dataset dataset;
  const DatasetStatements& statements;
  std::unique_ptr<pqxx::work> tx;
  std::unique_ptr<CopyWriter> copy;
  std::string batch;
  // Last-wins attributes per CustomerId within this upload.
  absl::flat_hash_map<std::string, CustomerAttributes> customers;
  // 64-bit hashes of the natural keys seen so far. A repeated hash means a repeated key or (very
  // rarely) a collision; only then is the exact repeat query run.
  absl::flat_hash_set<uint64_t> key_hashes;
  bool maybe_repeated_key = false;
  // Every customer-month and day of the file: the rollups to refresh when new rows were inserted.
  // For meetings-and-calls, also the file's own sums, which are the rollups themselves when the
  // file is the first load of its months.
  struct Sums {
    int64_t counts[3] = {0, 0, 0};  // by subworkload - 1
    double hours[3] = {0, 0, 0};
    int32_t active_days = 0;  // customer-months: bit d-1 when active on day d
  };
  absl::flat_hash_map<std::pair<std::string, int32_t>, Sums> file_customer_months;
  absl::flat_hash_map<int32_t, Sums> file_days;
  int32_t last_date = std::numeric_limits<int32_t>::min();
  int32_t last_month = 0;
  int32_t min_date = std::numeric_limits<int32_t>::max();
  int32_t max_date = std::numeric_limits<int32_t>::min();
  bool failed = false;
  bool committed = false;

  absl::Time call_deadline = absl::InfiniteFuture();

  // statement_timeout = the time left until the call's deadline (at least 1 ms; 0 would mean
  // none), so the database stops working for a caller that has given up.
  void ApplyStatementTimeout(pqxx::work& tx) {
    if (call_deadline == absl::InfiniteFuture()) return;
    const int64_t ms = std::max<int64_t>(1, absl::ToInt64Milliseconds(call_deadline - absl::Now()));
    if (ms > std::numeric_limits<int32_t>::max()) return;  // beyond what PostgreSQL takes
    tx.exec_params(sql::kSetStatementTimeout, std::to_string(ms));
  }
  void WriteFileTouchedSets(pqxx::work& tx);
  void WriteFileRollups(pqxx::work& tx);
};

// Adds every customer-month and day of the file to the touched sets (a superset of what the
// INSERT changed, which is all the rollup refresh needs).
void UploadWriter::Impl::WriteFileTouchedSets(pqxx::work& tx) {
  std::string out;
  {
    CopyWriter cm(tx, "touched_cm", {"customer_id", "month"});
    for (const auto& [key, sums] : file_customer_months) {
      const auto& [customer, month] = key;
      ingest::AppendCopyText(&out, customer);
      out.push_back('\t');
      out += FormatIsoDate(month);
      out.push_back('\n');
      if (out.size() >= kCopyBatchBytes) cm.WriteBatch(&out);
    }
    cm.WriteBatch(&out);
    cm.Complete();
  }
  if (!file_days.empty()) {
    CopyWriter days(tx, "touched_days", {"day"});
    for (const auto& [day, sums] : file_days) {
      out += FormatIsoDate(day);
      out.push_back('\n');
    }
    days.WriteBatch(&out);
    days.Complete();
  }
}

// The customer-month and day rollups of a file that is the first load of its months: then they
// are exactly the file's own sums (the refresh query would compute the same from the facts).
void UploadWriter::Impl::WriteFileRollups(pqxx::work& tx) {
  const auto append_sums = [](std::string* out, const Sums& sums) {
    for (int s = 0; s < 3; ++s) {
      ingest::AppendCopyInt(out, sums.counts[s]);
      out->push_back('\t');
      ingest::AppendCopyDouble(out, sums.hours[s]);
      out->push_back('\t');
    }
  };
  absl::flat_hash_map<int32_t, int32_t> active_customers_by_day;
  std::string out;
  tx.exec(sql::kCreateStageRollups);
  {
    CopyWriter cm(tx, "stage_customer_months",
                  {"partner_id", "month", "customer_id", "meetings", "meeting_hours", "calls",
                   "call_hours", "phone_systems", "phone_system_hours", "active_days"});
    for (const auto& [key, sums] : file_customer_months) {
      const auto& [customer, month] = key;
      ingest::AppendCopyText(&out, partner_id);
      out.push_back('\t');
      out += FormatIsoDate(month);
      out.push_back('\t');
      ingest::AppendCopyText(&out, customer);
      out.push_back('\t');
      append_sums(&out, sums);
      ingest::AppendCopyInt(&out, sums.active_days);
      out.push_back('\n');
      if (out.size() >= kCopyBatchBytes) cm.WriteBatch(&out);
      for (int d = 0; d < 31; ++d) {
        if ((sums.active_days >> d) & 1) ++active_customers_by_day[month + d];
      }
    }
    cm.WriteBatch(&out);
    cm.Complete();
  }
  CopyWriter days(tx, "stage_partner_days",
                  {"partner_id", "day", "meetings", "meeting_hours", "calls", "call_hours",
                   "phone_systems", "phone_system_hours", "active_customers"});
  for (const auto& [day, sums] : file_days) {
    ingest::AppendCopyText(&out, partner_id);
    out.push_back('\t');
    out += FormatIsoDate(day);
    out.push_back('\t');
    append_sums(&out, sums);
    const auto active = active_customers_by_day.find(day);
    ingest::AppendCopyInt(&out, active == active_customers_by_day.end() ? 0 : active->second);
    out.push_back('\n');
  }
  days.WriteBatch(&out);
  days.Complete();
  tx.exec(sql::kInsertStagedRollups);
}

UploadWriter::UploadWriter(ConnectionPool::Lease lease, std::string partner_id, Dataset dataset)
    : impl_(std::make_unique<Impl>(std::move(lease), std::move(partner_id), dataset)) {}

UploadWriter::~UploadWriter() {
  if (impl_ == nullptr || impl_->committed) return;
  // An unfinished COPY cannot be ended cleanly from here; the connection is dropped, which makes
  // PostgreSQL roll the transaction back.
  if (impl_->copy != nullptr) impl_->lease.Discard();
  impl_->copy.reset();
  try {
    if (impl_->tx != nullptr) impl_->tx->abort();
  } catch (const std::exception&) {
    impl_->lease.Discard();
  }
  impl_->tx.reset();
}

absl::StatusOr<std::unique_ptr<UploadWriter>> UploadWriter::Start(ConnectionPool::Lease lease,
                                                                  std::string partner_id,
                                                                  ingest::Dataset dataset,
                                                                  absl::Time call_deadline) {
  std::unique_ptr<UploadWriter> writer(
      new UploadWriter(std::move(lease), std::move(partner_id), dataset));
  Impl& impl = *writer->impl_;
  impl.call_deadline = call_deadline;
  try {
    impl.tx = std::make_unique<pqxx::work>(impl.lease.conn());
    impl.tx->exec_params(sql::kScopeToPartner, impl.partner_id);
    impl.ApplyStatementTimeout(*impl.tx);
    impl.tx->exec(impl.statements.create_stage);
    impl.copy = std::make_unique<CopyWriter>(*impl.tx, "stage_rows", impl.statements.stage_columns);
  } catch (const std::exception& e) {
    impl.lease.Discard();
    return StatusFromDbException(e, "starting the upload");
  }
  impl.batch.reserve(kCopyBatchBytes + 4096);
  return writer;
}

absl::Status UploadWriter::Add(const UsageRow& row) {
  Impl& impl = *impl_;
  if (impl.failed) return absl::OkStatus();
  std::string& out = impl.batch;
  const size_t start = out.size();
  auto text = [&](std::string_view value, const char* column) {
    if (ingest::AppendCopyText(&out, value)) return true;
    row_errors_.push_back(RowError{row.line, column, "not valid UTF-8 text"});
    return false;
  };
  bool ok = true;
  ingest::AppendCopyInt(&out, row.line);
  out.push_back('\t');
  ok = text(row.customer.customer_id, "CustomerId");
  out.push_back('\t');
  ingest::AppendCopyInt(&out, row.date);
  out.push_back('\t');
  switch (impl.dataset) {
    case Dataset::kMeetingsAndCalls:
      ingest::AppendCopyInt(&out, static_cast<int>(row.subworkload));
      out.push_back('\t');
      ingest::AppendCopyInt(&out, row.meeting_count);
      out.push_back('\t');
      ingest::AppendCopyDouble(&out, row.meeting_hours);
      break;
    case Dataset::kWorkload:
      ingest::AppendCopyInt(&out, static_cast<int>(row.subworkload));
      out.push_back('\t');
      ingest::AppendCopyInt(&out, row.desktop_users);
      out.push_back('\t');
      ingest::AppendCopyInt(&out, row.web_users);
      out.push_back('\t');
      ingest::AppendCopyInt(&out, row.mobile_users);
      out.push_back('\t');
      ingest::AppendCopyInt(&out, row.all_up_participants);
      break;
    case Dataset::kThirdPartyApps:
      ok = text(row.app_name, "AppName") && ok;
      out.push_back('\t');
      ingest::AppendCopyInt(&out, row.user_count);
      break;
  }
  out.push_back('\n');

  // The other customer attributes were validated by the parser and are encoded at commit.
  const CustomerAttributes& c = row.customer;
  if (!ok) {
    out.resize(start);
    impl.failed = true;
    return absl::OkStatus();
  }
  const uint64_t key_hash =
      impl.dataset == Dataset::kThirdPartyApps
          ? absl::Hash<std::tuple<absl::string_view, int32_t, absl::string_view>>{}(
                {c.customer_id, row.date, row.app_name})
          : absl::Hash<std::tuple<absl::string_view, int32_t, int>>{}(
                {c.customer_id, row.date, static_cast<int>(row.subworkload)});
  if (!impl.key_hashes.insert(key_hash).second) impl.maybe_repeated_key = true;
  if (row.date != impl.last_date) {
    impl.last_date = row.date;
    impl.last_month = FirstOfMonth(row.date);
  }
  Impl::Sums& month_sums = impl.file_customer_months[{c.customer_id, impl.last_month}];
  if (impl.dataset == Dataset::kMeetingsAndCalls) {
    const int sub = static_cast<int>(row.subworkload) - 1;
    Impl::Sums& day_sums = impl.file_days[row.date];
    for (Impl::Sums* sums : {&month_sums, &day_sums}) {
      sums->counts[sub] += row.meeting_count;
      sums->hours[sub] += row.meeting_hours;
    }
    if (row.meeting_count > 0) month_sums.active_days |= 1 << (row.date - impl.last_month);
  }
  impl.min_date = std::min(impl.min_date, row.date);
  impl.max_date = std::max(impl.max_date, row.date);
  auto it = impl.customers.find(c.customer_id);
  if (it == impl.customers.end()) {
    impl.customers.emplace(c.customer_id, c);
  } else {
    it->second = c;
  }
  if (out.size() >= kCopyBatchBytes) {
    try {
      impl.copy->WriteBatch(&out);
    } catch (const std::exception& e) {
      impl.failed = true;
      return StatusFromDbException(e, "writing the upload");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<UploadResult> UploadWriter::Commit(int64_t rows_read) {
  Impl& impl = *impl_;
  if (impl.failed || !row_errors_.empty()) {
    return absl::InvalidArgumentError(
        ingest::SummarizeErrors(row_errors_, static_cast<int64_t>(row_errors_.size())));
  }
  UploadResult result;
  result.rows_read = rows_read;
  pqxx::work& tx = *impl.tx;
  try {
    impl.copy->WriteBatch(&impl.batch);
    impl.copy->Complete();
    impl.copy.reset();
    impl.ApplyStatementTimeout(tx);  // what is left of the deadline, for the statements below

    // Natural keys must be unique within one file: a repeat is ambiguous, so it is an error.
    const pqxx::result repeats =
        impl.maybe_repeated_key ? tx.exec(impl.statements.duplicates) : pqxx::result();
    if (!repeats.empty()) {
      for (const auto& r : repeats) {
        row_errors_.push_back(RowError{
            r[1].as<int64_t>(), "",
            absl::StrCat("repeats line ", r[0].as<int64_t>(), ": the same ",
                         impl.statements.key_columns, " (each may appear once in a file)")});
      }
      impl.failed = true;
      return absl::InvalidArgumentError(
          ingest::SummarizeErrors(row_errors_, static_cast<int64_t>(row_errors_.size())));
    }

    tx.exec(sql::kCreateStageCustomers);
    {
      CopyWriter customers(tx, "stage_customers",
                           {"customer_id", "customer_tenant_id", "name", "country_code", "country",
                            "segment", "industry", "vertical", "eou"});
      std::string& out = impl.batch;
      for (const auto& [id, c] : impl.customers) {
        for (const std::string* v :
             {&c.customer_id, &c.customer_tenant_id, &c.name, &c.country_code, &c.country,
              &c.segment, &c.industry, &c.vertical, &c.eou}) {
          ingest::AppendCopyText(&out, *v);  // the parser admits only storable text
          out.push_back('\t');
        }
        out.back() = '\n';
        if (out.size() >= kCopyBatchBytes) customers.WriteBatch(&out);
      }
      customers.WriteBatch(&out);
      customers.Complete();
    }
    for (const char* statement : sql::kCreateTouched) tx.exec(statement);

    tx.exec_params(sql::kLockPartner, impl.partner_id);
    int64_t version =
        tx.exec_params1(sql::kSelectPartnerForUpdate, impl.partner_id)[0].as<int64_t>();

    result.customers_changed =
        tx.exec_params1(sql::kUpsertCustomers, impl.partner_id)[0].as<int64_t>();
    // Meetings and calls: is this the first load of the file's months? Then the file's own sums
    // are the customer-month and day rollups, and the facts need not be read again.
    bool first_load = false;
    if (impl.min_date <= impl.max_date) {  // the file has rows
      if (impl.dataset == Dataset::kMeetingsAndCalls) {
        first_load = !tx.exec_params1(sql::kAnyMeetingsBetween, impl.partner_id,
                                      FirstOfMonth(impl.min_date), LastOfMonth(impl.max_date))[0]
                          .as<bool>();
      }
      if (first_load) {
        // No row of these months exists (checked under the partner's lock) and the file's keys
        // are distinct (checked above): every staged row is new, nothing needs looking up.
        result.rows_inserted =
            tx.exec_params0(sql::kInsertMeetingsFirstLoad, impl.partner_id).affected_rows();
      } else {
        // Statistics of the staged rows: without them the planner picks a slower plan for the
        // NOT EXISTS of the insert (measured: 4.1 s against 4.6 s for 1 M rows).
        tx.exec("ANALYZE stage_rows");
        result.rows_replaced = tx.exec_params1(impl.statements.replace, impl.partner_id,
                                               impl.min_date, impl.max_date)[0]
                                   .as<int64_t>();
        result.rows_inserted =
            tx.exec_params0(impl.statements.insert, impl.partner_id, impl.min_date, impl.max_date)
                .affected_rows();
      }
      if (result.rows_inserted > 0) impl.WriteFileTouchedSets(tx);
    }
    result.rows_unchanged = rows_read - result.rows_inserted - result.rows_replaced;

    if (first_load) {
      impl.WriteFileRollups(tx);
      for (const char* statement : sql::kRefreshMeetingsAfterFirstLoad) {
        Exec(tx, statement, impl.partner_id);
      }
    } else if (result.rows_inserted + result.rows_replaced > 0) {
      for (const char* statement : impl.statements.refresh) Exec(tx, statement, impl.partner_id);
    }
    if (result.rows_inserted + result.rows_replaced + result.customers_changed > 0) {
      version = tx.exec_params1(sql::kBumpVersion, impl.partner_id)[0].as<int64_t>();
      // The dashboard's default views belong to a data version: rewritten with it.
      if (absl::Status views = report::RefreshReportPresets(tx, impl.partner_id); !views.ok()) {
        impl.failed = true;
        return views;
      }
    }
    result.data_version = version;
    tx.commit();
    impl.committed = true;
  } catch (const std::exception& e) {
    impl.failed = true;
    return StatusFromDbException(e, "applying the upload");
  }
  return result;
}

}  // namespace teams_usage::storage
