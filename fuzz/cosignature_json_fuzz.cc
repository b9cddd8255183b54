// Fuzzes the JSON decoders of rings and co-signatures (domain/cosignature.h) and the
// co-signature verifier behind them. Input: JSON text. An object with "members" is read as a
// ring; otherwise as a co-signature, verified against a fixed ring of four members.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "crypto/keys.h"
#include "domain/cosignature.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace candor;  // NOLINT(google-build-using-namespace)
  static const crypto::Ring* ring = [] {
    crypto::SeededRng rng(5);
    std::vector<crypto::Point> members;
    for (int i = 0; i < 4; ++i) members.push_back(crypto::GenerateRingKeyPair(rng).public_key);
    return new crypto::Ring(*crypto::Ring::Create(members));
  }();
  auto j = domain::Json::parse(std::string_view(reinterpret_cast<const char*>(data), size), nullptr,
                               /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
  if (j.is_object() && j.contains("members")) {
    auto parsed = domain::RingFromJson(j);
    if (parsed.ok() &&
        domain::RingFromJson(domain::RingToJson(*parsed))->digest() != parsed->digest()) {
      __builtin_trap();  // a ring must survive its own JSON round trip
    }
    return 0;
  }
  auto sig = domain::CoSignatureFromJson(j);
  if (!sig.ok()) return 0;
  (void)domain::VerifyCoSignature(*sig, *ring);
  return 0;
}
