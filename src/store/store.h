// Candor's one storage interface. Two engines implement it: SQLite (embedded default) and
// PostgreSQL (deployments that outgrow one machine). Both run the same schema migrations
// and the same test suite.
//
// Model: every read or write happens inside a Transaction obtained from Store::Begin. A
// write transaction's effects become visible — and durable on disk — only when Commit()
// returns OK; destroying a Transaction without committing rolls it back. An API handler
// therefore acknowledges a request only after Commit() succeeded, and the log entry that
// records a state change is written in the same transaction as the change itself.
//
// A call that fails ends its transaction: everything it did so far is rolled back at once,
// every later call returns kFailedPrecondition, and so does Commit(). (PostgreSQL aborts a
// transaction on any failed statement; SQLite would carry on — the store does the former on
// both engines so that they behave alike.) A caller that expects a conflict checks first
// (writers are serialized, so a check cannot race) or starts a new transaction. A read
// transaction refuses writes with kFailedPrecondition.
//
// Write transactions are serialized (SQLite: BEGIN IMMEDIATE; PostgreSQL: a transaction-scoped
// advisory lock taken at Begin(kWrite)), which also makes the Merkle log single-sequencer:
// two servers sharing one PostgreSQL cluster can never fork the tree.
//
// Thread safety: a Store is thread-safe (it hands out one connection per transaction from
// a pool); a Transaction is used by one thread at a time.
//
// Privacy rule (DESIGN.md, threat model): nothing here stores an IP address, a user agent
// or a request time for anonymous actions. Timestamps exist only on records of named
// accounts (sessions, invitations issued) and on signed tree heads.
#ifndef CANDOR_STORE_STORE_H_
#define CANDOR_STORE_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace candor::store {

using Blob = std::vector<std::uint8_t>;

struct OrganizationRecord {
  std::int64_t id = 0;      // assigned by the store
  std::string slug;         // public, unique, e.g. "state"
  std::string name;         // e.g. "Department of State"
  std::string policy_json;  // deadline policy and settings (domain/policy.h), JSON text
  bool demo = false;        // demo data, clearly marked in every view
};

// Role bits of a named account.
enum Role : std::uint32_t {
  kRoleAdministrator = 1u << 0,
  kRoleEnrollmentOfficer = 1u << 1,
  kRoleReviewer = 1u << 2,
};

struct AccountRecord {
  std::int64_t id = 0;  // assigned by the store
  std::int64_t organization_id = 0;
  std::string username;                     // unique within the organization
  std::string password_hash;                // Argon2id string (crypto_pwhash_str)
  std::uint32_t roles = 0;                  // Role bits
  std::optional<Blob> totp_secret;          // set once TOTP is enabled
  std::optional<Blob> reviewer_box_public;  // X25519 key for cables (reviewers)
  bool disabled = false;
};

struct SessionRecord {
  Blob token_hash;  // SHA-256 of the cookie's token; the token itself is never stored
  std::int64_t account_id = 0;
  std::string csrf_token;
  std::int64_t created_at_ms = 0;
  std::int64_t expires_at_ms = 0;
  bool second_factor_pending = false;  // password checked, TOTP not yet
};

struct LoginThrottleRecord {
  std::string key;  // "<org>/<username>/<source address>" (staff_service.cc)
  std::int64_t failures = 0;
  std::int64_t locked_until_ms = 0;
  std::int64_t window_start_ms = 0;  // failures count from here; the row expires a window later
};

struct InvitationRecord {
  Blob code_hash;  // SHA-256 of the one-time code; the code itself is never stored
  std::int64_t organization_id = 0;
  std::int64_t issued_by = 0;  // account id of the enrollment officer
  std::int64_t expires_at_ms = 0;
  bool redeemed = false;  // no record of when, or of which key it enrolled
};

enum class RosterAction { kAdd = 1, kRemove = 2 };

// One change to an organization's roster; version v is the roster after the v-th change.
struct RosterEventRecord {
  std::int64_t organization_id = 0;
  std::int64_t version = 0;  // 1, 2, 3, … per organization
  RosterAction action = RosterAction::kAdd;
  Blob ring_public;  // 32 bytes
  Blob box_public;   // 32 bytes (X25519 reply key); empty for removals
  std::int64_t log_index = 0;
  // The roster's size after this version; unset on events stored before schema migration 8.
  std::optional<std::int64_t> members;
};

