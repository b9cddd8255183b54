#include "crypto/ristretto.h"

#include <sodium.h>

#include "crypto/init.h"

namespace candor::crypto {

bool IsValidPoint(const Point& p) {
  EnsureSodium();
  // RFC 9496 section 4.3.1 decodes a 32-byte string as a field element and rejects it
  // unless that element is canonical: below 2^255 - 19 *and* with bit 255 clear.
  // libsodium before 1.0.19 (Debian 12 ships 1.0.18) ignores bit 255, so a point and the
  // same bytes with bit 255 set both decode, to the same point: two encodings of one tag,
  // which would let one key sign a letter twice (security review C1). The bit is checked
  // here, so the rule holds on every libsodium. Points are public: no constant time needed.
  if ((p.bytes[31] & 0x80) != 0) return false;
  // is_valid_point rejects the other non-canonical and off-group encodings but accepts the
  // identity (its canonical encoding is 32 zero bytes), which CRYPTO.md rejects separately.
  return crypto_core_ristretto255_is_valid_point(p.data()) == 1 &&
         sodium_is_zero(p.data(), p.size()) == 0;
}

bool IsCanonicalScalar(const Scalar& s) {
  EnsureSodium();
  std::uint8_t wide[crypto_core_ristretto255_NONREDUCEDSCALARBYTES] = {};
  std::copy(s.begin(), s.end(), wide);
  Scalar reduced;
  crypto_core_ristretto255_scalar_reduce(reduced.data(), wide);
  return reduced == s;
}

Point ScalarMultBase(const Scalar& s) {
  EnsureSodium();
  Point out;
  // Returns -1 only when s·G is the identity (s = 0), in which case `out` holds zeros,
  // the identity's encoding: exactly the value we want for public verification.
  (void)crypto_scalarmult_ristretto255_base(out.data(), s.data());
  return out;
}

Point ScalarMult(const Scalar& s, const Point& p) {
  EnsureSodium();
  Point out;
  // As above: -1 means the result is the identity, which `out` then encodes.
  if (crypto_scalarmult_ristretto255(out.data(), s.data(), p.data()) != 0) out = kIdentity;
  return out;
}

Point PointAdd(const Point& a, const Point& b) {
  EnsureSodium();
  Point out;
  // Fails only on an undecodable input; callers validate inputs (the identity decodes).
  if (crypto_core_ristretto255_add(out.data(), a.data(), b.data()) != 0) out = kIdentity;
  return out;
}

Scalar ScalarAdd(const Scalar& a, const Scalar& b) {
  EnsureSodium();
  Scalar out;
  crypto_core_ristretto255_scalar_add(out.data(), a.data(), b.data());
  return out;
}

Scalar ScalarSub(const Scalar& a, const Scalar& b) {
  EnsureSodium();
  Scalar out;
  crypto_core_ristretto255_scalar_sub(out.data(), a.data(), b.data());
  return out;
}

Scalar ScalarMul(const Scalar& a, const Scalar& b) {
  EnsureSodium();
  Scalar out;
  crypto_core_ristretto255_scalar_mul(out.data(), a.data(), b.data());
  return out;
}

Point PublicFromSecret(const SecretScalar& x) {
  EnsureSodium();
  Point out;
  (void)crypto_scalarmult_ristretto255_base(out.data(), x.data());
  return out;
}

Point SecretScalarMult(const SecretScalar& x, const Point& p) {
  EnsureSodium();
  Point out;
  if (crypto_scalarmult_ristretto255(out.data(), x.data(), p.data()) != 0) out = kIdentity;
  return out;
}

}  // namespace candor::crypto
