#include "server/http/metrics.h"

#include <fmt/format.h>

namespace candor::http {

std::string EscapeLabel(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void Metrics::Record(const AccessLogEntry& entry) {
  {
    std::lock_guard lock(mu_);
    ++requests_[{entry.method, entry.route, entry.status}];
  }
  if (next_ != nullptr) next_->Record(entry);
}

void Metrics::AddGauge(std::string name, std::string help, std::function<double()> read) {
  std::lock_guard lock(mu_);
  readers_.push_back({std::move(name), std::move(help), "gauge", std::move(read)});
}

void Metrics::AddCounter(std::string name, std::string help, std::function<double()> read) {
  std::lock_guard lock(mu_);
  readers_.push_back({std::move(name), std::move(help), "counter", std::move(read)});
}

std::string Metrics::Exposition() const {
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests;
  std::vector<Reader> readers;
  {
    std::lock_guard lock(mu_);
    requests = requests_;
    readers = readers_;
  }
  std::string out =
      "# HELP candor_http_named_requests_total Requests to named (staff) routes, by route pattern "
      "and status. Anonymous routes are never counted.\n"
      "# TYPE candor_http_named_requests_total counter\n";
  for (const auto& [key, n] : requests) {
    const auto& [method, route, status] = key;
    out += fmt::format(
        "candor_http_named_requests_total{{method=\"{}\",route=\"{}\",status=\"{}\"}} {}\n",
        EscapeLabel(method), EscapeLabel(route), status, n);
  }
  for (const auto& r : readers) {
    out += "# HELP " + r.name + " " + r.help + "\n# TYPE " + r.name + " " + r.type + "\n";
    out += fmt::format("{} {}\n", r.name, r.read());
  }
  return out;
}

}  // namespace candor::http
