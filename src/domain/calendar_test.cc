#include "domain/calendar.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace candor::domain {
namespace {

Date D(std::string_view text) {
  auto d = ParseDate(text);
  EXPECT_TRUE(d.ok()) << text;
  return d.ok() ? *d : Date{};
}

std::vector<std::pair<std::string, std::string>> Observed(int year) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& h : UsFederalHolidays(year)) out.emplace_back(FormatDate(h.observed), h.name);
  return out;
}

std::vector<std::string> ObservedDates(int year) {
  std::vector<std::string> out;
  for (const auto& h : UsFederalHolidays(year)) out.push_back(FormatDate(h.observed));
  return out;
}

TEST(DateTest, ParseAndFormatRoundTrip) {
  for (const char* text : {"2026-02-28", "2024-02-29", "2000-02-29", "0001-01-01", "9999-12-31",
                           "1970-01-01", "2026-12-31", "1600-02-29"}) {
    auto d = ParseDate(text);
    ASSERT_TRUE(d.ok()) << text << ": " << d.error().message();
    EXPECT_EQ(FormatDate(*d), text);
  }
  EXPECT_EQ(D("2026-03-09"), (Date{2026, 3, 9}));
}

TEST(DateTest, ParseIsStrict) {
  for (const char* text : {"2026-02-30",
                           "2025-02-29",
                           "1900-02-29",
                           "2026-04-31",
                           "2026-13-01",
                           "2026-00-10",
                           "2026-01-00",
                           "0000-01-01",
                           "2026-2-3",
                           "2026-02-3",
                           "26-02-03",
                           "2026/02/03",
                           "20260203",
                           " 2026-02-03",
                           "2026-02-03 ",
                           "2026-02-031",
                           "+026-02-03",
                           "-026-02-03",
                           "2026-+2-03",
                           "2026-02-0a",
                           "",
                           "2026-02",
                           "2026-02-03T00:00",
                           "2026\xe2\x80\x91"
                           "02-03"}) {
    auto d = ParseDate(text);
    EXPECT_FALSE(d.ok()) << text;
    if (!d.ok()) {
      EXPECT_EQ(d.error().code(), ErrorCode::kInvalidArgument);
    }
  }
  auto feb30 = ParseDate("2026-02-30");
  ASSERT_FALSE(feb30.ok());
  EXPECT_NE(feb30.error().message().find("28 days"), std::string::npos);
  auto format = ParseDate("2026/02/03");
  ASSERT_FALSE(format.ok());
  EXPECT_NE(format.error().message().find("YYYY-MM-DD"), std::string::npos);
}

TEST(DateTest, FormatOutsideFourDigitYears) {
  EXPECT_EQ(FormatDate(Date{0, 3, 1}), "0000-03-01");
  EXPECT_EQ(FormatDate(Date{-44, 3, 15}), "-0044-03-15");
  EXPECT_EQ(FormatDate(Date{12345, 1, 2}), "12345-01-02");
}

TEST(DateTest, ComparisonIsChronological) {
  EXPECT_LT(D("2025-12-31"), D("2026-01-01"));
  EXPECT_LT(D("2026-01-31"), D("2026-02-01"));
  EXPECT_LT(D("2026-02-01"), D("2026-02-02"));
  EXPECT_EQ(D("2026-02-01"), D("2026-02-01"));
  EXPECT_GT(D("2026-02-01"), D("2025-11-30"));
}

TEST(DateTest, LeapYearsAndMonthLengths) {
  EXPECT_TRUE(IsLeapYear(2024));
  EXPECT_TRUE(IsLeapYear(2000));
  EXPECT_FALSE(IsLeapYear(1900));
  EXPECT_FALSE(IsLeapYear(2026));
  EXPECT_TRUE(IsLeapYear(0));
  EXPECT_TRUE(IsLeapYear(-4));
  EXPECT_EQ(DaysInMonth(2026, 2), 28);
  EXPECT_EQ(DaysInMonth(2024, 2), 29);
  EXPECT_EQ(DaysInMonth(2026, 4), 30);
  EXPECT_EQ(DaysInMonth(2026, 12), 31);
  EXPECT_FALSE(IsValidDate(Date{2026, 2, 29}));
  EXPECT_TRUE(IsValidDate(Date{2024, 2, 29}));
  EXPECT_FALSE(IsValidDate(Date{2026, 0, 1}));
  EXPECT_FALSE(IsValidDate(Date{2026, 13, 1}));
  EXPECT_FALSE(IsValidDate(Date{2026, 1, 0}));
  EXPECT_FALSE(IsValidDate(Date{2026, 1, 32}));
}

