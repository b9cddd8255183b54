// Web front end releases (docs/PROTOCOL.md "Web releases"; C++: src/domain/web_release.h): the
// files a server serves to browsers, as a manifest that is logged ("web-release" entries), so
// that anyone can check that the pages a server serves are a logged release.
//
//   manifest = for each file, sorted by path (bytewise): "<sha256 hex>  <path>\n"
//
// the format `sha256sum` prints. The release id is SHA-256(manifest).
import { toHex, utf8 } from './bytes.js';
import { invalidArgument } from './errors.js';
import { sha256 } from './transcript.js';

export const MAX_WEB_FILES = 1000;
export const MAX_WEB_PATH = 256;

export interface WebFile {
  path: string; // "/index.html": '/' then 1 … 255 of A-Z a-z 0-9 . _ - /
  sha256: Uint8Array; // 32 bytes
}

function checkPath(path: string): void {
  const bad = (why: string) => invalidArgument(`the web file path '${path.slice(0, 80)}' ${why}`);
  if (path.length < 2 || path.length > MAX_WEB_PATH || path[0] !== '/') {
    throw bad(`must be '/' followed by 1 to ${MAX_WEB_PATH - 1} characters`);
  }
  if (!/^[A-Za-z0-9._\-/]+$/.test(path)) throw bad("may use only A-Z, a-z, 0-9, '.', '_', '-' and '/'");
  for (const segment of path.slice(1).split('/')) {
    if (segment === '') throw bad('has an empty segment');
    if (segment[0] === '.') throw bad("has a segment that starts with '.'");
  }
}

// The manifest of `files` (any order; sorted here). Throws 'invalid argument' (WebManifest).
export function webManifest(files: readonly WebFile[]): string {
  if (files.length === 0) throw invalidArgument('a web release has at least one file');
  if (files.length > MAX_WEB_FILES) throw invalidArgument(`a web release has at most ${MAX_WEB_FILES} files`);
  // Paths are ASCII, so comparing UTF-16 code units is comparing bytes.
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  let out = '';
  sorted.forEach((f, i) => {
    checkPath(f.path);
    if (i > 0 && f.path === sorted[i - 1]!.path) throw invalidArgument(`the web file path '${f.path}' appears twice`);
    if (f.sha256.length !== 32) throw invalidArgument('a file hash must be 32 bytes');
    out += `${toHex(f.sha256)}  ${f.path}\n`;
  });
  return out;
}

// The strict inverse (ParseWebManifest): exactly the text webManifest would produce.
export function parseWebManifest(manifest: string): WebFile[] {
  const files: WebFile[] = [];
  let pos = 0;
  while (pos < manifest.length) {
    const nl = manifest.indexOf('\n', pos);
    const where = `line ${files.length + 1} of the web manifest`;
    if (nl < 0) throw invalidArgument(`${where} does not end with a newline`);
    const line = manifest.slice(pos, nl);
    if (line.length < 67 || line.slice(64, 66) !== '  ') throw invalidArgument(`${where} is not '<64 hex>  <path>'`);
    const hex = line.slice(0, 64);
    if (!/^[0-9a-f]{64}$/.test(hex)) throw invalidArgument(`${where}: the hash must be 64 lowercase hex digits`);
    const digest = new Uint8Array(32);
    for (let i = 0; i < 32; i++) digest[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
    files.push({ path: line.slice(66), sha256: digest });
    if (files.length > MAX_WEB_FILES) throw invalidArgument(`a web release has at most ${MAX_WEB_FILES} files`);
    pos = nl + 1;
  }
  if (webManifest(files) !== manifest) throw invalidArgument('the web manifest is not sorted by path, or repeats a path');
  return files;
}

// SHA-256 of the manifest's bytes: the id a page shows and an organization announces.
export function webReleaseId(manifest: string): Uint8Array {
  return sha256(utf8(manifest));
}
