// The member's keys on this device.
//
// Key files live in the crypto core's KeyStore (crypto/keystore.ts: IndexedDB "candor-keys"),
// exactly as `candor keygen` writes them (docs/FORMATS.md: Argon2id MODERATE +
// XChaCha20-Poly1305 under the member's passphrase), so "export" is a download of those bytes
// and "import" stores a file the command line made. Beside each, in this module's own
// database: which organization it was made for and whether the enrollment went through. The
// public keys are in the key file's clear header anyway; nothing about what a key signed or
// wrote is ever stored: the pages recompute it from the key when it is unlocked.
//
// Unlocked keys live only in this page's memory, and are wiped when the member locks them,
// after 15 idle minutes, or when the page goes away.
import { toHex } from './crypto/bytes.js';
import type { MemberKeys } from './crypto/keys.js';
import { wipe } from './crypto/sodium.js';
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
}

interface KeyMeta {
  id: string;
  org: string;
  orgName: string;
  enrolled: boolean;
  purpose?: 'member' | 'reviewer';
}

const DB_NAME = 'candor';
const DB_VERSION = 1;
const META = 'key-meta'; // KeyMeta by key id
const SETTINGS = 'settings'; // {name, value}: the pinned log key

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
    });
  }
  return out;
}

// Stores (or updates) a key file and what this device knows about it.
export async function putKey(key: StoredKey): Promise<void> {
  await (await files()).save(key.file, key.orgName, { overwrite: true });
  const meta: KeyMeta = { id: key.id, org: key.org, orgName: key.orgName, enrolled: key.enrolled, purpose: key.purpose };
  await withStore(META, 'readwrite', (s) => s.put(meta));
}

export async function deleteKey(id: string): Promise<void> {
  lock(id);
  await (await files()).delete(id);
  await withStore(META, 'readwrite', (s) => s.delete(id));
}

// The log key this browser saw first (trust on first use, like `candor audit` keeping the
// tree head it saw in ~/.candor): signing refuses a server whose log key changed since.
// Returns the pinned key; pins `seen` when none was pinned yet.
export async function pinLogKey(seen: string): Promise<string> {
  const pinned = await withStore<{ name: string; value: string } | undefined>(
    SETTINGS,
    'readonly',
    (s) => s.get('log-key') as IDBRequest<{ name: string; value: string } | undefined>,
  );
  if (pinned) return pinned.value;
  await withStore(SETTINGS, 'readwrite', (s) => s.put({ name: 'log-key', value: seen }));
  return seen;
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

// ---- Unlocked keys (memory only) ----

const IDLE_LOCK_MS = 15 * 60 * 1000;
const unlocked = new Map<string, MemberKeys>();
let idleTimer: ReturnType<typeof setTimeout> | null = null;
const listeners = new Set<() => void>();

function touch(): void {
  if (idleTimer !== null) clearTimeout(idleTimer);
  idleTimer = unlocked.size === 0 ? null : setTimeout(lockAll, IDLE_LOCK_MS);
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

export function isUnlocked(id: string): boolean {
  return unlocked.has(id);
}

export function remember(id: string, keys: MemberKeys): void {
  const old = unlocked.get(id);
  if (old && old !== keys) wipe(old.ring.secret, old.box.secret);
  unlocked.set(id, keys);
  changed();
}

export function lock(id: string): void {
  const k = unlocked.get(id);
  if (!k) return;
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
