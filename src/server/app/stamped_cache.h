// What a public read found in the store, kept while the store has not changed since
// (store::Store::ChangeStamp): `/log/sth` and `/roster` are read far more often than the store
// is written, and a read transaction costs more than the rest of such a request. Where the
// store cannot tell whether it changed (ChangeStamp() is nullopt: PostgreSQL, which several
// servers share), callers do not use the cache.
//
//   StampedCache<std::string, Summary> cache(64);
//   Result<Summary> s = cache.GetOrRead(store, slug, [&] { return ReadSummary(slug); });
//
// Reading the stamp before the transaction makes a race harmless: a write that commits in
// between moves the stamp, so the value is stored under a stamp that is already old and is
// never found. Thread-safe.
#ifndef CANDOR_SERVER_APP_STAMPED_CACHE_H_
#define CANDOR_SERVER_APP_STAMPED_CACHE_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <utility>

#include "base/result.h"
#include "store/store.h"

namespace candor::app {

template <class Key, class Value>
class StampedCache {
 public:
  // At most max_entries keys; when full, a new key first clears the others (they are cheap to
  // read again, and only a few keys are ever hot).
  explicit StampedCache(std::size_t max_entries) : max_entries_(max_entries) {}

  // The value kept for `key` while `store` is unchanged, else read() — a Result<Value> — kept
  // under the stamp taken before it ran (so a write racing with read() only causes a miss).
  template <class Read>
  Result<Value> GetOrRead(const store::Store& store, const Key& key, Read read) {
    const std::optional<std::uint64_t> stamp = store.ChangeStamp();
    if (stamp) {
      if (auto hit = Find(key, *stamp)) return std::move(*hit);
    }
    Result<Value> value = read();
    if (stamp && value.ok()) Put(key, *stamp, *value);
    return value;
  }

  // The value kept for `key` if it was read under `stamp`.
  std::optional<Value> Find(const Key& key, std::uint64_t stamp) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(key);
    if (it == entries_.end() || it->second.first != stamp) return std::nullopt;
    return it->second.second;
  }

  void Put(const Key& key, std::uint64_t stamp, Value value) {
    std::lock_guard<std::mutex> lock(mu_);
    if (entries_.size() >= max_entries_ && !entries_.contains(key)) entries_.clear();
    entries_.insert_or_assign(key, std::make_pair(stamp, std::move(value)));
  }

 private:
  const std::size_t max_entries_;
  mutable std::mutex mu_;
  std::map<Key, std::pair<std::uint64_t, Value>> entries_;  // guarded by mu_
};

}  // namespace candor::app

#endif  // CANDOR_SERVER_APP_STAMPED_CACHE_H_
