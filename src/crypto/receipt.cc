#include "crypto/receipt.h"

#include <sodium.h>

#include <algorithm>

#include "crypto/init.h"
#include "crypto/transcript.h"

namespace candor::crypto {

ReceiptSecret GenerateReceiptSecret(Rng& rng) {
  ReceiptSecret r;
  rng.Fill(std::span<std::uint8_t>(r.data(), r.size()));
  return r;
}

ReceiptSecret ReceiptSecretFromBytes(ByteSpan bytes) {
  ReceiptSecret r;
  std::copy_n(bytes.begin(), std::min(bytes.size(), r.size()), r.data());
  return r;
}

ReceiptKeys DeriveReceiptKeys(const ReceiptSecret& r) {
  EnsureSodium();
  ReceiptKeys keys;
  Digest32 reply = H256("candor/v1/cable/reply-secret", {r.span()});
  std::copy(reply.bytes.begin(), reply.bytes.end(), keys.reply.secret.data());
  sodium_memzero(reply.data(), reply.size());
  keys.reply.public_key = BoxPublicFromSecret(keys.reply.secret);
  keys.access = H256("candor/v1/cable/access", {r.span()});
  keys.access_hash = AccessHash(keys.access);
  return keys;
}

void Wipe(std::span<std::uint8_t> bytes) { sodium_memzero(bytes.data(), bytes.size()); }

void WipeString(std::string& text) {
  if (text.capacity() > 0) sodium_memzero(text.data(), text.capacity());
  text.clear();
}

Digest32 AccessHash(const Digest32& access) {
  return H256("candor/v1/cable/access-hash", {access.span()});
}

bool ConstantTimeEqual(const Digest32& a, const Digest32& b) {
  EnsureSodium();
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace candor::crypto
