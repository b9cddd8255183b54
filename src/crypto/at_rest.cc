#include "crypto/at_rest.h"

#include <sodium.h>

#include "crypto/init.h"

namespace candor::crypto {

static_assert(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES == 24 &&
              crypto_aead_xchacha20poly1305_ietf_ABYTES == 16);

SymmetricKey DeriveAtRestKey(const SignSecretKey& secret, std::string_view label) {
  EnsureSodium();
  SymmetricKey k;
  crypto_generichash(k.data(), k.size(), reinterpret_cast<const unsigned char*>(label.data()),
                     label.size(), secret.data(), secret.size());
  return k;
}

Bytes SealAtRest(const SymmetricKey& key, ByteSpan ad, ByteSpan plaintext, Rng& rng) {
  EnsureSodium();
  Bytes out(kAtRestOverhead + plaintext.size());
  rng.Fill(std::span<std::uint8_t>(out.data(), 24));
  unsigned long long len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(out.data() + 24, &len, plaintext.data(),
                                             plaintext.size(), ad.data(), ad.size(), nullptr,
                                             out.data(), key.data());
  return out;
}

Result<Bytes> OpenAtRest(const SymmetricKey& key, ByteSpan ad, ByteSpan sealed) {
  EnsureSodium();
  if (sealed.size() < kAtRestOverhead) return InvalidArgument("a sealed value is too short");
  Bytes out(sealed.size() - kAtRestOverhead);
  unsigned long long len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(out.data(), &len, nullptr, sealed.data() + 24,
                                                 sealed.size() - 24, ad.data(), ad.size(),
                                                 sealed.data(), key.data()) != 0) {
    return VerificationFailed("a sealed value does not open");
  }
  return out;
}

}  // namespace candor::crypto
