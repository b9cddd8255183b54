// Checked wrappers over libsodium's ristretto255 API (CRYPTO.md "Notation";
// src/crypto/ristretto.h): the rules "reject invalid and identity points, reject
// non-canonical scalars" are written once, here.
//
// libsodium refuses to return the identity from crypto_scalarmult_ristretto255(_base) (and
// libsodium.js turns that refusal into an exception). For public verification the identity
// is just a value, so — exactly like src/crypto/ristretto.cc — these wrappers return its
// encoding, 32 zero bytes, instead; an undecodable input to scalarMult or pointAdd also gives
// the identity there, and so it does here. Callers validate inputs first.
import { bytesEqual, isAllZero } from './bytes.js';
import { sodium } from './sodium.js';

export const POINT_BYTES = 32;
export const SCALAR_BYTES = 32;

// The identity's encoding (32 zero bytes).
export const IDENTITY: Uint8Array = new Uint8Array(32);

// True iff `p` is 32 bytes, a canonical encoding (RFC 9496 4.3.1: bit 255 clear, checked here
// as in src/crypto/ristretto.cc so that the rule does not depend on libsodium's version —
// 1.0.18 ignores the bit, and two encodings of one tag are a double signature), that decode
// (is_valid_point) and are not the identity: CRYPTO.md's acceptance rule for every point read
// from outside.
export function isValidPoint(p: Uint8Array): boolean {
  return (
    p.length === 32 &&
    (p[31]! & 0x80) === 0 &&
    sodium().crypto_core_ristretto255_is_valid_point(p) &&
    !isAllZero(p)
  );
}

// True iff `s` is 32 bytes and < l: reducing s || 0^32 mod l gives s back exactly when s is
// already reduced (IsCanonicalScalar).
export function isCanonicalScalar(s: Uint8Array): boolean {
  if (s.length !== 32) return false;
  const wide = new Uint8Array(64);
  wide.set(s);
  return bytesEqual(sodium().crypto_core_ristretto255_scalar_reduce(wide), s);
}

function need32(...values: Uint8Array[]): void {
  for (const v of values) {
    if (v.length !== 32) throw new RangeError('ristretto255 scalars and points are 32 bytes');
  }
}

// s·G; the identity (zeros) when s ≡ 0.
export function scalarMultBase(s: Uint8Array): Uint8Array {
  need32(s);
  try {
    return sodium().crypto_scalarmult_ristretto255_base(s);
  } catch {
    return new Uint8Array(32);
  }
}

// s·P; the identity (zeros) when the product is the identity (or P does not decode).
export function scalarMult(s: Uint8Array, p: Uint8Array): Uint8Array {
  need32(s, p);
  try {
    return sodium().crypto_scalarmult_ristretto255(s, p);
  } catch {
    return new Uint8Array(32);
  }
}

// a + b; the identity (zeros) if an input does not decode (callers validate inputs).
export function pointAdd(a: Uint8Array, b: Uint8Array): Uint8Array {
  need32(a, b);
  try {
    return sodium().crypto_core_ristretto255_add(a, b);
  } catch {
    return new Uint8Array(32);
  }
}

export function scalarAdd(a: Uint8Array, b: Uint8Array): Uint8Array {
  return sodium().crypto_core_ristretto255_scalar_add(a, b);
}

export function scalarSub(a: Uint8Array, b: Uint8Array): Uint8Array {
  return sodium().crypto_core_ristretto255_scalar_sub(a, b);
}

export function scalarMul(a: Uint8Array, b: Uint8Array): Uint8Array {
  return sodium().crypto_core_ristretto255_scalar_mul(a, b);
}

// True iff the secret x is canonical (< l) and non-zero, compared with sodium's memcmp.
export function isCanonicalNonZeroSecret(x: Uint8Array): boolean {
  if (x.length !== 32) return false;
  const s = sodium();
  const wide = new Uint8Array(64);
  wide.set(x);
  const reduced = s.crypto_core_ristretto255_scalar_reduce(wide);
  const canonical = s.memcmp(reduced, x);
  const zero = s.is_zero(x);
  s.memzero(wide);
  s.memzero(reduced);
  return canonical && !zero;
}

// P = x·G for a secret x. REQUIRES: x canonical and non-zero.
export function publicFromSecret(x: Uint8Array): Uint8Array {
  return scalarMultBase(x);
}

// x·P for a secret x (the linking tag I = x·T). REQUIRES: P valid.
export function secretScalarMult(x: Uint8Array, p: Uint8Array): Uint8Array {
  return scalarMult(x, p);
}
