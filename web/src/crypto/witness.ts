// Witness cosignatures of the log's tree heads (docs/PROTOCOL.md "Witnesses"): C2SP's
// `tlog-cosignature` v1 over a checkpoint body that this log derives from a tree head,
//
//   cosignature/v1
//   time <timestamp>
//   candor-log-v1/<64 hex: the log's public key>
//   <tree_size, decimal>
//   <root, standard base64 with padding>
//
// each line ending in "\n", signed with Ed25519 by the witness. A witness promises that it
// never cosigned two inconsistent heads of one log key, so a client that requires k
// cosignatures from witnesses it trusts sees a fork only if k witnesses were fooled too.
// JSON form (in checkpoints and letter bundles):
//   {"witness": "<64 hex Ed25519 key>", "timestamp": 1790000000, "signature": "<128 hex>"}
import { bytesEqual, toHex } from './bytes.js';
import { CandorError, invalidArgument, verificationFailed } from './errors.js';
import { ed25519Sign, ed25519Verify } from './ed25519.js';
import { hexField, onlyFields, u64Field, type JsonInput, type JsonValue } from './json.js';
import type { TreeHead } from './tree_head.js';

export interface WitnessCosignature {
  witness: Uint8Array; // the witness's Ed25519 public key, 32 bytes
  timestamp: bigint; // the witness's clock when it cosigned, seconds since the Unix epoch
  signature: Uint8Array; // Ed25519, 64 bytes
}

// The checkpoint origin line: names the log by its key, so that a cosignature for one log
// says nothing about another.
export function checkpointOrigin(logKey: Uint8Array): string {
  return `candor-log-v1/${toHex(logKey)}`;
}

function base64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s); // standard alphabet, with padding
}

// The bytes a witness signs for `head` of the log with key `logKey` at `timestamp`.
export function witnessCosignedMessage(logKey: Uint8Array, head: TreeHead, timestamp: bigint): Uint8Array {
  if (logKey.length !== 32 || head.root.length !== 32) {
    throw invalidArgument('a cosigned checkpoint needs a 32-byte log key and root');
  }
  const text =
    'cosignature/v1\n' +
    `time ${timestamp}\n` +
    `${checkpointOrigin(logKey)}\n` +
    `${head.size}\n` +
    `${base64(head.root)}\n`;
  return new TextEncoder().encode(text); // ASCII only
}

// Cosigns as a witness would (for tests and tools; witnesses run `candor witness`).
export function cosignTreeHead(
  logKey: Uint8Array,
  head: TreeHead,
  timestamp: bigint,
  witness: { publicKey: Uint8Array; secretKey: Uint8Array },
): WitnessCosignature {
  return {
    witness: witness.publicKey.slice(),
    timestamp,
    signature: ed25519Sign(witnessCosignedMessage(logKey, head, timestamp), witness.secretKey),
  };
}

// Returns when `c` is a valid cosignature of `head` of the log `logKey` by `c.witness`;
// 'verification failed' otherwise. Whether the witness is one the caller trusts is the
// caller's question (countWitnessCosignatures).
export function verifyWitnessCosignature(c: WitnessCosignature, logKey: Uint8Array, head: TreeHead): void {
  try {
    ed25519Verify(witnessCosignedMessage(logKey, head, c.timestamp), c.signature, c.witness);
  } catch (e) {
    if (e instanceof CandorError) {
      throw verificationFailed(`the cosignature of witness ${toHex(c.witness)} does not verify`);
    }
    throw e;
  }
}

// How many of `witnessKeys` (each counted once) made a valid cosignature of `head` among
// `cosignatures`. Cosignatures of other witnesses, and ones that do not verify, count for
// nothing: a witness the client does not trust proves nothing, and a bad signature is not a
// cosignature.
export function countWitnessCosignatures(
  cosignatures: readonly WitnessCosignature[],
  logKey: Uint8Array,
  head: TreeHead,
  witnessKeys: readonly Uint8Array[],
): number {
  const counted = new Set<string>();
  for (const c of cosignatures) {
    const id = toHex(c.witness);
    if (counted.has(id) || !witnessKeys.some((k) => bytesEqual(k, c.witness))) continue;
    try {
      verifyWitnessCosignature(c, logKey, head);
    } catch (e) {
      if (e instanceof CandorError) continue;
      throw e;
    }
    counted.add(id);
  }
  return counted.size;
}

// The witness keys, without repeats, and the threshold they must reach: `threshold` when
// given, else all of them. 'invalid argument' for a threshold of 0 or above the key count,
// or a key that is not 32 bytes.
export function witnessPolicy(
  witnessKeys: readonly Uint8Array[],
  threshold?: number,
): { keys: Uint8Array[]; threshold: number } {
  const keys: Uint8Array[] = [];
  for (const k of witnessKeys) {
    if (k.length !== 32) throw invalidArgument('a witness key must be 32 bytes (64 hex characters)');
    if (!keys.some((x) => bytesEqual(x, k))) keys.push(k);
  }
  const k = threshold ?? keys.length;
  if (!Number.isSafeInteger(k) || k < 1 || k > keys.length) {
    throw invalidArgument(`the witness threshold must be between 1 and the number of witnesses (${keys.length})`);
  }
  return { keys, threshold: k };
}

// The strict JSON reader: exactly the three members, hex of the right length, an unsigned
// integer timestamp. 'invalid argument'.
export function witnessCosignatureFromJson(j: JsonValue, what = 'a cosignature'): WitnessCosignature {
  const o = onlyFields(j, what, ['witness', 'timestamp', 'signature']);
  return {
    witness: hexField(o, what, 'witness', 32),
    timestamp: u64Field(o, what, 'timestamp'),
    signature: hexField(o, what, 'signature', 64),
  };
}

export function witnessCosignatureToJson(c: WitnessCosignature): JsonInput {
  return { witness: toHex(c.witness), timestamp: c.timestamp, signature: toHex(c.signature) };
}
