// Letters (canonical bytes, ids, statements, JSON), buckets, rosters, settings and log
// entries: the domain rules of src/domain that a browser verifier needs.
import { describe, expect, it } from 'vitest';
import { ready } from '../../src/crypto/sodium.js';
import { toHex, u64le, utf8 } from '../../src/crypto/bytes.js';
import {
  bucketOf,
  bucketRoster,
  computeLetterId,
  decodeLetterCanonicalBytes,
  letterCanonicalBytes,
  letterFromJson,
  letterStatement,
  letterToJson,
  publishProofEvent,
  publishProofMessage,
  validateLetter,
  type Letter,
} from '../../src/crypto/letter.js';
import { dumpJson, parseJson } from '../../src/crypto/json.js';
import { h256, sha256, tr } from '../../src/crypto/transcript.js';
import { generateMemberKeys } from '../../src/crypto/keys.js';
import { SeededRng } from '../../src/crypto/rng.js';
import { Roster } from '../../src/crypto/roster.js';
import { ringDigestOf } from '../../src/crypto/lrs.js';
import {
  organizationSettingsFromCanonicalJsonText,
  organizationSettingsToJsonText,
  validateOrganizationSettings,
} from '../../src/crypto/policy.js';
import { decodeLogEntry, encodeLogEntry, logEventToJson, validateLogEvent, type LogEvent } from '../../src/crypto/log_entry.js';
import { DEFAULT_SETTINGS } from './settings.js';
import { expectCandorError, hex } from './helpers.js';

await ready();

const sample = (): Letter => ({
  title: 'Reconsider the audit',
  body: 'We, the undersigned, ask…',
  organizations: ['state', 'usaid'],
});

describe('letters', () => {
  it('freezes the text by the documented transcript', () => {
    const l: Letter = { ...sample(), closesAtMs: 1790000000000n, quorum: 0n + 5n, supersedes: new Uint8Array(32).fill(7) };
    const expected = tr(
      'candor/v1/letter',
      utf8(l.title),
      utf8(l.body),
      u64le(2),
      utf8('state'),
      utf8('usaid'),
      u64le(1790000000000n),
      u64le(5),
      new Uint8Array(32).fill(7),
    );
    expect(letterCanonicalBytes(l)).toEqual(expected);
    expect(computeLetterId(l)).toEqual(sha256(expected));
    expect(decodeLetterCanonicalBytes(expected)).toEqual(l);
  });

  it('tells unset from zero and changes the id with every field', () => {
    const base = toHex(computeLetterId(sample()));
    const variants: Letter[] = [
      { ...sample(), title: 'Reconsider the audit!' },
      { ...sample(), body: 'We, the undersigned, ask.' },
      { ...sample(), organizations: ['usaid', 'state'] },
      { ...sample(), closesAtMs: 0n },
      { ...sample(), quorum: 1n },
      { ...sample(), supersedes: new Uint8Array(32) },
    ];
    for (const v of variants) expect(toHex(computeLetterId(v))).not.toBe(base);
    const unset = letterCanonicalBytes(sample());
    expect(decodeLetterCanonicalBytes(unset)).toEqual(sample());
  });

  it('refuses invalid letters', () => {
    const bad: Letter[] = [
      { ...sample(), title: '' },
      { ...sample(), title: 'x'.repeat(513) },
      { ...sample(), body: '' },
      { ...sample(), body: 'x'.repeat(256 * 1024 + 1) },
      { ...sample(), organizations: [] },
      { ...sample(), organizations: ['state', 'state'] },
      { ...sample(), organizations: ['State'] },
      { ...sample(), organizations: ['-state'] },
      { ...sample(), organizations: ['a'.repeat(64)] },
      { ...sample(), quorum: 0n },
      { ...sample(), title: '\ud800' },
    ];
    for (const l of bad) expectCandorError(() => validateLetter(l), 'invalid argument');
    validateLetter({ ...sample(), title: 'x'.repeat(512), organizations: ['a'.repeat(63)] });
  });

  it('decodes only canonical, valid letter bytes', () => {
    const good = letterCanonicalBytes(sample());
    const cases: Uint8Array[] = [
      new Uint8Array([...good, 0]),
      good.subarray(0, good.length - 1),
      tr('candor/v1/letterx', utf8('t'), utf8('b'), u64le(1), utf8('a'), new Uint8Array(0), new Uint8Array(0), new Uint8Array(0)),
      tr('candor/v1/letter', utf8('t'), utf8('b'), u64le(2), utf8('a'), new Uint8Array(0), new Uint8Array(0), new Uint8Array(0)),
      tr('candor/v1/letter', utf8('t'), utf8('b'), u64le(1), utf8('a'), new Uint8Array(7), new Uint8Array(0), new Uint8Array(0)),
      tr('candor/v1/letter', utf8('t'), utf8('b'), u64le(1), utf8('a'), new Uint8Array(0), new Uint8Array(0), new Uint8Array(31)),
      tr('candor/v1/letter', hex('c3'), utf8('b'), u64le(1), utf8('a'), new Uint8Array(0), new Uint8Array(0), new Uint8Array(0)),
      tr('candor/v1/letter', utf8('t'), utf8('b'), u64le(1001), utf8('a')),
    ];
    for (const c of cases) expectCandorError(() => decodeLetterCanonicalBytes(c), 'invalid argument');
  });

  it('reads and writes the letter JSON strictly', () => {
    const l: Letter = { ...sample(), quorum: 3n, supersedes: new Uint8Array(32).fill(1) };
    const text = dumpJson(letterToJson(l), 2);
    expect(letterFromJson(parseJson(text))).toEqual(l);
    expect(letterFromJson(parseJson('{"title":"t","body":"b","organizations":["a"],"quorum":null}'))).toEqual({
      title: 't',
      body: 'b',
      organizations: ['a'],
    });
    for (const bad of [
      '{"title":"t","body":"b","organizations":["a"],"x":1}',
      '{"title":"t","body":"b","organizations":["a"],"quorum":1.0}',
      '{"title":"t","body":"b","organizations":["a"],"quorum":-1}',
      '{"title":"t","body":"b","organizations":"a"}',
      '{"title":"t","organizations":["a"]}',
      '{"title":"t","body":"b","organizations":["a"],"supersedes":"00"}',
    ]) {
      expectCandorError(() => letterFromJson(parseJson(bad)), 'invalid argument');
    }
  });

  it('builds the co-signature statement and the publishing proof\'s event and message', () => {
    const id = computeLetterId(sample());
    expect(letterStatement(id, 'sign')).toEqual(tr('candor/v1/letter/statement', id, utf8('sign')));
    expect(letterStatement(id, 'withdraw')).toEqual(tr('candor/v1/letter/statement', id, utf8('withdraw')));
    expect(publishProofEvent(id)).toEqual(h256('candor/v1/letter/publish', id));
    expect(publishProofMessage(id)).toEqual(tr('candor/v1/letter/publish-statement', id));
  });
});

