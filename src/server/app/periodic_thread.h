// A thread that runs `body` again and again, waiting `next_delay()` before each run, until
// stopped: the batch publisher's and the notifier's loop.
//
// Thread safety: Start/Stop from one thread. Stop (or the destructor) waits for a running body
// to finish, then returns; a Stop during a wait ends it at once.
#ifndef CANDOR_SERVER_APP_PERIODIC_THREAD_H_
#define CANDOR_SERVER_APP_PERIODIC_THREAD_H_

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace candor::app {

class PeriodicThread {
 public:
  PeriodicThread(std::function<std::chrono::milliseconds()> next_delay, std::function<void()> body)
      : next_delay_(std::move(next_delay)), body_(std::move(body)) {}
  ~PeriodicThread() { Stop(); }
  PeriodicThread(const PeriodicThread&) = delete;
  PeriodicThread& operator=(const PeriodicThread&) = delete;

  void Start() {
    std::lock_guard<std::mutex> lock(mu_);
    if (thread_.joinable()) return;
    stopping_ = false;
    thread_ = std::thread([this] { Run(); });
  }

  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void Run() {
    for (;;) {
      const auto delay = next_delay_();
      {
        std::unique_lock<std::mutex> lock(mu_);
        if (cv_.wait_for(lock, delay, [this] { return stopping_; })) return;
      }
      body_();
    }
  }

  std::function<std::chrono::milliseconds()> next_delay_;
  std::function<void()> body_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace candor::app

#endif  // CANDOR_SERVER_APP_PERIODIC_THREAD_H_
