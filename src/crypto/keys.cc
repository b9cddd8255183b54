#include "crypto/keys.h"

#include <sodium.h>

#include <array>

#include "crypto/init.h"
#include "crypto/receipt.h"
#include "crypto/ristretto.h"
#include "crypto/transcript.h"

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

namespace {

constexpr std::string_view kPossessionLabel = "candor/v1/box-possession";

// The shared part of prover and verifier: both hash the same transcript around the DH value.
Result<Digest32> PossessionDigest(ByteSpan context, const BoxPublicKey& prover_public,
                                  const BoxPublicKey& verifier_public,
                                  const BoxSecretKey& own_secret,
                                  const BoxPublicKey& other_public) {
  if (!IsValidBoxPublicKey(prover_public) || !IsValidBoxPublicKey(verifier_public)) {
    return InvalidArgument("not a valid X25519 key (a non-canonical encoding, or of small order)");
  }
  SymmetricKey dh;  // guarded memory, wiped on every path
  if (crypto_scalarmult_curve25519(dh.data(), own_secret.data(), other_public.data()) != 0) {
    return InvalidArgument("no shared secret with that key");
  }
  Sha256Transcript t(kPossessionLabel);
  t.Add(context).Add(prover_public.span()).Add(verifier_public.span()).Add(dh.span());
  return t.Finish();
}

}  // namespace

Result<Digest32> ProveBoxKeyPossession(ByteSpan context, const BoxKeyPair& prover,
                                       const BoxPublicKey& verifier_public) {
  EnsureSodium();
  return PossessionDigest(context, prover.public_key, verifier_public, prover.secret,
                          verifier_public);
}

Status VerifyBoxKeyPossession(ByteSpan context, const BoxPublicKey& prover_public,
                              const BoxKeyPair& verifier, const Digest32& proof) {
  EnsureSodium();
  CANDOR_ASSIGN_OR_RETURN(Digest32 expected,
                          PossessionDigest(context, prover_public, verifier.public_key,
                                           verifier.secret, prover_public));
  if (!ConstantTimeEqual(expected, proof))
    return VerificationFailed("the proof of possession does not verify");
  return Status::Ok();
}

BoxKeyPair DeriveBoxKeyPair(const SignSecretKey& secret, std::string_view label) {
  EnsureSodium();
  BoxKeyPair kp;
  crypto_generichash(kp.secret.data(), kp.secret.size(),
                     reinterpret_cast<const unsigned char*>(label.data()), label.size(),
                     secret.data(), secret.size());
  kp.public_key = BoxPublicFromSecret(kp.secret);
  return kp;
}

bool IsValidBoxPublicKey(const BoxPublicKey& pk) {
  EnsureSodium();
  if ((pk.bytes[31] & 0x80) != 0) return false;
  // u >= p = 2^255 - 19: 0x7f, thirty 0xff, then a low byte of 0xed or more.
  bool top = pk.bytes[31] == 0x7f;
  for (std::size_t i = 1; i < 31 && top; ++i) top = pk.bytes[i] == 0xff;
  if (top && pk.bytes[0] >= 0xed) return false;
  // Small order: libsodium's X25519 refuses (returns -1) a small-order input, and its result
  // for any other point times a clamped scalar is never zero. The scalar is public.
  std::array<std::uint8_t, 32> scalar{};
  scalar.fill(0x5a);
  std::array<std::uint8_t, 32> out{};
  return crypto_scalarmult_curve25519(out.data(), scalar.data(), pk.data()) == 0;
}

}  // namespace candor::crypto
