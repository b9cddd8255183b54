// Co-signatures on letters and the JSON forms of rings and co-signatures that the command
// line, the server and the browser exchange (docs/PROTOCOL.md, "Rings" and "Co-signatures").
#ifndef CANDOR_DOMAIN_COSIGNATURE_H_
#define CANDOR_DOMAIN_COSIGNATURE_H_

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "crypto/lrs.h"
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
  crypto::Bytes signature;  // candor-lrs-v1 wire bytes: c0 || s_0..s_{n-1} || I
};

// {"scheme":"candor-ring-v1","members":[hex…],"digest":hex}
Json RingToJson(const crypto::Ring& ring);
// Accepts {"members":[hex…]} and, if present, checks "scheme" and "digest".
Result<crypto::Ring> RingFromJson(const Json& j);

// {"scheme":"candor-lrs-v1","letter":hex,"action":"sign"|"withdraw","ring_digest":hex,
//  "signature":hex}
Json CoSignatureToJson(const CoSignature& sig);
// Rejects missing, unknown or mistyped fields and malformed hex.
Result<CoSignature> CoSignatureFromJson(const Json& j);

// Signs `letter` (or withdraws from it) as ring member `signer_index`.
// REQUIRES: ring.members()[signer_index] is the public key of `secret`.
Result<CoSignature> SignLetter(const LetterId& letter, SignatureAction action,
                               const crypto::Ring& ring, std::size_t signer_index,
                               const crypto::SecretScalar& secret, crypto::Rng& rng);

// Verifies `sig` over `ring` (the digest must match) and returns its linking tag.
Result<crypto::Point> VerifyCoSignature(const CoSignature& sig, const crypto::Ring& ring);

}  // namespace candor::domain

#endif  // CANDOR_DOMAIN_COSIGNATURE_H_
