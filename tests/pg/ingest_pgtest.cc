// Ingestion against a real PostgreSQL: counters, replace semantics, all-or-nothing on bad files,
// and the rollups equal to a recomputation (in C++, from the uploaded rows) after random uploads.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <map>
#include <pqxx/pqxx>
#include <random>
#include <set>
#include <thread>
#include <tuple>

#include "absl/time/clock.h"
#include "storage/pool.h"
#include "storage/uploader.h"
#include "tests/support/pg_env.h"
#include "tests/support/upload.h"
#include "tests/support/usage_files.h"

namespace teams_usage {
namespace {

using testing::AppRow;
using ::testing::HasSubstr;
using testing::MeetingsRow;
using testing::TestDatabase;
using testing::WorkloadRow;

using testing::Upload;

class IngestPgTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { db_ = TestDatabase::Create("ingest_pgtest").release(); }
  static void TearDownTestSuite() {
    delete db_;
    db_ = nullptr;
  }
  void SetUp() override {
    pqxx::connection conn(db_->url());
    pqxx::work tx(conn);
    for (const auto& r : tx.exec("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                                 "AND tablename <> 'schema_migrations'")) {
      tx.exec("TRUNCATE " + tx.quote_name(r[0].c_str()));
    }
    tx.commit();
    storage::PoolOptions options;
    options.url = db_->service_url();
    options.size = 4;
    pool_ = std::make_unique<storage::ConnectionPool>(options);
  }
  int64_t Count(const std::string& sql) {
    pqxx::connection conn(db_->url());
    pqxx::read_transaction tx(conn);
    return tx.exec1(sql)[0].as<int64_t>();
  }

  static TestDatabase* db_;
  std::unique_ptr<storage::ConnectionPool> pool_;
};
TestDatabase* IngestPgTest::db_ = nullptr;

testing::TestCustomer Customer(const std::string& id) {
  return {id,
          "11111111-2222-4333-8444-555555555555",
          "Name " + id,
          "US",
          "United States",
          "SMB",
          "Retail",
          "Vertical",
          "EOU1"};
}

std::vector<MeetingsRow> SomeMeetings(const std::string& partner) {
  std::vector<MeetingsRow> rows;
  for (int d = 1; d <= 5; ++d) {
    rows.push_back(
        {partner, Customer("C1"), "2026-03-0" + std::to_string(d), "Meetings", d * 3, d * 1.25});
    rows.push_back({partner, Customer("C2"), "2026-03-0" + std::to_string(d), "Calls", d, 0.5});
  }
  return rows;
}

TEST_F(IngestPgTest, UploadThenIdenticalReuploadChangesNothing) {
  const std::string file = testing::MeetingsFile(SomeMeetings("P1"));
  auto first = Upload(*pool_, "P1", ingest::Dataset::kMeetingsAndCalls, file);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->rows_read, 10);
  EXPECT_EQ(first->rows_inserted, 10);
  EXPECT_EQ(first->rows_replaced, 0);
  EXPECT_EQ(first->rows_unchanged, 0);
  EXPECT_EQ(first->data_version, 1);
  const auto before = db_->SnapshotAll();

  auto second = Upload(*pool_, "P1", ingest::Dataset::kMeetingsAndCalls, file, 7);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->rows_read, 10);
  EXPECT_EQ(second->rows_inserted, 0);
  EXPECT_EQ(second->rows_replaced, 0);
  EXPECT_EQ(second->rows_unchanged, 10);
  EXPECT_EQ(second->data_version, 1);
  EXPECT_EQ(db_->SnapshotAll(), before);
}

