// The page's side of workers/keys.worker.ts: create, open and re-encrypt key files with
// Argon2id, and make candor-lrs-v2 co-signatures over whole rosters, without freezing the page.
import type { CableDraft, CableInputs, SealedCable } from './cable.js';
import type { CoSignature } from './crypto/cosignature.js';
import type { MemberKeys } from './crypto/keys.js';
import type { SignatureAction } from './crypto/letter.js';

export type KeyRequest =
  | { id: number; op: 'create'; passphrase: string }
  | { id: number; op: 'open'; file: Uint8Array; passphrase: string }
  | { id: number; op: 'passwd'; file: Uint8Array; passphrase: string; newPassphrase: string }
  // members: the ring's keys, 32 bytes each, in roster order.
  | { id: number; op: 'sign-v2'; letterId: Uint8Array; action: SignatureAction; members: Uint8Array; index: number; secret: Uint8Array }
  | { id: number; op: 'seal-cable'; draft: CableDraft; inputs: CableInputs; keys: MemberKeys };

export type KeyResponse =
  | { id: number; ok: true; file?: Uint8Array; keys?: MemberKeys; cosignature?: CoSignature; sealed?: SealedCable }
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

// A candor-lrs-v2 co-signature (signLetterV2) made in the worker: at 10^4 members it takes a
// few seconds, during which the page keeps answering. The secret goes to the worker (this
// browser) and nowhere else; the worker forgets it when done.
export async function signLetterV2InWorker(
  letterId: Uint8Array,
  action: SignatureAction,
  members: readonly Uint8Array[],
  index: number,
  secret: Uint8Array,
): Promise<CoSignature> {
  const flat = new Uint8Array(32 * members.length);
  members.forEach((m, i) => flat.set(m, 32 * i));
  const r = await call({ op: 'sign-v2', letterId, action, members: flat, index, secret: secret.slice() });
  return r.cosignature!;
}

// sealCable in the worker: its two candor-lrs-v2 signatures over the whole roster take seconds
// at 10^4 members. The keys go to the worker (this browser) and nowhere else.
export async function sealCableInWorker(draft: CableDraft, inputs: CableInputs, keys: MemberKeys): Promise<SealedCable> {
  const r = await call({ op: 'seal-cable', draft, inputs, keys });
  return r.sealed!;
}
