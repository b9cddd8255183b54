// LetterService: collective letters — publishing, co-signing, batched publication, counts, bundles.
//
// Privacy: nothing here records when a co-signature arrived or who sent it. A co-signature
// is stored with exactly what the log will later publish; the batch publisher puts waiting
// ones into the log in a random order, so neither the database nor the log orders them by
// arrival. Public counts are of published signatures only, so they change batch by batch,
// never request by request.
#include "server/app/letter_service.h"

#include <algorithm>
#include <limits>

#include "crypto/ristretto.h"
#include "crypto/transcript.h"
#include "domain/log_entry.h"
#include "domain/log_state.h"
#include "domain/org_state.h"
#include "domain/strict_json.h"
#include "log/proof.h"
#include "log/rfc9162.h"
#include "server/app/log_writer.h"
#include "server/app/service_internal.h"

namespace candor::app {
namespace {

using internal::ToBlob;
using Json = nlohmann::json;

store::CoSignatureAction ToStore(domain::SignatureAction a) {
  return a == domain::SignatureAction::kSign ? store::CoSignatureAction::kSign
                                             : store::CoSignatureAction::kWithdraw;
}
domain::SignatureAction FromStore(store::CoSignatureAction a) {
  return a == store::CoSignatureAction::kSign ? domain::SignatureAction::kSign
                                              : domain::SignatureAction::kWithdraw;
}

Error NoSuchLetter() { return NotFound("there is no published letter with that id"); }

// Staff may organize a letter only among their own organization's members (with others, for
// a letter across agencies): the staff of one organization cannot open letters to another's
// members alone (security review L3).
Status CheckNamesOwnOrganization(const Principal& who, const domain::Letter& letter) {
  if (std::find(letter.organizations.begin(), letter.organizations.end(), who.organization_slug) ==
      letter.organizations.end()) {
    return Error(ErrorCode::kPermissionDenied,
                 "a letter you publish must name your own organization, '" + who.organization_slug +
                     "', among the organizations it is open to");
  }
  return Status::Ok();
}

Result<domain::Letter> DecodeStoredLetter(const store::LetterRecord& rec) {
  auto letter = domain::DecodeLetterCanonicalBytes(rec.canonical);
  if (!letter.ok()) return Error(ErrorCode::kCorrupt, "a stored letter is damaged");
  return letter;
}

}  // namespace

Result<std::shared_ptr<const std::vector<LetterRoster>>> LetterService::LetterRosters(
    store::Transaction& tx, const store::LetterRecord& rec, const domain::Letter& letter) {
  {
    std::lock_guard<std::mutex> lock(rings_mu_);
    auto it = rings_cache_.find(rec.id);
    if (it != rings_cache_.end()) return it->second;
  }
  CANDOR_ASSIGN_OR_RETURN(auto pins, tx.ListLetterRosters(rec.id));
  if (pins.size() != letter.organizations.size()) {
    return Error(ErrorCode::kCorrupt, "a stored letter's pinned rosters are incomplete");
  }
  auto rosters = std::make_shared<std::vector<LetterRoster>>();
  for (const auto& pin : pins) {
    CANDOR_ASSIGN_OR_RETURN(auto org, tx.FindOrganization(pin.organization_id));
    if (!org) return Error(ErrorCode::kCorrupt, "a letter names a missing organization");
    CANDOR_ASSIGN_OR_RETURN(auto rings, core_.RingsAt(tx, org->id, pin.roster_version));
    std::size_t members = 0;
    for (const auto& r : *rings) members += r.size();
    LetterRoster out{org->slug, org->name, org->id, pin.roster_version, members, std::move(rings)};
    rosters->push_back(std::move(out));
  }
  std::lock_guard<std::mutex> lock(rings_mu_);
  // Bounded (security review M6): the oldest letter's rings go when the cache is full; they are
  // rebuilt from the store when that letter is asked for again.
  if (rings_cache_.emplace(rec.id, rosters).second) {
    rings_order_.push_back(rec.id);
    while (rings_order_.size() > kRingsCacheLetters) {
      rings_cache_.erase(rings_order_.front());
      rings_order_.pop_front();
    }
  }
  return std::shared_ptr<const std::vector<LetterRoster>>(rosters);
}

Result<domain::LetterId> LetterService::PublishLetterIn(store::Transaction& tx,
                                                        const domain::Letter& letter) {
  CANDOR_RETURN_IF_ERROR(domain::ValidateNewLetter(letter));
  const std::int64_t now = clock_.NowMs();
  if (letter.closes_at_ms && static_cast<std::int64_t>(*letter.closes_at_ms) <= now) {
    return InvalidArgument("the closing time is in the past: choose a later one, or none");
  }
  if (letter.supersedes) {
    CANDOR_ASSIGN_OR_RETURN(auto old, tx.FindLetter(ToBlob(letter.supersedes->span())));
    if (!old) return NotFound("the letter this one corrects ('supersedes') does not exist");
  }
  const domain::LetterId id = domain::ComputeLetterId(letter);
  CANDOR_ASSIGN_OR_RETURN(auto existing, tx.FindLetter(ToBlob(id.span())));
  if (existing) return Error(ErrorCode::kAlreadyExists, "this exact letter is already published");
  std::vector<std::pair<std::int64_t, std::int64_t>> pins;  // (organization, version)
  std::vector<std::uint64_t> versions;
  std::uint64_t eligible = 0;  // members of the pinned rosters, all organizations together
  for (const auto& slug : letter.organizations) {
    CANDOR_ASSIGN_OR_RETURN(auto org, core_.RequireOrganization(tx, slug));
    CANDOR_ASSIGN_OR_RETURN(ServiceCore::RosterTip tip, core_.LatestRoster(tx, org.id));
    if (static_cast<std::size_t>(tip.members) < config_.min_ring_size) {
      return Error(ErrorCode::kFailedPrecondition,
                   "'" + slug + "' has " + std::to_string(tip.members) +
                       " members; a letter needs at least " +
                       std::to_string(config_.min_ring_size) +
                       " in every organization it names, so that no signer can be singled out");
    }
    pins.emplace_back(org.id, tip.version);
    versions.push_back(static_cast<std::uint64_t>(tip.version));
    eligible += static_cast<std::uint64_t>(tip.members);
  }
  // A quorum nobody could reach would hide every signature for good.
  if (letter.quorum && *letter.quorum > eligible) {
    return InvalidArgument("the quorum (" + std::to_string(*letter.quorum) +
                           ") is larger than the " + std::to_string(eligible) +
                           " members who may sign");
  }
  const crypto::Bytes entry = domain::EncodeLogEntry(domain::LetterEvent{letter, versions});
  CANDOR_ASSIGN_OR_RETURN(std::uint64_t index, core_.Log(tx, entry));
  store::LetterRecord rec{ToBlob(id.span()), 0, domain::LetterCanonicalBytes(letter),
                          static_cast<std::int64_t>(index), !letter.quorum.has_value()};
  CANDOR_RETURN_IF_ERROR(tx.InsertLetter(rec));
  for (std::size_t i = 0; i < pins.size(); ++i) {
    CANDOR_RETURN_IF_ERROR(tx.InsertLetterRoster(store::LetterRosterRecord{
        rec.id, static_cast<std::int64_t>(i), pins[i].first, pins[i].second}));
  }
  return id;
}

Result<domain::LetterId> LetterService::PublishLetter(const Principal& who,
                                                      const domain::Letter& letter) {
  CANDOR_RETURN_IF_ERROR(CheckNamesOwnOrganization(who, letter));  // who it was is not recorded
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kWrite));
  CANDOR_ASSIGN_OR_RETURN(auto id, PublishLetterIn(*tx, letter));
  CANDOR_RETURN_IF_ERROR(tx->Commit());
  return id;
}

