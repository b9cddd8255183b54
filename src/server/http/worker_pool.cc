#include "server/http/worker_pool.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace candor::http {

WorkerPool::WorkerPool(unsigned threads, std::size_t capacity)
    : capacity_(std::max<std::size_t>({capacity, threads, 1})) {
  const unsigned n = std::max(1u, threads);
  threads_.reserve(n);
  for (unsigned i = 0; i < n; ++i) threads_.emplace_back([this] { Run(); });
}

WorkerPool::~WorkerPool() { Shutdown(); }

bool WorkerPool::TrySubmit(std::function<void()> job) { return TrySubmit(std::move(job), nullptr); }

bool WorkerPool::TrySubmit(std::function<void()> job, std::function<void()> after) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || queue_.size() + running_ >= capacity_) return false;
    queue_.push_back(Job{std::move(job), std::move(after)});
  }
  cv_.notify_one();
  return true;
}

std::size_t WorkerPool::load() const {
  std::lock_guard lock(mu_);
  return queue_.size() + running_;
}

void WorkerPool::Shutdown() {
  std::deque<Job> dropped;
  {
    std::lock_guard lock(mu_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
    dropped.swap(queue_);
  }
  cv_.notify_all();
  dropped.clear();  // outside the lock: a job's captures may take locks of their own
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  std::lock_guard lock(mu_);
  threads_.clear();
}

void WorkerPool::Run() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      job = std::move(queue_.front());
      queue_.pop_front();
      ++running_;
    }
    try {
      job.work();
    } catch (...) {
      // Handlers catch their own errors; nothing about the request is logged here.
      spdlog::error("http: a worker job threw; dropped it");
    }
    job.work = nullptr;  // release its captures before counting it done
    {
      std::lock_guard lock(mu_);
      --running_;
    }
    if (job.after) {
      try {
        job.after();
      } catch (...) {
        spdlog::error("http: a worker job's continuation threw; dropped it");
      }
    }
  }
}

}  // namespace candor::http
