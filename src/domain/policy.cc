#include "domain/policy.h"

#include <algorithm>
#include <cstdint>
#include <set>

#include "domain/strict_json.h"

namespace candor::domain {
namespace {

constexpr std::size_t kMaxPolicyNameBytes = 64;
constexpr std::size_t kMaxSlugChars = 63;
constexpr std::size_t kMaxOrganizationNameBytes = 200;

// Every JSON reader below checks types before calling nlohmann's accessors, which would
// otherwise throw; Candor never throws (base/result.h).

// An integer in [lo, hi]. Fractions (2.0 included), strings and booleans are rejected.
Result<int> GetInt(const Json& j, const std::string& path, int lo, int hi) {
  auto range = [&] {
    return InvalidArgument(path + " must be between " + std::to_string(lo) + " and " +
                           std::to_string(hi));
  };
  if (!j.is_number_integer()) return InvalidArgument(path + " must be a whole number");
  if (j.is_number_unsigned()) {
    const auto v = j.get<std::uint64_t>();
    if (v > static_cast<std::uint64_t>(hi)) return range();
    if (static_cast<std::int64_t>(v) < lo) return range();
    return static_cast<int>(v);
  }
  const auto v = j.get<std::int64_t>();
  if (v < 0 && lo >= 0) return InvalidArgument(path + " must not be negative");
  if (v < lo || v > hi) return range();
  return static_cast<int>(v);
}

int MaxAmount(PeriodUnit unit) {
  switch (unit) {
    case PeriodUnit::kWorkingDays:
      return kMaxWorkingDays;
    case PeriodUnit::kCalendarDays:
      return kMaxCalendarDays;
    case PeriodUnit::kCalendarMonths:
      return kMaxCalendarMonths;
  }
  return 0;
}

Status ValidatePeriod(const Period& p, const std::string& path) {
  if (p.amount < 1) return InvalidArgument(path + " must be at least 1");
  const int max = MaxAmount(p.unit);
  if (p.amount > max) {
    return InvalidArgument(path + " may be at most " + std::to_string(max) + " " +
                           std::string(PeriodUnitName(p.unit)));
  }
  return Status::Ok();
}

Json PeriodToJson(const Period& p) {
  return Json{{"amount", p.amount}, {"unit", PeriodUnitName(p.unit)}};
}

Result<Period> PeriodFromJson(const Json& j, const std::string& path) {
  FieldReader r(j, path, {"amount", "unit"});
  CANDOR_RETURN_IF_ERROR(r.Shape());
  CANDOR_ASSIGN_OR_RETURN(const Json* amount, r.Value("amount"));
  CANDOR_ASSIGN_OR_RETURN(std::string unit_name, r.String("unit"));
  auto unit = ParsePeriodUnit(unit_name);
  if (!unit.ok()) return unit.error().WithContext(path + ".unit");
  Period p;
  p.unit = *unit;
  // Range checked here on the JSON value (it may not fit an int); ValidatePeriod repeats the
  // check on the struct.
  CANDOR_ASSIGN_OR_RETURN(p.amount, GetInt(*amount, path + ".amount", 1, MaxAmount(p.unit)));
  return p;
}

bool IsBlank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  });
}

}  // namespace

Status ValidateText(std::string_view text, std::string_view what, std::size_t max_bytes) {
  if (text.empty() || IsBlank(text)) return InvalidArgument(std::string(what) + " is empty");
  if (text.size() > max_bytes) {
    return InvalidArgument(std::string(what) + " is longer than " + std::to_string(max_bytes) +
                           " bytes");
  }
  if (!IsValidUtf8(text)) return InvalidArgument(std::string(what) + " is not valid UTF-8");
  if (HasControlCharacter(text)) {
    return InvalidArgument(std::string(what) + " contains a control character");
  }
  return Status::Ok();
}

std::string_view PeriodUnitName(PeriodUnit unit) {
  switch (unit) {
    case PeriodUnit::kWorkingDays:
      return "working-days";
    case PeriodUnit::kCalendarDays:
      return "calendar-days";
    case PeriodUnit::kCalendarMonths:
      return "calendar-months";
  }
  return "?";
}

Result<PeriodUnit> ParsePeriodUnit(std::string_view name) {
  for (PeriodUnit unit :
       {PeriodUnit::kWorkingDays, PeriodUnit::kCalendarDays, PeriodUnit::kCalendarMonths}) {
    if (name == PeriodUnitName(unit)) return unit;
  }
  return InvalidArgument(
      "unit must be 'working-days', 'calendar-days' or 'calendar-months', got '" +
      std::string(name.substr(0, 40)) + "'");
}

