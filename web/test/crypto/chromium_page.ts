// The page of test/crypto/browser/ (web/src/crypto as an application uses it, exposed as
// window.candorCrypto and window.recountInWorker), built by Vite, served from 127.0.0.1 and
// opened in Debian's Chromium (playwright-core). For browser.test.ts and the Chromium timings
// of bench/chromium.timing.ts.
//
//   const p = await openCryptoPage();   // null when there is no Chromium
//   await p.page.evaluate(() => window.candorCrypto.…);
//   await p.close();
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';

export const CHROMIUM = process.env['CANDOR_CHROMIUM'] ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
};

export interface CryptoPage {
  page: Page;
  browser: Browser;
  origin: string;
  // Serves `bytes` at `path` (e.g. '/bundle.json') from the page's own origin: large inputs
  // reach the page by fetch rather than through the driver.
  serve(path: string, bytes: Uint8Array | string): void;
  close(): Promise<void>;
}

export async function openCryptoPage(): Promise<CryptoPage> {
  const out = mkdtempSync(join(tmpdir(), 'candor-webcrypto-page-'));
  const { build } = await import('vite');
  await build({
    configFile: false,
    logLevel: 'silent',
    root: fileURLToPath(new URL('./browser/', import.meta.url)),
    base: '/',
    build: { outDir: out, emptyOutDir: true, target: 'es2022', modulePreload: { polyfill: false } },
    worker: { format: 'es' },
  });
  const extra = new Map<string, Uint8Array | string>();
  const server: Server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const served = extra.get(path);
    if (served !== undefined) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(served);
      return;
    }
    const file = join(out, path === '/' ? 'index.html' : path);
    if (!file.startsWith(out) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const origin = `http://127.0.0.1:${address.port}`;
  const { chromium } = await import('playwright-core');
  const args = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args });
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  await page.goto(`${origin}/`);
  await page.evaluate(() => window.cryptoReady);
  return {
    page,
    browser,
    origin,
    serve: (path, bytes) => extra.set(path, bytes),
    close: async () => {
      await browser.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(out, { recursive: true, force: true });
    },
  };
}
