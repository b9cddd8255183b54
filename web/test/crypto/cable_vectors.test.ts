// tests/vectors/cable.json (tools/vectors/cable_vectors.cc): the browser's cable code
// (web/src/cable.ts) against the C++ core's — header bytes encoded and decoded, invalid
// headers refused, quota-slot event ids, receipts parsed and the keys they derive, reviewer
// message headers and digests, submission digests, the named author's binding message and the
// padding of envelope plaintexts (security review M4). Plus round trips of content and sealed messages, and a whole cable sealed and opened.
import { describe, expect, it } from 'vitest';
import {
  authorBindingMessage,
  cableContentFromBytes,
  cableContentToBytes,
  cableReadersNow,
  chooseCableReaders,
  cableFollowUpFromBytes,
  cableFollowUpToBytes,
  cableHeaderBytes,
  cableHeaderToJson,
  cableMessageDigest,
  cableMessageHeaderBytes,
  cableQuotaEvent,
  cableRecusalDigest,
  cableGrantBytes,
  cableGrantDigest,
  decodeCableGrant,
  sealCableGrant,
  cableSubmissionDigest,
  cablePaddedSize,
  checkCableEventsInLog,
  decodeCableHeader,
  deriveReceiptKeys,
  formatReceipt,
  isCablePaddedSize,
  MIN_CABLE_PADDED,
  openCable,
  openMessages,
  padCablePlaintext,
  parseReceipt,
  reviewerKeyProofContext,
  reviewerKeyRegistration,
  sealCable,
  sealFollowUp,
  sealMessage,
  verifyCableSignatures,
  type CableAction,
  type CableContent,
  type CableView,
  type LogReader,
  unpadCablePlaintext,
  validateCableContent,
} from '../../src/cable.js';
import { generateSignKeyPair } from '../../src/crypto/ed25519.js';
import { bucketRoster } from '../../src/crypto/letter.js';
import type { RingScheme } from '../../src/crypto/cosignature.js';
import { LRS2_SCHEME } from '../../src/crypto/lrs2.js';
import { decodeEnvelope, encodeEnvelope, sealEnvelope } from '../../src/crypto/envelope.js';
import { CandorError } from '../../src/crypto/errors.js';
import { signTreeHead } from '../../src/crypto/tree_head.js';
import { TestLog } from './fixture.js';
import { boxPublicFromSecret, generateMemberKeys, ringPublicFromSecret } from '../../src/crypto/keys.js';
import { parseReceiptWords, receiptWords } from '../../src/crypto/receipt_words.js';
import { SeededRng } from '../../src/crypto/rng.js';
import { ready } from '../../src/crypto/sodium.js';
import { expectCandorError, hex, loadVectors, toHexString } from './helpers.js';

const KINDS = [
  'header',
  'quota-event',
  'recusal',
  'grant',
  'receipt',
  'receipt-words',
  'follow-up',
  'message',
  'submission',
  'binding',
  'reviewer-key-proof',
  'padding',
  'sealed-cable',
  'sealed-message',
] as const;

interface CableVector {
  kind: (typeof KINDS)[number];
  description: string;
  valid: boolean;
  [field: string]: unknown;
}

const vectors = loadVectors<CableVector[]>('cable.json');
const of = (kind: CableVector['kind']) => vectors.filter((v) => v.kind === kind);
const s = (v: CableVector, f: string) => v[f] as string;

await ready();

