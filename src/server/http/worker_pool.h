// A bounded pool of worker threads for CPU-heavy request handlers (ring-signature checks,
// password hashing), so that they never run on the HTTP I/O threads.
//
//   WorkerPool pool(2, 16);
//   if (!pool.TrySubmit([] { ExpensiveWork(); })) Answer503();
//   …
//   pool.Shutdown();  // waits for running jobs, drops queued ones
//
// Why bounded and refusing rather than queueing without end: an anonymous client can send
// requests that each cost a second of CPU (a ring signature over thousands of members, an
// Argon2id hash). A queue without a bound would let a few such clients delay everyone's
// answer without limit; a full pool instead answers at once with 503 and Retry-After, and the
// I/O threads stay free to serve everything else (security review H5, M5, M6).
//
// Thread safety: every method may be called from any thread. Jobs run on the pool's threads
// and must not throw (an escaping exception is caught, logged without details, and dropped).
#ifndef CANDOR_SERVER_HTTP_WORKER_POOL_H_
#define CANDOR_SERVER_HTTP_WORKER_POOL_H_

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace candor::http {

class WorkerPool {
 public:
  // `threads` workers (at least 1) and room for `capacity` jobs waiting or running (at least
  // `threads`). Starts the threads at once.
  WorkerPool(unsigned threads, std::size_t capacity);
  ~WorkerPool();  // Shutdown()

  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `job` unless `capacity` jobs are already waiting or running, or the pool is shut
  // down: then returns false and `job` is destroyed unrun (by the caller's thread).
  [[nodiscard]] bool TrySubmit(std::function<void()> job);
  // As above, and once `job` has run and its place is free again, runs `after` on the same
  // thread: what `after` publishes (an answer to a client) is seen only when the pool already
  // has room for the next job, so a client that sends the next request at once is not refused.
  [[nodiscard]] bool TrySubmit(std::function<void()> job, std::function<void()> after);

  // Jobs waiting or running now.
  std::size_t load() const;

  // Stops taking jobs, destroys the queued ones unrun, waits for the running ones, joins the
  // threads. Idempotent.
  void Shutdown();

 private:
  void Run();

  const std::size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  struct Job {
    std::function<void()> work;
    std::function<void()> after;  // may be empty
  };
  std::deque<Job> queue_;
  std::size_t running_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace candor::http

#endif  // CANDOR_SERVER_HTTP_WORKER_POOL_H_
