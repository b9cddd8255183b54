// Witnesses in the browser, end to end (docs/PROTOCOL.md "Witnesses"; web/src/trust.ts): a
// real `candor serve --demo` configured with three witness keys made by
// `candor witness keygen`, each witness cosigning with `candor witness run --once`. A member
// sets the three keys with a threshold of 2 in the "Witnesses" box of the keys page and writes a
// cable: it goes through, at a checkpoint the witnesses confirmed. Then, between the browser and
// the server, playwright's context.route shows the browser checkpoints the witnesses never
// cosigned — a forged root with the real cosignatures pasted in, or the cosignatures dropped —
// and the cable page refuses in plain words, sending no cable.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import {
  apiGet,
  candorBinary,
  checkPrivacy,
  checkUrls,
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
  type CheckpointJson,
  type CheckpointsJson,
  type Device,
  type Server,
  readReceipt,
} from './harness.js';

const run = promisify(execFile);

let server: Server;
let browser: Browser;
let member: Device;
let dir: string;
const devices: Device[] = [];
const secrets: string[] = [];
const witnesses: { name: string; key: string; file: string; state: string }[] = [];

const NOT_WITNESSED = /no recent state of the public log is confirmed by 2 of your 3 witnesses/;

// Every witness looks at the log once and cosigns its newest checkpoint.
async function cosignAll(): Promise<void> {
  for (const w of witnesses) {
    await run(candorBinary, ['witness', 'run', '--log', server.url, '--log-key', server.logKey, '--key', w.file, '--state', w.state, '--once'], {
      timeout: 60_000,
    });
  }
}

// The newest checkpoint as the server lists it, once no new one has come for two seconds (the
// demo server logs its first batches just after start-up).
async function settledCheckpoint(): Promise<CheckpointJson> {
  let last = -1;
  return eventually('a settled checkpoint', async () => {
    const { checkpoints } = await apiGet<CheckpointsJson>(server, '/log/checkpoints');
    const newest = checkpoints[0];
    if (newest === undefined) return undefined;
    const same = newest.tree_size === last;
    last = newest.tree_size;
    if (!same) {
      await new Promise((r) => setTimeout(r, 2000));
      return undefined;
    }
    return newest;
  }, 60_000);
}

function cablePosts(d: Device): number {
  return d.requests.filter((r) => r.method === 'POST' && new URL(r.url).pathname === '/api/v1/cables').length;
}

// Another 32-byte value in hex (each digit moved along by one).
function spoil(hex: string): string {
  return hex.replace(/[0-9a-f]/g, (c) => '0123456789abcdef'[(parseInt(c, 16) + 1) % 16]!);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'candor-e2e-witnesses-'));
  for (const name of ['w1', 'w2', 'w3']) {
    const file = join(dir, `${name}.key`);
    const { stdout, stderr } = await run(candorBinary, ['witness', 'keygen', '--key', file], { timeout: 60_000 });
    const key = /Witness public key: ([0-9a-f]{64})/.exec(stdout + stderr)?.[1];
    if (key === undefined) throw new Error(`candor witness keygen printed no key:\n${stdout}\n${stderr}`);
    witnesses.push({ name, key, file, state: join(dir, `${name}.state.json`) });
  }
  server = await startServer(witnesses.flatMap((w) => ['--witness', `${w.name}=${w.key}`]));
  browser = await launchBrowser();
  member = await newDevice(browser, server);
  devices.push(member);
});

