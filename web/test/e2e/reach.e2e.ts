// Reaching Candor unseen (issue 16, item 4), in Chromium against a real `candor serve --onion`
// (Debian's tor, offline here: it makes the onion service's key and address, which is what the
// pages show; reaching it through the Tor network cannot be tested without that network). The
// safety guide gives the server's onion address and says to use Tor Browser on a personal device.
import { createServer } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { apiGet, expectAccessible, launchBrowser, newDevice, screenshot, screenshotsIfFailed, startServer, visit, type Device, type Server } from './harness.js';

let server: Server;
let browser: Browser;
let device: Device;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe('reaching the server through Tor', () => {
  beforeAll(async () => {
    server = await startServer(['--onion', '--port', String(await freePort())]);
    browser = await launchBrowser();
    device = await newDevice(browser, server);
  });
  afterEach(async (ctx) => screenshotsIfFailed(ctx.task, [device]));
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the safety guide gives the onion address and says to use Tor Browser on a personal device', async () => {
    const { onion } = await apiGet<{ onion: string }>(server, '/reach');
    expect(onion).toMatch(/^http:\/\/[a-z2-7]{56}\.onion\/$/);
    const page = device.page;
    await visit(page, '/#/safety');
    await expect.poll(() => page.getByTestId('onion-address').textContent()).toBe(onion);
    const text = await page.locator('main').textContent();
    expect(text).toContain('Tor Browser');
    expect(text).toContain('not on a work computer or the office network');
    await expectAccessible(page, 'the safety guide with an onion address');
    await screenshot(page, 'safety-onion');
  });
});
