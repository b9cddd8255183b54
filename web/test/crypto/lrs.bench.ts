// Timings of candor-lrs-v1 and Argon2id in WebAssembly (node): `npx vitest bench --run test/crypto`.
// (The C++ figures are in bench/; the browser's own are printed by browser.test.ts.)
import { bench, describe } from 'vitest';
import { ready } from '../../src/crypto/sodium.js';
import { generateRingKeyPair } from '../../src/crypto/keys.js';
import { lrsSign, lrsVerify, Ring } from '../../src/crypto/lrs.js';
import { SeededRng } from '../../src/crypto/rng.js';
import { createMemberKeyFile, kdfInteractive } from '../../src/crypto/keyfile.js';

await ready();

const rng = new SeededRng(1);
const keys = Array.from({ length: 1024 }, () => generateRingKeyPair(rng));
const event = new Uint8Array(32).fill(1);
const message = new Uint8Array(70).fill(2);

for (const n of [64, 1024]) {
  describe(`candor-lrs-v1, ring of ${n}`, () => {
    const ring = Ring.create(keys.slice(0, n).map((k) => k.publicKey));
    const sig = lrsSign(event, message, ring, 3, keys[3]!.secret);
    bench(`sign (n=${n})`, () => void lrsSign(event, message, ring, 3, keys[3]!.secret), { iterations: n > 100 ? 5 : 30, time: 0 });
    bench(`verify (n=${n})`, () => lrsVerify(event, message, ring, sig), { iterations: n > 100 ? 5 : 30, time: 0 });
  });
}

describe('key files', () => {
  bench('create a key file, MODERATE Argon2id', () => void createMemberKeyFile('passphrase'), { iterations: 3, time: 0 });
  bench('create a key file, INTERACTIVE Argon2id', () => void createMemberKeyFile('passphrase', kdfInteractive()), { iterations: 3, time: 0 });
});
