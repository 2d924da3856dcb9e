// The report store against a real PostgreSQL, as the service's role (row-level security on):
// every field of every section equals a reference computed in this test straight from the
// uploaded rows (tests/support/report_reference.h), over many random filters and ranges; paging,
// page tokens, GetReport's single snapshot under concurrent uploads, and export -> upload round
// trips.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <pqxx/pqxx>
#include <random>
#include <thread>

#include "absl/time/clock.h"
#include "storage/civil_date.h"
#include "storage/data_version_tracker.h"
#include "storage/pool.h"
#include "storage/report/report_store.h"
#include "storage/uploader.h"
#include "tests/support/pg_env.h"
#include "tests/support/report_expect.h"
#include "tests/support/report_reference.h"
#include "tests/support/upload.h"
#include "tests/support/usage_files.h"

namespace teams_usage {
namespace {

using report::ReportStore;
using testing::AsRef;
using testing::ExpectApps;
using testing::ExpectCustomers;
using testing::ExpectNear;
using testing::ExpectRange;
using testing::ExpectSummary;
using testing::ExpectTrend;
using testing::ExpectWorkloads;
using ::testing::HasSubstr;
using testing::Reference;
using testing::ReferenceData;
using testing::RefFilter;
using ::testing::StartsWith;
using testing::ToFilter;
using testing::Upload;

constexpr char kToday[] = "2026-06-15";

absl::Time Deadline() { return absl::Now() + absl::Seconds(60); }

class ReportReferencePgTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = testing::TestDatabase::Create("report_pgtest").release();
    storage::PoolOptions pool_options;
    pool_options.url = db_->service_url();
    pool_options.size = 6;
    pool_ = new storage::ConnectionPool(pool_options);
    store_ = new ReportStore(pool_, StoreOptions());
    model_ = new ReferenceData();
    versions_ = new std::map<std::string, int64_t>();
    customers_ = new std::map<std::string, std::vector<testing::TestCustomer>>();

    // P1: 14 months of data, then a second data set over part of it (replacing rows, changing
    // customer attributes), then a partial re-upload with changed counts.
    std::mt19937_64 rng(11);
    testing::RandomDataOptions o;
    o.partner = "P1";
    o.customers = 12;
    o.first_day = "2025-01-10";
    o.days = 430;
    const auto d1 = testing::MakeRandomData(o, rng);
    LoadAll(d1);
    o.customers = 9;
    o.first_day = "2025-10-20";
    o.days = 75;
    LoadAll(testing::MakeRandomData(o, rng));
    std::vector<testing::MeetingsRow> changed(d1.meetings.begin(), d1.meetings.begin() + 400);
    for (size_t i = 0; i < changed.size(); ++i) {
      if (i % 3 == 0) changed[i].count = 0;
      if (i % 3 == 1) changed[i].count += 5;
    }
    LoadMeetings(changed);
    (*customers_)["P1"] = d1.customers;

    // P2: another partner over overlapping dates: never visible to P1.
    o.partner = "P2";
    o.customers = 7;
    o.first_day = "2025-05-03";
    o.days = 200;
    const auto d2 = testing::MakeRandomData(o, rng);
    LoadAll(d2);
    (*customers_)["P2"] = d2.customers;

    // P4: only the monthly datasets (data_as_of is the last day of their latest month).
    o.partner = "P4";
    o.customers = 5;
    o.first_day = "2025-03-01";
    o.days = 90;
    const auto d4 = testing::MakeRandomData(o, rng);
    Load(ingest::Dataset::kWorkload, testing::WorkloadFile(d4.workload, '\t'), "P4");
    model_->AddWorkload(d4.workload);
    Load(ingest::Dataset::kThirdPartyApps, testing::AppsFile(d4.apps), "P4");
    model_->AddApps(d4.apps);
    (*customers_)["P4"] = d4.customers;
    // P5 has no data at all.
    (*customers_)["P5"] = d4.customers;
  }
  // Every answer from the database (the cache has its own tests); presets from the views.
  static report::ReportStoreOptions StoreOptions() {
    report::ReportStoreOptions options;
    options.page_tokens = std::make_shared<report::PageTokenCodec>(
        *report::PageTokenCodec::FromKey(std::string(32, 'k')));
    options.today = [] { return *ParseIsoDate(kToday); };
    options.cache_bytes = 0;
    return options;
  }
  static void CheckEverySection(const ReportStore& store, bool cached);

  static void TearDownTestSuite() {
    delete store_;
    delete pool_;
    delete db_;
    delete model_;
    delete versions_;
    delete customers_;
  }

