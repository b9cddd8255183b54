// Dissent cables in the browser: the author's and the reviewer's side, byte for byte as
// docs/PROTOCOL.md "Cables" pins them and as the command line's reference client does it
// (src/domain/cable.h, src/crypto/receipt.h, src/cli/cable_client.h), built on the crypto
// core's primitives (web/src/crypto: transcripts, candor-lrs-v1, candor-env-v1, Ed25519).
//
//   const sealed = sealCable(draft, inputs, memberKeys);   // author, on the device
//   POST /api/v1/cables with sealed.request; show sealed.receipt once (it is never stored)
//   const ring = verifyCableSignatures(view, ringsAt(orgState, header.rosterVersion)); // a member's?
//   const opened = openCable(view, reviewerBox, ring);       // reviewer
//   const msg = sealMessage(id, 'replied', text, opened.content.replyPublic, reviewers);
//   const replies = openMessages(statusView, receiptKeys.reply, false);   // author
//
// The server checks what it can (the header, both ring signatures, the quota) and stores
// ciphertext only; every check that needs a secret happens here. Errors are CandorErrors:
// 'invalid argument' for malformed input, 'verification failed' when something does not
// check, 'failed precondition' / 'resource exhausted' for what stops the author sending.
import {
  bytesEqual,
  fixedFromHex,
  fromHex,
  fromUtf8,
  isValidUtf8,
  readU64le,
  toHex,
  u64le,
  utf8,
} from './crypto/bytes.js';
import { ed25519Sign, ed25519Verify, generateSignKeyPair } from './crypto/ed25519.js';
import { cableDigest, decodeEnvelope, encodeEnvelope, MAX_ENVELOPE_RECIPIENTS, openEnvelope, rewrapEnvelopeKey, sealEnvelope, WRAPPED_KEY_SIZE, type Envelope } from './crypto/envelope.js';
import { CandorError, invalidArgument, verificationFailed } from './crypto/errors.js';
import {
  bytesFromHexField,
  dumpJson,
  field,
  hexField,
  onlyFields,
  parseJson,
  stringField,
  type JsonObject,
  type JsonValue,
} from './crypto/json.js';
import {
  boxPublicFromSecret,
  isValidBoxPublicKey,
  proveBoxKeyPossession,
  type BoxKeyPair,
  type MemberKeys,
} from './crypto/keys.js';
import { bucketOf, bucketRoster, DEFAULT_MIN_RING_SIZE, MAX_RING_SIZE } from './crypto/letter.js';
import { decodeLrsSignature, encodeLrsSignature, LRS_SCHEME, lrsSign, lrsTagBase, lrsVerify, Ring, ringDigestOf } from './crypto/lrs.js';
import { decodeLrs2Signature, encodeLrs2Signature, LRS2_SCHEME, lrs2Sign, lrs2Verify } from './crypto/lrs2.js';
import type { RingScheme } from './crypto/cosignature.js';
import { hasControlCharacter, validateChannelId, validateOrganizationSlug, type CableChannel } from './crypto/policy.js';
import type { LoggedReviewer, OrgState } from './crypto/org_state.js';
import { secretScalarMult } from './crypto/ristretto.js';
import { generateReceiptSeed, parseReceiptWords, receiptWords, receiptWordsCableId, receiptWordsSecret } from './crypto/receipt_words.js';
import { systemRng, type Rng } from './crypto/rng.js';
import { wipe } from './crypto/sodium.js';
import { decodeLogEntry, type CableAction, type LogEvent } from './crypto/log_entry.js';
import { hashLeaf, verifyInclusion } from './crypto/merkle.js';
import { h256, splitTranscript, tr } from './crypto/transcript.js';
import { verifySignedTreeHead, type SignedTreeHead } from './crypto/tree_head.js';

export type CableAuthorKind = 'named' | 'anonymous';
export type { CableAction };
// The actions that carry a message: the reviewers' four and the author's follow-up.
export const MESSAGE_ACTIONS: readonly CableAction[] = ['extended', 'replied', 'noted', 'closed', 'followed-up'];
// Those sealed to the author's reply key too (a follow-up, so that the author reads it back).
export const AUTHOR_ACTIONS: readonly CableAction[] = ['extended', 'replied', 'closed', 'followed-up'];

export const MAX_RECIPIENTS = 256;
export const MAX_SUBJECT_BYTES = 512;
export const MAX_ATTACHMENTS = 16;
const HEADER_LABEL = 'candor/v1/cable-header';
const CONTENT_FORMAT = 'candor-cable-v1';
const FOLLOW_UP_FORMAT = 'candor-cable-follow-up-v1';
export const RECEIPT_PREFIX = 'candor-receipt-v1-';

export interface CableHeader {
  id: Uint8Array; // 32 bytes (from the receipt seed: receiptWordsCableId)
  organization: string;
  author: CableAuthorKind;
  rosterVersion: bigint;
  ringDigest: Uint8Array;
  quotaWindow: bigint;
  recipients: Uint8Array[]; // reviewers' X25519 keys, envelope order
  accessHash: Uint8Array;
  // Both ring signatures' scheme: candor-lrs-v2 over the whole roster version; absent:
  // candor-lrs-v1 over one bucket of it.
  scheme?: typeof LRS2_SCHEME;
  // The organization's channel the author picked (validateChannelId); absent: none.
  channel?: string;
}

export function validateCableHeader(h: CableHeader): void {
  try {
    validateOrganizationSlug(h.organization);
  } catch (e) {
    throw invalidArgument(`cable header: ${(e as Error).message}`);
  }
  if (h.id.length !== 32 || h.ringDigest.length !== 32 || h.accessHash.length !== 32) {
    throw invalidArgument('cable header: the id, ring digest and access hash are 32 bytes each');
  }
  if (h.rosterVersion < 1n) throw invalidArgument('cable header: the roster version must be at least 1');
  if (h.recipients.length === 0) throw invalidArgument('cable header: there must be at least one recipient');
  if (h.recipients.length > MAX_RECIPIENTS) throw invalidArgument(`cable header: more than ${MAX_RECIPIENTS} recipients`);
  const seen = new Set<string>();
  for (const r of h.recipients) {
    if (r.length !== 32) throw invalidArgument('cable header: a recipient key must be 32 bytes');
    if (!isValidBoxPublicKey(r)) throw invalidArgument('cable header: a recipient key is not a valid X25519 key');
    const k = toHex(r);
    if (seen.has(k)) throw invalidArgument('cable header: a recipient key is repeated');
    seen.add(k);
  }
  if (h.channel !== undefined) {
    try {
      validateChannelId(h.channel);
    } catch (e) {
      throw invalidArgument(`cable header: ${(e as Error).message}`);
    }
  }
}

//   tr("candor/v1/cable-header", id, slug, author, u64le(roster_version), ring_digest,
//      u64le(quota_window), u64le(k), recipient_1 … recipient_k, access_hash
//      [, scheme [, channel]])
// where the scheme ("candor-lrs-v2" or "candor-lrs-v1") is there for a v2 header or one with a
// channel, and the channel's id only for a header with one (CableHeaderBytes).
export function cableHeaderBytes(h: CableHeader): Uint8Array {
  return tr(
    HEADER_LABEL,
    h.id,
    utf8(h.organization),
    utf8(h.author),
    u64le(h.rosterVersion),
    h.ringDigest,
    u64le(h.quotaWindow),
    u64le(h.recipients.length),
    ...h.recipients,
    h.accessHash,
    ...(h.scheme === LRS2_SCHEME || h.channel !== undefined ? [utf8(h.scheme ?? LRS_SCHEME)] : []),
    ...(h.channel !== undefined ? [utf8(h.channel)] : []),
  );
}

