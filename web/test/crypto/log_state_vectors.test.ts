// tests/vectors/log_state.json (docs/PROTOCOL.md "Log state"; tools/vectors/log_state_vectors.cc):
// state leaves both ways, their root, the `log-state` entry both ways, every leaf's inclusion
// proof (valid ones verify, changed ones are refused) and leaf bytes every decoder refuses. Plus
// the `log-state` entry's own rules, the JSON of a leaf proof and LogState's replay of a log.
import { describe, expect, it } from 'vitest';
import { ready } from '../../src/crypto/sodium.js';
import { u64le, utf8 } from '../../src/crypto/bytes.js';
import { dumpJson, parseJson, type JsonObject } from '../../src/crypto/json.js';
import { computeLetterId, type Letter } from '../../src/crypto/letter.js';
import { decodeLogEntry, encodeLogEntry, logEventToJson, validateLogEvent, type LogStateEvent } from '../../src/crypto/log_entry.js';
import {
  decodeStateLeaf,
  encodeStateLeaf,
  LogState,
  stateLeafProofFromJson,
  stateLeafProofToJson,
  stateRoot,
  verifyStateLeaf,
  type StateLeaf,
  type StateLeafProof,
} from '../../src/crypto/log_state.js';
import { emptyRoot } from '../../src/crypto/merkle.js';
import { tr } from '../../src/crypto/transcript.js';
import { generateMemberKeys } from '../../src/crypto/keys.js';
import { SeededRng } from '../../src/crypto/rng.js';
import { expectCandorError, hex, loadVectors, toHexString } from './helpers.js';
import { TestTree } from './merkle_tree.js';
import { DEFAULT_SETTINGS } from './settings.js';

interface LogStateVectors {
  leaves: (
    | { kind: 'letter'; letter_id: string; last_batch: number; bytes: string }
    | { kind: 'organization'; slug: string; roster_version: number; reviewer_version: number; epoch_version: number; bytes: string }
  )[];
  root: string;
  entry: { size: number; leaves: number; root: string; bytes: string };
  proofs: { description: string; position: number; leaf: string; proof: string[]; valid: boolean }[];
  invalid_leaves: { description: string; bytes: string }[];
}

const v = loadVectors<LogStateVectors>('log_state.json');

await ready();

function leafOf(l: LogStateVectors['leaves'][number]): StateLeaf {
  return l.kind === 'letter'
    ? { kind: 'letter', letter: hex(l.letter_id), lastBatch: BigInt(l.last_batch) }
    : {
        kind: 'organization',
        slug: l.slug,
        rosterVersion: BigInt(l.roster_version),
        reviewerVersion: BigInt(l.reviewer_version),
        epochVersion: BigInt(l.epoch_version),
      };
}

const entry: LogStateEvent = {
  kind: 'log-state',
  size: BigInt(v.entry.size),
  leaves: BigInt(v.entry.leaves),
  root: hex(v.entry.root),
};

function proofOf(p: LogStateVectors['proofs'][number]): StateLeafProof {
  return { leaf: hex(p.leaf), position: BigInt(p.position), proof: p.proof.map(hex) };
}