describe('tests/vectors/cable.json', () => {
  it('holds every kind of vector, and only kinds checked here', () => {
    for (const k of KINDS) expect(of(k).length, k).toBeGreaterThan(0);
    // A kind added to the file later fails here until this file checks it.
    expect(vectors.map((v) => v.kind).filter((k) => !(KINDS as readonly string[]).includes(k))).toEqual([]);
    expect(of('header').some((v) => !v.valid)).toBe(true);
    expect(of('receipt').some((v) => !v.valid)).toBe(true);
    expect(of('receipt-words').some((v) => !v.valid)).toBe(true);
    expect(of('padding').some((v) => v.valid)).toBe(true);
    expect(of('padding').some((v) => !v.valid)).toBe(true);
  });

  it.each(of('header').map((v) => [v.description, v] as const))('header: %s', (_, v) => {
    const bytes = hex(s(v, 'bytes'));
    if (!v.valid) {
      expectCandorError(() => decodeCableHeader(bytes), 'invalid argument');
      return;
    }
    const h = decodeCableHeader(bytes);
    expect(cableHeaderToJson(h)).toEqual(v['header']);
    expect(toHexString(cableHeaderBytes(h))).toBe(s(v, 'bytes'));
  });

  it.each(of('grant').map((v) => [v.description, v] as const))('grant: %s', (_, v) => {
    if (!v.valid) {
      expectCandorError(() => decodeCableGrant(hex(s(v, 'bytes'))), 'invalid argument');
      return;
    }
    const g = decodeCableGrant(hex(s(v, 'bytes')));
    expect(toHexString(g.to)).toBe(s(v, 'to'));
    expect(g.wraps.map((w) => ({ seq: Number(w.seq), wrap: toHexString(w.wrap) }))).toEqual(v['wraps']);
    expect(toHexString(cableGrantBytes(g))).toBe(s(v, 'bytes'));
    expect(toHexString(cableGrantDigest(hex(s(v, 'cable_id')), hex(s(v, 'bytes'))))).toBe(s(v, 'digest'));
  });

  it.each(of('recusal').map((v, i) => [i, v] as const))('recusal digest %i', (_, v) => {
    expect(toHexString(cableRecusalDigest(hex(s(v, 'cable_id')), hex(s(v, 'key'))))).toBe(s(v, 'digest'));
  });

  it.each(of('quota-event').map((v, i) => [i, v] as const))('quota event %i', (_, v) => {
    const e = cableQuotaEvent(s(v, 'organization'), v['window'] as number, v['slot'] as number);
    expect(toHexString(e)).toBe(s(v, 'event'));
  });

  // The C++ encoder against @scure/bip39 (which the browser uses) and BIP-39's own vectors
  // (the first three); a slip is named with the same words in both.
  it.each(of('receipt-words').map((v) => [v.description, v] as const))('receipt words: %s', (_, v) => {
    if (!v.valid) {
      const e = expectCandorError(() => parseReceipt(s(v, 'typed')), 'invalid argument');
      expect(e.message.toLowerCase()).toContain(s(v, 'error').toLowerCase());
      return;
    }
    const seed = parseReceiptWords(s(v, 'typed'));
    expect(toHexString(seed)).toBe(s(v, 'seed'));
    expect(receiptWords(seed)).toBe(s(v, 'words'));
    expect(receiptWords(hex(s(v, 'seed')))).toBe(s(v, 'words'));
    const r = parseReceipt(s(v, 'typed'));
    expect(toHexString(r.id)).toBe(s(v, 'cable_id'));
    expect(toHexString(r.secret)).toBe(s(v, 'secret'));
    expect(toHexString(deriveReceiptKeys(r.secret).accessHash)).toBe(s(v, 'access_hash'));
  });

  it.each(of('follow-up').map((v) => [v.description, v] as const))('follow-up: %s', (_, v) => {
    const bytes = hex(s(v, 'bytes'));
    if (!v.valid) {
      expectCandorError(() => cableFollowUpFromBytes(bytes), 'invalid argument');
      return;
    }
    const f = cableFollowUpFromBytes(bytes);
    expect(f.body).toBe(s(v, 'body'));
    expect(f.attachments.map((a) => ({ name: a.name, type: a.type, data: toHexString(a.data) }))).toEqual(v['attachments']);
    expect(toHexString(cableFollowUpToBytes(f))).toBe(s(v, 'bytes'));
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
      v['action'] as CableAction,
      (v['recipients'] as string[]).map(hex),
    );
    expect(toHexString(header)).toBe(s(v, 'header_bytes'));
    expect(toHexString(cableMessageDigest(header, hex(s(v, 'envelope'))))).toBe(s(v, 'digest'));
  });

  it.each(of('submission').map((v) => [v.description, v] as const))('submission: %s', (_, v) => {
    const d = cableSubmissionDigest(
      hex(s(v, 'header_bytes')),
      hex(s(v, 'envelope')),
      hex(s(v, 'signature')),
      v['quota_slot'] as number,
      hex(s(v, 'quota_signature')),
      hex(s(v, 'author_signature')),
    );
    expect(toHexString(d)).toBe(s(v, 'digest'));
  });

  // The plaintext is `text`, zero bytes up to `padded_size`, then `tail` over the last bytes.
  it.each(of('padding').map((v) => [v.description, v] as const))('padding: %s', (_, v) => {
    const text = hex(s(v, 'text'));
    const padded = new Uint8Array(v['padded_size'] as number);
    padded.set(text);
    if (typeof v['tail'] === 'string') {
      const tail = hex(v['tail']);
      padded.set(tail, padded.length - tail.length);
    }
    if (!v.valid) {
      expectCandorError(() => unpadCablePlaintext(padded), 'invalid argument');
      return;
    }
    expect(toHexString(unpadCablePlaintext(padded))).toBe(s(v, 'text'));
    expect(padCablePlaintext(text)).toEqual(padded);
  });

  it('binding message', () => {
    for (const v of of('binding')) {
      expect(toHexString(authorBindingMessage(hex(s(v, 'signing_public'))))).toBe(s(v, 'message'));
    }
  });

  it('reviewer key proof of possession', () => {
    const all = of('reviewer-key-proof');
    expect(all.length).toBe(1);
    for (const v of all) {
      const secret = hex(s(v, 'reviewer_secret'));
      const reviewer = { publicKey: boxPublicFromSecret(secret), secret };
      expect(toHexString(reviewer.publicKey)).toBe(s(v, 'reviewer_public'));
      const body = reviewerKeyRegistration(
        s(v, 'organization'),
        { server_public: s(v, 'server_public'), account_id: v['account_id'] as number },
        reviewer,
      );
      expect(body).toEqual({ reply_public: s(v, 'reviewer_public'), proof: s(v, 'proof') });
      // Bound to its account: another account id gives another proof.
      const other = reviewerKeyRegistration(
        s(v, 'organization'),
        { server_public: s(v, 'server_public'), account_id: (v['account_id'] as number) + 1 },
        reviewer,
      );
      expect(other.proof).not.toBe(s(v, 'proof'));
      expect(toHexString(reviewerKeyProofContext(s(v, 'organization'), v['account_id'] as number)).length).toBeGreaterThan(0);
    }
  });
});

