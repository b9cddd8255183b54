// ServiceCore: what the feature services share (service_core.h).
#include "server/app/service_core.h"

#include <algorithm>
#include <limits>

#include "crypto/at_rest.h"
#include "crypto/keys.h"
#include "crypto/ristretto.h"
#include "domain/bundle.h"
#include "domain/cosignature.h"
#include "domain/log_state.h"
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
using Json = nlohmann::json;

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

ServiceCore::ServiceCore(store::Store& store, const Clock& clock, crypto::Rng& rng,
                         crypto::SignKeyPair log_key, ServiceConfig config)
    : store_(store),
      clock_(clock),
      rng_(rng),
      log_key_(std::move(log_key)),
      reviewer_proof_key_(
          crypto::DeriveBoxKeyPair(log_key_.secret_key, "candor/v1/reviewer-key-verifier")),
      totp_key_(crypto::DeriveAtRestKey(log_key_.secret_key, "candor/v1/totp-at-rest")),
      config_(std::move(config)) {}

Result<tlog::SignedTreeHead> ServiceCore::SignHead(store::Transaction& tx) {
  return SignAndStoreTreeHead(tx, log_key_, clock_);
}

Result<std::uint64_t> ServiceCore::Log(store::Transaction& tx, const crypto::Bytes& entry) {
  CANDOR_ASSIGN_OR_RETURN(std::uint64_t index, AppendLogEntry(tx, entry));
  CANDOR_RETURN_IF_ERROR(SignAndStoreTreeHead(tx, log_key_, clock_));
  return index;
}

Status ServiceCore::LogOrganizationEvent(store::Transaction& tx, std::int64_t org_id,
                                         const domain::LogEvent& event) {
  CANDOR_ASSIGN_OR_RETURN(std::uint64_t index, Log(tx, domain::EncodeLogEntry(event)));
  store::OrganizationLogRecord rec{static_cast<std::int64_t>(index), org_id,
                                   std::string(domain::LogEventKind(event)), std::nullopt};
  if (const auto* epoch = std::get_if<domain::RosterEpochEvent>(&event)) {
    rec.version = static_cast<std::int64_t>(epoch->version);
  }
  return tx.InsertOrganizationLog(rec);
}

