// The page's side of recount_worker.ts: recount a letter bundle in a Web Worker and get the
// counts as a promise.
//
//   const report = await recountInWorker({ bundle: new Uint8Array(await file.arrayBuffer()),
//                                          logKey }, (done, total) => bar.update(done, total));
//   report.organizations, report.total  // as bundleReportToJson writes them
//
// The promise rejects with a CandorError carrying the worker's code and message. Vite bundles
// the worker because of the `new URL(…, import.meta.url)` form below.
import { CandorError, type ErrorCode } from './errors.js';
import type { JsonInput } from './json.js';
import type { RecountReply, RecountRequest } from './recount_worker.js';

export function recountInWorker(
  request: RecountRequest,
  onProgress?: (done: number, total: number) => void,
): Promise<JsonInput> {
  const worker = new Worker(new URL('./recount_worker.ts', import.meta.url), { type: 'module' });
  return new Promise<JsonInput>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<RecountReply>) => {
      const reply = event.data;
      if (reply.type === 'progress') {
        onProgress?.(reply.done, reply.total);
        return;
      }
      worker.terminate();
      if (reply.type === 'done') resolve(reply.report);
      else reject(new CandorError(reply.code as ErrorCode, reply.message));
    };
    worker.onerror = (event: ErrorEvent) => {
      worker.terminate();
      reject(new CandorError('internal error', `the recount worker failed: ${event.message}`));
    };
    worker.postMessage(request);
  });
}
