// Calendar dates as days since 1970-01-01 (proleptic Gregorian), free of I/O and time zones.
#ifndef TEAMS_STORAGE_CIVIL_DATE_H_
#define TEAMS_STORAGE_CIVIL_DATE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace teams_usage {

struct YearMonthDay {
  int year = 0;
  int month = 0;  // 1..12
  int day = 0;    // 1..31
  friend bool operator==(const YearMonthDay& a, const YearMonthDay& b) {
    return a.year == b.year && a.month == b.month && a.day == b.day;
  }
};

// Days since 1970-01-01 for a valid date (no validation here).
int32_t DaysFromCivil(int year, int month, int day);
YearMonthDay CivilFromDays(int32_t days);
int DaysInMonth(int year, int month);
bool IsValidDate(int year, int month, int day);

// Parses exactly "YYYY-MM-DD" into days; nullopt when malformed or not a real date.
std::optional<int32_t> ParseIsoDate(std::string_view text);
// "YYYY-MM-DD".
std::string FormatIsoDate(int32_t days);
// "YYYY-MM".
std::string FormatYearMonth(int32_t days);
// First day of the month holding `days`.
int32_t FirstOfMonth(int32_t days);
// Last day of the month holding `days`.
int32_t LastOfMonth(int32_t days);
// The first of the month `months` months after (negative: before) the month holding `days`.
int32_t AddMonths(int32_t first_of_month, int months);

}  // namespace teams_usage

#endif  // TEAMS_STORAGE_CIVIL_DATE_H_