// The strict inverse of cableHeaderBytes (DecodeCableHeader).
export function decodeCableHeader(bytes: Uint8Array): CableHeader {
  let p: Uint8Array[];
  try {
    p = splitTranscript(bytes, 1 + 7 + MAX_RECIPIENTS + 3);
  } catch (e) {
    throw invalidArgument(`the cable header is malformed: ${(e as Error).message}`);
  }
  if (p.length < 9 || fromUtf8(p[0]!) !== HEADER_LABEL) throw invalidArgument('this is not a cable header');
  const fixed = (b: Uint8Array, what: string) => {
    if (b.length !== 32) throw invalidArgument(`cable header: ${what} must be 32 bytes`);
    return b.slice();
  };
  const u64 = (b: Uint8Array, what: string) => {
    if (b.length !== 8) throw invalidArgument(`cable header: ${what} must be 8 bytes`);
    return readU64le(b);
  };
  const author = fromUtf8(p[3]!);
  if (author !== 'named' && author !== 'anonymous') throw invalidArgument('the author must be "named" or "anonymous"');
  const k = u64(p[7]!, 'the recipient count');
  // Nine parts and the recipients; then the scheme (v2, or with a channel), then the channel.
  if (k > BigInt(p.length - 9) || BigInt(p.length - 9) - k > 2n) {
    throw invalidArgument('cable header: the recipient count does not match the recipients');
  }
  const n = Number(k);
  let scheme: string = LRS_SCHEME;
  if (p.length >= 10 + n) {
    scheme = fromUtf8(p[9 + n]!);
    if (scheme !== LRS2_SCHEME && scheme !== LRS_SCHEME) {
      throw invalidArgument(`cable header: the part after the access hash must be the scheme '${LRS2_SCHEME}' or '${LRS_SCHEME}'`);
    }
  }
  let channel: string | undefined;
  if (p.length === 11 + n) {
    channel = fromUtf8(p[10 + n]!);
    if (channel === '') throw invalidArgument("cable header: the channel's id is empty");
  }
  const h: CableHeader = {
    id: fixed(p[1]!, 'the cable id'),
    organization: fromUtf8(p[2]!),
    author,
    rosterVersion: u64(p[4]!, 'the roster version'),
    ringDigest: fixed(p[5]!, 'the ring digest'),
    quotaWindow: u64(p[6]!, 'the quota window'),
    recipients: p.slice(8, 8 + n).map((r) => fixed(r, 'a recipient key')),
    accessHash: fixed(p[8 + n]!, 'the access hash'),
    ...(scheme === LRS2_SCHEME ? { scheme: LRS2_SCHEME } : {}),
    ...(channel !== undefined ? { channel } : {}),
  };
  validateCableHeader(h);
  if (!bytesEqual(cableHeaderBytes(h), bytes)) throw invalidArgument('the cable header is not in canonical form');
  return h;
}

export function cableHeaderToJson(h: CableHeader): Record<string, unknown> {
  return {
    id: toHex(h.id),
    organization: h.organization,
    author: h.author,
    roster_version: Number(h.rosterVersion),
    ring_digest: toHex(h.ringDigest),
    quota_window: Number(h.quotaWindow),
    recipients: h.recipients.map(toHex),
    access_hash: toHex(h.accessHash),
    ...(h.scheme === LRS2_SCHEME ? { scheme: LRS2_SCHEME } : {}),
    ...(h.channel !== undefined ? { channel: h.channel } : {}),
  };
}

// Who a new cable goes to (ChooseCableReaders, src/cli/cable_client.h): the reviewers the log
// records, by account id; only those of `channel` when one is picked (its members as the
// organization's published settings list them); less the accounts the author excludes. Throws
// 'invalid argument' when nobody would be left.
export function chooseCableReaders(
  reviewers: readonly LoggedReviewer[],
  channels: readonly CableChannel[],
  channel: string | undefined,
  excluded: ReadonlySet<bigint>,
): LoggedReviewer[] {
  const out = channelReviewers(reviewers, channels, channel).filter((r) => !excluded.has(r.accountId));
  if (out.length === 0) throw invalidArgument('nobody would be left to read this cable: at least one reviewer must remain');
  return out;
}

// The logged reviewers of `channel` (all of them for none), by account id. Throws 'invalid
// argument' for a channel the organization does not have.
export function channelReviewers(
  reviewers: readonly LoggedReviewer[],
  channels: readonly CableChannel[],
  channel: string | undefined,
): LoggedReviewer[] {
  if (channel === undefined) return [...reviewers];
  const c = channels.find((k) => k.id === channel);
  if (c === undefined) throw invalidArgument(`there is no channel '${channel}'`);
  return reviewers.filter((r) => c.reviewers.some((id) => BigInt(id) === r.accountId));
}

// Who can read an existing cable now, and so whom its messages are sealed to (CableReadersNow):
// the header's recipients, then the keys it was given to ("granted" events), that the log still
// records as reviewers' keys and that did not withdraw from it ("recused"), in that order.
export function cableReadersNow(
  header: CableHeader,
  events: readonly Pick<CableEventView, 'action' | 'recipients'>[],
  reviewers: readonly LoggedReviewer[],
): LoggedReviewer[] {
  const withdrew = new Set(events.filter((e) => e.action === 'recused').flatMap((e) => e.recipients ?? []));
  const granted = events.filter((e) => e.action === 'granted').flatMap((e) => (e.recipients ?? []).map((r) => fixedFromHex(r, 32, 'recipient')));
  const out: LoggedReviewer[] = [];
  for (const k of [...header.recipients, ...granted]) {
    if (withdrew.has(toHex(k)) || out.some((r) => bytesEqual(r.boxPublic, k))) continue;
    const r = reviewers.find((x) => bytesEqual(x.boxPublic, k));
    if (r !== undefined) out.push(r);
  }
  return out;
}

// H256("candor/v1/cable/quota", slug, u64le(window), u64le(slot)).
export function cableQuotaEvent(slug: string, window: bigint | number, slot: bigint | number): Uint8Array {
  return h256('candor/v1/cable/quota', utf8(slug), u64le(window), u64le(slot));
}

// tr("candor/v1/cable-message", cable_id, action, u64le(k), recipient_1 … recipient_k).
export function cableMessageHeaderBytes(id: Uint8Array, action: CableAction, recipients: readonly Uint8Array[]): Uint8Array {
  return tr('candor/v1/cable-message', id, utf8(action), u64le(recipients.length), ...recipients);
}

// --- Giving a cable to a reviewer who joined later (CableGrant, src/domain/cable.h) ---

export const MAX_CABLE_GRANT_WRAPS = 4096;
export interface CableGrant {
  to: Uint8Array; // the reviewer's X25519 key
  wraps: { seq: bigint; wrap: Uint8Array }[]; // seqs strictly increasing, the first 1
}

