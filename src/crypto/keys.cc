#include "crypto/keys.h"

#include <sodium.h>

#include "crypto/init.h"
#include "crypto/ristretto.h"

namespace candor::crypto {

RingKeyPair GenerateRingKeyPair(Rng& rng) {
  RingKeyPair kp;
  rng.RandomScalar(kp.secret);
  kp.public_key = PublicFromSecret(kp.secret);
  return kp;
}

BoxKeyPair GenerateBoxKeyPair(Rng& rng) {
  EnsureSodium();
  BoxKeyPair kp;
  static_assert(crypto_box_SECRETKEYBYTES == 32 && crypto_box_PUBLICKEYBYTES == 32);
  rng.Fill(std::span<std::uint8_t>(kp.secret.data(), kp.secret.size()));
  kp.public_key = BoxPublicFromSecret(kp.secret);
  return kp;
}

MemberKeys GenerateMemberKeys(Rng& rng) {
  MemberKeys keys;
  keys.ring = GenerateRingKeyPair(rng);
  keys.box = GenerateBoxKeyPair(rng);
  return keys;
}

Point RingPublicFromSecret(const SecretScalar& x) { return PublicFromSecret(x); }

BoxPublicKey BoxPublicFromSecret(const BoxSecretKey& sk) {
  EnsureSodium();
  BoxPublicKey pk;
  crypto_scalarmult_base(pk.data(), sk.data());
  return pk;
}

}  // namespace candor::crypto
