// The public events of Candor's transparency log, as canonical entry bytes (docs/PROTOCOL.md
// "Log entries"; src/domain/log_entry.h):
//
//   entry = tr("candor/v1/log-entry", kind, field_1, …, field_k)
//
// decodeLogEntry accepts exactly the bytes the C++ decoder accepts: the label, a known kind,
// the kind's number of fields with their lengths, every field's rule, nothing after the last
// field — in short, exactly the bytes that re-encode identically.
import { bytesEqual, readU64le, toHex, u64le, utf8 } from './bytes.js';
import { CandorError, invalidArgument } from './errors.js';
import type { JsonInput } from './json.js';
import {
  computeLetterId,
  decodeLetterCanonicalBytes,
  letterCanonicalBytes,
  letterToJson,
  MAX_RING_SIZE,
  parseSignatureAction,
  validateLetter,
  type Letter,
  type SignatureAction,
} from './letter.js';
import {
  organizationSettingsFromCanonicalJsonText,
  organizationSettingsToJson,
  organizationSettingsToJsonText,
  validateOrganizationNameBytes,
  validateOrganizationSettings,
  validateOrganizationSlugBytes,
  validateText,
  validateUsernameBytes,
  type OrganizationSettings,
} from './policy.js';
import { isValidBoxPublicKey } from './keys.js';
import { LRS2_MAX_DIGITS, LRS2_SCHEME } from './lrs2.js';
import { emptyRoot } from './merkle.js';
import { parseWebManifest, webReleaseId } from './web_release.js';
import { isValidPoint } from './ristretto.js';
import type { RosterEvent } from './roster.js';
import { sha256, splitTranscript, trBytes } from './transcript.js';

export const LOG_ENTRY_LABEL = 'candor/v1/log-entry';

export interface OrganizationCreatedEvent {
  kind: 'organization-created';
  slug: string;
  name: string;
  demo: boolean;
  settings: OrganizationSettings;
}
export interface OrganizationSettingsEvent {
  kind: 'organization-settings';
  slug: string;
  settings: OrganizationSettings;
}
export interface RosterAddEvent {
  kind: 'roster-add';
  slug: string;
  version: bigint;
  ringPublic: Uint8Array;
  replyPublic: Uint8Array;
}
export interface RosterRemoveEvent {
  kind: 'roster-remove';
  slug: string;
  version: bigint;
  ringPublic: Uint8Array;
}
export interface ReviewerKeyEvent {
  kind: 'reviewer-key';
  slug: string;
  accountId: bigint;
  boxPublic: Uint8Array;
}
// "reviewer": reviewer account `accountId`, whose username is `username`, receives cables
// encrypted to this X25519 key from now on (replacing any earlier key of that account).
// Authors' clients show the username and the key's fingerprint before sealing. The older
// "reviewer-key" kind means the same without a username. `version` numbers the organization's
// reviewer changes ("reviewer" and "reviewer-removed" together) 1, 2, 3, … without gaps.
export interface ReviewerEvent {
  kind: 'reviewer';
  slug: string;
  version: bigint;
  accountId: bigint;
  username: string; // 1 … 64 of a-z 0-9 . _ - (validateUsernameBytes)
  boxPublic: Uint8Array;
}
// "reviewer-removed": the account receives no more cables (disabled, or no longer a reviewer).
export interface ReviewerRemovedEvent {
  kind: 'reviewer-removed';
  slug: string;
  version: bigint; // as for "reviewer"
  accountId: bigint;
}
// "roster-epoch": from now on the organization's anonymous cables are signed within roster
// version `version` (docs/PROTOCOL.md "Roster epochs"; security review M2).
export interface RosterEpochEvent {
  kind: 'roster-epoch';
  slug: string;
  version: bigint;
}
// "web-release": the server serves these files to browsers from now on (web_release.ts).
export interface WebReleaseEvent {
  kind: 'web-release';
  manifest: string; // parseWebManifest accepts it
}
// "log-state": what the entries before it hold, committed (docs/PROTOCOL.md "Log state";
// log_state.ts): `size` is this entry's own index (the number of entries it describes),
// `leaves` the number of state leaves and `root` their RFC 9162 Merkle tree hash. The server
// logs one as the last entry of every checkpoint, so a bundle or an organization state at a
// checkpoint proves that it leaves nothing out.
export interface LogStateEvent {
  kind: 'log-state';
  size: bigint;
  leaves: bigint;
  root: Uint8Array; // 32 bytes; the empty tree's (SHA-256 of nothing) when leaves is 0
}
// "staff-account": a staff account as it now is, after `change`, made by account `by` (0: the
// server's own command line). Every change to a staff account is public (issue 15, item 7).
export type StaffAccountChange = 'created' | 'updated' | 'second-factor';
export const STAFF_ACCOUNT_CHANGES: readonly StaffAccountChange[] = ['created', 'updated', 'second-factor'];
export const STAFF_ROLE_ADMINISTRATOR = 1n;
export const STAFF_ROLE_ENROLLMENT_OFFICER = 2n;
export const STAFF_ROLE_REVIEWER = 4n;
const STAFF_ROLES_KNOWN = 7n;
export interface StaffAccountEvent {
  kind: 'staff-account';
  slug: string;
  accountId: bigint; // ≥ 1
  username: string;
  change: StaffAccountChange;
  roles: bigint; // a non-empty subset of the role bits above
  disabled: boolean;
  by: bigint;
}
// "organization-holidays": the organization's holiday calendar is now exactly these days, in
// increasing order of date, each once.
export const MAX_ORGANIZATION_HOLIDAYS = 1000;
const HOLIDAYS_LABEL = 'candor/v1/holidays';
export interface OrganizationHolidaysEvent {
  kind: 'organization-holidays';
  slug: string;
  holidays: { date: string; name: string }[]; // "YYYY-MM-DD"; a name of 1 … 200 bytes
}
export interface LetterEvent {
  kind: 'letter';
  letter: Letter;
  rosterVersions: bigint[]; // one per organization of the letter, each ≥ 1
}
export interface CoSignatureEvent {
  kind: 'cosignature';
  letter: Uint8Array; // letter id
  slug: string;
  action: SignatureAction;
  ringDigest: Uint8Array;
  signature: Uint8Array; // v1: 32·(n+2) bytes over a bucket of n; v2: 32·(10+8m) bytes
  scheme?: typeof LRS2_SCHEME; // a sixth field; absent: candor-lrs-v1 (five fields)
}
export interface SignatureBatchEvent {
  kind: 'signature-batch';
  letter: Uint8Array;
  batch: bigint;
  count: bigint;
  publishedAtMs: bigint;
}

