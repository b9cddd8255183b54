// Transcripts and the hashes built on them (CRYPTO.md "Notation and encodings";
// src/crypto/transcript.h):
//
//   tr(label, p1, …, pk) = u64le(len(label)) || label || u64le(len(p1)) || p1 || …
//   Hs   = crypto_core_ristretto255_scalar_reduce(SHA-512(tr(…)))   hash to scalar
//   Hp   = crypto_core_ristretto255_from_hash(SHA-512(tr(…)))       hash to point
//   H256 = SHA-256(tr(…))
//
// Labels are ASCII strings such as "candor/v1/ring"; parts are bytes.
import { invalidArgument } from './errors.js';
import { readU64le, u64le, utf8 } from './bytes.js';
import { sodium } from './sodium.js';

// tr(label, parts…) as bytes.
export function tr(label: string, ...parts: Uint8Array[]): Uint8Array {
  return trBytes(utf8(label), parts);
}

// tr with a label given as bytes (for decoders that re-encode what they read).
export function trBytes(label: Uint8Array, parts: readonly Uint8Array[]): Uint8Array {
  let n = 8 + label.length;
  for (const p of parts) n += 8 + p.length;
  const out = new Uint8Array(n);
  let pos = 0;
  const put = (p: Uint8Array) => {
    out.set(u64le(p.length), pos);
    out.set(p, pos + 8);
    pos += 8 + p.length;
  };
  put(label);
  for (const p of parts) put(p);
  return out;
}

export function sha256(data: Uint8Array): Uint8Array {
  return sodium().crypto_hash_sha256(data);
}

export function sha512(data: Uint8Array): Uint8Array {
  return sodium().crypto_hash_sha512(data);
}

// H256(label, parts…) = SHA-256(tr(label, parts…)).
export function h256(label: string, ...parts: Uint8Array[]): Uint8Array {
  return sha256(tr(label, ...parts));
}

// Hs(label, parts…): a scalar mod l (canonical, possibly zero).
export function hs(label: string, ...parts: Uint8Array[]): Uint8Array {
  return reduceWide(sha512(tr(label, ...parts)));
}

// Hp(label, parts…): a ristretto255 point (crypto_core_ristretto255_from_hash).
export function hp(label: string, ...parts: Uint8Array[]): Uint8Array {
  return sodium().crypto_core_ristretto255_from_hash(sha512(tr(label, ...parts)));
}

// crypto_core_ristretto255_scalar_reduce of 64 bytes.
export function reduceWide(wide: Uint8Array): Uint8Array {
  return sodium().crypto_core_ristretto255_scalar_reduce(wide);
}

// Splits tr(label, p_1, …) back into [label, p_1, …] (views into `data`), like
// SplitTranscript: 'invalid argument' on a truncated length or part, or when there would be
// more than `maxParts` parts (checked before any further part is read).
export function splitTranscript(data: Uint8Array, maxParts: number): Uint8Array[] {
  const parts: Uint8Array[] = [];
  let pos = 0;
  while (pos < data.length) {
    if (parts.length === maxParts) throw invalidArgument(`more than ${maxParts} transcript parts`);
    if (data.length - pos < 8) throw invalidArgument('truncated (in a length)');
    const len = readU64le(data, pos);
    pos += 8;
    if (len > BigInt(data.length - pos)) throw invalidArgument('truncated (in a part)');
    const n = Number(len);
    parts.push(data.subarray(pos, pos + n));
    pos += n;
  }
  return parts;
}