export function validateCableGrant(g: CableGrant): void {
  if (g.to.length !== 32 || !isValidBoxPublicKey(g.to)) throw invalidArgument("cable grant: the reviewer's key is not a valid X25519 key");
  if (g.wraps.length === 0 || g.wraps.length > MAX_CABLE_GRANT_WRAPS) {
    throw invalidArgument(`cable grant: 1 to ${MAX_CABLE_GRANT_WRAPS} wrapped keys`);
  }
  if (g.wraps[0]!.seq !== 1n) throw invalidArgument("cable grant: the first wrapped key must be the cable's own (seq 1)");
  g.wraps.forEach((w, i) => {
    if (w.wrap.length !== WRAPPED_KEY_SIZE) throw invalidArgument(`cable grant: each event is 8 bytes and each wrapped key ${WRAPPED_KEY_SIZE}`);
    if (i > 0 && w.seq <= g.wraps[i - 1]!.seq) throw invalidArgument('cable grant: the events must be in increasing order, each once');
  });
}

//   tr("candor/v1/cable-grant", to, u64le(n), u64le(seq_1), wrap_1, …)
export function cableGrantBytes(g: CableGrant): Uint8Array {
  return tr('candor/v1/cable-grant', g.to, u64le(g.wraps.length), ...g.wraps.flatMap((w) => [u64le(w.seq), w.wrap]));
}

// The strict inverse (DecodeCableGrant).
export function decodeCableGrant(bytes: Uint8Array): CableGrant {
  let p: Uint8Array[];
  try {
    p = splitTranscript(bytes, 3 + 2 * MAX_CABLE_GRANT_WRAPS);
  } catch (e) {
    throw invalidArgument(`the cable grant is malformed: ${(e as Error).message}`);
  }
  if (p.length < 3 || fromUtf8(p[0]!) !== 'candor/v1/cable-grant') throw invalidArgument('this is not a cable grant');
  if (p[1]!.length !== 32 || p[2]!.length !== 8) throw invalidArgument('cable grant: the key must be 32 bytes and the count 8');
  const n = readU64le(p[2]!);
  if ((p.length - 3) % 2 !== 0 || n !== BigInt((p.length - 3) / 2)) throw invalidArgument('cable grant: the count does not match the wrapped keys');
  const wraps: CableGrant['wraps'] = [];
  for (let i = 3; i < p.length; i += 2) {
    if (p[i]!.length !== 8 || p[i + 1]!.length !== WRAPPED_KEY_SIZE) {
      throw invalidArgument(`cable grant: each event is 8 bytes and each wrapped key ${WRAPPED_KEY_SIZE}`);
    }
    wraps.push({ seq: readU64le(p[i]!), wrap: p[i + 1]!.slice() });
  }
  const g = { to: p[1]!.slice(), wraps };
  validateCableGrant(g);
  if (!bytesEqual(cableGrantBytes(g), bytes)) throw invalidArgument('the cable grant is not in canonical form');
  return g;
}

// H256("candor/v1/cable/grant", cable_id, grant_bytes): what a "granted" cable event commits to.
export function cableGrantDigest(id: Uint8Array, grantBytes: Uint8Array): Uint8Array {
  return h256('candor/v1/cable/grant', id, grantBytes);
}

// The envelope of event `seq` (1: the cable) with the wraps the cable's grants add to it, so
// that a reviewer given the cable opens it like one it was sealed to (AddGrantedWraps). A grant
// that does not decode is skipped here; the log check and the server refuse it.
function withGrantedWraps(view: CableView, seq: number, env: Envelope): Envelope {
  const extra: Uint8Array[] = [];
  for (const e of view.events) {
    if (e.action !== 'granted' || !e.grant) continue;
    let g: CableGrant;
    try {
      g = decodeCableGrant(fromHex(e.grant));
    } catch {
      continue;
    }
    for (const w of g.wraps) if (w.seq === BigInt(seq)) extra.push(w.wrap);
  }
  const room = MAX_ENVELOPE_RECIPIENTS - env.wrappedKeys.length;
  return extra.length === 0 ? env : { ...env, wrappedKeys: [...env.wrappedKeys, ...extra.slice(0, Math.max(0, room))] };
}

// The body of POST …/cables/grant (SealCableGrant): for `to`, one more wrap of the content key of
// every envelope of the cable that `me` opens — the cable and each message sealed or given to
// `me` — made in this browser; the server stores only the wraps.
export function sealCableGrant(view: CableView, me: BoxKeyPair, to: Uint8Array, rng: Rng = systemRng): { id: string; grant: string } {
  if (!view.envelope) throw invalidArgument('the view holds no envelope');
  const id = fixedFromHex(view.id, 32, 'cable id');
  const wraps: CableGrant['wraps'] = [
    { seq: 1n, wrap: rewrapEnvelopeKey(fromHex(view.header_bytes), withGrantedWraps(view, 1, decodeEnvelope(fromHex(view.envelope))), me, to, rng) },
  ];
  for (const e of view.events) {
    if (!MESSAGE_ACTIONS.includes(e.action) || !e.envelope) continue;
    const recipients = (e.recipients ?? []).map((r) => fixedFromHex(r, 32, 'recipient'));
    try {
      const env = withGrantedWraps(view, e.seq, decodeEnvelope(fromHex(e.envelope)));
      wraps.push({ seq: BigInt(e.seq), wrap: rewrapEnvelopeKey(cableMessageHeaderBytes(id, e.action, recipients), env, me, to, rng) });
    } catch (err) {
      if (err instanceof CandorError && err.code === 'permission denied') continue; // not sealed to me
      throw err;
    }
  }
  const grant = { to, wraps };
  validateCableGrant(grant);
  return { id: view.id, grant: toHex(cableGrantBytes(grant)) };
}

// The reviewers the cable may be given to (ReviewersToGrant): current reviewers, as logged, who
// became reviewers after the cable's "submitted" entry (its author never saw them, so left none
// of them out), who do not read it yet, did not withdraw from it, and are in its channel, if any.
export function reviewersToGrant(view: CableView, state: OrgState, channels: readonly CableChannel[]): LoggedReviewer[] {
  const first = view.events[0];
  if (first === undefined || first.action !== 'submitted' || first.log_index === null) return [];
  const submitted = BigInt(first.log_index);
  const header = decodeCableHeader(fromHex(view.header_bytes));
  const readers = cableReadersNow(header, view.events, state.reviewers);
  const withdrew = new Set(view.events.filter((e) => e.action === 'recused').flatMap((e) => e.recipients ?? []));
  const channel = header.channel === undefined ? undefined : channels.find((c) => c.id === header.channel);
  return state.reviewers.filter(
    (r) =>
      (state.reviewerSince.get(r.accountId) ?? -1n) > submitted &&
      !readers.some((x) => bytesEqual(x.boxPublic, r.boxPublic)) &&
      !withdrew.has(toHex(r.boxPublic)) &&
      (header.channel === undefined || (channel !== undefined && channel.reviewers.some((a) => BigInt(a) === r.accountId))),
  );
}

