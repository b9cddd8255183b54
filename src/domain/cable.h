// Dissent cables: the public header, the encrypted content, reviewer messages, receipts and
// the clock (docs/PROTOCOL.md, "Cables").
//
// A cable is written on the author's device: the content (CableContent, JSON) is sealed with
// candor-env-v1 to every current reviewer's X25519 key under the canonical header bytes
// (CableHeaderBytes) as additional data, and signed twice with candor-lrs-v1 over a ring of the
// organization's roster — once with the cable id as event (CRYPTO.md) and once with a quota
// event (CableQuotaEvent) that limits how many cables one member can send per window without
// saying which member. A named author also signs with Ed25519 and puts their name and a binding
// to their roster key inside the encrypted content, where only the reviewers see it.
//
// Everything here is plain values and pure functions: thread-safe, no I/O, no clock.
#ifndef CANDOR_DOMAIN_CABLE_H_
#define CANDOR_DOMAIN_CABLE_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "crypto/bytes.h"
#include "crypto/envelope.h"
#include "crypto/receipt.h"
#include "domain/calendar.h"
#include "domain/letter.h"
#include "domain/policy.h"

namespace candor::domain {

// 32 random bytes chosen by the author's client; also the event id of the cable's ring
// signature (CRYPTO.md, "Cable envelopes").
using CableId = crypto::Digest32;

enum class CableAuthor { kNamed, kAnonymous };
std::string_view CableAuthorName(CableAuthor author);  // "named", "anonymous"
Result<CableAuthor> ParseCableAuthor(std::string_view name);

// At most this many reviewers receive one cable.
inline constexpr std::size_t kMaxCableRecipients = 256;

// The public header: stored in clear next to the ciphertext, bound to it as the AEAD's
// additional data and covered by every signature.
struct CableHeader {
  CableId id;
  std::string organization;  // slug
  CableAuthor author = CableAuthor::kAnonymous;
  std::uint64_t roster_version = 0;              // the roster version the ring comes from (≥ 1)
  crypto::Digest32 ring_digest;                  // the ring both ring signatures are over
  std::uint64_t quota_window = 0;                // the rate-limit window the quota signature is for
  std::vector<crypto::BoxPublicKey> recipients;  // reviewers' X25519 keys, in envelope order
  crypto::Digest32 access_hash;                  // crypto::AccessHash of the author's access value
  // Both ring signatures' scheme: candor-lrs-v2 over the whole roster version, or
  // candor-lrs-v1 over one bucket of it.
  RingScheme scheme = RingScheme::kV1;
  // The organization's channel the author picked (ValidateChannelId), or empty for none; the
  // recipients are then some of that channel's reviewers.
  std::string channel;

