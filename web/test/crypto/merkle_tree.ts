// A plain RFC 9162 §2.1 Merkle tree for tests: MTH, inclusion paths (PATH) and consistency
// proofs (PROOF/SUBPROOF) straight from the RFC's recursive definitions, so that the tests can
// build logs and bundles of their own. Quadratic, and fine for a few thousand leaves.
import { hashChildren, hashLeaf } from '../../src/crypto/merkle.js';
import { sha256 } from '../../src/crypto/transcript.js';

export class TestTree {
  readonly leaves: Uint8Array[] = []; // leaf hashes
  private readonly cache = new Map<string, Uint8Array>();

  append(entry: Uint8Array): number {
    this.leaves.push(hashLeaf(entry));
    return this.leaves.length - 1;
  }

  // MTH(D[lo:hi]).
  root(hi: number = this.leaves.length, lo = 0): Uint8Array {
    const n = hi - lo;
    if (n === 0) return sha256(new Uint8Array(0));
    if (n === 1) return this.leaves[lo]!;
    const key = `${lo}:${hi}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    let k = 1;
    while (k * 2 < n) k *= 2;
    const r = hashChildren(this.root(lo + k, lo), this.root(hi, lo + k));
    this.cache.set(key, r);
    return r;
  }

  // PATH(m, D[lo:hi]).
  inclusion(m: number, hi: number = this.leaves.length, lo = 0): Uint8Array[] {
    const n = hi - lo;
    if (n <= 1) return [];
    let k = 1;
    while (k * 2 < n) k *= 2;
    if (m < k) return [...this.inclusion(m, lo + k, lo), this.root(hi, lo + k)];
    return [...this.inclusion(m - k, hi, lo + k), this.root(lo + k, lo)];
  }

  // PROOF(m, D[0:n]).
  consistency(m: number, n: number = this.leaves.length): Uint8Array[] {
    if (m === 0 || m === n) return [];
    return this.subproof(m, 0, n, true);
  }

  private subproof(m: number, lo: number, hi: number, b: boolean): Uint8Array[] {
    const n = hi - lo;
    if (m === n) return b ? [] : [this.root(hi, lo)];
    let k = 1;
    while (k * 2 < n) k *= 2;
    if (m <= k) return [...this.subproof(m, lo, lo + k, b), this.root(hi, lo + k)];
    return [...this.subproof(m - k, lo + k, hi, false), this.root(lo + k, lo)];
  }
}