// H256("candor/v1/cable/recusal", cable_id, key): what a "recused" cable event commits to — the
// key of the reviewer who withdrew (CableRecusalDigest).
export function cableRecusalDigest(id: Uint8Array, key: Uint8Array): Uint8Array {
  return h256('candor/v1/cable/recusal', id, key);
}

// H256("candor/v1/cable/message", message_header, envelope): a message's cable-event digest.
export function cableMessageDigest(messageHeader: Uint8Array, envelope: Uint8Array): Uint8Array {
  return h256('candor/v1/cable/message', messageHeader, envelope);
}

// H256("candor/v1/cable/submission", header, envelope, signature, u64le(quota_slot),
// quota_signature, author_signature): the digest the "submitted" cable-event logs. An
// anonymous cable's author signature is empty.
export function cableSubmissionDigest(
  headerBytes: Uint8Array,
  envelope: Uint8Array,
  signature: Uint8Array,
  quotaSlot: bigint | number,
  quotaSignature: Uint8Array,
  authorSignature: Uint8Array,
): Uint8Array {
  return h256('candor/v1/cable/submission', headerBytes, envelope, signature, u64le(quotaSlot), quotaSignature, authorSignature);
}

// What a reviewer's proof of possession of its key is bound to (ReviewerKeyProofContext in
// src/domain/cable.h): tr("candor/v1/reviewer-key", slug, u64le(account_id)).
export function reviewerKeyProofContext(slug: string, accountId: number | bigint): Uint8Array {
  return tr('candor/v1/reviewer-key', utf8(slug), u64le(accountId));
}

// The body of PUT /orgs/{slug}/reviewer-key: the key and the proof that this browser holds its
// secret, for the challenge of GET …/reviewer-key/challenge (security review M7).
export function reviewerKeyRegistration(
  slug: string,
  challenge: { server_public: string; account_id: number },
  reviewer: BoxKeyPair,
): { reply_public: string; proof: string } {
  const serverPublic = fixedFromHex(challenge.server_public, 32, 'server_public');
  const proof = proveBoxKeyPossession(reviewerKeyProofContext(slug, challenge.account_id), reviewer, serverPublic);
  return { reply_public: toHex(reviewer.publicKey), proof: toHex(proof) };
}

// tr("candor/v1/cable/author", signing_public): what a named author's binding proof signs.
export function authorBindingMessage(signingPublic: Uint8Array): Uint8Array {
  return tr('candor/v1/cable/author', signingPublic);
}

// ---- Receipts (docs/PROTOCOL.md "Cable receipts") ----

export interface ReceiptKeys {
  reply: BoxKeyPair; // X25519 secret = H256("candor/v1/cable/reply-secret", r)
  access: Uint8Array; // H256("candor/v1/cable/access", r): shown to the server to read
  accessHash: Uint8Array; // H256("candor/v1/cable/access-hash", access): in the header
}

export function deriveReceiptKeys(r: Uint8Array): ReceiptKeys {
  const secret = h256('candor/v1/cable/reply-secret', r);
  const access = h256('candor/v1/cable/access', r);
  return {
    reply: { publicKey: boxPublicFromSecret(secret), secret },
    access,
    accessHash: h256('candor/v1/cable/access-hash', access),
  };
}

export function formatReceipt(id: Uint8Array, r: Uint8Array): string {
  return `${RECEIPT_PREFIX}${toHex(id)}-${toHex(r)}`;
}

// Either form of a receipt (ParseCableReceipt): the twelve receipt words (crypto/
// receipt_words.ts), or the long form "candor-receipt-v1-<id hex>-<r hex>"; white space around
// it allowed. Text starting "candor-receipt" is read as the long form.
export function parseReceipt(text: string): { id: Uint8Array; secret: Uint8Array } {
  const t = text.trim();
  if (!t.startsWith('candor-receipt')) {
    const seed = parseReceiptWords(text);
    const out = { id: receiptWordsCableId(seed), secret: receiptWordsSecret(seed) };
    wipe(seed);
    return out;
  }
  const bad = invalidArgument(
    "This is not a Candor receipt: a long receipt starts with 'candor-receipt-v1-' followed by 129 more characters. Copy it again exactly as it was shown when the cable was sent.",
  );
  if (!t.startsWith(RECEIPT_PREFIX)) throw bad;
  const rest = t.slice(RECEIPT_PREFIX.length);
  if (rest.length !== 129 || rest[64] !== '-' || !/^[0-9a-fA-F]{64}-[0-9a-fA-F]{64}$/.test(rest)) throw bad;
  return { id: fromHex(rest.slice(0, 64)), secret: fromHex(rest.slice(65)) };
}

// ---- Padding (docs/FORMATS.md "Padding"; src/domain/cable.h) ----
//
// Every envelope plaintext of a cable (the content and each message) is its text followed by
// zero bytes up to a bucket: max(16 KiB, the least power of two >= the text). The ciphertext's
// length is visible to the employer's proxy, the server and a thief, and an exact length ties
// a cable to its upload (security review M4); a bucket says only the order of magnitude. The
// server refuses envelopes whose plaintext length is not a bucket. Neither the content (JSON)
// nor a message text holds a zero byte, so the padding is unambiguous.

export const MIN_CABLE_PADDED = 16 * 1024;

// The bucket of a text of `n` bytes.
export function cablePaddedSize(n: number): number {
  let size = MIN_CABLE_PADDED;
  while (size < n) size *= 2;
  return size;
}

// True iff `n` is a bucket's length (a power of two, at least 16 KiB).
export function isCablePaddedSize(n: number): boolean {
  return Number.isSafeInteger(n) && n >= MIN_CABLE_PADDED && cablePaddedSize(n) === n;
}

// `text` followed by zero bytes up to its bucket. Refuses an empty text or one with a zero byte
// (it would not unpad to itself).
export function padCablePlaintext(text: Uint8Array): Uint8Array {
  if (text.length === 0 || text.includes(0)) throw invalidArgument('a padded text must be non-empty and hold no zero byte');
  const out = new Uint8Array(cablePaddedSize(text.length));
  out.set(text);
  return out;
}

// The text inside a padded plaintext (a view of `padded`): 'invalid argument' unless the length
// is a bucket, the text is not empty, holds no zero byte (the padding is then exactly the
// trailing zeros) and its own bucket is this length (padded no further than it must be).
export function unpadCablePlaintext(padded: Uint8Array): Uint8Array {
  if (!isCablePaddedSize(padded.length)) {
    throw invalidArgument(
      `the plaintext is ${padded.length} bytes, not a padding bucket (a power of two, at least ${MIN_CABLE_PADDED})`,
    );
  }
  let end = padded.length;
  while (end > 0 && padded[end - 1] === 0) end--;
  if (end === 0) throw invalidArgument('the plaintext is all padding');
  const text = padded.subarray(0, end);
  if (text.includes(0)) throw invalidArgument('the padded text holds a zero byte');
  if (cablePaddedSize(end) !== padded.length) throw invalidArgument('the plaintext is padded beyond its bucket');
  return text;
}

// ---- Content (the envelope's plaintext) ----

export interface CableAttachment {
  name: string;
  type: string;
  data: Uint8Array;
}

export interface CableAuthorIdentity {
  name: string;
  ringPublic: Uint8Array;
  signingPublic: Uint8Array;
  binding: Uint8Array;
}

