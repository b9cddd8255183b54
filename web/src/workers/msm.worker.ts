// One share of a candor-lrs-v2 signer's sums over the ring (lrs2SumOfProducts), for the key
// worker, which spreads the m sums of a signature over the machine's cores
// (keys.worker.ts, "sign-v2"). Holds nothing between requests; the scalars are wiped.
import { lrs2SumOfProducts } from '../crypto/lrs2.js';
import { ready, wipe } from '../crypto/sodium.js';

// points: the ring's keys, 32 bytes each; jobs: each sum's scalars, 32 bytes each, ring order.
export interface MsmRequest {
  points: Uint8Array;
  jobs: Uint8Array[];
}
// First {started: true} as soon as the request arrives, then the results.
export type MsmResponse = { started: true } | { ok: true; results: Uint8Array[] } | { ok: false; message: string };

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<MsmRequest>) => void) | null;
  postMessage(message: MsmResponse): void;
};

function split(flat: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < flat.length; i += 32) out.push(flat.subarray(i, i + 32));
  return out;
}

scope.onmessage = (event) => {
  scope.postMessage({ started: true });
  void (async () => {
    try {
      await ready();
      const points = split(event.data.points);
      const results = event.data.jobs.map((job) => lrs2SumOfProducts(split(job), points));
      wipe(...event.data.jobs);
      scope.postMessage({ ok: true, results });
    } catch (e) {
      scope.postMessage({ ok: false, message: e instanceof Error ? e.message : String(e) });
    }
  })();
};
