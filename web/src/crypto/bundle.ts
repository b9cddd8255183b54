// Letter bundles (`candor-letter-bundle-v1`, docs/FORMATS.md "Letter bundle";
// src/domain/bundle.h): everything needed to recount a letter's signatures offline with
// nothing but the bundle and the log's public key — the browser's `candor verify --bundle`.
//
//   await ready();
//   const report = recountLetterBundle(bytes, { progress: (done, total) => … });
//   report.organizations  // counts per organization, in the letter's order, and report.total
//
// A bundle served at a witnessed checkpoint also carries the witnesses' cosignatures of its tree
// head (docs/PROTOCOL.md "Witnesses"); with witness keys and a threshold in the options, the
// verifier requires that many of them.
//
// A bundle served at a checkpoint also ends with the checkpoint's `log-state` entry and carries
// leaves of that log state ("state"; docs/PROTOCOL.md "Log state"): the letter's, which says its
// last batch, and each organization's, which says its latest roster version. With them the
// verifier knows that no batch is left out and that each pinned roster was the latest when the
// letter was published (report.complete); options.requireComplete refuses a bundle without them.
//
// The verifier runs every check of the C++ one, in the same order, and throws a CandorError:
// 'invalid argument' when the JSON does not have the bundle's shape, 'verification failed'
// (naming the entry: "entry 12 (log index 345, cosignature): …") when a check fails.
// It is synchronous and CPU-bound (≈ 0.6 ms per ring member per signature in WebAssembly):
// run it in a Web Worker (recount_worker.ts) so that the page stays responsive.
import { bytesEqual, fromHex, toHex } from './bytes.js';
import { CandorError, invalidArgument, verificationFailed } from './errors.js';
import {
  field,
  hexField,
  isObject,
  onlyFields,
  optionalField,
  parseJson,
  stringField,
  u64Field,
  type JsonInput,
  type JsonValue,
} from './json.js';
import { verifyCoSignature, verifyCoSignaturesV2, type CoSignature } from './cosignature.js';
import { LRS2_MAX_RING, LRS2_SCHEME } from './lrs2.js';
import {
  bucketRoster,
  computeLetterId,
  DEFAULT_MIN_RING_SIZE,
  MAX_ORGANIZATIONS,
  MAX_RING_SIZE,
  type Letter,
} from './letter.js';
import {
  decodeLogEntry,
  toRosterEvent,
  type CoSignatureEvent,
  type LetterEvent,
  type LogEvent,
  type LogStateEvent,
  type RosterAddEvent,
  type RosterRemoveEvent,
  type SignatureBatchEvent,
} from './log_entry.js';
import {
  proofFromJson,
  stateLeafProofFromJson,
  stateLeafProofToJson,
  verifyStateLeaf,
  type StateLeaf,
  type StateLeafProof,
} from './log_state.js';
import { Ring } from './lrs.js';
import { hashLeaf, verifyInclusion } from './merkle.js';
import { Roster } from './roster.js';
import {
  signedTreeHeadFromJson,
  signedTreeHeadToJson,
  verifySignedTreeHead,
  type SignedTreeHead,
} from './tree_head.js';
import {
  countWitnessCosignatures,
  witnessCosignatureFromJson,
  witnessCosignatureToJson,
  witnessPolicy,
  type WitnessCosignature,
} from './witness.js';

export const LETTER_BUNDLE_FORMAT = 'candor-letter-bundle-v1';

// candor-lrs-v2 co-signatures checked together (one weighted sum), as `candor verify` does.
const BUNDLE_BATCH = 256;

export interface BundleEntry {
  index: bigint; // the entry's position in the log
  entry: Uint8Array; // canonical entry bytes (log_entry.ts)
  proof: Uint8Array[]; // RFC 9162 inclusion_path, bottom-up
}

// A bundle as it travels, parsed but not verified: holding one proves nothing.
export interface LetterBundle {
  letterId: Uint8Array;
  logPublicKey: Uint8Array;
  treeHead: SignedTreeHead;
  entries: BundleEntry[];
  // The witnesses' cosignatures of treeHead, when the bundle was served at a witnessed
  // checkpoint (the optional top-level "cosignatures"); undefined when absent.
  cosignatures?: WitnessCosignature[] | undefined;
  // At a checkpoint (the optional top-level "state"; docs/PROTOCOL.md "Log state"): the letter's
  // leaf of the log state committed by the `log-state` entry at index tree_size − 1 (among
  // `entries`), then one leaf per organization the letter names, in the letter's order.
  // undefined (or empty) otherwise.
  state?: StateLeafProof[] | undefined;
}

export interface BundleOptions {
  // Rings smaller than this are refused (default 20).
  minRing?: number;
  // When set, the bundle's log key must be this one (`--log-key`).
  expectedLogKey?: Uint8Array;
  // When set, the bundle must be this letter's (`candor verify LETTER-ID --bundle …`).
  letterId?: Uint8Array;
  // Called while signatures are verified: (done, total), at most about 100 times, the last
  // time with done === total when every signature verified.
  progress?: (done: number, total: number) => void;
  // The bucket rule's largest ring: MAX_RING_SIZE except in tests.
  maxRing?: number;
  // When set (and not empty), the tree head must carry valid cosignatures from at least
  // witnessThreshold of these witnesses' Ed25519 keys (default: all of them).
  witnessKeys?: Uint8Array[];
  witnessThreshold?: number;
  // Refuse a bundle that does not prove it is complete (holds no log state): `candor verify`
  // without --allow-incomplete.
  requireComplete?: boolean;
  // When maxAgeMs is given and not 0: refuse a tree head more than maxAgeMs older than nowMs
  // (default: this machine's clock) — an honest server makes a checkpoint at least daily
  // (`candor verify --max-age`). 0 or absent: any age.
  nowMs?: bigint | number;
  maxAgeMs?: bigint | number;
}