  friend bool operator==(const CableHeader&, const CableHeader&) = default;
};

// A valid slug; roster_version ≥ 1; 1 … kMaxCableRecipients distinct recipient keys, none all
// zero; an empty or valid channel id. Error (kInvalidArgument) naming the field.
[[nodiscard]] Status ValidateCableHeader(const CableHeader& header);

//   tr("candor/v1/cable-header", id, slug, author, u64le(roster_version), ring_digest,
//      u64le(quota_window), u64le(k), recipient_1 … recipient_k, access_hash
//      [, scheme [, channel]])
// where the scheme, the ASCII "candor-lrs-v2" or "candor-lrs-v1", is there for a v2 header or
// a header with a channel, and the channel's id only for a header with one (so a v1 header
// without a channel keeps the bytes it had before v2 and channels existed).
// REQUIRES: ValidateCableHeader(header) is OK.
crypto::Bytes CableHeaderBytes(const CableHeader& header);

// Strict inverse of CableHeaderBytes (ValidateCableHeader applies). Safe on any input.
Result<CableHeader> DecodeCableHeader(crypto::ByteSpan bytes);

// {"id", "organization", "author", "roster_version", "ring_digest", "quota_window",
//  "recipients": [hex…], "access_hash", "scheme"?, "channel"?} ("scheme" written for v2 only;
// read as candor-lrs-v1 when absent; "channel" written when set); strict reader (unknown fields,
// wrong types and malformed hex are errors naming the field).
nlohmann::json CableHeaderToJson(const CableHeader& header);
Result<CableHeader> CableHeaderFromJson(const nlohmann::json& j);

// The event of the quota signature: H256("candor/v1/cable/quota", slug, u64le(window),
// u64le(slot)). A member has one tag per (window, slot), so at most `slots` cables per window.
crypto::Digest32 CableQuotaEvent(std::string_view slug, std::uint64_t window, std::uint64_t slot);

// What the "submitted" log entry commits to:
//   H256("candor/v1/cable/submission", header_bytes, envelope_bytes, signature,
//        u64le(quota_slot), quota_signature, author_signature)   (author_signature empty
//   for an anonymous cable)
crypto::Digest32 CableSubmissionDigest(crypto::ByteSpan header_bytes,
                                       crypto::ByteSpan envelope_bytes, crypto::ByteSpan signature,
                                       std::uint64_t quota_slot, crypto::ByteSpan quota_signature,
                                       crypto::ByteSpan author_signature);

// What happens to a cable. Every action is a "cable-event" log entry.
enum class CableAction {
  kSubmitted,
  kAcknowledged,
  kExtended,
  kReplied,
  kNoted,
  kClosed,
  kPurged,
  kFollowedUp,
  kRecused,
  kGranted,
};
// "submitted", "acknowledged", "extended", "replied", "noted", "closed", "purged",
// "followed-up" (the author's follow-up, sent with the receipt), "recused" (a reviewer
// withdrew from the cable: a conflict of interest; it no longer reads it), "granted" (a reader
// gave a reviewer who joined later access: CableGrant).
std::string_view CableActionName(CableAction action);
Result<CableAction> ParseCableAction(std::string_view name);

// Actions that carry an encrypted message: the reviewers' extended (the reason), replied, noted
// (internal, reviewers only), closed (the substantive response), and the author's followed-up.
bool CableActionHasMessage(CableAction action);
// Of those, the ones sealed to the author's reply key too: extended, replied, closed, and
// followed-up (so that the author reads their own follow-ups back).
bool CableMessageReachesAuthor(CableAction action);

// The additional data of a reviewer message's envelope:
//   tr("candor/v1/cable-message", cable_id, action, u64le(k), recipient_1 … recipient_k)
// For a message the author receives, recipient_1 is the author's reply key and the rest are
// the reviewers' keys; for a note, only the reviewers' keys.
crypto::Bytes CableMessageHeaderBytes(const CableId& cable, CableAction action,
                                      std::span<const crypto::BoxPublicKey> recipients);
// H256("candor/v1/cable/recusal", cable_id, key): what a "recused" log entry commits to — the
// X25519 key of the reviewer who withdrew, so that every client can tell whom to leave out.
crypto::Digest32 CableRecusalDigest(const CableId& cable, const crypto::BoxPublicKey& key);

// A reader gives an earlier cable to a reviewer who joined later (PROTOCOL.md, "Giving a later
// reviewer access"): for each envelope of the cable the reader can open — the cable itself
// (seq 1) and its messages, by their event seq — one more wrap of its content key, made on the
// reader's device (crypto::RewrapEnvelopeKey). The server never holds a content key.
inline constexpr std::size_t kMaxCableGrantWraps = 4096;
struct CableGrant {
  crypto::BoxPublicKey to;  // the reviewer's X25519 key
  // (seq, wrap): seqs strictly increasing, the first 1; 1 … kMaxCableGrantWraps of them.
  std::vector<std::pair<std::uint64_t, crypto::WrappedKey>> wraps;

