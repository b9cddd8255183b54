// CableService: dissent cables — submission, batched publication, the reviewers' inbox and actions,
// the author's view with the receipt, counts, reminders and retention.
//
// Privacy: the server never sees a cable's plaintext, and for an anonymous cable nothing that
// names its author. A cable is stored with its received *day* only; its "submitted" log entry
// goes out with the next randomly timed batch, in a random order with the others, and
// reviewers see it only from then on, so neither the log nor the inbox tells when it was sent.
// Reviewers' actions are named and carry their account and time.
#include "server/app/cable_service.h"

#include <algorithm>
#include <map>
#include <set>

#include "crypto/envelope.h"
#include "crypto/lrs.h"
#include "crypto/receipt.h"
#include "domain/log_entry.h"
#include "server/app/log_writer.h"
#include "server/app/service_internal.h"
#include "server/app/time_zone.h"

namespace candor::app {

// What the deadlines of an organization's cables depend on besides each cable's own policy:
// the organization and its holidays. Read once per organization, not once per cable.
struct DeadlineContext {
  store::OrganizationRecord org;
  std::vector<domain::Date> holidays;
  TimeZone zone;  // the organization's: its days, and so its deadlines, are counted in it
};

namespace {

using internal::ToBlob;
using internal::ZoneOf;

Error NoSuchCable() { return Error(ErrorCode::kNotFound, "there is no cable with that id"); }

Result<domain::OrganizationSettings> ParseStoredSettings(const std::string& json,
                                                         const char* damaged) {
  auto settings = domain::OrganizationSettingsFromJsonText(json);
  if (!settings.ok()) return Error(ErrorCode::kCorrupt, damaged);
  return settings;
}

Result<domain::OrganizationSettings> SettingsOf(const store::OrganizationRecord& org) {
  return ParseStoredSettings(org.policy_json, "the organization's stored settings are damaged");
}

// The settings a cable's deadlines follow: those it was received under, or (for cables stored
// before they were kept) the organization's current ones.
Result<domain::OrganizationSettings> CableSettings(const store::CableRecord& rec,
                                                   const store::OrganizationRecord& org) {
  if (!rec.settings_json) return SettingsOf(org);
  return ParseStoredSettings(*rec.settings_json, "a stored cable's deadline policy is damaged");
}

// Today in the organization's zone, as the store's day number.
Result<std::int64_t> TodayOf(const store::OrganizationRecord& org, const Clock& clock) {
  CANDOR_ASSIGN_OR_RETURN(TimeZone zone, ZoneOf(org));
  return zone.LocalDay(clock.NowMs());
}

Result<DeadlineContext> LoadDeadlineContext(store::Transaction& tx, std::int64_t organization_id) {
  CANDOR_ASSIGN_OR_RETURN(auto org, tx.FindOrganization(organization_id));
  if (!org) return Error(ErrorCode::kCorrupt, "a cable names a missing organization");
  CANDOR_ASSIGN_OR_RETURN(TimeZone zone, ZoneOf(*org));
  DeadlineContext ctx{std::move(*org), {}, std::move(zone)};
  CANDOR_ASSIGN_OR_RETURN(auto holidays, tx.ListHolidays(organization_id));
  for (const auto& h : holidays) {
    auto d = domain::ParseDate(h.date);
    if (!d.ok()) return Error(ErrorCode::kCorrupt, "a stored holiday is damaged");
    ctx.holidays.push_back(*d);
  }
  return ctx;
}

// A cable's deadlines as of `today`, under the policy it follows.
struct CableDeadlines {
  domain::OrganizationSettings settings;
  domain::CableDates dates;
  domain::CableClock clock;
};

Result<CableDeadlines> DeadlinesOf(const store::CableRecord& rec, const DeadlineContext& ctx,
                                   const domain::Date& today) {
  CableDeadlines d;
  CANDOR_ASSIGN_OR_RETURN(d.settings, CableSettings(rec, ctx.org));
  const domain::DeadlinePolicy& policy = d.settings.policy;
  d.dates.received = domain::CivilFromDays(rec.received_day);
  if (rec.acknowledged_day) d.dates.acknowledged = domain::CivilFromDays(*rec.acknowledged_day);
  d.dates.extended = rec.extended && policy.extended_answer.has_value();
  if (rec.closed_day) d.dates.closed = domain::CivilFromDays(*rec.closed_day);
  d.clock = domain::ComputeCableClock(
      policy, domain::WorkingCalendar(ctx.holidays, d.settings.use_us_federal_holidays), d.dates,
      today);
  return d;
}

std::int64_t Today(const DeadlineContext& ctx, const Clock& clock) {
  return ctx.zone.LocalDay(clock.NowMs());
}

store::Blob Concat(const std::vector<crypto::BoxPublicKey>& keys) {
  store::Blob out;
  for (const auto& k : keys) out.insert(out.end(), k.begin(), k.end());
  return out;
}

std::vector<crypto::BoxPublicKey> Split(const store::Blob& blob) {
  std::vector<crypto::BoxPublicKey> out;
  for (std::size_t i = 0; i + 32 <= blob.size(); i += 32) {
    crypto::BoxPublicKey k;
    std::copy_n(blob.begin() + static_cast<std::ptrdiff_t>(i), 32, k.bytes.begin());
    out.push_back(k);
  }
  return out;
}

std::vector<crypto::BoxPublicKey> KeysOf(const std::vector<CableRecipient>& recipients) {
  std::vector<crypto::BoxPublicKey> keys;
  keys.reserve(recipients.size());
  for (const auto& r : recipients) keys.push_back(r.key);
  return keys;
}

// The keys an author may seal a cable to, in the server's order (by account id): every
// reviewer's, or for a cable in a channel, those of the channel's reviewers.
Result<std::vector<crypto::BoxPublicKey>> EligibleKeys(
    const domain::OrganizationSettings& settings, const std::vector<CableRecipient>& recipients,
    const std::string& channel) {
  if (channel.empty()) return KeysOf(recipients);
  const domain::CableChannel* c = settings.FindChannel(channel);
  if (c == nullptr) {
    return Error(ErrorCode::kFailedPrecondition,
                 "this organization has no channel '" + channel +
                     "' (any more): fetch its channels again and choose one");
  }
  std::vector<crypto::BoxPublicKey> keys;
  for (const auto& r : recipients) {
    if (std::binary_search(c->reviewers.begin(), c->reviewers.end(),
                           static_cast<std::uint64_t>(r.account_id))) {
      keys.push_back(r.key);
    }
  }
  return keys;
}

bool Contains(const std::vector<crypto::BoxPublicKey>& keys, const crypto::BoxPublicKey& key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

// Whether `part` is `all` with some keys left out, in the same order.
bool IsSubsequence(const std::vector<crypto::BoxPublicKey>& part,
                   const std::vector<crypto::BoxPublicKey>& all) {
  auto it = all.begin();
  for (const auto& k : part) {
    it = std::find(it, all.end(), k);
    if (it == all.end()) return false;
    ++it;
  }
  return true;
}

// Who can read a cable now (its messages are sealed to these): the recipients its author
// sealed it to, then the reviewers it was granted to, in that order, that are still reviewers'
// keys and did not withdraw from it. A reviewer removed from the organization (or who replaced
// their key) or who recused stops receiving its messages; a reviewer who joined later is among
// them only once granted the cable; one whom the author excluded never is.
std::vector<crypto::BoxPublicKey> ReadersNow(const domain::CableHeader& header,
                                             const std::vector<crypto::BoxPublicKey>& current,
                                             const std::vector<crypto::BoxPublicKey>& recused,
                                             const std::vector<crypto::BoxPublicKey>& granted) {
  std::vector<crypto::BoxPublicKey> out;
  for (const auto* keys : {&header.recipients, &granted}) {
    for (const auto& k : *keys) {
      if (Contains(current, k) && !Contains(recused, k) && !Contains(out, k)) out.push_back(k);
    }
  }
  return out;
}

// The keys named by a cable's events of `action` ("recused": who withdrew; "granted": who
// was given it), in event order, from its stored events or from a view's.
std::vector<crypto::BoxPublicKey> KeysOfEvents(const std::vector<store::CableEventRecord>& events,
                                               domain::CableAction action) {
  std::vector<crypto::BoxPublicKey> out;
  for (const auto& e : events) {
    if (e.action == domain::CableActionName(action) && e.recipients) {
      for (const auto& k : Split(*e.recipients)) out.push_back(k);
    }
  }
  return out;
}
std::vector<crypto::BoxPublicKey> KeysOfEvents(const std::vector<CableEventView>& events,
                                               domain::CableAction action) {
  std::vector<crypto::BoxPublicKey> out;
  for (const auto& e : events) {
    if (e.action == action) out.insert(out.end(), e.recipients.begin(), e.recipients.end());
  }
  return out;
}
template <typename Events>
std::vector<crypto::BoxPublicKey> ReadersNow(const domain::CableHeader& header,
                                             const std::vector<crypto::BoxPublicKey>& current,
                                             const Events& events) {
  return ReadersNow(header, current, KeysOfEvents(events, domain::CableAction::kRecused),
                    KeysOfEvents(events, domain::CableAction::kGranted));
}

// The index of the first "reviewer" or "reviewer-key" log entry of the account, if any: when it
// first became a reviewer (domain::OrgState::reviewer_since, as clients see it).
Result<std::optional<std::int64_t>> ReviewerSince(store::Transaction& tx,
                                                  std::int64_t organization_id,
                                                  std::int64_t account_id) {
  std::optional<std::int64_t> since;
  for (const char* kind : {"reviewer", "reviewer-key"}) {
    CANDOR_ASSIGN_OR_RETURN(auto records, tx.ListOrganizationLog(organization_id, kind));
    for (const auto& r : records) {
      if (since && r.log_index >= *since) continue;
      CANDOR_ASSIGN_OR_RETURN(auto entries, tx.ReadLogEntries(r.log_index, r.log_index + 1));
      if (entries.size() != 1)
        return Error(ErrorCode::kCorrupt, "a logged reviewer entry is missing");
      auto event = domain::DecodeLogEntry(entries[0].entry);
      if (!event.ok()) return Error(ErrorCode::kCorrupt, "a logged reviewer entry is damaged");
      std::uint64_t account = 0;
      if (const auto* rev = std::get_if<domain::ReviewerEvent>(&*event)) account = rev->account_id;
      if (const auto* key = std::get_if<domain::ReviewerKeyEvent>(&*event))
        account = key->account_id;
      if (account == static_cast<std::uint64_t>(account_id)) since = r.log_index;
    }
  }
  return since;
}

// The key the reviewer account `account_id` receives cables with now, if any.
std::optional<crypto::BoxPublicKey> KeyOfAccount(const std::vector<CableRecipient>& reviewers,
                                                 std::int64_t account_id) {
  for (const auto& r : reviewers) {
    if (r.account_id == account_id) return r.key;
  }
  return std::nullopt;
}

// Checks an envelope's encoding against the number of recipients it must be wrapped for.
// `max_bytes` bounds the padded plaintext; the envelope adds its nonce, tag and wrapped keys.
Result<crypto::Envelope> CheckEnvelope(const crypto::Bytes& bytes, std::size_t recipients,
                                       std::size_t max_bytes) {
  const auto too_large = [max_bytes] {
    return Error(ErrorCode::kResourceExhausted,
                 "the encrypted cable is larger than this server accepts (" +
                     std::to_string(max_bytes >> 20) + " MiB); leave out or shrink attachments");
  };
  const std::size_t overhead = 64 + (domain::kMaxCableRecipients + 1) * crypto::kWrappedKeySize;
  if (bytes.size() > max_bytes + overhead) return too_large();
  auto env = crypto::Envelope::Decode(bytes);
  if (!env.ok()) return InvalidArgument("the envelope is malformed: " + env.error().message());
  // The plaintext's length is the ciphertext's minus the tag, and clients pad it to a size
  // bucket (docs/FORMATS.md, "Padding"): an unpadded cable or message would be an exact size
  // fingerprint of its upload, so it is refused before anything is stored.
  if (env->ciphertext.size() < crypto::kEnvelopeTagSize)
    return InvalidArgument("the envelope has no ciphertext");
  if (env->ciphertext.size() - crypto::kEnvelopeTagSize > max_bytes) return too_large();
  if (!domain::IsCablePaddedSize(env->ciphertext.size() - crypto::kEnvelopeTagSize)) {
    return InvalidArgument(
        "the encrypted text is not padded to a size bucket (a power of two, at least " +
        std::to_string(domain::kMinCablePadded / 1024) + " KiB): update your client");
  }
  if (env->wrapped_keys.size() != recipients) {
    return InvalidArgument("the envelope is wrapped for " +
                           std::to_string(env->wrapped_keys.size()) + " recipients, but names " +
                           std::to_string(recipients));
  }
  return env;
}

// Appends `ev` (the caller has set its day and any reviewer fields) as the cable's next event
// `action`: numbers it, appends its cable-event log entry and stores it with the entry's
// index. The caller signs the new tree head before committing.
Status AppendCableEvent(store::Transaction& tx, const std::string& slug, const domain::CableId& id,
                        domain::CableAction action, const crypto::Digest32& digest,
                        store::CableEventRecord& ev) {
  ev.cable_id = ToBlob(id.span());
  CANDOR_ASSIGN_OR_RETURN(std::int64_t last, tx.LastCableEventSeq(ev.cable_id));
  ev.seq = last + 1;
  ev.action = std::string(domain::CableActionName(action));
  ev.digest = ToBlob(digest.span());
  CANDOR_ASSIGN_OR_RETURN(std::uint64_t index,
                          AppendLogEntry(tx, domain::EncodeLogEntry(domain::CableLogEvent{
                                                 slug, id, static_cast<std::uint64_t>(ev.seq),
                                                 action, digest, domain::CivilFromDays(ev.day)})));
  ev.log_index = static_cast<std::int64_t>(index);
  return tx.InsertCableEvent(ev);
}

Error SignatureError(const Error& e, const char* which) {
  if (e.code() == ErrorCode::kVerificationFailed) {
    return Error(ErrorCode::kVerificationFailed, std::string("the ") + which + " does not verify");
  }
  return InvalidArgument(std::string("the ") + which + " is malformed: " + e.message());
}

}  // namespace

Result<TimeZone> internal::ZoneOf(const store::OrganizationRecord& org) {
  CANDOR_ASSIGN_OR_RETURN(auto settings, SettingsOf(org));
  auto zone = TimeZone::Locate(settings.time_zone);
  if (!zone.ok()) {
    return Error(ErrorCode::kCorrupt, "the organization's time zone: " + zone.error().message());
  }
  return zone;
}

Result<std::vector<CableRecipient>> CableService::CableRecipients(std::string_view slug) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
  CANDOR_ASSIGN_OR_RETURN(auto org, core_.RequireOrganization(*tx, slug));
  return core_.RecipientsIn(*tx, org.id);
}

Result<CableQuotaView> CableService::CableQuota(std::string_view slug) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
  CANDOR_ASSIGN_OR_RETURN(auto org, core_.RequireOrganization(*tx, slug));
  const auto window = static_cast<std::uint64_t>(clock_.NowMs() / config_.cable_window_ms);
  CANDOR_ASSIGN_OR_RETURN(
      auto used, tx->ListPublishedCableQuotaTags(org.id, static_cast<std::int64_t>(window)));
  return QuotaViewOf(window, config_.cable_window_ms, config_.cable_quota, used);
}