export interface OrgCount {
  slug: string;
  rosterVersion: bigint; // the version the letter pins
  rosterSize: number; // members at that version
  ringSizes: number[]; // its rings by the bucket rule, in bucket order
  signers: number; // signatories counted for this organization
}

export interface BatchInfo {
  batch: bigint; // 1, 2, …
  count: bigint; // co-signature entries it closes (signs and withdrawals)
  publishedAtMs: bigint; // its scheduled time, from the entry
  logIndex: bigint; // of its `signature-batch` entry
  // Signatories counted once this batch and every earlier one are in, in total and per
  // organization (letter order). The last batch's numbers are the letter's counts.
  signersAfter: number;
  signersAfterByOrg: number[];
}

export interface BundleReport {
  letterId: Uint8Array;
  letter: Letter;
  treeHead: SignedTreeHead;
  logKey: Uint8Array;
  organizations: OrgCount[]; // letter order
  total: number; // signatories, all organizations
  signaturesChecked: number; // co-signature entries verified (signs and withdrawals)
  // Of those, candor-lrs-v2 signatures, each over its organization's whole roster (the others
  // are candor-lrs-v1, each over one bucket of it: ringSizes).
  wholeRosterSignatures: number;
  withdrawals: number; // signers whose signature is withdrawn
  duplicatesDropped: number; // `sign` entries of an already counted tag
  batches: number;
  timeline: BatchInfo[]; // one per batch, in order
  // Witnesses of options.witnessKeys with a valid cosignature of the tree head (0 when no
  // witness keys were given).
  witnessed: number;
  // The bundle held the log state of its tree head, and it shows nothing left out: every batch
  // of the letter, and the pinned roster versions were the latest when it was published.
  complete: boolean;
}

// --- the JSON shape ---

// One element of `entries`, {"index","entry","proof"}, parsed strictly (the organization state
// of org_state.ts has the same entries); `position` names it in errors.
export function bundleEntryFromJson(j: JsonValue, position: number): BundleEntry {
  const what = `entry ${position}`;
  const o = onlyFields(j, what, ['index', 'entry', 'proof']);
  const index = u64Field(o, what, 'index');
  const hex = stringField(o, what, 'entry');
  let entry: Uint8Array;
  try {
    entry = fromHex(hex);
  } catch (e) {
    if (e instanceof CandorError) throw e.withContext(`${what}: 'entry'`);
    throw e;
  }
  const proof = proofFromJson(field(o, what, 'proof'), what);
  return { index, entry, proof };
}

export function bundleEntryToJson(e: BundleEntry): JsonInput {
  return { index: e.index, entry: toHex(e.entry), proof: e.proof.map(toHex) };
}

// Parses the shape strictly (LetterBundleFromJson): every field with its type, no unknown
// field anywhere, hex of the right length, non-negative integers. Checks nothing
// cryptographic. Accepts parsed JSON, or the bundle's UTF-8 bytes or text. Two members are
// optional: "cosignatures", a list of witness cosignatures, each exactly
// {"witness": 64 hex, "timestamp": unsigned integer, "signature": 128 hex}; and "state", a list
// of 1 to 1 + MAX_ORGANIZATIONS leaf proofs, each exactly {"leaf", "position", "proof"}.
export function letterBundleFromJson(input: JsonValue | string | Uint8Array): LetterBundle {
  const j = typeof input === 'string' || input instanceof Uint8Array ? parseJson(input) : input;
  const what = 'the bundle';
  const o = onlyFields(j, what, [
    'format',
    'letter_id',
    'log_public_key',
    'tree_head',
    'entries',
    'cosignatures',
    'state',
  ]);
  const format = stringField(o, what, 'format');
  if (format !== LETTER_BUNDLE_FORMAT) {
    throw invalidArgument(
      `unknown bundle format '${format}' (expected '${LETTER_BUNDLE_FORMAT}')`,
    );
  }
  const letterId = hexField(o, what, 'letter_id', 32);
  const logPublicKey = hexField(o, what, 'log_public_key', 32);
  const treeHead = signedTreeHeadFromJson(field(o, what, 'tree_head'));
  const entries = field(o, what, 'entries');
  if (!Array.isArray(entries)) throw invalidArgument("'entries' in the bundle must be a list");
  const parsed = entries.map((e, i) => bundleEntryFromJson(e, i));
  let cosignatures: WitnessCosignature[] | undefined;
  const cosignatureList = optionalField(o, 'cosignatures');
  if (cosignatureList !== undefined) {
    const list = cosignatureList;
    if (!Array.isArray(list)) throw invalidArgument("'cosignatures' must be a list");
    cosignatures = list.map((c, i) => witnessCosignatureFromJson(c, `cosignature ${i}`));
  }
  let state: StateLeafProof[] | undefined;
  const stateList = optionalField(o, 'state');
  if (stateList !== undefined) {
    // One leaf for the letter and one per organization (at most MAX_ORGANIZATIONS).
    const list = stateList;
    if (!Array.isArray(list) || list.length === 0 || list.length > 1 + MAX_ORGANIZATIONS) {
      throw invalidArgument(`'state' in the bundle must be a list of 1 to ${1 + MAX_ORGANIZATIONS} leaf proofs`);
    }
    state = list.map((p, i) => stateLeafProofFromJson(p, `state leaf ${i}`));
  }
  return {
    letterId,
    logPublicKey,
    treeHead,
    entries: parsed,
    ...(cosignatures ? { cosignatures } : {}),
    ...(state ? { state } : {}),
  };
}

