// A member's key pairs (CRYPTO.md "Member keys").
#ifndef CANDOR_CRYPTO_KEYS_H_
#define CANDOR_CRYPTO_KEYS_H_

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

}  // namespace candor::crypto

#endif  // CANDOR_CRYPTO_KEYS_H_