TEST_F(IngestPgTest, ChangedValuesReplaceAndBumpTheVersion) {
  auto rows = SomeMeetings("P1");
  ASSERT_TRUE(
      Upload(*pool_, "P1", ingest::Dataset::kMeetingsAndCalls, testing::MeetingsFile(rows)).ok());
  rows[0].count = 100;
  rows[0].hours = 9.75;
  rows[3].count = 0;
  rows.push_back({"P1", Customer("C3"), "2026-03-09", "PSTN", 4, 0.25});
  auto result =
      Upload(*pool_, "P1", ingest::Dataset::kMeetingsAndCalls, testing::MeetingsFile(rows));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->rows_read, 11);
  EXPECT_EQ(result->rows_inserted, 1);
  EXPECT_EQ(result->rows_replaced, 2);
  EXPECT_EQ(result->rows_unchanged, 8);
  EXPECT_EQ(result->data_version, 2);
  EXPECT_EQ(Count("SELECT meeting_count FROM meetings_calls_daily WHERE customer_id = 'C1' "
                  "AND day = '2026-03-01' AND subworkload = 1"),
            100);
  EXPECT_EQ(Count("SELECT count(*) FROM meetings_calls_daily"), 11);
  EXPECT_EQ(Count("SELECT meetings FROM rollup_partner_day WHERE day = '2026-03-01'"), 100);
  EXPECT_EQ(Count("SELECT phone_systems FROM rollup_partner_month WHERE month = '2026-03-01'"), 4);
  EXPECT_EQ(Count("SELECT to_char(data_as_of, 'YYYYMMDD')::int FROM partners"), 20260309);
}

TEST_F(IngestPgTest, CustomerAttributesFollowTheNewestUpload) {
  ASSERT_TRUE(Upload(*pool_, "P1", ingest::Dataset::kMeetingsAndCalls,
                     testing::MeetingsFile(SomeMeetings("P1")))
                  .ok());
  testing::TestCustomer renamed = Customer("C1");
  renamed.name = "Renamed, Inc.";
  renamed.segment = "Enterprise";
  auto result = Upload(*pool_, "P1", ingest::Dataset::kThirdPartyApps,
                       testing::AppsFile({{"P1", renamed, "2026-03", "Polly", 7}}));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->data_version, 2);
  pqxx::connection conn(db_->url());
  pqxx::read_transaction tx(conn);
  const auto row = tx.exec1("SELECT name, segment FROM customers WHERE customer_id = 'C1'");
  EXPECT_EQ(row[0].as<std::string>(), "Renamed, Inc.");
  EXPECT_EQ(row[1].as<std::string>(), "Enterprise");
}

TEST_F(IngestPgTest, OneBadRowInTheMiddleLeavesEverythingAsBefore) {
  ASSERT_TRUE(Upload(*pool_, "P1", ingest::Dataset::kMeetingsAndCalls,
                     testing::MeetingsFile(SomeMeetings("P1")))
                  .ok());
  const auto before = db_->SnapshotAll();
  auto rows = SomeMeetings("P1");
  for (auto& r : rows) r.count += 1;  // would replace every row
  std::string file = testing::MeetingsFile(rows);
  // Line 7 (the header is line 1) gets a negative MeetingCount.
  const std::string good_line = ",6,";
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t pos; (pos = file.find("\r\n", start)) != std::string::npos; start = pos + 2) {
    lines.push_back(file.substr(start, pos - start));
  }
  std::string& bad = lines[6];
  const size_t hours_comma = bad.rfind(',');
  const size_t count_comma = bad.rfind(',', hours_comma - 1);
  bad = bad.substr(0, count_comma + 1) + "-6" + bad.substr(hours_comma);
  std::string broken;
  for (const auto& l : lines) broken += l + "\r\n";

  auto result = Upload(*pool_, "P1", ingest::Dataset::kMeetingsAndCalls, broken, 5);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("line 7, column MeetingCount"));
  EXPECT_EQ(db_->SnapshotAll(), before);
}

TEST_F(IngestPgTest, RepeatedNaturalKeyIsRejectedWithItsLines) {
  auto rows = SomeMeetings("P1");
  rows.push_back(rows[2]);  // line 12 repeats line 4
  rows.back().count = 99;
  auto result =
      Upload(*pool_, "P1", ingest::Dataset::kMeetingsAndCalls, testing::MeetingsFile(rows));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("line 12: repeats line 4"));
  EXPECT_EQ(Count("SELECT count(*) FROM meetings_calls_daily"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM partners"), 0);
}

TEST_F(IngestPgTest, RowsOfAnotherPartnerAreRejected) {
  auto rows = SomeMeetings("P1");
  rows[4].partner = "P2";
  auto result =
      Upload(*pool_, "P1", ingest::Dataset::kMeetingsAndCalls, testing::MeetingsFile(rows));
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("line 6, column PGAMpnID"));
  EXPECT_EQ(Count("SELECT count(*) FROM meetings_calls_daily"), 0);
}

