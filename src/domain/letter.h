// Collective letters: the frozen text and what a co-signature says.
//
// A letter's id is SHA-256 of its canonical bytes, so the id freezes every word of it
// (docs/PROTOCOL.md, "Letters"). A co-signature is a candor-lrs-v1 ring signature with the
// letter id as event id and a statement as message; the statement says whether the signer
// signs or withdraws, so both carry the same tag and link to each other.
#ifndef CANDOR_DOMAIN_LETTER_H_
#define CANDOR_DOMAIN_LETTER_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "crypto/bytes.h"
#include "crypto/lrs.h"
#include "crypto/lrs2.h"

namespace candor::domain {

// A letter names at most this many organizations.
inline constexpr std::size_t kMaxLetterOrganizations = 1000;
inline constexpr std::size_t kMaxLetterTitleBytes = 512;
inline constexpr std::size_t kMaxLetterBodyBytes = std::size_t{256} * 1024;

using LetterId = crypto::Digest32;

struct Letter {
  std::string title;
  std::string body;
  // Organizations whose members may sign, by their public slug, in the order given.
  std::vector<std::string> organizations;
  // Signatures are refused after this time (ms since the Unix epoch), if set.
  std::optional<std::uint64_t> closes_at_ms;
  // Signatures stay hidden until this many have been accepted, if set.
  std::optional<std::uint64_t> quorum;
  // The letter this one corrects, if any.
  std::optional<LetterId> supersedes;

