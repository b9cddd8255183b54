// web/src/crypto in a real browser (Debian's Chromium, driven by playwright-core): the page is
// built by Vite from test/crypto/browser/ as an application would be, and then
//   - the key store keeps a key made at the pinned Argon2id cost in IndexedDB across reloads,
//     and its exported bytes open here (and so with `candor`, see cross_keys.test.ts);
//   - signatures made in the browser verify here and the other way round;
//   - recountInWorker recounts a bundle in a Web Worker to the report computed here.
// Skips when there is no Chromium ($CANDOR_CHROMIUM, default /usr/bin/chromium).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ready } from '../../src/crypto/sodium.js';
import { toHex } from '../../src/crypto/bytes.js';
import { openKeyFile, parseKeyFile } from '../../src/crypto/keyfile.js';
import { generateMemberKeys } from '../../src/crypto/keys.js';
import { SeededRng } from '../../src/crypto/rng.js';
import { Ring } from '../../src/crypto/lrs.js';
import {
  coSignatureFromJson,
  coSignatureToJsonText,
  signLetter,
  signLetterV2,
  verifyCoSignature,
} from '../../src/crypto/cosignature.js';
import { bundleReportToJson, recountLetterBundle } from '../../src/crypto/bundle.js';
import { dumpJson } from '../../src/crypto/json.js';
import { CHROMIUM, HAVE_CHROMIUM, openCryptoPage, type CryptoPage } from './chromium_page.js';
import { REPO_ROOT } from './helpers.js';

await ready();

if (!HAVE_CHROMIUM) console.warn(`no Chromium at ${CHROMIUM}: skipping the browser tests of web/src/crypto`);