// A log entry that describes an organization's state beyond its roster: "reviewer",
// "reviewer-key", "reviewer-removed" or "roster-epoch" (with the epoch's roster version).
struct OrganizationLogRecord {
  std::int64_t log_index = 0;
  std::int64_t organization_id = 0;
  std::string kind;
  std::optional<std::int64_t> version;  // roster-epoch only
};

struct HolidayRecord {
  std::int64_t organization_id = 0;
  std::string date;  // YYYY-MM-DD
  std::string name;
};

struct LogEntryRecord {
  std::int64_t index = 0;
  Blob entry;      // canonical bytes (docs/PROTOCOL.md, "Log entries")
  Blob leaf_hash;  // RFC 9162 leaf hash of `entry`
};

struct TreeHeadRecord {
  std::int64_t tree_size = 0;
  Blob root;
  std::int64_t timestamp_ms = 0;
  Blob signature;  // Ed25519 over candor-log-v1's sth message
};

// A witness's cosignature of a checkpoint (log/cosignature.h).
struct CosignatureRecord {
  std::int64_t tree_size = 0;
  Blob witness;  // Ed25519 public key, 32 bytes
  std::int64_t timestamp_s = 0;
  Blob signature;  // 64 bytes
};

// A published letter: its frozen canonical bytes (domain/letter.h) and where it is logged.
struct LetterRecord {
  Blob id;               // SHA-256 of canonical
  std::int64_t seq = 0;  // publication order, 1, 2, … (assigned by InsertLetter)
  Blob canonical;
  std::int64_t log_index = 0;
  bool quorum_reached = false;  // true from the start for a letter without a quorum
};

// The roster version of one named organization that a letter pinned at publication.
struct LetterRosterRecord {
  Blob letter_id;
  std::int64_t position = 0;  // index into the letter's organizations
  std::int64_t organization_id = 0;
  std::int64_t roster_version = 0;
};

enum class CoSignatureAction { kSign = 1, kWithdraw = 2 };
// candor-lrs-v1 over a bucket of the roster, candor-lrs-v2 over the whole roster.
enum class CoSignatureScheme { kLrsV1 = 1, kLrsV2 = 2 };

// An accepted co-signature or withdrawal. No time, no request data: only what the log will
// publish. batch and log_index are set when it is published.
struct CoSignatureRecord {
  Blob letter_id;
  Blob tag;  // the linking tag I (32 bytes)
  CoSignatureAction action = CoSignatureAction::kSign;
  std::int64_t organization_id = 0;
  Blob ring_digest;
  Blob signature;  // the scheme's wire bytes
  std::optional<std::int64_t> batch;
  std::optional<std::int64_t> log_index;
  CoSignatureScheme scheme = CoSignatureScheme::kLrsV1;
};

struct SignatureBatchRecord {
  Blob letter_id;
  std::int64_t batch = 0;      // 1, 2, … per letter
  std::int64_t log_index = 0;  // of the batch's closing "signature-batch" entry
  std::int64_t published_at_ms = 0;
  std::int64_t signatures = 0;
};

// A named account's unpublished letter (editable; nothing about it is public).
struct LetterDraftRecord {
  std::int64_t id = 0;  // assigned by the store
  std::int64_t account_id = 0;
  std::string letter_json;
  std::int64_t updated_at_ms = 0;
};

// A dissent cable: the public header and the ciphertext, never the plaintext. No arrival time:
// only the day (the deadlines' start), so the table says nothing finer about when an anonymous
// author wrote. The payload columns are emptied when the retention period ends (purged).
struct CableRecord {
  Blob id;  // 32 bytes, chosen by the author's client
  std::int64_t organization_id = 0;
  bool named = false;
  Blob header;                    // canonical header bytes (domain::CableHeaderBytes)
  std::optional<Blob> envelope;   // candor-env-v1 encoding; nullopt once purged
  std::optional<Blob> signature;  // candor-lrs-v1 with the cable id as event
  std::int64_t quota_window = 0;
  std::int64_t quota_slot = 0;
  std::optional<Blob> quota_signature;
  std::optional<Blob> author_signature;  // Ed25519, named cables only
  Blob submission_digest;                // domain::CableSubmissionDigest
  Blob access_hash;                      // compared with H(access) when the author reads
  std::int64_t received_day = 0;         // days since 1970-01-01 (UTC)
  bool published = false;                // its "submitted" entry is in the log
  std::optional<std::int64_t> acknowledged_day;
  bool extended = false;
  std::optional<std::int64_t> closed_day;
  bool purged = false;
  // The organization's settings (canonical JSON) when the cable was received: its deadlines
  // follow this policy even if the organization changes policy later. nullopt for cables
  // stored before schema version 4 (the current settings apply).
  std::optional<std::string> settings_json;
};

