// tests/vectors/lrs2.json (candor-lrs-v2, docs/LRS-V2.md): every valid element verifies and
// re-signing it with the vector's seeded randomness reproduces the C++ core's signature byte for
// byte; every invalid element is refused (tools/vectors/lrs2_vectors.cc). Then the browser's
// own checks: batch blame, v1/v2 tag linking, and the refusals of the signer.
import { describe, expect, it } from 'vitest';
import { ready } from '../../src/crypto/sodium.js';
import { lrsSign, Ring } from '../../src/crypto/lrs.js';
import {
  decodeLrs2Signature,
  encodeLrs2Signature,
  lrs2SignatureSize,
  lrs2Sign,
  lrs2Verify,
  lrs2VerifyBatch,
  type Lrs2Signature,
} from '../../src/crypto/lrs2.js';
import { SeededRng } from '../../src/crypto/rng.js';
import { h256 } from '../../src/crypto/transcript.js';
import { generateRingKeyPair } from '../../src/crypto/keys.js';
import { expectCandorError, hex, loadVectors, toHexString } from './helpers.js';

interface Lrs2Vector {
  event: string;
  message: string;
  ring: string[];
  signature: string;
  valid: boolean;
  description: string;
  signer_index?: number;
  secret?: string;
}

const vectors = loadVectors<Lrs2Vector[]>('lrs2.json');

describe('candor-lrs-v2 vectors', () => {
  it('accepts exactly the valid elements and reproduces each valid signature', async () => {
    await ready();
    let valid = 0;
    let invalid = 0;
    for (const v of vectors) {
      let accepted = false;
      let ring: Ring | undefined;
      try {
        ring = Ring.create(v.ring.map(hex));
      } catch {
        ring = undefined;
      }
      if (ring !== undefined) {
        try {
          lrs2Verify(hex(v.event), hex(v.message), ring, decodeLrs2Signature(hex(v.signature), ring.size));
          accepted = true;
        } catch (e) {
          expect(['invalid argument', 'verification failed'], v.description).toContain((e as { code: string }).code);
        }
        if (v.valid) {
          const secret = hex(v.secret!);
          const rng = new SeededRng(
            h256('candor/v2/test-vectors/lrs2-sign', secret, ring.digest, hex(v.event), hex(v.message)),
          );
          const again = lrs2Sign(hex(v.event), hex(v.message), ring, v.signer_index!, secret, rng);
          expect(toHexString(encodeLrs2Signature(again)), v.description).toBe(v.signature);
        }
      }
      expect(accepted, v.description).toBe(v.valid);
      if (v.valid) valid++;
      else invalid++;
    }
    expect(valid).toBeGreaterThanOrEqual(6);
    expect(invalid).toBeGreaterThanOrEqual(40);
  });
});

describe('candor-lrs-v2 in the browser', () => {
  const event = (b: number): Uint8Array => new Uint8Array(32).fill(b);
  const message = new Uint8Array([1, 2, 3]);

  async function fixture(n: number, seed: number) {
    await ready();
    const rng = new SeededRng(seed);
    const keys = Array.from({ length: n }, () => generateRingKeyPair(rng));
    return { keys, ring: Ring.create(keys.map((k) => k.publicKey)) };
  }

  it('signs at every size boundary and links with candor-lrs-v1', async () => {
    for (const n of [1, 8, 9, 30]) {
      const { keys, ring } = await fixture(n, n);
      const l = n - 1;
      const sig = lrs2Sign(event(1), message, ring, l, keys[l]!.secret, new SeededRng(5));
      expect(encodeLrs2Signature(sig).length).toBe(lrs2SignatureSize(n));
      lrs2Verify(event(1), message, ring, sig);
      const v1 = lrsSign(event(1), message, ring, l, keys[l]!.secret, new SeededRng(6));
      expect(toHexString(sig.tag)).toBe(toHexString(v1.tag));
    }
  });

  it('finds the bad signatures of a batch', async () => {
    const { keys, ring } = await fixture(12, 40);
    const sigs: Lrs2Signature[] = [];
    for (let i = 0; i < 6; i++) sigs.push(lrs2Sign(event(2), message, ring, i * 2, keys[i * 2]!.secret, new SeededRng(i)));
    const items = () => sigs.map((signature) => ({ event: event(2), message, signature }));
    expect(lrs2VerifyBatch(ring, items())).toEqual([]);
    sigs[1] = { ...sigs[1]!, z: sigs[2]!.z };
    sigs[4] = { ...sigs[4]!, s1: sigs[4]!.s1.map((b, k) => (k === 31 ? b | 0x80 : b)) };
    expect(lrs2VerifyBatch(ring, items())).toEqual([1, 4]);
  });

  it('refuses a wrong key, index or length', async () => {
    const { keys, ring } = await fixture(5, 41);
    expectCandorError(() => lrs2Sign(event(1), message, ring, 1, keys[0]!.secret), 'invalid argument');
    expectCandorError(() => lrs2Sign(event(1), message, ring, 5, keys[0]!.secret), 'invalid argument');
    const wire = encodeLrs2Signature(lrs2Sign(event(1), message, ring, 0, keys[0]!.secret));
    expectCandorError(() => decodeLrs2Signature(wire.slice(1), 5), 'invalid argument');
    const sig = decodeLrs2Signature(wire, 5);
    expectCandorError(() => lrs2Verify(event(2), message, ring, sig), 'verification failed');
  });
});
