// Verification of candor-log-v1 proofs: RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2
// (consistency), step by step, plus the edge cases the RFC leaves to the caller.
//
// A proof binds the tree size only through the root: sizes whose paths have the same shape
// (leaf 5 in trees of 9 … 16 leaves) accept the same proof, each against its own root. So a
// size must always come with a root the verifier trusts — from a verified signed tree head.
//
// Every argument may come from an attacker: sizes are arbitrary u64, proofs arbitrary
// lists. Each check costs O(64) hashes at most — a proof whose length differs from the one
// its sizes imply is refused before any hashing. Pure functions; thread-safe.
#ifndef CANDOR_LOG_VERIFY_H_
#define CANDOR_LOG_VERIFY_H_

#include <cstdint>
#include <span>

#include "base/result.h"
#include "log/rfc9162.h"

namespace candor::tlog {

// The root that `proof` (an RFC 9162 inclusion_path, bottom-up) leads to from `leaf_hash` at
// `index` in a tree of `size` leaves. This proves nothing by itself: compare the result with
// a trusted root, or call VerifyInclusion.
// Errors: kInvalidArgument unless index < size; kVerificationFailed if proof.size() is not
// the path length for (index, size).
Result<Hash> RootFromInclusionProof(std::uint64_t index, std::uint64_t size, const Hash& leaf_hash,
                                    std::span<const Hash> proof);

// Ok iff `proof` shows that `leaf_hash` is leaf `index` of the tree of `size` leaves whose
// root is `root`. Errors: as RootFromInclusionProof; kVerificationFailed on a root mismatch.
[[nodiscard]] Status VerifyInclusion(std::uint64_t index, std::uint64_t size, const Hash& leaf_hash,
                                     std::span<const Hash> proof, const Hash& root);

// Ok iff `proof` shows that the tree of `size1` leaves with root `root1` is a prefix of the
// tree of `size2` leaves with root `root2`.
//  - size1 > size2: kInvalidArgument.
//  - size1 == size2: the proof must be empty and root1 == root2 (== EmptyRoot() for 0).
//  - size1 == 0 < size2: the proof must be empty; every tree extends the empty one, but its
//    root must be MTH({}) = EmptyRoot() — a size-0 tree head with another root is false.
//  - 0 < size1 < size2: the §2.1.4.2 algorithm; the proof must have exactly the length
//    the sizes imply.
// Any failure is kVerificationFailed except the size order.
[[nodiscard]] Status VerifyConsistency(std::uint64_t size1, std::uint64_t size2, const Hash& root1,
                                       const Hash& root2, std::span<const Hash> proof);

}  // namespace candor::tlog

#endif  // CANDOR_LOG_VERIFY_H_
