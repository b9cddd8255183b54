// Trusting the log in the browser (docs/PROTOCOL.md "Trusting the log"; the command line's
// counterpart is src/cli/trusted_log.cc FetchTrustedHead, which this mirrors). Every flow that
// reads the log — signing a letter, sealing a cable, reading one, checking a receipt — starts
// here:
//
//   const head = await fetchTrustedHead();           // pin, signature, no rollback, no fork
//   const state = await fetchOrgState('state', head); // the organization as the log proves it
//
// 1. The log key is pinned per origin (localStorage, TRUSTED_LOG_KEY). The key the member
//    entered (the "Log key" box of the keys page; localStorage, EXPLICIT_LOG_KEY — the command
//    line's --log-key) wins: pinned when nothing is, and one that differs from the pinned key
//    stops every flow before anything is fetched (LogKeyMismatchError). Otherwise the key
//    pinned before, else GET /api/v1/log/key pinned on first use (head.firstUse says so, and the
//    page tells the member). A tree head the pinned key did not sign stops every flow
//    (LogKeyChangedError, with a plain message; with an entered key, a plain message that names
//    it, and GET /api/v1/log/key is never asked); trustLogKey replaces the pin when the
//    organization announced a new key.
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
//    batch, so it says nothing about this one). Then the latest head and the newer of the
//    stored checkpoint and the newest listed one are stored (the checkpoint never moves
//    backwards, whatever the server lists); with neither, the flow stops.
// 3. Witnesses (docs/PROTOCOL.md "Witnesses"; the command line's --witness KEY …
//    --witness-threshold K): when the member set a witness policy (localStorage,
//    WITNESS_POLICY_KEY: witness keys and a threshold k), the head is not the latest one but the
//    largest listed checkpoint that carries valid cosignatures from at least k of those
//    witnesses — a fork must then fool k independent witnesses too. That head is kept in its own
//    field (witnessedHead): a smaller one later is a rollback, and the stored witnessed head and
//    the stored plain checkpoint are proven consistent with it (all checkpoint sizes, which
//    every client that looked since that batch shares; never the size of the last latest head).
// Everything the flow reads next is fetched at that head's size and proven against it.
//
// The server, the store and the pin of earlier versions are injected (LogSource, TrustStore)
// so the rules can be tested without a browser or a server.
import { api, apiBytes, apiOrgState } from './api.js';
import { bytesEqual, fixedFromHex, toHex } from './crypto/bytes.js';
import { CandorError, invalidArgument, verificationFailed } from './crypto/errors.js';
import { dumpJson, field, hexField, isObject, isUnsigned, onlyFields, parseJson, stringField, type JsonObject, type JsonValue } from './crypto/json.js';
import { verifyConsistency } from './crypto/merkle.js';
import { orgStateFromJson, verifyOrgState, type OrgState } from './crypto/org_state.js';
import {
  signedTreeHeadFromJson,
  signedTreeHeadToJson,
  verifySignedTreeHead,
  type SignedTreeHead,
} from './crypto/tree_head.js';
import { countWitnessCosignatures, witnessCosignatureFromJson, witnessPolicy, type WitnessCosignature } from './crypto/witness.js';
import { legacyPinnedLogKey } from './keystore.js';

// The localStorage item (per origin, as localStorage is) that holds
// {"log_public_key": hex, "tree_head": {tree_size, root, timestamp_ms, signature},
//  "checkpoint": {tree_size, root, timestamp_ms, signature},
//  "witnessed_tree_head": {tree_size, root, timestamp_ms, signature}} ("checkpoint" and
// "witnessed_tree_head" are left out while there is none, and records of earlier versions have
// none).
export const TRUSTED_LOG_KEY = 'candor.trusted-log.v1';

// The localStorage item (per origin) that holds the member's witness policy:
// {"keys": [64 hex, …], "threshold": k}. Absent: no witnesses.
export const WITNESS_POLICY_KEY = 'candor.witnesses.v1';

// The localStorage item (per origin) that holds the log key the member entered, as their
// organization publishes it (the command line's --log-key): {"log_public_key": 64 lowercase
// hex}. Absent: none (the key is pinned on first use).
export const EXPLICIT_LOG_KEY = 'candor.logkey.v1';

// At most this many witness keys (a policy is typed or pasted by hand).
export const MAX_WITNESSES = 32;

