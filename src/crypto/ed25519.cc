#include "crypto/ed25519.h"

#include <sodium.h>

#include "crypto/init.h"

namespace candor::crypto {

SignKeyPair GenerateSignKeyPair(Rng& rng) {
  EnsureSodium();
  SecretBytes<crypto_sign_SEEDBYTES, struct SeedTag> seed;
  rng.Fill(std::span<std::uint8_t>(seed.data(), seed.size()));
  SignKeyPair kp;
  crypto_sign_seed_keypair(kp.public_key.data(), kp.secret_key.data(), seed.data());
  return kp;
}

SignKeyPair SignKeyPairFromSecret(SignSecretKey secret) {
  EnsureSodium();
  SignKeyPair kp;
  crypto_sign_ed25519_sk_to_pk(kp.public_key.data(), secret.data());
  kp.secret_key = std::move(secret);
  return kp;
}

Signature64 Ed25519Sign(ByteSpan message, const SignSecretKey& secret_key) {
  EnsureSodium();
  Signature64 sig;
  crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), secret_key.data());
  return sig;
}

Status Ed25519Verify(ByteSpan message, const Signature64& signature,
                     const SignPublicKey& public_key) {
  EnsureSodium();
  if (crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                  public_key.data()) != 0) {
    return VerificationFailed("Ed25519 signature does not verify");
  }
  return Status::Ok();
}

}  // namespace candor::crypto
