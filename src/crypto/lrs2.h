// The linkable ring signature `candor-lrs-v2` (docs/LRS-V2.md): a one-out-of-many proof
// (Groth–Kohlweiss / Bootle et al., in the "Grootle" layout of Lelantus Spark and Seraphis)
// that the signer owns one key of the ring, composed with a Chaum–Pedersen proof that the
// tag is I = x·Hp("candor/v1/lrs/tag-base", e) for that key's secret x — the very tag of
// candor-lrs-v1, so that v1 and v2 signatures of one key on one event link.
//
// A signature over a ring of N keys is 32·(10 + 8m) bytes with m = ⌈log_8 N⌉ (1,856 bytes
// at 10^5 members), so the ring can be a whole roster; signatures over one ring are verified
// together with one multi-scalar multiplication (Lrs2VerifyBatch).
//
//   Lrs2Ring ring = *Lrs2Ring::Create(*Ring::Create(roster_keys));   // decodes once; reuse
//   Lrs2Signature sig = *Lrs2Sign(event, message, ring, my_index, my_secret, rng);
//   Bytes wire = sig.Encode();
//   Lrs2Signature back = *Lrs2Signature::Decode(wire, ring.size());
//   Status ok = Lrs2Verify(event, message, ring, back);
#ifndef CANDOR_CRYPTO_LRS2_H_
#define CANDOR_CRYPTO_LRS2_H_

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "crypto/bytes.h"
#include "crypto/lrs.h"
#include "crypto/rng.h"
#include "crypto/secret.h"
#include "group/group.h"

namespace candor::crypto {

inline constexpr std::string_view kLrs2Scheme = "candor-lrs-v2";
// The radix n of the one-out-of-many proof: ring indices are read as base-8 digits.
inline constexpr std::size_t kLrs2Radix = 8;
// The largest ring: 8^7 = 2^21 keys (m ≤ 7).
inline constexpr std::size_t kLrs2MaxDigits = 7;
inline constexpr std::size_t kLrs2MaxRing = std::size_t{1} << 21;

// m = the smallest m ≥ 1 with 8^m ≥ ring_size. REQUIRES: 1 ≤ ring_size ≤ kLrs2MaxRing.
std::size_t Lrs2Digits(std::size_t ring_size);
// 32·(10 + 8m) bytes.
std::size_t Lrs2SignatureSize(std::size_t ring_size);

// A Ring whose keys are also decoded into group elements (≈ 7 µs and 160 bytes per key),
// once, for every signature made or checked over it. Immutable; share it between threads.
class Lrs2Ring {
 public:
  // Error (kInvalidArgument) when the ring has more than kLrs2MaxRing keys.
  static Result<Lrs2Ring> Create(Ring ring);

  const Ring& ring() const { return ring_; }
  std::size_t size() const { return ring_.size(); }
  const Digest32& digest() const { return ring_.digest(); }
  std::span<const group::Point> points() const { return points_; }

 private:
  Lrs2Ring(Ring ring, std::vector<group::Point> points)
      : ring_(std::move(ring)), points_(std::move(points)) {}
  Ring ring_;
  std::vector<group::Point> points_;
};

// A candor-lrs-v2 signature, field by field in wire order (docs/LRS-V2.md "Signature").
// A plain value: Lrs2Verify checks every field, so a decoded signature and one built in
// memory go through one rule set.
struct Lrs2Signature {
  Point tag;  // I = x·T
  Point key;  // K = P_l + t·H, the signer's key re-randomised
  Point a;    // A, B: the commitments to the index's digits
  Point b;
  std::vector<Point> x;   // X_0 … X_{m-1}
  std::vector<Scalar> f;  // f_{j,i} for j < m, 1 ≤ i < 8, j-major: 7m scalars
  Scalar za;              // z_A
  Scalar z;               // z
  Point r1;               // R1 = α·G + β·H
  Point r2;               // R2 = α·T
  Scalar s1;              // s1 = α − c·x
  Scalar s2;              // s2 = β − c·t

