#include "domain/calendar.h"

#include <algorithm>
#include <array>
#include <utility>

namespace candor::domain {
namespace {

// Floor division and the matching non-negative remainder (C++ '/' truncates towards zero).
constexpr std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}
constexpr std::int64_t FloorMod(std::int64_t a, std::int64_t b) { return a - FloorDiv(a, b) * b; }

// 0 = Monday … 6 = Sunday for a day number (day 0, 1970-01-01, was a Thursday).
std::int64_t WeekdayIndex(std::int64_t days) { return FloorMod(days + 3, 7); }

// The number of weekdays (Mon–Fri) in [1969-12-29, x] when x ≥ that Monday; the same
// formula continued below it. Only differences are used: weekdays in (a, b] is
// CumulativeWeekdays(b) − CumulativeWeekdays(a).
std::int64_t CumulativeWeekdays(std::int64_t x) {
  std::int64_t m = x + 3 + 1;  // days since that Monday, inclusive of x
  return FloorDiv(m, 7) * 5 + std::min<std::int64_t>(FloorMod(m, 7), 5);
}

// The n-th weekday after day `z` (before it when n < 0), ignoring holidays; z when n = 0.
std::int64_t NthWeekdayAfter(std::int64_t z, std::int64_t n) {
  if (n == 0) return z;
  std::int64_t w = WeekdayIndex(z);
  if (w >= 5) {
    // From a weekend day, the weekdays after it are those after the Friday before, and the
    // weekdays before it are those before the Monday after.
    if (n > 0) {
      z -= w - 4;
      w = 4;
    } else {
      z += 7 - w;
      w = 0;
    }
  }
  const std::int64_t monday = z - w;
  const std::int64_t k = w + n;  // index of the target among weekdays counted from `monday`
  return monday + FloorDiv(k, 5) * 7 + FloorMod(k, 5);
}

Date NthWeekdayOfMonth(int year, int month, Weekday weekday, int n) {
  Date first{year, month, 1};
  const auto first_w = static_cast<int>(WeekdayOf(first));
  const int offset = (static_cast<int>(weekday) - first_w + 7) % 7;
  return Date{year, month, 1 + offset + 7 * (n - 1)};
}

Date LastWeekdayOfMonth(int year, int month, Weekday weekday) {
  Date last{year, month, DaysInMonth(year, month)};
  const auto last_w = static_cast<int>(WeekdayOf(last));
  const int back = (last_w - static_cast<int>(weekday) + 7) % 7;
  return Date{year, month, last.day - back};
}

// OPM: a holiday on a Saturday is observed the Friday before, on a Sunday the Monday after.
Date Observed(const Date& date) {
  switch (WeekdayOf(date)) {
    case Weekday::kSaturday:
      return AddDays(date, -1);
    case Weekday::kSunday:
      return AddDays(date, 1);
    default:
      return date;
  }
}

// Calls f(name, legal date, observed date) for each legal public holiday dated in `year`.
template <typename F>
void ForEachFederalHoliday(int year, F&& f) {
  auto fixed = [&](std::string_view name, int month, int day) {
    Date d{year, month, day};
    f(name, d, Observed(d));
  };
  auto floating = [&](std::string_view name, const Date& d) { f(name, d, d); };
  fixed("New Year's Day", 1, 1);
  if (year >= 1986) {
    floating("Birthday of Martin Luther King, Jr.",
             NthWeekdayOfMonth(year, 1, Weekday::kMonday, 3));
  }
  floating("Washington's Birthday", NthWeekdayOfMonth(year, 2, Weekday::kMonday, 3));
  floating("Memorial Day", LastWeekdayOfMonth(year, 5, Weekday::kMonday));
  if (year >= 2021) fixed("Juneteenth National Independence Day", 6, 19);
  fixed("Independence Day", 7, 4);
  floating("Labor Day", NthWeekdayOfMonth(year, 9, Weekday::kMonday, 1));
  floating("Columbus Day", NthWeekdayOfMonth(year, 10, Weekday::kMonday, 2));
  fixed("Veterans Day", 11, 11);
  floating("Thanksgiving Day", NthWeekdayOfMonth(year, 11, Weekday::kThursday, 4));
  fixed("Christmas Day", 12, 25);
}

// Calls f(observed day number) for every federal holiday observed in `year` (see
// UsFederalHolidays: New Year's Day of year + 1 may be observed on Dec 31 of `year`).
template <typename F>
void ForEachFederalObservedDay(int year, F&& f) {
  auto in_year = [&](std::string_view, const Date&, const Date& observed) {
    if (observed.year == year) f(DaysFromCivil(observed));
  };
  ForEachFederalHoliday(year, in_year);
  // Only New Year's Day can move across a year boundary (Jan 1 on a Saturday → Dec 31).
  Date next_new_year{year + 1, 1, 1};
  Date observed = Observed(next_new_year);
  if (observed.year == year) f(DaysFromCivil(observed));
}

bool AllDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int ToInt(std::string_view digits) {
  int v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

std::string_view WeekdayName(Weekday weekday) {
  switch (weekday) {
    case Weekday::kMonday:
      return "Monday";
    case Weekday::kTuesday:
      return "Tuesday";
    case Weekday::kWednesday:
      return "Wednesday";
    case Weekday::kThursday:
      return "Thursday";
    case Weekday::kFriday:
      return "Friday";
    case Weekday::kSaturday:
      return "Saturday";
    case Weekday::kSunday:
      return "Sunday";
  }
  return "?";
}

bool IsLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int year, int month) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && IsLeapYear(year)) return 29;
  return kDays[static_cast<std::size_t>(month - 1)];
}