export function letterBundleToJson(b: LetterBundle): JsonInput {
  return {
    format: LETTER_BUNDLE_FORMAT,
    letter_id: toHex(b.letterId),
    log_public_key: toHex(b.logPublicKey),
    tree_head: signedTreeHeadToJson(b.treeHead),
    entries: b.entries.map(bundleEntryToJson),
    ...(b.cosignatures ? { cosignatures: b.cosignatures.map(witnessCosignatureToJson) } : {}),
    // Written only when there are leaves, as the C++ writer does (an empty list is refused).
    ...(b.state && b.state.length > 0 ? { state: b.state.map(stateLeafProofToJson) } : {}),
  };
}

// --- verification ---

function where(b: LetterBundle, pos: number, event?: LogEvent): string {
  let s = `entry ${pos} (log index ${b.entries[pos]!.index}`;
  if (event !== undefined) s += `, ${event.kind}`;
  return s + ')';
}

function quote(s: string): string {
  return `'${s}'`;
}

function fail(message: string): CandorError {
  return verificationFailed(message);
}

// Rule 10 of docs/FORMATS.md "Letter bundle" (CheckComplete): the leaves of the log state say
// the letter's last batch and each organization's latest roster version; the bundle must hold
// every batch, and show version v + 1 (after the letter) of each roster that changed since the
// letter — and only of those. `nextVersion[k]`: organization k's version v + 1 is in the bundle.
function checkComplete(
  b: LetterBundle,
  state: LogStateEvent,
  letter: LetterEvent,
  batches: number,
  nextVersion: readonly boolean[],
): void {
  const orgs = letter.letter.organizations.length;
  const at = `the log state at tree size ${b.treeHead.head.size}`;
  const proofs = b.state ?? [];
  if (proofs.length !== 1 + orgs) {
    throw fail(
      `the bundle must hold ${1 + orgs} leaves of the log state (the letter's and one per organization), not ${proofs.length}`,
    );
  }
  const leaves: StateLeaf[] = proofs.map((p, i) => {
    try {
      return verifyStateLeaf(state, p);
    } catch (e) {
      if (!(e instanceof CandorError)) throw e;
      throw fail(`state leaf ${i}: ${e.message}`);
    }
  });
  const mine = leaves[0]!;
  if (mine.kind !== 'letter' || !bytesEqual(mine.letter, b.letterId)) {
    throw fail(`state leaf 0 is not the leaf of letter ${toHex(b.letterId)}`);
  }
  const held = BigInt(batches);
  if (mine.lastBatch !== held) {
    throw fail(
      mine.lastBatch > held
        ? `the bundle lacks batches ${held + 1n} to ${mine.lastBatch} of the letter: ${at} says its last batch is ${mine.lastBatch}, so co-signatures or withdrawals are left out`
        : `the bundle holds ${held} batches, but ${at} says the letter's last is ${mine.lastBatch}`,
    );
  }
  for (let k = 0; k < orgs; k++) {
    const slug = letter.letter.organizations[k]!;
    const pin = letter.rosterVersions[k]!;
    const org = leaves[1 + k]!;
    if (org.kind !== 'organization' || org.slug !== slug) {
      throw fail(`state leaf ${1 + k} is not the leaf of organization ${quote(slug)}`);
    }
    if (org.rosterVersion < pin) {
      throw fail(
        `${at} says the roster of ${quote(slug)} is at version ${org.rosterVersion}, below the version ${pin} the letter pins`,
      );
    }
    if (org.rosterVersion > pin && !nextVersion[k]) {
      throw fail(
        `the bundle lacks version ${pin + 1n} of the roster of ${quote(slug)}, which ${at} says exists: it must show that the letter pinned the latest version`,
      );
    }
    if (org.rosterVersion === pin && nextVersion[k]) {
      throw fail(
        `the bundle shows version ${pin + 1n} of the roster of ${quote(slug)}, but ${at} says the latest is ${pin}`,
      );
    }
  }
}

// What the phases of verifyLetterBundle learn, each from the ones before it (BundleWalk in
// src/domain/bundle.cc): the numbered rules of docs/FORMATS.md, one function each.
interface Walk {
  b: LetterBundle;
  options: BundleOptions;
  minRing: number;
  maxRing: number;
  events: LogEvent[]; // 2
  letter: LetterEvent; // 3 …
  letterIndex: bigint;
  orgOf: Map<string, number>;
  hasState: boolean; // the tree's last entry is a log state
  nextVersion: boolean[]; // 4: organization k's version v + 1 is shown (after the letter)
  rosters: Roster[];
  cosignatures: number[];
  batches: number[];
  rings: Ring[][]; // 5
  ringOf: Map<string, number>; // `${org}:${digest hex}` → ring
  batchOf: bigint[]; // 6: co-signature position → batch
}

