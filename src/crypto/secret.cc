#include "crypto/secret.h"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>

#include "crypto/init.h"

namespace candor::crypto::internal {

std::uint8_t* SecretAlloc(std::size_t n) {
  EnsureSodium();
  auto* p = static_cast<std::uint8_t*>(sodium_malloc(n));
  if (p == nullptr) {
    // Out of memory (or of lockable memory and guard pages): no safe way to continue.
    (void)std::fprintf(stderr, "candor: fatal: cannot allocate secure memory\n");
    std::abort();
  }
  sodium_memzero(p, n);
  return p;
}

void SecretFree(std::uint8_t* p) {
  if (p != nullptr) sodium_free(p);  // sodium_free wipes before releasing
}

}  // namespace candor::crypto::internal

namespace candor::crypto {

void WipeMemory(void* p, std::size_t n) {
  if (p != nullptr && n > 0) sodium_memzero(p, n);
}

}  // namespace candor::crypto
