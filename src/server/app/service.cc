// Service: organizations, rosters, enrollment, staff actions and log reads.
#include "server/app/service.h"

#include <charconv>
#include <set>
#include <thread>

#include "crypto/at_rest.h"
#include "crypto/keys.h"
#include "crypto/lrs.h"
#include "crypto/ristretto.h"
#include "crypto/transcript.h"
#include "domain/calendar.h"
#include "domain/invitation.h"
#include "domain/log_entry.h"
#include "domain/log_state.h"
#include "domain/policy.h"
#include "domain/roster.h"
#include "log/proof.h"
#include "log/rfc9162.h"
#include "server/app/log_writer.h"
#include "server/app/service_internal.h"

namespace candor::app {
namespace internal {

store::Blob ToBlob(crypto::ByteSpan b) { return store::Blob(b.begin(), b.end()); }

bool ReceivesCables(const store::AccountRecord& account) {
  return !account.disabled && (account.roles & store::kRoleReviewer) != 0 &&
         account.reviewer_box_public.has_value();
}

Result<domain::Roster> LoadRoster(store::Transaction& tx, std::int64_t org_id) {
  CANDOR_ASSIGN_OR_RETURN(std::int64_t latest, tx.LatestRosterVersion(org_id));
  CANDOR_ASSIGN_OR_RETURN(auto records, tx.ListRosterEvents(org_id, latest));
  std::vector<domain::RosterEvent> events;
  events.reserve(records.size());
  for (const auto& r : records) {
    domain::RosterEvent e;
    e.version = static_cast<std::uint64_t>(r.version);
    e.change = r.action == store::RosterAction::kAdd ? domain::RosterChange::kAdd
                                                     : domain::RosterChange::kRemove;
    auto ring = crypto::FixedFromBytes<crypto::Point>(r.ring_public, "ring key");
    if (!ring.ok()) return Error(ErrorCode::kCorrupt, "a stored roster key is damaged");
    e.ring_public = *ring;
    if (!r.box_public.empty()) {
      auto reply = crypto::FixedFromBytes<crypto::BoxPublicKey>(r.box_public, "reply key");
      if (!reply.ok()) return Error(ErrorCode::kCorrupt, "a stored reply key is damaged");
      e.reply_public = *reply;
    }
    events.push_back(e);
  }
  auto roster = domain::Roster::Replay(events);
  if (!roster.ok()) return roster.error().WithContext("stored roster");
  return roster;
}

Result<std::vector<crypto::Point>> RosterMembersAt(store::Transaction& tx, std::int64_t org_id,
                                                   std::int64_t version) {
  CANDOR_ASSIGN_OR_RETURN(auto rows, tx.ListRosterMembers(org_id, version));
  std::vector<crypto::Point> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    auto key = crypto::FixedFromBytes<crypto::Point>(r.ring_public, "ring key");
    if (!key.ok()) return Error(ErrorCode::kCorrupt, "a stored roster key is damaged");
    out.push_back(*key);
  }
  return out;
}

}  // namespace internal