afterEach(async (ctx) => {
  await screenshotsIfFailed(ctx.task, devices);
  await checkUrls(devices, server);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('witnesses in the browser', () => {
  test('the three witnesses cosign the newest checkpoint', async () => {
    const newest = await settledCheckpoint();
    await cosignAll();
    const { checkpoints } = await apiGet<CheckpointsJson>(server, '/log/checkpoints');
    const cosigned = checkpoints.find((c) => c.tree_size === newest.tree_size);
    expect(cosigned?.cosignatures?.map((c) => c.witness).sort()).toEqual(witnesses.map((w) => w.key).sort());
  });

  test('the Witnesses box refuses malformed keys plainly and saves three keys with a threshold of 2', async () => {
    const page = member.page;
    await importKey(page, demoKeyFile(server, 4));
    await page.getByTestId('witnesses-none').waitFor();
    const box = page.getByTestId('witnesses');
    await box.getByLabel('Witness public keys').fill(`${witnesses[0]!.key}\nw2=${witnesses[1]!.key}\n${witnesses[2]!.key.slice(1)}\n${witnesses[0]!.key}`);
    await box.getByTestId('save-witnesses').click();
    const errors = box.getByTestId('witness-errors');
    await expect.poll(() => errors.textContent()).toContain('The witnesses were not saved.');
    const said = (await errors.textContent())!;
    expect(said).toContain('Line 2 is not a witness key');
    expect(said).toContain('Line 3 is not a witness key: a key is exactly 64 characters long, this line has 63.');
    expect(said).toContain('Line 4 repeats the key on line 1.');
    expect(await page.evaluate(() => localStorage.getItem('candor.witnesses.v1'))).toBeNull();

    await box.getByLabel('Witness public keys').fill(witnesses.map((w) => w.key).join('\n'));
    expect(await box.getByLabel('How many of them must confirm').inputValue()).toBe('3'); // all, until changed
    await box.getByLabel('How many of them must confirm').fill('4');
    await box.getByTestId('save-witnesses').click();
    await expect.poll(() => errors.textContent()).toContain('a whole number from 1 to 3');
    await box.getByLabel('How many of them must confirm').fill('2');
    await box.getByTestId('save-witnesses').click();
    await box.getByTestId('witnesses-saved').waitFor();
    await expect.poll(() => box.getByTestId('witnesses-set').textContent()).toContain('confirmed by 2 of these 3 witnesses');
    expect(await box.getByTestId('witness-list').locator('li').count()).toBe(3);
    const stored = JSON.parse((await page.evaluate(() => localStorage.getItem('candor.witnesses.v1')))!) as unknown;
    expect(stored).toEqual({ keys: witnesses.map((w) => w.key), threshold: 2 });
    // Still there after a reload.
    await page.reload();
    await expect.poll(() => page.getByTestId('witnesses-set').textContent()).toContain('2 of these 3 witnesses');
    await screenshot(page, 'member-witnesses');
  });

  test('a member writes a cable at a checkpoint the witnesses confirmed', async () => {
    const page = member.page;
    await cosignAll(); // the newest checkpoint, should the log have moved since
    expect(await openCableForm(page)).toBe('form');
    await page.getByLabel('Subject').fill('Witnessed');
    await page.getByLabel('What you want the reviewers to know').fill('This cable was sealed at a state of the log that two witnesses confirmed.');
    await page.getByTestId('send-cable').click();
    await page.getByTestId('cable-sent').waitFor({ timeout: 60_000 });
    const receipt = await readReceipt(page);
    secrets.push(...receipt.secrets);
    // The browser kept the witnessed head in its own field, a checkpoint the witnesses cosigned.
    const record = JSON.parse((await page.evaluate(() => localStorage.getItem('candor.trusted-log.v1')))!) as {
      witnessed_tree_head?: { tree_size: number };
    };
    const { checkpoints } = await apiGet<CheckpointsJson>(server, '/log/checkpoints');
    const witnessed = checkpoints.find((c) => c.tree_size === record.witnessed_tree_head?.tree_size);
    expect(witnessed?.cosignatures?.length).toBeGreaterThanOrEqual(2);
  });

  test('checkpoints the witnesses did not cosign stop the cable page, and nothing is sent', async () => {
    const page = member.page;
    const postsBefore = cablePosts(member);
    // 1. A forged state: every checkpoint's root changed (its signature too), the real
    //    cosignatures pasted in — none of them verifies any more.
    let hits = await rewriteCheckpoints(member.context, (real) => ({
      ...real,
      checkpoints: real.checkpoints.map((c) => ({ ...c, root: spoil(c.root), signature: spoil(c.signature) })),
    }));
    expect(await openCableForm(page)).toBe('refused');
    const said = page.getByText(NOT_WITNESSED);
    await said.waitFor();
    expect(await said.textContent()).toContain('try again in a few minutes, or the server is showing you a log they have not seen');
    expect(hits.count).toBeGreaterThan(0);
    expect(await page.getByTestId('send-cable').count()).toBe(0);
    await screenshot(page, 'member-cable-not-witnessed');
    await member.context.unrouteAll({ behavior: 'wait' });

    // 2. The real checkpoints with their cosignatures dropped.
    hits = await rewriteCheckpoints(member.context, (real) => ({ ...real, checkpoints: real.checkpoints.map((c) => ({ ...c, cosignatures: [] })) }));
    expect(await openCableForm(page)).toBe('refused');
    await page.getByText(NOT_WITNESSED).waitFor();
    expect(hits.count).toBeGreaterThan(0);
    await member.context.unrouteAll({ behavior: 'wait' });
    expect(cablePosts(member)).toBe(postsBefore);

    // With the route gone, the cable page opens again.
    await cosignAll();
    expect(await openCableForm(page)).toBe('form');
    expect(cablePosts(member)).toBe(postsBefore);
  });

  test('removing the witnesses goes back to the latest head', async () => {
    const page = member.page;
    await visit(page, '/#/member');
    await page.getByTestId('remove-witnesses').click();
    await page.getByTestId('witnesses-none').waitFor();
    expect(await page.evaluate(() => localStorage.getItem('candor.witnesses.v1'))).toBeNull();
    // No witness has cosigned what the server shows now, and the page does not ask.
    await rewriteCheckpoints(member.context, (real) => ({ ...real, checkpoints: real.checkpoints.map((c) => ({ ...c, cosignatures: [] })) }));
    expect(await openCableForm(page)).toBe('form');
    await member.context.unrouteAll({ behavior: 'wait' });
  });

  test('no page sent a receipt, a referrer or a request elsewhere, and the CSP held', () => {
    expect(secrets.length).toBe(3); // one receipt: its words, seed and secret
    for (const d of devices) checkPrivacy(d, server, secrets);
  });
});
