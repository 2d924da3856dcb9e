// WorkerPool: every accepted task runs exactly once, the bound counts queued and running tasks
// and is given back when they end, and destruction runs what is still queued.
#include "server/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "absl/synchronization/blocking_counter.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"

namespace teams_usage::server {
namespace {

TEST(WorkerPoolTest, EveryScheduledTaskRunsExactlyOnce) {
  constexpr int kTasks = 2000;
  std::vector<std::atomic<int>> runs(kTasks);
  absl::BlockingCounter done(kTasks);
  {
    WorkerPool pool(4, kTasks);
    for (int i = 0; i < kTasks; ++i) {
      ASSERT_TRUE(pool.TrySchedule([&runs, &done, i] {
        ++runs[i];
        done.DecrementCount();
      }));
    }
    done.Wait();
  }  // joined: no task can run again after this
  for (int i = 0; i < kTasks; ++i) EXPECT_EQ(runs[i].load(), 1) << "task " << i;
}

// One worker, blocked in a task: the bound counts that running task, so exactly
// max_pending - 1 more are queued; once they have all run, the whole bound is free again.
TEST(WorkerPoolTest, TheBoundCountsRunningAndQueuedTasksAndIsFreedWhenTheyEnd) {
  constexpr size_t kMaxPending = 5;
  WorkerPool pool(1, kMaxPending);
  std::atomic<int> ran{0};
  for (int cycle = 0; cycle < 2; ++cycle) {
    SCOPED_TRACE("cycle " + std::to_string(cycle));
    absl::Notification started, release;
    ASSERT_TRUE(pool.TrySchedule([&] {
      started.Notify();
      release.WaitForNotification();
    }));
    started.WaitForNotification();
    absl::BlockingCounter queued_done(kMaxPending - 1);
    for (size_t i = 0; i + 1 < kMaxPending; ++i) {
      EXPECT_TRUE(pool.TrySchedule([&] {
        ++ran;
        queued_done.DecrementCount();
      })) << "task "
          << i;
    }
    EXPECT_FALSE(pool.TrySchedule([&] { ADD_FAILURE() << "a refused task ran"; }));
    EXPECT_FALSE(pool.TrySchedule([&] { ADD_FAILURE() << "a refused task ran"; }));
    release.Notify();
    queued_done.Wait();
    EXPECT_EQ(ran.load(), static_cast<int>((cycle + 1) * (kMaxPending - 1)));
  }
}

TEST(WorkerPoolTest, DestructionRunsTheQueuedTasksBeforeJoining) {
  constexpr int kQueued = 20;
  std::atomic<int> ran{0};
  absl::Notification started, release;
  auto pool = std::make_unique<WorkerPool>(1, kQueued + 1);
  ASSERT_TRUE(pool->TrySchedule([&] {
    started.Notify();
    release.WaitForNotification();
  }));
  started.WaitForNotification();
  for (int i = 0; i < kQueued; ++i) ASSERT_TRUE(pool->TrySchedule([&] { ++ran; }));
  // Released once the destructor is (very likely) already waiting; either way the queued tasks
  // must run before it returns. The sleep orders the two, it asserts nothing.
  std::thread releaser([&] {
    absl::SleepFor(absl::Milliseconds(200));
    release.Notify();
  });
  pool.reset();
  EXPECT_EQ(ran.load(), kQueued);
  releaser.join();
}

}  // namespace
}  // namespace teams_usage::server
