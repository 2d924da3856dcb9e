// A fixed set of threads for the blocking part of callback-API calls (database reads), so that
// gRPC's own threads never block: a call whose answer is in memory is finished on the gRPC thread
// that received it, and only the others are handed to a worker.
#ifndef TEAMS_SERVER_WORKER_POOL_H_
#define TEAMS_SERVER_WORKER_POOL_H_

#include <cstddef>
#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace teams_usage::server {

class WorkerPool {
 public:
  // `threads` workers; at most `max_pending` tasks queued or running at once.
  WorkerPool(int threads, size_t max_pending);
  // Runs what is queued, then joins the workers.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task`; false (and `task` is dropped) when `max_pending` tasks are already queued or
  // running, or the pool is stopping.
  bool TrySchedule(std::function<void()> task);

 private:
  void Work();
  bool HasWorkOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const size_t max_pending_;
  mutable absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  size_t running_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace teams_usage::server

#endif  // TEAMS_SERVER_WORKER_POOL_H_
