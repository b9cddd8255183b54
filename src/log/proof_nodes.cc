#include "log/proof_nodes.h"

#include <bit>
#include <string>

namespace candor::tlog {
namespace {

// Appends the perfect nodes covering [begin, end), left to right. REQUIRES: begin is a
// multiple of some power of two 2^k > end - begin — true of every range that reaches the
// right border of a tree from an aligned node (and of [0, size)). Then the covering nodes are
// the set bits of end - begin, largest first, and each starts at a multiple of its width.
void AppendRangeNodes(std::uint64_t begin, std::uint64_t end, std::vector<NodeId>& out) {
  const std::uint64_t length = end - begin;
  std::uint64_t pos = begin;
  for (int level = kMaxNodeLevel; level >= 0; --level) {
    const std::uint64_t width = std::uint64_t{1} << level;
    if ((length & width) == 0) continue;
    out.push_back(NodeId{static_cast<std::uint8_t>(level), pos >> level});
    pos += width;  // cannot overflow: pos stays <= end
  }
}

// Appends the inclusion path of the perfect node (level, index) in the tree of `size`
// leaves: for each level from `level` up to the root's children, the sibling of the node on
// the path, when that sibling holds any leaf of the tree. A sibling to the left is always
// perfect; one to the right is perfect unless it holds the tree's last leaf and is cut short
// by the size, in which case it is the (single) ephemeral element.
// REQUIRES: (level, index) lies inside the tree: index·2^level < size.
void AppendPath(unsigned level, std::uint64_t index, std::uint64_t size, ProofNodes& out) {
  const std::uint64_t last = size - 1;
  // The path ends below the level where the node's and the last leaf's ancestors meet, i.e.
  // where last >> l == 0; l < 64 keeps every shift defined.
  for (unsigned l = level; l <= kMaxNodeLevel && (last >> l) != 0; ++l) {
    const std::uint64_t node = index >> (l - level);
    const std::uint64_t sibling = node ^ 1;
    // No overflow: node <= last >> l, and an even node is at most 2^(64-l) - 2, so the
    // sibling's first leaf fits in a u64.
    const std::uint64_t sibling_begin = sibling << l;
    if (sibling_begin > last) continue;  // beyond the tree: this level adds no hash
    const std::uint64_t width = std::uint64_t{1} << l;
    const auto lvl = static_cast<std::uint8_t>(l);
    if (size - sibling_begin >= width) {
      out.ids.push_back(NodeId{lvl, sibling});
      continue;
    }
    // The right sibling holds the last leaf but is not full: cover [sibling_begin, size).
    const std::size_t run_begin = out.ids.size();
    AppendRangeNodes(sibling_begin, size, out.ids);
    if (out.ids.size() - run_begin >= 2) {
      out.ephemeral_begin = run_begin;
      out.ephemeral_end = out.ids.size();
      out.ephemeral = NodeId{lvl, sibling};
    }
  }
}

}  // namespace

Result<ProofNodes> InclusionNodes(std::uint64_t index, std::uint64_t size) {
  if (index >= size) {
    return InvalidArgument("leaf index " + std::to_string(index) + " is not below the tree size " +
                           std::to_string(size));
  }
  ProofNodes out;
  AppendPath(0, index, size, out);
  return out;
}

Result<ProofNodes> ConsistencyNodes(std::uint64_t size1, std::uint64_t size2) {
  if (size1 > size2) {
    return InvalidArgument("old tree size " + std::to_string(size1) +
                           " is larger than the new tree size " + std::to_string(size2));
  }
  ProofNodes out;
  if (size1 == 0 || size1 == size2) return out;
  // The largest perfect node that ends at size1: its level is the number of trailing zero
  // bits of size1 (RFC 9162 §2.1.4.1 recurses down to exactly this subtree).
  const auto level = static_cast<unsigned>(std::countr_zero(size1));
  const std::uint64_t index = (size1 - 1) >> level;
  // When size1 is a power of two that node is the old root itself, which the verifier
  // already holds, so the RFC leaves it out (SUBPROOF's b = true case).
  if (index != 0) out.ids.push_back(NodeId{static_cast<std::uint8_t>(level), index});
  AppendPath(level, index, size2, out);
  return out;
}

std::vector<NodeId> BorderNodes(std::uint64_t size) {
  std::vector<NodeId> out;
  AppendRangeNodes(0, size, out);
  return out;
}

}  // namespace candor::tlog
