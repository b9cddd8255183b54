// An organization's settings: its cable deadline policy, its minimum ring size and whether it
// follows the US federal holiday calendar; and the deadlines of a cable under them.
//
// This is what store::OrganizationRecord::policy_json holds (OrganizationSettingsToJsonText)
// and what the "organization-created" and "organization-settings" log entries carry
// (docs/PROTOCOL.md, "Log entries"). The JSON readers are strict — unknown or missing
// fields, wrong types, fractions, negative or absurd values are errors with a message naming
// the field — because settings arrive from administrators and from the log.
//
// How deadlines are counted (the rule a reader of a cable's clock needs):
//   - Every period runs from the submission date, in the organization's calendar, and the
//     day of submission itself never counts: "2 working days" after a cable submitted on
//     Monday is Wednesday; after one submitted on Friday (or Saturday) it is Tuesday.
//   - Working days skip weekends and the organization's holidays (WorkingCalendar).
//   - Calendar days count every day; a deadline may fall on a weekend or holiday and is not
//     moved, which is the earlier, stricter reading.
//   - Calendar months land on the same day of the month, clamped to the month's end
//     (submitted Nov 30, 3 months → Feb 28/29).
//   - A deadline is the last day on which the action is on time (inclusive).
//
// Everything here is plain values and pure functions: thread-safe, no I/O, no clock.
#ifndef CANDOR_DOMAIN_POLICY_H_
#define CANDOR_DOMAIN_POLICY_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "domain/calendar.h"

namespace candor::domain {

using Json = nlohmann::json;

// The unit of a deadline period.
enum class PeriodUnit { kWorkingDays, kCalendarDays, kCalendarMonths };

// "working-days", "calendar-days", "calendar-months" (the JSON names).
std::string_view PeriodUnitName(PeriodUnit unit);
// The inverse of PeriodUnitName. Error (kInvalidArgument) for any other string.
Result<PeriodUnit> ParsePeriodUnit(std::string_view name);

// A length of time counted from a date: `amount` units.
struct Period {
  int amount = 0;
  PeriodUnit unit = PeriodUnit::kWorkingDays;

  friend bool operator==(const Period&, const Period&) = default;
};

// Limits on a Period's amount (ValidateDeadlinePolicy): at least 1 and at most about a year.
inline constexpr int kMaxWorkingDays = 261;
inline constexpr int kMaxCalendarDays = 366;
inline constexpr int kMaxCalendarMonths = 12;

// The date `period` after `start`, counted as the header describes (the start day never
// counts). REQUIRES: IsValidDate(start); period.amount ≥ 0.
Date AddPeriod(const WorkingCalendar& calendar, const Date& start, const Period& period);

// An organization's cable deadlines. A plain value; ValidateDeadlinePolicy states its rules.
struct DeadlinePolicy {
  // A short label: the preset's name ("dissent-channel", "eu-whistleblowing") or the
  // organization's own. 1 … 64 bytes of UTF-8, no control characters.
  std::string name;
  // Reviewers acknowledge receipt within this period. Days only (working or calendar).
  Period acknowledge;
  // Reviewers answer within this period.
  Period answer;
  // When set, the answer deadline may be extended once, with a stated reason, to this
  // period after submission (not after the first deadline): the same unit as `answer` and
  // longer. Unset: no extension is allowed.
  std::optional<Period> extended_answer;

