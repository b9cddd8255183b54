// The Candor service: every operation the HTTP API and the operator commands perform, as
// plain functions over the store. Each write runs in one store transaction that also appends
// its log entries and signs the new tree head, and it returns only after Commit() succeeded:
// an acknowledged action is durable.
//
// Thread safety: thread-safe (each call uses its own transaction; the store serializes
// writers). Owns nothing but its configuration; the store, clock and rng must outlive it.
#ifndef CANDOR_SERVER_APP_SERVICE_H_
#define CANDOR_SERVER_APP_SERVICE_H_

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "crypto/ed25519.h"
#include "crypto/lrs.h"
#include "crypto/password.h"
#include "crypto/rng.h"
#include "domain/cable.h"
#include "domain/cosignature.h"
#include "domain/letter.h"
#include "domain/log_entry.h"
#include "log/cosignature.h"
#include "log/tree_head.h"
#include "server/app/clock.h"
#include "server/app/log_service.h"
#include "server/app/password_gate.h"
#include "server/app/stamped_cache.h"
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
  std::int64_t invitation_max_hours = 30 * 24;
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

// Everything an author's client sends for a cable.
struct CableSubmission {
  domain::CableHeader header;
  crypto::Bytes envelope;   // candor-env-v1 encoding
  crypto::Bytes signature;  // candor-lrs-v1, event = cable id
  std::uint64_t quota_slot = 0;
  crypto::Bytes quota_signature;                        // candor-lrs-v1, event = CableQuotaEvent
  std::optional<crypto::Signature64> author_signature;  // named cables only
};

// One event of a cable as a viewer may see it.
struct CableEventView {
  std::int64_t seq = 0;
  domain::CableAction action = domain::CableAction::kSubmitted;
  domain::Date date;
  crypto::Digest32 digest;
  std::optional<std::int64_t> log_index;
  std::optional<std::string> reviewer;           // username; reviewers' views only
  std::vector<crypto::BoxPublicKey> recipients;  // for a message
  std::optional<crypto::Bytes> envelope;         // for a message (nullopt once purged)
};

struct CableView {
  domain::CableId id;
  std::string organization;
  domain::CableHeader header;
  crypto::Bytes header_bytes;
  bool published = false;
  bool purged = false;
  std::string state;  // "waiting-for-batch", "submitted", "acknowledged", "closed", "purged"
  domain::Date received;
  domain::CableClock clock;
  std::string acknowledge_unit, answer_unit;  // the units of the days left ("working-days", …)
  std::string policy;                         // the deadline policy's name
  crypto::Digest32 submission_digest;
  // The ciphertext and signatures (nullopt once purged; left out of inbox listings).
  std::optional<crypto::Bytes> envelope, signature, quota_signature;
  std::optional<crypto::Bytes> author_signature;
  std::uint64_t quota_slot = 0;
  std::vector<CableEventView> events;
};

// The organization and holidays a cable's deadlines depend on (service_cables.cc).
struct DeadlineContext;

struct CableStats {
  std::int64_t open = 0, overdue = 0, closed = 0;
};

// One organization a letter names: the roster version it pinned and that roster's rings.
struct LetterRoster {
  std::string slug;
  std::string name;
  std::int64_t organization_id = 0;
  std::int64_t version = 0;
  std::size_t size = 0;
  // BucketRoster of the pinned roster: shared with RingsAt's cache, never copied.
  std::shared_ptr<const std::vector<crypto::Ring>> rings;
};

// A published letter as the public sees it. Counts are of published signatures only (what
// the log shows and `candor verify` recounts); while a quorum is pending they are withheld.
struct LetterView {
  domain::LetterId id;
  domain::Letter letter;
  std::int64_t seq = 0;
  std::uint64_t log_index = 0;
  std::shared_ptr<const std::vector<LetterRoster>> rosters;
  bool closed = false;
  bool quorum_reached = false;
  std::vector<std::uint64_t> signers;  // per roster (letter order); zeros until quorum
  std::uint64_t total = 0;
  std::uint64_t batches = 0;
};