Date AddPeriod(const WorkingCalendar& calendar, const Date& start, const Period& period) {
  switch (period.unit) {
    case PeriodUnit::kWorkingDays:
      return calendar.AddWorkingDays(start, period.amount);
    case PeriodUnit::kCalendarDays:
      return AddDays(start, period.amount);
    case PeriodUnit::kCalendarMonths:
      return AddMonths(start, period.amount);
  }
  return start;
}

DeadlinePolicy DissentChannelPolicy() {
  return DeadlinePolicy{"dissent-channel", Period{2, PeriodUnit::kWorkingDays},
                        Period{30, PeriodUnit::kWorkingDays}, Period{60, PeriodUnit::kWorkingDays}};
}

DeadlinePolicy EuWhistleblowingPolicy() {
  return DeadlinePolicy{"eu-whistleblowing", Period{7, PeriodUnit::kCalendarDays},
                        Period{3, PeriodUnit::kCalendarMonths}, std::nullopt};
}

Result<DeadlinePolicy> DeadlinePolicyPreset(std::string_view name) {
  if (name == "dissent-channel") return DissentChannelPolicy();
  if (name == "eu-whistleblowing") return EuWhistleblowingPolicy();
  return Error(ErrorCode::kNotFound, "no deadline policy preset named '" +
                                         std::string(name.substr(0, 64)) +
                                         "' (presets: dissent-channel, eu-whistleblowing)");
}

Status ValidateDeadlinePolicy(const DeadlinePolicy& policy) {
  CANDOR_RETURN_IF_ERROR(ValidateText(policy.name, "the policy's name", kMaxPolicyNameBytes));
  CANDOR_RETURN_IF_ERROR(ValidatePeriod(policy.acknowledge, "the acknowledgement period"));
  CANDOR_RETURN_IF_ERROR(ValidatePeriod(policy.answer, "the answer period"));
  if (policy.acknowledge.unit == PeriodUnit::kCalendarMonths) {
    return InvalidArgument("the acknowledgement period must be in working or calendar days");
  }
  if (policy.acknowledge.unit == policy.answer.unit &&
      policy.acknowledge.amount >= policy.answer.amount) {
    return InvalidArgument("the acknowledgement period must be shorter than the answer period");
  }
  if (policy.extended_answer) {
    const Period& ext = *policy.extended_answer;
    CANDOR_RETURN_IF_ERROR(ValidatePeriod(ext, "the extended answer period"));
    if (ext.unit != policy.answer.unit) {
      return InvalidArgument("the extended answer period must be in the answer period's unit (" +
                             std::string(PeriodUnitName(policy.answer.unit)) + ")");
    }
    if (ext.amount <= policy.answer.amount) {
      return InvalidArgument("the extended answer period must be longer than the answer period");
    }
  }
  return Status::Ok();
}

Json DeadlinePolicyToJson(const DeadlinePolicy& policy) {
  return Json{{"name", policy.name},
              {"acknowledge", PeriodToJson(policy.acknowledge)},
              {"answer", PeriodToJson(policy.answer)},
              {"extended_answer",
               policy.extended_answer ? PeriodToJson(*policy.extended_answer) : Json(nullptr)}};
}

Result<DeadlinePolicy> DeadlinePolicyFromJson(const Json& j) {
  // Every field is required; "extended_answer" is null when the policy allows no extension.
  FieldReader r(j, "policy", {"name", "acknowledge", "answer", "extended_answer"});
  CANDOR_RETURN_IF_ERROR(r.Shape());
  DeadlinePolicy policy;
  CANDOR_ASSIGN_OR_RETURN(policy.name, r.String("name"));
  CANDOR_ASSIGN_OR_RETURN(const Json* acknowledge, r.Value("acknowledge"));
  CANDOR_ASSIGN_OR_RETURN(const Json* answer, r.Value("answer"));
  CANDOR_ASSIGN_OR_RETURN(const Json* ext, r.Value("extended_answer"));
  CANDOR_ASSIGN_OR_RETURN(policy.acknowledge, PeriodFromJson(*acknowledge, "policy.acknowledge"));
  CANDOR_ASSIGN_OR_RETURN(policy.answer, PeriodFromJson(*answer, "policy.answer"));
  if (!ext->is_null()) {
    CANDOR_ASSIGN_OR_RETURN(policy.extended_answer, PeriodFromJson(*ext, "policy.extended_answer"));
  }
  auto valid = ValidateDeadlinePolicy(policy);
  if (!valid.ok()) return valid.error().WithContext("policy");
  return policy;
}

