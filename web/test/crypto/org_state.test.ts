// Organization state proofs (org_state.ts, docs/PROTOCOL.md "Organization state"): logs built
// here with the TypeScript encoders, proofs against a signed head of a test tree, and every
// check of VerifyOrgState, each with the C++ verifier's wording.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ready } from '../../src/crypto/sodium.js';
import { u64le, utf8 } from '../../src/crypto/bytes.js';
import { generateSignKeyPair } from '../../src/crypto/ed25519.js';
import { dumpJson, parseJson, type JsonObject } from '../../src/crypto/json.js';
import { generateMemberKeys, type MemberKeys } from '../../src/crypto/keys.js';
import { decodeLogEntry, encodeLogEntry, type LogEvent } from '../../src/crypto/log_entry.js';
import {
  cableRingFor,
  keyFingerprint,
  orgStateFromJson,
  orgStateToJson,
  ringsAt,
  verifyOrgState,
  type OrgStateProof,
} from '../../src/crypto/org_state.js';
import { LogState } from '../../src/crypto/log_state.js';
import { SeededRng } from '../../src/crypto/rng.js';
import { tr } from '../../src/crypto/transcript.js';
import { signTreeHead } from '../../src/crypto/tree_head.js';
import {
  addMember,
  addOrganization,
  appendLogState,
  organizationLeaf,
  proveStateLeaf,
  removeMember,
  TestLog,
  type TestOrg,
} from './fixture.js';
import { expectCandorError, toHexString } from './helpers.js';

await ready();

const STATE_KINDS = new Set(['roster-add', 'roster-remove', 'reviewer', 'reviewer-key', 'reviewer-removed', 'roster-epoch']);

// What the server's GET …/state selects: the organization's entries of the six kinds.
function select(log: TestLog, slug: string): number[] {
  const out: number[] = [];
  log.entries.forEach((bytes, i) => {
    let ev: LogEvent;
    try {
      ev = decodeLogEntry(bytes);
    } catch {
      return;
    }
    if (STATE_KINDS.has(ev.kind) && 'slug' in ev && ev.slug === slug) out.push(i);
  });
  return out;
}

// A proof of the entries at `indices` (default: the organization's) against a fresh head of the
// whole log, signed by `signer` (default: the log's own key).
function proofOf(log: TestLog, slug: string, indices = select(log, slug), signer = log.key): OrgStateProof {
  const size = log.entries.length;
  const sth = signTreeHead({ size: BigInt(size), root: log.tree.root(size), timestampMs: log.timestampMs }, signer.secretKey);
  return {
    organization: slug,
    logPublicKey: log.key.publicKey,
    treeHead: sth,
    entries: indices.map((i) => ({ index: BigInt(i), entry: log.entries[i]!, proof: log.tree.inclusion(i, size) })),
  };
}

interface Scenario {
  log: TestLog;
  state: TestOrg;
  rng: SeededRng;
  removed: MemberKeys; // left at version 23
  late: MemberKeys; // joined at version 24
  reviewerKeys: MemberKeys[];
}

// 'state': 22 members, an epoch at 22, a removal (23) and a late member (24), an epoch at 24;
// reviewers 3 (named, key replaced later), 1 (an older "reviewer-key" entry, no version) and 2
// (named, then removed), reviewer versions 1 … 4; 'usaid' and a cable event interleaved.
function scenario(): Scenario {
  const rng = new SeededRng(611);
  const log = new TestLog(3);
  const state = addOrganization(log, 'state', 12, rng);
  const usaid = addOrganization(log, 'usaid', 4, rng);
  const reviewerKeys = [generateMemberKeys(rng), generateMemberKeys(rng), generateMemberKeys(rng), generateMemberKeys(rng)];
  log.append({ kind: 'reviewer', slug: 'state', version: 1n, accountId: 3n, username: 'ann.lee', boxPublic: reviewerKeys[0]!.box.publicKey });
  for (let i = 0; i < 10; i++) addMember(log, state, generateMemberKeys(rng));
  log.append({ kind: 'reviewer-key', slug: 'state', accountId: 1n, boxPublic: reviewerKeys[1]!.box.publicKey });
  log.append({ kind: 'reviewer', slug: 'state', version: 2n, accountId: 2n, username: 'bob', boxPublic: reviewerKeys[2]!.box.publicKey });
  log.append({ kind: 'roster-epoch', slug: 'state', version: 22n });
  addMember(log, usaid, generateMemberKeys(rng));
  log.append({ kind: 'roster-epoch', slug: 'usaid', version: 5n });
  log.append({
    kind: 'cable-event',
    slug: 'state',
    cable: new Uint8Array(32).fill(4),
    seq: 1n,
    action: 'submitted',
    digest: new Uint8Array(32).fill(5),
    date: '2026-12-01',
  });
  const removed = state.members[5]!;
  removeMember(log, state, 5);
  log.append({ kind: 'reviewer-removed', slug: 'state', version: 3n, accountId: 2n });
  const late = generateMemberKeys(rng);
  addMember(log, state, late);
  log.append({ kind: 'reviewer', slug: 'state', version: 4n, accountId: 3n, username: 'ann.lee', boxPublic: reviewerKeys[3]!.box.publicKey });
  log.append({ kind: 'roster-epoch', slug: 'state', version: 24n });
  return { log, state, rng, removed, late, reviewerKeys };
}

