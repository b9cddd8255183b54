// What every feature service of the Candor server shares (issue 13): the store, clock, CSPRNG,
// log key and configuration; tenancy checks; appending to the log and signing its head; the
// organization's reviewer and roster-epoch entries; checkpoints; and the rings of roster
// versions, built once per version and shared by cables and letters.
//
// Not part of the server's API: app::Service and the feature services (StaffService,
// LetterService, CableService) hold one ServiceCore and reach each other only through it and
// through Service's batch. Routes never see it.
//
// Thread safety: thread-safe. The store, clock and rng must outlive it.
#ifndef CANDOR_SERVER_APP_SERVICE_CORE_H_
#define CANDOR_SERVER_APP_SERVICE_CORE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "crypto/ed25519.h"
#include "crypto/keys.h"
#include "crypto/lrs.h"
#include "crypto/password.h"
#include "crypto/rng.h"
#include "crypto/secret.h"
#include "domain/letter.h"
#include "domain/log_entry.h"
#include "log/tree_head.h"
#include "notify/outbound.h"
#include "server/app/clock.h"
#include "server/app/weighted_cache.h"
#include "store/store.h"

namespace candor::app {

struct ServiceConfig {
  std::int64_t session_ttl_ms = 8LL * 3600 * 1000;   // absolute lifetime of a session
  int login_max_failures = 5;                        // then the account name is locked…
  std::int64_t login_lockout_ms = 15LL * 60 * 1000;  // …for this long
  // Password verifications at once (PasswordGate): in all (0: one less than the cores, at
  // least 2) and per source address. Sign-ins beyond them are refused at once, so a burst
  // cannot hold every server thread while public reads wait.
  std::size_t password_slots = 0;
  std::size_t password_slots_per_source = 2;
  std::int64_t invitation_default_hours = 72;
  std::int64_t invitation_max_hours = std::int64_t{30} * 24;
  crypto::PasswordCost password_cost = crypto::PasswordCost::kModerate;
  std::string totp_issuer = "Candor";
  // Collective letters: the smallest ring accepted (and the smallest roster a letter may
  // name), and the largest ring before a roster is split into buckets (tests make it small).
  std::size_t min_ring_size = domain::kDefaultMinRingSize;
  std::size_t max_ring_size = domain::kMaxRingSize;
  // Dissent cables: each member may send `cable_quota` cables per window of `cable_window_ms`
  // (counted by quota tags, which identify nobody); an envelope may be at most
  // `max_cable_envelope_bytes`; reviewers are reminded this many calendar days before each
  // deadline (0: on the day).
  std::uint64_t cable_quota = 3;
  std::int64_t cable_window_ms = 7LL * 24 * 3600 * 1000;
  std::size_t max_cable_envelope_bytes = std::size_t{8} << 20;
  // Letters published by members (not named accounts): each member may publish
  // `member_letter_quota` per window of `member_letter_window_ms`, counted by tags that
  // identify nobody (domain::PublishQuotaEvent; security review M6).
  std::uint64_t member_letter_quota = 3;
  std::int64_t member_letter_window_ms = 7LL * 24 * 3600 * 1000;
  std::vector<int> reminder_days = {3, 1, 0};
  // Witnesses whose cosignatures the server accepts and serves (docs/PROTOCOL.md, "Witnesses").
  struct Witness {
    std::string name;
    crypto::SignPublicKey key;
  };
  std::vector<Witness> witnesses;
  // Reviewers' notifications (notify_service.h): the mail server daily digests go through
  // (unset: mail deliveries fail, visibly to administrators), and the address reviewers sign
  // in at, which digests name.
  std::optional<notify::SmtpConfig> smtp;
  std::string public_url;
  // The server's Tor onion address ("….onion"), when it publishes one (candor serve --onion);
  // GET /api/v1/reach tells members.
  std::string onion_address;
};

// A signed-in person, as handlers see them.
struct Principal {
  store::AccountRecord account;
  std::string organization_slug;
  std::string csrf_token;
  store::Blob token_hash;
  bool HasRole(std::uint32_t role) const { return (account.roles & role) != 0; }
};

// A reviewer who receives cables: their account and X25519 key.
struct CableRecipient {
  std::int64_t account_id = 0;
  crypto::BoxPublicKey key;
};

// The quota window now, and the tags already used in it (so a client can pick a free slot
// without asking anything that would link it to its earlier cables).
struct CableQuotaView {
  std::uint64_t window = 0;
  std::int64_t window_ms = 0;
  std::int64_t window_ends_ms = 0;
  std::uint64_t slots = 0;
  std::vector<std::pair<std::int64_t, crypto::Point>> used;  // (slot, tag)
};

// The view of `window` (of `window_ms` each) with `slots` slots and the stored (slot, tag) rows
// used in it (kCorrupt when a stored tag is not a canonical point). Cable and letter quotas.
Result<CableQuotaView> QuotaViewOf(std::uint64_t window, std::int64_t window_ms,
                                   std::uint64_t slots,
                                   const std::vector<std::pair<std::int64_t, store::Blob>>& used);

// One page of a letter's bundle or an organization's state (docs/API.md, "Bundles in pages"):
// the entries at positions [start, start + limit) of the whole, against the tree head of
// `tree_size` (unset: the latest), so that the pages of one bundle agree.
inline constexpr std::uint64_t kBundlePageDefault = 2048;
inline constexpr std::uint64_t kBundlePageMax = 8192;
inline constexpr std::size_t kBundlePageBytes = std::size_t{8} << 20;  // of hex, about
struct BundlePage {
  std::optional<std::uint64_t> tree_size;
  std::uint64_t start = 0;
  std::uint64_t limit = kBundlePageDefault;
};

// The log state leaves of the newest kKeptLogStates checkpoints, and of every checkpoint of the
// last kKeptLogStatesMs, are kept to serve their proofs: clients (and witnesses that lag) may
// ask at any checkpoint a bundle or a state may still be accepted at (72 hours).
inline constexpr std::int64_t kKeptLogStates = 16;
inline constexpr std::int64_t kKeptLogStatesMs = 7LL * 24 * 3600 * 1000;

class ServiceCore {
 public:
  ServiceCore(store::Store& store, const Clock& clock, crypto::Rng& rng,
              crypto::SignKeyPair log_key, ServiceConfig config);

