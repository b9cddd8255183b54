#include "log/verify.h"

#include <bit>
#include <string>

namespace candor::tlog {
namespace {

constexpr std::uint64_t Lsb(std::uint64_t n) { return n & 1; }

// Length of the inclusion path of leaf `index` in a tree of `size` leaves, 0 <= index < size.
// Below the level where the paths to `index` and to the last leaf meet ("inner" levels) every
// level contributes a sibling; above it the path runs along the right border and only
// levels where the node is a right child (a 1 bit of index) have a sibling.
// An independent derivation from proof_nodes.cc's walk, so each checks the other in tests.
std::size_t InclusionPathLength(std::uint64_t index, std::uint64_t size) {
  const auto inner = static_cast<unsigned>(std::bit_width(index ^ (size - 1)));
  const unsigned border = inner >= 64 ? 0 : static_cast<unsigned>(std::popcount(index >> inner));
  return inner + border;
}

// Length of the consistency path for 0 < size1 < size2: the inclusion path, in the tree of
// size2, of the largest perfect node ending at size1 (level = trailing zeros of size1), plus
// that node itself unless size1 is a power of two.
std::size_t ConsistencyPathLength(std::uint64_t size1, std::uint64_t size2) {
  const auto inner = static_cast<unsigned>(std::bit_width((size1 - 1) ^ (size2 - 1)));
  const unsigned border =
      inner >= 64 ? 0 : static_cast<unsigned>(std::popcount((size1 - 1) >> inner));
  // shift < inner: size1 - 1 ends in `shift` one bits, and the highest bit where it differs
  // from the larger size2 - 1 is a zero bit of it.
  const auto shift = static_cast<unsigned>(std::countr_zero(size1));
  const unsigned seed = std::has_single_bit(size1) ? 0 : 1;
  return seed + (inner - shift) + border;
}

Error WrongLength(std::string_view what, std::size_t got, std::size_t want) {
  return VerificationFailed(std::string(what) + " has " + std::to_string(got) +
                            " hashes, its sizes require " + std::to_string(want));
}

}  // namespace

Result<Hash> RootFromInclusionProof(std::uint64_t index, std::uint64_t size, const Hash& leaf_hash,
                                    std::span<const Hash> proof) {
  // §2.1.3.2 step 1.
  if (index >= size) {
    return InvalidArgument("leaf index " + std::to_string(index) + " is not below the tree size " +
                           std::to_string(size));
  }
  const std::size_t want = InclusionPathLength(index, size);
  if (proof.size() != want) return WrongLength("inclusion proof", proof.size(), want);

  // Steps 2–4: fn is the node's index on the current level, sn the last node's.
  std::uint64_t fn = index;
  std::uint64_t sn = size - 1;
  Hash r = leaf_hash;
  for (const Hash& p : proof) {
    if (sn == 0) return VerificationFailed("inclusion proof is too long");
    if (Lsb(fn) != 0 || fn == sn) {
      r = HashChildren(p, r);
      // On the right border a node may have no sibling for several levels: skip them.
      if (Lsb(fn) == 0) {
        while (Lsb(fn) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = HashChildren(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  // Step 5 (the root comparison is the caller's, or VerifyInclusion's).
  if (sn != 0) return VerificationFailed("inclusion proof is too short");
  return r;
}

Status VerifyInclusion(std::uint64_t index, std::uint64_t size, const Hash& leaf_hash,
                       std::span<const Hash> proof, const Hash& root) {
  CANDOR_ASSIGN_OR_RETURN(Hash computed, RootFromInclusionProof(index, size, leaf_hash, proof));
  // Public values: no need for a constant-time comparison.
  if (computed != root) return VerificationFailed("inclusion proof does not lead to the root");
  return Status::Ok();
}

Status VerifyConsistency(std::uint64_t size1, std::uint64_t size2, const Hash& root1,
                         const Hash& root2, std::span<const Hash> proof) {
  if (size1 > size2) {
    return InvalidArgument("old tree size " + std::to_string(size1) +
                           " is larger than the new tree size " + std::to_string(size2));
  }
  if (size1 == 0 && root1 != EmptyRoot()) {
    return VerificationFailed("a tree of size 0 has the root MTH({}) only");
  }
  if (size1 == size2) {
    if (!proof.empty()) return WrongLength("consistency proof", proof.size(), 0);
    if (root1 != root2) return VerificationFailed("equal tree sizes with different roots");
    return Status::Ok();
  }
  if (size1 == 0) {
    if (!proof.empty()) return WrongLength("consistency proof", proof.size(), 0);
    return Status::Ok();
  }

  // 0 < size1 < size2: RFC 9162 §2.1.4.2.
  const std::size_t want = ConsistencyPathLength(size1, size2);
  if (proof.size() != want) return WrongLength("consistency proof", proof.size(), want);
  // Step 1 (the length check above already makes an empty proof impossible here).
  if (proof.empty()) return VerificationFailed("empty consistency proof");
  // Step 2: when size1 is a power of two the old root is the path's starting node, so it
  // is prepended — here by starting from it instead of from proof[0].
  const bool prepend_root1 = std::has_single_bit(size1);
  const Hash& start = prepend_root1 ? root1 : proof[0];
  const std::span<const Hash> rest = prepend_root1 ? proof : proof.subspan(1);

  // Steps 3–4.
  std::uint64_t fn = size1 - 1;
  std::uint64_t sn = size2 - 1;
  while (Lsb(fn) != 0) {
    fn >>= 1;
    sn >>= 1;
  }
  // Step 5.
  Hash fr = start;
  Hash sr = start;
  // Step 6.
  for (const Hash& c : rest) {
    if (sn == 0) return VerificationFailed("consistency proof is too long");
    if (Lsb(fn) != 0 || fn == sn) {
      fr = HashChildren(c, fr);
      sr = HashChildren(c, sr);
      if (Lsb(fn) == 0) {
        while (Lsb(fn) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = HashChildren(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  // Step 7.
  if (sn != 0) return VerificationFailed("consistency proof is too short");
  if (fr != root1) return VerificationFailed("consistency proof does not lead to the old root");
  if (sr != root2) return VerificationFailed("consistency proof does not lead to the new root");
  return Status::Ok();
}

}  // namespace candor::tlog
