// The member's keys on this device.
//
// Key files live in the crypto core's KeyStore (crypto/keystore.ts: IndexedDB "candor-keys"),
// exactly as `candor keygen` writes them (docs/FORMATS.md: Argon2id MODERATE +
// XChaCha20-Poly1305 under the member's passphrase), so "export" is a download of those bytes
// and "import" stores a file the command line made. Beside each, in this module's own
// database: which organization it was made for and whether the enrollment went through. The
// public keys are in the key file's clear header anyway. What a key signed or wrote is kept
// only in its device record (below): encrypted under the key itself, padded.
//
// Unlocked keys live only in this page's memory, and are wiped when the member locks them,
// after 15 idle minutes, or when the page goes away.
import { fromUtf8, toHex, utf8 } from './crypto/bytes.js';
import type { MemberKeys } from './crypto/keys.js';
import { systemRng } from './crypto/rng.js';
import { sodium, wipe } from './crypto/sodium.js';
import { parseKeyFile } from './crypto/keyfile.js';
import { KeyStore } from './crypto/keystore.js';

export interface StoredKey {
  id: string; // the ring public key (hex), as the crypto KeyStore names it
  org: string; // organization slug ('' while unknown)
  orgName: string;
  file: Uint8Array; // the 208-byte key file
  ringPublic: string; // hex, from the file's header
  replyPublic: string; // hex
  createdMs: number;
  enrolled: boolean; // the organization accepted it
  // 'member': a roster key (signing, writing cables); 'reviewer': a staff member's key whose
  // X25519 half receives cables (the same key file format, `candor cable register-key`).
  purpose: 'member' | 'reviewer';
  // The roster version that added this key, when this device joined with it (unknown for keys
  // imported or joined before it was kept): letters pinned to an earlier version cannot be
  // signed with it, and the member pages say so before anything is tried.
  enrolledVersion?: number;
}

interface KeyMeta {
  id: string;
  org: string;
  orgName: string;
  enrolled: boolean;
  purpose?: 'member' | 'reviewer';
  enrolledVersion?: number;
}

const DB_NAME = 'candor';
const DB_VERSION = 2;
const META = 'key-meta'; // KeyMeta by key id
const SETTINGS = 'settings'; // {name, value}: the log key pinned by earlier versions (trust.ts)
const RECORDS = 'device-records'; // {id, sealed}: each key's DeviceRecord, encrypted (v2)

const UNAVAILABLE =
  'This browser does not let Candor store keys (private browsing can forbid it). ' +
  'Use a normal window, or keep your key as a file.';

let keyFiles: Promise<KeyStore> | null = null;
function files(): Promise<KeyStore> {
  keyFiles ??= KeyStore.open().catch((e: unknown) => {
    keyFiles = null;
    throw new Error(UNAVAILABLE, { cause: e });
  });
  return keyFiles;
}

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, DB_VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains(META)) db.createObjectStore(META, { keyPath: 'id' });
      if (!db.objectStoreNames.contains(SETTINGS)) db.createObjectStore(SETTINGS, { keyPath: 'name' });
      if (!db.objectStoreNames.contains(RECORDS)) db.createObjectStore(RECORDS, { keyPath: 'id' });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(new Error(UNAVAILABLE));
  });
}

async function withStore<T>(
  storeName: string,
  mode: IDBTransactionMode,
  fn: (store: IDBObjectStore) => IDBRequest<T>,
): Promise<T> {
  const db = await openDb();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(storeName, mode);
      const req = fn(tx.objectStore(storeName));
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = () => reject(tx.error ?? new Error('the key store failed'));
      tx.onabort = () => reject(tx.error ?? new Error('the key store failed'));
    });
  } finally {
    db.close();
  }
}

// The member keys on this device (reviewer keys are listed by listReviewerKeys).
export async function listKeys(): Promise<StoredKey[]> {
  return (await listAllKeys()).filter((k) => k.purpose === 'member');
}

export async function listReviewerKeys(org: string): Promise<StoredKey[]> {
  return (await listAllKeys()).filter((k) => k.purpose === 'reviewer' && k.org === org);
}

// Every key on this device, members' and reviewers'.
export async function listAllKeys(): Promise<StoredKey[]> {
  const store = await files();
  const [infos, metas] = await Promise.all([
    store.list(),
    withStore<KeyMeta[]>(META, 'readonly', (s) => s.getAll() as IDBRequest<KeyMeta[]>),
  ]);
  const metaOf = new Map(metas.map((m) => [m.id, m]));
  const out: StoredKey[] = [];
  for (const info of infos) {
    const file = await store.load(info.id);
    if (!file) continue;
    const meta = metaOf.get(info.id);
    out.push({
      id: info.id,
      org: meta?.org ?? '',
      orgName: meta?.orgName ?? info.label,
      file,
      ringPublic: info.ringPublic,
      replyPublic: info.boxPublic,
      createdMs: info.savedAt,
      enrolled: meta?.enrolled ?? false,
      purpose: meta?.purpose ?? 'member',
      ...(meta?.enrolledVersion !== undefined ? { enrolledVersion: meta.enrolledVersion } : {}),
    });
  }
  return out;
}