TEST_F(IngestPgTest, InvalidUtf8IsARowErrorNotADatabaseError) {
  auto rows = SomeMeetings("P1");
  rows[1].customer.name = "Bad \xC3\x28 name";
  auto result =
      Upload(*pool_, "P1", ingest::Dataset::kMeetingsAndCalls, testing::MeetingsFile(rows));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(result.status().message()),
              HasSubstr("line 3, column CustomerName: not valid UTF-8"));
  EXPECT_EQ(Count("SELECT count(*) FROM customers"), 0);
}

TEST_F(IngestPgTest, AbandonedUploadAppliesNothing) {
  const std::string file = testing::MeetingsFile(SomeMeetings("P1"));
  {
    auto uploader =
        storage::Uploader::Begin(*pool_, "P1", ingest::Dataset::kMeetingsAndCalls,
                                 ingest::FileFormat::kAuto, absl::Now() + absl::Seconds(10));
    ASSERT_TRUE(uploader.ok());
    ASSERT_TRUE((*uploader)->Feed(file.substr(0, file.size() / 2)).ok());
  }  // dropped mid-file, as when the client cancels
  EXPECT_EQ(Count("SELECT count(*) FROM meetings_calls_daily"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM partners"), 0);
  // The pool is still usable afterwards.
  auto result = Upload(*pool_, "P1", ingest::Dataset::kMeetingsAndCalls, file);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->rows_inserted, 10);
}

TEST_F(IngestPgTest, ConcurrentUploadsOfOnePartnerSerializeWithoutLosingRows) {
  // Two files over overlapping keys with different values, uploaded at the same time, several
  // times: each upload applies whole, and the final state is one of the two sequential orders.
  auto a = SomeMeetings("P1");
  auto b = SomeMeetings("P1");
  for (auto& r : b) r.count += 1000;
  b.push_back({"P1", Customer("C9"), "2026-03-20", "Meetings", 1, 0.5});
  const std::string file_a = testing::MeetingsFile(a);
  const std::string file_b = testing::MeetingsFile(b);
  for (int round = 0; round < 5; ++round) {
    absl::StatusOr<storage::UploadResult> ra, rb;
    std::thread ta([&] { ra = Upload(*pool_, "P1", ingest::Dataset::kMeetingsAndCalls, file_a); });
    std::thread tb([&] { rb = Upload(*pool_, "P1", ingest::Dataset::kMeetingsAndCalls, file_b); });
    ta.join();
    tb.join();
    ASSERT_TRUE(ra.ok()) << ra.status();
    ASSERT_TRUE(rb.ok()) << rb.status();
    EXPECT_NE(ra->data_version, rb->data_version);
    const int64_t later_is_b = rb->data_version > ra->data_version;
    const int64_t c1 = Count(
        "SELECT meeting_count FROM meetings_calls_daily WHERE customer_id = 'C1' "
        "AND day = '2026-03-01' AND subworkload = 1");
    EXPECT_EQ(c1, later_is_b ? 1003 : 3);
    EXPECT_EQ(Count("SELECT count(*) FROM meetings_calls_daily"), 11);
    EXPECT_EQ(Count("SELECT meetings FROM rollup_partner_day WHERE day = '2026-03-01'"), c1);
  }
}

// ---- rollups equal a recomputation from the uploaded rows ---------------------------------------

struct Model {
  // (customer, day, subworkload) -> (count, hours)
  std::map<std::tuple<std::string, int64_t, int>, std::pair<int64_t, double>> meetings;
  // (customer, month day number, subworkload) -> desktop, web, mobile, all-up
  std::map<std::tuple<std::string, int64_t, int>, std::array<int64_t, 4>> workload;
  // (customer, month day number, app) -> users
  std::map<std::tuple<std::string, int64_t, std::string>, int64_t> apps;
};

int64_t MonthOf(int64_t day) {
  const std::string d = testing::TestDate(day);
  return testing::TestDays(d.substr(0, 8) + "01");
}
int64_t MonthKeyDays(const std::string& m) {
  return testing::TestDays(m.size() == 7 ? m + "-01" : m);
}
int DayOfMonth(int64_t day) { return std::stoi(testing::TestDate(day).substr(8, 2)); }

void ExpectClose(double expected, double actual, const std::string& what) {
  EXPECT_NEAR(actual, expected, 1e-9 * std::max(1.0, std::fabs(expected))) << what;
}

void CheckRollups(const std::string& url, const std::string& partner, const Model& m) {
  pqxx::connection conn(url);
  pqxx::read_transaction tx(conn);
  const auto dnum = [](const pqxx::field& f) { return testing::TestDays(f.as<std::string>()); };

  // Facts.
  EXPECT_EQ(
      tx.exec_params1("SELECT count(*) FROM meetings_calls_daily WHERE partner_id = $1", partner)[0]
          .as<size_t>(),
      m.meetings.size());
  EXPECT_EQ(
      tx.exec_params1("SELECT count(*) FROM workload_monthly WHERE partner_id = $1", partner)[0]
          .as<size_t>(),
      m.workload.size());
  EXPECT_EQ(
      tx.exec_params1("SELECT count(*) FROM app_usage_monthly WHERE partner_id = $1", partner)[0]
          .as<size_t>(),
      m.apps.size());

  // Per day and per customer-month from the meetings model.
  struct Sums {
    std::array<int64_t, 3> counts{};
    std::array<double, 3> hours{};
    std::set<std::string> active;
    int64_t mask = 0;
  };
  std::map<int64_t, Sums> by_day;
  std::map<std::pair<int64_t, std::string>, Sums> by_cm;
  std::map<int64_t, Sums> by_month;
  for (const auto& [key, value] : m.meetings) {
    const auto& [customer, day, sub] = key;
    Sums& d = by_day[day];
    Sums& cm = by_cm[{MonthOf(day), customer}];
    Sums& mo = by_month[MonthOf(day)];
    for (Sums* s : {&d, &cm, &mo}) {
      s->counts[sub - 1] += value.first;
      s->hours[sub - 1] += value.second;
      if (value.first > 0) s->active.insert(customer);
    }
    if (value.first > 0) cm.mask |= int64_t{1} << (DayOfMonth(day) - 1);
  }
  const auto check_sums = [&](const Sums& s, const pqxx::row& r, int first,
                              const std::string& what) {
    for (int i = 0; i < 3; ++i) {
      EXPECT_EQ(r[first + 2 * i].as<int64_t>(), s.counts[i]) << what << " count " << i;
      ExpectClose(s.hours[i], r[first + 2 * i + 1].as<double>(), what + " hours");
    }
  };
  auto days = tx.exec_params(
      "SELECT day::text, meetings, meeting_hours, calls, call_hours, phone_systems, "
      "phone_system_hours, active_customers FROM rollup_partner_day WHERE partner_id = $1 "
      "ORDER BY day",
      partner);
  EXPECT_EQ(days.size(), by_day.size());
  for (const auto& r : days) {
    const auto it = by_day.find(dnum(r[0]));
    ASSERT_NE(it, by_day.end()) << "unexpected day " << r[0].c_str();
    check_sums(it->second, r, 1, std::string("day ") + r[0].c_str());
    EXPECT_EQ(r[7].as<size_t>(), it->second.active.size()) << r[0].c_str();
  }
  auto cms = tx.exec_params(
      "SELECT month::text, customer_id, meetings, meeting_hours, calls, call_hours, "
      "phone_systems, phone_system_hours, active_days FROM rollup_customer_month "
      "WHERE partner_id = $1",
      partner);
  EXPECT_EQ(cms.size(), by_cm.size());
  for (const auto& r : cms) {
    const auto it = by_cm.find({dnum(r[0]), r[1].as<std::string>()});
    ASSERT_NE(it, by_cm.end());
    check_sums(it->second, r, 2, "customer month");
    EXPECT_EQ(r[8].as<int64_t>(), it->second.mask);
  }
  auto months = tx.exec_params(
      "SELECT month::text, meetings, meeting_hours, calls, call_hours, phone_systems, "
      "phone_system_hours, active_customers FROM rollup_partner_month WHERE partner_id = $1",
      partner);
  EXPECT_EQ(months.size(), by_month.size());
  for (const auto& r : months) {
    const auto it = by_month.find(dnum(r[0]));
    ASSERT_NE(it, by_month.end());
    check_sums(it->second, r, 1, "month");
    EXPECT_EQ(r[7].as<size_t>(), it->second.active.size());
  }

  // Workload.
  std::map<std::pair<int64_t, int>, std::array<int64_t, 3>> wl;
  std::map<std::pair<int64_t, std::string>, int64_t> allup_cm;
  for (const auto& [key, v] : m.workload) {
    const auto& [customer, month, sub] = key;
    auto& w = wl[{month, sub}];
    for (int i = 0; i < 3; ++i) w[i] += v[i];
    auto& a = allup_cm[{month, customer}];
    a = std::max(a, v[3]);
  }
  std::map<int64_t, int64_t> allup;
  for (const auto& [key, v] : allup_cm) allup[key.first] += v;
  auto wl_rows = tx.exec_params(
      "SELECT month::text, subworkload, desktop_users, web_users, mobile_users "
      "FROM rollup_partner_month_workload WHERE partner_id = $1",
      partner);
  EXPECT_EQ(wl_rows.size(), wl.size());
  for (const auto& r : wl_rows) {
    const auto it = wl.find({dnum(r[0]), r[1].as<int>()});
    ASSERT_NE(it, wl.end());
    for (int i = 0; i < 3; ++i) EXPECT_EQ(r[2 + i].as<int64_t>(), it->second[i]);
  }
  auto cm_allup = tx.exec_params(
      "SELECT month::text, customer_id, all_up_users FROM rollup_customer_month_allup "
      "WHERE partner_id = $1",
      partner);
  EXPECT_EQ(cm_allup.size(), allup_cm.size());
  for (const auto& r : cm_allup) {
    const auto it = allup_cm.find({dnum(r[0]), r[1].as<std::string>()});
    ASSERT_NE(it, allup_cm.end());
    EXPECT_EQ(r[2].as<int64_t>(), it->second);
  }
  auto allup_rows = tx.exec_params(
      "SELECT month::text, all_up_users FROM rollup_partner_month_allup WHERE partner_id = $1",
      partner);
  EXPECT_EQ(allup_rows.size(), allup.size());
  for (const auto& r : allup_rows) EXPECT_EQ(r[1].as<int64_t>(), allup[dnum(r[0])]);

  // Apps.
  std::map<std::pair<int64_t, std::string>, std::pair<int64_t, int64_t>> cm_apps;  // users, active
  std::map<std::pair<int64_t, std::string>, std::pair<int64_t, int64_t>> month_app;
  for (const auto& [key, users] : m.apps) {
    const auto& [customer, month, app] = key;
    auto& c = cm_apps[{month, customer}];
    c.first += users;
    c.second += users > 0;
    auto& a = month_app[{month, app}];
    a.first += users;
    a.second += users > 0;
  }
  auto cm_app_rows = tx.exec_params(
      "SELECT month::text, customer_id, app_users, active_apps FROM rollup_customer_month_apps "
      "WHERE partner_id = $1",
      partner);
  EXPECT_EQ(cm_app_rows.size(), cm_apps.size());
  for (const auto& r : cm_app_rows) {
    const auto it = cm_apps.find({dnum(r[0]), r[1].as<std::string>()});
    ASSERT_NE(it, cm_apps.end());
    EXPECT_EQ(r[2].as<int64_t>(), it->second.first);
    EXPECT_EQ(r[3].as<int64_t>(), it->second.second);
  }
  auto app_rows = tx.exec_params(
      "SELECT month::text, app_name, user_count, customer_count FROM rollup_partner_month_app "
      "WHERE partner_id = $1",
      partner);
  EXPECT_EQ(app_rows.size(), month_app.size());
  for (const auto& r : app_rows) {
    const auto it = month_app.find({dnum(r[0]), r[1].as<std::string>()});
    ASSERT_NE(it, month_app.end()) << r[1].c_str();
    EXPECT_EQ(r[2].as<int64_t>(), it->second.first);
    EXPECT_EQ(r[3].as<int64_t>(), it->second.second);
  }
}

TEST_F(IngestPgTest, RollupsEqualARecomputationAfterRandomUploads) {
  std::mt19937_64 rng(20261204);
  testing::RandomDataOptions options;
  options.customers = 15;
  options.days = 75;
  const testing::RandomData data = testing::MakeRandomData(options, rng);
  // Another partner's data must not leak into P1's rollups.
  testing::RandomDataOptions other = options;
  other.partner = "P2";
  other.customers = 4;
  const testing::RandomData noise = testing::MakeRandomData(other, rng);
  ASSERT_TRUE(Upload(*pool_, "P2", ingest::Dataset::kMeetingsAndCalls,
                     testing::MeetingsFile(noise.meetings))
                  .ok());

  Model model;
  std::uniform_real_distribution<double> unit(0, 1);
  for (int round = 0; round < 8; ++round) {
    const char delimiter = round % 2 == 0 ? ',' : '\t';
    // A random subset of each dataset, some values changed: inserts, replaces and unchanged rows.
    std::vector<MeetingsRow> meetings;
    for (MeetingsRow r : data.meetings) {
      if (unit(rng) > 0.4) continue;
      if (unit(rng) < 0.3) {
        r.count = static_cast<int64_t>(rng() % 50);
        r.hours = testing::RoundHours(unit(rng) * 20);
      }
      meetings.push_back(r);
    }
    std::vector<WorkloadRow> workload;
    for (WorkloadRow r : data.workload) {
      if (unit(rng) > 0.5) continue;
      if (unit(rng) < 0.3) r.desktop = static_cast<int64_t>(rng() % 1000);
      workload.push_back(r);
    }
    std::vector<AppRow> apps;
    for (AppRow r : data.apps) {
      if (unit(rng) > 0.5) continue;
      if (unit(rng) < 0.3) r.users = static_cast<int64_t>(rng() % 3);
      apps.push_back(r);
    }
    const size_t chunk = 1 + rng() % 4000;
    auto a = Upload(*pool_, "P1", ingest::Dataset::kMeetingsAndCalls,
                    testing::MeetingsFile(meetings, delimiter), chunk);
    ASSERT_TRUE(a.ok()) << a.status();
    auto b = Upload(*pool_, "P1", ingest::Dataset::kWorkload,
                    testing::WorkloadFile(workload, delimiter), chunk);
    ASSERT_TRUE(b.ok()) << b.status();
    auto c = Upload(*pool_, "P1", ingest::Dataset::kThirdPartyApps,
                    testing::AppsFile(apps, delimiter), chunk);
    ASSERT_TRUE(c.ok()) << c.status();

    size_t inserted = 0;
    for (const auto& r : meetings) {
      auto key = std::make_tuple(r.customer.id, testing::TestDays(r.date),
                                 testing::SubworkloadCode(r.subworkload));
      inserted += model.meetings.count(key) == 0;
      model.meetings[key] = {r.count, r.hours};
    }
    EXPECT_EQ(a->rows_inserted, static_cast<int64_t>(inserted));
    for (const auto& r : workload) {
      model.workload[{r.customer.id, MonthKeyDays(r.month),
                      testing::SubworkloadCode(r.subworkload)}] = {r.desktop, r.web, r.mobile,
                                                                   r.all_up};
    }
    for (const auto& r : apps) model.apps[{r.customer.id, MonthKeyDays(r.month), r.app}] = r.users;
    CheckRollups(db_->url(), "P1", model);
    if (HasFatalFailure()) return;
  }
}

}  // namespace
}  // namespace teams_usage