  static void Load(ingest::Dataset dataset, const std::string& file, const std::string& partner) {
    auto result = Upload(*pool_, partner, dataset, file);
    ASSERT_TRUE(result.ok()) << result.status();
    (*versions_)[partner] = result->data_version;
  }
  static void LoadMeetings(const std::vector<testing::MeetingsRow>& rows) {
    Load(ingest::Dataset::kMeetingsAndCalls, testing::MeetingsFile(rows), rows.front().partner);
    model_->AddMeetings(rows);
  }
  static void LoadAll(const testing::RandomData& data) {
    LoadMeetings(data.meetings);
    Load(ingest::Dataset::kWorkload, testing::WorkloadFile(data.workload),
         data.workload.front().partner);
    model_->AddWorkload(data.workload);
    Load(ingest::Dataset::kThirdPartyApps, testing::AppsFile(data.apps, '\t'),
         data.apps.front().partner);
    model_->AddApps(data.apps);
  }

  // Every page of a listing, concatenated.
  static std::vector<report::CustomerUsage> AllTopCustomers(const std::string& partner,
                                                            const report::ValidFilter& filter,
                                                            report::UsageMetric metric,
                                                            int32_t page_size, int64_t* total) {
    std::vector<report::CustomerUsage> all;
    report::PageRequest page{page_size, ""};
    for (int pages = 0; pages < 1000; ++pages) {
      auto result = store_->ListTopCustomers(partner, filter, metric, page, Deadline());
      EXPECT_TRUE(result.ok()) << result.status();
      if (!result.ok()) break;
      EXPECT_LE(result->customers.size(), static_cast<size_t>(page_size));
      *total = result->total_size;
      all.insert(all.end(), result->customers.begin(), result->customers.end());
      if (result->next_page_token.empty()) break;
      EXPECT_EQ(result->customers.size(), static_cast<size_t>(page_size));
      page.page_token = result->next_page_token;
    }
    return all;
  }
  static std::vector<report::AppUsage> AllApps(const std::string& partner,
                                               const report::ValidFilter& filter,
                                               const std::string& customer, int32_t page_size,
                                               int64_t* total) {
    std::vector<report::AppUsage> all;
    report::PageRequest page{page_size, ""};
    for (int pages = 0; pages < 1000; ++pages) {
      auto result = store_->ListApps(partner, filter, customer, page, Deadline());
      EXPECT_TRUE(result.ok()) << result.status();
      if (!result.ok()) break;
      *total = result->total_size;
      all.insert(all.end(), result->apps.begin(), result->apps.end());
      if (result->next_page_token.empty()) break;
      page.page_token = result->next_page_token;
    }
    return all;
  }

  static testing::TestDatabase* db_;
  static storage::ConnectionPool* pool_;
  static ReportStore* store_;
  static ReferenceData* model_;
  static std::map<std::string, int64_t>* versions_;
  static std::map<std::string, std::vector<testing::TestCustomer>>* customers_;
};
testing::TestDatabase* ReportReferencePgTest::db_ = nullptr;
storage::ConnectionPool* ReportReferencePgTest::pool_ = nullptr;
ReportStore* ReportReferencePgTest::store_ = nullptr;
ReferenceData* ReportReferencePgTest::model_ = nullptr;
std::map<std::string, int64_t>* ReportReferencePgTest::versions_ = nullptr;
std::map<std::string, std::vector<testing::TestCustomer>>* ReportReferencePgTest::customers_ =
    nullptr;