Result<CableQuotaView> LetterService::MemberLetterQuota(std::string_view slug) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
  CANDOR_ASSIGN_OR_RETURN(auto org, core_.RequireOrganization(*tx, slug));
  const auto window = static_cast<std::uint64_t>(clock_.NowMs() / config_.member_letter_window_ms);
  CANDOR_ASSIGN_OR_RETURN(auto used,
                          tx->ListLetterPublishTags(org.id, static_cast<std::int64_t>(window)));
  return QuotaViewOf(window, config_.member_letter_window_ms, config_.member_letter_quota, used);
}

Result<domain::LetterId> LetterService::PublishLetterAsMember(
    const domain::Letter& letter, std::string_view slug, const crypto::Digest32& ring_digest,
    std::uint64_t window, std::uint64_t slot, crypto::ByteSpan proof, domain::RingScheme scheme) {
  CANDOR_RETURN_IF_ERROR(domain::ValidateNewLetter(letter));
  if (slot >= config_.member_letter_quota) {
    return InvalidArgument("'slot' must be below " + std::to_string(config_.member_letter_quota));
  }
  // Only the current window: accepting the previous one too would let a member publish twice
  // the quota around a boundary (security review L8).
  const auto now_window =
      static_cast<std::uint64_t>(clock_.NowMs() / config_.member_letter_window_ms);
  if (window != now_window) {
    return Error(ErrorCode::kFailedPrecondition,
                 "the publishing period has changed: fetch the letter quota again and retry");
  }
  if (std::find(letter.organizations.begin(), letter.organizations.end(), slug) ==
      letter.organizations.end()) {
    return InvalidArgument("the membership proof must be for one of the letter's organizations");
  }
  const domain::LetterId id = domain::ComputeLetterId(letter);
  // The ring is read in a read snapshot and the proof verified outside any transaction: an
  // anonymous request must never hold the writer lock (shared by every server on PostgreSQL)
  // through an O(n) ring verification (security review H5).
  std::optional<ServiceCore::ProofRing> ring;
  std::int64_t org_id = 0;
  std::int64_t version = 0;
  {
    CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
    CANDOR_ASSIGN_OR_RETURN(auto org, core_.RequireOrganization(*tx, slug));
    org_id = org.id;
    CANDOR_ASSIGN_OR_RETURN(version, tx->LatestRosterVersion(org.id));
    CANDOR_ASSIGN_OR_RETURN(ring, core_.ProofRingAt(*tx, org.id, version, scheme, ring_digest));
  }
  if (!ring) {
    return InvalidArgument(
        std::string(scheme == domain::RingScheme::kV2
                        ? "a candor-lrs-v2 membership proof must be over the whole of '"
                        : "the membership proof is not over a ring of '") +
        std::string(slug) + "''s current roster: fetch the roster again and retry");
  }
  auto tag = ring->Verify(domain::PublishQuotaEvent(slug, window, slot),
                          domain::PublishProofMessage(id), proof);
  if (!tag.ok()) {
    if (tag.error().code() == ErrorCode::kVerificationFailed) {
      return Error(ErrorCode::kVerificationFailed, "the membership proof does not verify");
    }
    return InvalidArgument("the membership proof is malformed: " + tag.error().message());
  }
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kWrite));
  // The proof is over the roster as it was when read; if it changed since, the ring may not
  // be one of the current roster's any more.
  CANDOR_ASSIGN_OR_RETURN(std::int64_t latest, tx->LatestRosterVersion(org_id));
  if (latest != version) {
    return Error(ErrorCode::kFailedPrecondition,
                 "the roster of '" + std::string(slug) +
                     "' changed while the proof was checked: fetch it again and retry");
  }
  // One tag per member per (window, slot): a second letter in a used slot is refused.
  CANDOR_ASSIGN_OR_RETURN(
      bool fresh, tx->InsertLetterPublishTag(org_id, static_cast<std::int64_t>(window),
                                             static_cast<std::int64_t>(slot),
                                             store::Blob(tag->span().begin(), tag->span().end())));
  if (!fresh) {
    return Error(ErrorCode::kAlreadyExists,
                 "you have used this publishing slot already: members may publish " +
                     std::to_string(config_.member_letter_quota) + " letters per period");
  }
  CANDOR_ASSIGN_OR_RETURN(auto published, PublishLetterIn(*tx, letter));
  CANDOR_RETURN_IF_ERROR(tx->Commit());
  return published;
}

