// A member's key pairs (CRYPTO.md "Member keys").
#ifndef CANDOR_CRYPTO_KEYS_H_
#define CANDOR_CRYPTO_KEYS_H_

#include <string_view>

#include "base/result.h"
#include "crypto/bytes.h"
#include "crypto/rng.h"
#include "crypto/secret.h"

namespace candor::crypto {

// Ring key: secret scalar x (never zero), public P = x·G.
struct RingKeyPair {
  Point public_key;
  SecretScalar secret;
};

// X25519 key pair for sealed boxes (replies, reviewers).
struct BoxKeyPair {
  BoxPublicKey public_key;
  BoxSecretKey secret;
};

// Everything a member's device holds.
struct MemberKeys {
  RingKeyPair ring;
  BoxKeyPair box;
};

// x from rng.RandomScalar (with SystemRng: crypto_core_ristretto255_scalar_random).
RingKeyPair GenerateRingKeyPair(Rng& rng);
// 32 random bytes as the X25519 secret and crypto_scalarmult_base for the public key:
// with SystemRng this is exactly what crypto_box_keypair does.
BoxKeyPair GenerateBoxKeyPair(Rng& rng);
MemberKeys GenerateMemberKeys(Rng& rng);

// Recomputes the public halves from the secrets (used to check a decrypted key file).
Point RingPublicFromSecret(const SecretScalar& x);
BoxPublicKey BoxPublicFromSecret(const BoxSecretKey& sk);

// True iff `pk` is an X25519 public key that Candor accepts from outside (docs/FORMATS.md,
// "Points and keys"): its canonical encoding — the u-coordinate below 2^255 - 19 and bit 255 clear,
// since X25519 ignores bit 255 and reduces mod p, so every key has up to four encodings, and
// keys compared by bytes (reviewer keys, envelope recipients) must have one — and not a
// point of small order (no shared secret; envelopes to it could not be opened by anyone).
// Public data: ordinary branches. Thread-safe.
[[nodiscard]] bool IsValidBoxPublicKey(const BoxPublicKey& pk);

// A proof that the holder of `prover` knows its secret, for a verifier who holds the secret
// of `verifier_public` (docs/API.md, "Reviewer keys"):
//   H256("candor/v1/box-possession", context, prover_public, verifier_public,
//        X25519(prover_secret, verifier_public))
// `context` binds the proof to its use (an organization and an account), so it cannot be
// replayed elsewhere. Error (kInvalidArgument) when either key is not IsValidBoxPublicKey.
Result<Digest32> ProveBoxKeyPossession(ByteSpan context, const BoxKeyPair& prover,
                                       const BoxPublicKey& verifier_public);
// The verifier's side: recomputes the proof with its own secret and compares in constant time.
// Error: kInvalidArgument for an invalid prover key, kVerificationFailed for a wrong proof.
[[nodiscard]] Status VerifyBoxKeyPossession(ByteSpan context, const BoxPublicKey& prover_public,
                                            const BoxKeyPair& verifier, const Digest32& proof);

// An X25519 key pair derived from another secret for one purpose (`label`):
// secret = BLAKE2b-256(key = secret, message = label). The server derives the key that
// reviewers prove possession to from its log key, so there is no second secret to keep.
BoxKeyPair DeriveBoxKeyPair(const SignSecretKey& secret, std::string_view label);

}  // namespace candor::crypto

#endif  // CANDOR_CRYPTO_KEYS_H_