Result<CableView> CableService::SubmitCable(const CableSubmission& sub) {
  const domain::CableHeader& h = sub.header;
  CANDOR_RETURN_IF_ERROR(domain::ValidateCableHeader(h));
  const crypto::Bytes header_bytes = domain::CableHeaderBytes(h);
  CANDOR_ASSIGN_OR_RETURN(crypto::Envelope env, CheckEnvelope(sub.envelope, h.recipients.size(),
                                                              config_.max_cable_envelope_bytes));
  if ((h.author == domain::CableAuthor::kNamed) != sub.author_signature.has_value()) {
    return InvalidArgument(h.author == domain::CableAuthor::kNamed
                               ? "a named cable needs the author's Ed25519 signature"
                               : "an anonymous cable must not carry an author's signature");
  }
  if (sub.quota_slot >= config_.cable_quota) {
    return InvalidArgument("the quota slot must be below " + std::to_string(config_.cable_quota));
  }
  const auto window_now = static_cast<std::uint64_t>(clock_.NowMs() / config_.cable_window_ms);
  // The current window only: accepting the previous one as well would let a member spend
  // both windows' slots around a boundary, twice the quota (security review L8).
  if (h.quota_window != window_now) {
    return InvalidArgument(
        "the cable's quota window is not the current one: fetch the quota again and sign again");
  }

  // Everything that needs the roster, read in one snapshot; verification happens outside it.
  std::optional<ServiceCore::ProofRing> ring;
  std::int64_t org_id = 0;
  {
    CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
    CANDOR_ASSIGN_OR_RETURN(auto org, core_.RequireOrganization(*tx, h.organization));
    org_id = org.id;
    CANDOR_ASSIGN_OR_RETURN(auto settings, SettingsOf(org));
    CANDOR_ASSIGN_OR_RETURN(auto recipients, core_.RecipientsIn(*tx, org.id));
    if (recipients.empty()) {
      return Error(
          ErrorCode::kFailedPrecondition,
          "this organization has no reviewers who can receive cables yet; ask its administrator");
    }
    CANDOR_ASSIGN_OR_RETURN(auto eligible, EligibleKeys(settings, recipients, h.channel));
    if (!IsSubsequence(h.recipients, eligible)) {
      return Error(ErrorCode::kFailedPrecondition,
                   std::string(h.channel.empty() ? "the organization's reviewers"
                                                 : "the reviewers of channel '" + h.channel + "'") +
                       " changed after your client fetched them, or a recipient is not one of "
                       "them: fetch them again and encrypt again (nothing was sent)");
    }
    CANDOR_ASSIGN_OR_RETURN(std::int64_t latest, tx->LatestRosterVersion(org.id));
    if (h.roster_version > static_cast<std::uint64_t>(latest)) {
      return InvalidArgument("roster version " + std::to_string(h.roster_version) + " of '" +
                             h.organization + "' does not exist");
    }
    // The roster version must be a current epoch's (the latest, or the one before it, for a
    // client that fetched just before a batch): every member writing between two batches
    // names the same version, so it neither dates the cable nor tags a fetch (security review
    // M2). A member removed since then can still write until the next epoch.
    CANDOR_ASSIGN_OR_RETURN(auto epochs, core_.CurrentRosterEpochs(*tx, org.id));
    if (epochs.empty()) {
      return Error(ErrorCode::kFailedPrecondition,
                   "the roster of '" + h.organization +
                       "' is fixed for cables at the next batch of the server; try again after it");
    }
    if (std::find(epochs.begin(), epochs.end(), h.roster_version) == epochs.end()) {
      return Error(ErrorCode::kFailedPrecondition,
                   "roster version " + std::to_string(h.roster_version) +
                       " is not the roster of '" + h.organization + "' for cables now (version " +
                       std::to_string(epochs.front()) +
                       "): fetch the organization's state again and sign again (nothing was sent)");
    }
    CANDOR_ASSIGN_OR_RETURN(
        ring, core_.ProofRingAt(*tx, org.id, static_cast<std::int64_t>(h.roster_version), h.scheme,
                                h.ring_digest));
    if (!ring) {
      return InvalidArgument(
          std::string(h.scheme == domain::RingScheme::kV2
                          ? "a candor-lrs-v2 cable must be signed over the whole of roster version "
                          : "the ring is not one of the rings of roster version ") +
          std::to_string(h.roster_version) + " of '" + h.organization + "'");
    }
    const std::size_t min = std::max<std::size_t>(config_.min_ring_size,
                                                  static_cast<std::size_t>(settings.min_ring_size));
    if (Status small = domain::CheckMinRing(ring->size(), min); !small.ok()) {
      return Error(small.error().code(),
                   small.error().message() + ": an anonymity set this small could identify you");
    }
  }
  const crypto::Digest32 digest = crypto::CableDigest(header_bytes, env.ciphertext);
  auto sig = ring->Verify(h.id, digest.span(), sub.signature);
  if (!sig.ok()) return SignatureError(sig.error(), "cable signature");
  const crypto::Digest32 quota_event =
      domain::CableQuotaEvent(h.organization, h.quota_window, sub.quota_slot);
  auto quota = ring->Verify(quota_event, digest.span(), sub.quota_signature);
  if (!quota.ok()) return SignatureError(quota.error(), "quota signature");
  const store::Blob quota_tag = ToBlob(quota->span());
  const crypto::Bytes author_sig =
      sub.author_signature
          ? crypto::Bytes(sub.author_signature->begin(), sub.author_signature->end())
          : crypto::Bytes{};
  const crypto::Digest32 submission = domain::CableSubmissionDigest(
      header_bytes, sub.envelope, sub.signature, sub.quota_slot, sub.quota_signature, author_sig);

  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kWrite));
  CANDOR_ASSIGN_OR_RETURN(auto existing, tx->FindCable(ToBlob(h.id.span())));
  if (existing) return Error(ErrorCode::kAlreadyExists, "a cable with this id exists already");
  CANDOR_ASSIGN_OR_RETURN(
      bool used, tx->CableQuotaTagUsed(org_id, static_cast<std::int64_t>(h.quota_window),
                                       static_cast<std::int64_t>(sub.quota_slot), quota_tag));
  if (used) {
    return Error(ErrorCode::kResourceExhausted,
                 "this quota slot is used up: each member may send " +
                     std::to_string(config_.cable_quota) + " cables every " +
                     std::to_string(config_.cable_window_ms / 86'400'000) +
                     " days; your client picks a free slot, or tells you when you can write again");
  }
  CANDOR_RETURN_IF_ERROR(tx->InsertCableQuotaTag(org_id, static_cast<std::int64_t>(h.quota_window),
                                                 static_cast<std::int64_t>(sub.quota_slot),
                                                 quota_tag));
  store::CableRecord rec;
  rec.id = ToBlob(h.id.span());
  rec.organization_id = org_id;
  rec.named = h.author == domain::CableAuthor::kNamed;
  rec.header = header_bytes;
  rec.envelope = sub.envelope;
  rec.signature = sub.signature;
  rec.quota_window = static_cast<std::int64_t>(h.quota_window);
  rec.quota_slot = static_cast<std::int64_t>(sub.quota_slot);
  rec.quota_signature = sub.quota_signature;
  if (sub.author_signature) rec.author_signature = author_sig;
  rec.submission_digest = ToBlob(submission.span());
  rec.access_hash = ToBlob(h.access_hash.span());
  // The deadline policy in force now is the cable's for good (read in this transaction, so a
  // concurrent change of policy is either before the cable or after it).
  CANDOR_ASSIGN_OR_RETURN(auto org_now, tx->FindOrganization(org_id));
  if (!org_now) return Error(ErrorCode::kCorrupt, "the cable's organization disappeared");
  CANDOR_ASSIGN_OR_RETURN(rec.received_day, TodayOf(*org_now, clock_));
  rec.settings_json = org_now->policy_json;
  CANDOR_RETURN_IF_ERROR(tx->InsertCable(rec));
  store::CableEventRecord ev;
  ev.cable_id = rec.id;
  ev.seq = 1;
  ev.action = std::string(domain::CableActionName(domain::CableAction::kSubmitted));
  ev.digest = rec.submission_digest;
  ev.day = rec.received_day;
  CANDOR_RETURN_IF_ERROR(tx->InsertCableEvent(ev));
  CANDOR_ASSIGN_OR_RETURN(auto ctx, LoadDeadlineContext(*tx, org_id));
  CANDOR_ASSIGN_OR_RETURN(CableView view,
                          CableViewOf(*tx, rec, ctx, /*for_author=*/true, /*with_payload=*/false));
  CANDOR_RETURN_IF_ERROR(tx->Commit());
  return view;
}

