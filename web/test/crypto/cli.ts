// Runs the C++ `candor` binary named by $CANDOR_BIN for the cross-implementation tests (CTest
// passes $<TARGET_FILE:candor>; see tests/web/CMakeLists.txt). Without it those tests skip.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesEqual, fromHex } from '../../src/crypto/bytes.js';
import { bundleReportToJson, recountLetterBundle, type BundleOptions } from '../../src/crypto/bundle.js';
import { CandorError } from '../../src/crypto/errors.js';
import { dumpJson, parseJson, type JsonObject } from '../../src/crypto/json.js';

export const CANDOR_BIN = process.env['CANDOR_BIN'] ?? '';

export const SKIP_MESSAGE =
  'CANDOR_BIN is not set: skipping the tests against the C++ binary ' +
  '(build it, then run CANDOR_BIN=/path/to/candor npm test, or let CTest do it)';

export interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

export function candor(args: string[], env: Record<string, string> = {}): Run {
  const r = spawnSync(CANDOR_BIN, args, {
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? '/tmp', ...env },
    maxBuffer: 1 << 28,
    timeout: 120_000,
  });
  if (r.error) throw r.error;
  if (r.status === null) {
    throw new Error(`candor ${args.join(' ')} was killed by ${r.signal ?? 'a signal'}:\n${r.stderr}`);
  }
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export class TempDir {
  readonly path = mkdtempSync(join(tmpdir(), 'candor-webcrypto-'));
  file(name: string, content: string | Uint8Array): string {
    const p = join(this.path, name);
    writeFileSync(p, content);
    return p;
  }
  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

// The outcome of a bundle check, in the shape `candor verify --bundle --json` prints:
// the report with "verified": true, or {"verified": false, "error", "code"}.
export interface Outcome {
  verified: boolean;
  text: string; // canonical JSON of the whole outcome (dumpJson)
  code?: string;
  error?: string;
}

export function browserOutcome(bundle: string | Uint8Array, options: BundleOptions = {}): Outcome {
  try {
    const report = bundleReportToJson(recountLetterBundle(bundle, options)) as Record<string, unknown>;
    return { verified: true, text: dumpJson({ ...(report as object), verified: true } as never) };
  } catch (e) {
    if (!(e instanceof CandorError)) throw e;
    return {
      verified: false,
      code: e.code,
      error: e.message,
      text: dumpJson({ verified: false, error: e.message, code: e.code }),
    };
  }
}

// `candor verify` refuses by default a bundle that holds no log state and one whose tree head is
// more than 72 hours old; the browser's verifier does only when asked (requireComplete,
// maxAgeMs). These flags make both run the same checks; pass lenient = false for the defaults.
export const LENIENT_VERIFY = ['--allow-incomplete', '--max-age', '0'];

export function cliOutcome(dir: TempDir, bundle: string | Uint8Array, args: string[] = [], lenient = true): Outcome {
  const path = dir.file('bundle.json', bundle);
  const r = candor(['verify', '--bundle', path, '--json', '--threads', '1', ...(lenient ? LENIENT_VERIFY : []), ...args]);
  if (r.stdout.trim() === '') {
    // Refused before the verifier ran (not JSON at all): no report on stdout.
    return { verified: false, code: 'invalid argument', error: r.stderr.trim(), text: '' };
  }
  const j = parseJson(r.stdout) as JsonObject;
  const verified = j.get('verified') === true;
  if (verified !== (r.status === 0)) throw new Error(`candor verify: exit ${r.status} but verified=${verified}`);
  if (!verified && r.status !== (j.get('code') === 'verification failed' ? 1 : 2)) {
    throw new Error(`candor verify: exit ${r.status} does not match code ${String(j.get('code'))}`);
  }
  return {
    verified,
    text: dumpJson(j),
    ...(verified ? {} : { code: j.get('code') as string, error: j.get('error') as string }),
  };
}

export function hexEq(a: Uint8Array, hex: string): boolean {
  return bytesEqual(a, fromHex(hex));
}
