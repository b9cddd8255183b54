// Which nodes proofs need: worked examples, structural invariants for every small size, and
// safety at the edges of u64.
#include "log/proof_nodes.h"

#include <gtest/gtest.h>

#include <array>
#include <bit>
#include <cstdint>
#include <string>
#include <vector>

namespace candor::tlog {
namespace {

std::uint64_t End(NodeId id) { return id.begin() + id.width(); }

TEST(ProofNodes, WorkedExamples) {
  // Leaf 2 of 7 (RFC 9162's example tree): leaf 3, node [0,2), and the ephemeral [4,7)
  // made of node (1,2) = [4,6) and leaf 6.
  auto n = InclusionNodes(2, 7);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->ids, (std::vector<NodeId>{{0, 3}, {1, 0}, {1, 2}, {0, 6}}));
  EXPECT_TRUE(n->has_ephemeral());
  EXPECT_EQ(n->ephemeral_begin, 2u);
  EXPECT_EQ(n->ephemeral_end, 4u);
  EXPECT_EQ(n->ephemeral, (NodeId{2, 1}));
  EXPECT_EQ(n->proof_size(), 3u);

  // Leaf 6 of 7 is on the right border: no sibling at level 0, then [4,6) and [0,4).
  n = InclusionNodes(6, 7);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->ids, (std::vector<NodeId>{{1, 2}, {2, 0}}));
  EXPECT_FALSE(n->has_ephemeral());

  // Leaf 0 of 1: empty.
  n = InclusionNodes(0, 1);
  ASSERT_TRUE(n.ok());
  EXPECT_TRUE(n->ids.empty());

  // Consistency 6 -> 8 (the reference vectors): [4,6), [6,8), [0,4).
  n = ConsistencyNodes(6, 8);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->ids, (std::vector<NodeId>{{1, 2}, {1, 3}, {2, 0}}));
  // 4 -> 8: size1 a power of two, so no seed node: just [4,8).
  n = ConsistencyNodes(4, 8);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->ids, (std::vector<NodeId>{{2, 1}}));
  // 3 -> 7: seed leaf 2, then leaf 3, [0,2), and the ephemeral [4,7).
  n = ConsistencyNodes(3, 7);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->ids, (std::vector<NodeId>{{0, 2}, {0, 3}, {1, 0}, {1, 2}, {0, 6}}));
  EXPECT_EQ(n->ephemeral_begin, 3u);
  EXPECT_EQ(n->ephemeral_end, 5u);

  EXPECT_TRUE(ConsistencyNodes(0, 5)->ids.empty());
  EXPECT_TRUE(ConsistencyNodes(5, 5)->ids.empty());
  EXPECT_FALSE(ConsistencyNodes(6, 5).ok());
  EXPECT_FALSE(InclusionNodes(5, 5).ok());
  EXPECT_FALSE(InclusionNodes(0, 0).ok());

  EXPECT_TRUE(BorderNodes(0).empty());
  EXPECT_EQ(BorderNodes(13), (std::vector<NodeId>{{3, 0}, {2, 2}, {0, 12}}));
}

// Invariants that make a proof well-formed, for every index and size up to 300:
//  - every node is perfect and inside the tree;
//  - the nodes are disjoint and, with the leaf, cover [0, size) exactly;
//  - at most one ephemeral run, of >= 2 nodes, contiguous, left to right, on the border.
void CheckCoverage(const ProofNodes& n, std::uint64_t size, std::uint64_t covered_begin,
                   std::uint64_t covered_end) {
  std::vector<bool> covered(size, false);
  for (std::uint64_t i = covered_begin; i < covered_end; ++i) covered[i] = true;
  for (const NodeId& id : n.ids) {
    ASSERT_LE(End(id), size) << "node (" << int{id.level} << "," << id.index << ")";
    for (std::uint64_t i = id.begin(); i < End(id); ++i) {
      ASSERT_FALSE(covered[i]) << "leaf " << i << " covered twice";
      covered[i] = true;
    }
  }
  for (std::uint64_t i = 0; i < size; ++i) ASSERT_TRUE(covered[i]) << "leaf " << i;
  if (n.has_ephemeral()) {
    ASSERT_GE(n.ephemeral_end - n.ephemeral_begin, 2u);
    ASSERT_LE(n.ephemeral_end, n.ids.size());
    for (std::size_t j = n.ephemeral_begin + 1; j < n.ephemeral_end; ++j) {
      EXPECT_GT(n.ids[j - 1].level, n.ids[j].level);
      EXPECT_EQ(End(n.ids[j - 1]), n.ids[j].begin());
    }
    EXPECT_EQ(n.ids[n.ephemeral_begin].begin(), n.ephemeral.begin());
    EXPECT_EQ(End(n.ids[n.ephemeral_end - 1]), size);
    EXPECT_GT(End(n.ephemeral), size);  // cut short by the size: not perfect
  } else {
    EXPECT_EQ(n.ephemeral_begin, 0u);
    EXPECT_EQ(n.ephemeral_end, 0u);
  }
}

