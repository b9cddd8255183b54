// An organization's IANA time zone (issue 15, item 4): which calendar day a moment is in for
// the organization. Cables' days (received, acknowledged, replied, closed, and the dates of
// their log entries), working days, holidays, deadlines and reminders all follow it.
//
// Zones come from the operating system's tz database (Debian's tzdata, /usr/share/zoneinfo),
// read through Howard Hinnant's date/tz library (the library C++20's std::chrono time zones
// were standardized from; GCC 12 does not ship them yet). Thread-safe: the database is loaded
// once, and a TimeZone is an immutable handle into it.
#ifndef CANDOR_SERVER_APP_TIME_ZONE_H_
#define CANDOR_SERVER_APP_TIME_ZONE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "domain/calendar.h"

namespace date {
class time_zone;
}  // namespace date

namespace candor::app {

class TimeZone {
 public:
  // The zone with this IANA name ("UTC", "Europe/Brussels", …). Error (kInvalidArgument)
  // naming the zone when the name breaks domain::ValidateTimeZoneName or the tz database has
  // no such zone; never throws.
  static Result<TimeZone> Locate(std::string_view name);

  // The civil date in this zone at `ms` since the Unix epoch (daylight-saving time included).
  domain::Date LocalDate(std::int64_t ms) const;
  // The days since 1970-01-01 of that date (the store's day numbers).
  std::int64_t LocalDay(std::int64_t ms) const;
  // The local hour (0 … 23) at `ms`.
  int LocalHour(std::int64_t ms) const;

  const std::string& name() const { return name_; }

 private:
  TimeZone(const date::time_zone* zone, std::string name) : zone_(zone), name_(std::move(name)) {}

  const date::time_zone* zone_;  // owned by the library's database; never null
  std::string name_;
};

}  // namespace candor::app

#endif  // CANDOR_SERVER_APP_TIME_ZONE_H_
