// Trusting the log in the browser (docs/PROTOCOL.md "Trusting the log"; the command line's
// counterpart is src/cli/trusted_log.cc FetchTrustedHead, which this mirrors). Every flow that
// reads the log — signing a letter, sealing a cable, reading one, checking a receipt — starts
// here:
//
//   const head = await fetchTrustedHead();           // pin, signature, no rollback, no fork
//   const state = await fetchOrgState('state', head); // the organization as the log proves it
//
// 1. The log key is pinned per origin (localStorage, TRUSTED_LOG_KEY): the key pinned before,
//    else GET /api/v1/log/key pinned on first use (head.firstUse says so, and the page tells
//    the member). A tree head the pinned key did not sign stops every flow (LogKeyChangedError,
//    with a plain message); trustLogKey replaces the pin when the organization announced a
//    new key.
// 2. GET /api/v1/log/checkpoints answers the latest signed tree head and the newest checkpoints,
//    each with its consistency proof to that head — the same answer for every client. The size
//    of the last head this browser accepted would be a per-client value (a cookie linking a
//    member's anonymous actions to their identified ones), so it is never sent: against it,
//    locally, a smaller size is a rollback and an equal size must have the same root. Every
//    listed checkpoint must be signed and proven a prefix of the latest head (else: a fork).
//    The checkpoint this browser stored must be listed with the same root, or — once it has
//    left the list — be proven a prefix of the latest head with
//    POST /api/v1/log/proof/consistency {old_size: its size, new_size} (the sizes in the body,
//    never in a URL; a checkpoint's size is shared by every client that looked since that
//    batch, so it says nothing about this one). Then the latest head and the newest listed
//    checkpoint are stored.
// Everything the flow reads next is fetched at that head's size and proven against it.
//
// The server, the store and the pin of earlier versions are injected (LogSource, TrustStore)
// so the rules can be tested without a browser or a server.
import { api, apiBytes, apiOrgState } from './api.js';
import { bytesEqual, fixedFromHex, toHex } from './crypto/bytes.js';
import { CandorError, invalidArgument, verificationFailed } from './crypto/errors.js';
import { dumpJson, field, hexField, isObject, onlyFields, parseJson, stringField, type JsonObject, type JsonValue } from './crypto/json.js';
import { verifyConsistency } from './crypto/merkle.js';
import { orgStateFromJson, verifyOrgState, type OrgState } from './crypto/org_state.js';
import {
  signedTreeHeadFromJson,
  signedTreeHeadToJson,
  verifySignedTreeHead,
  type SignedTreeHead,
} from './crypto/tree_head.js';
import { legacyPinnedLogKey } from './keystore.js';

// The localStorage item (per origin, as localStorage is) that holds
// {"log_public_key": hex, "tree_head": {tree_size, root, timestamp_ms, signature},
//  "checkpoint": {tree_size, root, timestamp_ms, signature}} ("checkpoint" is left out while
// there is none, and records of earlier versions have none).
export const TRUSTED_LOG_KEY = 'candor.trusted-log.v1';

// A tree head this browser now trusts, and how it came to.
export interface TrustedHead {
  logKey: Uint8Array; // the pinned log key, which signed sth
  sth: SignedTreeHead;
  firstUse: boolean; // the key was pinned on first use just now
}

// What this browser remembers about the server's log.
export interface TrustRecord {
  logKey: Uint8Array;
  // The latest head accepted: checked against locally, its size never sent. null: a key pinned
  // without a head yet.
  treeHead: SignedTreeHead | null;
  // The newest checkpoint proven a prefix of treeHead; null: none yet (or a record of an
  // earlier version).
  checkpoint: SignedTreeHead | null;
}

// Where the pin and the last head are kept.
export interface TrustStore {
  load(): Promise<TrustRecord | null>;
  save(record: TrustRecord): Promise<void>;
}

// One of the newest checkpoints, with the consistency proof from it to the latest head.
export interface ListedCheckpoint {
  sth: SignedTreeHead;
  consistency: Uint8Array[]; // RFC 9162 consistency_path from sth to the latest head
}

// GET /api/v1/log/checkpoints: the same answer for every client.
export interface LogCheckpoints {
  latest: SignedTreeHead;
  checkpoints: ListedCheckpoint[]; // newest first, a few at most
}

// The server's log, as the flow asks for it. Answers are checked here, not trusted.
export interface LogSource {
  key(): Promise<Uint8Array>; // GET /api/v1/log/key
  checkpoints(): Promise<LogCheckpoints>; // GET /api/v1/log/checkpoints
  // Its consistency_path (POST /api/v1/log/proof/consistency). Asked only from the size of a
  // checkpoint this browser stored, never from a size of its own.
  consistency(oldSize: bigint, newSize: bigint): Promise<Uint8Array[]>;
  orgState(slug: string, treeSize: bigint): Promise<Uint8Array>; // GET /api/v1/orgs/{slug}/state
}

