#include "crypto/envelope.h"

#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <numeric>
#include <string>

#include "crypto/init.h"
#include "crypto/secret.h"
#include "crypto/transcript.h"

namespace candor::crypto {
namespace {

constexpr std::array<std::uint8_t, 8> kMagic = {'C', 'A', 'N', 'D', 'O', 'R', 'E', '1'};
constexpr std::string_view kCableLabel = "candor/v1/cable";

static_assert(kEnvelopeNonceSize == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
static_assert(kEnvelopeTagSize == crypto_aead_xchacha20poly1305_ietf_ABYTES);
static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == SymmetricKey::kSize);
static_assert(kWrappedKeySize == crypto_box_SEALBYTES + SymmetricKey::kSize);
static_assert(crypto_box_SEALBYTES == crypto_box_PUBLICKEYBYTES + crypto_box_MACBYTES);
static_assert(crypto_box_SECRETKEYBYTES == BoxSecretKey::kSize);
static_assert(kMaxEnvelopeRecipients <= UINT32_MAX);

// The wire layout (docs/FORMATS.md, "Envelope").
constexpr std::size_t kCountOffset = kMagic.size() + kEnvelopeNonceSize;  // 32
constexpr std::size_t kWrapsOffset = kCountOffset + 4;                    // 36

Error Malformed(const std::string& what) {
  return InvalidArgument("malformed candor-env-v1 envelope: " + what);
}

// crypto_box_seal(k, pk), built from its parts so the ephemeral secret comes from `rng`
// (libsodium's crypto_box/crypto_box_seal.c does exactly this with crypto_box_keypair):
//   esk random; epk = X25519(esk, 9); nonce = BLAKE2b-192(epk || pk)
//   wrap = epk || crypto_box_easy(k, nonce, pk, esk)
// False when pk is a small-order point (crypto_box_easy refuses the all-zero shared secret).
bool WrapKey(const SymmetricKey& k, const BoxPublicKey& pk, Rng& rng, WrappedKey& out) {
  BoxSecretKey esk;  // guarded memory, wiped when it goes out of scope on every path
  rng.Fill(std::span<std::uint8_t>(esk.data(), esk.size()));
  const BoxPublicKey epk = BoxPublicFromSecret(esk);
  std::array<std::uint8_t, crypto_box_NONCEBYTES> nonce{};
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, nonce.size());
  crypto_generichash_update(&st, epk.data(), epk.size());
  crypto_generichash_update(&st, pk.data(), pk.size());
  crypto_generichash_final(&st, nonce.data(), nonce.size());
  std::copy(epk.begin(), epk.end(), out.begin());
  return crypto_box_easy(out.data() + crypto_box_PUBLICKEYBYTES, k.data(), k.size(), nonce.data(),
                         pk.data(), esk.data()) == 0;
}

// Error naming the first repeated public key, by both of its positions.
Status CheckDistinct(std::span<const BoxPublicKey> recipients) {
  std::vector<std::size_t> order(recipients.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return recipients[a] < recipients[b] || (recipients[a] == recipients[b] && a < b);
  });
  for (std::size_t i = 1; i < order.size(); ++i) {
    if (recipients[order[i - 1]] == recipients[order[i]]) {
      return InvalidArgument("recipients " + std::to_string(order[i - 1]) + " and " +
                             std::to_string(order[i]) + " are the same public key");
    }
  }
  return Status::Ok();
}

}  // namespace

Bytes Envelope::Encode() const {
  Bytes out;
  out.reserve(kWrapsOffset + wrapped_keys.size() * kWrappedKeySize + 8 + ciphertext.size());
  out.insert(out.end(), kMagic.begin(), kMagic.end());
  out.insert(out.end(), nonce.begin(), nonce.end());
  const auto count = static_cast<std::uint32_t>(wrapped_keys.size());
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(count >> (8 * i)));
  for (const WrappedKey& w : wrapped_keys) out.insert(out.end(), w.begin(), w.end());
  const auto len = U64Le(ciphertext.size());
  out.insert(out.end(), len.begin(), len.end());
  out.insert(out.end(), ciphertext.begin(), ciphertext.end());
  return out;
}