Result<std::size_t> CableService::PublishWaiting(store::Transaction& tx) {
  CANDOR_ASSIGN_OR_RETURN(auto waiting, tx.ListUnpublishedCables());
  if (waiting.empty()) return std::size_t{0};
  core_.Shuffle(waiting);
  for (auto& rec : waiting) {
    auto header = domain::DecodeCableHeader(rec.header);
    auto id = crypto::FixedFromBytes<domain::CableId>(rec.id, "cable id");
    auto digest = crypto::FixedFromBytes<crypto::Digest32>(rec.submission_digest, "digest");
    if (!header.ok() || !id.ok() || !digest.ok())
      return Error(ErrorCode::kCorrupt, "a stored cable is damaged");
    const crypto::Bytes entry = domain::EncodeLogEntry(
        domain::CableLogEvent{header->organization, *id, 1, domain::CableAction::kSubmitted,
                              *digest, domain::CivilFromDays(rec.received_day)});
    CANDOR_ASSIGN_OR_RETURN(std::uint64_t index, AppendLogEntry(tx, entry));
    CANDOR_RETURN_IF_ERROR(tx.SetCableEventLogIndex(rec.id, 1, static_cast<std::int64_t>(index)));
    rec.published = true;
  }
  // Stored anew in the shuffled order rather than updated in place (store.h, RewriteCables),
  // and so are the quota tags of their windows, inserted on arrival.
  CANDOR_RETURN_IF_ERROR(tx.RewriteCables(waiting));
  std::set<std::pair<std::int64_t, std::int64_t>> windows;
  for (const auto& rec : waiting) windows.emplace(rec.organization_id, rec.quota_window);
  for (const auto& [org, window] : windows) {
    CANDOR_ASSIGN_OR_RETURN(auto tags, tx.ListCableQuotaTags(org, window));
    core_.Shuffle(tags);
    CANDOR_RETURN_IF_ERROR(tx.RewriteCableQuotaTags(org, window, tags));
  }
  return waiting.size();
}

