#include "crypto/init.h"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>

namespace candor::crypto {

void EnsureSodium() {
  static const bool kInitialised = [] {
    if (sodium_init() < 0) {
      (void)std::fprintf(stderr, "candor: fatal: libsodium failed to initialise\n");
      std::abort();
    }
    return true;
  }();
  (void)kInitialised;
}

}  // namespace candor::crypto
