// Runs task(0) … task(count − 1) at once, on count − 1 new threads and the calling one, and
// returns when all are done. A thread that cannot be started (a process or cgroup limit) is
// no error: its task runs on the calling thread instead, so nothing here can end the process.
// Tasks must not throw.
#ifndef CANDOR_GROUP_PARALLEL_H_
#define CANDOR_GROUP_PARALLEL_H_

#include <cstddef>
#include <system_error>
#include <thread>
#include <vector>

namespace candor::group {

template <typename Task>
void RunInParallel(std::size_t count, const Task& task) {
  std::vector<std::thread> threads;
  std::vector<std::size_t> left;
  for (std::size_t t = 1; t < count; ++t) {
    try {
      threads.emplace_back([&task, t] { task(t); });
    } catch (const std::system_error&) {
      left.push_back(t);
    }
  }
  if (count > 0) task(0);
  for (std::size_t t : left) task(t);
  for (auto& th : threads) th.join();
}

// How many threads are worth starting here: the cores, at least 1, at most `cap`.
inline std::size_t Cores(std::size_t cap) {
  const std::size_t cores = std::thread::hardware_concurrency();
  if (cores == 0) return 1;
  return cores < cap ? cores : cap;
}

}  // namespace candor::group

#endif  // CANDOR_GROUP_PARALLEL_H_