// Stores (or updates) a key file and what this device knows about it.
export async function putKey(key: StoredKey): Promise<void> {
  await (await files()).save(key.file, key.orgName, { overwrite: true });
  const meta: KeyMeta = {
    id: key.id,
    org: key.org,
    orgName: key.orgName,
    enrolled: key.enrolled,
    purpose: key.purpose,
    ...(key.enrolledVersion !== undefined ? { enrolledVersion: key.enrolledVersion } : {}),
  };
  await withStore(META, 'readwrite', (s) => s.put(meta));
}

export async function deleteKey(id: string): Promise<void> {
  lock(id);
  await (await files()).delete(id);
  await withStore(META, 'readwrite', (s) => s.delete(id));
  await withStore(RECORDS, 'readwrite', (s) => s.delete(id));
}

// The log key an earlier version of these pages pinned here (trust on first use). The pin and
// the last tree head now live in trust.ts (localStorage, docs/PROTOCOL.md "Trusting the log");
// trust.ts adopts this key once, so that a browser that pinned a key before keeps it.
export async function legacyPinnedLogKey(): Promise<string | undefined> {
  const pinned = await withStore<{ name: string; value: string } | undefined>(
    SETTINGS,
    'readonly',
    (s) => s.get('log-key') as IDBRequest<{ name: string; value: string } | undefined>,
  );
  return pinned?.value;
}

// A record for a key file (checked: size, magic, Argon2id settings, a valid ring key).
// Throws the key-file parser's CandorError for anything that is not a Candor key file.
export function recordFor(
  file: Uint8Array,
  org: string,
  orgName: string,
  enrolled: boolean,
  purpose: 'member' | 'reviewer' = 'member',
): StoredKey {
  const info = parseKeyFile(file);
  const ringPublic = toHex(info.ringPublic);
  return {
    id: ringPublic,
    org,
    orgName,
    file: file.slice(),
    ringPublic,
    replyPublic: toHex(info.boxPublic),
    createdMs: Date.now(),
    enrolled,
    purpose,
  };
}

// ---- What this device remembers a key did (security review H2, H1) ----
//
// Two facts cannot be recomputed from the key without asking the server, and asking would
// itself leak:
//   - the letters this key signed or withdrew on from this device: the member page asks the
//     server about a letter's signature (by the key's linking tag) only for those, so a member
//     who merely views a letter sends nothing that later appears in the log (H2);
//   - the quota slots this key spent here in the current window: the server lists a slot only
//     once its cable is published, and a second cable on one slot is refused in a way that
//     links it to the first (H1).
// They stay on the member's own device, in one record per key, sealed (XChaCha20-Poly1305)
// under a key derived from the member's ring secret and padded to a multiple of 4 KiB (some
// sixty letters), and the record is rewritten at every unlock. Someone who takes the device without the passphrase finds the
// same opaque blob whatever its owner did or did not do; someone with the passphrase learns
// nothing new (the key itself yields every tag, and the public log says which were used).

export interface DeviceRecord {
  letters: string[]; // ids (hex) of the letters this key signed or withdrew on from here
  slots: { org: string; window: number; slots: number[] }[]; // quota slots spent, latest window per org
  // A cable written but not sent, kept across the idle lock (issue 17): its text only, never
  // its attachments; dropped once the cable is sent or the member discards it. While one is
  // kept the record may fill more 4 KiB buckets, which says that a long draft exists here.
  draft?: CableDraftRecord;
}

export interface CableDraftRecord {
  org: string;
  subject: string;
  body: string;
  named: boolean;
  name: string;
}

function draftOf(d: unknown): CableDraftRecord | undefined {
  if (typeof d !== 'object' || d === null) return undefined;
  const r = d as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  if (typeof r['org'] !== 'string') return undefined;
  return { org: r['org'], subject: text(r['subject']), body: text(r['body']), named: r['named'] === true, name: text(r['name']) };
}

const RECORD_LABEL = 'candor/web/v1/device-record';
const RECORD_BUCKET = 4096;

function recordKey(keys: MemberKeys): Uint8Array {
  return sodium().crypto_generichash(32, utf8(RECORD_LABEL), keys.ring.secret);
}

