// The one place that loads libsodium (libsodium-wrappers-sumo), the browser's counterpart of
// src/crypto/init.h.
//
//   await ready();          // once, before any other function of web/src/crypto
//   const s = sodium();     // the initialised library, synchronously
//
// Every primitive of Candor comes from libsodium (CRYPTO.md); the wrappers compile the C
// library to WebAssembly, so the arithmetic is the same code as the C++ core's (the C++ side
// links the system's libsodium; the version is in SODIUM_VERSION_STRING). Functions of
// web/src/crypto are synchronous and call sodium(), which throws if ready() has not finished.
import sodiumModule from 'libsodium-wrappers-sumo';

export type Sodium = typeof sodiumModule;

let instance: Sodium | null = null;
let loading: Promise<Sodium> | null = null;

// Resolves once libsodium is initialised; safe to call any number of times.
export function ready(): Promise<Sodium> {
  if (loading === null) {
    loading = sodiumModule.ready.then(() => {
      instance = sodiumModule;
      return sodiumModule;
    });
  }
  return loading;
}

// The initialised library. Throws (a programming error) before ready() has resolved.
export function sodium(): Sodium {
  if (instance === null) {
    throw new Error('libsodium is not ready: await ready() from web/src/crypto/sodium.ts first');
  }
  return instance;
}

// Overwrites `bytes` with zeros (sodium_memzero). For Uint8Arrays that held secrets.
// JavaScript cannot promise that no other copy exists (libsodium.js copies arguments into its
// WebAssembly heap and frees them without wiping), so this narrows exposure; it is not a
// guarantee like the C++ core's guarded memory.
export function wipe(...buffers: (Uint8Array | null | undefined)[]): void {
  const s = sodium();
  for (const b of buffers) {
    if (b && b.length > 0) s.memzero(b);
  }
}
