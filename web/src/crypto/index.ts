// Candor's in-browser cryptography: one import for pages.
//
//   import { ready, … } from './crypto/index.js';
//   await ready();   // loads libsodium once; every other function is synchronous afterwards
//
// Each module mirrors a part of the C++ core byte for byte (web/test/crypto checks them
// against tests/vectors and against the `candor` binary). recount_worker.ts and
// recount_client.ts are not re-exported here: the worker is its own entry point.
export * from './errors.js';
export { ready, sodium, wipe, type Sodium } from './sodium.js';
export * from './bytes.js';
export * from './transcript.js';
export * from './rng.js';
export * from './ristretto.js';
export * from './lrs.js';
export * from './keys.js';
export * from './keyfile.js';
export * from './envelope.js';
export * from './ed25519.js';
export * from './merkle.js';
export * from './tree_head.js';
export * from './json.js';
export * from './policy.js';
export * from './letter.js';
export * from './roster.js';
export * from './cosignature.js';
export * from './log_entry.js';
export * from './log_state.js';
export * from './bundle.js';
export * from './org_state.js';
export * from './witness.js';
export * from './web_release.js';
export * from './signer.js';
export * from './keystore.js';
