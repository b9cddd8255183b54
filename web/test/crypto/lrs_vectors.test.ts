// tests/vectors/lrs.json (candor-lrs-v1): every valid element verifies and re-signing it with
// the vector's seeded randomness reproduces c0, s and the tag byte for byte; every invalid
// element is refused, for the reason its description names (tools/vectors/lrs_vectors.cc).
import { describe, expect, it } from 'vitest';
import { ready } from '../../src/crypto/sodium.js';
import {
  decodeLrsSignature,
  encodeLrsSignature,
  lrsLinked,
  lrsSign,
  lrsVerify,
  Ring,
  type LrsSignature,
} from '../../src/crypto/lrs.js';
import { SeededRng } from '../../src/crypto/rng.js';
import { h256 } from '../../src/crypto/transcript.js';
import type { ErrorCode } from '../../src/crypto/errors.js';
import { expectCandorError, hex, loadVectors, toHexString } from './helpers.js';

interface LrsVector {
  event: string;
  message: string;
  ring: string[];
  c0: string;
  s: string[];
  tag: string;
  valid: boolean;
  description: string;
  signer_index?: number;
  secret?: string;
}

const vectors = loadVectors<LrsVector[]>('lrs.json');

function sigOf(v: LrsVector): LrsSignature {
  return { c0: hex(v.c0), s: v.s.map(hex), tag: hex(v.tag) };
}

// Which rule of CRYPTO.md "Verify" / "Rings" each invalid element breaks.
function expectedCode(description: string): ErrorCode {
  const structural = [
    'identity',
    'not a valid encoding',
    'repeated key',
    'ring is empty',
    'not canonical',
    'truncated',
    'over-long',
    'bit 255',
  ];
  return structural.some((w) => description.includes(w)) ? 'invalid argument' : 'verification failed';
}

await ready();

describe('lrs.json', () => {
  it('has valid and invalid elements', () => {
    expect(vectors.filter((v) => v.valid).length).toBe(8);
    expect(vectors.filter((v) => !v.valid).length).toBe(28);
  });

  for (const v of vectors.filter((x) => x.valid)) {
    it(`valid: ${v.description}`, () => {
      const ring = Ring.create(v.ring.map(hex));
      const event = hex(v.event);
      const message = hex(v.message);
      const sig = sigOf(v);
      lrsVerify(event, message, ring, sig);
      // The wire form round-trips.
      const wire = encodeLrsSignature(sig);
      expect(wire.length).toBe(32 * (ring.size + 2));
      lrsVerify(event, message, ring, decodeLrsSignature(wire, ring.size));
      // Re-signing with the generator's seed gives the same bytes (lrs_vectors.cc).
      const secret = hex(v.secret!);
      const rng = new SeededRng(h256('candor/v1/test-vectors/lrs-sign', secret, ring.digest, event, message));
      const again = lrsSign(event, message, ring, v.signer_index!, secret, rng);
      expect(toHexString(again.c0)).toBe(v.c0);
      expect(again.s.map(toHexString)).toEqual(v.s);
      expect(toHexString(again.tag)).toBe(v.tag);
    });
  }

  for (const v of vectors.filter((x) => !x.valid)) {
    it(`invalid: ${v.description}`, () => {
      const code = expectedCode(v.description);
      expectCandorError(() => {
        const ring = Ring.create(v.ring.map(hex));
        lrsVerify(hex(v.event), hex(v.message), ring, sigOf(v));
      }, code);
      // Through the wire encoding too, where the ring itself is valid.
      let ring: Ring | null = null;
      try {
        ring = Ring.create(v.ring.map(hex));
      } catch {
        ring = null;
      }
      if (ring !== null) {
        const wire = encodeLrsSignature(sigOf(v));
        expectCandorError(() => lrsVerify(hex(v.event), hex(v.message), ring!, decodeLrsSignature(wire, ring!.size)), code);
      }
    });
  }

  it('links signatures by one key on one event, and only those', () => {
    const base = vectors.find((v) => v.description.startsWith('ring of 5, signer 3'))!;
    const linked = vectors.find((v) => v.description.includes('(linked)'))!;
    const otherEvent = vectors.find((v) => v.description.includes('other event: different tag'))!;
    const otherKey = vectors.find((v) => v.description.startsWith('other key'))!;
    expect(lrsLinked(sigOf(base), sigOf(linked))).toBe(true);
    expect(lrsLinked(sigOf(base), sigOf(otherEvent))).toBe(false);
    expect(lrsLinked(sigOf(base), sigOf(otherKey))).toBe(false);
  });
});

describe('candor-lrs-v1 edge cases', () => {
  const base = vectors.find((v) => v.description.startsWith('ring of 5, signer 3'))!;

  it('refuses signing with a wrong index, a foreign or a non-canonical secret', () => {
    const ring = Ring.create(base.ring.map(hex));
    const secret = hex(base.secret!);
    const event = hex(base.event);
    expectCandorError(() => lrsSign(event, new Uint8Array(0), ring, 5, secret), 'invalid argument');
    expectCandorError(() => lrsSign(event, new Uint8Array(0), ring, 2, secret), 'invalid argument');
    expectCandorError(() => lrsSign(event, new Uint8Array(0), ring, 3, new Uint8Array(32)), 'invalid argument');
    const l = hex('edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010');
    expectCandorError(() => lrsSign(event, new Uint8Array(0), ring, 3, l), 'invalid argument');
  });

  it('signs and verifies with fresh randomness at every position of a ring', () => {
    const ring = Ring.create(base.ring.map(hex));
    const secret = hex(base.secret!);
    const event = hex(base.event);
    const sig = lrsSign(event, hex(base.message), ring, 3, secret);
    lrsVerify(event, hex(base.message), ring, sig);
    expect(toHexString(sig.tag)).toBe(base.tag); // the tag depends on key and event only
    expect(toHexString(sig.c0)).not.toBe(base.c0);
  });

  it('refuses a signature whose wire length does not fit the ring', () => {
    const wire = encodeLrsSignature(sigOf(base));
    expectCandorError(() => decodeLrsSignature(wire.subarray(0, wire.length - 1), 5), 'invalid argument');
    expectCandorError(() => decodeLrsSignature(wire, 4), 'invalid argument');
    expectCandorError(() => decodeLrsSignature(wire, 0), 'invalid argument');
  });

  it('finds members of a ring and keeps its own copies', () => {
    const keys = base.ring.map(hex);
    const ring = Ring.create(keys);
    expect(ring.indexOf(keys[3]!)).toBe(3);
    keys[3]!.fill(0);
    expect(ring.indexOf(hex(base.ring[3]!))).toBe(3);
    expect(ring.indexOf(new Uint8Array(32))).toBeUndefined();
  });
});

describe('candor-lrs-v1 on adversarial scalars', () => {
  const base = vectors.find((v) => v.description.startsWith('ring of 5, signer 3'))!;
  it('hashes intermediate identities as zeros and refuses, never throws anything else', () => {
    const ring = Ring.create(base.ring.map(hex));
    const zero = new Uint8Array(32);
    // c0 = 0 and every s_i = 0 make L_0 = R_0 = the identity, which libsodium will not return.
    const allZero: LrsSignature = { c0: zero, s: base.s.map(() => zero), tag: hex(base.tag) };
    expectCandorError(() => lrsVerify(hex(base.event), hex(base.message), ring, allZero), 'verification failed');
    const zeroC: LrsSignature = { ...sigOf(base), c0: zero };
    expectCandorError(() => lrsVerify(hex(base.event), hex(base.message), ring, zeroC), 'verification failed');
  });
});
