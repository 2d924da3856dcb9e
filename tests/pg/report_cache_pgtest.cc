// The response cache's freshness against a real PostgreSQL, as the service's role (row-level
// security on): answers served with ReadMode::kCacheOnly (no query at all) are never of an older
// data_version than the DataVersionTracker was told of — by the process's own uploads (Learn), by
// another process's announcements, after the listening connection was lost, and after a "reset";
// and without a tracker every answer is read in a snapshot of its own. Values are checked against
// a reference computed from the uploaded rows (tests/support/report_reference.h).
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
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

using report::ReadMode;
using report::ReportStore;
using storage::DataVersionTracker;
using testing::AsRef;
using testing::ExpectApps;
using testing::ExpectCustomers;
using testing::ExpectNear;
using testing::ExpectRange;
using testing::ExpectSummary;
using testing::ExpectTrend;
using testing::ExpectWorkloads;
using testing::Reference;
using testing::ReferenceData;
using testing::RefFilter;
using testing::ToFilter;
using testing::Upload;

constexpr char kToday[] = "2026-06-15";
constexpr int32_t kTopCustomers = 5;
constexpr int32_t kTopApps = 3;

absl::Time Deadline() { return absl::Now() + absl::Seconds(60); }

// Polls `pred` until it holds or `limit` passes; whether it held.
template <typename Pred>
bool PollUntil(Pred pred, absl::Duration limit) {
  const absl::Time give_up = absl::Now() + limit;
  while (!pred()) {
    if (absl::Now() > give_up) return false;
    absl::SleepFor(absl::Milliseconds(5));
  }
  return true;
}

// The requests every case makes: LAST_12_MONTHS, and a custom range over part of the data.
std::vector<RefFilter> Filters() {
  RefFilter last_12_months;
  last_12_months.preset = 3;
  RefFilter custom;
  custom.preset = 4;
  custom.start_date = "2025-12-10";
  custom.end_date = "2026-01-20";
  return {last_12_months, custom};
}

void ExpectReport(const report::FullReport& got, const Reference& reference, const RefFilter& ref,
                  int64_t data_version) {
  ExpectRange(got.range, reference.Range(ref), data_version);
  ExpectSummary(got.summary, reference.Summary(ref));
  ExpectTrend(got.trend, reference.Trend(ref));
  ExpectWorkloads(got.workloads, reference.Workloads(ref, {}));
  auto top = reference.TopCustomers(ref, 1);
  if (top.size() > static_cast<size_t>(kTopCustomers)) top.resize(kTopCustomers);
  ExpectCustomers(got.top_customers, top);
  auto apps = reference.Apps(ref, "");
  if (apps.size() > static_cast<size_t>(kTopApps)) apps.resize(kTopApps);
  ExpectApps(got.top_apps, apps);
}

void ExpectSameReport(const report::FullReport& got, const report::FullReport& want) {
  EXPECT_EQ(got.range.data_version, want.range.data_version);
  EXPECT_EQ(got.range.dates, want.range.dates);
  ExpectSummary(got.summary, AsRef(want.summary));
  ExpectTrend(got.trend, AsRef(want.trend));
  ExpectWorkloads(got.workloads, AsRef(want.workloads));
  ExpectCustomers(got.top_customers, AsRef(want.top_customers));
  ExpectApps(got.top_apps, AsRef(want.top_apps));
}

// ---- the fixture
// ---------------------------------------------------------------------------------

class ReportCachePgTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = testing::TestDatabase::Create("report_cache_pgtest").release();
    storage::PoolOptions pool_options;
    pool_options.url = db_->service_url();
    pool_options.size = 4;
    pool_ = new storage::ConnectionPool(pool_options);
    // Stands for another server process: its own connections, and nobody tells our tracker.
    other_process_ = new storage::ConnectionPool(pool_options);
  }
  static void TearDownTestSuite() {
    delete other_process_;
    delete pool_;
    delete db_;
  }

  static report::ReportStoreOptions StoreOptions(DataVersionTracker* versions) {
    report::ReportStoreOptions options;
    options.page_tokens = std::make_shared<report::PageTokenCodec>(
        *report::PageTokenCodec::FromKey(std::string(32, 'k')));
    options.today = [] { return *ParseIsoDate(kToday); };
    options.cache_bytes = size_t{64} << 20;
    options.versions = versions;
    return options;
  }

  // A partner's data: ~3 months of every dataset, ending well before kToday.
  static testing::RandomData MakeData(const std::string& partner, uint64_t seed) {
    std::mt19937_64 rng(seed);
    testing::RandomDataOptions o;
    o.partner = partner;
    o.customers = 8;
    o.first_day = "2025-11-20";
    o.days = 90;
    return testing::MakeRandomData(o, rng);
  }

  // Uploads every dataset through `pool` and records them in `model`; the last data_version.
  static int64_t UploadAll(storage::ConnectionPool& pool, const testing::RandomData& data,
                           ReferenceData* model, DataVersionTracker* learn_into) {
    const std::string& partner = data.meetings.front().partner;
    int64_t version = -1;
    const auto upload = [&](ingest::Dataset dataset, const std::string& file) {
      const DataVersionTracker::Ticket ticket =
          learn_into != nullptr ? learn_into->Begin() : DataVersionTracker::Ticket{};
      auto result = Upload(pool, partner, dataset, file);
      EXPECT_TRUE(result.ok()) << result.status();
      if (!result.ok()) return;
      // As the ingest service does: its own commit is known before the call returns.
      if (learn_into != nullptr) learn_into->Learn(ticket, partner, result->data_version);
      version = result->data_version;
    };
    upload(ingest::Dataset::kMeetingsAndCalls, testing::MeetingsFile(data.meetings));
    upload(ingest::Dataset::kWorkload, testing::WorkloadFile(data.workload));
    upload(ingest::Dataset::kThirdPartyApps, testing::AppsFile(data.apps));
    model->AddMeetings(data.meetings);
    model->AddWorkload(data.workload);
    model->AddApps(data.apps);
    return version;
  }

  // Some of the meetings rows, changed by `round` (so the data_version moves), and one new row a
  // few days past the data (so data_as_of moves too).
  static std::vector<testing::MeetingsRow> ChangedMeetings(const testing::RandomData& data,
                                                           int round) {
    std::vector<testing::MeetingsRow> rows;
    for (size_t i = static_cast<size_t>(round) % 5; i < data.meetings.size(); i += 5) {
      testing::MeetingsRow row = data.meetings[i];
      row.count += round;
      row.hours = testing::RoundHours(row.hours + 0.25 * round);
      rows.push_back(row);
    }
    testing::MeetingsRow later = data.meetings.back();
    later.date = testing::TestDate(testing::TestDays("2026-02-17") + round);
    later.subworkload = "Meetings";
    later.count = 10 + round;
    later.hours = 2.5;
    rows.push_back(later);
    return rows;
  }

  // Every request of Filters() with kAny: of `version`, equal to the reference; then the same
  // request with kCacheOnly: answered from memory, and equal to the first answer.
  static void ExpectCurrentAndCached(const ReportStore& store, const std::string& partner,
                                     const ReferenceData& model, int64_t version) {
    const Reference reference(model, partner, kToday);
    for (const RefFilter& ref : Filters()) {
      SCOPED_TRACE(partner + " " + ref.Describe());
      const report::ValidFilter filter = ToFilter(ref);
      const auto summary = store.GetSummary(partner, filter, Deadline(), ReadMode::kAny);
      ASSERT_TRUE(summary.ok()) << summary.status();
      ExpectRange(summary->range, reference.Range(ref), version);
      ExpectSummary(summary->summary, reference.Summary(ref));
      const auto full =
          store.GetReport(partner, filter, kTopCustomers, kTopApps, Deadline(), ReadMode::kAny);
      ASSERT_TRUE(full.ok()) << full.status();
      ExpectReport(*full, reference, ref, version);

      const auto cached_summary =
          store.GetSummary(partner, filter, Deadline(), ReadMode::kCacheOnly);
      ASSERT_TRUE(cached_summary.ok()) << cached_summary.status();
      EXPECT_EQ(cached_summary->range.data_version, version);
      EXPECT_EQ(cached_summary->range.dates, summary->range.dates);
      ExpectSummary(cached_summary->summary, AsRef(summary->summary));
      const auto cached_full = store.GetReport(partner, filter, kTopCustomers, kTopApps, Deadline(),
                                               ReadMode::kCacheOnly);
      ASSERT_TRUE(cached_full.ok()) << cached_full.status();
      ExpectSameReport(*cached_full, *full);
    }
  }

  // Every request of Filters() with kCacheOnly fails as not cached.
  static void ExpectNothingCached(const ReportStore& store, const std::string& partner) {
    for (const RefFilter& ref : Filters()) {
      SCOPED_TRACE(partner + " " + ref.Describe());
      const report::ValidFilter filter = ToFilter(ref);
      const auto summary = store.GetSummary(partner, filter, Deadline(), ReadMode::kCacheOnly);
      EXPECT_TRUE(!summary.ok() && report::IsNotCached(summary.status()))
          << (summary.ok()
                  ? "answered, of data_version " + std::to_string(summary->range.data_version)
                  : summary.status().ToString());
      const auto full = store.GetReport(partner, filter, kTopCustomers, kTopApps, Deadline(),
                                        ReadMode::kCacheOnly);
      EXPECT_TRUE(!full.ok() && report::IsNotCached(full.status()))
          << (full.ok() ? "answered, of data_version " + std::to_string(full->range.data_version)
                        : full.status().ToString());
    }
  }

  // kCacheOnly answers, when it answers at all, with exactly `version`.
  static void ExpectCacheOnlyNeverOlderThan(const ReportStore& store, const std::string& partner,
                                            int64_t version) {
    for (const RefFilter& ref : Filters()) {
      SCOPED_TRACE(partner + " " + ref.Describe());
      const report::ValidFilter filter = ToFilter(ref);
      const auto summary = store.GetSummary(partner, filter, Deadline(), ReadMode::kCacheOnly);
      if (summary.ok()) {
        EXPECT_EQ(summary->range.data_version, version);
      } else {
        EXPECT_TRUE(report::IsNotCached(summary.status())) << summary.status();
      }
      const auto full = store.GetReport(partner, filter, kTopCustomers, kTopApps, Deadline(),
                                        ReadMode::kCacheOnly);
      if (full.ok()) {
        EXPECT_EQ(full->range.data_version, version);
      } else {
        EXPECT_TRUE(report::IsNotCached(full.status())) << full.status();
      }
    }
  }

  // Backend pids of the tracker's listening connections to the test database (as the superuser).
  static std::vector<int> ListenerPids() {
    pqxx::connection admin(db_->url());
    pqxx::nontransaction tx(admin);
    std::vector<int> pids;
    for (const auto& row : tx.exec_params(
             "SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = $2",
             storage::kListenerApplicationName, db_->name())) {
      pids.push_back(row[0].as<int>());
    }
    return pids;
  }

  // The one listening backend (a tracker of an earlier test may still be going away); 0 if none.
  static int OnlyListenerPid() {
    std::vector<int> pids;
    PollUntil(
        [&] {
          pids = ListenerPids();
          return pids.size() == 1;
        },
        absl::Seconds(10));
    return pids.size() == 1 ? pids[0] : 0;
  }

  static void StartListening(DataVersionTracker& tracker) {
    ASSERT_TRUE(tracker.WaitUntilListening(absl::Seconds(30)));
  }

  static testing::TestDatabase* db_;
  static storage::ConnectionPool* pool_;
  static storage::ConnectionPool* other_process_;
};
testing::TestDatabase* ReportCachePgTest::db_ = nullptr;
storage::ConnectionPool* ReportCachePgTest::pool_ = nullptr;
storage::ConnectionPool* ReportCachePgTest::other_process_ = nullptr;

