// The report filter (DESIGN.md §1, §4): validation of what the caller sent, and the resolution of
// its date range against the partner's data. Pure logic: no I/O, no clock.
#ifndef TEAMS_STORAGE_REPORT_REPORT_FILTER_H_
#define TEAMS_STORAGE_REPORT_REPORT_FILTER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace teams_usage::report {

// Values match teams_usage.v1.DatePreset.
enum class DatePreset {
  kLast3Months = 1,
  kLast6Months = 2,
  kLast12Months = 3,
  kCustom = 4,
};

// The filter exactly as the caller sent it. `preset` is the raw enum number, so that an unknown
// value can be reported by field; 0 means LAST_12_MONTHS.
struct FilterInput {
  int preset = 0;
  std::string start_date;  // YYYY-MM-DD, CUSTOM only
  std::string end_date;    // YYYY-MM-DD inclusive, CUSTOM only
  std::vector<std::string> customer_country_codes;
  std::vector<std::string> customer_segments;
  std::vector<std::string> industries;
  std::vector<std::string> customer_ids;
};

// Restrictions of the customer set; an empty list does not restrict. Lists are sorted and free of
// repeats, so that two requests that mean the same thing compare (and fingerprint) equal.
struct CustomerFilter {
  std::vector<std::string> country_codes;
  std::vector<std::string> segments;
  std::vector<std::string> industries;
  std::vector<std::string> customer_ids;
  bool empty() const {
    return country_codes.empty() && segments.empty() && industries.empty() && customer_ids.empty();
  }
};

// Whole days, both ends inclusive, as days since 1970-01-01.
struct DateRange {
  int32_t start = 0;
  int32_t end = 0;
  int32_t days() const { return end - start + 1; }
  friend bool operator==(const DateRange& a, const DateRange& b) {
    return a.start == b.start && a.end == b.end;
  }
};

// A filter that passed validation; its date range is resolved once the data is known.
struct ValidFilter {
  DatePreset preset = DatePreset::kLast12Months;
  DateRange custom;  // kCustom only
  CustomerFilter customers;
};

// The date range of a report as resolved against the partner's data, as every response states it.
struct ResolvedRange {
  DateRange dates;
  std::optional<int32_t> data_as_of;  // absent: the partner has no data
  int64_t data_version = 0;
};

// Longest custom range: end_date must be before start_date + kMaxRangeMonths months.
inline constexpr int kMaxRangeMonths = 13;
// Most entries accepted in each filter list.
inline constexpr size_t kMaxFilterValues = 1000;

// INVALID_ARGUMENT naming the field ("filter.end_date: ...", with `field` = "filter") when the
// preset is unknown, a CUSTOM range lacks a date, a date is not a real YYYY-MM-DD (years
// 1900..9999), end_date is before start_date, the range is longer than 13 months, dates are given
// with a preset other than CUSTOM, or a list holds an empty, non-UTF-8 or excessive entry.
absl::StatusOr<ValidFilter> ValidateFilter(const FilterInput& input,
                                           absl::string_view field = "filter");

// `day` + `months` calendar months; a day past the end of the target month becomes its last day
// (2026-01-31 + 1 month = 2026-02-28), as in PostgreSQL's date + interval.
int32_t AddMonthsClamped(int32_t day, int months);

// §4: the latest meetings-and-calls DateKey; without one, the last day of the latest month of the
// monthly datasets; without either, none.
std::optional<int32_t> DataAsOf(std::optional<int32_t> latest_day,
                                std::optional<int32_t> latest_month);

// The report's range: a CUSTOM range as given; LAST_N_MONTHS the N calendar months ending with
// the month of `data_as_of` (or of `today` when the partner has no data), from the 1st of the
// first to data_as_of (or today) itself.
DateRange ResolveDateRange(const ValidFilter& filter, std::optional<int32_t> data_as_of,
                           int32_t today);

// The D days ending the day before `range` starts, D = range.days().
DateRange PreviousPeriod(const DateRange& range);

// One calendar month overlapping a range, with the days of it that lie in the range.
struct MonthSlice {
  int32_t month = 0;      // the first of the month
  int32_t first_day = 0;  // max(range.start, month)
  int32_t last_day = 0;   // min(range.end, last of the month)
  int32_t days() const { return last_day - first_day + 1; }
  // The slice covers the whole month.
  bool whole() const;
  // The rollup_customer_month.active_days bits of the slice's days (bit d-1 for day d).
  int32_t day_mask() const;
};

// Every calendar month overlapping `range`, in order (never a gap).
std::vector<MonthSlice> MonthsOverlapping(const DateRange& range);

// A byte string that is equal for two filters exactly when they select the same data: the
// preset, the custom range (CUSTOM only) and the customer lists. Part of page-token fingerprints.
std::string CanonicalFilter(const ValidFilter& filter);

}  // namespace teams_usage::report

#endif  // TEAMS_STORAGE_REPORT_REPORT_FILTER_H_
