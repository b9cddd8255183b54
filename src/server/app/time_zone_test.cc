// The organization's time zone: which day a moment is in, across daylight-saving changes, and
// names that are refused before any file of the tz database is looked at.
#include "server/app/time_zone.h"

#include <gtest/gtest.h>

namespace candor::app {
namespace {

std::int64_t Ms(int y, int m, int d, int hour, int minute) {
  return (domain::DaysFromCivil(domain::Date{y, m, d}) * 86'400 + hour * 3'600 + minute * 60) *
         1'000;
}

std::string LocalDate(std::string_view zone, std::int64_t ms) {
  auto z = TimeZone::Locate(zone);
  EXPECT_TRUE(z.ok()) << zone;
  return z.ok() ? domain::FormatDate(z->LocalDate(ms)) : "";
}

TEST(TimeZoneTest, TheLocalDayFollowsDaylightSavingTime) {
  // New York, end of daylight-saving time (Sunday 2026-11-01, 02:00 EDT → 01:00 EST): 04:30
  // UTC is still Sunday on both sides of it, 00:30 EDT and then 23:30 EST.
  EXPECT_EQ(LocalDate("America/New_York", Ms(2026, 11, 1, 4, 30)), "2026-11-01");
  EXPECT_EQ(LocalDate("America/New_York", Ms(2026, 11, 2, 4, 30)), "2026-11-01");
  EXPECT_EQ(LocalDate("America/New_York", Ms(2026, 11, 2, 5, 0)), "2026-11-02");
  // Its start (Sunday 2026-03-08, 02:00 EST → 03:00 EDT): midnight moves from 05:00 to 04:00 UTC.
  EXPECT_EQ(LocalDate("America/New_York", Ms(2026, 3, 8, 4, 59)), "2026-03-07");
  EXPECT_EQ(LocalDate("America/New_York", Ms(2026, 3, 8, 5, 0)), "2026-03-08");
  EXPECT_EQ(LocalDate("America/New_York", Ms(2026, 3, 9, 3, 59)), "2026-03-08");
  EXPECT_EQ(LocalDate("America/New_York", Ms(2026, 3, 9, 4, 0)), "2026-03-09");
  // Brussels (2026-03-29, 02:00 CET → 03:00 CEST): midnight is 23:00 UTC before, 22:00 after.
  EXPECT_EQ(LocalDate("Europe/Brussels", Ms(2026, 3, 28, 22, 59)), "2026-03-28");
  EXPECT_EQ(LocalDate("Europe/Brussels", Ms(2026, 3, 28, 23, 0)), "2026-03-29");
  EXPECT_EQ(LocalDate("Europe/Brussels", Ms(2026, 3, 29, 21, 59)), "2026-03-29");
  EXPECT_EQ(LocalDate("Europe/Brussels", Ms(2026, 3, 29, 22, 0)), "2026-03-30");
  // Auckland in summer (UTC+13) is a day ahead of UTC for most of the afternoon.
  EXPECT_EQ(LocalDate("Pacific/Auckland", Ms(2026, 12, 31, 11, 0)), "2027-01-01");
  EXPECT_EQ(LocalDate("Pacific/Auckland", Ms(2026, 12, 31, 10, 59)), "2026-12-31");
  // UTC is the identity, and before 1970 too.
  EXPECT_EQ(LocalDate("UTC", Ms(2026, 12, 31, 23, 59)), "2026-12-31");
  EXPECT_EQ(LocalDate("UTC", Ms(1969, 12, 31, 23, 59)), "1969-12-31");
}

TEST(TimeZoneTest, TheLocalHourFollowsDaylightSavingTime) {
  auto ny = TimeZone::Locate("America/New_York");
  ASSERT_TRUE(ny.ok());
  EXPECT_EQ(ny->LocalHour(Ms(2026, 7, 1, 12, 30)), 8);   // EDT, UTC−4
  EXPECT_EQ(ny->LocalHour(Ms(2026, 12, 1, 12, 30)), 7);  // EST, UTC−5
  EXPECT_EQ(ny->LocalHour(Ms(2026, 12, 1, 4, 59)), 23);  // the day before, locally
  auto utc = TimeZone::Locate("UTC");
  ASSERT_TRUE(utc.ok());
  EXPECT_EQ(utc->LocalHour(Ms(1969, 12, 31, 23, 59)), 23);
  EXPECT_EQ(utc->LocalHour(Ms(2026, 1, 1, 0, 0)), 0);
}

TEST(TimeZoneTest, UnknownZonesAndNamesThatAreNotZoneNamesAreRefused) {
  for (const char* name :
       {"", "Mars/Olympus_Mons", "../../etc/passwd", "Europe//Paris", "/etc/localtime", "Europe/",
        "Europe/./Paris", "Europe/Paris\n", "Europe/Pa ris", "europe/paris",
        "A/very/long/name/that/goes/on/and/on/and/on/and/on/well/past/sixty-four"}) {
    auto z = TimeZone::Locate(name);
    ASSERT_FALSE(z.ok()) << name;
    EXPECT_EQ(z.error().code(), ErrorCode::kInvalidArgument) << name;
  }
  ASSERT_TRUE(TimeZone::Locate("Europe/Brussels").ok());
  EXPECT_EQ(TimeZone::Locate("Europe/Brussels")->name(), "Europe/Brussels");
}

}  // namespace
}  // namespace candor::app
