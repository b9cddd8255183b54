// Argon2id runs here, off the page's thread: at the pinned cost (MEMLIMIT_MODERATE, 256 MiB)
// it takes a second or more, and the page must keep answering (and keep announcing progress)
// meanwhile. So does the candor-lrs-v2 signer (seconds at 10^4 members). The worker holds
// nothing between requests.
import { ready, wipe } from '../crypto/sodium.js';
import { changeKeyFilePassphrase, openKeyFile, sealKeyFile } from '../crypto/keyfile.js';
import { generateMemberKeys } from '../crypto/keys.js';
import { signLetterV2Begin } from '../crypto/cosignature.js';
import { lrs2SumOfProducts } from '../crypto/lrs2.js';
import { pointAdd } from '../crypto/ristretto.js';
import type { MsmRequest, MsmResponse } from './msm.worker.js';
import { sealCable } from '../cable.js';
import { Ring } from '../crypto/lrs.js';
import { isCandorError } from '../crypto/errors.js';
import type { KeyRequest, KeyResponse } from '../keyworker.js';

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<KeyRequest>) => void) | null;
  postMessage(message: KeyResponse): void;
};

// The signer's m sums over the ring, spread over the machine's cores: the ring is cut into as
// many runs of keys as there are cores; this worker sums the first run, a helper worker
// (msm.worker.ts) each other one, every sum over its run, and the runs' sums are added. Falls
// back to this worker alone where a helper cannot start or fails. This worker starts on its
// own run only once every helper says it has started: Chromium starts a nested worker from its
// parent's event loop, which a run in progress would hold up.
async function spreadSums(sums: Uint8Array[][], flatPoints: Uint8Array, points: readonly Uint8Array[]): Promise<Uint8Array[]> {
  const n = points.length;
  const cores = Math.max(1, Math.min(Math.ceil(n / 1024), (globalThis.navigator?.hardwareConcurrency ?? 1) | 0));
  const cut = (c: number) => Math.floor((n * c) / cores);
  const local = (from: number, to: number) => sums.map((row) => lrs2SumOfProducts(row.slice(from, to), points.slice(from, to)));
  const started: Promise<void>[] = [];
  const runs = Array.from({ length: cores - 1 }, async (_, i): Promise<Uint8Array[]> => {
    const from = cut(i + 1);
    const to = cut(i + 2);
    const jobs = sums.map((row) => {
      const flat = new Uint8Array(32 * (to - from));
      for (let k = from; k < to; k++) flat.set(row[k]!, 32 * (k - from));
      return flat;
    });
    let worker: Worker;
    try {
      worker = new Worker(new URL('./msm.worker.ts', import.meta.url), { type: 'module' });
    } catch {
      return local(from, to);
    }
    let onStart = (): void => {};
    started.push(new Promise<void>((resolve) => (onStart = resolve)));
    const reply = await new Promise<MsmResponse>((resolve) => {
      worker.onmessage = (e: MessageEvent<MsmResponse>) => ('started' in e.data ? onStart() : resolve(e.data));
      worker.onerror = () => {
        onStart();
        resolve({ ok: false, message: 'the helper worker failed' });
      };
      const request: MsmRequest = { points: flatPoints.slice(32 * from, 32 * to), jobs };
      worker.postMessage(request, [request.points.buffer as ArrayBuffer, ...jobs.map((j) => j.buffer as ArrayBuffer)]);
    });
    worker.terminate();
    return 'ok' in reply && reply.ok ? reply.results : local(from, to);
  });
  // Bounded: a helper that never answers slows the signature down, never stops it.
  await Promise.race([Promise.all(started), new Promise((resolve) => setTimeout(resolve, 5000))]);
  let total = local(0, cut(1));
  for (const run of await Promise.all(runs)) total = total.map((sum, j) => pointAdd(sum, run[j]!));
  return total;
}

scope.onmessage = (event) => {
  const req = event.data;
  void (async () => {
    try {
      await ready();
      if (req.op === 'create') {
        // The new keys go back with their file, so that the member need not wait for
        // Argon2id a second time to use them.
        const keys = generateMemberKeys();
        const file = sealKeyFile(keys, req.passphrase);
        scope.postMessage({ id: req.id, ok: true, file, keys });
        wipe(keys.ring.secret, keys.box.secret);
      } else if (req.op === 'open') {
        const keys = openKeyFile(req.file, req.passphrase);
        scope.postMessage({ id: req.id, ok: true, keys });
        wipe(keys.ring.secret, keys.box.secret); // the page got a copy
      } else if (req.op === 'seal-cable') {
        const sealed = sealCable(req.draft, req.inputs, req.keys);
        wipe(req.keys.ring.secret, req.keys.box.secret);
        scope.postMessage({ id: req.id, ok: true, sealed });
      } else if (req.op === 'sign-v2') {
        const members: Uint8Array[] = [];
        for (let i = 0; i < req.members.length; i += 32) members.push(req.members.subarray(i, i + 32));
        const ring = Ring.create(members);
        const pending = signLetterV2Begin(req.letterId, req.action, ring, req.index, req.secret);
        const cosignature = pending.finish(await spreadSums(pending.sums, req.members, ring.members));
        wipe(req.secret); // after finish, which still needs it
        scope.postMessage({ id: req.id, ok: true, cosignature });
      } else {
        const file = changeKeyFilePassphrase(req.file, req.passphrase, req.newPassphrase);
        scope.postMessage({ id: req.id, ok: true, file });
      }
    } catch (e) {
      const code = isCandorError(e) ? e.code : 'internal error';
      const message = e instanceof Error ? e.message : String(e);
      scope.postMessage({ id: req.id, ok: false, code, message });
    }
  })();
};
