// A Web Worker that recounts a letter bundle off the page's thread (bundle.ts).
//
//   const worker = new Worker(new URL('./crypto/recount_worker.ts', import.meta.url),
//                             { type: 'module' });
//   worker.onmessage = (e: MessageEvent<RecountReply>) => …;   // progress…, then done or error
//   worker.postMessage({ bundle: bytes, logKey: '…64 hex…', minRing: 20 } satisfies RecountRequest);
//
// Replies: {type:'progress', done, total} (about 100 of them), then either {type:'done',
// report} — report is bundleReportToJson's object, with bigints for the 64-bit fields — or
// {type:'error', code, message} (code as CandorError: 'invalid argument' for a file that is
// not a bundle, 'verification failed' when a check fails). recountClient.ts wraps this in a
// promise.
import { fixedFromHex } from './bytes.js';
import { bundleReportToJson, recountLetterBundle } from './bundle.js';
import { CandorError } from './errors.js';
import type { JsonInput } from './json.js';
import { ready } from './sodium.js';

export interface RecountRequest {
  bundle: Uint8Array | string; // the bundle file's bytes (preferred) or text
  logKey?: string; // the log's public key the bundle must carry (hex)
  letterId?: string; // the letter the bundle must be for (hex)
  minRing?: number; // default 20
  requireComplete?: boolean; // refuse a bundle without the log state (docs/PROTOCOL.md "Log state")
  maxAgeHours?: number; // refuse a tree head older than this (0 or absent: any age)
}

export type RecountReply =
  | { type: 'progress'; done: number; total: number }
  | { type: 'done'; report: JsonInput }
  | { type: 'error'; code: string; message: string };

// The worker's whole job, separate from the message plumbing so that it can be tested.
export async function handleRecountRequest(
  request: RecountRequest,
  post: (reply: RecountReply) => void,
): Promise<void> {
  try {
    await ready();
    const report = recountLetterBundle(request.bundle, {
      ...(request.logKey ? { expectedLogKey: fixedFromHex(request.logKey, 32, 'the log key') } : {}),
      ...(request.letterId ? { letterId: fixedFromHex(request.letterId, 32, 'the letter id') } : {}),
      ...(request.minRing !== undefined ? { minRing: request.minRing } : {}),
      ...(request.requireComplete ? { requireComplete: true } : {}),
      ...(request.maxAgeHours ? { maxAgeMs: BigInt(request.maxAgeHours) * 3_600_000n, nowMs: BigInt(Date.now()) } : {}),
      progress: (done, total) => post({ type: 'progress', done, total }),
    });
    post({ type: 'done', report: bundleReportToJson(report) });
  } catch (e) {
    if (e instanceof CandorError) post({ type: 'error', code: e.code, message: e.message });
    else post({ type: 'error', code: 'internal error', message: String(e) });
  }
}

// Wire the handler when this module runs as a dedicated worker.
interface WorkerScope {
  postMessage(message: RecountReply): void;
  onmessage: ((event: { data: RecountRequest }) => void) | null;
}
const scope = globalThis as unknown as Partial<WorkerScope> & { WorkerGlobalScope?: unknown };
if (typeof scope.WorkerGlobalScope !== 'undefined' && typeof scope.postMessage === 'function') {
  const self = scope as WorkerScope;
  self.onmessage = (event) => {
    void handleRecountRequest(event.data, (reply) => self.postMessage(reply));
  };
}
