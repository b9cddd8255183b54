// Witness cosignatures (witness.ts, docs/PROTOCOL.md "Witnesses"): the C2SP cosignature/v1
// message, built here independently and signed with libsodium directly, and letter bundles
// that carry cosignatures (bundle.ts): parsed strictly, verified against witness keys and a
// threshold.
import { describe, expect, it } from 'vitest';
import { ready, sodium } from '../../src/crypto/sodium.js';
import { toHex } from '../../src/crypto/bytes.js';
import {
  letterBundleFromJson,
  letterBundleToJson,
  recountLetterBundle,
  type LetterBundle,
} from '../../src/crypto/bundle.js';
import { generateSignKeyPair, type SignKeyPair } from '../../src/crypto/ed25519.js';
import { dumpJson, parseJson, type JsonObject } from '../../src/crypto/json.js';
import type { Letter } from '../../src/crypto/letter.js';
import { SeededRng } from '../../src/crypto/rng.js';
import {
  countWitnessCosignatures,
  verifyWitnessCosignature,
  witnessCosignedMessage,
  witnessPolicy,
  type WitnessCosignature,
} from '../../src/crypto/witness.js';
import { addOrganization, publishLetter, TestLog } from './fixture.js';
import { expectCandorError } from './helpers.js';

await ready();

const T = 1790000123n;

// The message of docs/PROTOCOL.md, written out by hand.
function expectedMessage(logKey: Uint8Array, size: bigint, root: Uint8Array, time: bigint): string {
  return `cosignature/v1\ntime ${time}\ncandor-log-v1/${Buffer.from(logKey).toString('hex')}\n${size}\n${Buffer.from(root).toString('base64')}\n`;
}

// A cosignature made with libsodium itself, from the hand-written message.
function cosign(witness: SignKeyPair, logKey: Uint8Array, size: bigint, root: Uint8Array, time = T): WitnessCosignature {
  const message = new TextEncoder().encode(expectedMessage(logKey, size, root, time));
  return { witness: witness.publicKey, timestamp: time, signature: sodium().crypto_sign_detached(message, witness.secretKey) };
}

function bundle(): { log: TestLog; b: LetterBundle } {
  const rng = new SeededRng(31);
  const log = new TestLog(9);
  const org = addOrganization(log, 'state', 3, rng);
  const letter: Letter = { title: 'Witnessed', body: 'A letter whose bundle is witnessed.', organizations: ['state'] };
  const id = publishLetter(log, letter, [org]);
  return { log, b: log.bundle(id, log.select(id)) };
}

const witnesses = [1, 2, 3, 4].map((i) => generateSignKeyPair(new SeededRng(500 + i)));

