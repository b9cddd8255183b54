// Secret key material in locked, guarded memory.
//
// SecretBytes<N> owns N bytes allocated with sodium_malloc (guard pages, mlock where the
// system allows) and released with sodium_free, which wipes them. It is move-only so a
// secret is never silently copied. Not thread-safe: one owner at a time.
#ifndef CANDOR_CRYPTO_SECRET_H_
#define CANDOR_CRYPTO_SECRET_H_

#include <cstddef>
#include <cstdint>
#include <span>

namespace candor::crypto {

namespace internal {
std::uint8_t* SecretAlloc(std::size_t n);  // aborts when out of memory
void SecretFree(std::uint8_t* p);          // wipes and frees; null is fine
}  // namespace internal

template <std::size_t N, typename Tag>
class SecretBytes {
 public:
  static constexpr std::size_t kSize = N;

  // Zero-filled secret.
  SecretBytes() : p_(internal::SecretAlloc(N)) {}
  ~SecretBytes() { internal::SecretFree(p_); }

  SecretBytes(SecretBytes&& other) noexcept : p_(other.p_) { other.p_ = nullptr; }
  SecretBytes& operator=(SecretBytes&& other) noexcept {
    if (this != &other) {
      internal::SecretFree(p_);
      p_ = other.p_;
      other.p_ = nullptr;
    }
    return *this;
  }
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;

  // An explicit copy, for the rare place that must duplicate a secret.
  SecretBytes Clone() const {
    SecretBytes out;
    for (std::size_t i = 0; i < N; ++i) out.p_[i] = p_[i];
    return out;
  }

  // REQUIRES: not moved-from.
  std::uint8_t* data() { return p_; }
  const std::uint8_t* data() const { return p_; }
  static constexpr std::size_t size() { return N; }
  std::span<const std::uint8_t> span() const { return {p_, N}; }

 private:
  std::uint8_t* p_;
};

// Ring secret x (CRYPTO.md "Member keys").
using SecretScalar = SecretBytes<32, struct SecretScalarTag>;
// X25519 secret key.
using BoxSecretKey = SecretBytes<32, struct BoxSecretKeyTag>;
// Ed25519 secret key (libsodium's 64-byte seed||public form).
using SignSecretKey = SecretBytes<64, struct SignSecretKeyTag>;
// A 32-byte symmetric key (content keys, key-file wrapping keys).
using SymmetricKey = SecretBytes<32, struct SymmetricKeyTag>;

}  // namespace candor::crypto

#endif  // CANDOR_CRYPTO_SECRET_H_
