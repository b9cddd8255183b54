// Co-signatures on letters and the JSON forms of rings and co-signatures that the command
// line, the server and the browser exchange (docs/PROTOCOL.md, "Rings" and "Co-signatures").
#ifndef CANDOR_DOMAIN_COSIGNATURE_H_
#define CANDOR_DOMAIN_COSIGNATURE_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <vector>

#include "base/result.h"
#include "crypto/lrs.h"
#include "crypto/lrs2.h"
#include "crypto/rng.h"
#include "crypto/secret.h"
#include "domain/letter.h"

namespace candor::domain {

using Json = nlohmann::json;

// A ring signature on a letter, as it travels: the signature bytes are kept encoded
// because their length depends on the ring they claim to be over.
struct CoSignature {
  LetterId letter;
  SignatureAction action = SignatureAction::kSign;
  crypto::Digest32 ring_digest;
  // v1: c0 || s_0..s_{n-1} || I over a bucket; v2: docs/LRS-V2.md over the whole roster.
  crypto::Bytes signature;
  RingScheme scheme = RingScheme::kV1;
};

// {"scheme":"candor-ring-v1","members":[hex…],"digest":hex}
Json RingToJson(const crypto::Ring& ring);
// Accepts {"members":[hex…]} and, if present, checks "scheme" and "digest".
Result<crypto::Ring> RingFromJson(const Json& j);

// {"scheme":"candor-lrs-v1"|"candor-lrs-v2","letter":hex,"action":"sign"|"withdraw","ring_digest":hex,
//  "signature":hex}
Json CoSignatureToJson(const CoSignature& sig);
// Rejects missing, unknown or mistyped fields and malformed hex.
Result<CoSignature> CoSignatureFromJson(const Json& j);

// Signs `letter` (or withdraws from it) as ring member `signer_index`.
// REQUIRES: ring.members()[signer_index] is the public key of `secret`.
Result<CoSignature> SignLetter(const LetterId& letter, SignatureAction action,
                               const crypto::Ring& ring, std::size_t signer_index,
                               const crypto::SecretScalar& secret, crypto::Rng& rng);

// Signs with candor-lrs-v2 over `ring`, the whole roster (WholeRosterRing), using the masks
// of `precomputed` when given (crypto::Lrs2Precompute, made while the member reads).
// REQUIRES: ring.ring().members()[signer_index] is the public key of `secret`.
Result<CoSignature> SignLetterV2(const LetterId& letter, SignatureAction action,
                                 const crypto::Lrs2Ring& ring, std::size_t signer_index,
                                 const crypto::SecretScalar& secret, crypto::Rng& rng,
                                 std::optional<crypto::Lrs2Precomputation> precomputed = {});

// Verifies a candor-lrs-v1 `sig` over `ring` (the digest must match) and returns its tag.
Result<crypto::Point> VerifyCoSignature(const CoSignature& sig, const crypto::Ring& ring);
// The same for a candor-lrs-v2 `sig` over `ring`.
Result<crypto::Point> VerifyCoSignature(const CoSignature& sig, const crypto::Lrs2Ring& ring);

// Verifies a membership proof (a ring signature `wire` on `event` and `message`, as cables and
// member-published letters carry) and returns its tag: candor-lrs-v1 over a bucket `ring`, or
// candor-lrs-v2 over a whole-roster `ring`. Errors: kInvalidArgument for a malformed signature,
// kVerificationFailed when it does not verify.
Result<crypto::Point> VerifyRingSignature(const crypto::Ring& ring, const crypto::Digest32& event,
                                          crypto::ByteSpan message, crypto::ByteSpan wire);
Result<crypto::Point> VerifyRingSignature(const crypto::Lrs2Ring& ring,
                                          const crypto::Digest32& event, crypto::ByteSpan message,
                                          crypto::ByteSpan wire);

// The ring a member signs a membership proof in (a cable's two signatures, a member-published
// letter's proof), of either scheme: candor-lrs-v2 over the whole roster, candor-lrs-v1 over
// the bucket that holds the member's key.
struct MemberRing {
  RingScheme scheme = RingScheme::kV2;
  std::optional<crypto::Lrs2Ring> whole;  // v2
  std::optional<crypto::Ring> bucket;     // v1
  std::size_t index = 0;                  // the member's position in the ring

  const crypto::Ring& ring() const { return whole ? whole->ring() : *bucket; }
  std::size_t size() const { return ring().size(); }
  // A ring signature of the scheme on (event, message), as wire bytes.
  Result<crypto::Bytes> Sign(const crypto::Digest32& event, crypto::ByteSpan message,
                             const crypto::SecretScalar& secret, crypto::Rng& rng) const;
  // VerifyRingSignature over the ring.
  Result<crypto::Point> Verify(const crypto::Digest32& event, crypto::ByteSpan message,
                               crypto::ByteSpan wire) const;
};
// `member`'s ring of `scheme` in `roster` (present keys in roster order), checked against
// `min_ring` with CheckMinRing. Errors: as SignerRingOf (kNotFound when `member` is not on the
// roster) and WholeRosterRing.
Result<MemberRing> MemberRingOf(const std::vector<crypto::Point>& roster,
                                const crypto::Point& member, RingScheme scheme,
                                std::size_t max_ring, std::size_t min_ring);

// Verifies candor-lrs-v2 co-signatures over one ring together (crypto::Lrs2VerifyBatch, with
// weights from `weights`): result i is sigs[i]'s tag, or why it does not verify (the same
// errors as VerifyCoSignature).
std::vector<Result<crypto::Point>> VerifyCoSignaturesV2(std::span<const CoSignature* const> sigs,
                                                        const crypto::Lrs2Ring& ring,
                                                        crypto::Rng& weights);

}  // namespace candor::domain

#endif  // CANDOR_DOMAIN_COSIGNATURE_H_
