// Collective letters: the frozen text, what a co-signature says, and the rings a letter's
// signers sign in (docs/PROTOCOL.md "Letters", "Co-signatures", "Rings for a letter";
// src/domain/letter.h).
//
//   letter_bytes = tr("candor/v1/letter", title, body, u64le(k), org_1, …, org_k,
//                     closes_at, quorum, supersedes)       (unset optional parts are empty)
//   letter_id    = SHA-256(letter_bytes)
//   statement    = tr("candor/v1/letter/statement", letter_id, "sign" | "withdraw")
//
// Rings: a roster of n ≤ 4096 keys is one ring in roster order; a larger one is cut into
// B = ceil(n / 4096) buckets: keys ordered by H256("candor/v1/bucket", P), cut into B runs
// (the longer runs first), each run put back into roster order.
import {
  bytesEqual,
  compareBytes,
  fromUtf8,
  isValidUtf8,
  readU64le,
  toHex,
  toU64,
  u64le,
  utf8,
} from './bytes.js';
import { invalidArgument } from './errors.js';
import {
  onlyFields,
  optionalHexField,
  optionalU64Field,
  stringField,
  stringsField,
  type JsonValue,
} from './json.js';
import { validateOrganizationSlugBytes } from './policy.js';
import { h256, sha256, splitTranscript, tr, trBytes } from './transcript.js';

export const MAX_RING_SIZE = 4096;
export const DEFAULT_MIN_RING_SIZE = 20;
const MAX_TITLE_BYTES = 512;
const MAX_BODY_BYTES = 256 * 1024;
export const MAX_ORGANIZATIONS = 1000;

export interface Letter {
  title: string;
  body: string;
  // Organizations whose members may sign, by public slug, in the order given.
  organizations: string[];
  closesAtMs?: bigint; // signatures are refused after this time (ms since the epoch)
  quorum?: bigint; // signatures stay hidden until this many were accepted
  supersedes?: Uint8Array; // the 32-byte id of the letter this one corrects
}

export type SignatureAction = 'sign' | 'withdraw';

export function parseSignatureAction(name: string): SignatureAction {
  if (name === 'sign' || name === 'withdraw') return name;
  throw invalidArgument(`action must be 'sign' or 'withdraw', got '${name}'`);
}

interface LetterParts {
  title: Uint8Array;
  body: Uint8Array;
  organizations: Uint8Array[];
  closesAtMs?: bigint | undefined;
  quorum?: bigint | undefined;
  supersedes?: Uint8Array | undefined;
}

// ValidateLetter, on the bytes that are frozen.
function validateParts(l: LetterParts): void {
  if (l.title.length === 0) throw invalidArgument('the letter needs a title');
  if (l.title.length > MAX_TITLE_BYTES) {
    throw invalidArgument(`the title is longer than ${MAX_TITLE_BYTES} bytes`);
  }
  if (!isValidUtf8(l.title)) throw invalidArgument('the title is not valid UTF-8 text');
  if (l.body.length === 0) throw invalidArgument('the letter needs a text');
  if (!isValidUtf8(l.body)) throw invalidArgument('the text is not valid UTF-8');
  if (l.body.length > MAX_BODY_BYTES) {
    throw invalidArgument(`the text is longer than ${MAX_BODY_BYTES} bytes`);
  }
  if (l.organizations.length === 0) {
    throw invalidArgument('name at least one organization whose members may sign');
  }
  if (l.organizations.length > MAX_ORGANIZATIONS) {
    throw invalidArgument(`a letter may name at most ${MAX_ORGANIZATIONS} organizations`);
  }
  const seen = new Set<string>();
  for (const org of l.organizations) {
    validateOrganizationSlugBytes(org);
    const key = toHex(org);
    if (seen.has(key)) throw invalidArgument(`organization '${fromUtf8(org)}' is named twice`);
    seen.add(key);
  }
  if (l.quorum !== undefined && l.quorum === 0n) throw invalidArgument('a quorum must be at least 1');
  if (l.supersedes !== undefined && l.supersedes.length !== 32) {
    throw invalidArgument('supersedes must be a 32-byte letter id');
  }
}

