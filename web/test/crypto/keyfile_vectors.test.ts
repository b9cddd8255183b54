// tests/vectors/keyfile.json (member key files): valid files parse, derive the vector's
// Argon2id key and open to keys matching their header; invalid ones are refused with the C++
// reader's error code (tools/vectors/keyfile_vectors.cc). Plus sealing, passphrase changes and
// the pinned Argon2id settings.
import { describe, expect, it } from 'vitest';
import { ready, sodium } from '../../src/crypto/sodium.js';
import {
  changeKeyFilePassphrase,
  createMemberKeyFile,
  deriveKeyFileKey,
  kdfInteractive,
  kdfModerate,
  KEY_FILE_SIZE,
  MEMLIMIT_INTERACTIVE,
  MEMLIMIT_MODERATE,
  MEMLIMIT_SENSITIVE,
  OPSLIMIT_INTERACTIVE,
  OPSLIMIT_MODERATE,
  OPSLIMIT_SENSITIVE,
  openKeyFile,
  openKeyFileWithKey,
  parseKeyFile,
  sealKeyFile,
} from '../../src/crypto/keyfile.js';
import { generateMemberKeys } from '../../src/crypto/keys.js';
import { readU64le, u64le } from '../../src/crypto/bytes.js';
import { SeededRng } from '../../src/crypto/rng.js';
import type { ErrorCode } from '../../src/crypto/errors.js';
import { expectCandorError, hex, loadVectors, toHexString } from './helpers.js';

interface KeyFileVector {
  description: string;
  file: string;
  passphrase: string;
  ring_public: string;
  box_public: string;
  valid: boolean;
  derived_key?: string;
  error?: string;
}

const vectors = loadVectors<KeyFileVector[]>('keyfile.json');

await ready();

describe('keyfile.json', () => {
  it('has valid and invalid elements', () => {
    expect(vectors.filter((v) => v.valid).length).toBe(2);
    expect(vectors.filter((v) => !v.valid).length).toBe(11);
  });

  for (const v of vectors) {
    it(`${v.valid ? 'valid' : 'invalid'}: ${v.description}`, () => {
      const file = hex(v.file);
      if (v.valid) {
        const info = parseKeyFile(file);
        expect(toHexString(info.ringPublic)).toBe(v.ring_public);
        expect(toHexString(info.boxPublic)).toBe(v.box_public);
        expect(info.kdf).toEqual(kdfInteractive());
        const key = deriveKeyFileKey(file, v.passphrase);
        expect(toHexString(key)).toBe(v.derived_key);
        const keys = openKeyFileWithKey(file, key);
        expect(toHexString(keys.ring.publicKey)).toBe(v.ring_public);
        expect(toHexString(keys.box.publicKey)).toBe(v.box_public);
        const again = openKeyFile(file, v.passphrase);
        expect(again.ring.secret).toEqual(keys.ring.secret);
        expect(again.box.secret).toEqual(keys.box.secret);
      } else {
        expectCandorError(() => openKeyFile(file, v.passphrase), v.error as ErrorCode);
      }
    });
  }
});

