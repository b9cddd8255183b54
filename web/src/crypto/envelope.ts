// Cable envelopes `candor-env-v1` (CRYPTO.md "Cable envelopes"; docs/FORMATS.md "Envelope";
// src/crypto/envelope.h, whose rules and draw order this file follows).
//
//   const env = sealEnvelope(header, body, reviewerKeys);        // systemRng
//   const stored = encodeEnvelope(env);
//   const digest = cableDigest(header, env.ciphertext);          // what the author signs
//   const body2 = openEnvelope(header, decodeEnvelope(stored), myBoxKeys);
//
//   ct   = crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, ad = header, N, k)
//   wrap = crypto_box_seal(k, pk_i)     (80 bytes, one per recipient, in recipient order)
//
// Encoding: "CANDORE1" (8) || N (24) || u32le n || n × wrap (80) || u64le len(ct) || ct.
// The envelope does not commit to its author or to one body for all reviewers: read the
// limits in src/crypto/envelope.h before relying on more.
import {
  bytesEqual,
  compareBytes,
  concatBytes,
  readU32le,
  readU64le,
  u32le,
  u64le,
  utf8,
} from './bytes.js';
import { CandorError, invalidArgument, verificationFailed } from './errors.js';
import { boxPublicFromSecret, isValidBoxPublicKey, type BoxKeyPair } from './keys.js';
import { systemRng, type Rng } from './rng.js';
import { sodium, wipe } from './sodium.js';
import { h256 } from './transcript.js';

export const ENVELOPE_SCHEME = 'candor-env-v1';
export const ENVELOPE_NONCE_SIZE = 24;
export const ENVELOPE_TAG_SIZE = 16;
export const WRAPPED_KEY_SIZE = 80;
export const MAX_ENVELOPE_RECIPIENTS = 1024;
export const MAX_ENVELOPE_PLAINTEXT = 64 * 1024 * 1024;
export const MAX_ENVELOPE_CIPHERTEXT = MAX_ENVELOPE_PLAINTEXT + ENVELOPE_TAG_SIZE;

const MAGIC = utf8('CANDORE1');
const COUNT_OFFSET = 32;
const WRAPS_OFFSET = 36;

// An encrypted cable body. A plain value: whether it opens is decided by openEnvelope.
export interface Envelope {
  nonce: Uint8Array; // N, 24 bytes
  ciphertext: Uint8Array; // ct, including its 16-byte tag
  wrappedKeys: Uint8Array[]; // wrappedKeys[i] is for recipients[i] of the seal, 80 bytes each
}

function malformed(what: string): CandorError {
  return invalidArgument(`malformed candor-env-v1 envelope: ${what}`);
}

// The storage encoding. REQUIRES: sizes within the bounds (true for sealEnvelope and
// decodeEnvelope output).
export function encodeEnvelope(env: Envelope): Uint8Array {
  return concatBytes(
    MAGIC,
    env.nonce,
    u32le(env.wrappedKeys.length),
    ...env.wrappedKeys,
    u64le(env.ciphertext.length),
    env.ciphertext,
  );
}

// Parses exactly one encoding ('invalid argument' for a wrong magic, a count outside
// 1..1024, a ciphertext length outside 16..64 MiB + 16, truncation, or trailing bytes).
// Checks nothing cryptographic.
export function decodeEnvelope(bytes: Uint8Array): Envelope {
  if (bytes.length < WRAPS_OFFSET) {
    throw malformed(`${bytes.length} bytes is shorter than its fixed header`);
  }
  if (!bytesEqual(bytes.subarray(0, 8), MAGIC)) {
    throw malformed('it does not start with "CANDORE1"');
  }
  const nonce = bytes.slice(8, 8 + ENVELOPE_NONCE_SIZE);
  const count = readU32le(bytes, COUNT_OFFSET);
  if (count === 0 || count > MAX_ENVELOPE_RECIPIENTS) {
    throw malformed(`recipient count ${count} is not in 1..${MAX_ENVELOPE_RECIPIENTS}`);
  }
  let pos = WRAPS_OFFSET;
  if (bytes.length - pos < count * WRAPPED_KEY_SIZE + 8) {
    throw malformed(`truncated in its wrapped keys (${count} declared)`);
  }
  const wrappedKeys: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    wrappedKeys.push(bytes.slice(pos, pos + WRAPPED_KEY_SIZE));
    pos += WRAPPED_KEY_SIZE;
  }
  const len = readU64le(bytes, pos);
  pos += 8;
  if (len < BigInt(ENVELOPE_TAG_SIZE) || len > BigInt(MAX_ENVELOPE_CIPHERTEXT)) {
    throw malformed(
      `ciphertext length ${len} is not in ${ENVELOPE_TAG_SIZE}..${MAX_ENVELOPE_CIPHERTEXT}`,
    );
  }
  const rest = bytes.length - pos;
  const n = Number(len);
  if (rest < n) throw malformed('truncated in its ciphertext');
  if (rest > n) throw malformed(`${rest - n} trailing bytes`);
  return { nonce, ciphertext: bytes.slice(pos), wrappedKeys };
}

