// The browser end-to-end tests (test/e2e/*.e2e.ts): Debian's Chromium driven by playwright-core
// against a real `candor serve` on a loopback port with a fresh data directory. Run by
// `make test` through CTest (see web/CMakeLists.txt), or by hand:
//   CANDOR_BINARY=../build/src/cli/candor npx vitest run --config vitest.e2e.config.ts
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    sequence: { concurrent: false },
    reporters: ['verbose'],
  },
});
