// Member key files: a member's MemberKeys at rest, under a passphrase
// (CRYPTO.md "Keys at rest"; the byte layout is in docs/FORMATS.md, "Key file").
//
//   magic "CANDORK1" (8) || opslimit u64le || memlimit u64le || salt (16) || nonce (24)
//   || ring public key (32) || reply (X25519) public key (32)
//   || XChaCha20-Poly1305(x (32) || box secret (32)) with tag (16)
//
// Everything before the ciphertext is the AEAD's additional data, so changing any byte of
// the file makes it fail to open. The key is Argon2id (crypto_pwhash, ALG_ARGON2ID13) of
// the passphrase and salt. All functions are thread-safe.
#ifndef CANDOR_CRYPTO_KEYFILE_H_
#define CANDOR_CRYPTO_KEYFILE_H_

#include <string_view>

#include "crypto/bytes.h"
#include "crypto/keys.h"
#include "crypto/rng.h"
#include "crypto/secret.h"

namespace candor::crypto {

inline constexpr std::size_t kKeyFileSize = 8 + 8 + 8 + 16 + 24 + 32 + 32 + 64 + 16;

// Argon2id cost. Files are written with Moderate (pinned by CRYPTO.md); tests may use
// Interactive. Readers accept opslimit and memlimit between Interactive and Sensitive, so a
// hostile file can neither demand unbounded memory nor weaken the KDF below Interactive.
struct KdfParams {
  std::uint64_t opslimit = 0;
  std::uint64_t memlimit = 0;
  static KdfParams Moderate();
  static KdfParams Interactive();
};

// The public part of a key file, readable without the passphrase.
struct KeyFileInfo {
  KdfParams kdf;
  Point ring_public;
  BoxPublicKey box_public;
};

// Encrypts `keys` under `passphrase` (non-empty) with fresh salt and nonce from `rng`.
Result<Bytes> SealKeyFile(const MemberKeys& keys, std::string_view passphrase, KdfParams kdf,
                          Rng& rng);

// Checks the layout and parameters and returns the public part. No KDF runs.
Result<KeyFileInfo> ParseKeyFile(ByteSpan file);

// Derives the file's key from `passphrase` (Argon2id with the file's salt and params).
Result<SymmetricKey> DeriveKeyFileKey(ByteSpan file, std::string_view passphrase);

// Opens with an already-derived key: authenticates, decrypts into locked memory and checks
// that both secrets match the public keys in the header. Used by OpenKeyFile and by the
// fuzz target (which must not spend its time in Argon2).
Result<MemberKeys> OpenKeyFileWithKey(ByteSpan file, const SymmetricKey& key);

// DeriveKeyFileKey + OpenKeyFileWithKey. Wrong passphrase: kUnauthenticated.
Result<MemberKeys> OpenKeyFile(ByteSpan file, std::string_view passphrase);

// Re-encrypts the same keys under `new_passphrase` with a fresh salt and nonce.
Result<Bytes> ChangeKeyFilePassphrase(ByteSpan file, std::string_view old_passphrase,
                                      std::string_view new_passphrase, KdfParams kdf, Rng& rng);

}  // namespace candor::crypto

#endif  // CANDOR_CRYPTO_KEYFILE_H_
