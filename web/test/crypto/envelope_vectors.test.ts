// tests/vectors/envelope.json (candor-env-v1): valid envelopes decode, re-encode to the same
// bytes, open for every recipient and are reproduced exactly by sealing with the vector's
// seeded randomness; invalid ones are refused with the C++ opener's error code
// (tools/vectors/envelope_vectors.cc). Plus the encoding's bounds and the writer's refusals.
import { describe, expect, it } from 'vitest';
import { ready } from '../../src/crypto/sodium.js';
import {
  cableDigest,
  decodeEnvelope,
  encodeEnvelope,
  openEnvelope,
  rewrapEnvelopeKey,
  sealEnvelope,
} from '../../src/crypto/envelope.js';
import { SeededRng } from '../../src/crypto/rng.js';
import { boxPublicFromSecret, generateBoxKeyPair, isValidBoxPublicKey } from '../../src/crypto/keys.js';
import { u32le, u64le } from '../../src/crypto/bytes.js';
import type { ErrorCode } from '../../src/crypto/errors.js';
import { expectCandorError, hex, loadVectors, toHexString } from './helpers.js';

interface EnvelopeVector {
  description: string;
  header: string;
  plaintext: string;
  nonce: string;
  ciphertext: string;
  wrapped_keys: string[];
  envelope: string;
  cable_digest: string;
  opener_public: string;
  opener_secret: string;
  valid: boolean;
  error?: string;
  recipients?: string[];
  recipient_secrets?: string[];
  seal_rng_seed?: number;
  rewrap_to_public?: string;
  rewrap_to_secret?: string;
  rewrap_rng_seed?: number;
  rewrap?: string;
}

const vectors = loadVectors<EnvelopeVector[]>('envelope.json');

await ready();

describe('envelope.json', () => {
  it('has valid and invalid elements', () => {
    expect(vectors.filter((v) => v.valid).length).toBe(5);
    expect(vectors.filter((v) => !v.valid).length).toBe(12);
  });

  for (const v of vectors) {
    it(`${v.valid ? 'valid' : 'invalid'}: ${v.description}`, () => {
      const bytes = hex(v.envelope);
      const env = decodeEnvelope(bytes);
      expect(toHexString(env.nonce)).toBe(v.nonce);
      expect(toHexString(env.ciphertext)).toBe(v.ciphertext);
      expect(env.wrappedKeys.map(toHexString)).toEqual(v.wrapped_keys);
      expect(toHexString(encodeEnvelope(env))).toBe(v.envelope);
      expect(toHexString(cableDigest(hex(v.header), env.ciphertext))).toBe(v.cable_digest);
      const opener = { publicKey: hex(v.opener_public), secret: hex(v.opener_secret) };
      if (v.valid) {
        expect(toHexString(openEnvelope(hex(v.header), env, opener))).toBe(v.plaintext);
        v.recipients!.forEach((pk, i) => {
          const kp = { publicKey: hex(pk), secret: hex(v.recipient_secrets![i]!) };
          expect(toHexString(boxPublicFromSecret(kp.secret))).toBe(pk);
          expect(toHexString(openEnvelope(hex(v.header), env, kp))).toBe(v.plaintext);
        });
        const again = sealEnvelope(
          hex(v.header),
          hex(v.plaintext),
          v.recipients!.map(hex),
          new SeededRng(BigInt(v.seal_rng_seed!)),
        );
        expect(toHexString(encodeEnvelope(again))).toBe(v.envelope);
        // One more wrap for a reviewer who joined later (issue 15), as the C++ core makes it.
        const first = { publicKey: hex(v.recipients![0]!), secret: hex(v.recipient_secrets![0]!) };
        const to = { publicKey: hex(v.rewrap_to_public!), secret: hex(v.rewrap_to_secret!) };
        const wrap = rewrapEnvelopeKey(hex(v.header), env, first, to.publicKey, new SeededRng(BigInt(v.rewrap_rng_seed!)));
        expect(toHexString(wrap)).toBe(v.rewrap);
        expectCandorError(() => openEnvelope(hex(v.header), env, to), 'permission denied');
        const more = { ...env, wrappedKeys: [...env.wrappedKeys, wrap] };
        expect(toHexString(openEnvelope(hex(v.header), more, to))).toBe(v.plaintext);
        expectCandorError(() => rewrapEnvelopeKey(hex(v.header), env, to, first.publicKey, new SeededRng(1n)), 'permission denied');
        expectCandorError(() => rewrapEnvelopeKey(hex(v.header), env, first, new Uint8Array(32), new SeededRng(1n)), 'invalid argument');
      } else {
        expectCandorError(() => openEnvelope(hex(v.header), env, opener), v.error as ErrorCode);
      }
    });
  }
});

