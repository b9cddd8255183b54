// The incremental appender: reported nodes, roots and restore.
#include "log/compact_range.h"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <map>
#include <vector>

#include "log/proof_nodes.h"
#include "log/test_util.h"

namespace candor::tlog {
namespace {

using testing::ReferenceRoot;
using testing::TestLeafHashes;

TEST(CompactRange, RootAfterEveryAppendEqualsTheRecursiveDefinition) {
  const std::vector<Hash> leaves = TestLeafHashes(130);
  CompactRange range;
  EXPECT_EQ(range.Root(), EmptyRoot());
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    EXPECT_EQ(range.Append(leaves[i]), i);
    EXPECT_EQ(range.size(), i + 1);
    EXPECT_EQ(range.Root(), ReferenceRoot(std::span<const Hash>(leaves).first(i + 1)));
    EXPECT_EQ(range.border().size(), static_cast<std::size_t>(std::popcount(i + 1)));
  }
}

// Every perfect node is reported exactly once, bottom-up, when its last leaf arrives, with
// the hash the recursive definition gives it.
TEST(CompactRange, ReportsEachPerfectNodeOnceWithItsHash) {
  const std::vector<Hash> leaves = TestLeafHashes(100);
  const std::span<const Hash> all(leaves);
  CompactRange range;
  std::map<NodeId, Hash> seen;
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    std::vector<NodeId> reported;
    range.Append(leaves[i], [&](NodeId id, const Hash& hash) {
      reported.push_back(id);
      EXPECT_TRUE(seen.emplace(id, hash).second) << "reported twice";
      EXPECT_EQ(id.begin() + id.width(), i + 1) << "a node is complete at its last leaf";
      EXPECT_EQ(hash, ReferenceRoot(all.subspan(id.begin(), id.width())));
    });
    ASSERT_FALSE(reported.empty());
    EXPECT_EQ(reported.front(), (NodeId{0, i}));
    // One node per trailing one bit of i, plus the leaf.
    EXPECT_EQ(reported.size(), static_cast<std::size_t>(std::countr_one(i)) + 1);
    for (std::size_t j = 1; j < reported.size(); ++j) {
      EXPECT_EQ(reported[j].level, reported[j - 1].level + 1);
    }
  }
  // All 2n - popcount(n) perfect nodes of the tree.
  EXPECT_EQ(seen.size(), 2 * leaves.size() - static_cast<std::size_t>(std::popcount(100u)));
  // The border is exactly the nodes BorderNodes names.
  const std::vector<NodeId> border_ids = BorderNodes(range.size());
  ASSERT_EQ(border_ids.size(), range.border().size());
  for (std::size_t j = 0; j < border_ids.size(); ++j) {
    EXPECT_EQ(range.border()[j], seen.at(border_ids[j]));
  }
}

TEST(CompactRange, RestoreContinuesWhereTheOriginalLeftOff) {
  const std::vector<Hash> leaves = TestLeafHashes(50);
  CompactRange original;
  for (std::size_t i = 0; i < 37; ++i) original.Append(leaves[i]);
  auto restored = CompactRange::Restore(37, {original.border().begin(), original.border().end()});
  ASSERT_TRUE(restored.ok());
  EXPECT_EQ(restored->size(), 37u);
  EXPECT_EQ(restored->Root(), original.Root());
  for (std::size_t i = 37; i < 50; ++i) {
    original.Append(leaves[i]);
    restored->Append(leaves[i]);
    EXPECT_EQ(restored->Root(), original.Root());
  }
  // The wrong number of border hashes is refused.
  EXPECT_FALSE(CompactRange::Restore(37, {}).ok());
  EXPECT_FALSE(CompactRange::Restore(8, std::vector<Hash>(2)).ok());
  EXPECT_TRUE(CompactRange::Restore(0, {}).ok());
  EXPECT_EQ(CompactRange::Restore(0, {})->Root(), EmptyRoot());
  // A huge size restores fine (one hash per set bit).
  EXPECT_TRUE(CompactRange::Restore(UINT64_MAX - 1, std::vector<Hash>(63)).ok());
}

TEST(CompactRange, RootFromBorder) {
  EXPECT_EQ(RootFromBorder({}), EmptyRoot());
  const std::vector<Hash> leaves = TestLeafHashes(3);
  EXPECT_EQ(RootFromBorder(std::span<const Hash>(leaves).first(1)), leaves[0]);
  EXPECT_EQ(RootFromBorder(leaves), HashChildren(leaves[0], HashChildren(leaves[1], leaves[2])));
}

}  // namespace
}  // namespace candor::tlog