// One thing that happened to a cable, in order (seq 1 is "submitted"). Reviewer actions carry
// the reviewer's account and time (named actions); "submitted" carries neither.
struct CableEventRecord {
  Blob cable_id;
  std::int64_t seq = 0;                    // 1, 2, … per cable
  std::string action;                      // domain::CableActionName
  Blob digest;                             // what the log entry commits to (32 bytes)
  std::int64_t day = 0;                    // days since 1970-01-01 (UTC)
  std::optional<std::int64_t> account_id;  // the reviewer, for reviewer actions
  std::optional<std::int64_t> at_ms;       // when, for reviewer actions only
  std::optional<Blob> recipients;          // message recipients' X25519 keys, concatenated
  std::optional<Blob> envelope;  // the message's candor-env-v1 encoding; nullopt once purged
  std::optional<std::int64_t> log_index;  // set once logged
};

// A reminder or overdue notice for an organization's reviewers (the notification outbox).
struct NotificationRecord {
  std::int64_t id = 0;  // assigned by the store
  std::int64_t organization_id = 0;
  Blob cable_id;
  std::string kind;  // "acknowledge-due", "answer-due", "acknowledge-overdue", "answer-overdue"
  std::int64_t deadline_day = 0;
  std::int64_t days_before = 0;  // the reminder schedule's step (0 for overdue notices)
  std::int64_t created_at_ms = 0;
  bool delivered = false;
};

// An organization's notification settings (issue 15, item 5).
struct NotifySettingsRecord {
  std::int64_t organization_id = 0;
  bool enabled = false;
  std::int64_t digest_hour = 8;  // the organization's local hour the daily digest goes out
  std::optional<std::string> webhook_url;
  std::optional<Blob> webhook_secret;  // sealed at rest (crypto/at_rest.h)
};

// Where a reviewer's digest goes.
struct NotifyAddressRecord {
  std::int64_t account_id = 0;
  std::int64_t organization_id = 0;
  std::string email;
  std::optional<std::string> openpgp_key;  // ASCII-armored public key
  std::optional<std::string> openpgp_fingerprint;
};

// One digest to one reviewer (or the organization's webhook, account_id 0) for one day.
struct DeliveryRecord {
  std::int64_t id = 0;  // assigned by the store
  std::int64_t organization_id = 0;
  std::int64_t account_id = 0;  // 0: the webhook
  std::string channel;          // "email", "webhook"
  std::int64_t day = 0;         // the organization's day
  std::string state;            // "pending", "sent", "failed", "superseded"
  std::int64_t attempts = 0;
  std::int64_t next_attempt_ms = 0;
  std::optional<std::string> last_error;
};

enum class TxMode { kRead, kWrite };

// The store's tables, one small interface per feature (the service's parts and tests depend
// on the ones they use, e.g. the log writer on LogTables alone). A Transaction is all of them
// at once, inside one database transaction.

// Organizations and their calendars.
class OrganizationTables {
 public:
  virtual ~OrganizationTables() = default;

  // Organizations. kAlreadyExists on a duplicate slug.
  virtual Result<std::int64_t> InsertOrganization(const OrganizationRecord& org) = 0;
  virtual Result<std::optional<OrganizationRecord>> FindOrganization(std::int64_t id) = 0;
  virtual Result<std::optional<OrganizationRecord>> FindOrganizationBySlug(
      std::string_view slug) = 0;
  virtual Result<std::vector<OrganizationRecord>> ListOrganizations() = 0;
  virtual Status UpdateOrganizationPolicy(std::int64_t id, std::string_view policy_json) = 0;

  // Holidays (the organization's calendar). Replace swaps the whole calendar.
  virtual Status ReplaceHolidays(std::int64_t organization_id,
                                 const std::vector<HolidayRecord>& holidays) = 0;
  virtual Result<std::vector<HolidayRecord>> ListHolidays(std::int64_t organization_id) = 0;
};