function toParts(letter: Letter): LetterParts {
  const text = (s: string, what: string) => {
    try {
      return utf8(s);
    } catch {
      throw invalidArgument(`${what} is not valid UTF-8 text`);
    }
  };
  return {
    title: text(letter.title, 'the title'),
    body: text(letter.body, 'the text'),
    organizations: letter.organizations.map((o) => text(o, `organization '${o}'`)),
    closesAtMs: letter.closesAtMs === undefined ? undefined : toU64(letter.closesAtMs),
    quorum: letter.quorum === undefined ? undefined : toU64(letter.quorum),
    supersedes: letter.supersedes,
  };
}

function canonical(l: LetterParts): Uint8Array {
  const empty = new Uint8Array(0);
  const opt = (v: bigint | undefined) => (v === undefined ? empty : u64le(v));
  return trBytes(utf8('candor/v1/letter'), [
    l.title,
    l.body,
    u64le(l.organizations.length),
    ...l.organizations,
    opt(l.closesAtMs),
    opt(l.quorum),
    l.supersedes ?? empty,
  ]);
}

// Throws 'invalid argument' unless the letter can be frozen: non-empty title (≤ 512 bytes) and
// text (≤ 256 KiB) of valid UTF-8, 1 … 1000 distinct valid slugs, quorum ≥ 1 if set.
export function validateLetter(letter: Letter): void {
  validateParts(toParts(letter));
}

// The canonical bytes. REQUIRES: validateLetter(letter) passes (the bytes are well defined
// regardless, but a decoder would refuse them).
export function letterCanonicalBytes(letter: Letter): Uint8Array {
  return canonical(toParts(letter));
}

// SHA-256 of the canonical bytes.
export function computeLetterId(letter: Letter): Uint8Array {
  return sha256(letterCanonicalBytes(letter));
}

// The inverse of letterCanonicalBytes: strict (every part as encoded, nothing after the last)
// and the letter must be valid. 'invalid argument' otherwise. Safe on any input.
export function decodeLetterCanonicalBytes(bytes: Uint8Array): Letter {
  const maxParts = 1 + 2 + 1 + MAX_ORGANIZATIONS + 3;
  let parts: Uint8Array[];
  try {
    parts = splitTranscript(bytes, maxParts);
  } catch (e) {
    throw invalidArgument(`letter bytes: ${(e as Error).message}`);
  }
  if (parts.length === 0 || !bytesEqual(parts[0]!, utf8('candor/v1/letter'))) {
    throw invalidArgument("letter bytes: the label is not 'candor/v1/letter'");
  }
  if (parts.length < 4) throw invalidArgument('letter bytes: too few parts');
  if (parts[3]!.length !== 8) {
    throw invalidArgument('letter bytes: the organization count must be 8 bytes');
  }
  const k = readU64le(parts[3]!);
  if (k > BigInt(MAX_ORGANIZATIONS) || parts.length !== 4 + Number(k) + 3) {
    throw invalidArgument('letter bytes: the number of parts does not match the organization count');
  }
  const n = Number(k);
  const optionalU64 = (p: Uint8Array, what: string): bigint | undefined => {
    if (p.length === 0) return undefined;
    if (p.length !== 8) throw invalidArgument(`letter bytes: ${what} must be empty or 8 bytes`);
    return readU64le(p);
  };
  const closesAtMs = optionalU64(parts[4 + n]!, 'the closing time');
  const quorum = optionalU64(parts[5 + n]!, 'the quorum');
  const sup = parts[6 + n]!;
  if (sup.length !== 0 && sup.length !== 32) {
    throw invalidArgument("letter bytes: 'supersedes' must be empty or 32 bytes");
  }
  const l: LetterParts = {
    title: parts[1]!,
    body: parts[2]!,
    organizations: parts.slice(4, 4 + n),
    closesAtMs,
    quorum,
    supersedes: sup.length === 0 ? undefined : sup.slice(),
  };
  validateParts(l);
  if (!bytesEqual(canonical(l), bytes)) {
    throw invalidArgument('letter bytes are not in canonical form');
  }
  const letter: Letter = {
    title: fromUtf8(l.title),
    body: fromUtf8(l.body),
    organizations: l.organizations.map((o) => fromUtf8(o)),
  };
  if (closesAtMs !== undefined) letter.closesAtMs = closesAtMs;
  if (quorum !== undefined) letter.quorum = quorum;
  if (l.supersedes !== undefined) letter.supersedes = l.supersedes;
  return letter;
}

