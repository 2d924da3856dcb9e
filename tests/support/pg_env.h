// A private database per test binary on the PostgreSQL that scripts/test starts
// (TEAMS_TEST_DB_URL). Tests that need it fail, never skip, when it is missing.
#ifndef TEAMS_TESTS_SUPPORT_PG_ENV_H_
#define TEAMS_TESTS_SUPPORT_PG_ENV_H_

#include <memory>
#include <string>
#include <vector>

namespace teams_usage::testing {

class TestDatabase {
 public:
  // Creates an empty database named after `prefix` and the process id; with `migrate`, applies
  // the embedded migrations to it.
  static std::unique_ptr<TestDatabase> Create(const std::string& prefix, bool migrate = true);
  ~TestDatabase();

  // As the superuser: for setting up and inspecting (row-level security does not apply).
  const std::string& url() const { return url_; }
  // As the service's role (kServiceRole: owner of the database, no superuser, no BYPASSRLS):
  // what the server and the storage code under test connect with.
  std::string service_url() const;
  const std::string& name() const { return name_; }

  // Every row of `table`, each as one text line, sorted: a byte-for-byte picture of its content.
  std::vector<std::string> Snapshot(const std::string& table) const;
  // Snapshot of every table in the public schema, as "table: row" lines.
  std::vector<std::string> SnapshotAll() const;

 private:
  TestDatabase(std::string admin_url, std::string name, std::string url)
      : admin_url_(std::move(admin_url)), name_(std::move(name)), url_(std::move(url)) {}
  std::string admin_url_;
  std::string name_;
  std::string url_;
};

// The database role the service runs as in the tests.
inline constexpr char kServiceRole[] = "teams_service";

// TEAMS_TEST_DB_URL, or a fatal test failure explaining how to run the tests.
std::string AdminUrl();
// `url` with its database name replaced by `database` (and its user by `user`, when given).
std::string UrlForDatabase(const std::string& url, const std::string& database,
                           const std::string& user = "");

}  // namespace teams_usage::testing

#endif  // TEAMS_TESTS_SUPPORT_PG_ENV_H_
