// Thin, checked wrappers over libsodium's ristretto255 API (CRYPTO.md "Notation").
//
// Every function here calls libsodium and nothing else; they exist so that the rules of
// CRYPTO.md — reject invalid and identity points, reject non-canonical scalars — are
// written once. All functions are thread-safe.
#ifndef CANDOR_CRYPTO_RISTRETTO_H_
#define CANDOR_CRYPTO_RISTRETTO_H_

#include "crypto/bytes.h"
#include "crypto/secret.h"

namespace candor::crypto {

// The identity's encoding (32 zero bytes).
inline constexpr Point kIdentity{};

// True iff `p` is a canonical ristretto255 encoding (RFC 9496 4.3.1, bit 255 included, which
// libsodium 1.0.18 does not check), decodes (crypto_core_ristretto255_is_valid_point) and is
// not the identity. This is CRYPTO.md's acceptance rule for every point read from outside:
// with it, a point has exactly one accepted encoding, so comparing points by bytes (tags,
// roster keys) compares the points.
[[nodiscard]] bool IsValidPoint(const Point& p);

// True iff `s` < l (canonical). Checked with libsodium alone: reducing s||0^32 mod l
// gives s back exactly when s is already reduced.
[[nodiscard]] bool IsCanonicalScalar(const Scalar& s);

// Arithmetic for public data. The result may be the identity (encoded as zeros): libsodium
// reports an identity result as failure, which for public verification is just a value.
// REQUIRES: `p` is a valid point (callers validate inputs first).
Point ScalarMultBase(const Scalar& s);
Point ScalarMult(const Scalar& s, const Point& p);
Point PointAdd(const Point& a, const Point& b);

Scalar ScalarAdd(const Scalar& a, const Scalar& b);
Scalar ScalarSub(const Scalar& a, const Scalar& b);
Scalar ScalarMul(const Scalar& a, const Scalar& b);

// Operations on secrets.
// P = x·G. REQUIRES: x non-zero and canonical.
Point PublicFromSecret(const SecretScalar& x);
// x·P for secret x (the linking tag I = x·T). REQUIRES: P valid.
Point SecretScalarMult(const SecretScalar& x, const Point& p);

}  // namespace candor::crypto

#endif  // CANDOR_CRYPTO_RISTRETTO_H_
