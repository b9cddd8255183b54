// What every browser test needs: a real `candor serve` (fresh data directory, a free loopback
// port, the built web front end, the demo organization), Chromium, and checks that hold on
// every page: nothing is loaded from another origin, no secret appears in a URL, no URL carries
// a per-person value (checkUrls), no request carries a Referer, and the Content-Security-Policy
// is never violated.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser, type BrowserContext, type Locator, type Page, type Route } from 'playwright-core';
import { formatReceipt, parseReceipt } from '../../src/cable.js';
import { toHex } from '../../src/crypto/bytes.js';
import { parseReceiptWords } from '../../src/crypto/receipt_words.js';
import { ready } from '../../src/crypto/sodium.js';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '..', '..', '..');
export const webDist = process.env['CANDOR_WEB_DIR'] ?? join(repoRoot, 'web', 'dist');
export const candorBinary = process.env['CANDOR_BINARY'] ?? join(repoRoot, 'build', 'src', 'cli', 'candor');
export const chromiumPath = process.env['CANDOR_CHROMIUM'] ?? '/usr/bin/chromium';
export const screenshotDir = process.env['CANDOR_SCREENSHOTS'] ?? join(repoRoot, 'build', 'web-screenshots');

// The command line pins each server's log under $HOME/.candor (src/cli/trusted_log.h): the test
// run gets a home of its own, so no pin from another run (or the developer's) meets this run's
// server on a reused port.
process.env['HOME'] = mkdtempSync(join(tmpdir(), 'candor-e2e-home-'));

export const DEMO_ORG = 'demo-agency';
export const DEMO_ADMIN = { username: 'admin', password: 'demo-password-not-secret' };
export const DEMO_KEY_PASSPHRASE = 'demo';

export interface Server {
  url: string;
  dataDir: string;
  logKey: string;
  stop(): Promise<void>;
}

