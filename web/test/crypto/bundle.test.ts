// Letter bundles: the browser's recount (bundle.ts) against bundles built here and the saved
// real demo bundles of fuzz/corpus/letter_bundle, and — with $CANDOR_BIN — differentially
// against `candor verify --bundle --json`: the same report for every valid bundle, and the
// same error code and message for every broken one (JSON-level changes, dropped or reordered
// entries, and entries changed byte by byte in a log re-signed with the test key).
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ready } from '../../src/crypto/sodium.js';
import { toHex, u64le, utf8 } from '../../src/crypto/bytes.js';
import {
  bundleReportToJson,
  letterBundleFromJson,
  letterBundleToJson,
  recountLetterBundle,
  verifyLetterBundle,
  type BundleOptions,
  type LetterBundle,
} from '../../src/crypto/bundle.js';
import { dumpJson, parseJson, type JsonObject, type JsonValue } from '../../src/crypto/json.js';
import { letterRingsFromBundle, findSignerRing, signPublishProof } from '../../src/crypto/signer.js';
import { decodeLrsSignature, lrsVerify } from '../../src/crypto/lrs.js';
import { LRS2_SCHEME } from '../../src/crypto/lrs2.js';
import { publishProofEvent, publishProofMessage, type Letter } from '../../src/crypto/letter.js';
import { SeededRng } from '../../src/crypto/rng.js';
import { generateMemberKeys } from '../../src/crypto/keys.js';
import { tr } from '../../src/crypto/transcript.js';
import { decodeLogEntry, encodeLogEntry, type LogEvent, type SignatureBatchEvent } from '../../src/crypto/log_entry.js';
import { LogState } from '../../src/crypto/log_state.js';
import { handleRecountRequest, type RecountReply } from '../../src/crypto/recount_worker.js';
import {
  addMember,
  addOrganization,
  appendBatch,
  appendLogState,
  letterLeaf,
  letterStateProofs,
  proveStateLeaf,
  publishLetter,
  removeMember,
  snapshotRings,
  snapshotWholeRings,
  TestLog,
  type PendingSignature,
  type TestOrg,
} from './fixture.js';
import { browserOutcome, CANDOR_BIN, cliOutcome, SKIP_MESSAGE, TempDir } from './cli.js';
import { expectCandorError, REPO_ROOT } from './helpers.js';
import { DEFAULT_SETTINGS } from './settings.js';

await ready();
if (!CANDOR_BIN) console.warn(SKIP_MESSAGE);

interface Scenario {
  log: TestLog;
  letterId: Uint8Array;
  bundle: LetterBundle;
  text: string;
  orgs: TestOrg[];
}

// Two organizations (a removal before the letter, a member enrolled after it), a letter with
// every optional field, three batches with duplicates and withdrawals (one withdrawal in an
// earlier batch than its signature), and unrelated entries in between.
function scenario(): Scenario {
  const rng = new SeededRng(2024);
  const log = new TestLog(1);
  const state = addOrganization(log, 'state', 24, rng);
  const usaid = addOrganization(log, 'usaid', 21, rng);
  removeMember(log, state, 3);
  log.append({ kind: 'reviewer-key', slug: 'state', accountId: 1n, boxPublic: generateMemberKeys(rng).box.publicKey });
  const letter: Letter = {
    title: 'Reconsider the audit ✓',
    body: 'We, the undersigned members, ask leadership to reconsider.\n',
    organizations: ['state', 'usaid'],
    closesAtMs: 1800000000000n,
    quorum: 3n,
    supersedes: new Uint8Array(32).fill(9),
  };
  const letterId = publishLetter(log, letter, [state, usaid]);
  const rings = snapshotRings([state, usaid]);
  const wholes = snapshotWholeRings([state, usaid]);
  addMember(log, state, generateMemberKeys(rng)); // too late for this letter
  const s = (org: TestOrg, who: number, action: PendingSignature['action'] = 'sign'): PendingSignature => ({ org, who, action });
  // candor-lrs-v2 over the whole roster; one key's v1 and v2 signatures carry the same tag.
  const w = (org: TestOrg, who: number, action: PendingSignature['action'] = 'sign'): PendingSignature => ({ org, who, action, scheme: LRS2_SCHEME });
  appendBatch(log, letterId, 1n, [s(state, 0), w(state, 1), s(state, 2), w(usaid, 0), s(usaid, 1), w(state, 5, 'withdraw')], rng, rings, wholes);
  log.append({ kind: 'organization-settings', slug: 'usaid', settings: { ...DEFAULT_SETTINGS, minRingSize: 21 } });
  appendBatch(log, letterId, 2n, [w(state, 0), s(state, 5), w(usaid, 2), s(usaid, 0, 'withdraw')], rng, rings, wholes);
  // usaid 0 withdraws a second time: the first withdrawal (batch 2) is the one that counts.
  appendBatch(log, letterId, 3n, [s(state, 1, 'withdraw'), w(usaid, 3), s(usaid, 4), w(usaid, 0), w(usaid, 0, 'withdraw')], rng, rings, wholes);
  const bundle = log.bundle(letterId, log.select(letterId));
  return { log, letterId, bundle, text: dumpJson(letterBundleToJson(bundle)), orgs: [state, usaid] };
}

const base = scenario();