// The witnesses this browser requires: `threshold` (1 … keys.length) of `keys` (distinct
// Ed25519 public keys) must have cosigned a head before a flow uses it.
export interface WitnessPolicy {
  keys: Uint8Array[];
  threshold: number;
}

// A tree head this browser now trusts, and how it came to.
export interface TrustedHead {
  logKey: Uint8Array; // the pinned log key, which signed sth
  sth: SignedTreeHead;
  firstUse: boolean; // the key was pinned on first use just now (never with an entered key)
  // With a witness policy: how many of its witnesses validly cosigned sth (at least its
  // threshold), and how many keys it names. null without witnesses.
  witnessed: { cosigned: number; of: number } | null;
  // The newest checkpoint this browser accepted (with witnesses: sth itself), proven a prefix
  // of sth; it never moves backwards (a server that lists only an older one does not make it
  // older). null: none — never from fetchTrustedHead, which refuses a log without one.
  // A letter's bundle read at its size carries the log state ("Log state").
  checkpoint: SignedTreeHead | null;
  // Its tree size; 0n: none. An organization state must prove itself complete up to it (its log
  // state: docs/PROTOCOL.md "Organization state", rule 7), as the command line's TrustedHead.
  checkpointSize: bigint;
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
  // The latest checkpoint accepted with witnesses (the command line's witnessed_tree_head);
  // null: none yet (or never with witnesses).
  witnessedHead: SignedTreeHead | null;
}

// Where the pin, the last heads, the witness policy and the entered log key are kept.
export interface TrustStore {
  load(): Promise<TrustRecord | null>;
  save(record: TrustRecord): Promise<void>;
  // The member's witness policy; null: no witnesses. Throws a CandorError when a stored policy
  // cannot be read (then every flow stops: a damaged policy must not mean "no witnesses").
  witnessPolicy(): Promise<WitnessPolicy | null>;
  // The log key the member entered as their organization publishes it (the command line's
  // --log-key); null: none. Throws a CandorError when a stored one cannot be read (then every
  // flow stops: a damaged key must not mean "no key").
  explicitLogKey(): Promise<Uint8Array | null>;
}

// One of the newest checkpoints, with the consistency proof from it to the latest head.
export interface ListedCheckpoint {
  sth: SignedTreeHead;
  consistency: Uint8Array[]; // RFC 9162 consistency_path from sth to the latest head
  cosignatures?: WitnessCosignature[]; // the witnesses' cosignatures collected; absent: none
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

// The log key the member entered (the "Log key" box; the command line's --log-key) is not the
// key this browser pinned for this server. Nothing was fetched.
export class LogKeyMismatchError extends CandorError {
  readonly pinnedKey: Uint8Array;
  readonly enteredKey: Uint8Array;

