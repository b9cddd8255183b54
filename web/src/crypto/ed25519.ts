// Ed25519 signatures (libsodium crypto_sign_*; src/crypto/ed25519.h): the log's signed tree
// heads and named cable authors.
import { verificationFailed } from './errors.js';
import { systemRng, type Rng } from './rng.js';
import { sodium, wipe } from './sodium.js';

export interface SignKeyPair {
  publicKey: Uint8Array; // 32 bytes
  secretKey: Uint8Array; // libsodium's 64-byte seed || public key
}

// A fresh key pair from a 32-byte seed drawn from `rng` (crypto_sign_seed_keypair).
export function generateSignKeyPair(rng: Rng = systemRng): SignKeyPair {
  const seed = rng.fill(32);
  try {
    const kp = sodium().crypto_sign_seed_keypair(seed);
    return { publicKey: kp.publicKey, secretKey: kp.privateKey };
  } finally {
    wipe(seed);
  }
}

// The 64-byte detached signature of `message`.
export function ed25519Sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  return sodium().crypto_sign_detached(message, secretKey);
}

// Returns nothing when `signature` is valid for `message` under `publicKey`; otherwise throws
// 'verification failed' (also for wrong lengths).
export function ed25519Verify(
  message: Uint8Array,
  signature: Uint8Array,
  publicKey: Uint8Array,
): void {
  let ok = false;
  if (signature.length === 64 && publicKey.length === 32) {
    try {
      ok = sodium().crypto_sign_verify_detached(signature, message, publicKey);
    } catch {
      ok = false;
    }
  }
  if (!ok) throw verificationFailed('Ed25519 signature does not verify');
}