Result<std::size_t> ServiceCore::LogRosterEpochs(store::Transaction& tx) {
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

Result<std::vector<std::uint64_t>> ServiceCore::CurrentRosterEpochs(store::Transaction& tx,
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

Status ServiceCore::LogReviewerChange(store::Transaction& tx, const store::OrganizationRecord& org,
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

Result<std::uint64_t> ServiceCore::NextReviewerVersion(store::Transaction& tx,
                                                       std::int64_t org_id) {
  CANDOR_ASSIGN_OR_RETURN(
      auto added, tx.ListOrganizationLog(org_id, domain::LogEventKind(domain::ReviewerEvent{})));
  CANDOR_ASSIGN_OR_RETURN(
      auto removed,
      tx.ListOrganizationLog(org_id, domain::LogEventKind(domain::ReviewerRemovedEvent{})));
  return static_cast<std::uint64_t>(added.size() + removed.size()) + 1;
}

Result<bool> ServiceCore::MarkCheckpoint(store::Transaction& tx) {
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
    constexpr std::int64_t kMaxCheckpointAgeMs = std::int64_t{24} * 3600 * 1000;
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
      if (!event.ok()) {
        return Error(ErrorCode::kCorrupt,
                     "log entry " + std::to_string(r.index) + " does not decode");
      }
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

Result<store::OrganizationRecord> ServiceCore::RequireOrganization(store::Transaction& tx,
                                                                   std::string_view slug) {
  CANDOR_ASSIGN_OR_RETURN(auto org, tx.FindOrganizationBySlug(slug));
  if (!org) return NotFound("there is no organization '" + std::string(slug) + "'");
  return *org;
}

Result<store::OrganizationRecord> ServiceCore::Authorize(store::Transaction& tx,
                                                         const Principal& who,
                                                         std::string_view slug,
                                                         std::uint32_t role) {
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

Result<std::shared_ptr<const std::vector<crypto::Ring>>> ServiceCore::RingsAt(
    store::Transaction& tx, std::int64_t org_id, std::int64_t version) {
  return CachedForVersion(
      version_rings_, tx, org_id, version,
      [&](const std::vector<crypto::Point>& members) -> Result<std::vector<crypto::Ring>> {
        auto made = domain::RosterRings(members, config_.max_ring_size);
        if (!made.ok())
          return Error(ErrorCode::kCorrupt, "a stored roster version does not make a valid ring");
        return made;
      });
}

Result<std::shared_ptr<const crypto::Lrs2Ring>> ServiceCore::WholeRingAt(store::Transaction& tx,
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

Result<crypto::Point> ServiceCore::ProofRing::Verify(const crypto::Digest32& event,
                                                     crypto::ByteSpan message,
                                                     crypto::ByteSpan wire) const {
  return whole ? domain::VerifyRingSignature(*whole, event, message, wire)
               : domain::VerifyRingSignature(*bucket, event, message, wire);
}

Result<std::optional<ServiceCore::ProofRing>> ServiceCore::ProofRingAt(
    store::Transaction& tx, std::int64_t org_id, std::int64_t version, domain::RingScheme scheme,
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

Result<ServiceCore::RosterTip> ServiceCore::LatestRoster(store::Transaction& tx,
                                                         std::int64_t org_id) {
  CANDOR_ASSIGN_OR_RETURN(auto latest, tx.LatestRosterEvent(org_id));
  if (!latest) return RosterTip{0, 0};
  if (latest->members) return RosterTip{latest->version, *latest->members};
  // Stored before sizes were kept: counted once; every later event carries its size.
  CANDOR_ASSIGN_OR_RETURN(std::int64_t members, tx.CountRosterMembers(org_id, latest->version));
  return RosterTip{latest->version, members};
}

std::uint64_t ServiceCore::RandomBelow(std::uint64_t n) {
  std::lock_guard<std::mutex> lock(rng_mu_);
  return crypto::UniformBelow(rng_, n);
}

Result<tlog::SignedTreeHead> ServiceCore::PagedTreeHead(store::Transaction& tx,
                                                        const BundlePage& page) {
  if (page.limit == 0 || page.limit > kBundlePageMax) {
    return InvalidArgument("'limit' must be between 1 and " + std::to_string(kBundlePageMax));
  }
  std::optional<tlog::SignedTreeHead> sth;
  if (page.tree_size) {
    if (*page.tree_size > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return InvalidArgument("'tree_size' is out of range");
    }
    CANDOR_ASSIGN_OR_RETURN(auto r, tx.FindTreeHead(static_cast<std::int64_t>(*page.tree_size)));
    if (!r) return NotFound("no signed tree head of that size");
    sth = TreeHeadFromRecord(*r);
  } else {
    CANDOR_ASSIGN_OR_RETURN(sth, app::LatestTreeHead(tx));
  }
  if (!sth) return NotFound("the log is empty");
  return *sth;
}

Result<Json> ServiceCore::ProvenEntriesPage(store::Transaction& tx, const tlog::SignedTreeHead& sth,
                                            std::vector<std::int64_t> indices,
                                            const BundlePage& page) {
  std::sort(indices.begin(), indices.end());
  indices.erase(std::unique(indices.begin(), indices.end()), indices.end());
  const std::uint64_t size = sth.head.size;
  // Entries logged after the pinned head are not in this page.
  indices.erase(std::lower_bound(indices.begin(), indices.end(), static_cast<std::int64_t>(size)),
                indices.end());
  const std::uint64_t total = indices.size();
  const std::uint64_t begin = std::min<std::uint64_t>(page.start, total);
  const std::uint64_t end = std::min<std::uint64_t>(total, begin + page.limit);

  StoreNodeReader reader(tx);
  Json entries = Json::array();
  // Read this page's entries in short runs of consecutive indices (batches are contiguous in
  // the log), until `limit` entries or about kBundlePageBytes of hex: a co-signature over a
  // ring of 4,096 is some 260 KB of hex, so entries alone would not bound a page.
  std::size_t i = begin;
  std::size_t page_bytes = 0;
  while (i < end && page_bytes < kBundlePageBytes) {
    std::size_t j = i + 1;
    while (j < end && j - i < 16 && indices[j] == indices[j - 1] + 1) ++j;
    CANDOR_ASSIGN_OR_RETURN(auto records, tx.ReadLogEntries(indices[i], indices[j - 1] + 1));
    if (records.size() != j - i) return Error(ErrorCode::kCorrupt, "log entries are missing");
    for (const auto& r : records) {
      CANDOR_ASSIGN_OR_RETURN(
          auto proof, tlog::InclusionProof(reader, static_cast<std::uint64_t>(r.index), size));
      page_bytes += 2 * r.entry.size() + 66 * proof.size() + 64;
      entries.push_back(Json{{"index", r.index},
                             {"entry", crypto::ToHex(r.entry)},
                             {"proof", domain::HashesToJson(proof)}});
    }
    i = j;
  }
  const std::uint64_t next = i;
  return Json{{"log_public_key", crypto::ToHex(log_key_.public_key)},
              {"tree_head", Json{{"tree_size", sth.head.size},
                                 {"root", crypto::ToHex(sth.head.root)},
                                 {"timestamp_ms", sth.head.timestamp_ms},
                                 {"signature", crypto::ToHex(sth.signature)}}},
              {"entries", std::move(entries)},
              {"page", Json{{"start", begin},
                            {"next", next < total ? Json(next) : Json(nullptr)},
                            {"entries", total}}}};
}

Result<std::vector<CableRecipient>> ServiceCore::RecipientsIn(store::Transaction& tx,
                                                              std::int64_t org_id) {
  CANDOR_ASSIGN_OR_RETURN(auto accounts, tx.ListAccounts(org_id));
  std::vector<CableRecipient> out;
  for (const auto& a : accounts) {
    if (!internal::ReceivesCables(a)) continue;
    auto key = crypto::FixedFromBytes<crypto::BoxPublicKey>(*a.reviewer_box_public, "reviewer key");
    if (!key.ok()) return Error(ErrorCode::kCorrupt, "a stored reviewer key is damaged");
    out.push_back({a.id, *key});
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.account_id < b.account_id; });
  return out;
}

Result<CableQuotaView> QuotaViewOf(std::uint64_t window, std::int64_t window_ms,
                                   std::uint64_t slots,
                                   const std::vector<std::pair<std::int64_t, store::Blob>>& used) {
  CableQuotaView v;
  v.window = window;
  v.window_ms = window_ms;
  v.window_ends_ms = (static_cast<std::int64_t>(window) + 1) * window_ms;
  v.slots = slots;
  for (const auto& [slot, tag] : used) {
    auto point = crypto::FixedFromBytes<crypto::Point>(tag, "tag");
    if (!point.ok()) return Error(ErrorCode::kCorrupt, "a stored quota tag is damaged");
    v.used.emplace_back(slot, *point);
  }
  return v;
}

}  // namespace candor::app
