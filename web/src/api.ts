// The HTTP API of docs/API.md, as the pages use it.
//
// Every request goes to this page's own origin (the CSP allows nothing else), sends no
// referrer and is never cached. Anonymous calls (enrollment, co-signing, public reads) carry
// no credentials at all, so not even the staff session cookie of someone who signed in on
// this browser can tie them to a person; staff calls send the cookie and the CSRF token.
// Failures become ApiError, whose message says what happened and what to do.

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
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
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

// The raw bytes of an anonymous GET (for the strict JSON readers of web/src/crypto, which
// check exactly what `candor` checks: JSON.parse would round large numbers).
export async function apiBytes(path: string): Promise<Uint8Array> {
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
  const bytes = new Uint8Array(await response.arrayBuffer());
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

// A proof answer of the log (a letter's bundle, an organization's state), fetched page by page
// (docs/API.md, "Bundles in pages": the server never builds a whole answer in memory) and put
// together as one answer's JSON text, which the caller's verifier checks whole. Every page
// must name `id` in `idField` and carry the first page's tree head; pages that do not fit
// together (another head, a gap, an overlap, a count that changes) are refused. `base` is a
// path with a query; with `pinTreeSize`, later pages ask for the first page's tree size (`base`
// then names none itself).
async function apiProofPages(base: string, idField: string, id: string, pinTreeSize: boolean): Promise<Uint8Array> {
  type Page = {
    tree_head?: { tree_size?: unknown };
    entries?: unknown[];
    page?: { start?: unknown; next?: unknown; entries?: unknown };
    [field: string]: unknown;
  };
  const read = async (path: string): Promise<Page> => JSON.parse(new TextDecoder().decode(await apiBytes(path))) as Page;
  const misfit = () => new ApiError(0, 'bad_pages', 'The server sent pages of its public log that do not fit together. Try again in a minute.');
  const first = await read(base);
  const page = first.page;
  if (!page || page.start !== 0 || typeof page.entries !== 'number' || !Array.isArray(first.entries) ||
      typeof first.tree_head?.tree_size !== 'number' || first[idField] !== id) {
    throw misfit();
  }
  const total = page.entries;
  const head = JSON.stringify(first.tree_head);
  const pinned = pinTreeSize ? `${base}&tree_size=${first.tree_head.tree_size}` : base;
  const entries: unknown[] = [...first.entries];
  let next = page.next;
  while (next !== null) {
    if (typeof next !== 'number' || next !== entries.length || next >= total) throw misfit();
    const p = await read(`${pinned}&start=${next}`);
    if (!p.page || p.page.start !== next || p.page.entries !== total || JSON.stringify(p.tree_head) !== head ||
        p[idField] !== id || !Array.isArray(p.entries) || p.entries.length === 0) {
      throw misfit();
    }
    entries.push(...p.entries);
    next = p.page.next;
  }
  if (entries.length !== total) throw misfit();
  const whole: Page = { ...first, entries };
  delete whole.page;
  return new TextEncoder().encode(JSON.stringify(whole));
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
