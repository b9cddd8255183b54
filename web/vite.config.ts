// Vite builds the front end into dist/, which `candor serve` serves at its root.
//
// Everything the page loads comes from Candor itself: no CDN, no web font, no inline script
// or style (the server's Content-Security-Policy forbids them), no data: URIs (assets are
// never inlined), and no module-preload polyfill (a page of code that needs no auditing).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    chunkSizeWarningLimit: 1200, // libsodium-sumo is one 400 KB WebAssembly module in a script
  },
  worker: { format: 'es' },
  test: {
    // Browser end-to-end tests have their own configuration (vitest.e2e.config.ts).
    exclude: ['test/e2e/**', 'node_modules/**', 'dist/**'],
    // Many tests run the `candor` binary (the cross-checks); CTest also runs them against the
    // sanitizer build's, which is several times slower. Correctness, not speed, is tested here.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