CableDeadlines ComputeDeadlines(const DeadlinePolicy& policy, const WorkingCalendar& calendar,
                                const Date& submitted) {
  return CableDeadlines{AddPeriod(calendar, submitted, policy.acknowledge),
                        AddPeriod(calendar, submitted, policy.answer)};
}

Status ValidateExtensionReason(std::string_view reason) {
  if (IsBlank(reason)) return InvalidArgument("an extension needs a stated reason");
  if (reason.size() > kMaxExtensionReasonBytes) {
    return InvalidArgument("the reason is longer than " + std::to_string(kMaxExtensionReasonBytes) +
                           " bytes");
  }
  if (!IsValidUtf8(reason)) return InvalidArgument("the reason is not valid UTF-8");
  return Status::Ok();
}

Result<Date> ExtendedAnswerDeadline(const DeadlinePolicy& policy, const WorkingCalendar& calendar,
                                    const Date& submitted, std::string_view reason) {
  if (!policy.extended_answer) {
    return Error(ErrorCode::kFailedPrecondition,
                 "the deadline policy '" + policy.name + "' allows no extension");
  }
  CANDOR_RETURN_IF_ERROR(ValidateExtensionReason(reason));
  return AddPeriod(calendar, submitted, *policy.extended_answer);
}

Status ValidateTimeZoneName(std::string_view name) {
  const auto bad = [&] {
    return InvalidArgument(
        "the time zone must be an IANA time zone name such as 'Europe/Brussels' or "
        "'America/New_York'");
  };
  if (name.empty() || name.size() > 64 || name.front() == '/' || name.back() == '/') return bad();
  std::size_t part = 0;
  for (std::size_t i = 0; i <= name.size(); ++i) {
    if (i == name.size() || name[i] == '/') {
      const std::string_view p = name.substr(part, i - part);
      if (p.empty() || p == "." || p == "..") return bad();
      part = i + 1;
      continue;
    }
    const char c = name[i];
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '+' || c == '-';
    if (!ok) return bad();
  }
  return Status::Ok();
}

Status ValidateChannelId(std::string_view id) {
  const bool chars_ok = std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
  if (id.empty() || id.size() > kMaxChannelIdBytes || !chars_ok || id.front() == '-' ||
      id.back() == '-') {
    return InvalidArgument("a channel's id has 1 to " + std::to_string(kMaxChannelIdBytes) +
                           " lowercase letters a-z, digits and '-', not at either end");
  }
  return Status::Ok();
}

const CableChannel* OrganizationSettings::FindChannel(std::string_view id) const {
  auto it = std::find_if(channels.begin(), channels.end(),
                         [&](const CableChannel& c) { return c.id == id; });
  return it == channels.end() ? nullptr : &*it;
}