  store::Store& store() { return store_; }
  const Clock& clock() const { return clock_; }
  const ServiceConfig& config() const { return config_; }
  const crypto::SignKeyPair& log_key() const { return log_key_; }
  // Derived from the log key: verifies reviewers' key proofs; seals second-factor secrets.
  const crypto::BoxKeyPair& reviewer_proof_key() const { return reviewer_proof_key_; }
  const crypto::SymmetricKey& totp_key() const { return totp_key_; }

  // --- Tenancy ---
  Result<store::OrganizationRecord> RequireOrganization(store::Transaction& tx,
                                                        std::string_view slug);
  // Resolves the organization and checks that `who` belongs to it and holds `role` (0: any).
  Result<store::OrganizationRecord> Authorize(store::Transaction& tx, const Principal& who,
                                              std::string_view slug, std::uint32_t role);

  // --- The log, inside a caller's write transaction ---
  // Appends an entry and signs the new head.
  Result<std::uint64_t> Log(store::Transaction& tx, const crypto::Bytes& entry);
  // Signs and stores the head of the log as it stands in `tx` (after app::AppendLogEntry).
  Result<tlog::SignedTreeHead> SignHead(store::Transaction& tx);
  // Log() for a "reviewer", "reviewer-removed" or "roster-epoch" event of organization
  // `org_id`, indexed in organization_log so OrganizationState can serve it.
  Status LogOrganizationEvent(store::Transaction& tx, std::int64_t org_id,
                              const domain::LogEvent& event);
  // The reviewer entry that makes an account's current key a cable recipient (or no longer).
  Status LogReviewerChange(store::Transaction& tx, const store::OrganizationRecord& org,
                           const store::AccountRecord& before, const store::AccountRecord& after);
  // The organization's next reviewer version (domain::ReviewerEvent): 1 + its reviewer changes.
  Result<std::uint64_t> NextReviewerVersion(store::Transaction& tx, std::int64_t org_id);
  // At a batch: a "roster-epoch" entry for each organization whose roster changed since its
  // last epoch (domain::RosterEpochEvent). Returns how many were logged; signs no head.
  Result<std::size_t> LogRosterEpochs(store::Transaction& tx);
  // Makes a checkpoint (docs/PROTOCOL.md, "Log state") when the log grew since the last one,
  // when the last one is a day old, or has no log state kept (a log of an older version): logs
  // a `log-state` entry committing to everything before it, signs the head that ends with it
  // and marks that head. At a batch and at start-up. Returns whether it did.
  Result<bool> MarkCheckpoint(store::Transaction& tx);
  // The tree head a page is read against; kInvalidArgument for a bad limit, kNotFound for no
  // head of that size.
  Result<tlog::SignedTreeHead> PagedTreeHead(store::Transaction& tx, const BundlePage& page);
  // The page of the log entries at `indices` (those below the head's size), with inclusion
  // proofs, as docs/FORMATS.md's bundle JSON plus "page".
  Result<nlohmann::json> ProvenEntriesPage(store::Transaction& tx, const tlog::SignedTreeHead& sth,
                                           std::vector<std::int64_t> indices,
                                           const BundlePage& page);