describe('key files', () => {
  it('pins libsodium\'s Argon2id constants', () => {
    const s = sodium();
    expect([OPSLIMIT_INTERACTIVE, OPSLIMIT_MODERATE, OPSLIMIT_SENSITIVE]).toEqual([
      s.crypto_pwhash_OPSLIMIT_INTERACTIVE,
      s.crypto_pwhash_OPSLIMIT_MODERATE,
      s.crypto_pwhash_OPSLIMIT_SENSITIVE,
    ]);
    expect([MEMLIMIT_INTERACTIVE, MEMLIMIT_MODERATE, MEMLIMIT_SENSITIVE]).toEqual([
      s.crypto_pwhash_MEMLIMIT_INTERACTIVE,
      s.crypto_pwhash_MEMLIMIT_MODERATE,
      s.crypto_pwhash_MEMLIMIT_SENSITIVE,
    ]);
    expect(s.crypto_pwhash_ALG_ARGON2ID13).toBe(2);
    expect(s.crypto_pwhash_SALTBYTES).toBe(16);
  });

  it('writes new files with MODERATE settings, which open', () => {
    const made = createMemberKeyFile('a passphrase');
    expect(made.file.length).toBe(KEY_FILE_SIZE);
    expect(new TextDecoder().decode(made.file.subarray(0, 8))).toBe('CANDORK1');
    expect(readU64le(made.file, 8)).toBe(BigInt(OPSLIMIT_MODERATE));
    expect(readU64le(made.file, 16)).toBe(BigInt(MEMLIMIT_MODERATE));
    expect(parseKeyFile(made.file).kdf).toEqual(kdfModerate());
    const keys = openKeyFile(made.file, 'a passphrase');
    expect(keys.ring.publicKey).toEqual(made.ringPublic);
    expect(keys.box.publicKey).toEqual(made.boxPublic);
    expectCandorError(() => openKeyFile(made.file, 'another passphrase'), 'unauthenticated');
  }, 60_000);

  it('is deterministic under a seeded source and binds every header byte', () => {
    const rng = new SeededRng(7);
    const keys = generateMemberKeys(rng);
    const file = sealKeyFile(keys, 'pw', kdfInteractive(), rng);
    const again = sealKeyFile(generateMemberKeys(new SeededRng(7)), 'pw', kdfInteractive(), (() => {
      const r = new SeededRng(7);
      generateMemberKeys(r);
      return r;
    })());
    expect(again).toEqual(file);
    for (const offset of [40, 64, 96, 127, 128, 207]) {
      const changed = file.slice();
      changed[offset]! ^= 1;
      const err = expectCandorError(() => openKeyFile(changed, 'pw'));
      expect(['unauthenticated', 'corrupt data']).toContain(err.code);
    }
  });

  it('refuses bad settings, empty passphrases and inconsistent keys', () => {
    const rng = new SeededRng(8);
    const keys = generateMemberKeys(rng);
    expectCandorError(() => sealKeyFile(keys, '', kdfInteractive(), rng), 'invalid argument');
    expectCandorError(() => sealKeyFile(keys, 'pw', { opslimit: 1, memlimit: MEMLIMIT_INTERACTIVE }, rng), 'invalid argument');
    expectCandorError(() => sealKeyFile(keys, 'pw', { opslimit: 2, memlimit: MEMLIMIT_SENSITIVE * 2 }, rng), 'invalid argument');
    const other = generateMemberKeys(rng);
    expectCandorError(
      () => sealKeyFile({ ring: keys.ring, box: { publicKey: keys.box.publicKey, secret: other.box.secret } }, 'pw', kdfInteractive(), rng),
      'invalid argument',
    );
    expectCandorError(
      () => sealKeyFile({ ring: { publicKey: keys.ring.publicKey, secret: other.ring.secret }, box: keys.box }, 'pw', kdfInteractive(), rng),
      'invalid argument',
    );
    const file = sealKeyFile(keys, 'pw', kdfInteractive(), rng);
    expectCandorError(() => openKeyFile(file, ''), 'invalid argument');
    const huge = file.slice();
    huge.set(u64le(1n << 40n), 16);
    expectCandorError(() => parseKeyFile(huge), 'corrupt data');
    // Settings just outside [INTERACTIVE, SENSITIVE] are refused before Argon2id runs.
    for (const [offset, value] of [
      [8, OPSLIMIT_INTERACTIVE - 1],
      [8, OPSLIMIT_SENSITIVE + 1],
      [16, MEMLIMIT_INTERACTIVE - 1],
      [16, MEMLIMIT_SENSITIVE + 1],
    ] as const) {
      const changed = file.slice();
      changed.set(u64le(value), offset);
      expectCandorError(() => parseKeyFile(changed), 'corrupt data');
      expectCandorError(() => openKeyFile(changed, 'pw'), 'corrupt data');
    }
    for (const [offset, value] of [[8, OPSLIMIT_SENSITIVE], [16, MEMLIMIT_SENSITIVE]] as const) {
      const edge = file.slice();
      edge.set(u64le(value), offset);
      expect(parseKeyFile(edge).kdf).toBeDefined();
    }
    const badPoint = file.slice();
    badPoint.fill(0, 64, 96);
    expectCandorError(() => parseKeyFile(badPoint), 'corrupt data');
  });

  it('changes the passphrase with a fresh salt and nonce', () => {
    const rng = new SeededRng(9);
    const file = sealKeyFile(generateMemberKeys(rng), 'old', kdfInteractive(), rng);
    const changed = changeKeyFilePassphrase(file, 'old', 'new', kdfInteractive());
    expect(toHexString(changed.subarray(24, 64))).not.toBe(toHexString(file.subarray(24, 64)));
    expect(changed.subarray(64, 128)).toEqual(file.subarray(64, 128));
    expectCandorError(() => openKeyFile(changed, 'old'), 'unauthenticated');
    expect(openKeyFile(changed, 'new').ring.secret).toEqual(openKeyFile(file, 'old').ring.secret);
    expectCandorError(() => changeKeyFilePassphrase(file, 'wrong', 'new', kdfInteractive()), 'unauthenticated');
    expectCandorError(() => changeKeyFilePassphrase(file, 'old', '', kdfInteractive()), 'invalid argument');
  });
});