TEST(DateTest, DayNumbersKnownValues) {
  EXPECT_EQ(DaysFromCivil(D("1970-01-01")), 0);
  EXPECT_EQ(DaysFromCivil(D("1969-12-31")), -1);
  EXPECT_EQ(DaysFromCivil(D("2000-03-01")), 11017);
  EXPECT_EQ(DaysFromCivil(D("2026-01-01")), 20454);
  EXPECT_EQ(DaysFromCivil(D("0001-01-01")), -719162);
  EXPECT_EQ(DaysFromCivil(D("9999-12-31")), 2932896);
  EXPECT_EQ(CivilFromDays(20454), D("2026-01-01"));
  EXPECT_EQ(CivilFromDays(-719162), D("0001-01-01"));
}

// Walks every day from 0001-01-01 to 9999-12-31 by incrementing the civil date by hand and
// checks that the day number goes up by one and converts back.
TEST(DateTest, DayNumbersAgreeWithCountingEveryDay) {
  Date d{1, 1, 1};
  std::int64_t z = DaysFromCivil(d);
  while (d.year < 10000) {
    ASSERT_EQ(DaysFromCivil(d), z) << FormatDate(d);
    ASSERT_EQ(CivilFromDays(z), d) << z;
    if (++d.day > DaysInMonth(d.year, d.month)) {
      d.day = 1;
      if (++d.month > 12) {
        d.month = 1;
        ++d.year;
      }
    }
    ++z;
  }
}

