// The response cache: hits, least-recently-used eviction within the byte budget, off at 0.
#include "storage/report/result_cache.h"

#include <gtest/gtest.h>

#include <string>

namespace teams_usage::report {
namespace {

TEST(ResultCacheTest, ReturnsWhatWasPut) {
  ResultCache cache(1 << 20);
  EXPECT_EQ(cache.Get<std::string>("a"), nullptr);
  cache.Put("a", std::string("alpha"), 100);
  const auto hit = cache.Get<std::string>("a");
  ASSERT_NE(hit, nullptr);
  EXPECT_EQ(*hit, "alpha");
  EXPECT_EQ(cache.stats().hits, 1);
  EXPECT_EQ(cache.stats().misses, 1);
  EXPECT_EQ(cache.stats().entries, 1);
}

TEST(ResultCacheTest, EvictsTheLeastRecentlyUsedPastTheBudget) {
  ResultCache cache(1000);
  cache.Put("a", 1, 200);
  cache.Put("b", 2, 200);
  cache.Put("c", 3, 200);
  ASSERT_NE(cache.Get<int>("a"), nullptr);  // a is now the most recently used
  cache.Put("d", 4, 200);
  cache.Put("e", 5, 200);  // over budget: b, the least recently used, goes
  EXPECT_EQ(cache.Get<int>("b"), nullptr);
  EXPECT_NE(cache.Get<int>("a"), nullptr);
  EXPECT_NE(cache.Get<int>("e"), nullptr);
  EXPECT_LE(cache.stats().bytes, 1000);
}

TEST(ResultCacheTest, AnEntryMayTakeAtMostAQuarterOfTheBudget) {
  ResultCache cache(1000);
  cache.Put("big", 1, 300);
  EXPECT_EQ(cache.Get<int>("big"), nullptr);
  cache.Put("small", 1, 200);
  EXPECT_NE(cache.Get<int>("small"), nullptr);
}

TEST(ResultCacheTest, AZeroBudgetCachesNothing) {
  ResultCache cache(0);
  cache.Put("a", 1, 1);
  EXPECT_EQ(cache.Get<int>("a"), nullptr);
  EXPECT_EQ(cache.stats().entries, 0);
}

TEST(ResultCacheTest, TheFirstOfTwoEqualPutsStays) {
  ResultCache cache(1000);
  cache.Put("a", 1, 10);
  cache.Put("a", 2, 10);
  EXPECT_EQ(*cache.Get<int>("a"), 1);
  EXPECT_EQ(cache.stats().entries, 1);
}

}  // namespace
}  // namespace teams_usage::report