// A small log for one rule: 'state' with three members, then `more`; the proof holds every
// entry after the organization-created one, whatever it is.
function small(more: (log: TestLog, org: TestOrg, rng: SeededRng) => void): OrgStateProof {
  const rng = new SeededRng(97);
  const log = new TestLog(5);
  const org = addOrganization(log, 'state', 3, rng);
  more(log, org, rng);
  return proofOf(log, 'state', log.entries.map((_, i) => i).slice(1));
}

function failure(proof: OrgStateProof, key = proof.logPublicKey, slug = 'state'): string {
  return expectCandorError(() => verifyOrgState(proof, key, slug), 'verification failed').message;
}

describe('organization state', () => {
  it('verifies a valid state: rosters, the last two epochs, reviewers by account id', () => {
    const s = scenario();
    const proof = proofOf(s.log, 'state');
    const state = verifyOrgState(proof, s.log.key.publicKey, 'state');
    expect(state.organization).toBe('state');
    expect(state.roster.version).toBe(24n);
    expect(state.roster.members(22n)).toHaveLength(22);
    expect(state.roster.members(24n)).toHaveLength(22);
    expect(state.epochVersions).toEqual([24n, 22n]);
    expect(state.reviewers.map((r) => [r.accountId, r.username, toHexString(r.boxPublic)])).toEqual([
      [1n, '', toHexString(s.reviewerKeys[1]!.box.publicKey)],
      [3n, 'ann.lee', toHexString(s.reviewerKeys[3]!.box.publicKey)],
    ]);
    // Each reviewer's log index is that of the entry that set the key now in use.
    for (const r of state.reviewers) {
      const ev = decodeLogEntry(s.log.entries[Number(r.logIndex)]!);
      expect(ev.kind === 'reviewer' || ev.kind === 'reviewer-key').toBe(true);
      if (ev.kind === 'reviewer' || ev.kind === 'reviewer-key') expect(toHexString(ev.boxPublic)).toBe(toHexString(r.boxPublic));
    }
    expect(state.treeHead).toBe(proof.treeHead);
  });

  it('gives a member the ring of an epoch, and says plainly when the key is not in it', () => {
    const s = scenario();
    const state = verifyOrgState(proofOf(s.log, 'state'), s.log.key.publicKey, 'state');
    const me = s.state.members[0]!.ring.publicKey;
    expect(cableRingFor(state, 24n, me)).toEqual(state.roster.members(24n));
    expect(ringsAt(state, 24n)).toEqual([state.roster.members(24n)]);
    // The bucket rule applies to cables as to letters.
    const buckets = ringsAt(state, 24n, 8);
    expect(buckets.map((b) => b.length)).toEqual([8, 7, 7]);
    const mine = cableRingFor(state, 24n, me, 8);
    expect(buckets.map((b) => b.map(toHexString))).toContainEqual(mine.map(toHexString));
    expect(mine.some((k) => toHexString(k) === toHexString(me))).toBe(true);
    // Removed at 23: still in the epoch of 22, not in that of 24.
    expect(cableRingFor(state, 22n, s.removed.ring.publicKey)).toHaveLength(22);
    expect(expectCandorError(() => cableRingFor(state, 24n, s.removed.ring.publicKey), 'not found').message).toBe(
      "your key is not in roster version 24 of 'state' (a member enrolled since then can write anonymously after the next batch)",
    );
    // Enrolled at 24: not in the epoch of 22.
    expectCandorError(() => cableRingFor(state, 22n, s.late.ring.publicKey), 'not found');
    expectCandorError(() => ringsAt(state, 25n), 'not found');
  });

  it('has no epoch before the first, and keeps only the last two', () => {
    expect(verifyOrgState(small(() => undefined), small(() => undefined).logPublicKey, 'state').epochVersions).toEqual([]);
    const proof = small((log, org, rng) => {
      log.append({ kind: 'roster-epoch', slug: 'state', version: 1n });
      log.append({ kind: 'roster-epoch', slug: 'state', version: 3n });
      addMember(log, org, generateMemberKeys(rng));
      log.append({ kind: 'roster-epoch', slug: 'state', version: 4n });
    });
    expect(verifyOrgState(proof, proof.logPublicKey, 'state').epochVersions).toEqual([4n, 3n]);
  });

  it('reads and writes the JSON strictly, ignoring a page member', () => {
    const s = scenario();
    const proof = proofOf(s.log, 'state');
    const text = dumpJson(orgStateToJson(proof));
    expect(orgStateFromJson(text)).toEqual(proof);
    const json = parseJson(text) as JsonObject;
    json.set('page', parseJson('{"start":0,"next":null,"entries":41}'));
    const parsed = orgStateFromJson(utf8(dumpJson(json)));
    expect(parsed).toEqual(proof);
    verifyOrgState(parsed, s.log.key.publicKey, 'state');

    const changed = (f: (o: JsonObject) => void): string => {
      const o = parseJson(text) as JsonObject;
      f(o);
      return dumpJson(o);
    };
    const bad: [string, string][] = [
      [changed((o) => o.set('extra', null)), "unknown field 'extra' in the organization state"],
      [changed((o) => o.set('cosignatures', [])), "unknown field 'cosignatures' in the organization state"],
      [changed((o) => o.delete('entries')), "the organization state lacks the field 'entries'"],
      [changed((o) => o.delete('tree_head')), "the organization state lacks the field 'tree_head'"],
      [changed((o) => o.set('format', 'candor-letter-bundle-v1')), "not an organization state (format 'candor-org-state-v1')"],
      [changed((o) => o.set('entries', {} as unknown as JsonObject)), "'entries' in the organization state must be a list"],
      [changed((o) => o.set('organization', null)), "'organization' in the organization state must be a string"],
      [changed((o) => o.set('format', true)), "'format' in the organization state must be a string"],
      ['[]', 'the organization state must be a JSON object'],
    ];
    for (const [t, message] of bad) expect(expectCandorError(() => orgStateFromJson(t), 'invalid argument').message).toBe(message);
    expectCandorError(() => orgStateFromJson(changed((o) => o.set('log_public_key', 'ab'))), 'invalid argument');
    expectCandorError(() => orgStateFromJson(text.replace('"tree_size":', '"tree_size":-')), 'invalid argument');
    expectCandorError(() => orgStateFromJson(text.replace('"index":', '"extra":1,"index":')), 'invalid argument');
  });

  it('refuses a state that leaves out a roster version (a gap)', () => {
    const s = scenario();
    const indices = select(s.log, 'state');
    const gap = indices.filter((i) => {
      const ev = decodeLogEntry(s.log.entries[i]!);
      return !(ev.kind === 'roster-add' && ev.version === 7n);
    });
    expect(gap.length).toBe(indices.length - 1);
    // Versions 1 … 6 are entries 0 … 5; entry 6 is version 8.
    expect(failure(proofOf(s.log, 'state', gap))).toBe(
      `organization state entry 6 (log index ${gap[6]}): roster version 8 is out of sequence: expected version 7`,
    );
  });

  it('refuses a state that leaves out a reviewer change, or repeats a reviewer version', () => {
    const s = scenario();
    const indices = select(s.log, 'state');
    const at = (kind: string, version: bigint): number =>
      indices.find((i) => {
        const ev = decodeLogEntry(s.log.entries[i]!);
        return ev.kind === kind && 'version' in ev && ev.version === version;
      })!;
    // Reviewer versions 1 … 4 are the "reviewer" and "reviewer-removed" entries; the older
    // "reviewer-key" entry between them carries none and does not count.
    const versions = indices
      .map((i) => decodeLogEntry(s.log.entries[i]!))
      .flatMap((ev) => (ev.kind === 'reviewer' || ev.kind === 'reviewer-removed' ? [ev.version] : []));
    expect(versions).toEqual([1n, 2n, 3n, 4n]);
    const without = (left: number): { proof: OrgStateProof; pos: (i: number) => number } => {
      const kept = indices.filter((i) => i !== left);
      return { proof: proofOf(s.log, 'state', kept), pos: (i) => kept.indexOf(i) };
    };
    // Bob's removal (version 3) left out, so that he would still receive cables: version 4 shows it.
    const removal = without(at('reviewer-removed', 3n));
    const v4 = at('reviewer', 4n);
    expect(failure(removal.proof)).toBe(
      `organization state entry ${removal.pos(v4)} (log index ${v4}): reviewer version 4 follows version 2: a reviewer change is missing`,
    );
    // The first reviewer change left out.
    const first = without(at('reviewer', 1n));
    const v2 = at('reviewer', 2n);
    expect(failure(first.proof)).toBe(
      `organization state entry ${first.pos(v2)} (log index ${v2}): reviewer version 2 follows version 0: a reviewer change is missing`,
    );

    // A version logged twice, by a "reviewer" or a "reviewer-removed" entry, or one that goes back.
    const k = [generateMemberKeys(new SeededRng(12)), generateMemberKeys(new SeededRng(13))];
    const twice = small((log) => {
      log.append({ kind: 'reviewer', slug: 'state', version: 1n, accountId: 4n, username: 'dee', boxPublic: k[0]!.box.publicKey });
      log.append({ kind: 'reviewer', slug: 'state', version: 1n, accountId: 5n, username: 'eve', boxPublic: k[1]!.box.publicKey });
    });
    expect(failure(twice)).toBe(
      'organization state entry 4 (log index 5): reviewer version 1 follows version 1: a reviewer change is missing',
    );
    const removedTwice = small((log) => {
      log.append({ kind: 'reviewer', slug: 'state', version: 1n, accountId: 4n, username: 'dee', boxPublic: k[0]!.box.publicKey });
      log.append({ kind: 'reviewer', slug: 'state', version: 2n, accountId: 5n, username: 'eve', boxPublic: k[1]!.box.publicKey });
      log.append({ kind: 'reviewer-removed', slug: 'state', version: 2n, accountId: 4n });
    });
    expect(failure(removedTwice)).toBe(
      'organization state entry 5 (log index 6): reviewer version 2 follows version 2: a reviewer change is missing',
    );
    const back = small((log) => {
      log.append({ kind: 'reviewer', slug: 'state', version: 1n, accountId: 4n, username: 'dee', boxPublic: k[0]!.box.publicKey });
      log.append({ kind: 'reviewer', slug: 'state', version: 2n, accountId: 5n, username: 'eve', boxPublic: k[1]!.box.publicKey });
      log.append({ kind: 'reviewer-removed', slug: 'state', version: 1n, accountId: 4n });
    });
    expect(failure(back)).toMatch(/: reviewer version 1 follows version 2: a reviewer change is missing$/);
    // A log whose first reviewer change is not version 1.
    const late = small((log) =>
      log.append({ kind: 'reviewer', slug: 'state', version: 2n, accountId: 4n, username: 'dee', boxPublic: k[0]!.box.publicKey }),
    );
    expect(failure(late)).toBe(
      'organization state entry 3 (log index 4): reviewer version 2 follows version 0: a reviewer change is missing',
    );
    // Versions count per organization: 'usaid' numbers its own from 1.
    const log = new TestLog(5);
    const rng = new SeededRng(14);
    addOrganization(log, 'state', 1, rng);
    addOrganization(log, 'usaid', 1, rng);
    log.append({ kind: 'reviewer', slug: 'usaid', version: 1n, accountId: 6n, username: 'fay', boxPublic: k[1]!.box.publicKey });
    log.append({ kind: 'reviewer', slug: 'usaid', version: 2n, accountId: 7n, username: 'gus', boxPublic: k[0]!.box.publicKey });
    log.append({ kind: 'reviewer', slug: 'state', version: 1n, accountId: 4n, username: 'dee', boxPublic: k[0]!.box.publicKey });
    expect(verifyOrgState(proofOf(log, 'state'), log.key.publicKey, 'state').reviewers.map((r) => r.username)).toEqual(['dee']);
    expect(verifyOrgState(proofOf(log, 'usaid'), log.key.publicKey, 'usaid').reviewers.map((r) => r.username)).toEqual(['fay', 'gus']);
  });

  it('refuses entries of another organization', () => {
    const s = scenario();
    const usaidAdd = select(s.log, 'usaid')[0]!;
    const indices = [...select(s.log, 'state'), usaidAdd].sort((a, b) => a - b);
    const at = indices.indexOf(usaidAdd);
    expect(failure(proofOf(s.log, 'state', indices))).toBe(`organization state entry ${at} (log index ${usaidAdd}): a roster entry of another organization`);
    expect(failure(small((log) => log.append({ kind: 'reviewer', slug: 'usaid', version: 1n, accountId: 1n, username: 'x', boxPublic: generateMemberKeys(new SeededRng(1)).box.publicKey })))).toMatch(
      /a reviewer of another organization$/,
    );
    expect(failure(small((log) => log.append({ kind: 'reviewer-removed', slug: 'usaid', version: 1n, accountId: 1n })))).toMatch(/a reviewer of another organization$/);
    expect(failure(small((log) => log.append({ kind: 'roster-epoch', slug: 'usaid', version: 1n })))).toMatch(/a roster epoch of another organization$/);
    // The proof of another organization's state.
    expect(failure(proofOf(s.log, 'state'), s.log.key.publicKey, 'usaid')).toBe("the server sent the state of 'state', not of 'usaid'");
  });

  it('refuses entries of other kinds, and entries that do not decode', () => {
    const s = scenario();
    const created = 0; // organization-created of 'state'
    const indices = [created, ...select(s.log, 'state')];
    expect(failure(proofOf(s.log, 'state', indices))).toBe(
      "organization state entry 0 (log index 0): an entry of a kind an organization state does not hold ('organization-created')",
    );
    const rng = new SeededRng(97);
    const log = new TestLog(5);
    addOrganization(log, 'state', 3, rng);
    log.append(tr('candor/v1/log-entry', utf8('roster-epoch'), utf8('state'), u64le(0)));
    const junk = proofOf(log, 'state', [1, 2, 3, 4]);
    expect(failure(junk)).toBe("organization state entry 3 (log index 4): log entry 'roster-epoch': the version must be at least 1");
    const unknown = new TestLog(5);
    unknown.append(tr('candor/v1/log-entry', utf8('roster-epochs'), utf8('state'), u64le(1)));
    expect(failure(proofOf(unknown, 'state', [0]))).toBe("organization state entry 0 (log index 0): unknown log entry kind 'roster-epochs'");
  });

  it('refuses a bad inclusion proof, an index beyond the head, and entries out of order', () => {
    const s = scenario();
    const proof = proofOf(s.log, 'state');
    const tampered = structuredClone(proof);
    tampered.entries[4]!.proof[0]![0]! ^= 1;
    expect(failure(tampered)).toBe(
      `organization state entry 4 (log index ${proof.entries[4]!.index}): its inclusion proof does not check against the tree head`,
    );
    const moved = structuredClone(proof);
    moved.entries[2]!.index += 1n;
    expect(failure(moved)).toMatch(/^organization state entry 2 .*its inclusion proof does not check against the tree head$/);
    const beyond = structuredClone(proof);
    beyond.entries[beyond.entries.length - 1]!.index = proof.treeHead.head.size;
    expect(failure(beyond)).toMatch(/it lies beyond the tree head$/);
    // Two reviewer entries in the wrong order (each applies; the order check refuses the second).
    const rev = proof.entries.findIndex((e) => decodeLogEntry(e.entry).kind === 'reviewer-key');
    expect(decodeLogEntry(proof.entries[rev + 1]!.entry).kind).toBe('reviewer');
    const swapped = structuredClone(proof);
    [swapped.entries[rev], swapped.entries[rev + 1]] = [swapped.entries[rev + 1]!, swapped.entries[rev]!];
    expect(failure(swapped)).toBe(
      `organization state entry ${rev + 1} (log index ${proof.entries[rev]!.index}): entries must be in strictly increasing log index`,
    );
    const repeated = structuredClone(proof);
    repeated.entries.splice(4, 0, repeated.entries[3]!);
    expect(failure(repeated)).toMatch(/entries must be in strictly increasing log index$/);
  });

  it('refuses a state of another log key, or a head its key did not sign', () => {
    const s = scenario();
    const proof = proofOf(s.log, 'state');
    const other = generateSignKeyPair(new SeededRng(8)).publicKey;
    expect(failure(proof, other)).toBe(
      `the organization state comes from log key ${toHexString(s.log.key.publicKey)}, not the pinned log key ${toHexString(other)}`,
    );
    const forged = proofOf(s.log, 'state', undefined, generateSignKeyPair(new SeededRng(9)));
    expect(failure(forged)).toBe("the organization state's tree head is not signed by the log key");
    const resized = structuredClone(proof);
    resized.treeHead.head.size += 1n;
    expect(failure(resized)).toBe("the organization state's tree head is not signed by the log key");
  });

  it('refuses epochs that do not increase or name a version not logged before them', () => {
    const again = small((log) => {
      log.append({ kind: 'roster-epoch', slug: 'state', version: 3n });
      log.append({ kind: 'roster-epoch', slug: 'state', version: 3n });
    });
    expect(failure(again)).toBe(`organization state entry 4 (log index 5): a roster epoch must name a newer version than the last`);
    const back = small((log) => {
      log.append({ kind: 'roster-epoch', slug: 'state', version: 2n });
      log.append({ kind: 'roster-epoch', slug: 'state', version: 1n });
    });
    expect(failure(back)).toMatch(/a roster epoch must name a newer version than the last$/);
    const ahead = small((log) => log.append({ kind: 'roster-epoch', slug: 'state', version: 4n }));
    expect(failure(ahead)).toBe('organization state entry 3 (log index 4): a roster epoch names a version not logged before it');
    // An epoch logged before the roster entry of its version.
    const early = small((log, org, rng) => {
      log.append({ kind: 'roster-epoch', slug: 'state', version: 4n });
      addMember(log, org, generateMemberKeys(rng));
    });
    expect(failure(early)).toMatch(/a roster epoch names a version not logged before it$/);
  });

  it('replays reviewers: removal only of a reviewer, no key shared by two', () => {
    const rng = new SeededRng(5);
    const k = [generateMemberKeys(rng), generateMemberKeys(rng)];
    const never = small((log) => log.append({ kind: 'reviewer-removed', slug: 'state', version: 1n, accountId: 4n }));
    expect(failure(never)).toBe('organization state entry 3 (log index 4): removes a reviewer who was not one');
    const twice = small((log) => {
      log.append({ kind: 'reviewer', slug: 'state', version: 1n, accountId: 4n, username: 'dee', boxPublic: k[0]!.box.publicKey });
      log.append({ kind: 'reviewer-removed', slug: 'state', version: 2n, accountId: 4n });
      log.append({ kind: 'reviewer-removed', slug: 'state', version: 3n, accountId: 4n });
    });
    expect(failure(twice)).toMatch(/removes a reviewer who was not one$/);
    const shared = small((log) => {
      log.append({ kind: 'reviewer', slug: 'state', version: 1n, accountId: 4n, username: 'dee', boxPublic: k[0]!.box.publicKey });
      log.append({ kind: 'reviewer-key', slug: 'state', accountId: 9n, boxPublic: k[0]!.box.publicKey });
    });
    expect(failure(shared)).toBe("two reviewers of 'state' share one key");
    // A key that moved from one account to another after the first was removed is fine, and a
    // reviewer who comes back is a reviewer again.
    const moved = small((log) => {
      log.append({ kind: 'reviewer', slug: 'state', version: 1n, accountId: 4n, username: 'dee', boxPublic: k[0]!.box.publicKey });
      log.append({ kind: 'reviewer-removed', slug: 'state', version: 2n, accountId: 4n });
      log.append({ kind: 'reviewer', slug: 'state', version: 3n, accountId: 9n, username: 'eve', boxPublic: k[0]!.box.publicKey });
      log.append({ kind: 'reviewer', slug: 'state', version: 4n, accountId: 4n, username: 'dee', boxPublic: k[1]!.box.publicKey });
    });
    const state = verifyOrgState(moved, moved.logPublicKey, 'state');
    expect(state.reviewers.map((r) => [r.accountId, r.username])).toEqual([
      [4n, 'dee'],
      [9n, 'eve'],
    ]);
  });

  it('fingerprints a key: the first 16 bytes of SHA-256 in 8 groups of 4 hex digits', () => {
    const key = Uint8Array.from({ length: 32 }, (_, i) => i * 7 + 1);
    const digest = createHash('sha256').update(key).digest('hex').slice(0, 32);
    const expected = digest.match(/.{4}/g)!.join(' ');
    expect(keyFingerprint(key)).toBe(expected);
    expect(keyFingerprint(key)).toMatch(/^([0-9a-f]{4} ){7}[0-9a-f]{4}$/);
    const zero = new Uint8Array(32);
    // SHA-256 of 32 zero bytes is 66687aad f862bd77 6c8fc18b 8e9f8e20 …
    expect(keyFingerprint(zero)).toBe('6668 7aad f862 bd77 6c8f c18b 8e9f 8e20');
  });
});

