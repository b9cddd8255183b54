// Service: organizations, rosters and enrollment, organization states, web releases, the
// batch.
#include "server/app/service.h"

#include <charconv>
#include <limits>
#include <set>

#include "crypto/at_rest.h"
#include "crypto/keys.h"
#include "crypto/lrs.h"
#include "crypto/ristretto.h"
#include "crypto/transcript.h"
#include "domain/calendar.h"
#include "domain/invitation.h"
#include "domain/log_entry.h"
#include "domain/log_state.h"
#include "domain/org_state.h"
#include "domain/policy.h"
#include "domain/roster.h"
#include "log/proof.h"
#include "log/rfc9162.h"
#include "server/app/log_writer.h"
#include "server/app/service_internal.h"
#include "server/app/time_zone.h"

namespace candor::app {

namespace {

using internal::ToBlob;
using Json = nlohmann::json;

// ring_digest (CRYPTO.md "Rings") streamed over stored members, in their order.
Result<crypto::Digest32> StoredRingDigest(const std::vector<store::RosterEventRecord>& members) {
  crypto::Sha256Transcript digest(crypto::kRingDigestLabel);
  for (const auto& m : members) {
    if (m.ring_public.size() != 32)
      return Error(ErrorCode::kCorrupt, "a stored roster key is damaged");
    digest.Add(m.ring_public);
  }
  return digest.Finish();
}

std::vector<crypto::SignPublicKey> WitnessKeys(const ServiceConfig& config) {
  std::vector<crypto::SignPublicKey> keys;
  for (const auto& w : config.witnesses) keys.push_back(w.key);
  return keys;
}

}  // namespace

Service::Service(store::Store& store, const Clock& clock, crypto::Rng& rng,
                 crypto::SignKeyPair log_key, ServiceConfig config)
    : core_(store, clock, rng, std::move(log_key), std::move(config)),
      store_(store),
      clock_(clock),
      config_(core_.config()),
      log_(store, core_.log_key().public_key, WitnessKeys(config_), clock),
      staff_(core_),
      letters_(core_),
      cables_(core_),
      notify_(core_, cables_) {}

Status Service::PrepareOrganizationLog() {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kWrite));
  CANDOR_ASSIGN_OR_RETURN(bool indexed, tx->AnyOrganizationLog());
  CANDOR_ASSIGN_OR_RETURN(std::int64_t size, tx->LogSize());
  if (!indexed && size > 0) {
    // A log written before schema migration 6: find its "reviewer-key" entries once.
    CANDOR_ASSIGN_OR_RETURN(auto orgs, tx->ListOrganizations());
    std::map<std::string, std::int64_t> ids;
    for (const auto& o : orgs) ids[o.slug] = o.id;
    constexpr std::int64_t kStep = 4096;
    for (std::int64_t begin = 0; begin < size; begin += kStep) {
      CANDOR_ASSIGN_OR_RETURN(auto records,
                              tx->ReadLogEntries(begin, std::min(size, begin + kStep)));
      for (const auto& r : records) {
        auto event = domain::DecodeLogEntry(r.entry);
        if (!event.ok()) {
          return Error(ErrorCode::kCorrupt,
                       "log entry " + std::to_string(r.index) + " does not decode");
        }
        const auto* key = std::get_if<domain::ReviewerKeyEvent>(&*event);
        if (key == nullptr || !ids.contains(key->slug)) continue;
        CANDOR_RETURN_IF_ERROR(
            tx->InsertOrganizationLog({r.index, ids[key->slug], "reviewer-key", std::nullopt}));
      }
    }
    // Reviewers disabled (or no longer reviewers) before "reviewer-removed" existed are logged
    // as removed now, so that the logged reviewers are the ones the server seals to.
    for (const auto& o : orgs) {
      CANDOR_ASSIGN_OR_RETURN(auto logged, tx->ListOrganizationLog(o.id, "reviewer-key"));
      CANDOR_ASSIGN_OR_RETURN(auto recipients, core_.RecipientsIn(*tx, o.id));
      std::set<std::uint64_t> seen;
      for (const auto& entry : logged) {
        CANDOR_ASSIGN_OR_RETURN(auto records,
                                tx->ReadLogEntries(entry.log_index, entry.log_index + 1));
        if (records.size() != 1)
          return Error(ErrorCode::kCorrupt, "an indexed log entry is missing");
        auto event = domain::DecodeLogEntry(records[0].entry);
        if (!event.ok() || !std::holds_alternative<domain::ReviewerKeyEvent>(*event)) {
          return Error(ErrorCode::kCorrupt, "an indexed reviewer entry does not decode");
        }
        seen.insert(std::get<domain::ReviewerKeyEvent>(*event).account_id);
      }
      for (std::uint64_t account : seen) {
        const bool receives = std::any_of(recipients.begin(), recipients.end(), [&](const auto& r) {
          return static_cast<std::uint64_t>(r.account_id) == account;
        });
        if (receives) continue;
        CANDOR_ASSIGN_OR_RETURN(std::uint64_t version, core_.NextReviewerVersion(*tx, o.id));
        CANDOR_RETURN_IF_ERROR(core_.LogOrganizationEvent(
            *tx, o.id, domain::ReviewerRemovedEvent{o.slug, version, account}));
      }
    }
  }
  CANDOR_ASSIGN_OR_RETURN(std::size_t epochs, core_.LogRosterEpochs(*tx));
  if (epochs > 0) CANDOR_RETURN_IF_ERROR(core_.SignHead(*tx));
  CANDOR_RETURN_IF_ERROR(core_.MarkCheckpoint(*tx));
  return tx->Commit();
}

