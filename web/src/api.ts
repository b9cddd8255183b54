// The HTTP API of docs/API.md, as the pages use it.
//
// Every request goes to this page's own origin (the CSP allows nothing else), sends no
// referrer and is never cached. Anonymous calls (enrollment, co-signing, public reads) carry
// no credentials at all, so not even the staff session cookie of someone who signed in on
// this browser can tie them to a person; staff calls send the cookie and the CSRF token.
// Failures become ApiError, whose message says what happened and what to do.

import { CandorError } from './crypto/errors.js';
import { dumpJson, isObject, isUnsigned, parseJson, type JsonObject, type JsonValue } from './crypto/json.js';

export class ApiError extends Error {
  readonly status: number; // 0: the server could not be reached
  readonly code: string; // the API's error code ("not_found", …), or "network"

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

let csrfToken: string | null = null;

// Remembers the CSRF token of the current staff session (from sign-in or GET /session).
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  // 'staff': send the session cookie (and the CSRF token on writes); default 'anonymous'.
  as?: 'anonymous' | 'staff';
}

const NETWORK_MESSAGE =
  'Could not reach the Candor server. Check your connection, then try again. Nothing was sent.';

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const staff = options.as === 'staff';
  if (staff && method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      credentials: staff ? 'same-origin' : 'omit',
      cache: 'no-store',
      referrerPolicy: 'no-referrer',
      redirect: 'error',
    });
  } catch {
    throw new ApiError(0, 'network', NETWORK_MESSAGE);
  }
  if (response.status === 204) return undefined as T;
  let payload: unknown = null;
  const text = await response.text();
  if (text.length > 0) {
    try {
      payload = JSON.parse(text);
    } catch {
      payload = null;
    }
  }
  if (!response.ok) {
    const err = (payload as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(
      response.status,
      err?.code ?? `http_${response.status}`,
      err?.message ?? defaultMessage(response.status),
    );
  }
  return payload as T;
}

// Every published letter, page by page (GET /letters?after=N): the same requests for every
// reader. A page whose "next_after" does not move forward ends the walk with an error, so a
// server cannot keep the page fetching forever.
export async function allLetters(): Promise<LetterView[]> {
  const out: LetterView[] = [];
  let after = 0;
  for (;;) {
    const page = await api<{ letters: LetterView[]; next_after: number | null }>(`/letters?limit=200&after=${after}`);
    if (!Array.isArray(page.letters)) throw new ApiError(0, 'bad_reply', 'The server sent a letter list that makes no sense.');
    out.push(...page.letters);
    if (page.next_after === null || page.next_after === undefined) return out;
    if (!Number.isSafeInteger(page.next_after) || page.next_after <= after || page.letters.length === 0) {
      throw new ApiError(0, 'bad_reply', 'The server sent a letter list that does not move forward.');
    }
    after = page.next_after;
  }
}

// The raw bytes of an anonymous GET (for the strict JSON readers of web/src/crypto, which
// check exactly what `candor` checks: JSON.parse would round large numbers). With `maxBytes`,
// an answer longer than that is refused (tooLarge) without reading the rest.
export async function apiBytes(path: string, maxBytes?: number): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      credentials: 'omit',
      cache: 'no-store',
      referrerPolicy: 'no-referrer',
      redirect: 'error',
    });
  } catch {
    throw new ApiError(0, 'network', NETWORK_MESSAGE);
  }
  const bytes = maxBytes === undefined || !response.ok ? new Uint8Array(await response.arrayBuffer()) : await readAtMost(response, maxBytes);
  if (!response.ok) {
    let err: { code?: string; message?: string } | undefined;
    try {
      err = (JSON.parse(new TextDecoder().decode(bytes)) as { error?: typeof err }).error;
    } catch {
      err = undefined;
    }
    throw new ApiError(response.status, err?.code ?? `http_${response.status}`, err?.message ?? defaultMessage(response.status));
  }
  return bytes;
}

// The body of `response`, refused (tooLarge) once it passes `maxBytes`.
async function readAtMost(response: Response, maxBytes: number): Promise<Uint8Array> {
  const reader = response.body?.getReader();
  if (reader === undefined) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.length > maxBytes) throw tooLarge();
    return bytes;
  }
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      length += value.length;
      if (length > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(value);
    }
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw new ApiError(0, 'network', NETWORK_MESSAGE);
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

// The largest proof answer this browser reads, all pages together, and the largest page: the
// command line's limits (src/cli/letter_bundle.h, kMaxBundleBytes and kMaxBundlePageBytes).
export const MAX_PROOF_BYTES = 2 ** 30; // 1 GiB
export const MAX_PROOF_PAGE_BYTES = 64 * 2 ** 20; // 64 MiB

