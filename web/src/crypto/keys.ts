// A member's key pairs (CRYPTO.md "Member keys"; src/crypto/keys.h).
//
//   ring key:   secret scalar x (never zero), public P = x·G (ristretto255)
//   reply key:  X25519 pair; with systemRng exactly what crypto_box_keypair makes
//
// Secrets are plain Uint8Arrays here: wipe them (wipeMemberKeys) as soon as they are no
// longer needed, and never store them outside a key file (keyfile.ts).
import { invalidArgument } from './errors.js';
import { sodium, wipe } from './sodium.js';
import { h256 } from './transcript.js';
import { publicFromSecret } from './ristretto.js';
import { systemRng, type Rng } from './rng.js';

export interface RingKeyPair {
  publicKey: Uint8Array; // P = x·G
  secret: Uint8Array; // x
}

export interface BoxKeyPair {
  publicKey: Uint8Array; // X25519 public key
  secret: Uint8Array; // X25519 secret key
}

// Everything a member's device holds.
export interface MemberKeys {
  ring: RingKeyPair;
  box: BoxKeyPair;
}

// x from rng.randomScalar() (with systemRng: crypto_core_ristretto255_scalar_random).
export function generateRingKeyPair(rng: Rng = systemRng): RingKeyPair {
  const secret = rng.randomScalar();
  return { publicKey: publicFromSecret(secret), secret };
}

// 32 random bytes as the X25519 secret and crypto_scalarmult_base for the public key.
export function generateBoxKeyPair(rng: Rng = systemRng): BoxKeyPair {
  const secret = rng.fill(32);
  return { publicKey: boxPublicFromSecret(secret), secret };
}

// The ring pair first, then the box pair (the C++ draw order, so seeded keys agree).
export function generateMemberKeys(rng: Rng = systemRng): MemberKeys {
  const ring = generateRingKeyPair(rng);
  const box = generateBoxKeyPair(rng);
  return { ring, box };
}

export function ringPublicFromSecret(x: Uint8Array): Uint8Array {
  return publicFromSecret(x);
}

export function boxPublicFromSecret(secret: Uint8Array): Uint8Array {
  return sodium().crypto_scalarmult_base(secret);
}

// True iff `pk` is an X25519 public key Candor accepts from outside (IsValidBoxPublicKey in
// src/crypto/keys.h): 32 bytes, the canonical encoding (u < 2^255 - 19, bit 255 clear: X25519
// ignores the bit and reduces mod p, so one key has several encodings) and not of small order.
export function isValidBoxPublicKey(pk: Uint8Array): boolean {
  if (pk.length !== 32 || (pk[31]! & 0x80) !== 0) return false;
  let top = pk[31] === 0x7f;
  for (let i = 1; i < 31 && top; i++) top = pk[i] === 0xff;
  if (top && pk[0]! >= 0xed) return false;
  try {
    // libsodium refuses a small-order input (and an all-zero result) with an exception.
    sodium().crypto_scalarmult(new Uint8Array(32).fill(0x5a), pk);
    return true;
  } catch {
    return false;
  }
}

// A proof that the holder of `prover` knows its secret (ProveBoxKeyPossession in
// src/crypto/keys.h): H256("candor/v1/box-possession", context, prover_public, verifier_public,
// X25519(prover_secret, verifier_public)). 'invalid argument' for a key that is not valid.
export function proveBoxKeyPossession(context: Uint8Array, prover: BoxKeyPair, verifierPublic: Uint8Array): Uint8Array {
  if (!isValidBoxPublicKey(prover.publicKey) || !isValidBoxPublicKey(verifierPublic)) {
    throw invalidArgument('not a valid X25519 key (a non-canonical encoding, or of small order)');
  }
  const dh = sodium().crypto_scalarmult(prover.secret, verifierPublic);
  try {
    return h256('candor/v1/box-possession', context, prover.publicKey, verifierPublic, dh);
  } finally {
    wipe(dh);
  }
}

// Overwrites both secrets with zeros.
export function wipeMemberKeys(keys: MemberKeys): void {
  wipe(keys.ring.secret, keys.box.secret);
}