namespace {

Status ValidateChannels(const std::vector<CableChannel>& channels) {
  if (channels.size() > kMaxCableChannels) {
    return InvalidArgument("at most " + std::to_string(kMaxCableChannels) + " channels");
  }
  std::set<std::string_view> ids;
  for (const auto& c : channels) {
    CANDOR_RETURN_IF_ERROR(ValidateChannelId(c.id));
    if (!ids.insert(c.id).second) {
      return InvalidArgument("two channels have the id '" + c.id + "'");
    }
    CANDOR_RETURN_IF_ERROR(
        ValidateText(c.name, "the name of channel '" + c.id + "'", kMaxChannelNameBytes));
    if (c.reviewers.empty() || c.reviewers.size() > kMaxChannelReviewers) {
      return InvalidArgument("channel '" + c.id + "' must have 1 to " +
                             std::to_string(kMaxChannelReviewers) + " reviewers");
    }
    for (std::size_t i = 0; i < c.reviewers.size(); ++i) {
      if (c.reviewers[i] == 0 || (i > 0 && c.reviewers[i] <= c.reviewers[i - 1])) {
        return InvalidArgument("the reviewers of channel '" + c.id +
                               "' must be account ids (from 1) in increasing order, each once");
      }
    }
  }
  return Status::Ok();
}

Result<std::vector<CableChannel>> ChannelsFromJson(const Json& j) {
  if (!j.is_array() || j.empty()) {
    return InvalidArgument("settings.channels must be a non-empty array (leave it out for none)");
  }
  if (j.size() > kMaxCableChannels) {
    return InvalidArgument("at most " + std::to_string(kMaxCableChannels) + " channels");
  }
  std::vector<CableChannel> out;
  for (const Json& c : j) {
    FieldReader r(c, "settings.channels[]", {"id", "name", "reviewers"});
    CANDOR_RETURN_IF_ERROR(r.Shape());
    CANDOR_ASSIGN_OR_RETURN(const Json* id, r.Value("id"));
    CANDOR_ASSIGN_OR_RETURN(const Json* name, r.Value("name"));
    CANDOR_ASSIGN_OR_RETURN(const Json* reviewers, r.Value("reviewers"));
    if (!id->is_string() || !name->is_string()) {
      return InvalidArgument("a channel's id and name must be strings");
    }
    if (!reviewers->is_array() || reviewers->size() > kMaxChannelReviewers) {
      return InvalidArgument("a channel's reviewers must be an array of at most " +
                             std::to_string(kMaxChannelReviewers) + " account ids");
    }
    CableChannel channel{id->get<std::string>(), name->get<std::string>(), {}};
    for (const Json& a : *reviewers) {
      if (!a.is_number_integer() || (!a.is_number_unsigned() && a.get<std::int64_t>() < 0)) {
        return InvalidArgument("a channel's reviewers must be account ids (whole numbers from 1)");
      }
      channel.reviewers.push_back(a.get<std::uint64_t>());
    }
    out.push_back(std::move(channel));
  }
  return out;
}

}  // namespace

Status ValidateOrganizationSettings(const OrganizationSettings& settings) {
  CANDOR_RETURN_IF_ERROR(ValidateDeadlinePolicy(settings.policy));
  if (settings.min_ring_size < kMinRingSizeFloor || settings.min_ring_size > kMinRingSizeCeiling) {
    return InvalidArgument("the minimum ring size must be between " +
                           std::to_string(kMinRingSizeFloor) + " and " +
                           std::to_string(kMinRingSizeCeiling));
  }
  if (settings.cable_retention_days < 0 || settings.cable_retention_days > kMaxCableRetentionDays) {
    return InvalidArgument("the cable retention period must be between 1 and " +
                           std::to_string(kMaxCableRetentionDays) + " days, or 0 to keep cables");
  }
  CANDOR_RETURN_IF_ERROR(ValidateTimeZoneName(settings.time_zone));
  return ValidateChannels(settings.channels);
}

Json OrganizationSettingsToJson(const OrganizationSettings& settings) {
  Json j{{"policy", DeadlinePolicyToJson(settings.policy)},
         {"min_ring_size", settings.min_ring_size},
         {"use_us_federal_holidays", settings.use_us_federal_holidays}};
  // Written only when set, so that settings from before the field existed keep their text.
  if (settings.cable_retention_days != 0) j["cable_retention_days"] = settings.cable_retention_days;
  if (settings.time_zone != "UTC") j["time_zone"] = settings.time_zone;
  if (!settings.channels.empty()) {
    Json channels = Json::array();
    for (const auto& c : settings.channels) {
      channels.push_back({{"id", c.id}, {"name", c.name}, {"reviewers", c.reviewers}});
    }
    j["channels"] = std::move(channels);
  }
  return j;
}

Result<OrganizationSettings> OrganizationSettingsFromJson(const Json& j) {
  // Every field is required but "cable_retention_days", "time_zone" and "channels" (absent in
  // settings written before them, and left out when at their default).
  FieldReader r(j, "settings",
                {"policy", "min_ring_size", "use_us_federal_holidays", "cable_retention_days",
                 "time_zone", "channels"});
  CANDOR_RETURN_IF_ERROR(r.Shape());
  CANDOR_ASSIGN_OR_RETURN(const Json* policy, r.Value("policy"));
  CANDOR_ASSIGN_OR_RETURN(const Json* min_ring, r.Value("min_ring_size"));
  CANDOR_ASSIGN_OR_RETURN(const Json* holidays, r.Value("use_us_federal_holidays"));
  OrganizationSettings settings;
  if (const Json* retention = r.Find("cable_retention_days")) {
    CANDOR_ASSIGN_OR_RETURN(
        settings.cable_retention_days,
        GetInt(*retention, "settings.cable_retention_days", 0, kMaxCableRetentionDays));
  }
  if (const Json* zone = r.Find("time_zone")) {
    if (!zone->is_string()) return InvalidArgument("settings.time_zone must be a string");
    settings.time_zone = zone->get<std::string>();
    CANDOR_RETURN_IF_ERROR(ValidateTimeZoneName(settings.time_zone));
  }
  if (const Json* channels = r.Find("channels")) {
    CANDOR_ASSIGN_OR_RETURN(settings.channels, ChannelsFromJson(*channels));
  }
  CANDOR_ASSIGN_OR_RETURN(settings.policy, DeadlinePolicyFromJson(*policy));
  CANDOR_ASSIGN_OR_RETURN(settings.min_ring_size, GetInt(*min_ring, "settings.min_ring_size",
                                                         kMinRingSizeFloor, kMinRingSizeCeiling));
  if (!holidays->is_boolean()) {
    return InvalidArgument("settings.use_us_federal_holidays must be true or false");
  }
  settings.use_us_federal_holidays = holidays->get<bool>();
  CANDOR_RETURN_IF_ERROR(ValidateOrganizationSettings(settings));
  return settings;
}