// Staff accounts, their sessions and the login throttle.
class AccountTables {
 public:
  virtual ~AccountTables() = default;

  // Accounts. kAlreadyExists on a duplicate (organization, username).
  virtual Result<std::int64_t> InsertAccount(const AccountRecord& account) = 0;
  virtual Result<std::optional<AccountRecord>> FindAccount(std::int64_t id) = 0;
  virtual Result<std::optional<AccountRecord>> FindAccountByName(std::int64_t organization_id,
                                                                 std::string_view username) = 0;
  virtual Result<std::vector<AccountRecord>> ListAccounts(std::int64_t organization_id) = 0;
  virtual Status UpdateAccount(const AccountRecord& account) = 0;  // by id

  // Sessions.
  virtual Status InsertSession(const SessionRecord& session) = 0;
  virtual Result<std::optional<SessionRecord>> FindSession(const Blob& token_hash) = 0;
  virtual Status UpdateSession(const SessionRecord& session) = 0;  // by token_hash
  virtual Status DeleteSession(const Blob& token_hash) = 0;
  virtual Status DeleteExpiredSessions(std::int64_t now_ms) = 0;
  virtual Status DeleteSessionsOfAccount(std::int64_t account_id) = 0;

  // Login throttling.
  virtual Result<std::optional<LoginThrottleRecord>> FindThrottle(std::string_view key) = 0;
  virtual Status UpsertThrottle(const LoginThrottleRecord& record) = 0;
  virtual Status DeleteThrottle(std::string_view key) = 0;
  // Deletes rows neither locked at `now_ms` nor holding failures newer than `window_ms`.
  virtual Status DeleteExpiredThrottles(std::int64_t now_ms, std::int64_t window_ms) = 0;
};

// Enrollment and rosters: invitations, roster events, and the organization's logged
// reviewer and epoch entries.
class RosterTables {
 public:
  virtual ~RosterTables() = default;

  // Invitations. kAlreadyExists on a duplicate code hash.
  virtual Status InsertInvitation(const InvitationRecord& invitation) = 0;
  virtual Result<std::optional<InvitationRecord>> FindInvitation(const Blob& code_hash) = 0;
  // Marks the invitation redeemed. kFailedPrecondition if it already was.
  virtual Status MarkInvitationRedeemed(const Blob& code_hash) = 0;
  virtual Result<std::int64_t> CountOpenInvitations(std::int64_t organization_id,
                                                    std::int64_t now_ms) = 0;

  // Rosters. Versions are dense per organization, starting at 1.
  virtual Status InsertRosterEvent(const RosterEventRecord& event) = 0;
  virtual Result<std::vector<RosterEventRecord>> ListRosterEvents(std::int64_t organization_id,
                                                                  std::int64_t up_to_version) = 0;
  virtual Result<std::int64_t> LatestRosterVersion(std::int64_t organization_id) = 0;  // 0: none
  // Rosters at scale (issue 12), each O(log n) but ListRosterMembers: the latest event (none:
  // an empty roster); the members present at `version` counted from the events (for events
  // stored without their size); whether `ring_public` was ever removed; and the members present
  // at `version` — their add events, in order of addition — without replaying the history.
  virtual Result<std::optional<RosterEventRecord>> LatestRosterEvent(
      std::int64_t organization_id) = 0;
  virtual Result<std::int64_t> CountRosterMembers(std::int64_t organization_id,
                                                  std::int64_t version) = 0;
  virtual Result<bool> RosterKeyRemoved(std::int64_t organization_id, const Blob& ring_public) = 0;
  virtual Result<std::vector<RosterEventRecord>> ListRosterMembers(std::int64_t organization_id,
                                                                   std::int64_t version) = 0;
  // The add event of a ring key in this organization, if any (to refuse re-enrolment).
  virtual Result<std::optional<RosterEventRecord>> FindRosterKey(std::int64_t organization_id,
                                                                 const Blob& ring_public) = 0;