describe.skipIf(!HAVE_CHROMIUM)('web/src/crypto in Chromium', () => {
  let chromium: CryptoPage | undefined;
  let page: Page;

  beforeAll(async () => {
    chromium = await openCryptoPage();
    page = chromium.page;
  }, 120_000);

  afterAll(async () => {
    await chromium?.close();
  });

  it('keeps a key made at the pinned cost in IndexedDB, across reloads, exportable', async () => {
    const made = await page.evaluate(async () => {
      const c = window.candorCrypto;
      const store = await c.KeyStore.open({ name: 'candor-keys-test' });
      const started = performance.now();
      const info = await store.create('passphrase ✓', 'browser');
      const ms = performance.now() - started;
      store.close();
      return { info, ms };
    });
    await page.reload();
    await page.evaluate(() => window.cryptoReady);
    const after = await page.evaluate(async (id: string) => {
      const c = window.candorCrypto;
      const store = await c.KeyStore.open({ name: 'candor-keys-test' });
      const list = await store.list();
      const keys = await store.unlock(id, 'passphrase ✓');
      const wrong = await store.unlock(id, 'nope').then(
        () => 'opened',
        (e: { code?: string }) => e.code ?? 'no code',
      );
      const file = c.toHex((await store.load(id))!);
      store.close();
      return { list, ring: c.toHex(keys.ring.publicKey), wrong, file };
    }, made.info.id);
    expect(after.list.map((k) => k.id)).toEqual([made.info.id]);
    expect(after.ring).toBe(made.info.ringPublic);
    expect(after.wrong).toBe('unauthenticated');
    const file = Uint8Array.from(Buffer.from(after.file, 'hex'));
    expect(parseKeyFile(file).kdf.memlimit).toBe(268435456);
    expect(toHex(openKeyFile(file, 'passphrase ✓').ring.publicKey)).toBe(made.info.ringPublic);
    console.log(`Chromium: a member key at MODERATE Argon2id took ${Math.round(made.ms)} ms`);
  }, 120_000);

  it('signs in the browser what verifies here, and verifies what was signed here', async () => {
    const rng = new SeededRng(31);
    const members = Array.from({ length: 64 }, () => generateMemberKeys(rng));
    const ring = Ring.create(members.map((m) => m.ring.publicKey));
    const letterId = new Uint8Array(32).fill(0x42);
    const mine = coSignatureToJsonText(signLetter(letterId, 'sign', ring, 9, members[9]!.ring.secret));
    const result = await page.evaluate(
      ({ ringHex, secretHex, letterHex, nodeSig }) => {
        const c = window.candorCrypto;
        const ring = c.Ring.create(ringHex.map((h) => c.fromHex(h)));
        const tag = c.toHex(c.verifyCoSignature(c.coSignatureFromJson(nodeSig), ring));
        const t0 = performance.now();
        const sig = c.signLetter(c.fromHex(letterHex), 'withdraw', ring, 20, c.fromHex(secretHex));
        const t1 = performance.now();
        c.verifyCoSignature(sig, ring);
        const t2 = performance.now();
        return { tag, text: c.coSignatureToJsonText(sig), signMs: t1 - t0, verifyMs: t2 - t1 };
      },
      {
        ringHex: ring.members.map(toHex),
        secretHex: toHex(members[20]!.ring.secret),
        letterHex: toHex(letterId),
        nodeSig: mine,
      },
    );
    expect(result.tag).toBe(toHex(verifyCoSignature(coSignatureFromJson(mine), ring)));
    const fromBrowser = coSignatureFromJson(result.text);
    expect(fromBrowser.action).toBe('withdraw');
    verifyCoSignature(fromBrowser, ring);
    console.log(
      `Chromium, ring of 64: sign ${result.signMs.toFixed(1)} ms, verify ${result.verifyMs.toFixed(1)} ms`,
    );
  }, 60_000);

  it('makes candor-lrs-v2 co-signatures in the browser that verify here, and the other way round', async () => {
    const rng = new SeededRng(32);
    const members = Array.from({ length: 64 }, () => generateMemberKeys(rng));
    const ring = Ring.create(members.map((m) => m.ring.publicKey));
    const letterId = new Uint8Array(32).fill(0x43);
    const mine = coSignatureToJsonText(signLetterV2(letterId, 'sign', ring, 9, members[9]!.ring.secret));
    const result = await page.evaluate(
      ({ ringHex, secretHex, letterHex, nodeSig }) => {
        const c = window.candorCrypto;
        const ring = c.Ring.create(ringHex.map((h) => c.fromHex(h)));
        const tag = c.toHex(c.verifyCoSignature(c.coSignatureFromJson(nodeSig), ring));
        const sig = c.signLetterV2(c.fromHex(letterHex), 'sign', ring, 20, c.fromHex(secretHex));
        return { tag, text: c.coSignatureToJsonText(sig) };
      },
      { ringHex: ring.members.map(toHex), secretHex: toHex(members[20]!.ring.secret), letterHex: toHex(letterId), nodeSig: mine },
    );
    expect(result.tag).toBe(toHex(verifyCoSignature(coSignatureFromJson(mine), ring)));
    const fromBrowser = coSignatureFromJson(result.text);
    expect(fromBrowser.scheme).toBe('candor-lrs-v2');
    expect(fromBrowser.signature.length).toBe(32 * (10 + 8 * 2));
    verifyCoSignature(fromBrowser, ring);
  }, 60_000);

  it('recounts a bundle in a Web Worker, with progress, to the report computed here', async () => {
    const text = readFileSync(`${REPO_ROOT}fuzz/corpus/letter_bundle/valid-demo-bundle.json`, 'utf8');
    const expected = dumpJson(bundleReportToJson(recountLetterBundle(text)));
    const got = await page.evaluate(async (bundle: string) => {
      const progress: number[][] = [];
      const report = await window.recountInWorker({ bundle: new TextEncoder().encode(bundle) }, (d, t) =>
        progress.push([d, t]),
      );
      const refused = await window
        .recountInWorker({ bundle, logKey: '00'.repeat(32) })
        .then(() => 'accepted', (e: { code?: string }) => e.code ?? 'no code');
      return { report: window.candorCrypto.dumpJson(report), progress, refused };
    }, text);
    expect(got.report).toBe(expected);
    expect(got.progress.at(-1)).toEqual([3, 3]);
    expect(got.refused).toBe('verification failed');
  }, 60_000);
});
