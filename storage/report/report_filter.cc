#include "storage/report/report_filter.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "storage/civil_date.h"
#include "storage/ingest/copy_text.h"

namespace teams_usage::report {
namespace {

constexpr int kMinYear = 1900;
constexpr int kMaxYear = 9999;

absl::Status FieldError(absl::string_view field, absl::string_view name,
                        absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(field, ".", name, ": ", message));
}

// A date as shown in a message: at most 32 bytes of what was sent, quoted.
std::string Shown(const std::string& value) {
  std::string out = "'";
  for (char c : value.substr(0, 32)) {
    const unsigned char u = static_cast<unsigned char>(c);
    out.push_back(u >= 0x20 && u < 0x7F ? c : '?');
  }
  if (value.size() > 32) out += "...";
  return out + "'";
}

absl::StatusOr<int32_t> ParseDate(absl::string_view field, absl::string_view name,
                                  const std::string& value) {
  const std::optional<int32_t> day = ParseIsoDate(value);
  if (!day.has_value()) {
    return FieldError(field, name,
                      absl::StrCat("not a real date in the form YYYY-MM-DD: ", Shown(value)));
  }
  const int year = CivilFromDays(*day).year;
  if (year < kMinYear || year > kMaxYear) {
    return FieldError(
        field, name,
        absl::StrCat("year out of range (", kMinYear, "..", kMaxYear, "): ", Shown(value)));
  }
  return *day;
}

absl::StatusOr<std::vector<std::string>> ValidList(absl::string_view field, absl::string_view name,
                                                   const std::vector<std::string>& values) {
  if (values.size() > kMaxFilterValues) {
    return FieldError(field, name, absl::StrCat("at most ", kMaxFilterValues, " values"));
  }
  for (size_t i = 0; i < values.size(); ++i) {
    const std::string entry = absl::StrCat(name, "[", i, "]");
    if (values[i].empty()) return FieldError(field, entry, "must not be empty");
    if (!ingest::IsStorableText(values[i])) {
      return FieldError(field, entry, "not valid UTF-8 text (or holds a NUL)");
    }
  }
  std::vector<std::string> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  return sorted;
}

void AppendLengthPrefixed(std::string* out, absl::string_view value) {
  absl::StrAppend(out, value.size(), ":", value, ";");
}

}  // namespace

absl::StatusOr<ValidFilter> ValidateFilter(const FilterInput& input, absl::string_view field) {
  ValidFilter filter;
  switch (input.preset) {
    case 0:
      filter.preset = DatePreset::kLast12Months;
      break;
    case static_cast<int>(DatePreset::kLast3Months):
    case static_cast<int>(DatePreset::kLast6Months):
    case static_cast<int>(DatePreset::kLast12Months):
    case static_cast<int>(DatePreset::kCustom):
      filter.preset = static_cast<DatePreset>(input.preset);
      break;
    default:
      return FieldError(field, "preset", absl::StrCat("unknown value ", input.preset));
  }

  if (filter.preset != DatePreset::kCustom) {
    // A date with a preset is ambiguous (which one wins?): refuse rather than guess.
    if (!input.start_date.empty()) {
      return FieldError(field, "start_date", "allowed only with preset CUSTOM");
    }
    if (!input.end_date.empty()) {
      return FieldError(field, "end_date", "allowed only with preset CUSTOM");
    }
  } else {
    if (input.start_date.empty()) {
      return FieldError(field, "start_date", "required with preset CUSTOM");
    }
    if (input.end_date.empty()) return FieldError(field, "end_date", "required with preset CUSTOM");
    const auto start = ParseDate(field, "start_date", input.start_date);
    if (!start.ok()) return start.status();
    const auto end = ParseDate(field, "end_date", input.end_date);
    if (!end.ok()) return end.status();
    if (*end < *start) {
      return FieldError(field, "end_date",
                        absl::StrCat("must not be before ", field, ".start_date"));
    }
    const int32_t limit = AddMonthsClamped(*start, kMaxRangeMonths);
    if (*end >= limit) {
      return FieldError(
          field, "end_date",
          absl::StrCat("the range may be at most ", kMaxRangeMonths,
                       " months long: end_date must be before start_date + ", kMaxRangeMonths,
                       " months (on or before ", FormatIsoDate(limit - 1), ")"));
    }
    filter.custom = DateRange{*start, *end};
  }

  const std::pair<const char*,
                  std::pair<const std::vector<std::string>*, std::vector<std::string>*>>
      lists[] = {
          {"customer_country_codes",
           {&input.customer_country_codes, &filter.customers.country_codes}},
          {"customer_segments", {&input.customer_segments, &filter.customers.segments}},
          {"industries", {&input.industries, &filter.customers.industries}},
          {"customer_ids", {&input.customer_ids, &filter.customers.customer_ids}},
      };
  for (const auto& [name, io] : lists) {
    auto list = ValidList(field, name, *io.first);
    if (!list.ok()) return list.status();
    *io.second = *std::move(list);
  }
  return filter;
}

