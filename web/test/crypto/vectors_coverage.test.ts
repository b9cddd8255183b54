// Which files of tests/vectors the browser's cryptography is checked against: every one. A file
// added there later fails this test until web/test/crypto checks it too (or says here why not).
import { readdirSync } from 'node:fs';
import { expect, it } from 'vitest';
import { REPO_ROOT } from './helpers.js';

const COVERED: Record<string, string> = {
  'lrs.json': 'lrs_vectors.test.ts',
  'envelope.json': 'envelope_vectors.test.ts',
  'keyfile.json': 'keyfile_vectors.test.ts',
  'log.json': 'log_vectors.test.ts',
  'cable.json': 'cable_vectors.test.ts',
  'log_state.json': 'log_state_vectors.test.ts',
  'lrs2.json': 'lrs2_vectors.test.ts',
};

// Files of constructions the browser does not implement yet, and why (none today).
const NOT_YET: Record<string, string> = {};

it('checks every vector file of the constructions web/src/crypto implements', () => {
  const files = readdirSync(`${REPO_ROOT}tests/vectors`).filter((f) => f.endsWith('.json'));
  for (const name of Object.keys(COVERED)) expect(files).toContain(name);
  const others = files.filter((f) => !(f in COVERED) && !(f in NOT_YET));
  expect(others, 'tests/vectors files that web/test/crypto does not check').toEqual([]);
});