  friend bool operator==(const DeadlinePolicy&, const DeadlinePolicy&) = default;
};

// The U.S. Department of State's Dissent Channel (2 FAM 070): acknowledge within 2 working
// days, answer within 30 working days, extendable once to 60 working days with a reason.
// Named "dissent-channel". This is the default policy.
DeadlinePolicy DissentChannelPolicy();

// Directive (EU) 2019/1937, Art. 9(1)(b) and (f): acknowledge within 7 calendar days,
// answer within 3 months, no extension. Named "eu-whistleblowing". The Directive counts the
// 3 months from the acknowledgement; counting them from submission, as every Candor period
// is, gives a date that is never later, so it is the compliant reading.
DeadlinePolicy EuWhistleblowingPolicy();

// The preset with this name ("dissent-channel" or "eu-whistleblowing").
// Error (kNotFound) otherwise, listing the presets.
Result<DeadlinePolicy> DeadlinePolicyPreset(std::string_view name);

// Checks the policy's rules: a valid name; every amount between 1 and the unit's maximum
// (kMax…); acknowledgement in days, not months; when acknowledge and answer share a unit, the
// acknowledgement comes first (strictly fewer units); the extended answer, if any, in the
// same unit as the answer and strictly longer.
// Error (kInvalidArgument) naming the first rule broken.
[[nodiscard]] Status ValidateDeadlinePolicy(const DeadlinePolicy& policy);

// {"name": …, "acknowledge": {"amount": 2, "unit": "working-days"},
//  "answer": {…}, "extended_answer": {…} or null}
// REQUIRES: ValidateDeadlinePolicy(policy) is OK (an invalid name could not be written as JSON).
Json DeadlinePolicyToJson(const DeadlinePolicy& policy);

// The inverse of DeadlinePolicyToJson, then ValidateDeadlinePolicy. All four fields are
// required ("extended_answer": null for none); unknown fields, wrong types, fractions and
// out-of-range amounts are errors (kInvalidArgument) whose message names the field.
Result<DeadlinePolicy> DeadlinePolicyFromJson(const Json& j);

// When a cable's reviewers must act.
struct CableDeadlines {
  Date acknowledge_by;  // last day to acknowledge receipt
  Date answer_by;       // last day to answer (before any extension)

  friend bool operator==(const CableDeadlines&, const CableDeadlines&) = default;
};

// The deadlines of a cable submitted on `submitted` (in the organization's time zone; the
// caller converts the submission instant to a civil date), counted in `calendar` from the
// day after submission. REQUIRES: ValidateDeadlinePolicy(policy) is OK and
// IsValidDate(submitted).
CableDeadlines ComputeDeadlines(const DeadlinePolicy& policy, const WorkingCalendar& calendar,
                                const Date& submitted);

// A reason for an extension: not blank (something other than white space), at most
// kMaxExtensionReasonBytes bytes of UTF-8. Error (kInvalidArgument) otherwise.
inline constexpr std::size_t kMaxExtensionReasonBytes = 4096;
[[nodiscard]] Status ValidateExtensionReason(std::string_view reason);

// The answer deadline after the policy's one extension: `extended_answer` after
// `submitted`. The caller records that the extension was used and its reason; this function
// only checks that one is allowed and the reason given.
// Error: kFailedPrecondition when the policy allows no extension; kInvalidArgument when the
// reason is not valid (ValidateExtensionReason).
// REQUIRES: ValidateDeadlinePolicy(policy) is OK and IsValidDate(submitted).
Result<Date> ExtendedAnswerDeadline(const DeadlinePolicy& policy, const WorkingCalendar& calendar,
                                    const Date& submitted, std::string_view reason);

// A channel (topic) of cables with its own reviewers (issue 15): an author picks one, and the
// cable is sealed to that channel's reviewers only (less any the author excludes).
struct CableChannel {
  std::string id;    // ValidateChannelId: 1 … 32 of a-z, 0-9, '-', not starting or ending '-'
  std::string name;  // what authors see: 1 … 100 bytes of UTF-8, no control characters
  // Reviewer account ids, strictly increasing, 1 … kMaxChannelReviewers of them. An id that is
  // not (or no longer) an enabled reviewer with a key simply receives nothing.
  std::vector<std::uint64_t> reviewers;

  friend bool operator==(const CableChannel&, const CableChannel&) = default;
};

inline constexpr std::size_t kMaxCableChannels = 32;
inline constexpr std::size_t kMaxChannelIdBytes = 32;
inline constexpr std::size_t kMaxChannelNameBytes = 100;
inline constexpr std::size_t kMaxChannelReviewers = 256;  // kMaxCableRecipients

[[nodiscard]] Status ValidateChannelId(std::string_view id);

// Everything an organization configures that the domain rules read.
struct OrganizationSettings {
  DeadlinePolicy policy = DissentChannelPolicy();
  // Signers refuse rings smaller than this (CRYPTO.md, "Anonymity depends on the ring").
  int min_ring_size = 20;
  // Whether observed US federal holidays are days off, in addition to the organization's own
  // holiday list (kept by the store).
  bool use_us_federal_holidays = true;
  // Days after a cable is closed at which its ciphertexts are deleted and only the log's hashes
  // remain; 0 keeps cables. Optional in JSON ("cable_retention_days", written only when not 0).
  int cable_retention_days = 0;
  // The organization's IANA time zone (e.g. "Europe/Brussels"): the days of its cables (their
  // receipt, acknowledgement, replies and log entries), its working days and holidays, and so
  // its deadlines and reminders are counted in this zone. Optional in JSON ("time_zone",
  // written only when not "UTC", the zone of settings from before the field existed).
  // ValidateTimeZoneName gives its form; the server also requires a zone its tz database has.
  std::string time_zone = "UTC";
  // The organization's channels, in the order authors see them; empty: none (every cable goes
  // to all reviewers). Optional in JSON ("channels", written only when not empty): ids unique.
  std::vector<CableChannel> channels{};