// What a signer keeps to check later that their signature was published.
struct CoSignatureReceipt {
  domain::LetterId letter;
  crypto::Point tag;
  domain::SignatureAction action = domain::SignatureAction::kSign;
  crypto::Digest32 signature_sha256;
};

// Where one of a tag's co-signatures stands.
struct CoSignatureState {
  domain::SignatureAction action = domain::SignatureAction::kSign;
  std::string state;  // "waiting-for-quorum", "waiting-for-batch" or "published"
  crypto::Digest32 signature_sha256;
  std::optional<std::int64_t> batch;
  std::optional<std::int64_t> log_index;
};

// One published batch, with the counts right after it (for "signatures over time").
struct BatchView {
  std::int64_t batch = 0;
  std::int64_t published_at_ms = 0;
  std::int64_t signatures = 0;  // entries in the batch (signatures and withdrawals)
  std::int64_t log_index = 0;
  std::vector<std::uint64_t> signers_after;  // per roster (letter order)
  std::uint64_t total_after = 0;
};

// A signed-in person, as handlers see them.
struct Principal {
  store::AccountRecord account;
  std::string organization_slug;
  std::string csrf_token;
  store::Blob token_hash;
  bool HasRole(std::uint32_t role) const { return (account.roles & role) != 0; }
};

struct LoginResult {
  std::string session_token;  // goes into the cookie; only its hash is stored
  Principal principal;
};

struct RosterView {
  std::string organization;
  std::int64_t version = 0;
  std::vector<store::RosterEventRecord> members;  // present keys, in roster order
  crypto::Digest32 digest;
};

struct EnrollResult {
  std::int64_t version = 0;
  std::int64_t roster_size = 0;
  std::uint64_t log_index = 0;
};

class Service {
 public:
  Service(store::Store& store, const Clock& clock, crypto::Rng& rng, crypto::SignKeyPair log_key,
          ServiceConfig config = {});

  const crypto::SignPublicKey& log_public_key() const { return log_key_.public_key; }
  store::Store& store() { return store_; }
  const ServiceConfig& config() const { return config_; }
  const Clock& clock() const { return clock_; }

  // --- Operator actions (the `candor admin` commands; no HTTP) ---
  // Creates an organization with the default settings (or `settings_json`) and logs it.
  Result<std::int64_t> CreateOrganization(const std::string& slug, const std::string& name,
                                          std::optional<std::string> settings_json, bool demo);
  // Creates a named account. REQUIRES: roles ⊆ all Role bits, at least one.
  Result<std::int64_t> CreateAccount(const std::string& organization_slug,
                                     const std::string& username, const std::string& password,
                                     std::uint32_t roles);

  // --- Sessions ---
  // Signs in. `source` is the client's address (named routes only; empty when unknown):
  // failures are throttled per (organization, username, source). A username that breaks
  // the username rule is refused before anything is read or hashed.
  Result<LoginResult> Login(const std::string& organization_slug, const std::string& username,
                            const std::string& password, const std::optional<std::string>& totp,
                            std::string_view source = {});
  // The principal of a valid, unexpired session with the second factor done.
  Result<Principal> Authenticate(std::string_view session_token);
  Status Logout(const Principal& who);
  // Ends every session of the account, this one included ("sign out everywhere", L2).
  Status LogoutEverywhere(const Principal& who);
  // Starts TOTP enrolment: returns (base32 secret, otpauth URI); active after ConfirmTotp.
  // Needs the account's password again, and the current code when a second factor is set
  // already: a session alone cannot enrol or replace it. Unauthenticated otherwise.
  Result<std::pair<std::string, std::string>> BeginTotp(
      const Principal& who, const std::string& password,
      const std::optional<std::string>& current_code);
  Status ConfirmTotp(const Principal& who, const std::string& code);

