// Member key files: a member's keys at rest under a passphrase (CRYPTO.md "Member keys";
// docs/FORMATS.md "Key file"; src/crypto/keyfile.h). Exactly 208 bytes:
//
//   magic "CANDORK1" (8) || opslimit u64le || memlimit u64le || salt (16) || nonce (24)
//   || ring public key (32) || reply (X25519) public key (32)
//   || XChaCha20-Poly1305(x (32) || reply secret (32), ad = bytes 0..127) with tag (16)
//
// k = crypto_pwhash(32, passphrase, salt, opslimit, memlimit, ALG_ARGON2ID13). New files use
// OPSLIMIT_MODERATE / MEMLIMIT_MODERATE; readers accept [INTERACTIVE, SENSITIVE] for both and
// reject anything else before running Argon2id. A file written here opens with `candor`
// and the other way round.
//
// Argon2id at MODERATE needs 256 MiB and about a second or two of WebAssembly: call these
// from a Web Worker when the page must stay responsive. Errors: 'corrupt data' for a file
// refused before Argon2id (length, magic, settings, ring key), 'unauthenticated' for a wrong
// passphrase or any changed byte, 'invalid argument' for an empty passphrase,
// 'resource exhausted' when Argon2id cannot get its memory.
import {
  bytesEqual,
  concatBytes,
  readU64le,
  toU64,
  u64le,
  utf8,
} from './bytes.js';
import { CandorError, invalidArgument } from './errors.js';
import {
  boxPublicFromSecret,
  generateMemberKeys,
  ringPublicFromSecret,
  type MemberKeys,
} from './keys.js';
import { isCanonicalNonZeroSecret, isValidPoint } from './ristretto.js';
import { systemRng, type Rng } from './rng.js';
import { sodium, wipe } from './sodium.js';

export const KEY_FILE_SIZE = 208;

const MAGIC = utf8('CANDORK1');
const OPS_OFFSET = 8;
const MEM_OFFSET = 16;
const SALT_OFFSET = 24;
const NONCE_OFFSET = 40;
const RING_PUBLIC_OFFSET = 64;
const BOX_PUBLIC_OFFSET = 96;
const HEADER_SIZE = 128;

// libsodium's Argon2id cost constants (crypto_pwhash_*), pinned: they are part of the format.
export const OPSLIMIT_INTERACTIVE = 2;
export const OPSLIMIT_MODERATE = 3;
export const OPSLIMIT_SENSITIVE = 4;
export const MEMLIMIT_INTERACTIVE = 67108864;
export const MEMLIMIT_MODERATE = 268435456;
export const MEMLIMIT_SENSITIVE = 1073741824;

// Argon2id cost. Files are written with kdfModerate() (pinned by CRYPTO.md); tests may use
// kdfInteractive().
export interface KdfParams {
  opslimit: number;
  memlimit: number;
}

export function kdfModerate(): KdfParams {
  return { opslimit: OPSLIMIT_MODERATE, memlimit: MEMLIMIT_MODERATE };
}

export function kdfInteractive(): KdfParams {
  return { opslimit: OPSLIMIT_INTERACTIVE, memlimit: MEMLIMIT_INTERACTIVE };
}

// The public part of a key file, readable without the passphrase.
export interface KeyFileInfo {
  kdf: KdfParams;
  ringPublic: Uint8Array;
  boxPublic: Uint8Array;
}

function kdfInRange(ops: bigint, mem: bigint): boolean {
  return (
    ops >= BigInt(OPSLIMIT_INTERACTIVE) &&
    ops <= BigInt(OPSLIMIT_SENSITIVE) &&
    mem >= BigInt(MEMLIMIT_INTERACTIVE) &&
    mem <= BigInt(MEMLIMIT_SENSITIVE)
  );
}

function passphraseBytes(passphrase: string | Uint8Array): Uint8Array {
  const bytes = typeof passphrase === 'string' ? utf8(passphrase) : passphrase;
  if (bytes.length === 0) throw invalidArgument('the passphrase is empty');
  return bytes;
}