function tooLarge(): ApiError {
  return new ApiError(
    0,
    'too_large',
    'The server sent a larger answer than this browser accepts (over 1 GiB in all, or a page over 64 MiB), so it was not read. ' +
      'Try again later; if it keeps happening, tell your administrator.',
  );
}

// A proof answer of the log (a letter's bundle, an organization's state), fetched page by page
// (docs/API.md, "Bundles in pages": the server never builds a whole answer in memory) and put
// together as one answer's JSON text, which the caller's verifier checks whole. Every page
// must name `id` in `idField` and carry the first page's tree head; pages that do not fit
// together (another head, a gap, an overlap, a count that changes) are refused. `base` is a
// path with a query; with `pinTreeSize`, later pages ask for the first page's tree size (`base`
// then names none itself).
//
// Each page is read with the strict parser (crypto/json.ts: a repeated key is refused, numbers
// stay exact — JSON.parse would keep the last of repeated keys and round big integers before
// the verifier's strict reading), and all pages together may not pass MAX_PROOF_BYTES nor
// one page MAX_PROOF_PAGE_BYTES.
async function apiProofPages(base: string, idField: string, id: string, pinTreeSize: boolean): Promise<Uint8Array> {
  const misfit = () => new ApiError(0, 'bad_pages', 'The server sent pages of its public log that do not fit together. Try again in a minute.');
  const unreadable = (why: string) =>
    new ApiError(0, 'bad_pages', `The server sent a page of its public log that this browser cannot read (${why.replace(/\.$/, '')}). Try again in a minute.`);
  let bytes = 0;
  const read = async (path: string): Promise<JsonObject> => {
    const page = await apiBytes(path, MAX_PROOF_PAGE_BYTES);
    bytes += page.length;
    if (bytes > MAX_PROOF_BYTES) throw tooLarge();
    let j: JsonValue;
    try {
      j = parseJson(page);
    } catch (e) {
      if (e instanceof CandorError) throw unreadable(e.message);
      throw e;
    }
    if (!isObject(j)) throw misfit();
    return j;
  };
  // The page's {start, entries, next} (next: null on the last page), all whole numbers ≥ 0.
  const pageOf = (p: JsonObject): { start: bigint; entries: bigint; next: bigint | null } | null => {
    const page = p.get('page');
    if (!isObject(page)) return null;
    const start = page.get('start');
    const entries = page.get('entries');
    const next = page.get('next');
    if (!isUnsigned(start) || !isUnsigned(entries) || !(next === null || isUnsigned(next))) return null;
    return { start: start.integer!, entries: entries.integer!, next: next === null ? null : next.integer! };
  };
  const first = await read(base);
  const page = pageOf(first);
  const firstEntries = first.get('entries');
  const head = first.get('tree_head');
  const treeSize = isObject(head) ? head.get('tree_size') : undefined;
  if (page === null || page.start !== 0n || !Array.isArray(firstEntries) || !isUnsigned(treeSize) || first.get(idField) !== id) {
    throw misfit();
  }
  const total = page.entries;
  const headText = dumpJson(head as JsonObject);
  const pinned = pinTreeSize ? `${base}&tree_size=${treeSize.integer!}` : base;
  const entries: JsonValue[] = [...firstEntries];
  let next = page.next;
  while (next !== null) {
    if (next !== BigInt(entries.length) || next >= total) throw misfit();
    const p = await read(`${pinned}&start=${next}`);
    const more = pageOf(p);
    const pageEntries = p.get('entries');
    const pageHead = p.get('tree_head');
    if (more === null || more.start !== next || more.entries !== total || !isObject(pageHead) || dumpJson(pageHead) !== headText ||
        p.get(idField) !== id || !Array.isArray(pageEntries) || pageEntries.length === 0) {
      throw misfit();
    }
    for (const e of pageEntries) entries.push(e);
    next = more.next;
  }
  if (BigInt(entries.length) !== total) throw misfit();
  const whole: JsonObject = new Map(first);
  whole.set('entries', entries);
  whole.delete('page');
  try {
    return new TextEncoder().encode(dumpJson(whole));
  } catch (e) {
    // dumpJson writes whole numbers only: a fraction anywhere in the answer.
    if (e instanceof RangeError) throw unreadable('it holds a number that is not a whole number');
    throw e;
  }
}