namespace {

using internal::ToBlob;

Error NotFound(const std::string& what) { return Error(ErrorCode::kNotFound, what); }

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
    : store_(store),
      clock_(clock),
      rng_(rng),
      log_key_(std::move(log_key)),
      reviewer_proof_key_(
          crypto::DeriveBoxKeyPair(log_key_.secret_key, "candor/v1/reviewer-key-verifier")),
      totp_key_(crypto::DeriveAtRestKey(log_key_.secret_key, "candor/v1/totp-at-rest")),
      config_(std::move(config)),
      log_(store, log_key_.public_key, WitnessKeys(config_), clock),
      password_gate_(config_.password_slots != 0
                         ? config_.password_slots
                         : std::max<std::size_t>(2, std::thread::hardware_concurrency() > 1
                                                        ? std::thread::hardware_concurrency() - 1
                                                        : 1),
                     std::max<std::size_t>(1, config_.password_slots_per_source)) {}

Result<std::uint64_t> Service::Log(store::Transaction& tx, const crypto::Bytes& entry) {
  CANDOR_ASSIGN_OR_RETURN(std::uint64_t index, AppendLogEntry(tx, entry));
  CANDOR_RETURN_IF_ERROR(SignAndStoreTreeHead(tx, log_key_, clock_));
  return index;
}

Status Service::LogOrganizationEvent(store::Transaction& tx, std::int64_t org_id,
                                     const domain::LogEvent& event) {
  CANDOR_ASSIGN_OR_RETURN(std::uint64_t index, Log(tx, domain::EncodeLogEntry(event)));
  store::OrganizationLogRecord rec{static_cast<std::int64_t>(index), org_id,
                                   std::string(domain::LogEventKind(event)), std::nullopt};
  if (const auto* epoch = std::get_if<domain::RosterEpochEvent>(&event)) {
    rec.version = static_cast<std::int64_t>(epoch->version);
  }
  return tx.InsertOrganizationLog(rec);
}

Result<std::size_t> Service::LogRosterEpochs(store::Transaction& tx) {
  CANDOR_ASSIGN_OR_RETURN(auto orgs, tx.ListOrganizations());
  std::size_t logged = 0;
  for (const auto& org : orgs) {
    CANDOR_ASSIGN_OR_RETURN(std::int64_t latest, tx.LatestRosterVersion(org.id));
    if (latest == 0) continue;
    CANDOR_ASSIGN_OR_RETURN(
        auto epochs,
        tx.LatestOrganizationLog(org.id, domain::LogEventKind(domain::RosterEpochEvent{}), 1));
    if (!epochs.empty() && epochs.front().version == latest) continue;
    CANDOR_RETURN_IF_ERROR(LogOrganizationEvent(
        tx, org.id, domain::RosterEpochEvent{org.slug, static_cast<std::uint64_t>(latest)}));
    ++logged;
  }
  return logged;
}

Result<std::vector<std::uint64_t>> Service::CurrentRosterEpochs(store::Transaction& tx,
                                                                std::int64_t org_id) {
  CANDOR_ASSIGN_OR_RETURN(
      auto epochs,
      tx.LatestOrganizationLog(org_id, domain::LogEventKind(domain::RosterEpochEvent{}), 2));
  std::vector<std::uint64_t> out;
  for (const auto& e : epochs) {
    if (!e.version) return Error(ErrorCode::kCorrupt, "a stored roster epoch has no version");
    out.push_back(static_cast<std::uint64_t>(*e.version));
  }
  return out;
}

Status Service::LogReviewerChange(store::Transaction& tx, const store::OrganizationRecord& org,
                                  const store::AccountRecord& before,
                                  const store::AccountRecord& after) {
  const bool was = internal::ReceivesCables(before);
  const bool is = internal::ReceivesCables(after);
  if (is && (!was || before.reviewer_box_public != after.reviewer_box_public)) {
    CANDOR_ASSIGN_OR_RETURN(auto key, crypto::FixedFromBytes<crypto::BoxPublicKey>(
                                          *after.reviewer_box_public, "reviewer key"));
    CANDOR_ASSIGN_OR_RETURN(std::uint64_t version, NextReviewerVersion(tx, org.id));
    return LogOrganizationEvent(
        tx, org.id,
        domain::ReviewerEvent{org.slug, version, static_cast<std::uint64_t>(after.id),
                              after.username, key});
  }
  if (was && !is) {
    CANDOR_ASSIGN_OR_RETURN(std::uint64_t version, NextReviewerVersion(tx, org.id));
    return LogOrganizationEvent(
        tx, org.id,
        domain::ReviewerRemovedEvent{org.slug, version, static_cast<std::uint64_t>(after.id)});
  }
  return Status::Ok();
}

Result<std::uint64_t> Service::NextReviewerVersion(store::Transaction& tx, std::int64_t org_id) {
  CANDOR_ASSIGN_OR_RETURN(
      auto added, tx.ListOrganizationLog(org_id, domain::LogEventKind(domain::ReviewerEvent{})));
  CANDOR_ASSIGN_OR_RETURN(
      auto removed,
      tx.ListOrganizationLog(org_id, domain::LogEventKind(domain::ReviewerRemovedEvent{})));
  return static_cast<std::uint64_t>(added.size() + removed.size()) + 1;
}

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
        if (!event.ok())
          return Error(ErrorCode::kCorrupt,
                       "log entry " + std::to_string(r.index) + " does not decode");
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
      CANDOR_ASSIGN_OR_RETURN(auto recipients, RecipientsIn(*tx, o.id));
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
        CANDOR_ASSIGN_OR_RETURN(std::uint64_t version, NextReviewerVersion(*tx, o.id));
        CANDOR_RETURN_IF_ERROR(LogOrganizationEvent(
            *tx, o.id, domain::ReviewerRemovedEvent{o.slug, version, account}));
      }
    }
  }
  CANDOR_ASSIGN_OR_RETURN(std::size_t epochs, LogRosterEpochs(*tx));
  if (epochs > 0) CANDOR_RETURN_IF_ERROR(SignAndStoreTreeHead(*tx, log_key_, clock_));
  CANDOR_RETURN_IF_ERROR(MarkCheckpoint(*tx));
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
  CANDOR_ASSIGN_OR_RETURN(std::uint64_t index,
                          Log(*tx, domain::EncodeLogEntry(domain::WebReleaseEvent{manifest})));
  CANDOR_RETURN_IF_ERROR(tx->PutSetting(kWebReleaseSetting, std::to_string(index)));
  return tx->Commit();
}

