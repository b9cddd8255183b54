// libsodium initialisation. Every public entry point of src/crypto that calls libsodium
// calls EnsureSodium() first, so callers never have to remember.
#ifndef CANDOR_CRYPTO_INIT_H_
#define CANDOR_CRYPTO_INIT_H_

namespace candor::crypto {

// Initialises libsodium once (thread-safe). Aborts if libsodium cannot initialise:
// without a working random source no key or signature can be made safely.
void EnsureSodium();

}  // namespace candor::crypto

#endif  // CANDOR_CRYPTO_INIT_H_