// Whole cables and messages sealed from a SeededRng, byte for byte as the C++ clients seal them:
// every random draw, its size and its order (security review, structure: the browser once drew
// the quota slot from 4 bytes where C++ draws 8, and nothing caught it).
describe('tests/vectors/cable.json: sealing', () => {
  it.each(of('sealed-cable').map((v) => [v.description, v] as const))('sealed cable: %s', (_, v) => {
    const x = hex(s(v, 'ring_secret'));
    const boxSecret = hex(s(v, 'box_secret'));
    const me = {
      ring: { publicKey: ringPublicFromSecret(x), secret: x },
      box: { publicKey: boxPublicFromSecret(boxSecret), secret: boxSecret },
    };
    const attachments = (v['attachments'] as { name: string; type: string; data: string }[]).map((a) => ({
      name: a.name,
      type: a.type,
      data: hex(a.data),
    }));
    const draft = {
      subject: s(v, 'subject'),
      body: s(v, 'body'),
      attachments,
      ...(typeof v['author_name'] === 'string' ? { authorName: v['author_name'] } : {}),
    };
    const inputs = {
      organization: s(v, 'organization'),
      rosterVersion: BigInt(v['roster_version'] as number),
      roster: (v['roster'] as string[]).map(hex),
      reviewers: (v['reviewers'] as string[]).map(hex),
      quotaWindow: BigInt(v['quota_window'] as number),
      quotaSlots: v['quota_slots'] as number,
      usedTags: v['used_tags'] as { slot: number; tag: string }[],
      minRing: v['min_ring'] as number,
      scheme: s(v, 'scheme') as RingScheme,
    };
    const sealed = sealCable(draft, inputs, me, new SeededRng(v['seed'] as number));
    expect(JSON.parse(JSON.stringify(sealed.request))).toEqual(v['request']);
    expect(sealed.receipt).toBe(s(v, 'receipt'));
    // The check can fail: another seed seals other bytes.
    expect(sealCable(draft, inputs, me, new SeededRng((v['seed'] as number) + 1)).request).not.toEqual(v['request']);
  });

  it.each(of('sealed-message').map((v) => [v.description, v] as const))('sealed message: %s', (_, v) => {
    const body = sealMessage(
      hex(s(v, 'cable_id')),
      v['action'] as CableAction,
      s(v, 'text'),
      hex(s(v, 'author_reply_public')),
      (v['reviewers'] as string[]).map(hex),
      new SeededRng(v['seed'] as number),
    );
    expect({ id: s(v, 'cable_id'), ...body }).toEqual(v['body']); // the page adds the id to the body it posts
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
        envelope: req['envelope'],
        signature: req['signature'],
        author_signature: req['author_signature'],
        events: [],
      } as unknown as CableView;
      const opened = openCable(view, reviewers[1]!.box, roster);
      expect(opened.content.body).toBe('Irregular.');
      expect(opened.authorVerified).toBe(name !== undefined);
      expect(opened.content.author?.name).toBe(name);
      // Not a recipient: refused as such.
      expectCandorError(() => openCable(view, members[0]!.box, roster), 'permission denied');
      // A changed envelope does not open.
      const bad = { ...view, envelope: flipLastHexDigit(req['envelope']!) } as CableView;
      expect(() => openCable(bad, reviewers[0]!.box, roster)).toThrow();

      const receipt = parseReceipt(sealed.receipt);
      expect(receipt.id).toEqual(sealed.id);
      const keys = deriveReceiptKeys(receipt.secret);
      const reply = sealMessage(sealed.id, 'replied', 'We are on it.', opened.content.replyPublic, inputs.reviewers, rng);
      const note = sealMessage(sealed.id, 'noted', 'Internal.', opened.content.replyPublic, inputs.reviewers, rng);
      // The author's follow-up (issue 15): sealed with the receipt alone, to the author's own
      // reply key and the reviewers; the reviewers' sealer refuses to write one.
      const follow = sealFollowUp(sealed.id, keys.access, keys.reply.publicKey, { body: 'One more fact.', attachments: [{ name: 'a.txt', type: 'text/plain', data: new Uint8Array([65]) }] }, inputs.reviewers, rng);
      expect(follow.access).toBe(toHexString(keys.access));
      expect(follow.recipients[0]).toBe(toHexString(keys.reply.publicKey));
      expectCandorError(() => sealMessage(sealed.id, 'followed-up', 'Forged.', opened.content.replyPublic, inputs.reviewers, rng), 'invalid argument');
      expectCandorError(() => sealFollowUp(sealed.id, keys.access, keys.reply.publicKey, { body: 'Nobody.', attachments: [] }, [], rng), 'failed precondition');
      expectCandorError(() => sealFollowUp(sealed.id, keys.access, keys.reply.publicKey, { body: 'x', attachments: [{ name: '../x', type: '', data: new Uint8Array(1) }] }, inputs.reviewers, rng), 'invalid argument');
      const withMessages = {
        ...view,
        events: [
          { seq: 2, date: '2026-11-23', log_index: null, ...reply },
          { seq: 3, date: '2026-11-23', log_index: null, ...note },
          { seq: 4, date: '2026-11-24', log_index: null, action: 'followed-up', recipients: follow.recipients, envelope: follow.envelope },
        ],
      } as CableView;
      expect(openMessages(withMessages, keys.reply, false).map((m) => m.text)).toEqual(['We are on it.', 'One more fact.']);
      expect(openMessages(withMessages, keys.reply, false)[1]!.attachments.map((a) => a.name)).toEqual(['a.txt']);
      expect(openMessages(withMessages, reviewers[0]!.box, true).map((m) => m.text)).toEqual(['We are on it.', 'Internal.', 'One more fact.']);
      // A message whose recipients were changed after sealing does not open.
      const moved = {
        ...withMessages,
        events: [{ ...withMessages.events[0]!, action: 'closed' as CableAction }],
      } as CableView;
      expectCandorError(() => openMessages(moved, keys.reply, false), 'verification failed');

      // Issue 15: a reviewer who joined later is given the cable and its messages by a reader;
      // the wraps open for their key, and nothing is given that the reader cannot open.
      const later = generateMemberKeys(rng);
      expectCandorError(() => openCable(withMessages, later.box, roster), 'permission denied');
      const body = sealCableGrant(withMessages, reviewers[0]!.box, later.box.publicKey, rng);
      const grant = decodeCableGrant(hex(body.grant));
      expect(grant.wraps.map((w) => Number(w.seq))).toEqual([1, 2, 3, 4]);
      const given = {
        ...withMessages,
        events: [...withMessages.events, { seq: 5, date: '2026-11-25', log_index: null, action: 'granted' as CableAction, recipients: [toHexString(later.box.publicKey)], grant: body.grant }],
      } as CableView;
      expect(openCable(given, later.box, roster).content.body).toBe('Irregular.');
      expect(openMessages(given, later.box, true).map((m) => m.text)).toEqual(['We are on it.', 'Internal.', 'One more fact.']);
      expectCandorError(() => sealCableGrant(withMessages, members[0]!.box, later.box.publicKey, rng), 'permission denied');
    }
  });

  it('pads every envelope plaintext to its bucket and refuses what is not padded so (M4)', () => {
    expect([1, 2, 16383, 16384, 16385, 40000, 65536, 65537].map(cablePaddedSize)).toEqual([
      16384, 16384, 16384, 16384, 32768, 65536, 65536, 131072,
    ]);
    expect([16384, 32768, 1 << 20].every(isCablePaddedSize)).toBe(true);
    expect([0, 1, 8192, 16383, 16385, 20000, 49152].some(isCablePaddedSize)).toBe(false);
    const text = new TextEncoder().encode('{"a":1}');
    const padded = padCablePlaintext(text);
    expect(padded.length).toBe(MIN_CABLE_PADDED);
    expect(unpadCablePlaintext(padded)).toEqual(text);
    expectCandorError(() => padCablePlaintext(new Uint8Array(0)), 'invalid argument');
    expectCandorError(() => padCablePlaintext(new Uint8Array([65, 0, 66])), 'invalid argument');
    expectCandorError(() => unpadCablePlaintext(text), 'invalid argument'); // not padded at all
    expectCandorError(() => unpadCablePlaintext(padded.subarray(0, 16383)), 'invalid argument');
    expectCandorError(() => unpadCablePlaintext(new Uint8Array(MIN_CABLE_PADDED)), 'invalid argument');
    const far = new Uint8Array(2 * MIN_CABLE_PADDED);
    far.set(text);
    expectCandorError(() => unpadCablePlaintext(far), 'invalid argument'); // one bucket too far
    const inner = padded.slice();
    inner[inner.length - 1] = 1; // a zero byte inside the text
    expectCandorError(() => unpadCablePlaintext(inner), 'invalid argument');

    // What sealCable and sealMessage upload: ciphertexts of a bucket's size (plus the tag),
    // whatever the text's length; a message with a NUL is refused.
    const rng = new SeededRng(7);
    const members = Array.from({ length: 8 }, () => generateMemberKeys(rng));
    const reviewer = generateMemberKeys(rng);
    const roster = members.map((m) => m.ring.publicKey);
    const inputs = {
      organization: 'state',
      rosterVersion: 8n,
      roster,
      reviewers: [reviewer.box.publicKey],
      quotaWindow: 1n,
      quotaSlots: 2,
      usedTags: [],
      minRing: 8,
    };
    const sizes = ['x', 'y'.repeat(20000)].map((body) => {
      const sealed = sealCable({ subject: 'S', body, attachments: [] }, inputs, members[0]!, rng);
      return decodeEnvelope(hex((sealed.request as Record<string, string>)['envelope']!)).ciphertext.length - 16;
    });
    expect(sizes).toEqual([16384, 32768]);
    const id = rng.fill(32);
    const reply = generateMemberKeys(rng).box;
    for (const [text, size] of [['Short.', 16384], ['z'.repeat(16385), 32768]] as const) {
      const m = sealMessage(id, 'replied', text, reply.publicKey, inputs.reviewers, rng);
      expect(decodeEnvelope(hex(m.envelope)).ciphertext.length - 16).toBe(size);
    }
    expectCandorError(() => sealMessage(id, 'replied', 'a\0b', reply.publicKey, inputs.reviewers, rng), 'invalid argument');

    // A message or a cable sealed without its padding does not open.
    const recipients = [reply.publicKey, reviewer.box.publicKey];
    const bare = sealEnvelope(cableMessageHeaderBytes(id, 'replied', recipients), text, recipients, rng);
    const view = {
      id: toHexString(id),
      events: [{ seq: 2, action: 'replied', date: '2026-11-23', log_index: null, recipients: recipients.map(toHexString), envelope: toHexString(encodeEnvelope(bare)) }],
    } as unknown as CableView;
    expect(expectCandorError(() => openMessages(view, reply, false), 'verification failed').message).toContain('not padded');
    const sealed = sealCable({ subject: 'S', body: 'B', attachments: [] }, inputs, members[1]!, rng);
    const req = sealed.request as Record<string, string>;
    const headerBytes = cableHeaderBytes(decodeCableHeaderFromJson(req));
    const content = cableContentToBytes({ subject: 'S', body: 'B', replyPublic: reply.publicKey, attachments: [], author: null });
    const unpadded = {
      id: toHexString(sealed.id),
      header_bytes: toHexString(headerBytes),
      envelope: toHexString(encodeEnvelope(sealEnvelope(headerBytes, content, inputs.reviewers, rng))),
      events: [],
    } as unknown as CableView;
    expectCandorError(() => openCable(unpadded, reviewer.box, roster), 'invalid argument');
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
    // The slots this device spent are never chosen again, though the server does not list them
    // until their cables are published (security review H1).
    const two = { ...inputs, quotaSlots: 2, minRing: 2 };
    for (let i = 0; i < 8; i++) expect(sealCable(draft, { ...two, ownSlots: [0] }, members[0]!, rng).slot).toBe(1);
    expectCandorError(() => sealCable(draft, { ...two, ownSlots: [1, 0] }, members[0]!, rng), 'resource exhausted');
    // The server's list counts only this key's tags.
    const sealed = sealCable(draft, two, members[0]!, rng);
    const tag = (sealed.request['quota_signature'] as string).slice(-64);
    expect(sealCable(draft, { ...two, usedTags: [{ slot: sealed.slot, tag }] }, members[0]!, rng).slot).toBe(1 - sealed.slot);
    expect([0, 1]).toContain(sealCable(draft, { ...two, usedTags: [{ slot: sealed.slot, tag }] }, members[1]!, rng).slot);
  });
});

