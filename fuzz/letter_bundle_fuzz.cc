// Fuzzes the letter-bundle verifier (domain/bundle.h) — what `candor verify` runs on a file
// from anyone. Input: JSON text. Every input must end in a report or a clean error: no crash,
// no exception, no hang. Small rings (min_ring 1) so that mutated signatures get verified.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "domain/bundle.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace candor;  // NOLINT(google-build-using-namespace)
  auto j =
      nlohmann::json::parse(std::string_view(reinterpret_cast<const char*>(data), size), nullptr,
                            /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
  domain::BundleOptions options;
  options.min_ring = 1;
  options.threads = 1;
  auto report = domain::VerifyLetterBundle(j, options);
  if (report.ok() && report->total > report->signatures_checked)
    __builtin_trap();  // counts only what checked
  return 0;
}