  friend bool operator==(const Letter&, const Letter&) = default;
};

// Checks the rules a letter must meet before it can be frozen (non-empty title and body,
// at least one organization, no duplicates, sizes within limits).
[[nodiscard]] Status ValidateLetter(const Letter& letter);

// What a letter must also be to be published now (ValidateLetter stays as it was, so letters
// already in the log still verify): a title that is not blank and holds no control character
// (C0, DEL or C1), a text whose only control characters are line breaks ('\n') and tabs, and
// a closing time that fits a signed 64-bit millisecond count.
[[nodiscard]] Status ValidateNewLetter(const Letter& letter);

// tr("candor/v1/letter", title, body, u64le(k), org_1 … org_k, closes_at, quorum, supersedes)
// where each optional field is empty when unset and u64le / 32 bytes when set.
crypto::Bytes LetterCanonicalBytes(const Letter& letter);

// SHA-256(LetterCanonicalBytes(letter)).
LetterId ComputeLetterId(const Letter& letter);

// The inverse of LetterCanonicalBytes: strict (every part exactly as encoded, nothing after
// the last part), and the result must pass ValidateLetter. Safe on any input.
Result<Letter> DecodeLetterCanonicalBytes(crypto::ByteSpan bytes);

// {"title", "body", "organizations": [slug…], "closes_at_ms"?, "quorum"?, "supersedes"?: hex}
nlohmann::json LetterToJson(const Letter& letter);
// Strict: unknown fields, wrong types and malformed hex are refused; ValidateLetter applies.
Result<Letter> LetterFromJson(const nlohmann::json& j);

// --- Rings for a letter (docs/PROTOCOL.md, "Rings for a letter") ---
//
// A letter pins each named organization's roster at the version current when it was
// published; that roster's members are the organization's eligible signers. A roster of at
// most kMaxRingSize keys is one ring, in roster order. A larger one is split into
// B = ceil(n / kMaxRingSize) buckets by a rule that does not depend on who signs: keys are
// ordered by H256("candor/v1/bucket", key) (ties cannot happen for distinct keys), the ordered
// list is cut into B consecutive runs whose sizes differ by at most one (the longer runs
// first), and each run, put back into roster order, is a ring.
inline constexpr std::size_t kMaxRingSize = 4096;
// The default smallest ring a client will sign in and the server will accept.
inline constexpr std::size_t kDefaultMinRingSize = 20;

// The buckets of a roster (its present keys in roster order). `max_ring` is kMaxRingSize
// except in tests. REQUIRES: max_ring ≥ 1.
std::vector<std::vector<crypto::Point>> BucketRoster(const std::vector<crypto::Point>& roster,
                                                     std::size_t max_ring = kMaxRingSize);

// The bucket that holds `key`, if any (index into BucketRoster's result).
std::optional<std::size_t> BucketOf(const std::vector<std::vector<crypto::Point>>& buckets,
                                    const crypto::Point& key);

// The rings of a roster: BucketRoster's buckets, each a crypto::Ring. Every ring made for a
// letter or a cable, to sign in, to check a signature against or to recount a bundle with,
// comes from here or from SignerRingOf (issue 13).
// Error (kInvalidArgument): the roster repeats a key or holds an invalid one (a roster that
// Candor replayed or stored never does).
Result<std::vector<crypto::Ring>> RosterRings(const std::vector<crypto::Point>& roster,
                                              std::size_t max_ring = kMaxRingSize);

// The one minimum-ring rule, for signers' clients, the server and the bundle verifier alike:
// a ring of fewer than `min_ring` members would single out its signers.
// Error (kFailedPrecondition): "the ring has N members, fewer than the minimum of M".
Status CheckMinRing(std::size_t ring_size, std::size_t min_ring);

// The ring of `roster` that `member` signs in (its bucket) and its index there, checked
// against `min_ring` with CheckMinRing.
// Error: kNotFound when `member` is not on the roster; CheckMinRing's error.
struct SignerRing {
  crypto::Ring ring;
  std::size_t index = 0;
};
Result<SignerRing> SignerRingOf(const std::vector<crypto::Point>& roster,
                                const crypto::Point& member, std::size_t max_ring,
                                std::size_t min_ring);

// The candor-lrs-v2 ring of a roster: every present key, in roster order. (For a roster of at
// most kMaxRingSize keys it is also its one v1 ring, with the same digest.)
// Error (kInvalidArgument): as RosterRings, or more than crypto::kLrs2MaxRing keys.
Result<crypto::Lrs2Ring> WholeRosterRing(const std::vector<crypto::Point>& roster);

// The ring among `rings` whose digest is `digest`, or null.
const crypto::Ring* FindRing(const std::vector<crypto::Ring>& rings,
                             const crypto::Digest32& digest);

// A member (rather than a named account) publishes a letter by proving membership of one of
// its organizations: a candor-lrs-v1 signature over that organization's ring with this event
// id and message. The event is a publishing slot of the organization's current window, as for
// cables: one tag per member per (window, slot), so a member may publish at most `slots`
// letters per window (security review M6) while two letters of one member carry unrelated
// tags (different slots or windows), and none is linked to the member's co-signatures.
//   event   = H256("candor/v1/letter/publish-quota", slug, u64le(window), u64le(slot))
//   message = tr("candor/v1/letter/publish-statement", letter_id)
crypto::Digest32 PublishQuotaEvent(std::string_view slug, std::uint64_t window, std::uint64_t slot);
crypto::Bytes PublishProofMessage(const LetterId& letter_id);

// Which linkable ring signature a co-signature, a cable or a membership proof carries, and so
// which ring it is over:
//  - candor-lrs-v1 (CRYPTO.md): over one bucket of the roster (RosterRings), 32·(n+2) bytes;
//  - candor-lrs-v2 (docs/LRS-V2.md): over the whole roster (WholeRosterRing), 32·(10+8m) bytes.
// Both give a key the same tag on one event, so a member counts once whichever they use.
enum class RingScheme { kV1, kV2 };
std::string_view RingSchemeName(RingScheme scheme);  // "candor-lrs-v1" / "candor-lrs-v2"
// Error (kInvalidArgument): "unknown signature scheme '…'".
Result<RingScheme> ParseRingScheme(std::string_view name);
// Whether `size` bytes can be a signature of `scheme` at all (over some ring it allows):
// v1: 32·(n+2) with 1 ≤ n ≤ kMaxRingSize; v2: 32·(10+8m) with 1 ≤ m ≤ 7.
bool PlausibleSignatureSize(RingScheme scheme, std::size_t size);

enum class SignatureAction { kSign, kWithdraw };
std::string_view SignatureActionName(SignatureAction action);
Result<SignatureAction> ParseSignatureAction(std::string_view name);

// The message m of a co-signature: tr("candor/v1/letter/statement", letter_id, action).
crypto::Bytes LetterStatement(const LetterId& letter_id, SignatureAction action);

}  // namespace candor::domain

#endif  // CANDOR_DOMAIN_LETTER_H_