  // --- Organizations (public reads) ---
  Result<std::vector<store::OrganizationRecord>> ListOrganizations();
  Result<store::OrganizationRecord> GetOrganization(std::string_view slug);

  // --- Rosters ---
  // version 0 or unset: latest.
  Result<RosterView> GetRoster(std::string_view slug, std::optional<std::int64_t> version);
  // The latest version, its size and ring digest, without the members: O(log n) but for the
  // first call per version (the digest, kept since versions never change).
  struct RosterSummary {
    std::int64_t version = 0;
    std::int64_t size = 0;
    crypto::Digest32 digest;
  };
  Result<RosterSummary> GetRosterSummary(std::string_view slug, bool with_digest = true);
  Result<std::vector<store::RosterEventRecord>> RosterHistory(std::string_view slug);
  // Anonymous: redeems a one-time invitation with the member's public keys.
  Result<EnrollResult> Enroll(std::string_view slug, std::string_view invitation_code,
                              const crypto::Point& ring_public,
                              const crypto::BoxPublicKey& reply_public);
  Result<EnrollResult> RemoveMember(const Principal& who, std::string_view slug,
                                    const crypto::Point& ring_public);

  // --- Staff ---
  // Returns the code (shown once) and its expiry.
  Result<std::pair<std::string, std::int64_t>> IssueInvitation(const Principal& who,
                                                               std::string_view slug,
                                                               std::optional<std::int64_t> hours);
  // `count` (1 … kMaxInvitationsAtOnce) codes with one expiry, in one transaction: an officer
  // enrolling a whole office prints them at once (issue 12).
  static constexpr std::int64_t kMaxInvitationsAtOnce = 1000;
  Result<std::pair<std::vector<std::string>, std::int64_t>> IssueInvitations(
      const Principal& who, std::string_view slug, std::optional<std::int64_t> hours,
      std::int64_t count);
  Result<std::int64_t> CountOpenInvitations(const Principal& who, std::string_view slug);
  Result<std::vector<store::AccountRecord>> ListAccounts(const Principal& who,
                                                         std::string_view slug);
  Result<std::int64_t> AddAccount(const Principal& who, std::string_view slug,
                                  const std::string& username, const std::string& password,
                                  std::uint32_t roles);
  Status UpdateAccount(const Principal& who, std::string_view slug, std::int64_t account_id,
                       std::optional<std::uint32_t> roles, std::optional<bool> disabled);
  Status UpdateSettings(const Principal& who, std::string_view slug,
                        const std::string& settings_json);
  Result<std::vector<store::HolidayRecord>> ListHolidays(const Principal& who,
                                                         std::string_view slug);
  Status ReplaceHolidays(const Principal& who, std::string_view slug,
                         std::vector<store::HolidayRecord> holidays);
  // What a reviewer's client needs to prove possession of its key: the server's X25519 key for
  // these proofs and the account the proof is bound to (domain::ReviewerKeyProofContext).
  struct ReviewerKeyChallenge {
    crypto::BoxPublicKey server_public;
    std::int64_t account_id = 0;
  };
  Result<ReviewerKeyChallenge> ReviewerKeyChallengeFor(const Principal& who, std::string_view slug);
  // Registers the reviewer's X25519 key. Refused (kInvalidArgument) unless the key is
  // crypto::IsValidBoxPublicKey (canonical, not of small order) and differs from every other
  // reviewer key of the organization; refused (kVerificationFailed) unless `proof` proves
  // possession of its secret (crypto::VerifyBoxKeyPossession). A small-order or copied key
  // would make every author's envelope fail, silently closing the cable channel; a key whose
  // secret someone else holds would hand them every cable (security review M7).
  Status SetReviewerKey(const Principal& who, std::string_view slug,
                        const crypto::BoxPublicKey& key, const crypto::Digest32& proof);