describe('buckets (docs/PROTOCOL.md "Rings for a letter")', () => {
  const rng = new SeededRng(42);
  const keys = Array.from({ length: 103 }, () => generateMemberKeys(rng).ring.publicKey);

  it('keeps a roster within the limit as one ring in roster order', () => {
    expect(bucketRoster(keys.slice(0, 30), 30)).toEqual([keys.slice(0, 30)]);
    expect(bucketRoster(keys.slice(0, 31), 30).map((b) => b.length)).toEqual([16, 15]);
    expect(bucketRoster(keys.slice(0, 61), 30).map((b) => b.length)).toEqual([21, 20, 20]);
    expect(bucketRoster([], 30)).toEqual([]);
  });

  it('splits a larger roster into near-equal buckets independent of the signer and the order', () => {
    const buckets = bucketRoster(keys, 25); // ceil(103/25) = 5 buckets: 21 21 21 20 20
    expect(buckets.map((b) => b.length)).toEqual([21, 21, 21, 20, 20]);
    // Each bucket is the next run of keys in H256("candor/v1/bucket", P) order, in roster order.
    const byHash = [...keys].sort((a, b) => {
      const ha = toHex(h256('candor/v1/bucket', a));
      const hb = toHex(h256('candor/v1/bucket', b));
      return ha < hb ? -1 : 1;
    });
    let pos = 0;
    for (const bucket of buckets) {
      const run = new Set(byHash.slice(pos, pos + bucket.length).map(toHex));
      pos += bucket.length;
      expect(new Set(bucket.map(toHex))).toEqual(run);
      const positions = bucket.map((k) => keys.indexOf(k));
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    }
    keys.forEach((k) => expect(bucketOf(buckets, k)).toBe(buckets.findIndex((b) => b.includes(k))));
    const reversed = bucketRoster([...keys].reverse(), 25);
    expect(reversed.map((b) => new Set(b.map(toHex)))).toEqual(buckets.map((b) => new Set(b.map(toHex))));
    expect(bucketOf(buckets, new Uint8Array(32))).toBeUndefined();
  });
});