// Every section of `store` against the reference: random filters and ranges for each partner,
// then each preset over all customers (the requests the materialized default views answer).
// With `cached`, each request is made twice and the second answer must come from memory.
void ReportReferencePgTest::CheckEverySection(const ReportStore& store, bool cached) {
  std::mt19937_64 rng(2026);
  const struct {
    const char* partner;
    const char* first_day;
    int span;
    int filters;
  } partners[] = {{"P1", "2025-01-10", 430, 90},
                  {"P2", "2025-05-03", 200, 40},
                  {"P4", "2025-03-01", 90, 25},
                  {"P5", "2026-01-01", 200, 10}};
  int checked = 0;
  for (const auto& p : partners) {
    const Reference reference(*model_, p.partner, kToday);
    const auto& customers = (*customers_)[p.partner];
    for (int i = 0; i < p.filters; ++i) {
      RefFilter ref = testing::RandomFilter(rng, p.first_day, p.span, customers);
      if (i < 3) {  // LAST_3/6/12_MONTHS over every customer
        ref = RefFilter{};
        ref.preset = i + 1;
      }
      SCOPED_TRACE(std::string(p.partner) + " " + ref.Describe());
      const report::ValidFilter filter = ToFilter(ref);
      const testing::RefRange range = reference.Range(ref);
      const int64_t version = (*versions_)[p.partner];

      auto summary = store.GetSummary(p.partner, filter, Deadline());
      ASSERT_TRUE(summary.ok()) << summary.status();
      if (cached) {  // again: from memory, with no query, and the same
        summary = store.GetSummary(p.partner, filter, Deadline(), report::ReadMode::kCacheOnly);
        ASSERT_TRUE(summary.ok()) << summary.status();
      }
      ExpectRange(summary->range, range, version);
      ExpectSummary(summary->summary, reference.Summary(ref));

      auto trend = store.GetConversationsTrend(p.partner, filter, Deadline());
      ASSERT_TRUE(trend.ok()) << trend.status();
      if (cached) {
        trend = store.GetConversationsTrend(p.partner, filter, Deadline(),
                                            report::ReadMode::kCacheOnly);
        ASSERT_TRUE(trend.ok()) << trend.status();
      }
      ExpectRange(trend->range, range, version);
      ExpectTrend(trend->points, reference.Trend(ref));

      std::vector<report::Workload> selection;
      std::set<int> codes;
      for (int w = 1; w <= 3; ++w) {
        if (rng() % 2 == 0) {
          selection.push_back(static_cast<report::Workload>(w));
          codes.insert(w);
        }
      }
      auto workloads = store.GetUsageByWorkloads(p.partner, filter, selection, Deadline());
      ASSERT_TRUE(workloads.ok()) << workloads.status();
      if (cached) {
        workloads = store.GetUsageByWorkloads(p.partner, filter, selection, Deadline(),
                                              report::ReadMode::kCacheOnly);
        ASSERT_TRUE(workloads.ok()) << workloads.status();
      }
      ExpectRange(workloads->range, range, version);
      ExpectWorkloads(workloads->usage, reference.Workloads(ref, codes));

      for (int metric = 1; metric <= 4; ++metric) {
        SCOPED_TRACE("metric " + std::to_string(metric));
        const auto metric_enum = static_cast<report::UsageMetric>(metric);
        auto top = store.ListTopCustomers(p.partner, filter, metric_enum, {1000, ""}, Deadline());
        ASSERT_TRUE(top.ok()) << top.status();
        if (cached) {
          top = store.ListTopCustomers(p.partner, filter, metric_enum, {1000, ""}, Deadline(),
                                       report::ReadMode::kCacheOnly);
          ASSERT_TRUE(top.ok()) << top.status();
        }
        ExpectRange(top->range, range, version);
        const auto want = reference.TopCustomers(ref, metric);
        EXPECT_EQ(top->total_size, static_cast<int64_t>(want.size()));
        EXPECT_EQ(top->next_page_token, "");
        ExpectCustomers(top->customers, want);
      }

      const std::string one_customer = customers[rng() % customers.size()].id;
      for (const std::string& customer : {std::string(), one_customer}) {
        SCOPED_TRACE("apps of '" + customer + "'");
        auto apps = store.ListApps(p.partner, filter, customer, {1000, ""}, Deadline());
        ASSERT_TRUE(apps.ok()) << apps.status();
        if (cached) {
          apps = store.ListApps(p.partner, filter, customer, {1000, ""}, Deadline(),
                                report::ReadMode::kCacheOnly);
          ASSERT_TRUE(apps.ok()) << apps.status();
        }
        ExpectRange(apps->range, range, version);
        const auto want = reference.Apps(ref, customer);
        EXPECT_EQ(apps->total_size, static_cast<int64_t>(want.size()));
        ExpectApps(apps->apps, want);
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, 165);
}

TEST_F(ReportReferencePgTest, EverySectionMatchesTheReferenceFromTheDefaultViews) {
  // The suite's store: no cache; presets over all customers from the materialized views.
  CheckEverySection(*store_, /*cached=*/false);
  // The views exist, for each partner with data, for its current data version.
  pqxx::connection admin(db_->url());
  pqxx::work tx(admin);
  for (const char* partner : {"P1", "P2", "P4"}) {
    EXPECT_EQ(tx.exec_params1("SELECT count(*) FROM report_preset_state "
                              "WHERE partner_id = $1 AND data_version = $2",
                              partner, (*versions_)[partner])[0]
                  .as<int>(),
              3)
        << partner;
  }
}

TEST_F(ReportReferencePgTest, EverySectionMatchesTheReferenceWithoutTheDefaultViews) {
  report::ReportStoreOptions options = StoreOptions();
  options.use_presets = false;
  const ReportStore from_rollups(pool_, options);
  CheckEverySection(from_rollups, /*cached=*/false);
}

TEST_F(ReportReferencePgTest, EverySectionMatchesTheReferenceFromTheCache) {
  storage::DataVersionTracker versions({db_->service_url()});
  ASSERT_TRUE(versions.WaitUntilListening(absl::Seconds(30)));
  report::ReportStoreOptions options = StoreOptions();
  options.cache_bytes = size_t{64} << 20;
  options.versions = &versions;
  const ReportStore cached(pool_, options);
  CheckEverySection(cached, /*cached=*/true);
  EXPECT_GT(cached.cache_stats().hits, 165 * 8);
}

TEST_F(ReportReferencePgTest, SpecialRanges) {
  const Reference reference(*model_, "P1", kToday);
  RefFilter f;
  f.preset = 4;
  for (const auto& [start, end] :
       std::vector<std::pair<std::string, std::string>>{{"2025-03-17", "2025-03-17"},
                                                        {"2025-02-28", "2025-03-01"},
                                                        {"2025-10-15", "2026-11-14"},
                                                        {"2019-01-01", "2019-12-31"},
                                                        {"2027-01-01", "2027-01-31"}}) {
    f.start_date = start;
    f.end_date = end;
    SCOPED_TRACE(f.Describe());
    const auto summary = store_->GetSummary("P1", ToFilter(f), Deadline());
    ASSERT_TRUE(summary.ok()) << summary.status();
    ExpectSummary(summary->summary, reference.Summary(f));
    const auto trend = store_->GetConversationsTrend("P1", ToFilter(f), Deadline());
    ASSERT_TRUE(trend.ok());
    ExpectTrend(trend->points, reference.Trend(f));
  }
  // A filter that matches no customer: every figure 0, every month still listed.
  RefFilter nobody;
  nobody.country_codes = {"ZZ"};
  const auto summary = store_->GetSummary("P1", ToFilter(nobody), Deadline());
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->summary.meeting_count.value, 0);
  EXPECT_EQ(summary->summary.customers.monthly.size(), 12u);
  ExpectSummary(summary->summary, reference.Summary(nobody));
  const auto top = store_->ListTopCustomers("P1", ToFilter(nobody), report::UsageMetric::kMeetings,
                                            {25, ""}, Deadline());
  ASSERT_TRUE(top.ok());
  EXPECT_EQ(top->total_size, 0);
  EXPECT_TRUE(top->customers.empty());
  EXPECT_EQ(top->next_page_token, "");
}

TEST_F(ReportReferencePgTest, APartnerWithoutDataGetsZerosOverPresetsEndingToday) {
  const auto summary = store_->GetSummary("P5", ToFilter(RefFilter{}), Deadline());
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(FormatIsoDate(summary->range.dates.start), "2025-07-01");
  EXPECT_EQ(FormatIsoDate(summary->range.dates.end), kToday);
  EXPECT_FALSE(summary->range.data_as_of.has_value());
  EXPECT_EQ(summary->range.data_version, 0);
  EXPECT_EQ(summary->summary.meeting_count.monthly.size(), 12u);
  for (const auto& m : summary->summary.meeting_count.monthly) EXPECT_EQ(m.value, 0);
  // P4 has monthly data only: data_as_of is the last day of its latest month.
  const auto p4 = store_->GetSummary("P4", ToFilter(RefFilter{}), Deadline());
  ASSERT_TRUE(p4.ok());
  ASSERT_TRUE(p4->range.data_as_of.has_value());
  EXPECT_EQ(FormatIsoDate(*p4->range.data_as_of), "2025-05-31");
}

TEST_F(ReportReferencePgTest, PagesConcatenateToTheFullList) {
  std::mt19937_64 rng(5);
  const Reference reference(*model_, "P1", kToday);
  for (int i = 0; i < 12; ++i) {
    const RefFilter ref = testing::RandomFilter(rng, "2025-01-10", 430, (*customers_)["P1"]);
    SCOPED_TRACE(ref.Describe());
    const report::ValidFilter filter = ToFilter(ref);
    const int metric = 1 + static_cast<int>(rng() % 4);
    const auto want = reference.TopCustomers(ref, metric);
    const auto want_apps = reference.Apps(ref, "");
    for (int32_t page_size : {1, 3, 7, 1000}) {
      SCOPED_TRACE("page size " + std::to_string(page_size));
      int64_t total = -1;
      ExpectCustomers(AllTopCustomers("P1", filter, static_cast<report::UsageMetric>(metric),
                                      page_size, &total),
                      want);
      EXPECT_EQ(total, static_cast<int64_t>(want.size()));
      ExpectApps(AllApps("P1", filter, "", page_size, &total), want_apps);
      EXPECT_EQ(total, static_cast<int64_t>(want_apps.size()));
    }
  }
}

TEST_F(ReportReferencePgTest, TamperedAndForeignTokensAreRejected) {
  const report::ValidFilter filter = ToFilter(RefFilter{});
  auto first =
      store_->ListTopCustomers("P1", filter, report::UsageMetric::kCalls, {2, ""}, Deadline());
  ASSERT_TRUE(first.ok());
  const std::string token = first->next_page_token;
  ASSERT_FALSE(token.empty());
  const auto expect_rejected = [](const auto& result, const std::string& message) {
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(result.status().message()), StartsWith("page_token: "));
    EXPECT_THAT(std::string(result.status().message()), HasSubstr(message));
  };
  // The same request continues.
  EXPECT_TRUE(
      store_->ListTopCustomers("P1", filter, report::UsageMetric::kCalls, {2, token}, Deadline())
          .ok());
  // A page size may change between pages.
  EXPECT_TRUE(
      store_->ListTopCustomers("P1", filter, report::UsageMetric::kCalls, {5, token}, Deadline())
          .ok());
  std::string tampered = token;
  tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
  expect_rejected(store_->ListTopCustomers("P1", filter, report::UsageMetric::kCalls, {2, tampered},
                                           Deadline()),
                  "not a token");
  expect_rejected(store_->ListTopCustomers("P1", filter, report::UsageMetric::kMeetings, {2, token},
                                           Deadline()),
                  "different request");
  RefFilter other;
  other.country_codes = {"US"};
  expect_rejected(store_->ListTopCustomers("P1", ToFilter(other), report::UsageMetric::kCalls,
                                           {2, token}, Deadline()),
                  "different request");
  expect_rejected(
      store_->ListTopCustomers("P2", filter, report::UsageMetric::kCalls, {2, token}, Deadline()),
      "different request");
  expect_rejected(store_->ListApps("P1", filter, "", {2, token}, Deadline()), "different request");

  // A token issued by another process's random key.
  report::ReportStoreOptions options;
  options.today = [] { return *ParseIsoDate(kToday); };
  const ReportStore other_process(pool_, options);
  expect_rejected(other_process.ListTopCustomers("P1", filter, report::UsageMetric::kCalls,
                                                 {2, token}, Deadline()),
                  "not a token");
}

