// tests/vectors/cable.json (tools/vectors/cable_vectors.cc): the browser's cable code
// (web/src/cable.ts) against the C++ core's — header bytes encoded and decoded, invalid
// headers refused, quota-slot event ids, receipts parsed and the keys they derive, reviewer
// message headers and digests, submission digests and the named author's binding message.
// Plus round trips of content and sealed messages, and a whole cable sealed and opened.
import { describe, expect, it } from 'vitest';
import {
  authorBindingMessage,
  cableContentFromBytes,
  cableContentToBytes,
  cableHeaderBytes,
  cableHeaderToJson,
  cableMessageDigest,
  cableMessageHeaderBytes,
  cableQuotaEvent,
  cableSubmissionDigest,
  checkCableEventsInLog,
  decodeCableHeader,
  deriveReceiptKeys,
  formatReceipt,
  openCable,
  openMessages,
  parseReceipt,
  sealCable,
  sealMessage,
  type CableAction,
  type CableContent,
  type CableView,
  type LogReader,
  validateCableContent,
} from '../../src/cable.js';
import { generateSignKeyPair } from '../../src/crypto/ed25519.js';
import { CandorError } from '../../src/crypto/errors.js';
import { signTreeHead } from '../../src/crypto/tree_head.js';
import { TestLog } from './fixture.js';
import { generateMemberKeys } from '../../src/crypto/keys.js';
import { SeededRng } from '../../src/crypto/rng.js';
import { ready } from '../../src/crypto/sodium.js';
import { expectCandorError, hex, loadVectors, toHexString } from './helpers.js';

interface CableVector {
  kind: 'header' | 'quota-event' | 'receipt' | 'message' | 'submission' | 'binding';
  description: string;
  valid: boolean;
  [field: string]: unknown;
}

const vectors = loadVectors<CableVector[]>('cable.json');
const of = (kind: CableVector['kind']) => vectors.filter((v) => v.kind === kind);
const s = (v: CableVector, f: string) => v[f] as string;

await ready();

describe('tests/vectors/cable.json', () => {
  it('holds every kind of vector', () => {
    for (const k of ['header', 'quota-event', 'receipt', 'message', 'submission', 'binding'] as const) {
      expect(of(k).length, k).toBeGreaterThan(0);
    }
    expect(of('header').some((v) => !v.valid)).toBe(true);
    expect(of('receipt').some((v) => !v.valid)).toBe(true);
  });

  it.each(of('header').map((v) => [v.description, v] as const))('header: %s', (_, v) => {
    const bytes = hex(s(v, 'bytes'));
    if (!v.valid) {
      expectCandorError(() => decodeCableHeader(bytes), 'invalid argument');
      return;
    }
    const h = decodeCableHeader(bytes);
    expect(cableHeaderToJson(h)).toEqual(v.header);
    expect(toHexString(cableHeaderBytes(h))).toBe(s(v, 'bytes'));
  });

  it.each(of('quota-event').map((v, i) => [i, v] as const))('quota event %i', (_, v) => {
    const e = cableQuotaEvent(s(v, 'organization'), v.window as number, v.slot as number);
    expect(toHexString(e)).toBe(s(v, 'event'));
  });

  it.each(of('receipt').map((v) => [v.description, v] as const))('receipt: %s', (_, v) => {
    if (!v.valid) {
      expectCandorError(() => parseReceipt(s(v, 'receipt')), 'invalid argument');
      return;
    }
    const r = parseReceipt(s(v, 'receipt'));
    expect(toHexString(r.id)).toBe(s(v, 'cable_id'));
    expect(toHexString(r.secret)).toBe(s(v, 'secret'));
    expect(formatReceipt(r.id, r.secret)).toBe(s(v, 'receipt'));
    expect(parseReceipt(`  ${s(v, 'receipt')}\n`).secret).toEqual(r.secret);
    const keys = deriveReceiptKeys(r.secret);
    expect(toHexString(keys.reply.secret)).toBe(s(v, 'reply_secret'));
    expect(toHexString(keys.reply.publicKey)).toBe(s(v, 'reply_public'));
    expect(toHexString(keys.access)).toBe(s(v, 'access'));
    expect(toHexString(keys.accessHash)).toBe(s(v, 'access_hash'));
  });

  it.each(of('message').map((v, i) => [i, v] as const))('reviewer message %i', (_, v) => {
    const header = cableMessageHeaderBytes(
      hex(s(v, 'cable_id')),
      v.action as CableAction,
      (v.recipients as string[]).map(hex),
    );
    expect(toHexString(header)).toBe(s(v, 'header_bytes'));
    expect(toHexString(cableMessageDigest(header, hex(s(v, 'envelope'))))).toBe(s(v, 'digest'));
  });

  it.each(of('submission').map((v) => [v.description, v] as const))('submission: %s', (_, v) => {
    const d = cableSubmissionDigest(
      hex(s(v, 'header_bytes')),
      hex(s(v, 'envelope')),
      hex(s(v, 'signature')),
      v.quota_slot as number,
      hex(s(v, 'quota_signature')),
      hex(s(v, 'author_signature')),
    );
    expect(toHexString(d)).toBe(s(v, 'digest'));
  });

  it('binding message', () => {
    for (const v of of('binding')) {
      expect(toHexString(authorBindingMessage(hex(s(v, 'signing_public'))))).toBe(s(v, 'message'));
    }
  });
});

