// Secret key material in locked, guarded memory.
//
// SecretBytes<N> owns N bytes allocated with sodium_malloc (guard pages, mlock where the
// system allows) and released with sodium_free, which wipes them. It is move-only so a
// secret is never silently copied. Not thread-safe: one owner at a time.
#ifndef CANDOR_CRYPTO_SECRET_H_
#define CANDOR_CRYPTO_SECRET_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace candor::crypto {

namespace internal {
std::uint8_t* SecretAlloc(std::size_t n);  // aborts when out of memory
void SecretFree(std::uint8_t* p);          // wipes and frees; null is fine
}  // namespace internal

// Overwrites n bytes at p with zeros in a way the compiler cannot drop (sodium_memzero).
void WipeMemory(void* p, std::size_t n);

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

// An allocator that wipes memory (sodium_memzero) before handing it back to `Base`: for
// containers that briefly hold what a client sent, such as the server's read buffer and
// header fields, so that a password or session cookie is not left in freed heap memory when
// the container grows or goes away. Not for key material: that lives in SecretBytes.
template <typename T, typename Base = std::allocator<T>>
class WipingAllocator {
 public:
  using value_type = T;
  template <typename U>
  struct rebind {  // NOLINT(readability-identifier-naming): the allocator protocol's name
    using other =
        WipingAllocator<U, typename std::allocator_traits<Base>::template rebind_alloc<U>>;
  };

  WipingAllocator() = default;
  explicit WipingAllocator(const Base& base) : base_(base) {}
  // Implicit, as the allocator protocol requires of a rebinding copy.
  template <typename U, typename B>
  // NOLINTNEXTLINE(google-explicit-constructor)
  WipingAllocator(const WipingAllocator<U, B>& other) noexcept : base_(other.base()) {}

  T* allocate(std::size_t n) { return std::allocator_traits<Base>::allocate(base_, n); }
  void deallocate(T* p, std::size_t n) noexcept {
    WipeMemory(p, n * sizeof(T));
    std::allocator_traits<Base>::deallocate(base_, p, n);
  }
  const Base& base() const noexcept { return base_; }

  template <typename U, typename B>
  bool operator==(const WipingAllocator<U, B>& other) const noexcept {
    return base_ == other.base();
  }

 private:
  Base base_;
};

}  // namespace candor::crypto

#endif  // CANDOR_CRYPTO_SECRET_H_