// --- Drafts ---

namespace {
// Drafts an account may keep at once (a draft is unfinished work, not an archive).
constexpr std::size_t kMaxDraftsPerAccount = 100;

// A draft may be unfinished (an empty title, no organization yet), but each field it has must
// be of the letter's type and within the letter's limits, so that what is stored is bounded.
Status CheckDraftJson(const Json& j) {
  domain::FieldReader r(j, "the draft",
                        {"title", "body", "organizations", "closes_at_ms", "quorum", "supersedes"});
  CANDOR_RETURN_IF_ERROR(r.Shape());
  auto text = [](const Json& v, std::size_t max) {
    return v.is_string() && v.get_ref<const std::string&>().size() <= max;
  };
  auto check = [&](const char* field, auto ok) -> Status {
    const Json* v = r.Find(field);
    if (v == nullptr || ok(*v)) return Status::Ok();
    return InvalidArgument("the draft's '" + std::string(field) +
                           "' is not of the letter's type or is too long");
  };
  CANDOR_RETURN_IF_ERROR(
      check("title", [&](const Json& v) { return text(v, domain::kMaxLetterTitleBytes); }));
  CANDOR_RETURN_IF_ERROR(
      check("body", [&](const Json& v) { return text(v, domain::kMaxLetterBodyBytes); }));
  CANDOR_RETURN_IF_ERROR(check("organizations", [&](const Json& v) {
    return v.is_array() && v.size() <= domain::kMaxLetterOrganizations &&
           std::all_of(v.begin(), v.end(), [&](const Json& o) { return text(o, 64); });
  }));
  auto whole = [](const Json& v) { return v.is_number_unsigned(); };
  CANDOR_RETURN_IF_ERROR(check("closes_at_ms", whole));
  CANDOR_RETURN_IF_ERROR(check("quorum", whole));
  CANDOR_RETURN_IF_ERROR(check("supersedes", [&](const Json& v) { return text(v, 64); }));
  // What is stored is the JSON text, whose escapes may make it larger than the fields' bytes.
  if (j.dump().size() > std::size_t{512} * 1024) return InvalidArgument("the draft is too large");
  return Status::Ok();
}
}  // namespace

