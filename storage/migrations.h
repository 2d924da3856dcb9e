// Numbered SQL migrations (storage/migrations/NNNN_name.sql, compiled in), each applied once and
// recorded in schema_migrations.
#ifndef TEAMS_STORAGE_MIGRATIONS_H_
#define TEAMS_STORAGE_MIGRATIONS_H_

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace teams_usage::storage {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

// Every migration in storage/migrations/, in version order.
const std::vector<Migration>& EmbeddedMigrations();

struct MigrationReport {
  std::vector<int> applied;  // versions applied by this call
  int current_version = 0;   // the newest version recorded afterwards
};

// Applies the pending migrations in order, each in its own transaction together with its record.
// A session advisory lock serializes concurrent migrators (several pods starting at once).
// Fails if the database records a version this binary does not know (it is older than the schema).
absl::StatusOr<MigrationReport> ApplyMigrations(pqxx::connection& conn,
                                                const std::vector<Migration>& migrations);

// Opens `url` and applies EmbeddedMigrations().
absl::StatusOr<MigrationReport> MigrateDatabase(const std::string& url);

}  // namespace teams_usage::storage

#endif  // TEAMS_STORAGE_MIGRATIONS_H_