bool IsValidDate(const Date& date) {
  return date.month >= 1 && date.month <= 12 && date.day >= 1 &&
         date.day <= DaysInMonth(date.year, date.month);
}

Result<Date> ParseDate(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return InvalidArgument("'" + std::string(text.substr(0, 40)) +
                           "' is not a date: " + std::string(why));
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !AllDigits(text.substr(0, 4)) ||
      !AllDigits(text.substr(5, 2)) || !AllDigits(text.substr(8, 2))) {
    return bad("expected YYYY-MM-DD");
  }
  Date d{ToInt(text.substr(0, 4)), ToInt(text.substr(5, 2)), ToInt(text.substr(8, 2))};
  if (d.year == 0) return bad("the year must be 0001 or later");
  if (d.month < 1 || d.month > 12) return bad("the month must be 01 to 12");
  if (d.day < 1 || d.day > DaysInMonth(d.year, d.month)) {
    return bad("that month has " + std::to_string(DaysInMonth(d.year, d.month)) + " days");
  }
  return d;
}

std::string FormatDate(const Date& date) {
  auto pad = [](std::int64_t v, std::size_t width) {
    std::string s = std::to_string(v);
    if (s.size() < width) s.insert(0, width - s.size(), '0');
    return s;
  };
  std::int64_t year = date.year;
  std::string out = year < 0 ? "-" + pad(-year, 4) : pad(year, 4);
  out += '-';
  out += pad(date.month, 2);
  out += '-';
  out += pad(date.day, 2);
  return out;
}

// Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms", days_from_civil.
std::int64_t DaysFromCivil(const Date& date) {
  std::int64_t y = date.year;
  const std::int64_t m = date.month;
  const std::int64_t d = date.day;
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;                                    // [0, 399]
  const std::int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  // [0, 365]
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            // [0, 146096]
  return era * 146097 + doe - 719468;
}

// Howard Hinnant, civil_from_days.
Date CivilFromDays(std::int64_t days) {
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;                                       // [0, 146096]
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const std::int64_t y = yoe + era * 400;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);  // [0, 365]
  const std::int64_t mp = (5 * doy + 2) / 153;                       // [0, 11]
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;               // [1, 31]
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;                  // [1, 12]
  return Date{static_cast<int>(y + (m <= 2 ? 1 : 0)), static_cast<int>(m), static_cast<int>(d)};
}

Weekday WeekdayOf(const Date& date) {
  return static_cast<Weekday>(WeekdayIndex(DaysFromCivil(date)) + 1);
}

Date AddDays(const Date& date, std::int64_t days) {
  return CivilFromDays(DaysFromCivil(date) + days);
}

Date AddMonths(const Date& date, std::int64_t months) {
  const std::int64_t total = std::int64_t{date.year} * 12 + (date.month - 1) + months;
  const auto year = static_cast<int>(FloorDiv(total, 12));
  const auto month = static_cast<int>(FloorMod(total, 12) + 1);
  return Date{year, month, std::min(date.day, DaysInMonth(year, month))};
}