// ---- a. this process's uploads ------------------------------------------------------------------

TEST_F(ReportCachePgTest, OwnUploadsAreServedAtTheirVersionAtOnceThenFromMemory) {
  DataVersionTracker tracker({db_->service_url()});
  StartListening(tracker);
  const ReportStore store(pool_, StoreOptions(&tracker));
  const std::string partner = "PA";
  const testing::RandomData data = MakeData(partner, 1);
  ReferenceData model;
  int64_t version = UploadAll(*pool_, data, &model, &tracker);
  ASSERT_GT(version, 0);
  ExpectCurrentAndCached(store, partner, model, version);

  for (int round = 1; round <= 10; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const int64_t previous = version;
    const std::vector<testing::MeetingsRow> rows = ChangedMeetings(data, round);
    const DataVersionTracker::Ticket ticket = tracker.Begin();
    ASSERT_TRUE(ticket.listening);
    auto result =
        Upload(*pool_, partner, ingest::Dataset::kMeetingsAndCalls, testing::MeetingsFile(rows));
    ASSERT_TRUE(result.ok()) << result.status();
    tracker.Learn(ticket, partner, result->data_version);
    model.AddMeetings(rows);
    version = result->data_version;
    ASSERT_GT(version, previous);
    EXPECT_EQ(tracker.Known(tracker.Begin(), partner), version);
    // The previous round's answers are in memory, but of the previous version: not served.
    ExpectNothingCached(store, partner);

    ExpectCurrentAndCached(store, partner, model, version);

    // A read that began before the upload and learnt its older version only now (the store's
    // own snapshot path does this when a read races an upload), and a late announcement of the
    // older version: the tracker keeps the larger, so the memory still answers with the newest.
    tracker.Learn(ticket, partner, previous);
    tracker.OnAnnouncement(std::to_string(previous) + ":" + partner);
    EXPECT_EQ(tracker.Known(tracker.Begin(), partner), version);
    ExpectCacheOnlyNeverOlderThan(store, partner, version);
  }
  EXPECT_GT(store.cache_stats().hits, 0);
}