Result<std::size_t> CableService::PublishFollowUps(store::Transaction& tx) {
  CANDOR_ASSIGN_OR_RETURN(auto waiting, tx.ListUnloggedCableEvents());
  core_.Shuffle(waiting);
  for (const auto& e : waiting) {
    auto id = crypto::FixedFromBytes<domain::CableId>(e.cable_id, "cable id");
    auto digest = crypto::FixedFromBytes<crypto::Digest32>(e.digest, "digest");
    auto action = domain::ParseCableAction(e.action);
    CANDOR_ASSIGN_OR_RETURN(auto rec, tx.FindCable(e.cable_id));
    if (!id.ok() || !digest.ok() || !action.ok() || !rec)
      return Error(ErrorCode::kCorrupt, "a stored cable event is damaged");
    auto header = domain::DecodeCableHeader(rec->header);
    if (!header.ok()) return Error(ErrorCode::kCorrupt, "a stored cable is damaged");
    CANDOR_ASSIGN_OR_RETURN(
        std::uint64_t index,
        AppendLogEntry(tx, domain::EncodeLogEntry(domain::CableLogEvent{
                               header->organization, *id, static_cast<std::uint64_t>(e.seq),
                               *action, *digest, domain::CivilFromDays(e.day)})));
    CANDOR_RETURN_IF_ERROR(
        tx.SetCableEventLogIndex(e.cable_id, e.seq, static_cast<std::int64_t>(index)));
  }
  return waiting.size();
}

Result<CableService::Readable> CableService::ReadableBy(store::Transaction& tx,
                                                        const Principal& who,
                                                        const store::CableRecord& rec) {
  auto header = domain::DecodeCableHeader(rec.header);
  if (!header.ok()) return Error(ErrorCode::kCorrupt, "a stored cable is damaged");
  CANDOR_ASSIGN_OR_RETURN(auto reviewers, core_.RecipientsIn(tx, rec.organization_id));
  CANDOR_ASSIGN_OR_RETURN(auto events, tx.ListCableEvents(rec.id, /*with_envelopes=*/false));
  const auto mine = KeyOfAccount(reviewers, who.account.id);
  Readable out{std::move(*header), std::move(reviewers), {}, {}};
  out.readers = ReadersNow(out.header, KeysOf(out.reviewers), events);
  if (!mine || !Contains(out.readers, *mine)) return NoSuchCable();
  out.mine = *mine;
  return out;
}

Result<CableService::ReviewerCable> CableService::OpenForReviewer(const Principal& who,
                                                                  std::string_view slug,
                                                                  const domain::CableId& id,
                                                                  store::TxMode mode) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(mode));
  CANDOR_ASSIGN_OR_RETURN(auto org, core_.Authorize(*tx, who, slug, store::kRoleReviewer));
  CANDOR_ASSIGN_OR_RETURN(auto rec, tx->FindCable(ToBlob(id.span())));
  if (!rec || rec->organization_id != org.id || !rec->published) return NoSuchCable();
  CANDOR_ASSIGN_OR_RETURN(Readable readable, ReadableBy(*tx, who, *rec));
  return ReviewerCable{std::move(tx), std::move(org), std::move(*rec), std::move(readable)};
}

