// Fuzzes the log entry decoder (docs/PROTOCOL.md, "Log entries"). Property: whatever decodes
// re-encodes to exactly the input bytes (and renders as JSON); anything else is rejected
// without crashing. Seeds in fuzz/corpus/log_entry_decode/: valid-* are entries of every kind,
// invalid-* near misses; src/domain/log_entry_test.cc checks that they decode as named.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "domain/log_entry.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace candor;  // NOLINT(google-build-using-namespace)
  const crypto::ByteSpan input(data, size);
  auto event = domain::DecodeLogEntry(input);
  if (!event.ok()) return 0;
  const crypto::Bytes again = domain::EncodeLogEntry(*event);
  if (again.size() != size || !std::equal(again.begin(), again.end(), data)) __builtin_trap();
  if (!domain::ValidateLogEvent(*event).ok()) __builtin_trap();
  (void)domain::LogEventToJson(*event).dump();
  return 0;
}