  friend bool operator==(const CableGrant&, const CableGrant&) = default;
};
[[nodiscard]] Status ValidateCableGrant(const CableGrant& grant);
//   tr("candor/v1/cable-grant", to, u64le(n), u64le(seq_1), wrap_1, …, u64le(seq_n), wrap_n)
// REQUIRES: ValidateCableGrant(grant) is OK.
crypto::Bytes CableGrantBytes(const CableGrant& grant);
// Strict inverse (ValidateCableGrant applies; a valid X25519 key). Safe on any input.
Result<CableGrant> DecodeCableGrant(crypto::ByteSpan bytes);
// H256("candor/v1/cable/grant", cable_id, grant_bytes): what a "granted" log entry commits to.
crypto::Digest32 CableGrantDigest(const CableId& cable, crypto::ByteSpan grant_bytes);

// H256("candor/v1/cable/message", message_header_bytes, envelope_bytes): what the message's
// log entry commits to.
crypto::Digest32 CableMessageDigest(crypto::ByteSpan message_header,
                                    crypto::ByteSpan envelope_bytes);

// What a named author's binding proof signs: tr("candor/v1/cable/author", signing_public). The
// proof is a candor-lrs-v1 signature over the one-member ring [ring_public] with the cable id
// as event, so its tag equals the cable signature's tag exactly when the same key made both.
crypto::Bytes CableAuthorBindingMessage(const crypto::SignPublicKey& signing_public);

// What a reviewer's proof of possession of its X25519 key is bound to (crypto::
// ProveBoxKeyPossession's context): tr("candor/v1/reviewer-key", slug, u64le(account_id)).
crypto::Bytes ReviewerKeyProofContext(std::string_view slug, std::uint64_t account_id);

// The receipt an author keeps, in one of two forms (PROTOCOL.md, "Cable receipts"):
//   words: twelve words (crypto/receipt_words.h), from which the id and secret are derived;
//          what clients hand out since receipts could be written down;
//   long:  "candor-receipt-v1-<cable id hex>-<secret hex>", still accepted everywhere.
inline constexpr std::string_view kCableReceiptPrefix = "candor-receipt-v1-";
std::string FormatCableReceipt(const CableId& id, const crypto::ReceiptSecret& secret);
struct CableReceipt {
  CableId id;
  crypto::ReceiptSecret secret;
};
// Either form, with white space around it (and, for words, between and before them as
// crypto::ParseReceiptWords allows). Text starting "candor-receipt" is read as the long form.
// Error (kInvalidArgument) otherwise, with a message a person can act on (for words, which
// word is wrong).
Result<CableReceipt> ParseCableReceipt(std::string_view text);

// --- The encrypted content (what reviewers read) ---

inline constexpr std::size_t kMaxCableSubjectBytes = 512;
inline constexpr std::size_t kMaxCableAttachments = 16;
inline constexpr std::size_t kMaxAttachmentNameBytes = 255;

struct CableAttachment {
  std::string name;  // file name, 1 … 255 bytes, no '/' or control characters
  std::string type;  // media type, e.g. "application/pdf" (may be empty)
  crypto::Bytes data;

  friend bool operator==(const CableAttachment&, const CableAttachment&) = default;
};

// A named author's identity, visible to reviewers only.
struct CableAuthorIdentity {
  std::string name;                      // as the author gives it, 1 … 200 bytes
  crypto::Point ring_public;             // the author's roster key
  crypto::SignPublicKey signing_public;  // the Ed25519 key that signed the cable
  crypto::Bytes binding;                 // candor-lrs-v1 over [ring_public] (see above)

  friend bool operator==(const CableAuthorIdentity&, const CableAuthorIdentity&) = default;
};

struct CableContent {
  std::string subject;                // 1 … kMaxCableSubjectBytes of UTF-8
  std::string body;                   // UTF-8, not empty
  crypto::BoxPublicKey reply_public;  // the author's reply key (from the receipt)
  std::vector<CableAttachment> attachments;
  std::optional<CableAuthorIdentity> author;  // set for a named cable