function derive(passphrase: string | Uint8Array, salt: Uint8Array, kdf: KdfParams): Uint8Array {
  const s = sodium();
  const pw = passphraseBytes(passphrase);
  try {
    return s.crypto_pwhash(32, pw, salt, kdf.opslimit, kdf.memlimit, s.crypto_pwhash_ALG_ARGON2ID13);
  } catch {
    throw new CandorError(
      'resource exhausted',
      'not enough memory to derive the key-file key (Argon2id)',
    );
  } finally {
    if (typeof passphrase === 'string') wipe(pw);
  }
}

// Encrypts `keys` under `passphrase` (non-empty) with a fresh salt and nonce from `rng`
// (salt first, then nonce, like the C++ core). 'invalid argument' for an empty passphrase,
// settings out of range, or key pairs whose public halves do not match their secrets.
export function sealKeyFile(
  keys: MemberKeys,
  passphrase: string | Uint8Array,
  kdf: KdfParams = kdfModerate(),
  rng: Rng = systemRng,
): Uint8Array {
  passphraseBytes(passphrase);
  if (
    !Number.isSafeInteger(kdf.opslimit) ||
    !Number.isSafeInteger(kdf.memlimit) ||
    !kdfInRange(BigInt(kdf.opslimit), BigInt(kdf.memlimit))
  ) {
    throw invalidArgument('Argon2id settings out of the accepted range');
  }
  if (
    !isCanonicalNonZeroSecret(keys.ring.secret) ||
    !bytesEqual(ringPublicFromSecret(keys.ring.secret), keys.ring.publicKey) ||
    keys.box.secret.length !== 32 ||
    !bytesEqual(boxPublicFromSecret(keys.box.secret), keys.box.publicKey)
  ) {
    throw invalidArgument('the key pairs are inconsistent');
  }
  const file = new Uint8Array(KEY_FILE_SIZE);
  file.set(MAGIC, 0);
  file.set(u64le(toU64(kdf.opslimit)), OPS_OFFSET);
  file.set(u64le(toU64(kdf.memlimit)), MEM_OFFSET);
  file.set(rng.fill(16), SALT_OFFSET);
  file.set(rng.fill(24), NONCE_OFFSET);
  file.set(keys.ring.publicKey, RING_PUBLIC_OFFSET);
  file.set(keys.box.publicKey, BOX_PUBLIC_OFFSET);

  const key = derive(passphrase, file.subarray(SALT_OFFSET, NONCE_OFFSET), kdf);
  const plain = concatBytes(keys.ring.secret, keys.box.secret);
  try {
    const ct = sodium().crypto_aead_xchacha20poly1305_ietf_encrypt(
      plain,
      file.subarray(0, HEADER_SIZE),
      null,
      file.subarray(NONCE_OFFSET, RING_PUBLIC_OFFSET),
      key,
    );
    file.set(ct, HEADER_SIZE);
  } finally {
    wipe(key, plain);
  }
  return file;
}

// Checks the layout and the Argon2id settings and returns the public part; no KDF runs.
// 'corrupt data' for a wrong size or magic, settings out of range, or an invalid ring key.
export function parseKeyFile(file: Uint8Array): KeyFileInfo {
  if (file.length !== KEY_FILE_SIZE) {
    throw new CandorError(
      'corrupt data',
      `this is not a Candor key file (it is ${file.length} bytes, expected ${KEY_FILE_SIZE})`,
    );
  }
  if (!bytesEqual(file.subarray(0, 8), MAGIC)) {
    throw new CandorError('corrupt data', 'this is not a Candor key file (wrong magic)');
  }
  const ops = readU64le(file, OPS_OFFSET);
  const mem = readU64le(file, MEM_OFFSET);
  if (!kdfInRange(ops, mem)) {
    throw new CandorError(
      'corrupt data',
      "the key file's Argon2id settings are outside the accepted range",
    );
  }
  const ringPublic = file.slice(RING_PUBLIC_OFFSET, BOX_PUBLIC_OFFSET);
  const boxPublic = file.slice(BOX_PUBLIC_OFFSET, HEADER_SIZE);
  if (!isValidPoint(ringPublic)) {
    throw new CandorError('corrupt data', "the key file's ring public key is not a valid point");
  }
  return { kdf: { opslimit: Number(ops), memlimit: Number(mem) }, ringPublic, boxPublic };
}