Result<CableView> CableService::CableViewOf(store::Transaction& tx, const store::CableRecord& rec,
                                            const DeadlineContext& ctx, bool for_author,
                                            bool with_payload) {
  CableView v;
  auto header = domain::DecodeCableHeader(rec.header);
  auto id = crypto::FixedFromBytes<domain::CableId>(rec.id, "cable id");
  auto submission = crypto::FixedFromBytes<crypto::Digest32>(rec.submission_digest, "digest");
  if (!header.ok() || !id.ok() || !submission.ok())
    return Error(ErrorCode::kCorrupt, "a stored cable is damaged");
  v.id = *id;
  v.header = std::move(*header);
  v.header_bytes = rec.header;
  v.organization = v.header.organization;
  v.published = rec.published;
  v.purged = rec.purged;
  v.submission_digest = *submission;
  v.quota_slot = static_cast<std::uint64_t>(rec.quota_slot);
  CANDOR_ASSIGN_OR_RETURN(CableDeadlines d,
                          DeadlinesOf(rec, ctx, ctx.zone.LocalDate(clock_.NowMs())));
  const domain::DeadlinePolicy& policy = d.settings.policy;
  v.received = d.dates.received;
  v.policy = policy.name;
  v.acknowledge_unit = std::string(domain::PeriodUnitName(policy.acknowledge.unit));
  v.time_zone = ctx.zone.name();
  v.answer_unit = std::string(
      domain::PeriodUnitName(d.dates.extended ? policy.extended_answer->unit : policy.answer.unit));
  v.clock = d.clock;
  v.state = rec.purged             ? "purged"
            : rec.closed_day       ? "closed"
            : rec.acknowledged_day ? "acknowledged"
            : rec.published        ? "submitted"
                                   : "waiting-for-batch";
  if (with_payload && !rec.purged) {
    v.envelope = rec.envelope;
    v.signature = rec.signature;
    v.quota_signature = rec.quota_signature;
    v.author_signature = rec.author_signature;
  }
  // Messages' ciphertexts: for the author (replies) and a reviewer's single view, not listings.
  CANDOR_ASSIGN_OR_RETURN(
      auto events, tx.ListCableEvents(rec.id, /*with_envelopes=*/for_author || with_payload));
  std::map<std::int64_t, std::string> names;
  for (const auto& e : events) {
    CableEventView ev;
    ev.seq = e.seq;
    auto action = domain::ParseCableAction(e.action);
    auto digest = crypto::FixedFromBytes<crypto::Digest32>(e.digest, "digest");
    if (!action.ok() || !digest.ok())
      return Error(ErrorCode::kCorrupt, "a stored cable event is damaged");
    ev.action = *action;
    if (for_author && ev.action == domain::CableAction::kNoted)
      continue;  // reviewers' own discussion
    if (!for_author && !e.log_index)
      continue;  // an author's follow-up reaches the reviewers with its batch
    ev.date = domain::CivilFromDays(e.day);
    ev.digest = *digest;
    ev.log_index = e.log_index;
    if (!for_author && e.account_id) {
      auto it = names.find(*e.account_id);
      if (it == names.end()) {
        CANDOR_ASSIGN_OR_RETURN(auto account, tx.FindAccount(*e.account_id));
        it = names.emplace(*e.account_id, account ? account->username : std::string("(removed)"))
                 .first;
      }
      ev.reviewer = it->second;
    }
    if (e.recipients) ev.recipients = Split(*e.recipients);
    if (ev.action == domain::CableAction::kGranted) {
      ev.grant = e.envelope;  // the grant's bytes are kept where a message keeps its envelope
    } else {
      ev.envelope = e.envelope;
    }
    v.events.push_back(std::move(ev));
  }
  return v;
}

namespace {

// A message the author reads: sealed to one key that is not a reviewer's (the author's reply
// key) first, then to exactly the cable's readers now (ReadersNow), in their order.
bool AuthorThenReviewers(const std::vector<crypto::BoxPublicKey>& recipients,
                         const std::vector<crypto::BoxPublicKey>& reviewers) {
  return recipients.size() == reviewers.size() + 1 &&
         std::equal(reviewers.begin(), reviewers.end(), recipients.begin() + 1) &&
         recipients[0] != crypto::BoxPublicKey{} &&
         std::find(reviewers.begin(), reviewers.end(), recipients[0]) == reviewers.end();
}

// The cable a receipt's id and access value open: the access value's hash is compared with the
// stored one in constant time, and a wrong id and a wrong value get the same kNotFound.
Result<store::CableRecord> CableOfReceipt(store::Transaction& tx, const domain::CableId& id,
                                          const crypto::Digest32& access) {
  CANDOR_ASSIGN_OR_RETURN(auto rec, tx.FindCable(ToBlob(id.span())));
  const Error refused(
      ErrorCode::kNotFound,
      "no cable matches this receipt: check that it was copied completely; a receipt that was "
      "lost cannot be recovered");
  if (!rec) return refused;
  auto stored = crypto::FixedFromBytes<crypto::Digest32>(rec->access_hash, "access hash");
  if (!stored.ok() || !crypto::ConstantTimeEqual(crypto::AccessHash(access), *stored))
    return refused;
  return std::move(*rec);
}

}  // namespace

Result<std::int64_t> CableService::AddFollowUp(const domain::CableId& id,
                                               const crypto::Digest32& access,
                                               const std::vector<crypto::BoxPublicKey>& recipients,
                                               const crypto::Bytes& envelope) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kWrite));
  CANDOR_ASSIGN_OR_RETURN(store::CableRecord rec, CableOfReceipt(*tx, id, access));
  if (!rec.published) {
    return Error(ErrorCode::kFailedPrecondition,
                 "your cable has not reached the reviewers yet (it goes with the next batch); "
                 "add to it once it has");
  }
  if (rec.closed_day) {
    return Error(ErrorCode::kFailedPrecondition,
                 "this cable is closed: the reviewers gave their final response. Write a new "
                 "cable to raise something new");
  }
  CANDOR_ASSIGN_OR_RETURN(auto events, tx->ListCableEvents(rec.id, /*with_envelopes=*/false));
  CANDOR_ASSIGN_OR_RETURN(auto org, tx->FindOrganization(rec.organization_id));
  if (!org) return Error(ErrorCode::kCorrupt, "a cable names a missing organization");
  CANDOR_ASSIGN_OR_RETURN(const std::int64_t today, TodayOf(*org, clock_));
  std::size_t all = 0;
  std::size_t on_day = 0;
  for (const auto& e : events) {
    if (e.action != domain::CableActionName(domain::CableAction::kFollowedUp)) continue;
    ++all;
    if (e.day == today) ++on_day;
  }
  if (all >= kMaxFollowUps || on_day >= kMaxFollowUpsPerDay) {
    return Error(ErrorCode::kResourceExhausted,
                 all >= kMaxFollowUps
                     ? "this cable has as many follow-ups as one cable may have (" +
                           std::to_string(kMaxFollowUps) + "); write a new cable"
                     : "this cable has had " + std::to_string(kMaxFollowUpsPerDay) +
                           " follow-ups today; add more tomorrow");
  }
  auto header = domain::DecodeCableHeader(rec.header);
  if (!header.ok()) return Error(ErrorCode::kCorrupt, "a stored cable is damaged");
  CANDOR_ASSIGN_OR_RETURN(auto reviewers, core_.RecipientsIn(*tx, rec.organization_id));
  const std::vector<crypto::BoxPublicKey> readers = ReadersNow(*header, KeysOf(reviewers), events);
  if (readers.empty()) {
    return Error(ErrorCode::kFailedPrecondition,
                 "none of the reviewers who could read this cable is a reviewer any more; write "
                 "a new cable to reach the reviewers there are now");
  }
  if (!AuthorThenReviewers(recipients, readers)) {
    return InvalidArgument(
        "a follow-up must be encrypted to the author's reply key first, then to each reviewer "
        "who can read the cable now (its recipients that are still reviewers), in its order");
  }
  CANDOR_RETURN_IF_ERROR(
      CheckEnvelope(envelope, recipients.size(), config_.max_cable_envelope_bytes));
  const crypto::Bytes message_header =
      domain::CableMessageHeaderBytes(id, domain::CableAction::kFollowedUp, recipients);
  store::CableEventRecord ev;
  ev.cable_id = rec.id;
  CANDOR_ASSIGN_OR_RETURN(std::int64_t last, tx->LastCableEventSeq(ev.cable_id));
  ev.seq = last + 1;
  ev.action = std::string(domain::CableActionName(domain::CableAction::kFollowedUp));
  ev.digest = ToBlob(domain::CableMessageDigest(message_header, envelope).span());
  ev.day = today;  // the day only, and no account: nothing that times or names the author
  ev.recipients = Concat(recipients);
  ev.envelope = envelope;
  CANDOR_RETURN_IF_ERROR(tx->InsertCableEvent(ev));
  CANDOR_RETURN_IF_ERROR(tx->Commit());
  return ev.seq;
}

