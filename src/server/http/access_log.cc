#include "server/http/access_log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <array>
#include <cstdio>
#include <ctime>

#include "crypto/rng.h"

namespace candor::http {

std::chrono::system_clock::time_point CoarsenTime(std::chrono::system_clock::time_point t,
                                                  std::chrono::seconds granularity) {
  if (granularity.count() <= 0) return t;
  auto since_epoch = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch());
  auto kept = since_epoch - since_epoch % granularity;
  if (since_epoch.count() < 0 && (since_epoch % granularity).count() != 0) kept -= granularity;
  return std::chrono::system_clock::time_point(kept);
}

std::string FormatAccessLogLine(const AccessLogEntry& entry) {
  std::time_t t = std::chrono::system_clock::to_time_t(entry.time);
  std::tm tm{};
  std::array<char, 64> when{};
  // A year beyond what struct tm holds cannot come from a real clock; print '?' rather
  // than an uninitialised buffer.
  if (gmtime_r(&t, &tm) == nullptr ||
      std::strftime(when.data(), when.size(), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
    when[0] = '?';
  }
  return std::string(when.data()) + " " + entry.method + " " + entry.route + " " +
         std::to_string(entry.status);
}

SpdlogAccessLogSink::SpdlogAccessLogSink()
    : logger_(std::make_shared<spdlog::logger>("candor-access",
                                               std::make_shared<spdlog::sinks::stderr_sink_mt>())) {
  logger_->set_pattern("%v");
  logger_->set_level(spdlog::level::info);
}

SpdlogAccessLogSink::~SpdlogAccessLogSink() {
  std::lock_guard lock(mu_);
  FlushLocked();
}

void SpdlogAccessLogSink::Record(const AccessLogEntry& entry) {
  std::lock_guard lock(mu_);
  if (!held_.empty() && (entry.time != period_ || held_.size() >= kMaxHeld)) FlushLocked();
  period_ = entry.time;
  held_.push_back(FormatAccessLogLine(entry));
}

void SpdlogAccessLogSink::FlushLocked() {
  // Shuffled: within a period, the order of the lines would still say who came after whom.
  for (std::size_t i = held_.size(); i > 1; --i) {
    std::swap(held_[i - 1],
              held_[static_cast<std::size_t>(crypto::UniformBelow(crypto::DefaultRng(), i))]);
  }
  for (const auto& line : held_) logger_->info("access {}", line);
  logger_->flush();
  held_.clear();
}

}  // namespace candor::http