Result<Service::WebReleaseView> Service::LatestWebRelease() {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
  CANDOR_ASSIGN_OR_RETURN(auto last, LoggedWebRelease(*tx));
  if (!last) return NotFound("this server has logged no web release");
  return *last;
}

Result<bool> Service::MarkCheckpoint(store::Transaction& tx) {
  CANDOR_ASSIGN_OR_RETURN(auto head, app::LatestTreeHead(tx));
  if (!head || head->head.size == 0) return false;
  CANDOR_ASSIGN_OR_RETURN(auto last, tx.ListCheckpoints(1));
  // The state the newest checkpoint committed to, when the server kept it: the log state is
  // then the replay of the entries since (its own `log-state` entry included, which checks it).
  domain::LogState state;
  std::uint64_t from = 0;
  if (!last.empty()) {
    CANDOR_ASSIGN_OR_RETURN(auto stored, tx.FindLogState(last.front()));
    CANDOR_ASSIGN_OR_RETURN(auto last_head, tx.FindTreeHead(last.front()));
    if (!last_head) return Error(ErrorCode::kCorrupt, "a checkpoint has no signed tree head");
    const bool grew = static_cast<std::uint64_t>(last.front()) < head->head.size;
    // An honest log makes a checkpoint at least daily, so clients can tell a frozen view
    // (docs/PROTOCOL.md, "Log state").
    constexpr std::int64_t kMaxCheckpointAgeMs = 24 * 3600 * 1000;
    const bool stale = clock_.NowMs() - last_head->timestamp_ms >= kMaxCheckpointAgeMs;
    if (stored && !grew && !stale) return false;
    if (stored) {
      CANDOR_ASSIGN_OR_RETURN(auto leaves, domain::UnpackStateLeaves(*stored));
      CANDOR_ASSIGN_OR_RETURN(state, domain::LogState::FromLeaves(leaves));
      from = static_cast<std::uint64_t>(last.front()) - 1;
    }
  }
  // Replays what the log gained since, with the auditor's own code (domain::LogState::Replay),
  // so that what the server commits to is what a full audit recomputes.
  constexpr std::uint64_t kStep = 4096;
  for (std::uint64_t begin = from; begin < head->head.size; begin += kStep) {
    const std::uint64_t end = std::min(head->head.size, begin + kStep);
    CANDOR_ASSIGN_OR_RETURN(auto records, tx.ReadLogEntries(static_cast<std::int64_t>(begin),
                                                            static_cast<std::int64_t>(end)));
    if (records.size() != end - begin) return Error(ErrorCode::kCorrupt, "log entries are missing");
    for (const auto& r : records) {
      auto event = domain::DecodeLogEntry(r.entry);
      if (!event.ok())
        return Error(ErrorCode::kCorrupt,
                     "log entry " + std::to_string(r.index) + " does not decode");
      if (Status s = state.Replay(static_cast<std::uint64_t>(r.index), *event); !s.ok()) {
        return Error(ErrorCode::kCorrupt, s.error().message());
      }
    }
  }
  const std::uint64_t size = head->head.size;
  CANDOR_ASSIGN_OR_RETURN(std::uint64_t index, Log(tx, domain::EncodeLogEntry(state.Commit(size))));
  // The entry commits to the `size` entries before it, so it must be entry `size` itself.
  if (index != size) return Error(ErrorCode::kCorrupt, "the log grew without a signed tree head");
  const auto checkpoint = static_cast<std::int64_t>(size + 1);
  CANDOR_RETURN_IF_ERROR(tx.InsertCheckpoint(checkpoint));
  CANDOR_RETURN_IF_ERROR(
      tx.InsertLogState(checkpoint, ToBlob(domain::PackStateLeaves(state.Leaves()))));
  // Keep the leaves of the newest kKeptLogStates checkpoints and of those of the last
  // kKeptLogStatesMs; drop the rest.
  CANDOR_ASSIGN_OR_RETURN(auto kept, tx.ListCheckpoints(kKeptLogStates));
  if (kept.size() == static_cast<std::size_t>(kKeptLogStates)) {
    CANDOR_RETURN_IF_ERROR(tx.DeleteLogStates(kept.back(), clock_.NowMs() - kKeptLogStatesMs));
  }
  return true;
}