// --- the log state (rule 7) ---

// The log made a checkpoint (its log-state entry appended; a false state when `tweak` changes
// it), and the proof of `slug`'s state there: its entries and the log state, with its leaf.
function atCheckpoint(log: TestLog, slug = 'state', tweak?: (s: LogState) => void): { proof: OrgStateProof; leaves: Uint8Array[]; at: number } {
  const leaves = appendLogState(log, tweak);
  const at = log.entries.length - 1;
  const proof = proofOf(log, slug, [...select(log, slug), at].sort((a, b) => a - b));
  return { proof: { ...proof, state: proveStateLeaf(leaves, organizationLeaf(slug)) }, leaves, at };
}

function logStateFailure(proof: OrgStateProof, checkpoint = 0n): string {
  return expectCandorError(() => verifyOrgState(proof, proof.logPublicKey, 'state', checkpoint), 'verification failed').message;
}

describe('organization state with a log state', () => {
  it('verifies a state that holds the log state of a checkpoint, also with entries after it', () => {
    const s = scenario();
    const { proof, at } = atCheckpoint(s.log);
    const size = BigInt(at) + 1n;
    expect(verifyOrgState(proof, s.log.key.publicKey, 'state').completeAt).toBe(size);
    expect(verifyOrgState(proof, s.log.key.publicKey, 'state', size).completeAt).toBe(size);
    expect(verifyOrgState(proofOf(s.log, 'state'), s.log.key.publicKey, 'state').completeAt).toBe(0n);
    // Changes after the checkpoint: shown after the log state, checked against nothing but order.
    const rng = new SeededRng(1);
    addMember(s.log, s.state, generateMemberKeys(rng));
    s.log.append({ kind: 'reviewer-removed', slug: 'state', version: 5n, accountId: 3n });
    s.log.append({ kind: 'roster-epoch', slug: 'state', version: 25n });
    const later = { ...proofOf(s.log, 'state', [...select(s.log, 'state'), at].sort((a, b) => a - b)), state: proof.state };
    const state = verifyOrgState(later, s.log.key.publicKey, 'state', size);
    expect([state.roster.version, state.epochVersions, state.completeAt]).toEqual([25n, [25n, 24n], size]);
    expect(state.reviewers.map((r) => r.accountId)).toEqual([1n]);
    // JSON both ways, "state" included.
    const text = dumpJson(orgStateToJson(later));
    expect(text).toContain('"state":{"leaf":');
    expect(orgStateFromJson(text)).toEqual(later);
  });

  it('refuses a state cut before the checkpoint: each of the latest versions the leaf gives', () => {
    const s = scenario();
    const { proof } = atCheckpoint(s.log);
    const kinds = proof.entries.map((e) => decodeLogEntry(e.entry));
    // Its last entries before the log state are reviewer version 4 and the epoch of 24, after
    // roster version 24.
    const last = (kind: string) => kinds.map((ev) => ev.kind).lastIndexOf(kind as LogEvent['kind']);
    const drop = (...positions: number[]) => ({ ...proof, entries: proof.entries.filter((_, i) => !positions.includes(i)) });
    const at = `the log state at tree size ${proof.entries.at(-1)!.index + 1n}`;
    const left = ': entries are left out of what the server shows';
    expect(logStateFailure(drop(last('roster-epoch')))).toBe(`the organization state shows roster epoch 22, but ${at} says the latest is 24${left}`);
    expect(logStateFailure(drop(last('reviewer')))).toBe(`the organization state shows reviewer version 3, but ${at} says the latest is 4${left}`);
    expect(logStateFailure(drop(last('roster-add'), last('reviewer'), last('roster-epoch')))).toBe(
      `the organization state shows roster version 23, but ${at} says the latest is 24${left}`,
    );
    // A false state that says less than the log holds.
    const s2 = scenario();
    const lower = atCheckpoint(s2.log, 'state', (st) =>
      st.setOrganization({ kind: 'organization', slug: 'state', rosterVersion: 24n, reviewerVersion: 4n, epochVersion: 23n }),
    );
    expect(logStateFailure(lower.proof)).toBe(
      `the organization state shows roster epoch 24, but the log state at tree size ${lower.at + 1} says the latest is 23${left}`,
    );
  });

  it('requires the log state of the newest checkpoint when asked to', () => {
    const s = scenario();
    const plain = proofOf(s.log, 'state');
    expect(logStateFailure(plain, 1n)).toBe('the organization state does not prove it is complete (it holds no log state)');
    const { proof, at } = atCheckpoint(s.log);
    const size = BigInt(at) + 1n;
    expect(logStateFailure(proof, size + 1n)).toBe(
      `the organization state is proven complete only up to tree size ${size}, older than the newest checkpoint (${size + 1n}): entries may be left out`,
    );
    // An older checkpoint's log state, in an answer at a later head.
    s.log.append({ kind: 'roster-epoch', slug: 'usaid', version: 5n });
    appendLogState(s.log);
    const newest = BigInt(s.log.entries.length);
    const old = { ...proofOf(s.log, 'state', [...select(s.log, 'state'), at].sort((a, b) => a - b)), state: proof.state };
    expect(verifyOrgState(old, s.log.key.publicKey, 'state').completeAt).toBe(size);
    expect(logStateFailure(old, newest)).toMatch(/older than the newest checkpoint/);
  });

  it('refuses a log state without its leaf, a leaf without a log state, and two log states', () => {
    const s = scenario();
    const { proof, at } = atCheckpoint(s.log);
    const pos = proof.entries.length - 1;
    expect(logStateFailure({ ...proof, state: undefined })).toBe('the organization state holds a log state but not its leaf');
    expect(logStateFailure({ ...proofOf(s.log, 'state'), state: proof.state })).toBe('the organization state has a log state leaf but no log state');
    appendLogState(s.log);
    const second = s.log.entries.length - 1;
    const two = { ...proofOf(s.log, 'state', [...select(s.log, 'state'), at, second].sort((a, b) => a - b)), state: proof.state };
    expect(logStateFailure(two)).toBe(
      `organization state entry ${pos + 1} (log index ${second}): a second log state`,
    );
  });

  it("refuses a log state of another size than its index, and a leaf that is not the organization's or does not check", () => {
    const s = scenario();
    const state = new LogState();
    s.log.entries.forEach((e, i) => state.replay(BigInt(i), decodeLogEntry(e)));
    const n = BigInt(s.log.entries.length);
    s.log.append({ ...state.commit(n), size: n + 1n });
    const wrong = {
      ...proofOf(s.log, 'state', [...select(s.log, 'state'), Number(n)]),
      state: proveStateLeaf(state.leaves(), organizationLeaf('state')),
    };
    expect(logStateFailure(wrong)).toBe(
      `organization state entry ${wrong.entries.length - 1} (log index ${n}): a log state that describes another part of the log than the entries before it`,
    );

    const t = scenario();
    const { proof, leaves } = atCheckpoint(t.log);
    expect(logStateFailure({ ...proof, state: proveStateLeaf(leaves, organizationLeaf('usaid')) })).toBe(
      "the log state leaf is not the leaf of 'state'",
    );
    const tampered = structuredClone(proof);
    tampered.state!.proof[0]![0]! ^= 1;
    expect(logStateFailure(tampered)).toMatch(/^the organization's leaf of the log state: a leaf's proof does not check against the log state: /);
    const moved = structuredClone(proof);
    moved.state!.position += 1n;
    expect(logStateFailure(moved)).toMatch(/^the organization's leaf of the log state: a leaf's proof does not check against the log state: /);
    // Another log state in its place (its inclusion proof against this head fails first).
    const foreign = structuredClone(proof);
    const logState = decodeLogEntry(foreign.entries.at(-1)!.entry);
    if (logState.kind !== 'log-state') throw new Error('unreachable');
    foreign.entries.at(-1)!.entry = encodeLogEntry({ ...logState, leaves: logState.leaves + 1n });
    expect(logStateFailure(foreign)).toMatch(/its inclusion proof does not check against the tree head$/);
  });

  it('reads "state" strictly', () => {
    const s = scenario();
    const { proof } = atCheckpoint(s.log);
    const text = dumpJson(orgStateToJson(proof));
    const changed = (f: (o: JsonObject) => void): string => {
      const o = parseJson(text) as JsonObject;
      f(o);
      return dumpJson(o);
    };
    const bad: [string, string][] = [
      [changed((o) => (o.get('state') as JsonObject).set('extra', null)), "unknown field 'extra' in the organization state's 'state'"],
      [changed((o) => (o.get('state') as JsonObject).delete('proof')), "the organization state's 'state' lacks the field 'proof'"],
      [changed((o) => o.set('state', [])), "the organization state's 'state' must be a JSON object"],
    ];
    for (const [t, message] of bad) expect(expectCandorError(() => orgStateFromJson(t), 'invalid argument').message).toBe(message);
    // An optional field may be absent or null, and null reads as absent (FieldReader::Find).
    expect(orgStateFromJson(changed((o) => o.set('state', null))).state).toBeUndefined();
  });
});