function decodeCableHeaderFromJson(req: Record<string, unknown>) {
  const h = req['header'] as Record<string, unknown>;
  return {
    id: hex(h['id'] as string),
    organization: h['organization'] as string,
    author: h['author'] as 'named' | 'anonymous',
    rosterVersion: BigInt(h['roster_version'] as number),
    ringDigest: hex(h['ring_digest'] as string),
    quotaWindow: BigInt(h['quota_window'] as number),
    recipients: (h['recipients'] as string[]).map(hex),
    accessHash: hex(h['access_hash'] as string),
    ...(h['scheme'] === LRS2_SCHEME ? { scheme: LRS2_SCHEME as typeof LRS2_SCHEME } : {}),
  };
}

function flipLastHexDigit(s: string): string {
  const last = s[s.length - 1]!;
  return s.slice(0, -1) + (last === '0' ? '1' : '0');
}

// Issue 15: as CableReaders.ChannelsAndExclusionsChooseAndTheLogKeepsThem (src/cli/cli_test.cc).
describe('who reads a cable: channels, exclusions and withdrawals', () => {
  const reviewers = [2n, 5n, 9n].map((id) => ({ accountId: id, username: `r${id}`, boxPublic: new Uint8Array(32).fill(Number(id)), logIndex: 0n }));
  const channels = [{ id: 'conduct', name: 'Conduct', reviewers: [5, 9, 11] }];
  const names = (list: { username: string }[]) => list.map((r) => r.username).join(' ');
  it('chooses the channel’s reviewers less the excluded, and keeps one at least', () => {
    expect(names(chooseCableReaders(reviewers, channels, undefined, new Set()))).toBe('r2 r5 r9');
    expect(names(chooseCableReaders(reviewers, channels, undefined, new Set([5n])))).toBe('r2 r9');
    expect(names(chooseCableReaders(reviewers, channels, 'conduct', new Set()))).toBe('r5 r9');
    expect(names(chooseCableReaders(reviewers, channels, 'conduct', new Set([9n])))).toBe('r5');
    expectCandorError(() => chooseCableReaders(reviewers, channels, 'conduct', new Set([5n, 9n])), 'invalid argument');
    expectCandorError(() => chooseCableReaders(reviewers, channels, 'policy', new Set()), 'invalid argument');
  });
  it('reads an existing cable’s readers from its header, the log and its withdrawals', () => {
    const header = { recipients: [reviewers[2]!.boxPublic, reviewers[0]!.boxPublic] } as Parameters<typeof cableReadersNow>[0];
    expect(names(cableReadersNow(header, [], reviewers))).toBe('r9 r2');
    const recused = { action: 'recused' as const, recipients: [toHexString(reviewers[2]!.boxPublic)] };
    expect(names(cableReadersNow(header, [recused], reviewers))).toBe('r2');
    expect(names(cableReadersNow(header, [], reviewers.slice(1)))).toBe('r9');
  });
});

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
    const asked: bigint[][] = [];
    const reader: LogReader = {
      treeHead: async () => sth,
      included: async (indices, n) => {
        asked.push(indices);
        return indices.map((i) => ({ entry: log.entries[Number(i)]!, proof: log.tree.inclusion(Number(i), Number(n)) }));
      },
    };
    return { log, view, reader, sth, asked };
  }

  it('proves every logged event and counts the ones still waiting', async () => {
    const { log, view, reader, asked } = setUp();
    const r = await checkCableEventsInLog(view, log.key.publicKey, reader);
    expect(r).toEqual({ checked: 2, treeSize: 4n });
    expect(asked).toEqual([[1n, 2n]]); // one request (POST /log/included), for this cable's entries
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
    // The server swaps an entry, or sends the proof of another index, or leaves one out, or an
    // old tree head.
    const answer = (indices: bigint[], n: bigint) => reader.included(indices, n);
    expect(await refused(view, { ...reader, included: async (ix, n) => (await answer(ix, n)).map((x, k) => (k === 0 ? { ...x, entry: log.entries[3]! } : x)) })).toContain('inclusion proof');
    expect(await refused(view, { ...reader, included: async (ix, n) => (await answer(ix, n)).map((x) => ({ ...x, proof: log.tree.inclusion(0, Number(n)) })) })).toContain('inclusion proof');
    expect(await refused(view, { ...reader, included: async (ix, n) => (await answer(ix, n)).slice(1) })).toContain('did not send');
    expect(await refused(withEvent(1, { log_index: 1 }), reader)).toContain('one log entry');
    const old = signTreeHead({ size: 2n, root: log.tree.root(2), timestampMs: 1n }, log.key.secretKey);
    expect(await refused(view, { ...reader, treeHead: async () => old })).toContain('not in the signed log yet');
    expect(sth.head.size).toBe(4n);
  });
});

