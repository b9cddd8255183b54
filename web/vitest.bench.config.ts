// Timings of the browser's cryptography in Node's V8 (the engine of Chromium), for issue
// targets that are figures rather than tests (bench/*.timing.ts). Not part of `npm test`:
//   npx vitest run --config vitest.bench.config.ts
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['bench/**/*.timing.ts'],
    testTimeout: 1_800_000,
    fileParallelism: false,
    reporters: ['verbose'],
  },
});