  constructor(pinnedKey: Uint8Array, enteredKey: Uint8Array) {
    super(
      'verification failed',
      `Candor stopped here: the log key you entered under “Log key” on the “My letters and keys” page (${toHex(enteredKey).slice(0, 16)}…) is not the key this browser has trusted for this server until now (${toHex(pinnedKey).slice(0, 16)}…). ` +
        'Nothing was sent. Check the key with your organization, some other way than through this server. ' +
        'If you mistyped it, correct it or remove it. If your organization announced a new log key and you entered exactly that one, tell this browser to trust it instead of the old one.',
    );
    this.name = 'LogKeyMismatchError';
    this.pinnedKey = pinnedKey;
    this.enteredKey = enteredKey;
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

function notWitnessed(policy: WitnessPolicy, best: number): CandorError {
  const n = policy.keys.length;
  const of = n === 1 ? 'your one witness' : `${policy.threshold} of your ${n} witnesses`;
  return verificationFailed(
    `Candor stopped here: no recent state of the public log is confirmed by ${of} (the best is confirmed by ${best}). ` +
      'The witnesses may not have caught up yet: try again in a few minutes, or the server is showing you a log they have not seen. ' +
      'Nothing was sent. If this keeps happening, tell your witnesses and someone you trust outside the organization.',
  );
}

function noCheckpoint(): CandorError {
  return verificationFailed(
    'Candor stopped here: the server shows no checkpoint of its public log, so this browser cannot tell whether it leaves something out. ' +
      `Nothing was sent. Try again in a minute. ${TELL_SOMEONE}`,
  );
}

// The server's tree head is not signed by the key the member entered (the command line's
// "another key than the one you gave (--log-key)").
function notEnteredKey(): CandorError {
  return verificationFailed(
    'Candor stopped here: the server’s public log is not signed by the log key you entered under “Log key” on the “My letters and keys” page. ' +
      'The server may have been replaced or may be lying — or your organization has a new log key. Nothing was sent. ' +
      'Check the key with your organization, some other way than through this server, and correct it there if it changed. ' +
      'If it did not change, do not sign or send anything from this browser, and tell someone you trust outside the organization.',
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
    ...(r.witnessedHead === null ? {} : { witnessed_tree_head: signedTreeHeadToJson(r.witnessedHead) }),
  });
}

export function trustRecordFromText(text: string): TrustRecord | null {
  try {
    const what = 'the trusted log record';
    const o = onlyFields(parseJson(text), what, ['log_public_key', 'tree_head', 'checkpoint', 'witnessed_tree_head']);
    const logKey = hexField(o, what, 'log_public_key', 32);
    const th = field(o, what, 'tree_head');
    const cp = o.get('checkpoint') ?? null; // absent from records of earlier versions
    const wh = o.get('witnessed_tree_head') ?? null; // absent while there is none
    return {
      logKey,
      treeHead: th === null ? null : signedTreeHeadFromJson(th),
      checkpoint: cp === null ? null : signedTreeHeadFromJson(cp),
      witnessedHead: wh === null ? null : signedTreeHeadFromJson(wh),
    };
  } catch (e) {
    if (e instanceof CandorError) return null;
    throw e;
  }
}

// This page's copies, for browsers that refuse localStorage (some private windows): the pin,
// the witness policy and the entered log key then last as long as the page. undefined: nothing
// written here; null: removed.
const memory = new Map<string, string | null>();

function readStorage(item: string): string | null {
  try {
    const stored = globalThis.localStorage?.getItem(item);
    if (stored !== undefined && stored !== null) return stored;
  } catch {
    // Only the copy in memory (below).
  }
  return memory.get(item) ?? null;
}

function writeStorage(item: string, text: string | null): void {
  memory.set(item, text);
  try {
    if (text === null) globalThis.localStorage?.removeItem(item);
    else globalThis.localStorage?.setItem(item, text);
  } catch {
    // Kept in memory only (above).
  }
}

// --- the witness policy ---

// The policy's JSON text, {"keys": [lowercase hex, …], "threshold": k}.
export function witnessPolicyToText(p: WitnessPolicy): string {
  return dumpJson({ keys: p.keys.map(toHex), threshold: p.threshold });
}

// The policy from its JSON text, strictly: exactly "keys" (1 … MAX_WITNESSES distinct keys,
// each 64 lowercase hex digits) and "threshold" (a whole number from 1 to the number of keys;
// absent: all of them). 'invalid argument' for anything else.
export function witnessPolicyFromText(text: string): WitnessPolicy {
  const what = 'the witness policy';
  const o = onlyFields(parseJson(text), what, ['keys', 'threshold']);
  const list = field(o, what, 'keys');
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_WITNESSES) {
    throw invalidArgument(`'keys' in ${what} must be a list of 1 to ${MAX_WITNESSES} witness keys`);
  }
  const keys: Uint8Array[] = [];
  for (const k of list) {
    if (typeof k !== 'string' || !/^[0-9a-f]{64}$/.test(k)) {
      throw invalidArgument(`each of 'keys' in ${what} must be 64 lowercase hex digits`);
    }
    const key = fixedFromHex(k, 32, 'a witness key');
    if (keys.some((x) => bytesEqual(x, key))) throw invalidArgument(`'keys' in ${what} repeats ${k}`);
    keys.push(key);
  }
  let threshold = keys.length;
  const t = o.get('threshold');
  if (t !== undefined) {
    if (!isUnsigned(t) || t.integer! < 1n || t.integer! > BigInt(keys.length)) {
      throw invalidArgument(`'threshold' in ${what} must be a whole number from 1 to ${keys.length}`);
    }
    threshold = Number(t.integer!);
  }
  return { keys, threshold };
}

// The witness keys typed or pasted by a member: one 64-hex-digit Ed25519 public key a line
// (either case; spaces around it and empty lines are ignored). Returns the keys, or the
// problems in plain words (one per line at fault) when there is any.
export function witnessKeysFromLines(text: string): { keys: Uint8Array[]; problems: string[] } {
  const keys: Uint8Array[] = [];
  const seen = new Map<string, number>();
  const problems: string[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const n = i + 1;
    if (!/^[0-9a-fA-F]+$/.test(line)) {
      problems.push(`Line ${n} is not a witness key: a key has only the digits 0–9 and the letters a–f (no spaces, names or punctuation).`);
      return;
    }
    if (line.length !== 64) {
      problems.push(`Line ${n} is not a witness key: a key is exactly 64 characters long, this line has ${line.length}.`);
      return;
    }
    const hex = line.toLowerCase();
    const before = seen.get(hex);
    if (before !== undefined) {
      problems.push(`Line ${n} repeats the key on line ${before}.`);
      return;
    }
    seen.set(hex, n);
    keys.push(fixedFromHex(hex, 32, 'a witness key'));
  });
  if (keys.length === 0 && problems.length === 0) problems.push('Enter at least one witness key, one per line.');
  if (keys.length > MAX_WITNESSES) problems.push(`At most ${MAX_WITNESSES} witness keys can be set; there are ${keys.length}.`);
  return { keys, problems };
}