Result<CableView> CableService::CableForAuthor(const domain::CableId& id,
                                               const crypto::Digest32& access) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
  CANDOR_ASSIGN_OR_RETURN(store::CableRecord rec, CableOfReceipt(*tx, id, access));
  CANDOR_ASSIGN_OR_RETURN(auto ctx, LoadDeadlineContext(*tx, rec.organization_id));
  return CableViewOf(*tx, rec, ctx, /*for_author=*/true, /*with_payload=*/false);
}

Result<std::vector<CableView>> CableService::ListCables(const Principal& who, std::string_view slug,
                                                        bool overdue_only) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
  CANDOR_ASSIGN_OR_RETURN(auto org, core_.Authorize(*tx, who, slug, store::kRoleReviewer));
  CANDOR_ASSIGN_OR_RETURN(auto records, tx->ListCables(org.id));
  CANDOR_ASSIGN_OR_RETURN(auto ctx, LoadDeadlineContext(*tx, org.id));
  CANDOR_ASSIGN_OR_RETURN(auto reviewers, core_.RecipientsIn(*tx, org.id));
  const std::vector<crypto::BoxPublicKey> current = KeysOf(reviewers);
  const auto mine = KeyOfAccount(reviewers, who.account.id);
  std::vector<CableView> out;
  for (const auto& rec : records) {
    if (!rec.published) continue;  // reviewers see a cable once its batch is out
    CANDOR_ASSIGN_OR_RETURN(
        CableView v, CableViewOf(*tx, rec, ctx, /*for_author=*/false, /*with_payload=*/false));
    // Only the cables this reviewer reads now (ReadableBy): not those an author excluded them
    // from, nor those they withdrew from.
    if (!mine || !Contains(ReadersNow(v.header, current, v.events), *mine)) continue;
    if (overdue_only && !v.clock.overdue()) continue;
    out.push_back(std::move(v));
  }
  auto next_deadline = [](const CableView& v) {
    if (v.clock.closed) return std::int64_t{INT64_MAX};
    if (!v.clock.acknowledged) return domain::DaysFromCivil(v.clock.acknowledge_by);
    return domain::DaysFromCivil(v.clock.answer_by);
  };
  std::stable_sort(out.begin(), out.end(), [&](const CableView& a, const CableView& b) {
    if (a.clock.overdue() != b.clock.overdue()) return a.clock.overdue();
    return next_deadline(a) < next_deadline(b);
  });
  return out;
}

Result<CableView> CableService::GetCable(const Principal& who, std::string_view slug,
                                         const domain::CableId& id) {
  CANDOR_ASSIGN_OR_RETURN(ReviewerCable c, OpenForReviewer(who, slug, id, store::TxMode::kRead));
  CANDOR_ASSIGN_OR_RETURN(auto ctx, LoadDeadlineContext(*c.tx, c.org.id));
  return CableViewOf(*c.tx, c.rec, ctx, /*for_author=*/false, /*with_payload=*/true);
}

Status CableService::AcknowledgeCable(const Principal& who, std::string_view slug,
                                      const domain::CableId& id) {
  CANDOR_ASSIGN_OR_RETURN(ReviewerCable c, OpenForReviewer(who, slug, id, store::TxMode::kWrite));
  auto& [tx, org, rec, readable] = c;
  if (rec.closed_day) return Error(ErrorCode::kFailedPrecondition, "this cable is closed");
  if (rec.acknowledged_day)
    return Error(ErrorCode::kAlreadyExists, "this cable was acknowledged already");
  store::CableEventRecord ev;
  CANDOR_ASSIGN_OR_RETURN(ev.day, TodayOf(org, clock_));
  ev.account_id = who.account.id;
  ev.at_ms = clock_.NowMs();
  CANDOR_RETURN_IF_ERROR(AppendCableEvent(
      *tx, std::string(slug), id, domain::CableAction::kAcknowledged, crypto::Digest32{}, ev));
  CANDOR_RETURN_IF_ERROR(core_.SignHead(*tx));
  rec.acknowledged_day = ev.day;
  CANDOR_RETURN_IF_ERROR(tx->UpdateCable(rec));
  return tx->Commit();
}

Status CableService::RecuseFromCable(const Principal& who, std::string_view slug,
                                     const domain::CableId& id) {
  CANDOR_ASSIGN_OR_RETURN(ReviewerCable c, OpenForReviewer(who, slug, id, store::TxMode::kWrite));
  auto& [tx, org, rec, readable] = c;
  if (rec.closed_day) return Error(ErrorCode::kFailedPrecondition, "this cable is closed");
  if (readable.readers.size() == 1) {
    return Error(ErrorCode::kFailedPrecondition,
                 "you are the only reviewer who can read this cable: if you withdrew, nobody "
                 "could answer it. Ask your administrator to appoint another reviewer, or hand "
                 "the case over as your policy says");
  }
  store::CableEventRecord ev;
  CANDOR_ASSIGN_OR_RETURN(ev.day, TodayOf(org, clock_));
  ev.account_id = who.account.id;
  ev.at_ms = clock_.NowMs();
  ev.recipients = Concat({readable.mine});
  CANDOR_RETURN_IF_ERROR(AppendCableEvent(*tx, std::string(slug), id, domain::CableAction::kRecused,
                                          domain::CableRecusalDigest(id, readable.mine), ev));
  CANDOR_RETURN_IF_ERROR(core_.SignHead(*tx));
  return tx->Commit();
}