TEST_F(ReportReferencePgTest, ATokenAfterADataChangeIsRejected) {
  std::mt19937_64 rng(31);
  testing::RandomDataOptions o;
  o.partner = "P6";
  o.customers = 10;
  o.first_day = "2026-03-01";
  o.days = 60;
  const auto data = testing::MakeRandomData(o, rng);
  const std::string file = testing::AppsFile(data.apps);
  ASSERT_TRUE(Upload(*pool_, "P6", ingest::Dataset::kThirdPartyApps, file).ok());
  const report::ValidFilter filter = ToFilter(RefFilter{});
  auto first = store_->ListApps("P6", filter, "", {1, ""}, Deadline());
  ASSERT_TRUE(first.ok());
  ASSERT_FALSE(first->next_page_token.empty());
  // An identical re-upload changes nothing, so the token stays good.
  auto same = Upload(*pool_, "P6", ingest::Dataset::kThirdPartyApps, file);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->data_version, first->range.data_version);
  EXPECT_TRUE(store_->ListApps("P6", filter, "", {1, first->next_page_token}, Deadline()).ok());

  auto rows = data.apps;
  rows[0].users += 1;
  ASSERT_TRUE(Upload(*pool_, "P6", ingest::Dataset::kThirdPartyApps, testing::AppsFile(rows)).ok());
  const auto after = store_->ListApps("P6", filter, "", {1, first->next_page_token}, Deadline());
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(after.status().message()), StartsWith("page_token: the data changed"));
}