Result<std::int64_t> LetterService::CreateDraft(const Principal& who, const Json& letter_json) {
  CANDOR_RETURN_IF_ERROR(CheckDraftJson(letter_json));
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kWrite));
  CANDOR_ASSIGN_OR_RETURN(auto existing, tx->ListLetterDrafts(who.account.id));
  if (existing.size() >= kMaxDraftsPerAccount) {
    return Error(ErrorCode::kResourceExhausted,
                 "you have " + std::to_string(existing.size()) +
                     " drafts already: publish or delete some first");
  }
  CANDOR_ASSIGN_OR_RETURN(auto id, tx->InsertLetterDraft(store::LetterDraftRecord{
                                       0, who.account.id, letter_json.dump(), clock_.NowMs()}));
  CANDOR_RETURN_IF_ERROR(tx->Commit());
  return id;
}

Result<std::vector<store::LetterDraftRecord>> LetterService::ListDrafts(const Principal& who) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
  return tx->ListLetterDrafts(who.account.id);
}

Result<store::LetterDraftRecord> LetterService::GetDraft(const Principal& who, std::int64_t id) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
  CANDOR_ASSIGN_OR_RETURN(auto d, tx->FindLetterDraft(id));
  // Another account's draft is reported exactly like a missing one.
  if (!d || d->account_id != who.account.id)
    return NotFound("there is no draft " + std::to_string(id));
  return *d;
}

Status LetterService::UpdateDraft(const Principal& who, std::int64_t id, const Json& letter_json) {
  CANDOR_RETURN_IF_ERROR(CheckDraftJson(letter_json));
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kWrite));
  CANDOR_ASSIGN_OR_RETURN(auto d, tx->FindLetterDraft(id));
  if (!d || d->account_id != who.account.id)
    return NotFound("there is no draft " + std::to_string(id));
  d->letter_json = letter_json.dump();
  d->updated_at_ms = clock_.NowMs();
  CANDOR_RETURN_IF_ERROR(tx->UpdateLetterDraft(*d));
  return tx->Commit();
}

Status LetterService::DeleteDraft(const Principal& who, std::int64_t id) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kWrite));
  CANDOR_ASSIGN_OR_RETURN(auto d, tx->FindLetterDraft(id));
  if (!d || d->account_id != who.account.id)
    return NotFound("there is no draft " + std::to_string(id));
  CANDOR_RETURN_IF_ERROR(tx->DeleteLetterDraft(id));
  return tx->Commit();
}

Result<domain::LetterId> LetterService::PublishDraft(const Principal& who, std::int64_t id) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kWrite));
  CANDOR_ASSIGN_OR_RETURN(auto d, tx->FindLetterDraft(id));
  if (!d || d->account_id != who.account.id)
    return NotFound("there is no draft " + std::to_string(id));
  Json j = Json::parse(d->letter_json, nullptr, false);
  if (j.is_discarded()) return Error(ErrorCode::kCorrupt, "a stored draft is damaged");
  CANDOR_ASSIGN_OR_RETURN(domain::Letter letter, domain::LetterFromJson(j));
  CANDOR_RETURN_IF_ERROR(CheckNamesOwnOrganization(who, letter));
  CANDOR_ASSIGN_OR_RETURN(auto letter_id, PublishLetterIn(*tx, letter));
  CANDOR_RETURN_IF_ERROR(tx->DeleteLetterDraft(id));
  CANDOR_RETURN_IF_ERROR(tx->Commit());
  return letter_id;
}

// --- Reading letters ---

Result<LetterView> LetterService::ViewOf(store::Transaction& tx, const store::LetterRecord& rec) {
  CANDOR_ASSIGN_OR_RETURN(domain::Letter letter, DecodeStoredLetter(rec));
  LetterView v;
  v.id = domain::ComputeLetterId(letter);
  v.seq = rec.seq;
  v.log_index = static_cast<std::uint64_t>(rec.log_index);
  CANDOR_ASSIGN_OR_RETURN(v.rosters, LetterRosters(tx, rec, letter));
  v.closed =
      letter.closes_at_ms && static_cast<std::int64_t>(*letter.closes_at_ms) <= clock_.NowMs();
  v.quorum_reached = rec.quorum_reached;
  v.signers.assign(v.rosters->size(), 0);
  CANDOR_ASSIGN_OR_RETURN(auto counts, tx.CountSigners(rec.id, true));
  for (const auto& [org, n] : counts) {
    for (std::size_t i = 0; i < v.rosters->size(); ++i) {
      if ((*v.rosters)[i].organization_id == org) v.signers[i] = static_cast<std::uint64_t>(n);
    }
  }
  for (auto n : v.signers) v.total += n;
  CANDOR_ASSIGN_OR_RETURN(auto batches, tx.ListSignatureBatches(rec.id));
  v.batches = batches.size();
  v.letter = std::move(letter);
  return v;
}

