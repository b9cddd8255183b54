// "Verify it yourself": download a letter's bundle, then recount it in a Web Worker with the
// crypto core's recount (crypto/recount_client.ts, the browser's `candor verify`).
import { apiBundle } from './api.js';
import type { JsonInput } from './crypto/json.js';
import { recountInWorker } from './crypto/recount_client.js';

export interface RecountResult {
  organizations: { slug: string; signers: number; rosterSize: number }[];
  total: number;
  signaturesChecked: number;
  withdrawals: number;
  duplicatesDropped: number;
  batches: number;
  treeSize: number;
  logKey: string;
  complete: boolean; // the log state proved no batch or roster version left out
}

// An honest server makes a checkpoint at least daily (docs/PROTOCOL.md, "Log state"); the
// command line refuses older bundles by the same default.
const MAX_AGE_HOURS = 72;

export interface RecountProgress {
  phase: 'download' | 'verify';
  done: number;
  total: number;
}

type Obj = { [key: string]: JsonInput };

function num(v: JsonInput | undefined): number {
  return typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : NaN;
}

// The report of bundleReportToJson, read into plain numbers for display.
function fromReport(report: JsonInput): RecountResult {
  const r = report as Obj;
  const orgs = (r.organizations as Obj[] | undefined) ?? [];
  const head = (r.tree_head as Obj | undefined) ?? {};
  return {
    organizations: orgs.map((o) => ({ slug: String(o.slug), signers: num(o.signers), rosterSize: num(o.roster_size) })),
    total: num(r.total),
    signaturesChecked: num(r.signatures_checked),
    withdrawals: num(r.withdrawals),
    duplicatesDropped: num(r.duplicates_dropped),
    batches: num(r.batches),
    treeSize: num(head.tree_size),
    logKey: String(r.log_public_key),
    complete: r.complete === true,
  };
}

export async function recount(letterId: string, onProgress: (p: RecountProgress) => void): Promise<RecountResult> {
  onProgress({ phase: 'download', done: 0, total: 0 });
  // Without a size: the server's newest checkpoint that holds the letter, whose log state proves
  // the bundle complete — required here, like the command line's default.
  const bundle = await apiBundle(letterId, true);
  onProgress({ phase: 'verify', done: 0, total: 0 });
  try {
    const report = await recountInWorker({ bundle, letterId, requireComplete: true, maxAgeHours: MAX_AGE_HOURS }, (done, total) =>
      onProgress({ phase: 'verify', done, total }),
    );
    return fromReport(report);
  } catch (e) {
    const code = (e as { code?: string }).code;
    const message = e instanceof Error ? e.message : String(e);
    if (code === 'verification failed' && message.includes('does not prove that it is complete')) {
      throw new Error(
        'The server did not send the log’s proof that nothing is left out of this letter’s count, so it cannot be recounted. A letter published since the last batch has no such proof until the next one: try again later. If it keeps happening, report it to the organization.',
      );
    }
    if (code === 'verification failed') {
      throw new Error(`The log does not prove these signatures: ${message}. Do not trust this letter’s count; report this to the organization.`);
    }
    if (code === 'invalid argument') throw new Error(`The server sent a letter bundle this browser cannot read: ${message}.`);
    throw e;
  }
}