Result<store::OrganizationRecord> Service::RequireOrganization(store::Transaction& tx,
                                                               std::string_view slug) {
  CANDOR_ASSIGN_OR_RETURN(auto org, tx.FindOrganizationBySlug(slug));
  if (!org) return NotFound("there is no organization '" + std::string(slug) + "'");
  return *org;
}

Result<store::OrganizationRecord> Service::Authorize(store::Transaction& tx, const Principal& who,
                                                     std::string_view slug, std::uint32_t role) {
  // Tenancy first: staff of one organization never learn anything about another's data,
  // not even whether it exists.
  if (slug != who.organization_slug) {
    return Error(ErrorCode::kPermissionDenied, "your account belongs to another organization");
  }
  CANDOR_ASSIGN_OR_RETURN(auto org, RequireOrganization(tx, slug));
  if (org.id != who.account.organization_id) {
    return Error(ErrorCode::kPermissionDenied, "your account belongs to another organization");
  }
  if (role != 0 && !who.HasRole(role)) {
    return Error(ErrorCode::kPermissionDenied, "your account does not have the role this needs");
  }
  return org;
}

Result<std::int64_t> Service::CreateOrganization(const std::string& slug, const std::string& name,
                                                 std::optional<std::string> settings_json,
                                                 bool demo) {
  CANDOR_RETURN_IF_ERROR(domain::ValidateOrganizationSlug(slug));
  CANDOR_RETURN_IF_ERROR(domain::ValidateOrganizationName(name));
  domain::OrganizationSettings settings;
  if (settings_json) {
    CANDOR_ASSIGN_OR_RETURN(settings, domain::OrganizationSettingsFromJsonText(*settings_json));
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
  CANDOR_RETURN_IF_ERROR(Log(
      *tx, domain::EncodeLogEntry(domain::OrganizationCreatedEvent{slug, name, demo, settings})));
  // A checkpoint at once, so that the new organization has a leaf in the log state its clients
  // require ("Organization state", rule 7) before the next batch.
  CANDOR_RETURN_IF_ERROR(MarkCheckpoint(*tx));
  CANDOR_RETURN_IF_ERROR(tx->Commit());
  return *id;
}

Result<std::vector<store::OrganizationRecord>> Service::ListOrganizations() {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
  return tx->ListOrganizations();
}

Result<store::OrganizationRecord> Service::GetOrganization(std::string_view slug) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
  return RequireOrganization(*tx, slug);
}