// A letter's bundle (GET /letters/{id}/bundle), at the log's latest tree head, or at the tree
// of `treeSize` entries when given (a head the client already trusts: trust.ts).
export async function apiBundle(letterId: string, withSignatures: boolean, treeSize?: bigint): Promise<Uint8Array> {
  const base = `/letters/${letterId}/bundle?signatures=${withSignatures ? 1 : 0}`;
  if (treeSize === undefined) return apiProofPages(base, 'letter_id', letterId, true);
  return apiProofPages(`${base}&tree_size=${treeSize}`, 'letter_id', letterId, false);
}

// An organization's state (GET /orgs/{slug}/state, docs/PROTOCOL.md "Organization state") at
// the tree of `treeSize` entries; org_state.ts verifies it.
export async function apiOrgState(slug: string, treeSize: bigint): Promise<Uint8Array> {
  return apiProofPages(`/orgs/${encodeURIComponent(slug)}/state?tree_size=${treeSize}`, 'organization', slug, false);
}

function defaultMessage(status: number): string {
  if (status === 413) return 'That is too large for the server to accept. Make it shorter and try again.';
  if (status === 429) return 'Too many attempts. Wait a minute, then try again.';
  if (status >= 500) return 'The server had a problem. Try again in a minute; if it keeps happening, tell your administrator.';
  return `The server refused the request (HTTP ${status}).`;
}

// ---- Shapes of the API's answers (docs/API.md) ----

export interface OrgSummary {
  slug: string;
  name: string;
  demo: boolean;
  roster_size: number;
  roster_version: number;
}

export interface Period {
  amount: number;
  unit: 'working-days' | 'calendar-days' | 'calendar-months';
}

export interface Policy {
  name: string;
  acknowledge: Period;
  answer: Period;
  extended_answer: Period | null;
}

export interface OrgSettings {
  min_ring_size: number;
  use_us_federal_holidays: boolean;
  policy: Policy;
  cable_retention_days?: number; // absent: 0, cables are kept
  time_zone?: string; // the organization's IANA time zone; absent: "UTC"
  channels?: { id: string; name: string; reviewers: number[] }[]; // absent: none
}

export interface OrgDetail extends OrgSummary {
  settings: OrgSettings;
  roster_digest: string;
}

export interface RosterMember {
  ring_public: string;
  reply_public: string;
}

export interface Roster {
  organization: string;
  version: number;
  size: number;
  digest: string;
  members: RosterMember[];
}

export interface RosterEvent {
  version: number;
  action: 'add' | 'remove';
  ring_public: string;
  log_index: number;
}

export interface TreeHeadJson {
  tree_size: number;
  root: string;
  timestamp_ms: number;
  signature: string;
}

export interface LetterFields {
  title: string;
  body: string;
  organizations: string[];
  closes_at_ms?: number;
  quorum?: number;
  supersedes?: string;
}

export interface LetterOrgView {
  slug: string;
  name: string;
  roster_version: number;
  roster_size: number;
  rings: { digest: string; size: number }[];
  signers: number | null;
}

export interface LetterView {
  id: string;
  seq: number;
  log_index: number;
  status: 'open' | 'closed';
  letter: LetterFields;
  quorum: number | null;
  quorum_reached: boolean;
  min_ring_size: number;
  organizations: LetterOrgView[];
  total: number | null;
  counts: string;
  batches: number;
}

export interface BatchView {
  batch: number;
  published_at_ms: number;
  entries: number;
  log_index: number;
  signers_after: number[];
  total_after: number;
}

export interface BatchesView {
  organizations: string[];
  batches: BatchView[];
}

export interface BundleEntryJson {
  index: number;
  entry: string;
  proof: string[];
}

export interface LetterBundleJson {
  format: string;
  letter_id: string;
  log_public_key: string;
  tree_head: TreeHeadJson;
  entries: BundleEntryJson[];
}

export interface CoSignatureJson {
  scheme: string;
  letter: string;
  action: 'sign' | 'withdraw';
  ring_digest: string;
  signature: string;
}

export interface SignatureReceipt {
  letter: string;
  tag: string;
  action: 'sign' | 'withdraw';
  signature_sha256: string;
}

export interface SignatureState {
  action: 'sign' | 'withdraw';
  state: 'waiting-for-quorum' | 'waiting-for-batch' | 'published';
  signature_sha256: string;
  batch: number | null;
  log_index: number | null;
}

export interface Account {
  id: number;
  organization: string;
  username: string;
  roles: string[];
  totp: boolean;
}

export interface SessionInfo {
  account: Account;
  csrf_token: string;
}

export interface AccountRow {
  id: number;
  username: string;
  roles: string[];
  disabled: boolean;
  totp: boolean;
}

export interface Holiday {
  date: string;
  name: string;
}
