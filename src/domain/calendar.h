// Civil dates, the US federal holiday calendar and working-day arithmetic.
//
// Cable deadlines are counted in an organization's working days (DESIGN.md, "The flow of a
// cable"), so this file answers three questions exactly, with no clock and no time zone:
// what day is N days or months after a date, which days are US federal holidays (as the
// Office of Personnel Management observes them), and what is the N-th working day after a
// date given weekends and a set of holidays.
//
// Dates are proleptic Gregorian. Day numbers count days since 1970-01-01 (day 0), using
// Howard Hinnant's `days_from_civil` / `civil_from_days`
// (https://howardhinnant.github.io/date_algorithms.html), which are exact for every year
// that fits in an `int`.
//
// Everything here is a plain value or a pure function: thread-safe, no I/O.
#ifndef CANDOR_DOMAIN_CALENDAR_H_
#define CANDOR_DOMAIN_CALENDAR_H_

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace candor::domain {

// A civil date. A plain value: it may hold an impossible date (2026-02-30); IsValidDate says
// whether it does, and every function below that takes a Date REQUIRES a valid one.
// Comparison is chronological (year, then month, then day).
struct Date {
  int year = 1970;
  int month = 1;  // 1 … 12
  int day = 1;    // 1 … DaysInMonth(year, month)

  friend bool operator==(const Date&, const Date&) = default;
  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 misreads a defaulted <=>
  friend auto operator<=>(const Date&, const Date&) = default;
};

// ISO 8601 weekday order, Monday first; the values are stable and may be stored.
enum class Weekday { kMonday = 1, kTuesday, kWednesday, kThursday, kFriday, kSaturday, kSunday };

// "Monday" … "Sunday".
std::string_view WeekdayName(Weekday weekday);

// Gregorian leap year rule (divisible by 4, except centuries not divisible by 400).
bool IsLeapYear(int year);

// 28 … 31. REQUIRES: 1 ≤ month ≤ 12.
int DaysInMonth(int year, int month);

// True iff 1 ≤ month ≤ 12 and 1 ≤ day ≤ DaysInMonth(year, month). Any `int` year is valid.
bool IsValidDate(const Date& date);

// Parses exactly "YYYY-MM-DD": ten ASCII characters, four-digit year 0001 … 9999, two-digit
// month and day, '-' separators, no sign, spaces or other forms. The date must exist
// (2026-02-30 and 2025-02-29 are rejected).
// Error (kInvalidArgument) with a message that quotes the input and says what is wrong.
Result<Date> ParseDate(std::string_view text);

// "YYYY-MM-DD" for years 0001 … 9999 (the inverse of ParseDate). Other years are written
// with at least four digits and a leading '-' when negative, which ParseDate does not accept.
// REQUIRES: IsValidDate(date).
std::string FormatDate(const Date& date);

// Days since 1970-01-01 (negative before it). REQUIRES: IsValidDate(date).
std::int64_t DaysFromCivil(const Date& date);

// The date `days` days after 1970-01-01. REQUIRES: the resulting year fits in an `int`
// (|days| < 7.8e11).
Date CivilFromDays(std::int64_t days);

// The day of the week. REQUIRES: IsValidDate(date).
Weekday WeekdayOf(const Date& date);

// `date` moved by `days` (negative moves back). REQUIRES: IsValidDate(date) and the result's
// year fits in an `int`.
Date AddDays(const Date& date, std::int64_t days);

// `date` moved by `months` calendar months (negative moves back), keeping the day of the
// month where it exists and otherwise clamping to the month's last day:
// 2026-01-31 + 1 month = 2026-02-28, 2024-01-31 + 1 = 2024-02-29, 2026-03-31 − 1 = 2026-02-28.
// REQUIRES: IsValidDate(date) and the result's year fits in an `int`.
Date AddMonths(const Date& date, std::int64_t months);

// One US federal holiday (5 U.S.C. 6103(a)) and the day it is observed.
struct Holiday {
  std::string name;  // e.g. "Independence Day"
  Date date;         // the legal public holiday itself, e.g. 2026-07-04
  Date observed;     // the day off: `date`, or the Friday before a Saturday holiday, or the
                     // Monday after a Sunday one (OPM rule; 5 U.S.C. 6103(b), E.O. 11582)

  friend bool operator==(const Holiday&, const Holiday&) = default;
};

// The US federal holidays whose *observed* day falls in `year`, in order of observed day:
// New Year's Day (Jan 1), Birthday of Martin Luther King, Jr. (third Monday of January, from
// 1986), Washington's Birthday (third Monday of February), Memorial Day (last Monday of May),
// Juneteenth National Independence Day (Jun 19, from 2021), Independence Day (Jul 4), Labor
// Day (first Monday of September), Columbus Day (second Monday of October), Veterans Day
// (Nov 11), Thanksgiving Day (fourth Thursday of November), Christmas Day (Dec 25).
//
// Because the list is by observed day, a New Year's Day that falls on a Saturday belongs to
// the previous year's list: the list for 2027 ends with New Year's Day 2028, observed Friday
// 2027-12-31, and the list for 2028 does not contain it. A year therefore has 10, 11 or 12
// entries, and the union of all years' lists is exactly the set of observed days off.
//
// The rules are today's (Uniform Monday Holiday Act, 1971), plus the two later additions
// dated above. Earlier history (Veterans Day on the fourth Monday of October in 1971–1977)
// and one-off closures by executive order (e.g. an extra day at Christmas) or Inauguration
// Day (Washington area only) are not modelled: organizations add those as their own holidays.
std::vector<Holiday> UsFederalHolidays(int year);

// Weekends (Saturday, Sunday) plus holidays: the organization's working days.
//
// A holiday is either one of the calendar's explicit dates or, when the calendar follows the
// US federal calendar, an observed US federal holiday (computed on demand for whatever year
// is asked, so there is no horizon beyond which it is silently wrong). A holiday on a weekend
// changes nothing. Day counting never includes the starting date: the first working day
// "after" a date is the next one.
//
// An immutable value: copyable, and safe to share between threads for reading.
// Costs: IsWorkingDay O(log h); AddWorkingDays and WorkingDaysBetween O(log h + number of
// holidays in the range) — independent of the number of days — where h is the number of
// explicit holidays.
class WorkingCalendar {
 public:
  // Weekends only.
  WorkingCalendar() = default;

  // Weekends plus `holidays` (in any order; duplicates are ignored) and, when
  // `us_federal_holidays` is true, every observed US federal holiday.
  // REQUIRES: every date is valid (IsValidDate).
  explicit WorkingCalendar(std::vector<Date> holidays, bool us_federal_holidays = false);

  // The explicit holidays, sorted and without duplicates (federal ones are not listed).
  const std::vector<Date>& explicit_holidays() const { return explicit_; }
  bool us_federal_holidays() const { return us_federal_; }

  // True iff `date` is an explicit holiday or (when enabled) an observed federal holiday,
  // whatever day of the week it is. REQUIRES: IsValidDate(date).
  bool IsHoliday(const Date& date) const;

  // Monday to Friday and not a holiday. REQUIRES: IsValidDate(date).
  bool IsWorkingDay(const Date& date) const;

  // The n-th working day after `date` (counting starts the day after `date`, whether or not
  // `date` itself is a working day): AddWorkingDays(Friday, 1) is the next Monday when that
  // Monday is not a holiday. n = 0 returns `date` unchanged; a negative n gives the |n|-th
  // working day before `date`.
  // REQUIRES: IsValidDate(date) and the result's year fits in an `int`.
  Date AddWorkingDays(const Date& date, std::int64_t n) const;

  // The number of working days d with from < d ≤ to; minus the number with to < d ≤ from
  // when to < from. So AddWorkingDays(from, WorkingDaysBetween(from, to)) is the last working
  // day on or before `to` (or `from` when there is none in between).
  // REQUIRES: both dates valid.
  std::int64_t WorkingDaysBetween(const Date& from, const Date& to) const;

 private:
  // The number of holidays that fall on a weekday, with day numbers in (lo, hi].
  std::int64_t WeekdayHolidaysIn(std::int64_t lo, std::int64_t hi) const;

  std::vector<Date> explicit_;                  // sorted, unique
  std::vector<std::int64_t> explicit_weekday_;  // day numbers of explicit_ on Mon–Fri, sorted
  bool us_federal_ = false;
};

}  // namespace candor::domain

#endif  // CANDOR_DOMAIN_CALENDAR_H_