Result<RosterView> Service::GetRoster(std::string_view slug, std::optional<std::int64_t> version) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
  CANDOR_ASSIGN_OR_RETURN(auto org, RequireOrganization(*tx, slug));
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

namespace {

// What `make` builds from the members of (org_id, version), kept in `cache` under that key and
// weighed by the members: a roster version never changes, so neither does the value.
template <class V, class Make>
Result<std::shared_ptr<const V>> CachedForVersion(
    WeightedCache<std::pair<std::int64_t, std::int64_t>, V>& cache, store::Transaction& tx,
    std::int64_t org_id, std::int64_t version, Make make) {
  const auto key = std::make_pair(org_id, version);
  if (auto hit = cache.Get(key)) return hit;
  CANDOR_ASSIGN_OR_RETURN(auto members, internal::RosterMembersAt(tx, org_id, version));
  CANDOR_ASSIGN_OR_RETURN(V made, make(members));
  auto value = std::make_shared<const V>(std::move(made));
  cache.Put(key, value, members.size());
  return value;
}

}  // namespace

Result<std::shared_ptr<const std::vector<crypto::Ring>>> Service::RingsAt(store::Transaction& tx,
                                                                          std::int64_t org_id,
                                                                          std::int64_t version) {
  return CachedForVersion(
      version_rings_, tx, org_id, version,
      [&](const std::vector<crypto::Point>& members) -> Result<std::vector<crypto::Ring>> {
        auto made = domain::RosterRings(members, config_.max_ring_size);
        if (!made.ok())
          return Error(ErrorCode::kCorrupt, "a stored roster version does not make a valid ring");
        return made;
      });
}

Result<std::shared_ptr<const crypto::Lrs2Ring>> Service::WholeRingAt(store::Transaction& tx,
                                                                     std::int64_t org_id,
                                                                     std::int64_t version) {
  return CachedForVersion(
      whole_rings_, tx, org_id, version,
      [](const std::vector<crypto::Point>& members) -> Result<crypto::Lrs2Ring> {
        auto made = domain::WholeRosterRing(members);
        if (made.ok()) return made;
        // A roster over 2^21 members: refused as the signer's mistake rather than damage.
        if (members.size() > crypto::kLrs2MaxRing) return InvalidArgument(made.error().message());
        return Error(ErrorCode::kCorrupt, "a stored roster version does not make a valid ring");
      });
}

Result<crypto::Point> Service::ProofRing::Verify(const crypto::Digest32& event,
                                                 crypto::ByteSpan message,
                                                 crypto::ByteSpan wire) const {
  return whole ? domain::VerifyRingSignature(*whole, event, message, wire)
               : domain::VerifyRingSignature(*bucket, event, message, wire);
}

Result<std::optional<Service::ProofRing>> Service::ProofRingAt(store::Transaction& tx,
                                                               std::int64_t org_id,
                                                               std::int64_t version,
                                                               domain::RingScheme scheme,
                                                               const crypto::Digest32& digest) {
  ProofRing out;
  if (scheme == domain::RingScheme::kV2) {
    CANDOR_ASSIGN_OR_RETURN(out.whole, WholeRingAt(tx, org_id, version));
    if (out.whole->digest() != digest) return std::optional<ProofRing>();
    return std::optional<ProofRing>(std::move(out));
  }
  CANDOR_ASSIGN_OR_RETURN(out.buckets, RingsAt(tx, org_id, version));
  out.bucket = domain::FindRing(*out.buckets, digest);
  if (out.bucket == nullptr) return std::optional<ProofRing>();
  return std::optional<ProofRing>(std::move(out));
}

Result<Service::RosterSummary> Service::GetRosterSummary(std::string_view slug, bool with_digest) {
  return roster_summaries_.GetOrRead(store_, std::make_pair(std::string(slug), with_digest),
                                     [&] { return ReadRosterSummary(slug, with_digest); });
}

