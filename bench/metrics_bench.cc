// Google Benchmark of the report's pure metric math (storage/report/metrics.h) and the response
// cache, at the largest partner's shape: 13 months, 10,000 customers. These are the parts of a
// report RPC that run in the server's own CPU; see scripts/bench.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "storage/civil_date.h"
#include "storage/report/metrics.h"
#include "storage/report/report_filter.h"
#include "storage/report/result_cache.h"

namespace teams_usage::report {
namespace {

std::vector<MonthFigures> Months(const DateRange& range) {
  std::mt19937_64 rng(7);
  std::vector<MonthFigures> months;
  for (const MonthSlice& slice : MonthsOverlapping(range)) {
    MonthFigures m;
    m.slice = slice;
    m.sums.meetings = static_cast<int64_t>(rng() % 500000);
    m.sums.meeting_hours = static_cast<double>(m.sums.meetings) * 0.6;
    m.sums.calls = static_cast<int64_t>(rng() % 800000);
    m.sums.phone_systems = static_cast<int64_t>(rng() % 90000);
    m.active_customers = 9000 + static_cast<int64_t>(rng() % 1000);
    months.push_back(m);
  }
  return months;
}

DateRange Last12Months() { return {*ParseIsoDate("2025-11-01"), *ParseIsoDate("2026-10-31")}; }

void BM_BuildSummary(benchmark::State& state) {
  const DateRange range = Last12Months();
  const std::vector<MonthFigures> months = Months(range);
  PeriodFigures current{range.days(), {}, 9990};
  for (const MonthFigures& m : months) current.sums.meetings += m.sums.meetings;
  PeriodFigures previous = current;
  previous.sums.meetings /= 2;
  for (auto _ : state) {
    benchmark::DoNotOptimize(BuildSummary(months, current, previous));
  }
}
BENCHMARK(BM_BuildSummary);

void BM_BuildTrend(benchmark::State& state) {
  const std::vector<MonthFigures> months = Months(Last12Months());
  for (auto _ : state) benchmark::DoNotOptimize(BuildTrend(months));
}
BENCHMARK(BM_BuildTrend);

// What ranking the largest partner's customers in memory would cost: the first page of 10 by
// each metric out of 10,000 (the server answers it from an index of the default views instead).
void BM_RankTopCustomers(benchmark::State& state) {
  std::mt19937_64 rng(3);
  std::vector<CustomerUsage> all(10000);
  for (size_t i = 0; i < all.size(); ++i) {
    all[i].customer.customer_id = "cust-" + std::to_string(i);
    all[i].meetings = static_cast<int64_t>(rng() % 100000);
    all[i].calls = static_cast<int64_t>(rng() % 100000);
    all[i].phone_systems = static_cast<int64_t>(rng() % 1000);
    all[i].third_party_app_users = static_cast<int64_t>(rng() % 5000);
  }
  std::vector<const CustomerUsage*> order(all.size());
  for (auto _ : state) {
    for (int metric = 1; metric <= 4; ++metric) {
      for (size_t i = 0; i < all.size(); ++i) order[i] = &all[i];
      const auto m = static_cast<UsageMetric>(metric);
      std::partial_sort(order.begin(), order.begin() + 10, order.end(),
                        [m](const CustomerUsage* a, const CustomerUsage* b) {
                          const int64_t va = RankingValue(*a, m), vb = RankingValue(*b, m);
                          return va != vb ? va > vb
                                          : a->customer.customer_id < b->customer.customer_id;
                        });
      benchmark::DoNotOptimize(order.front());
    }
  }
  state.SetItemsProcessed(state.iterations() * 4 * static_cast<int64_t>(all.size()));
}
BENCHMARK(BM_RankTopCustomers);

// A cached response found by its key, as every repeated dashboard request does.
void BM_ResultCacheHit(benchmark::State& state) {
  ResultCache cache(size_t{64} << 20);
  std::vector<std::string> keys;
  for (int i = 0; i < 1000; ++i) {
    keys.push_back("GetSummary|7:4812345|1|" + std::to_string(i) + "|20393..20757||");
    cache.Put(keys.back(), std::vector<int64_t>(60, i), 600);
  }
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(cache.Get<std::vector<int64_t>>(keys[i++ % keys.size()]));
  }
}
BENCHMARK(BM_ResultCacheHit);

}  // namespace
}  // namespace teams_usage::report

BENCHMARK_MAIN();