Result<Envelope> Envelope::Decode(ByteSpan bytes) {
  if (bytes.size() < kWrapsOffset) {
    return Malformed(std::to_string(bytes.size()) + " bytes is shorter than its fixed header");
  }
  if (!std::equal(kMagic.begin(), kMagic.end(), bytes.begin())) {
    return Malformed("it does not start with \"CANDORE1\"");
  }
  Envelope env;
  std::copy_n(bytes.begin() + kMagic.size(), kEnvelopeNonceSize, env.nonce.begin());
  const std::uint8_t* c = bytes.data() + kCountOffset;
  const std::uint32_t count = std::uint32_t{c[0]} | std::uint32_t{c[1]} << 8 |
                              std::uint32_t{c[2]} << 16 | std::uint32_t{c[3]} << 24;
  if (count == 0 || count > kMaxEnvelopeRecipients) {
    return Malformed("recipient count " + std::to_string(count) + " is not in 1.." +
                     std::to_string(kMaxEnvelopeRecipients));
  }
  // count ≤ 1024, so this cannot overflow; and it is checked against the input before
  // anything is allocated.
  std::size_t pos = kWrapsOffset;
  if (bytes.size() - pos < count * kWrappedKeySize + 8) {
    return Malformed("truncated in its wrapped keys (" + std::to_string(count) + " declared)");
  }
  env.wrapped_keys.resize(count);
  for (WrappedKey& w : env.wrapped_keys) {
    std::copy_n(bytes.begin() + static_cast<std::ptrdiff_t>(pos), kWrappedKeySize, w.begin());
    pos += kWrappedKeySize;
  }
  const std::uint64_t len = ReadU64Le(bytes.data() + pos);
  pos += 8;
  if (len < kEnvelopeTagSize || len > kMaxEnvelopeCiphertext) {
    return Malformed("ciphertext length " + std::to_string(len) + " is not in " +
                     std::to_string(kEnvelopeTagSize) + ".." +
                     std::to_string(kMaxEnvelopeCiphertext));
  }
  const std::size_t rest = bytes.size() - pos;
  if (rest < len) return Malformed("truncated in its ciphertext");
  if (rest > len) return Malformed(std::to_string(rest - len) + " trailing bytes");
  env.ciphertext.assign(bytes.begin() + static_cast<std::ptrdiff_t>(pos), bytes.end());
  return env;
}

Result<Envelope> SealEnvelope(ByteSpan header, ByteSpan plaintext,
                              std::span<const BoxPublicKey> recipients, Rng& rng) {
  EnsureSodium();
  if (recipients.empty()) return InvalidArgument("an envelope needs at least one recipient");
  if (recipients.size() > kMaxEnvelopeRecipients) {
    return InvalidArgument(std::to_string(recipients.size()) +
                           " recipients; an envelope may have at most " +
                           std::to_string(kMaxEnvelopeRecipients));
  }
  if (plaintext.size() > kMaxEnvelopePlaintext) {
    return InvalidArgument("the plaintext is " + std::to_string(plaintext.size()) +
                           " bytes; an envelope holds at most " +
                           std::to_string(kMaxEnvelopePlaintext));
  }
  for (std::size_t i = 0; i < recipients.size(); ++i) {
    if (!IsValidBoxPublicKey(recipients[i])) {
      return InvalidArgument(
          "recipient " + std::to_string(i) +
          "'s public key is not a valid X25519 key (a non-canonical encoding, or a "
          "small-order point with no shared secret)");
    }
  }
  CANDOR_RETURN_IF_ERROR(CheckDistinct(recipients));

  // Draw order (documented in envelope.h, reproduced by the test vectors): k, N, esk_0…
  SymmetricKey k;  // guarded memory, wiped on every path
  rng.Fill(std::span<std::uint8_t>(k.data(), k.size()));
  Envelope env;
  rng.Fill(env.nonce);
  // Wrap first, so an unusable key fails before the body is encrypted.
  env.wrapped_keys.resize(recipients.size());
  for (std::size_t i = 0; i < recipients.size(); ++i) {
    if (!WrapKey(k, recipients[i], rng, env.wrapped_keys[i])) {
      return InvalidArgument("recipient " + std::to_string(i) +
                             "'s public key is a small-order X25519 point (no shared secret)");
    }
  }
  env.ciphertext.resize(plaintext.size() + kEnvelopeTagSize);
  unsigned long long ct_len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(env.ciphertext.data(), &ct_len, plaintext.data(),
                                             plaintext.size(), header.data(), header.size(),
                                             nullptr, env.nonce.data(), k.data());
  return env;
}