describe('rosters', () => {
  const rng = new SeededRng(43);
  const k = Array.from({ length: 4 }, () => generateMemberKeys(rng));
  const add = (v: bigint, i: number) => ({ version: v, change: 'add' as const, ringPublic: k[i]!.ring.publicKey, replyPublic: k[i]!.box.publicKey });
  const remove = (v: bigint, i: number) => ({ version: v, change: 'remove' as const, ringPublic: k[i]!.ring.publicKey });

  it('replays versions in order and keeps the order of addition', () => {
    const r = Roster.replay([add(1n, 0), add(2n, 1), add(3n, 2), remove(4n, 1), add(5n, 3)]);
    expect(r.version).toBe(5n);
    expect(r.members().map(toHex)).toEqual([0, 2, 3].map((i) => toHex(k[i]!.ring.publicKey)));
    expect(r.members(3n).length).toBe(3);
    expect(r.size(4n)).toBe(2);
    expect(r.digest()).toEqual(ringDigestOf(r.members()));
    expect(r.contains(k[1]!.ring.publicKey)).toBe(false);
    expect(r.replyKey(k[2]!.ring.publicKey)).toEqual(k[2]!.box.publicKey);
  });

  it('refuses gaps, repeats, re-additions, unknown removals and bad keys', () => {
    expectCandorError(() => Roster.replay([add(2n, 0)]), 'invalid argument');
    expectCandorError(() => Roster.replay([add(1n, 0), add(2n, 0)]), 'already exists');
    expectCandorError(() => Roster.replay([add(1n, 0), remove(2n, 0), add(3n, 0)]), 'failed precondition');
    expectCandorError(() => Roster.replay([remove(1n, 0)]), 'not found');
    expectCandorError(() => Roster.replay([{ ...add(1n, 0), replyPublic: new Uint8Array(32) }]), 'invalid argument');
    expectCandorError(() => Roster.replay([{ ...add(1n, 0), ringPublic: new Uint8Array(32) }]), 'invalid argument');
    expectCandorError(() => Roster.replay([add(1n, 0), { ...remove(2n, 0), replyPublic: k[0]!.box.publicKey }]), 'invalid argument');
  });
});

