#include "server/http/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace candor::http {
namespace {

using namespace std::chrono_literals;

// A gate the jobs wait at until the test opens it.
struct Gate {
  std::mutex mu;
  std::condition_variable cv;
  bool open = false;
  void Wait() {
    std::unique_lock lock(mu);
    cv.wait(lock, [this] { return open; });
  }
  void Open() {
    {
      std::lock_guard lock(mu);
      open = true;
    }
    cv.notify_all();
  }
};

// What `after` publishes (an answer) must find the pool with room: a client that sends its
// next request as soon as it has the answer is not refused (the flake this once caused in
// ServerTest.OffloadedHandlersRunOnABoundedPoolAndNeverBlockTheIoThreads).
TEST(WorkerPool, AfterRunsOnceTheJobsPlaceIsFree) {
  WorkerPool pool(1, 1);
  for (int i = 0; i < 200; ++i) {
    std::atomic<bool> accepted_next{false};
    std::atomic<bool> done{false};
    ASSERT_TRUE(pool.TrySubmit([] {},
                               [&] {
                                 accepted_next = pool.TrySubmit([] {
                                 });  // capacity 1: room only if the first job is counted out
                                 done = true;
                               }));
    while (!done) std::this_thread::yield();
    EXPECT_TRUE(accepted_next) << "round " << i;
    while (pool.load() != 0) std::this_thread::yield();
  }
}

TEST(WorkerPool, RefusesBeyondItsCapacityAndRunsEverythingItTook) {
  WorkerPool pool(2, 3);
  Gate gate;
  std::atomic<int> ran{0};
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(pool.TrySubmit([&] {
      gate.Wait();
      ++ran;
    }));
  }
  EXPECT_EQ(pool.load(), 3u);
  EXPECT_FALSE(pool.TrySubmit([&] { ++ran; }));  // two running, one waiting: full
  gate.Open();
  for (int i = 0; i < 500 && pool.load() > 0; ++i) std::this_thread::sleep_for(2ms);
  EXPECT_EQ(ran, 3);
  EXPECT_EQ(pool.load(), 0u);
  EXPECT_TRUE(pool.TrySubmit([&] { ++ran; }));  // room again
  for (int i = 0; i < 500 && ran < 4; ++i) std::this_thread::sleep_for(2ms);
  EXPECT_EQ(ran, 4);
  pool.Shutdown();
}

TEST(WorkerPool, ShutdownWaitsForRunningJobsDropsQueuedOnesAndRefusesNewOnes) {
  WorkerPool pool(1, 4);
  Gate gate;
  std::atomic<int> started{0}, ran{0};
  auto dropped = std::make_shared<int>(0);
  ASSERT_TRUE(pool.TrySubmit([&] {
    ++started;
    gate.Wait();
    ++ran;
  }));
  for (int i = 0; i < 500 && started == 0; ++i) std::this_thread::sleep_for(2ms);
  ASSERT_TRUE(pool.TrySubmit([&, dropped] { ++ran; }));  // waits behind the first
  EXPECT_EQ(dropped.use_count(), 2);
  std::thread stopper([&] { pool.Shutdown(); });
  std::this_thread::sleep_for(20ms);
  EXPECT_FALSE(pool.TrySubmit([&] { ++ran; }));
  gate.Open();
  stopper.join();
  EXPECT_EQ(ran, 1);                  // the running job finished; the queued one never ran
  EXPECT_EQ(dropped.use_count(), 1);  // and its captures were released
  pool.Shutdown();                    // idempotent
}

TEST(WorkerPool, AThrowingJobDoesNotStopThePool) {
  WorkerPool pool(1, 2);
  std::atomic<int> ran{0};
  ASSERT_TRUE(pool.TrySubmit([] { throw std::runtime_error("boom"); }));
  ASSERT_TRUE(pool.TrySubmit([&] { ++ran; }));
  for (int i = 0; i < 500 && ran == 0; ++i) std::this_thread::sleep_for(2ms);
  EXPECT_EQ(ran, 1);
}

}  // namespace
}  // namespace candor::http