export interface CableContent {
  subject: string;
  body: string;
  replyPublic: Uint8Array;
  attachments: CableAttachment[];
  author: CableAuthorIdentity | null;
}

function validateAttachments(attachments: readonly CableAttachment[]): void {
  if (attachments.length > MAX_ATTACHMENTS) throw invalidArgument(`at most ${MAX_ATTACHMENTS} attachments`);
  for (const a of attachments) {
    const name = utf8(a.name);
    if (name.length === 0 || name.length > 255 || hasControlCharacter(name) || a.name.includes('/') || a.name.includes('\\')) {
      throw invalidArgument("an attachment's name must be a plain file name (1 to 255 bytes, no '/')");
    }
    const type = utf8(a.type);
    if (type.length > 255 || hasControlCharacter(type)) {
      throw invalidArgument("an attachment's type must be a media type such as application/pdf");
    }
  }
}

function attachmentsFromJson(o: JsonObject, what: string): CableAttachment[] {
  const atts = field(o, what, 'attachments');
  if (!Array.isArray(atts)) throw invalidArgument("'attachments' must be a list");
  return atts.map((a) => {
    const w = 'an attachment';
    const ao = onlyFields(a, w, ['name', 'type', 'data']);
    return { name: stringField(ao, w, 'name'), type: stringField(ao, w, 'type'), data: bytesFromHexField(ao, w, 'data') };
  });
}

const attachmentsToJson = (attachments: readonly CableAttachment[]) =>
  attachments.map((a) => ({ name: a.name, type: a.type, data: toHex(a.data) }));

export function validateCableContent(c: CableContent): void {
  const subject = utf8(c.subject);
  if (subject.length === 0 || subject.length > MAX_SUBJECT_BYTES || hasControlCharacter(subject)) {
    throw invalidArgument(`the subject must be 1 to ${MAX_SUBJECT_BYTES} bytes of text on one line`);
  }
  if (c.body.length === 0) throw invalidArgument('the text must not be empty');
  if (!isValidBoxPublicKey(c.replyPublic)) throw invalidArgument('the reply key is not a valid X25519 key');
  validateAttachments(c.attachments);
  if (c.author) {
    const name = utf8(c.author.name);
    if (name.length === 0 || name.length > 200 || hasControlCharacter(name)) {
      throw invalidArgument("the author's name must be 1 to 200 bytes of text on one line");
    }
    if (c.author.binding.length === 0) throw invalidArgument("a named cable needs the author's binding proof");
  }
}

// Compact JSON, keys in byte order, as nlohmann::json dump() writes CableContentToBytes.
export function cableContentToBytes(c: CableContent): Uint8Array {
  return utf8(
    dumpJson({
      format: CONTENT_FORMAT,
      subject: c.subject,
      body: c.body,
      reply_public: toHex(c.replyPublic),
      attachments: attachmentsToJson(c.attachments),
      author: c.author
        ? {
            name: c.author.name,
            ring_public: toHex(c.author.ringPublic),
            signing_public: toHex(c.author.signingPublic),
            binding: toHex(c.author.binding),
          }
        : null,
    }),
  );
}

// An opened plaintext's JSON (strict UTF-8, strict JSON); `what` names it in the errors.
function plaintextJson(bytes: Uint8Array, what: string): JsonValue {
  if (!isValidUtf8(bytes)) throw invalidArgument(`${what} is not UTF-8`);
  try {
    return parseJson(bytes);
  } catch {
    throw invalidArgument(`${what} is not JSON`);
  }
}

// Strict reader (CableContentFromBytes), then validateCableContent.
export function cableContentFromBytes(bytes: Uint8Array): CableContent {
  const what = "the cable's content";
  const j = plaintextJson(bytes, what);
  const o = onlyFields(j, what, ['format', 'subject', 'body', 'reply_public', 'attachments', 'author']);
  if (stringField(o, what, 'format') !== CONTENT_FORMAT) throw invalidArgument(`the cable's content is not ${CONTENT_FORMAT}`);
  const subject = stringField(o, what, 'subject');
  const body = stringField(o, what, 'body');
  const replyPublic = hexField(o, what, 'reply_public', 32);
  const attachments = attachmentsFromJson(o, what);
  const a = field(o, what, 'author');
  let author: CableAuthorIdentity | null = null;
  if (a !== null) {
    const w = 'the author';
    const ao = onlyFields(a, w, ['name', 'ring_public', 'signing_public', 'binding']);
    author = {
      name: stringField(ao, w, 'name'),
      ringPublic: hexField(ao, w, 'ring_public', 32),
      signingPublic: hexField(ao, w, 'signing_public', 32),
      binding: bytesFromHexField(ao, w, 'binding'),
    };
  }
  const c: CableContent = { subject, body, replyPublic, attachments, author };
  validateCableContent(c);
  return c;
}

// ---- An author's follow-up (docs/PROTOCOL.md "Follow-ups"; domain::CableFollowUp) ----

export interface CableFollowUp {
  body: string;
  attachments: CableAttachment[];
}

export function validateCableFollowUp(f: CableFollowUp): void {
  if (f.body.length === 0 || f.body.includes('\0')) throw invalidArgument('the text must not be empty and must be UTF-8 without NUL characters');
  validateAttachments(f.attachments);
}

// Compact JSON, keys in byte order, as CableFollowUpToBytes writes it.
export function cableFollowUpToBytes(f: CableFollowUp): Uint8Array {
  return utf8(dumpJson({ format: FOLLOW_UP_FORMAT, body: f.body, attachments: attachmentsToJson(f.attachments) }));
}

// Strict reader (CableFollowUpFromBytes), then validateCableFollowUp.
export function cableFollowUpFromBytes(bytes: Uint8Array): CableFollowUp {
  const what = 'the follow-up';
  const j = plaintextJson(bytes, what);
  const o = onlyFields(j, what, ['format', 'body', 'attachments']);
  if (stringField(o, what, 'format') !== FOLLOW_UP_FORMAT) throw invalidArgument(`the follow-up is not ${FOLLOW_UP_FORMAT}`);
  const f: CableFollowUp = { body: stringField(o, what, 'body'), attachments: attachmentsFromJson(o, what) };
  validateCableFollowUp(f);
  return f;
}

// ---- The author's side (SealCable) ----

export interface CableDraft {
  subject: string;
  body: string;
  attachments: CableAttachment[];
  authorName?: string; // set: a named cable
}

// What the author's client needs: the roster version of the organization's latest roster
// epoch and its members, and the reviewers, all as the log proves them (org_state.ts, via
// trust.ts fetchOrgState: security review H4, M2); the quota (…/cable-quota); the client's own
// minimum ring.
export interface CableInputs {
  organization: string;
  rosterVersion: bigint;
  roster: Uint8Array[]; // members of that version, roster order
  reviewers: Uint8Array[]; // the logged reviewers' keys, by increasing account id
  quotaWindow: bigint;
  quotaSlots: number;
  usedTags: { slot: number; tag: string }[]; // the server's list: published cables' slots only
  // The slots this device already used in this window. The server lists a slot only once its
  // cable is published, and sending twice with one slot links the two (security review H1).
  ownSlots?: readonly number[];
  minRing?: number;
  maxRing?: number;
  scheme?: RingScheme; // default candor-lrs-v2
  channel?: string; // the channel picked; `reviewers` are then some of its reviewers (chooseCableReaders)
}

