// Fuzzes the log state leaf decoder and the packed leaves the server keeps (docs/PROTOCOL.md,
// "Log state"). Properties: a leaf that decodes re-encodes to exactly the input; packed leaves
// that unpack re-pack to exactly the input; anything else is rejected without crashing. Seeds
// in fuzz/corpus/log_state_leaf/: the leaves and near misses of tests/vectors/log_state.json.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "domain/log_state.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace candor;  // NOLINT(google-build-using-namespace)
  const crypto::ByteSpan input(data, size);
  if (auto leaf = domain::DecodeStateLeaf(input); leaf.ok()) {
    const crypto::Bytes again = domain::EncodeStateLeaf(*leaf);
    if (again.size() != size || !std::equal(again.begin(), again.end(), data)) __builtin_trap();
  }
  if (auto leaves = domain::UnpackStateLeaves(input); leaves.ok()) {
    const crypto::Bytes again = domain::PackStateLeaves(*leaves);
    if (again.size() != size || !std::equal(again.begin(), again.end(), data)) __builtin_trap();
    (void)domain::LogState::FromLeaves(*leaves);  // a damaged list is an error, never a crash
  }
  return 0;
}