describe('log_state.json', () => {
  it('has leaves of both kinds, sorted by their bytes', () => {
    expect(v.leaves.map((l) => l.kind)).toEqual(['letter', 'letter', 'letter', 'organization', 'organization']);
    const bytes = v.leaves.map((l) => l.bytes);
    expect([...bytes].sort()).toEqual(bytes); // hex of equal-length prefixes sorts as the bytes do
  });

  for (const l of v.leaves) {
    it(`encodes and decodes the ${l.kind} leaf ${l.kind === 'letter' ? l.letter_id.slice(0, 8) : l.slug}`, () => {
      const leaf = leafOf(l);
      expect(toHexString(encodeStateLeaf(leaf))).toBe(l.bytes);
      expect(decodeStateLeaf(hex(l.bytes))).toEqual(leaf);
    });
  }

  it('computes the root of the leaves, and LogState commits to them', () => {
    const leaves = v.leaves.map((l) => hex(l.bytes));
    expect(toHexString(stateRoot(leaves))).toBe(v.root);
    const tree = new TestTree();
    for (const l of leaves) tree.append(l);
    expect(toHexString(tree.root())).toBe(v.root);
    // The same state, set in another order, gives the same sorted leaves and entry.
    const state = new LogState();
    for (const l of [...v.leaves].reverse()) {
      const leaf = leafOf(l);
      if (leaf.kind === 'letter') state.setLetter(leaf.letter, leaf.lastBatch);
      else state.setOrganization(leaf);
    }
    expect(state.leaves().map(toHexString)).toEqual(v.leaves.map((l) => l.bytes));
    expect(state.commit(BigInt(v.entry.size))).toEqual(entry);
    expect([state.letterCount, state.organizationCount]).toEqual([3, 2]);
    expect(toHexString(stateRoot([]))).toBe(toHexString(emptyRoot()));
  });

  it('decodes and encodes the log-state entry', () => {
    expect(v.entry.root).toBe(v.root);
    const bytes = hex(v.entry.bytes);
    expect(decodeLogEntry(bytes)).toEqual(entry);
    expect(toHexString(encodeLogEntry(entry))).toBe(v.entry.bytes);
    expect(dumpJson(logEventToJson(entry))).toBe(`{"kind":"log-state","leaves":5,"root":"${v.root}","size":1234}`);
  });

  for (const p of v.proofs) {
    it(`${p.valid ? 'verifies' : 'refuses'} the proof: ${p.description}`, () => {
      const proof = proofOf(p);
      if (p.valid) {
        const leaf = verifyStateLeaf(entry, proof);
        expect(toHexString(encodeStateLeaf(leaf))).toBe(p.leaf);
        expect(toHexString(encodeStateLeaf(leaf))).toBe(v.leaves[p.position]!.bytes);
        // The test tree's path from the RFC's definition is the same.
        const tree = new TestTree();
        for (const l of v.leaves) tree.append(hex(l.bytes));
        expect(tree.inclusion(p.position).map(toHexString)).toEqual(p.proof);
      } else {
        const err = expectCandorError(() => verifyStateLeaf(entry, proof), 'verification failed');
        expect(err.message).toMatch(/^a leaf's proof does not check against the log state: /);
      }
    });
  }

  it('refuses a valid proof against another root or leaf count', () => {
    const proof = proofOf(v.proofs[0]!);
    expectCandorError(() => verifyStateLeaf({ ...entry, root: new Uint8Array(32) }, proof), 'verification failed');
    expectCandorError(() => verifyStateLeaf({ ...entry, leaves: 4n }, proof), 'verification failed');
    // (Leaf 0 has the same path in trees of 5 to 8 leaves: the root binds the count, as in RFC 9162.)
    expect(verifyStateLeaf({ ...entry, leaves: 8n }, proof)).toEqual(leafOf(v.leaves[0]!));
    expectCandorError(() => verifyStateLeaf({ ...entry, leaves: 0n, root: emptyRoot() }, proof), 'verification failed');
  });

  for (const bad of v.invalid_leaves) {
    it(`refuses the leaf bytes: ${bad.description}`, () => {
      expectCandorError(() => decodeStateLeaf(hex(bad.bytes)), 'invalid argument');
    });
  }

  it('says why a leaf does not decode', () => {
    const message = (d: string) => expectCandorError(() => decodeStateLeaf(hex(v.invalid_leaves.find((b) => b.description === d)!.bytes))).message;
    expect(message('another label')).toBe('not a log state leaf');
    expect(message('unknown kind')).toBe('not a log state leaf of a known kind');
    expect(message('one field too many')).toBe('not a log state leaf of a known kind');
    expect(message('organization without its epoch')).toBe('not a log state leaf of a known kind');
    expect(message('letter id of 31 bytes')).toBe("a log state leaf's letter id must be 32 bytes, got 31");
    expect(message('number of 7 bytes')).toBe("a log state leaf's number must be 8 bytes");
    expect(message('invalid slug')).toBe("a log state leaf: the organization's slug may contain only lowercase letters a-z, digits and '-'");
    expect(message('a byte after the last field')).toBe('truncated (in a length)');
    expect(expectCandorError(() => decodeStateLeaf(new Uint8Array(0))).message).toBe('not a log state leaf');
    // Seven parts: refused before the eighth is read.
    const seven = tr('candor/v1/log-state-leaf', utf8('organization'), utf8('state'), u64le(1), u64le(1), u64le(1), u64le(1));
    expect(expectCandorError(() => decodeStateLeaf(seven), 'invalid argument').message).toBe('more than 6 transcript parts');
    const dash = tr('candor/v1/log-state-leaf', utf8('organization'), utf8('-state'), u64le(1), u64le(1), u64le(1));
    expect(expectCandorError(() => decodeStateLeaf(dash), 'invalid argument').message).toMatch(/^a log state leaf: /);
  });
});

describe('the log-state entry', () => {
  const entryOf = (...fields: Uint8Array[]) => tr('candor/v1/log-entry', utf8('log-state'), ...fields);

  it('has an empty state with the empty tree root only', () => {
    const empty: LogStateEvent = { kind: 'log-state', size: 0n, leaves: 0n, root: emptyRoot() };
    expect(decodeLogEntry(encodeLogEntry(empty))).toEqual(empty);
    const bad = entryOf(u64le(7), u64le(0), new Uint8Array(32));
    expect(expectCandorError(() => decodeLogEntry(bad), 'invalid argument').message).toBe(
      "log entry 'log-state': an empty state has another root than the empty tree's",
    );
    expectCandorError(() => validateLogEvent({ ...empty, root: new Uint8Array(32) }), 'invalid argument');
    // Any root goes with a state of leaves (only a full audit can tell).
    expect(decodeLogEntry(entryOf(u64le(7), u64le(1), new Uint8Array(32)))).toMatchObject({ size: 7n, leaves: 1n });
  });

  it('refuses fields of the wrong number or length', () => {
    const cases: [Uint8Array, string][] = [
      [entryOf(u64le(1), u64le(1)), "log entry 'log-state': expected 3 fields, got 2"],
      [entryOf(u64le(1), u64le(1), new Uint8Array(32), new Uint8Array(0)), "log entry 'log-state': expected 3 fields, got 4"],
      [entryOf(new Uint8Array(7), u64le(1), new Uint8Array(32)), "log entry 'log-state': the size must be 8 bytes"],
      [entryOf(u64le(1), new Uint8Array(9), new Uint8Array(32)), "log entry 'log-state': the leaf count must be 8 bytes"],
      [entryOf(u64le(1), u64le(1), new Uint8Array(31)), "log entry 'log-state': the root must be 32 bytes"],
    ];
    for (const [bytes, message] of cases) expect(expectCandorError(() => decodeLogEntry(bytes), 'invalid argument').message).toBe(message);
    const trailing = new Uint8Array([...hex(v.entry.bytes), 0]);
    expectCandorError(() => decodeLogEntry(trailing), 'invalid argument');
  });
});

describe('leaf proofs as JSON', () => {
  const valid = v.proofs[0]!;
  const text = dumpJson(stateLeafProofToJson(proofOf(valid)));

  it('reads and writes exactly {"leaf", "position", "proof"}', () => {
    expect(text).toBe(dumpJson({ leaf: valid.leaf, position: valid.position, proof: valid.proof }));
    expect(stateLeafProofFromJson(parseJson(text), 'state leaf 0')).toEqual(proofOf(valid));
  });

  it('refuses any other shape', () => {
    const changed = (f: (o: JsonObject) => void) => {
      const o = parseJson(text) as JsonObject;
      f(o);
      return parseJson(dumpJson(o));
    };
    const bad: [ReturnType<typeof parseJson>, string][] = [
      [changed((o) => o.set('extra', null)), "unknown field 'extra' in state leaf 0"],
      [changed((o) => o.delete('leaf')), "state leaf 0 lacks the field 'leaf'"],
      [changed((o) => o.delete('position')), "state leaf 0 lacks the field 'position'"],
      [changed((o) => o.delete('proof')), "state leaf 0 lacks the field 'proof'"],
      [changed((o) => o.set('position', parseJson('-1'))), "'position' in state leaf 0 must be a whole number ≥ 0"],
      [parseJson(text.replace('"position":0', '"position":0.0')), "'position' in state leaf 0 must be a whole number ≥ 0"],
      [changed((o) => o.set('leaf', 5 as never)), "'leaf' in state leaf 0 must be a string"],
      [changed((o) => o.set('proof', 'x')), "'proof' in state leaf 0 must be a list of hashes"],
      [changed((o) => o.set('proof', Array.from({ length: 65 }, () => '00'.repeat(32)))), "'proof' in state leaf 0 has 65 hashes; a proof has at most 64"],
      [changed((o) => o.set('proof', [parseJson('1')])), 'proof hash 0 in state leaf 0 must be a string'],
      [parseJson('[]'), 'state leaf 0 must be a JSON object'],
    ];
    for (const [j, message] of bad) expect(expectCandorError(() => stateLeafProofFromJson(j, 'state leaf 0'), 'invalid argument').message).toBe(message);
    expectCandorError(() => stateLeafProofFromJson(changed((o) => o.set('leaf', 'abc')), 'state leaf 0'), 'invalid argument');
    expectCandorError(() => stateLeafProofFromJson(changed((o) => o.set('proof', ['00'])), 'state leaf 0'), 'invalid argument');
    // 64 hashes is the most a path can have: read (and refused later, by the verifier).
    const long = stateLeafProofFromJson(changed((o) => o.set('proof', Array.from({ length: 64 }, () => '00'.repeat(32)))), 'state leaf 0');
    expect(long.proof).toHaveLength(64);
    expectCandorError(() => verifyStateLeaf(entry, long), 'verification failed');
  });
});

describe('LogState.replay', () => {
  it('commits to the letters and organizations of a log, and refuses a false commitment', () => {
    const rng = new SeededRng(3);
    const k = [generateMemberKeys(rng), generateMemberKeys(rng)];
    const letter: Letter = { title: 'T', body: 'B', organizations: ['state'] };
    const id = computeLetterId(letter);
    const state = new LogState();
    let index = 0n;
    const replay = (ev: Parameters<LogState['replay']>[1]) => state.replay(index++, ev);
    replay({ kind: 'organization-created', slug: 'state', name: 'State', demo: false, settings: DEFAULT_SETTINGS });
    replay({ kind: 'organization-created', slug: 'quiet', name: 'Quiet', demo: false, settings: DEFAULT_SETTINGS });
    replay({ kind: 'roster-add', slug: 'state', version: 1n, ringPublic: k[0]!.ring.publicKey, replyPublic: k[0]!.box.publicKey });
    replay({ kind: 'roster-add', slug: 'state', version: 2n, ringPublic: k[1]!.ring.publicKey, replyPublic: k[1]!.box.publicKey });
    replay({ kind: 'reviewer-key', slug: 'state', accountId: 1n, boxPublic: k[0]!.box.publicKey }); // no version: counts for nothing
    replay({ kind: 'reviewer', slug: 'state', version: 1n, accountId: 2n, username: 'ann', boxPublic: k[1]!.box.publicKey });
    replay({ kind: 'roster-epoch', slug: 'state', version: 2n });
    replay({ kind: 'letter', letter, rosterVersions: [2n] });
    replay({ kind: 'signature-batch', letter: id, batch: 1n, count: 1n, publishedAtMs: 1n });
    const early = state.commit(index);
    replay({ kind: 'roster-remove', slug: 'state', version: 3n, ringPublic: k[0]!.ring.publicKey });
    replay({ kind: 'reviewer-removed', slug: 'state', version: 2n, accountId: 2n });
    replay({ kind: 'signature-batch', letter: id, batch: 2n, count: 1n, publishedAtMs: 2n });
    const expected = [
      { kind: 'letter', letter: id, lastBatch: 2n },
      { kind: 'organization', slug: 'quiet', rosterVersion: 0n, reviewerVersion: 0n, epochVersion: 0n },
      { kind: 'organization', slug: 'state', rosterVersion: 3n, reviewerVersion: 2n, epochVersion: 2n },
    ] as const;
    expect(state.leaves().map((l) => decodeStateLeaf(l))).toEqual(expected);
    const commitment = state.commit(index);
    expect(toHexString(early.root)).not.toBe(toHexString(commitment.root));
    expect(commitment.leaves).toBe(3n);
    expect(toHexString(commitment.root)).toBe(toHexString(stateRoot(expected.map((l) => encodeStateLeaf(l)))));
    // A second letter entry of the same letter keeps its batch.
    replay({ kind: 'letter', letter, rosterVersions: [3n] });
    expect(decodeStateLeaf(state.leaves()[0]!)).toEqual(expected[0]);
    const good = state.commit(index);
    const cases: [string, LogStateEvent][] = [
      ['another size', { ...good, size: index + 1n }],
      ['another leaf count', { ...good, leaves: 4n }],
      ['another root', { ...good, root: emptyRoot() }],
      ['an older state', { ...early, size: index }],
    ];
    for (const [what, ev] of cases) {
      const copy = new LogState();
      for (const l of state.leaves()) {
        const leaf = decodeStateLeaf(l);
        if (leaf.kind === 'letter') copy.setLetter(leaf.letter, leaf.lastBatch);
        else copy.setOrganization(leaf);
      }
      const err = expectCandorError(() => copy.replay(index, ev), 'verification failed');
      expect(err.message, what).toBe(
        `log entry ${index} (log-state) does not commit to what the log holds before it: a full replay gives 1 letters and 2 organizations with another root`,
      );
    }
    replay(good); // the true one
    // The log-state entry itself counts for nothing in the next state.
    expect(state.commit(index).root).toEqual(good.root);
  });
});