TEST(DateTest, DayNumbersFarFromTheEpoch) {
  for (std::int64_t z : {std::int64_t{-800'000'000}, std::int64_t{-146'097}, std::int64_t{-1},
                         std::int64_t{146'096}, std::int64_t{700'000'000}}) {
    EXPECT_EQ(DaysFromCivil(CivilFromDays(z)), z) << z;
  }
  EXPECT_EQ(CivilFromDays(DaysFromCivil(Date{-1000000, 2, 29})), (Date{-1000000, 2, 29}));
}

TEST(DateTest, Weekdays) {
  EXPECT_EQ(WeekdayOf(D("1970-01-01")), Weekday::kThursday);
  EXPECT_EQ(WeekdayOf(D("2000-02-29")), Weekday::kTuesday);
  EXPECT_EQ(WeekdayOf(D("2026-07-04")), Weekday::kSaturday);
  EXPECT_EQ(WeekdayOf(D("2026-07-05")), Weekday::kSunday);
  EXPECT_EQ(WeekdayOf(D("2026-07-06")), Weekday::kMonday);
  EXPECT_EQ(WeekdayOf(D("1969-12-29")), Weekday::kMonday);
  EXPECT_EQ(WeekdayOf(D("0001-01-01")), Weekday::kMonday);
  EXPECT_EQ(WeekdayName(Weekday::kWednesday), "Wednesday");
  EXPECT_EQ(WeekdayName(WeekdayOf(D("2028-01-01"))), "Saturday");
}

TEST(DateTest, AddDays) {
  EXPECT_EQ(AddDays(D("2026-02-28"), 1), D("2026-03-01"));
  EXPECT_EQ(AddDays(D("2024-02-28"), 1), D("2024-02-29"));
  EXPECT_EQ(AddDays(D("2026-12-31"), 1), D("2027-01-01"));
  EXPECT_EQ(AddDays(D("2026-01-01"), -1), D("2025-12-31"));
  EXPECT_EQ(AddDays(D("2026-03-09"), 0), D("2026-03-09"));
  EXPECT_EQ(AddDays(D("2026-01-01"), 365), D("2027-01-01"));
  EXPECT_EQ(AddDays(D("2024-01-01"), 366), D("2025-01-01"));
}

TEST(DateTest, AddMonthsClampsToMonthEnd) {
  EXPECT_EQ(AddMonths(D("2026-01-31"), 1), D("2026-02-28"));
  EXPECT_EQ(AddMonths(D("2024-01-31"), 1), D("2024-02-29"));
  EXPECT_EQ(AddMonths(D("2026-01-31"), 2), D("2026-03-31"));
  EXPECT_EQ(AddMonths(D("2026-01-31"), 3), D("2026-04-30"));
  EXPECT_EQ(AddMonths(D("2026-03-31"), -1), D("2026-02-28"));
  EXPECT_EQ(AddMonths(D("2026-01-15"), -1), D("2025-12-15"));
  EXPECT_EQ(AddMonths(D("2026-11-30"), 3), D("2027-02-28"));
  EXPECT_EQ(AddMonths(D("2024-02-29"), 12), D("2025-02-28"));
  EXPECT_EQ(AddMonths(D("2024-02-29"), 48), D("2028-02-29"));
  EXPECT_EQ(AddMonths(D("2026-05-10"), 0), D("2026-05-10"));
  EXPECT_EQ(AddMonths(D("2026-05-10"), -24), D("2024-05-10"));
  EXPECT_EQ(AddMonths(D("0001-01-31"), -1), (Date{0, 12, 31}));
  // Clamping is not reversible, by design.
  EXPECT_EQ(AddMonths(AddMonths(D("2026-01-31"), 1), -1), D("2026-01-28"));
}

TEST(HolidaysTest, Opm2024) {
  EXPECT_EQ(ObservedDates(2024),
            (std::vector<std::string>{"2024-01-01", "2024-01-15", "2024-02-19", "2024-05-27",
                                      "2024-06-19", "2024-07-04", "2024-09-02", "2024-10-14",
                                      "2024-11-11", "2024-11-28", "2024-12-25"}));
}

TEST(HolidaysTest, Opm2025) {
  EXPECT_EQ(ObservedDates(2025),
            (std::vector<std::string>{"2025-01-01", "2025-01-20", "2025-02-17", "2025-05-26",
                                      "2025-06-19", "2025-07-04", "2025-09-01", "2025-10-13",
                                      "2025-11-11", "2025-11-27", "2025-12-25"}));
}

TEST(HolidaysTest, Opm2026WithNames) {
  using P = std::pair<std::string, std::string>;
  EXPECT_EQ(Observed(2026), (std::vector<P>{
                                P{"2026-01-01", "New Year's Day"},
                                P{"2026-01-19", "Birthday of Martin Luther King, Jr."},
                                P{"2026-02-16", "Washington's Birthday"},
                                P{"2026-05-25", "Memorial Day"},
                                P{"2026-06-19", "Juneteenth National Independence Day"},
                                P{"2026-07-03", "Independence Day"},
                                P{"2026-09-07", "Labor Day"},
                                P{"2026-10-12", "Columbus Day"},
                                P{"2026-11-11", "Veterans Day"},
                                P{"2026-11-26", "Thanksgiving Day"},
                                P{"2026-12-25", "Christmas Day"},
                            }));
  auto list = UsFederalHolidays(2026);
  ASSERT_EQ(list.size(), 11U);
  EXPECT_EQ(list[5].date, D("2026-07-04"));  // the legal date is kept beside the observed one
  EXPECT_EQ(list[5].observed, D("2026-07-03"));
}

TEST(HolidaysTest, NewYearOnSaturdayIsObservedInThePreviousYear) {
  // 2028-01-01 is a Saturday: observed Friday 2027-12-31, listed with 2027.
  EXPECT_EQ(ObservedDates(2027),
            (std::vector<std::string>{"2027-01-01", "2027-01-18", "2027-02-15", "2027-05-31",
                                      "2027-06-18", "2027-07-05", "2027-09-06", "2027-10-11",
                                      "2027-11-11", "2027-11-25", "2027-12-24", "2027-12-31"}));
  auto list2027 = UsFederalHolidays(2027);
  EXPECT_EQ(list2027.back().name, "New Year's Day");
  EXPECT_EQ(list2027.back().date, D("2028-01-01"));
  EXPECT_EQ(list2027.back().observed, D("2027-12-31"));
  EXPECT_EQ(ObservedDates(2028),
            (std::vector<std::string>{"2028-01-17", "2028-02-21", "2028-05-29", "2028-06-19",
                                      "2028-07-04", "2028-09-04", "2028-10-09", "2028-11-10",
                                      "2028-11-23", "2028-12-25"}));
  // The same in 2021/2022, the first Juneteenth (Saturday, observed Friday 2021-06-18).
  EXPECT_EQ(ObservedDates(2021),
            (std::vector<std::string>{"2021-01-01", "2021-01-18", "2021-02-15", "2021-05-31",
                                      "2021-06-18", "2021-07-05", "2021-09-06", "2021-10-11",
                                      "2021-11-11", "2021-11-25", "2021-12-24", "2021-12-31"}));
  EXPECT_EQ(ObservedDates(2022).front(), "2022-01-17");
  EXPECT_EQ(ObservedDates(2022).back(), "2022-12-26");
  // New Year's Day on a Sunday is observed Monday Jan 2.
  EXPECT_EQ(ObservedDates(2023).front(), "2023-01-02");
  EXPECT_EQ(ObservedDates(2023)[8], "2023-11-10");  // Veterans Day on a Saturday
}

TEST(HolidaysTest, HistoricalAdditions) {
  auto names = [](int year) {
    std::set<std::string> out;
    for (const auto& h : UsFederalHolidays(year)) out.insert(h.name);
    return out;
  };
  EXPECT_EQ(names(2020).count("Juneteenth National Independence Day"), 0U);
  EXPECT_EQ(names(2021).count("Juneteenth National Independence Day"), 1U);
  EXPECT_EQ(names(1985).count("Birthday of Martin Luther King, Jr."), 0U);
  EXPECT_EQ(names(1986).count("Birthday of Martin Luther King, Jr."), 1U);
}

TEST(HolidaysTest, EveryObservedDayIsAWeekdayAndListsAreSorted) {
  std::set<Date> seen;
  for (int year = 1986; year <= 2400; ++year) {
    auto list = UsFederalHolidays(year);
    EXPECT_GE(list.size(), year >= 2021 ? 10U : 9U) << year;
    EXPECT_LE(list.size(), 12U) << year;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const Holiday& h = list[i];
      EXPECT_EQ(h.observed.year, year);
      const Weekday w = WeekdayOf(h.observed);
      EXPECT_NE(w, Weekday::kSaturday) << FormatDate(h.observed);
      EXPECT_NE(w, Weekday::kSunday) << FormatDate(h.observed);
      EXPECT_LE(DaysFromCivil(h.date) - DaysFromCivil(h.observed), 1);
      EXPECT_GE(DaysFromCivil(h.date) - DaysFromCivil(h.observed), -1);
      if (i > 0) {
        EXPECT_LT(list[i - 1].observed, h.observed);
      }
      EXPECT_TRUE(seen.insert(h.observed).second) << FormatDate(h.observed);
    }
  }
}

TEST(WorkingCalendarTest, WeekendsOnly) {
  WorkingCalendar cal;
  EXPECT_TRUE(cal.IsWorkingDay(D("2026-03-06")));   // Friday
  EXPECT_FALSE(cal.IsWorkingDay(D("2026-03-07")));  // Saturday
  EXPECT_FALSE(cal.IsWorkingDay(D("2026-03-08")));  // Sunday
  EXPECT_FALSE(cal.IsHoliday(D("2026-03-08")));
  EXPECT_FALSE(cal.IsHoliday(D("2026-01-01")));  // no federal holidays unless asked
  EXPECT_TRUE(cal.IsWorkingDay(D("2026-01-01")));
  EXPECT_EQ(cal.AddWorkingDays(D("2026-03-06"), 1), D("2026-03-09"));  // Fri → Mon
  EXPECT_EQ(cal.AddWorkingDays(D("2026-03-07"), 1), D("2026-03-09"));  // Sat → Mon
  EXPECT_EQ(cal.AddWorkingDays(D("2026-03-08"), 1), D("2026-03-09"));  // Sun → Mon
  EXPECT_EQ(cal.AddWorkingDays(D("2026-03-09"), 1), D("2026-03-10"));
  EXPECT_EQ(cal.AddWorkingDays(D("2026-03-09"), 5), D("2026-03-16"));
  EXPECT_EQ(cal.AddWorkingDays(D("2026-03-07"), 0), D("2026-03-07"));
  EXPECT_EQ(cal.AddWorkingDays(D("2026-03-09"), -1), D("2026-03-06"));  // Mon → Fri
  EXPECT_EQ(cal.AddWorkingDays(D("2026-03-08"), -1), D("2026-03-06"));  // Sun → Fri
  EXPECT_EQ(cal.AddWorkingDays(D("2026-03-07"), -1), D("2026-03-06"));  // Sat → Fri
  EXPECT_EQ(cal.AddWorkingDays(D("2026-03-06"), -5), D("2026-02-27"));
  EXPECT_EQ(cal.WorkingDaysBetween(D("2026-03-06"), D("2026-03-09")), 1);
  EXPECT_EQ(cal.WorkingDaysBetween(D("2026-03-06"), D("2026-03-08")), 0);
  EXPECT_EQ(cal.WorkingDaysBetween(D("2026-03-09"), D("2026-03-09")), 0);
  EXPECT_EQ(cal.WorkingDaysBetween(D("2026-03-09"), D("2026-03-16")), 5);
  EXPECT_EQ(cal.WorkingDaysBetween(D("2026-03-16"), D("2026-03-09")), -5);
  EXPECT_EQ(cal.WorkingDaysBetween(D("2026-01-01"), D("2027-01-01")), 261);
}

TEST(WorkingCalendarTest, ExplicitHolidays) {
  WorkingCalendar cal({D("2026-03-10"), D("2026-03-11"), D("2026-03-14"), D("2026-03-10")});
  EXPECT_EQ(cal.explicit_holidays(),
            (std::vector<Date>{D("2026-03-10"), D("2026-03-11"), D("2026-03-14")}));
  EXPECT_FALSE(cal.us_federal_holidays());
  EXPECT_TRUE(cal.IsHoliday(D("2026-03-14")));  // a Saturday holiday is still a holiday…
  EXPECT_FALSE(cal.IsWorkingDay(D("2026-03-10")));
  EXPECT_EQ(cal.AddWorkingDays(D("2026-03-09"), 1), D("2026-03-12"));
  EXPECT_EQ(cal.AddWorkingDays(D("2026-03-09"), 4), D("2026-03-17"));  // …but changes nothing
  EXPECT_EQ(cal.AddWorkingDays(D("2026-03-12"), -1), D("2026-03-09"));
  EXPECT_EQ(cal.WorkingDaysBetween(D("2026-03-09"), D("2026-03-17")), 4);
  EXPECT_EQ(cal.WorkingDaysBetween(D("2026-03-17"), D("2026-03-09")), -4);
}

TEST(WorkingCalendarTest, UsFederalCalendar) {
  WorkingCalendar cal({}, true);
  EXPECT_TRUE(cal.us_federal_holidays());
  EXPECT_TRUE(cal.IsHoliday(D("2026-07-03")));   // observed Independence Day
  EXPECT_FALSE(cal.IsHoliday(D("2026-07-04")));  // the Saturday itself is not a day off
  EXPECT_FALSE(cal.IsWorkingDay(D("2026-07-03")));
  EXPECT_TRUE(cal.IsHoliday(D("2027-12-31")));  // New Year's Day 2028, observed
  EXPECT_FALSE(cal.IsWorkingDay(D("2027-12-31")));
  // Thanksgiving 2026: Wednesday + 1 working day = Friday.
  EXPECT_EQ(cal.AddWorkingDays(D("2026-11-25"), 1), D("2026-11-27"));
  // Christmas and New Year 2027/2028: Thu Dec 23 + 1 = Mon Dec 27; Thu Dec 30 + 1 = Mon Jan 3.
  EXPECT_EQ(cal.AddWorkingDays(D("2027-12-23"), 1), D("2027-12-27"));
  EXPECT_EQ(cal.AddWorkingDays(D("2027-12-30"), 1), D("2028-01-03"));
  EXPECT_EQ(cal.AddWorkingDays(D("2028-01-03"), -1), D("2027-12-30"));
  // Thursday 2026-07-02 + 1 = Monday 2026-07-06 (Friday Jul 3 observed).
  EXPECT_EQ(cal.AddWorkingDays(D("2026-07-02"), 1), D("2026-07-06"));
  // 2026 has 261 weekdays and 11 observed holidays, all on weekdays.
  EXPECT_EQ(cal.WorkingDaysBetween(D("2025-12-31"), D("2026-12-31")), 250);
  // 2027 has 12 observed days off (including Dec 31 for 2028).
  EXPECT_EQ(cal.WorkingDaysBetween(D("2026-12-31"), D("2027-12-31")), 261 - 12);
}

TEST(WorkingCalendarTest, ExplicitAndFederalHolidaysCountOnce) {
  WorkingCalendar both({D("2026-12-25"), D("2026-12-24")}, true);
  WorkingCalendar federal({}, true);
  // Dec 21–31, 2026: nine weekdays, Christmas (Friday) observed; plus Dec 24 when explicit.
  EXPECT_EQ(federal.WorkingDaysBetween(D("2026-12-20"), D("2026-12-31")), 8);
  EXPECT_EQ(both.WorkingDaysBetween(D("2026-12-20"), D("2026-12-31")), 7);
  EXPECT_EQ(both.AddWorkingDays(D("2026-12-23"), 1), D("2026-12-28"));
}

// A day-by-day reference implementation of the working-day rules.
class Reference {
 public:
  explicit Reference(const WorkingCalendar& cal) : cal_(cal) {}
  Date Add(Date d, std::int64_t n) const {
    const std::int64_t step = n >= 0 ? 1 : -1;
    while (n != 0) {
      d = AddDays(d, step);
      if (cal_.IsWorkingDay(d)) n -= step;
    }
    return d;
  }
  std::int64_t Between(const Date& from, const Date& to) const {
    std::int64_t count = 0;
    if (from <= to) {
      for (Date d = AddDays(from, 1); d <= to; d = AddDays(d, 1)) count += cal_.IsWorkingDay(d);
      return count;
    }
    for (Date d = AddDays(to, 1); d <= from; d = AddDays(d, 1)) count += cal_.IsWorkingDay(d);
    return -count;
  }

 private:
  const WorkingCalendar& cal_;
};

TEST(WorkingCalendarTest, AgreesWithDayByDayReference) {
  std::mt19937_64 gen(20260309);
  const Date base = D("2025-06-01");
  for (int round = 0; round < 12; ++round) {
    // Dense random holidays (about one weekday in four), sometimes with the federal ones.
    std::vector<Date> holidays;
    for (int i = 0; i < 250; ++i) {
      holidays.push_back(AddDays(base, static_cast<std::int64_t>(gen() % 1000)));
    }
    WorkingCalendar cal(holidays, round % 2 == 1);
    Reference ref(cal);
    for (int i = 0; i < 120; ++i) {
      const Date start = AddDays(base, static_cast<std::int64_t>(gen() % 900) - 50);
      const auto n = static_cast<std::int64_t>(gen() % 160) - 40;
      const Date got = cal.AddWorkingDays(start, n);
      ASSERT_EQ(got, ref.Add(start, n)) << FormatDate(start) << " + " << n;
      if (n != 0) {
        EXPECT_TRUE(cal.IsWorkingDay(got));
      }
      const Date other = AddDays(base, static_cast<std::int64_t>(gen() % 900) - 50);
      ASSERT_EQ(cal.WorkingDaysBetween(start, other), ref.Between(start, other))
          << FormatDate(start) << " → " << FormatDate(other);
      // The documented link between the two functions.
      if (n > 0) {
        EXPECT_EQ(cal.WorkingDaysBetween(start, got), n);
      }
    }
  }
}

TEST(WorkingCalendarTest, LongSpansAreFast) {
  WorkingCalendar cal({}, true);
  // Roughly 40,000 years: cost is per holiday in range, not per day.
  const Date far = cal.AddWorkingDays(D("2026-01-01"), 10'000'000);
  EXPECT_TRUE(cal.IsWorkingDay(far));
  EXPECT_EQ(cal.WorkingDaysBetween(D("2026-01-01"), far), 10'000'000);
  EXPECT_EQ(cal.AddWorkingDays(far, -10'000'000), D("2025-12-31"));
}

}  // namespace
}  // namespace candor::domain