  // The channel with this id, or nullptr.
  const CableChannel* FindChannel(std::string_view id) const;

  friend bool operator==(const OrganizationSettings&, const OrganizationSettings&) = default;
};

// The form of an IANA time zone name, as every implementation checks it: 1 to 64 bytes of
// A-Z, a-z, 0-9, '_', '+', '-' in parts separated by single '/', no part "." or "..", none
// empty. (Whether the zone exists depends on a tz database; the server checks that too.)
[[nodiscard]] Status ValidateTimeZoneName(std::string_view name);

inline constexpr int kMinRingSizeFloor = 2;
inline constexpr int kMaxCableRetentionDays = 36'600;  // a hundred years
inline constexpr int kMinRingSizeCeiling = 1'000'000;

// The policy is valid and kMinRingSizeFloor ≤ min_ring_size ≤ kMinRingSizeCeiling.
[[nodiscard]] Status ValidateOrganizationSettings(const OrganizationSettings& settings);

// {"policy": {…}, "min_ring_size": 20, "use_us_federal_holidays": true}
// REQUIRES: ValidateOrganizationSettings(settings) is OK.
Json OrganizationSettingsToJson(const OrganizationSettings& settings);

// Strict inverse of OrganizationSettingsToJson (all three fields required), then validated.
Result<OrganizationSettings> OrganizationSettingsFromJson(const Json& j);

// The canonical JSON text: OrganizationSettingsToJson dumped with object keys in byte order,
// no white space, integers in decimal, strings as UTF-8 with only the escapes JSON requires
// (nlohmann::json::dump()). Two equal settings always give the same text; this is the text
// stored in policy_json and carried in log entries.
// REQUIRES: ValidateOrganizationSettings(settings) is OK.
std::string OrganizationSettingsToJsonText(const OrganizationSettings& settings);

// Parses JSON text (e.g. policy_json from the store) strictly.
// Error (kInvalidArgument) when the text is not JSON or not valid settings.
Result<OrganizationSettings> OrganizationSettingsFromJsonText(std::string_view text);

// The same settings with the same rules as OrganizationSettingsFromJsonText, and additionally
// `text` must be exactly the canonical text of the result (as log entries require).
Result<OrganizationSettings> OrganizationSettingsFromCanonicalJsonText(std::string_view text);

// An organization's public slug, as used in URLs, letters and log entries: 1 … 63 characters
// of lowercase ASCII letters, digits and '-', neither first nor last a '-'.
// Error (kInvalidArgument) saying what is wrong.
[[nodiscard]] Status ValidateOrganizationSlug(std::string_view slug);

// An organization's display name: 1 … 200 bytes of UTF-8, not blank, no control characters.
[[nodiscard]] Status ValidateOrganizationName(std::string_view name);

// A staff account's username: 1 to 64 characters of a-z, 0-9, '.', '_' and '-'. Usernames of
// reviewers are logged ("reviewer" entries), so the rule is part of the log's format.
[[nodiscard]] Status ValidateUsername(std::string_view name);

// A short stored label (a name, a policy's name, a holiday): 1 … max_bytes of UTF-8, not
// blank, no control character. `what` names it in the error ("the holiday's name is empty").
[[nodiscard]] Status ValidateText(std::string_view text, std::string_view what,
                                  std::size_t max_bytes);

// True iff `text` is well-formed UTF-8 (no overlong forms, surrogates or code points above
// U+10FFFF).
bool IsValidUtf8(std::string_view text);

// True iff `s` holds an ASCII control character (below 0x20, tab and newlines included, or DEL).
bool HasControlCharacter(std::string_view s);

}  // namespace candor::domain

#endif  // CANDOR_DOMAIN_POLICY_H_