Result<Service::RosterSummary> Service::ReadRosterSummary(std::string_view slug, bool with_digest) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
  CANDOR_ASSIGN_OR_RETURN(auto org, RequireOrganization(*tx, slug));
  CANDOR_ASSIGN_OR_RETURN(RosterTip tip, LatestRoster(*tx, org.id));
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
  CANDOR_ASSIGN_OR_RETURN(auto org, RequireOrganization(*tx, slug));
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
  CANDOR_ASSIGN_OR_RETURN(auto org, RequireOrganization(*tx, slug));
  CANDOR_ASSIGN_OR_RETURN(auto invitation, tx->FindInvitation(hash_blob));
  if (!invitation || invitation->organization_id != org.id || invitation->redeemed ||
      invitation->expires_at_ms <= clock_.NowMs()) {
    return invalid();
  }
  // O(log n) whatever the roster's size (issue 12): the latest version and its size, and whether
  // the key ever joined, from indexed rows — no replay of the roster.
  CANDOR_ASSIGN_OR_RETURN(RosterTip tip, LatestRoster(*tx, org.id));
  CANDOR_ASSIGN_OR_RETURN(auto known, tx->FindRosterKey(org.id, ToBlob(ring_public.span())));
  if (known) {
    return Error(ErrorCode::kAlreadyExists,
                 "this key is already on the roster, or was removed from it: make a new key");
  }
  const std::int64_t version = tip.version + 1;
  const std::int64_t size = tip.members + 1;
  CANDOR_RETURN_IF_ERROR(tx->MarkInvitationRedeemed(hash_blob));
  CANDOR_ASSIGN_OR_RETURN(
      std::uint64_t index,
      Log(*tx, domain::EncodeLogEntry(domain::RosterAddEvent{
                   org.slug, static_cast<std::uint64_t>(version), ring_public, reply_public})));
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
  CANDOR_ASSIGN_OR_RETURN(auto org, Authorize(*tx, who, slug, store::kRoleEnrollmentOfficer));
  const store::Blob key = ToBlob(ring_public.span());
  CANDOR_ASSIGN_OR_RETURN(auto added, tx->FindRosterKey(org.id, key));
  CANDOR_ASSIGN_OR_RETURN(bool removed, tx->RosterKeyRemoved(org.id, key));
  if (!added || removed) return NotFound("that key is not on the roster");
  CANDOR_ASSIGN_OR_RETURN(RosterTip tip, LatestRoster(*tx, org.id));
  const std::int64_t version = tip.version + 1;
  const std::int64_t size = tip.members - 1;
  CANDOR_ASSIGN_OR_RETURN(
      std::uint64_t index,
      Log(*tx, domain::EncodeLogEntry(domain::RosterRemoveEvent{
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

Result<Service::RosterTip> Service::LatestRoster(store::Transaction& tx, std::int64_t org_id) {
  CANDOR_ASSIGN_OR_RETURN(auto latest, tx.LatestRosterEvent(org_id));
  if (!latest) return RosterTip{0, 0};
  if (latest->members) return RosterTip{latest->version, *latest->members};
  // Stored before sizes were kept: counted once; every later event carries its size.
  CANDOR_ASSIGN_OR_RETURN(std::int64_t members, tx.CountRosterMembers(org_id, latest->version));
  return RosterTip{latest->version, members};
}

Result<std::pair<std::string, std::int64_t>> Service::IssueInvitation(
    const Principal& who, std::string_view slug, std::optional<std::int64_t> hours) {
  CANDOR_ASSIGN_OR_RETURN(auto issued, IssueInvitations(who, slug, hours, 1));
  return std::make_pair(std::move(issued.first.front()), issued.second);
}

Result<std::pair<std::vector<std::string>, std::int64_t>> Service::IssueInvitations(
    const Principal& who, std::string_view slug, std::optional<std::int64_t> hours,
    std::int64_t count) {
  std::int64_t h = hours.value_or(config_.invitation_default_hours);
  if (h < 1 || h > config_.invitation_max_hours) {
    return InvalidArgument("an invitation is valid for 1 to " +
                           std::to_string(config_.invitation_max_hours) + " hours");
  }
  if (count < 1 || count > kMaxInvitationsAtOnce) {
    return InvalidArgument("ask for 1 to " + std::to_string(kMaxInvitationsAtOnce) +
                           " invitations at once");
  }
  std::vector<std::string> codes;
  std::vector<crypto::Digest32> hashes;
  for (std::int64_t i = 0; i < count; ++i) {
    std::string code = [&] {
      std::lock_guard<std::mutex> lock(rng_mu_);
      return domain::NewInvitationCode(rng_);
    }();
    CANDOR_ASSIGN_OR_RETURN(std::string normalized, domain::NormalizeInvitationCode(code));
    hashes.push_back(domain::InvitationCodeHash(normalized));
    codes.push_back(std::move(code));
  }
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kWrite));
  CANDOR_ASSIGN_OR_RETURN(auto org, Authorize(*tx, who, slug, store::kRoleEnrollmentOfficer));
  std::int64_t expires = clock_.NowMs() + h * 3'600'000;
  for (const auto& hash : hashes) {
    CANDOR_RETURN_IF_ERROR(tx->InsertInvitation(
        store::InvitationRecord{ToBlob(hash.span()), org.id, who.account.id, expires, false}));
  }
  CANDOR_RETURN_IF_ERROR(tx->Commit());
  return std::make_pair(std::move(codes), expires);
}

Result<std::int64_t> Service::CountOpenInvitations(const Principal& who, std::string_view slug) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
  CANDOR_ASSIGN_OR_RETURN(auto org, Authorize(*tx, who, slug, store::kRoleEnrollmentOfficer));
  return tx->CountOpenInvitations(org.id, clock_.NowMs());
}

Result<std::vector<store::AccountRecord>> Service::ListAccounts(const Principal& who,
                                                                std::string_view slug) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
  CANDOR_ASSIGN_OR_RETURN(auto org, Authorize(*tx, who, slug, store::kRoleAdministrator));
  return tx->ListAccounts(org.id);
}