// "cable-event": something happened to a cable (docs/PROTOCOL.md "Cables").
export type CableAction = 'submitted' | 'acknowledged' | 'extended' | 'replied' | 'noted' | 'closed' | 'purged' | 'followed-up' | 'recused' | 'granted';
export const CABLE_ACTIONS: readonly CableAction[] = [
  'submitted',
  'acknowledged',
  'extended',
  'replied',
  'noted',
  'closed',
  'purged',
  'followed-up',
  'recused',
  'granted',
];
export interface CableLogEvent {
  kind: 'cable-event';
  slug: string;
  cable: Uint8Array; // cable id, 32 bytes
  seq: bigint; // 1, 2, … per cable
  action: CableAction;
  digest: Uint8Array; // 32 bytes
  date: string; // "YYYY-MM-DD" (UTC), the day only
}

export type LogEvent =
  | OrganizationCreatedEvent
  | OrganizationSettingsEvent
  | RosterAddEvent
  | RosterRemoveEvent
  | ReviewerKeyEvent
  | LetterEvent
  | CoSignatureEvent
  | SignatureBatchEvent
  | CableLogEvent
  | ReviewerEvent
  | ReviewerRemovedEvent
  | RosterEpochEvent
  | WebReleaseEvent
  | LogStateEvent
  | StaffAccountEvent
  | OrganizationHolidaysEvent;

export type LogEventKind = LogEvent['kind'];

const KINDS: readonly LogEventKind[] = [
  'organization-created',
  'organization-settings',
  'roster-add',
  'roster-remove',
  'reviewer-key',
  'letter',
  'cosignature',
  'signature-batch',
  'cable-event',
  'reviewer',
  'reviewer-removed',
  'roster-epoch',
  'web-release',
  'log-state',
  'staff-account',
  'organization-holidays',
];
const MAX_FIELDS = 7;

function invalid(kind: string, message: string): CandorError {
  return invalidArgument(`log entry '${kind}': ${message}`);
}

function rethrowAs(kind: string, f: () => void): void {
  try {
    f();
  } catch (e) {
    if (e instanceof CandorError) throw invalid(kind, e.message);
    throw e;
  }
}

