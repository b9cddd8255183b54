#include "domain/cable_statistics.h"

#include <algorithm>
#include <map>

namespace candor::domain {
namespace {

std::optional<double> Median(std::vector<std::int64_t> days) {
  if (days.empty()) return std::nullopt;
  std::sort(days.begin(), days.end());
  const std::size_t n = days.size();
  if (n % 2 == 1) return static_cast<double>(days[n / 2]);
  return static_cast<double>(days[n / 2 - 1] + days[n / 2]) / 2.0;
}

std::string MonthOf(const Date& d) { return FormatDate(d).substr(0, 7); }

// A row's counts, with the day lists its medians are taken from.
struct Tally {
  CableStatisticsRow row;
  std::vector<std::int64_t> to_acknowledge, to_answer;

  void Add(const CableStatisticsInput& c) {
    const std::int64_t received = DaysFromCivil(c.dates.received);
    ++row.received;
    if (c.dates.acknowledged) {
      ++row.acknowledged;
      if (!(c.clock.acknowledge_by < *c.dates.acknowledged)) ++row.acknowledged_on_time;
      to_acknowledge.push_back(DaysFromCivil(*c.dates.acknowledged) - received);
    }
    if (c.dates.extended) ++row.extended;
    if (c.dates.closed) {
      ++row.answered;
      if (!(c.clock.answer_by < *c.dates.closed)) ++row.answered_on_time;
      to_answer.push_back(DaysFromCivil(*c.dates.closed) - received);
    } else {
      ++row.open;
      if (c.clock.overdue()) ++row.overdue;
    }
  }
  CableStatisticsRow Finish() {
    row.median_days_to_acknowledge = Median(std::move(to_acknowledge));
    row.median_days_to_answer = Median(std::move(to_answer));
    return row;
  }
};

nlohmann::json RowToJson(const CableStatisticsRow& r) {
  auto median = [](const std::optional<double>& m) {
    return m ? nlohmann::json(*m) : nlohmann::json(nullptr);
  };
  return {{"period", r.period},
          {"received", r.received},
          {"acknowledged", r.acknowledged},
          {"acknowledged_on_time", r.acknowledged_on_time},
          {"answered", r.answered},
          {"answered_on_time", r.answered_on_time},
          {"extended", r.extended},
          {"open", r.open},
          {"overdue", r.overdue},
          {"median_days_to_acknowledge", median(r.median_days_to_acknowledge)},
          {"median_days_to_answer", median(r.median_days_to_answer)}};
}

std::string Number(const std::optional<double>& m) {
  if (!m) return "";
  const auto whole = static_cast<std::int64_t>(*m);
  if (static_cast<double>(whole) == *m) return std::to_string(whole);
  return std::to_string(whole) + ".5";  // a median of whole days is whole or a half
}

}  // namespace

Result<CableStatistics> ComputeCableStatistics(const std::vector<CableStatisticsInput>& cables,
                                               const Date& from, const Date& to,
                                               const Date& today) {
  const std::int64_t lo = DaysFromCivil(from);
  const std::int64_t hi = DaysFromCivil(to);
  if (hi < lo) return InvalidArgument("the period ends before it begins");
  if (hi - lo + 1 > kMaxStatisticsDays) {
    return InvalidArgument("a period is at most " + std::to_string(kMaxStatisticsDays) + " days");
  }
  std::map<std::string, Tally> months;
  for (Date d{from.year, from.month, 1}; !(to < d); d = AddMonths(d, 1)) {
    months[MonthOf(d)].row.period = MonthOf(d);
  }
  Tally total;
  total.row.period = "total";
  for (const auto& c : cables) {
    const std::int64_t day = DaysFromCivil(c.dates.received);
    if (day < lo || day > hi) continue;
    months[MonthOf(c.dates.received)].Add(c);
    total.Add(c);
  }
  CableStatistics out{from, to, today, {}, total.Finish()};
  for (auto& [name, tally] : months) out.months.push_back(tally.Finish());
  return out;
}

nlohmann::json CableStatisticsToJson(const CableStatistics& stats) {
  nlohmann::json months = nlohmann::json::array();
  for (const auto& r : stats.months) months.push_back(RowToJson(r));
  return {{"from", FormatDate(stats.from)},
          {"to", FormatDate(stats.to)},
          {"today", FormatDate(stats.today)},
          {"months", months},
          {"total", RowToJson(stats.total)}};
}

std::string CableStatisticsToCsv(const CableStatistics& stats) {
  std::string out =
      "period,received,acknowledged,acknowledged_on_time,answered,answered_on_time,extended,"
      "open,overdue,median_days_to_acknowledge,median_days_to_answer\r\n";
  auto line = [&](const CableStatisticsRow& r) {
    out += r.period;
    for (std::int64_t v : {r.received, r.acknowledged, r.acknowledged_on_time, r.answered,
                           r.answered_on_time, r.extended, r.open, r.overdue}) {
      out += "," + std::to_string(v);
    }
    out +=
        "," + Number(r.median_days_to_acknowledge) + "," + Number(r.median_days_to_answer) + "\r\n";
  };
  for (const auto& r : stats.months) line(r);
  line(stats.total);
  return out;
}

}  // namespace candor::domain