interface Job {
  pos: number;
  event: CoSignatureEvent;
  ring: Ring;
  org: number;
}

// 1. The tree head: the key we were told to expect, its signature, the witnesses we trust,
// and its age. Returns how many of the given witnesses cosigned it.
function checkTreeHead(b: LetterBundle, options: BundleOptions): number {
  if (options.expectedLogKey && !bytesEqual(options.expectedLogKey, b.logPublicKey)) {
    throw fail(
      `the bundle comes from log key ${toHex(b.logPublicKey)}, not the expected log key ${toHex(options.expectedLogKey)}`,
    );
  }
  try {
    verifySignedTreeHead(b.treeHead, b.logPublicKey);
  } catch (e) {
    if (!(e instanceof CandorError)) throw e;
    throw fail(`the tree head's signature does not verify with log key ${toHex(b.logPublicKey)}`);
  }
  // … and, with witness keys, enough witnesses' cosignatures of it.
  let witnessed = 0;
  if (options.witnessKeys && options.witnessKeys.length > 0) {
    const policy = witnessPolicy(options.witnessKeys, options.witnessThreshold);
    witnessed = countWitnessCosignatures(b.cosignatures ?? [], b.logPublicKey, b.treeHead.head, policy.keys);
    if (witnessed < policy.threshold) {
      throw fail(
        `the tree head carries valid cosignatures from ${witnessed} of the given witnesses, fewer than the ${policy.threshold} required`,
      );
    }
  }
  // Not older than the verifier allows (docs/PROTOCOL.md "Log state": an honest server makes a
  // checkpoint at least daily).
  const maxAgeMs = BigInt(options.maxAgeMs ?? 0);
  if (maxAgeMs !== 0n) {
    const nowMs = BigInt(options.nowMs ?? Date.now());
    const ts = b.treeHead.head.timestampMs;
    if (ts > nowMs + 600_000n) throw fail("the bundle's tree head is dated more than 10 minutes in the future");
    if (nowMs > ts && nowMs - ts > maxAgeMs) {
      throw fail(
        `the bundle's tree head is ${(nowMs - ts) / 3_600_000n} hours old, older than the ${maxAgeMs / 3_600_000n} hours allowed: its counts may be out of date. Fetch a fresh bundle`,
      );
    }
  }
  return witnessed;
}

// 2. Every entry: order, inclusion proof, no repeats, strict decoding.
function decodeEntries(b: LetterBundle): LogEvent[] {
  const events: LogEvent[] = [];
  const seen = new Map<string, number>(); // leaf hash → position
  for (let i = 0; i < b.entries.length; i++) {
    const e = b.entries[i]!;
    if (i > 0 && e.index <= b.entries[i - 1]!.index) {
      throw fail(
        `${where(b, i)}: entries must be in increasing log index, but ${where(b, i - 1)} comes before it`,
      );
    }
    const leaf = hashLeaf(e.entry);
    try {
      verifyInclusion(e.index, b.treeHead.head.size, leaf, e.proof, b.treeHead.head.root);
    } catch (err) {
      if (!(err instanceof CandorError)) throw err;
      throw fail(
        `${where(b, i)}: its inclusion proof does not check against the tree head of size ${b.treeHead.head.size}: ${err.message}`,
      );
    }
    const leafHex = toHex(leaf);
    const before = seen.get(leafHex);
    if (before !== undefined) throw fail(`${where(b, i)}: repeats ${where(b, before)} byte for byte`);
    seen.set(leafHex, i);
    try {
      events.push(decodeLogEntry(e.entry));
    } catch (err) {
      if (!(err instanceof CandorError)) throw err;
      throw fail(`${where(b, i)}: not a valid log entry: ${err.message}`);
    }
  }
  return events;
}

// 3. The letter: exactly one `letter` entry, of this letter.
function findTheLetter(b: LetterBundle, events: LogEvent[]): number {
  let letterPos: number | undefined;
  for (let i = 0; i < events.length; i++) {
    const ev = events[i]!;
    if (ev.kind !== 'letter') continue;
    const id = computeLetterId(ev.letter);
    if (!bytesEqual(id, b.letterId)) {
      throw fail(`${where(b, i, ev)}: publishes another letter (${toHex(id)})`);
    }
    if (letterPos !== undefined) {
      throw fail(`${where(b, i, ev)}: publishes the letter a second time (${where(b, letterPos)} did first)`);
    }
    letterPos = i;
  }
  if (letterPos === undefined) {
    throw fail(`the bundle lacks the 'letter' entry of letter ${toHex(b.letterId)}`);
  }
  return letterPos;
}