  // The organization's reviewer and roster-epoch log entries (OrganizationLogRecord).
  virtual Status InsertOrganizationLog(const OrganizationLogRecord& record) = 0;
  // In log order; only those of `kind` when it is not empty.
  virtual Result<std::vector<OrganizationLogRecord>> ListOrganizationLog(
      std::int64_t organization_id, std::string_view kind) = 0;
  // The newest `limit` entries of `kind`, newest first (the current roster epochs, on every
  // cable submission: not the whole list).
  virtual Result<std::vector<OrganizationLogRecord>> LatestOrganizationLog(
      std::int64_t organization_id, std::string_view kind, std::int64_t limit) = 0;
  // True when any organization's entry is indexed (start-up indexes old logs once).
  virtual Result<bool> AnyOrganizationLog() = 0;
};

// The transparency log: entries, Merkle nodes, signed tree heads, checkpoints, witnesses'
// cosignatures and log state leaves.
class LogTables {
 public:
  virtual ~LogTables() = default;

  // Merkle log storage (log/ computes; the store only keeps hashes and entries).
  virtual Result<std::int64_t> LogSize() = 0;
  // REQUIRES: record.index == LogSize().
  virtual Status AppendLogEntry(const LogEntryRecord& record) = 0;
  virtual Result<std::vector<LogEntryRecord>> ReadLogEntries(std::int64_t begin,
                                                             std::int64_t end) = 0;
  // Perfect-subtree hashes (level 0 = leaf hashes are also stored here).
  virtual Status PutLogNode(int level, std::int64_t index, const Blob& hash) = 0;
  virtual Result<std::optional<Blob>> GetLogNode(int level, std::int64_t index) = 0;
  virtual Status InsertTreeHead(const TreeHeadRecord& head) = 0;
  virtual Result<std::optional<TreeHeadRecord>> LatestTreeHead() = 0;
  virtual Result<std::optional<TreeHeadRecord>> FindTreeHead(std::int64_t tree_size) = 0;
  // Checkpoints (tree sizes witnesses cosign) and their cosignatures. Inserting one that
  // exists changes nothing; the list is newest first.
  virtual Status InsertCheckpoint(std::int64_t tree_size) = 0;
  virtual Result<std::vector<std::int64_t>> ListCheckpoints(std::int64_t limit) = 0;
  // A witness's second cosignature of a checkpoint changes nothing (the first stays).
  virtual Status InsertCosignature(const CosignatureRecord& record) = 0;
  virtual Result<std::vector<CosignatureRecord>> ListCosignatures(std::int64_t tree_size) = 0;
  // The packed log state leaves of checkpoint `tree_size` (docs/PROTOCOL.md, "Log state"):
  // stored once per checkpoint, read back, and dropped for the checkpoints both below
  // `tree_size` and whose signed tree head is older than `timestamp_ms`.
  virtual Status InsertLogState(std::int64_t tree_size, const Blob& leaves) = 0;
  virtual Result<std::optional<Blob>> FindLogState(std::int64_t tree_size) = 0;
  virtual Status DeleteLogStates(std::int64_t below_tree_size, std::int64_t older_than_ms) = 0;
};

// Collective letters and the rosters they pin.
class LetterTables {
 public:
  virtual ~LetterTables() = default;

  // Letters. InsertLetter assigns and returns seq; kAlreadyExists on a duplicate id.
  virtual Result<std::int64_t> InsertLetter(const LetterRecord& letter) = 0;
  virtual Result<std::optional<LetterRecord>> FindLetter(const Blob& id) = 0;
  virtual Result<std::vector<LetterRecord>> ListLetters() = 0;  // by seq
  // At most `limit` letters with seq > after_seq, by seq (a page of GET /letters).
  virtual Result<std::vector<LetterRecord>> ListLettersAfter(std::int64_t after_seq,
                                                             std::int64_t limit) = 0;
  virtual Status MarkLetterQuorumReached(const Blob& id) = 0;
  virtual Status InsertLetterRoster(const LetterRosterRecord& pin) = 0;
  virtual Result<std::vector<LetterRosterRecord>> ListLetterRosters(const Blob& letter_id) = 0;
};

// Co-signatures and their batches.
class CoSignatureTables {
 public:
  virtual ~CoSignatureTables() = default;