std::string OrganizationSettingsToJsonText(const OrganizationSettings& settings) {
  // Validated text is valid UTF-8, so `replace` never fires; it is there so that dump()
  // cannot throw even if a caller broke the precondition.
  return OrganizationSettingsToJson(settings).dump(-1, ' ', false, Json::error_handler_t::replace);
}

Result<OrganizationSettings> OrganizationSettingsFromJsonText(std::string_view text) {
  // The strict reader: a repeated key, a byte-order mark or bad syntax yields a discarded value.
  Json j = ParseStrictJsonOrDiscarded(text);
  if (j.is_discarded()) return InvalidArgument("the settings are not valid JSON");
  return OrganizationSettingsFromJson(j);
}

Result<OrganizationSettings> OrganizationSettingsFromCanonicalJsonText(std::string_view text) {
  CANDOR_ASSIGN_OR_RETURN(OrganizationSettings settings, OrganizationSettingsFromJsonText(text));
  if (OrganizationSettingsToJsonText(settings) != text) {
    return InvalidArgument("the settings JSON is not in canonical form");
  }
  return settings;
}

Status ValidateUsername(std::string_view name) {
  if (name.empty() || name.size() > 64) return InvalidArgument("a username has 1 to 64 characters");
  for (char c : name) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return InvalidArgument("a username may use only a-z, 0-9, '.', '_' and '-'");
  }
  return Status::Ok();
}

Status ValidateOrganizationSlug(std::string_view slug) {
  if (slug.empty()) return InvalidArgument("the organization's slug is empty");
  if (slug.size() > kMaxSlugChars) {
    return InvalidArgument("the organization's slug is longer than " +
                           std::to_string(kMaxSlugChars) + " characters");
  }
  for (char c : slug) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
      return InvalidArgument(
          "the organization's slug may contain only lowercase letters a-z, digits and '-'");
    }
  }
  if (slug.front() == '-' || slug.back() == '-') {
    return InvalidArgument("the organization's slug may not begin or end with '-'");
  }
  return Status::Ok();
}

Status ValidateOrganizationName(std::string_view name) {
  return ValidateText(name, "the organization's name", kMaxOrganizationNameBytes);
}

bool HasControlCharacter(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

bool IsValidUtf8(std::string_view text) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  auto cont = [&](std::size_t k) { return k < n && (byte(k) & 0xC0) == 0x80; };
  while (i < n) {
    const unsigned char b = byte(i);
    if (b < 0x80) {
      i += 1;
    } else if (b >= 0xC2 && b <= 0xDF) {
      if (!cont(i + 1)) return false;
      i += 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      if (!cont(i + 1) || !cont(i + 2)) return false;
      const unsigned char b1 = byte(i + 1);
      if (b == 0xE0 && b1 < 0xA0) return false;  // overlong
      if (b == 0xED && b1 > 0x9F) return false;  // UTF-16 surrogates
      i += 3;
    } else if (b >= 0xF0 && b <= 0xF4) {
      if (!cont(i + 1) || !cont(i + 2) || !cont(i + 3)) return false;
      const unsigned char b1 = byte(i + 1);
      if (b == 0xF0 && b1 < 0x90) return false;  // overlong
      if (b == 0xF4 && b1 > 0x8F) return false;  // above U+10FFFF
      i += 4;
    } else {
      return false;  // continuation byte first, C0/C1 overlong leads, F5…FF
    }
  }
  return true;
}

}  // namespace candor::domain