function sealWith(k: Uint8Array, id: string, record: DeviceRecord): Uint8Array {
  const text = utf8(JSON.stringify(record));
  // JSON holds no zero byte: zeros pad it to a multiple of the bucket, so the size says nothing.
  const plain = new Uint8Array(Math.ceil((text.length + 1) / RECORD_BUCKET) * RECORD_BUCKET);
  plain.set(text);
  const nonce = systemRng.fill(24);
  const ct = sodium().crypto_aead_xchacha20poly1305_ietf_encrypt(plain, utf8(id), null, nonce, k);
  const out = new Uint8Array(24 + ct.length);
  out.set(nonce);
  out.set(ct, 24);
  return out;
}

// An empty record for anything that does not open or parse (a record of another key, a
// damaged one): the record is a convenience, never an authority.
function openWith(k: Uint8Array, id: string, sealed: Uint8Array | undefined): DeviceRecord {
  const empty: DeviceRecord = { letters: [], slots: [] };
  if (!sealed || sealed.length < 24 + 16) return empty;
  try {
    const plain = sodium().crypto_aead_xchacha20poly1305_ietf_decrypt(null, sealed.subarray(24), utf8(id), sealed.subarray(0, 24), k);
    let end = plain.length;
    while (end > 0 && plain[end - 1] === 0) end--;
    const r = JSON.parse(fromUtf8(plain.subarray(0, end))) as Partial<DeviceRecord>;
    const draft = draftOf(r.draft);
    return {
      letters: Array.isArray(r.letters) ? r.letters.filter((l): l is string => typeof l === 'string') : [],
      slots: Array.isArray(r.slots) ? r.slots : [],
      ...(draft ? { draft } : {}),
    };
  } catch {
    return empty;
  }
}

// The record as stored bytes (exported for the unit tests; the pages use the functions below).
export function sealDeviceRecord(keys: MemberKeys, id: string, record: DeviceRecord): Uint8Array {
  const k = recordKey(keys);
  try {
    return sealWith(k, id, record);
  } finally {
    wipe(k);
  }
}

export function openDeviceRecord(keys: MemberKeys, id: string, sealed: Uint8Array | undefined): DeviceRecord {
  const k = recordKey(keys);
  try {
    return openWith(k, id, sealed);
  } finally {
    wipe(k);
  }
}

export async function readDeviceRecord(id: string, keys: MemberKeys): Promise<DeviceRecord> {
  const k = recordKey(keys); // now: the key may be locked (wiped) while the database answers
  try {
    const row = await withStore<{ id: string; sealed: Uint8Array } | undefined>(
      RECORDS,
      'readonly',
      (s) => s.get(id) as IDBRequest<{ id: string; sealed: Uint8Array } | undefined>,
    );
    return openWith(k, id, row?.sealed);
  } finally {
    wipe(k);
  }
}

// Reads, changes and rewrites the record (with a fresh nonce) in one transaction, so that
// two pages (or an unlock) changing it at once lose nothing.
export async function updateDeviceRecord(id: string, keys: MemberKeys, change: (r: DeviceRecord) => void): Promise<void> {
  const k = recordKey(keys);
  try {
    const db = await openDb();
    try {
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction(RECORDS, 'readwrite');
        const store = tx.objectStore(RECORDS);
        const get = store.get(id) as IDBRequest<{ id: string; sealed: Uint8Array } | undefined>;
        get.onsuccess = () => {
          const record = openWith(k, id, get.result?.sealed);
          change(record);
          store.put({ id, sealed: sealWith(k, id, record) });
        };
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error ?? new Error('the key store failed'));
        tx.onabort = () => reject(tx.error ?? new Error('the key store failed'));
      });
    } finally {
      db.close();
    }
  } finally {
    wipe(k);
  }
}

// Notes that this key signed or withdrew on `letterId` from this device.
export function recordLetter(id: string, keys: MemberKeys, letterId: string): Promise<void> {
  return updateDeviceRecord(id, keys, (r) => {
    if (!r.letters.includes(letterId)) r.letters.push(letterId);
  });
}

// The quota slots this key spent from this device in `window` of `org`.
export async function spentSlots(id: string, keys: MemberKeys, org: string, window: number): Promise<number[]> {
  const r = await readDeviceRecord(id, keys);
  return r.slots.find((s) => s.org === org && s.window === window)?.slots ?? [];
}