Status CableService::GrantCable(const Principal& who, std::string_view slug,
                                const domain::CableId& id, const crypto::Bytes& grant_bytes) {
  CANDOR_ASSIGN_OR_RETURN(domain::CableGrant grant, domain::DecodeCableGrant(grant_bytes));
  CANDOR_ASSIGN_OR_RETURN(ReviewerCable c, OpenForReviewer(who, slug, id, store::TxMode::kWrite));
  auto& [tx, org, rec, readable] = c;
  if (rec.purged) {
    return Error(ErrorCode::kFailedPrecondition,
                 "this cable's contents were deleted under the retention policy: there is "
                 "nothing to give");
  }
  const std::vector<CableRecipient>& reviewers = readable.reviewers;  // read a moment ago
  const auto grantee = std::find_if(reviewers.begin(), reviewers.end(),
                                    [&](const CableRecipient& r) { return r.key == grant.to; });
  if (grantee == reviewers.end()) {
    return Error(ErrorCode::kFailedPrecondition,
                 "the key the cable would be given to is not a reviewer's key now");
  }
  if (Contains(readable.readers, grant.to)) {
    return Error(ErrorCode::kAlreadyExists, "this reviewer can read the cable already");
  }
  CANDOR_ASSIGN_OR_RETURN(auto events, tx->ListCableEvents(rec.id, /*with_envelopes=*/true));
  if (Contains(KeysOfEvents(events, domain::CableAction::kRecused), grant.to)) {
    return Error(ErrorCode::kFailedPrecondition,
                 "this reviewer withdrew from the cable, and cannot be given it again");
  }
  // Only a reviewer the author never saw: one who became a reviewer after the cable's
  // "submitted" entry. Anyone before could have been left out by the author, or by the channel.
  if (events.empty() || !events.front().log_index) {
    return Error(ErrorCode::kCorrupt, "a published cable has no logged submission");
  }
  CANDOR_ASSIGN_OR_RETURN(auto since, ReviewerSince(*tx, org.id, grantee->account_id));
  if (!since || *since < *events.front().log_index) {
    return Error(ErrorCode::kFailedPrecondition,
                 "this reviewer was a reviewer already when the cable was written, so its author "
                 "(or its channel) decided whether they read it: it cannot be given to them");
  }
  if (!readable.header.channel.empty()) {
    CANDOR_ASSIGN_OR_RETURN(auto settings, SettingsOf(org));
    const domain::CableChannel* channel = settings.FindChannel(readable.header.channel);
    if (channel == nullptr ||
        !std::binary_search(channel->reviewers.begin(), channel->reviewers.end(),
                            static_cast<std::uint64_t>(grantee->account_id))) {
      return Error(ErrorCode::kFailedPrecondition,
                   "this reviewer is not a reviewer of the cable's channel '" +
                       readable.header.channel + "'");
    }
  }
  // Exactly the envelopes the giver can open: the cable (seq 1), the messages sealed to the
  // giver, and those given to the giver.
  std::set<std::uint64_t> openable{1};
  for (const auto& e : events) {
    auto action = domain::ParseCableAction(e.action);
    if (!action.ok()) return Error(ErrorCode::kCorrupt, "a stored cable event is damaged");
    if (domain::CableActionHasMessage(*action) && e.envelope && e.recipients &&
        Contains(Split(*e.recipients), readable.mine)) {
      openable.insert(static_cast<std::uint64_t>(e.seq));
    }
    if (*action == domain::CableAction::kGranted && e.envelope && e.recipients &&
        Contains(Split(*e.recipients), readable.mine)) {
      auto earlier = domain::DecodeCableGrant(*e.envelope);
      if (!earlier.ok()) return Error(ErrorCode::kCorrupt, "a stored cable grant is damaged");
      for (const auto& [seq, wrap] : earlier->wraps) openable.insert(seq);
    }
  }
  std::set<std::uint64_t> given;
  for (const auto& [seq, wrap] : grant.wraps) given.insert(seq);
  if (given != openable) {
    return InvalidArgument(
        "the grant must wrap exactly the envelopes you can open — the cable and each message "
        "sealed or given to you (" +
        std::to_string(openable.size()) + "), no more and no fewer");
  }
  store::CableEventRecord ev;
  CANDOR_ASSIGN_OR_RETURN(ev.day, TodayOf(org, clock_));
  ev.account_id = who.account.id;
  ev.at_ms = clock_.NowMs();
  ev.recipients = Concat({grant.to});
  ev.envelope = grant_bytes;  // the wraps, kept where a message keeps its envelope
  CANDOR_RETURN_IF_ERROR(AppendCableEvent(*tx, std::string(slug), id, domain::CableAction::kGranted,
                                          domain::CableGrantDigest(id, grant_bytes), ev));
  CANDOR_RETURN_IF_ERROR(core_.SignHead(*tx));
  return tx->Commit();
}

Result<std::int64_t> CableService::AddCableMessage(
    const Principal& who, std::string_view slug, const domain::CableId& id,
    domain::CableAction action, const std::vector<crypto::BoxPublicKey>& recipients,
    const crypto::Bytes& envelope) {
  if (!domain::CableActionHasMessage(action))
    return InvalidArgument("this action carries no message");
  if (action == domain::CableAction::kFollowedUp)
    return InvalidArgument("only the cable's author sends a follow-up, with the receipt");
  CANDOR_ASSIGN_OR_RETURN(ReviewerCable c, OpenForReviewer(who, slug, id, store::TxMode::kWrite));
  auto& [tx, org, rec, readable] = c;
  if (rec.closed_day) return Error(ErrorCode::kFailedPrecondition, "this cable is closed");
  if (action != domain::CableAction::kNoted && !rec.acknowledged_day) {
    return Error(ErrorCode::kFailedPrecondition, "acknowledge the cable first");
  }
  CANDOR_ASSIGN_OR_RETURN(auto settings, CableSettings(rec, org));
  if (action == domain::CableAction::kExtended) {
    if (!settings.policy.extended_answer) {
      return Error(ErrorCode::kFailedPrecondition,
                   "the deadline policy '" + settings.policy.name + "' allows no extension");
    }
    if (rec.extended)
      return Error(ErrorCode::kFailedPrecondition, "the answer deadline was extended once already");
  }
  if (domain::CableMessageReachesAuthor(action)) {
    if (!AuthorThenReviewers(recipients, readable.readers)) {
      return InvalidArgument(
          "a message to the author must be encrypted to the author's reply key first, then to "
          "each reviewer who can read the cable now (its recipients that are still reviewers), "
          "in its order");
    }
  } else if (recipients != readable.readers) {
    return InvalidArgument(
        "a note must be encrypted to each reviewer who can read the cable now (its recipients "
        "that are still reviewers), in its order");
  }
  CANDOR_RETURN_IF_ERROR(
      CheckEnvelope(envelope, recipients.size(), config_.max_cable_envelope_bytes));
  const crypto::Bytes message_header = domain::CableMessageHeaderBytes(id, action, recipients);
  const crypto::Digest32 digest = domain::CableMessageDigest(message_header, envelope);
  store::CableEventRecord ev;
  CANDOR_ASSIGN_OR_RETURN(ev.day, TodayOf(org, clock_));
  ev.account_id = who.account.id;
  ev.at_ms = clock_.NowMs();
  ev.recipients = Concat(recipients);
  ev.envelope = envelope;
  CANDOR_RETURN_IF_ERROR(AppendCableEvent(*tx, std::string(slug), id, action, digest, ev));
  CANDOR_RETURN_IF_ERROR(core_.SignHead(*tx));
  if (action == domain::CableAction::kExtended) rec.extended = true;
  if (action == domain::CableAction::kClosed) rec.closed_day = ev.day;
  if (action == domain::CableAction::kExtended || action == domain::CableAction::kClosed) {
    CANDOR_RETURN_IF_ERROR(tx->UpdateCable(rec));
  }
  CANDOR_RETURN_IF_ERROR(tx->Commit());
  return ev.seq;
}