Result<std::int64_t> Service::AddAccount(const Principal& who, std::string_view slug,
                                         const std::string& username, const std::string& password,
                                         std::uint32_t roles) {
  {
    CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
    CANDOR_RETURN_IF_ERROR(Authorize(*tx, who, slug, store::kRoleAdministrator));
  }
  return CreateAccount(std::string(slug), username, password, roles);
}

Status Service::UpdateAccount(const Principal& who, std::string_view slug, std::int64_t account_id,
                              std::optional<std::uint32_t> roles, std::optional<bool> disabled) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kWrite));
  CANDOR_ASSIGN_OR_RETURN(auto org, Authorize(*tx, who, slug, store::kRoleAdministrator));
  CANDOR_ASSIGN_OR_RETURN(auto account, tx->FindAccount(account_id));
  if (!account || account->organization_id != org.id) return NotFound("no such account");
  if (account->id == who.account.id &&
      ((roles && !(*roles & store::kRoleAdministrator)) || disabled.value_or(false))) {
    return Error(ErrorCode::kFailedPrecondition,
                 "you cannot remove your own administrator role or disable yourself");
  }
  const store::AccountRecord before = *account;
  if (roles) account->roles = *roles;
  if (disabled) account->disabled = *disabled;
  CANDOR_RETURN_IF_ERROR(tx->UpdateAccount(*account));
  // Whether it still receives cables is public: authors' clients seal to the logged reviewers.
  CANDOR_RETURN_IF_ERROR(LogReviewerChange(*tx, org, before, *account));
  return tx->Commit();
}

Status Service::UpdateSettings(const Principal& who, std::string_view slug,
                               const std::string& settings_json) {
  // Authorization before validation: someone without the right learns nothing from errors.
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kWrite));
  CANDOR_ASSIGN_OR_RETURN(auto org, Authorize(*tx, who, slug, store::kRoleAdministrator));
  CANDOR_ASSIGN_OR_RETURN(auto settings, domain::OrganizationSettingsFromJsonText(settings_json));
  std::string canonical = domain::OrganizationSettingsToJsonText(settings);
  CANDOR_RETURN_IF_ERROR(tx->UpdateOrganizationPolicy(org.id, canonical));
  CANDOR_RETURN_IF_ERROR(
      Log(*tx, domain::EncodeLogEntry(domain::OrganizationSettingsEvent{org.slug, settings})));
  return tx->Commit();
}

