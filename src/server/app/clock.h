// The server's clock, injected so that sessions, invitations, deadlines and tree-head
// timestamps are testable with a fixed time (house style: inject the world).
#ifndef CANDOR_SERVER_APP_CLOCK_H_
#define CANDOR_SERVER_APP_CLOCK_H_

#include <atomic>
#include <chrono>
#include <cstdint>

namespace candor::app {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch. Thread-safe.
  virtual std::int64_t NowMs() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::int64_t NowMs() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// A clock that only moves when told to (tests).
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::int64_t now_ms) : now_ms_(now_ms) {}
  std::int64_t NowMs() const override { return now_ms_.load(); }
  void Advance(std::int64_t ms) { now_ms_ += ms; }
  void Set(std::int64_t ms) { now_ms_ = ms; }

 private:
  std::atomic<std::int64_t> now_ms_;
};

}  // namespace candor::app

#endif  // CANDOR_SERVER_APP_CLOCK_H_