// {"title", "body", "organizations": [slug…], "closes_at_ms"?, "quorum"?, "supersedes"?: hex}
export function letterToJson(letter: Letter): Record<string, string | string[] | bigint> {
  const j: Record<string, string | string[] | bigint> = {
    title: letter.title,
    body: letter.body,
    organizations: [...letter.organizations],
  };
  if (letter.closesAtMs !== undefined) j['closes_at_ms'] = letter.closesAtMs;
  if (letter.quorum !== undefined) j['quorum'] = letter.quorum;
  if (letter.supersedes !== undefined) j['supersedes'] = toHex(letter.supersedes);
  return j;
}

// Strict reader (LetterFromJson, through json.ts's field readers): unknown fields, wrong types
// and malformed hex are refused; optional fields may be absent or null; then validateLetter.
export function letterFromJson(j: JsonValue): Letter {
  const what = 'the letter';
  const o = onlyFields(j, what, ['title', 'body', 'organizations', 'closes_at_ms', 'quorum', 'supersedes']);
  const letter: Letter = {
    title: stringField(o, what, 'title'),
    body: stringField(o, what, 'body'),
    organizations: stringsField(o, what, 'organizations'),
  };
  const closes = optionalU64Field(o, what, 'closes_at_ms');
  const quorum = optionalU64Field(o, what, 'quorum');
  const supersedes = optionalHexField(o, what, 'supersedes', 32);
  if (closes !== undefined) letter.closesAtMs = closes;
  if (quorum !== undefined) letter.quorum = quorum;
  if (supersedes !== undefined) letter.supersedes = supersedes;
  validateLetter(letter);
  return letter;
}

// The message of a co-signature: tr("candor/v1/letter/statement", letter_id, action).
export function letterStatement(letterId: Uint8Array, action: SignatureAction): Uint8Array {
  return tr('candor/v1/letter/statement', letterId, utf8(action));
}

// A member's proof of membership when publishing a letter: event and message.
export function publishProofEvent(letterId: Uint8Array): Uint8Array {
  return h256('candor/v1/letter/publish', letterId);
}

export function publishProofMessage(letterId: Uint8Array): Uint8Array {
  return tr('candor/v1/letter/publish-statement', letterId);
}

// The buckets of a roster (its present keys in roster order), by the rule above.
// `maxRing` is MAX_RING_SIZE except in tests; must be ≥ 1.
export function bucketRoster(roster: readonly Uint8Array[], maxRing = MAX_RING_SIZE): Uint8Array[][] {
  if (!Number.isSafeInteger(maxRing) || maxRing < 1) throw new RangeError('maxRing must be ≥ 1');
  const n = roster.length;
  if (n === 0) return [];
  if (n <= maxRing) return [roster.slice()];
  const b = Math.ceil(n / maxRing);
  const keyed = roster.map((p, i) => ({ h: h256('candor/v1/bucket', p), i }));
  keyed.sort((x, y) => compareBytes(x.h, y.h) || x.i - y.i);
  const buckets: Uint8Array[][] = [];
  let pos = 0;
  for (let j = 0; j < b; j++) {
    const size = Math.floor(n / b) + (j < n % b ? 1 : 0);
    const idx = keyed.slice(pos, pos + size).map((k) => k.i);
    pos += size;
    idx.sort((x, y) => x - y);
    buckets.push(idx.map((i) => roster[i]!));
  }
  return buckets;
}

// The index of the bucket that holds `key`, or undefined.
export function bucketOf(buckets: readonly (readonly Uint8Array[])[], key: Uint8Array): number | undefined {
  for (let j = 0; j < buckets.length; j++) {
    if (buckets[j]!.some((p) => bytesEqual(p, key))) return j;
  }
  return undefined;
}