// Step 4 for one roster entry: a change of a roster the letter names, up to its pinned version
// and before the letter, or the version v + 1 a bundle with a log state shows after it.
function applyRosterChange(w: Walk, i: number, change: RosterAddEvent | RosterRemoveEvent): void {
  const here = where(w.b, i, change);
  const index = w.b.entries[i]!.index;
  const org = w.orgOf.get(change.slug);
  if (org === undefined) {
    throw fail(`${here}: changes the roster of ${quote(change.slug)}, which the letter does not name`);
  }
  const pin = w.letter.rosterVersions[org]!;
  const roster = w.rosters[org]!;
  if (change.version === pin + 1n && index < w.letterIndex) {
    throw fail(
      `${here}: makes version ${change.version} of the roster of ${quote(change.slug)} before the letter, which pins version ${pin}: the letter does not pin the latest roster`,
    );
  }
  if (change.version === pin + 1n && w.hasState && !w.nextVersion[org]) {
    w.nextVersion[org] = true; // shown to prove the roster changed after the letter; not applied
    return;
  }
  if (change.version > pin) {
    throw fail(
      `${here}: makes version ${change.version} of the roster of ${quote(change.slug)}, but the letter pins version ${pin}`,
    );
  }
  if (index > w.letterIndex) {
    throw fail(
      `${here}: makes version ${change.version} of the roster of ${quote(change.slug)} after the letter that pins it`,
    );
  }
  if (change.version <= roster.version) {
    throw fail(`${here}: repeats version ${change.version} of the roster of ${quote(change.slug)}`);
  }
  if (change.version !== roster.version + 1n) {
    throw fail(
      `${here}: makes version ${change.version} of the roster of ${quote(change.slug)}, but version ${roster.version + 1n} is missing from the bundle`,
    );
  }
  try {
    roster.apply(toRosterEvent(change));
  } catch (err) {
    if (!(err instanceof CandorError)) throw err;
    throw fail(`${here}: not a valid change of the roster of ${quote(change.slug)}: ${err.message}`);
  }
}

// Step 4 for a co-signature or a batch: of this letter, and after it.
function ofThisLetter(w: Walk, i: number, id: Uint8Array): void {
  const here = where(w.b, i, w.events[i]);
  if (!bytesEqual(id, w.b.letterId)) throw fail(`${here}: belongs to another letter (${toHex(id)})`);
  if (w.b.entries[i]!.index < w.letterIndex) throw fail(`${here}: comes before the letter in the log`);
}

// 4. Every other entry, in log order: roster changes, co-signatures, batches, the log state.
function walkEntries(w: Walk): void {
  for (let i = 0; i < w.events.length; i++) {
    const ev = w.events[i]!;
    const here = where(w.b, i, ev);
    const index = w.b.entries[i]!.index;
    if (ev.kind === 'roster-add' || ev.kind === 'roster-remove') {
      applyRosterChange(w, i, ev);
    } else if (ev.kind === 'cosignature') {
      ofThisLetter(w, i, ev.letter);
      if (!w.orgOf.has(ev.slug)) {
        throw fail(`${here}: is made for ${quote(ev.slug)}, which the letter does not name`);
      }
      w.cosignatures.push(i);
    } else if (ev.kind === 'signature-batch') {
      ofThisLetter(w, i, ev.letter);
      w.batches.push(i);
    } else if (ev.kind === 'log-state') {
      if (i + 1 !== w.events.length || index + 1n !== w.b.treeHead.head.size) {
        throw fail(`${here}: a log state may only be the last entry of the bundle's tree`);
      }
      if (ev.size !== index) {
        throw fail(`${here}: describes the first ${ev.size} entries of the log, not the ${index} before it`);
      }
    } else if (ev.kind !== 'letter') {
      throw fail(`${here}: this kind of entry does not belong in a letter bundle`);
    }
  }
}

// 5. The rosters at their pinned versions, and their rings by the bucket rule.
function buildRings(w: Walk): OrgCount[] {
  const organizations: OrgCount[] = [];
  w.letter.letter.organizations.forEach((slug, k) => {
    const pin = w.letter.rosterVersions[k]!;
    const have = w.rosters[k]!.version;
    if (have !== pin) {
      const missing = have + 1n === pin ? `version ${pin}` : `versions ${have + 1n} to ${pin}`;
      throw fail(
        `the bundle lacks ${missing} of the roster of ${quote(slug)} (the letter pins version ${pin})`,
      );
    }
    const members = w.rosters[k]!.members();
    if (members.length === 0) {
      throw fail(`the roster of ${quote(slug)} is empty at version ${pin}: nobody could sign`);
    }
    const count: OrgCount = { slug, rosterVersion: pin, rosterSize: members.length, ringSizes: [], signers: 0 };
    const orgRings: Ring[] = [];
    for (const bucket of bucketRoster(members, w.maxRing)) {
      if (bucket.length < w.minRing) {
        throw fail(
          `the roster of ${quote(slug)} at version ${pin} gives a ring of ${bucket.length} members, below the minimum ring size of ${w.minRing}`,
        );
      }
      let ring: Ring;
      try {
        ring = Ring.create(bucket);
      } catch (err) {
        if (!(err instanceof CandorError)) throw err;
        throw fail(`the roster of ${quote(slug)}: ${err.message}`);
      }
      count.ringSizes.push(ring.size);
      const key = `${k}:${toHex(ring.digest)}`;
      if (!w.ringOf.has(key)) w.ringOf.set(key, orgRings.length);
      orgRings.push(ring);
    }
    w.rings.push(orgRings);
    organizations.push(count);
  });
  return organizations;
}

