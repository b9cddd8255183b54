// Bytes, transcripts, the seeded RNG and strict JSON: the encodings everything else rests on.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ready } from '../../src/crypto/sodium.js';
import {
  compareBytes,
  fixedFromHex,
  fromHex,
  isValidUtf8,
  readU64le,
  toHex,
  u64le,
  utf8,
} from '../../src/crypto/bytes.js';
import { h256, hp, hs, splitTranscript, tr } from '../../src/crypto/transcript.js';
import { SeededRng } from '../../src/crypto/rng.js';
import { dumpJson, JsonNumber, parseJson, type JsonObject } from '../../src/crypto/json.js';
import { isCanonicalScalar, isValidPoint } from '../../src/crypto/ristretto.js';
import { expectCandorError, hex } from './helpers.js';

await ready();

describe('bytes', () => {
  it('reads lower-case hex and refuses the rest, upper case included', () => {
    expect(toHex(fromHex('00ff7a'))).toBe('00ff7a');
    expect(expectCandorError(() => fromHex('00ff7A'), 'invalid argument').message).toContain('position 5 (hex must be lower-case)');
    for (let c = 0; c < 256; c++) {
      const ok = (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66);
      if (ok) expect(fromHex(String.fromCharCode(c) + '0').length).toBe(1);
      else expectCandorError(() => fromHex(String.fromCharCode(c) + '0'), 'invalid argument');
    }
    expectCandorError(() => fromHex('abc'), 'invalid argument');
    const e = expectCandorError(() => fromHex('0g'), 'invalid argument');
    expect(e.message).toContain('position 1');
    expectCandorError(() => fixedFromHex('00', 2, 'x'), 'invalid argument');
    expect(fixedFromHex('0001', 2)).toEqual(new Uint8Array([0, 1]));
  });

  it('writes u64le and reads it back, to 2^64 - 1', () => {
    expect(toHex(u64le(1))).toBe('0100000000000000');
    expect(toHex(u64le((1n << 64n) - 1n))).toBe('ffffffffffffffff');
    expect(readU64le(u64le(1790000000000n))).toBe(1790000000000n);
    expect(() => u64le(-1)).toThrow(RangeError);
    expect(() => u64le(1n << 64n)).toThrow(RangeError);
    expect(() => u64le(0.5)).toThrow(RangeError);
  });

  it('orders bytes as unsigned, shorter first', () => {
    expect(compareBytes(new Uint8Array([0x80]), new Uint8Array([0x7f]))).toBeGreaterThan(0);
    expect(compareBytes(new Uint8Array([1]), new Uint8Array([1, 0]))).toBeLessThan(0);
  });

  it('checks UTF-8 exactly like policy.cc', () => {
    const ok = ['', 'a', 'ä', '✓', '𝄞'].map((s) => utf8(s));
    for (const b of ok) expect(isValidUtf8(b)).toBe(true);
    const bad = ['c0af', 'e080af', 'eda080', 'f08080af', 'f4908080', 'f5808080', '80', 'c3', 'e282'];
    for (const h of bad) expect(isValidUtf8(hex(h)), h).toBe(false);
    expectCandorError(() => utf8('\ud800'), 'invalid argument');
  });
});

describe('transcripts', () => {
  it('frames every part with its u64le length', () => {
    const t = tr('ab', new Uint8Array([1]), new Uint8Array(0));
    expect(toHex(t)).toBe('0200000000000000' + '6162' + '0100000000000000' + '01' + '0000000000000000');
    expect(splitTranscript(t, 3).map(toHex)).toEqual(['6162', '01', '']);
    expectCandorError(() => splitTranscript(t, 2), 'invalid argument');
    expectCandorError(() => splitTranscript(t.subarray(0, t.length - 1), 3), 'invalid argument');
    expectCandorError(() => splitTranscript(t.subarray(0, 12), 3), 'invalid argument');
  });

  it('hashes to a canonical scalar and to a valid point', () => {
    const s = hs('candor/test', new Uint8Array([1, 2, 3]));
    expect(isCanonicalScalar(s)).toBe(true);
    expect(isValidPoint(hp('candor/test', new Uint8Array([1, 2, 3])))).toBe(true);
    expect(toHex(h256('candor/test'))).toHaveLength(64);
  });

  it('reproduces the protocol document\'s roster-remove entry (docs/PROTOCOL.md)', () => {
    const g = hex('e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76');
    const entry = tr('candor/v1/log-entry', utf8('roster-remove'), utf8('state'), u64le(7), g);
    const leaf = new Uint8Array(entry.length + 1);
    leaf.set(entry, 1);
    // SHA-256 by node, an implementation independent of libsodium.
    expect(createHash('sha256').update(leaf).digest('hex')).toBe(
      '76ab2b5cc7df7c42890b861ec6d017b99e76e1c4a67641bda4b06abf02ada554',
    );
  });
});