export interface SealedCable {
  request: Record<string, unknown>; // the body of POST /api/v1/cables
  receipt: string; // the twelve receipt words: shown once, never stored
  id: Uint8Array;
  ringSize: number;
  slot: number; // the quota slot it spends
}

// crypto::UniformBelow: 8 bytes read as a little-endian u64, redrawn while at or above the
// largest multiple of n (so every value is equally likely). The same draws as the C++ client,
// which tests/vectors/cable.json ("sealed-cable") pins.
function randomBelow(rng: Rng, n: number): number {
  const range = 1n << 64n;
  const big = BigInt(n);
  const limit = range - 1n - ((range - 1n) % big); // UINT64_MAX - UINT64_MAX % n, as in C++
  for (;;) {
    const b = rng.fill(8);
    let v = 0n;
    for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
    if (v < limit) return Number(v % big);
  }
}

export function sealCable(draft: CableDraft, inputs: CableInputs, me: MemberKeys, rng: Rng = systemRng): SealedCable {
  if (inputs.reviewers.length === 0) {
    throw new CandorError('failed precondition', 'This organization has no reviewers who can receive cables yet. Nothing was sent.');
  }
  const minRing = inputs.minRing ?? DEFAULT_MIN_RING_SIZE;
  // candor-lrs-v2 (the default): within the whole roster; v1: within the member's bucket.
  const v2 = (inputs.scheme ?? LRS2_SCHEME) === LRS2_SCHEME;
  const buckets = v2 ? [inputs.roster] : bucketRoster(inputs.roster, inputs.maxRing ?? MAX_RING_SIZE);
  const bucket = bucketOf(buckets, me.ring.publicKey);
  if (bucket === undefined) {
    throw new CandorError('failed precondition', `Your key is not on the roster of '${inputs.organization}'. Nothing was sent.`);
  }
  const ring = Ring.create(buckets[bucket]!);
  if (ring.size < minRing) {
    throw new CandorError(
      'failed precondition',
      `Only ${ring.size} members would hide you, fewer than the minimum of ${minRing}. Nothing was sent.`,
    );
  }
  const index = ring.indexOf(me.ring.publicKey)!;

  // A free quota slot, chosen at random so that the slot says nothing about earlier cables.
  const free: number[] = [];
  for (let slot = 0; slot < inputs.quotaSlots; slot++) {
    const tag = toHex(secretScalarMult(me.ring.secret, lrsTagBase(cableQuotaEvent(inputs.organization, inputs.quotaWindow, slot))));
    if (inputs.ownSlots?.includes(slot)) continue;
    if (!inputs.usedTags.some((u) => u.slot === slot && u.tag === tag)) free.push(slot);
  }
  if (free.length === 0) {
    throw new CandorError(
      'resource exhausted',
      `You have sent as many cables as this organization allows in this period (${inputs.quotaSlots}). You can write again when the period ends.`,
    );
  }
  const slot = free[randomBelow(rng, free.length)]!;

  // One 16-byte draw gives the cable's id and receipt secret, so that the twelve receipt words
  // are all the author keeps.
  const seed = generateReceiptSeed(rng);
  const id = receiptWordsCableId(seed);
  const r = receiptWordsSecret(seed);
  const keys = deriveReceiptKeys(r);
  const content: CableContent = {
    subject: draft.subject,
    body: draft.body,
    replyPublic: keys.reply.publicKey,
    attachments: draft.attachments,
    author: null,
  };
  let authorKey: { publicKey: Uint8Array; secretKey: Uint8Array } | null = null;
  if (draft.authorName !== undefined) {
    authorKey = generateSignKeyPair(rng);
    const self = Ring.create([me.ring.publicKey]);
    const binding = lrsSign(id, authorBindingMessage(authorKey.publicKey), self, 0, me.ring.secret, rng);
    content.author = {
      name: draft.authorName,
      ringPublic: me.ring.publicKey.slice(),
      signingPublic: authorKey.publicKey,
      binding: encodeLrsSignature(binding),
    };
  }
  validateCableContent(content);
  const header: CableHeader = {
    id,
    organization: inputs.organization,
    author: draft.authorName !== undefined ? 'named' : 'anonymous',
    rosterVersion: inputs.rosterVersion,
    ringDigest: ring.digest,
    quotaWindow: inputs.quotaWindow,
    recipients: inputs.reviewers,
    accessHash: keys.accessHash,
    ...(v2 ? { scheme: LRS2_SCHEME } : {}),
    ...(inputs.channel !== undefined ? { channel: inputs.channel } : {}),
  };
  validateCableHeader(header);
  const headerBytes = cableHeaderBytes(header);
  // Padded to its bucket before encryption (security review M4).
  const text = cableContentToBytes(content);
  const plaintext = padCablePlaintext(text);
  const env = sealEnvelope(headerBytes, plaintext, inputs.reviewers, rng);
  wipe(text, plaintext, keys.reply.secret);
  const digest = cableDigest(headerBytes, env.ciphertext);
  const sign = (event: Uint8Array): Uint8Array =>
    v2
      ? encodeLrs2Signature(lrs2Sign(event, digest, ring, index, me.ring.secret, rng))
      : encodeLrsSignature(lrsSign(event, digest, ring, index, me.ring.secret, rng));
  const sig = sign(id);
  const quota = sign(cableQuotaEvent(inputs.organization, inputs.quotaWindow, slot));
  const request: Record<string, unknown> = {
    header: cableHeaderToJson(header),
    envelope: toHex(encodeEnvelope(env)),
    signature: toHex(sig),
    quota_slot: slot,
    quota_signature: toHex(quota),
  };
  if (authorKey) {
    request['author_signature'] = toHex(ed25519Sign(digest, authorKey.secretKey));
    wipe(authorKey.secretKey);
  }
  const receipt = receiptWords(seed);
  wipe(seed);
  wipe(r);
  return { request, receipt, id, ringSize: ring.size, slot };
}

// ---- The reviewer's side (OpenCable, SealMessage) and everyone's messages ----

export interface CableEventView {
  seq: number;
  action: CableAction;
  date: string;
  digest?: string;
  log_index: number | null;
  reviewer?: string;
  recipients?: string[];
  envelope?: string | null;
  grant?: string | null; // "granted": cableGrantBytes (null once purged)
}

export interface Deadlines {
  acknowledge_by: string;
  answer_by: string;
  acknowledged: boolean;
  extended: boolean;
  closed: boolean;
  acknowledge_overdue: boolean;
  answer_overdue: boolean;
  overdue: boolean;
  acknowledge_days_left: number;
  answer_days_left: number;
  acknowledge_unit: string;
  answer_unit: string;
  time_zone?: string; // the organization's IANA zone: every date is a day there (absent: UTC)
}

export interface CableView {
  id: string;
  organization: string;
  author: CableAuthorKind;
  state: 'waiting-for-batch' | 'submitted' | 'acknowledged' | 'closed' | 'purged';
  published: boolean;
  received_on: string;
  policy: string;
  deadlines: Deadlines;
  header_bytes: string;
  submission_digest: string;
  quota_slot: number;
  envelope?: string;
  signature?: string;
  quota_signature?: string;
  author_signature?: string;
  events: CableEventView[];
}

