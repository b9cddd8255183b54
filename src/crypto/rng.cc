#include "crypto/rng.h"

#include <sodium.h>

#include <array>

#include "crypto/init.h"
#include "crypto/transcript.h"

namespace candor::crypto {

void Rng::RandomScalar(std::span<std::uint8_t, 32> out) {
  EnsureSodium();
  std::uint8_t wide[crypto_core_ristretto255_NONREDUCEDSCALARBYTES];
  do {
    Fill(wide);
    crypto_core_ristretto255_scalar_reduce(out.data(), wide);
  } while (sodium_is_zero(out.data(), out.size()));
  sodium_memzero(wide, sizeof wide);
}

void SystemRng::Fill(std::span<std::uint8_t> out) {
  if (out.empty()) return;
  EnsureSodium();
  randombytes_buf(out.data(), out.size());
}

void SystemRng::RandomScalar(std::span<std::uint8_t, 32> out) {
  EnsureSodium();
  // libsodium draws until the scalar is canonical and non-zero.
  crypto_core_ristretto255_scalar_random(out.data());
}

SeededRng::SeededRng(std::uint64_t seed) {
  auto le = U64Le(seed);
  seed_ = H256("candor/v1/test-rng-seed", {ByteSpan(le)});
}

void SeededRng::Fill(std::span<std::uint8_t> out) {
  if (out.empty()) return;  // nothing to draw; libsodium must not see a null buffer
  EnsureSodium();
  static_assert(randombytes_SEEDBYTES == 32);
  auto counter = U64Le(counter_++);
  Digest32 block_seed = H256("candor/v1/test-rng", {seed_.span(), ByteSpan(counter)});
  randombytes_buf_deterministic(out.data(), out.size(), block_seed.data());
}

Rng& DefaultRng() {
  static SystemRng rng;
  return rng;
}

std::uint64_t UniformBelow(Rng& rng, std::uint64_t n) {
  const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  for (;;) {
    std::array<std::uint8_t, 8> b;
    rng.Fill(b);
    const std::uint64_t v = ReadU64Le(b.data());
    if (v < limit) return v % n;
  }
}

}  // namespace candor::crypto
