// Migrations on a real PostgreSQL: applied once each, recorded, and no-ops the second time.
#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "storage/migrations.h"
#include "tests/support/pg_env.h"

namespace teams_usage {
namespace {

TEST(MigrationsPgTest, ApplyOnEmptyDatabaseThenNoOp) {
  auto db = testing::TestDatabase::Create("migrations_pgtest", /*migrate=*/false);
  const auto& all = storage::EmbeddedMigrations();
  ASSERT_GE(all.size(), 2u);

  auto first = storage::MigrateDatabase(db->url());
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->applied.size(), all.size());
  EXPECT_EQ(first->current_version, all.back().version);
  const auto tables_after_first = db->Snapshot("schema_migrations");
  EXPECT_EQ(tables_after_first.size(), all.size());

  auto second = storage::MigrateDatabase(db->url());
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_TRUE(second->applied.empty());
  EXPECT_EQ(second->current_version, all.back().version);
  EXPECT_EQ(db->Snapshot("schema_migrations"), tables_after_first);

  pqxx::connection conn(db->url());
  pqxx::read_transaction tx(conn);
  for (const char* table :
       {"partners", "customers", "meetings_calls_daily", "workload_monthly", "app_usage_monthly",
        "rollup_partner_day", "rollup_customer_month", "rollup_partner_month"}) {
    EXPECT_EQ(
        tx.exec_params1("SELECT count(*) FROM pg_tables WHERE tablename = $1", table)[0].as<int>(),
        1)
        << table;
  }
}

TEST(MigrationsPgTest, UnknownRecordedVersionIsRefused) {
  auto db = testing::TestDatabase::Create("migrations_future_pgtest");
  {
    pqxx::connection conn(db->url());
    pqxx::work tx(conn);
    tx.exec("INSERT INTO schema_migrations (version, name) VALUES (9999, 'from_the_future')");
    tx.commit();
  }
  auto result = storage::MigrateDatabase(db->url());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(MigrationsPgTest, EveryTableLeadsWithPartnerId) {
  auto db = testing::TestDatabase::Create("migrations_layout_pgtest");
  pqxx::connection conn(db->url());
  pqxx::read_transaction tx(conn);
  const auto rows = tx.exec(
      "SELECT table_name, column_name FROM information_schema.columns "
      "WHERE table_schema = 'public' AND ordinal_position = 1 "
      "AND table_name <> 'schema_migrations'");
  ASSERT_GT(rows.size(), 5u);
  for (const auto& r : rows) {
    EXPECT_EQ(r[1].as<std::string>(), "partner_id") << r[0].as<std::string>();
  }
}

}  // namespace
}  // namespace teams_usage