  friend bool operator==(const CableContent&, const CableContent&) = default;
};

[[nodiscard]] Status ValidateCableContent(const CableContent& content);
// {"format": "candor-cable-v1", "subject", "body", "reply_public", "attachments":
//  [{"name", "type", "data": hex}], "author": null | {"name", "ring_public",
//  "signing_public", "binding"}} as compact JSON text (UTF-8 bytes).
// REQUIRES: ValidateCableContent(content) is OK.
crypto::Bytes CableContentToBytes(const CableContent& content);
// Strict reader (then ValidateCableContent). Safe on any input.
Result<CableContent> CableContentFromBytes(crypto::ByteSpan bytes);

// --- An author's follow-up (PROTOCOL.md, "Follow-ups") ---
//
// The plaintext of a "followed-up" message, padded like any other:
//   {"format":"candor-cable-follow-up-v1","body":"…","attachments":[{"name","type","data"}…]}
// compact, keys in byte order (nlohmann's dump), attachments as in the content.
struct CableFollowUp {
  std::string body;  // UTF-8, not empty
  std::vector<CableAttachment> attachments;

  friend bool operator==(const CableFollowUp&, const CableFollowUp&) = default;
};
[[nodiscard]] Status ValidateCableFollowUp(const CableFollowUp& follow_up);
// REQUIRES: ValidateCableFollowUp(follow_up) is OK.
crypto::Bytes CableFollowUpToBytes(const CableFollowUp& follow_up);
// Strict reader (then ValidateCableFollowUp). Safe on any input.
Result<CableFollowUp> CableFollowUpFromBytes(crypto::ByteSpan bytes);

// --- Padding (docs/FORMATS.md, "Padding") ---
//
// The ciphertext's length is the plaintext's plus 16, and it is visible to the employer's
// proxy (the upload), the server and a thief: an exact length ties a cable to its upload
// (security review M4). So every envelope plaintext of a cable — the content and each
// message — is padded with zero bytes to a bucket: the smallest power of two that is at
// least the text and at least kMinCablePadded bytes. A bucket then says only the text's
// order of magnitude. Neither content JSON nor a message text holds a zero byte, so the
// padding is unambiguous, and a padded plaintext has exactly one valid form.
inline constexpr std::size_t kMinCablePadded = std::size_t{16} * 1024;

// The bucket of a text of `n` bytes: max(kMinCablePadded, the least power of two >= n).
std::size_t CablePaddedSize(std::size_t n);
// True iff `n` is the length of a bucket (a power of two, at least kMinCablePadded).
bool IsCablePaddedSize(std::size_t n);
// `text` followed by zero bytes up to CablePaddedSize(text.size()).
// REQUIRES: `text` is not empty, has no zero byte, and is at most 2^62 bytes.
crypto::Bytes PadCablePlaintext(crypto::ByteSpan text);
// The text inside a padded plaintext (everything before the trailing zero bytes): Error
// (kInvalidArgument) unless the length is a bucket, the text is non-empty and holds no zero
// byte, and the text's own bucket is exactly this length (the padding no longer than it must
// be). Safe on any input; returns a view.
Result<crypto::ByteSpan> UnpadCablePlaintext(crypto::ByteSpan padded);

// --- The clock ---

// Where a cable stands against its deadlines on `today`.
struct CableClock {
  Date acknowledge_by;
  Date answer_by;  // the extended deadline once extended
  bool acknowledged = false;
  bool extended = false;
  bool closed = false;
  bool acknowledge_overdue = false;  // not acknowledged, and today is after acknowledge_by
  bool answer_overdue = false;       // not closed, and today is after answer_by
  // Days left until each deadline, counted in the policy's unit for that deadline (working
  // days for a working-day period, else calendar days); negative once past, 0 on the day.
  std::int64_t acknowledge_days_left = 0;
  std::int64_t answer_days_left = 0;
  bool overdue() const { return acknowledge_overdue || answer_overdue; }
};

struct CableDates {
  Date received;                     // the submission date (the clock's start)
  std::optional<Date> acknowledged;  // first acknowledgement
  bool extended = false;
  std::optional<Date> closed;
};

// REQUIRES: ValidateDeadlinePolicy(policy) is OK; every date valid; `extended` only when the
// policy allows an extension.
CableClock ComputeCableClock(const DeadlinePolicy& policy, const WorkingCalendar& calendar,
                             const CableDates& dates, const Date& today);

// The civil date (UTC) of a time in ms since the Unix epoch.
Date DateOfMs(std::int64_t ms);

}  // namespace candor::domain

#endif  // CANDOR_DOMAIN_CABLE_H_
