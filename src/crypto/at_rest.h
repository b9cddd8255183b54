// Secrets the server must keep (second-factor secrets), encrypted at rest under a key that is
// not in the database, so that a stolen database, WAL or backup does not hand them over
// (security review L1). The key is derived from the server's log key, which lives in the data
// directory (not in the store) and must be kept anyway.
//
//   SymmetricKey k = DeriveAtRestKey(log_key.secret_key, "candor/v1/totp-at-rest");
//   Bytes sealed = SealAtRest(k, ad, secret, rng);        // nonce (24) || ciphertext || tag (16)
//   Result<Bytes> back = OpenAtRest(k, ad, sealed);
//
// XChaCha20-Poly1305 (libsodium), with `ad` binding the value to its row (an account id), so
// that a value copied to another row does not open. Thread-safe; `rng` is the caller's.
#ifndef CANDOR_CRYPTO_AT_REST_H_
#define CANDOR_CRYPTO_AT_REST_H_

#include <string_view>

#include "base/result.h"
#include "crypto/bytes.h"
#include "crypto/rng.h"
#include "crypto/secret.h"

namespace candor::crypto {

inline constexpr std::size_t kAtRestOverhead = 24 + 16;  // nonce and tag

// BLAKE2b-256(key = secret, message = label).
SymmetricKey DeriveAtRestKey(const SignSecretKey& secret, std::string_view label);

Bytes SealAtRest(const SymmetricKey& key, ByteSpan ad, ByteSpan plaintext, Rng& rng);

// Error (kVerificationFailed) when the value was changed, sealed under another key or for
// another `ad`; kInvalidArgument when it is too short to be a sealed value.
Result<Bytes> OpenAtRest(const SymmetricKey& key, ByteSpan ad, ByteSpan sealed);

}  // namespace candor::crypto

#endif  // CANDOR_CRYPTO_AT_REST_H_
