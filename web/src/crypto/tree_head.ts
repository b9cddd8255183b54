// Signed tree heads of candor-log-v1 (CRYPTO.md "Transparency log"; src/log/tree_head.h):
//
//   sth_message = tr("candor/v1/sth", u64le(tree_size), root_hash, u64le(timestamp_ms))
//
// signed with Ed25519 by the log's key. JSON form (docs/PROTOCOL.md "Signed tree heads"):
//   {"tree_size": 13, "root": hex, "timestamp_ms": 1790000000000, "signature": hex}
import { toHex, u64le } from './bytes.js';
import { CandorError, verificationFailed } from './errors.js';
import { ed25519Sign, ed25519Verify } from './ed25519.js';
import { hexField, onlyFields, u64Field, type JsonValue } from './json.js';
import { tr } from './transcript.js';

// What the log asserts at a moment: its first `size` leaves have the root `root`.
export interface TreeHead {
  size: bigint;
  root: Uint8Array; // 32 bytes
  timestampMs: bigint; // ms since the Unix epoch, from the log's clock
}

export interface SignedTreeHead {
  head: TreeHead;
  signature: Uint8Array; // 64 bytes
}

// The signed bytes.
export function treeHeadMessage(head: TreeHead): Uint8Array {
  return tr('candor/v1/sth', u64le(head.size), head.root, u64le(head.timestampMs));
}

// Signs with the log's Ed25519 secret key (for tests and tools; the server signs).
export function signTreeHead(head: TreeHead, logSecretKey: Uint8Array): SignedTreeHead {
  return { head, signature: ed25519Sign(treeHeadMessage(head), logSecretKey) };
}

// Returns when sth.signature is the log key's signature of the head; 'verification failed'
// otherwise. Says nothing about whether the root is right: check that with proofs.
export function verifySignedTreeHead(sth: SignedTreeHead, logPublicKey: Uint8Array): void {
  try {
    ed25519Verify(treeHeadMessage(sth.head), sth.signature, logPublicKey);
  } catch (e) {
    if (e instanceof CandorError) throw verificationFailed(`signed tree head: ${e.message}`);
    throw e;
  }
}

// The strict JSON reader of a bundle's tree head (every field, nothing else).
export function signedTreeHeadFromJson(j: JsonValue, what = 'the tree head'): SignedTreeHead {
  const o = onlyFields(j, what, ['tree_size', 'root', 'timestamp_ms', 'signature']);
  const size = u64Field(o, what, 'tree_size');
  const root = hexField(o, what, 'root', 32);
  const timestampMs = u64Field(o, what, 'timestamp_ms');
  const signature = hexField(o, what, 'signature', 64);
  return { head: { size, root, timestampMs }, signature };
}

export function signedTreeHeadToJson(sth: SignedTreeHead): {
  tree_size: bigint;
  root: string;
  timestamp_ms: bigint;
  signature: string;
} {
  return {
    tree_size: sth.head.size,
    root: toHex(sth.head.root),
    timestamp_ms: sth.head.timestampMs,
    signature: toHex(sth.signature),
  };
}
