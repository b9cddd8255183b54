#include "crypto/keyfile.h"

#include <sodium.h>

#include <cstring>

#include "crypto/init.h"
#include "crypto/ristretto.h"

namespace candor::crypto {
namespace {

constexpr char kMagic[8] = {'C', 'A', 'N', 'D', 'O', 'R', 'K', '1'};
constexpr std::size_t kOpsOffset = 8;
constexpr std::size_t kMemOffset = 16;
constexpr std::size_t kSaltOffset = 24;
constexpr std::size_t kNonceOffset = kSaltOffset + crypto_pwhash_SALTBYTES;  // 40
constexpr std::size_t kRingPublicOffset =
    kNonceOffset + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;  // 64
constexpr std::size_t kBoxPublicOffset = kRingPublicOffset + 32;  // 96
constexpr std::size_t kHeaderSize = kBoxPublicOffset + 32;        // 128
constexpr std::size_t kPlainSize = 64;
static_assert(kHeaderSize + kPlainSize + crypto_aead_xchacha20poly1305_ietf_ABYTES == kKeyFileSize);
static_assert(crypto_pwhash_SALTBYTES == 16);

// Wipes a stack buffer when the scope ends, on every path.
template <std::size_t N>
struct WipedBuffer {
  std::uint8_t bytes[N] = {};
  ~WipedBuffer() { sodium_memzero(bytes, N); }
};

Status CheckPassphrase(std::string_view passphrase) {
  if (passphrase.empty()) return InvalidArgument("the passphrase is empty");
  return Status::Ok();
}

Status CheckKdf(const KdfParams& kdf) {
  if (kdf.opslimit < crypto_pwhash_OPSLIMIT_INTERACTIVE ||
      kdf.opslimit > crypto_pwhash_OPSLIMIT_SENSITIVE ||
      kdf.memlimit < crypto_pwhash_MEMLIMIT_INTERACTIVE ||
      kdf.memlimit > crypto_pwhash_MEMLIMIT_SENSITIVE) {
    return Error(ErrorCode::kCorrupt,
                 "the key file's Argon2id settings are outside the accepted range");
  }
  return Status::Ok();
}

Result<SymmetricKey> Derive(std::string_view passphrase, const std::uint8_t* salt, KdfParams kdf) {
  CANDOR_RETURN_IF_ERROR(CheckPassphrase(passphrase));
  SymmetricKey key;
  if (crypto_pwhash(key.data(), key.size(), passphrase.data(), passphrase.size(), salt,
                    kdf.opslimit, static_cast<std::size_t>(kdf.memlimit),
                    crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Error(ErrorCode::kResourceExhausted,
                 "not enough memory to derive the key-file key (Argon2id)");
  }
  return key;
}

}  // namespace

KdfParams KdfParams::Moderate() {
  return {crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE};
}
KdfParams KdfParams::Interactive() {
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

Result<Bytes> SealKeyFile(const MemberKeys& keys, std::string_view passphrase, KdfParams kdf,
                          Rng& rng) {
  EnsureSodium();
  CANDOR_RETURN_IF_ERROR(CheckPassphrase(passphrase));
  if (!CheckKdf(kdf).ok()) return InvalidArgument("Argon2id settings out of the accepted range");
  if (RingPublicFromSecret(keys.ring.secret) != keys.ring.public_key ||
      BoxPublicFromSecret(keys.box.secret) != keys.box.public_key) {
    return InvalidArgument("the key pairs are inconsistent");
  }
  Bytes file(kKeyFileSize);
  std::memcpy(file.data(), kMagic, sizeof kMagic);
  auto ops = U64Le(kdf.opslimit), mem = U64Le(kdf.memlimit);
  std::memcpy(file.data() + kOpsOffset, ops.data(), 8);
  std::memcpy(file.data() + kMemOffset, mem.data(), 8);
  rng.Fill(std::span<std::uint8_t>(file.data() + kSaltOffset, crypto_pwhash_SALTBYTES));
  rng.Fill(std::span<std::uint8_t>(file.data() + kNonceOffset,
                                   crypto_aead_xchacha20poly1305_ietf_NPUBBYTES));
  std::memcpy(file.data() + kRingPublicOffset, keys.ring.public_key.data(), 32);
  std::memcpy(file.data() + kBoxPublicOffset, keys.box.public_key.data(), 32);

  CANDOR_ASSIGN_OR_RETURN(SymmetricKey key, Derive(passphrase, file.data() + kSaltOffset, kdf));
  SecretBytes<kPlainSize, struct KeyFilePlainTag> plain;
  std::memcpy(plain.data(), keys.ring.secret.data(), 32);
  std::memcpy(plain.data() + 32, keys.box.secret.data(), 32);
  unsigned long long ct_len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(file.data() + kHeaderSize, &ct_len, plain.data(),
                                             plain.size(), file.data(), kHeaderSize, nullptr,
                                             file.data() + kNonceOffset, key.data());
  return file;
}

Result<KeyFileInfo> ParseKeyFile(ByteSpan file) {
  if (file.size() != kKeyFileSize) {
    return Error(ErrorCode::kCorrupt, "this is not a Candor key file (it is " +
                                          std::to_string(file.size()) + " bytes, expected " +
                                          std::to_string(kKeyFileSize) + ")");
  }
  if (std::memcmp(file.data(), kMagic, sizeof kMagic) != 0) {
    return Error(ErrorCode::kCorrupt, "this is not a Candor key file (wrong magic)");
  }
  KeyFileInfo info;
  info.kdf.opslimit = ReadU64Le(file.data() + kOpsOffset);
  info.kdf.memlimit = ReadU64Le(file.data() + kMemOffset);
  CANDOR_RETURN_IF_ERROR(CheckKdf(info.kdf));
  std::memcpy(info.ring_public.data(), file.data() + kRingPublicOffset, 32);
  std::memcpy(info.box_public.data(), file.data() + kBoxPublicOffset, 32);
  if (!IsValidPoint(info.ring_public)) {
    return Error(ErrorCode::kCorrupt, "the key file's ring public key is not a valid point");
  }
  return info;
}

Result<SymmetricKey> DeriveKeyFileKey(ByteSpan file, std::string_view passphrase) {
  EnsureSodium();
  CANDOR_ASSIGN_OR_RETURN(KeyFileInfo info, ParseKeyFile(file));
  return Derive(passphrase, file.data() + kSaltOffset, info.kdf);
}

Result<MemberKeys> OpenKeyFileWithKey(ByteSpan file, const SymmetricKey& key) {
  EnsureSodium();
  CANDOR_ASSIGN_OR_RETURN(KeyFileInfo info, ParseKeyFile(file));
  SecretBytes<kPlainSize, struct KeyFilePlainTag> plain;
  unsigned long long plain_len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          plain.data(), &plain_len, nullptr, file.data() + kHeaderSize, file.size() - kHeaderSize,
          file.data(), kHeaderSize, file.data() + kNonceOffset, key.data()) != 0) {
    return Error(ErrorCode::kUnauthenticated, "wrong passphrase, or the key file is damaged");
  }
  MemberKeys keys;
  std::memcpy(keys.ring.secret.data(), plain.data(), 32);
  std::memcpy(keys.box.secret.data(), plain.data() + 32, 32);
  // A canonical, non-zero x whose public key is the header's: anything else is refused
  // whole, so a caller never holds a partial or inconsistent key.
  WipedBuffer<64> wide;
  std::memcpy(wide.bytes, keys.ring.secret.data(), 32);
  WipedBuffer<32> reduced;
  crypto_core_ristretto255_scalar_reduce(reduced.bytes, wide.bytes);
  bool canonical = sodium_memcmp(reduced.bytes, keys.ring.secret.data(), 32) == 0 &&
                   sodium_is_zero(keys.ring.secret.data(), 32) == 0;
  if (!canonical) return Error(ErrorCode::kCorrupt, "the key file holds an invalid ring secret");
  keys.ring.public_key = RingPublicFromSecret(keys.ring.secret);
  keys.box.public_key = BoxPublicFromSecret(keys.box.secret);
  if (keys.ring.public_key != info.ring_public || keys.box.public_key != info.box_public) {
    return Error(ErrorCode::kCorrupt, "the key file's secrets do not match its public keys");
  }
  return keys;
}

Result<MemberKeys> OpenKeyFile(ByteSpan file, std::string_view passphrase) {
  CANDOR_ASSIGN_OR_RETURN(SymmetricKey key, DeriveKeyFileKey(file, passphrase));
  return OpenKeyFileWithKey(file, key);
}

Result<Bytes> ChangeKeyFilePassphrase(ByteSpan file, std::string_view old_passphrase,
                                      std::string_view new_passphrase, KdfParams kdf, Rng& rng) {
  CANDOR_RETURN_IF_ERROR(CheckPassphrase(new_passphrase));
  CANDOR_ASSIGN_OR_RETURN(MemberKeys keys, OpenKeyFile(file, old_passphrase));
  return SealKeyFile(keys, new_passphrase, kdf, rng);
}

}  // namespace candor::crypto
