// Google Benchmark of DatasetParser over a generated in-memory TeamsUsageMeetingsAndCalls file of
// 100k rows, fed in 64 KiB chunks as UploadDataset delivers them. Built with the benchmarks
// (target csv_parser_bench); scripts/bench runs it.
//
// Reports bytes_per_second (MB/s) and items_per_second (rows/s).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "storage/civil_date.h"
#include "storage/ingest/dataset_parser.h"

namespace teams_usage::ingest {
namespace {

constexpr int kRows = 100000;
constexpr size_t kChunk = 64 * 1024;

// Like the partner dashboard's export: 1,000 customers x 100 days, alternating subworkloads, a
// tenth of the names quoted (with a comma), CRLF line ends.
std::string MakeMeetingsFile(char delimiter) {
  std::string out;
  out.reserve(static_cast<size_t>(kRows) * 200);
  const char* header[] = {"PGAMpnID",
                          "CustomerId",
                          "CustomerTenantId",
                          "CustomerName",
                          "CustomerCountryCode",
                          "CustomerCountry",
                          "CustomerSegment",
                          "IndustryName",
                          "VerticalName",
                          "EOU",
                          "DateKey",
                          "Subworkload",
                          "MeetingCount",
                          "MeetingDuration"};
  for (size_t i = 0; i < std::size(header); ++i) {
    if (i > 0) out.push_back(delimiter);
    out += header[i];
  }
  out += "\r\n";
  const char* subworkloads[] = {"Meetings", "Calls", "PhoneSystems"};
  const int32_t first_day = DaysFromCivil(2025, 10, 1);
  char buf[512];
  const char d = delimiter;
  for (int i = 0; i < kRows; ++i) {
    const int customer = i % 1000;
    const int day = i / 1000;
    const bool quoted = customer % 10 == 0;
    const int n = std::snprintf(
        buf, sizeof buf,
        "4412345%cC-%06d%c%08x-3d4a-4b5c-8d9e-%012d%c%sCustomer %d%s%s%cUS%cUnited States%c"
        "SMB%cRetail%cRetail and Consumer Goods%cAmericas%c%s%c%s%c%d%c%d.%02d\r\n",
        d, customer, d, 0x6f1c0000 + customer, customer, d, quoted ? "\"" : "", customer,
        quoted ? ", Ltd." : "", quoted ? "\"" : "", d, d, d, d, d, d, d,
        FormatIsoDate(first_day + day).c_str(), d, subworkloads[i % 3], d, (i * 7) % 500, d,
        (i * 13) % 900, i % 100);
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

void RunParser(benchmark::State& state, const std::string& file) {
  int64_t rows = 0;
  for (auto _ : state) {
    ParserOptions options;
    options.dataset = Dataset::kMeetingsAndCalls;
    options.expected_partner_id = "4412345";
    int64_t sum = 0;
    DatasetParser parser(options, [&](const UsageRow& row) { sum += row.meeting_count; });
    for (size_t pos = 0; pos < file.size(); pos += kChunk) {
      parser.Feed(std::string_view(file).substr(pos, kChunk));
    }
    parser.Finish();
    if (!parser.ok()) {
      state.SkipWithError(parser.errors()[0].ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(sum);
    rows += parser.rows_read();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(file.size()));
  state.SetItemsProcessed(rows);
}

void BM_MeetingsCsv(benchmark::State& state) {
  static const std::string file = MakeMeetingsFile(',');
  RunParser(state, file);
}
BENCHMARK(BM_MeetingsCsv)->Unit(benchmark::kMillisecond);

void BM_MeetingsTsv(benchmark::State& state) {
  static const std::string file = MakeMeetingsFile('\t');
  RunParser(state, file);
}
BENCHMARK(BM_MeetingsTsv)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace teams_usage::ingest

BENCHMARK_MAIN();