// The pinned key did not sign the server's tree head, and the server now names another key.
export class LogKeyChangedError extends CandorError {
  readonly pinnedKey: Uint8Array;
  readonly servedKey: Uint8Array;

  constructor(pinnedKey: Uint8Array, servedKey: Uint8Array) {
    super(
      'verification failed',
      'Candor stopped here: the server’s public log is now signed by another key than the one this browser trusted before. ' +
        'If your organization announced a new log key, compare it with the key below and, only if they are the same, tell this browser to trust it. ' +
        'If nobody announced a new key, someone may be tampering with the server: do not sign or send anything from this browser, and tell someone you trust outside the organization.',
    );
    this.name = 'LogKeyChangedError';
    this.pinnedKey = pinnedKey;
    this.servedKey = servedKey;
  }
}

const TELL_SOMEONE =
  'If this keeps happening, do not sign or send anything from this browser, and tell someone you trust outside the organization (an auditor, a union, a journalist).';

function rollback(now: bigint, before: bigint): CandorError {
  return verificationFailed(
    `Candor stopped here: the server showed an older state of its public log (${now.toLocaleString()} entries) than it showed this browser before (${before.toLocaleString()} entries). ` +
      `The log can only grow, so the server may be hiding entries from you. ${TELL_SOMEONE}`,
  );
}

function fork(): CandorError {
  return verificationFailed(
    'Candor stopped here: the server’s public log does not match what it showed this browser before — its history was rewritten. ' +
      'Do not sign or send anything from this browser, and tell someone you trust outside the organization (an auditor, a union, a journalist).',
  );
}

function unproven(): CandorError {
  return verificationFailed(
    'Candor stopped here: the server could not prove that its public log still holds everything it showed this browser before (its history may have been rewritten). ' +
      `Try again in a minute. ${TELL_SOMEONE}`,
  );
}

function badHead(): CandorError {
  return verificationFailed(
    `Candor stopped here: the server sent a state of its public log that its own key did not sign. Try again in a minute. ${TELL_SOMEONE}`,
  );
}

// --- the browser's store and server ---

// The record's JSON text, and back (strict; null for anything else).
export function trustRecordToText(r: TrustRecord): string {
  return dumpJson({
    log_public_key: toHex(r.logKey),
    tree_head: r.treeHead === null ? null : signedTreeHeadToJson(r.treeHead),
    ...(r.checkpoint === null ? {} : { checkpoint: signedTreeHeadToJson(r.checkpoint) }),
  });
}

export function trustRecordFromText(text: string): TrustRecord | null {
  try {
    const what = 'the trusted log record';
    const o = onlyFields(parseJson(text), what, ['log_public_key', 'tree_head', 'checkpoint']);
    const logKey = hexField(o, what, 'log_public_key', 32);
    const th = field(o, what, 'tree_head');
    const cp = o.get('checkpoint') ?? null; // absent from records of earlier versions
    return {
      logKey,
      treeHead: th === null ? null : signedTreeHeadFromJson(th),
      checkpoint: cp === null ? null : signedTreeHeadFromJson(cp),
    };
  } catch (e) {
    if (e instanceof CandorError) return null;
    throw e;
  }
}

// This page's copy, for browsers that refuse localStorage (some private windows): the pin then
// lasts as long as the page.
let memory: string | null = null;

function readStorage(): string | null {
  try {
    return globalThis.localStorage?.getItem(TRUSTED_LOG_KEY) ?? memory;
  } catch {
    return memory;
  }
}

function writeStorage(text: string): void {
  memory = text;
  try {
    globalThis.localStorage?.setItem(TRUSTED_LOG_KEY, text);
  } catch {
    // Kept in memory only (above).
  }
}

export const browserTrustStore: TrustStore = {
  async load() {
    const text = readStorage();
    // Only this origin's own scripts write the record; one that does not parse (damaged by
    // hand) is treated as absent, as a script able to write it could do anything anyway.
    const record = text === null ? null : trustRecordFromText(text);
    if (record !== null) return record;
    // The pin of earlier versions of these pages (IndexedDB), adopted once.
    let legacy: string | undefined;
    try {
      legacy = await legacyPinnedLogKey();
    } catch {
      legacy = undefined;
    }
    if (legacy === undefined) return null;
    try {
      return { logKey: fixedFromHex(legacy, 32, 'the pinned log key'), treeHead: null, checkpoint: null };
    } catch {
      return null;
    }
  },
  async save(record) {
    writeStorage(trustRecordToText(record));
  },
};