// crypto_box_seal(k, pk) built from its parts so that the ephemeral secret comes from `rng`
// (what libsodium's crypto_box_seal does with crypto_box_keypair):
//   esk random; epk = X25519(esk, 9); nonce = BLAKE2b-192(epk || pk)
//   wrap = epk || crypto_box_easy(k, nonce, pk, esk)
// null when pk is a small-order point (crypto_box_easy refuses the all-zero shared secret).
function wrapKey(k: Uint8Array, pk: Uint8Array, rng: Rng): Uint8Array | null {
  const s = sodium();
  const esk = rng.fill(32);
  try {
    const epk = boxPublicFromSecret(esk);
    const nonce = s.crypto_generichash(24, concatBytes(epk, pk), null);
    let boxed: Uint8Array;
    try {
      boxed = s.crypto_box_easy(k, nonce, pk, esk);
    } catch {
      return null;
    }
    return concatBytes(epk, boxed);
  } finally {
    wipe(esk);
  }
}

// Encrypts `plaintext` under `header` for `recipients` (X25519 public keys).
// Randomness, in this order: k (32 bytes), N (24 bytes), then one ephemeral X25519 secret
// (32 bytes) per recipient, so a SeededRng reproduces the C++ core's envelope exactly.
// 'invalid argument' for no or more than 1024 recipients, a repeated or small-order key, or
// a plaintext over 64 MiB.
export function sealEnvelope(
  header: Uint8Array,
  plaintext: Uint8Array,
  recipients: readonly Uint8Array[],
  rng: Rng = systemRng,
): Envelope {
  if (recipients.length === 0) throw invalidArgument('an envelope needs at least one recipient');
  if (recipients.length > MAX_ENVELOPE_RECIPIENTS) {
    throw invalidArgument(
      `${recipients.length} recipients; an envelope may have at most ${MAX_ENVELOPE_RECIPIENTS}`,
    );
  }
  if (plaintext.length > MAX_ENVELOPE_PLAINTEXT) {
    throw invalidArgument(
      `the plaintext is ${plaintext.length} bytes; an envelope holds at most ${MAX_ENVELOPE_PLAINTEXT}`,
    );
  }
  recipients.forEach((pk, i) => {
    if (pk.length !== 32) throw invalidArgument(`recipient ${i}'s public key must be 32 bytes`);
    if (!isValidBoxPublicKey(pk)) {
      throw invalidArgument(
        `recipient ${i}'s public key is not a valid X25519 key (a non-canonical encoding, or a ` +
          'small-order point with no shared secret)',
      );
    }
  });
  const order = recipients.map((_, i) => i);
  order.sort((a, b) => compareBytes(recipients[a]!, recipients[b]!) || a - b);
  for (let i = 1; i < order.length; i++) {
    if (bytesEqual(recipients[order[i - 1]!]!, recipients[order[i]!]!)) {
      throw invalidArgument(
        `recipients ${order[i - 1]} and ${order[i]} are the same public key`,
      );
    }
  }

  const k = rng.fill(32);
  try {
    const nonce = rng.fill(ENVELOPE_NONCE_SIZE);
    const wrappedKeys: Uint8Array[] = [];
    for (let i = 0; i < recipients.length; i++) {
      const w = wrapKey(k, recipients[i]!, rng);
      if (w === null) {
        throw invalidArgument(
          `recipient ${i}'s public key is a small-order X25519 point (no shared secret)`,
        );
      }
      wrappedKeys.push(w);
    }
    const ciphertext = sodium().crypto_aead_xchacha20poly1305_ietf_encrypt(
      plaintext,
      header.length === 0 ? null : header,
      null,
      nonce,
      k,
    );
    return { nonce, ciphertext, wrappedKeys };
  } finally {
    wipe(k);
  }
}

