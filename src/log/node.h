// Addresses of perfect subtrees in a candor-log-v1 Merkle tree (RFC 9162 §2.1).
//
// A tree of any size is made of perfect, aligned subtrees: node (level, index) covers the
// 2^level leaves [index·2^level, (index+1)·2^level). Level 0 holds the leaf hashes. Such a
// node's hash never changes once its last leaf is appended, so it is exactly what a store
// persists. The other nodes of an RFC 9162 tree — those on the right border of a tree whose
// size is not a power of two — are "ephemeral": they are recomputed from perfect nodes
// whenever a proof or root needs them (see proof_nodes.h).
//
// Plain values; thread-safe.
#ifndef CANDOR_LOG_NODE_H_
#define CANDOR_LOG_NODE_H_

#include <compare>
#include <cstdint>

namespace candor::tlog {

// Highest level a node can have: a tree holds at most 2^64 - 1 leaves, so a perfect node
// covers at most 2^63 of them.
inline constexpr std::uint8_t kMaxNodeLevel = 63;

struct NodeId {
  std::uint8_t level = 0;   // 0 = leaf; REQUIRES: level <= kMaxNodeLevel
  std::uint64_t index = 0;  // position among the nodes of this level, from the left

  // First leaf covered: index·2^level. REQUIRES: the node lies inside a u64-sized tree
  // (index < 2^(64-level)), which holds for every node this library hands out.
  std::uint64_t begin() const { return index << level; }
  // Number of leaves covered: 2^level.
  std::uint64_t width() const { return std::uint64_t{1} << level; }

  friend bool operator==(const NodeId&, const NodeId&) = default;
  friend auto operator<=>(const NodeId&, const NodeId&) = default;
};

}  // namespace candor::tlog

#endif  // CANDOR_LOG_NODE_H_
