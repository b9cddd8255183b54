// Which files of tests/vectors the browser's cryptography is checked against. A file added
// there later is reported here, so that whoever adds it knows web/test/crypto may need it too.
import { readdirSync } from 'node:fs';
import { expect, it } from 'vitest';
import { REPO_ROOT } from './helpers.js';

const COVERED: Record<string, string> = {
  'lrs.json': 'lrs_vectors.test.ts',
  'envelope.json': 'envelope_vectors.test.ts',
  'keyfile.json': 'keyfile_vectors.test.ts',
  'log.json': 'log_vectors.test.ts',
  'cable.json': 'cable_vectors.test.ts',
};

it('checks every vector file of the constructions web/src/crypto implements', () => {
  const files = readdirSync(`${REPO_ROOT}tests/vectors`).filter((f) => f.endsWith('.json'));
  for (const name of Object.keys(COVERED)) expect(files).toContain(name);
  const others = files.filter((f) => !(f in COVERED));
  if (others.length > 0) {
    console.warn(`tests/vectors has files web/test/crypto does not check: ${others.join(', ')}`);
  }
});