Result<std::vector<store::HolidayRecord>> Service::ListHolidays(const Principal& who,
                                                                std::string_view slug) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
  CANDOR_ASSIGN_OR_RETURN(auto org, Authorize(*tx, who, slug, 0));
  return tx->ListHolidays(org.id);
}

Status Service::ReplaceHolidays(const Principal& who, std::string_view slug,
                                std::vector<store::HolidayRecord> holidays) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kWrite));
  CANDOR_ASSIGN_OR_RETURN(auto org, Authorize(*tx, who, slug, store::kRoleAdministrator));
  if (holidays.size() > 1000) return InvalidArgument("at most 1000 holidays");
  for (auto& h : holidays) {
    CANDOR_ASSIGN_OR_RETURN(domain::Date d, domain::ParseDate(h.date));
    h.date = domain::FormatDate(d);
    CANDOR_RETURN_IF_ERROR(
        domain::ValidateText(h.name, "the name of the holiday on " + h.date, 200));
  }
  for (auto& h : holidays) h.organization_id = org.id;
  CANDOR_RETURN_IF_ERROR(tx->ReplaceHolidays(org.id, holidays));
  return tx->Commit();
}

Result<Service::ReviewerKeyChallenge> Service::ReviewerKeyChallengeFor(const Principal& who,
                                                                       std::string_view slug) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
  CANDOR_ASSIGN_OR_RETURN(auto org, Authorize(*tx, who, slug, store::kRoleReviewer));
  (void)org;
  return ReviewerKeyChallenge{reviewer_proof_key_.public_key, who.account.id};
}

Status Service::SetReviewerKey(const Principal& who, std::string_view slug,
                               const crypto::BoxPublicKey& key, const crypto::Digest32& proof) {
  {
    // Who may, first: another organization's staff learn nothing from the checks below.
    CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
    CANDOR_ASSIGN_OR_RETURN(auto org, Authorize(*tx, who, slug, store::kRoleReviewer));
    (void)org;
  }
  if (!crypto::IsValidBoxPublicKey(key)) {
    return InvalidArgument(
        "the reviewer key is not a valid X25519 key (a non-canonical encoding, or a small-order "
        "point no envelope could be opened with)");
  }
  // The proof needs no lock: it depends only on the key, the organization and the account.
  const crypto::Bytes context =
      domain::ReviewerKeyProofContext(slug, static_cast<std::uint64_t>(who.account.id));
  if (Status s = crypto::VerifyBoxKeyPossession(context, key, reviewer_proof_key_, proof);
      !s.ok()) {
    return Error(ErrorCode::kVerificationFailed,
                 "the proof that you hold this key's secret does not verify: register the key from "
                 "the client that "
                 "holds it");
  }
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kWrite));
  CANDOR_ASSIGN_OR_RETURN(auto org, Authorize(*tx, who, slug, store::kRoleReviewer));
  CANDOR_ASSIGN_OR_RETURN(auto account, tx->FindAccount(who.account.id));
  if (!account) return NotFound("no such account");
  CANDOR_ASSIGN_OR_RETURN(auto accounts, tx->ListAccounts(org.id));
  for (const auto& other : accounts) {
    if (other.id != account->id && other.reviewer_box_public &&
        *other.reviewer_box_public == ToBlob(key.span())) {
      return InvalidArgument(
          "another reviewer of this organization has registered this key: each reviewer needs a "
          "key of their own");
    }
  }
  const store::AccountRecord before = *account;
  account->reviewer_box_public = ToBlob(key.span());
  CANDOR_RETURN_IF_ERROR(tx->UpdateAccount(*account));
  // A "reviewer" entry with the account's username: what authors' clients seal to and show.
  CANDOR_RETURN_IF_ERROR(LogReviewerChange(*tx, org, before, *account));
  return tx->Commit();
}

}  // namespace candor::app
