// Row-level security: under the service's own database role, a query that forgets to scope itself
// to a partner sees nothing, a scoped one sees only that partner, and no partner can write
// another's rows.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "absl/time/clock.h"
#include "storage/uploader.h"
#include "tests/support/pg_env.h"
#include "tests/support/upload.h"
#include "tests/support/usage_files.h"

namespace teams_usage {
namespace {

const char* const kPartnerTables[] = {"partners",
                                      "customers",
                                      "meetings_calls_daily",
                                      "workload_monthly",
                                      "app_usage_monthly",
                                      "rollup_partner_day",
                                      "rollup_customer_month",
                                      "rollup_partner_month",
                                      "rollup_partner_month_workload",
                                      "rollup_customer_month_allup",
                                      "rollup_partner_month_allup",
                                      "rollup_customer_month_apps",
                                      "rollup_partner_month_app"};

class RowSecurityPgTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = testing::TestDatabase::Create("row_security_pgtest").release();
    storage::PoolOptions options;
    options.url = db_->service_url();
    storage::ConnectionPool pool(options);
    std::mt19937_64 rng(99);
    for (const char* partner : {"PA", "PB"}) {
      testing::RandomDataOptions o;
      o.partner = partner;
      o.customers = 5;
      o.days = 40;
      const auto data = testing::MakeRandomData(o, rng);
      for (const auto& [dataset, file] :
           {std::pair{ingest::Dataset::kMeetingsAndCalls, testing::MeetingsFile(data.meetings)},
            {ingest::Dataset::kWorkload, testing::WorkloadFile(data.workload)},
            {ingest::Dataset::kThirdPartyApps, testing::AppsFile(data.apps)}}) {
        const auto result = testing::Upload(pool, partner, dataset, file);
        ASSERT_TRUE(result.ok()) << result.status();
      }
    }
  }
  static void TearDownTestSuite() { delete db_; }
  static testing::TestDatabase* db_;
};
testing::TestDatabase* RowSecurityPgTest::db_ = nullptr;

int64_t CountAs(const std::string& url, const std::string& table, const std::string& partner) {
  pqxx::connection conn(url);
  pqxx::work tx(conn);
  if (!partner.empty()) tx.exec_params("SELECT set_config('app.partner_id', $1, true)", partner);
  // Deliberately unscoped: no WHERE partner_id.
  return tx.exec1("SELECT count(*) FROM " + tx.quote_name(table))[0].as<int64_t>();
}

TEST_F(RowSecurityPgTest, TheServiceRoleIsNeitherSuperuserNorExempt) {
  pqxx::connection conn(db_->service_url());
  pqxx::read_transaction tx(conn);
  const auto row =
      tx.exec1("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user");
  EXPECT_FALSE(row[0].as<bool>());
  EXPECT_FALSE(row[1].as<bool>());
}

TEST_F(RowSecurityPgTest, UnscopedQueriesSeeNothing) {
  for (const char* table : kPartnerTables) {
    // Both partners' rows are there (as the superuser sees them)...
    pqxx::connection admin(db_->url());
    pqxx::read_transaction tx(admin);
    const int64_t a = tx.exec_params1("SELECT count(*) FROM " + tx.quote_name(table) +
                                      " WHERE partner_id = 'PA'")[0]
                          .as<int64_t>();
    const int64_t b = tx.exec_params1("SELECT count(*) FROM " + tx.quote_name(table) +
                                      " WHERE partner_id = 'PB'")[0]
                          .as<int64_t>();
    ASSERT_GT(a, 0) << table;
    ASSERT_GT(b, 0) << table;
    // ...yet the service role without a partner sees none, and with one sees only that one.
    EXPECT_EQ(CountAs(db_->service_url(), table, ""), 0) << table;
    EXPECT_EQ(CountAs(db_->service_url(), table, "PA"), a) << table;
    EXPECT_EQ(CountAs(db_->service_url(), table, "PB"), b) << table;
    EXPECT_EQ(CountAs(db_->service_url(), table, "PZ"), 0) << table;
  }
}

TEST_F(RowSecurityPgTest, NoPartnerCanWriteAnothersRows) {
  pqxx::connection conn(db_->service_url());
  {
    pqxx::work tx(conn);
    tx.exec("SELECT set_config('app.partner_id', 'PA', true)");
    EXPECT_THROW(
        tx.exec("INSERT INTO customers VALUES ('PB', 'X', '', '', '', '', '', '', '', '')"),
        pqxx::sql_error);
  }
  {
    pqxx::work tx(conn);
    tx.exec("SELECT set_config('app.partner_id', 'PA', true)");
    // Updates and deletes of PB's rows find nothing to change.
    EXPECT_EQ(tx.exec0("UPDATE meetings_calls_daily SET meeting_count = 0 WHERE partner_id = 'PB'")
                  .affected_rows(),
              0u);
    EXPECT_EQ(tx.exec0("DELETE FROM customers WHERE partner_id = 'PB'").affected_rows(), 0u);
    tx.commit();
  }
  pqxx::connection admin(db_->url());
  pqxx::read_transaction tx(admin);
  EXPECT_GT(tx.exec1("SELECT count(*) FROM customers WHERE partner_id = 'PB'")[0].as<int>(), 0);
}

}  // namespace
}  // namespace teams_usage