describe('letter bundles in the browser', () => {
  it('recounts a bundle built here', () => {
    const progress: [number, number][] = [];
    const r = recountLetterBundle(base.text, { progress: (d, t) => progress.push([d, t]) });
    // state: signers 0, 1 (withdrawn), 2, 5 (withdrew in batch 1, signed in batch 2): 0, 2 count.
    // usaid: 0 (withdrawn in 2, duplicate sign in 3), 1, 2, 3, 4: 1, 2, 3, 4 count.
    expect(r.organizations.map((o) => [o.slug, o.signers, o.rosterSize, o.rosterVersion])).toEqual([
      ['state', 2, 23, 25n],
      ['usaid', 4, 21, 21n],
    ]);
    expect([r.total, r.signaturesChecked, r.withdrawals, r.duplicatesDropped, r.batches]).toEqual([6, 15, 3, 2, 3]);
    // 8 of the 15 are candor-lrs-v2 over a whole roster; tags link across schemes (state 5
    // withdrew with v2 and signed with v1; usaid 0 signed with v2 after a v1 withdrawal).
    expect(r.wholeRosterSignatures).toBe(8);
    expect(r.timeline.map((t) => [t.signersAfter, ...t.signersAfterByOrg])).toEqual([
      [5, 3, 2], // state 5's withdrawal (batch 1) takes effect with its signature (batch 2)
      [5, 3, 2],
      [6, 2, 4],
    ]);
    expect(progress.at(-1)).toEqual([15, 15]);
    expect(progress.every(([d], i) => i === 0 || d > progress[i - 1]![0])).toBe(true);
    expect(r.letter.title).toBe('Reconsider the audit ✓');
    // The parsed bundle writes back to the same JSON.
    expect(dumpJson(letterBundleToJson(letterBundleFromJson(base.text)))).toBe(base.text);
  });

  it('refuses wrong log keys, letters and rings too small', () => {
    expectCandorError(() => recountLetterBundle(base.text, { expectedLogKey: new Uint8Array(32) }), 'verification failed');
    expectCandorError(() => recountLetterBundle(base.text, { letterId: new Uint8Array(32) }), 'verification failed');
    expectCandorError(() => recountLetterBundle(base.text, { minRing: 22 }), 'verification failed');
    recountLetterBundle(base.text, { minRing: 21, expectedLogKey: base.log.key.publicKey, letterId: base.letterId });
    expectCandorError(() => verifyLetterBundle(base.bundle, { maxRing: 0 }), 'invalid argument');
  });

  it('recounts the saved demo bundles (fuzz/corpus/letter_bundle) like the C++ verifier', () => {
    const demo = recountLetterBundle(readFileSync(`${REPO_ROOT}fuzz/corpus/letter_bundle/valid-demo-bundle.json`));
    expect(demo.organizations.map((o) => [o.slug, o.signers])).toEqual([['demo-agency', 1]]);
    expect([demo.signaturesChecked, demo.batches]).toEqual([3, 2]);
    const none = recountLetterBundle(readFileSync(`${REPO_ROOT}fuzz/corpus/letter_bundle/valid-no-signatures.json`));
    expect(none.total).toBe(0);
    expectCandorError(
      () => recountLetterBundle(readFileSync(`${REPO_ROOT}fuzz/corpus/letter_bundle/invalid-empty.json`)),
      'invalid argument',
    );
  });

  it('runs as the recount worker\'s message handler', async () => {
    const replies: RecountReply[] = [];
    await handleRecountRequest({ bundle: utf8(base.text), logKey: toHex(base.log.key.publicKey) }, (r) => replies.push(r));
    const last = replies.at(-1)!;
    expect(last.type).toBe('done');
    expect(replies.filter((r) => r.type === 'progress').length).toBeGreaterThan(0);
    const bad: RecountReply[] = [];
    await handleRecountRequest({ bundle: base.text, logKey: '00'.repeat(32) }, (r) => bad.push(r));
    expect(bad.at(-1)).toMatchObject({ type: 'error', code: 'verification failed' });
  });

  it('rebuilds a signer\'s ring as `candor letter sign` does, and refuses what it refuses', () => {
    const [state, usaid] = base.orgs as [TestOrg, TestOrg];
    const rings = letterRingsFromBundle(base.text, { expectedLogKey: base.log.key.publicKey });
    expect(rings.orgs.map((o) => [o.slug, o.version, o.rings.map((r) => r.size)])).toEqual([
      ['state', 25n, [23]],
      ['usaid', 21n, [21]],
    ]);
    const mine = findSignerRing(rings, usaid.members[7]!.ring.publicKey);
    expect([mine.org, mine.index, mine.ring.size, mine.scheme]).toEqual(['usaid', 7, 21, 'candor-lrs-v2']);
    const bucket = findSignerRing(rings, usaid.members[7]!.ring.publicKey, { scheme: 'candor-lrs-v1' });
    expect([bucket.org, bucket.index, bucket.ring.size, bucket.scheme]).toEqual(['usaid', 7, 21, 'candor-lrs-v1']);
    // The member enrolled after the letter may not sign it; a small minimum refuses.
    expectCandorError(() => findSignerRing(rings, state.members.at(-1)!.ring.publicKey), 'not found');
    expectCandorError(() => findSignerRing(rings, usaid.members[7]!.ring.publicKey, { minRing: 22 }), 'failed precondition');
    expectCandorError(() => findSignerRing(rings, usaid.members[7]!.ring.publicKey, { org: 'state' }), 'not found');
    expectCandorError(() => letterRingsFromBundle(base.text, { expectedLogKey: new Uint8Array(32) }), 'verification failed');
    const proof = signPublishProof(base.letterId, mine.ring, mine.index, usaid.members[7]!.ring.secret);
    lrsVerify(publishProofEvent(base.letterId), publishProofMessage(base.letterId), mine.ring, decodeLrsSignature(proof, 21));
  });
});

// --- bundles at a checkpoint: the log state (FORMATS.md "Letter bundle", rules 3, 6, 10, 11) ---

interface Checkpoint {
  log: TestLog;
  leaves: Uint8Array[];
  bundle: LetterBundle;
  text: string;
}

// The base scenario's log (or `entries`) made a checkpoint: its log-state entry appended (a
// false state when `tweak` changes it), the bundle the server serves there and its "state".
function checkpoint(options: { entries?: readonly Uint8Array[]; tweak?: (s: LogState) => void; letterId?: Uint8Array; orgs?: string[] } = {}): Checkpoint {
  const log = new TestLog(1);
  for (const e of options.entries ?? base.log.entries) log.append(e);
  const leaves = appendLogState(log, options.tweak);
  const letterId = options.letterId ?? base.letterId;
  const bundle: LetterBundle = {
    ...log.bundle(letterId, log.select(letterId)),
    state: letterStateProofs(leaves, letterId, options.orgs ?? ['state', 'usaid']),
  };
  return { log, leaves, bundle, text: dumpJson(letterBundleToJson(bundle)) };
}

// The bundle without the entries `drop` picks (by their decoded event).
function without(b: LetterBundle, drop: (ev: LogEvent) => boolean): LetterBundle {
  return { ...b, entries: b.entries.filter((e) => !drop(decodeLogEntry(e.entry))) };
}

function refusal(b: LetterBundle, options: BundleOptions = {}): string {
  return expectCandorError(() => verifyLetterBundle(b, options), 'verification failed').message;
}

const cp = checkpoint();
const cpSize = cp.bundle.treeHead.head.size;
const atCp = `the log state at tree size ${cpSize}`;