namespace {
constexpr std::string_view kWebReleaseSetting = "web-release/log-index";

// The log index a setting holds; kCorrupt for anything but a non-negative decimal number.
Result<std::int64_t> StoredIndex(const std::string& text) {
  std::int64_t value = -1;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) {
    return Error(ErrorCode::kCorrupt, "the stored web release index is damaged");
  }
  return value;
}
}  // namespace

namespace {
// The web release logged last, if any (its manifest and log index).
Result<std::optional<Service::WebReleaseView>> LoggedWebRelease(store::Transaction& tx) {
  CANDOR_ASSIGN_OR_RETURN(auto last, tx.GetSetting(kWebReleaseSetting));
  if (!last || last->empty()) return std::optional<Service::WebReleaseView>();
  CANDOR_ASSIGN_OR_RETURN(const std::int64_t index, StoredIndex(*last));
  CANDOR_ASSIGN_OR_RETURN(auto records, tx.ReadLogEntries(index, index + 1));
  if (records.size() != 1) return Error(ErrorCode::kCorrupt, "the logged web release is missing");
  auto event = domain::DecodeLogEntry(records[0].entry);
  if (!event.ok() || !std::holds_alternative<domain::WebReleaseEvent>(*event)) {
    return Error(ErrorCode::kCorrupt, "the logged web release does not decode");
  }
  return std::optional<Service::WebReleaseView>(Service::WebReleaseView{
      std::get<domain::WebReleaseEvent>(*event).manifest, static_cast<std::uint64_t>(index)});
}
}  // namespace

Status Service::RecordWebRelease(const std::string& manifest) {
  CANDOR_RETURN_IF_ERROR(domain::ValidateLogEvent(domain::WebReleaseEvent{manifest}));
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kWrite));
  CANDOR_ASSIGN_OR_RETURN(auto last, LoggedWebRelease(*tx));
  if (last && last->manifest == manifest) return Status::Ok();
  CANDOR_ASSIGN_OR_RETURN(
      std::uint64_t index,
      core_.Log(*tx, domain::EncodeLogEntry(domain::WebReleaseEvent{manifest})));
  CANDOR_RETURN_IF_ERROR(tx->PutSetting(kWebReleaseSetting, std::to_string(index)));
  return tx->Commit();
}

Result<Service::WebReleaseView> Service::LatestWebRelease() {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
  CANDOR_ASSIGN_OR_RETURN(auto last, LoggedWebRelease(*tx));
  if (!last) return NotFound("this server has logged no web release");
  return *last;
}

