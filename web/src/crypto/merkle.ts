// RFC 9162 §2.1 Merkle tree hashing and proof verification (candor-log-v1; src/log/rfc9162.h
// and src/log/verify.h, step by step, with the same edge cases).
//
//   leaf hash  SHA-256(0x00 || entry)      interior  SHA-256(0x01 || left || right)
//
// Sizes and indices are u64 (bigint; numbers are accepted and converted). A proof binds the
// tree size only through the root, so a size must come with a trusted root (a verified
// signed tree head, tree_head.ts). Each check costs at most ~64 hashes: a proof whose length
// differs from the one its sizes imply is refused before any hashing.
// Errors: 'invalid argument' for an index ≥ size or old size > new size; 'verification
// failed' for everything else.
import { bytesEqual, toU64 } from './bytes.js';
import { invalidArgument, verificationFailed } from './errors.js';
import { sha256 } from './transcript.js';

export type Hash = Uint8Array; // 32 bytes

// MTH({}) = SHA-256() — the root of the empty tree.
export function emptyRoot(): Hash {
  return sha256(new Uint8Array(0));
}

// SHA-256(0x00 || entry).
export function hashLeaf(entry: Uint8Array): Hash {
  const buf = new Uint8Array(entry.length + 1);
  buf.set(entry, 1);
  return sha256(buf);
}

// SHA-256(0x01 || left || right).
export function hashChildren(left: Hash, right: Hash): Hash {
  const buf = new Uint8Array(65);
  buf[0] = 1;
  buf.set(left, 1);
  buf.set(right, 33);
  return sha256(buf);
}

function bitWidth(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

function popcount(n: bigint): number {
  let c = 0;
  for (const ch of n.toString(2)) if (ch === '1') c++;
  return c;
}

function countrZero(n: bigint): number {
  if (n === 0n) return 64;
  let c = 0;
  while ((n & 1n) === 0n) {
    n >>= 1n;
    c++;
  }
  return c;
}

function hasSingleBit(n: bigint): boolean {
  return n !== 0n && (n & (n - 1n)) === 0n;
}

// Inclusion path length of leaf `index` in a tree of `size` leaves (0 <= index < size).
function inclusionPathLength(index: bigint, size: bigint): number {
  const inner = bitWidth(index ^ (size - 1n));
  const border = inner >= 64 ? 0 : popcount(index >> BigInt(inner));
  return inner + border;
}

// Consistency path length for 0 < size1 < size2.
function consistencyPathLength(size1: bigint, size2: bigint): number {
  const inner = bitWidth((size1 - 1n) ^ (size2 - 1n));
  const border = inner >= 64 ? 0 : popcount((size1 - 1n) >> BigInt(inner));
  const shift = countrZero(size1);
  const seed = hasSingleBit(size1) ? 0 : 1;
  return seed + (inner - shift) + border;
}

function wrongLength(what: string, got: number, want: number): Error {
  return verificationFailed(`${what} has ${got} hashes, its sizes require ${want}`);
}

function checkHashes(proof: readonly Hash[]): void {
  for (const h of proof) {
    if (h.length !== 32) throw invalidArgument('a proof hash must be 32 bytes');
  }
}

// The root that `proof` (RFC 9162 inclusion_path, bottom-up) leads to from `leafHash` at
// `index` in a tree of `size` leaves. Proves nothing by itself: compare with a trusted root.
export function rootFromInclusionProof(
  index: bigint | number,
  size: bigint | number,
  leafHash: Hash,
  proof: readonly Hash[],
): Hash {
  const idx = toU64(index);
  const sz = toU64(size);
  if (idx >= sz) {
    throw invalidArgument(`leaf index ${idx} is not below the tree size ${sz}`);
  }
  checkHashes(proof);
  const want = inclusionPathLength(idx, sz);
  if (proof.length !== want) throw wrongLength('inclusion proof', proof.length, want);
  let fn = idx;
  let sn = sz - 1n;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0n) throw verificationFailed('inclusion proof is too long');
    if ((fn & 1n) !== 0n || fn === sn) {
      r = hashChildren(p, r);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      r = hashChildren(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) throw verificationFailed('inclusion proof is too short');
  return r;
}

// Returns when `proof` shows that `leafHash` is leaf `index` of the tree of `size` leaves with
// root `root`; throws otherwise.
export function verifyInclusion(
  index: bigint | number,
  size: bigint | number,
  leafHash: Hash,
  proof: readonly Hash[],
  root: Hash,
): void {
  const computed = rootFromInclusionProof(index, size, leafHash, proof);
  if (!bytesEqual(computed, root)) {
    throw verificationFailed('inclusion proof does not lead to the root');
  }
}

// Returns when `proof` shows that the tree of `size1` leaves with root `root1` is a prefix of
// the tree of `size2` leaves with root `root2` (VerifyConsistency, every edge case included).
export function verifyConsistency(
  size1: bigint | number,
  size2: bigint | number,
  root1: Hash,
  root2: Hash,
  proof: readonly Hash[],
): void {
  const s1 = toU64(size1);
  const s2 = toU64(size2);
  if (s1 > s2) {
    throw invalidArgument(`old tree size ${s1} is larger than the new tree size ${s2}`);
  }
  checkHashes(proof);
  if (s1 === 0n && !bytesEqual(root1, emptyRoot())) {
    throw verificationFailed('a tree of size 0 has the root MTH({}) only');
  }
  if (s1 === s2) {
    if (proof.length !== 0) throw wrongLength('consistency proof', proof.length, 0);
    if (!bytesEqual(root1, root2)) throw verificationFailed('equal tree sizes with different roots');
    return;
  }
  if (s1 === 0n) {
    if (proof.length !== 0) throw wrongLength('consistency proof', proof.length, 0);
    return;
  }
  const want = consistencyPathLength(s1, s2);
  if (proof.length !== want) throw wrongLength('consistency proof', proof.length, want);
  if (proof.length === 0) throw verificationFailed('empty consistency proof');
  const prependRoot1 = hasSingleBit(s1);
  const start = prependRoot1 ? root1 : proof[0]!;
  const rest = prependRoot1 ? proof : proof.slice(1);
  let fn = s1 - 1n;
  let sn = s2 - 1n;
  while ((fn & 1n) !== 0n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr = start;
  let sr = start;
  for (const c of rest) {
    if (sn === 0n) throw verificationFailed('consistency proof is too long');
    if ((fn & 1n) !== 0n || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) throw verificationFailed('consistency proof is too short');
  if (!bytesEqual(fr, root1)) throw verificationFailed('consistency proof does not lead to the old root');
  if (!bytesEqual(sr, root2)) throw verificationFailed('consistency proof does not lead to the new root');
}
