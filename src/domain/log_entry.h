// The public events Candor appends to its transparency log (candor-log-v1), as canonical
// bytes: the `entry` whose RFC 9162 leaf hash is SHA-256(0x00 || entry).
//
//   entry = tr("candor/v1/log-entry", kind, field_1, …, field_k)
//
// `kind` is an ASCII name and fixes k and the meaning of every field; docs/PROTOCOL.md, "Log
// entries", lists them byte for byte. The server encodes an event in the same transaction as
// the change it records; `candor audit` decodes every entry to display and check it.
//
// Kinds in this version: "organization-created", "organization-settings", "roster-add",
// "roster-remove", "reviewer-key", "letter", "cosignature", "signature-batch", "cable-event",
// "reviewer", "reviewer-removed", "roster-epoch", "web-release", "staff-account",
// "organization-holidays", "log-state".
// A new kind is a new name; an existing kind's fields never change (a change would be a new
// kind).
//
// Everything here is plain values and pure functions: thread-safe, no I/O.
#ifndef CANDOR_DOMAIN_LOG_ENTRY_H_
#define CANDOR_DOMAIN_LOG_ENTRY_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>

#include "base/result.h"
#include "crypto/bytes.h"
#include "domain/cable.h"
#include "domain/letter.h"
#include "domain/policy.h"
#include "domain/roster.h"

namespace candor::domain {

// The transcript label of every log entry.
inline constexpr std::string_view kLogEntryLabel = "candor/v1/log-entry";

// "organization-created": an organization exists, with these settings.
// Fields: slug, name (UTF-8), demo (one byte, 0x00 or 0x01), settings (canonical JSON text,
// OrganizationSettingsToJsonText).
struct OrganizationCreatedEvent {
  std::string slug;
  std::string name;
  bool demo = false;
  OrganizationSettings settings;

  friend bool operator==(const OrganizationCreatedEvent&,
                         const OrganizationCreatedEvent&) = default;
};

// "organization-settings": the organization's settings are now these.
// Fields: slug, settings (canonical JSON text).
struct OrganizationSettingsEvent {
  std::string slug;
  OrganizationSettings settings;

  friend bool operator==(const OrganizationSettingsEvent&,
                         const OrganizationSettingsEvent&) = default;
};

// "roster-add": roster `version` of the organization adds a member's keys.
// Fields: slug, u64le(version), ring public key (32 bytes), reply public key (32 bytes).
struct RosterAddEvent {
  std::string slug;
  std::uint64_t version = 0;
  crypto::Point ring_public;
  crypto::BoxPublicKey reply_public;

  friend bool operator==(const RosterAddEvent&, const RosterAddEvent&) = default;
};

// "roster-remove": roster `version` of the organization removes a member's key.
// Fields: slug, u64le(version), ring public key (32 bytes).
struct RosterRemoveEvent {
  std::string slug;
  std::uint64_t version = 0;
  crypto::Point ring_public;

  friend bool operator==(const RosterRemoveEvent&, const RosterRemoveEvent&) = default;
};

// "reviewer-key": reviewer account `account_id` of the organization now receives cables
// encrypted to this X25519 key (replacing any earlier key of that account).
// Fields: slug, u64le(account_id), X25519 public key (32 bytes).
struct ReviewerKeyEvent {
  std::string slug;
  std::uint64_t account_id = 0;
  crypto::BoxPublicKey box_public;

  friend bool operator==(const ReviewerKeyEvent&, const ReviewerKeyEvent&) = default;
};

// "reviewer": reviewer account `account_id` of the organization, whose username is `username`,
// receives cables encrypted to this X25519 key from now on (replacing any earlier key of that
// account; the server logs it when a reviewer registers a key, and again when a reviewer who
// was removed comes back). Authors' clients read the reviewers a cable is sealed to from these
// entries, and show the names and key fingerprints before sealing (docs/PROTOCOL.md,
// "Organization state"). The older "reviewer-key" kind means the same without a username.
// `version` numbers the organization's reviewer changes ("reviewer" and "reviewer-removed"
// together) 1, 2, 3, … without gaps, so a client can tell when one is left out.
// Fields: slug, u64le(version), u64le(account_id), username (ValidateUsername), X25519 public
// key (32 bytes).
struct ReviewerEvent {
  std::string slug;
  std::uint64_t version = 0;
  std::uint64_t account_id = 0;
  std::string username;
  crypto::BoxPublicKey box_public;

  friend bool operator==(const ReviewerEvent&, const ReviewerEvent&) = default;
};

// "reviewer-removed": reviewer account `account_id` receives no more cables (it was disabled
// or lost the reviewer role). Fields: slug, u64le(version) (as for "reviewer"), u64le(account_id).
struct ReviewerRemovedEvent {
  std::string slug;
  std::uint64_t version = 0;
  std::uint64_t account_id = 0;