  Bytes Encode() const;
  // Error (kInvalidArgument) unless ring_size is in [1, kLrs2MaxRing] and the length is
  // exactly Lrs2SignatureSize(ring_size). Checks nothing else (Lrs2Verify does).
  static Result<Lrs2Signature> Decode(ByteSpan bytes, std::size_t ring_size);
};

// Signs `message` for `event` as member `signer_index` of `ring`, whose secret is x.
// Randomness: 32 bytes from rng are hashed with x, the ring, the event and the message into
// the seed of every nonce (hedged, as in v1: a broken RNG cannot make two different
// signatures share nonces); the side-channel masks come from the system's CSPRNG (they never
// change the signature, so rng's stream is exactly 32 bytes per signature, as in the browser).
// Side channels: nothing computed from x or signer_index branches or indexes memory, except
// the multi-scalar multiplications, which only see uniformly masked scalars
// (docs/LRS-V2.md "Prover: masking").
// Error (kInvalidArgument) if signer_index ≥ ring.size(), x is not a canonical non-zero
// scalar, or the ring's key at signer_index is not x·G.
// Cost at N = 10^5: 2m multi-scalar multiplications of N points (bench/lrs2_bench.cc).
Result<Lrs2Signature> Lrs2Sign(const Digest32& event, ByteSpan message, const Lrs2Ring& ring,
                               std::size_t signer_index, const SecretScalar& x, Rng& rng);

// The part of a signature's work that depends on nothing secret: fresh side-channel masks u
// for the m multi-scalar multiplications and their sums Σu·P (half of the signer's
// multi-scalar multiplications). Made while the member reads the letter, then handed to
// Lrs2Sign, which consumes it: masks never serve twice. Members are internal.
struct Lrs2Precomputation {
  Digest32 ring_digest;
  std::vector<std::vector<group::Scalar>> masks;  // m × N
  std::vector<group::Point> mask_sums;            // m

  // Move-only: a copy would let one set of masks serve two signatures.
  Lrs2Precomputation() = default;
  Lrs2Precomputation(Lrs2Precomputation&&) = default;
  Lrs2Precomputation& operator=(Lrs2Precomputation&&) = default;
  Lrs2Precomputation(const Lrs2Precomputation&) = delete;
  Lrs2Precomputation& operator=(const Lrs2Precomputation&) = delete;
};
// Cost at N = 10^5: m multi-scalar multiplications of N points and 64·m·N random bytes.
Lrs2Precomputation Lrs2Precompute(const Lrs2Ring& ring, Rng& rng);
// Lrs2Sign with the masks of `precomputed` (the same signature bytes for the same rng).
// Error (kInvalidArgument) also when `precomputed` was made for another ring.
Result<Lrs2Signature> Lrs2Sign(const Digest32& event, ByteSpan message, const Lrs2Ring& ring,
                               std::size_t signer_index, const SecretScalar& x, Rng& rng,
                               Lrs2Precomputation&& precomputed);

namespace testing {
// Test-only: a signer who breaks one rule, for the tests that show each verification
// equation stops an attack. Every step not named here is Lrs2Sign's.
struct Lrs2Cheat {
  // The tag is y·T for this y instead of x·T; s1 answers for y when s1_answers_for_tag,
  // else for x (the composition proof's equations (3) and (4)).
  const SecretScalar* tag_secret = nullptr;
  bool s1_answers_for_tag = false;
  // Signs although the ring's key at signer_index is not x·G (membership, equation (2)).
  bool skip_key_check = false;
  // When set, the index's lowest digit is not one-hot: σ_{0,i} = 1/2 at both of these
  // digits (two members proving for half the sum of their keys; equation (1)).
  const std::size_t* half_digits = nullptr;  // two digits
};
Result<Lrs2Signature> Lrs2SignCheating(const Digest32& event, ByteSpan message,
                                       const Lrs2Ring& ring, std::size_t signer_index,
                                       const SecretScalar& x, Rng& rng, const Lrs2Cheat& cheat);
}  // namespace testing

// Verifies one signature. Error: kInvalidArgument for a malformed signature (wrong counts,
// a non-canonical scalar, an invalid or identity point), kVerificationFailed when the
// equations do not hold. Thread-safe.
[[nodiscard]] Status Lrs2Verify(const Digest32& event, ByteSpan message, const Lrs2Ring& ring,
                                const Lrs2Signature& sig);

// One signature of a batch.
struct Lrs2BatchItem {
  Digest32 event;
  ByteSpan message;
  const Lrs2Signature* signature;
};

// Verifies signatures over one ring together: one multi-scalar multiplication with random
// weights hashed from 32 bytes of `weights` (SystemRng in production) and every signature,
// then, only if that fails, halves the batch until each bad signature is found (blame).
// Returns the positions of the signatures that do not verify, in increasing order: empty
// when all do. Thread-safe as long as `weights` is not shared.
std::vector<std::size_t> Lrs2VerifyBatch(const Lrs2Ring& ring, std::span<const Lrs2BatchItem> items,
                                         Rng& weights);

}  // namespace candor::crypto

#endif  // CANDOR_CRYPTO_LRS2_H_
