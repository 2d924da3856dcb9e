// Reads from a real streaming replica (pg_basebackup on loopback): the report store answers from
// the replica, never with a data_version older than the primary's at the start of the call (a
// lagging replica is bypassed), and falls back to the primary when the replica is down.
#include <gtest/gtest.h>

#include <chrono>
#include <pqxx/pqxx>
#include <thread>

#include "absl/time/clock.h"
#include "storage/migrations.h"
#include "storage/pool.h"
#include "storage/report/report_store.h"
#include "storage/uploader.h"
#include "tests/support/processes.h"
#include "tests/support/upload.h"
#include "tests/support/usage_files.h"

namespace teams_usage {
namespace {

constexpr char kPartner[] = "4500001";

std::string MeetingsFile(int64_t count) {
  return testing::MeetingsFile({{kPartner,
                                 {"R1", "t", "N", "US", "United States", "SMB", "Retail", "V", "E"},
                                 "2026-05-04",
                                 "Meetings",
                                 count,
                                 1.0}});
}

void UploadMeetings(storage::ConnectionPool& pool, int64_t count) {
  const auto result =
      testing::Upload(pool, kPartner, ingest::Dataset::kMeetingsAndCalls, MeetingsFile(count));
  ASSERT_TRUE(result.ok()) << result.status();
}

int64_t ReplicaVersion(const std::string& url) {
  pqxx::connection conn(url);
  pqxx::work tx(conn);
  tx.exec_params("SELECT set_config('app.partner_id', $1, true)", kPartner);
  const auto r = tx.exec("SELECT data_version FROM partners");
  return r.empty() ? 0 : r[0][0].as<int64_t>();
}

bool WaitFor(const std::function<bool()>& pred) {
  for (int i = 0; i < 200; ++i) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

TEST(ReadReplicaPgTest, ServesFromTheReplicaButNeverOlderThanThePrimary) {
  testing::PrivatePostgres primary;
  {
    pqxx::connection conn(primary.admin_url());
    pqxx::nontransaction tx(conn);
    tx.exec("CREATE ROLE teams LOGIN");
    tx.exec("CREATE DATABASE teams_usage OWNER teams");
  }
  const std::string primary_url =
      "postgresql://teams@127.0.0.1:" + std::to_string(primary.port()) + "/teams_usage";
  ASSERT_TRUE(storage::MigrateDatabase(primary_url).ok());
  testing::PrivatePostgres replica(primary);
  const std::string replica_url =
      "postgresql://teams@127.0.0.1:" + std::to_string(replica.port()) + "/teams_usage";
  const std::string replica_admin =
      "postgresql://postgres@127.0.0.1:" + std::to_string(replica.port()) + "/postgres";

  storage::PoolOptions primary_options;
  primary_options.url = primary_url;
  storage::ConnectionPool primary_pool(primary_options);
  storage::PoolOptions replica_options;
  replica_options.url = replica_url;
  storage::ConnectionPool replica_pool(replica_options);
  report::ReportStoreOptions options;
  options.read_pool = &replica_pool;
  options.cache_bytes = 0;  // every call reads
  report::ReportStore store(&primary_pool, options);
  report::FilterInput input;
  input.preset = 3;  // LAST_12_MONTHS
  const auto filter = report::ValidateFilter(input);
  ASSERT_TRUE(filter.ok());

  UploadMeetings(primary_pool, 5);
  ASSERT_TRUE(WaitFor([&] { return ReplicaVersion(replica_url) == 1; }));
  auto first = store.GetSummary(kPartner, *filter, absl::Now() + absl::Seconds(10));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->range.data_version, 1);
  EXPECT_EQ(first->summary.meeting_count.value, 5);
  EXPECT_GE(replica_pool.stats().opened_total, 1);  // the replica answered

  // The replica stops replaying; the primary moves on to version 2.
  {
    pqxx::connection conn(replica_admin);
    pqxx::nontransaction tx(conn);
    tx.exec("SELECT pg_wal_replay_pause()");
  }
  UploadMeetings(primary_pool, 9);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_EQ(ReplicaVersion(replica_url), 1);  // it really lags
  auto lagging = store.GetSummary(kPartner, *filter, absl::Now() + absl::Seconds(10));
  ASSERT_TRUE(lagging.ok()) << lagging.status();
  EXPECT_EQ(lagging->range.data_version, 2);  // not the replica's stale version 1
  EXPECT_EQ(lagging->summary.meeting_count.value, 9);

  {
    pqxx::connection conn(replica_admin);
    pqxx::nontransaction tx(conn);
    tx.exec("SELECT pg_wal_replay_resume()");
  }
  ASSERT_TRUE(WaitFor([&] { return ReplicaVersion(replica_url) == 2; }));
  auto caught_up = store.GetSummary(kPartner, *filter, absl::Now() + absl::Seconds(10));
  ASSERT_TRUE(caught_up.ok()) << caught_up.status();
  EXPECT_EQ(caught_up->range.data_version, 2);

  // The replica goes away: reads fall back to the primary.
  ASSERT_TRUE(replica.Stop());
  auto without_replica = store.GetSummary(kPartner, *filter, absl::Now() + absl::Seconds(10));
  ASSERT_TRUE(without_replica.ok()) << without_replica.status();
  EXPECT_EQ(without_replica->summary.meeting_count.value, 9);
}

}  // namespace
}  // namespace teams_usage