Result<std::int64_t> Service::CreateOrganization(const std::string& slug, const std::string& name,
                                                 std::optional<std::string> settings_json,
                                                 bool demo) {
  CANDOR_RETURN_IF_ERROR(domain::ValidateOrganizationSlug(slug));
  CANDOR_RETURN_IF_ERROR(domain::ValidateOrganizationName(name));
  domain::OrganizationSettings settings;
  if (settings_json) {
    CANDOR_ASSIGN_OR_RETURN(settings, domain::OrganizationSettingsFromJsonText(*settings_json));
    CANDOR_RETURN_IF_ERROR(TimeZone::Locate(settings.time_zone));
  }
  std::string canonical = domain::OrganizationSettingsToJsonText(settings);
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kWrite));
  store::OrganizationRecord org{0, slug, name, canonical, demo};
  auto id = tx->InsertOrganization(org);
  if (!id.ok()) {
    if (id.error().code() == ErrorCode::kAlreadyExists) {
      return Error(ErrorCode::kAlreadyExists, "an organization '" + slug + "' already exists");
    }
    return id.error();
  }
  if (settings.use_us_federal_holidays) {
    std::vector<store::HolidayRecord> holidays;
    const int year = domain::CivilFromDays(clock_.NowMs() / 86'400'000).year;
    for (int y = year - 1; y <= year + 2; ++y) {
      for (const auto& h : domain::UsFederalHolidays(y)) {
        holidays.push_back(store::HolidayRecord{*id, domain::FormatDate(h.observed), h.name});
      }
    }
    CANDOR_RETURN_IF_ERROR(tx->ReplaceHolidays(*id, holidays));
  }
  CANDOR_RETURN_IF_ERROR(core_.Log(
      *tx, domain::EncodeLogEntry(domain::OrganizationCreatedEvent{slug, name, demo, settings})));
  // A checkpoint at once, so that the new organization has a leaf in the log state its clients
  // require ("Organization state", rule 7) before the next batch.
  CANDOR_RETURN_IF_ERROR(core_.MarkCheckpoint(*tx));
  CANDOR_RETURN_IF_ERROR(tx->Commit());
  return *id;
}

Result<std::vector<store::OrganizationRecord>> Service::ListOrganizations() {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
  return tx->ListOrganizations();
}

Result<store::OrganizationRecord> Service::GetOrganization(std::string_view slug) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
  return core_.RequireOrganization(*tx, slug);
}

Result<RosterView> Service::GetRoster(std::string_view slug, std::optional<std::int64_t> version) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
  CANDOR_ASSIGN_OR_RETURN(auto org, core_.RequireOrganization(*tx, slug));
  CANDOR_ASSIGN_OR_RETURN(std::int64_t latest, tx->LatestRosterVersion(org.id));
  const std::int64_t v = version.value_or(latest);
  if (version && v < 1) return InvalidArgument("roster versions start at 1");
  if (v > latest) {
    return NotFound("roster version " + std::to_string(v) + " does not exist yet (latest is " +
                    std::to_string(latest) + ")");
  }
  // The members present at v straight from the store (no replay of the history), and the ring
  // digest streamed over them (CRYPTO.md "Rings").
  RosterView view;
  view.organization = org.slug;
  view.version = v;
  CANDOR_ASSIGN_OR_RETURN(view.members, tx->ListRosterMembers(org.id, v));
  CANDOR_ASSIGN_OR_RETURN(view.digest, StoredRingDigest(view.members));
  return view;
}

Result<Service::RosterSummary> Service::GetRosterSummary(std::string_view slug, bool with_digest) {
  return roster_summaries_.GetOrRead(store_, std::make_pair(std::string(slug), with_digest),
                                     [&] { return ReadRosterSummary(slug, with_digest); });
}

Result<Service::RosterSummary> Service::ReadRosterSummary(std::string_view slug, bool with_digest) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
  CANDOR_ASSIGN_OR_RETURN(auto org, core_.RequireOrganization(*tx, slug));
  CANDOR_ASSIGN_OR_RETURN(ServiceCore::RosterTip tip, core_.LatestRoster(*tx, org.id));
  RosterSummary out{tip.version, tip.members, {}};
  if (!with_digest) return out;
  const auto key = std::make_pair(org.id, tip.version);
  {
    std::lock_guard<std::mutex> lock(digest_mu_);
    if (auto it = digests_.find(key); it != digests_.end()) {
      out.digest = it->second;
      return out;
    }
  }
  CANDOR_ASSIGN_OR_RETURN(auto members, tx->ListRosterMembers(org.id, tip.version));
  CANDOR_ASSIGN_OR_RETURN(out.digest, StoredRingDigest(members));
  std::lock_guard<std::mutex> lock(digest_mu_);
  if (digests_.size() >= kDigestCacheEntries) digests_.erase(digests_.begin());
  digests_.emplace(key, out.digest);
  return out;
}