  // Co-signatures. kAlreadyExists when (letter, tag, action) is already stored.
  virtual Status InsertCoSignature(const CoSignatureRecord& sig) = 0;
  virtual Result<std::vector<CoSignatureRecord>> FindCoSignatures(const Blob& letter_id,
                                                                  const Blob& tag) = 0;
  // Not yet published, ordered by tag (an order that says nothing about arrival).
  virtual Result<std::vector<CoSignatureRecord>> ListWaitingCoSignatures(const Blob& letter_id) = 0;
  // Published, in log order.
  virtual Result<std::vector<CoSignatureRecord>> ListPublishedCoSignatures(
      const Blob& letter_id) = 0;
  // The same without the signatures' bytes (`signature` left empty): what counting needs, at a
  // fraction of the memory (security review M6).
  virtual Result<std::vector<CoSignatureRecord>> ListPublishedCoSignatureHeads(
      const Blob& letter_id) = 0;
  // Ids of letters with at least one waiting co-signature.
  virtual Result<std::vector<Blob>> ListLettersWithWaitingCoSignatures() = 0;
  // Deletes the stored co-signatures with the keys (letter, tag, action) of `rows`, then
  // inserts `rows` as given (batch and log index included), in their order. kNotFound if a
  // key is not stored. Why not UPDATE: an update that keeps a record's size rewrites it in
  // place (SQLite keeps its overflow pages, PostgreSQL may keep its heap slot and TOAST chunks),
  // so rows stored in arrival order would stay in arrival order on disk. Deleting them all
  // first and inserting them in a random order places them anew (security review H3).
  virtual Status RewriteCoSignatures(const std::vector<CoSignatureRecord>& rows) = 0;
  // Deletes the co-signatures with the keys of `rows`; kNotFound if one is not stored.
  virtual Status DeleteCoSignatures(const std::vector<CoSignatureRecord>& rows) = 0;
  // kNotFound if there is no such record; kFailedPrecondition if it was already published.
  virtual Status MarkCoSignaturePublished(const Blob& letter_id, const Blob& tag,
                                          CoSignatureAction action, std::int64_t batch,
                                          std::int64_t log_index) = 0;
  // Signers per organization: tags with a signature and no withdrawal. published_only
  // counts only what the log shows (the public count); otherwise everything accepted.
  virtual Result<std::vector<std::pair<std::int64_t, std::int64_t>>> CountSigners(
      const Blob& letter_id, bool published_only) = 0;
  virtual Status InsertSignatureBatch(const SignatureBatchRecord& batch) = 0;
  virtual Result<std::vector<SignatureBatchRecord>> ListSignatureBatches(const Blob& letter_id) = 0;
};

// Letter drafts of named accounts.
class DraftTables {
 public:
  virtual ~DraftTables() = default;

  // Letter drafts of named accounts.
  virtual Result<std::int64_t> InsertLetterDraft(const LetterDraftRecord& draft) = 0;
  virtual Result<std::optional<LetterDraftRecord>> FindLetterDraft(std::int64_t id) = 0;
  virtual Result<std::vector<LetterDraftRecord>> ListLetterDrafts(std::int64_t account_id) = 0;
  virtual Status UpdateLetterDraft(const LetterDraftRecord& draft) = 0;  // by id
  virtual Status DeleteLetterDraft(std::int64_t id) = 0;
};

// Dissent cables and their events.
class CableTables {
 public:
  virtual ~CableTables() = default;

  // Cables. Listing order is by received day, then id (random): never arrival order.
  virtual Status InsertCable(const CableRecord& cable) = 0;  // kAlreadyExists for a used id
  virtual Result<std::optional<CableRecord>> FindCable(const Blob& id) = 0;
  virtual Result<std::vector<CableRecord>> ListCables(std::int64_t organization_id) = 0;
  virtual Result<std::vector<CableRecord>> ListUnpublishedCables() = 0;
  virtual Result<std::vector<CableRecord>> ListOpenCables() = 0;  // published, not closed
  virtual Result<std::vector<CableRecord>> ListClosedUnpurgedCables() = 0;
  // The same as RewriteCoSignatures, for cables (by id) and their events: how the batch
  // publisher marks them published without leaving their rows in arrival order.
  virtual Status RewriteCables(const std::vector<CableRecord>& cables) = 0;
  // Writes the state fields (published, acknowledged_day, extended, closed_day, purged) and the
  // payload columns (emptied when purged) of the cable with this id.
  virtual Status UpdateCable(const CableRecord& cable) = 0;
  virtual Status InsertCableEvent(const CableEventRecord& event) = 0;
  // By seq. Without `with_envelopes`, the messages' ciphertexts are left out (nullopt).
  virtual Result<std::vector<CableEventRecord>> ListCableEvents(const Blob& cable_id,
                                                                bool with_envelopes) = 0;
  // The highest sequence number of the cable's events (0 when it has none).
  virtual Result<std::int64_t> LastCableEventSeq(const Blob& cable_id) = 0;
  virtual Status SetCableEventLogIndex(const Blob& cable_id, std::int64_t seq,
                                       std::int64_t log_index) = 0;
  // The events waiting for the next batch to be logged (an author's follow-ups), envelopes
  // included; a cable's own "submitted" event is logged with the cable instead.
  virtual Result<std::vector<CableEventRecord>> ListUnloggedCableEvents() = 0;
  virtual Status PurgeCableEvents(const Blob& cable_id) = 0;  // empties every message envelope
};

