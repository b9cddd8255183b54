#include "crypto/init.h"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>

namespace candor::crypto {

void EnsureSodium() {
  static const bool initialised = [] {
    if (sodium_init() < 0) {
      std::fprintf(stderr, "candor: fatal: libsodium failed to initialise\n");
      std::abort();
    }
    return true;
  }();
  (void)initialised;
}

}  // namespace candor::crypto