function printable(b: Uint8Array): string {
  const plain =
    b.length <= 40 && b.every((c) => (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d);
  if (plain) return `'${String.fromCharCode(...b)}'`;
  return `(hex) ${toHex(b.subarray(0, 32))}`;
}

function checkSlug(kind: string, slug: Uint8Array): void {
  rethrowAs(kind, () => validateOrganizationSlugBytes(slug));
}

function checkCounter(kind: string, what: string, v: bigint): void {
  if (v === 0n) throw invalid(kind, `${what} must be at least 1`);
}

function checkBoxKey(kind: string, what: string, key: Uint8Array): void {
  if (!isValidBoxPublicKey(key)) throw invalid(kind, `${what} is not a valid X25519 key`);
}

function checkRingKey(kind: string, key: Uint8Array): void {
  if (!isValidPoint(key)) throw invalid(kind, 'the ring key is not a valid ristretto255 point');
}

// Throws 'invalid argument' naming the kind and the field unless `event` meets the rules the
// decoder enforces (ValidateLogEvent).
export function validateLogEvent(event: LogEvent): void {
  validate(event);
}

// The decoder checks the slug, the name and the username on the bytes it read (`raw`), which
// may not be UTF-8, in the C++ decoder's order: after every field was parsed.
function validate(
  event: LogEvent,
  raw: {
    slug?: Uint8Array | undefined;
    name?: Uint8Array | undefined;
    username?: Uint8Array | undefined;
    holidayNames?: Uint8Array[] | undefined;
  } = {},
): void {
  const kind = event.kind;
  const bytesOf = (given: Uint8Array | undefined, text: string): Uint8Array => {
    if (given !== undefined) return given;
    try {
      return utf8(text);
    } catch {
      return new Uint8Array([0xff]); // fails the slug and username rules
    }
  };
  const slugBytes = (slug: string): Uint8Array => bytesOf(raw.slug, slug);
  switch (event.kind) {
    case 'organization-created': {
      checkSlug(kind, slugBytes(event.slug));
      rethrowAs(kind, () => validateOrganizationNameBytes(raw.name ?? utf8(event.name)));
      rethrowAs(kind, () => validateOrganizationSettings(event.settings));
      return;
    }
    case 'organization-settings':
      checkSlug(kind, slugBytes(event.slug));
      rethrowAs(kind, () => validateOrganizationSettings(event.settings));
      return;
    case 'roster-add':
      checkSlug(kind, slugBytes(event.slug));
      checkCounter(kind, 'the version', event.version);
      checkRingKey(kind, event.ringPublic);
      checkBoxKey(kind, 'the reply key', event.replyPublic);
      return;
    case 'roster-remove':
      checkSlug(kind, slugBytes(event.slug));
      checkCounter(kind, 'the version', event.version);
      checkRingKey(kind, event.ringPublic);
      return;
    case 'reviewer-key':
      checkSlug(kind, slugBytes(event.slug));
      checkCounter(kind, 'the account id', event.accountId);
      checkBoxKey(kind, 'the reviewer key', event.boxPublic);
      return;
    case 'letter': {
      rethrowAs(kind, () => validateLetter(event.letter));
      if (event.rosterVersions.length !== event.letter.organizations.length) {
        throw invalid(kind, 'one pinned roster version per organization is needed');
      }
      for (const v of event.rosterVersions) checkCounter(kind, 'a pinned roster version', v);
      return;
    }
    case 'cosignature': {
      checkSlug(kind, slugBytes(event.slug));
      const n = event.signature.length;
      if (event.scheme === LRS2_SCHEME) {
        const words = n / 32;
        if (n % 32 !== 0 || words < 18 || (words - 10) % 8 !== 0 || (words - 10) / 8 > LRS2_MAX_DIGITS) {
          throw invalid(kind, `a candor-lrs-v2 signature must be 32·(10+8m) bytes, 1 ≤ m ≤ ${LRS2_MAX_DIGITS}`);
        }
      } else if (n < 32 * 3 || n % 32 !== 0 || n / 32 - 2 > MAX_RING_SIZE) {
        throw invalid(
          kind,
          `the signature must be 32·(n+2) bytes for a ring of 1 to ${MAX_RING_SIZE} members`,
        );
      }
      if (event.letter.length !== 32 || event.ringDigest.length !== 32) {
        throw invalid(kind, 'the letter id and the ring digest must be 32 bytes');
      }
      return;
    }
    case 'signature-batch':
      if (event.letter.length !== 32) throw invalid(kind, 'the letter id must be 32 bytes');
      checkCounter(kind, 'the batch number', event.batch);
      checkCounter(kind, 'the count', event.count);
      return;
    case 'cable-event': {
      checkSlug(kind, slugBytes(event.slug));
      checkCounter(kind, 'the sequence number', event.seq);
      if (event.cable.length !== 32 || event.digest.length !== 32) {
        throw invalid(kind, 'the cable id and the digest must be 32 bytes');
      }
      if (!CABLE_ACTIONS.includes(event.action)) throw invalid(kind, `unknown cable action '${event.action}'`);
      const date = parseDate(event.date);
      if (date === null || typeof date === 'string' || date.year < 1000 || date.year > 9999) {
        throw invalid(kind, 'the date is not a valid date');
      }
      return;
    }
    case 'reviewer':
      checkSlug(kind, slugBytes(event.slug));
      checkCounter(kind, 'the version', event.version);
      checkCounter(kind, 'the account id', event.accountId);
      rethrowAs(kind, () => validateUsernameBytes(bytesOf(raw.username, event.username)));
      checkBoxKey(kind, 'the reviewer key', event.boxPublic);
      return;
    case 'reviewer-removed':
      checkSlug(kind, slugBytes(event.slug));
      checkCounter(kind, 'the version', event.version);
      checkCounter(kind, 'the account id', event.accountId);
      return;
    case 'roster-epoch':
      checkSlug(kind, slugBytes(event.slug));
      checkCounter(kind, 'the version', event.version);
      return;
    case 'web-release':
      rethrowAs(kind, () => parseWebManifest(event.manifest));
      return;
    case 'log-state':
      if (event.root.length !== 32) throw invalid(kind, 'the root must be 32 bytes');
      // An empty state has the empty tree's root, and no other.
      if (event.leaves === 0n && !bytesEqual(event.root, emptyRoot())) {
        throw invalid(kind, "an empty state has another root than the empty tree's");
      }
      return;
    case 'staff-account':
      checkSlug(kind, slugBytes(event.slug));
      checkCounter(kind, 'the account id', event.accountId);
      rethrowAs(kind, () => validateUsernameBytes(bytesOf(raw.username, event.username)));
      if (event.roles === 0n || (event.roles & ~STAFF_ROLES_KNOWN) !== 0n) {
        throw invalid(kind, `the roles must be a non-empty set of the known roles (bits ${STAFF_ROLES_KNOWN})`);
      }
      if (!STAFF_ACCOUNT_CHANGES.includes(event.change)) {
        throw invalid(kind, "the change must be 'created', 'updated' or 'second-factor'");
      }
      return;
    case 'organization-holidays': {
      checkSlug(kind, slugBytes(event.slug));
      if (event.holidays.length > MAX_ORGANIZATION_HOLIDAYS) {
        throw invalid(kind, `at most ${MAX_ORGANIZATION_HOLIDAYS} holidays`);
      }
      event.holidays.forEach((h, i) => {
        const date = parseDate(h.date);
        if (typeof date === 'string' || date.year < 1000 || date.year > 9999) {
          throw invalid(kind, "a holiday's date is not a valid date");
        }
        // "YYYY-MM-DD" strings order as their dates do.
        if (i > 0 && !(event.holidays[i - 1]!.date < h.date)) {
          throw invalid(kind, 'the holidays must be in increasing order of date, each once');
        }
        rethrowAs(kind, () =>
          validateText(bytesOf(raw.holidayNames?.[i], h.name), `the name of the holiday on ${h.date}`, 200),
        );
      });
      return;
    }
  }
}

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

// ParseDate of src/domain/calendar.cc: exactly "YYYY-MM-DD", year 0001 … 9999, an existing
// day. Returns the date, or the reason it is not one.
function parseDate(text: string): { year: number; month: number; day: number } | string {
  const bad = (why: string) => `'${text.slice(0, 40)}' is not a date: ${why}`;
  if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(text)) return bad('expected YYYY-MM-DD');
  const year = Number(text.slice(0, 4));
  const month = Number(text.slice(5, 7));
  const day = Number(text.slice(8, 10));
  if (year === 0) return bad('the year must be 0001 or later');
  if (month < 1 || month > 12) return bad('the month must be 01 to 12');
  if (day < 1 || day > daysInMonth(year, month)) {
    return bad(`that month has ${daysInMonth(year, month)} days`);
  }
  return { year, month, day };
}

