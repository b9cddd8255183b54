// tests/vectors/log.json (candor-log-v1): leaf hashes, roots of every size, inclusion and
// consistency proofs (valid ones verify, tampered ones are refused) and signed tree heads
// (tools/vectors/log_vectors.cc). Plus proofs of a test tree built from the RFC's definitions,
// for every index and pair of sizes.
import { beforeAll, describe, expect, it } from 'vitest';
import { ready } from '../../src/crypto/sodium.js';
import {
  emptyRoot,
  hashLeaf,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from '../../src/crypto/merkle.js';
import { treeHeadMessage, verifySignedTreeHead } from '../../src/crypto/tree_head.js';
import { generateSignKeyPair } from '../../src/crypto/ed25519.js';
import { signTreeHead } from '../../src/crypto/tree_head.js';
import { expectCandorError, hex, loadVectors, toHexString } from './helpers.js';
import { TestTree } from './merkle_tree.js';
import { verifyWitnessCosignature, witnessCosignedMessage } from '../../src/crypto/witness.js';

interface LogVectors {
  entries: string[];
  leaf_hashes: string[];
  roots: { tree_size: number; root: string }[];
  inclusion: {
    index: number;
    tree_size: number;
    leaf_hash: string;
    root: string;
    proof: string[];
    valid: boolean;
    description: string;
  }[];
  consistency: {
    old_size: number;
    new_size: number;
    old_root: string;
    new_root: string;
    proof: string[];
    valid: boolean;
    description: string;
  }[];
  tree_heads: {
    log_public_key: string;
    tree_size: number;
    root: string;
    timestamp_ms: number;
    signature: string;
    valid: boolean;
    description: string;
  }[];
  cosignatures: {
    log_public_key: string;
    tree_size: number;
    root: string;
    witness: string;
    timestamp: number;
    message: string;
    signature: string;
    valid: boolean;
    description: string;
  }[];
}

const v = loadVectors<LogVectors>('log.json');

await ready();

describe('log.json', () => {
  it('hashes leaves and computes the root of every size', () => {
    const tree = new TestTree();
    v.entries.forEach((e, i) => {
      tree.append(hex(e));
      expect(toHexString(hashLeaf(hex(e)))).toBe(v.leaf_hashes[i]);
    });
    expect(toHexString(emptyRoot())).toBe(v.roots[0]!.root);
    for (const r of v.roots) expect(toHexString(tree.root(r.tree_size))).toBe(r.root);
  });

  for (const c of v.inclusion) {
    it(`inclusion, ${c.valid ? 'valid' : 'invalid'}: ${c.description}`, () => {
      const run = () => verifyInclusion(c.index, c.tree_size, hex(c.leaf_hash), c.proof.map(hex), hex(c.root));
      if (c.valid) run();
      else expectCandorError(run);
    });
  }

  for (const c of v.consistency) {
    it(`consistency, ${c.valid ? 'valid' : 'invalid'}: ${c.description}`, () => {
      const run = () =>
        verifyConsistency(c.old_size, c.new_size, hex(c.old_root), hex(c.new_root), c.proof.map(hex));
      if (c.valid) run();
      else expectCandorError(run);
    });
  }

  for (const t of v.tree_heads) {
    it(`tree head, ${t.valid ? 'valid' : 'invalid'}: ${t.description}`, () => {
      const sth = {
        head: { size: BigInt(t.tree_size), root: hex(t.root), timestampMs: BigInt(t.timestamp_ms) },
        signature: hex(t.signature),
      };
      const run = () => verifySignedTreeHead(sth, hex(t.log_public_key));
      if (t.valid) run();
      else expectCandorError(run, 'verification failed');
    });
  }

  for (const c of v.cosignatures) {
    it(`witness cosignature, ${c.valid ? 'valid' : 'invalid'}: ${c.description}`, () => {
      const head = { size: BigInt(c.tree_size), root: hex(c.root), timestampMs: 0n };
      // The exact text signed, then the signature over it.
      expect(new TextDecoder().decode(witnessCosignedMessage(hex(c.log_public_key), head, BigInt(c.timestamp)))).toBe(
        c.message,
      );
      const run = () =>
        verifyWitnessCosignature(
          { witness: hex(c.witness), timestamp: BigInt(c.timestamp), signature: hex(c.signature) },
          hex(c.log_public_key),
          head,
        );
      if (c.valid) run();
      else expectCandorError(run, 'verification failed');
    });
  }

  it('covers valid and invalid cases of each kind', () => {
    for (const list of [v.inclusion, v.consistency, v.tree_heads, v.cosignatures]) {
      expect(list.some((x) => x.valid)).toBe(true);
      expect(list.some((x) => !x.valid)).toBe(true);
    }
  });
});

describe('RFC 9162 proofs against a test tree', () => {
  const tree = new TestTree();
  beforeAll(() => {
    for (let i = 0; i < 70; i++) tree.append(new Uint8Array([i, i >> 8, 7]));
  });

  it('verifies every inclusion proof and refuses it for other leaves and sizes', () => {
    for (let size = 1; size <= 70; size += 3) {
      const root = tree.root(size);
      for (let i = 0; i < size; i++) {
        const proof = tree.inclusion(i, size);
        verifyInclusion(i, size, tree.leaves[i]!, proof, root);
        expect(toHexString(rootFromInclusionProof(BigInt(i), BigInt(size), tree.leaves[i]!, proof))).toBe(
          toHexString(root),
        );
        if (size > 1) {
          expectCandorError(() => verifyInclusion(i, size, tree.leaves[(i + 1) % size]!, proof, root));
        }
        expectCandorError(() => verifyInclusion(size, size, tree.leaves[i]!, proof, root), 'invalid argument');
        expectCandorError(() => verifyInclusion(i, size, tree.leaves[i]!, [...proof, root], root));
      }
    }
  });

  it('verifies every consistency proof and refuses swapped roots', () => {
    for (let n = 1; n <= 40; n++) {
      for (let m = 0; m <= n; m++) {
        const proof = tree.consistency(m, n);
        verifyConsistency(m, n, tree.root(m), tree.root(n), proof);
        if (m > 0 && m < n) {
          expectCandorError(() => verifyConsistency(m, n, tree.root(n), tree.root(m), proof));
          expectCandorError(() => verifyConsistency(m, n, tree.root(m), tree.root(n), proof.slice(1)));
        }
      }
    }
    expectCandorError(() => verifyConsistency(5, 4, tree.root(5), tree.root(4), []), 'invalid argument');
    expectCandorError(() => verifyConsistency(0, 4, tree.root(1), tree.root(4), []), 'verification failed');
  });

  it('handles sizes near 2^64', () => {
    const max = (1n << 64n) - 1n;
    const leaf = tree.leaves[0]!;
    const proof = Array.from({ length: 64 }, () => leaf);
    expectCandorError(() => verifyInclusion(max - 1n, max, leaf, proof, leaf));
    expectCandorError(() => verifyInclusion(max, max, leaf, [], leaf), 'invalid argument');
  });

  it('signs and verifies tree heads', () => {
    const key = generateSignKeyPair();
    const head = { size: 70n, root: tree.root(70), timestampMs: 1790000000000n };
    const sth = signTreeHead(head, key.secretKey);
    verifySignedTreeHead(sth, key.publicKey);
    expect(treeHeadMessage(head).length).toBe(8 + 13 + 8 + 8 + 8 + 32 + 8 + 8);
    expectCandorError(() => verifySignedTreeHead({ ...sth, head: { ...head, size: 71n } }, key.publicKey), 'verification failed');
    expectCandorError(() => verifySignedTreeHead({ ...sth, head: { ...head, timestampMs: 1n } }, key.publicKey), 'verification failed');
    expectCandorError(() => verifySignedTreeHead(sth, generateSignKeyPair().publicKey), 'verification failed');
  });
});