Result<Bytes> OpenEnvelope(ByteSpan header, const Envelope& envelope, const BoxKeyPair& recipient) {
  EnsureSodium();
  if (envelope.wrapped_keys.empty() || envelope.wrapped_keys.size() > kMaxEnvelopeRecipients) {
    return InvalidArgument("an envelope has 1.." + std::to_string(kMaxEnvelopeRecipients) +
                           " wrapped keys, this one " +
                           std::to_string(envelope.wrapped_keys.size()));
  }
  if (envelope.ciphertext.size() < kEnvelopeTagSize ||
      envelope.ciphertext.size() > kMaxEnvelopeCiphertext) {
    return InvalidArgument("the envelope's ciphertext length " +
                           std::to_string(envelope.ciphertext.size()) + " is out of range");
  }
  // Sealed boxes carry no recipient id, so try each wrap. Stop at the first that opens: a
  // wrap that authenticates under our key was made for our key, and stopping bounds the
  // work a hostile envelope can cause to one ciphertext pass.
  SymmetricKey k;  // guarded memory, wiped on every path
  const auto mine = std::find_if(
      envelope.wrapped_keys.begin(), envelope.wrapped_keys.end(), [&](const WrappedKey& w) {
        return crypto_box_seal_open(k.data(), w.data(), w.size(), recipient.public_key.data(),
                                    recipient.secret.data()) == 0;
      });
  if (mine == envelope.wrapped_keys.end()) {
    return Error(ErrorCode::kPermissionDenied,
                 "not a recipient: no wrapped key in this envelope opens with this key pair");
  }
  // Decrypt into a buffer that is released only after it has authenticated (libsodium checks
  // the tag before it writes any plaintext; we wipe anyway, in case that ever changes).
  Bytes plain(envelope.ciphertext.size() - kEnvelopeTagSize);
  unsigned long long plain_len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          plain.data(), &plain_len, nullptr, envelope.ciphertext.data(), envelope.ciphertext.size(),
          header.data(), header.size(), envelope.nonce.data(), k.data()) != 0) {
    sodium_memzero(plain.data(), plain.size());
    return VerificationFailed(
        "the envelope does not authenticate: its header, nonce or ciphertext was changed, or "
        "its wrapped key belongs to another envelope");
  }
  return plain;
}

Result<WrappedKey> RewrapEnvelopeKey(ByteSpan header, const Envelope& envelope,
                                     const BoxKeyPair& me, const BoxPublicKey& to, Rng& rng) {
  // Authenticate the whole envelope for `me` first; the plaintext itself is not needed.
  CANDOR_ASSIGN_OR_RETURN(Bytes plain, OpenEnvelope(header, envelope, me));
  sodium_memzero(plain.data(), plain.size());
  SymmetricKey k;  // guarded memory, wiped on every path
  const bool opened = std::any_of(
      envelope.wrapped_keys.begin(), envelope.wrapped_keys.end(), [&](const WrappedKey& w) {
        return crypto_box_seal_open(k.data(), w.data(), w.size(), me.public_key.data(),
                                    me.secret.data()) == 0;
      });
  if (!opened) {  // OpenEnvelope found the wrap a moment ago
    return Error(ErrorCode::kPermissionDenied,
                 "not a recipient: no wrapped key in this envelope opens with this key pair");
  }
  WrappedKey out{};
  if (!WrapKey(k, to, rng, out)) {
    return InvalidArgument("the new recipient's key is a point of small order: no shared secret");
  }
  return out;
}

Digest32 CableDigest(ByteSpan header, ByteSpan ciphertext) {
  return H256(kCableLabel, {header, ciphertext});
}

}  // namespace candor::crypto