// Argon2id of `passphrase` with the file's salt and settings: the 32-byte file key (a secret;
// wipe it after use).
export function deriveKeyFileKey(file: Uint8Array, passphrase: string | Uint8Array): Uint8Array {
  const info = parseKeyFile(file);
  return derive(passphrase, file.subarray(SALT_OFFSET, NONCE_OFFSET), info.kdf);
}

// Opens with an already-derived key: authenticates, decrypts and checks that both secrets
// match the public keys in the header ('corrupt data' otherwise, 'unauthenticated' when the
// AEAD fails).
export function openKeyFileWithKey(file: Uint8Array, key: Uint8Array): MemberKeys {
  const info = parseKeyFile(file);
  let plain: Uint8Array;
  try {
    plain = sodium().crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      file.subarray(HEADER_SIZE),
      file.subarray(0, HEADER_SIZE),
      file.subarray(NONCE_OFFSET, RING_PUBLIC_OFFSET),
      key,
    );
  } catch {
    throw new CandorError('unauthenticated', 'wrong passphrase, or the key file is damaged');
  }
  const ringSecret = plain.slice(0, 32);
  const boxSecret = plain.slice(32, 64);
  wipe(plain);
  if (!isCanonicalNonZeroSecret(ringSecret)) {
    wipe(ringSecret, boxSecret);
    throw new CandorError('corrupt data', 'the key file holds an invalid ring secret');
  }
  const ringPublic = ringPublicFromSecret(ringSecret);
  const boxPublic = boxPublicFromSecret(boxSecret);
  if (!bytesEqual(ringPublic, info.ringPublic) || !bytesEqual(boxPublic, info.boxPublic)) {
    wipe(ringSecret, boxSecret);
    throw new CandorError('corrupt data', "the key file's secrets do not match its public keys");
  }
  return {
    ring: { publicKey: ringPublic, secret: ringSecret },
    box: { publicKey: boxPublic, secret: boxSecret },
  };
}

// deriveKeyFileKey + openKeyFileWithKey; the derived key is wiped.
export function openKeyFile(file: Uint8Array, passphrase: string | Uint8Array): MemberKeys {
  const key = deriveKeyFileKey(file, passphrase);
  try {
    return openKeyFileWithKey(file, key);
  } finally {
    wipe(key);
  }
}

// Re-encrypts the same keys under `newPassphrase` with a fresh salt and nonce.
export function changeKeyFilePassphrase(
  file: Uint8Array,
  oldPassphrase: string | Uint8Array,
  newPassphrase: string | Uint8Array,
  kdf: KdfParams = kdfModerate(),
  rng: Rng = systemRng,
): Uint8Array {
  passphraseBytes(newPassphrase);
  const keys = openKeyFile(file, oldPassphrase);
  try {
    return sealKeyFile(keys, newPassphrase, kdf, rng);
  } finally {
    wipe(keys.ring.secret, keys.box.secret);
  }
}

// A fresh member key (ring secret + X25519 reply secret) sealed under `passphrase`: what
// `candor keygen` writes. The secrets never leave this function unencrypted (they are wiped);
// the file and its public keys are returned.
export function createMemberKeyFile(
  passphrase: string | Uint8Array,
  kdf: KdfParams = kdfModerate(),
  rng: Rng = systemRng,
): { file: Uint8Array; ringPublic: Uint8Array; boxPublic: Uint8Array } {
  passphraseBytes(passphrase);
  const keys = generateMemberKeys(rng);
  try {
    const file = sealKeyFile(keys, passphrase, kdf, rng);
    return { file, ringPublic: keys.ring.publicKey.slice(), boxPublic: keys.box.publicKey.slice() };
  } finally {
    wipe(keys.ring.secret, keys.box.secret);
  }
}