// Quota tags of cables and of letters published by members.
class QuotaTables {
 public:
  virtual ~QuotaTables() = default;

  // Quota tags: one row per (organization, window, slot, tag); no cable id, no time.
  virtual Result<bool> CableQuotaTagUsed(std::int64_t organization_id, std::int64_t window,
                                         std::int64_t slot, const Blob& tag) = 0;
  virtual Status InsertCableQuotaTag(std::int64_t organization_id, std::int64_t window,
                                     std::int64_t slot, const Blob& tag) = 0;
  // The (slot, tag) of the window's *published* cables only: a tag listed the moment its
  // cable arrived would date the cable to the second (security review H1), so a tag appears
  // with its cable's batch. A cable whose quota signature was purged is left out.
  virtual Result<std::vector<std::pair<std::int64_t, Blob>>> ListPublishedCableQuotaTags(
      std::int64_t organization_id, std::int64_t window) = 0;
  // Every (slot, tag) of the window, published or not, in key order.
  virtual Result<std::vector<std::pair<std::int64_t, Blob>>> ListCableQuotaTags(
      std::int64_t organization_id, std::int64_t window) = 0;
  // Replaces the window's rows by `rows`, inserted in the given order (see RewriteCoSignatures).
  virtual Status RewriteCableQuotaTags(std::int64_t organization_id, std::int64_t window,
                                       const std::vector<std::pair<std::int64_t, Blob>>& rows) = 0;
  // Letters published by members: one row per (organization, window, slot, tag) of a
  // publishing proof (domain::PublishQuotaEvent); no letter, no time. Insert returns false
  // (and inserts nothing) when the row exists: the member used that slot already.
  virtual Result<bool> InsertLetterPublishTag(std::int64_t organization_id, std::int64_t window,
                                              std::int64_t slot, const Blob& tag) = 0;
  virtual Result<std::vector<std::pair<std::int64_t, Blob>>> ListLetterPublishTags(
      std::int64_t organization_id, std::int64_t window) = 0;
};

// The reviewers' notification outbox.
class NotificationTables {
 public:
  virtual ~NotificationTables() = default;

  // The notification outbox. InsertNotification returns false (and inserts nothing) when the
  // same (cable, kind, deadline, days_before) notice exists already.
  virtual Result<bool> InsertNotification(const NotificationRecord& n) = 0;
  virtual Result<std::vector<NotificationRecord>> ListNotifications(std::int64_t organization_id,
                                                                    bool undelivered_only) = 0;
  virtual Status MarkNotificationsDelivered(std::int64_t organization_id,
                                            std::int64_t up_to_id) = 0;
};

// Notifications that leave the server: settings, addresses, deliveries (issue 15, item 5).
class NotifyTables {
 public:
  virtual ~NotifyTables() = default;