describe("the reviewer's check that a member wrote the cable (security review M3)", () => {
  // A cable of member 3 of 20, sealed within its bucket of 8 (maxRing 8: buckets of 7, 7, 6),
  // and the view a reviewer receives.
  // Buckets of 8 (candor-lrs-v1) unless `scheme` says v2 (the whole roster of 20).
  function setUp(author: 'named' | 'anonymous' = 'anonymous', scheme: RingScheme = 'candor-lrs-v1') {
    const rng = new SeededRng(21);
    const members = Array.from({ length: 20 }, () => generateMemberKeys(rng));
    const reviewer = generateMemberKeys(rng);
    const roster = members.map((m) => m.ring.publicKey);
    const inputs = {
      organization: 'state',
      rosterVersion: 20n,
      roster,
      reviewers: [reviewer.box.publicKey],
      quotaWindow: 2930n,
      quotaSlots: 4,
      usedTags: [],
      minRing: 2,
      maxRing: 8,
      scheme,
    };
    const draft = { subject: 'S', body: 'B', attachments: [], ...(author === 'named' ? { authorName: 'Jordan Lee' } : {}) };
    const sealed = sealCable(draft, inputs, members[3]!, rng);
    const req = sealed.request as Record<string, string | number>;
    const view = {
      id: toHexString(sealed.id),
      header_bytes: toHexString(cableHeaderBytes(decodeCableHeaderFromJson(req))),
      envelope: req['envelope'],
      signature: req['signature'],
      quota_slot: req['quota_slot'],
      quota_signature: req['quota_signature'],
      author_signature: req['author_signature'],
      events: [],
    } as unknown as CableView;
    return { rng, members, roster, inputs, draft, sealed, view, rings: bucketRoster(roster, 8), reviewer };
  }

  it("accepts a member's cable, named or anonymous, and gives its ring size", () => {
    for (const author of ['anonymous', 'named'] as const) {
      const { view, rings, sealed } = setUp(author);
      const ring = verifyCableSignatures(view, rings);
      expect(ring.length).toBe(sealed.ringSize);
      expect(rings.map((r) => r.map(toHexString))).toContainEqual(ring.map(toHexString));
      // candor-lrs-v2: within the whole roster, which the reviewer must pass; a bucket will
      // not do, and a named author's binding tag is found at the signature's start.
      const whole = setUp(author, 'candor-lrs-v2');
      expect(verifyCableSignatures(whole.view, whole.rings, whole.roster).map(toHexString)).toEqual(whole.roster.map(toHexString));
      expect(whole.sealed.ringSize).toBe(20);
      expectCandorError(() => verifyCableSignatures(whole.view, whole.rings), 'verification failed');
      const opened = openCable(whole.view, whole.reviewer.box, whole.roster);
      expect(opened.authorVerified).toBe(author === 'named');
    }
  });

  it('refuses a ring that is not of the logged roster version: a cable by someone who is not a member', () => {
    const { rng, members, roster, inputs, draft, rings } = setUp();
    // An outsider puts their key on a roster of their own and signs a cable within it.
    const outsider = generateMemberKeys(rng);
    const fake = sealCable(draft, { ...inputs, roster: [...roster.slice(0, 5), outsider.ring.publicKey], maxRing: 4096 }, outsider, rng);
    const req = fake.request as Record<string, string | number>;
    const view = {
      header_bytes: toHexString(cableHeaderBytes(decodeCableHeaderFromJson(req))),
      envelope: req['envelope'],
      signature: req['signature'],
      quota_slot: req['quota_slot'],
      quota_signature: req['quota_signature'],
    } as unknown as CableView;
    expect(expectCandorError(() => verifyCableSignatures(view, rings), 'verification failed').message).toMatch(
      /^the cable names ring [0-9a-f]{64}, which is not a ring of roster version 20 of 'state' in the public log$/,
    );
    // The same cable against another version's rings (a member left): its ring is not there.
    expectCandorError(() => verifyCableSignatures(setUp().view, bucketRoster(roster.filter((_, i) => i !== 0), 8)), 'verification failed');
    expectCandorError(() => verifyCableSignatures(setUp().view, []), 'verification failed');
    expect(members.length).toBe(20);
  });

  it('refuses either ring signature changed, another slot, or a missing quota signature', () => {
    const { view, rings } = setUp();
    const refused = (v: Partial<CableView>) => expectCandorError(() => verifyCableSignatures({ ...view, ...v } as CableView, rings), 'verification failed').message;
    expect(refused({ signature: flipLastHexDigit(view.signature!) })).toMatch(/^the cable's ring signature does not verify/);
    expect(refused({ signature: view.signature!.replace(/^./, (c) => (c === '0' ? '1' : '0')) })).toMatch(/ring signature does not verify/);
    expect(refused({ quota_signature: flipLastHexDigit(view.quota_signature!) })).toMatch(/^the cable's quota signature does not verify/);
    expect(refused({ quota_slot: (view.quota_slot + 1) % 4 })).toMatch(/quota signature does not verify/);
    expect(refused({ quota_signature: view.signature! })).toMatch(/quota signature does not verify/);
    expect(refused({ signature: view.quota_signature! })).toMatch(/ring signature does not verify/);
    expect(refused({ quota_signature: undefined } as unknown as Partial<CableView>)).toMatch(/quota signature does not verify/);
    expect(refused({ signature: view.signature!.slice(0, -64) })).toMatch(/ring signature does not verify/);
    expect(refused({ quota_slot: -1 })).toMatch(/no valid quota slot/);
    // A changed ciphertext changes the digest both signatures sign.
    expect(refused({ envelope: flipLastHexDigit(view.envelope!) })).toMatch(/ring signature does not verify/);
  });
});
