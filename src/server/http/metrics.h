// Prometheus metrics of the server (issue 16, item 5), in the text exposition format 0.0.4.
//
// What they may not say: anything about anonymous requests — when members enrolled, signed,
// wrote or read. So the request counters are fed by the access log's entries, which the server
// makes for named routes only (exchange.cc, RecordAccess: an anonymous route never reaches a
// sink), and carry the route's pattern, the method and the status — never a time, a duration,
// an address or a path value. Nothing else here moves with anonymous traffic: no connection
// gauge, no latency histogram, no worker queue depth (each would show, scrape by scrape, when
// anonymous requests came). The server adds gauges that anyone can read anyway (the log's size
// and batches, public through /api/v1/log) with AddGauge/AddCounter.
//
// Thread-safe.
#ifndef CANDOR_SERVER_HTTP_METRICS_H_
#define CANDOR_SERVER_HTTP_METRICS_H_

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "server/http/access_log.h"

namespace candor::http {

class Metrics final : public AccessLogSink {
 public:
  // `next`: the access log entries go on to it (null: nowhere). Not owned; must outlive this.
  explicit Metrics(AccessLogSink* next = nullptr) : next_(next) {}

  void Record(const AccessLogEntry& entry) override;

  // A counter or gauge read at each scrape: `read` is called then, on the scraping thread.
  void AddGauge(std::string name, std::string help, std::function<double()> read);
  void AddCounter(std::string name, std::string help, std::function<double()> read);

  // The exposition: candor_http_named_requests_total{method,route,status}, then the added
  // metrics, in the order added.
  std::string Exposition() const;

 private:
  struct Reader {
    std::string name, help, type;
    std::function<double()> read;
  };
  AccessLogSink* next_;
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;  // guarded by mu_
  std::vector<Reader> readers_;                                                  // guarded by mu_
};

// A label value escaped for the exposition format (backslash, quote, newline).
std::string EscapeLabel(const std::string& value);

}  // namespace candor::http

#endif  // CANDOR_SERVER_HTTP_METRICS_H_
