// A hostile server, in Chromium against a real `candor serve --demo` (issue 11, "How to show
// it"): between the browser and the server, playwright's context.route rewrites the server's
// answers the way a malicious operator would — a reviewer forged into the organization state, a
// roster entry left out, a genuine but older organization state, an older tree head, bad
// consistency proofs (the checkpoints' own, or the one asked for a checkpoint that left the
// list), a tree head signed by another key — and every flow that would send something (writing
// a cable, signing a letter) must refuse with a plain message and send nothing. Then, with the
// routes gone, the same member writes a cable and signs the letter as usual.
//
// Each attack checks that its route really rewrote an answer (a route that never fires would
// make a refusal test pass for nothing), what the page says, that no form to send was shown,
// and that the request log holds no POST but the log's own reads. The browser reads the latest
// tree head from GET /api/v1/log/checkpoints and never sends the size of the last head it
// accepted (a per-client value): every consistency proof it asks for starts at a checkpoint's
// size, which the honest runs and the attack on that proof check.
import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { fromHex, toHex } from '../../src/crypto/bytes.js';
import { generateSignKeyPair, type SignKeyPair } from '../../src/crypto/ed25519.js';
import { decodeLogEntry, encodeLogEntry } from '../../src/crypto/log_entry.js';
import { ready, sodium } from '../../src/crypto/sodium.js';
import { signTreeHead } from '../../src/crypto/tree_head.js';
import {
  apiGet,
  CABLE_REFUSED_HEADING,
  checkPrivacy,
  checkUrls,
  DEMO_ORG,
  demoKeyFile,
  eventually,
  importKey,
  launchBrowser,
  newDevice,
  openCableForm,
  rewriteCheckpoints,
  screenshot,
  screenshotsIfFailed,
  startServer,
  visit,
  unlockIfAsked,
  type CheckpointsJson,
  type Device,
  type Server,
  type SthJson,
  readReceipt,
} from './harness.js';

await ready();

// The server's JSON, as it travels.
interface StateEntryJson {
  index: number;
  entry: string;
  proof: string[];
}
interface OrgStateJson {
  format: string;
  organization: string;
  log_public_key: string;
  tree_head: SthJson;
  entries: StateEntryJson[];
  state?: unknown; // the organization's leaf of the log state
  page?: { start: number; entries: number; next: number | null };
}

let server: Server;
let browser: Browser;
const devices: Device[] = [];
const secrets: string[] = [];
let member: Device; // one member's browser, from the first attack to the last honest run
let letterId = ''; // the demo letter
let attacker: SignKeyPair; // the operator's own Ed25519 key

// What the pages say when they refuse (web/src/trust.ts, web/src/pages/*.ts).
const CABLE_HEADING = CABLE_REFUSED_HEADING;
const LETTER_HEADING = 'This browser could not confirm the letter against the public log, so it will not sign.';
const STATE_REFUSED = /could not be confirmed against its public log/;
const ROLLBACK = /showed an older state of its public log/;
const FORK = /does not match what it showed this browser before — its history was rewritten/;
const KEY_CHANGED = /public log is now signed by another key than the one this browser trusted before/;
const BAD_HEAD = /sent a state of its public log that its own key did not sign/;

// The only POSTs a refused flow may make: reading a consistency proof from a stored checkpoint.
const READ_POSTS = new Set(['/api/v1/log/proof/consistency']);

// What a device's pages asked of the log: the checkpoint sizes listed to them (every answer of
// GET /api/v1/log/checkpoints they read) and the body of every POST /api/v1/log/proof/consistency.
interface LogWatch {
  checkpointSizes: Set<number>;
  consistencyAsked: { old_size: number; new_size: number }[];
}
const watches = new Map<Device, LogWatch>();

