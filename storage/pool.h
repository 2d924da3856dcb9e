// A fixed-size pool of PostgreSQL connections with prepared statements. Connections are opened
// lazily, and a connection found broken is dropped and replaced on the next acquire.
#ifndef TEAMS_STORAGE_POOL_H_
#define TEAMS_STORAGE_POOL_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace teams_usage::storage {

struct PoolOptions {
  std::string url;  // libpq connection URL
  int size = 8;
  // Statements prepared on every new connection: name -> SQL.
  std::vector<std::pair<std::string, std::string>> prepared_statements;
};

struct PoolStats {
  int in_use = 0;
  int idle = 0;
  int waiting = 0;
  int64_t opened_total = 0;
  int64_t broken_total = 0;
};

class ConnectionPool {
 public:
  explicit ConnectionPool(PoolOptions options);
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // A connection on loan; returned to the pool when destroyed.
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    pqxx::connection& conn() { return *conn_; }
    // The connection must not be reused (it failed mid-protocol, e.g. a COPY was abandoned).
    void Discard() { discard_ = true; }

   private:
    friend class ConnectionPool;
    Lease(ConnectionPool* pool, std::unique_ptr<pqxx::connection> conn)
        : pool_(pool), conn_(std::move(conn)) {}
    ConnectionPool* pool_;
    std::unique_ptr<pqxx::connection> conn_;
    bool discard_ = false;
  };

  // Waits until `deadline` for a free connection; UNAVAILABLE when none can be had or opened,
  // DEADLINE_EXCEEDED when the wait times out.
  absl::StatusOr<Lease> Acquire(absl::Time deadline);
  PoolStats stats() const;
  const PoolOptions& options() const { return options_; }

 private:
  void Release(std::unique_ptr<pqxx::connection> conn, bool discard);
  absl::StatusOr<std::unique_ptr<pqxx::connection>> Open();

  const PoolOptions options_;
  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_ ABSL_GUARDED_BY(mu_);
  int in_use_ ABSL_GUARDED_BY(mu_) = 0;
  int waiting_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t opened_total_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t broken_total_ ABSL_GUARDED_BY(mu_) = 0;
};

// Maps a libpqxx exception to a status: a lost connection is UNAVAILABLE, a statement cancelled
// by statement_timeout is DEADLINE_EXCEEDED, a serialization failure or deadlock is ABORTED, any
// other database error INTERNAL. `what` says what was being done.
absl::Status StatusFromDbException(const std::exception& e, absl::string_view what);

}  // namespace teams_usage::storage

#endif  // TEAMS_STORAGE_POOL_H_
