// The browser's key store: a member's key files in IndexedDB, encrypted under the member's
// passphrase exactly as `candor keygen` writes them (keyfile.ts; docs/FORMATS.md "Key file").
//
// Only the 208-byte key file is stored, with its public keys and a label for display; the
// secrets never touch storage in clear. "Export" is load() (save the bytes as a .key file,
// which `candor` opens); "import" is importKeyFile() of such a file.
//
//   await ready();
//   const store = await KeyStore.open();                       // IndexedDB "candor-keys"
//   const info = await store.create('my passphrase', 'work');  // Argon2id: ~1–2 s
//   const keys = await store.unlock(info.id, 'my passphrase'); // MemberKeys; wipeMemberKeys after use
//   const file = await store.load(info.id);                    // bytes for a download
//
// A key's id is its ring public key in hex. create/unlock/changePassphrase run Argon2id
// (MODERATE: 256 MiB) synchronously in WebAssembly: from a Web Worker the page stays
// responsive (IndexedDB is available in workers too).
import { toHex } from './bytes.js';
import { CandorError } from './errors.js';
import {
  changeKeyFilePassphrase,
  createMemberKeyFile,
  kdfModerate,
  openKeyFile,
  parseKeyFile,
  type KdfParams,
} from './keyfile.js';
import { wipeMemberKeys, type MemberKeys } from './keys.js';

export interface StoredKeyInfo {
  id: string; // the ring public key, hex
  label: string;
  ringPublic: string; // hex
  boxPublic: string; // hex
  savedAt: number; // ms since the epoch
}

export interface StoredKeyRecord extends StoredKeyInfo {
  file: Uint8Array; // the encrypted key file, 208 bytes
}

// Where records live: IndexedDB in a browser, memory in tests.
export interface KeyStoreBackend {
  getAll(): Promise<StoredKeyRecord[]>;
  get(id: string): Promise<StoredKeyRecord | undefined>;
  put(record: StoredKeyRecord): Promise<void>;
  delete(id: string): Promise<void>;
  close(): void;
}

export const KEYSTORE_DB_NAME = 'candor-keys';
const STORE = 'keys';

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

class IndexedDbBackend implements KeyStoreBackend {
  constructor(private readonly db: IDBDatabase) {}

  static async open(name: string, factory: IDBFactory): Promise<IndexedDbBackend> {
    const req = factory.open(name, 1);
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(STORE)) {
        req.result.createObjectStore(STORE, { keyPath: 'id' });
      }
    };
    return new IndexedDbBackend(await request(req));
  }

  private async run<T>(mode: IDBTransactionMode, f: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    const tx = this.db.transaction(STORE, mode);
    const result = await request(f(tx.objectStore(STORE)));
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
    return result;
  }

  async getAll(): Promise<StoredKeyRecord[]> {
    return (await this.run('readonly', (s) => s.getAll())) as StoredKeyRecord[];
  }
  async get(id: string): Promise<StoredKeyRecord | undefined> {
    return (await this.run('readonly', (s) => s.get(id))) as StoredKeyRecord | undefined;
  }
  async put(record: StoredKeyRecord): Promise<void> {
    await this.run('readwrite', (s) => s.put(record));
  }
  async delete(id: string): Promise<void> {
    await this.run('readwrite', (s) => s.delete(id));
  }
  close(): void {
    this.db.close();
  }
}

// An in-memory backend (tests, or pages that must not persist anything).
export class MemoryKeyStoreBackend implements KeyStoreBackend {
  private readonly records = new Map<string, StoredKeyRecord>();
  async getAll(): Promise<StoredKeyRecord[]> {
    return [...this.records.values()].map((r) => ({ ...r, file: r.file.slice() }));
  }
  async get(id: string): Promise<StoredKeyRecord | undefined> {
    const r = this.records.get(id);
    return r && { ...r, file: r.file.slice() };
  }
  async put(record: StoredKeyRecord): Promise<void> {
    this.records.set(record.id, { ...record, file: record.file.slice() });
  }
  async delete(id: string): Promise<void> {
    this.records.delete(id);
  }
  close(): void {}
}

function info(r: StoredKeyRecord): StoredKeyInfo {
  return { id: r.id, label: r.label, ringPublic: r.ringPublic, boxPublic: r.boxPublic, savedAt: r.savedAt };
}