// A tree head's four fields, strictly; other members are not read.
function headFromJson(j: JsonValue, what: string): SignedTreeHead {
  if (!isObject(j)) throw invalidArgument(`${what} must be a JSON object`);
  const head: JsonObject = new Map();
  for (const f of ['tree_size', 'root', 'timestamp_ms', 'signature']) head.set(f, field(j, what, f));
  return signedTreeHeadFromJson(head, what);
}

// A checkpoint's consistency proof: at most 64 hashes (as the command line reads it), each
// 64 hex digits.
function proofFromJson(j: JsonValue): Uint8Array[] {
  if (!Array.isArray(j) || j.length > 64) {
    throw invalidArgument("a checkpoint's consistency proof must be a list of at most 64 hashes");
  }
  return j.map((h) => fixedFromHex(typeof h === 'string' ? h : '', 32, 'a consistency proof hash'));
}

export const serverLog: LogSource = {
  async key() {
    const what = "the server's log key";
    const j = parseJson(await apiBytes('/log/key'));
    if (!isObject(j)) throw invalidArgument(`${what} must be a JSON object`);
    return fixedFromHex(stringField(j, what, 'public_key'), 32, 'the log key');
  },
  async checkpoints() {
    // Strictly (parseJson refuses repeated keys and keeps big integers exact). Of each head its
    // four fields; other members the server may add later (the checkpoints' cosignatures among
    // them) are not read, as the command line reads them without witnesses.
    const what = "the server's checkpoints";
    const j = parseJson(await apiBytes('/log/checkpoints'));
    if (!isObject(j)) throw invalidArgument(`${what} must be a JSON object`);
    const latest = headFromJson(field(j, what, 'latest'), "the server's latest tree head");
    const list = field(j, what, 'checkpoints');
    if (!Array.isArray(list)) throw invalidArgument(`'checkpoints' in ${what} must be a list`);
    const checkpoints = list.map((c) => {
      const one = 'a checkpoint of the server';
      if (!isObject(c)) throw invalidArgument(`${one} must be a JSON object`);
      return { sth: headFromJson(c, one), consistency: proofFromJson(field(c, one, 'consistency')) };
    });
    return { latest, checkpoints };
  },
  async consistency(oldSize, newSize) {
    // The sizes go in the body, never in a URL; the old size is a stored checkpoint's, shared
    // by every client that looked since that batch.
    const r = await api<{ old_size?: unknown; new_size?: unknown; proof?: unknown }>('/log/proof/consistency', {
      method: 'POST',
      body: { old_size: Number(oldSize), new_size: Number(newSize) },
    });
    if (r.old_size !== Number(oldSize) || r.new_size !== Number(newSize) || !Array.isArray(r.proof)) {
      throw verificationFailed('the server answered with a consistency proof for other sizes');
    }
    return r.proof.map((h) => fixedFromHex(typeof h === 'string' ? h : '', 32, 'a consistency proof hash'));
  },
  orgState: apiOrgState,
};

// --- the flow ---

// True iff `a` and `b` are the same signed tree head, field for field (the server keeps one
// head per size, so a proof "at" a trusted head carries that very head).
export function sameTreeHead(a: SignedTreeHead, b: SignedTreeHead): boolean {
  return (
    a.head.size === b.head.size &&
    a.head.timestampMs === b.head.timestampMs &&
    bytesEqual(a.head.root, b.head.root) &&
    bytesEqual(a.signature, b.signature)
  );
}