  friend bool operator==(const ReviewerRemovedEvent&, const ReviewerRemovedEvent&) = default;
};

// "roster-epoch": from now on, anonymous cables of the organization are signed within roster
// `version` (security review M2). The server logs one at a batch when the roster changed since
// the organization's last epoch, so every member who writes between two batches names the same
// version: it neither dates the writing nor tags the fetch that produced it. Versions of an
// organization's epochs strictly increase, and each was logged before its epoch.
// Fields: slug, u64le(version).
struct RosterEpochEvent {
  std::string slug;
  std::uint64_t version = 0;

  friend bool operator==(const RosterEpochEvent&, const RosterEpochEvent&) = default;
};

// "web-release": the server serves these files to browsers from now on (domain/web_release.h):
// `candor audit --web URL` checks that what a server serves is a logged release.
// Fields: the manifest (ParseWebManifest accepts it).
struct WebReleaseEvent {
  std::string manifest;

  friend bool operator==(const WebReleaseEvent&, const WebReleaseEvent&) = default;
};

// "log-state": what the entries before it hold, committed (docs/PROTOCOL.md, "Log state"):
// `size` is this entry's own index (the number of entries it describes), `leaves` the number of
// state leaves (domain/log_state.h) and `root` their RFC 9162 Merkle tree hash. The server logs
// one as the last entry of every checkpoint, so a bundle or an organization state at a
// checkpoint proves that it leaves out no batch, roster version or reviewer change; a full audit
// recomputes each (domain::LogState::Replay).
// Fields: u64le(size), u64le(leaves), root (32 bytes).
struct LogStateEvent {
  std::uint64_t size = 0;
  std::uint64_t leaves = 0;
  crypto::Digest32 root{};

  friend bool operator==(const LogStateEvent&, const LogStateEvent&) = default;
};

// "letter": a letter is published (frozen), and each organization it names is pinned at a
// roster version; the members of that version are the organization's eligible signers.
// Fields: LetterCanonicalBytes(letter) (itself a transcript), then the pinned versions as
// u64le(v_1) || … || u64le(v_k) in the letter's organization order (8·k bytes).
// The letter id is SHA-256 of the first field.
struct LetterEvent {
  Letter letter;
  std::vector<std::uint64_t> roster_versions;  // one per letter.organizations entry, each ≥ 1

  friend bool operator==(const LetterEvent&, const LetterEvent&) = default;
};

// "cosignature": a published co-signature (or withdrawal) on a letter, made over one of the
// rings of organization `slug` for that letter (docs/PROTOCOL.md, "Rings for a letter").
// Fields: letter id (32 bytes), slug, action ("sign" or "withdraw"), ring digest (32 bytes),
// the signature bytes; for candor-lrs-v2 a sixth field "candor-lrs-v2" follows (a v1 entry
// has five fields, as it always had). v1: 32·(n+2) bytes over a bucket of n keys; v2:
// 32·(10+8m) bytes over the whole roster.
struct CoSignatureEvent {
  LetterId letter;
  std::string slug;
  SignatureAction action = SignatureAction::kSign;
  crypto::Digest32 ring_digest;
  crypto::Bytes signature;
  RingScheme scheme = RingScheme::kV1;

  friend bool operator==(const CoSignatureEvent&, const CoSignatureEvent&) = default;
};

// "signature-batch": closes batch `batch` (1, 2, … per letter) of the letter's co-signatures:
// the `count` "cosignature" entries of the letter right before this entry (in a random order
// chosen by the server) are that batch. `published_at_ms` is the batch's scheduled time, not
// the time of any request.
// Fields: letter id (32 bytes), u64le(batch), u64le(count), u64le(published_at_ms).
struct SignatureBatchEvent {
  LetterId letter;
  std::uint64_t batch = 0;
  std::uint64_t count = 0;
  std::uint64_t published_at_ms = 0;

  friend bool operator==(const SignatureBatchEvent&, const SignatureBatchEvent&) = default;
};

// "cable-event": something happened to a cable (docs/PROTOCOL.md, "Cables").
// Fields: slug, cable id (32 bytes), u64le(seq) (1, 2, … per cable), action (ASCII, e.g.
// "submitted"), digest (32 bytes: CableSubmissionDigest for "submitted", CableMessageDigest for
// an action with a message, all zeros otherwise), date (ASCII "YYYY-MM-DD", the day only).
struct CableLogEvent {
  std::string slug;
  CableId cable;
  std::uint64_t seq = 0;
  CableAction action = CableAction::kSubmitted;
  crypto::Digest32 digest;
  Date date;

