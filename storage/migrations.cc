#include "storage/migrations.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "storage/pool.h"

namespace teams_usage::storage {
namespace {

// An arbitrary constant naming this service's migration lock.
constexpr int64_t kMigrationLockKey = 7163546580012;

constexpr char kCreateMigrationsTable[] = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
  version     integer PRIMARY KEY,
  name        text NOT NULL,
  applied_at  timestamptz NOT NULL DEFAULT now()
))sql";

}  // namespace

absl::StatusOr<MigrationReport> ApplyMigrations(pqxx::connection& conn,
                                                const std::vector<Migration>& migrations) {
  MigrationReport report;
  try {
    {
      pqxx::nontransaction tx(conn);
      tx.exec_params("SELECT pg_advisory_lock($1)", kMigrationLockKey);
    }
    struct Unlock {
      pqxx::connection& conn;
      ~Unlock() {
        try {
          pqxx::nontransaction tx(conn);
          tx.exec_params("SELECT pg_advisory_unlock($1)", kMigrationLockKey);
        } catch (const std::exception&) {
          // The lock goes with the session if the connection is gone.
        }
      }
    } unlock{conn};

    std::set<int> recorded;
    {
      pqxx::work tx(conn);
      tx.exec(kCreateMigrationsTable);
      for (const auto& row : tx.exec("SELECT version FROM schema_migrations")) {
        recorded.insert(row[0].as<int>());
      }
      tx.commit();
    }
    std::set<int> known;
    for (const Migration& m : migrations) known.insert(m.version);
    for (int v : recorded) {
      if (known.count(v) == 0) {
        return absl::FailedPreconditionError(absl::StrCat(
            "the database has migration ", v, " which this binary does not know; upgrade it"));
      }
    }
    for (const Migration& m : migrations) {
      if (recorded.count(m.version) != 0) continue;
      pqxx::work tx(conn);
      tx.exec(m.sql);
      tx.exec_params("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.version,
                     m.name);
      tx.commit();
      report.applied.push_back(m.version);
      recorded.insert(m.version);
    }
    report.current_version = recorded.empty() ? 0 : *recorded.rbegin();
    return report;
  } catch (const std::exception& e) {
    return StatusFromDbException(e, "applying migrations");
  }
}

absl::StatusOr<MigrationReport> MigrateDatabase(const std::string& url) {
  try {
    pqxx::connection conn(url);
    return ApplyMigrations(conn, EmbeddedMigrations());
  } catch (const std::exception& e) {
    return StatusFromDbException(e, "connecting to PostgreSQL");
  }
}

}  // namespace teams_usage::storage