describe('cables in the browser, round trips', () => {
  it('keeps content byte for byte and refuses changed content', () => {
    const c: CableContent = {
      subject: 'Inspections',
      body: 'Skipped in March.\nLogs back-dated.',
      replyPublic: new Uint8Array(32).fill(7),
      attachments: [{ name: 'log.txt', type: 'text/plain', data: new Uint8Array([1, 2, 3]) }],
      author: null,
    };
    const bytes = cableContentToBytes(c);
    expect(cableContentToBytes(cableContentFromBytes(bytes))).toEqual(bytes);
    expectCandorError(() => cableContentFromBytes(new TextEncoder().encode('{"format":"candor-cable-v2"}')), 'invalid argument');
    expectCandorError(() => validateCableContent({ ...c, subject: '' }), 'invalid argument');
    expectCandorError(() => cableContentFromBytes(cableContentToBytes({ ...c, subject: 'a\nb' })), 'invalid argument');
  });

  it('seals a cable that a reviewer opens, named and anonymous, and replies the author reads', () => {
    const rng = new SeededRng(5);
    const members = Array.from({ length: 12 }, () => generateMemberKeys(rng));
    const reviewers = [generateMemberKeys(rng), generateMemberKeys(rng)];
    const roster = members.map((m) => m.ring.publicKey);
    const inputs = {
      organization: 'state',
      rosterVersion: 12n,
      roster,
      reviewers: reviewers.map((r) => r.box.publicKey),
      quotaWindow: 2930n,
      quotaSlots: 3,
      usedTags: [],
      minRing: 8,
    };
    for (const name of [undefined, 'Jordan Lee']) {
      const sealed = sealCable(
        { subject: 'Budget', body: 'Irregular.', attachments: [], ...(name ? { authorName: name } : {}) },
        inputs,
        members[3]!,
        rng,
      );
      const req = sealed.request as Record<string, string>;
      const view = {
        id: toHexString(sealed.id),
        header_bytes: toHexString(cableHeaderBytes(decodeCableHeaderFromJson(req))),
        envelope: req.envelope,
        signature: req.signature,
        author_signature: req.author_signature,
        events: [],
      } as unknown as CableView;
      const opened = openCable(view, reviewers[1]!.box, roster);
      expect(opened.content.body).toBe('Irregular.');
      expect(opened.authorVerified).toBe(name !== undefined);
      expect(opened.content.author?.name).toBe(name);
      // Not a recipient: refused as such.
      expectCandorError(() => openCable(view, members[0]!.box, roster), 'permission denied');
      // A changed envelope does not open.
      const bad = { ...view, envelope: flipLastHexDigit(req.envelope!) } as CableView;
      expect(() => openCable(bad, reviewers[0]!.box, roster)).toThrow();

      const receipt = parseReceipt(sealed.receipt);
      expect(receipt.id).toEqual(sealed.id);
      const keys = deriveReceiptKeys(receipt.secret);
      const reply = sealMessage(sealed.id, 'replied', 'We are on it.', opened.content.replyPublic, inputs.reviewers, rng);
      const note = sealMessage(sealed.id, 'noted', 'Internal.', opened.content.replyPublic, inputs.reviewers, rng);
      const withMessages = {
        ...view,
        events: [
          { seq: 2, date: '2026-11-23', log_index: null, ...reply },
          { seq: 3, date: '2026-11-23', log_index: null, ...note },
        ],
      } as CableView;
      expect(openMessages(withMessages, keys.reply, false).map((m) => m.text)).toEqual(['We are on it.']);
      expect(openMessages(withMessages, reviewers[0]!.box, true).map((m) => m.text)).toEqual(['We are on it.', 'Internal.']);
      // A message whose recipients were changed after sealing does not open.
      const moved = {
        ...withMessages,
        events: [{ ...withMessages.events[0]!, action: 'closed' as CableAction }],
      } as CableView;
      expectCandorError(() => openMessages(moved, keys.reply, false), 'verification failed');
    }
  });

  it('refuses to seal when every quota slot is used or the ring is too small', () => {
    const rng = new SeededRng(6);
    const members = Array.from({ length: 4 }, () => generateMemberKeys(rng));
    const inputs = {
      organization: 'state',
      rosterVersion: 4n,
      roster: members.map((m) => m.ring.publicKey),
      reviewers: [generateMemberKeys(rng).box.publicKey],
      quotaWindow: 1n,
      quotaSlots: 1,
      usedTags: [],
    };
    const draft = { subject: 'S', body: 'B', attachments: [] };
    expectCandorError(() => sealCable(draft, { ...inputs, minRing: 8 }, members[0]!, rng), 'failed precondition');
    expectCandorError(() => sealCable(draft, { ...inputs, reviewers: [], minRing: 2 }, members[0]!, rng), 'failed precondition');
    expectCandorError(() => sealCable(draft, { ...inputs, minRing: 2 }, generateMemberKeys(rng), rng), 'failed precondition');
  });
});

