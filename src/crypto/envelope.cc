#include "crypto/envelope.h"

#include <sodium.h>

#include <cstring>
#include <set>

#include "crypto/init.h"
#include "crypto/transcript.h"

namespace candor::crypto {
namespace {

constexpr char kMagic[8] = {'C', 'A', 'N', 'D', 'O', 'R', 'E', '1'};
constexpr std::size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;
static_assert(kWrappedKeySize == crypto_box_SEALBYTES + 32);
static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == 32);

// crypto_box_seal(k, pk) with the ephemeral secret drawn from `rng`:
//   epk = X25519(esk, 9); nonce = BLAKE2b-192(epk || pk); wrap = epk || crypto_box_easy(k).
Status SealKey(const SymmetricKey& k, const BoxPublicKey& pk, Rng& rng, WrappedKey& out) {
  BoxSecretKey esk;
  rng.Fill(std::span<std::uint8_t>(esk.data(), esk.size()));
  BoxPublicKey epk = BoxPublicFromSecret(esk);
  std::uint8_t nonce[crypto_box_NONCEBYTES];
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, sizeof nonce);
  crypto_generichash_update(&st, epk.data(), epk.size());
  crypto_generichash_update(&st, pk.data(), pk.size());
  crypto_generichash_final(&st, nonce, sizeof nonce);
  std::memcpy(out.data(), epk.data(), epk.size());
  if (crypto_box_easy(out.data() + crypto_box_PUBLICKEYBYTES, k.data(), k.size(), nonce,
                      pk.data(), esk.data()) != 0) {
    return InvalidArgument("a recipient's key is not a usable X25519 public key");
  }
  return Status::Ok();  // esk is wiped by SecretBytes
}

void AppendU32(Bytes& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

}  // namespace

Bytes Envelope::Encode() const {
  Bytes out(kMagic, kMagic + sizeof kMagic);
  out.insert(out.end(), nonce.begin(), nonce.end());
  AppendU32(out, static_cast<std::uint32_t>(wrapped_keys.size()));
  for (const auto& w : wrapped_keys) out.insert(out.end(), w.begin(), w.end());
  auto len = U64Le(ciphertext.size());
  out.insert(out.end(), len.begin(), len.end());
  out.insert(out.end(), ciphertext.begin(), ciphertext.end());
  return out;
}

Result<Envelope> Envelope::Decode(ByteSpan bytes) {
  auto corrupt = [](const std::string& what) {
    return Error(ErrorCode::kInvalidArgument, "malformed envelope: " + what);
  };
  constexpr std::size_t kFixed = sizeof kMagic + 24 + 4;
  if (bytes.size() < kFixed || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) {
    return corrupt("it does not start with CANDORE1");
  }
  Envelope env;
  std::memcpy(env.nonce.data(), bytes.data() + 8, 24);
  const std::uint8_t* p = bytes.data() + 32;
  std::uint32_t count = static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
                        static_cast<std::uint32_t>(p[2]) << 16 |
                        static_cast<std::uint32_t>(p[3]) << 24;
  if (count == 0 || count > kMaxEnvelopeRecipients) {
    return corrupt("recipient count " + std::to_string(count) + " is out of range");
  }
  std::size_t off = kFixed;
  if (bytes.size() - off < count * kWrappedKeySize + 8) return corrupt("it is truncated");
  env.wrapped_keys.resize(count);
  for (auto& w : env.wrapped_keys) {
    std::memcpy(w.data(), bytes.data() + off, kWrappedKeySize);
    off += kWrappedKeySize;
  }
  std::uint64_t len = ReadU64Le(bytes.data() + off);
  off += 8;
  if (len < kTag || len > kMaxEnvelopeCiphertext) return corrupt("ciphertext length out of range");
  if (bytes.size() - off != len) {
    return corrupt(bytes.size() - off < len ? "it is truncated" : "it has trailing bytes");
  }
  env.ciphertext.assign(bytes.begin() + static_cast<long>(off), bytes.end());
  return env;
}

Result<Envelope> SealEnvelope(ByteSpan header, ByteSpan plaintext,
                              std::span<const BoxPublicKey> recipients, Rng& rng) {
  EnsureSodium();
  if (recipients.empty()) return InvalidArgument("an envelope needs at least one recipient");
  if (recipients.size() > kMaxEnvelopeRecipients) {
    return InvalidArgument("an envelope may have at most " +
                           std::to_string(kMaxEnvelopeRecipients) + " recipients");
  }
  if (plaintext.size() + kTag > kMaxEnvelopeCiphertext) {
    return InvalidArgument("the plaintext is larger than an envelope may hold");
  }
  std::set<BoxPublicKey> seen(recipients.begin(), recipients.end());
  if (seen.size() != recipients.size()) return InvalidArgument("a recipient is listed twice");

  SymmetricKey k;
  rng.Fill(std::span<std::uint8_t>(k.data(), k.size()));
  Envelope env;
  rng.Fill(env.nonce);
  env.ciphertext.resize(plaintext.size() + kTag);
  unsigned long long ct_len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(env.ciphertext.data(), &ct_len, plaintext.data(),
                                             plaintext.size(), header.data(), header.size(),
                                             nullptr, env.nonce.data(), k.data());
  env.wrapped_keys.resize(recipients.size());
  for (std::size_t i = 0; i < recipients.size(); ++i) {
    Status s = SealKey(k, recipients[i], rng, env.wrapped_keys[i]);
    if (!s.ok()) return s.error().WithContext("recipient " + std::to_string(i));
  }
  return env;  // k is wiped by SecretBytes
}

Result<Bytes> OpenEnvelope(ByteSpan header, const Envelope& envelope, const BoxKeyPair& recipient) {
  EnsureSodium();
  SymmetricKey k;
  bool unwrapped = false;
  for (const auto& w : envelope.wrapped_keys) {
    if (crypto_box_seal_open(k.data(), w.data(), w.size(), recipient.public_key.data(),
                             recipient.secret.data()) == 0) {
      unwrapped = true;
      break;
    }
  }
  if (!unwrapped) {
    return Error(ErrorCode::kPermissionDenied, "this key is not one of the envelope's recipients");
  }
  if (envelope.ciphertext.size() < kTag) return VerificationFailed("the ciphertext is truncated");
  Bytes plain(envelope.ciphertext.size() - kTag);
  unsigned long long plain_len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          plain.data(), &plain_len, nullptr, envelope.ciphertext.data(),
          envelope.ciphertext.size(), header.data(), header.size(), envelope.nonce.data(),
          k.data()) != 0) {
    sodium_memzero(plain.data(), plain.size());
    return VerificationFailed("the envelope was changed: its header, nonce or ciphertext does "
                              "not authenticate");
  }
  return plain;
}

Digest32 CableDigest(ByteSpan header, ByteSpan ciphertext) {
  return H256("candor/v1/cable", {header, ciphertext});
}

}  // namespace candor::crypto
