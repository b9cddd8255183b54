#include "log/rfc9162.h"

#include <sodium.h>

#include "crypto/init.h"

namespace candor::tlog {

Hash EmptyRoot() {
  crypto::EnsureSodium();
  Hash out;
  crypto_hash_sha256(out.data(), nullptr, 0);
  return out;
}

Hash HashLeaf(crypto::ByteSpan entry) {
  crypto::EnsureSodium();
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  const std::uint8_t prefix = 0x00;
  crypto_hash_sha256_update(&st, &prefix, 1);
  crypto_hash_sha256_update(&st, entry.data(), entry.size());
  Hash out;
  crypto_hash_sha256_final(&st, out.data());
  return out;
}

Hash HashChildren(const Hash& left, const Hash& right) {
  crypto::EnsureSodium();
  std::uint8_t buf[65];
  buf[0] = 0x01;
  std::copy(left.begin(), left.end(), buf + 1);
  std::copy(right.begin(), right.end(), buf + 33);
  Hash out;
  crypto_hash_sha256(out.data(), buf, sizeof buf);
  return out;
}

}  // namespace candor::tlog