  virtual Result<std::optional<NotifySettingsRecord>> FindNotifySettings(
      std::int64_t organization_id) = 0;
  // Every organization's settings with enabled set, by organization id.
  virtual Result<std::vector<NotifySettingsRecord>> ListEnabledNotifySettings() = 0;
  virtual Status PutNotifySettings(const NotifySettingsRecord& s) = 0;  // insert or replace
  virtual Result<std::optional<NotifyAddressRecord>> FindNotifyAddress(std::int64_t account_id) = 0;
  virtual Result<std::vector<NotifyAddressRecord>> ListNotifyAddresses(
      std::int64_t organization_id) = 0;                              // by account id
  virtual Status PutNotifyAddress(const NotifyAddressRecord& a) = 0;  // insert or replace
  virtual Status DeleteNotifyAddress(std::int64_t account_id) = 0;
  // False (and nothing inserted) when the (organization, account, channel, day) row exists.
  virtual Result<bool> InsertDelivery(const DeliveryRecord& d) = 0;
  // The organization's newest `limit` deliveries, newest first.
  virtual Result<std::vector<DeliveryRecord>> ListDeliveries(std::int64_t organization_id,
                                                             std::int64_t limit) = 0;
  // Pending deliveries due at `now_ms`, of every organization, oldest first.
  virtual Result<std::vector<DeliveryRecord>> ListDueDeliveries(std::int64_t now_ms) = 0;
  // Sets state, attempts, next_attempt_ms and last_error of the row with d.id.
  virtual Status UpdateDelivery(const DeliveryRecord& d) = 0;
  // Deletes every delivery of a day before `day` (of any organization).
  virtual Status DeleteDeliveriesBefore(std::int64_t day) = 0;
};

// Small key-value settings of the deployment.
class SettingTables {
 public:
  virtual ~SettingTables() = default;

  // Small key-value settings of the deployment (e.g. schema notes, demo flags).
  virtual Result<std::optional<std::string>> GetSetting(std::string_view key) = 0;
  virtual Status PutSetting(std::string_view key, std::string_view value) = 0;
};

class Transaction : public OrganizationTables,
                    public AccountTables,
                    public RosterTables,
                    public LogTables,
                    public LetterTables,
                    public CoSignatureTables,
                    public DraftTables,
                    public CableTables,
                    public QuotaTables,
                    public NotificationTables,
                    public NotifyTables,
                    public SettingTables {
 public:
  ~Transaction() override = default;

  // Makes every change durable (fsync'd on SQLite, committed on PostgreSQL). After it
  // returns — OK or not — the transaction is finished.
  [[nodiscard]] virtual Status Commit() = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Starts a transaction. kWrite transactions are serialized with every other writer; a
  // writer that waits longer than 30 seconds for the others gets kUnavailable (so a thread
  // must not begin a second write transaction while it holds one). A kRead transaction sees
  // one consistent snapshot, taken at its first read.
  // A Transaction keeps alive what it needs, so it may outlive the Store that began it.
  virtual Result<std::unique_ptr<Transaction>> Begin(TxMode mode) = 0;

  // "sqlite" or "postgres".
  virtual std::string_view Engine() const = 0;

  // The schema version the store is at (after migrations).
  virtual Result<int> SchemaVersion() = 0;

  // Called after a batch of anonymous writes was published (and committed), so that no copy
  // of them in arrival order outlives it: SQLite checkpoints the WAL into the database and
  // truncates it (with secure_delete on, freed pages are zeroed); PostgreSQL vacuums the tables
  // that hold anonymous writes, so that dead row versions are pruned. Must not be called from
  // inside a transaction of this thread. (security review H3, L4; README "What a stolen
  // database shows")
  [[nodiscard]] virtual Status Compact() = 0;

  // A number that changes whenever what the store holds may have changed, or nullopt when
  // this Store cannot tell. It can tell only when every write goes through it: a SQLite store
  // opened with StoreOpenOptions::exclusive (its lock file keeps every other process out), where
  // the number counts this Store's write transactions that reached COMMIT. PostgreSQL, which
  // several servers share, answers nullopt. A cache of something read from the store stays
  // valid while the number it was read under is unchanged (read the number before the read
  // transaction begins).
  virtual std::optional<std::uint64_t> ChangeStamp() const = 0;
};

struct StoreOpenOptions {
  // SQLite: hold an exclusive lock on PATH-lock for the Store's life, so that no other process
  // (a second `candor serve` on the same data directory) opens it, and ChangeStamp() works. A
  // lock already held is kFailedPrecondition. Ignored by PostgreSQL, which is shared by design.
  bool exclusive = false;
};

// Opens (creating if needed) the SQLite store at `path` in WAL mode with
// synchronous=FULL, and applies pending migrations.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path,
                                               StoreOpenOptions options = {});

// Connects to PostgreSQL (libpq conninfo string or URI) and applies pending migrations.
Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& conninfo);

// Opens by URL: "sqlite:PATH" or "postgres://…" / "postgresql://…".
Result<std::unique_ptr<Store>> OpenStore(const std::string& url, StoreOpenOptions options = {});

}  // namespace candor::store

#endif  // CANDOR_STORE_STORE_H_
