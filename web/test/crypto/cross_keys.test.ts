// Cross-implementation: key files, co-signatures and log proofs made in TypeScript are accepted
// by the C++ `candor` binary, and the other way round. Needs $CANDOR_BIN (skips without it).
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ready } from '../../src/crypto/sodium.js';
import { toHex, utf8 } from '../../src/crypto/bytes.js';
import {
  changeKeyFilePassphrase,
  createMemberKeyFile,
  kdfModerate,
  openKeyFile,
  parseKeyFile,
} from '../../src/crypto/keyfile.js';
import { generateMemberKeys, type MemberKeys } from '../../src/crypto/keys.js';
import { SeededRng } from '../../src/crypto/rng.js';
import { decodeLrsSignature, Ring } from '../../src/crypto/lrs.js';
import {
  coSignatureFromJson,
  coSignatureToJsonText,
  ringFromJson,
  ringToJson,
  signLetter,
  verifyCoSignature,
} from '../../src/crypto/cosignature.js';
import { computeLetterId } from '../../src/crypto/letter.js';
import { dumpJson, parseJson, type JsonObject } from '../../src/crypto/json.js';
import { verifyConsistency, verifyInclusion } from '../../src/crypto/merkle.js';
import { CANDOR_BIN, candor, SKIP_MESSAGE, TempDir } from './cli.js';
import { expectCandorError, hex } from './helpers.js';
import { TestTree } from './merkle_tree.js';

await ready();
if (!CANDOR_BIN) console.warn(SKIP_MESSAGE);

const PASS = 'correct horse battery staple ✓';
const letterId = computeLetterId({ title: 'Cross-check', body: 'Signed in two languages.', organizations: ['state'] });

// A ring of 20: 19 seeded members and `key` at position 7.
function ringWith(key: Uint8Array, seed: number): { ring: Ring; others: MemberKeys[] } {
  const rng = new SeededRng(seed);
  const others = Array.from({ length: 19 }, () => generateMemberKeys(rng));
  const members = others.map((k) => k.ring.publicKey);
  members.splice(7, 0, key);
  return { ring: Ring.create(members), others };
}