namespace teams_usage {
namespace {

TEST_F(IngestPgTest, AnUploadPastItsDeadlineIsCancelledAndAppliesNothing) {
  const std::string file = testing::MeetingsFile(SomeMeetings("P1"));
  auto uploader = storage::Uploader::Begin(
      *pool_, "P1", ingest::Dataset::kMeetingsAndCalls, ingest::FileFormat::kAuto,
      absl::Now() + absl::Seconds(5), /*call_deadline=*/absl::Now() + absl::Milliseconds(300));
  ASSERT_TRUE(uploader.ok()) << uploader.status();
  ASSERT_TRUE((*uploader)->Feed(file.substr(0, file.size() / 2)).ok());
  absl::SleepFor(absl::Milliseconds(600));  // the client is slow; the deadline passes
  absl::Status fed = (*uploader)->Feed(file.substr(file.size() / 2));
  absl::StatusOr<storage::UploadResult> result =
      fed.ok() ? (*uploader)->Finish() : absl::StatusOr<storage::UploadResult>(fed);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kDeadlineExceeded) << result.status();
  uploader->reset();
  EXPECT_EQ(Count("SELECT count(*) FROM meetings_calls_daily"), 0);
  // The pool recovers: the next upload works.
  auto again = Upload(*pool_, "P1", ingest::Dataset::kMeetingsAndCalls, file);
  ASSERT_TRUE(again.ok()) << again.status();
}

}  // namespace
}  // namespace teams_usage