// A setting kept as text in localStorage, read strictly: a stored value that does not read back
// stops with `damaged` (a CandorError 'invalid argument', in plain words) — never "unset".
function loadSetting<T>(key: string, fromText: (text: string) => T, damaged: string): T | null {
  const text = readStorage(key);
  if (text === null) return null;
  try {
    return fromText(text);
  } catch (e) {
    if (!(e instanceof CandorError)) throw e;
    throw invalidArgument(damaged);
  }
}

// Stores `value` as text (refusing what would not read back), or removes the setting (null).
function saveSetting<T>(key: string, value: T | null, toText: (value: T) => string, fromText: (text: string) => T): void {
  if (value === null) {
    writeStorage(key, null);
    return;
  }
  const text = toText(value);
  fromText(text); // refuses what could not be read back
  writeStorage(key, text);
}

// The policy stored in this browser; null: none. Throws a CandorError ('invalid argument',
// in plain words) when one is stored but cannot be read.
export function loadWitnessPolicy(): WitnessPolicy | null {
  return loadSetting(
    WITNESS_POLICY_KEY,
    witnessPolicyFromText,
    'Candor stopped here: the witness setting stored in this browser is damaged, so it cannot check the public log with your witnesses. ' +
      'Set your witnesses again (or remove them) under “Witnesses” on the “My letters and keys” page.',
  );
}

// Stores `policy` (checked: 1 … MAX_WITNESSES distinct 32-byte keys, 1 ≤ threshold ≤ their
// number), or removes the stored one (null).
export function saveWitnessPolicy(policy: WitnessPolicy | null): void {
  saveSetting(WITNESS_POLICY_KEY, policy, witnessPolicyToText, witnessPolicyFromText);
}

// --- the log key the member entered ---

// The entered key's JSON text, {"log_public_key": lowercase hex}.
export function explicitLogKeyToText(key: Uint8Array): string {
  return dumpJson({ log_public_key: toHex(key) });
}

// The entered key from its JSON text, strictly: exactly "log_public_key", 64 lowercase hex
// digits. 'invalid argument' for anything else.
export function explicitLogKeyFromText(text: string): Uint8Array {
  const what = 'the entered log key';
  const o = onlyFields(parseJson(text), what, ['log_public_key']);
  const hex = field(o, what, 'log_public_key');
  if (typeof hex !== 'string' || !/^[0-9a-f]{64}$/.test(hex)) {
    throw invalidArgument(`'log_public_key' in ${what} must be 64 lowercase hex digits`);
  }
  return fixedFromHex(hex, 32, 'the entered log key');
}

// The log key a member typed or pasted: 64 hex digits (either case, as --log-key and the
// witness keys take them), spaces and line breaks around it ignored. Returns the key, or the
// problem in plain words.
export function logKeyFromInput(text: string): { key: Uint8Array; problem: null } | { key: null; problem: string } {
  const t = text.trim();
  if (t === '') {
    return { key: null, problem: 'Enter the log key your organization publishes: 64 characters, only the digits 0–9 and the letters a–f.' };
  }
  if (!/^[0-9a-fA-F]+$/.test(t)) {
    return { key: null, problem: 'This is not a log key: a key has only the digits 0–9 and the letters a–f (no spaces, names or punctuation).' };
  }
  if (t.length !== 64) {
    return { key: null, problem: `This is not a log key: a key is exactly 64 characters long, this one has ${t.length}.` };
  }
  return { key: fixedFromHex(t.toLowerCase(), 32, 'the log key'), problem: null };
}