async function device(viewport?: { width: number; height: number }): Promise<Device> {
  const d = await newDevice(browser, server, viewport);
  devices.push(d);
  const w: LogWatch = { checkpointSizes: new Set(), consistencyAsked: [] };
  watches.set(d, w);
  d.context.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/log/proof/consistency') {
      w.consistencyAsked.push(JSON.parse(r.postData() ?? 'null') as LogWatch['consistencyAsked'][number]);
    }
  });
  d.context.on('response', async (r) => {
    if (new URL(r.url()).pathname !== '/api/v1/log/checkpoints' || !r.ok()) return;
    try {
      const j = (await r.json()) as Partial<CheckpointsJson>;
      for (const c of j.checkpoints ?? []) w.checkpointSizes.add(c.tree_size);
    } catch {
      // A page gone before its answer was read.
    }
  });
  return d;
}

// Every consistency proof `d` asked for since the `mark`-th started at the size of a checkpoint
// the server had listed to it — never at a size of its own. Returns those requests.
async function expectOnlyCheckpointSizesSent(d: Device, mark = 0): Promise<LogWatch['consistencyAsked']> {
  await new Promise((r) => setTimeout(r, 200)); // the last answers' bodies, read above
  const w = watches.get(d)!;
  const asked = w.consistencyAsked.slice(mark);
  for (const body of asked) {
    expect(Object.keys(body).sort()).toEqual(['new_size', 'old_size']);
    expect([...w.checkpointSizes]).toContain(body.old_size);
  }
  return asked;
}

// --- the routes ---

// Rewrites every GET /api/v1/orgs/{slug}/state with `rewrite` (given the whole state, all pages
// joined, and which fetch this is: 1, 2, …), answered as one page whose counts fit, so that
// the browser's verifier — not its paging check — is what meets the forgery.
async function rewriteOrgState(
  context: BrowserContext,
  rewrite: (state: OrgStateJson, fetchNo: number) => OrgStateJson,
): Promise<{ count: number }> {
  const hits = { count: 0 };
  await context.route(
    (u) => u.pathname === `/api/v1/orgs/${DEMO_ORG}/state`,
    async (route: Route) => {
      const response = await route.fetch();
      const state = (await response.json()) as OrgStateJson;
      let next = state.page?.next ?? null;
      while (next !== null) {
        const r = await fetch(`${route.request().url()}&start=${next}`);
        const more = (await r.json()) as OrgStateJson;
        state.entries.push(...more.entries);
        next = more.page?.next ?? null;
      }
      hits.count += 1;
      const forged = rewrite(state, hits.count);
      await route.fulfill({ response, json: { ...forged, page: { start: 0, entries: forged.entries.length, next: null } } });
    },
  );
  return hits;
}

// The operator's reviewer, added to every organization state: a well-formed "reviewer" entry
// (the next reviewer version, a new account "mallory", the operator's X25519 key) at the
// largest log index below the tree head that the state does not use — after its last entry
// when the log has grown past it — carrying the inclusion proof of the real reviewer entry.
// Only the proof can give it away.
async function forgeReviewer(context: BrowserContext): Promise<{ readonly hits: number; index: number; appended: boolean }> {
  const operatorBox = sodium().crypto_box_keypair().publicKey;
  let routed = { count: 0 };
  const out = { index: -1, appended: false, get hits() { return routed.count; } };
  routed = await rewriteOrgState(context, (state) => {
    const real = state.entries.find((e) => decodeLogEntry(fromHex(e.entry)).kind === 'reviewer');
    if (!real) throw new Error('the demo organization state holds no reviewer entry');
    const ev = decodeLogEntry(fromHex(real.entry));
    if (ev.kind !== 'reviewer') throw new Error('unreachable');
    const entry = encodeLogEntry({ ...ev, version: ev.version + 1n, accountId: 4242n, username: 'mallory', boxPublic: operatorBox });
    const used = new Set(state.entries.map((e) => e.index));
    let index = state.tree_head.tree_size - 1;
    while (used.has(index)) index--;
    if (index < 0) throw new Error('no free log index below the tree head');
    out.index = index;
    // After every roster and reviewer entry (the log state, at the checkpoint, may come later).
    const lastChange = state.entries.filter((e) => decodeLogEntry(fromHex(e.entry)).kind !== 'log-state').at(-1)!;
    out.appended = index > lastChange.index;
    const entries = [...state.entries, { index, entry: toHex(entry), proof: [...real.proof] }].sort((a, b) => a.index - b.index);
    return { ...state, entries };
  });
  return out;
}