// The canonical entry bytes. REQUIRES: validateLogEvent(event) passes.
export function encodeLogEntry(event: LogEvent): Uint8Array {
  const label = utf8(LOG_ENTRY_LABEL);
  const k = utf8(event.kind);
  switch (event.kind) {
    case 'organization-created':
      return trBytes(label, [
        k,
        utf8(event.slug),
        utf8(event.name),
        new Uint8Array([event.demo ? 1 : 0]),
        utf8(organizationSettingsToJsonText(event.settings)),
      ]);
    case 'organization-settings':
      return trBytes(label, [k, utf8(event.slug), utf8(organizationSettingsToJsonText(event.settings))]);
    case 'roster-add':
      return trBytes(label, [k, utf8(event.slug), u64le(event.version), event.ringPublic, event.replyPublic]);
    case 'roster-remove':
      return trBytes(label, [k, utf8(event.slug), u64le(event.version), event.ringPublic]);
    case 'reviewer-key':
      return trBytes(label, [k, utf8(event.slug), u64le(event.accountId), event.boxPublic]);
    case 'letter': {
      const pins = new Uint8Array(8 * event.rosterVersions.length);
      event.rosterVersions.forEach((v, i) => pins.set(u64le(v), 8 * i));
      return trBytes(label, [k, letterCanonicalBytes(event.letter), pins]);
    }
    case 'cosignature':
      return trBytes(label, [
        k,
        event.letter,
        utf8(event.slug),
        utf8(event.action),
        event.ringDigest,
        event.signature,
        ...(event.scheme === LRS2_SCHEME ? [utf8(LRS2_SCHEME)] : []),
      ]);
    case 'signature-batch':
      return trBytes(label, [
        k,
        event.letter,
        u64le(event.batch),
        u64le(event.count),
        u64le(event.publishedAtMs),
      ]);
    case 'cable-event':
      return trBytes(label, [
        k,
        utf8(event.slug),
        event.cable,
        u64le(event.seq),
        utf8(event.action),
        event.digest,
        utf8(event.date),
      ]);
    case 'reviewer':
      return trBytes(label, [
        k,
        utf8(event.slug),
        u64le(event.version),
        u64le(event.accountId),
        utf8(event.username),
        event.boxPublic,
      ]);
    case 'reviewer-removed':
      return trBytes(label, [k, utf8(event.slug), u64le(event.version), u64le(event.accountId)]);
    case 'roster-epoch':
      return trBytes(label, [k, utf8(event.slug), u64le(event.version)]);
    case 'web-release':
      return trBytes(label, [k, utf8(event.manifest)]);
    case 'log-state':
      return trBytes(label, [k, u64le(event.size), u64le(event.leaves), event.root]);
    case 'staff-account':
      return trBytes(label, [
        k,
        utf8(event.slug),
        u64le(event.accountId),
        utf8(event.username),
        utf8(event.change),
        u64le(event.roles),
        new Uint8Array([event.disabled ? 1 : 0]),
        u64le(event.by),
      ]);
    case 'organization-holidays':
      return trBytes(label, [
        k,
        utf8(event.slug),
        trBytes(
          utf8(HOLIDAYS_LABEL),
          event.holidays.flatMap((h) => [utf8(h.date), utf8(h.name)]),
        ),
      ]);
  }
}

