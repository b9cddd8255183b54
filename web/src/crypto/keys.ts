// A member's key pairs (CRYPTO.md "Member keys"; src/crypto/keys.h).
//
//   ring key:   secret scalar x (never zero), public P = x·G (ristretto255)
//   reply key:  X25519 pair; with systemRng exactly what crypto_box_keypair makes
//
// Secrets are plain Uint8Arrays here: wipe them (wipeMemberKeys) as soon as they are no
// longer needed, and never store them outside a key file (keyfile.ts).
import { sodium, wipe } from './sodium.js';
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

// Overwrites both secrets with zeros.
export function wipeMemberKeys(keys: MemberKeys): void {
  wipe(keys.ring.secret, keys.box.secret);
}