// 6. Batches: 1, 2, … each closing the `count` co-signature entries right before it.
function checkBatches(w: Walk): void {
  const { b, events } = w;
  w.batchOf = events.map(() => 0n);
  w.batches.forEach((p, n) => {
    const batch = events[p] as SignatureBatchEvent;
    const here = where(b, p, batch);
    const expected = BigInt(n + 1);
    if (batch.batch !== expected) {
      throw fail(
        `${here}: closes batch ${batch.batch}, but ${batch.batch < expected ? 'that batch was closed before' : `batch ${expected} is missing`}`,
      );
    }
    const index = b.entries[p]!.index;
    if (batch.count > BigInt(p)) {
      throw fail(
        `${here}: closes the ${batch.count} entries before it in the log, but the bundle holds only ${p} entries before it`,
      );
    }
    const c = Number(batch.count);
    for (let t = 1; t <= c; t++) {
      const q = p - t;
      if (b.entries[q]!.index !== index - BigInt(t)) {
        throw fail(
          `${here}: closes the ${batch.count} entries before it in the log, but log index ${index - BigInt(t)} is not in the bundle`,
        );
      }
      if (events[q]!.kind !== 'cosignature') {
        throw fail(
          `${here}: closes the ${batch.count} entries before it in the log, but ${where(b, q, events[q])} is not a co-signature`,
        );
      }
      w.batchOf[q] = batch.batch;
    }
  });
  for (const p of w.cosignatures) {
    if (w.batchOf[p] === 0n) throw fail(`${where(b, p, events[p])}: lies in no signature batch`);
  }
}

// 7. Completeness, from the log state at the tree head. Returns whether it is proven.
function checkCompleteness(w: Walk): boolean {
  if (!w.hasState) {
    if (w.b.state !== undefined && w.b.state.length > 0) throw fail('the bundle has state leaves but no log state entry');
    if (w.options.requireComplete) {
      throw fail(
        'the bundle does not prove that it is complete: its tree head is not a checkpoint with a log state (or an older server made it), so batches or roster versions may be left out. Fetch a fresh bundle',
      );
    }
    return false;
  }
  checkComplete(w.b, w.events[w.events.length - 1] as LogStateEvent, w.letter, w.batches.length, w.nextVersion);
  return true;
}

// 8. Every co-signature over the ring it names: a v1 one over a bucket, a v2 one over the
// whole roster (its ring built only when some signature needs it). v2 in batches of
// BUNDLE_BATCH per organization, each one weighted sum (an organization stops at its first bad
// batch); v1 one by one, stopping at the first failure. Returns the jobs and their tags.
function verifySignatureEntries(w: Walk): { jobs: Job[]; tags: Uint8Array[] } {
  const { b, events, options } = w;
  const orgCount = w.letter.letter.organizations.length;
  const whole: (Ring | undefined)[] = new Array<Ring | undefined>(orgCount);
  const jobs: Job[] = w.cosignatures.map((p) => {
    const cosig = events[p] as CoSignatureEvent;
    const k = w.orgOf.get(cosig.slug)!; // checked in step 4
    if (cosig.scheme === LRS2_SCHEME) {
      if (whole[k] === undefined) {
        const members = w.rosters[k]!.members();
        if (members.length > LRS2_MAX_RING) {
          throw fail(
            `${where(b, p, cosig)}: the roster of ${quote(cosig.slug)}: a roster of ${members.length} members is larger than a candor-lrs-v2 ring may be (${LRS2_MAX_RING})`,
          );
        }
        whole[k] = Ring.create(members);
      }
      const ring = whole[k]!;
      if (!bytesEqual(cosig.ringDigest, ring.digest)) {
        throw fail(
          `${where(b, p, cosig)}: names ring ${toHex(cosig.ringDigest)}, but a candor-lrs-v2 signature is over the whole roster of ${quote(cosig.slug)} at roster version ${w.letter.rosterVersions[k]} (${toHex(ring.digest)})`,
        );
      }
      return { pos: p, event: cosig, ring, org: k };
    }
    const r = w.ringOf.get(`${k}:${toHex(cosig.ringDigest)}`);
    if (r === undefined) {
      throw fail(
        `${where(b, p, cosig)}: names ring ${toHex(cosig.ringDigest)}, which is not one of the rings of ${quote(cosig.slug)} at roster version ${w.letter.rosterVersions[k]}`,
      );
    }
    return { pos: p, event: cosig, ring: w.rings[k]![r]!, org: k };
  });
  const total = jobs.length;
  const step = Math.max(1, Math.floor(total / 100));
  let reported = 0;
  let done = 0;
  const progress = (n: number): void => {
    done += n;
    if (options.progress && (done - reported >= step || done === total)) {
      options.progress(done, total);
      reported = done;
    }
  };
  const outcomes: (Uint8Array | CandorError | undefined)[] = new Array<Uint8Array | CandorError | undefined>(total);
  const asCoSignature = (e: CoSignatureEvent): CoSignature => ({
    letter: e.letter,
    action: e.action,
    ringDigest: e.ringDigest,
    signature: e.signature,
    ...(e.scheme === undefined ? {} : { scheme: e.scheme }),
  });
  for (let k = 0; k < orgCount; k++) {
    const mine = jobs.flatMap((job, j) => (job.org === k && job.event.scheme === LRS2_SCHEME ? [j] : []));
    for (let from = 0; from < mine.length; from += BUNDLE_BATCH) {
      const chunk = mine.slice(from, from + BUNDLE_BATCH);
      const results = verifyCoSignaturesV2(
        chunk.map((j) => asCoSignature(jobs[j]!.event)),
        whole[k]!,
      );
      chunk.forEach((j, t) => (outcomes[j] = results[t]));
      progress(chunk.length);
      if (results.some((r) => r instanceof CandorError)) break;
    }
  }
  for (let j = 0; j < total; j++) {
    const job = jobs[j]!;
    if (job.event.scheme === LRS2_SCHEME) continue;
    try {
      outcomes[j] = verifyCoSignature(asCoSignature(job.event), job.ring);
    } catch (err) {
      if (!(err instanceof CandorError)) throw err;
      outcomes[j] = err;
      break;
    }
    progress(1);
  }
  const tags: Uint8Array[] = [];
  jobs.forEach((job, j) => {
    const outcome = outcomes[j];
    if (outcome instanceof CandorError) {
      throw fail(`${where(b, job.pos, job.event)}: the signature does not verify: ${outcome.message}`);
    }
    if (outcome !== undefined) tags.push(outcome);
  });
  if (options.progress && total === 0) options.progress(0, 0);
  return { jobs, tags };
}