export interface OpenedCable {
  header: CableHeader;
  content: CableContent;
  authorVerified: boolean; // named: binding, roster and Ed25519 signature all checked
}

// Decrypts a reviewer's view of a cable and, for a named cable, checks that the named member
// made it: the binding proof over [ring_public] verifies, its tag equals the cable
// signature's (same key), ring_public is in `ring` — the cable's ring as verifyCableSignatures
// found it in the logged roster — and the Ed25519 signature holds.
// `ring` is the ring verifyCableSignatures returned, or null for a cable already found forged:
// it is then decrypted to be shown under its "forged" warning, and its author is not verified.
export function openCable(view: CableView, reviewer: BoxKeyPair, ring: readonly Uint8Array[] | null): OpenedCable {
  if (!view.envelope) throw invalidArgument('the view holds no envelope');
  const headerBytes = fromHex(view.header_bytes);
  const header = decodeCableHeader(headerBytes);
  const env = decodeEnvelope(fromHex(view.envelope));
  let plaintext: Uint8Array;
  try {
    plaintext = openEnvelope(headerBytes, withGrantedWraps(view, 1, env), reviewer);
  } catch (e) {
    if (e instanceof CandorError && e.code === 'permission denied') {
      throw new CandorError('permission denied', 'This cable was not encrypted to your reviewer key: it was sent before you registered this key, or to other reviewers.');
    }
    throw e;
  }
  let content: CableContent;
  try {
    content = cableContentFromBytes(unpadCablePlaintext(plaintext)); // security review M4
  } finally {
    wipe(plaintext);
  }
  let authorVerified = false;
  if (ring === null) {
    // Forged: nothing about its author can be believed, so nothing is checked or claimed.
  } else if (header.author === 'named') {
    const a = content.author;
    if (!a) throw verificationFailed('a named cable without its author');
    if (!ring.some((k) => bytesEqual(k, a.ringPublic))) throw verificationFailed("the named author's key is not in the cable's ring");
    const self = Ring.create([a.ringPublic]);
    const binding = decodeLrsSignature(a.binding, 1);
    lrsVerify(header.id, authorBindingMessage(a.signingPublic), self, binding);
    // The tag ends a v1 signature and begins a v2 one.
    const sig = fromHex(view.signature ?? '');
    const tag = header.scheme === LRS2_SCHEME ? sig.subarray(0, 32) : sig.subarray(sig.length - 32);
    if (sig.length < 32 || !bytesEqual(tag, binding.tag)) {
      throw verificationFailed('the named author did not sign this cable');
    }
    ed25519Verify(cableDigest(headerBytes, env.ciphertext), fixedFromHex(view.author_signature ?? '', 64, 'author signature'), a.signingPublic);
    authorVerified = true;
  } else if (content.author) {
    throw verificationFailed('an anonymous cable that names an author');
  }
  return { header, content, authorVerified };
}

// Checks that a member of the roster wrote the cable (security review M3): the header's
// ring_digest is the digest of its ring — for candor-lrs-v2 `whole`, the header's roster
// version as the log proves it; for v1 one of `rings`, that version's buckets (org_state.ts
// ringsAt) — and both ring signatures verify over that ring by the header's scheme:
// `signature` with e = cable id and `quota_signature` with e = the quota event of the header's
// window and the cable's slot, both with m = CableDigest(header, ciphertext). Returns the
// ring (its members, in ring order: a named author's key must be one of them, openCable).
// Throws 'verification failed' when the cable was not signed by a member (a malformed
// signature included), 'invalid argument' for a view that is not a cable's.
export function verifyCableSignatures(
  view: CableView,
  rings: readonly (readonly Uint8Array[])[],
  whole: readonly Uint8Array[] = [],
): readonly Uint8Array[] {
  if (!view.envelope) throw invalidArgument('the view holds no envelope');
  const headerBytes = fromHex(view.header_bytes);
  const header = decodeCableHeader(headerBytes);
  const env = decodeEnvelope(fromHex(view.envelope));
  const v2 = header.scheme === LRS2_SCHEME;
  // v2: the whole roster version (`whole`), v1: one of its buckets (`rings`).
  const members = (v2 ? [whole] : rings).find((r) => r.length > 0 && bytesEqual(ringDigestOf(r), header.ringDigest));
  if (members === undefined) {
    throw verificationFailed(
      `the cable names ring ${toHex(header.ringDigest)}, which is not a ring of roster version ${header.rosterVersion} of '${header.organization}' in the public log`,
    );
  }
  if (!Number.isSafeInteger(view.quota_slot) || view.quota_slot < 0) {
    throw verificationFailed('the cable carries no valid quota slot');
  }
  const ring = Ring.create(members); // logged roster keys: valid and distinct (roster.ts)
  const digest = cableDigest(headerBytes, env.ciphertext);
  const check = (what: string, event: Uint8Array, hex: string | undefined) => {
    try {
      const wire = fromHex(hex ?? '');
      if (v2) lrs2Verify(event, digest, ring, decodeLrs2Signature(wire, ring.size));
      else lrsVerify(event, digest, ring, decodeLrsSignature(wire, ring.size));
    } catch (e) {
      if (e instanceof CandorError) throw verificationFailed(`the cable's ${what} does not verify: ${e.message}`);
      throw e;
    }
  };
  check('ring signature', header.id, view.signature);
  check('quota signature', cableQuotaEvent(header.organization, header.quotaWindow, view.quota_slot), view.quota_signature);
  return ring.members;
}

// The body of POST …/cables/{id}/messages: `text` sealed for the author's reply key and then
// the reviewers (replied, extended, closed), or for the reviewers only (noted).
export function sealMessage(
  id: Uint8Array,
  action: CableAction,
  text: string,
  authorReplyKey: Uint8Array,
  reviewers: readonly Uint8Array[],
  rng: Rng = systemRng,
): { action: CableAction; recipients: string[]; envelope: string } {
  if (!MESSAGE_ACTIONS.includes(action)) throw invalidArgument('this action carries no message');
  if (action === 'followed-up') throw invalidArgument('only the cable’s author sends a follow-up (sealFollowUp)');
  checkMessageText(text);
  return sealMessageTo(id, action, utf8(text), AUTHOR_ACTIONS.includes(action) ? [authorReplyKey, ...reviewers] : [...reviewers], rng);
}

// The author's follow-up (docs/PROTOCOL.md "Follow-ups"; cli::SealFollowUp): sealed to the
// author's own reply key first, so that the author reads it back, then to the reviewers the
// logged organization state lists. The body of POST /api/v1/cables/follow-up.
export function sealFollowUp(
  id: Uint8Array,
  access: Uint8Array,
  replyPublic: Uint8Array,
  followUp: CableFollowUp,
  reviewers: readonly Uint8Array[],
  rng: Rng = systemRng,
): { id: string; access: string; recipients: string[]; envelope: string } {
  checkMessageText(followUp.body);
  validateCableFollowUp(followUp);
  if (reviewers.length === 0) {
    throw new CandorError('failed precondition', 'This organization has no reviewers who can receive messages. Nothing was sent.');
  }
  const plaintext = cableFollowUpToBytes(followUp);
  const sealed = sealMessageTo(id, 'followed-up', plaintext, [replyPublic, ...reviewers], rng);
  wipe(plaintext);
  return { id: toHex(id), access: toHex(access), recipients: sealed.recipients, envelope: sealed.envelope };
}