function decodeCableHeaderFromJson(req: Record<string, unknown>) {
  const h = req.header as Record<string, unknown>;
  return {
    id: hex(h.id as string),
    organization: h.organization as string,
    author: h.author as 'named' | 'anonymous',
    rosterVersion: BigInt(h.roster_version as number),
    ringDigest: hex(h.ring_digest as string),
    quotaWindow: BigInt(h.quota_window as number),
    recipients: (h.recipients as string[]).map(hex),
    accessHash: hex(h.access_hash as string),
  };
}

function flipLastHexDigit(s: string): string {
  const last = s[s.length - 1]!;
  return s.slice(0, -1) + (last === '0' ? '1' : '0');
}

describe("the author's check of the public log", () => {
  // A log holding a cable's submitted and replied events (and other entries around them), a
  // reader over it, and the view the server would send the author.
  function setUp() {
    const rng = new SeededRng(11);
    const log = new TestLog(3);
    const id = rng.fill(32);
    const reply = sealMessage(id, 'replied', 'We are on it.', generateMemberKeys(rng).box.publicKey, [generateMemberKeys(rng).box.publicKey], rng);
    const replyDigest = cableMessageDigest(
      cableMessageHeaderBytes(id, 'replied', reply.recipients.map(hex)),
      hex(reply.envelope),
    );
    const submitted = rng.fill(32);
    const other = generateMemberKeys(rng);
    log.append({ kind: 'reviewer-key', slug: 'state', accountId: 1n, boxPublic: other.box.publicKey });
    const i1 = log.append({ kind: 'cable-event', slug: 'state', cable: id, seq: 1n, action: 'submitted', digest: submitted, date: '2026-11-23' });
    const i2 = log.append({ kind: 'cable-event', slug: 'state', cable: id, seq: 2n, action: 'replied', digest: replyDigest, date: '2026-11-24' });
    log.append({ kind: 'cable-event', slug: 'state', cable: rng.fill(32), seq: 1n, action: 'submitted', digest: rng.fill(32), date: '2026-11-24' });
    const view = {
      id: toHexString(id),
      events: [
        { seq: 1, action: 'submitted', date: '2026-11-23', digest: toHexString(submitted), log_index: Number(i1) },
        { seq: 2, action: 'replied', date: '2026-11-24', digest: toHexString(replyDigest), log_index: Number(i2), recipients: reply.recipients, envelope: reply.envelope },
        { seq: 3, action: 'closed', date: '2026-11-25', digest: toHexString(rng.fill(32)), log_index: null },
      ],
    } as unknown as CableView;
    const size = BigInt(log.entries.length);
    const sth = signTreeHead({ size, root: log.tree.root(), timestampMs: 1n }, log.key.secretKey);
    const reader: LogReader = {
      treeHead: async () => sth,
      entry: async (i) => log.entries[Number(i)]!,
      inclusionProof: async (i, n) => log.tree.inclusion(Number(i), Number(n)),
    };
    return { log, view, reader, sth };
  }

  it('proves every logged event and counts the ones still waiting', async () => {
    const { log, view, reader } = setUp();
    const r = await checkCableEventsInLog(view, log.key.publicKey, reader);
    expect(r).toEqual({ checked: 2, treeSize: 4n });
  });

  it('refuses a changed history, another key, a bad proof and an entry not yet signed', async () => {
    const { log, view, reader, sth } = setUp();
    const refused = async (v: CableView, r: LogReader, key = log.key.publicKey) => {
      const e = await checkCableEventsInLog(v, key, r).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(CandorError);
      expect((e as CandorError).code).toBe('verification failed');
      return (e as CandorError).message;
    };
    const withEvent = (k: number, change: Record<string, unknown>) =>
      ({ ...view, events: view.events.map((e, i) => (i === k ? { ...e, ...change } : e)) }) as CableView;
    expect(await refused(view, reader, generateSignKeyPair(new SeededRng(1)).publicKey)).toContain('not signed by the log key');
    expect(await refused(withEvent(0, { digest: toHexString(new Uint8Array(32)) }), reader)).toContain('differs from what the log holds');
    expect(await refused(withEvent(0, { action: 'acknowledged' }), reader)).toContain('differs');
    expect(await refused(withEvent(1, { seq: 3 }), reader)).toContain('differs');
    expect(await refused(withEvent(0, { log_index: 3 }), reader)).toContain('differs'); // another cable's entry
    expect(await refused(withEvent(0, { log_index: 0 }), reader)).toContain('differs'); // another kind
    expect(await refused(withEvent(0, { log_index: 9 }), reader)).toContain('not in the signed log yet');
    expect(await refused({ ...view, id: toHexString(new Uint8Array(32).fill(5)) } as CableView, reader)).toContain('differs');
    const env = view.events[1]!.envelope!;
    expect(await refused(withEvent(1, { envelope: env.slice(0, -2) + (env.endsWith('00') ? '01' : '00') }), reader)).toContain('not the one the log recorded');
    // The server swaps an entry, or sends the proof of another index, or an old tree head.
    expect(await refused(view, { ...reader, entry: async (i) => (i === 1n ? log.entries[3]! : log.entries[Number(i)]!) })).toContain('inclusion proof');
    expect(await refused(view, { ...reader, inclusionProof: async (_, n) => log.tree.inclusion(0, Number(n)) })).toContain('inclusion proof');
    const old = signTreeHead({ size: 2n, root: log.tree.root(2), timestampMs: 1n }, log.key.secretKey);
    expect(await refused(view, { ...reader, treeHead: async () => old })).toContain('not in the signed log yet');
    expect(sth.head.size).toBe(4n);
  });
});
