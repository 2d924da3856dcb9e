#include "storage/report/result_cache.h"

namespace teams_usage::report {

std::shared_ptr<const void> ResultCache::GetErased(const std::string& key) {
  if (max_bytes_ == 0) return nullptr;
  absl::MutexLock lock(&mu_);
  const auto it = index_.find(key);
  if (it == index_.end()) {
    ++misses_;
    return nullptr;
  }
  ++hits_;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->value;
}

void ResultCache::PutErased(const std::string& key, std::shared_ptr<const void> value,
                            size_t bytes) {
  absl::MutexLock lock(&mu_);
  if (const auto it = index_.find(key); it != index_.end()) {
    // Two calls computed the same entry at once; both results are equal, keep the first.
    lru_.splice(lru_.begin(), lru_, it->second);
    return;
  }
  lru_.push_front(Entry{key, std::move(value), bytes});
  index_.emplace(key, lru_.begin());
  bytes_ += bytes;
  while (bytes_ > max_bytes_ && !lru_.empty()) {
    const Entry& oldest = lru_.back();
    bytes_ -= oldest.bytes;
    index_.erase(oldest.key);
    lru_.pop_back();
  }
}

ResultCache::Stats ResultCache::stats() const {
  absl::MutexLock lock(&mu_);
  Stats s;
  s.hits = hits_;
  s.misses = misses_;
  s.entries = static_cast<int64_t>(lru_.size());
  s.bytes = static_cast<int64_t>(bytes_);
  return s;
}

}  // namespace teams_usage::report
