// Compliance statistics of an organization's cables (issue 15, item 6): for a period, how many
// cables arrived, how many were acknowledged and answered within their deadlines, the median
// times, what is overdue and how many deadlines were extended — per month and in total.
//
// Everything is computed from day-granular data only (the dates a cable was received,
// acknowledged and closed, and its deadlines), never from a time of day, so the statistics
// cannot order two cables of the same day. Pure functions; thread-safe.
#ifndef CANDOR_DOMAIN_CABLE_STATISTICS_H_
#define CANDOR_DOMAIN_CABLE_STATISTICS_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "domain/cable.h"

namespace candor::domain {

// The longest period one request may cover (about ten years).
inline constexpr std::int64_t kMaxStatisticsDays = 3700;

// One cable, as the statistics see it.
struct CableStatisticsInput {
  CableDates dates;  // received, first acknowledged, extended, closed
  CableClock clock;  // its deadlines, and where it stands today (ComputeCableClock)
};

// The counts of one month of received cables, or of the whole period.
struct CableStatisticsRow {
  std::string period;  // "YYYY-MM", or "total"
  std::int64_t received = 0;
  std::int64_t acknowledged = 0;          // acknowledged by now
  std::int64_t acknowledged_on_time = 0;  // on or before the acknowledgement deadline
  std::int64_t answered = 0;              // closed with an answer by now
  std::int64_t answered_on_time = 0;      // on or before the answer deadline (extended or not)
  std::int64_t extended = 0;              // the answer deadline was extended
  std::int64_t open = 0;                  // not closed today
  std::int64_t overdue = 0;               // open and past a deadline today
  // Medians of calendar days from receipt (a half for an even count); nullopt with no data.
  std::optional<double> median_days_to_acknowledge;
  std::optional<double> median_days_to_answer;

  friend bool operator==(const CableStatisticsRow&, const CableStatisticsRow&) = default;
};

struct CableStatistics {
  Date from, to, today;
  std::vector<CableStatisticsRow> months;  // every month the period touches, in order
  CableStatisticsRow total;
};

// The statistics of the cables received from `from` to `to` (both included); cables received
// outside the period are left out. Error (kInvalidArgument) when `to` is before `from` or the
// period is longer than kMaxStatisticsDays.
Result<CableStatistics> ComputeCableStatistics(const std::vector<CableStatisticsInput>& cables,
                                               const Date& from, const Date& to, const Date& today);

// {"from","to","today","months":[row…],"total":row}; a row's medians are null without data.
nlohmann::json CableStatisticsToJson(const CableStatistics& stats);

// RFC 4180 CSV: a header line, one line per month, then the "total" line; CRLF line ends;
// an empty field for a median without data.
std::string CableStatisticsToCsv(const CableStatistics& stats);

}  // namespace candor::domain

#endif  // CANDOR_DOMAIN_CABLE_STATISTICS_H_