// Answers GET /api/v1/log/checkpoints (the latest head, and the newest checkpoints with their
// consistency proofs to it: what the browser trusts the log from) with `rewrite` of the real one.
// A proof as a fork would need it: the real one with its first hash changed (or one hash where
// none was due).
function spoilProof(proof: string[]): string[] {
  const random = toHex(sodium().randombytes_buf(32));
  return proof.length > 0 ? [random, ...proof.slice(1)] : [random];
}

async function answerLogKey(context: BrowserContext, publicKey: Uint8Array): Promise<{ count: number }> {
  const hits = { count: 0 };
  await context.route(
    (u) => u.pathname === '/api/v1/log/key',
    async (route: Route) => {
      const response = await route.fetch();
      hits.count += 1;
      await route.fulfill({ response, json: { public_key: toHex(publicKey) } });
    },
  );
  return hits;
}

// The real head, signed again with `key` (tr("candor/v1/sth", u64le(size), root, u64le(ms))).
function resign(real: SthJson, key: SignKeyPair): SthJson {
  const sth = signTreeHead(
    { size: BigInt(real.tree_size), root: fromHex(real.root), timestampMs: BigInt(real.timestamp_ms) },
    key.secretKey,
  );
  return { ...real, signature: toHex(sth.signature) };
}

// The latest head and every listed checkpoint, signed again with `key`.
function resignAll(real: CheckpointsJson, key: SignKeyPair): CheckpointsJson {
  return { latest: resign(real.latest, key), checkpoints: real.checkpoints.map((c) => ({ ...c, ...resign(c, key) })) };
}

// --- what the browser pinned ---

interface PinJson {
  log_public_key: string;
  tree_head: SthJson | null;
  checkpoint?: SthJson;
}

async function pinned(page: Page): Promise<PinJson | null> {
  const text = await page.evaluate(() => localStorage.getItem('candor.trusted-log.v1'));
  return text === null ? null : (JSON.parse(text) as PinJson);
}

// --- the flows ---

// Unlocks the member's key when the page asks for it.
async function writeCable(page: Page, subject: string, body: string): Promise<string> {
  expect(await openCableForm(page)).toBe('form');
  await page.getByLabel('Subject').fill(subject);
  await page.getByLabel('What you want the reviewers to know').fill(body);
  await page.getByTestId('send-cable').click();
  await page.getByTestId('cable-sent').waitFor({ timeout: 60_000 });
  const receipt = await readReceipt(page);
  secrets.push(...receipt.secrets);
  // Kept: until then, leaving the page asks first (issue 17).
  await page.getByLabel('I have written down my 12 words, or saved them somewhere safe.').check();
  return receipt.words;
}

// Opens the demo letter to sign and waits for the sign panel or for a refusal; returns which.
async function openLetter(page: Page): Promise<'panel' | 'refused'> {
  await visit(page, `/#/member/letters/${letterId}`);
  const panelOrError = page.getByTestId('anonymity-set').or(page.getByText(LETTER_HEADING));
  await panelOrError.first().waitFor({ timeout: 60_000 });
  if ((await page.getByText(LETTER_HEADING).count()) > 0) return 'refused';
  await unlockIfAsked(page, page.getByTestId('sign-state'));
  await page.getByTestId('sign-state').waitFor({ timeout: 60_000 });
  return 'panel';
}

// The paths of the POSTs `d` made since `mark`.
function postsSince(d: Device, mark: number): string[] {
  return d.requests.slice(mark).filter((r) => r.method === 'POST').map((r) => new URL(r.url).pathname);
}

