// Web release manifests (web_release.ts; C++ src/domain/web_release.h) and the "web-release" log
// entry, checked against the same rules as the C++ and against the C++ seed entries.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/crypto/bytes.js';
import { decodeLogEntry, encodeLogEntry, logEventToJson } from '../../src/crypto/log_entry.js';
import { ready } from '../../src/crypto/sodium.js';
import { parseWebManifest, webManifest, webReleaseId, MAX_WEB_FILES, MAX_WEB_PATH } from '../../src/crypto/web_release.js';
import { expectCandorError, REPO_ROOT } from './helpers.js';

await ready();

const of = (text: string) => new Uint8Array(createHash('sha256').update(text).digest());
const hexOf = (text: string) => createHash('sha256').update(text).digest('hex');

describe('web release manifests', () => {
  it('are what sha256sum prints, sorted by path, and parse back exactly', () => {
    const m = webManifest([
      { path: '/index.html', sha256: of('<html>') },
      { path: '/assets/app-1.js', sha256: of('js') },
      { path: '/favicon.svg', sha256: of('') },
    ]);
    expect(m).toBe(`${hexOf('js')}  /assets/app-1.js\n${hexOf('')}  /favicon.svg\n${hexOf('<html>')}  /index.html\n`);
    expect(m).toContain('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  /favicon.svg\n');
    const back = parseWebManifest(m);
    expect(back.map((f) => f.path)).toEqual(['/assets/app-1.js', '/favicon.svg', '/index.html']);
    expect(toHex(back[0]!.sha256)).toBe(hexOf('js'));
    expect(toHex(webReleaseId(m))).toBe(hexOf(m));
  });

  it('refuse what the C++ refuses', () => {
    for (const path of ['', '/', 'index.html', '//a', '/a//b', '/a/', '/.env', '/a/../b', '/a b', '/ä', '/a\\b']) {
      expectCandorError(() => webManifest([{ path, sha256: of('x') }]), 'invalid argument');
    }
    expectCandorError(() => webManifest([]), 'invalid argument');
    expectCandorError(() => webManifest([{ path: '/a', sha256: of('1') }, { path: '/a', sha256: of('2') }]), 'invalid argument');
    expectCandorError(() => webManifest([{ path: '/' + 'a'.repeat(MAX_WEB_PATH), sha256: of('x') }]), 'invalid argument');
    const many = Array.from({ length: MAX_WEB_FILES + 1 }, (_, i) => ({ path: `/f${i}`, sha256: of('x') }));
    expectCandorError(() => webManifest(many), 'invalid argument');
    const good = `${hexOf('x')}  /a\n`;
    expect(parseWebManifest(good)).toHaveLength(1);
    for (const bad of ['', good.slice(0, -1), good + '\n', ' ' + good, good + good, `${hexOf('y')}  /b\n` + good, good + '\r\n',
      good.replace(/^./, 'A')]) {
      expectCandorError(() => parseWebManifest(bad), 'invalid argument');
    }
  });

  it('travel in "web-release" log entries, as the C++ encodes them', () => {
    const manifest = `${hexOf('js')}  /assets/app-1.js\n${hexOf('<html>')}  /index.html\n`;
    const bytes = encodeLogEntry({ kind: 'web-release', manifest });
    expect(decodeLogEntry(bytes)).toEqual({ kind: 'web-release', manifest });
    expect(logEventToJson({ kind: 'web-release', manifest })).toEqual({
      kind: 'web-release',
      release: hexOf(manifest),
      manifest,
    });
    // The C++ fuzz seeds of this kind decode (or not) alike.
    const dir = `${REPO_ROOT}fuzz/corpus/log_entry_decode/`;
    const seeds = readdirSync(dir).filter((n) => n.includes('web-release') || n.includes('reviewer') || n.includes('epoch'));
    expect(seeds.length).toBeGreaterThanOrEqual(5);
    for (const name of seeds) {
      const entry = new Uint8Array(readFileSync(dir + name));
      if (name.startsWith('valid-')) expect(encodeLogEntry(decodeLogEntry(entry)), name).toEqual(entry);
      else expectCandorError(() => decodeLogEntry(entry), 'invalid argument');
    }
  });
});