std::vector<Holiday> UsFederalHolidays(int year) {
  std::vector<Holiday> out;
  auto keep = [&](std::string_view name, const Date& date, const Date& observed) {
    if (observed.year == year) out.push_back(Holiday{std::string(name), date, observed});
  };
  ForEachFederalHoliday(year, keep);
  // Only New Year's Day can move across a year boundary (Jan 1 on a Saturday → Dec 31).
  const Date next_new_year{year + 1, 1, 1};
  keep("New Year's Day", next_new_year, Observed(next_new_year));
  std::stable_sort(out.begin(), out.end(),
                   [](const Holiday& a, const Holiday& b) { return a.observed < b.observed; });
  return out;
}

WorkingCalendar::WorkingCalendar(std::vector<Date> holidays, bool us_federal_holidays)
    : explicit_(std::move(holidays)), us_federal_(us_federal_holidays) {
  std::sort(explicit_.begin(), explicit_.end());
  explicit_.erase(std::unique(explicit_.begin(), explicit_.end()), explicit_.end());
  for (const Date& d : explicit_) {
    const std::int64_t z = DaysFromCivil(d);
    if (WeekdayIndex(z) < 5) explicit_weekday_.push_back(z);  // sorted because explicit_ is
  }
}

bool WorkingCalendar::IsHoliday(const Date& date) const {
  if (std::binary_search(explicit_.begin(), explicit_.end(), date)) return true;
  if (!us_federal_) return false;
  const std::int64_t z = DaysFromCivil(date);
  bool found = false;
  ForEachFederalObservedDay(date.year, [&](std::int64_t day) { found = found || day == z; });
  return found;
}

bool WorkingCalendar::IsWorkingDay(const Date& date) const {
  return WeekdayIndex(DaysFromCivil(date)) < 5 && !IsHoliday(date);
}

std::int64_t WorkingCalendar::WeekdayHolidaysIn(std::int64_t lo, std::int64_t hi) const {
  if (hi <= lo) return 0;
  auto count = static_cast<std::int64_t>(
      std::upper_bound(explicit_weekday_.begin(), explicit_weekday_.end(), hi) -
      std::upper_bound(explicit_weekday_.begin(), explicit_weekday_.end(), lo));
  if (us_federal_) {
    const int first_year = CivilFromDays(lo + 1).year;
    const int last_year = CivilFromDays(hi).year;
    for (int year = first_year; year <= last_year; ++year) {
      ForEachFederalObservedDay(year, [&](std::int64_t day) {
        // Observed days are always weekdays; one that is also an explicit holiday counts once.
        if (day > lo && day <= hi &&
            !std::binary_search(explicit_weekday_.begin(), explicit_weekday_.end(), day)) {
          ++count;
        }
      });
    }
  }
  return count;
}

Date WorkingCalendar::AddWorkingDays(const Date& date, std::int64_t n) const {
  // Jump over n weekdays, then over as many more as there were holidays among the weekdays
  // just passed; repeat until a jump passes no holiday. Each round passes only weekdays not
  // yet examined, and there are finitely many holidays in any range, so this ends.
  std::int64_t cur = DaysFromCivil(date);
  std::int64_t remaining = n;
  while (remaining != 0) {
    const std::int64_t next = NthWeekdayAfter(cur, remaining);
    const std::int64_t skipped =
        remaining > 0 ? WeekdayHolidaysIn(cur, next) : WeekdayHolidaysIn(next - 1, cur - 1);
    cur = next;
    remaining = remaining > 0 ? skipped : -skipped;
  }
  return CivilFromDays(cur);
}

std::int64_t WorkingCalendar::WorkingDaysBetween(const Date& from, const Date& to) const {
  const std::int64_t a = DaysFromCivil(from);
  const std::int64_t b = DaysFromCivil(to);
  if (b >= a) return CumulativeWeekdays(b) - CumulativeWeekdays(a) - WeekdayHolidaysIn(a, b);
  return -(CumulativeWeekdays(a) - CumulativeWeekdays(b) - WeekdayHolidaysIn(b, a));
}

}  // namespace candor::domain