Result<std::vector<store::RosterEventRecord>> Service::RosterHistory(std::string_view slug) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
  CANDOR_ASSIGN_OR_RETURN(auto org, core_.RequireOrganization(*tx, slug));
  CANDOR_ASSIGN_OR_RETURN(std::int64_t latest, tx->LatestRosterVersion(org.id));
  return tx->ListRosterEvents(org.id, latest);
}

Result<EnrollResult> Service::Enroll(std::string_view slug, std::string_view invitation_code,
                                     const crypto::Point& ring_public,
                                     const crypto::BoxPublicKey& reply_public) {
  auto invalid = [] {
    // One answer for unknown, expired and used invitations: nothing to probe.
    return Error(ErrorCode::kPermissionDenied,
                 "this invitation is not valid: it may have expired or been used already. Ask "
                 "your enrollment officer for a new one");
  };
  if (!crypto::IsValidPoint(ring_public)) {
    return InvalidArgument(
        "ring_public is not a valid ristretto255 point (canonical encoding, not the identity)");
  }
  if (!crypto::IsValidBoxPublicKey(reply_public)) {
    return InvalidArgument(
        "reply_public is not a valid X25519 key (canonical encoding, not of small order)");
  }
  auto normalized = domain::NormalizeInvitationCode(invitation_code);
  if (!normalized.ok()) return normalized.error();
  crypto::Digest32 code_hash = domain::InvitationCodeHash(*normalized);
  store::Blob hash_blob = ToBlob(code_hash.span());

  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kWrite));
  CANDOR_ASSIGN_OR_RETURN(auto org, core_.RequireOrganization(*tx, slug));
  CANDOR_ASSIGN_OR_RETURN(auto invitation, tx->FindInvitation(hash_blob));
  if (!invitation || invitation->organization_id != org.id || invitation->redeemed ||
      invitation->expires_at_ms <= clock_.NowMs()) {
    return invalid();
  }
  // O(log n) whatever the roster's size (issue 12): the latest version and its size, and whether
  // the key ever joined, from indexed rows — no replay of the roster.
  CANDOR_ASSIGN_OR_RETURN(ServiceCore::RosterTip tip, core_.LatestRoster(*tx, org.id));
  CANDOR_ASSIGN_OR_RETURN(auto known, tx->FindRosterKey(org.id, ToBlob(ring_public.span())));
  if (known) {
    return Error(ErrorCode::kAlreadyExists,
                 "this key is already on the roster, or was removed from it: make a new key");
  }
  const std::int64_t version = tip.version + 1;
  const std::int64_t size = tip.members + 1;
  CANDOR_RETURN_IF_ERROR(tx->MarkInvitationRedeemed(hash_blob));
  CANDOR_ASSIGN_OR_RETURN(std::uint64_t index,
                          core_.Log(*tx, domain::EncodeLogEntry(domain::RosterAddEvent{
                                             org.slug, static_cast<std::uint64_t>(version),
                                             ring_public, reply_public})));
  store::RosterEventRecord record{org.id,
                                  version,
                                  store::RosterAction::kAdd,
                                  ToBlob(ring_public.span()),
                                  ToBlob(reply_public.span()),
                                  static_cast<std::int64_t>(index),
                                  size};
  CANDOR_RETURN_IF_ERROR(tx->InsertRosterEvent(record));
  CANDOR_RETURN_IF_ERROR(tx->Commit());
  return EnrollResult{version, size, index};
}

Result<EnrollResult> Service::RemoveMember(const Principal& who, std::string_view slug,
                                           const crypto::Point& ring_public) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kWrite));
  CANDOR_ASSIGN_OR_RETURN(auto org, core_.Authorize(*tx, who, slug, store::kRoleEnrollmentOfficer));
  const store::Blob key = ToBlob(ring_public.span());
  CANDOR_ASSIGN_OR_RETURN(auto added, tx->FindRosterKey(org.id, key));
  CANDOR_ASSIGN_OR_RETURN(bool removed, tx->RosterKeyRemoved(org.id, key));
  if (!added || removed) return NotFound("that key is not on the roster");
  CANDOR_ASSIGN_OR_RETURN(ServiceCore::RosterTip tip, core_.LatestRoster(*tx, org.id));
  const std::int64_t version = tip.version + 1;
  const std::int64_t size = tip.members - 1;
  CANDOR_ASSIGN_OR_RETURN(
      std::uint64_t index,
      core_.Log(*tx, domain::EncodeLogEntry(domain::RosterRemoveEvent{
                         org.slug, static_cast<std::uint64_t>(version), ring_public})));
  CANDOR_RETURN_IF_ERROR(
      tx->InsertRosterEvent(store::RosterEventRecord{org.id,
                                                     version,
                                                     store::RosterAction::kRemove,
                                                     key,
                                                     {},
                                                     static_cast<std::int64_t>(index),
                                                     size}));
  CANDOR_RETURN_IF_ERROR(tx->Commit());
  return EnrollResult{version, size, index};
}

