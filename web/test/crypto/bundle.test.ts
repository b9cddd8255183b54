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
  letterBundleFromJson,
  letterBundleToJson,
  recountLetterBundle,
  verifyLetterBundle,
  type LetterBundle,
} from '../../src/crypto/bundle.js';
import { dumpJson } from '../../src/crypto/json.js';
import { letterRingsFromBundle, findSignerRing, signPublishProof } from '../../src/crypto/signer.js';
import { decodeLrsSignature, lrsVerify } from '../../src/crypto/lrs.js';
import { publishProofEvent, publishProofMessage, type Letter } from '../../src/crypto/letter.js';
import { SeededRng } from '../../src/crypto/rng.js';
import { generateMemberKeys } from '../../src/crypto/keys.js';
import { tr } from '../../src/crypto/transcript.js';
import { decodeLogEntry, encodeLogEntry, type LogEvent } from '../../src/crypto/log_entry.js';
import { handleRecountRequest, type RecountReply } from '../../src/crypto/recount_worker.js';
import {
  addMember,
  addOrganization,
  appendBatch,
  publishLetter,
  removeMember,
  snapshotRings,
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
  addMember(log, state, generateMemberKeys(rng)); // too late for this letter
  const s = (org: TestOrg, who: number, action: PendingSignature['action'] = 'sign'): PendingSignature => ({ org, who, action });
  appendBatch(log, letterId, 1n, [s(state, 0), s(state, 1), s(state, 2), s(usaid, 0), s(usaid, 1), s(state, 5, 'withdraw')], rng, rings);
  log.append({ kind: 'organization-settings', slug: 'usaid', settings: { ...DEFAULT_SETTINGS, minRingSize: 21 } });
  appendBatch(log, letterId, 2n, [s(state, 0), s(state, 5), s(usaid, 2), s(usaid, 0, 'withdraw')], rng, rings);
  // usaid 0 withdraws a second time: the first withdrawal (batch 2) is the one that counts.
  appendBatch(log, letterId, 3n, [s(state, 1, 'withdraw'), s(usaid, 3), s(usaid, 4), s(usaid, 0), s(usaid, 0, 'withdraw')], rng, rings);
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
    expect([mine.org, mine.index, mine.ring.size]).toEqual(['usaid', 7, 21]);
    // The member enrolled after the letter may not sign it; a small minimum refuses.
    expectCandorError(() => findSignerRing(rings, state.members.at(-1)!.ring.publicKey), 'not found');
    expectCandorError(() => findSignerRing(rings, usaid.members[7]!.ring.publicKey, { minRing: 22 }), 'failed precondition');
    expectCandorError(() => findSignerRing(rings, usaid.members[7]!.ring.publicKey, { org: 'state' }), 'not found');
    expectCandorError(() => letterRingsFromBundle(base.text, { expectedLogKey: new Uint8Array(32) }), 'verification failed');
    const proof = signPublishProof(base.letterId, mine.ring, mine.index, usaid.members[7]!.ring.secret);
    lrsVerify(publishProofEvent(base.letterId), publishProofMessage(base.letterId), mine.ring, decodeLrsSignature(proof, 21));
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

  const expectSame = (what: string, text: string | Uint8Array, args: string[] = [], options = {}) => {
    const cli = cliOutcome(dir, text, args);
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
      // Hex is read in either case (FromHex), so only the uppercase changes keep it valid.
      expect(out.verified, what).toBe(what.includes('uppercase'));
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
        const out = expectSame(`entry ${at}: ${what}`, dumpJson(letterBundleToJson(log.bundle(base.letterId, picked))));
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
    appendBatch(log, letterId, 1n, [{ org: big, who: inFirst, action: 'sign' }, { org: big, who: inSecond, action: 'sign' }], rng);
    const text = dumpJson(letterBundleToJson(log.bundle(letterId, log.select(letterId))));
    const out = expectSame('two buckets', text);
    expect(out.verified).toBe(true);
    expect(out.text).toContain('"ring_sizes":[2050,2050]');
    expect(out.text).toContain('"total":2');
  }, 180_000);
});
