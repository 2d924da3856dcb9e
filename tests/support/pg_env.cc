#include "tests/support/pg_env.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <pqxx/pqxx>
#include <stdexcept>

#include "storage/migrations.h"

namespace teams_usage::testing {

std::string AdminUrl() {
  const char* url = std::getenv("TEAMS_TEST_DB_URL");
  if (url == nullptr || *url == '\0') {
    throw std::runtime_error(
        "TEAMS_TEST_DB_URL is not set: run the tests with ./scripts/test, which starts a "
        "throwaway PostgreSQL for them");
  }
  return url;
}

std::string UrlForDatabase(const std::string& url, const std::string& database,
                           const std::string& user) {
  // postgresql://user@host:port/dbname[?params]
  const size_t scheme = url.find("://");
  if (!user.empty() && scheme != std::string::npos) {
    const size_t at = url.find('@', scheme + 3);
    const size_t host = at == std::string::npos ? scheme + 3 : at + 1;
    return UrlForDatabase(url.substr(0, scheme + 3) + user + "@" + url.substr(host), database);
  }
  const size_t slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  const size_t query = url.find('?');
  std::string base = slash == std::string::npos ? url.substr(0, query) : url.substr(0, slash);
  std::string params = query == std::string::npos ? "" : url.substr(query);
  return base + "/" + database + params;
}

std::unique_ptr<TestDatabase> TestDatabase::Create(const std::string& prefix, bool migrate) {
  const std::string admin = AdminUrl();
  const std::string name = prefix + "_" + std::to_string(getpid());
  {
    pqxx::connection conn(admin);
    pqxx::nontransaction tx(conn);
    // Several test binaries may get here at once: a role created meanwhile is fine.
    tx.exec(std::string("DO $$ BEGIN CREATE ROLE ") + kServiceRole +
            " LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE; "
            "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$");
    tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(name) + " WITH (FORCE)");
    tx.exec("CREATE DATABASE " + tx.quote_name(name) + " OWNER " + kServiceRole);
  }
  std::unique_ptr<TestDatabase> db(new TestDatabase(admin, name, UrlForDatabase(admin, name)));
  if (migrate) {
    auto report = storage::MigrateDatabase(db->service_url());
    if (!report.ok()) throw std::runtime_error(std::string(report.status().message()));
  }
  return db;
}

std::string TestDatabase::service_url() const {
  return UrlForDatabase(admin_url_, name_, kServiceRole);
}

TestDatabase::~TestDatabase() {
  try {
    pqxx::connection conn(admin_url_);
    pqxx::nontransaction tx(conn);
    tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(name_) + " WITH (FORCE)");
  } catch (const std::exception&) {
    // Best effort: the throwaway server is deleted after the run anyway.
  }
}

std::vector<std::string> TestDatabase::Snapshot(const std::string& table) const {
  pqxx::connection conn(url_);
  pqxx::read_transaction tx(conn);
  std::vector<std::string> rows;
  for (const auto& r : tx.exec("SELECT t::text FROM " + tx.quote_name(table) + " t")) {
    rows.push_back(r[0].c_str());
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

std::vector<std::string> TestDatabase::SnapshotAll() const {
  std::vector<std::string> tables;
  {
    pqxx::connection conn(url_);
    pqxx::read_transaction tx(conn);
    for (const auto& r : tx.exec("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                                 "ORDER BY tablename")) {
      tables.push_back(r[0].c_str());
    }
  }
  std::vector<std::string> all;
  for (const auto& t : tables) {
    for (auto& row : Snapshot(t)) all.push_back(t + ": " + row);
  }
  return all;
}

}  // namespace teams_usage::testing
