#include "storage/pool.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace teams_usage::storage {

ConnectionPool::ConnectionPool(PoolOptions options) : options_(std::move(options)) {}

ConnectionPool::~ConnectionPool() {
  absl::MutexLock lock(&mu_);
  idle_.clear();
}

ConnectionPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), conn_(std::move(other.conn_)), discard_(other.discard_) {
  other.pool_ = nullptr;
}

ConnectionPool::Lease::~Lease() {
  if (pool_ != nullptr) pool_->Release(std::move(conn_), discard_);
}

absl::StatusOr<std::unique_ptr<pqxx::connection>> ConnectionPool::Open() {
  try {
    auto conn = std::make_unique<pqxx::connection>(options_.url);
    for (const auto& [name, sql] : options_.prepared_statements) conn->prepare(name, sql);
    return conn;
  } catch (const std::exception& e) {
    return StatusFromDbException(e, "connecting to PostgreSQL");
  }
}

absl::StatusOr<ConnectionPool::Lease> ConnectionPool::Acquire(absl::Time deadline) {
  std::unique_ptr<pqxx::connection> conn;
  {
    absl::MutexLock lock(&mu_);
    ++waiting_;
    auto can_take = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return !idle_.empty() || in_use_ < options_.size;
    };
    const bool ready = mu_.AwaitWithDeadline(absl::Condition(&can_take), deadline);
    --waiting_;
    if (!ready) {
      return absl::DeadlineExceededError("timed out waiting for a database connection");
    }
    ++in_use_;
    if (!idle_.empty()) {
      conn = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (conn != nullptr && !conn->is_open()) {
    conn.reset();
    absl::MutexLock lock(&mu_);
    ++broken_total_;
  }
  if (conn == nullptr) {
    auto opened = Open();
    if (!opened.ok()) {
      absl::MutexLock lock(&mu_);
      --in_use_;
      return opened.status();
    }
    conn = *std::move(opened);
    absl::MutexLock lock(&mu_);
    ++opened_total_;
  }
  return Lease(this, std::move(conn));
}

void ConnectionPool::Release(std::unique_ptr<pqxx::connection> conn, bool discard) {
  const bool broken = conn == nullptr || discard || !conn->is_open();
  if (broken) conn.reset();  // close outside the lock
  absl::MutexLock lock(&mu_);
  --in_use_;
  if (broken) {
    ++broken_total_;
  } else {
    idle_.push_back(std::move(conn));
  }
}

PoolStats ConnectionPool::stats() const {
  absl::MutexLock lock(&mu_);
  PoolStats s;
  s.in_use = in_use_;
  s.idle = static_cast<int>(idle_.size());
  s.waiting = waiting_;
  s.opened_total = opened_total_;
  s.broken_total = broken_total_;
  return s;
}

absl::Status StatusFromDbException(const std::exception& e, absl::string_view what) {
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) {
    return absl::UnavailableError(absl::StrCat(what, ": database unavailable: ", e.what()));
  }
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    const std::string& state = sql->sqlstate();
    if (state == "57014") {
      return absl::DeadlineExceededError(absl::StrCat(what, ": statement timed out"));
    }
    if (state == "40001" || state == "40P01") {
      return absl::AbortedError(absl::StrCat(what, ": concurrent update, retry: ", e.what()));
    }
    if (state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02" || state == "57P03") {
      return absl::UnavailableError(absl::StrCat(what, ": database unavailable: ", e.what()));
    }
    return absl::InternalError(absl::StrCat(what, ": database error ", state, ": ", e.what()));
  }
  if (dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr) {
    return absl::UnavailableError(absl::StrCat(what, ": commit outcome unknown: ", e.what()));
  }
  return absl::InternalError(absl::StrCat(what, ": ", e.what()));
}

}  // namespace teams_usage::storage