  // --- Collective letters (service_letters.cc) ---
  // Publishes (freezes) a letter: any named account may. Pins each named organization's
  // current roster version; every organization must exist and have at least min_ring_size
  // members; a closing time must lie in the future; a corrected letter must exist.
  Result<domain::LetterId> PublishLetter(const Principal& who, const domain::Letter& letter);
  // Anonymous: a member publishes, proving membership of `slug` (one of the letter's
  // organizations) with a ring signature (domain::PublishQuotaEvent of `window` and `slot`)
  // over its current roster (candor-lrs-v1: one of its rings, named by `ring_digest`;
  // candor-lrs-v2: the whole roster, whose digest `ring_digest` must be). `window` must be the
  // current one and `slot` below the quota; a slot a member used already (its tag is stored)
  // is kAlreadyExists.
  Result<domain::LetterId> PublishLetterAsMember(
      const domain::Letter& letter, std::string_view slug, const crypto::Digest32& ring_digest,
      std::uint64_t window, std::uint64_t slot, crypto::ByteSpan proof,
      domain::RingScheme scheme = domain::RingScheme::kV1);
  // The publishing window now and the (slot, tag) pairs used in it (the same shape as a cable
  // quota), so that a member's client can pick a free slot without asking anything.
  Result<CableQuotaView> MemberLetterQuota(std::string_view slug);
  // Drafts: private to the account that wrote them. The JSON is a letter's fields, possibly
  // incomplete (checked only when published).
  Result<std::int64_t> CreateDraft(const Principal& who, const nlohmann::json& letter_json);
  Result<std::vector<store::LetterDraftRecord>> ListDrafts(const Principal& who);
  Result<store::LetterDraftRecord> GetDraft(const Principal& who, std::int64_t id);
  Status UpdateDraft(const Principal& who, std::int64_t id, const nlohmann::json& letter_json);
  Status DeleteDraft(const Principal& who, std::int64_t id);
  // Publishes the draft and deletes it, in one transaction.
  Result<domain::LetterId> PublishDraft(const Principal& who, std::int64_t id);