// Pins the log key (or uses the pinned one), fetches the latest tree head and the newest
// checkpoints, checks the head's signature, checks it against the last head this browser
// accepted (locally: that size is never sent), checks that every listed checkpoint and the
// checkpoint stored before are prefixes of it, and stores it with the newest checkpoint.
// Throws LogKeyChangedError, or a 'verification failed' CandorError with a plain message for a
// rollback, a fork or a bad signature; the server's ApiErrors otherwise.
export async function fetchTrustedHead(source: LogSource = serverLog, store: TrustStore = browserTrustStore): Promise<TrustedHead> {
  const record = await store.load();
  let logKey: Uint8Array;
  let firstUse = false;
  if (record !== null) {
    logKey = record.logKey;
  } else {
    logKey = await source.key();
    firstUse = true;
  }
  const { latest: sth, checkpoints } = await source.checkpoints();
  try {
    verifySignedTreeHead(sth, logKey);
  } catch (e) {
    if (!(e instanceof CandorError)) throw e;
    if (firstUse) throw badHead();
    const served = await source.key();
    if (!bytesEqual(served, logKey)) throw new LogKeyChangedError(logKey, served);
    throw badHead();
  }
  const now = sth.head;

  // The last head this browser accepted, checked here and never sent: a smaller size is a
  // rollback, an equal size must have the same root.
  const last = record?.treeHead ?? null;
  if (last !== null) {
    if (now.size < last.head.size) throw rollback(now.size, last.head.size);
    if (now.size === last.head.size && !bytesEqual(now.root, last.head.root)) throw fork();
  }

  // Every listed checkpoint: signed by the pinned key, and proven a prefix of the new head.
  const stored = record?.checkpoint ?? null;
  let storedChecked = stored === null;
  let newest: SignedTreeHead | null = null;
  for (const c of checkpoints) {
    try {
      verifySignedTreeHead(c.sth, logKey);
    } catch (e) {
      if (e instanceof CandorError) throw badHead();
      throw e;
    }
    const cp = c.sth.head;
    // A signed checkpoint beyond the latest head: the log was larger than it is shown now.
    if (cp.size > now.size) throw rollback(now.size, cp.size);
    try {
      verifyConsistency(cp.size, now.size, cp.root, now.root, c.consistency);
    } catch (e) {
      if (e instanceof CandorError) throw fork();
      throw e;
    }
    // Against what this browser stored, sending nothing: the stored checkpoint listed with the
    // same size must have the same root, and so must a checkpoint of the last head's size.
    if (stored !== null && cp.size === stored.head.size) {
      if (!bytesEqual(cp.root, stored.head.root)) throw fork();
      storedChecked = true;
    }
    if (last !== null && cp.size === last.head.size && !bytesEqual(cp.root, last.head.root)) throw fork();
    if (newest === null || cp.size > newest.head.size) newest = c.sth;
  }

  // The stored checkpoint has left the list: proven a prefix of the new head by asking from its
  // size, which every client that looked since that batch shares (never the last head's size).
  if (!storedChecked && stored !== null) {
    const before = stored.head;
    if (before.size > now.size) throw rollback(now.size, before.size);
    if (before.size === now.size) {
      if (!bytesEqual(before.root, now.root)) throw fork();
    } else if (before.size > 0n) {
      // (Every tree extends the empty one: no proof to ask for.)
      let proof: Uint8Array[];
      try {
        proof = await source.consistency(before.size, now.size);
      } catch (e) {
        if (e instanceof CandorError) throw unproven();
        throw e;
      }
      try {
        verifyConsistency(before.size, now.size, before.root, now.root, proof);
      } catch (e) {
        if (e instanceof CandorError) throw fork();
        throw e;
      }
    }
  }
  // A record of an earlier version of these pages holds a head but no checkpoint. Proving that
  // head a prefix of the new one would send its size — the very per-client value this avoids —
  // so it is not asked for (as the command line does with its own pins of earlier versions):
  // the head is still checked locally above (rollback, equal size, a listed checkpoint of its
  // size), and from this look on the stored checkpoint carries the proof.

  await store.save({ logKey, treeHead: sth, checkpoint: newest ?? stored });
  return { logKey, sth, firstUse };
}

// Pins `logKey` instead of the key pinned before (the member compared it with the one their
// organization announced). The stored head and checkpoint are dropped with the old key: heads
// signed by two keys cannot be checked against each other.
export async function trustLogKey(logKey: Uint8Array, store: TrustStore = browserTrustStore): Promise<void> {
  await store.save({ logKey: logKey.slice(), treeHead: null, checkpoint: null });
}

// The organization's state at `head` (GET /api/v1/orgs/{slug}/state?tree_size=N, page by
// page), verified against the pinned key (verifyOrgState); its tree head must be `head`'s.
// Throws a CandorError whose message says in plain words that Candor stopped, with the
// verifier's reason for an expert.
export async function fetchOrgState(slug: string, head: TrustedHead, source: LogSource = serverLog): Promise<OrgState> {
  const bytes = await source.orgState(slug, head.sth.head.size);
  try {
    const proof = orgStateFromJson(bytes);
    if (!sameTreeHead(proof.treeHead, head.sth)) {
      throw verificationFailed(
        `the state is of the log of ${proof.treeHead.head.size} entries at another moment, not of the ${head.sth.head.size} entries this browser checked`,
      );
    }
    return verifyOrgState(proof, head.logKey, slug);
  } catch (e) {
    if (!(e instanceof CandorError)) throw e;
    throw new CandorError(
      e.code === 'invalid argument' ? 'invalid argument' : 'verification failed',
      'Candor stopped here: the organization’s members and reviewers, as the server lists them, could not be confirmed against its public log. ' +
        `Try again in a minute. ${TELL_SOMEONE} (For an expert: ${e.message.replace(/\.$/, '')}.)`,
    );
  }
}
