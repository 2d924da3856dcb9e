// libFuzzer target for DatasetParser. Not built by CMake; build and run with:
//
//   clang++-14 -std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
//     -I. tests/fuzz/dataset_parser_fuzz.cc storage/ingest/dataset_parser.cc
//     storage/ingest/csv_reader.cc storage/civil_date.cc $(pkg-config --libs absl_strings)
//     -o /tmp/dataset_parser_fuzz
//   /tmp/dataset_parser_fuzz -max_total_time=60 tests/fuzz/corpus
//
// The input is the file. For each dataset it is parsed in one chunk, in chunks of sizes derived
// from the input, and (when small) byte by byte; every way must give the same rows, errors and
// counts, and the results must keep the parser's documented invariants.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "storage/ingest/dataset_parser.h"

namespace teams_usage::ingest {
namespace {

void Check(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "invariant violated: %s\n", what);
    std::abort();
  }
}

struct Outcome {
  std::vector<UsageRow> rows;
  std::vector<RowError> errors;
  int64_t error_count = 0;
  int64_t rows_read = 0;
  int64_t lines_read = 0;
  FileFormat format = FileFormat::kAuto;
  bool ok = false;
};

// A small deterministic generator seeded from the input.
struct Rng {
  uint64_t state;
  uint64_t Next() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  }
};

uint64_t Hash(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h | 1;
}

// chunking: 0 = one chunk, 1 = sizes from rng, 2 = byte by byte.
Outcome Run(std::string_view file, const ParserOptions& options, int chunking, uint64_t seed) {
  Outcome out;
  DatasetParser parser(options, [&](const UsageRow& row) { out.rows.push_back(row); });
  if (chunking == 0) {
    parser.Feed(file);
  } else {
    Rng rng{seed};
    size_t pos = 0;
    while (pos < file.size()) {
      size_t n = 1;
      if (chunking == 1) {
        const uint64_t r = rng.Next();
        n = (r & 3) == 0 ? 1 + (r >> 8) % 64 : 1 + (r >> 8) % 7;
      }
      n = std::min(n, file.size() - pos);
      if ((rng.Next() & 7) == 0) parser.Feed(std::string_view());  // empty chunks are harmless
      parser.Feed(file.substr(pos, n));
      pos += n;
    }
  }
  parser.Finish();
  out.errors = parser.errors();
  out.error_count = parser.error_count();
  out.rows_read = parser.rows_read();
  out.lines_read = parser.lines_read();
  out.format = parser.format();
  out.ok = parser.ok();
  return out;
}