Result<std::vector<domain::Letter>> LetterService::PublishedLetters() {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
  CANDOR_ASSIGN_OR_RETURN(auto records, tx->ListLetters());
  std::vector<domain::Letter> out;
  out.reserve(records.size());
  for (const auto& rec : records) {
    CANDOR_ASSIGN_OR_RETURN(domain::Letter letter, DecodeStoredLetter(rec));
    out.push_back(std::move(letter));
  }
  return out;
}

Result<LetterService::LettersPage> LetterService::ListLettersPage(std::int64_t after,
                                                                  std::int64_t limit) {
  if (after < 0) return InvalidArgument("'after' must be 0 or a letter's number");
  if (limit < 1 || limit > kMaxLettersPage) {
    return InvalidArgument("'limit' must be between 1 and " + std::to_string(kMaxLettersPage));
  }
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
  // One more than asked for says whether another page follows.
  CANDOR_ASSIGN_OR_RETURN(auto records, tx->ListLettersAfter(after, limit + 1));
  LettersPage page;
  const bool more = records.size() > static_cast<std::size_t>(limit);
  if (more) records.pop_back();
  page.letters.reserve(records.size());
  for (const auto& rec : records) {
    CANDOR_ASSIGN_OR_RETURN(auto v, ViewOf(*tx, rec));
    page.letters.push_back(std::move(v));
  }
  if (more) page.next_after = records.back().seq;
  return page;
}

Result<LetterView> LetterService::GetLetter(const domain::LetterId& id) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
  CANDOR_ASSIGN_OR_RETURN(auto rec, tx->FindLetter(ToBlob(id.span())));
  if (!rec) return NoSuchLetter();
  return ViewOf(*tx, *rec);
}

// --- Co-signing ---

Result<CoSignatureReceipt> LetterService::SubmitCoSignature(std::string_view slug,
                                                            const domain::CoSignature& sig) {
  const store::Blob letter_blob = ToBlob(sig.letter.span());
  // Check everything that needs no lock first; verification is the expensive part.
  std::shared_ptr<const std::vector<LetterRoster>> rosters;
  const LetterRoster* roster = nullptr;
  std::shared_ptr<const crypto::Lrs2Ring> whole;  // candor-lrs-v2: the whole pinned roster
  domain::Letter letter;
  {
    CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
    CANDOR_ASSIGN_OR_RETURN(auto rec, tx->FindLetter(letter_blob));
    if (!rec) return NoSuchLetter();
    CANDOR_ASSIGN_OR_RETURN(letter, DecodeStoredLetter(*rec));
    CANDOR_ASSIGN_OR_RETURN(rosters, LetterRosters(*tx, *rec, letter));
    for (const auto& r : *rosters) {
      if (r.slug == slug) roster = &r;
    }
    if (roster != nullptr && sig.scheme == domain::RingScheme::kV2) {
      CANDOR_ASSIGN_OR_RETURN(whole,
                              core_.WholeRingAt(*tx, roster->organization_id, roster->version));
    }
  }
  if (letter.closes_at_ms && static_cast<std::int64_t>(*letter.closes_at_ms) <= clock_.NowMs()) {
    return Error(ErrorCode::kFailedPrecondition,
                 "this letter is closed: it no longer takes signatures or withdrawals");
  }
  if (roster == nullptr) {
    return InvalidArgument("'" + std::string(slug) +
                           "' is not one of the organizations this letter is open to");
  }
  const std::string pinned = "'" + roster->slug + "''s roster version " +
                             std::to_string(roster->version) +
                             ", pinned when the letter was published";
  const crypto::Ring* ring =
      whole ? &whole->ring() : domain::FindRing(*roster->rings, sig.ring_digest);
  if (ring == nullptr) {
    return InvalidArgument("the signature is not over a ring of this letter: rings come from " +
                           pinned);
  }
  if (whole && ring->digest() != sig.ring_digest) {
    return InvalidArgument("a candor-lrs-v2 signature must be over the whole roster: " + pinned +
                           ", digest " + crypto::ToHex(ring->digest()));
  }
  if (Status small = domain::CheckMinRing(ring->size(), config_.min_ring_size); !small.ok()) {
    return InvalidArgument(small.error().message());  // 400, as before: the signer chose the ring
  }
  auto tag_or =
      whole ? domain::VerifyCoSignature(sig, *whole) : domain::VerifyCoSignature(sig, *ring);
  if (!tag_or.ok()) {
    if (tag_or.error().code() == ErrorCode::kVerificationFailed) {
      return Error(ErrorCode::kVerificationFailed, "the signature does not verify");
    }
    return InvalidArgument("the signature is malformed: " + tag_or.error().message());
  }
  const crypto::Point tag = *tag_or;
  const store::Blob tag_blob = ToBlob(tag.span());

  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kWrite));
  CANDOR_ASSIGN_OR_RETURN(auto rec, tx->FindLetter(letter_blob));
  if (!rec) return NoSuchLetter();
  CANDOR_ASSIGN_OR_RETURN(auto previous, tx->FindCoSignatures(letter_blob, tag_blob));
  bool signed_before = false, withdrawn_before = false;
  for (const auto& p : previous) {
    signed_before = signed_before || p.action == store::CoSignatureAction::kSign;
    withdrawn_before = withdrawn_before || p.action == store::CoSignatureAction::kWithdraw;
  }
  if (sig.action == domain::SignatureAction::kSign && signed_before) {
    return Error(ErrorCode::kAlreadyExists, "already signed");
  }
  if (sig.action == domain::SignatureAction::kWithdraw) {
    if (withdrawn_before) return Error(ErrorCode::kAlreadyExists, "already withdrawn");
    if (!signed_before) {
      return Error(ErrorCode::kFailedPrecondition, "there is no signature by this key to withdraw");
    }
  }
  CANDOR_RETURN_IF_ERROR(tx->InsertCoSignature(store::CoSignatureRecord{
      letter_blob, tag_blob, ToStore(sig.action), roster->organization_id,
      ToBlob(sig.ring_digest.span()), sig.signature, std::nullopt, std::nullopt,
      sig.scheme == domain::RingScheme::kV2 ? store::CoSignatureScheme::kLrsV2
                                            : store::CoSignatureScheme::kLrsV1}));
  // Whether the quorum is reached is decided by the batch publisher, never here: a flag that
  // flipped on this request would tell anyone polling the letter when the K-th signature
  // arrived (security review M1).
  CANDOR_RETURN_IF_ERROR(tx->Commit());
  return CoSignatureReceipt{sig.letter, tag, sig.action, crypto::Sha256(sig.signature)};
}