  // Every published letter's text, oldest first, without rings or counts: one read of the
  // letters table, whatever the rosters' sizes (what `serve --demo` checks at each start).
  Result<std::vector<domain::Letter>> PublishedLetters();
  // A page of GET /letters: at most `limit` (1…kMaxLettersPage) letters published after the
  // one numbered `after` (0: from the first), and the number to ask after next (nullopt: none
  // left). Bounded work per request however many letters members publish (security review M6).
  static constexpr std::int64_t kMaxLettersPage = 200;
  struct LettersPage {
    std::vector<LetterView> letters;
    std::optional<std::int64_t> next_after;
  };
  Result<LettersPage> ListLettersPage(std::int64_t after, std::int64_t limit);
  Result<LetterView> GetLetter(const domain::LetterId& id);
  // Anonymous: verifies and stores a co-signature or withdrawal; it is published with the
  // next batch (or when the quorum is reached). kAlreadyExists "already signed" / "already
  // withdrawn" and nothing more for a repeated tag.
  Result<CoSignatureReceipt> SubmitCoSignature(std::string_view slug,
                                               const domain::CoSignature& sig);
  Result<std::vector<CoSignatureState>> CoSignatureStates(const domain::LetterId& id,
                                                          const crypto::Point& tag);
  Result<std::vector<BatchView>> LetterBatches(const domain::LetterId& id);
  // Puts every waiting co-signature of every letter whose quorum is reached into the log:
  // per letter, in a random order, followed by a "signature-batch" entry; one transaction and
  // one new signed tree head. Returns how many co-signatures it published.
  Result<std::size_t> PublishBatch();
  // The letter's bundle (docs/FORMATS.md, candor-letter-bundle-v1) against the latest head.
  // Without signatures it holds only the letter and its pinned rosters: what a signer needs
  // to build its ring from logged data.
  // One page of the letter's bundle (docs/API.md, "Bundles in pages"): the bundle JSON of
  // docs/FORMATS.md with the entries at positions [start, start + limit) of the whole bundle
  // only, plus "page": {"start", "next" (null on the last page), "entries" (the whole
  // bundle's count)}. `tree_size` pins the tree head (and leaves out later entries), so that
  // the pages of one bundle agree; unset: the latest. Memory per request is one page's, not
  // the whole bundle's (security review M6). kNotFound for no signed head of that size.
  struct BundlePage {
    std::optional<std::uint64_t> tree_size;
    std::uint64_t start = 0;
    std::uint64_t limit = kBundlePageDefault;
  };
  static constexpr std::uint64_t kBundlePageDefault = 2048;
  static constexpr std::uint64_t kBundlePageMax = 8192;
  // The log state leaves of the newest kKeptLogStates checkpoints, and of every checkpoint of
  // the last kKeptLogStatesMs, are kept to serve their proofs: clients (and witnesses that lag)
  // may ask at any checkpoint a bundle or a state may still be accepted at (72 hours).
  static constexpr std::int64_t kKeptLogStates = 16;
  static constexpr std::int64_t kKeptLogStatesMs = 7LL * 24 * 3600 * 1000;
  static constexpr std::size_t kBundlePageBytes = std::size_t{8} << 20;  // of hex, about
  Result<nlohmann::json> LetterBundle(const domain::LetterId& id, bool with_signatures,
                                      const BundlePage& page);
  // An organization's state as the log proves it (domain/org_state.h, candor-org-state-v1):
  // every roster entry, reviewer entry and roster epoch in the tree of page.tree_size (the
  // latest by default), with inclusion proofs, in pages like a letter bundle's.
  Result<nlohmann::json> OrganizationState(std::string_view slug, const BundlePage& page);
  // Web releases (domain/web_release.h): logs `manifest` as a "web-release" entry unless it is
  // the release logged last (run at start-up with the files the server will serve), and
  // answers the latest logged one with its log index. Error: kNotFound when none was logged.
  Status RecordWebRelease(const std::string& manifest);
  struct WebReleaseView {
    std::string manifest;
    std::uint64_t log_index = 0;
  };
  Result<WebReleaseView> LatestWebRelease();
  // Indexes the reviewer and epoch entries logged before organization_log existed (schema
  // migration 6), once, and starts each organization's first roster epoch. Run at start-up.
  Status PrepareOrganizationLog();

  // --- Dissent cables (service_cables.cc) ---
  // Public: the reviewers a cable must be encrypted to (enabled reviewer accounts with a key,
  // by account id), and the quota window now.
  Result<std::vector<CableRecipient>> CableRecipients(std::string_view slug);
  Result<CableQuotaView> CableQuota(std::string_view slug);
  // Anonymous: checks the header, the recipients, the ring, both ring signatures and the quota
  // tag, stores the cable durably and returns its view (the author's). Its "submitted" log
  // entry goes out with the next batch; reviewers see it from then on.
  Result<CableView> SubmitCable(const CableSubmission& submission);
  // The author, with the access value from the receipt: status, deadlines, and the messages
  // that reach the author (not the reviewers' notes). kNotFound for a wrong id or value alike.
  Result<CableView> CableForAuthor(const domain::CableId& id, const crypto::Digest32& access);
  // Reviewers of the organization. `overdue_only` lists only late cables. Overdue first, then
  // by deadline. Listings carry no ciphertext.
  Result<std::vector<CableView>> ListCables(const Principal& who, std::string_view slug,
                                            bool overdue_only);
  Result<CableView> GetCable(const Principal& who, std::string_view slug,
                             const domain::CableId& id);
  Status AcknowledgeCable(const Principal& who, std::string_view slug, const domain::CableId& id);
  // A reply, note, extension (its reason) or closing response, encrypted by the reviewer's
  // client to `recipients` (the author's reply key first, then every current reviewer; for a
  // note, the reviewers only). Returns the event's sequence number.
  Result<std::int64_t> AddCableMessage(const Principal& who, std::string_view slug,
                                       const domain::CableId& id, domain::CableAction action,
                                       const std::vector<crypto::BoxPublicKey>& recipients,
                                       const crypto::Bytes& envelope);
  // Public counts for the organization's members and the press.
  Result<CableStats> CableCounts(std::string_view slug);
  // The notification outbox (reviewers).
  Result<std::vector<store::NotificationRecord>> Notifications(const Principal& who,
                                                               std::string_view slug,
                                                               bool undelivered_only);
  Status MarkNotificationsDelivered(const Principal& who, std::string_view slug,
                                    std::int64_t up_to_id);
  // Reminders ahead of deadlines and notices of overdue cables into the outbox; the retention
  // purge of closed cables. Run by the batch publisher's thread; idempotent.
  struct CableJobsReport {
    std::size_t notifications = 0, purged = 0;
  };
  Result<CableJobsReport> RunCableJobs();

