// The linkable ring signature `candor-lrs-v1` (CRYPTO.md "Linkable ring signature").
//
// An event-linkable bLSAG: a member of a ring signs a message for an event (a letter id, a
// cable id) without revealing which member signed, and two signatures by the same key on
// the same event carry the same tag I = x·Hp("candor/v1/lrs/tag-base", e), so a second
// signature is recognisable as a duplicate. Tags on different events are unlinkable.
//
//   Ring ring = *Ring::Create(roster_keys);
//   LrsSignature sig = *LrsSign(event, message, ring, my_index, my_secret, DefaultRng());
//   Bytes wire = sig.Encode();                                   // 32·(n+2) bytes
//   LrsSignature back = *LrsSignature::Decode(wire, ring.size());
//   Status ok = LrsVerify(event, message, ring, back);
//
// The anonymity set is exactly the ring (CRYPTO.md): callers enforce a minimum ring size;
// this file accepts any n ≥ 1 because the arithmetic is the same.
#ifndef CANDOR_CRYPTO_LRS_H_
#define CANDOR_CRYPTO_LRS_H_

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "crypto/bytes.h"
#include "crypto/rng.h"
#include "crypto/secret.h"
#include "group/group.h"

namespace candor::crypto {

// The scheme name carried next to every signature in Candor's formats, so that version 2
// (logarithmic-size rings) can coexist (CRYPTO.md "Later").
inline constexpr std::string_view kLrsScheme = "candor-lrs-v1";

// An ordered list of n ≥ 1 distinct, valid ristretto255 public keys P_0 … P_{n-1}
// (CRYPTO.md "Rings"), with its digest computed once.
//
// A Ring can only be made by Create, so holding one proves the ring rules were checked.
// It is an immutable value: copyable, and safe to share between threads for reading.
// The label of ring_digest = H256(kRingDigestLabel, P_0, …, P_{n-1}) (CRYPTO.md "Rings"), for
// code that streams the digest over keys it holds some other way (a roster, stored rows).
inline constexpr std::string_view kRingDigestLabel = "candor/v1/ring";

class Ring {
 public:
  // Validates `members` and takes ownership of them.
  // Error (kInvalidArgument), naming the offending index, when the list is empty, a member
  // fails IsValidPoint (an invalid encoding or the identity), or a key is repeated.
  static Result<Ring> Create(std::vector<Point> members);

  const std::vector<Point>& members() const { return members_; }
  std::size_t size() const { return members_.size(); }
  // ring_digest = H256("candor/v1/ring", P_0, …, P_{n-1}).
  const Digest32& digest() const { return digest_; }

  // The position of `key` in the ring, or nullopt. O(log n).
  std::optional<std::size_t> IndexOf(const Point& key) const;

  // The members decoded into group elements (≈ 7 µs and 160 bytes each), made on first use
  // and shared by every copy of this ring, so that a ring checked many times (a server's
  // cached rings, a bundle's) is decoded once. Thread-safe.
  std::span<const group::Point> Decoded() const;

 private:
  struct DecodedMembers {
    std::once_flag once;
    std::vector<group::Point> points;
  };
  Ring(std::vector<Point> members, std::vector<std::size_t> sorted, const Digest32& digest)
      : members_(std::move(members)),
        sorted_(std::move(sorted)),
        digest_(digest),
        decoded_(std::make_shared<DecodedMembers>()) {}

  std::vector<Point> members_;
  // Indices into members_, ordered by key bytes: duplicate detection and IndexOf.
  std::vector<std::size_t> sorted_;
  Digest32 digest_;
  std::shared_ptr<DecodedMembers> decoded_;
};

// A candor-lrs-v1 signature (c_0, s_0, …, s_{n-1}, I). A plain value; no invariant is
// held: whether the scalars are canonical and the tag valid is checked by LrsVerify, so
// that a decoded signature and one built in memory go through one rule set.
struct LrsSignature {
  Scalar c0;
  std::vector<Scalar> s;
  Point tag;  // I = x·T, the linking tag ("key image")

  // Wire bytes: c0 || s_0 || … || s_{n-1} || I, 32·(n+2) bytes (CRYPTO.md step 5).
  Bytes Encode() const;

  // Splits `bytes` for a ring of `ring_size` members. Error (kInvalidArgument) unless
  // ring_size ≥ 1 and bytes.size() == 32·(ring_size+2) exactly (truncated and over-long
  // input alike). Checks nothing else: scalars and tag are validated by LrsVerify.
  static Result<LrsSignature> Decode(ByteSpan bytes, std::size_t ring_size);
};

// T = Hp("candor/v1/lrs/tag-base", e): the event's tag base. Thread-safe.
Point LrsTagBase(const Digest32& event);

// Signs `message` for `event` as ring member `signer_index`, whose secret is `x`.
//
// Randomness: r and then s_i for every i ≠ π in increasing i are drawn with
// rng.RandomScalar (so a SeededRng reproduces a signature exactly; tests only); the nonce is
// hedged, α = Hs("candor/v1/lrs/alpha", r, x, ring_digest, event, message), so that a broken
// RNG cannot make two signatures share α and give away x (docs/FORMATS.md, "Signing nonce").
// Secrets (x, α, c_π·x) stay in libsodium's guarded memory and are wiped on every exit.
// Error (kInvalidArgument) if signer_index ≥ ring.size(), or x is not a canonical non-zero
// scalar, or ring.members()[signer_index] != x·G.
// Thread-safe as long as `rng` is not shared between threads (see rng.h).
Result<LrsSignature> LrsSign(const Digest32& event, ByteSpan message, const Ring& ring,
                             std::size_t signer_index, const SecretScalar& x, Rng& rng);

// Verifies `sig` on `message` for `event` over `ring` (CRYPTO.md "Verify"): ok exactly when
// the tag is a valid non-identity point, c0 and every s_i are canonical, s has one entry
// per ring member, and the ring equations close (c_n == c_0).
// Error: kInvalidArgument for a malformed signature (wrong count, non-canonical scalar,
// invalid or identity tag), kVerificationFailed when the ring equations do not close.
// Cost: per member, 4 constant-time scalar multiplications (libsodium exposes no
// multi-scalar or variable-time ristretto255 API) and one SHA-512 finish over L_i, R_i;
// plus one pass over `message` (the common transcript prefix is hashed once), ≈ 0.2 ms
// per member (bench/lrs_bench.cc). Callers bound n for untrusted rings. Thread-safe.
[[nodiscard]] Status LrsVerify(const Digest32& event, ByteSpan message, const Ring& ring,
                               const LrsSignature& sig);

// True iff `a` and `b` carry the same tag, i.e. come from the same key.
// REQUIRES (caller): both verified, for the same event — tags on different events are
// unrelated by design, and comparing them means nothing.
bool LrsLinked(const LrsSignature& a, const LrsSignature& b);

}  // namespace candor::crypto

#endif  // CANDOR_CRYPTO_LRS_H_