Result<std::size_t> Service::PublishBatch() {
  CANDOR_ASSIGN_OR_RETURN(std::size_t published, PublishBatchIn());
  // After the commit, no copy of the rows in arrival order may outlive the batch: the WAL is
  // checkpointed and truncated (SQLite) or the dead row versions vacuumed (PostgreSQL).
  CANDOR_RETURN_IF_ERROR(store_.Compact());
  return published;
}

Result<std::size_t> Service::PublishBatchIn() {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kWrite));
  CANDOR_ASSIGN_OR_RETURN(LetterService::Published signatures, letters_.PublishWaiting(*tx));
  CANDOR_ASSIGN_OR_RETURN(std::size_t cables, cables_.PublishWaiting(*tx));
  CANDOR_ASSIGN_OR_RETURN(std::size_t follow_ups, cables_.PublishFollowUps(*tx));
  std::size_t published = signatures.published + cables + follow_ups;
  // Roster epochs change only at a batch, so every cable written between two batches names
  // the same roster version (security review M2).
  CANDOR_ASSIGN_OR_RETURN(std::size_t epochs, core_.LogRosterEpochs(*tx));
  if (published > 0 || epochs > 0) CANDOR_RETURN_IF_ERROR(core_.SignHead(*tx));
  // Witnesses cosign the head as of this batch (docs/PROTOCOL.md, "Witnesses").
  CANDOR_ASSIGN_OR_RETURN(bool checkpoint, core_.MarkCheckpoint(*tx));
  if (published == 0 && epochs == 0 && !signatures.changed && !checkpoint) return std::size_t{0};
  CANDOR_RETURN_IF_ERROR(tx->Commit());
  return published;
}

Result<Json> Service::OrganizationState(std::string_view slug, const BundlePage& page) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
  CANDOR_ASSIGN_OR_RETURN(auto org, core_.RequireOrganization(*tx, slug));
  CANDOR_ASSIGN_OR_RETURN(auto sth, core_.PagedTreeHead(*tx, page));
  std::vector<std::int64_t> indices;
  CANDOR_ASSIGN_OR_RETURN(auto events,
                          tx->ListRosterEvents(org.id, std::numeric_limits<std::int64_t>::max()));
  indices.reserve(events.size());
  for (const auto& e : events) indices.push_back(e.log_index);
  CANDOR_ASSIGN_OR_RETURN(auto others, tx->ListOrganizationLog(org.id, ""));
  for (const auto& e : others) indices.push_back(e.log_index);
  // The log state of the newest checkpoint at or below the head whose leaves are kept, with
  // the organization's leaf (docs/PROTOCOL.md, "Organization state", rule 7).
  Json state_json;
  CANDOR_ASSIGN_OR_RETURN(auto checkpoints, tx->ListCheckpoints(kKeptLogStates));
  for (std::int64_t size : checkpoints) {
    if (static_cast<std::uint64_t>(size) > sth.head.size) continue;
    CANDOR_ASSIGN_OR_RETURN(auto stored, tx->FindLogState(size));
    if (!stored) break;
    CANDOR_ASSIGN_OR_RETURN(auto leaves, domain::UnpackStateLeaves(*stored));
    CANDOR_ASSIGN_OR_RETURN(auto proof, domain::ProveOrganizationLeaf(leaves, org.slug));
    state_json = domain::StateLeafProofToJson(proof);
    indices.push_back(size - 1);
    break;
  }
  CANDOR_ASSIGN_OR_RETURN(Json out, core_.ProvenEntriesPage(*tx, sth, std::move(indices), page));
  out["format"] = domain::kOrgStateFormat;
  out["organization"] = org.slug;
  if (!state_json.is_null()) out["state"] = std::move(state_json);
  return out;
}

}  // namespace candor::app