// Starts `candor serve --demo` on port 0 (the kernel picks a free port; the server prints the
// one it got) with batches every ~second, so that counts move quickly. `extraArgs` go after the
// others (e.g. `--witness NAME=HEX`).
export async function startServer(extraArgs: readonly string[] = []): Promise<Server> {
  if (!existsSync(candorBinary)) throw new Error(`no candor binary at ${candorBinary}: build it, or set CANDOR_BINARY`);
  if (!existsSync(join(webDist, 'index.html'))) throw new Error(`no web build in ${webDist}: run \`make web\``);
  const dataDir = mkdtempSync(join(tmpdir(), 'candor-e2e-'));
  const child: ChildProcess = spawn(
    candorBinary,
    ['serve', '--demo', '--data-dir', dataDir, '--host', '127.0.0.1', ...(extraArgs.includes('--port') ? [] : ['--port', '0']), '--web-dir', webDist,
      '--batch-interval', '1', '--batch-jitter', '0.2', '--no-access-log', ...extraArgs],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const started = await new Promise<{ url: string; logKey: string }>((resolveStart, reject) => {
    const timer = setTimeout(() => reject(new Error(`candor serve did not start:\n${out}\n${err}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /Candor is serving (http:\/\/[^\s]+)/.exec(out)?.[1];
      const logKey = /Log public key: ([0-9a-f]{64})/.exec(out)?.[1];
      if (url && logKey && out.includes('DEMO DATA')) {
        clearTimeout(timer);
        resolveStart({ url, logKey });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`candor serve exited with ${code}:\n${out}\n${err}`));
    });
  });
  return {
    url: started.url,
    dataDir,
    logKey: started.logKey,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function demoKeyFile(server: Server, n: number): string {
  return join(server.dataDir, 'demo-members', `member-${String(n).padStart(2, '0')}.key`);
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(`no Chromium at ${chromiumPath}: run scripts/install-deps.sh (Debian packages chromium, chromium-driver)`);
  }
  // Chromium refuses its sandbox to root (containers, CI); elsewhere it keeps it.
  const args = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  return chromium.launch({ executablePath: chromiumPath, headless: true, args });
}

// A fresh browser profile (its own IndexedDB: a member's device) that records every request
// and every console message, so that `checkPrivacy` can look at them afterwards.
export interface Device {
  context: BrowserContext;
  page: Page;
  // Every request of every page and worker of this profile; `from`: the address (with its
  // #/route) of the page that made it, '' when unknown.
  requests: { url: string; method: string; referer: string | undefined; from: string }[];
  urlsChecked: number; // how many of `requests` checkUrls has looked at
  problems: string[];
}

export async function newDevice(browser: Browser, server: Server, viewport = { width: 1100, height: 900 }): Promise<Device> {
  const context = await browser.newContext({ viewport, acceptDownloads: true, baseURL: server.url });
  const page = await context.newPage();
  const device: Device = { context, page, requests: [], urlsChecked: 0, problems: [] };
  context.on('request', (r) => {
    let from = '';
    try {
      from = r.frame().url();
    } catch {
      from = ''; // a worker's request: no frame
    }
    device.requests.push({ url: r.url(), method: r.method(), referer: r.headers()['referer'], from });
  });
  const watch = (p: Page) => {
    p.on('console', (m) => {
      const text = m.text();
      if (/Content Security Policy|Refused to/i.test(text)) device.problems.push(`CSP: ${text}`);
    });
    p.on('pageerror', (e) => device.problems.push(`page error: ${e.message}`));
  };
  watch(page);
  context.on('page', watch);
  return device;
}

// Every request went to the server itself, none carried a Referer, and none of `secrets`
// appears in any URL; nothing violated the CSP and no script failed.
export function checkPrivacy(device: Device, server: Server, secrets: string[]): void {
  const origin = new URL(server.url).origin;
  for (const r of device.requests) {
    const u = new URL(r.url);
    if (u.protocol !== 'blob:' && u.origin !== origin) throw new Error(`a request left the server: ${r.url}`);
    if (r.referer) throw new Error(`a request carried a Referer (${r.referer}): ${r.url}`);
    for (const s of secrets) {
      if (s && r.url.includes(s)) throw new Error(`a secret appeared in a URL: ${r.url}`);
    }
  }
  if (device.problems.length > 0) throw new Error(`problems on the page:\n${device.problems.join('\n')}`);
}

// No URL path or query string may carry a per-person value (security review H2): proxies and
// server logs keep URLs next to the address that asked. So, for every request not checked yet:
//   - every run of 64 or more hex digits is a public letter id (one GET /api/v1/letters lists,
//     or one of `publicIds`): never a linking tag, a cable id (reviewers' pages included: they
//     name a cable in the body too), anything derived from a receipt;
//   - no request uses the routes that carried such values (GET …/signatures/{tag}, POST
//     …/cables/{id}/status), and no member page (#/member…; or a worker's) reads the log by
//     index (GET /log/entries, /log/proof/inclusion): the indices of one's own entries go in
//     the body of POST /log/included.
// Throws with every offending request; call it after each test.
export async function checkUrls(devices: readonly Device[], server: Server, publicIds: readonly string[] = []): Promise<void> {
  const { letters } = await apiGet<{ letters: { id: string }[] }>(server, '/letters');
  const known = new Set([...letters.map((l) => l.id.toLowerCase()), ...publicIds.map((i) => i.toLowerCase())]);
  const bad: string[] = [];
  for (const d of devices) {
    for (const r of d.requests.slice(d.urlsChecked)) {
      const why = urlProblem(r, known);
      if (why) bad.push(`${why}: ${r.method} ${r.url} (from ${r.from || 'a worker'})`);
    }
    d.urlsChecked = d.requests.length;
  }
  if (bad.length > 0) throw new Error(`per-person values in URLs (security review H2):\n${bad.join('\n')}`);
}

function urlProblem(r: { url: string; from: string }, publicIds: ReadonlySet<string>): string | null {
  const u = new URL(r.url);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null; // blob: downloads
  let where = u.pathname + u.search; // the fragment never travels
  try {
    where = decodeURIComponent(where);
  } catch {
    // left encoded: hex digits are never escaped anyway
  }
  if (/\/api\/v1\/letters\/[^/]+\/signatures\/./.test(u.pathname)) return 'a signature looked up by its tag in the URL';
  if (/\/api\/v1\/cables\/[^/]+\/status/.test(u.pathname)) return 'a cable id in the URL';
  const route = r.from === '' ? '' : new URL(r.from).hash;
  const memberPage = r.from === '' || route.startsWith('#/member');
  if (memberPage && /^\/api\/v1\/log\/(entries|proof\/inclusion)/.test(u.pathname)) {
    return 'a member page read the log by index in the URL';
  }
  for (const m of where.matchAll(/[0-9a-f]{64,}/gi)) {
    if (!publicIds.has(m[0].toLowerCase())) return `${m[0].slice(0, 16)}… is not a public letter id`;
  }
  return null;
}

// Goes to `hash` ("#/member"); when it is the page already shown, reloads its data the way a
// click on its link does.
export async function visit(page: Page, path: string): Promise<void> {
  const current = page.url();
  if (current !== 'about:blank' && new URL(current).hash === new URL(path, current).hash) {
    await page.evaluate(() => window.dispatchEvent(new HashChangeEvent('hashchange')));
  } else {
    await page.goto(path);
  }
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

const run = promisify(execFile);

// `candor verify LETTER-ID --server URL --log-key K --json`: the command line's counts.
export async function cliVerify(server: Server, letterId: string): Promise<{ total: number; organizations: { slug: string; signers: number }[] }> {
  const { stdout } = await run(candorBinary, ['verify', letterId, '--server', server.url, '--log-key', server.logKey, '--json'], { timeout: 60_000 });
  return JSON.parse(stdout) as { total: number; organizations: { slug: string; signers: number }[] };
}

export function readBytes(path: string): Buffer {
  return readFileSync(path);
}

// Polls `check` until it returns a value (not undefined), or fails after `ms`.
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

// The JSON of a public API call (what any observer sees).
export async function apiGet<T>(server: Server, path: string): Promise<T> {
  const r = await fetch(`${server.url}/api/v1${path}`);
  if (!r.ok) throw new Error(`GET ${path}: HTTP ${r.status}`);
  return (await r.json()) as T;
}

// Signs in as the demo administrator (also enrollment officer and reviewer).
export async function staffSignIn(page: Page): Promise<void> {
  await visit(page, '/#/staff');
  await page.getByLabel('Organization').selectOption(DEMO_ORG);
  await page.getByLabel('Username').fill(DEMO_ADMIN.username);
  await page.getByLabel('Password').fill(DEMO_ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('staff-user').waitFor();
}

// Imports a key file on the member page and waits until it is recognised on the roster.
export async function importKey(page: Page, file: string): Promise<void> {
  await visit(page, '/#/member');
  await page.getByLabel('Key file', { exact: true }).setInputFiles(file);
  await page.getByRole('button', { name: 'Import the key file' }).click();
  await page.getByText('Imported. This key is a member of Demo Agency').waitFor();
}

// The member's key is locked until its passphrase is given: when the page asks (an Unlock button
// appears before `target`), gives the demo passphrase.
export async function unlockIfAsked(page: Page, target: Locator): Promise<void> {
  const unlock = page.getByRole('button', { name: 'Unlock' });
  await target.or(unlock).first().waitFor({ timeout: 60_000 });
  if (await unlock.isVisible()) {
    await page.getByLabel(/^Passphrase of your/).fill(DEMO_KEY_PASSPHRASE);
    await unlock.click();
  }
}

// The cable page's heading when it refuses to go on (pages/cables.ts).
export const CABLE_REFUSED_HEADING = 'What the message needs could not be loaded.';

// Opens "Write a message to the reviewers" (unlocking the key when asked) and waits for the form or for a
// refusal; returns which.
export async function openCableForm(page: Page): Promise<'form' | 'refused'> {
  await visit(page, '/#/member/cables/new');
  const formOrError = page.getByLabel('Subject').or(page.getByText(CABLE_REFUSED_HEADING));
  await unlockIfAsked(page, formOrError);
  await formOrError.first().waitFor({ timeout: 60_000 });
  return (await page.getByText(CABLE_REFUSED_HEADING).count()) > 0 ? 'refused' : 'form';
}

// GET /api/v1/log/checkpoints as the server answers it (docs/API.md).
export interface SthJson {
  tree_size: number;
  root: string;
  timestamp_ms: number;
  signature: string;
}
export interface CheckpointJson extends SthJson {
  cosignatures: { witness: string; timestamp: number; signature: string }[];
  consistency: string[];
}
export interface CheckpointsJson {
  latest: SthJson;
  checkpoints: CheckpointJson[];
}

// Answers every GET /api/v1/log/checkpoints of `context` with the real answer passed through
// `rewrite`; the returned counter says how many it rewrote.
export async function rewriteCheckpoints(
  context: BrowserContext,
  rewrite: (real: CheckpointsJson) => Promise<CheckpointsJson> | CheckpointsJson,
): Promise<{ count: number }> {
  const hits = { count: 0 };
  await context.route(
    (u) => u.pathname === '/api/v1/log/checkpoints',
    async (route: Route) => {
      const response = await route.fetch();
      const real = (await response.json()) as CheckpointsJson;
      hits.count += 1;
      await route.fulfill({ response, json: await rewrite(real) });
    },
  );
  return hits;
}

// For afterEach: when the test just run failed, a picture of every open page is saved.
export async function screenshotsIfFailed(
  task: { name: string; result?: { state?: string } },
  devices: readonly Device[],
): Promise<void> {
  if (task.result?.state !== 'fail') return;
  const name = task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40);
  for (const [i, d] of devices.entries()) await screenshot(d.page, `failed-${name}-${i}`).catch(() => undefined);
}

// axe-core (npm), the accessibility rules engine, run in the page on its current state: WCAG
// 2.0, 2.1 and 2.2 A and AA. Throws with every violation (rule, impact, the elements), so a
// test says which state of which task broke what. Evaluated through the debugging protocol, so
// the page's Content-Security-Policy is left as it is (axe needs no eval).
let axeSource: string | undefined;
export async function expectNoAxeViolations(page: Page, state: string): Promise<void> {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  if (violations.length > 0) throw new Error(`axe-core found ${violations.length} violation(s) on ${state}:\n${violations.join('\n')}`);
}

// The same state on a desktop and a phone-sized viewport (issue 17): axe at 0 violations on both.
export async function expectAccessible(page: Page, state: string): Promise<void> {
  const size = page.viewportSize() ?? { width: 1100, height: 900 };
  await expectNoAxeViolations(page, `${state} (${size.width} px)`);
  await page.setViewportSize({ width: 390, height: 844 });
  try {
    await expectNoAxeViolations(page, `${state} (390 px)`);
  } finally {
    await page.setViewportSize(size);
  }
}

// What has the keyboard focus (what a screen reader reads when focus moves): its text, or
// `field:<name>` for an input or text area.
export async function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) return `field:${el.name}`;
    return el?.textContent ?? '';
  });
}

export interface FocusedElement {
  tag: string;
  name: string;
  type: string;
  text: string;
  testid: string;
}

// Presses Tab (never a click) until `matches` holds for the focused element, at most 80 times;
// throws naming `what` when the keyboard never reaches it.
export async function tabTo(page: Page, what: string, matches: (el: FocusedElement) => boolean): Promise<void> {
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    const el = await page.evaluate(() => {
      const a = document.activeElement;
      return {
        tag: a?.tagName.toLowerCase() ?? '',
        name: a?.getAttribute('name') ?? '',
        type: a?.getAttribute('type') ?? '',
        text: a?.textContent?.trim() ?? '',
        testid: a?.getAttribute('data-testid') ?? '',
      };
    });
    if (matches(el)) return;
  }
  throw new Error(`the keyboard never reached ${what}`);
}


// The receipt a page shows after sending a cable: its twelve words as a person would copy them
// (one per numbered item), the cable id, the long form of the same receipt, and the values a
// request must never carry (the words, the seed and the secret).
export interface ShownReceipt {
  words: string;
  id: string;
  long: string;
  secrets: string[];
}

export async function readReceipt(page: Page): Promise<ShownReceipt> {
  const items = await page.getByTestId('receipt').locator('li').allTextContents();
  const words = items.map((w) => w.trim()).join(' ');
  if (!/^([a-z]{3,8} ){11}[a-z]{3,8}$/.test(words)) throw new Error(`not twelve receipt words: ${words}`);
  await ready();
  const r = parseReceipt(words);
  return { words, id: toHex(r.id), long: formatReceipt(r.id, r.secret), secrets: [words, toHex(r.secret), toHex(parseReceiptWords(words))] };
}