function u64Field(kind: string, what: string, b: Uint8Array): bigint {
  if (b.length !== 8) throw invalid(kind, `${what} must be 8 bytes`);
  return readU64le(b);
}

function fixedField(kind: string, what: string, b: Uint8Array, size: number): Uint8Array {
  if (b.length !== size) throw invalid(kind, `${what} must be ${size} bytes`);
  return b.slice();
}

// Text fields are converted leniently here; slugs and names are then checked on their bytes
// (validate), so bytes that are not UTF-8 never pass as text.
const lenient = new TextDecoder('utf-8');

function decodeFields(kind: LogEventKind, f: Uint8Array[]): LogEvent {
  const count = (n: number) => {
    if (f.length !== n) throw invalid(kind, `expected ${n} fields, got ${f.length}`);
  };
  const text = (b: Uint8Array) => lenient.decode(b);
  switch (kind) {
    case 'organization-created': {
      count(4);
      const demo = f[2]!;
      if (demo.length !== 1 || demo[0]! > 1) {
        throw invalid(kind, 'the demo flag must be one byte, 0x00 or 0x01');
      }
      let settings!: OrganizationSettings;
      rethrowAs(kind, () => {
        settings = organizationSettingsFromCanonicalJsonText(f[3]!);
      });
      return { kind, slug: text(f[0]!), name: text(f[1]!), demo: demo[0] === 1, settings };
    }
    case 'organization-settings': {
      count(2);
      let settings!: OrganizationSettings;
      rethrowAs(kind, () => {
        settings = organizationSettingsFromCanonicalJsonText(f[1]!);
      });
      return { kind, slug: text(f[0]!), settings };
    }
    case 'roster-add':
      count(4);
      return {
        kind,
        slug: text(f[0]!),
        version: u64Field(kind, 'the version', f[1]!),
        ringPublic: fixedField(kind, 'the ring key', f[2]!, 32),
        replyPublic: fixedField(kind, 'the reply key', f[3]!, 32),
      };
    case 'roster-remove':
      count(3);
      return {
        kind,
        slug: text(f[0]!),
        version: u64Field(kind, 'the version', f[1]!),
        ringPublic: fixedField(kind, 'the ring key', f[2]!, 32),
      };
    case 'reviewer-key':
      count(3);
      return {
        kind,
        slug: text(f[0]!),
        accountId: u64Field(kind, 'the account id', f[1]!),
        boxPublic: fixedField(kind, 'the reviewer key', f[2]!, 32),
      };
    case 'letter': {
      count(2);
      let letter!: Letter;
      rethrowAs(kind, () => {
        letter = decodeLetterCanonicalBytes(f[0]!);
      });
      const pins = f[1]!;
      if (pins.length !== 8 * letter.organizations.length) {
        throw invalid(kind, 'the pinned roster versions must be 8 bytes per organization');
      }
      const rosterVersions: bigint[] = [];
      for (let i = 0; i < letter.organizations.length; i++) rosterVersions.push(readU64le(pins, 8 * i));
      return { kind, letter, rosterVersions };
    }
    case 'cosignature': {
      // Five fields for candor-lrs-v1 (as before v2 existed), six with the scheme for v2.
      if (f.length !== 6) count(5);
      if (f.length === 6 && !bytesEqual(f[5]!, utf8(LRS2_SCHEME))) {
        throw invalid(kind, `the sixth field must be the scheme '${LRS2_SCHEME}'`);
      }
      const letter = fixedField(kind, 'the letter id', f[0]!, 32);
      let action!: SignatureAction;
      rethrowAs(kind, () => {
        action = parseSignatureAction(text(f[2]!));
      });
      if (!bytesEqual(f[2]!, utf8(action))) throw invalid(kind, "action must be 'sign' or 'withdraw'");
      return {
        kind,
        letter,
        slug: text(f[1]!),
        action,
        ringDigest: fixedField(kind, 'the ring digest', f[3]!, 32),
        signature: f[4]!.slice(),
        ...(f.length === 6 ? { scheme: LRS2_SCHEME } : {}),
      };
    }
    case 'signature-batch':
      count(4);
      return {
        kind,
        letter: fixedField(kind, 'the letter id', f[0]!, 32),
        batch: u64Field(kind, 'the batch number', f[1]!),
        count: u64Field(kind, 'the count', f[2]!),
        publishedAtMs: u64Field(kind, 'the publication time', f[3]!),
      };
    case 'cable-event': {
      count(6);
      const cable = fixedField(kind, 'the cable id', f[1]!, 32);
      const seq = u64Field(kind, 'the sequence number', f[2]!);
      const actionText = text(f[3]!);
      const action = CABLE_ACTIONS.find((a) => bytesEqual(utf8(a), f[3]!));
      if (action === undefined) throw invalid(kind, `unknown cable action '${actionText}'`);
      const digest = fixedField(kind, 'the digest', f[4]!, 32);
      if (f[5]!.length !== 10) throw invalid(kind, 'the date must be YYYY-MM-DD');
      const date = parseDate(text(f[5]!));
      if (typeof date === 'string') throw invalid(kind, date);
      return { kind, slug: text(f[0]!), cable, seq, action, digest, date: text(f[5]!) };
    }
    case 'reviewer':
      count(5);
      return {
        kind,
        slug: text(f[0]!),
        version: u64Field(kind, 'the version', f[1]!),
        accountId: u64Field(kind, 'the account id', f[2]!),
        username: text(f[3]!),
        boxPublic: fixedField(kind, 'the reviewer key', f[4]!, 32),
      };
    case 'reviewer-removed':
      count(3);
      return {
        kind,
        slug: text(f[0]!),
        version: u64Field(kind, 'the version', f[1]!),
        accountId: u64Field(kind, 'the account id', f[2]!),
      };
    case 'roster-epoch':
      count(2);
      return { kind, slug: text(f[0]!), version: u64Field(kind, 'the version', f[1]!) };
    case 'web-release':
      count(1);
      return { kind, manifest: text(f[0]!) };
    case 'log-state':
      count(3);
      return {
        kind,
        size: u64Field(kind, 'the size', f[0]!),
        leaves: u64Field(kind, 'the leaf count', f[1]!),
        root: fixedField(kind, 'the root', f[2]!, 32),
      };
    case 'staff-account': {
      count(7);
      const accountId = u64Field(kind, 'the account id', f[1]!);
      const change = STAFF_ACCOUNT_CHANGES.find((c) => bytesEqual(utf8(c), f[3]!));
      if (change === undefined) throw invalid(kind, "the change must be 'created', 'updated' or 'second-factor'");
      const roles = u64Field(kind, 'the roles', f[4]!);
      const status = f[5]!;
      if (status.length !== 1 || status[0]! > 1) throw invalid(kind, 'the status must be one byte, 0x00 or 0x01');
      const by = u64Field(kind, 'the account that made the change', f[6]!);
      return { kind, slug: text(f[0]!), accountId, username: text(f[2]!), change, roles, disabled: status[0] === 1, by };
    }
    case 'organization-holidays': {
      count(2);
      let parts: Uint8Array[];
      try {
        parts = splitTranscript(f[1]!, 1 + 2 * MAX_ORGANIZATION_HOLIDAYS);
      } catch (e) {
        throw invalid(kind, `the holidays are ${(e as Error).message}`);
      }
      if (parts.length === 0 || !bytesEqual(parts[0]!, utf8(HOLIDAYS_LABEL))) {
        throw invalid(kind, `the holidays' label is not '${HOLIDAYS_LABEL}'`);
      }
      if (parts.length % 2 !== 1) throw invalid(kind, 'each holiday is a date and a name');
      const holidays: { date: string; name: string }[] = [];
      for (let i = 1; i < parts.length; i += 2) {
        if (parts[i]!.length !== 10) throw invalid(kind, "a holiday's date must be YYYY-MM-DD");
        const date = parseDate(text(parts[i]!));
        if (typeof date === 'string') throw invalid(kind, date);
        holidays.push({ date: text(parts[i]!), name: text(parts[i + 1]!) });
      }
      return { kind, slug: text(f[0]!), holidays };
    }
  }
}