TEST_F(ReportReferencePgTest, GetReportEqualsTheIndividualCalls) {
  std::mt19937_64 rng(77);
  for (int i = 0; i < 15; ++i) {
    const RefFilter ref = testing::RandomFilter(rng, "2025-01-10", 430, (*customers_)["P1"]);
    SCOPED_TRACE(ref.Describe());
    const report::ValidFilter filter = ToFilter(ref);
    const int32_t top_customers = i % 3 == 0 ? 1000 : 1 + static_cast<int32_t>(rng() % 5);
    const int32_t top_apps = 1 + static_cast<int32_t>(rng() % 4);
    const auto full = store_->GetReport("P1", filter, top_customers, top_apps, Deadline());
    ASSERT_TRUE(full.ok()) << full.status();
    const Reference reference(*model_, "P1", kToday);
    ExpectRange(full->range, reference.Range(ref), (*versions_)["P1"]);
    ExpectSummary(full->summary, reference.Summary(ref));
    ExpectTrend(full->trend, reference.Trend(ref));
    ExpectWorkloads(full->workloads, reference.Workloads(ref, {}));
    auto top = reference.TopCustomers(ref, 1);
    if (top.size() > static_cast<size_t>(top_customers)) top.resize(top_customers);
    ExpectCustomers(full->top_customers, top);
    auto apps = reference.Apps(ref, "");
    if (apps.size() > static_cast<size_t>(top_apps)) apps.resize(top_apps);
    ExpectApps(full->top_apps, apps);

    // And the same as the individual calls return.
    const auto summary = store_->GetSummary("P1", filter, Deadline());
    ASSERT_TRUE(summary.ok());
    EXPECT_EQ(summary->range.dates, full->range.dates);
    ExpectSummary(full->summary, AsRef(summary->summary));
    const auto trend = store_->GetConversationsTrend("P1", filter, Deadline());
    ASSERT_TRUE(trend.ok());
    ExpectTrend(full->trend, AsRef(trend->points));
    const auto workloads = store_->GetUsageByWorkloads("P1", filter, {}, Deadline());
    ASSERT_TRUE(workloads.ok());
    ExpectWorkloads(full->workloads, AsRef(workloads->usage));
    const auto top_call = store_->ListTopCustomers("P1", filter, report::UsageMetric::kMeetings,
                                                   {top_customers, ""}, Deadline());
    ASSERT_TRUE(top_call.ok());
    ExpectCustomers(full->top_customers, AsRef(top_call->customers));
    const auto apps_call = store_->ListApps("P1", filter, "", {top_apps, ""}, Deadline());
    ASSERT_TRUE(apps_call.ok());
    ExpectApps(full->top_apps, AsRef(apps_call->apps));
  }
}

