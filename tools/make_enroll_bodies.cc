// Reads invitation codes (one per line) from standard input and writes, for each, one line of
// JSON: an enrollment request body with a freshly generated member's public keys. Used by
// bench/load/run-wrk.sh to drive POST /api/v1/orgs/{slug}/enroll under wrk.
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "crypto/keys.h"

int main() {
  using namespace candor::crypto;  // NOLINT(google-build-using-namespace)
  std::string code;
  while (std::getline(std::cin, code)) {
    if (code.empty()) continue;
    MemberKeys keys = GenerateMemberKeys(DefaultRng());
    nlohmann::json body{{"invitation", code},
                        {"ring_public", ToHex(keys.ring.public_key)},
                        {"reply_public", ToHex(keys.box.public_key)}};
    std::cout << body.dump() << "\n";
  }
  return 0;
}
