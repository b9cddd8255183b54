#include "server/app/batch_publisher.h"

#include <array>
#include <cmath>

namespace candor::app {

Status ValidateBatchSchedule(const BatchSchedule& schedule) {
  if (schedule.interval < std::chrono::seconds(1)) {
    return InvalidArgument("the batch interval must be at least 1 second");
  }
  if (!(schedule.jitter >= 0.0 && schedule.jitter < 1.0)) {
    return InvalidArgument("the batch jitter must be at least 0 and less than 1");
  }
  return Status::Ok();
}

std::chrono::milliseconds NextBatchDelay(const BatchSchedule& schedule, crypto::Rng& rng) {
  std::array<std::uint8_t, 8> b;
  rng.Fill(b);
  const double u = static_cast<double>(crypto::ReadU64Le(b.data()) >> 11) * 0x1.0p-53;  // [0, 1)
  const double factor = 1.0 - schedule.jitter + 2.0 * schedule.jitter * u;
  return std::chrono::milliseconds(static_cast<std::int64_t>(
      std::llround(static_cast<double>(schedule.interval.count()) * factor)));
}

BatchPublisher::BatchPublisher(Service& service, BatchSchedule schedule, crypto::Rng& rng,
                               std::function<void(const Result<std::size_t>&)> report)
    : service_(service),
      schedule_(schedule),
      rng_(rng),
      report_(std::move(report)),
      thread_([this] { return NextBatchDelay(schedule_, rng_); }, [this] { RunBatch(); }) {}

BatchPublisher::~BatchPublisher() { Stop(); }

void BatchPublisher::RunBatch() {
  Result<std::size_t> published = service_.PublishBatch();
  if (report_) report_(published);
  // Cable reminders and the retention purge ride on the same thread; they touch no
  // anonymous timing (reminders follow deadlines, which are days).
  auto jobs = service_.cables().RunCableJobs();
  if (!jobs.ok() && report_) report_(jobs.error());
}

Notifier::Notifier(Service& service, std::chrono::milliseconds interval,
                   std::function<void(const Result<NotifyService::Report>&)> report)
    : service_(service),
      report_(std::move(report)),
      thread_([interval] { return interval; },
              [this] {
                auto r = service_.notify().RunNotifyJobs();
                if (report_) report_(r);
              }) {}

}  // namespace candor::app