TEST_F(ReportReferencePgTest, ConcurrentUploadsNeverMixSectionsOfOneReport) {
  std::mt19937_64 rng(41);
  testing::RandomDataOptions o;
  o.partner = "P3";
  o.customers = 8;
  o.first_day = "2026-01-05";
  o.days = 55;
  const auto data = testing::MakeRandomData(o, rng);
  const std::vector<testing::MeetingsRow> state_a = data.meetings;
  std::vector<testing::MeetingsRow> state_b = data.meetings;
  for (auto& r : state_b) {
    r.count = r.count * 2 + 1;  // every row changes, every row becomes active
    r.hours = testing::RoundHours(r.hours + 0.5);
  }
  ReferenceData model_a, model_b;
  model_a.AddMeetings(state_a);
  model_b.AddMeetings(state_b);
  const RefFilter all;
  const auto expected_a = Reference(model_a, "P3", kToday).Summary(all);
  const auto expected_b = Reference(model_b, "P3", kToday).Summary(all);
  ASSERT_NE(expected_a.meeting_count.value, expected_b.meeting_count.value);
  const std::string file_a = testing::MeetingsFile(state_a);
  const std::string file_b = testing::MeetingsFile(state_b);
  ASSERT_TRUE(Upload(*pool_, "P3", ingest::Dataset::kMeetingsAndCalls, file_a).ok());

  std::atomic<bool> stop{false};
  std::atomic<int> uploads{0};
  std::thread uploader([&] {
    for (bool b = true; !stop.load(); b = !b) {
      auto result = Upload(*pool_, "P3", ingest::Dataset::kMeetingsAndCalls, b ? file_b : file_a);
      EXPECT_TRUE(result.ok()) << result.status();
      ++uploads;
    }
  });
  // Without the response cache: every report is computed from the database while uploads run.
  report::ReportStoreOptions options;
  options.today = [] { return *ParseIsoDate(kToday); };
  options.cache_bytes = 0;
  const ReportStore uncached(pool_, options);
  int seen_a = 0, seen_b = 0;
  const report::ValidFilter filter = ToFilter(all);
  const absl::Time give_up = absl::Now() + absl::Seconds(120);
  for (int i = 0; (i < 60 || uploads.load() < 8) && absl::Now() < give_up; ++i) {
    const auto report = uncached.GetReport("P3", filter, 1000, 10, Deadline());
    if (!report.ok()) {  // not ASSERT: the uploader thread must be joined first
      ADD_FAILURE() << report.status();
      break;
    }
    const double meetings = report->summary.meeting_count.value;
    int64_t trend_meetings = 0;
    for (const auto& p : report->trend) trend_meetings += p.meetings;
    double monthly_meetings = 0;
    for (const auto& m : report->summary.meeting_count.monthly) monthly_meetings += m.value;
    int64_t customer_meetings = 0;
    for (const auto& c : report->top_customers) customer_meetings += c.meetings;
    EXPECT_EQ(static_cast<double>(trend_meetings), meetings) << "report " << i;
    EXPECT_EQ(monthly_meetings, meetings) << "report " << i;
    EXPECT_EQ(static_cast<double>(customer_meetings), meetings) << "report " << i;
    const bool is_a = meetings == expected_a.meeting_count.value &&
                      report->summary.customers.value == expected_a.customers.value;
    const bool is_b = meetings == expected_b.meeting_count.value &&
                      report->summary.customers.value == expected_b.customers.value;
    EXPECT_TRUE(is_a || is_b) << "report " << i << ": " << meetings << " meetings";
    seen_a += is_a;
    seen_b += is_b;
  }
  stop = true;
  uploader.join();
  EXPECT_GE(uploads.load(), 8);
  EXPECT_GT(seen_a, 0);
  EXPECT_GT(seen_b, 0);
  std::cerr << "reports of state A: " << seen_a << ", of state B: " << seen_b << ", uploads "
            << uploads.load() << "\n";
}

