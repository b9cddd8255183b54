// Shared helpers of the web/src/crypto tests: the repository's test vectors, and assertions on
// CandorError codes.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { CandorError, type ErrorCode } from '../../src/crypto/errors.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

// tests/vectors/NAME as parsed JSON (the vector files hold no integers above 2^53).
export function loadVectors<T>(name: string): T {
  return JSON.parse(readFileSync(`${REPO_ROOT}tests/vectors/${name}`, 'utf8')) as T;
}

export function hex(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s, 'hex'));
}

export function toHexString(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

// Runs `f`, expects a CandorError (with `code` when given) and returns it.
export function expectCandorError(f: () => unknown, code?: ErrorCode): CandorError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CandorError);
    const err = e as CandorError;
    if (code !== undefined) expect(err.code, err.message).toBe(code);
    return err;
  }
  throw new Error('expected a CandorError, but nothing was thrown');
}
