#include "storage/civil_date.h"

#include <cstdio>

namespace teams_usage {
namespace {

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

bool ParseDigits(std::string_view s, int* out) {
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return !s.empty();
}

}  // namespace

// Howard Hinnant's days_from_civil.
int32_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

YearMonthDay CivilFromDays(int32_t z) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), static_cast<int>(m), static_cast<int>(d)};
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && IsLeap(year)) return 29;
  return kDays[month - 1];
}

bool IsValidDate(int year, int month, int day) {
  return year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 &&
         day <= DaysInMonth(year, month);
}

std::optional<int32_t> ParseIsoDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int y, m, d;
  if (!ParseDigits(s.substr(0, 4), &y) || !ParseDigits(s.substr(5, 2), &m) ||
      !ParseDigits(s.substr(8, 2), &d) || !IsValidDate(y, m, d)) {
    return std::nullopt;
  }
  return DaysFromCivil(y, m, d);
}

namespace {

// "YYYY-MM" (and "-DD" with `with_day`) for years 0..9999, without printf: report responses
// format a date per month of every series (measured in the cached-response path).
std::string FormatDate(const YearMonthDay& c, bool with_day) {
  if (c.year < 0 || c.year > 9999) {
    char buf[32];
    if (with_day) {
      std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", c.year, c.month, c.day);
    } else {
      std::snprintf(buf, sizeof buf, "%04d-%02d", c.year, c.month);
    }
    return buf;
  }
  std::string out(with_day ? 10 : 7, '-');
  out[0] = static_cast<char>('0' + c.year / 1000);
  out[1] = static_cast<char>('0' + c.year / 100 % 10);
  out[2] = static_cast<char>('0' + c.year / 10 % 10);
  out[3] = static_cast<char>('0' + c.year % 10);
  out[5] = static_cast<char>('0' + c.month / 10);
  out[6] = static_cast<char>('0' + c.month % 10);
  if (with_day) {
    out[8] = static_cast<char>('0' + c.day / 10);
    out[9] = static_cast<char>('0' + c.day % 10);
  }
  return out;
}

}  // namespace

std::string FormatIsoDate(int32_t days) { return FormatDate(CivilFromDays(days), true); }

std::string FormatYearMonth(int32_t days) { return FormatDate(CivilFromDays(days), false); }

int32_t FirstOfMonth(int32_t days) {
  const YearMonthDay c = CivilFromDays(days);
  return DaysFromCivil(c.year, c.month, 1);
}

int32_t LastOfMonth(int32_t days) {
  const YearMonthDay c = CivilFromDays(days);
  return DaysFromCivil(c.year, c.month, DaysInMonth(c.year, c.month));
}

int32_t AddMonths(int32_t first_of_month, int months) {
  const YearMonthDay c = CivilFromDays(first_of_month);
  int total = c.year * 12 + (c.month - 1) + months;
  int y = total / 12;
  int m = total % 12;
  if (m < 0) {
    m += 12;
    y -= 1;
  }
  return DaysFromCivil(y, m + 1, 1);
}

}  // namespace teams_usage