int32_t AddMonthsClamped(int32_t day, int months) {
  const YearMonthDay c = CivilFromDays(day);
  const YearMonthDay target = CivilFromDays(AddMonths(FirstOfMonth(day), months));
  return DaysFromCivil(target.year, target.month,
                       std::min(c.day, DaysInMonth(target.year, target.month)));
}

std::optional<int32_t> DataAsOf(std::optional<int32_t> latest_day,
                                std::optional<int32_t> latest_month) {
  if (latest_day.has_value()) return latest_day;
  if (latest_month.has_value()) return LastOfMonth(*latest_month);
  return std::nullopt;
}

DateRange ResolveDateRange(const ValidFilter& filter, std::optional<int32_t> data_as_of,
                           int32_t today) {
  int months = 12;
  switch (filter.preset) {
    case DatePreset::kCustom:
      return filter.custom;
    case DatePreset::kLast3Months:
      months = 3;
      break;
    case DatePreset::kLast6Months:
      months = 6;
      break;
    case DatePreset::kLast12Months:
      months = 12;
      break;
  }
  const int32_t end = data_as_of.value_or(today);
  return DateRange{AddMonths(FirstOfMonth(end), -(months - 1)), end};
}

DateRange PreviousPeriod(const DateRange& range) {
  return DateRange{range.start - range.days(), range.start - 1};
}

bool MonthSlice::whole() const { return first_day == month && last_day == LastOfMonth(month); }

int32_t MonthSlice::day_mask() const {
  const int first = CivilFromDays(first_day).day;
  const int last = CivilFromDays(last_day).day;
  // Days 1..31 use bits 0..30, so the 64-bit intermediate always fits the 32-bit column.
  const int64_t upto_last = (int64_t{1} << last) - 1;
  const int64_t below_first = (int64_t{1} << (first - 1)) - 1;
  return static_cast<int32_t>(upto_last & ~below_first);
}

std::vector<MonthSlice> MonthsOverlapping(const DateRange& range) {
  std::vector<MonthSlice> months;
  if (range.end < range.start) return months;
  for (int32_t m = FirstOfMonth(range.start); m <= range.end; m = AddMonths(m, 1)) {
    MonthSlice slice;
    slice.month = m;
    slice.first_day = std::max(range.start, m);
    slice.last_day = std::min(range.end, LastOfMonth(m));
    months.push_back(slice);
  }
  return months;
}

std::string CanonicalFilter(const ValidFilter& filter) {
  std::string out = absl::StrCat("preset=", static_cast<int>(filter.preset), ";");
  if (filter.preset == DatePreset::kCustom) {
    absl::StrAppend(&out, "range=", filter.custom.start, "..", filter.custom.end, ";");
  }
  for (const auto* list : {&filter.customers.country_codes, &filter.customers.segments,
                           &filter.customers.industries, &filter.customers.customer_ids}) {
    absl::StrAppend(&out, "[", list->size(), "]");
    for (const std::string& value : *list) AppendLengthPrefixed(&out, value);
  }
  return out;
}

}  // namespace teams_usage::report