export class KeyStore {
  private constructor(private readonly backend: KeyStoreBackend) {}

  // Opens (creating if needed) the IndexedDB database `name` of `factory` (default: the
  // global indexedDB of the page or worker).
  static async open(options: { name?: string; indexedDB?: IDBFactory } = {}): Promise<KeyStore> {
    const factory = options.indexedDB ?? globalThis.indexedDB;
    if (factory === undefined) {
      throw new CandorError('failed precondition', 'this browser offers no IndexedDB to keep keys in');
    }
    return new KeyStore(await IndexedDbBackend.open(options.name ?? KEYSTORE_DB_NAME, factory));
  }

  static withBackend(backend: KeyStoreBackend): KeyStore {
    return new KeyStore(backend);
  }

  // Every stored key's public information, oldest first.
  async list(): Promise<StoredKeyInfo[]> {
    const all = await this.backend.getAll();
    return all.map(info).sort((a, b) => a.savedAt - b.savedAt || (a.id < b.id ? -1 : 1));
  }

  // Stores a key file (already encrypted). It must parse as a key file ('corrupt data'
  // otherwise). A different file for the same key is refused ('already exists') unless
  // `overwrite`; saving the very same bytes again only updates the label.
  async save(
    file: Uint8Array,
    label = '',
    options: { overwrite?: boolean } = {},
  ): Promise<StoredKeyInfo> {
    const parsed = parseKeyFile(file);
    const id = toHex(parsed.ringPublic);
    const existing = await this.backend.get(id);
    const same = existing !== undefined && toHex(existing.file) === toHex(file);
    if (existing !== undefined && !same && !options.overwrite) {
      throw new CandorError('already exists', 'this browser already holds another key file for this key');
    }
    const record: StoredKeyRecord = {
      id,
      label,
      ringPublic: id,
      boxPublic: toHex(parsed.boxPublic),
      savedAt: existing?.savedAt ?? Date.now(),
      file: file.slice(),
    };
    await this.backend.put(record);
    return info(record);
  }

  // Creates a fresh member key under `passphrase` and stores its key file.
  async create(passphrase: string, label = '', kdf: KdfParams = kdfModerate()): Promise<StoredKeyInfo> {
    const made = createMemberKeyFile(passphrase, kdf);
    return this.save(made.file, label);
  }

  // Imports a key file made by `candor keygen` (or exported from another browser). With a
  // passphrase, checks first that it opens (the secrets are wiped straight away).
  async importKeyFile(file: Uint8Array, label = '', passphrase?: string): Promise<StoredKeyInfo> {
    if (passphrase !== undefined) wipeMemberKeys(openKeyFile(file, passphrase));
    return this.save(file, label);
  }

  // The encrypted key file bytes (for export), or undefined.
  async load(id: string): Promise<Uint8Array | undefined> {
    return (await this.backend.get(id))?.file;
  }

  // Decrypts a stored key. 'not found' for an unknown id, 'unauthenticated' for a wrong
  // passphrase. The caller owns the secrets: wipeMemberKeys(keys) when done.
  async unlock(id: string, passphrase: string): Promise<MemberKeys> {
    const r = await this.backend.get(id);
    if (r === undefined) throw new CandorError('not found', `no stored key ${id}`);
    return openKeyFile(r.file, passphrase);
  }

  // Re-encrypts a stored key under a new passphrase (fresh salt and nonce) and replaces it.
  async changePassphrase(
    id: string,
    oldPassphrase: string,
    newPassphrase: string,
    kdf: KdfParams = kdfModerate(),
  ): Promise<void> {
    const r = await this.backend.get(id);
    if (r === undefined) throw new CandorError('not found', `no stored key ${id}`);
    const file = changeKeyFilePassphrase(r.file, oldPassphrase, newPassphrase, kdf);
    await this.backend.put({ ...r, file });
  }

  async setLabel(id: string, label: string): Promise<void> {
    const r = await this.backend.get(id);
    if (r === undefined) throw new CandorError('not found', `no stored key ${id}`);
    await this.backend.put({ ...r, label });
  }

  // Removes a key; true if it was there. The member loses it unless exported.
  async delete(id: string): Promise<boolean> {
    const had = (await this.backend.get(id)) !== undefined;
    if (had) await this.backend.delete(id);
    return had;
  }

  close(): void {
    this.backend.close();
  }
}