TEST_F(ReportReferencePgTest, ExportThenUploadChangesNothing) {
  const Reference reference(*model_, "P1", kToday);
  RefFilter longest;  // the data's first 13 months
  longest.preset = 4;
  longest.start_date = "2025-01-10";
  longest.end_date = "2026-02-09";
  RefFilter filtered;
  filtered.country_codes = {"US", "DE"};
  for (const RefFilter& ref : {RefFilter{}, longest, filtered}) {
    for (ingest::FileFormat format : {ingest::FileFormat::kCsv, ingest::FileFormat::kTsv}) {
      for (ingest::Dataset dataset :
           {ingest::Dataset::kMeetingsAndCalls, ingest::Dataset::kWorkload,
            ingest::Dataset::kThirdPartyApps}) {
        SCOPED_TRACE(ref.Describe() + " format " + std::to_string(static_cast<int>(format)) +
                     " dataset " + std::to_string(static_cast<int>(dataset)));
        std::string exported;
        size_t chunks = 0;
        const absl::Status status = store_->ExportDataset(
            "P1", dataset, ToFilter(ref), format,
            [&](absl::string_view chunk) {
              EXPECT_LE(chunk.size(), report::kExportChunkBytes + 4096);
              exported.append(chunk.data(), chunk.size());
              ++chunks;
              return true;
            },
            Deadline());
        ASSERT_TRUE(status.ok()) << status;
        EXPECT_GE(chunks, 1u);
        EXPECT_THAT(exported,
                    StartsWith(format == ingest::FileFormat::kTsv ? "PGAMpnID\tCustomerId\t"
                                                                  : "PGAMpnID,CustomerId,"));
        const size_t rows = reference.ExportRows(static_cast<int>(dataset), ref);
        ASSERT_GT(rows, 0u);
        auto uploaded = Upload(*pool_, "P1", dataset, exported, 1000);
        ASSERT_TRUE(uploaded.ok()) << uploaded.status();
        EXPECT_EQ(uploaded->rows_read, static_cast<int64_t>(rows));
        EXPECT_EQ(uploaded->rows_unchanged, static_cast<int64_t>(rows));
        EXPECT_EQ(uploaded->rows_inserted, 0);
        EXPECT_EQ(uploaded->rows_replaced, 0);
        EXPECT_EQ(uploaded->customers_changed, 0);
        EXPECT_EQ(uploaded->data_version, (*versions_)["P1"]);
      }
    }
  }
}