describe.skipIf(!CANDOR_BIN)('TypeScript and the candor binary', () => {
  const dir = new TempDir();
  afterAll(() => dir.remove());

  it('a key file made in TypeScript opens with candor, which signs with it', () => {
    const made = createMemberKeyFile(PASS); // MODERATE, as pinned
    expect(parseKeyFile(made.file).kdf).toEqual(kdfModerate());
    const keyPath = dir.file('ts.key', made.file);
    const shown = parseJson(candor(['key', 'show', '--json', keyPath]).stdout) as JsonObject;
    expect(shown.get('ring_public_key')).toBe(toHex(made.ringPublic));
    expect(shown.get('reply_public_key')).toBe(toHex(made.boxPublic));

    const { ring } = ringWith(made.ringPublic, 1);
    const ringPath = dir.file('ring.json', dumpJson(ringToJson(ring), 2) + '\n');
    const sigPath = `${dir.path}/cpp-sig.json`;
    const signed = candor(['sign', toHex(letterId), '--ring', ringPath, '--key', keyPath, '-o', sigPath], {
      CANDOR_PASSPHRASE: PASS,
    });
    expect(signed.status, signed.stderr).toBe(0);
    expect(signed.stderr).toContain('within a ring of 20 members');

    // The C++ signature verifies here, and links to one made here with the same key.
    const cppSig = coSignatureFromJson(readFileSync(sigPath));
    const cppTag = verifyCoSignature(cppSig, ring);
    const keys = openKeyFile(made.file, PASS);
    const tsSig = signLetter(letterId, 'withdraw', ring, 7, keys.ring.secret);
    expect(toHex(verifyCoSignature(tsSig, ring))).toBe(toHex(cppTag));
    // The ring file reads back identically on both sides.
    expect(toHex(ringFromJson(readFileSync(ringPath)).digest)).toBe(toHex(ring.digest));
    expect(cppSig.ringDigest).toEqual(ring.digest);
    // Both write the same JSON text: `candor sign`'s file is what coSignatureToJsonText writes,
    // and `candor ring create` writes the ring file written here.
    expect(coSignatureToJsonText(cppSig)).toBe(readFileSync(sigPath, 'utf8'));
    const created = `${dir.path}/created-ring.json`;
    const args = ring.members.flatMap((m) => ['--member', toHex(m)]);
    expect(candor(['ring', 'create', '--out', created, ...args]).status).toBe(0);
    expect(readFileSync(created, 'utf8')).toBe(readFileSync(ringPath, 'utf8'));

    const wrong = candor(['sign', toHex(letterId), '--ring', ringPath, '--key', keyPath, '-o', `${sigPath}.2`], {
      CANDOR_PASSPHRASE: PASS + '!',
    });
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain('wrong passphrase');
  }, 60_000);

  it('a key file made by candor keygen opens in TypeScript, whose signatures candor verifies', () => {
    const keyPath = `${dir.path}/cpp.key`;
    const made = candor(['keygen', '--out', keyPath], { CANDOR_PASSPHRASE: PASS });
    expect(made.status, made.stderr).toBe(0);
    const file = new Uint8Array(readFileSync(keyPath));
    expect(parseKeyFile(file).kdf).toEqual(kdfModerate());
    const keys = openKeyFile(file, PASS);
    expect(made.stdout).toContain(`ring public key:  ${toHex(keys.ring.publicKey)}`);
    expect(made.stdout).toContain(`reply public key: ${toHex(keys.box.publicKey)}`);
    expectCandorError(() => openKeyFile(file, 'not it'), 'unauthenticated');

    const { ring } = ringWith(keys.ring.publicKey, 2);
    const ringPath = dir.file('ring2.json', dumpJson(ringToJson(ring), 2) + '\n');
    const sign = signLetter(letterId, 'sign', ring, 7, keys.ring.secret);
    const signPath = dir.file('ts-sign.json', coSignatureToJsonText(sign));
    const ok = candor(['verify', toHex(letterId), '--ring', ringPath, '-s', signPath]);
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toContain('1 valid (0 duplicates, 0 withdrawals), 0 invalid');
    expect(ok.stdout).toContain('Signatories: 1');

    // A second signature by the same key is a duplicate; a withdrawal takes the signer out.
    const again = dir.file('ts-sign2.json', coSignatureToJsonText(signLetter(letterId, 'sign', ring, 7, keys.ring.secret)));
    const withdraw = dir.file('ts-withdraw.json', coSignatureToJsonText(signLetter(letterId, 'withdraw', ring, 7, keys.ring.secret)));
    const counted = candor(['verify', toHex(letterId), '--ring', ringPath, '-s', signPath, again, withdraw]);
    expect(counted.status, counted.stdout).toBe(0);
    expect(counted.stdout).toContain('3 valid (1 duplicates, 1 withdrawals), 0 invalid');
    expect(counted.stdout).toContain('Signatories: 0');

    // Tampered signatures are refused by both.
    const text = coSignatureToJsonText(sign);
    const flipped = text.replace(/"signature": "(.)/, (_m, c: string) => `"signature": "${c === '0' ? '1' : '0'}`);
    const tampered = [
      flipped,
      text.replace('"action": "sign"', '"action": "withdraw"'),
      text.replace(`"letter": "${toHex(letterId)}"`, `"letter": "${'00'.repeat(32)}"`),
      text.replace(/"signature": "([0-9a-f]*)"/, (_m, h: string) => `"signature": "${h.slice(0, -64)}"`),
      text.replace(/"ring_digest": "([0-9a-f]*)"/, `"ring_digest": "${'11'.repeat(32)}"`),
    ];
    tampered.forEach((t, i) => {
      expect(t).not.toBe(text);
      const path = dir.file(`tampered-${i}.json`, t);
      const r = candor(['verify', toHex(letterId), '--ring', ringPath, '-s', path]);
      expect(r.status, `${i}: ${r.stdout}`).toBe(1);
      expect(r.stdout).toContain('INVALID');
      expectCandorError(() => verifyCoSignature(coSignatureFromJson(t), ring));
    });
  }, 60_000);

  it('passphrase changes work both ways', () => {
    const ts = createMemberKeyFile('old one');
    const tsPath = dir.file('ts-passwd.key', ts.file);
    const r = candor(['key', 'passwd', tsPath], { CANDOR_PASSPHRASE: 'old one', CANDOR_NEW_PASSPHRASE: 'new one' });
    expect(r.status, r.stderr).toBe(0);
    const changed = new Uint8Array(readFileSync(tsPath));
    expect(openKeyFile(changed, 'new one').ring.publicKey).toEqual(ts.ringPublic);
    expectCandorError(() => openKeyFile(changed, 'old one'), 'unauthenticated');

    const cppPath = `${dir.path}/cpp-passwd.key`;
    expect(candor(['keygen', '--out', cppPath], { CANDOR_PASSPHRASE: 'first' }).status).toBe(0);
    const moved = changeKeyFilePassphrase(new Uint8Array(readFileSync(cppPath)), 'first', 'second');
    const movedPath = dir.file('cpp-moved.key', moved);
    const keys = openKeyFile(moved, 'second');
    const { ring } = ringWith(keys.ring.publicKey, 3);
    const ringPath = dir.file('ring3.json', dumpJson(ringToJson(ring)));
    const sign = candor(['sign', toHex(letterId), '--ring', ringPath, '--key', movedPath, '-o', `${dir.path}/s3.json`], {
      CANDOR_PASSPHRASE: 'second',
    });
    expect(sign.status, sign.stderr).toBe(0);
    verifyCoSignature(coSignatureFromJson(readFileSync(`${dir.path}/s3.json`)), ring);
    const old = candor(['sign', toHex(letterId), '--ring', ringPath, '--key', movedPath, '-o', `${dir.path}/s4.json`], {
      CANDOR_PASSPHRASE: 'first',
    });
    expect(old.status).toBe(2);
  }, 90_000);

  it('refuses small rings on both sides alike', () => {
    const rng = new SeededRng(4);
    const members = Array.from({ length: 5 }, () => generateMemberKeys(rng));
    const ring = Ring.create(members.map((m) => m.ring.publicKey));
    const ringPath = dir.file('ring5.json', dumpJson(ringToJson(ring)));
    const sigPath = dir.file('sig5.json', coSignatureToJsonText(signLetter(letterId, 'sign', ring, 1, members[1]!.ring.secret)));
    const small = candor(['verify', toHex(letterId), '--ring', ringPath, '-s', sigPath]);
    expect(small.status).toBe(2);
    const allowed = candor(['verify', toHex(letterId), '--ring', ringPath, '-s', sigPath, '--min-ring', '5']);
    expect(allowed.status, allowed.stdout).toBe(0);
    // A ring of one member is still a valid candor-lrs-v1 ring.
    const one = Ring.create([members[0]!.ring.publicKey]);
    const sig = signLetter(letterId, 'sign', one, 0, members[0]!.ring.secret);
    expect(decodeLrsSignature(sig.signature, 1).s.length).toBe(1);
    const r1 = candor([
      'verify', toHex(letterId), '--ring', dir.file('ring1.json', dumpJson(ringToJson(one))),
      '-s', dir.file('sig1.json', coSignatureToJsonText(sig)), '--min-ring', '1',
    ]);
    expect(r1.status, r1.stdout).toBe(0);
  });

  it('log proofs agree: candor\'s verify here, and these verify with candor', () => {
    const entries = Array.from({ length: 21 }, (_, i) => utf8('e'.repeat(i)));
    const entriesPath = dir.file('entries.txt', entries.map(toHex).join('\n'));
    const tree = new TestTree();
    entries.forEach((e) => tree.append(e));
    const root = parseJson(candor(['log', 'root', '--hex', '--entries', entriesPath]).stdout) as JsonObject;
    expect(root.get('root')).toBe(toHex(tree.root()));
    for (const [index, size] of [[0, 1], [5, 13], [12, 13], [20, 21], [16, 21]] as const) {
      const p = parseJson(
        candor(['log', 'prove-inclusion', '--hex', '--entries', entriesPath, '--index', String(index), '--size', String(size)]).stdout,
      ) as JsonObject;
      const proof = (p.get('proof') as string[]).map(hex);
      verifyInclusion(index, size, hex(p.get('leaf_hash') as string), proof, hex(p.get('root') as string));
      expect(proof.map(toHex)).toEqual(tree.inclusion(index, size).map(toHex));
      const mine = dir.file('inc.json', dumpJson({
        type: 'inclusion', index, tree_size: size, leaf_hash: toHex(tree.leaves[index]!),
        root: toHex(tree.root(size)), proof: tree.inclusion(index, size).map(toHex),
      }));
      const v = candor(['log', 'verify-inclusion', mine]);
      expect(v.status, v.stderr).toBe(0);
    }
    for (const [m, n] of [[1, 2], [3, 7], [4, 8], [6, 21], [13, 21], [21, 21]] as const) {
      const p = parseJson(
        candor(['log', 'prove-consistency', '--hex', '--entries', entriesPath, '--old', String(m), '--new', String(n)]).stdout,
      ) as JsonObject;
      const proof = (p.get('proof') as string[]).map(hex);
      verifyConsistency(m, n, hex(p.get('old_root') as string), hex(p.get('new_root') as string), proof);
      expect(proof.map(toHex)).toEqual(tree.consistency(m, n).map(toHex));
      const mine = dir.file('con.json', dumpJson({
        type: 'consistency', old_size: m, new_size: n, old_root: toHex(tree.root(m)),
        new_root: toHex(tree.root(n)), proof: tree.consistency(m, n).map(toHex),
      }));
      const v = candor(['log', 'verify-consistency', mine]);
      expect(v.status, v.stderr).toBe(0);
    }
  });
});
