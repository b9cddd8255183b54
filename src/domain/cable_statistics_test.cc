// Compliance statistics: counts against each deadline, medians, open and overdue cables, per
// month and in total, from dates alone.
#include "domain/cable_statistics.h"

#include <gtest/gtest.h>

namespace candor::domain {
namespace {

// A cable received on `received`, due for acknowledgement on `ack_by` and an answer on
// `answer_by`, acknowledged and closed on the given days (if any), looked at on `today`.
CableStatisticsInput Cable(Date received, Date ack_by, Date answer_by, std::optional<Date> ack,
                           std::optional<Date> closed, const Date& today, bool extended = false) {
  CableStatisticsInput c;
  c.dates = CableDates{received, ack, extended, closed};
  c.clock.acknowledge_by = ack_by;
  c.clock.answer_by = answer_by;
  c.clock.acknowledged = ack.has_value();
  c.clock.closed = closed.has_value();
  c.clock.extended = extended;
  c.clock.acknowledge_overdue = !ack && ack_by < today;
  c.clock.answer_overdue = !closed && answer_by < today;
  return c;
}

TEST(CableStatisticsTest, CountsEachDeadlineMediansAndOverduePerMonthAndInTotal) {
  const Date today{2027, 1, 20};
  const std::vector<CableStatisticsInput> cables = {
      // November: acknowledged on time (2 days), answered on time (10 days).
      Cable({2026, 11, 2}, {2026, 11, 4}, {2026, 12, 2}, Date{2026, 11, 4}, Date{2026, 11, 12},
            today),
      // November: acknowledged late (5 days), answered late (45 days), after an extension.
      Cable({2026, 11, 20}, {2026, 11, 24}, {2026, 12, 30}, Date{2026, 11, 25}, Date{2027, 1, 4},
            today, true),
      // December: acknowledged on time (1 day), open and past its answer deadline.
      Cable({2026, 12, 1}, {2026, 12, 3}, {2027, 1, 14}, Date{2026, 12, 2}, std::nullopt, today),
      // December: never acknowledged, open, overdue.
      Cable({2026, 12, 28}, {2026, 12, 30}, {2027, 2, 10}, std::nullopt, std::nullopt, today),
      // Outside the period: left out.
      Cable({2026, 10, 31}, {2026, 11, 3}, {2026, 12, 1}, std::nullopt, std::nullopt, today),
      Cable({2027, 1, 2}, {2027, 1, 5}, {2027, 2, 2}, std::nullopt, std::nullopt, today),
  };
  auto computed = ComputeCableStatistics(cables, {2026, 11, 1}, {2026, 12, 31}, today);
  ASSERT_TRUE(computed.ok()) << computed.error().message();
  const CableStatistics& s = *computed;
  ASSERT_EQ(s.months.size(), 2u);
  const CableStatisticsRow& nov = s.months[0];
  EXPECT_EQ(nov.period, "2026-11");
  EXPECT_EQ(nov.received, 2);
  EXPECT_EQ(nov.acknowledged, 2);
  EXPECT_EQ(nov.acknowledged_on_time, 1);
  EXPECT_EQ(nov.answered, 2);
  EXPECT_EQ(nov.answered_on_time, 1);
  EXPECT_EQ(nov.extended, 1);
  EXPECT_EQ(nov.open, 0);
  EXPECT_EQ(nov.median_days_to_acknowledge, 3.5);  // 2 and 5 days
  EXPECT_EQ(nov.median_days_to_answer, 27.5);      // 10 and 45 days
  const CableStatisticsRow& dec = s.months[1];
  EXPECT_EQ(dec.received, 2);
  EXPECT_EQ(dec.acknowledged, 1);
  EXPECT_EQ(dec.acknowledged_on_time, 1);
  EXPECT_EQ(dec.answered, 0);
  EXPECT_EQ(dec.open, 2);
  EXPECT_EQ(dec.overdue, 2);
  EXPECT_EQ(dec.median_days_to_acknowledge, 1.0);
  EXPECT_EQ(dec.median_days_to_answer, std::nullopt);
  EXPECT_EQ(s.total.received, 4);
  EXPECT_EQ(s.total.acknowledged_on_time, 2);
  EXPECT_EQ(s.total.answered_on_time, 1);
  EXPECT_EQ(s.total.overdue, 2);
  EXPECT_EQ(s.total.median_days_to_acknowledge, 2.0);  // 1, 2, 5

  EXPECT_EQ(CableStatisticsToCsv(s),
            "period,received,acknowledged,acknowledged_on_time,answered,answered_on_time,extended,"
            "open,overdue,median_days_to_acknowledge,median_days_to_answer\r\n"
            "2026-11,2,2,1,2,1,1,0,0,3.5,27.5\r\n"
            "2026-12,2,1,1,0,0,0,2,2,1,\r\n"
            "total,4,3,2,2,1,1,2,2,2,27.5\r\n");
  const auto j = CableStatisticsToJson(s);
  EXPECT_EQ(j["from"], "2026-11-01");
  EXPECT_EQ(j["today"], "2027-01-20");
  EXPECT_TRUE(j["months"][1]["median_days_to_answer"].is_null());
  EXPECT_EQ(j["total"]["median_days_to_answer"], 27.5);
}

TEST(CableStatisticsTest, EveryMonthOfThePeriodHasARowAndBadPeriodsAreRefused) {
  const Date today{2027, 1, 20};
  auto computed = ComputeCableStatistics({}, {2026, 1, 31}, {2026, 4, 1}, today);
  ASSERT_TRUE(computed.ok()) << computed.error().message();
  const CableStatistics& s = *computed;
  ASSERT_EQ(s.months.size(), 4u);  // January to April, empty
  EXPECT_EQ(s.months[3].period, "2026-04");
  EXPECT_EQ(s.total.received, 0);
  EXPECT_EQ(s.total.median_days_to_acknowledge, std::nullopt);
  EXPECT_EQ(ComputeCableStatistics({}, {2026, 2, 1}, {2026, 1, 31}, today).error().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_TRUE(ComputeCableStatistics({}, {2016, 1, 1}, {2026, 1, 1}, today).ok());
  EXPECT_EQ(ComputeCableStatistics({}, {2010, 1, 1}, {2026, 1, 1}, today).error().code(),
            ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace candor::domain