  // --- Rosters and rings ---
  // The roster versions anonymous cables may name now: the organization's latest two epochs.
  Result<std::vector<std::uint64_t>> CurrentRosterEpochs(store::Transaction& tx,
                                                         std::int64_t org_id);
  // The roster's latest version and its size, from indexed rows (issue 12: no replay).
  struct RosterTip {
    std::int64_t version = 0;
    std::int64_t members = 0;
  };
  Result<RosterTip> LatestRoster(store::Transaction& tx, std::int64_t org_id);
  // The reviewers a cable must be encrypted to: enabled reviewer accounts with a key.
  Result<std::vector<CableRecipient>> RecipientsIn(store::Transaction& tx, std::int64_t org_id);
  // The rings (BucketRoster) of one organization's roster version, built once per version:
  // cables and member-published letters check proofs against them on every request, and a
  // version never changes. Bounded by members kept (kVersionRingsMembers, ≈ 40 bytes each).
  Result<std::shared_ptr<const std::vector<crypto::Ring>>> RingsAt(store::Transaction& tx,
                                                                   std::int64_t org_id,
                                                                   std::int64_t version);
  // The candor-lrs-v2 ring (domain::WholeRosterRing) of a roster version: every key decoded
  // once (≈ 200 bytes each) for all the v2 signatures checked over it. Bounded likewise.
  Result<std::shared_ptr<const crypto::Lrs2Ring>> WholeRingAt(store::Transaction& tx,
                                                              std::int64_t org_id,
                                                              std::int64_t version);
  // The ring an anonymous membership proof (a cable's, a member-published letter's) names: of
  // candor-lrs-v1, the ring of the roster version whose digest it is; of candor-lrs-v2, the
  // whole roster, whose digest it must be. Shares the cached rings.
  struct ProofRing {
    std::shared_ptr<const std::vector<crypto::Ring>> buckets;  // keeps `bucket` alive
    const crypto::Ring* bucket = nullptr;                      // candor-lrs-v1
    std::shared_ptr<const crypto::Lrs2Ring> whole;             // candor-lrs-v2
    std::size_t size() const { return whole ? whole->size() : bucket->size(); }
    // domain::VerifyRingSignature over the ring.
    Result<crypto::Point> Verify(const crypto::Digest32& event, crypto::ByteSpan message,
                                 crypto::ByteSpan wire) const;
  };
  // Empty when `digest` names no ring of `scheme` at that version.
  Result<std::optional<ProofRing>> ProofRingAt(store::Transaction& tx, std::int64_t org_id,
                                               std::int64_t version, domain::RingScheme scheme,
                                               const crypto::Digest32& digest);

  // --- Randomness ---
  // Calls `f(rng)` under the lock (Rng implementations are not thread-safe).
  template <typename F>
  auto WithRng(F f) {
    std::lock_guard<std::mutex> lock(rng_mu_);
    return f(rng_);
  }
  std::uint64_t RandomBelow(std::uint64_t n);
  // Fisher–Yates with the CSPRNG, so that a batch's log order says nothing about the order
  // things arrived in.
  template <typename T>
  void Shuffle(std::vector<T>& v) {
    for (std::size_t i = v.size(); i > 1; --i)
      std::swap(v[i - 1], v[static_cast<std::size_t>(RandomBelow(i))]);
  }

 private:
  store::Store& store_;
  const Clock& clock_;
  crypto::Rng& rng_;
  std::mutex rng_mu_;
  crypto::SignKeyPair log_key_;
  crypto::BoxKeyPair reviewer_proof_key_;
  crypto::SymmetricKey totp_key_;
  ServiceConfig config_;

  static constexpr std::size_t kVersionRingsMembers = std::size_t{1} << 19;
  static constexpr std::size_t kWholeRingsMembers = std::size_t{1} << 21;
  using VersionKey = std::pair<std::int64_t, std::int64_t>;  // (organization id, version)
  WeightedCache<VersionKey, std::vector<crypto::Ring>> version_rings_{kVersionRingsMembers};
  WeightedCache<VersionKey, crypto::Lrs2Ring> whole_rings_{kWholeRingsMembers};
};

}  // namespace candor::app

#endif  // CANDOR_SERVER_APP_SERVICE_CORE_H_