Result<std::vector<CoSignatureState>> LetterService::CoSignatureStates(const domain::LetterId& id,
                                                                       const crypto::Point& tag) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
  CANDOR_ASSIGN_OR_RETURN(auto rec, tx->FindLetter(ToBlob(id.span())));
  if (!rec) return NoSuchLetter();
  CANDOR_ASSIGN_OR_RETURN(auto sigs, tx->FindCoSignatures(rec->id, ToBlob(tag.span())));
  std::vector<CoSignatureState> out;
  for (const auto& s : sigs) {
    CoSignatureState st;
    st.action = FromStore(s.action);
    st.signature_sha256 = crypto::Sha256(s.signature);
    st.batch = s.batch;
    st.log_index = s.log_index;
    st.state = s.batch               ? "published"
               : rec->quorum_reached ? "waiting-for-batch"
                                     : "waiting-for-quorum";
    out.push_back(std::move(st));
  }
  return out;
}

Result<std::vector<BatchView>> LetterService::LetterBatches(const domain::LetterId& id) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
  CANDOR_ASSIGN_OR_RETURN(auto rec, tx->FindLetter(ToBlob(id.span())));
  if (!rec) return NoSuchLetter();
  CANDOR_ASSIGN_OR_RETURN(domain::Letter letter, DecodeStoredLetter(*rec));
  CANDOR_ASSIGN_OR_RETURN(auto rosters, LetterRosters(*tx, *rec, letter));
  CANDOR_ASSIGN_OR_RETURN(auto batches, tx->ListSignatureBatches(rec->id));
  CANDOR_ASSIGN_OR_RETURN(auto published, tx->ListPublishedCoSignatureHeads(rec->id));
  std::map<store::Blob, std::size_t> signer_org;  // counted tags → roster position
  std::map<store::Blob, bool> withdrawn;
  std::vector<BatchView> out;
  std::size_t next = 0;
  for (const auto& b : batches) {
    for (; next < published.size() && published[next].batch <= b.batch; ++next) {
      const auto& s = published[next];
      if (s.action == store::CoSignatureAction::kSign) {
        for (std::size_t i = 0; i < rosters->size(); ++i) {
          if ((*rosters)[i].organization_id == s.organization_id) signer_org.emplace(s.tag, i);
        }
      } else {
        withdrawn[s.tag] = true;
      }
    }
    BatchView v{b.batch,
                b.published_at_ms,
                b.signatures,
                b.log_index,
                std::vector<std::uint64_t>(rosters->size(), 0),
                0};
    for (const auto& [tag, org] : signer_org) {
      if (withdrawn.count(tag) == 0) {
        ++v.signers_after[org];
        ++v.total_after;
      }
    }
    out.push_back(std::move(v));
  }
  return out;
}

// --- Bundles ---

