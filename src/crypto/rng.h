// The random source, injected wherever randomness is drawn (house style: inject the world).
//
// Production code uses SystemRng (libsodium's CSPRNG). SeededRng is deterministic and
// exists only so that tests and the test-vector generator reproduce exact bytes; it must
// never hold real keys. Implementations are not thread-safe; use one per thread.
#ifndef CANDOR_CRYPTO_RNG_H_
#define CANDOR_CRYPTO_RNG_H_

#include <cstdint>
#include <span>

#include "crypto/bytes.h"
#include "crypto/secret.h"

namespace candor::crypto {

class Rng {
 public:
  virtual ~Rng() = default;

  // Fills `out` with random bytes.
  virtual void Fill(std::span<std::uint8_t> out) = 0;

  // Writes a uniformly random non-zero scalar mod l into `out` (32 bytes).
  // Default: 64 random bytes reduced mod l with crypto_core_ristretto255_scalar_reduce,
  // redrawn in the (2^-252) case of zero.
  virtual void RandomScalar(std::span<std::uint8_t, 32> out);

  // Convenience wrappers.
  void RandomScalar(SecretScalar& out) {
    RandomScalar(std::span<std::uint8_t, 32>(out.data(), 32));
  }
  Scalar RandomPublicScalar() {
    Scalar s;
    RandomScalar(std::span<std::uint8_t, 32>(s.data(), 32));
    return s;
  }
};

// libsodium's randombytes and crypto_core_ristretto255_scalar_random (CRYPTO.md).
class SystemRng final : public Rng {
 public:
  void Fill(std::span<std::uint8_t> out) override;
  void RandomScalar(std::span<std::uint8_t, 32> out) override;
  using Rng::RandomScalar;
};

// Deterministic stream for tests only: block i is
// randombytes_buf_deterministic(n, H256("candor/v1/test-rng", seed, u64le(i))).
class SeededRng final : public Rng {
 public:
  explicit SeededRng(std::uint64_t seed);
  explicit SeededRng(const Digest32& seed) : seed_(seed) {}
  void Fill(std::span<std::uint8_t> out) override;
  using Rng::RandomScalar;

 private:
  Digest32 seed_;
  std::uint64_t counter_ = 0;
};

// The process-wide SystemRng (stateless; safe to share between threads).
Rng& DefaultRng();

// A uniform integer in [0, n) drawn from `rng` (rejection sampling over 64 little-endian
// bits, so a SeededRng gives the same value on every platform). REQUIRES: n >= 1.
std::uint64_t UniformBelow(Rng& rng, std::uint64_t n);

}  // namespace candor::crypto

#endif  // CANDOR_CRYPTO_RNG_H_
