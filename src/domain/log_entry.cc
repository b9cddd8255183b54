#include "domain/log_entry.h"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <vector>

#include "crypto/keys.h"
#include "crypto/ristretto.h"
#include "crypto/transcript.h"
#include "domain/web_release.h"
#include "log/rfc9162.h"

namespace candor::domain {
namespace {

using crypto::AsBytes;
using crypto::ByteSpan;

constexpr std::string_view kOrganizationCreated = "organization-created";
constexpr std::string_view kOrganizationSettings = "organization-settings";
constexpr std::string_view kRosterAdd = "roster-add";
constexpr std::string_view kRosterRemove = "roster-remove";
constexpr std::string_view kReviewerKey = "reviewer-key";
constexpr std::string_view kLetter = "letter";
constexpr std::string_view kCoSignature = "cosignature";
constexpr std::string_view kSignatureBatch = "signature-batch";
constexpr std::string_view kCableEvent = "cable-event";
constexpr std::string_view kReviewer = "reviewer";
constexpr std::string_view kReviewerRemoved = "reviewer-removed";
constexpr std::string_view kRosterEpoch = "roster-epoch";
constexpr std::string_view kWebRelease = "web-release";
constexpr std::string_view kLogState = "log-state";
constexpr std::string_view kStaffAccount = "staff-account";
constexpr std::string_view kOrganizationHolidays = "organization-holidays";
constexpr std::string_view kHolidaysLabel = "candor/v1/holidays";
// No kind has more fields than this (after the kind); parsing stops early on longer input.
constexpr std::size_t kMaxFields = 7;

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

Error Invalid(std::string_view kind, std::string_view message) {
  return InvalidArgument("log entry '" + std::string(kind) + "': " + std::string(message));
}

Status CheckSlug(std::string_view kind, std::string_view slug) {
  auto s = ValidateOrganizationSlug(slug);
  if (!s.ok()) return Invalid(kind, s.error().message());
  return Status::Ok();
}

Status CheckCounter(std::string_view kind, std::string_view what, std::uint64_t value) {
  if (value == 0) return Invalid(kind, std::string(what) + " must be at least 1");
  return Status::Ok();
}

Status CheckBoxKey(std::string_view kind, std::string_view what, const crypto::BoxPublicKey& key) {
  // Canonical and not of small order (crypto::IsValidBoxPublicKey; the all-zero key is of
  // small order): one accepted encoding per key, and a key someone can actually open.
  if (!crypto::IsValidBoxPublicKey(key))
    return Invalid(kind, std::string(what) + " is not a valid X25519 key");
  return Status::Ok();
}

Status CheckRingKey(std::string_view kind, const crypto::Point& key) {
  if (!crypto::IsValidPoint(key)) {
    return Invalid(kind, "the ring key is not a valid ristretto255 point");
  }
  return Status::Ok();
}

Status CheckSettings(std::string_view kind, const OrganizationSettings& settings) {
  auto s = ValidateOrganizationSettings(settings);
  if (!s.ok()) return Invalid(kind, s.error().message());
  return Status::Ok();
}

// A printable rendering of an untrusted kind name for error messages.
std::string Printable(ByteSpan bytes) {
  const bool plain = bytes.size() <= 40 && std::all_of(bytes.begin(), bytes.end(), [](auto b) {
                       return (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '-';
                     });
  if (plain) return "'" + std::string(bytes.begin(), bytes.end()) + "'";
  return "(hex) " + crypto::ToHex(bytes.subspan(0, std::min<std::size_t>(bytes.size(), 32)));
}

// Splits the entry into [label, kind, fields…], with errors that name the log entry.
Result<std::vector<ByteSpan>> SplitEntry(ByteSpan in, std::size_t max_parts) {
  auto parts = crypto::SplitTranscript(in, max_parts);
  if (!parts.ok()) {
    if (parts.error().message().rfind("more than", 0) == 0) {
      return InvalidArgument("log entry has more fields than any kind allows");
    }
    return InvalidArgument("log entry is " + parts.error().message());
  }
  return parts;
}

std::string Text(ByteSpan b) { return {b.begin(), b.end()}; }

Result<std::uint64_t> U64Field(std::string_view kind, std::string_view what, ByteSpan b) {
  if (b.size() != 8) return Invalid(kind, std::string(what) + " must be 8 bytes");
  return crypto::ReadU64Le(b.data());
}

template <typename F>
Result<F> FixedField(std::string_view kind, std::string_view what, ByteSpan b) {
  if (b.size() != F::kSize) {
    return Invalid(kind, std::string(what) + " must be " + std::to_string(F::kSize) + " bytes");
  }
  F out;
  std::copy(b.begin(), b.end(), out.bytes.begin());
  return out;
}

Result<OrganizationSettings> SettingsField(std::string_view kind, ByteSpan b) {
  auto settings = OrganizationSettingsFromCanonicalJsonText(
      std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
  if (!settings.ok()) return Invalid(kind, settings.error().message());
  return std::move(settings).value();
}

Result<LogEvent> DecodeFields(std::string_view kind, const std::vector<ByteSpan>& f) {
  auto count = [&](std::size_t n) -> Status {
    if (f.size() != n) {
      return Invalid(kind,
                     "expected " + std::to_string(n) + " fields, got " + std::to_string(f.size()));
    }
    return Status::Ok();
  };
  if (kind == kOrganizationCreated) {
    CANDOR_RETURN_IF_ERROR(count(4));
    OrganizationCreatedEvent e;
    e.slug = Text(f[0]);
    e.name = Text(f[1]);
    if (f[2].size() != 1 || f[2][0] > 1) {
      return Invalid(kind, "the demo flag must be one byte, 0x00 or 0x01");
    }
    e.demo = f[2][0] == 1;
    CANDOR_ASSIGN_OR_RETURN(e.settings, SettingsField(kind, f[3]));
    return LogEvent(std::move(e));
  }
  if (kind == kOrganizationSettings) {
    CANDOR_RETURN_IF_ERROR(count(2));
    OrganizationSettingsEvent e;
    e.slug = Text(f[0]);
    CANDOR_ASSIGN_OR_RETURN(e.settings, SettingsField(kind, f[1]));
    return LogEvent(std::move(e));
  }
  if (kind == kRosterAdd) {
    CANDOR_RETURN_IF_ERROR(count(4));
    RosterAddEvent e;
    e.slug = Text(f[0]);
    CANDOR_ASSIGN_OR_RETURN(e.version, U64Field(kind, "the version", f[1]));
    CANDOR_ASSIGN_OR_RETURN(e.ring_public, FixedField<crypto::Point>(kind, "the ring key", f[2]));
    CANDOR_ASSIGN_OR_RETURN(e.reply_public,
                            FixedField<crypto::BoxPublicKey>(kind, "the reply key", f[3]));
    return LogEvent(std::move(e));
  }
  if (kind == kRosterRemove) {
    CANDOR_RETURN_IF_ERROR(count(3));
    RosterRemoveEvent e;
    e.slug = Text(f[0]);
    CANDOR_ASSIGN_OR_RETURN(e.version, U64Field(kind, "the version", f[1]));
    CANDOR_ASSIGN_OR_RETURN(e.ring_public, FixedField<crypto::Point>(kind, "the ring key", f[2]));
    return LogEvent(std::move(e));
  }
  if (kind == kReviewerKey) {
    CANDOR_RETURN_IF_ERROR(count(3));
    ReviewerKeyEvent e;
    e.slug = Text(f[0]);
    CANDOR_ASSIGN_OR_RETURN(e.account_id, U64Field(kind, "the account id", f[1]));
    CANDOR_ASSIGN_OR_RETURN(e.box_public,
                            FixedField<crypto::BoxPublicKey>(kind, "the reviewer key", f[2]));
    return LogEvent(std::move(e));
  }
  if (kind == kLetter) {
    CANDOR_RETURN_IF_ERROR(count(2));
    LetterEvent e;
    auto letter = DecodeLetterCanonicalBytes(f[0]);
    if (!letter.ok()) return Invalid(kind, letter.error().message());
    e.letter = std::move(*letter);
    if (f[1].size() != 8 * e.letter.organizations.size()) {
      return Invalid(kind, "the pinned roster versions must be 8 bytes per organization");
    }
    for (std::size_t i = 0; i < e.letter.organizations.size(); ++i) {
      e.roster_versions.push_back(crypto::ReadU64Le(f[1].data() + 8 * i));
    }
    return LogEvent(std::move(e));
  }
  if (kind == kCoSignature) {
    // Five fields for candor-lrs-v1 (as before v2 existed), six with the scheme for v2.
    if (f.size() != 6) CANDOR_RETURN_IF_ERROR(count(5));
    CoSignatureEvent e;
    if (f.size() == 6) {
      if (Text(f[5]) != crypto::kLrs2Scheme) {
        return Invalid(
            kind, "the sixth field must be the scheme '" + std::string(crypto::kLrs2Scheme) + "'");
      }
      e.scheme = RingScheme::kV2;
    }
    CANDOR_ASSIGN_OR_RETURN(e.letter, FixedField<LetterId>(kind, "the letter id", f[0]));
    e.slug = Text(f[1]);
    auto action = ParseSignatureAction(Text(f[2]));
    if (!action.ok()) return Invalid(kind, action.error().message());
    e.action = *action;
    CANDOR_ASSIGN_OR_RETURN(e.ring_digest,
                            FixedField<crypto::Digest32>(kind, "the ring digest", f[3]));
    e.signature.assign(f[4].begin(), f[4].end());
    return LogEvent(std::move(e));
  }
  if (kind == kSignatureBatch) {
    CANDOR_RETURN_IF_ERROR(count(4));
    SignatureBatchEvent e;
    CANDOR_ASSIGN_OR_RETURN(e.letter, FixedField<LetterId>(kind, "the letter id", f[0]));
    CANDOR_ASSIGN_OR_RETURN(e.batch, U64Field(kind, "the batch number", f[1]));
    CANDOR_ASSIGN_OR_RETURN(e.count, U64Field(kind, "the count", f[2]));
    CANDOR_ASSIGN_OR_RETURN(e.published_at_ms, U64Field(kind, "the publication time", f[3]));
    return LogEvent(e);
  }
  if (kind == kCableEvent) {
    CANDOR_RETURN_IF_ERROR(count(6));
    CableLogEvent e;
    e.slug = Text(f[0]);
    CANDOR_ASSIGN_OR_RETURN(e.cable, FixedField<CableId>(kind, "the cable id", f[1]));
    CANDOR_ASSIGN_OR_RETURN(e.seq, U64Field(kind, "the sequence number", f[2]));
    auto action = ParseCableAction(Text(f[3]));
    if (!action.ok()) return Invalid(kind, action.error().message());
    e.action = *action;
    CANDOR_ASSIGN_OR_RETURN(e.digest, FixedField<crypto::Digest32>(kind, "the digest", f[4]));
    if (f[5].size() != 10) return Invalid(kind, "the date must be YYYY-MM-DD");
    auto date = ParseDate(Text(f[5]));
    if (!date.ok()) return Invalid(kind, date.error().message());
    e.date = *date;
    return LogEvent(std::move(e));
  }
  if (kind == kReviewer) {
    CANDOR_RETURN_IF_ERROR(count(5));
    ReviewerEvent e;
    e.slug = Text(f[0]);
    CANDOR_ASSIGN_OR_RETURN(e.version, U64Field(kind, "the version", f[1]));
    CANDOR_ASSIGN_OR_RETURN(e.account_id, U64Field(kind, "the account id", f[2]));
    e.username = Text(f[3]);
    CANDOR_ASSIGN_OR_RETURN(e.box_public,
                            FixedField<crypto::BoxPublicKey>(kind, "the reviewer key", f[4]));
    return LogEvent(std::move(e));
  }
  if (kind == kReviewerRemoved) {
    CANDOR_RETURN_IF_ERROR(count(3));
    ReviewerRemovedEvent e;
    e.slug = Text(f[0]);
    CANDOR_ASSIGN_OR_RETURN(e.version, U64Field(kind, "the version", f[1]));
    CANDOR_ASSIGN_OR_RETURN(e.account_id, U64Field(kind, "the account id", f[2]));
    return LogEvent(std::move(e));
  }
  if (kind == kRosterEpoch) {
    CANDOR_RETURN_IF_ERROR(count(2));
    RosterEpochEvent e;
    e.slug = Text(f[0]);
    CANDOR_ASSIGN_OR_RETURN(e.version, U64Field(kind, "the version", f[1]));
    return LogEvent(std::move(e));
  }
  if (kind == kWebRelease) {
    CANDOR_RETURN_IF_ERROR(count(1));
    return LogEvent(WebReleaseEvent{Text(f[0])});
  }
  if (kind == kLogState) {
    CANDOR_RETURN_IF_ERROR(count(3));
    LogStateEvent e;
    CANDOR_ASSIGN_OR_RETURN(e.size, U64Field(kind, "the size", f[0]));
    CANDOR_ASSIGN_OR_RETURN(e.leaves, U64Field(kind, "the leaf count", f[1]));
    CANDOR_ASSIGN_OR_RETURN(e.root, FixedField<crypto::Digest32>(kind, "the root", f[2]));
    return LogEvent(e);
  }
  if (kind == kStaffAccount) {
    CANDOR_RETURN_IF_ERROR(count(7));
    StaffAccountEvent e;
    e.slug = Text(f[0]);
    CANDOR_ASSIGN_OR_RETURN(e.account_id, U64Field(kind, "the account id", f[1]));
    e.username = Text(f[2]);
    auto change = ParseStaffAccountChange(Text(f[3]));
    if (!change.ok()) return Invalid(kind, change.error().message());
    e.change = *change;
    CANDOR_ASSIGN_OR_RETURN(e.roles, U64Field(kind, "the roles", f[4]));
    if (f[5].size() != 1 || f[5][0] > 1) {
      return Invalid(kind, "the status must be one byte, 0x00 or 0x01");
    }
    e.disabled = f[5][0] == 1;
    CANDOR_ASSIGN_OR_RETURN(e.by, U64Field(kind, "the account that made the change", f[6]));
    return LogEvent(std::move(e));
  }
  if (kind == kOrganizationHolidays) {
    CANDOR_RETURN_IF_ERROR(count(2));
    OrganizationHolidaysEvent e;
    e.slug = Text(f[0]);
    auto parts = crypto::SplitTranscript(f[1], 1 + 2 * kMaxOrganizationHolidays);
    if (!parts.ok()) return Invalid(kind, "the holidays are " + parts.error().message());
    if (parts->empty() || Text((*parts)[0]) != kHolidaysLabel) {
      return Invalid(kind, "the holidays' label is not '" + std::string(kHolidaysLabel) + "'");
    }
    if (parts->size() % 2 != 1) return Invalid(kind, "each holiday is a date and a name");
    for (std::size_t i = 1; i < parts->size(); i += 2) {
      if ((*parts)[i].size() != 10) return Invalid(kind, "a holiday's date must be YYYY-MM-DD");
      auto date = ParseDate(Text((*parts)[i]));
      if (!date.ok()) return Invalid(kind, date.error().message());
      e.holidays.push_back(OrganizationHoliday{*date, Text((*parts)[i + 1])});
    }
    return LogEvent(std::move(e));
  }
  return InvalidArgument("unknown log entry kind");  // unreachable: the caller checked the kind
}

}  // namespace

std::string_view StaffAccountChangeName(StaffAccountChange change) {
  switch (change) {
    case StaffAccountChange::kCreated:
      return "created";
    case StaffAccountChange::kUpdated:
      return "updated";
    case StaffAccountChange::kSecondFactor:
      return "second-factor";
  }
  return "created";  // unreachable
}

Result<StaffAccountChange> ParseStaffAccountChange(std::string_view name) {
  for (auto c : {StaffAccountChange::kCreated, StaffAccountChange::kUpdated,
                 StaffAccountChange::kSecondFactor}) {
    if (StaffAccountChangeName(c) == name) return c;
  }
  return InvalidArgument("the change must be 'created', 'updated' or 'second-factor'");
}

std::string_view LogEventKind(const LogEvent& event) {
  return std::visit(Overloaded{
                        [](const OrganizationCreatedEvent&) { return kOrganizationCreated; },
                        [](const OrganizationSettingsEvent&) { return kOrganizationSettings; },
                        [](const RosterAddEvent&) { return kRosterAdd; },
                        [](const RosterRemoveEvent&) { return kRosterRemove; },
                        [](const ReviewerKeyEvent&) { return kReviewerKey; },
                        [](const LetterEvent&) { return kLetter; },
                        [](const CoSignatureEvent&) { return kCoSignature; },
                        [](const SignatureBatchEvent&) { return kSignatureBatch; },
                        [](const CableLogEvent&) { return kCableEvent; },
                        [](const ReviewerEvent&) { return kReviewer; },
                        [](const ReviewerRemovedEvent&) { return kReviewerRemoved; },
                        [](const RosterEpochEvent&) { return kRosterEpoch; },
                        [](const WebReleaseEvent&) { return kWebRelease; },
                        [](const LogStateEvent&) { return kLogState; },
                        [](const StaffAccountEvent&) { return kStaffAccount; },
                        [](const OrganizationHolidaysEvent&) { return kOrganizationHolidays; },
                    },
                    event);
}

Status ValidateLogEvent(const LogEvent& event) {
  const std::string_view kind = LogEventKind(event);
  return std::visit(
      Overloaded{
          [&](const OrganizationCreatedEvent& e) -> Status {
            CANDOR_RETURN_IF_ERROR(CheckSlug(kind, e.slug));
            auto name = ValidateOrganizationName(e.name);
            if (!name.ok()) return Invalid(kind, name.error().message());
            return CheckSettings(kind, e.settings);
          },
          [&](const OrganizationSettingsEvent& e) -> Status {
            CANDOR_RETURN_IF_ERROR(CheckSlug(kind, e.slug));
            return CheckSettings(kind, e.settings);
          },
          [&](const RosterAddEvent& e) -> Status {
            CANDOR_RETURN_IF_ERROR(CheckSlug(kind, e.slug));
            CANDOR_RETURN_IF_ERROR(CheckCounter(kind, "the version", e.version));
            CANDOR_RETURN_IF_ERROR(CheckRingKey(kind, e.ring_public));
            return CheckBoxKey(kind, "the reply key", e.reply_public);
          },
          [&](const RosterRemoveEvent& e) -> Status {
            CANDOR_RETURN_IF_ERROR(CheckSlug(kind, e.slug));
            CANDOR_RETURN_IF_ERROR(CheckCounter(kind, "the version", e.version));
            return CheckRingKey(kind, e.ring_public);
          },
          [&](const ReviewerKeyEvent& e) -> Status {
            CANDOR_RETURN_IF_ERROR(CheckSlug(kind, e.slug));
            CANDOR_RETURN_IF_ERROR(CheckCounter(kind, "the account id", e.account_id));
            return CheckBoxKey(kind, "the reviewer key", e.box_public);
          },
          [&](const LetterEvent& e) -> Status {
            if (auto v = ValidateLetter(e.letter); !v.ok())
              return Invalid(kind, v.error().message());
            if (e.roster_versions.size() != e.letter.organizations.size()) {
              return Invalid(kind, "one pinned roster version per organization is needed");
            }
            for (auto v : e.roster_versions) {
              CANDOR_RETURN_IF_ERROR(CheckCounter(kind, "a pinned roster version", v));
            }
            return Status::Ok();
          },
          [&](const CoSignatureEvent& e) -> Status {
            CANDOR_RETURN_IF_ERROR(CheckSlug(kind, e.slug));
            if (e.scheme == RingScheme::kV1 &&
                !PlausibleSignatureSize(e.scheme, e.signature.size())) {
              return Invalid(kind, "the signature must be 32·(n+2) bytes for a ring of 1 to " +
                                       std::to_string(kMaxRingSize) + " members");
            }
            if (e.scheme == RingScheme::kV2 &&
                !PlausibleSignatureSize(e.scheme, e.signature.size())) {
              return Invalid(kind, "a candor-lrs-v2 signature must be 32·(10+8m) bytes, 1 ≤ m ≤ " +
                                       std::to_string(crypto::kLrs2MaxDigits));
            }
            return Status::Ok();
          },
          [&](const SignatureBatchEvent& e) -> Status {
            CANDOR_RETURN_IF_ERROR(CheckCounter(kind, "the batch number", e.batch));
            return CheckCounter(kind, "the count", e.count);
          },
          [&](const CableLogEvent& e) -> Status {
            CANDOR_RETURN_IF_ERROR(CheckSlug(kind, e.slug));
            CANDOR_RETURN_IF_ERROR(CheckCounter(kind, "the sequence number", e.seq));
            if (!IsValidDate(e.date) || e.date.year < 1000 || e.date.year > 9999) {
              return Invalid(kind, "the date is not a valid date");
            }
            return Status::Ok();
          },
          [&](const ReviewerEvent& e) -> Status {
            CANDOR_RETURN_IF_ERROR(CheckSlug(kind, e.slug));
            CANDOR_RETURN_IF_ERROR(CheckCounter(kind, "the version", e.version));
            CANDOR_RETURN_IF_ERROR(CheckCounter(kind, "the account id", e.account_id));
            if (auto u = ValidateUsername(e.username); !u.ok())
              return Invalid(kind, u.error().message());
            return CheckBoxKey(kind, "the reviewer key", e.box_public);
          },
          [&](const ReviewerRemovedEvent& e) -> Status {
            CANDOR_RETURN_IF_ERROR(CheckSlug(kind, e.slug));
            CANDOR_RETURN_IF_ERROR(CheckCounter(kind, "the version", e.version));
            return CheckCounter(kind, "the account id", e.account_id);
          },
          [&](const RosterEpochEvent& e) -> Status {
            CANDOR_RETURN_IF_ERROR(CheckSlug(kind, e.slug));
            return CheckCounter(kind, "the version", e.version);
          },
          [&](const WebReleaseEvent& e) -> Status {
            if (auto m = ParseWebManifest(e.manifest); !m.ok())
              return Invalid(kind, m.error().message());
            return Status::Ok();
          },
          [&](const LogStateEvent& e) -> Status {
            // An empty state has the empty tree's root, and no other.
            if (e.leaves == 0 && e.root != tlog::EmptyRoot())
              return Invalid(kind, "an empty state has another root than the empty tree's");
            return Status::Ok();
          },
          [&](const StaffAccountEvent& e) -> Status {
            CANDOR_RETURN_IF_ERROR(CheckSlug(kind, e.slug));
            CANDOR_RETURN_IF_ERROR(CheckCounter(kind, "the account id", e.account_id));
            if (auto u = ValidateUsername(e.username); !u.ok())
              return Invalid(kind, u.error().message());
            if (e.roles == 0 || (e.roles & ~kStaffRolesKnown) != 0) {
              return Invalid(kind, "the roles must be a non-empty set of the known roles (bits " +
                                       std::to_string(kStaffRolesKnown) + ")");
            }
            return Status::Ok();
          },
          [&](const OrganizationHolidaysEvent& e) -> Status {
            CANDOR_RETURN_IF_ERROR(CheckSlug(kind, e.slug));
            if (e.holidays.size() > kMaxOrganizationHolidays) {
              return Invalid(kind,
                             "at most " + std::to_string(kMaxOrganizationHolidays) + " holidays");
            }
            for (std::size_t i = 0; i < e.holidays.size(); ++i) {
              const auto& h = e.holidays[i];
              if (!IsValidDate(h.date) || h.date.year < 1000 || h.date.year > 9999) {
                return Invalid(kind, "a holiday's date is not a valid date");
              }
              if (i > 0 && !(e.holidays[i - 1].date < h.date)) {
                return Invalid(kind, "the holidays must be in increasing order of date, each once");
              }
              if (auto t =
                      ValidateText(h.name, "the name of the holiday on " + FormatDate(h.date), 200);
                  !t.ok())
                return Invalid(kind, t.error().message());
            }
            return Status::Ok();
          },
      },
      event);
}

crypto::Bytes EncodeLogEntry(const LogEvent& event) {
  const std::string_view kind = LogEventKind(event);
  return std::visit(
      Overloaded{
          [&](const OrganizationCreatedEvent& e) {
            const std::string settings = OrganizationSettingsToJsonText(e.settings);
            const std::array<std::uint8_t, 1> demo = {static_cast<std::uint8_t>(e.demo ? 1 : 0)};
            return crypto::Tr(kLogEntryLabel, {AsBytes(kind), AsBytes(e.slug), AsBytes(e.name),
                                               demo, AsBytes(settings)});
          },
          [&](const OrganizationSettingsEvent& e) {
            const std::string settings = OrganizationSettingsToJsonText(e.settings);
            return crypto::Tr(kLogEntryLabel, {AsBytes(kind), AsBytes(e.slug), AsBytes(settings)});
          },
          [&](const RosterAddEvent& e) {
            const auto version = crypto::U64Le(e.version);
            return crypto::Tr(kLogEntryLabel, {AsBytes(kind), AsBytes(e.slug), version,
                                               e.ring_public.span(), e.reply_public.span()});
          },
          [&](const RosterRemoveEvent& e) {
            const auto version = crypto::U64Le(e.version);
            return crypto::Tr(kLogEntryLabel,
                              {AsBytes(kind), AsBytes(e.slug), version, e.ring_public.span()});
          },
          [&](const ReviewerKeyEvent& e) {
            const auto account = crypto::U64Le(e.account_id);
            return crypto::Tr(kLogEntryLabel,
                              {AsBytes(kind), AsBytes(e.slug), account, e.box_public.span()});
          },
          [&](const LetterEvent& e) {
            const crypto::Bytes letter = LetterCanonicalBytes(e.letter);
            crypto::Bytes pins;
            for (auto v : e.roster_versions) {
              const auto le = crypto::U64Le(v);
              pins.insert(pins.end(), le.begin(), le.end());
            }
            return crypto::Tr(kLogEntryLabel, {AsBytes(kind), letter, pins});
          },
          [&](const CoSignatureEvent& e) {
            if (e.scheme == RingScheme::kV1) {
              return crypto::Tr(kLogEntryLabel, {AsBytes(kind), e.letter.span(), AsBytes(e.slug),
                                                 AsBytes(SignatureActionName(e.action)),
                                                 e.ring_digest.span(), e.signature});
            }
            return crypto::Tr(kLogEntryLabel,
                              {AsBytes(kind), e.letter.span(), AsBytes(e.slug),
                               AsBytes(SignatureActionName(e.action)), e.ring_digest.span(),
                               e.signature, AsBytes(RingSchemeName(e.scheme))});
          },
          [&](const SignatureBatchEvent& e) {
            const auto batch = crypto::U64Le(e.batch);
            const auto count = crypto::U64Le(e.count);
            const auto at = crypto::U64Le(e.published_at_ms);
            return crypto::Tr(kLogEntryLabel, {AsBytes(kind), e.letter.span(), batch, count, at});
          },
          [&](const CableLogEvent& e) {
            const auto seq = crypto::U64Le(e.seq);
            const std::string date = FormatDate(e.date);
            return crypto::Tr(kLogEntryLabel,
                              {AsBytes(kind), AsBytes(e.slug), e.cable.span(), seq,
                               AsBytes(CableActionName(e.action)), e.digest.span(), AsBytes(date)});
          },
          [&](const ReviewerEvent& e) {
            const auto version = crypto::U64Le(e.version);
            const auto account = crypto::U64Le(e.account_id);
            return crypto::Tr(kLogEntryLabel, {AsBytes(kind), AsBytes(e.slug), version, account,
                                               AsBytes(e.username), e.box_public.span()});
          },
          [&](const ReviewerRemovedEvent& e) {
            const auto version = crypto::U64Le(e.version);
            const auto account = crypto::U64Le(e.account_id);
            return crypto::Tr(kLogEntryLabel, {AsBytes(kind), AsBytes(e.slug), version, account});
          },
          [&](const RosterEpochEvent& e) {
            const auto version = crypto::U64Le(e.version);
            return crypto::Tr(kLogEntryLabel, {AsBytes(kind), AsBytes(e.slug), version});
          },
          [&](const WebReleaseEvent& e) {
            return crypto::Tr(kLogEntryLabel, {AsBytes(kind), AsBytes(e.manifest)});
          },
          [&](const LogStateEvent& e) {
            const auto size = crypto::U64Le(e.size);
            const auto leaves = crypto::U64Le(e.leaves);
            return crypto::Tr(kLogEntryLabel, {AsBytes(kind), size, leaves, e.root.span()});
          },
          [&](const StaffAccountEvent& e) {
            const auto account = crypto::U64Le(e.account_id);
            const auto roles = crypto::U64Le(e.roles);
            const std::array<std::uint8_t, 1> status = {
                static_cast<std::uint8_t>(e.disabled ? 1 : 0)};
            const auto by = crypto::U64Le(e.by);
            return crypto::Tr(kLogEntryLabel,
                              {AsBytes(kind), AsBytes(e.slug), account, AsBytes(e.username),
                               AsBytes(StaffAccountChangeName(e.change)), roles, status, by});
          },
          [&](const OrganizationHolidaysEvent& e) {
            std::vector<std::string> dates;
            dates.reserve(e.holidays.size());
            for (const auto& h : e.holidays) dates.push_back(FormatDate(h.date));
            std::vector<ByteSpan> parts;
            for (std::size_t i = 0; i < e.holidays.size(); ++i) {
              parts.push_back(AsBytes(dates[i]));
              parts.push_back(AsBytes(e.holidays[i].name));
            }
            const crypto::Bytes holidays = crypto::TrParts(kHolidaysLabel, parts);
            return crypto::Tr(kLogEntryLabel, {AsBytes(kind), AsBytes(e.slug), holidays});
          },
      },
      event);
}

Result<LogEvent> DecodeLogEntry(crypto::ByteSpan entry) {
  CANDOR_ASSIGN_OR_RETURN(std::vector<ByteSpan> parts, SplitEntry(entry, 2 + kMaxFields));
  if (parts.empty() ||
      !std::equal(parts[0].begin(), parts[0].end(), kLogEntryLabel.begin(), kLogEntryLabel.end())) {
    return InvalidArgument("not a Candor log entry (its label is not '" +
                           std::string(kLogEntryLabel) + "')");
  }
  if (parts.size() < 2) return InvalidArgument("log entry has no kind");
  const ByteSpan kind_bytes = parts[1];
  const std::string kind = Text(kind_bytes);
  const bool known = kind == kOrganizationCreated || kind == kOrganizationSettings ||
                     kind == kRosterAdd || kind == kRosterRemove || kind == kReviewerKey ||
                     kind == kLetter || kind == kCoSignature || kind == kSignatureBatch ||
                     kind == kCableEvent || kind == kReviewer || kind == kReviewerRemoved ||
                     kind == kRosterEpoch || kind == kWebRelease || kind == kLogState ||
                     kind == kStaffAccount || kind == kOrganizationHolidays;
  if (!known) {
    return InvalidArgument("unknown log entry kind " + Printable(kind_bytes));
  }
  const std::vector<ByteSpan> fields(parts.begin() + 2, parts.end());
  CANDOR_ASSIGN_OR_RETURN(LogEvent event, DecodeFields(kind, fields));
  CANDOR_RETURN_IF_ERROR(ValidateLogEvent(event));
  // Every field was checked above, so this holds by construction; it is checked anyway
  // because "decodes only if it re-encodes identically" is the property auditors rely on.
  const crypto::Bytes again = EncodeLogEntry(event);
  if (!std::equal(again.begin(), again.end(), entry.begin(), entry.end())) {
    return InvalidArgument("log entry '" + kind + "' is not in canonical form");
  }
  return event;
}

nlohmann::json LogEventToJson(const LogEvent& event) {
  using nlohmann::json;
  json j = std::visit(
      Overloaded{
          [](const OrganizationCreatedEvent& e) {
            return json{{"slug", e.slug},
                        {"name", e.name},
                        {"demo", e.demo},
                        {"settings", OrganizationSettingsToJson(e.settings)}};
          },
          [](const OrganizationSettingsEvent& e) {
            return json{{"slug", e.slug}, {"settings", OrganizationSettingsToJson(e.settings)}};
          },
          [](const RosterAddEvent& e) {
            return json{{"slug", e.slug},
                        {"version", e.version},
                        {"ring_public", crypto::ToHex(e.ring_public)},
                        {"reply_public", crypto::ToHex(e.reply_public)}};
          },
          [](const RosterRemoveEvent& e) {
            return json{{"slug", e.slug},
                        {"version", e.version},
                        {"ring_public", crypto::ToHex(e.ring_public)}};
          },
          [](const ReviewerKeyEvent& e) {
            return json{{"slug", e.slug},
                        {"account_id", e.account_id},
                        {"box_public", crypto::ToHex(e.box_public)}};
          },
          [](const LetterEvent& e) {
            return json{{"letter_id", crypto::ToHex(ComputeLetterId(e.letter))},
                        {"letter", LetterToJson(e.letter)},
                        {"roster_versions", e.roster_versions}};
          },
          [](const CoSignatureEvent& e) {
            json out{{"letter_id", crypto::ToHex(e.letter)},
                     {"slug", e.slug},
                     {"action", SignatureActionName(e.action)},
                     {"ring_digest", crypto::ToHex(e.ring_digest)},
                     {"signature_sha256", crypto::ToHex(crypto::Sha256(e.signature))}};
            // A v1 signature's length gives its bucket's size; a v2 one is over the whole
            // pinned roster, whose size the entry does not say.
            if (e.scheme == RingScheme::kV1) {
              out["ring_size"] = e.signature.size() / 32 - 2;
            } else {
              out["scheme"] = RingSchemeName(e.scheme);
            }
            return out;
          },
          [](const SignatureBatchEvent& e) {
            return json{{"letter_id", crypto::ToHex(e.letter)},
                        {"batch", e.batch},
                        {"count", e.count},
                        {"published_at_ms", e.published_at_ms}};
          },
          [](const CableLogEvent& e) {
            return json{{"slug", e.slug},
                        {"cable_id", crypto::ToHex(e.cable)},
                        {"seq", e.seq},
                        {"action", CableActionName(e.action)},
                        {"digest", crypto::ToHex(e.digest)},
                        {"date", FormatDate(e.date)}};
          },
          [](const ReviewerEvent& e) {
            return json{{"slug", e.slug},
                        {"version", e.version},
                        {"account_id", e.account_id},
                        {"username", e.username},
                        {"box_public", crypto::ToHex(e.box_public)}};
          },
          [](const ReviewerRemovedEvent& e) {
            return json{{"slug", e.slug}, {"version", e.version}, {"account_id", e.account_id}};
          },
          [](const RosterEpochEvent& e) {
            return json{{"slug", e.slug}, {"version", e.version}};
          },
          [](const WebReleaseEvent& e) {
            return json{{"release", crypto::ToHex(WebReleaseId(e.manifest))},
                        {"manifest", e.manifest}};
          },
          [](const LogStateEvent& e) {
            return json{{"size", e.size}, {"leaves", e.leaves}, {"root", crypto::ToHex(e.root)}};
          },
          [](const StaffAccountEvent& e) {
            json roles = json::array();
            if (e.roles & kStaffRoleAdministrator) roles.push_back("administrator");
            if (e.roles & kStaffRoleEnrollmentOfficer) roles.push_back("enrollment_officer");
            if (e.roles & kStaffRoleReviewer) roles.push_back("reviewer");
            return json{{"slug", e.slug},
                        {"account_id", e.account_id},
                        {"username", e.username},
                        {"change", StaffAccountChangeName(e.change)},
                        {"roles", roles},
                        {"disabled", e.disabled},
                        {"by", e.by}};
          },
          [](const OrganizationHolidaysEvent& e) {
            json list = json::array();
            for (const auto& h : e.holidays)
              list.push_back({{"date", FormatDate(h.date)}, {"name", h.name}});
            return json{{"slug", e.slug}, {"holidays", list}};
          },
      },
      event);
  j["kind"] = LogEventKind(event);
  return j;
}

RosterEvent ToRosterEvent(const RosterAddEvent& event) {
  return RosterEvent{event.version, RosterChange::kAdd, event.ring_public, event.reply_public};
}

RosterEvent ToRosterEvent(const RosterRemoveEvent& event) {
  return RosterEvent{event.version, RosterChange::kRemove, event.ring_public, std::nullopt};
}

LogEvent RosterLogEvent(std::string_view slug, const RosterEvent& event) {
  if (event.change == RosterChange::kAdd) {
    return RosterAddEvent{std::string(slug), event.version, event.ring_public,
                          event.reply_public.value_or(crypto::BoxPublicKey{})};
  }
  return RosterRemoveEvent{std::string(slug), event.version, event.ring_public};
}

}  // namespace candor::domain