describe('letter bundles at a checkpoint (log state)', () => {
  it('verifies a complete bundle: the same counts, complete, and the report says so', () => {
    const r = recountLetterBundle(cp.text);
    expect(r.complete).toBe(true);
    const plain = recountLetterBundle(base.text);
    expect(plain.complete).toBe(false);
    expect(r.organizations).toEqual(plain.organizations); // version 26 of 'state' is shown, not applied
    expect([r.total, r.signaturesChecked, r.batches]).toEqual([plain.total, plain.signaturesChecked, plain.batches]);
    expect(dumpJson(bundleReportToJson(r))).toContain('"complete":true');
    expect(dumpJson(bundleReportToJson(plain))).toContain('"complete":false');
    // The checkpoint's bundle holds the log state last, and state's version 26 after the letter.
    const kinds = cp.bundle.entries.map((e) => decodeLogEntry(e.entry));
    expect(kinds.at(-1)!.kind).toBe('log-state');
    expect(cp.bundle.entries.at(-1)!.index).toBe(cpSize - 1n);
    expect(kinds.filter((ev) => ev.kind === 'roster-add' && ev.slug === 'state' && ev.version === 26n)).toHaveLength(1);
    // JSON both ways, "state" included.
    expect(cp.text).toContain('"state":[{"leaf":');
    expect(letterBundleFromJson(cp.text)).toEqual(cp.bundle);
    expect(dumpJson(letterBundleToJson(letterBundleFromJson(cp.text)))).toBe(cp.text);
    expect(base.text).not.toContain('"state"');
  });

  it('refuses a bundle without a log state only when asked to (requireComplete)', () => {
    expect(refusal(base.bundle, { requireComplete: true })).toBe(
      'the bundle does not prove that it is complete: its tree head is not a checkpoint with a log state (or an older server made it), so batches or roster versions may be left out. Fetch a fresh bundle',
    );
    expect(verifyLetterBundle(cp.bundle, { requireComplete: true }).complete).toBe(true);
  });

  it('refuses a bundle whose last batch is left out', () => {
    const batch3 = cp.bundle.entries.findIndex((e) => {
      const ev = decodeLogEntry(e.entry);
      return ev.kind === 'signature-batch' && ev.batch === 3n;
    });
    const count = Number((decodeLogEntry(cp.bundle.entries[batch3]!.entry) as SignatureBatchEvent).count);
    const cut = { ...cp.bundle, entries: cp.bundle.entries.filter((_, i) => i > batch3 || i < batch3 - count) };
    expect(cut.entries).toHaveLength(cp.bundle.entries.length - count - 1);
    expect(refusal(cut)).toBe(
      `the bundle lacks batches 3 to 3 of the letter: ${atCp} says its last batch is 3, so co-signatures or withdrawals are left out`,
    );
    // Without its log state (nor state's version 26) the same cut bundle still verifies: what
    // rule 10 is for.
    const plain = without(cut, (ev) => ev.kind === 'log-state' || (ev.kind === 'roster-add' && ev.version === 26n));
    expect(verifyLetterBundle({ ...plain, state: undefined }).batches).toBe(2);
    // A false state that says fewer batches than the bundle holds.
    const fewer = checkpoint({ tweak: (s) => s.setLetter(base.letterId, 2n) });
    expect(refusal(fewer.bundle)).toBe(`the bundle holds 3 batches, but ${atCp} says the letter's last is 2`);
  });

  it("refuses a bundle that does not show version v + 1 of a roster that changed after the letter", () => {
    expect(refusal(without(cp.bundle, (ev) => ev.kind === 'roster-add' && ev.slug === 'state' && ev.version === 26n))).toBe(
      `the bundle lacks version 26 of the roster of 'state', which ${atCp} says exists: it must show that the letter pinned the latest version`,
    );
    // Version v + 1 of a roster the state says did not change; a state below the pin.
    const latest = (version: bigint) => (s: LogState) =>
      s.setOrganization({ kind: 'organization', slug: 'state', rosterVersion: version, reviewerVersion: 0n, epochVersion: 0n });
    expect(refusal(checkpoint({ tweak: latest(25n) }).bundle)).toBe(
      `the bundle shows version 26 of the roster of 'state', but ${atCp} says the latest is 25`,
    );
    expect(refusal(checkpoint({ tweak: latest(24n) }).bundle)).toBe(
      `${atCp} says the roster of 'state' is at version 24, below the version 25 the letter pins`,
    );
    // Version v + 1 in a bundle without a log state: refused as any version above the pin.
    const v26 = cp.bundle.entries.find((e) => {
      const ev = decodeLogEntry(e.entry);
      return ev.kind === 'roster-add' && ev.version === 26n;
    })!;
    const plain = base.log.bundle(base.letterId, [...base.log.select(base.letterId), Number(v26.index)].sort((a, b) => a - b));
    expect(refusal(plain)).toMatch(/: makes version 26 of the roster of 'state', but the letter pins version 25$/);
  });

  it('allows one version v + 1 per organization, and nothing above it', () => {
    const rng = new SeededRng(41);
    // A second entry of version 26 (another key) in the log: the second shown is refused.
    const twice = new TestLog(1);
    for (const e of base.log.entries) twice.append(e);
    twice.append({ kind: 'roster-add', slug: 'state', version: 26n, ringPublic: generateMemberKeys(rng).ring.publicKey, replyPublic: generateMemberKeys(rng).box.publicKey });
    const second = checkpoint({ entries: twice.entries });
    expect(refusal(second.bundle)).toMatch(/^entry \d+ \(log index \d+, roster-add\): makes version 26 of the roster of 'state', but the letter pins version 25$/);
    // Version 27 exists: the bundle shows 26 (and verifies); 27 shown too is refused.
    const more = new TestLog(1);
    for (const e of base.log.entries) more.append(e);
    more.append({ kind: 'roster-add', slug: 'state', version: 27n, ringPublic: generateMemberKeys(rng).ring.publicKey, replyPublic: generateMemberKeys(rng).box.publicKey });
    const v27 = more.entries.length - 1;
    const ok = checkpoint({ entries: more.entries });
    expect(verifyLetterBundle(ok.bundle).complete).toBe(true);
    const indices = ok.log.select(base.letterId);
    expect(indices).not.toContain(v27);
    const shown = { ...ok.log.bundle(base.letterId, [...indices, v27].sort((a, b) => a - b)), state: ok.bundle.state };
    expect(refusal(shown)).toBe(
      `entry ${shown.entries.length - 2} (log index ${v27}, roster-add): makes version 27 of the roster of 'state', but the letter pins version 25`,
    );
  });

  it('refuses a letter that does not pin the latest roster (version v + 1 before the letter)', () => {
    const rng = new SeededRng(43);
    const log = new TestLog(4);
    const org = addOrganization(log, 'late', 20, rng);
    addMember(log, org, generateMemberKeys(rng)); // version 21, logged before the letter
    const letterId = publishLetter(log, { title: 'Stale', body: 'Pinned an old roster.', organizations: ['late'] }, [{ ...org, version: 20n }]);
    const message = "entry 20 (log index 21, roster-add): makes version 21 of the roster of 'late' before the letter, which pins version 20: the letter does not pin the latest roster";
    // With or without a log state.
    const plain = log.bundle(letterId, log.entries.map((_, i) => i).slice(1));
    expect(refusal(plain)).toBe(message);
    const at = checkpoint({ entries: log.entries, letterId, orgs: ['late'] });
    expect(at.log.select(letterId)).toContain(21);
    expect(refusal(at.bundle)).toBe(message);
    // Left out, the log state still shows it.
    expect(refusal(without(at.bundle, (ev) => ev.kind === 'roster-add' && ev.version === 21n))).toBe(
      `the bundle lacks version 21 of the roster of 'late', which the log state at tree size ${at.bundle.treeHead.head.size} says exists: it must show that the letter pinned the latest version`,
    );
  });

  it('allows a log state only as the last entry of the tree, of its own index', () => {
    // The tree goes on after the log state.
    const after = new TestLog(1);
    for (const e of cp.log.entries) after.append(e);
    after.append({ kind: 'organization-settings', slug: 'usaid', settings: DEFAULT_SETTINGS });
    const indices = cp.bundle.entries.map((e) => Number(e.index));
    const later = { ...after.bundle(base.letterId, indices), state: cp.bundle.state };
    expect(refusal(later)).toBe(
      `entry ${indices.length - 1} (log index ${cpSize - 1n}, log-state): a log state may only be the last entry of the bundle's tree`,
    );
    // A log state that names another size than its index.
    const log = new TestLog(1);
    for (const e of base.log.entries) log.append(e);
    const state = new LogState();
    log.entries.forEach((e, i) => state.replay(BigInt(i), decodeLogEntry(e)));
    const n = BigInt(log.entries.length);
    log.append({ ...state.commit(n), size: n - 1n });
    const wrong = log.bundle(base.letterId, log.select(base.letterId));
    expect(refusal({ ...wrong, state: cp.bundle.state })).toBe(
      `entry ${wrong.entries.length - 1} (log index ${n}, log-state): describes the first ${n - 1n} entries of the log, not the ${n} before it`,
    );
    // A log state before other entries of the bundle (a letter bundle's own checkpoint long past).
    const old = new TestLog(1);
    const early = checkpoint({ entries: base.log.entries.slice(0, 60), orgs: ['state', 'usaid'] });
    for (const e of early.log.entries) old.append(e);
    for (const e of base.log.entries.slice(60)) old.append(e);
    const mixed = old.bundle(base.letterId, [...base.log.select(base.letterId).map((i) => (i >= 60 ? i + 1 : i)), 60].sort((a, b) => a - b));
    expect(refusal(mixed)).toMatch(/\(log index 60, log-state\): a log state may only be the last entry of the bundle's tree$/);
  });

  it('refuses state leaves that do not fit: too few, in another order, of another key, or not in the state', () => {
    const b = cp.bundle;
    const state = b.state!;
    expect(refusal({ ...b, state: state.slice(0, 2) })).toBe(
      'the bundle must hold 3 leaves of the log state (the letter\'s and one per organization), not 2',
    );
    expect(refusal({ ...b, state: undefined })).toBe(
      'the bundle must hold 3 leaves of the log state (the letter\'s and one per organization), not 0',
    );
    expect(refusal({ ...b, state: [state[0]!, state[2]!, state[1]!] })).toBe("state leaf 1 is not the leaf of organization 'state'");
    expect(refusal({ ...b, state: [state[1]!, state[0]!, state[2]!] })).toBe(`state leaf 0 is not the leaf of letter ${toHex(base.letterId)}`);
    // Another letter's leaf (the state holds only one letter: commit to a second).
    const other = new Uint8Array(32).fill(7);
    const two = checkpoint({ tweak: (s) => s.setLetter(other, 1n) });
    const otherLeaf = proveStateLeaf(two.leaves, letterLeaf(other));
    expect(refusal({ ...two.bundle, state: [otherLeaf, ...two.bundle.state!.slice(1)] })).toBe(
      `state leaf 0 is not the leaf of letter ${toHex(base.letterId)}`,
    );
    // A proof that does not check, and a leaf changed.
    const tampered = structuredClone(state);
    tampered[1]!.proof[0]![0]! ^= 1;
    expect(refusal({ ...b, state: tampered })).toMatch(/^state leaf 1: a leaf's proof does not check against the log state: /);
    const changed = structuredClone(state);
    changed[2]!.leaf[changed[2]!.leaf.length - 1]! ^= 1;
    expect(refusal({ ...b, state: changed })).toMatch(/^state leaf 2: a leaf's proof does not check against the log state: /);
    const moved = structuredClone(state);
    moved[0]!.position += 1n;
    expect(refusal({ ...b, state: moved })).toMatch(/^state leaf 0: a leaf's proof does not check against the log state: /);
    // Leaves of a state with another root (an older checkpoint's).
    const older = checkpoint({ tweak: (s) => s.setLetter(new Uint8Array(32).fill(8), 0n) });
    expect(refusal({ ...b, state: older.bundle.state })).toMatch(/^state leaf 0: a leaf's proof does not check against the log state: /);
  });

  it('refuses state leaves in a bundle without a log state', () => {
    expect(refusal({ ...base.bundle, state: cp.bundle.state })).toBe('the bundle has state leaves but no log state entry');
    const noLogState = without(cp.bundle, (ev) => ev.kind === 'log-state' || (ev.kind === 'roster-add' && ev.version === 26n));
    expect(refusal(noLogState)).toBe('the bundle has state leaves but no log state entry');
    // … and without it, version v + 1 is a version above the pin.
    expect(refusal({ ...without(cp.bundle, (ev) => ev.kind === 'log-state'), state: undefined })).toMatch(
      /: makes version 26 of the roster of 'state', but the letter pins version 25$/,
    );
    // An empty list is no state (and is never written).
    expect(verifyLetterBundle({ ...base.bundle, state: [] }).complete).toBe(false);
    expect(dumpJson(letterBundleToJson({ ...base.bundle, state: [] }))).toBe(base.text);
  });

  it('refuses a tree head older than maxAgeMs', () => {
    const hour = 3_600_000n;
    const ts = cp.bundle.treeHead.head.timestampMs;
    const day3 = 72n * hour;
    expect(refusal(cp.bundle, { maxAgeMs: day3, nowMs: ts + day3 + 1n })).toBe(
      "the bundle's tree head is 72 hours old, older than the 72 hours allowed: its counts may be out of date. Fetch a fresh bundle",
    );
    expect(refusal(base.bundle, { maxAgeMs: Number(hour), nowMs: Number(ts + 100n * hour) })).toBe(
      "the bundle's tree head is 100 hours old, older than the 1 hours allowed: its counts may be out of date. Fetch a fresh bundle",
    );
    verifyLetterBundle(cp.bundle, { maxAgeMs: day3, nowMs: ts + day3 });
    verifyLetterBundle(cp.bundle, { maxAgeMs: 0n, nowMs: ts + 1000n * day3 }); // 0: any age
    verifyLetterBundle(cp.bundle, { nowMs: ts + 1000n * day3 }); // no limit given
    verifyLetterBundle(cp.bundle, { maxAgeMs: hour, nowMs: ts - 600_000n }); // 10 minutes of clock skew
    expect(refusal(cp.bundle, { maxAgeMs: hour, nowMs: ts - day3 })).toBe(
      "the bundle's tree head is dated more than 10 minutes in the future",
    );
    // The clock by default: the test head (2026-09) is not older than 2^62 ms by any clock.
    verifyLetterBundle(cp.bundle, { maxAgeMs: 1n << 62n });
    expectCandorError(() => verifyLetterBundle(cp.bundle, { maxAgeMs: 1n, nowMs: ts + 2n }), 'verification failed');
  });

  it('reads "state" strictly', () => {
    const j = () => parseJson(cp.text) as JsonObject;
    const bad: [(o: JsonObject) => void, string][] = [
      [(o) => o.set('state', []), "'state' in the bundle must be a list of 1 to 1001 leaf proofs"],
      [(o) => o.set('state', Array.from({ length: 1002 }, () => (j().get('state') as JsonValue[])[0]!)), "'state' in the bundle must be a list of 1 to 1001 leaf proofs"],
      [(o) => ((o.get('state') as JsonObject[])[1]!.set('extra', null)), "unknown field 'extra' in state leaf 1"],
      [(o) => ((o.get('state') as JsonObject[])[2]!.delete('position')), "state leaf 2 lacks the field 'position'"],
      [(o) => ((o.get('state') as JsonObject[])[0]!.set('leaf', 'x')), "state leaf 0: 'leaf': hex string has an odd number of characters"],
    ];
    for (const [change, message] of bad) {
      const o = j();
      change(o);
      expect(expectCandorError(() => letterBundleFromJson(dumpJson(o)), 'invalid argument').message).toMatch(
        new RegExp('^' + message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')),
      );
    }
    // An optional field may be absent or null, and null reads as absent (FieldReader::Find).
    const nulled = j();
    nulled.set('state', null);
    expect(letterBundleFromJson(dumpJson(nulled)).state).toBeUndefined();
    // 1001 leaves are read (and refused by the verifier: the letter names two organizations).
    const o = j();
    o.set('state', Array.from({ length: 1001 }, () => (j().get('state') as JsonValue[])[0]!));
    const many = letterBundleFromJson(dumpJson(o));
    expect(many.state).toHaveLength(1001);
    expect(refusal(many)).toMatch(/^the bundle must hold 3 leaves of the log state .*, not 1001$/);
  });
});

// --- differential checks against the C++ verifier ---

type Mutation = [string, (b: ReturnType<typeof structuredCloneBundle>) => unknown];

function structuredCloneBundle(text: string) {
  return JSON.parse(text) as {
    format: unknown;
    letter_id: unknown;
    log_public_key: unknown;
    tree_head: Record<string, unknown>;
    entries: { index: unknown; entry: unknown; proof: unknown[] }[];
    [k: string]: unknown;
  };
}

// JSON-level changes (JSON.stringify keeps numbers below 2^53 exact; raw text edits cover the rest).
const jsonMutations: Mutation[] = [
  ['unknown top-level field', (b) => (b['extra'] = 1)],
  ['unknown entry field', (b) => ((b.entries[0] as Record<string, unknown>)['x'] = null)],
  ['unknown tree-head field', (b) => (b.tree_head['x'] = 1)],
  ['other format', (b) => (b.format = 'candor-letter-bundle-v2')],
  ['format not a string', (b) => (b.format = 1)],
  ['no letter id', (b) => delete b['letter_id']],
  ['letter id uppercase', (b) => (b.letter_id = String(b.letter_id).toUpperCase())],
  ['letter id short', (b) => (b.letter_id = String(b.letter_id).slice(2))],
  ['letter id of another letter', (b) => (b.letter_id = 'ab'.repeat(32))],
  ['log key not hex', (b) => (b.log_public_key = 'zz' + String(b.log_public_key).slice(2))],
  ['tree size negative', (b) => (b.tree_head['tree_size'] = -1)],
  ['tree size changed', (b) => (b.tree_head['tree_size'] = Number(b.tree_head['tree_size']) + 1)],
  ['timestamp changed', (b) => (b.tree_head['timestamp_ms'] = 1)],
  ['signature changed', (b) => (b.tree_head['signature'] = '00'.repeat(64))],
  ['root changed', (b) => (b.tree_head['root'] = '00'.repeat(32))],
  ['entries not a list', (b) => (b.entries = {} as never)],
  ['no entries', (b) => (b.entries = [])],
  ['entry index a string', (b) => (b.entries[0]!.index = '0')],
  ['entry hex odd', (b) => (b.entries[0]!.entry = String(b.entries[0]!.entry) + '0')],
  ['entry hex uppercase', (b) => (b.entries[2]!.entry = String(b.entries[2]!.entry).toUpperCase())],
  ['proof hash uppercase', (b) => (b.entries[2]!.proof[0] = String(b.entries[2]!.proof[0]).toUpperCase())],
  ['proof hash short', (b) => (b.entries[2]!.proof[0] = '00')],
  ['proof hash not a string', (b) => (b.entries[2]!.proof[0] = 5)],
  ['proof of 65 hashes', (b) => (b.entries[2]!.proof = Array.from({ length: 65 }, () => '00'.repeat(32)))],
  ['proof missing a hash', (b) => b.entries[2]!.proof.pop()],
  ['proof not a list', (b) => (b.entries[2]!.proof = 'x' as never)],
  ['two entries swapped', (b) => ([b.entries[3], b.entries[4]] = [b.entries[4]!, b.entries[3]!])],
  ['an entry repeated', (b) => b.entries.splice(4, 0, b.entries[4]!)],
  ['an index changed', (b) => (b.entries[4]!.index = Number(b.entries[4]!.index) + 1)],
  ['the letter entry dropped', (b) => {
    const i = b.entries.findIndex((e) => String(e.entry).includes(toHex(utf8('candor/v1/letter'))));
    b.entries.splice(i, 1);
  }],
];

const rawMutations: [string, (t: string) => string][] = [
  ['tree size as a float', (t) => t.replace(/"tree_size":(\d+)/, '"tree_size":$1.0')],
  ['tree size in exponent form', (t) => t.replace(/"tree_size":(\d+)/, '"tree_size":$1e0')],
  ['tree size above 2^64', (t) => t.replace(/"tree_size":(\d+)/, '"tree_size":18446744073709551616')],
  ['tree size 2^64 - 1', (t) => t.replace(/"tree_size":(\d+)/, '"tree_size":18446744073709551615')],
  ['timestamp -0', (t) => t.replace(/"timestamp_ms":(\d+)/, '"timestamp_ms":-0')],
  ['a byte-order mark', (t) => '\ufeff' + t],
  ['white space everywhere', (t) => t.replace(/([,:{[])/g, '$1 \n\t')],
  ['a repeated key (refused)', (t) => t.replace('{"entries"', '{"format":"x","entries"')],
  ['trailing garbage', (t) => t + 'x'],
  ['an escaped character in a hex string', (t) => t.replace(/"letter_id":"(.)/, (_m, c: string) => `"letter_id":"\\u00${c.charCodeAt(0).toString(16)}`)],
];

describe.skipIf(!CANDOR_BIN)('letter bundles: the browser and `candor verify --bundle` agree', () => {
  const dir = new TempDir();
  afterAll(() => dir.remove());

  const expectSame = (what: string, text: string | Uint8Array, args: string[] = [], options: BundleOptions = {}, lenient = true) => {
    const cli = cliOutcome(dir, text, args, lenient);
    const web = browserOutcome(text, options);
    if (cli.text === '') {
      // Not JSON at all: candor stops before its verifier.
      expect(web.verified, what).toBe(false);
      expect(web.code, what).toBe('invalid argument');
      return web;
    }
    expect(web.text, what).toBe(cli.text);
    return web;
  };

  it('on the bundle built here, its options and the saved demo bundles', () => {
    expect(expectSame('base', base.text).verified).toBe(true);
    expectSame('log key', base.text, ['--log-key', toHex(base.log.key.publicKey)], { expectedLogKey: base.log.key.publicKey });
    expectSame('wrong log key', base.text, ['--log-key', '00'.repeat(32)], { expectedLogKey: new Uint8Array(32) });
    expectSame('min ring 22', base.text, ['--min-ring', '22'], { minRing: 22 });
    expectSame('letter id', base.text, [toHex(base.letterId)], { letterId: base.letterId });
    expectSame('other letter id', base.text, ['ab'.repeat(32)], { letterId: new Uint8Array(32).fill(0xab) });
    const corpus = `${REPO_ROOT}fuzz/corpus/letter_bundle/`;
    for (const name of readdirSync(corpus)) expectSame(name, readFileSync(corpus + name));
  });

  it('on JSON-level changes', () => {
    for (const [what, change] of jsonMutations) {
      const b = structuredCloneBundle(base.text);
      change(b);
      const out = expectSame(what, JSON.stringify(b));
      // Every change is refused, upper-case hex included (one value, one spelling).
      expect(out.verified, what).toBe(false);
    }
    for (const [what, change] of rawMutations) {
      const text = change(base.text);
      expect(text === base.text, what).toBe(false);
      expectSame(what, text);
    }
  });

  it('on every entry dropped in turn', () => {
    for (let i = 0; i < base.bundle.entries.length; i++) {
      const b = { ...base.bundle, entries: base.bundle.entries.filter((_, k) => k !== i) };
      expect(expectSame(`drop ${i}`, dumpJson(letterBundleToJson(b))).verified, `drop ${i}`).toBe(false);
    }
  });

  it('on logs whose entries were changed and re-signed', () => {
    const rng = new SeededRng(77);
    const entries = base.log.entries;
    const picked = base.bundle.entries.map((e) => Number(e.index));
    let rejected = 0;
    const trials = 160;
    for (let t = 0; t < trials; t++) {
      const target = picked[rng.fill(1)[0]! % picked.length]!;
      const bytes = entries[target]!.slice();
      const r = rng.fill(4);
      const pos = (r[0]! | (r[1]! << 8)) % bytes.length;
      // Mostly changed bytes (which keep the framing), sometimes a byte removed or inserted.
      const kind = r[2]! % 10;
      let mutated: Uint8Array;
      if (kind === 0) {
        mutated = new Uint8Array([...bytes.subarray(0, pos), ...bytes.subarray(pos + 1)]);
      } else if (kind === 1) {
        mutated = new Uint8Array([...bytes.subarray(0, pos), r[3]!, ...bytes.subarray(pos)]);
      } else if (kind < 6) {
        bytes[pos]! ^= 1 << (r[3]! % 8);
        mutated = bytes;
      } else {
        bytes[pos] = r[3]!;
        mutated = bytes;
      }
      const log = new TestLog(1);
      entries.forEach((e, i) => log.append(i === target ? mutated : e));
      const text = dumpJson(letterBundleToJson(log.bundle(base.letterId, picked)));
      if (!expectSame(`trial ${t}: entry ${target} changed at ${pos} (${kind})`, text).verified) rejected++;
    }
    expect(rejected).toBeGreaterThan(trials / 2);
  }, 120_000);

  it('on logs whose entries were re-encoded with one field changed', () => {
    const rng = new SeededRng(79);
    const stranger = generateMemberKeys(rng);
    const [state] = base.orgs as [TestOrg, TestOrg];
    const picked = base.bundle.entries.map((e) => Number(e.index));
    const variants = (ev: LogEvent): [string, LogEvent][] => {
      switch (ev.kind) {
        case 'roster-add':
          return [
            ['version + 1', { ...ev, version: ev.version + 1n }],
            ['version - 1', { ...ev, version: ev.version - 1n }],
            ['other organization', { ...ev, slug: ev.slug === 'state' ? 'usaid' : 'state' }],
            ['another key', { ...ev, ringPublic: stranger.ring.publicKey }],
            ['a key of the other roster', { ...ev, ringPublic: state.members[0]!.ring.publicKey }],
            ['another reply key', { ...ev, replyPublic: stranger.box.publicKey }],
          ];
        case 'roster-remove':
          return [
            ['version + 1', { ...ev, version: ev.version + 1n }],
            ['a key that is not a member', { ...ev, ringPublic: stranger.ring.publicKey }],
          ];
        case 'letter':
          return [
            ['pins one version less', { ...ev, rosterVersions: ev.rosterVersions.map((v, i) => (i === 0 ? v - 1n : v)) }],
            ['pins one version more', { ...ev, rosterVersions: ev.rosterVersions.map((v, i) => (i === 1 ? v + 1n : v)) }],
            ['another title', { ...ev, letter: { ...ev.letter, title: ev.letter.title + '.' } }],
            ['organizations swapped', { ...ev, letter: { ...ev.letter, organizations: ['usaid', 'state'] }, rosterVersions: [...ev.rosterVersions].reverse() }],
            ['one organization more', { ...ev, letter: { ...ev.letter, organizations: [...ev.letter.organizations, 'dos'] }, rosterVersions: [...ev.rosterVersions, 1n] }],
          ];
        case 'cosignature':
          return [
            ['action swapped', { ...ev, action: ev.action === 'sign' ? 'withdraw' : 'sign' }],
            ['other organization', { ...ev, slug: ev.slug === 'state' ? 'usaid' : 'state' }],
            ['an unnamed organization', { ...ev, slug: 'dos' }],
            ['another ring digest', { ...ev, ringDigest: new Uint8Array(32).fill(5) }],
            ['another letter', { ...ev, letter: new Uint8Array(32).fill(6) }],
            // The scheme is part of what a signature says: it cannot be relabelled.
            ev.scheme === LRS2_SCHEME
              ? ['labelled candor-lrs-v1', (({ scheme: _, ...v1 }) => v1)(ev)]
              : ['labelled candor-lrs-v2', { ...ev, scheme: LRS2_SCHEME }],
          ];
        case 'signature-batch':
          return [
            ['batch + 1', { ...ev, batch: ev.batch + 1n }],
            ['batch - 1', { ...ev, batch: ev.batch - 1n }],
            ['count + 1', { ...ev, count: ev.count + 1n }],
            ['count - 1', { ...ev, count: ev.count - 1n }],
            ['another time', { ...ev, publishedAtMs: ev.publishedAtMs + 1n }],
          ];
        default:
          return [];
      }
    };
    // Every entry but the roster additions, and of those the first, a middle and the last.
    const adds = picked.filter((i) => decodeLogEntry(base.log.entries[i]!).kind === 'roster-add');
    const chosen = picked.filter((i) => !adds.includes(i) || [adds[0], adds[20], adds.at(-1)].includes(i));
    let cases = 0;
    for (const at of chosen) {
      for (const [what, changed] of variants(decodeLogEntry(base.log.entries[at]!))) {
        const log = new TestLog(1);
        base.log.entries.forEach((e, i) => log.append(i === at ? encodeLogEntry(changed) : e));
        expectSame(`entry ${at}: ${what}`, dumpJson(letterBundleToJson(log.bundle(base.letterId, picked))));
        cases++;
      }
    }
    expect(cases).toBeGreaterThan(60);
  }, 120_000);

  it('on logs with entries that a bundle must not hold', () => {
    const rng = new SeededRng(78);
    const cases: [string, Uint8Array][] = [
      ['a co-signature of another organization', tr('candor/v1/log-entry', utf8('cosignature'), base.letterId, utf8('dos'), utf8('sign'), new Uint8Array(32), new Uint8Array(96))],
      ['a batch of another letter', tr('candor/v1/log-entry', utf8('signature-batch'), new Uint8Array(32), u64le(1), u64le(1), u64le(1))],
      ['a reviewer key', tr('candor/v1/log-entry', utf8('reviewer-key'), utf8('state'), u64le(9), generateMemberKeys(rng).box.publicKey)],
      ['a fourth batch closing too much', tr('candor/v1/log-entry', utf8('signature-batch'), base.letterId, u64le(4), u64le(1000), u64le(1))],
      ['batch 5', tr('candor/v1/log-entry', utf8('signature-batch'), base.letterId, u64le(5), u64le(1), u64le(1))],
      ['batch 4 closing the batch 3 entry', tr('candor/v1/log-entry', utf8('signature-batch'), base.letterId, u64le(4), u64le(1), u64le(1))],
      ['a cable event', tr('candor/v1/log-entry', utf8('cable-event'), utf8('state'), new Uint8Array(32).fill(1), u64le(1), utf8('submitted'), new Uint8Array(32).fill(2), utf8('2026-11-23'))],
      ['a cable event on a day that does not exist', tr('candor/v1/log-entry', utf8('cable-event'), utf8('state'), new Uint8Array(32).fill(1), u64le(1), utf8('submitted'), new Uint8Array(32).fill(2), utf8('2026-02-30'))],
      ['an entry with seven fields', tr('candor/v1/log-entry', utf8('roster-add'), utf8('state'), u64le(1), new Uint8Array(32), new Uint8Array(32), new Uint8Array(0), new Uint8Array(0))],
      ['an entry with eight fields', tr('candor/v1/log-entry', utf8('roster-add'), utf8('state'), u64le(1), new Uint8Array(32), new Uint8Array(32), new Uint8Array(0), new Uint8Array(0), new Uint8Array(0))],
    ];
    // A letter that pins a roster version logged only after it.
    {
      const log = new TestLog(1);
      const org = addOrganization(log, 'late', 20, rng);
      const letterId = publishLetter(log, { title: 'Early', body: 'Pinned too far.', organizations: ['late'] }, [
        { ...org, version: org.version + 1n },
      ]);
      addMember(log, org, generateMemberKeys(rng));
      const text = dumpJson(letterBundleToJson(log.bundle(letterId, log.select(letterId))));
      expect(expectSame('a roster version after its letter', text).error).toContain('after the letter that pins it');
    }
    for (const [what, extra] of cases) {
      const log = new TestLog(1);
      base.log.entries.forEach((e) => log.append(e));
      const selected = log.select(base.letterId); // before the extra entry, which may not decode
      const at = Number(log.append(extra));
      const text = dumpJson(letterBundleToJson(log.bundle(base.letterId, [...selected, at].sort((a, b) => a - b))));
      expect(expectSame(what, text).verified, what).toBe(false);
    }
  });

  it('on bundles at a checkpoint, complete or not, and every log state rule broken', () => {
    const b = cp.bundle;
    expect(expectSame('checkpoint', cp.text).verified).toBe(true);
    expect(expectSame('checkpoint, the defaults', cp.text, ['--max-age', '0'], { requireComplete: true }, false).text).toContain('"complete":true');
    expect(expectSame('no log state, the defaults', base.text, ['--max-age', '0'], { requireComplete: true }, false).verified).toBe(false);
    expect(expectSame('no log state, allowed', base.text).text).toContain('"complete":false');
    // The age by this machine's clock (the test heads are of 2026-09-21: old by now, or not yet).
    expectSame('at most 72 hours old', cp.text, ['--allow-incomplete', '--max-age', '72'], { maxAgeMs: 72n * 3_600_000n }, false);
    expectSame('at most 1 hour old', base.text, ['--allow-incomplete', '--max-age', '1'], { maxAgeMs: 3_600_000n }, false);
    const rng = new SeededRng(45);
    const is = (kind: LogEvent['kind'], version?: bigint) => (ev: LogEvent) =>
      ev.kind === kind && (version === undefined || ('version' in ev && ev.version === version));
    const batch3 = b.entries.findIndex((e) => is('signature-batch')(decodeLogEntry(e.entry)) && (decodeLogEntry(e.entry) as SignatureBatchEvent).batch === 3n);
    const count = Number((decodeLogEntry(b.entries[batch3]!.entry) as SignatureBatchEvent).count);
    const state = b.state!;
    const tampered = structuredClone(state);
    tampered[1]!.proof[0]![0]! ^= 1;
    const moved = structuredClone(state);
    moved[0]!.position += 1n;
    const changedLeaf = structuredClone(state);
    changedLeaf[2]!.leaf[changedLeaf[2]!.leaf.length - 1]! ^= 1;
    const latest = (version: bigint) => (s: LogState) =>
      s.setOrganization({ kind: 'organization', slug: 'state', rosterVersion: version, reviewerVersion: 0n, epochVersion: 0n });
    const extended = (extra: LogEvent) => {
      const log = new TestLog(1);
      for (const e of base.log.entries) log.append(e);
      log.append(extra);
      return log.entries;
    };
    const after = new TestLog(1);
    for (const e of cp.log.entries) after.append(e);
    after.append({ kind: 'organization-settings', slug: 'usaid', settings: DEFAULT_SETTINGS });
    const v27 = extended({ kind: 'roster-add', slug: 'state', version: 27n, ringPublic: generateMemberKeys(rng).ring.publicKey, replyPublic: generateMemberKeys(rng).box.publicKey });
    const v27cp = checkpoint({ entries: v27 });
    const stale = new TestLog(4);
    const late = addOrganization(stale, 'late', 20, rng);
    addMember(stale, late, generateMemberKeys(rng));
    const staleId = publishLetter(stale, { title: 'Stale', body: 'Pinned an old roster.', organizations: ['late'] }, [{ ...late, version: 20n }]);
    const wrongSize = new TestLog(1);
    for (const e of base.log.entries) wrongSize.append(e);
    const st = new LogState();
    wrongSize.entries.forEach((e, i) => st.replay(BigInt(i), decodeLogEntry(e)));
    const n = BigInt(wrongSize.entries.length);
    wrongSize.append({ ...st.commit(n), size: n - 1n });
    const variants: [string, LetterBundle][] = [
      ['last batch cut', { ...b, entries: b.entries.filter((_, i) => i > batch3 || i < batch3 - count) }],
      ['version 26 left out', without(b, is('roster-add', 26n))],
      ['log state left out', without(b, is('log-state'))],
      ['log state and version 26 left out', without(b, (ev) => is('log-state')(ev) || is('roster-add', 26n)(ev))],
      ['state left out', { ...b, state: undefined }],
      ['two leaves', { ...b, state: state.slice(0, 2) }],
      ['leaves swapped', { ...b, state: [state[0]!, state[2]!, state[1]!] }],
      ['letter leaf second', { ...b, state: [state[1]!, state[0]!, state[2]!] }],
      ['a proof hash changed', { ...b, state: tampered }],
      ['a position moved', { ...b, state: moved }],
      ['a leaf changed', { ...b, state: changedLeaf }],
      ['state without a log state', { ...base.bundle, state }],
      ['a state saying 25', checkpoint({ tweak: latest(25n) }).bundle],
      ['a state saying 24', checkpoint({ tweak: latest(24n) }).bundle],
      ['a state saying 2 batches', checkpoint({ tweak: (s) => s.setLetter(base.letterId, 2n) }).bundle],
      ['a second version 26', checkpoint({ entries: extended({ kind: 'roster-add', slug: 'state', version: 26n, ringPublic: generateMemberKeys(rng).ring.publicKey, replyPublic: generateMemberKeys(rng).box.publicKey }) }).bundle],
      ['version 27 shown', { ...v27cp.log.bundle(base.letterId, [...v27cp.log.select(base.letterId), v27.length - 1].sort((x, y) => x - y)), state: v27cp.bundle.state }],
      ['a stale pin', checkpoint({ entries: stale.entries, letterId: staleId, orgs: ['late'] }).bundle],
      ['a stale pin without log state', stale.bundle(staleId, stale.entries.map((_, i) => i).slice(1))],
      ['the log goes on after the log state', { ...after.bundle(base.letterId, b.entries.map((e) => Number(e.index))), state }],
      ['a log state of another size', { ...wrongSize.bundle(base.letterId, wrongSize.select(base.letterId)), state }],
    ];
    for (const [what, bundle] of variants) {
      const text = dumpJson(letterBundleToJson(bundle));
      const out = expectSame(what, text);
      expect(out.verified, what).toBe(false);
      expectSame(`${what}, the defaults`, text, ['--max-age', '0'], { requireComplete: true }, false);
    }
    // Version 27 exists: the bundle shows 26 and is complete.
    expect(expectSame('version 27 exists', dumpJson(letterBundleToJson(v27cp.bundle))).text).toContain('"complete":true');
    const json = parseJson(cp.text) as JsonObject;
    const raw = (f: (o: JsonObject) => void) => {
      const o = parseJson(cp.text) as JsonObject;
      f(o);
      return dumpJson(o);
    };
    for (const [what, text] of [
      ['state empty', raw((o) => o.set('state', []))],
      ['state not a list', raw((o) => o.set('state', {} as JsonObject))],
      ['1002 leaves', raw((o) => o.set('state', Array.from({ length: 1002 }, () => (json.get('state') as JsonValue[])[0]!)))],
      ['1001 leaves', raw((o) => o.set('state', Array.from({ length: 1001 }, () => (json.get('state') as JsonValue[])[0]!)))],
      ['a leaf with another member', raw((o) => (o.get('state') as JsonObject[])[1]!.set('extra', null))],
      ['a leaf without its position', raw((o) => (o.get('state') as JsonObject[])[1]!.delete('position'))],
      ['a leaf of odd hex', raw((o) => (o.get('state') as JsonObject[])[0]!.set('leaf', 'abc'))],
      ['a leaf of uppercase hex', raw((o) => (o.get('state') as JsonObject[])[0]!.set('leaf', toHex(state[0]!.leaf).toUpperCase()))],
      ['a position of -1', cp.text.replace(/"position":(\d+)/, '"position":-1')],
      ['a position of 1.0', cp.text.replace(/"position":(\d+)/, '"position":$1.0')],
    ] as const) {
      expectSame(what, text);
    }
  }, 180_000);

  it('on every entry of a checkpoint bundle dropped in turn', () => {
    for (let i = 0; i < cp.bundle.entries.length; i++) {
      const b = { ...cp.bundle, entries: cp.bundle.entries.filter((_, k) => k !== i) };
      expect(expectSame(`drop ${i}`, dumpJson(letterBundleToJson(b))).verified, `drop ${i}`).toBe(false);
    }
  }, 120_000);

  it('on a roster of 4,100 members split into two buckets', () => {
    const rng = new SeededRng(4100);
    const log = new TestLog(2);
    const big = addOrganization(log, 'big', 4100, rng);
    const letterId = publishLetter(log, { title: 'Large', body: 'Two rings.', organizations: ['big'] }, [big]);
    // One signer in each bucket (the bucket rule decides which members share a ring).
    const rings = letterRingsFromBundle(dumpJson(letterBundleToJson(log.bundle(letterId, log.select(letterId)))));
    expect(rings.orgs[0]!.rings.map((r) => r.size)).toEqual([2050, 2050]);
    const inSecond = big.members.findIndex((m) => rings.orgs[0]!.rings[1]!.indexOf(m.ring.publicKey) !== undefined);
    const inFirst = big.members.findIndex((m) => rings.orgs[0]!.rings[0]!.indexOf(m.ring.publicKey) !== undefined);
    // And one with candor-lrs-v2, hidden among all 4,100 (what findSignerRing picks by default).
    const whole = findSignerRing(rings, big.members[77]!.ring.publicKey);
    expect([whole.ring.size, whole.index]).toEqual([4100, 77]);
    appendBatch(
      log,
      letterId,
      1n,
      [{ org: big, who: inFirst, action: 'sign' }, { org: big, who: inSecond, action: 'sign' }, { org: big, who: 77, action: 'sign', scheme: LRS2_SCHEME }],
      rng,
    );
    const text = dumpJson(letterBundleToJson(log.bundle(letterId, log.select(letterId))));
    const out = expectSame('two buckets', text);
    expect(out.verified).toBe(true);
    expect(out.text).toContain('"ring_sizes":[2050,2050]');
    expect(out.text).toContain('"total":3');
    expect(out.text).toContain('"whole_roster_signatures":1');
  }, 180_000);
});
