// "Verify it yourself": check the public log as every other flow does (trust.ts: the pinned
// key, no rollback, no fork), download the letter's bundle at the newest checkpoint this
// browser accepted, then recount it in a Web Worker with the crypto core's recount
// (crypto/recount_client.ts, the browser's `candor verify`).
import { ApiError, apiBundle } from './api.js';
import { toHex } from './crypto/bytes.js';
import type { JsonInput } from './crypto/json.js';
import { recountInWorker } from './crypto/recount_client.js';
import type { RecountRequest } from './crypto/recount_worker.js';
import { signedTreeHeadToJson, type SignedTreeHead } from './crypto/tree_head.js';
import { fetchTrustedHead, type TrustedHead } from './trust.js';

export interface RecountResult {
  organizations: { slug: string; signers: number; rosterSize: number }[];
  total: number;
  signaturesChecked: number;
  wholeRosterSignatures: number; // of those, each hiding its signer among a whole roster
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
  const orgs = (r['organizations'] as Obj[] | undefined) ?? [];
  const head = (r['tree_head'] as Obj | undefined) ?? {};
  return {
    organizations: orgs.map((o) => ({ slug: String(o['slug']), signers: num(o['signers']), rosterSize: num(o['roster_size']) })),
    total: num(r['total']),
    signaturesChecked: num(r['signatures_checked']),
    wholeRosterSignatures: num(r['whole_roster_signatures']),
    withdrawals: num(r['withdrawals']),
    duplicatesDropped: num(r['duplicates_dropped']),
    batches: num(r['batches']),
    treeSize: num(head['tree_size']),
    logKey: String(r['log_public_key']),
    complete: r['complete'] === true,
  };
}

// What recount reads and runs: the browser's (trust.ts, api.ts, the worker) unless a test
// injects its own.
export interface RecountDeps {
  trustedHead: () => Promise<TrustedHead>;
  bundle: (letterId: string, withSignatures: boolean, treeSize: bigint) => Promise<Uint8Array>;
  worker: (request: RecountRequest, onProgress: (done: number, total: number) => void) => Promise<JsonInput>;
}

const browserDeps: RecountDeps = {
  trustedHead: () => fetchTrustedHead(),
  bundle: apiBundle,
  worker: recountInWorker,
};

// True iff the report's tree head (bundleReportToJson's tree_head) is `sth`, field for field.
function reportHeadIs(report: JsonInput, sth: SignedTreeHead): boolean {
  const head = (report as Obj | null)?.['tree_head'];
  if (head === null || typeof head !== 'object' || Array.isArray(head) || head instanceof Map) return false;
  const h = head as Obj;
  const want = signedTreeHeadToJson(sth);
  const whole = (v: JsonInput | undefined) => (typeof v === 'bigint' || typeof v === 'number' ? String(v) : null);
  return (
    whole(h['tree_size']) === String(want.tree_size) &&
    h['root'] === want.root &&
    whole(h['timestamp_ms']) === String(want.timestamp_ms) &&
    h['signature'] === want.signature
  );
}

export async function recount(
  letterId: string,
  onProgress: (p: RecountProgress) => void,
  deps: RecountDeps = browserDeps,
): Promise<RecountResult> {
  onProgress({ phase: 'download', done: 0, total: 0 });
  // The log first, as every other flow (pinned key, no rollback, no fork): its refusals (a
  // changed key, a rewritten history, no checkpoint) reach the page in their own plain words.
  const head = await deps.trustedHead();
  // The bundle at the newest checkpoint this browser accepted, whose log state proves it
  // complete — required here, like the command line's default. A letter published since then
  // is not in a tree of that size (404): its bundle at the latest head has no log state, and is
  // refused below as not proven complete (until the next batch).
  let at = head.checkpoint ?? head.sth;
  let bundle: Uint8Array;
  try {
    bundle = await deps.bundle(letterId, true, at.head.size);
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 404)) throw e;
    if (at.head.size === head.sth.head.size) {
      // With witnesses the head is their newest confirmed checkpoint: a letter published since.
      if (head.witnessed !== null) {
        throw new Error(
          'This letter is newer than the newest state of the public log your witnesses confirmed, so it cannot be recounted yet. Try again later, once they have confirmed a newer one.',
        );
      }
      throw e;
    }
    at = head.sth;
    bundle = await deps.bundle(letterId, true, at.head.size);
  }
  onProgress({ phase: 'verify', done: 0, total: 0 });
  let report: JsonInput;
  try {
    report = await deps.worker(
      { bundle, letterId, logKey: toHex(head.logKey), requireComplete: true, maxAgeHours: MAX_AGE_HOURS },
      (done, total) => onProgress({ phase: 'verify', done, total }),
    );
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
  // The bundle must be of the very head it was asked at (the server keeps one head per size):
  // one of another moment of the log — an older checkpoint, another history — proves nothing
  // about the log this browser checked.
  if (!reportHeadIs(report, at)) {
    throw new Error(
      `The server sent this letter’s signatures against another state of its public log than the one this browser checked (${at.head.size.toLocaleString()} entries), so its count cannot be trusted. ` +
        'Try again in a minute; if it keeps happening, do not trust this letter’s count and report this to the organization.',
    );
  }
  return fromReport(report);
}