Result<Json> LetterService::LetterBundle(const domain::LetterId& id, bool with_signatures,
                                         const BundlePage& page) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
  CANDOR_ASSIGN_OR_RETURN(auto rec, tx->FindLetter(ToBlob(id.span())));
  if (!rec) return NoSuchLetter();
  BundlePage at = page;
  if (!at.tree_size) {
    // By default, the newest checkpoint that holds the letter: its log state proves the bundle
    // complete (docs/PROTOCOL.md, "Log state").
    CANDOR_ASSIGN_OR_RETURN(auto newest, tx->ListCheckpoints(1));
    if (!newest.empty() && newest.front() > rec->log_index)
      at.tree_size = static_cast<std::uint64_t>(newest.front());
  }
  auto sth = core_.PagedTreeHead(*tx, at);
  if (!sth.ok()) {
    if (sth.error().message() == "the log is empty")
      return Error(ErrorCode::kCorrupt, "a letter exists but the log has no tree head");
    return sth.error();
  }
  if (static_cast<std::uint64_t>(rec->log_index) >= sth->head.size)
    return NotFound("the letter is not in a tree of that size");
  std::vector<std::int64_t> indices{rec->log_index};
  CANDOR_ASSIGN_OR_RETURN(auto pins, tx->ListLetterRosters(rec->id));
  // The log state of the tree head, when it is a checkpoint whose leaves are kept: the letter's
  // leaf and its organizations', and each roster's version v + 1 where one exists (FORMATS.md,
  // "Letter bundle", rule 10). A bundle without its co-signatures proves no completeness.
  // Each organization's roster entries up to its pin, or up to the pin + 1 where the log state
  // says a later version exists.
  std::vector<std::int64_t> up_to;
  up_to.reserve(pins.size());
  for (const auto& pin : pins) up_to.push_back(pin.roster_version);
  Json state_json;
  if (with_signatures) {
    CANDOR_ASSIGN_OR_RETURN(auto stored,
                            tx->FindLogState(static_cast<std::int64_t>(sth->head.size)));
    if (stored) {
      CANDOR_ASSIGN_OR_RETURN(auto leaves, domain::UnpackStateLeaves(*stored));
      auto letter = domain::DecodeLetterCanonicalBytes(rec->canonical);
      if (!letter.ok()) return Error(ErrorCode::kCorrupt, "a stored letter does not decode");
      CANDOR_ASSIGN_OR_RETURN(auto proofs, domain::LetterStateProofs(leaves, *letter));
      state_json = Json::array();
      for (const auto& p : proofs) state_json.push_back(domain::StateLeafProofToJson(p));
      indices.push_back(static_cast<std::int64_t>(sth->head.size) - 1);
      for (std::size_t k = 0; k < pins.size() && k + 1 < proofs.size(); ++k) {
        auto org = domain::DecodeStateLeaf(proofs[k + 1].leaf);
        if (!org.ok() || !std::holds_alternative<domain::OrgStateLeaf>(*org)) {
          return Error(ErrorCode::kCorrupt, "a stored log state leaf is damaged");
        }
        if (std::get<domain::OrgStateLeaf>(*org).roster_version >
            static_cast<std::uint64_t>(pins[k].roster_version)) {
          up_to[k] = pins[k].roster_version + 1;
        }
      }
    }
  }
  for (std::size_t k = 0; k < pins.size(); ++k) {
    CANDOR_ASSIGN_OR_RETURN(auto events, tx->ListRosterEvents(pins[k].organization_id, up_to[k]));
    if (events.empty() || events.back().version != up_to[k]) {
      return Error(ErrorCode::kCorrupt,
                   "a roster version a letter or the log state names is missing");
    }
    for (const auto& e : events) indices.push_back(e.log_index);
  }
  if (with_signatures) {
    CANDOR_ASSIGN_OR_RETURN(auto published, tx->ListPublishedCoSignatureHeads(rec->id));
    for (const auto& s : published) {
      if (s.log_index) indices.push_back(*s.log_index);
    }
    CANDOR_ASSIGN_OR_RETURN(auto batches, tx->ListSignatureBatches(rec->id));
    for (const auto& b : batches) indices.push_back(b.log_index);
  }
  CANDOR_ASSIGN_OR_RETURN(Json out, core_.ProvenEntriesPage(*tx, *sth, std::move(indices), at));
  out["format"] = "candor-letter-bundle-v1";
  out["letter_id"] = crypto::ToHex(id);
  if (!state_json.is_null()) out["state"] = std::move(state_json);
  // At a checkpoint, the witnesses' cosignatures travel with the bundle.
  CANDOR_ASSIGN_OR_RETURN(auto cosignatures,
                          tx->ListCosignatures(static_cast<std::int64_t>(sth->head.size)));
  if (!cosignatures.empty()) {
    Json list = Json::array();
    for (const auto& c : cosignatures) {
      list.push_back(Json{{"witness", crypto::ToHex(c.witness)},
                          {"timestamp", c.timestamp_s},
                          {"signature", crypto::ToHex(c.signature)}});
    }
    out["cosignatures"] = std::move(list);
  }
  return out;
}