  // --- Log (public reads, and witnesses' cosignatures): its own service ---
  LogService& log() { return log_; }

 private:
  // Resolves the organization and checks that `who` belongs to it and holds `role`.
  Result<store::OrganizationRecord> Authorize(store::Transaction& tx, const Principal& who,
                                              std::string_view slug, std::uint32_t role);
  Result<store::OrganizationRecord> RequireOrganization(store::Transaction& tx,
                                                        std::string_view slug);
  // Appends an entry and signs the new head (inside tx).
  Result<std::uint64_t> Log(store::Transaction& tx, const crypto::Bytes& entry);
  // Log() for a "reviewer", "reviewer-removed" or "roster-epoch" event of organization
  // `org_id`, indexed in organization_log so OrganizationState can serve it.
  Status LogOrganizationEvent(store::Transaction& tx, std::int64_t org_id,
                              const domain::LogEvent& event);
  // At a batch: a "roster-epoch" entry for each organization whose roster changed since its
  // last epoch (domain::RosterEpochEvent). Returns how many were logged; signs no head.
  Result<std::size_t> LogRosterEpochs(store::Transaction& tx);
  // The roster versions anonymous cables may name now: the organization's latest two epochs.
  Result<std::vector<std::uint64_t>> CurrentRosterEpochs(store::Transaction& tx,
                                                         std::int64_t org_id);
  // The organization's next reviewer version (domain::ReviewerEvent): 1 + its reviewer changes.
  Result<std::uint64_t> NextReviewerVersion(store::Transaction& tx, std::int64_t org_id);
  // The roster's latest version and its size, from indexed rows (issue 12: no replay).
  struct RosterTip {
    std::int64_t version = 0;
    std::int64_t members = 0;
  };
  Result<RosterTip> LatestRoster(store::Transaction& tx, std::int64_t org_id);
  // The reviewer entry that makes an account's current key a cable recipient.
  Status LogReviewerChange(store::Transaction& tx, const store::OrganizationRecord& org,
                           const store::AccountRecord& before, const store::AccountRecord& after);
  Result<tlog::SignedTreeHead> PagedTreeHead(store::Transaction& tx, const BundlePage& page);
  // Makes a checkpoint (docs/PROTOCOL.md, "Log state") when the log grew since the last one,
  // when the last one is a day old, or has no log state kept (a log of an older version): logs
  // a `log-state` entry committing to everything before it, signs the head that ends with it
  // and marks that head. At a batch and at start-up. Returns whether it did.
  Result<bool> MarkCheckpoint(store::Transaction& tx);
  Result<nlohmann::json> ProvenEntriesPage(store::Transaction& tx, const tlog::SignedTreeHead& sth,
                                           std::vector<std::int64_t> indices,
                                           const BundlePage& page);
  // The letter's pinned rosters and rings (cached: they never change once published).
  Result<std::shared_ptr<const std::vector<LetterRoster>>> LetterRosters(
      store::Transaction& tx, const store::LetterRecord& rec, const domain::Letter& letter);
  Result<domain::LetterId> PublishLetterIn(store::Transaction& tx, const domain::Letter& letter);
  Result<LetterView> ViewOf(store::Transaction& tx, const store::LetterRecord& rec);
  std::uint64_t RandomBelow(std::uint64_t n);
  // Fisher–Yates with the service's CSPRNG, so that a batch's log order says nothing about
  // the order things arrived in.
  template <typename T>
  void Shuffle(std::vector<T>& v) {
    for (std::size_t i = v.size(); i > 1; --i)
      std::swap(v[i - 1], v[static_cast<std::size_t>(RandomBelow(i))]);
  }
  // Cables (service_cables.cc).
  Result<std::size_t> PublishWaitingCables(store::Transaction& tx);
  Result<std::size_t> PublishBatchIn();  // PublishBatch's transaction
  Result<RosterSummary> ReadRosterSummary(std::string_view slug, bool with_digest);  // uncached
  Result<CableView> CableViewOf(store::Transaction& tx, const store::CableRecord& rec,
                                const DeadlineContext& ctx, bool for_author, bool with_payload);
  Result<std::vector<CableRecipient>> RecipientsIn(store::Transaction& tx, std::int64_t org_id);