Result<CableStats> CableService::CableCounts(std::string_view slug) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
  CANDOR_ASSIGN_OR_RETURN(auto org, core_.RequireOrganization(*tx, slug));
  CANDOR_ASSIGN_OR_RETURN(auto records, tx->ListCables(org.id));
  CANDOR_ASSIGN_OR_RETURN(auto ctx, LoadDeadlineContext(*tx, org.id));
  const domain::Date today = ctx.zone.LocalDate(clock_.NowMs());
  CableStats stats;
  for (const auto& rec : records) {
    if (!rec.published) continue;
    if (rec.closed_day) {
      ++stats.closed;
      continue;
    }
    ++stats.open;
    CANDOR_ASSIGN_OR_RETURN(CableDeadlines d, DeadlinesOf(rec, ctx, today));
    if (d.clock.overdue()) ++stats.overdue;
  }
  return stats;
}

Result<domain::CableStatistics> CableService::Statistics(const Principal& who,
                                                         std::string_view slug,
                                                         const domain::Date& from,
                                                         const domain::Date& to) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
  CANDOR_ASSIGN_OR_RETURN(auto org, core_.Authorize(*tx, who, slug, store::kRoleAdministrator));
  CANDOR_ASSIGN_OR_RETURN(auto records, tx->ListCables(org.id));
  CANDOR_ASSIGN_OR_RETURN(auto ctx, LoadDeadlineContext(*tx, org.id));
  const domain::Date today = ctx.zone.LocalDate(clock_.NowMs());
  std::vector<domain::CableStatisticsInput> inputs;
  inputs.reserve(records.size());
  for (const auto& rec : records) {
    if (!rec.published) continue;
    CANDOR_ASSIGN_OR_RETURN(CableDeadlines d, DeadlinesOf(rec, ctx, today));
    inputs.push_back(domain::CableStatisticsInput{d.dates, d.clock});
  }
  return domain::ComputeCableStatistics(inputs, from, to, today);
}

Result<std::vector<store::NotificationRecord>> CableService::Notifications(const Principal& who,
                                                                           std::string_view slug,
                                                                           bool undelivered_only) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
  CANDOR_ASSIGN_OR_RETURN(auto org, core_.Authorize(*tx, who, slug, store::kRoleReviewer));
  CANDOR_ASSIGN_OR_RETURN(auto all, tx->ListNotifications(org.id, undelivered_only));
  // Only those of cables this reviewer can read: one an author excluded them from stays unseen.
  std::map<store::Blob, bool> reads;
  std::vector<store::NotificationRecord> out;
  for (auto& n : all) {
    auto it = reads.find(n.cable_id);
    if (it == reads.end()) {
      CANDOR_ASSIGN_OR_RETURN(auto rec, tx->FindCable(n.cable_id));
      bool ok = false;
      if (rec) {
        auto readable = ReadableBy(*tx, who, *rec);
        if (!readable.ok() && readable.error().code() != ErrorCode::kNotFound) {
          return readable.error();
        }
        ok = readable.ok();
      }
      it = reads.emplace(n.cable_id, ok).first;
    }
    if (it->second) out.push_back(std::move(n));
  }
  return out;
}

Status CableService::MarkNotificationsDelivered(const Principal& who, std::string_view slug,
                                                std::int64_t up_to_id) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kWrite));
  CANDOR_ASSIGN_OR_RETURN(auto org, core_.Authorize(*tx, who, slug, store::kRoleReviewer));
  CANDOR_RETURN_IF_ERROR(tx->MarkNotificationsDelivered(org.id, up_to_id));
  return tx->Commit();
}

Result<CableService::CableJobsReport> CableService::RunCableJobs() {
  CableJobsReport report;
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kWrite));
  const std::int64_t now = clock_.NowMs();
  std::map<std::int64_t, DeadlineContext> contexts;  // by organization id
  auto context_of = [&](std::int64_t organization_id) -> Result<const DeadlineContext*> {
    auto it = contexts.find(organization_id);
    if (it == contexts.end()) {
      CANDOR_ASSIGN_OR_RETURN(auto ctx, LoadDeadlineContext(*tx, organization_id));
      it = contexts.emplace(organization_id, std::move(ctx)).first;
    }
    return &it->second;
  };
  // Reminders and overdue notices.
  CANDOR_ASSIGN_OR_RETURN(auto open, tx->ListOpenCables());
  for (const auto& rec : open) {
    CANDOR_ASSIGN_OR_RETURN(const DeadlineContext* ctx, context_of(rec.organization_id));
    const std::int64_t today = Today(*ctx, clock_);
    CANDOR_ASSIGN_OR_RETURN(CableDeadlines deadlines,
                            DeadlinesOf(rec, *ctx, domain::CivilFromDays(today)));
    auto remind = [&](const char* due, const char* overdue,
                      const domain::Date& deadline) -> Status {
      const std::int64_t day = domain::DaysFromCivil(deadline);
      const std::int64_t left = day - today;
      store::NotificationRecord n;
      n.organization_id = rec.organization_id;
      n.cable_id = rec.id;
      n.deadline_day = day;
      n.created_at_ms = now;
      if (left < 0) {
        n.kind = overdue;
      } else {
        std::optional<int> step;  // the tightest step of the schedule that has been reached
        for (int d : config_.reminder_days) {
          if (d >= left && (!step || d < *step)) step = d;
        }
        if (!step) return Status::Ok();
        n.kind = due;
        n.days_before = *step;
      }
      CANDOR_ASSIGN_OR_RETURN(bool inserted, tx->InsertNotification(n));
      if (inserted) ++report.notifications;
      return Status::Ok();
    };
    if (!deadlines.clock.acknowledged) {
      CANDOR_RETURN_IF_ERROR(
          remind("acknowledge-due", "acknowledge-overdue", deadlines.clock.acknowledge_by));
    }
    CANDOR_RETURN_IF_ERROR(remind("answer-due", "answer-overdue", deadlines.clock.answer_by));
  }
  // Retention: closed cables past their organization's period lose their ciphertexts.
  CANDOR_ASSIGN_OR_RETURN(auto closed, tx->ListClosedUnpurgedCables());
  bool logged = false;
  for (auto rec : closed) {
    CANDOR_ASSIGN_OR_RETURN(const DeadlineContext* ctx, context_of(rec.organization_id));
    const store::OrganizationRecord& org = ctx->org;
    const std::int64_t today = Today(*ctx, clock_);
    CANDOR_ASSIGN_OR_RETURN(auto settings, SettingsOf(org));
    if (settings.cable_retention_days == 0 ||
        today < *rec.closed_day + settings.cable_retention_days)
      continue;
    auto id = crypto::FixedFromBytes<domain::CableId>(rec.id, "cable id");
    if (!id.ok()) return Error(ErrorCode::kCorrupt, "a stored cable is damaged");
    store::CableEventRecord ev;
    ev.day = today;
    CANDOR_RETURN_IF_ERROR(
        AppendCableEvent(*tx, org.slug, *id, domain::CableAction::kPurged, crypto::Digest32{}, ev));
    CANDOR_RETURN_IF_ERROR(tx->PurgeCableEvents(rec.id));
    rec.envelope.reset();
    rec.signature.reset();
    rec.quota_signature.reset();
    rec.author_signature.reset();
    rec.purged = true;
    CANDOR_RETURN_IF_ERROR(tx->UpdateCable(rec));
    ++report.purged;
    logged = true;
  }
  if (logged) CANDOR_RETURN_IF_ERROR(core_.SignHead(*tx));
  CANDOR_RETURN_IF_ERROR(tx->Commit());
  // Retention is erasure: the purged ciphertexts' pages were zeroed as they were freed
  // (SQLite secure_delete); no copy may stay in the WAL or in dead row versions (L4).
  if (report.purged > 0) CANDOR_RETURN_IF_ERROR(store_.Compact());
  return report;
}

}  // namespace candor::app