// ---- b. another process's upload ----------------------------------------------------------------

TEST_F(ReportCachePgTest, AnotherProcessesUploadIsNeverAnsweredFromOlderMemory) {
  DataVersionTracker tracker({db_->service_url()});
  StartListening(tracker);
  const ReportStore store(pool_, StoreOptions(&tracker));
  const std::string partner = "PB";
  const testing::RandomData data = MakeData(partner, 2);
  ReferenceData model;
  const int64_t first = UploadAll(*pool_, data, &model, &tracker);
  ASSERT_GT(first, 0);
  ExpectCurrentAndCached(store, partner, model, first);

  int64_t previous = first;
  for (int round = 1; round <= 3; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const DataVersionTracker::Ticket before = tracker.Begin();
    const std::vector<testing::MeetingsRow> rows = ChangedMeetings(data, round);
    const absl::Time committed_at = absl::Now();
    auto result = Upload(*other_process_, partner, ingest::Dataset::kMeetingsAndCalls,
                         testing::MeetingsFile(rows));
    ASSERT_TRUE(result.ok()) << result.status();
    model.AddMeetings(rows);
    const int64_t version = result->data_version;
    ASSERT_GT(version, previous);
    // Only the announcement can tell the tracker: nobody called Learn.
    ASSERT_TRUE(PollUntil([&] { return tracker.Known(tracker.Begin(), partner) == version; },
                          absl::Seconds(10)))
        << "the announcement of version " << version << " never arrived";
    std::cerr << "announcement known " << absl::Now() - committed_at << " after the upload began\n";
    // Nothing of the new version was computed yet, and the old must not be served.
    ExpectNothingCached(store, partner);
    ExpectCurrentAndCached(store, partner, model, version);
    // A slow read of the old version learnt late, or the announcement of an older version
    // arriving late, does not take the tracker back.
    tracker.Learn(before, partner, previous);
    tracker.OnAnnouncement(std::to_string(previous) + ":" + partner);
    EXPECT_EQ(tracker.Known(tracker.Begin(), partner), version);
    ExpectCacheOnlyNeverOlderThan(store, partner, version);
    previous = version;
  }
}

