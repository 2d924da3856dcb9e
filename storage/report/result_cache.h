// A bounded, thread-safe LRU cache of computed report responses. Keys always hold the partner's
// data_version (see ReportStore), which changes exactly when some of the partner's data changes:
// an entry is therefore never stale, and entries of old versions simply age out. Pure logic.
#ifndef TEAMS_STORAGE_REPORT_RESULT_CACHE_H_
#define TEAMS_STORAGE_REPORT_RESULT_CACHE_H_

#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace teams_usage::report {

class ResultCache {
 public:
  // At most about `max_bytes` of entries (as estimated by the caller); 0 disables the cache.
  explicit ResultCache(size_t max_bytes) : max_bytes_(max_bytes) {}
  ResultCache(const ResultCache&) = delete;
  ResultCache& operator=(const ResultCache&) = delete;

  // The entry stored under `key` by Put<T>, or null. Keys must name the type (the store's keys
  // start with the method name).
  template <typename T>
  std::shared_ptr<const T> Get(const std::string& key) {
    return std::static_pointer_cast<const T>(GetErased(key));
  }
  template <typename T>
  void Put(const std::string& key, T value, size_t bytes) {
    if (max_bytes_ == 0 || bytes > max_bytes_ / 4) return;  // one entry never crowds out the rest
    PutErased(key, std::make_shared<const T>(std::move(value)), bytes + key.size());
  }

  struct Stats {
    int64_t hits = 0;
    int64_t misses = 0;
    int64_t entries = 0;
    int64_t bytes = 0;
  };
  Stats stats() const;

 private:
  struct Entry {
    std::string key;
    std::shared_ptr<const void> value;
    size_t bytes = 0;
  };
  std::shared_ptr<const void> GetErased(const std::string& key);
  void PutErased(const std::string& key, std::shared_ptr<const void> value, size_t bytes);

  const size_t max_bytes_;
  mutable absl::Mutex mu_;
  std::list<Entry> lru_ ABSL_GUARDED_BY(mu_);  // most recently used first
  absl::flat_hash_map<std::string, std::list<Entry>::iterator> index_ ABSL_GUARDED_BY(mu_);
  size_t bytes_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t hits_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t misses_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace teams_usage::report

#endif  // TEAMS_STORAGE_REPORT_RESULT_CACHE_H_