describe('candor-env-v1 encoding and sealing', () => {
  const base = vectors[0]!;

  it('refuses malformed encodings', () => {
    const good = hex(base.envelope);
    const n = base.wrapped_keys.length;
    const variants: [string, Uint8Array][] = [
      ['empty', new Uint8Array(0)],
      ['shorter than the fixed header', good.subarray(0, 35)],
      ['wrong magic', Uint8Array.from(good, (b, i) => (i === 7 ? 0x32 : b))],
      ['count 0', Uint8Array.from(good, (b, i) => (i >= 32 && i < 36 ? 0 : b))],
      ['count 1025', (() => { const c = good.slice(); c.set(u32le(1025), 32); return c; })()],
      ['truncated in the wraps', good.subarray(0, 36 + 80 * n)],
      ['ciphertext length 15', (() => { const c = good.slice(); c.set(u64le(15), 36 + 80 * n); return c; })()],
      ['ciphertext length huge', (() => { const c = good.slice(); c.set(u64le(1n << 40n), 36 + 80 * n); return c; })()],
      ['truncated ciphertext', good.subarray(0, good.length - 1)],
      ['a trailing byte', Uint8Array.from([...good, 0])],
    ];
    for (const [what, bytes] of variants) {
      expectCandorError(() => decodeEnvelope(bytes), 'invalid argument');
      expect(what).toBeTruthy();
    }
  });

  it('refuses no, repeated, too many and small-order recipients', () => {
    const a = generateBoxKeyPair();
    const b = generateBoxKeyPair();
    const h = new Uint8Array([1, 2, 3]);
    expectCandorError(() => sealEnvelope(h, h, []), 'invalid argument');
    expectCandorError(() => sealEnvelope(h, h, [a.publicKey, b.publicKey, a.publicKey]), 'invalid argument');
    expectCandorError(() => sealEnvelope(h, h, [a.publicKey, new Uint8Array(32)]), 'invalid argument');
    const tooMany = Array.from({ length: 1025 }, () => generateBoxKeyPair().publicKey);
    expectCandorError(() => sealEnvelope(h, h, tooMany), 'invalid argument');
    // A point of order 8 on Curve25519 (its u-coordinate), refused like the all-zero key.
    const order8 = hex('e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800');
    expectCandorError(() => sealEnvelope(h, h, [order8]), 'invalid argument');
    // The same key with bit 255 set (X25519 ignores the bit): a second encoding, refused.
    const twin = a.publicKey.slice();
    twin[31]! |= 0x80;
    expect(isValidBoxPublicKey(a.publicKey)).toBe(true);
    expect(isValidBoxPublicKey(twin)).toBe(false);
    expectCandorError(() => sealEnvelope(h, h, [a.publicKey, twin]), 'invalid argument');
    // u = p + 9: the base point's u-coordinate, not reduced.
    expect(isValidBoxPublicKey(hex('f6ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'))).toBe(false);
  });

  it('seals with fresh randomness for recipients who open it, and only them', () => {
    const a = generateBoxKeyPair();
    const b = generateBoxKeyPair();
    const outsider = generateBoxKeyPair();
    const header = new TextEncoder().encode('cable 1');
    const body = new TextEncoder().encode('a dissent cable');
    const env = decodeEnvelope(encodeEnvelope(sealEnvelope(header, body, [a.publicKey, b.publicKey])));
    expect(openEnvelope(header, env, a)).toEqual(body);
    expect(openEnvelope(header, env, b)).toEqual(body);
    expectCandorError(() => openEnvelope(header, env, outsider), 'permission denied');
    expectCandorError(() => openEnvelope(new Uint8Array(0), env, a), 'verification failed');
    const empty = sealEnvelope(new Uint8Array(0), new Uint8Array(0), [a.publicKey]);
    expect(empty.ciphertext.length).toBe(16);
    expect(openEnvelope(new Uint8Array(0), empty, a)).toEqual(new Uint8Array(0));
  });
});