Result<LetterService::Published> LetterService::PublishWaiting(store::Transaction& tx) {
  CANDOR_ASSIGN_OR_RETURN(auto letters, tx.ListLettersWithWaitingCoSignatures());
  std::size_t published = 0;
  bool changed = false;  // rows dropped or rewritten: commit even when nothing is published
  for (const auto& letter_blob : letters) {
    CANDOR_ASSIGN_OR_RETURN(auto rec, tx.FindLetter(letter_blob));
    if (!rec) return Error(ErrorCode::kCorrupt, "a co-signature names a missing letter");
    CANDOR_ASSIGN_OR_RETURN(domain::Letter letter, DecodeStoredLetter(*rec));
    CANDOR_ASSIGN_OR_RETURN(auto waiting, tx.ListWaitingCoSignatures(letter_blob));
    // A co-signature accepted before points had to be canonical may carry its tag's twin
    // encoding (bit 255 set: security review C1) — a second signature by a key that signed
    // already. Every verifier refuses it now, so it is dropped here, before the quorum is
    // counted, rather than published into the log, where it would make the letter's bundle
    // unverifiable.
    std::vector<store::CoSignatureRecord> twins;
    std::erase_if(waiting, [&twins](const store::CoSignatureRecord& s) {
      auto tag = crypto::FixedFromBytes<crypto::Point>(s.tag, "tag");
      if (tag.ok() && crypto::IsValidPoint(*tag)) return false;
      twins.push_back(s);
      return true;
    });
    if (!twins.empty()) {
      CANDOR_RETURN_IF_ERROR(tx.DeleteCoSignatures(twins));
      changed = true;
    }
    if (waiting.empty()) continue;
    if (!rec->quorum_reached) {
      // A quorum letter publishes nothing until its signatories, waiting ones included,
      // reach the quorum; then all at once, and only then does its flag change — at a batch,
      // so the flag dates no single signature (security review M1).
      CANDOR_ASSIGN_OR_RETURN(auto counts, tx.CountSigners(letter_blob, false));
      std::uint64_t total = 0;
      for (const auto& [org, n] : counts) total += static_cast<std::uint64_t>(n);
      if (!letter.quorum || total < *letter.quorum) {
        // Still waiting, perhaps for weeks: rewrite the waiting rows in a random order at every
        // batch, so that where they lie on disk tells their arrival order no better than the
        // batch interval does (security review H3).
        core_.Shuffle(waiting);
        CANDOR_RETURN_IF_ERROR(tx.RewriteCoSignatures(waiting));
        changed = true;
        continue;
      }
      CANDOR_RETURN_IF_ERROR(tx.MarkLetterQuorumReached(letter_blob));
    }
    CANDOR_ASSIGN_OR_RETURN(auto rosters, LetterRosters(tx, *rec, letter));
    core_.Shuffle(waiting);
    CANDOR_ASSIGN_OR_RETURN(auto batches, tx.ListSignatureBatches(letter_blob));
    const std::int64_t batch = static_cast<std::int64_t>(batches.size()) + 1;
    const domain::LetterId id = domain::ComputeLetterId(letter);
    for (auto& s : waiting) {
      std::string slug;
      for (const auto& r : *rosters) {
        if (r.organization_id == s.organization_id) slug = r.slug;
      }
      auto digest = crypto::FixedFromBytes<crypto::Digest32>(s.ring_digest, "ring digest");
      if (slug.empty() || !digest.ok())
        return Error(ErrorCode::kCorrupt, "a stored co-signature is damaged");
      const crypto::Bytes entry = domain::EncodeLogEntry(domain::CoSignatureEvent{
          id, slug, FromStore(s.action), *digest, s.signature,
          s.scheme == store::CoSignatureScheme::kLrsV2 ? domain::RingScheme::kV2
                                                       : domain::RingScheme::kV1});
      CANDOR_ASSIGN_OR_RETURN(std::uint64_t index, AppendLogEntry(tx, entry));
      s.batch = batch;
      s.log_index = static_cast<std::int64_t>(index);
    }
    // Stored anew in the shuffled order rather than updated in place (store.h,
    // RewriteCoSignatures).
    CANDOR_RETURN_IF_ERROR(tx.RewriteCoSignatures(waiting));
    const std::int64_t now = clock_.NowMs();
    const crypto::Bytes marker = domain::EncodeLogEntry(domain::SignatureBatchEvent{
        id, static_cast<std::uint64_t>(batch), waiting.size(), static_cast<std::uint64_t>(now)});
    CANDOR_ASSIGN_OR_RETURN(std::uint64_t marker_index, AppendLogEntry(tx, marker));
    CANDOR_RETURN_IF_ERROR(tx.InsertSignatureBatch(
        store::SignatureBatchRecord{letter_blob, batch, static_cast<std::int64_t>(marker_index),
                                    now, static_cast<std::int64_t>(waiting.size())}));
    published += waiting.size();
  }
  return Published{published, changed};
}

}  // namespace candor::app
