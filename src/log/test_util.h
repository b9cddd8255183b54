// Test-only helpers for src/log/*_test.cc: RFC 9162 §2.1 written out recursively, exactly
// as the RFC defines MTH, PATH and PROOF/SUBPROOF, to check the node-based implementation
// against. Deliberately naive (recomputes subtrees); fine for trees of a few hundred leaves.
// Not part of the candor_log library surface.
#ifndef CANDOR_LOG_TEST_UTIL_H_
#define CANDOR_LOG_TEST_UTIL_H_

#include <cstdint>
#include <cstdlib>
#include <span>
#include <string_view>
#include <vector>

#include "crypto/bytes.h"
#include "log/rfc9162.h"

namespace candor::tlog::testing {

// The largest power of two strictly below n (n >= 2): RFC 9162's split point k.
inline std::size_t SplitPoint(std::size_t n) {
  std::size_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

// MTH(D[n]) over leaf hashes (RFC 9162 §2.1.1).
inline Hash ReferenceRoot(std::span<const Hash> leaves) {
  if (leaves.empty()) return EmptyRoot();
  if (leaves.size() == 1) return leaves[0];
  const std::size_t k = SplitPoint(leaves.size());
  return HashChildren(ReferenceRoot(leaves.first(k)), ReferenceRoot(leaves.subspan(k)));
}

// PATH(m, D[n]) (RFC 9162 §2.1.3.1), m 0-based, m < n.
inline std::vector<Hash> ReferencePath(std::size_t m, std::span<const Hash> leaves) {
  if (leaves.size() <= 1) return {};
  const std::size_t k = SplitPoint(leaves.size());
  std::vector<Hash> path;
  if (m < k) {
    path = ReferencePath(m, leaves.first(k));
    path.push_back(ReferenceRoot(leaves.subspan(k)));
  } else {
    path = ReferencePath(m - k, leaves.subspan(k));
    path.push_back(ReferenceRoot(leaves.first(k)));
  }
  return path;
}

// SUBPROOF(m, D[n], b) (RFC 9162 §2.1.4.1).
inline std::vector<Hash> ReferenceSubproof(std::size_t m, std::span<const Hash> leaves, bool b) {
  const std::size_t n = leaves.size();
  if (m == n) {
    if (b) return {};
    return {ReferenceRoot(leaves)};
  }
  const std::size_t k = SplitPoint(n);
  std::vector<Hash> proof;
  if (m <= k) {
    proof = ReferenceSubproof(m, leaves.first(k), b);
    proof.push_back(ReferenceRoot(leaves.subspan(k)));
  } else {
    proof = ReferenceSubproof(m - k, leaves.subspan(k), false);
    proof.push_back(ReferenceRoot(leaves.first(k)));
  }
  return proof;
}

// PROOF(m, D[n]) for 0 < m < n; empty otherwise (the RFC defines it only for 0 < m < n;
// the empty cases match what the implementation returns).
inline std::vector<Hash> ReferenceConsistency(std::size_t m, std::span<const Hash> leaves) {
  if (m == 0 || m >= leaves.size()) return {};
  return ReferenceSubproof(m, leaves, true);
}

// The entry of leaf i in generated trees: u64le(i) followed by i % 7 bytes of 0xa5, so
// entries differ in length as well as content.
inline crypto::Bytes TestEntry(std::uint64_t i) {
  auto le = crypto::U64Le(i);
  crypto::Bytes out(le.begin(), le.end());
  out.insert(out.end(), static_cast<std::size_t>(i % 7), 0xa5);
  return out;
}

inline std::vector<Hash> TestLeafHashes(std::size_t n) {
  std::vector<Hash> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) out.push_back(HashLeaf(TestEntry(i)));
  return out;
}

// `proof` with `extra` inserted before position `pos` (built by appending: GCC 12's
// -Wnull-dereference misfires on vector::insert of a single element at the front).
inline std::vector<Hash> WithInserted(const std::vector<Hash>& proof, std::size_t pos,
                                      const Hash& extra) {
  std::vector<Hash> out;
  out.reserve(proof.size() + 1);
  for (std::size_t i = 0; i <= proof.size(); ++i) {
    if (i == pos) out.push_back(extra);
    if (i < proof.size()) out.push_back(proof[i]);
  }
  return out;
}

// A 32-byte hash from hex; aborts on malformed literals (they are the test's own).
inline Hash H(std::string_view hex) {
  auto h = crypto::FixedFromHex<Hash>(hex, "test hash");
  if (!h.ok()) std::abort();
  return *h;
}

inline crypto::Bytes B(std::string_view hex) {
  auto b = crypto::FromHex(hex);
  if (!b.ok()) std::abort();
  return *b;
}

}  // namespace candor::tlog::testing

#endif  // CANDOR_LOG_TEST_UTIL_H_
