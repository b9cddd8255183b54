// Issue 14, "how to show it": a letter over a roster of 10^5 members, signed with
// candor-lrs-v2 from the command line and from Chromium, published, and recounted by
// `candor verify` and by the browser — against a real `candor serve` (SQLite, the demo
// organization), end to end. Not part of `npm test` (it enrolls 10^5 members: minutes):
//   LETTER_MEMBERS=100000 npx vitest run --config vitest.bench.config.ts bench/letter_scale.timing.ts
// Needs the C++ build (candor, make_enroll_bodies) and the web build (make web). Prints one line
// per step with its wall time.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { candorBinary, demoKeyFile, DEMO_ADMIN, DEMO_KEY_PASSPHRASE, DEMO_ORG, repoRoot, startServer } from '../test/e2e/harness.js';
import { HAVE_CHROMIUM, openCryptoPage } from '../test/crypto/chromium_page.js';

const members = Number(process.env['LETTER_MEMBERS'] ?? 100_000);
const bodiesTool = join(repoRoot, 'build', 'tools', 'make_enroll_bodies');

function seconds(t0: number): string {
  return `${((performance.now() - t0) / 1000).toFixed(1)} s`;
}

it.skipIf(!HAVE_CHROMIUM)(`a letter over ${members} members, signed from the CLI and Chromium, recounted by both`, async () => {
  const server = await startServer();
  try {
    const api = `${server.url}/api/v1`;
    // The officer's session, then invitations in bulk and one anonymous enrollment each.
    const login = await fetch(`${api}/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ organization: DEMO_ORG, ...DEMO_ADMIN }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const csrf = ((await login.json()) as { csrf_token: string }).csrf_token;
    const staff = { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf };
    let t0 = performance.now();
    const codes: string[] = [];
    while (codes.length < members) {
      const r = await fetch(`${api}/orgs/${DEMO_ORG}/invitations`, {
        method: 'POST',
        headers: staff,
        body: JSON.stringify({ count: Math.min(1000, members - codes.length) }),
      });
      expect([200, 201]).toContain(r.status);
      codes.push(...((await r.json()) as { invitations: string[] }).invitations);
    }
    const bodies = spawnSync(bodiesTool, { input: codes.join('\n') + '\n', encoding: 'utf8', maxBuffer: 1 << 30 }).stdout.trim().split('\n');
    for (const body of bodies) {
      const r = await fetch(`${api}/orgs/${DEMO_ORG}/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(r.status).toBe(201);
      await r.arrayBuffer();
    }
    console.log(`enrolled ${members} members through the API: ${seconds(t0)}`);

    const published = await fetch(`${api}/letters`, {
      method: 'POST',
      headers: staff,
      body: JSON.stringify({ title: 'At scale', body: 'We ask leadership to reconsider.\n', organizations: [DEMO_ORG] }),
    });
    expect(published.status).toBe(201);
    const letter = ((await published.json()) as { id: string }).id;

    // The command line: fetches the roster from the log with proofs, precomputes while the
    // passphrase is read, signs within the whole roster, sends.
    const passFile = join(server.dataDir, 'passphrase');
    writeFileSync(passFile, `${DEMO_KEY_PASSPHRASE}\n`);
    t0 = performance.now();
    const cli = spawnSync(candorBinary, ['letter', 'sign', letter, '--server', server.url, '--key', demoKeyFile(server, 1), '--passphrase-file', passFile], {
      encoding: 'utf8',
    });
    expect(cli.status, cli.stderr + cli.stdout).toBe(0);
    console.log(`candor letter sign (fetch and check the roster, sign, send): ${seconds(t0)}; ${/anonymity set: ([\d,]+) members/.exec(cli.stderr)?.[0]}`);

    // Chromium: the browser's crypto core rebuilds the ring from the same proofs and signs.
    const bundleText = async (withSignatures: boolean): Promise<string> => {
      const first = (await (await fetch(`${api}/letters/${letter}/bundle?signatures=${withSignatures ? 1 : 0}&limit=8192`)).json()) as Record<string, unknown>;
      const size = (first['tree_head'] as { tree_size: number }).tree_size;
      const entries = [...(first['entries'] as unknown[])];
      let next = (first['page'] as { next: number | null }).next;
      while (next !== null) {
        const page = (await (
          await fetch(`${api}/letters/${letter}/bundle?signatures=${withSignatures ? 1 : 0}&tree_size=${size}&start=${next}&limit=8192`)
        ).json()) as Record<string, unknown>;
        entries.push(...(page['entries'] as unknown[]));
        next = (page['page'] as { next: number | null }).next;
      }
      const whole: Record<string, unknown> = { ...first, entries };
      delete whole['page'];
      return JSON.stringify(whole);
    };
    const chromium = await openCryptoPage();
    try {
      chromium.serve('/rings.json', await bundleText(false));
      const signed = await chromium.page.evaluate(
        async ({ file, passphrase, id }) => {
          const c = window.candorCrypto;
          const keys = c.openKeyFile(c.fromHex(file), passphrase);
          const t0 = performance.now();
          const bundle = new Uint8Array(await (await fetch('/rings.json')).arrayBuffer());
          const letterRings = c.letterRingsFromBundle(bundle);
          const mine = c.findSignerRing(letterRings, keys.ring.publicKey);
          const t1 = performance.now();
          const sig = c.signLetterV2(c.fromHex(id), 'sign', mine.ring, mine.index, keys.ring.secret);
          const t2 = performance.now();
          return { body: { organization: mine.org, signature: c.coSignatureToJson(sig) }, ringMs: t1 - t0, signMs: t2 - t1, size: mine.ring.size, mb: bundle.length / 1e6 };
        },
        { file: readFileSync(demoKeyFile(server, 2)).toString('hex'), passphrase: DEMO_KEY_PASSPHRASE, id: letter },
      );
      const sent = await fetch(`${api}/letters/${letter}/signatures`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(signed.body) });
      expect(sent.status).toBe(202);
      console.log(
        `Chromium: ring of ${signed.size} rebuilt from the proofs (${signed.mb.toFixed(0)} MB) in ${(signed.ringMs / 1000).toFixed(1)} s, signed in ${(signed.signMs / 1000).toFixed(1)} s`,
      );

      // The next batch publishes both; then both recounts.
      for (let i = 0; i < 120; i++) {
        const view = (await (await fetch(`${api}/letters/${letter}`)).json()) as { total: number };
        if (view.total === 2) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      t0 = performance.now();
      const verify = spawnSync(candorBinary, ['verify', letter, '--server', server.url, '--json'], { encoding: 'utf8', maxBuffer: 1 << 26 });
      expect(verify.status, verify.stderr).toBe(0);
      const report = JSON.parse(verify.stdout) as { total: number; whole_roster_signatures: number };
      expect([report.total, report.whole_roster_signatures]).toEqual([2, 2]);
      console.log(`candor verify (fetch, every proof, both signatures): ${seconds(t0)}; total ${report.total}`);
      const full = await bundleText(true);
      chromium.serve('/bundle.json', full);
      const recount = await chromium.page.evaluate(async () => {
        const t0 = performance.now();
        const bundle = new Uint8Array(await (await fetch('/bundle.json')).arrayBuffer());
        const r = (await window.recountInWorker({ bundle })) as { total?: bigint | number };
        return { ms: performance.now() - t0, total: Number(r.total) };
      });
      expect(recount.total).toBe(2);
      console.log(`Chromium recount (Web Worker) of the ${(full.length / 1e6).toFixed(0)} MB bundle: ${(recount.ms / 1000).toFixed(1)} s; total ${recount.total}`);
    } finally {
      await chromium.close();
    }
  } finally {
    await server.stop();
  }
});