// Decrypts `envelope` as `recipient`: the first wrap that crypto_box_seal_open opens gives
// k, then the ciphertext is authenticated with `header` and decrypted.
// Errors: 'permission denied' when no wrap opens (not a recipient, a mismatched key pair, or
// a damaged wrap); 'verification failed' when a wrap opens but the ciphertext does not
// authenticate; 'invalid argument' for an envelope outside the bounds decodeEnvelope
// enforces. No plaintext is returned unless the whole ciphertext authenticated.
export function openEnvelope(
  header: Uint8Array,
  envelope: Envelope,
  recipient: BoxKeyPair,
): Uint8Array {
  const s = sodium();
  if (envelope.wrappedKeys.length === 0 || envelope.wrappedKeys.length > MAX_ENVELOPE_RECIPIENTS) {
    throw invalidArgument(
      `an envelope has 1..${MAX_ENVELOPE_RECIPIENTS} wrapped keys, this one ${envelope.wrappedKeys.length}`,
    );
  }
  if (
    envelope.ciphertext.length < ENVELOPE_TAG_SIZE ||
    envelope.ciphertext.length > MAX_ENVELOPE_CIPHERTEXT
  ) {
    throw invalidArgument(
      `the envelope's ciphertext length ${envelope.ciphertext.length} is out of range`,
    );
  }
  if (envelope.nonce.length !== ENVELOPE_NONCE_SIZE) {
    throw invalidArgument('the envelope nonce must be 24 bytes');
  }
  let k: Uint8Array | null = null;
  if (recipient.publicKey.length === 32 && recipient.secret.length === 32) {
    for (const w of envelope.wrappedKeys) {
      if (w.length !== WRAPPED_KEY_SIZE) continue;
      try {
        k = s.crypto_box_seal_open(w, recipient.publicKey, recipient.secret);
        break;
      } catch {
        // not ours; try the next one
      }
    }
  }
  if (k === null || k.length !== 32) {
    if (k !== null) wipe(k);
    throw new CandorError(
      'permission denied',
      'not a recipient: no wrapped key in this envelope opens with this key pair',
    );
  }
  try {
    return s.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      envelope.ciphertext,
      header.length === 0 ? null : header,
      envelope.nonce,
      k,
    );
  } catch {
    throw verificationFailed(
      'the envelope does not authenticate: its header, nonce or ciphertext was changed, or ' +
        'its wrapped key belongs to another envelope',
    );
  } finally {
    wipe(k);
  }
}

// Wraps the content key of `envelope` for one more recipient `to` (RewrapEnvelopeKey in
// src/crypto/envelope.h): opens the envelope as `me` first, exactly as openEnvelope does, so a
// key that does not authenticate the body under `header` is never passed on, then seals the
// content key to `to` as sealEnvelope wraps it (one ephemeral X25519 secret from `rng`).
// Throws openEnvelope's errors for `me`; 'invalid argument' for a small-order `to`.
export function rewrapEnvelopeKey(header: Uint8Array, envelope: Envelope, me: BoxKeyPair, to: Uint8Array, rng: Rng): Uint8Array {
  wipe(openEnvelope(header, envelope, me));
  const s = sodium();
  let k: Uint8Array | null = null;
  for (const w of envelope.wrappedKeys) {
    try {
      k = s.crypto_box_seal_open(w, me.publicKey, me.secret);
      break;
    } catch {
      // not ours; try the next one
    }
  }
  if (k === null) {
    throw new CandorError('permission denied', 'not a recipient: no wrapped key in this envelope opens with this key pair');
  }
  try {
    const wrap = wrapKey(k, to, rng);
    if (wrap === null) throw invalidArgument("the new recipient's key is a point of small order: no shared secret");
    return wrap;
  } finally {
    wipe(k);
  }
}

// H256("candor/v1/cable", header, ct): what a named author signs with Ed25519 and an
// anonymous author signs as `m` with candor-lrs-v1.
export function cableDigest(header: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  return h256('candor/v1/cable', header, ciphertext);
}
