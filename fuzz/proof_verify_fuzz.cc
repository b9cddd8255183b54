// Fuzzes the candor-log-v1 proof verifiers (src/log/verify.h) with arbitrary sizes and proofs.
//
// Input layout (missing bytes read as zero, so every input is usable):
//   [0]        mode: bit 0 = "small": index and sizes reduced mod 4096;
//                    bit 1 = "tree": differential check against a generated tree (below)
//   [1, 9)     index   u64le
//   [9, 17)    size1   u64le
//   [17, 25)   size2   u64le
//   [25, 57)   root1
//   [57, 89)   root2
//   [89, 121)  leaf hash
//   [121, …)   proof: consecutive 32-byte hashes (a trailing partial hash is dropped)
//
// Always: VerifyInclusion(index, size2, leaf, proof, root2) and
// VerifyConsistency(size1, size2, root1, root2, proof) must return (never crash, never
// hang — sizes are arbitrary u64), and whenever VerifyInclusion accepts,
// RootFromInclusionProof must return that same root (and conversely).
//
// Tree mode: index, size1 < 66 and size2 < 65; a tree of size2 leaves is built with leaf i =
// HashLeaf(u64le(i) || leaf hash field), and roots and leaf come from it. Then the
// generated proofs must verify, and the fuzzed proof may be accepted only if it equals the
// generated one (without a SHA-256 collision, a valid proof is unique).
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "crypto/bytes.h"
#include "log/memory_tree.h"
#include "log/rfc9162.h"
#include "log/verify.h"

namespace {

using candor::tlog::Hash;

constexpr std::size_t kHeader = 121;

// A property violation: crash so that libFuzzer (and the replay test) report it.
void Check(bool condition) {
  if (!condition) std::abort();
}

Hash ReadHash(const std::uint8_t* p) {
  Hash h;
  std::memcpy(h.data(), p, Hash::kSize);
  return h;
}

void CheckInclusion(std::uint64_t index, std::uint64_t size, const Hash& leaf,
                    const std::vector<Hash>& proof, const Hash& root) {
  const candor::Status verified = candor::tlog::VerifyInclusion(index, size, leaf, proof, root);
  const auto computed = candor::tlog::RootFromInclusionProof(index, size, leaf, proof);
  if (verified.ok()) Check(computed.ok() && *computed == root);
  if (computed.ok()) Check(verified.ok() == (*computed == root));
  if (!computed.ok()) Check(!verified.ok());
}

void TreeMode(std::uint64_t index, std::uint64_t size1, std::uint64_t size2, const Hash& leaf_seed,
              const std::vector<Hash>& proof) {
  index %= 66;
  size1 %= 66;
  size2 %= 65;
  candor::tlog::MemoryTree tree;
  for (std::uint64_t i = 0; i < size2; ++i) {
    const auto le = candor::crypto::U64Le(i);
    std::array<std::uint8_t, 8 + Hash::kSize> entry{};
    std::memcpy(entry.data(), le.data(), 8);
    std::memcpy(entry.data() + 8, leaf_seed.data(), Hash::kSize);
    tree.Append(entry);
  }
  const Hash root2 = tree.Root();

  if (index < size2) {
    const Hash leaf = *tree.LeafHash(index);
    const auto generated = tree.InclusionProof(index, size2);
    Check(generated.ok());
    Check(candor::tlog::VerifyInclusion(index, size2, leaf, *generated, root2).ok());
    const bool accepted = candor::tlog::VerifyInclusion(index, size2, leaf, proof, root2).ok();
    Check(accepted == (proof == *generated));
    CheckInclusion(index, size2, leaf, proof, root2);
  } else {
    Check(!tree.InclusionProof(index, size2).ok());
  }

  if (size1 <= size2) {
    const Hash root1 = *tree.RootAt(size1);
    const auto generated = tree.ConsistencyProof(size1, size2);
    Check(generated.ok());
    Check(candor::tlog::VerifyConsistency(size1, size2, root1, root2, *generated).ok());
    const bool accepted = candor::tlog::VerifyConsistency(size1, size2, root1, root2, proof).ok();
    Check(accepted == (proof == *generated));
  } else {
    Check(!tree.ConsistencyProof(size1, size2).ok());
    Check(!candor::tlog::VerifyConsistency(size1, size2, root2, root2, proof).ok());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::array<std::uint8_t, kHeader> header{};
  if (size > 0) std::memcpy(header.data(), data, size < kHeader ? size : kHeader);
  const std::uint8_t mode = header[0];
  std::uint64_t index = candor::crypto::ReadU64Le(header.data() + 1);
  std::uint64_t size1 = candor::crypto::ReadU64Le(header.data() + 9);
  std::uint64_t size2 = candor::crypto::ReadU64Le(header.data() + 17);
  const Hash root1 = ReadHash(header.data() + 25);
  const Hash root2 = ReadHash(header.data() + 57);
  const Hash leaf = ReadHash(header.data() + 89);

  std::vector<Hash> proof;
  if (size > kHeader) {
    const std::size_t count = (size - kHeader) / Hash::kSize;
    proof.reserve(count);
    for (std::size_t i = 0; i < count; ++i) proof.push_back(ReadHash(data + kHeader + i * 32));
  }

  if ((mode & 1) != 0) {
    index %= 4096;
    size1 %= 4096;
    size2 %= 4096;
  }

  CheckInclusion(index, size2, leaf, proof, root2);
  // The verifier is pure: asking twice gives the same answer.
  Check(candor::tlog::VerifyConsistency(size1, size2, root1, root2, proof).ok() ==
        candor::tlog::VerifyConsistency(size1, size2, root1, root2, proof).ok());

  if ((mode & 2) != 0) TreeMode(index, size1, size2, leaf, proof);
  return 0;
}