// Decodes entry bytes strictly (DecodeLogEntry). 'invalid argument' saying which rule failed.
// Safe on any input.
export function decodeLogEntry(entry: Uint8Array): LogEvent {
  let parts: Uint8Array[];
  try {
    parts = splitTranscript(entry, 2 + MAX_FIELDS);
  } catch (e) {
    const m = (e as Error).message;
    if (m.startsWith('more than')) throw invalidArgument('log entry has more fields than any kind allows');
    throw invalidArgument(`log entry is ${m}`);
  }
  if (parts.length === 0 || !bytesEqual(parts[0]!, utf8(LOG_ENTRY_LABEL))) {
    throw invalidArgument(`not a Candor log entry (its label is not '${LOG_ENTRY_LABEL}')`);
  }
  if (parts.length < 2) throw invalidArgument('log entry has no kind');
  const kindBytes = parts[1]!;
  const kind = KINDS.find((k) => bytesEqual(utf8(k), kindBytes));
  if (kind === undefined) throw invalidArgument(`unknown log entry kind ${printable(kindBytes)}`);
  const fields = parts.slice(2);
  const event = decodeFields(kind, fields);
  validate(event, {
    slug:
      kind === 'cosignature'
        ? fields[1]
        : kind === 'letter' || kind === 'signature-batch' || kind === 'log-state'
          ? undefined
          : fields[0],
    name: kind === 'organization-created' ? fields[1] : undefined,
    username: kind === 'reviewer' ? fields[3] : kind === 'staff-account' ? fields[2] : undefined,
    holidayNames:
      kind === 'organization-holidays'
        ? splitTranscript(fields[1]!, 1 + 2 * MAX_ORGANIZATION_HOLIDAYS).filter((_, i) => i > 0 && i % 2 === 0)
        : undefined,
  });
  if (!bytesEqual(encodeLogEntry(event), entry)) {
    throw invalidArgument(`log entry '${kind}' is not in canonical form`);
  }
  return event;
}