describe('witness cosignatures', () => {
  it('sign the C2SP cosignature/v1 message of docs/PROTOCOL.md', () => {
    const { log, b } = bundle();
    const head = b.treeHead.head;
    const message = witnessCosignedMessage(log.key.publicKey, head, T);
    expect(new TextDecoder().decode(message)).toBe(expectedMessage(log.key.publicKey, head.size, head.root, T));
    expect(new TextDecoder().decode(message)).toMatch(/^cosignature\/v1\ntime 1790000123\ncandor-log-v1\/[0-9a-f]{64}\n\d+\n[A-Za-z0-9+/]{43}=\n$/);
    const c = cosign(witnesses[0]!, log.key.publicKey, head.size, head.root);
    verifyWitnessCosignature(c, log.key.publicKey, head);
    // Another time, size, root or log key, or another witness's key: not this cosignature.
    expectCandorError(() => verifyWitnessCosignature({ ...c, timestamp: T + 1n }, log.key.publicKey, head), 'verification failed');
    expectCandorError(() => verifyWitnessCosignature(c, log.key.publicKey, { ...head, size: head.size + 1n }), 'verification failed');
    expectCandorError(() => verifyWitnessCosignature(c, log.key.publicKey, { ...head, root: new Uint8Array(32) }), 'verification failed');
    expectCandorError(() => verifyWitnessCosignature(c, witnesses[1]!.publicKey, head), 'verification failed');
    expectCandorError(() => verifyWitnessCosignature({ ...c, witness: witnesses[1]!.publicKey }, log.key.publicKey, head), 'verification failed');
  });

  it('count each trusted witness once, and nothing else', () => {
    const { log, b } = bundle();
    const head = b.treeHead.head;
    const [w1, w2, w3, w4] = witnesses as [SignKeyPair, SignKeyPair, SignKeyPair, SignKeyPair];
    const good1 = cosign(w1, log.key.publicKey, head.size, head.root);
    const good2 = cosign(w2, log.key.publicKey, head.size, head.root, T + 60n);
    const stranger = cosign(w4, log.key.publicKey, head.size, head.root);
    const bad3 = { ...cosign(w3, log.key.publicKey, head.size, head.root), timestamp: T - 1n };
    const keys = [w1.publicKey, w2.publicKey, w3.publicKey];
    expect(countWitnessCosignatures([good1, good2, stranger, bad3], log.key.publicKey, head, keys)).toBe(2);
    expect(countWitnessCosignatures([good1, good1, good1], log.key.publicKey, head, keys)).toBe(1);
    expect(witnessPolicy([w1.publicKey, w1.publicKey, w2.publicKey])).toEqual({ keys: [w1.publicKey, w2.publicKey], threshold: 2 });
    expectCandorError(() => witnessPolicy(keys, 0), 'invalid argument');
    expectCandorError(() => witnessPolicy(keys, 4), 'invalid argument');
    expectCandorError(() => witnessPolicy([new Uint8Array(31)]), 'invalid argument');
  });

  it('travel in a letter bundle and are checked against witness keys and a threshold', () => {
    const { log, b } = bundle();
    const head = b.treeHead.head;
    const [w1, w2, w3, w4] = witnesses as [SignKeyPair, SignKeyPair, SignKeyPair, SignKeyPair];
    const witnessed: LetterBundle = {
      ...b,
      cosignatures: [
        cosign(w1, log.key.publicKey, head.size, head.root),
        cosign(w2, log.key.publicKey, head.size, head.root),
        cosign(w4, log.key.publicKey, head.size, head.root),
      ],
    };
    const text = dumpJson(letterBundleToJson(witnessed));
    expect(letterBundleFromJson(text)).toEqual(witnessed);
    expect(letterBundleFromJson(dumpJson(letterBundleToJson(b))).cosignatures).toBeUndefined();
    const opts = { minRing: 3 };
    // Without witness keys, cosignatures are carried and not required.
    expect(recountLetterBundle(text, opts).witnessed).toBe(0);
    expect(recountLetterBundle(dumpJson(letterBundleToJson(b)), opts).witnessed).toBe(0);
    const keys = [w1.publicKey, w2.publicKey, w3.publicKey];
    expect(recountLetterBundle(text, { ...opts, witnessKeys: keys, witnessThreshold: 2 }).witnessed).toBe(2);
    expect(
      expectCandorError(() => recountLetterBundle(text, { ...opts, witnessKeys: keys }), 'verification failed').message,
    ).toBe('the tree head carries valid cosignatures from 2 of the given witnesses, fewer than the 3 required');
    expectCandorError(() => recountLetterBundle(dumpJson(letterBundleToJson(b)), { ...opts, witnessKeys: keys, witnessThreshold: 1 }), 'verification failed');
    // A cosignature of another head of the same log does not count for this one.
    const stale: LetterBundle = { ...b, cosignatures: [cosign(w1, log.key.publicKey, head.size - 1n, log.tree.root(Number(head.size) - 1))] };
    expectCandorError(() => recountLetterBundle(dumpJson(letterBundleToJson(stale)), { ...opts, witnessKeys: [w1.publicKey] }), 'verification failed');
  });

  it('are refused in a bundle unless strictly shaped', () => {
    const { log, b } = bundle();
    const head = b.treeHead.head;
    const text = dumpJson(letterBundleToJson({ ...b, cosignatures: [cosign(witnesses[0]!, log.key.publicKey, head.size, head.root)] }));
    const changed = (f: (c: JsonObject, o: JsonObject) => void): string => {
      const o = parseJson(text) as JsonObject;
      f((o.get('cosignatures') as JsonObject[])[0]!, o);
      return dumpJson(o);
    };
    const bad = [
      changed((c) => c.set('extra', parseJson('1'))),
      changed((c) => c.delete('timestamp')),
      changed((c) => c.set('timestamp', parseJson('-1'))),
      text.replace('"timestamp":1790000123', '"timestamp":1.5'),
      text.replace('"timestamp":1790000123', '"timestamp":1e3'),
      changed((c) => c.set('timestamp', '1790000123')),
      changed((c) => c.set('witness', toHex(witnesses[0]!.publicKey).slice(2))),
      changed((c) => c.set('signature', 'zz' + (c.get('signature') as string).slice(2))),
      changed((_c, o) => o.set('cosignatures', {} as unknown as JsonObject)),
      changed((_c, o) => o.set('cosignatures', ['x'])),
    ];
    for (const t of bad) expectCandorError(() => letterBundleFromJson(t), 'invalid argument');
    letterBundleFromJson(changed((_c, o) => o.set('cosignatures', [])));
  });
});