TEST_F(ReportReferencePgTest, RepeatedRequestsComeFromTheCacheUntilTheDataChanges) {
  std::mt19937_64 rng(8);
  testing::RandomDataOptions o;
  o.partner = "P7";
  o.customers = 6;
  o.first_day = "2026-02-10";
  o.days = 40;
  const auto data = testing::MakeRandomData(o, rng);
  ASSERT_TRUE(
      Upload(*pool_, "P7", ingest::Dataset::kMeetingsAndCalls, testing::MeetingsFile(data.meetings))
          .ok());
  report::ReportStoreOptions options;
  options.today = [] { return *ParseIsoDate(kToday); };
  const ReportStore cached(pool_, options);
  const report::ValidFilter filter = ToFilter(RefFilter{});
  const auto first = cached.GetSummary("P7", filter, Deadline());
  ASSERT_TRUE(first.ok());
  const auto hits = cached.cache_stats().hits;
  EXPECT_EQ(hits, 0);
  const auto again = cached.GetSummary("P7", filter, Deadline());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(cached.cache_stats().hits, hits + 1);
  EXPECT_EQ(again->summary.meeting_count.value, first->summary.meeting_count.value);

  // New data, new data_version: computed afresh, and right.
  auto rows = data.meetings;
  for (auto& r : rows) r.count += 1;
  rows.front().subworkload = "Meetings";
  ASSERT_TRUE(
      Upload(*pool_, "P7", ingest::Dataset::kMeetingsAndCalls, testing::MeetingsFile(rows)).ok());
  ReferenceData model;
  model.AddMeetings(data.meetings);
  model.AddMeetings(rows);
  const auto after = cached.GetSummary("P7", filter, Deadline());
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(cached.cache_stats().hits, hits + 1);
  EXPECT_GT(after->range.data_version, first->range.data_version);
  ExpectSummary(after->summary, Reference(model, "P7", kToday).Summary(RefFilter{}));
}

// The default views really answer the preset requests, and only when they belong to the
// request's snapshot: a view altered behind the store's back shows through while its
// data_version is current, and is ignored once it is not (or with use_presets off).
TEST_F(ReportReferencePgTest, TheDefaultViewAnswersOnlyForItsOwnDataVersion) {
  std::mt19937_64 rng(9);
  testing::RandomDataOptions o;
  o.partner = "P8";
  o.customers = 5;
  o.first_day = "2026-03-01";
  o.days = 60;
  const auto data = testing::MakeRandomData(o, rng);
  ASSERT_TRUE(
      Upload(*pool_, "P8", ingest::Dataset::kMeetingsAndCalls, testing::MeetingsFile(data.meetings))
          .ok());
  ReferenceData model;
  model.AddMeetings(data.meetings);
  RefFilter last_12_months;
  last_12_months.preset = 3;
  const testing::RefSummary want = Reference(model, "P8", kToday).Summary(last_12_months);
  const report::ValidFilter filter = ToFilter(last_12_months);
  auto from_view = [&] {
    const auto summary = store_->GetSummary("P8", filter, Deadline());
    EXPECT_TRUE(summary.ok()) << summary.status();
    return summary.ok() ? summary->summary.customers.value : -1.0;
  };
  ASSERT_EQ(from_view(), want.customers.value);

  pqxx::connection admin(db_->url());
  pqxx::nontransaction(admin).exec(
      "UPDATE report_preset_state SET customers = customers + 1000 "
      "WHERE partner_id = 'P8' AND months = 12");
  EXPECT_EQ(from_view(), want.customers.value + 1000);  // read from the view
  report::ReportStoreOptions options = StoreOptions();
  options.use_presets = false;
  const auto from_rollups = ReportStore(pool_, options).GetSummary("P8", filter, Deadline());
  ASSERT_TRUE(from_rollups.ok()) << from_rollups.status();
  EXPECT_EQ(from_rollups->summary.customers.value, want.customers.value);

  // A view of another data version is not used.
  pqxx::nontransaction(admin).exec(
      "UPDATE report_preset_state SET data_version = data_version - 1 "
      "WHERE partner_id = 'P8' AND months = 12");
  EXPECT_EQ(from_view(), want.customers.value);
}

TEST_F(ReportReferencePgTest, AnExportStopsWhenTheReceiverIsGone) {
  int calls = 0;
  const absl::Status status = store_->ExportDataset(
      "P1", ingest::Dataset::kMeetingsAndCalls, ToFilter(RefFilter{}), ingest::FileFormat::kCsv,
      [&](absl::string_view) { return ++calls < 2; }, Deadline());
  EXPECT_EQ(status.code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(calls, 2);
  // The connection went back to the pool in a usable state.
  EXPECT_TRUE(store_->GetSummary("P1", ToFilter(RefFilter{}), Deadline()).ok());
}

}  // namespace
}  // namespace teams_usage