describe('settings and log entries', () => {
  const documented =
    '{"min_ring_size":20,"policy":{"acknowledge":{"amount":2,"unit":"working-days"},"answer":{"amount":30,"unit":"working-days"},"extended_answer":{"amount":60,"unit":"working-days"},"name":"dissent-channel"},"use_us_federal_holidays":true}';

  it('writes the canonical settings text of docs/PROTOCOL.md and reads only that', () => {
    expect(organizationSettingsToJsonText(DEFAULT_SETTINGS)).toBe(documented);
    expect(organizationSettingsFromCanonicalJsonText(utf8(documented))).toEqual(DEFAULT_SETTINGS);
    const eu =
      '{"min_ring_size":2,"policy":{"acknowledge":{"amount":7,"unit":"calendar-days"},"answer":{"amount":3,"unit":"calendar-months"},"extended_answer":null,"name":"eu-whistleblowing"},"use_us_federal_holidays":false}';
    expect(organizationSettingsToJsonText(organizationSettingsFromCanonicalJsonText(utf8(eu)))).toBe(eu);
    const bad = [
      documented.replace('{"min', '{ "min'),
      documented.replace('"min_ring_size":20', '"min_ring_size":20.0'),
      documented.replace('"min_ring_size":20', '"min_ring_size":1'),
      documented.replace('"amount":2,', '"amount":30,'),
      documented.replace(',"use_us_federal_holidays":true', ''),
      documented.replace('"use_us_federal_holidays":true', '"use_us_federal_holidays":true,"x":1'),
      documented.replace('"min_ring_size":20,', '"min_ring_size":20,"min_ring_size":20,'),
      documented.replace('dissent-channel', 'dissent\\u002dchannel'),
      documented.replace('"amount":60', '"amount":20'),
    ];
    for (const b of bad) expectCandorError(() => organizationSettingsFromCanonicalJsonText(utf8(b)), 'invalid argument');
    // The retention period (OrganizationSettingsToJson writes it only when set): the browser
    // once refused it as an unknown field, so an organization that set it could not be read.
    const kept = documented.replace('{"min_ring_size"', '{"cable_retention_days":365,"min_ring_size"');
    const read = organizationSettingsFromCanonicalJsonText(utf8(kept));
    expect(read.cableRetentionDays).toBe(365);
    expect(organizationSettingsToJsonText(read)).toBe(kept);
    for (const b of [kept.replace('365', '0'), kept.replace('365', '36601'), kept.replace('365', '-1')]) {
      expectCandorError(() => organizationSettingsFromCanonicalJsonText(utf8(b)), 'invalid argument');
    }
    // The time zone, written only when not UTC, as OrganizationSettingsToJson does; the form of
    // the name is checked (ValidateTimeZoneName), not whether this browser knows the zone.
    const zoned = documented.replace(',"use_us_federal_holidays"', ',"time_zone":"America/New_York","use_us_federal_holidays"');
    const readZone = organizationSettingsFromCanonicalJsonText(utf8(zoned));
    expect(readZone.timeZone).toBe('America/New_York');
    expect(organizationSettingsToJsonText(readZone)).toBe(zoned);
    expect(organizationSettingsFromCanonicalJsonText(utf8(zoned.replace('America/New_York', 'Mars/Olympus_Mons'))).timeZone).toBe('Mars/Olympus_Mons');
    for (const name of ['UTC', '', '../etc/passwd', 'Europe//Paris', 'Europe/', 'Europe/Pa ris', 'Etc/./UTC', 'a'.repeat(65)]) {
      expectCandorError(() => organizationSettingsFromCanonicalJsonText(utf8(zoned.replace('America/New_York', name))), 'invalid argument');
    }
    expectCandorError(() => organizationSettingsFromCanonicalJsonText(utf8(zoned.replace('"America/New_York"', '1'))), 'invalid argument');
    // Channels (issue 15), written only when there are some, as OrganizationSettingsToJson does.
    const channeled = documented.replace(
      '{"min_ring_size"',
      '{"channels":[{"id":"conduct","name":"Conduct of senior staff","reviewers":[3,7]}],"min_ring_size"',
    );
    const readChannels = organizationSettingsFromCanonicalJsonText(utf8(channeled));
    expect(readChannels.channels).toEqual([{ id: 'conduct', name: 'Conduct of senior staff', reviewers: [3, 7] }]);
    expect(organizationSettingsToJsonText(readChannels)).toBe(channeled);
    for (const [from, to] of [
      ['"reviewers":[3,7]', '"reviewers":[7,3]'],
      ['"reviewers":[3,7]', '"reviewers":[3,3]'],
      ['"reviewers":[3,7]', '"reviewers":[0]'],
      ['"reviewers":[3,7]', '"reviewers":[-1]'],
      ['"reviewers":[3,7]', '"reviewers":[1.5]'],
      ['"reviewers":[3,7]', '"reviewers":[]'],
      ['"id":"conduct"', '"id":"Conduct"'],
      ['"id":"conduct"', '"id":""'],
      ['"name":"Conduct of senior staff"', '"name":""'],
      ['"name":"Conduct of senior staff"', '"name":"a\\nb"'],
      ['"reviewers":[3,7]}', '"reviewers":[3,7],"x":1}'],
      ['[{"id":"conduct","name":"Conduct of senior staff","reviewers":[3,7]}]', '[]'],
      [
        '[{"id":"conduct","name":"Conduct of senior staff","reviewers":[3,7]}]',
        '[{"id":"conduct","name":"A","reviewers":[3]},{"id":"conduct","name":"B","reviewers":[4]}]',
      ],
    ] as const) {
      expectCandorError(() => organizationSettingsFromCanonicalJsonText(utf8(channeled.replace(from, to))), 'invalid argument');
    }
    const policy = DEFAULT_SETTINGS.policy;
    for (const settings of [
      { ...DEFAULT_SETTINGS, minRingSize: 1 },
      { ...DEFAULT_SETTINGS, minRingSize: 1_000_001 },
      { ...DEFAULT_SETTINGS, policy: { ...policy, acknowledge: { amount: 0, unit: 'working-days' as const } } },
      { ...DEFAULT_SETTINGS, policy: { ...policy, answer: { amount: 262, unit: 'working-days' as const } } },
      { ...DEFAULT_SETTINGS, policy: { ...policy, acknowledge: { amount: 1, unit: 'calendar-months' as const } } },
      { ...DEFAULT_SETTINGS, policy: { ...policy, extendedAnswer: { amount: 61, unit: 'calendar-days' as const } } },
      { ...DEFAULT_SETTINGS, policy: { ...policy, name: ' ' } },
    ]) {
      expectCandorError(() => validateOrganizationSettings(settings), 'invalid argument');
    }
  });

  const rng = new SeededRng(44);
  const m = generateMemberKeys(rng);
  const id = computeLetterId(sample());
  const events: LogEvent[] = [
    { kind: 'organization-created', slug: 'state', name: 'Department of State ✓', demo: true, settings: DEFAULT_SETTINGS },
    { kind: 'organization-settings', slug: 'state', settings: { ...DEFAULT_SETTINGS, minRingSize: 50 } },
    { kind: 'roster-add', slug: 'state', version: 1n, ringPublic: m.ring.publicKey, replyPublic: m.box.publicKey },
    { kind: 'roster-remove', slug: 'state', version: 2n, ringPublic: m.ring.publicKey },
    { kind: 'reviewer-key', slug: 'state', accountId: 3n, boxPublic: m.box.publicKey },
    { kind: 'letter', letter: { ...sample(), quorum: 2n }, rosterVersions: [1n, (1n << 64n) - 1n] },
    { kind: 'cosignature', letter: id, slug: 'usaid', action: 'withdraw', ringDigest: new Uint8Array(32).fill(3), signature: new Uint8Array(96).fill(1) },
    { kind: 'signature-batch', letter: id, batch: 1n, count: 4n, publishedAtMs: 1790000000000n },
    { kind: 'cable-event', slug: 'state', cable: new Uint8Array(32).fill(8), seq: 2n, action: 'replied', digest: new Uint8Array(32).fill(1), date: '2026-02-28' },
    { kind: 'cable-event', slug: 'state', cable: new Uint8Array(32).fill(8), seq: 1n, action: 'purged', digest: new Uint8Array(32), date: '2024-02-29' },
    { kind: 'reviewer', slug: 'state', version: 1n, accountId: 7n, username: 'ann.lee_2-x', boxPublic: m.box.publicKey },
    { kind: 'reviewer', slug: 'state', version: 2n, accountId: (1n << 64n) - 1n, username: 'a'.repeat(64), boxPublic: m.box.publicKey },
    { kind: 'reviewer-removed', slug: 'state', version: 3n, accountId: 7n },
    { kind: 'roster-epoch', slug: 'state', version: 3n },
  ];

  it('round-trips every kind', () => {
    for (const e of events) {
      const bytes = encodeLogEntry(e);
      expect(decodeLogEntry(bytes)).toEqual(e);
    }
  });

  it('encodes the reviewer and epoch kinds field by field (docs/PROTOCOL.md "Log entries")', () => {
    const label = 'candor/v1/log-entry';
    expect(toHex(encodeLogEntry(events[10]!))).toBe(
      toHex(tr(label, utf8('reviewer'), utf8('state'), u64le(1), u64le(7), utf8('ann.lee_2-x'), m.box.publicKey)),
    );
    expect(toHex(encodeLogEntry(events[11]!))).toBe(
      toHex(tr(label, utf8('reviewer'), utf8('state'), u64le(2), u64le((1n << 64n) - 1n), utf8('a'.repeat(64)), m.box.publicKey)),
    );
    expect(toHex(encodeLogEntry(events[12]!))).toBe(toHex(tr(label, utf8('reviewer-removed'), utf8('state'), u64le(3), u64le(7))));
    expect(toHex(encodeLogEntry(events[13]!))).toBe(toHex(tr(label, utf8('roster-epoch'), utf8('state'), u64le(3))));
    expect(dumpJson(logEventToJson(events[10]!))).toBe(
      `{"account_id":7,"box_public":"${toHex(m.box.publicKey)}","kind":"reviewer","slug":"state","username":"ann.lee_2-x","version":1}`,
    );
    expect(dumpJson(logEventToJson(events[12]!))).toBe('{"account_id":7,"kind":"reviewer-removed","slug":"state","version":3}');
    expect(dumpJson(logEventToJson(events[13]!))).toBe('{"kind":"roster-epoch","slug":"state","version":3}');
  });

  it('refuses reviewers and epochs that break the rules, naming the kind and the field', () => {
    const label = 'candor/v1/log-entry';
    const reviewer = (slug: string, account: Uint8Array, username: Uint8Array, key: Uint8Array, version = u64le(1)) =>
      tr(label, utf8('reviewer'), utf8(slug), version, account, username, key);
    const removed = (slug: string, version: Uint8Array, account: Uint8Array) =>
      tr(label, utf8('reviewer-removed'), utf8(slug), version, account);
    const cases: [Uint8Array, string][] = [
      [reviewer('state', u64le(1), utf8(''), m.box.publicKey), "log entry 'reviewer': a username has 1 to 64 characters"],
      [reviewer('state', u64le(1), utf8('a'.repeat(65)), m.box.publicKey), "log entry 'reviewer': a username has 1 to 64 characters"],
      [reviewer('state', u64le(1), utf8('Ann'), m.box.publicKey), "log entry 'reviewer': a username may use only a-z, 0-9, '.', '_' and '-'"],
      [reviewer('state', u64le(1), utf8('ann lee'), m.box.publicKey), "log entry 'reviewer': a username may use only a-z, 0-9, '.', '_' and '-'"],
      [reviewer('state', u64le(1), utf8('josé'), m.box.publicKey), "log entry 'reviewer': a username may use only a-z, 0-9, '.', '_' and '-'"],
      [reviewer('state', u64le(1), new Uint8Array([0x61, 0xff]), m.box.publicKey), "log entry 'reviewer': a username may use only a-z, 0-9, '.', '_' and '-'"],
      [reviewer('state', u64le(0), utf8('ann'), m.box.publicKey), "log entry 'reviewer': the account id must be at least 1"],
      [reviewer('state', new Uint8Array(7), utf8('ann'), m.box.publicKey), "log entry 'reviewer': the account id must be 8 bytes"],
      [reviewer('state', u64le(3), utf8('ann'), m.box.publicKey, u64le(0)), "log entry 'reviewer': the version must be at least 1"],
      [reviewer('state', u64le(3), utf8('ann'), m.box.publicKey, new Uint8Array(7)), "log entry 'reviewer': the version must be 8 bytes"],
      [reviewer('state', u64le(3), utf8('ann'), m.box.publicKey, new Uint8Array(9)), "log entry 'reviewer': the version must be 8 bytes"],
      // The version is checked before the account id.
      [reviewer('state', u64le(0), utf8('ann'), m.box.publicKey, u64le(0)), "log entry 'reviewer': the version must be at least 1"],
      [reviewer('state', u64le(1), utf8('ann'), new Uint8Array(32)), "log entry 'reviewer': the reviewer key is not a valid X25519 key"],
      [reviewer('state', u64le(1), utf8('ann'), m.box.publicKey.subarray(1)), "log entry 'reviewer': the reviewer key must be 32 bytes"],
      [reviewer('State', u64le(1), utf8('ann'), m.box.publicKey), "log entry 'reviewer': the organization's slug may contain only lowercase letters a-z, digits and '-'"],
      // The older layout, without a version, and a version too many.
      [tr(label, utf8('reviewer'), utf8('state'), u64le(1), utf8('ann'), m.box.publicKey), "log entry 'reviewer': expected 5 fields, got 4"],
      [tr(label, utf8('reviewer'), utf8('state'), u64le(1), m.box.publicKey), "log entry 'reviewer': expected 5 fields, got 3"],
      [tr(label, utf8('reviewer'), utf8('state'), u64le(1), u64le(1), u64le(1), utf8('ann'), m.box.publicKey), "log entry 'reviewer': expected 5 fields, got 6"],
      [removed('state', u64le(1), u64le(0)), "log entry 'reviewer-removed': the account id must be at least 1"],
      [removed('state', u64le(1), new Uint8Array(9)), "log entry 'reviewer-removed': the account id must be 8 bytes"],
      [removed('state', u64le(0), u64le(2)), "log entry 'reviewer-removed': the version must be at least 1"],
      [removed('state', new Uint8Array(7), u64le(2)), "log entry 'reviewer-removed': the version must be 8 bytes"],
      [removed('state', new Uint8Array(0), u64le(2)), "log entry 'reviewer-removed': the version must be 8 bytes"],
      [tr(label, utf8('reviewer-removed'), utf8('state'), u64le(1)), "log entry 'reviewer-removed': expected 3 fields, got 2"],
      [tr(label, utf8('reviewer-removed'), utf8('state'), u64le(1), u64le(1), utf8('ann')), "log entry 'reviewer-removed': expected 3 fields, got 4"],
      [removed('-state', u64le(1), u64le(1)), "log entry 'reviewer-removed': the organization's slug may not begin or end with '-'"],
      [tr(label, utf8('roster-epoch'), utf8('state'), u64le(0)), "log entry 'roster-epoch': the version must be at least 1"],
      [tr(label, utf8('roster-epoch'), utf8('state'), new Uint8Array(9)), "log entry 'roster-epoch': the version must be 8 bytes"],
      [tr(label, utf8('roster-epoch'), utf8('state')), "log entry 'roster-epoch': expected 2 fields, got 1"],
    ];
    for (const [bytes, message] of cases) {
      expect(expectCandorError(() => decodeLogEntry(bytes), 'invalid argument').message).toBe(message);
    }
    expectCandorError(() => validateLogEvent({ kind: 'reviewer', slug: 'state', version: 1n, accountId: 1n, username: 'Ann', boxPublic: m.box.publicKey }), 'invalid argument');
    expectCandorError(() => validateLogEvent({ kind: 'reviewer', slug: 'state', version: 1n, accountId: 1n, username: '\ud800', boxPublic: m.box.publicKey }), 'invalid argument');
    expect(
      expectCandorError(() => validateLogEvent({ kind: 'reviewer', slug: 'state', version: 0n, accountId: 1n, username: 'ann', boxPublic: m.box.publicKey }), 'invalid argument').message,
    ).toBe("log entry 'reviewer': the version must be at least 1");
    expect(
      expectCandorError(() => validateLogEvent({ kind: 'reviewer-removed', slug: 'state', version: 0n, accountId: 1n }), 'invalid argument').message,
    ).toBe("log entry 'reviewer-removed': the version must be at least 1");
    expectCandorError(() => validateLogEvent({ kind: 'roster-epoch', slug: 'state', version: 0n }), 'invalid argument');
  });

  it('logs staff accounts and holiday calendars as the C++ encoder does, and refuses what it refuses', () => {
    const label = 'candor/v1/log-entry';
    const staff: LogEvent = { kind: 'staff-account', slug: 'state', accountId: 5n, username: 'ann.lee', change: 'updated', roles: 4n, disabled: true, by: 2n };
    expect(toHex(encodeLogEntry(staff))).toBe(
      toHex(tr(label, utf8('staff-account'), utf8('state'), u64le(5), utf8('ann.lee'), utf8('updated'), u64le(4), new Uint8Array([1]), u64le(2))),
    );
    const days: LogEvent = {
      kind: 'organization-holidays',
      slug: 'state',
      holidays: [
        { date: '2026-12-25', name: 'Christmas Day' },
        { date: '2027-01-01', name: 'Jour de l’an' },
      ],
    };
    expect(toHex(encodeLogEntry(days))).toBe(
      toHex(tr(label, utf8('organization-holidays'), utf8('state'), tr('candor/v1/holidays', utf8('2026-12-25'), utf8('Christmas Day'), utf8('2027-01-01'), utf8('Jour de l’an')))),
    );
    for (const e of [staff, days, { kind: 'organization-holidays', slug: 'state', holidays: [] } as LogEvent]) {
      expect(decodeLogEntry(encodeLogEntry(e))).toEqual(e);
    }
    expect(dumpJson(logEventToJson({ ...staff, change: 'created', roles: 7n, disabled: false, by: 0n }))).toBe(
      '{"account_id":5,"by":0,"change":"created","disabled":false,"kind":"staff-account","roles":["administrator","enrollment_officer","reviewer"],"slug":"state","username":"ann.lee"}',
    );
    const account = (roles: Uint8Array, status: Uint8Array, change = 'created', username = 'ann', id = u64le(5)) =>
      tr(label, utf8('staff-account'), utf8('state'), id, utf8(username), utf8(change), roles, status, u64le(0));
    const calendar = (...parts: string[]) =>
      tr(label, utf8('organization-holidays'), utf8('state'), tr('candor/v1/holidays', ...parts.map(utf8)));
    const cases: [Uint8Array, string][] = [
      [account(u64le(0), new Uint8Array([0])), "log entry 'staff-account': the roles must be a non-empty set of the known roles (bits 7)"],
      [account(u64le(8), new Uint8Array([0])), "log entry 'staff-account': the roles must be a non-empty set of the known roles (bits 7)"],
      [account(u64le(1), new Uint8Array([2])), "log entry 'staff-account': the status must be one byte, 0x00 or 0x01"],
      [account(u64le(1), new Uint8Array([])), "log entry 'staff-account': the status must be one byte, 0x00 or 0x01"],
      [account(u64le(1), new Uint8Array([0]), 'deleted'), "log entry 'staff-account': the change must be 'created', 'updated' or 'second-factor'"],
      [account(u64le(1), new Uint8Array([0]), 'created', 'ann', u64le(0)), "log entry 'staff-account': the account id must be at least 1"],
      [account(u64le(1), new Uint8Array([0]), 'created', 'Ann'), "log entry 'staff-account': a username may use only a-z, 0-9, '.', '_' and '-'"],
      [tr(label, utf8('staff-account'), utf8('state'), u64le(5), utf8('ann'), utf8('created'), u64le(1), new Uint8Array([0])), "log entry 'staff-account': expected 7 fields, got 6"],
      [calendar('2027-01-01', 'A', '2026-12-25', 'B'), "log entry 'organization-holidays': the holidays must be in increasing order of date, each once"],
      [calendar('2026-12-25', 'A', '2026-12-25', 'B'), "log entry 'organization-holidays': the holidays must be in increasing order of date, each once"],
      [calendar('2026-12-25'), "log entry 'organization-holidays': each holiday is a date and a name"],
      [calendar('2026-02-30', 'A'), "log entry 'organization-holidays': '2026-02-30' is not a date: that month has 28 days"],
      [calendar('2026-1-05', 'A'), "log entry 'organization-holidays': a holiday's date must be YYYY-MM-DD"],
      [calendar('2026-12-25', ''), "log entry 'organization-holidays': the name of the holiday on 2026-12-25 is empty"],
      [calendar('2026-12-25', 'a\nb'), "log entry 'organization-holidays': the name of the holiday on 2026-12-25 contains a control character"],
      [tr(label, utf8('organization-holidays'), utf8('state'), tr('candor/v1/holiday', utf8('2026-12-25'), utf8('A'))), "log entry 'organization-holidays': the holidays' label is not 'candor/v1/holidays'"],
    ];
    for (const [bytes, message] of cases) {
      expect(expectCandorError(() => decodeLogEntry(bytes), 'invalid argument').message).toBe(message);
    }
    const bad = tr(label, utf8('organization-holidays'), utf8('state'), new Uint8Array([1, 2, 3]));
    expect(expectCandorError(() => decodeLogEntry(bad), 'invalid argument').message).toContain("log entry 'organization-holidays': the holidays are ");
    const notUtf8 = tr(label, utf8('organization-holidays'), utf8('state'), tr('candor/v1/holidays', utf8('2026-12-25'), new Uint8Array([0x61, 0xff])));
    expect(expectCandorError(() => decodeLogEntry(notUtf8), 'invalid argument').message).toBe(
      "log entry 'organization-holidays': the name of the holiday on 2026-12-25 is not valid UTF-8",
    );
  });

  it('accepts only the exact bytes', () => {
    const label = 'candor/v1/log-entry';
    const add = encodeLogEntry(events[2]!);
    const bad: Uint8Array[] = [
      new Uint8Array(0),
      new Uint8Array([...add, 0]),
      add.subarray(0, add.length - 1),
      tr('candor/v1/log-entrx', utf8('roster-add')),
      tr(label),
      tr(label, utf8('cable-events'), utf8('x')),
      tr(label, utf8('roster-added'), utf8('state')),
      tr(label, utf8('roster-add'), utf8('state'), u64le(1), m.ring.publicKey),
      tr(label, utf8('roster-add'), utf8('State'), u64le(1), m.ring.publicKey, m.box.publicKey),
      tr(label, utf8('roster-add'), utf8('state'), u64le(0), m.ring.publicKey, m.box.publicKey),
      tr(label, utf8('roster-add'), utf8('state'), new Uint8Array(7), m.ring.publicKey, m.box.publicKey),
      tr(label, utf8('roster-add'), utf8('state'), u64le(1), new Uint8Array(32), m.box.publicKey),
      tr(label, utf8('roster-add'), utf8('state'), u64le(1), m.ring.publicKey, new Uint8Array(32)),
      tr(label, utf8('roster-remove'), utf8('state'), u64le(1), hex('0100000000000000000000000000000000000000000000000000000000000000')),
      tr(label, utf8('reviewer-key'), utf8('state'), u64le(0), m.box.publicKey),
      tr(label, utf8('organization-created'), utf8('state'), utf8(' '), new Uint8Array([0]), utf8(organizationSettingsToJsonText(DEFAULT_SETTINGS))),
      tr(label, utf8('organization-created'), utf8('state'), utf8('S'), new Uint8Array([2]), utf8(organizationSettingsToJsonText(DEFAULT_SETTINGS))),
      tr(label, utf8('organization-created'), utf8('state'), utf8('S\u0007'), new Uint8Array([0]), utf8(organizationSettingsToJsonText(DEFAULT_SETTINGS))),
      tr(label, utf8('organization-settings'), utf8('state'), utf8(' ' + organizationSettingsToJsonText(DEFAULT_SETTINGS))),
      tr(label, utf8('letter'), letterCanonicalBytes(sample()), u64le(1)),
      tr(label, utf8('letter'), letterCanonicalBytes(sample()), new Uint8Array([...u64le(1), ...u64le(0)])),
      tr(label, utf8('cosignature'), id, utf8('state'), utf8('signs'), new Uint8Array(32), new Uint8Array(96)),
      tr(label, utf8('cosignature'), id, utf8('state'), utf8('sign'), new Uint8Array(32), new Uint8Array(64)),
      tr(label, utf8('cosignature'), id, utf8('state'), utf8('sign'), new Uint8Array(32), new Uint8Array(97)),
      tr(label, utf8('cosignature'), id, utf8('state'), utf8('sign'), new Uint8Array(32), new Uint8Array(32 * 4099)),
      tr(label, utf8('cosignature'), id.subarray(1), utf8('state'), utf8('sign'), new Uint8Array(32), new Uint8Array(96)),
      tr(label, utf8('signature-batch'), id, u64le(1), u64le(0), u64le(5)),
      tr(label, utf8('signature-batch'), id, u64le(0), u64le(1), u64le(5)),
      tr(label, utf8('signature-batch'), id, u64le(1), u64le(1), u64le(5), new Uint8Array(0)),
      ...[
        ['state', id, u64le(0), 'submitted', id, '2026-01-01'],
        ['State', id, u64le(1), 'submitted', id, '2026-01-01'],
        ['state', id.subarray(1), u64le(1), 'submitted', id, '2026-01-01'],
        ['state', id, u64le(1), 'submit', id, '2026-01-01'],
        ['state', id, u64le(1), 'submitted', id, '2026-1-01'],
        ['state', id, u64le(1), 'submitted', id, '2026-02-29'],
        ['state', id, u64le(1), 'submitted', id, '2026-13-01'],
        ['state', id, u64le(1), 'submitted', id, '0999-01-01'],
        ['state', id, u64le(1), 'submitted', id, '0000-01-01'],
        ['state', id, u64le(1), 'submitted', id, '+026-01-01'],
      ].map(([slug, cable, seq, action, digest, date]) =>
        tr(label, utf8('cable-event'), utf8(slug as string), cable as Uint8Array, seq as Uint8Array, utf8(action as string), digest as Uint8Array, utf8(date as string)),
      ),
    ];
    bad.forEach((b, i) => expectCandorError(() => decodeLogEntry(b), 'invalid argument').message + String(i));
    // The largest ring a co-signature entry may name is accepted.
    decodeLogEntry(tr(label, utf8('cosignature'), id, utf8('state'), utf8('sign'), new Uint8Array(32), new Uint8Array(32 * 4098)));
  });
});