  friend bool operator==(const CableLogEvent&, const CableLogEvent&) = default;
};

// The staff roles a "staff-account" entry names, as bits of its `roles` field (the same bits
// the store keeps).
inline constexpr std::uint64_t kStaffRoleAdministrator = 1;
inline constexpr std::uint64_t kStaffRoleEnrollmentOfficer = 2;
inline constexpr std::uint64_t kStaffRoleReviewer = 4;
inline constexpr std::uint64_t kStaffRolesKnown =
    kStaffRoleAdministrator | kStaffRoleEnrollmentOfficer | kStaffRoleReviewer;

// What a "staff-account" entry records.
enum class StaffAccountChange {
  kCreated,       // "created": the account exists, with these roles
  kUpdated,       // "updated": an administrator changed its roles or disabled / enabled it
  kSecondFactor,  // "second-factor": two-step sign-in was turned on, or moved to a new phone
};

std::string_view StaffAccountChangeName(StaffAccountChange change);
Result<StaffAccountChange> ParseStaffAccountChange(std::string_view name);

// "staff-account": staff account `account_id` of the organization, named `username`, now has
// these roles and this status, after `change`, made by account `by` (0: the server's own
// command line: `candor admin bootstrap`, the demo organization). Every change to a staff account
// is public (issue 15, item 7): who can read cables, enroll members or change settings.
// Fields: slug, u64le(account_id), username (ValidateUsername), change (ASCII), u64le(roles)
// (a non-empty subset of kStaffRolesKnown), status (one byte: 0x00 active, 0x01 disabled),
// u64le(by).
struct StaffAccountEvent {
  std::string slug;
  std::uint64_t account_id = 0;
  std::string username;
  StaffAccountChange change = StaffAccountChange::kCreated;
  std::uint64_t roles = 0;
  bool disabled = false;
  std::uint64_t by = 0;

  friend bool operator==(const StaffAccountEvent&, const StaffAccountEvent&) = default;
};

// One day of an organization's holiday calendar.
struct OrganizationHoliday {
  Date date;
  std::string name;  // ValidateText, at most 200 bytes

  friend bool operator==(const OrganizationHoliday&, const OrganizationHoliday&) = default;
};

// "organization-holidays": the organization's holiday calendar (the days that are not working
// days for its cable deadlines) is now exactly these days, in increasing order of date, each
// date once (at most kMaxOrganizationHolidays).
// Fields: slug, holidays = tr("candor/v1/holidays", date_1, name_1, …, date_n, name_n) with
// each date ASCII "YYYY-MM-DD" (n may be 0).
inline constexpr std::size_t kMaxOrganizationHolidays = 1000;
struct OrganizationHolidaysEvent {
  std::string slug;
  std::vector<OrganizationHoliday> holidays;

  friend bool operator==(const OrganizationHolidaysEvent&,
                         const OrganizationHolidaysEvent&) = default;
};

// One log entry's event. (Later kinds will be added as further alternatives.)
using LogEvent = std::variant<OrganizationCreatedEvent, OrganizationSettingsEvent, RosterAddEvent,
                              RosterRemoveEvent, ReviewerKeyEvent, LetterEvent, CoSignatureEvent,
                              SignatureBatchEvent, CableLogEvent, ReviewerEvent,
                              ReviewerRemovedEvent, RosterEpochEvent, WebReleaseEvent,
                              LogStateEvent, StaffAccountEvent, OrganizationHolidaysEvent>;

// The event's kind name, e.g. "roster-add".
std::string_view LogEventKind(const LogEvent& event);

// The rules every encoded event meets, which DecodeLogEntry enforces: a valid slug
// (ValidateOrganizationSlug) and name (ValidateOrganizationName); valid settings
// (ValidateOrganizationSettings); versions and account ids ≥ 1; a ring key that is a valid
// ristretto255 point (crypto::IsValidPoint); X25519 keys valid (crypto::IsValidBoxPublicKey);
// a reviewer's username valid (ValidateUsername); a letter that passes
// ValidateLetter with one pinned version ≥ 1 per organization; a co-signature whose length is
// 32·(n+2) for some n ≥ 1; batch numbers and counts ≥ 1.
// Error (kInvalidArgument) naming the kind and the field.
[[nodiscard]] Status ValidateLogEvent(const LogEvent& event);

// The canonical entry bytes. REQUIRES: ValidateLogEvent(event) is OK — otherwise the bytes
// are still well-defined, but DecodeLogEntry rejects them.
crypto::Bytes EncodeLogEntry(const LogEvent& event);

// Decodes entry bytes strictly: the label must be kLogEntryLabel, the kind known, the number
// of fields and each field's length exactly the kind's, no bytes may follow the last field,
// every field must meet ValidateLogEvent's rules, and the bytes must be exactly
// EncodeLogEntry of the result (so the settings JSON must be in canonical form).
// Error (kInvalidArgument) saying which rule failed; a reserved or unknown kind is named.
// Safe on any input (it is fuzzed: fuzz/log_entry_decode_fuzz.cc).
Result<LogEvent> DecodeLogEntry(crypto::ByteSpan entry);

// A JSON rendering for people and scripts (`candor audit`): {"kind": …, fields…} with keys
// in hex and settings as an object. Not a wire format: the bytes are what is logged.
// REQUIRES: ValidateLogEvent(event) is OK.
nlohmann::json LogEventToJson(const LogEvent& event);

// The roster change a roster entry records (for replaying a roster from the log), and back.
RosterEvent ToRosterEvent(const RosterAddEvent& event);
RosterEvent ToRosterEvent(const RosterRemoveEvent& event);
// REQUIRES: an add carries a reply key (Roster::Apply accepted `event`).
LogEvent RosterLogEvent(std::string_view slug, const RosterEvent& event);

}  // namespace candor::domain

#endif  // CANDOR_DOMAIN_LOG_ENTRY_H_