// The roster change a roster entry records.
export function toRosterEvent(event: RosterAddEvent | RosterRemoveEvent): RosterEvent {
  return event.kind === 'roster-add'
    ? { version: event.version, change: 'add', ringPublic: event.ringPublic, replyPublic: event.replyPublic }
    : { version: event.version, change: 'remove', ringPublic: event.ringPublic };
}

// A JSON rendering for people (LogEventToJson of `candor audit`); not a wire format.
export function logEventToJson(event: LogEvent): { [key: string]: JsonInput } {
  switch (event.kind) {
    case 'organization-created':
      return {
        kind: event.kind,
        slug: event.slug,
        name: event.name,
        demo: event.demo,
        settings: organizationSettingsToJson(event.settings),
      };
    case 'organization-settings':
      return { kind: event.kind, slug: event.slug, settings: organizationSettingsToJson(event.settings) };
    case 'roster-add':
      return {
        kind: event.kind,
        slug: event.slug,
        version: event.version,
        ring_public: toHex(event.ringPublic),
        reply_public: toHex(event.replyPublic),
      };
    case 'roster-remove':
      return { kind: event.kind, slug: event.slug, version: event.version, ring_public: toHex(event.ringPublic) };
    case 'reviewer-key':
      return { kind: event.kind, slug: event.slug, account_id: event.accountId, box_public: toHex(event.boxPublic) };
    case 'letter':
      return {
        kind: event.kind,
        letter_id: toHex(computeLetterId(event.letter)),
        letter: letterToJson(event.letter),
        roster_versions: event.rosterVersions,
      };
    case 'cosignature':
      return {
        kind: event.kind,
        letter_id: toHex(event.letter),
        slug: event.slug,
        action: event.action,
        ring_digest: toHex(event.ringDigest),
        signature_sha256: toHex(sha256(event.signature)),
        // A v1 signature's length gives its bucket's size; a v2 one is over the whole pinned
        // roster, whose size the entry does not say.
        ...(event.scheme === LRS2_SCHEME ? { scheme: LRS2_SCHEME } : { ring_size: event.signature.length / 32 - 2 }),
      };
    case 'signature-batch':
      return {
        kind: event.kind,
        letter_id: toHex(event.letter),
        batch: event.batch,
        count: event.count,
        published_at_ms: event.publishedAtMs,
      };
    case 'cable-event':
      return {
        kind: event.kind,
        slug: event.slug,
        cable_id: toHex(event.cable),
        seq: event.seq,
        action: event.action,
        digest: toHex(event.digest),
        date: event.date,
      };
    case 'reviewer':
      return {
        kind: event.kind,
        slug: event.slug,
        version: event.version,
        account_id: event.accountId,
        username: event.username,
        box_public: toHex(event.boxPublic),
      };
    case 'reviewer-removed':
      return { kind: event.kind, slug: event.slug, version: event.version, account_id: event.accountId };
    case 'roster-epoch':
      return { kind: event.kind, slug: event.slug, version: event.version };
    case 'web-release':
      return { kind: event.kind, release: toHex(webReleaseId(event.manifest)), manifest: event.manifest };
    case 'log-state':
      return { kind: event.kind, size: event.size, leaves: event.leaves, root: toHex(event.root) };
    case 'staff-account': {
      const roles: string[] = [];
      if (event.roles & STAFF_ROLE_ADMINISTRATOR) roles.push('administrator');
      if (event.roles & STAFF_ROLE_ENROLLMENT_OFFICER) roles.push('enrollment_officer');
      if (event.roles & STAFF_ROLE_REVIEWER) roles.push('reviewer');
      return {
        kind: event.kind,
        slug: event.slug,
        account_id: event.accountId,
        username: event.username,
        change: event.change,
        roles,
        disabled: event.disabled,
        by: event.by,
      };
    }
    case 'organization-holidays':
      return { kind: event.kind, slug: event.slug, holidays: event.holidays.map((h) => ({ date: h.date, name: h.name })) };
  }
}