// The cable page refused: the plain message (matching `reason`) in its error region, no form to
// send from, and nothing sent but reads of the log.
async function expectCableRefused(d: Device, mark: number, reason: RegExp): Promise<string> {
  expect(await openCableForm(d.page)).toBe('refused');
  const alert = d.page.getByRole('alert').filter({ hasText: CABLE_HEADING });
  const text = (await alert.textContent()) ?? '';
  expect(text).toMatch(reason);
  expect(text).toMatch(/Candor stopped here/);
  expect(await d.page.getByTestId('send-cable').count()).toBe(0);
  expect(await d.page.getByLabel('Subject').count()).toBe(0);
  await new Promise((r) => setTimeout(r, 500)); // anything the page would still send
  const posts = postsSince(d, mark);
  expect(posts).not.toContain('/api/v1/cables');
  expect(posts.filter((p) => !READ_POSTS.has(p))).toEqual([]);
  return text;
}

// The letter page refused in the same way: no sign panel, no signature sent.
async function expectLetterRefused(d: Device, mark: number, reason: RegExp): Promise<string> {
  expect(await openLetter(d.page)).toBe('refused');
  const alert = d.page.getByRole('alert').filter({ hasText: LETTER_HEADING });
  const text = (await alert.textContent()) ?? '';
  expect(text).toMatch(reason);
  expect(text).toMatch(/Candor stopped here/);
  expect(await d.page.getByTestId('sign').count()).toBe(0);
  expect(await d.page.getByTestId('anonymity-set').count()).toBe(0);
  await new Promise((r) => setTimeout(r, 500));
  const posts = postsSince(d, mark);
  expect(posts).not.toContain(`/api/v1/letters/${letterId}/signatures`);
  expect(posts.filter((p) => !READ_POSTS.has(p))).toEqual([]);
  return text;
}

// The head the server stored at the largest size below `size` (it keeps one at every write).
async function olderHead(size: number): Promise<SthJson> {
  for (let s = size - 1; s >= 1; s--) {
    const r = await fetch(`${server.url}/api/v1/log/sth/${s}`);
    if (r.ok) return (await r.json()) as SthJson;
  }
  throw new Error(`the server keeps no tree head below ${size}`);
}

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  attacker = generateSignKeyPair();
  const { letters } = await apiGet<{ letters: { id: string; letter: { title: string } }[] }>(server, '/letters');
  letterId = letters.find((l) => l.letter.title.startsWith('DEMO:'))!.id;
  member = await device();
  await importKey(member.page, demoKeyFile(server, 7));
});

