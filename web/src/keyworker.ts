// The page's side of workers/keys.worker.ts: create, open and re-encrypt key files with
// Argon2id without freezing the page.
import type { MemberKeys } from './crypto/keys.js';

export type KeyRequest =
  | { id: number; op: 'create'; passphrase: string }
  | { id: number; op: 'open'; file: Uint8Array; passphrase: string }
  | { id: number; op: 'passwd'; file: Uint8Array; passphrase: string; newPassphrase: string };

export type KeyResponse =
  | { id: number; ok: true; file?: Uint8Array; keys?: MemberKeys }
  | { id: number; ok: false; code: string; message: string };

// A failure of the key worker with the crypto core's error code ('unauthenticated' for a
// wrong passphrase, 'corrupt data' for a file that is not a key file, …).
export class KeyFileError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'KeyFileError';
    this.code = code;
  }
}

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, (r: KeyResponse) => void>();

function getWorker(): Worker {
  if (worker === null) {
    worker = new Worker(new URL('./workers/keys.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<KeyResponse>) => {
      const done = pending.get(e.data.id);
      pending.delete(e.data.id);
      done?.(e.data);
    };
    worker.onerror = () => {
      for (const [id, done] of pending) {
        done({ id, ok: false, code: 'internal error', message: 'the key worker failed to start' });
      }
      pending.clear();
      worker = null;
    };
  }
  return worker;
}

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

function call(req: WithoutId<KeyRequest>): Promise<KeyResponse & { ok: true }> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, (r) => {
      if (r.ok) resolve(r);
      else reject(new KeyFileError(r.code, r.message));
    });
    getWorker().postMessage({ ...req, id });
  });
}

// A new member key sealed under `passphrase` (Argon2id MODERATE): the 208-byte key file,
// and the keys themselves (already unlocked).
export async function createKeyFile(passphrase: string): Promise<{ file: Uint8Array; keys: MemberKeys }> {
  const r = await call({ op: 'create', passphrase });
  return { file: r.file!, keys: r.keys! };
}

// The keys inside `file`. KeyFileError 'unauthenticated' for a wrong passphrase.
export async function openKey(file: Uint8Array, passphrase: string): Promise<MemberKeys> {
  const r = await call({ op: 'open', file, passphrase });
  return r.keys!;
}

// The same keys under a new passphrase (fresh salt and nonce).
export async function changePassphrase(
  file: Uint8Array,
  passphrase: string,
  newPassphrase: string,
): Promise<Uint8Array> {
  const r = await call({ op: 'passwd', file, passphrase, newPassphrase });
  return r.file!;
}