  store::Store& store_;
  const Clock& clock_;
  crypto::Rng& rng_;
  std::mutex rng_mu_;  // Rng implementations are not thread-safe
  // Ring digests of roster versions already computed, (organization id, version) → digest.
  // Versions never change, so an entry never goes stale; bounded by kDigestCacheEntries.
  static constexpr std::size_t kDigestCacheEntries = 256;
  std::mutex digest_mu_;
  std::map<std::pair<std::int64_t, std::int64_t>, crypto::Digest32>
      digests_;  // guarded by digest_mu_
  crypto::SignKeyPair log_key_;
  crypto::BoxKeyPair reviewer_proof_key_;  // derived from log_key_: verifies reviewer key proofs
  crypto::SymmetricKey totp_key_;          // derived from log_key_: seals second-factor secrets
  ServiceConfig config_;
  LogService log_;              // after log_key_ and config_, which it is made from
  PasswordGate password_gate_;  // after config_, which sizes it
  // The rings (BucketRoster) of one organization's roster version, built once per version:
  // cables and member-published letters check proofs against them on every request, and a
  // version never changes. Bounded by members kept (kVersionRingsMembers, ≈ 40 bytes each).
  Result<std::shared_ptr<const std::vector<crypto::Ring>>> RingsAt(store::Transaction& tx,
                                                                   std::int64_t org_id,
                                                                   std::int64_t version);
  static constexpr std::size_t kVersionRingsMembers = std::size_t{1} << 19;
  using VersionKey = std::pair<std::int64_t, std::int64_t>;  // (organization id, version)
  WeightedCache<VersionKey, std::vector<crypto::Ring>> version_rings_{kVersionRingsMembers};
  // The candor-lrs-v2 ring (domain::WholeRosterRing) of a roster version: every key decoded
  // once (≈ 200 bytes each) for all the v2 signatures checked over it. Bounded likewise.
  Result<std::shared_ptr<const crypto::Lrs2Ring>> WholeRingAt(store::Transaction& tx,
                                                              std::int64_t org_id,
                                                              std::int64_t version);
  static constexpr std::size_t kWholeRingsMembers = std::size_t{1} << 21;
  WeightedCache<VersionKey, crypto::Lrs2Ring> whole_rings_{kWholeRingsMembers};
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

  // Public reads kept while the store is unchanged (stamped_cache.h).
  StampedCache<std::pair<std::string, bool>, RosterSummary> roster_summaries_{64};

  std::mutex rings_mu_;
  std::map<store::Blob, std::shared_ptr<const std::vector<LetterRoster>>> rings_cache_;
  std::deque<store::Blob> rings_order_;  // insertion order, for eviction
  static constexpr std::size_t kRingsCacheLetters = 64;
};

}  // namespace candor::app

#endif  // CANDOR_SERVER_APP_SERVICE_H_