afterEach(async (ctx) => {
  await screenshotsIfFailed(ctx.task, devices);
  for (const d of devices) await d.context.unrouteAll({ behavior: 'wait' });
  await checkUrls(devices, server);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('a hostile server, in the browser', () => {
  test('a reviewer forged into the organization state: the cable is refused (inclusion proof), nothing sent', async () => {
    const d = member;
    const forged = await forgeReviewer(d.context);
    const mark = d.requests.length;
    const text = await expectCableRefused(d, mark, STATE_REFUSED);
    expect(forged.hits).toBeGreaterThan(0);
    expect(text).toMatch(new RegExp(`log index ${forged.index}\\): its inclusion proof does not check against the tree head`));
    expect(await d.page.getByText('mallory').count()).toBe(0);
    // The first look pinned the real log key (the state is forged, the log key and head are not).
    expect((await pinned(d.page))?.log_public_key).toBe(server.logKey);
    await screenshot(d.page, 'hostile-forged-reviewer');
  });

  test('a roster-add entry left out of the organization state, another one at each fetch: refused every time', async () => {
    const d = member;
    const removed: number[] = [];
    const hits = await rewriteOrgState(d.context, (state, fetchNo) => {
      const adds = state.entries.filter((e) => decodeLogEntry(fromHex(e.entry)).kind === 'roster-add');
      expect(adds.length).toBeGreaterThan(10);
      // A roster that differs per fetch: the 13th member left out of one, the 5th of the next.
      const gone = adds[fetchNo % 2 === 1 ? 12 : 4]!;
      removed.push(gone.index);
      return { ...state, entries: state.entries.filter((e) => e !== gone) };
    });
    for (let attempt = 0; attempt < 2; attempt++) {
      const mark = d.requests.length;
      const text = await expectCableRefused(d, mark, STATE_REFUSED);
      expect(text).toMatch(/out of sequence: expected version/);
    }
    expect(hits.count).toBeGreaterThanOrEqual(2);
    expect(new Set(removed).size).toBe(2);
    await screenshot(d.page, 'hostile-roster-entry-left-out');
  });

  test('the newest reviewer change hidden, or the log state left out of the organization state: refused, nothing sent', async () => {
    // Issue 11 item 7: the versions run 1, 2, … without a gap either way; only the log state of
    // the newest checkpoint shows that something newer exists.
    const d = member;
    const kind = (e: StateEntryJson) => decodeLogEntry(fromHex(e.entry)).kind;
    const hits = await rewriteOrgState(d.context, (state, fetchNo) => {
      if (fetchNo === 1) {
        const newest = state.entries.filter((e) => kind(e) === 'reviewer').at(-1)!;
        return { ...state, entries: state.entries.filter((e) => e !== newest) };
      }
      const { state: _leaf, ...rest } = state;
      return { ...rest, entries: state.entries.filter((e) => kind(e) !== 'log-state') };
    });
    let text = await expectCableRefused(d, d.requests.length, STATE_REFUSED);
    expect(text).toMatch(/shows reviewer version \d+, but the log state at tree size \d+ says the latest is \d+/);
    text = await expectCableRefused(d, d.requests.length, STATE_REFUSED);
    expect(text).toMatch(/does not prove it is complete/);
    expect(hits.count).toBeGreaterThanOrEqual(2);
    await screenshot(d.page, 'hostile-state-not-complete');
  });

  test('an honest run pins the log: the member writes a cable', async () => {
    const d = member;
    const mark = d.requests.length;
    await writeCable(d.page, 'Overtime not paid', 'The overtime of the night shift in June was not paid.');
    expect(postsSince(d, mark)).toContain('/api/v1/cables'); // the request log sees a sent cable
    const pin = await pinned(d.page);
    expect(pin?.log_public_key).toBe(server.logKey);
    expect(pin?.tree_head?.tree_size).toBeGreaterThan(1);
    // The server marks a checkpoint at start-up and at each batch: the browser keeps the newest.
    expect(pin?.checkpoint?.tree_size).toBeGreaterThan(0);
    expect(pin!.checkpoint!.tree_size).toBeLessThanOrEqual(pin!.tree_head!.tree_size);
    expect([...watches.get(d)!.checkpointSizes]).toContain(pin!.checkpoint!.tree_size); // the watch sees the list
    // Never a size of its own in a consistency request (since the first look of this device).
    await expectOnlyCheckpointSizesSent(d);
    // The footer names the logged web release and says how to check it from elsewhere.
    const release = d.page.getByTestId('web-release');
    await release.waitFor();
    expect(await release.textContent()).toMatch(/web release [0-9a-f]{4} [0-9a-f]{4} .*candor audit --server http/);
  });

  test('an older tree head: the cable and the letter are refused as a rollback, nothing sent', async () => {
    const d = member;
    const before = (await pinned(d.page))!.tree_head!;
    const older = await olderHead(before.tree_size);
    expect(older.tree_size).toBeLessThan(before.tree_size);
    // The older head as the latest; a careful attacker drops the checkpoints, which lie beyond it.
    const hits = await rewriteCheckpoints(d.context, () => ({ latest: older, checkpoints: [] }));
    let mark = d.requests.length;
    await expectCableRefused(d, mark, ROLLBACK);
    await screenshot(d.page, 'hostile-rollback-cable');
    mark = d.requests.length;
    await expectLetterRefused(d, mark, ROLLBACK);
    await screenshot(d.page, 'hostile-rollback-letter');
    expect(hits.count).toBeGreaterThanOrEqual(2);
    // The browser kept the newer head it had.
    expect((await pinned(d.page))!.tree_head).toEqual(before);
  });

  test('a newer tree head whose consistency proofs do not check: refused as a fork, nothing sent', async () => {
    const d = member;
    const before = (await pinned(d.page))!;
    const head = before.tree_head!;
    // The cable written above enters the log with a batch: the log grows past the pinned head.
    await eventually('the log to grow', async () => {
      const sth = await apiGet<SthJson>(server, '/log/sth');
      return sth.tree_size > head.tree_size ? true : undefined;
    });
    // 1. Every listed checkpoint's proof to the latest head spoiled.
    let spoiled = 0;
    const listedHits = await rewriteCheckpoints(d.context, (real) => {
      spoiled += real.checkpoints.length;
      return { ...real, checkpoints: real.checkpoints.map((c) => ({ ...c, consistency: spoilProof(c.consistency) })) };
    });
    let mark = d.requests.length;
    await expectCableRefused(d, mark, FORK);
    mark = d.requests.length;
    await expectLetterRefused(d, mark, FORK);
    expect(listedHits.count).toBeGreaterThanOrEqual(2);
    expect(spoiled).toBeGreaterThanOrEqual(listedHits.count);
    expect(await pinned(d.page)).toEqual(before);
    await screenshot(d.page, 'hostile-bad-checkpoint-proof');
    await d.context.unrouteAll({ behavior: 'wait' });

    // 2. A careful attacker drops the checkpoints (as if the stored one had left the list), so
    // that the browser asks for a proof from the checkpoint it stored — and spoils that one.
    const dropped = await rewriteCheckpoints(d.context, (real) => ({ ...real, checkpoints: [] }));
    const proofHits = { count: 0 };
    await d.context.route(
      (u) => u.pathname === '/api/v1/log/proof/consistency',
      async (route: Route) => {
        const response = await route.fetch();
        const real = (await response.json()) as { old_size: number; new_size: number; proof: string[] };
        proofHits.count += 1;
        await route.fulfill({ response, json: { ...real, proof: spoilProof(real.proof) } });
      },
    );
    const asked = watches.get(d)!.consistencyAsked.length;
    mark = d.requests.length;
    await expectCableRefused(d, mark, FORK);
    mark = d.requests.length;
    await expectLetterRefused(d, mark, FORK);
    expect(dropped.count).toBeGreaterThanOrEqual(2);
    expect(proofHits.count).toBeGreaterThanOrEqual(2);
    // What it asked for: from the stored checkpoint's size (one the server listed before),
    // never from the size of the last head it accepted.
    const bodies = await expectOnlyCheckpointSizesSent(d, asked);
    expect(bodies.length).toBeGreaterThanOrEqual(2);
    for (const b of bodies) {
      expect(b.old_size).toBe(before.checkpoint!.tree_size);
      expect(b.new_size).toBeGreaterThan(head.tree_size);
    }
    expect(await pinned(d.page)).toEqual(before);
    await screenshot(d.page, 'hostile-bad-consistency-proof');
  });

  test('a genuine but older organization state (another tree head than the one checked): refused, nothing sent', async () => {
    const d = member;
    const hits = { count: 0, size: 0 };
    await d.context.route(
      (u) => u.pathname === `/api/v1/orgs/${DEMO_ORG}/state`,
      async (route: Route) => {
        const url = new URL(route.request().url());
        const asked = Number(url.searchParams.get('tree_size'));
        const older = await olderHead(asked);
        url.searchParams.set('tree_size', String(older.tree_size));
        const response = await route.fetch({ url: url.toString() });
        hits.count += 1;
        hits.size = older.tree_size;
        await route.fulfill({ response });
      },
    );
    const mark = d.requests.length;
    const text = await expectCableRefused(d, mark, STATE_REFUSED);
    expect(hits.count).toBeGreaterThan(0);
    expect(text).toMatch(/the state is of the log of [\d,]+ entries at another moment/);
  });

  test('a reviewer forged after the last entry of the state, once the log has grown: refused, nothing sent', async () => {
    const d = member;
    const forged = await forgeReviewer(d.context);
    const mark = d.requests.length;
    const text = await expectCableRefused(d, mark, STATE_REFUSED);
    expect(forged.hits).toBeGreaterThan(0);
    expect(forged.appended).toBe(true);
    expect(text).toMatch(new RegExp(`log index ${forged.index}\\): its inclusion proof does not check against the tree head`));
  });

  test('the tree head signed with another key, and that key served as the log key: refused with the changed-key message', async () => {
    const d = member;
    const before = await pinned(d.page);
    // The latest head and every checkpoint signed again with the operator's key.
    const sthHits = await rewriteCheckpoints(d.context, (real) => resignAll(real, attacker));
    const keyHits = await answerLogKey(d.context, attacker.publicKey);
    const grouped = (toHex(attacker.publicKey).match(/.{8}/g) ?? []).join(' ');
    let mark = d.requests.length;
    await expectCableRefused(d, mark, KEY_CHANGED);
    await expect.poll(() => d.page.getByTestId('served-log-key').textContent()).toBe(grouped);
    await screenshot(d.page, 'hostile-other-key-cable');
    mark = d.requests.length;
    await expectLetterRefused(d, mark, KEY_CHANGED);
    await expect.poll(() => d.page.getByTestId('served-log-key').textContent()).toBe(grouped);
    await screenshot(d.page, 'hostile-other-key-letter');
    expect(sthHits.count).toBeGreaterThanOrEqual(2);
    expect(keyHits.count).toBeGreaterThanOrEqual(2);
    // Nothing was trusted anew: the pin and the head are as before.
    expect(await pinned(d.page)).toEqual(before);
  });

  test('the tree head signed with another key while the log key is unchanged: refused as unsigned', async () => {
    const d = member;
    const before = await pinned(d.page);
    const hits = await rewriteCheckpoints(d.context, (real) => resignAll(real, attacker));
    let mark = d.requests.length;
    await expectCableRefused(d, mark, BAD_HEAD);
    mark = d.requests.length;
    await expectLetterRefused(d, mark, BAD_HEAD);
    expect(hits.count).toBeGreaterThanOrEqual(2);
    expect(await d.page.getByTestId('served-log-key').count()).toBe(0);
    expect(await pinned(d.page)).toEqual(before);
  });

  test('the Log key box: another key than the pinned one stops every flow, the organization’s key lets them go on', async () => {
    const d = member;
    await visit(d.page, '/#/member');
    const box = d.page.getByTestId('log-key');
    await box.getByTestId('log-key-none').waitFor();
    // A malformed key is refused plainly; the operator's key (not the pinned one) is saved with a warning.
    await box.getByLabel('Your organization’s log key').fill('not a key');
    await box.getByTestId('save-log-key').click();
    await expect.poll(() => box.getByTestId('log-key-errors').textContent()).not.toBe('');
    await box.getByLabel('Your organization’s log key').fill(toHex(attacker.publicKey));
    await box.getByTestId('save-log-key').click();
    await box.getByTestId('log-key-mismatch').waitFor();
    const mark = d.requests.length;
    const text = await expectCableRefused(d, mark, /the log key you entered under “Log key” on the “My letters and keys” page/);
    expect(text).toContain('is not the key this browser has trusted for this server until now');
    await screenshot(d.page, 'hostile-log-key-mismatch');
    // The organization's published key: saved, and the flows go on.
    await visit(d.page, '/#/member');
    await box.getByLabel('Your organization’s log key').fill(server.logKey);
    await box.getByTestId('save-log-key').click();
    await box.getByTestId('log-key-saved').waitFor();
    await expect.poll(async () => (await box.getByTestId('log-key-entered').textContent())?.replace(/\s/g, '')).toBe(server.logKey);
  });

  test('with the routes gone, the same member writes a cable and signs the letter', async () => {
    const d = member;
    const before = (await pinned(d.page))!.tree_head!;
    let mark = d.requests.length;
    await writeCable(d.page, 'Locked fire exit', 'The fire exit on the second floor has been locked since Monday.');
    expect(postsSince(d, mark)).toContain('/api/v1/cables');
    mark = d.requests.length;
    expect(await openLetter(d.page)).toBe('panel');
    await d.page.getByTestId('agree').check();
    await d.page.getByTestId('sign').click();
    await d.page.getByText('You signed this letter.').waitFor({ timeout: 60_000 });
    expect(postsSince(d, mark)).toContain(`/api/v1/letters/${letterId}/signatures`);
    const after = (await pinned(d.page))!;
    expect(after.log_public_key).toBe(server.logKey);
    expect(after.tree_head!.tree_size).toBeGreaterThanOrEqual(before.tree_size);
    expect(after.checkpoint!.tree_size).toBeLessThanOrEqual(after.tree_head!.tree_size);
    // Across every look of this device, honest and attacked: no consistency request started at
    // a size that was not a listed checkpoint's.
    await expectOnlyCheckpointSizesSent(d);
    await screenshot(d.page, 'hostile-honest-again');
  });

  test('the letter’s bundle without its last batch, or without its log state: the browser recount refuses', async () => {
    await eventually('the member’s signature published in a batch', async () => {
      const v = await apiGet<{ total: number | null }>(server, `/letters/${letterId}`);
      return v.total !== null && v.total >= 1 ? v : undefined;
    });
    const d = await device();
    const kind = (e: StateEntryJson) => decodeLogEntry(fromHex(e.entry));
    let mode: 'cut' | 'stateless' | 'honest' = 'cut';
    await d.context.route(
      (u) => u.pathname === `/api/v1/letters/${letterId}/bundle`,
      async (route: Route) => {
        const response = await route.fetch();
        const b = (await response.json()) as { entries: StateEntryJson[]; state?: unknown; page: { next: number | null } };
        expect(b.page.next).toBeNull(); // one page: the demo letter is small
        let entries = b.entries;
        if (mode === 'cut') {
          const last = entries.filter((e) => kind(e).kind === 'signature-batch').at(-1)!;
          const from = last.index - Number((kind(last) as unknown as { count: bigint }).count);
          entries = entries.filter((e) => e.index < from || e.index > last.index);
        } else if (mode === 'stateless') {
          entries = entries.filter((e) => kind(e).kind !== 'log-state');
          delete b.state;
        }
        await route.fulfill({ response, json: { ...b, entries, page: { ...b.page, entries: entries.length } } });
      },
    );
    await visit(d.page, `/#/letters/${letterId}`);
    await d.page.getByTestId('verify-button').click();
    await d.page.getByText(/the bundle lacks batches \d+ to \d+ of the letter/).waitFor({ timeout: 60_000 });
    await screenshot(d.page, 'hostile-recount-batch-left-out');
    mode = 'stateless';
    await d.page.getByTestId('verify-button').click();
    await d.page.getByText(/did not send the log’s proof that nothing is left out/).waitFor({ timeout: 60_000 });
    mode = 'honest';
    await d.page.getByTestId('verify-button').click();
    await d.page.getByTestId('verify-complete').waitFor({ timeout: 60_000 });
  });

  test('no page sent a receipt, a referrer or a request elsewhere, and the CSP held', () => {
    expect(secrets.length).toBe(6); // two receipts: the words, the seed and the secret of each
    for (const d of devices) checkPrivacy(d, server, secrets);
  });
});
