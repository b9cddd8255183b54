// Trusting the log in the browser (docs/PROTOCOL.md "Trusting the log"; the command line's
// counterpart is src/cli/trusted_log.h). Every flow that reads the log — signing a letter,
// sealing a cable, reading one, checking a receipt — starts here:
//
//   const head = await fetchTrustedHead();           // pin, signature, no rollback, no fork
//   const state = await fetchOrgState('state', head); // the organization as the log proves it
//
// 1. The log key is pinned per origin (localStorage, TRUSTED_LOG_KEY): the key pinned before,
//    else GET /api/v1/log/key pinned on first use (head.firstUse says so, and the page tells
//    the member). A tree head the pinned key did not sign stops every flow (LogKeyChangedError,
//    with a plain message); trustLogKey replaces the pin when the organization announced a
//    new key.
// 2. With the last tree head this browser accepted (stored beside the pin): a smaller size is
//    a rollback, an equal size must have the same root, a larger one must come with a
//    consistency proof (POST /api/v1/log/proof/consistency; the sizes go in the body, never in
//    a URL) that verifies against both roots. Then the new head is stored.
// Everything the flow reads next is fetched at that head's size and proven against it.
//
// The server, the store and the pin of earlier versions are injected (LogSource, TrustStore)
// so the rules can be tested without a browser or a server.
import { api, apiBytes, apiOrgState } from './api.js';
import { bytesEqual, fixedFromHex, toHex } from './crypto/bytes.js';
import { CandorError, invalidArgument, verificationFailed } from './crypto/errors.js';
import { dumpJson, field, hexField, isObject, onlyFields, parseJson, stringField, type JsonObject } from './crypto/json.js';
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
// {"log_public_key": hex, "tree_head": {tree_size, root, timestamp_ms, signature}}.
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
  treeHead: SignedTreeHead | null; // null: a key pinned without a head yet
}

// Where the pin and the last head are kept.
export interface TrustStore {
  load(): Promise<TrustRecord | null>;
  save(record: TrustRecord): Promise<void>;
}

// The server's log, as the flow asks for it. Answers are checked here, not trusted.
export interface LogSource {
  key(): Promise<Uint8Array>; // GET /api/v1/log/key
  treeHead(): Promise<SignedTreeHead>; // GET /api/v1/log/sth
  consistency(oldSize: bigint, newSize: bigint): Promise<Uint8Array[]>; // its consistency_path
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
  });
}

export function trustRecordFromText(text: string): TrustRecord | null {
  try {
    const what = 'the trusted log record';
    const o = onlyFields(parseJson(text), what, ['log_public_key', 'tree_head']);
    const logKey = hexField(o, what, 'log_public_key', 32);
    const th = field(o, what, 'tree_head');
    return { logKey, treeHead: th === null ? null : signedTreeHeadFromJson(th) };
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
      return { logKey: fixedFromHex(legacy, 32, 'the pinned log key'), treeHead: null };
    } catch {
      return null;
    }
  },
  async save(record) {
    writeStorage(trustRecordToText(record));
  },
};

export const serverLog: LogSource = {
  async key() {
    const what = "the server's log key";
    const j = parseJson(await apiBytes('/log/key'));
    if (!isObject(j)) throw invalidArgument(`${what} must be a JSON object`);
    return fixedFromHex(stringField(j, what, 'public_key'), 32, 'the log key');
  },
  async treeHead() {
    // Its four fields, strictly; other members the server may add later are not read (as the
    // command line reads it).
    const what = "the server's tree head";
    const j = parseJson(await apiBytes('/log/sth'));
    if (!isObject(j)) throw invalidArgument(`${what} must be a JSON object`);
    const head: JsonObject = new Map();
    for (const f of ['tree_size', 'root', 'timestamp_ms', 'signature']) head.set(f, field(j, what, f));
    return signedTreeHeadFromJson(head, what);
  },
  async consistency(oldSize, newSize) {
    // The sizes go in the body: the size this browser saw last says when it last looked.
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

// Pins the log key (or uses the pinned one), fetches the latest tree head, checks its
// signature and its consistency with the last head this browser accepted, and stores it.
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
  const sth = await source.treeHead();
  try {
    verifySignedTreeHead(sth, logKey);
  } catch (e) {
    if (!(e instanceof CandorError)) throw e;
    if (firstUse) throw badHead();
    const served = await source.key();
    if (!bytesEqual(served, logKey)) throw new LogKeyChangedError(logKey, served);
    throw badHead();
  }
  const last = record?.treeHead ?? null;
  if (last !== null) {
    const before = last.head;
    const now = sth.head;
    if (now.size < before.size) throw rollback(now.size, before.size);
    if (now.size === before.size) {
      if (!bytesEqual(now.root, before.root)) throw fork();
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
        if (e instanceof CandorError) throw unproven();
        throw e;
      }
    }
  }
  await store.save({ logKey, treeHead: sth });
  return { logKey, sth, firstUse };
}

// Pins `logKey` instead of the key pinned before (the member compared it with the one their
// organization announced). The stored head is dropped with the old key: heads signed by two
// keys cannot be checked against each other.
export async function trustLogKey(logKey: Uint8Array, store: TrustStore = browserTrustStore): Promise<void> {
  await store.save({ logKey: logKey.slice(), treeHead: null });
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
