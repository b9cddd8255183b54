// Which stored nodes a proof needs (RFC 9162 §2.1.3–2.1.4), computed from sizes alone.
//
// This is the storage-independent half of proof generation, as in transparency-dev/merkle's
// proof.Nodes: given an index and sizes it names the perfect nodes (node.h) whose hashes,
// in order, make up the proof. Every element of an RFC 9162 proof is a perfect node except
// at most one: a node on the right border of the tree, which the RFC's recursive definition
// hashes from the leaves [begin, size) and which no store keeps because it changes with every
// append. That "ephemeral" element is described by a run of perfect nodes that together
// cover its leaves; proof.h folds their hashes into one (FoldProof).
//
// Pure functions of their arguments; no hashing, no storage; thread-safe. Every u64 input is
// handled without overflow (sizes up to 2^64 - 1).
#ifndef CANDOR_LOG_PROOF_NODES_H_
#define CANDOR_LOG_PROOF_NODES_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/result.h"
#include "log/node.h"

namespace candor::tlog {

// The recipe for one proof.
//
// `ids` lists perfect nodes in proof order, except that the run
// ids[ephemeral_begin, ephemeral_end) — when not empty — stands for a single proof element:
// the ephemeral node `ephemeral`, whose hash is MTH of the leaves those nodes cover. The run
// lists them left to right (strictly decreasing levels), so the element is their hashes
// folded from the right: h = H[end-1]; h = HashChildren(H[j], h) for j = end-2 … begin.
// A run always holds at least two nodes; a single node is simply a perfect proof element.
struct ProofNodes {
  std::vector<NodeId> ids;
  std::size_t ephemeral_begin = 0;
  std::size_t ephemeral_end = 0;
  // Where the ephemeral element sits in a perfect tree: (level, index) whose span is cut
  // short by the tree size. Meaningful only when has_ephemeral().
  NodeId ephemeral;

  bool has_ephemeral() const { return ephemeral_end > ephemeral_begin; }
  // Number of hashes in the finished proof.
  std::size_t proof_size() const {
    return ids.size() - (has_ephemeral() ? ephemeral_end - ephemeral_begin - 1 : 0);
  }
};

// Nodes of the inclusion proof (RFC 9162 §2.1.3.1 PATH) for the leaf `index` in the tree of
// `size` leaves, from the leaf's sibling up to the child of the root.
// Error (kInvalidArgument) unless index < size.
Result<ProofNodes> InclusionNodes(std::uint64_t index, std::uint64_t size);

// Nodes of the consistency proof (RFC 9162 §2.1.4.1 PROOF) between the trees of `size1`
// and `size2` leaves: empty when size1 == 0 or size1 == size2; otherwise the largest perfect
// node ending at size1 (left out when size1 is a power of two, since the verifier holds it
// as the old root) followed by that node's inclusion path in the tree of size2.
// Error (kInvalidArgument) if size1 > size2.
Result<ProofNodes> ConsistencyNodes(std::uint64_t size1, std::uint64_t size2);

// The perfect nodes that cover the leaves [0, size), left to right: one per set bit of
// `size`, highest level first. They are the state of a compact range (compact_range.h), and
// MTH of the first `size` leaves is their hashes folded from the right. Empty for size 0.
std::vector<NodeId> BorderNodes(std::uint64_t size);

}  // namespace candor::tlog

#endif  // CANDOR_LOG_PROOF_NODES_H_