// Notes that this key spent `slot` in `window` of `org`; earlier windows of `org` are
// forgotten (the server accepts cables for the current window only).
export function recordSlot(id: string, keys: MemberKeys, org: string, window: number, slot: number): Promise<void> {
  return updateDeviceRecord(id, keys, (r) => {
    r.slots = r.slots.filter((s) => s.org !== org || s.window >= window);
    let entry = r.slots.find((s) => s.org === org && s.window === window);
    if (!entry) r.slots.push((entry = { org, window, slots: [] }));
    if (!entry.slots.includes(slot)) entry.slots.push(slot);
  });
}

// Keeps (or, with null, drops) the unsent cable of this key. The sealing key is derived before
// this returns, so a caller may pass keys that are wiped right after (the lock does).
export function saveDraft(id: string, keys: MemberKeys, draft: CableDraftRecord | null): Promise<void> {
  return updateDeviceRecord(id, keys, (r) => {
    if (draft) r.draft = draft;
    else delete r.draft;
  });
}

export async function readDraft(id: string, keys: MemberKeys): Promise<CableDraftRecord | undefined> {
  return (await readDeviceRecord(id, keys)).draft;
}

// ---- Unlocked keys (memory only) ----

// Unlocked keys lock after IDLE_LOCK_MS without activity (using a key, typing, clicking:
// keepUnlocked), so that a device left open does not stay open; a minute before, pages are
// warned (onLockWarning), and just before, they may keep what is unsent (onBeforeLock).
export const IDLE_LOCK_MS = 15 * 60 * 1000;
export const LOCK_WARNING_MS = 60 * 1000;
const unlocked = new Map<string, MemberKeys>();
let idleTimer: ReturnType<typeof setTimeout> | null = null;
let warnTimer: ReturnType<typeof setTimeout> | null = null;
const listeners = new Set<() => void>();
const warnListeners = new Set<(locksAtMs: number | null) => void>();
const beforeLockListeners = new Set<(id: string, keys: MemberKeys) => void>();
let warned = false;

function warn(locksAtMs: number | null): void {
  warned = locksAtMs !== null;
  for (const l of warnListeners) l(locksAtMs);
}

function touch(): void {
  if (idleTimer !== null) clearTimeout(idleTimer);
  if (warnTimer !== null) clearTimeout(warnTimer);
  idleTimer = unlocked.size === 0 ? null : setTimeout(lockAll, IDLE_LOCK_MS);
  warnTimer = unlocked.size === 0 ? null : setTimeout(() => warn(Date.now() + LOCK_WARNING_MS), IDLE_LOCK_MS - LOCK_WARNING_MS);
  if (warned) warn(null);
}

// Activity on the page (typing, clicking): the idle lock starts counting again.
export function keepUnlocked(): void {
  if (unlocked.size > 0) touch();
}

// Called with the time the keys will lock, a minute ahead; with null when that was put off
// (activity) or happened.
export function onLockWarning(listener: (locksAtMs: number | null) => void): () => void {
  warnListeners.add(listener);
  return () => warnListeners.delete(listener);
}

// Called for each key about to be locked, while its secrets still exist.
export function onBeforeLock(listener: (id: string, keys: MemberKeys) => void): () => void {
  beforeLockListeners.add(listener);
  return () => beforeLockListeners.delete(listener);
}

function changed(): void {
  touch();
  for (const l of listeners) l();
}

// Called when any key is locked or unlocked (pages redraw).
export function onLockChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function unlockedKeys(id: string): MemberKeys | undefined {
  const k = unlocked.get(id);
  if (k) touch();
  return k;
}

// The keys, without counting as use of them (the idle lock goes on counting): for work the page
// does by itself, such as keeping a draft.
export function heldKeys(id: string): MemberKeys | undefined {
  return unlocked.get(id);
}

export function isUnlocked(id: string): boolean {
  return unlocked.has(id);
}

export function remember(id: string, keys: MemberKeys): void {
  const old = unlocked.get(id);
  if (old && old !== keys) wipe(old.ring.secret, old.box.secret);
  unlocked.set(id, keys);
  // Every key gets its device record, rewritten at each unlock (see above): whether it exists
  // and when it last changed say nothing about what the key did.
  if (typeof indexedDB !== 'undefined') void updateDeviceRecord(id, keys, () => undefined).catch(() => undefined);
  changed();
}

export function lock(id: string): void {
  const k = unlocked.get(id);
  if (!k) return;
  for (const l of beforeLockListeners) {
    try {
      l(id, k);
    } catch {
      // a page's draft is a convenience: the lock happens regardless
    }
  }
  wipe(k.ring.secret, k.box.secret);
  unlocked.delete(id);
  changed();
}

export function lockAll(): void {
  for (const id of Array.from(unlocked.keys())) lock(id);
}

if (typeof window !== 'undefined') {
  window.addEventListener('pagehide', lockAll);
}
