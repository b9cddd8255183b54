// The batch publisher and the notifier.
//
// The batch publisher: a thread that puts accepted co-signatures and cables into the log at random
// moments — every `interval`, stretched or shortened by up to ±jitter — so that the moment
// a signature appears says nothing about when it was sent (Service::PublishBatch shuffles
// each batch as well).
//
// Thread safety: Start/Stop from one thread. Stop (or the destructor) waits for a running
// batch to finish; co-signatures still waiting stay durable in the store and go out with the
// first batch after the next start.
#ifndef CANDOR_SERVER_APP_BATCH_PUBLISHER_H_
#define CANDOR_SERVER_APP_BATCH_PUBLISHER_H_

#include <chrono>
#include <functional>

#include "crypto/rng.h"
#include "server/app/periodic_thread.h"
#include "server/app/service.h"

namespace candor::app {

struct BatchSchedule {
  std::chrono::milliseconds interval{std::chrono::minutes(10)};
  double jitter = 0.5;  // each wait is interval × U[1 − jitter, 1 + jitter]; 0 ≤ jitter < 1
};

// Checks a schedule: interval ≥ 1 s and 0 ≤ jitter < 1.
[[nodiscard]] Status ValidateBatchSchedule(const BatchSchedule& schedule);

// The wait before the next batch: interval × (1 − jitter + 2·jitter·u), u uniform in [0, 1).
std::chrono::milliseconds NextBatchDelay(const BatchSchedule& schedule, crypto::Rng& rng);

class BatchPublisher {
 public:
  // `report` hears of every batch: how many it published, or the error (the publisher keeps
  // going; a failed batch changed nothing and is retried next time). After each batch it also
  // runs Service::RunCableJobs (reminders, retention) and reports that job's errors the same way.
  BatchPublisher(Service& service, BatchSchedule schedule, crypto::Rng& rng,
                 std::function<void(const Result<std::size_t>&)> report);
  ~BatchPublisher();
  BatchPublisher(const BatchPublisher&) = delete;
  BatchPublisher& operator=(const BatchPublisher&) = delete;

  void Start() { thread_.Start(); }
  void Stop() { thread_.Stop(); }

 private:
  void RunBatch();

  Service& service_;
  BatchSchedule schedule_;
  crypto::Rng& rng_;
  std::function<void(const Result<std::size_t>&)> report_;
  PeriodicThread thread_;  // last: stopped before the members it uses go
};

// The notifier: a thread that runs NotifyService::RunNotifyJobs every `interval` (digests go
// out at the first run after each organization's hour; retries when due). `report` hears of
// each run that did something, or its error; the notifier keeps going.
class Notifier {
 public:
  Notifier(Service& service, std::chrono::milliseconds interval,
           std::function<void(const Result<NotifyService::Report>&)> report);
  ~Notifier() { Stop(); }
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  void Start() { thread_.Start(); }
  void Stop() { thread_.Stop(); }

 private:
  Service& service_;
  std::function<void(const Result<NotifyService::Report>&)> report_;
  PeriodicThread thread_;
};

}  // namespace candor::app

#endif  // CANDOR_SERVER_APP_BATCH_PUBLISHER_H_
