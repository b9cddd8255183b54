// Values built once per immutable key (a roster version never changes), kept while their total
// weight (members held) stays under a bound; the oldest go first. A value heavier than the
// bound alone is handed back but not kept. Thread-safe; values are shared, never copied.
//
//   WeightedCache<std::pair<std::int64_t, std::int64_t>, Rings> rings(1 << 19);
//   if (auto hit = rings.Get(key)) return hit;
//   auto made = std::make_shared<const Rings>(Build());
//   rings.Put(key, made, MembersOf(*made));
#ifndef CANDOR_SERVER_APP_WEIGHTED_CACHE_H_
#define CANDOR_SERVER_APP_WEIGHTED_CACHE_H_

#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <utility>

namespace candor::app {

template <class Key, class Value>
class WeightedCache {
 public:
  explicit WeightedCache(std::size_t max_weight) : max_weight_(max_weight) {}

  // The value kept for `key`, or null.
  std::shared_ptr<const Value> Get(const Key& key) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(key);
    return it == entries_.end() ? nullptr : it->second.value;
  }

  // Keeps `value` under `key` unless it alone outweighs the bound or the key is kept already
  // (two callers that built it at once: the first stays).
  void Put(const Key& key, std::shared_ptr<const Value> value, std::size_t weight) {
    if (weight > max_weight_) return;
    std::lock_guard<std::mutex> lock(mu_);
    if (!entries_.emplace(key, Entry{std::move(value), weight}).second) return;
    order_.push_back(key);
    weight_ += weight;
    while (weight_ > max_weight_ && !order_.empty()) {
      auto it = entries_.find(order_.front());
      weight_ -= it->second.weight;
      entries_.erase(it);
      order_.pop_front();
    }
  }

 private:
  struct Entry {
    std::shared_ptr<const Value> value;
    std::size_t weight = 0;
  };
  const std::size_t max_weight_;
  std::mutex mu_;
  std::map<Key, Entry> entries_;  // guarded by mu_
  std::deque<Key> order_;         // insertion order, oldest first; guarded by mu_
  std::size_t weight_ = 0;        // guarded by mu_
};

}  // namespace candor::app

#endif  // CANDOR_SERVER_APP_WEIGHTED_CACHE_H_