TEST(ProofNodes, InclusionNodesCoverTheTreeExactly) {
  for (std::uint64_t size = 1; size <= 300; ++size) {
    for (std::uint64_t index = 0; index < size; ++index) {
      SCOPED_TRACE("index " + std::to_string(index) + " size " + std::to_string(size));
      auto n = InclusionNodes(index, size);
      ASSERT_TRUE(n.ok());
      CheckCoverage(*n, size, index, index + 1);
      // Proof elements go bottom-up: each covers leaves further from the leaf.
      EXPECT_LE(n->proof_size(), 64u);
    }
  }
}

TEST(ProofNodes, ConsistencyNodesCoverTheNewTreeExactly) {
  for (std::uint64_t size2 = 1; size2 <= 200; ++size2) {
    for (std::uint64_t size1 = 1; size1 < size2; ++size1) {
      SCOPED_TRACE(std::to_string(size1) + " -> " + std::to_string(size2));
      auto n = ConsistencyNodes(size1, size2);
      ASSERT_TRUE(n.ok());
      // The seed node (or, for a power of two, the old root the verifier holds) and the
      // path cover [0, size2).
      const auto level = static_cast<unsigned>(std::countr_zero(size1));
      const bool seeded = !std::has_single_bit(size1);
      const std::uint64_t seed_begin = size1 - (std::uint64_t{1} << level);
      if (seeded) {
        ASSERT_FALSE(n->ids.empty());
        EXPECT_EQ(n->ids[0], (NodeId{static_cast<std::uint8_t>(level), seed_begin >> level}));
        ProofNodes rest = *n;
        rest.ids.erase(rest.ids.begin());
        if (rest.has_ephemeral()) {
          --rest.ephemeral_begin;
          --rest.ephemeral_end;
        }
        CheckCoverage(rest, size2, seed_begin, size1);
      } else {
        CheckCoverage(*n, size2, 0, size1);
      }
    }
  }
}

TEST(ProofNodes, BorderNodesAreOnePerSetBit) {
  for (std::uint64_t size = 0; size <= 300; ++size) {
    const std::vector<NodeId> border = BorderNodes(size);
    EXPECT_EQ(border.size(), static_cast<std::size_t>(std::popcount(size)));
    std::uint64_t pos = 0;
    for (const NodeId& id : border) {
      EXPECT_EQ(id.begin(), pos);
      pos = End(id);
    }
    EXPECT_EQ(pos, size);
  }
}

// At the edges of u64 the walks must neither overflow nor shift by 64 (UBSan watches).
TEST(ProofNodes, HugeSizes) {
  const std::uint64_t top = std::uint64_t{1} << 63;
  const std::array<std::uint64_t, 8> sizes = {
      UINT64_MAX,         UINT64_MAX - 1,    top, top + 1, top - 1, 0x5555555555555555,
      0xaaaaaaaaaaaaaaaa, 0x8000000000000003};
  for (std::uint64_t size : sizes) {
    for (std::uint64_t index :
         {std::uint64_t{0}, std::uint64_t{1}, top - 1, top, size / 2, size - 2, size - 1}) {
      if (index >= size) continue;
      auto n = InclusionNodes(index, size);
      ASSERT_TRUE(n.ok());
      EXPECT_LE(n->proof_size(), 64u);
      std::uint64_t covered = 1;  // the leaf itself
      for (const NodeId& id : n->ids) {
        EXPECT_LE(id.level, kMaxNodeLevel);
        EXPECT_LE(id.begin(), size - id.width());  // inside the tree, without overflow
        covered += id.width();
      }
      EXPECT_EQ(covered, size) << "index " << index << " size " << size;
    }
    for (std::uint64_t size1 : {std::uint64_t{1}, std::uint64_t{3}, top - 1, top, size - 1}) {
      if (size1 > size) continue;
      auto n = ConsistencyNodes(size1, size);
      ASSERT_TRUE(n.ok());
      EXPECT_LE(n->proof_size(), 65u);
    }
    EXPECT_EQ(BorderNodes(size).size(), static_cast<std::size_t>(std::popcount(size)));
  }
  EXPECT_FALSE(InclusionNodes(UINT64_MAX, UINT64_MAX).ok());
  EXPECT_FALSE(ConsistencyNodes(UINT64_MAX, UINT64_MAX - 1).ok());
  EXPECT_TRUE(ConsistencyNodes(UINT64_MAX, UINT64_MAX)->ids.empty());
}

}  // namespace
}  // namespace candor::tlog