// A reviewer's message or a follow-up's text: something to read, and no NUL (the padding).
function checkMessageText(text: string): void {
  if (text.trim().length === 0) throw invalidArgument('The message is empty: write something first.');
  // A zero byte would be taken for padding (security review M4).
  if (text.includes('\0')) throw invalidArgument('The message must not contain a NUL character.');
}

// A message's plaintext (its text; for a follow-up, cableFollowUpToBytes) sealed to `recipients`
// under its message header, padded to its bucket (security review M4).
function sealMessageTo(
  id: Uint8Array,
  action: CableAction,
  bytes: Uint8Array,
  recipients: Uint8Array[],
  rng: Rng,
): { action: CableAction; recipients: string[]; envelope: string } {
  const header = cableMessageHeaderBytes(id, action, recipients);
  const plaintext = padCablePlaintext(bytes);
  const env = sealEnvelope(header, plaintext, recipients, rng);
  wipe(plaintext);
  return { action, recipients: recipients.map(toHex), envelope: toHex(encodeEnvelope(env)) };
}

export interface CableMessage {
  seq: number;
  action: CableAction;
  date: string;
  reviewer?: string;
  text: string;
  attachments: CableAttachment[]; // a follow-up's (empty for the reviewers' messages)
}

// Every message of `view` that `key` opens (the author's reply key, or a reviewer's key),
// each checked against the message header it was sealed under. Messages for other keys and
// purged ones are skipped; a message that is for this key but does not open is an error.
export function openMessages(view: CableView, key: BoxKeyPair, includeNotes: boolean): CableMessage[] {
  const id = fixedFromHex(view.id, 32, 'cable id');
  const out: CableMessage[] = [];
  for (const e of view.events) {
    if (!MESSAGE_ACTIONS.includes(e.action)) continue;
    if (e.action === 'noted' && !includeNotes) continue;
    if (!e.envelope) continue; // purged
    const recipients = (e.recipients ?? []).map((r) => fixedFromHex(r, 32, 'recipient'));
    const header = cableMessageHeaderBytes(id, e.action, recipients);
    let padded: Uint8Array;
    try {
      padded = openEnvelope(header, withGrantedWraps(view, e.seq, decodeEnvelope(fromHex(e.envelope))), key);
    } catch (err) {
      if (err instanceof CandorError && err.code === 'permission denied') continue;
      throw verificationFailed(`message ${e.seq} does not open: it was changed after it was written`);
    }
    let text: Uint8Array;
    try {
      text = unpadCablePlaintext(padded); // security review M4
    } catch (err) {
      throw verificationFailed(`message ${e.seq} is not padded as it must be: ${(err as Error).message}`);
    }
    let body = fromUtf8(text);
    let attachments: CableAttachment[] = [];
    if (e.action === 'followed-up') {
      // The author's JSON, with attachments.
      let f: CableFollowUp;
      try {
        f = cableFollowUpFromBytes(text);
      } catch (err) {
        throw verificationFailed(`follow-up ${e.seq} does not read: ${(err as Error).message}`);
      }
      body = f.body;
      attachments = f.attachments;
    }
    out.push({ seq: e.seq, action: e.action, date: e.date, ...(e.reviewer ? { reviewer: e.reviewer } : {}), text: body, attachments });
  }
  return out;
}


// ---- The author's check of the public log (as `candor cable status` does) ----

// Where checkCableEventsInLog gets the log: the latest signed tree head, and the entries at some
// indices with their inclusion proofs in a tree of a size, in the order asked. The indices of
// one's own cable must not travel in a URL, where proxies log them next to the author's
// address (security review H2): the browser asks with POST /api/v1/log/included.
export interface LogReader {
  treeHead(): Promise<SignedTreeHead>;
  included(indices: bigint[], size: bigint): Promise<{ entry: Uint8Array; proof: Uint8Array[] }[]>;
}

// Checks every event of `view` that the server says is logged: the tree head is signed by
// `logKey`, the entry at the event's index is included in it, and the entry is this cable's
// event with the same sequence number, action and digest; for a message (whose ciphertext the
// view holds) the digest is recomputed from it. Returns how many events were checked and the
// tree size they were checked against. Throws 'verification failed' when anything differs.
export async function checkCableEventsInLog(
  view: CableView,
  logKey: Uint8Array,
  log: LogReader,
): Promise<{ checked: number; treeSize: bigint }> {
  const id = fixedFromHex(view.id, 32, 'cable id');
  const sth = await log.treeHead();
  try {
    verifySignedTreeHead(sth, logKey);
  } catch {
    throw verificationFailed(`the log's tree head is not signed by the log key ${toHex(logKey)}`);
  }
  const logged = view.events.filter((e) => e.log_index !== null && e.log_index !== undefined);
  const indices = logged.map((e) => BigInt(e.log_index!));
  for (const index of indices) {
    if (index >= sth.head.size) throw verificationFailed(`entry ${index} is not in the signed log yet`);
  }
  if (new Set(indices).size !== indices.length) throw verificationFailed('two events of this cable claim one log entry');
  const found = indices.length > 0 ? await log.included(indices, sth.head.size) : [];
  if (found.length !== indices.length) throw verificationFailed('the server did not send every log entry asked for');
  let checked = 0;
  for (const [k, e] of logged.entries()) {
    const index = indices[k]!;
    const { entry, proof } = found[k]!;
    verifyInclusion(index, sth.head.size, hashLeaf(entry), proof, sth.head.root);
    let ev: LogEvent;
    try {
      ev = decodeLogEntry(entry);
    } catch {
      throw verificationFailed(`log entry ${index} is not a valid entry`);
    }
    if (
      ev.kind !== 'cable-event' ||
      !bytesEqual(ev.cable, id) ||
      ev.seq !== BigInt(e.seq) ||
      ev.action !== e.action ||
      toHex(ev.digest) !== e.digest
    ) {
      throw verificationFailed(`event ${e.seq} of this cable differs from what the log holds`);
    }
    if (e.action === 'granted' && e.grant && !bytesEqual(cableGrantDigest(id, fromHex(e.grant)), ev.digest)) {
      throw verificationFailed(`event ${e.seq} gives the cable otherwise than the log recorded`);
    }
    if (e.action === 'recused' && (e.recipients?.length !== 1 || !bytesEqual(cableRecusalDigest(id, fixedFromHex(e.recipients[0]!, 32, 'recipient')), ev.digest))) {
      throw verificationFailed(`event ${e.seq} names another reviewer than the log recorded`);
    }
    if (e.envelope) {
      const recipients = (e.recipients ?? []).map((r) => fixedFromHex(r, 32, 'recipient'));
      const header = cableMessageHeaderBytes(id, e.action, recipients);
      if (!bytesEqual(cableMessageDigest(header, fromHex(e.envelope)), ev.digest)) {
        throw verificationFailed(`message ${e.seq} is not the one the log recorded`);
      }
    }
    checked++;
  }
  return { checked, treeSize: sth.head.size };
}