describe('SeededRng', () => {
  it('does not advance on an empty draw, like the C++ stream', () => {
    const a = new SeededRng(5);
    const b = new SeededRng(5);
    a.fill(0);
    expect(a.fill(16)).toEqual(b.fill(16));
    expect(a.fill(16)).not.toEqual(new SeededRng(6).fill(16));
  });

  it('draws non-zero canonical scalars', () => {
    const r = new SeededRng(1);
    for (let i = 0; i < 20; i++) expect(isCanonicalScalar(r.randomScalar())).toBe(true);
  });
});

describe('strict JSON', () => {
  const num = (text: string) => parseJson(text) as JsonNumber;

  it('keeps nlohmann\'s number kinds', () => {
    expect(num('13').kind).toBe('unsigned');
    expect(num('13').integer).toBe(13n);
    expect(num('18446744073709551615').integer).toBe((1n << 64n) - 1n);
    expect(num('18446744073709551616').kind).toBe('float');
    expect(num('-0').kind).toBe('integer');
    expect(num('-9223372036854775808').kind).toBe('integer');
    expect(num('-9223372036854775809').kind).toBe('float');
    expect(num('13.0').kind).toBe('float');
    expect(num('1e1').kind).toBe('float');
  });

  it('refuses what nlohmann refuses', () => {
    const bad = [
      '', ' ', '01', '+1', '1.', '.5', '1e', '-', 'NaN', 'Infinity', '1e400', '[1,]', '{"a":1,}',
      '{"a" 1}', '{a:1}', "'a'", '"\u0001"', '"\\x"', '"\\ud800"', '"\\udc00"', '"\\ud800\\u0041"',
      '[1] 2', 'tru', 'nul', '[', '{', '"abc',
    ];
    for (const text of bad) expectCandorError(() => parseJson(text), 'invalid argument');
    expectCandorError(() => parseJson(new Uint8Array([0x22, 0xc3, 0x22])), 'invalid argument');
    expectCandorError(() => parseJson(new Uint8Array([0x22, 0xed, 0xa0, 0x80, 0x22])), 'invalid argument');
    expectCandorError(() => parseJson('"\ud800"'), 'invalid argument');
  });

  it('reads strings and escapes, and refuses a byte-order mark and a repeated key', () => {
    expect(parseJson('"a\\u00e4\\ud834\\udd1e\\n\\/"')).toBe('aä𝄞\n/');
    // RFC 8259 §8.1, as the C++ reader (domain::ParseStrictJson): no byte-order mark.
    expect(parseJson(new Uint8Array([0x31]))).toBeInstanceOf(JsonNumber);
    expect(() => parseJson(new Uint8Array([0xef, 0xbb, 0xbf, 0x31]))).toThrow('byte-order mark');
    expect(() => parseJson('\ufeff{}')).toThrow('byte-order mark');
    // Two readers that resolve a repeated key differently would read two different documents.
    expect(() => parseJson('{"a":1,"b":2,"a":3}')).toThrow("the key 'a' appears twice in one object");
    expect(() => parseJson('{"x":{"a":1,"a":1}}')).toThrow('appears twice');
    expect((parseJson('{"a":{"a":1},"b":{"a":2}}') as JsonObject).size).toBe(2);
    expect(parseJson(' [ true , false , null ] ')).toEqual([true, false, null]);
  });

  it('writes nlohmann\'s dump() and dump(2)', () => {
    const v = { b: [1, 'x"\\\u0001'], a: { d: null, c: true }, e: [], f: {}, g: 18446744073709551615n };
    expect(dumpJson(v)).toBe(
      '{"a":{"c":true,"d":null},"b":[1,"x\\"\\\\\\u0001"],"e":[],"f":{},"g":18446744073709551615}',
    );
    expect(dumpJson({ b: [1, 2], a: 'x' }, 2)).toBe('{\n  "a": "x",\n  "b": [\n    1,\n    2\n  ]\n}');
  });
});