// ---- c. the listening connection lost -----------------------------------------------------------

TEST_F(ReportCachePgTest, AfterTheListenerReconnectsNothingCachedBeforeIsServed) {
  DataVersionTracker::Options options{db_->service_url()};
  // Long enough that an upload surely falls into the gap before the reconnection.
  options.reconnect_delay = absl::Seconds(3);
  DataVersionTracker tracker(options);
  StartListening(tracker);
  const ReportStore store(pool_, StoreOptions(&tracker));
  const std::string partner = "PC";
  const testing::RandomData data = MakeData(partner, 3);
  ReferenceData model;
  const int64_t first = UploadAll(*pool_, data, &model, &tracker);
  ASSERT_GT(first, 0);
  ExpectCurrentAndCached(store, partner, model, first);

  const DataVersionTracker::Ticket before = tracker.Begin();
  ASSERT_TRUE(before.listening);
  const int old_pid = OnlyListenerPid();
  ASSERT_NE(old_pid, 0);
  {
    pqxx::connection admin(db_->url());
    pqxx::nontransaction(admin).exec_params("SELECT pg_terminate_backend($1)", old_pid);
  }
  ASSERT_TRUE(PollUntil([&] { return !tracker.Begin().listening; }, absl::Seconds(10)))
      << "the tracker did not notice that its connection was terminated";
  EXPECT_NE(tracker.Begin().epoch, before.epoch);

  // Changed while nobody listens: this announcement is lost.
  const std::vector<testing::MeetingsRow> rows = ChangedMeetings(data, 1);
  auto result = Upload(*other_process_, partner, ingest::Dataset::kMeetingsAndCalls,
                       testing::MeetingsFile(rows));
  ASSERT_TRUE(result.ok()) << result.status();
  model.AddMeetings(rows);
  const int64_t version = result->data_version;
  ASSERT_GT(version, first);
  ASSERT_FALSE(tracker.Begin().listening) << "reconnected before the upload: no gap was tested";
  ExpectNothingCached(store, partner);  // not listening: nothing is known

  ASSERT_TRUE(tracker.WaitUntilListening(absl::Seconds(15)));
  const DataVersionTracker::Ticket after = tracker.Begin();
  EXPECT_NE(after.epoch, before.epoch);
  // A read of the old version that began before the loss and ends now teaches nothing.
  tracker.Learn(before, partner, first);
  EXPECT_EQ(tracker.Known(after, partner), std::nullopt);
  ExpectNothingCached(store, partner);

  // The listener really is back: a new backend under its name.
  ASSERT_TRUE(PollUntil(
      [&] {
        const std::vector<int> pids = ListenerPids();
        return pids.size() == 1 && pids[0] != old_pid;
      },
      absl::Seconds(10)))
      << "no new listening backend named " << storage::kListenerApplicationName;

  ExpectCurrentAndCached(store, partner, model, version);
  EXPECT_EQ(tracker.Known(tracker.Begin(), partner), version);
  // What is known in the new epoch is not known to a ticket of the old one.
  EXPECT_EQ(tracker.Known(before, partner), std::nullopt);
}

// ---- d. partners deleted ("reset") --------------------------------------------------------------

