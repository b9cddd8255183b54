// Ed25519 signatures (libsodium crypto_sign_*): signed tree heads and named cable authors.
#ifndef CANDOR_CRYPTO_ED25519_H_
#define CANDOR_CRYPTO_ED25519_H_

#include "crypto/bytes.h"
#include "crypto/rng.h"
#include "crypto/secret.h"

namespace candor::crypto {

struct SignKeyPair {
  SignPublicKey public_key;
  SignSecretKey secret_key;
};

// A fresh key pair from a 32-byte seed drawn from `rng` (crypto_sign_seed_keypair).
SignKeyPair GenerateSignKeyPair(Rng& rng);

// Rebuilds the key pair from libsodium's 64-byte secret key (seed || public key).
SignKeyPair SignKeyPairFromSecret(SignSecretKey secret);

Signature64 Ed25519Sign(ByteSpan message, const SignSecretKey& secret_key);

// Error (kVerificationFailed) unless `signature` is valid for `message` under `public_key`.
[[nodiscard]] Status Ed25519Verify(ByteSpan message, const Signature64& signature,
                                   const SignPublicKey& public_key);

}  // namespace candor::crypto

#endif  // CANDOR_CRYPTO_ED25519_H_
