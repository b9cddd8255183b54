// Access logging, through an injected sink.
//
// Privacy rules, enforced by the server (server.h), not by sinks:
//  - requests to anonymous routes are never passed to a sink, nor are requests that match
//    no route (the server cannot tell whether they were meant for an anonymous one);
//  - an entry holds the method, the route *pattern* (never the path, which carries ids), the
//    status and a coarse time. No peer address, user agent, query or body, ever.
#ifndef CANDOR_SERVER_HTTP_ACCESS_LOG_H_
#define CANDOR_SERVER_HTTP_ACCESS_LOG_H_

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace spdlog {
class logger;
}  // namespace spdlog

namespace candor::http {

struct AccessLogEntry {
  std::string method;
  std::string route;  // e.g. "/api/v1/orgs/{slug}/roster/{version}"
  int status = 0;
  // Truncated to ServerOptions::access_log_granularity (default: the hour).
  std::chrono::system_clock::time_point time;
};

// Receives entries. Record is called concurrently from the server's I/O threads, so
// implementations must be thread-safe, and should be quick (it runs on the request path).
class AccessLogSink {
 public:
  virtual ~AccessLogSink() = default;
  virtual void Record(const AccessLogEntry& entry) = 0;
};

// "2024-05-01T10:00:00Z GET /api/v1/orgs/{slug} 200".
std::string FormatAccessLogLine(const AccessLogEntry& entry);

// `t` rounded down to a multiple of `granularity` since the epoch (unchanged if <= 0).
std::chrono::system_clock::time_point CoarsenTime(std::chrono::system_clock::time_point t,
                                                  std::chrono::seconds granularity);

// Writes FormatAccessLogLine, and nothing else, as one line on standard error through its
// own spdlog logger. The logger's pattern is the bare message: spdlog's default pattern
// would prefix a millisecond timestamp and defeat the coarse time. Thread-safe.
//
// Lines are held back and written together, in a random order, when the first entry of a
// later period arrives (or kMaxHeld lines are waiting, or the sink is destroyed): journald and
// syslog stamp each line with the time it is written, and a line written as its request ends
// would carry that request's exact time whatever the line says (security review L9).
class SpdlogAccessLogSink final : public AccessLogSink {
 public:
  static constexpr std::size_t kMaxHeld = 10'000;
  SpdlogAccessLogSink();
  ~SpdlogAccessLogSink() override;  // writes what is held
  void Record(const AccessLogEntry& entry) override;

 private:
  void FlushLocked();  // REQUIRES: mu_ held
  std::shared_ptr<spdlog::logger> logger_;
  std::mutex mu_;
  std::chrono::system_clock::time_point period_;  // guarded by mu_: the held lines' time
  std::vector<std::string> held_;                 // guarded by mu_
};

}  // namespace candor::http

#endif  // CANDOR_SERVER_HTTP_ACCESS_LOG_H_