// 9. Counting by linking tag, in log order: a tag counts once, from the batch where it first
// signs, until the batch of its first withdrawal. Fills organizations[k].signers.
function countByTag(
  w: Walk,
  jobs: Job[],
  tags: Uint8Array[],
  organizations: OrgCount[],
): Pick<BundleReport, 'total' | 'withdrawals' | 'duplicatesDropped' | 'batches' | 'timeline'> {
  const { b, events, batchOf } = w;
  const orgCount = organizations.length;
  interface TagState {
    org: number;
    signBatch: bigint;
    withdrawBatch: bigint; // 0: not withdrawn
  }
  const signers = new Map<string, TagState>();
  const withdrawals: [string, number][] = [];
  let duplicatesDropped = 0;
  jobs.forEach((job, j) => {
    const tag = toHex(tags[j]!);
    if (job.event.action === 'sign') {
      if (signers.has(tag)) duplicatesDropped++;
      else signers.set(tag, { org: job.org, signBatch: batchOf[job.pos]!, withdrawBatch: 0n });
    } else {
      withdrawals.push([tag, j]);
    }
  });
  for (const [tag, j] of withdrawals) {
    const state = signers.get(tag);
    const job = jobs[j]!;
    if (state === undefined) {
      throw fail(
        `${where(b, job.pos, job.event)}: withdraws a signature that the bundle does not hold (no 'sign' carries its tag)`,
      );
    }
    if (state.withdrawBatch === 0n) state.withdrawBatch = batchOf[job.pos]!;
  }
  // Per batch, the change in signatories: +1 where a tag first signs, −1 where it is withdrawn
  // (never before it signs: a withdrawal in an earlier batch takes effect with the signature).
  const batchCount = w.batches.length;
  const delta: number[][] = [];
  for (let n = 0; n <= batchCount; n++) delta.push(new Array<number>(orgCount).fill(0));
  let withdrawn = 0;
  for (const state of signers.values()) {
    delta[Number(state.signBatch)]![state.org]! += 1;
    if (state.withdrawBatch !== 0n) {
      const at = state.signBatch > state.withdrawBatch ? state.signBatch : state.withdrawBatch;
      delta[Number(at)]![state.org]! -= 1;
      withdrawn++;
    }
  }
  const running = new Array<number>(orgCount).fill(0);
  const timeline: BatchInfo[] = w.batches.map((p, n) => {
    const batch = events[p] as SignatureBatchEvent;
    const byOrg: number[] = [];
    let sum = 0;
    for (let k = 0; k < orgCount; k++) {
      running[k]! += delta[n + 1]![k]!;
      byOrg.push(running[k]!);
      sum += running[k]!;
    }
    return {
      batch: batch.batch,
      count: batch.count,
      publishedAtMs: batch.publishedAtMs,
      logIndex: b.entries[p]!.index,
      signersAfter: sum,
      signersAfterByOrg: byOrg,
    };
  });
  let total = 0;
  organizations.forEach((o, k) => {
    o.signers = running[k]!;
    total += o.signers;
  });
  return { total, withdrawals: withdrawn, duplicatesDropped, batches: batchCount, timeline };
}

// The letter and its rings, rebuilt from a bundle's logged entries (LetterRingsFromBundle):
// phases 1 to 5 of verifyLetterBundle, then stop — batches, completeness and signatures are
// not checked and nothing is counted. What a signer needs, from the server's
// `bundle?signatures=0` reply or a whole bundle. Errors as verifyLetterBundle's.
export function letterRingsOf(
  b: LetterBundle,
  options: BundleOptions = {},
): { letter: Letter; orgs: { slug: string; version: bigint; rings: Ring[]; members: Uint8Array[] }[] } {
  const w = walkTo5(b, options);
  return {
    letter: w.letter.letter,
    orgs: w.letter.letter.organizations.map((slug, k) => ({
      slug,
      version: w.letter.rosterVersions[k]!,
      rings: w.rings[k]!,
      members: w.rosters[k]!.members(),
    })),
  };
}