// The key entered in this browser; null: none. Throws a CandorError ('invalid argument', in
// plain words) when one is stored but cannot be read.
export function loadExplicitLogKey(): Uint8Array | null {
  return loadSetting(
    EXPLICIT_LOG_KEY,
    explicitLogKeyFromText,
    'Candor stopped here: the log key stored in this browser is damaged, so it cannot check the server’s public log against it. ' +
      'Enter your organization’s log key again (or remove it) under “Log key” on the “My letters and keys” page.',
  );
}

// Stores `key` (32 bytes), or removes the stored one (null). The pin is left as it is: a key
// that differs from it stops every flow until the member settles which one is right.
export function saveExplicitLogKey(key: Uint8Array | null): void {
  saveSetting(EXPLICIT_LOG_KEY, key, explicitLogKeyToText, explicitLogKeyFromText);
}

export const browserTrustStore: TrustStore = {
  async load() {
    const text = readStorage(TRUSTED_LOG_KEY);
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
      return { logKey: fixedFromHex(legacy, 32, 'the pinned log key'), treeHead: null, checkpoint: null, witnessedHead: null };
    } catch {
      return null;
    }
  },
  async save(record) {
    writeStorage(TRUSTED_LOG_KEY, trustRecordToText(record));
  },
  async witnessPolicy() {
    return loadWitnessPolicy();
  },
  async explicitLogKey() {
    return loadExplicitLogKey();
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
    // four fields, and of each checkpoint its consistency proof and its witnesses'
    // cosignatures (each exactly {witness, timestamp, signature}); other members the server may
    // add later are not read.
    const what = "the server's checkpoints";
    const j = parseJson(await apiBytes('/log/checkpoints'));
    if (!isObject(j)) throw invalidArgument(`${what} must be a JSON object`);
    const latest = headFromJson(field(j, what, 'latest'), "the server's latest tree head");
    const list = field(j, what, 'checkpoints');
    if (!Array.isArray(list)) throw invalidArgument(`'checkpoints' in ${what} must be a list`);
    const checkpoints = list.map((c) => {
      const one = 'a checkpoint of the server';
      if (!isObject(c)) throw invalidArgument(`${one} must be a JSON object`);
      const sth = headFromJson(c, one);
      const consistency = proofFromJson(field(c, one, 'consistency'));
      const cs = c.get('cosignatures');
      if (cs === undefined || cs === null) return { sth, consistency };
      if (!Array.isArray(cs) || cs.length > 256) throw invalidArgument(`'cosignatures' of ${one} must be a list`);
      return { sth, consistency, cosignatures: cs.map((x) => witnessCosignatureFromJson(x, `a cosignature of ${one}`)) };
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

// Pins the log key (the one the member entered, else the pinned one, else the server's on
// first use), fetches the latest tree head and the newest
// checkpoints, checks the head's signature, checks it against the last head this browser
// accepted (locally: that size is never sent), checks that every listed checkpoint and the
// checkpoint stored before are prefixes of it, and stores it with the newest checkpoint (the
// stored one when the server lists only older ones).
// With a witness policy (store.witnessPolicy()), the head is instead the largest listed
// checkpoint cosigned by enough of the witnesses (witnessedTrustedHead, below).
// Throws LogKeyMismatchError (before fetching anything), LogKeyChangedError, or a
// 'verification failed' CandorError with a plain message for a head the entered key did not
// sign, a rollback, a fork, a bad signature, no checkpoint at all or too few witnesses; the server's
// ApiErrors otherwise.
export async function fetchTrustedHead(source: LogSource = serverLog, store: TrustStore = browserTrustStore): Promise<TrustedHead> {
  // First: a stored policy that cannot be read stops the flow before anything is fetched.
  const stated = await store.witnessPolicy();
  const policy = stated === null ? null : witnessPolicy(stated.keys, stated.threshold);
  // So does an entered key that cannot be read, or one that is not the pinned key (as the
  // command line's --log-key: the member settles which one is right, nothing is sent).
  const entered = await store.explicitLogKey();
  const record = await store.load();
  if (entered !== null && record !== null && !bytesEqual(entered, record.logKey)) {
    throw new LogKeyMismatchError(record.logKey, entered);
  }
  let logKey: Uint8Array;
  let firstUse = false;
  if (entered !== null) {
    logKey = entered; // pinned (stored) once this flow succeeds, without asking the server
  } else if (record !== null) {
    logKey = record.logKey;
  } else {
    logKey = await source.key();
    firstUse = true;
  }
  const { latest: sth, checkpoints } = await source.checkpoints();
  // (With witnesses too: a latest head the pinned key did not sign tells a changed key.)
  try {
    verifySignedTreeHead(sth, logKey);
  } catch (e) {
    if (!(e instanceof CandorError)) throw e;
    if (firstUse) throw badHead();
    if (entered !== null) throw notEnteredKey();
    const served = await source.key();
    if (!bytesEqual(served, logKey)) throw new LogKeyChangedError(logKey, served);
    throw badHead();
  }
  if (policy !== null) return witnessedTrustedHead(source, store, record, logKey, firstUse, checkpoints, policy);
  const now = sth.head;

  // The last head this browser accepted, checked here and never sent: a smaller size is a
  // rollback, an equal size must have the same root. The last head accepted with witnesses (a
  // checkpoint the server signed) is checked the same way.
  const last = record?.treeHead ?? null;
  if (last !== null) {
    if (now.size < last.head.size) throw rollback(now.size, last.head.size);
    if (now.size === last.head.size && !bytesEqual(now.root, last.head.root)) throw fork();
  }
  const witnessed = record?.witnessedHead ?? null;
  if (witnessed !== null) {
    if (now.size < witnessed.head.size) throw rollback(now.size, witnessed.head.size);
    if (now.size === witnessed.head.size && !bytesEqual(now.root, witnessed.head.root)) throw fork();
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
    if (witnessed !== null && cp.size === witnessed.head.size && !bytesEqual(cp.root, witnessed.head.root)) throw fork();
    if (newest === null || cp.size > newest.head.size) newest = c.sth;
  }

  // The stored checkpoint has left the list: proven a prefix of the new head by asking from its
  // size, which every client that looked since that batch shares (never the last head's size).
  if (!storedChecked && stored !== null) {
    if (stored.head.size > now.size) throw rollback(now.size, stored.head.size);
    await proveConsistent(source, stored, sth);
  }
  // A record of an earlier version of these pages holds a head but no checkpoint. Proving that
  // head a prefix of the new one would send its size — the very per-client value this avoids —
  // so it is not asked for (as the command line does with its own pins of earlier versions):
  // the head is still checked locally above (rollback, equal size, a listed checkpoint of its
  // size), and from this look on the stored checkpoint carries the proof.

  // The newer of the stored checkpoint and the newest listed one: the server picks which
  // checkpoints it lists, and listing only an older one must not take this browser back to it
  // (an organization state then need only be complete up to that older checkpoint). Both are
  // proven prefixes of the new head above.
  const checkpoint = stored !== null && (newest === null || stored.head.size > newest.head.size) ? stored : newest;
  // A server of this version always has a checkpoint (it makes one at start-up); without one,
  // nothing could show that an organization state or a letter's bundle leaves nothing out.
  if (checkpoint === null) throw noCheckpoint();
  await store.save({ logKey, treeHead: sth, checkpoint, witnessedHead: witnessed });
  return { logKey, sth, firstUse, witnessed: null, checkpoint, checkpointSize: checkpoint.head.size };
}

// Proves `older` a prefix of `newer` (older's size ≤ newer's): equal sizes need the same root;
// otherwise the server's proof between the two sizes, asked for with
// POST /api/v1/log/proof/consistency — call it only with checkpoint sizes, which every client
// that looked since those batches shares (never the size of a latest head this browser took).
async function proveConsistent(source: LogSource, older: SignedTreeHead, newer: SignedTreeHead): Promise<void> {
  const [a, b] = [older.head, newer.head];
  if (a.size > b.size) throw new RangeError('proveConsistent: the older head is the larger');
  if (a.size === b.size) {
    if (!bytesEqual(a.root, b.root)) throw fork();
    return;
  }
  if (a.size === 0n) return; // every tree extends the empty one: no proof to ask for
  let proof: Uint8Array[];
  try {
    proof = await source.consistency(a.size, b.size);
  } catch (e) {
    if (e instanceof CandorError) throw unproven();
    throw e;
  }
  try {
    verifyConsistency(a.size, b.size, a.root, b.root, proof);
  } catch (e) {
    if (e instanceof CandorError) throw fork();
    throw e;
  }
}

// With witnesses (the command line's FetchTrustedHead with --witness, WitnessedCheckpoint):
// the head is the largest listed checkpoint, signed by the pinned key, that carries valid
// cosignatures from at least `policy.threshold` of `policy.keys` (cosignatures of other keys,
// and ones that do not verify, count for nothing); the latest head itself is not used. Against
// what this browser stored:
//   - the last witnessed head (a checkpoint): a smaller one now is a rollback, an equal size
//     must have the same root (locally), a larger one must extend it (proven from its size);
//   - the stored plain checkpoint: proven consistent with the witnessed one in whichever
//     direction their sizes allow (the witnesses may lag behind the newest checkpoint seen
//     without them, as in the command line since it learnt that);
//   - the last latest head accepted without witnesses: compared only when it has the same size
//     (its size is never sent, and a witnessed checkpoint may well be older than it);
//   - every listed checkpoint the pinned key signed: of the size of a stored head, the same root.
// Every size sent is a checkpoint's. The witnessed head is stored in its own field; the plain
// head and checkpoint are kept as they were.
async function witnessedTrustedHead(
  source: LogSource,
  store: TrustStore,
  record: TrustRecord | null,
  logKey: Uint8Array,
  firstUse: boolean,
  checkpoints: readonly ListedCheckpoint[],
  policy: WitnessPolicy,
): Promise<TrustedHead> {
  const last = record?.treeHead ?? null;
  const stored = record?.checkpoint ?? null;
  const before = record?.witnessedHead ?? null;
  const known = [last, stored, before].filter((x): x is SignedTreeHead => x !== null);

  let chosen: { sth: SignedTreeHead; cosigned: number } | null = null;
  let best = 0;
  for (const c of checkpoints) {
    try {
      verifySignedTreeHead(c.sth, logKey);
    } catch (e) {
      if (e instanceof CandorError) continue; // not this log's: no witness can make it one
      throw e;
    }
    const cp = c.sth.head;
    // A signed checkpoint of the size of a head this browser accepted: the same root.
    for (const k of known) if (cp.size === k.head.size && !bytesEqual(cp.root, k.head.root)) throw fork();
    const n = countWitnessCosignatures(c.cosignatures ?? [], logKey, cp, policy.keys);
    best = Math.max(best, n);
    if (n >= policy.threshold && (chosen === null || cp.size > chosen.sth.head.size)) chosen = { sth: c.sth, cosigned: n };
  }
  if (chosen === null) throw notWitnessed(policy, best);
  const sth = chosen.sth;
  const now = sth.head;

  if (before !== null) {
    if (now.size < before.head.size) throw rollback(now.size, before.head.size);
    await proveConsistent(source, before, sth);
  }
  if (stored !== null && !(before !== null && sameTreeHead(stored, before))) {
    if (stored.head.size <= now.size) await proveConsistent(source, stored, sth);
    else await proveConsistent(source, sth, stored);
  }

  await store.save({ logKey, treeHead: last, checkpoint: stored, witnessedHead: sth });
  return {
    logKey,
    sth,
    firstUse,
    witnessed: { cosigned: chosen.cosigned, of: policy.keys.length },
    checkpoint: sth,
    checkpointSize: sth.head.size,
  };
}

// Pins `logKey` instead of the key pinned before (the member compared it with the one their
// organization announced). The stored heads and checkpoint are dropped with the old key: heads
// signed by two keys cannot be checked against each other.
export async function trustLogKey(logKey: Uint8Array, store: TrustStore = browserTrustStore): Promise<void> {
  await store.save({ logKey: logKey.slice(), treeHead: null, checkpoint: null, witnessedHead: null });
}

// The organization's state at `head` (GET /api/v1/orgs/{slug}/state?tree_size=N, page by
// page), verified against the pinned key (verifyOrgState); its tree head must be `head`'s, and
// its log state at least as new as `head`'s checkpoint (nothing before it left out).
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
    return verifyOrgState(proof, head.logKey, slug, head.checkpointSize);
  } catch (e) {
    if (!(e instanceof CandorError)) throw e;
    throw new CandorError(
      e.code === 'invalid argument' ? 'invalid argument' : 'verification failed',
      'Candor stopped here: the organization’s members and reviewers, as the server lists them, could not be confirmed against its public log. ' +
        `Try again in a minute. ${TELL_SOMEONE} (For an expert: ${e.message.replace(/\.$/, '')}.)`,
    );
  }
}