bool ValidUtf8NoNul(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == 0) return false;
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    if (n == 0 || c > 0xF4 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

bool Trimmed(std::string_view s) {
  const auto space = [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
  };
  return s.empty() || (!space(s.front()) && !space(s.back()));
}

bool SameRow(const UsageRow& a, const UsageRow& b) {
  const CustomerAttributes& x = a.customer;
  const CustomerAttributes& y = b.customer;
  return a.line == b.line && a.partner_id == b.partner_id && x.customer_id == y.customer_id &&
         x.customer_tenant_id == y.customer_tenant_id && x.name == y.name &&
         x.country_code == y.country_code && x.country == y.country && x.segment == y.segment &&
         x.industry == y.industry && x.vertical == y.vertical && x.eou == y.eou &&
         a.date == b.date && a.subworkload == b.subworkload && a.meeting_count == b.meeting_count &&
         std::memcmp(&a.meeting_hours, &b.meeting_hours, sizeof(double)) == 0 &&
         a.desktop_users == b.desktop_users && a.web_users == b.web_users &&
         a.mobile_users == b.mobile_users && a.all_up_participants == b.all_up_participants &&
         a.app_name == b.app_name && a.user_count == b.user_count;
}

void CheckSame(const Outcome& a, const Outcome& b) {
  Check(a.rows.size() == b.rows.size(), "same row count");
  for (size_t i = 0; i < a.rows.size(); ++i) Check(SameRow(a.rows[i], b.rows[i]), "same rows");
  Check(a.errors.size() == b.errors.size(), "same kept error count");
  for (size_t i = 0; i < a.errors.size(); ++i) {
    Check(a.errors[i].line == b.errors[i].line && a.errors[i].column == b.errors[i].column &&
              a.errors[i].reason == b.errors[i].reason,
          "same errors");
  }
  Check(a.error_count == b.error_count, "same error_count");
  Check(a.rows_read == b.rows_read, "same rows_read");
  Check(a.lines_read == b.lines_read, "same lines_read");
  Check(a.format == b.format, "same format");
  Check(a.ok == b.ok, "same ok");
}

void CheckInvariants(const Outcome& o, const ParserOptions& options, size_t file_size) {
  Check(o.ok == (o.error_count == 0), "ok iff no errors");
  Check(o.errors.size() <= options.max_errors, "at most max_errors kept");
  Check(o.error_count >= static_cast<int64_t>(o.errors.size()), "error_count counts kept ones");
  Check(o.rows_read >= static_cast<int64_t>(o.rows.size()), "rows_read counts sunk rows");
  Check(o.lines_read >= 0 && o.lines_read <= static_cast<int64_t>(file_size),
        "lines_read within the file");
  if (file_size == 0) Check(o.error_count == 1, "an empty file is one error");
  const int64_t max_line = std::max<int64_t>(o.lines_read, 1);
  int64_t prev = 0;
  for (const RowError& e : o.errors) {
    Check(e.line >= 1 && e.line <= max_line, "error line within the file");
    Check(e.line >= prev, "errors in line order");
    prev = e.line;
    Check(!e.reason.empty() && e.reason.size() <= 300, "short reason");
    Check(ValidUtf8NoNul(e.reason), "reason is valid UTF-8");
  }
  prev = 0;
  for (const UsageRow& row : o.rows) {
    Check(row.line > prev && row.line >= 2 && row.line <= max_line, "row lines increase");
    prev = row.line;
    if (!o.errors.empty()) Check(row.line < o.errors.front().line, "no rows after an error");
    Check(!row.partner_id.empty() && !row.customer.customer_id.empty(), "required ids");
    if (!options.expected_partner_id.empty()) {
      Check(row.partner_id == options.expected_partner_id, "partner matches");
    }
    const CustomerAttributes& c = row.customer;
    for (const std::string* s :
         {&row.partner_id, &c.customer_id, &c.customer_tenant_id, &c.name, &c.country_code,
          &c.country, &c.segment, &c.industry, &c.vertical, &c.eou, &row.app_name}) {
      Check(ValidUtf8NoNul(*s) && Trimmed(*s), "text valid and trimmed");
    }
    // 2000-01-01 .. 2100-12-31 in days since 1970-01-01.
    Check(row.date >= 10957 && row.date <= 47846, "date in range");
    Check(row.subworkload == Subworkload::kMeetings || row.subworkload == Subworkload::kCalls ||
              row.subworkload == Subworkload::kPhoneSystems,
          "subworkload known");
    Check(row.meeting_count >= 0 && row.desktop_users >= 0 && row.web_users >= 0 &&
              row.mobile_users >= 0 && row.all_up_participants >= 0 && row.user_count >= 0,
          "counts non-negative");
    Check(std::isfinite(row.meeting_hours) && row.meeting_hours >= 0, "hours finite");
    if (options.dataset == Dataset::kThirdPartyApps) Check(!row.app_name.empty(), "app name");
  }
}

}  // namespace
}  // namespace teams_usage::ingest

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace teams_usage::ingest;
  const std::string_view file(reinterpret_cast<const char*>(data), size);
  const uint64_t h = Hash(file);
  for (Dataset dataset :
       {Dataset::kMeetingsAndCalls, Dataset::kWorkload, Dataset::kThirdPartyApps}) {
    ParserOptions options;
    options.dataset = dataset;
    // Mostly auto-detect; sometimes a forced format.
    const uint64_t f = (h >> (static_cast<int>(dataset) * 4)) & 7;
    options.format = f == 1 ? FileFormat::kCsv : f == 2 ? FileFormat::kTsv : FileFormat::kAuto;
    options.max_errors = (h >> 20) % 26;
    if ((h >> 30) & 1) options.expected_partner_id = "4412345";
    const Outcome whole = Run(file, options, 0, h);
    CheckInvariants(whole, options, size);
    CheckSame(whole, Run(file, options, 1, h));
    CheckSame(whole, Run(file, options, 1, h * 31 + 7));
    if (size <= 512) CheckSame(whole, Run(file, options, 2, h));
  }
  return 0;
}