// Phases 1 to 5, shared by verifyLetterBundle and letterRingsOf.
function walkTo5(b: LetterBundle, options: BundleOptions): Walk & { witnessed: number; organizations: OrgCount[] } {
  const minRing = options.minRing ?? DEFAULT_MIN_RING_SIZE;
  const maxRing = options.maxRing ?? MAX_RING_SIZE;
  if (!Number.isSafeInteger(maxRing) || maxRing < 1) {
    throw invalidArgument('the largest ring (max_ring) must be at least 1');
  }
  const witnessed = checkTreeHead(b, options); // 1
  const events = decodeEntries(b); // 2
  const letterPos = findTheLetter(b, events); // 3
  const letter = events[letterPos] as LetterEvent;
  const w: Walk = {
    b,
    options,
    minRing,
    maxRing,
    events,
    letter,
    letterIndex: b.entries[letterPos]!.index,
    orgOf: new Map(letter.letter.organizations.map((slug, k) => [slug, k] as [string, number])),
    // A `log-state` entry may only be the tree's last entry, and commits to the entries before it.
    hasState: events.length > 0 && events[events.length - 1]!.kind === 'log-state',
    nextVersion: letter.letter.organizations.map(() => false),
    rosters: letter.letter.organizations.map(() => new Roster()),
    cosignatures: [],
    batches: [],
    rings: [],
    ringOf: new Map(),
    batchOf: [],
  };
  walkEntries(w); // 4
  const organizations = buildRings(w); // 5
  return Object.assign(w, { witnessed, organizations });
}

// Runs every check of docs/FORMATS.md "Letter bundle" and counts (VerifyLetterBundle), phase
// by phase as the rules are numbered: 1 the tree head (its key against options.expectedLogKey,
// its signature, witnesses, age); 2 every entry (order, inclusion, no repeats, strict decoding);
// 3 exactly one `letter` entry, of this letter; 4 every other entry (roster changes up to the
// pinned versions, co-signatures and batches of this letter, a `log-state` only as the tree's
// last); 5 each roster's rings by the bucket rule, none below options.minRing; 6 batches 1, 2, …
// each closing the co-signatures right before it; 7 completeness from the log state (rule 10;
// report.complete); 8 every co-signature over the ring it names; 9 counting by tag.
export function verifyLetterBundle(b: LetterBundle, options: BundleOptions = {}): BundleReport {
  const w = walkTo5(b, options); // 1 to 5
  const { letter, witnessed, organizations } = w;
  checkBatches(w); // 6
  const complete = checkCompleteness(w); // 7
  const { jobs, tags } = verifySignatureEntries(w); // 8
  const counts = countByTag(w, jobs, tags, organizations); // 9
  return {
    letterId: b.letterId,
    letter: letter.letter,
    treeHead: b.treeHead,
    logKey: b.logPublicKey,
    organizations,
    total: counts.total,
    signaturesChecked: jobs.length,
    wholeRosterSignatures: jobs.filter((job) => job.event.scheme === LRS2_SCHEME).length,
    withdrawals: counts.withdrawals,
    duplicatesDropped: counts.duplicatesDropped,
    batches: counts.batches,
    timeline: counts.timeline,
    witnessed,
    complete,
  };
}

// What `candor verify --bundle FILE [LETTER-ID] [--log-key K] [--min-ring N]` does: parse
// strictly, check the letter id when options.letterId is given, then verifyLetterBundle.
export function recountLetterBundle(
  input: JsonValue | string | Uint8Array,
  options: BundleOptions = {},
): BundleReport {
  const bundle = letterBundleFromJson(input);
  if (options.letterId && !bytesEqual(options.letterId, bundle.letterId)) {
    throw fail(`the bundle is for letter ${toHex(bundle.letterId)}, not ${toHex(options.letterId)}`);
  }
  return verifyLetterBundle(bundle, options);
}

// The machine-readable report, key for key what `candor verify --json` prints (without its
// "verified": true).
export function bundleReportToJson(report: BundleReport): JsonInput {
  return {
    letter_id: toHex(report.letterId),
    title: report.letter.title,
    log_public_key: toHex(report.logKey),
    tree_head: signedTreeHeadToJson(report.treeHead),
    organizations: report.organizations.map((o) => ({
      slug: o.slug,
      roster_version: o.rosterVersion,
      roster_size: o.rosterSize,
      ring_sizes: o.ringSizes,
      signers: o.signers,
    })),
    total: report.total,
    signatures_checked: report.signaturesChecked,
    whole_roster_signatures: report.wholeRosterSignatures,
    withdrawals: report.withdrawals,
    duplicates_dropped: report.duplicatesDropped,
    batches: report.batches,
    timeline: report.timeline.map((t) => ({
      batch: t.batch,
      count: t.count,
      published_at_ms: t.publishedAtMs,
      log_index: t.logIndex,
      signers_after: t.signersAfter,
      signers_after_by_org: t.signersAfterByOrg,
    })),
    complete: report.complete,
  };
}

// True iff `j` looks like a bundle object (for pages that accept several file kinds).
export function isLetterBundleJson(j: JsonValue): boolean {
  return isObject(j) && j.get('format') === LETTER_BUNDLE_FORMAT;
}