TEST_F(ReportCachePgTest, DeletingAPartnerRowForgetsEveryPartnersVersion) {
  DataVersionTracker tracker({db_->service_url()});
  StartListening(tracker);
  const ReportStore store(pool_, StoreOptions(&tracker));
  ReferenceData model;
  const int64_t v1 = UploadAll(*pool_, MakeData("PD1", 41), &model, &tracker);
  const int64_t v2 = UploadAll(*pool_, MakeData("PD2", 42), &model, &tracker);
  ExpectCurrentAndCached(store, "PD1", model, v1);
  ExpectCurrentAndCached(store, "PD2", model, v2);
  // A partner of its own to delete, so that the others' data stays as the reference has it.
  ReferenceData scratch_model;
  UploadAll(*pool_, MakeData("PD-scratch", 43), &scratch_model, &tracker);

  const DataVersionTracker::Ticket before = tracker.Begin();
  const int pid = OnlyListenerPid();
  ASSERT_NE(pid, 0);
  {
    pqxx::connection admin(db_->url());
    pqxx::work tx(admin);
    EXPECT_EQ(tx.exec("DELETE FROM partners WHERE partner_id = 'PD-scratch'").affected_rows(), 1u);
    tx.commit();
  }
  ASSERT_TRUE(PollUntil([&] { return tracker.Begin().epoch != before.epoch; }, absl::Seconds(10)))
      << "the reset was never processed";
  // It was the announcement, not a reconnection, that started the new epoch.
  EXPECT_TRUE(tracker.Begin().listening);
  EXPECT_EQ(ListenerPids(), std::vector<int>{pid});
  EXPECT_EQ(tracker.Known(tracker.Begin(), "PD1"), std::nullopt);
  EXPECT_EQ(tracker.Known(tracker.Begin(), "PD2"), std::nullopt);
  ExpectNothingCached(store, "PD1");
  ExpectNothingCached(store, "PD2");
  // Read again, then from memory again.
  ExpectCurrentAndCached(store, "PD1", model, v1);
  ExpectCurrentAndCached(store, "PD2", model, v2);
}

// ---- e. no tracker ------------------------------------------------------------------------------

TEST_F(ReportCachePgTest, WithoutATrackerNothingIsFromMemoryOnlyAndEveryReadIsCurrent) {
  const ReportStore store(pool_, StoreOptions(nullptr));
  const std::string partner = "PE";
  const testing::RandomData data = MakeData(partner, 5);
  ReferenceData model;
  int64_t version = UploadAll(*pool_, data, &model, nullptr);
  ASSERT_GT(version, 0);
  for (int round = 1; round <= 3; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const Reference reference(model, partner, kToday);
    for (const RefFilter& ref : Filters()) {
      SCOPED_TRACE(ref.Describe());
      const report::ValidFilter filter = ToFilter(ref);
      for (int repeat = 0; repeat < 2; ++repeat) {  // the second from the cache, after a query
        const auto summary = store.GetSummary(partner, filter, Deadline());
        ASSERT_TRUE(summary.ok()) << summary.status();
        ExpectRange(summary->range, reference.Range(ref), version);
        ExpectSummary(summary->summary, reference.Summary(ref));
        const auto full = store.GetReport(partner, filter, kTopCustomers, kTopApps, Deadline());
        ASSERT_TRUE(full.ok()) << full.status();
        ExpectReport(*full, reference, ref, version);
      }
    }
    ExpectNothingCached(store, partner);
    // Another process changes the data; the very next call sees it, with no waiting.
    const std::vector<testing::MeetingsRow> rows = ChangedMeetings(data, round);
    auto result = Upload(*other_process_, partner, ingest::Dataset::kMeetingsAndCalls,
                         testing::MeetingsFile(rows));
    ASSERT_TRUE(result.ok()) << result.status();
    model.AddMeetings(rows);
    ASSERT_GT(result->data_version, version);
    version = result->data_version;
  }
  const auto last = store.GetSummary(partner, ToFilter(Filters()[0]), Deadline());
  ASSERT_TRUE(last.ok()) << last.status();
  EXPECT_EQ(last->range.data_version, version);
  ExpectSummary(last->summary, Reference(model, partner, kToday).Summary(Filters()[0]));
  // The cache was used: the repeats were hits.
  EXPECT_GE(store.cache_stats().hits, 3 * 2 * 2);
}

}  // namespace
}  // namespace teams_usage
