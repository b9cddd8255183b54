#include "server/app/time_zone.h"

#include <date/tz.h>

#include <chrono>
#include <exception>

#include "domain/policy.h"

namespace candor::app {

Result<TimeZone> TimeZone::Locate(std::string_view name) {
  CANDOR_RETURN_IF_ERROR(domain::ValidateTimeZoneName(name));
  try {
    const date::time_zone* zone = date::locate_zone(name);
    return TimeZone(zone, std::string(name));
  } catch (const std::exception&) {
    // An unknown name, or no readable tz database: the library says so by throwing.
    return InvalidArgument("'" + std::string(name) +
                           "' is not a time zone this server knows (an IANA name such as "
                           "'Europe/Brussels')");
  }
}

std::int64_t TimeZone::LocalDay(std::int64_t ms) const {
  const date::sys_time<std::chrono::milliseconds> at{std::chrono::milliseconds(ms)};
  const auto local = zone_->to_local(at);
  return date::floor<date::days>(local).time_since_epoch().count();
}

int TimeZone::LocalHour(std::int64_t ms) const {
  const date::sys_time<std::chrono::milliseconds> at{std::chrono::milliseconds(ms)};
  const auto local = zone_->to_local(at);
  const auto since_midnight = local - date::floor<date::days>(local);
  return static_cast<int>(std::chrono::duration_cast<std::chrono::hours>(since_midnight).count());
}

domain::Date TimeZone::LocalDate(std::int64_t ms) const {
  return domain::CivilFromDays(LocalDay(ms));
}

}  // namespace candor::app
