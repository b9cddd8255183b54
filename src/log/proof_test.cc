// Proof generation against NodeReader, checked exhaustively on small trees against the RFC
// 9162 definitions written out recursively (test_util.h), and verified.
#include "log/proof.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "log/memory_tree.h"
#include "log/proof_nodes.h"
#include "log/test_util.h"
#include "log/verify.h"

namespace candor::tlog {
namespace {

using testing::ReferenceConsistency;
using testing::ReferencePath;
using testing::ReferenceRoot;
using testing::TestEntry;
using testing::TestLeafHashes;

constexpr std::size_t kMaxSize = 70;

class ProofPropertyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    leaves_ = new std::vector<Hash>(TestLeafHashes(kMaxSize));
    tree_ = new MemoryTree();
    for (std::size_t i = 0; i < kMaxSize; ++i) tree_->Append(TestEntry(i));
  }
  static void TearDownTestSuite() {
    delete tree_;
    delete leaves_;
  }
  static std::span<const Hash> Prefix(std::size_t n) {
    return std::span<const Hash>(*leaves_).first(n);
  }

  static std::vector<Hash>* leaves_;
  static MemoryTree* tree_;
};
std::vector<Hash>* ProofPropertyTest::leaves_ = nullptr;
MemoryTree* ProofPropertyTest::tree_ = nullptr;

TEST_F(ProofPropertyTest, RootAtEverySizeEqualsTheRecursiveDefinition) {
  for (std::size_t size = 0; size <= kMaxSize; ++size) {
    auto root = tree_->RootAt(size);
    ASSERT_TRUE(root.ok()) << root.error().message();
    EXPECT_EQ(*root, ReferenceRoot(Prefix(size))) << "size " << size;
  }
  EXPECT_EQ(tree_->Root(), ReferenceRoot(Prefix(kMaxSize)));
  EXPECT_FALSE(tree_->RootAt(kMaxSize + 1).ok());
}

TEST_F(ProofPropertyTest, EveryInclusionProofMatchesPathAndVerifies) {
  for (std::size_t size = 1; size <= kMaxSize; ++size) {
    const Hash root = ReferenceRoot(Prefix(size));
    for (std::size_t index = 0; index < size; ++index) {
      SCOPED_TRACE("index " + std::to_string(index) + " size " + std::to_string(size));
      auto proof = tree_->InclusionProof(index, size);
      ASSERT_TRUE(proof.ok()) << proof.error().message();
      EXPECT_EQ(*proof, ReferencePath(index, Prefix(size)));
      auto nodes = InclusionNodes(index, size);
      ASSERT_TRUE(nodes.ok());
      EXPECT_EQ(nodes->proof_size(), proof->size());
      EXPECT_TRUE(VerifyInclusion(index, size, (*leaves_)[index], *proof, root).ok());
      auto computed = RootFromInclusionProof(index, size, (*leaves_)[index], *proof);
      ASSERT_TRUE(computed.ok());
      EXPECT_EQ(*computed, root);
    }
  }
}

TEST_F(ProofPropertyTest, EveryConsistencyProofMatchesProofAndVerifies) {
  for (std::size_t size2 = 0; size2 <= kMaxSize; ++size2) {
    const Hash root2 = ReferenceRoot(Prefix(size2));
    for (std::size_t size1 = 0; size1 <= size2; ++size1) {
      SCOPED_TRACE(std::to_string(size1) + " -> " + std::to_string(size2));
      const Hash root1 = ReferenceRoot(Prefix(size1));
      auto proof = tree_->ConsistencyProof(size1, size2);
      ASSERT_TRUE(proof.ok()) << proof.error().message();
      EXPECT_EQ(*proof, ReferenceConsistency(size1, Prefix(size2)));
      auto nodes = ConsistencyNodes(size1, size2);
      ASSERT_TRUE(nodes.ok());
      EXPECT_EQ(nodes->proof_size(), proof->size());
      EXPECT_TRUE(VerifyConsistency(size1, size2, root1, root2, *proof).ok());
    }
  }
}

TEST_F(ProofPropertyTest, InvalidArgumentsAreErrors) {
  // index >= size
  EXPECT_EQ(tree_->InclusionProof(5, 5).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(tree_->InclusionProof(0, 0).ok());
  EXPECT_FALSE(tree_->InclusionProof(UINT64_MAX, UINT64_MAX).ok());
  // size1 > size2
  EXPECT_EQ(tree_->ConsistencyProof(6, 5).error().code(), ErrorCode::kInvalidArgument);
  // Sizes beyond the stored tree: even where every node the proof names is stored (leaf 70
  // of a 71-leaf tree needs only nodes of the first 70 leaves), the leaf was never appended.
  EXPECT_EQ(tree_->InclusionProof(kMaxSize, kMaxSize + 1).error().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_FALSE(tree_->InclusionProof(0, kMaxSize + 1).ok());
  EXPECT_FALSE(tree_->InclusionProof(0, UINT64_MAX).ok());
  EXPECT_FALSE(tree_->ConsistencyProof(3, kMaxSize + 1).ok());
  EXPECT_FALSE(tree_->ConsistencyProof(0, UINT64_MAX).ok());
  EXPECT_FALSE(tree_->RootAt(UINT64_MAX).ok());
  // Nodes outside the tree.
  EXPECT_EQ(tree_->ReadNode(NodeId{0, kMaxSize}).error().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(tree_->ReadNode(NodeId{6, 1}).ok());  // would cover [64, 128)
  EXPECT_TRUE(tree_->ReadNode(NodeId{6, 0}).ok());
  EXPECT_FALSE(tree_->ReadNode(NodeId{63, 0}).ok());
  EXPECT_FALSE(tree_->LeafHash(kMaxSize).ok());
  EXPECT_EQ(*tree_->LeafHash(3), (*leaves_)[3]);
}

// A store that counts reads and can fail: shows that proofs go through NodeReader only,
// that the default ReadNodes is used, and that store errors come back as values.
class FakeStore final : public NodeReader {
 public:
  explicit FakeStore(const MemoryTree& tree) : tree_(tree) {}

  Result<std::uint64_t> StoredSize() const override {
    if (fail_size_) return Error(ErrorCode::kIo, "disk on fire");
    return tree_.size();
  }
  Result<Hash> ReadNode(NodeId id) const override {
    ++reads_;
    if (fail_node_ && *fail_node_ == id) return Error(ErrorCode::kIo, "bad sector");
    return tree_.ReadNode(id);
  }

  const MemoryTree& tree_;
  bool fail_size_ = false;
  std::optional<NodeId> fail_node_;
  mutable int reads_ = 0;
};

TEST_F(ProofPropertyTest, WorksAgainstAnyNodeReaderAndPropagatesItsErrors) {
  FakeStore store(*tree_);
  auto proof = InclusionProof(store, 37, 61);
  ASSERT_TRUE(proof.ok());
  EXPECT_EQ(*proof, ReferencePath(37, Prefix(61)));
  EXPECT_EQ(store.reads_, static_cast<int>(InclusionNodes(37, 61)->ids.size()));

  auto consistency = ConsistencyProof(store, 13, 61);
  ASSERT_TRUE(consistency.ok());
  EXPECT_EQ(*consistency, ReferenceConsistency(13, Prefix(61)));
  auto root = RootAt(store, 45);
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(*root, ReferenceRoot(Prefix(45)));

  store.fail_node_ = InclusionNodes(37, 61)->ids[2];
  EXPECT_EQ(InclusionProof(store, 37, 61).error().code(), ErrorCode::kIo);
  store.fail_node_.reset();
  store.fail_size_ = true;
  EXPECT_EQ(InclusionProof(store, 37, 61).error().code(), ErrorCode::kIo);
  EXPECT_EQ(ConsistencyProof(store, 3, 61).error().code(), ErrorCode::kIo);
  EXPECT_EQ(RootAt(store, 3).error().code(), ErrorCode::kIo);
}

// A store that breaks the ReadNodes contract is reported, not trusted.
class ShortStore final : public NodeReader {
 public:
  Result<std::uint64_t> StoredSize() const override { return 100; }
  Result<Hash> ReadNode(NodeId) const override { return Hash{}; }
  Result<std::vector<Hash>> ReadNodes(std::span<const NodeId>) const override {
    return std::vector<Hash>(1);
  }
};

TEST(Proof, ReaderReturningTheWrongNumberOfHashesIsAnInternalError) {
  ShortStore store;
  EXPECT_EQ(InclusionProof(store, 5, 100).error().code(), ErrorCode::kInternal);
  EXPECT_EQ(ConsistencyProof(store, 5, 100).error().code(), ErrorCode::kInternal);
  EXPECT_EQ(RootAt(store, 100).error().code(), ErrorCode::kInternal);
}

TEST(Proof, FoldProofFoldsTheEphemeralRun) {
  // Leaf 0 of 7: siblings are leaf 1, node (1,1), and the ephemeral [4, 7) made of (1,2)
  // and leaf 6.
  auto nodes = InclusionNodes(0, 7);
  ASSERT_TRUE(nodes.ok());
  ASSERT_EQ(nodes->ids.size(), 4u);
  Hash a{}, b{}, c{}, d{};
  a.bytes[0] = 1;
  b.bytes[0] = 2;
  c.bytes[0] = 3;
  d.bytes[0] = 4;
  const std::vector<Hash> hashes = {a, b, c, d};
  auto folded = FoldProof(*nodes, hashes);
  ASSERT_TRUE(folded.ok());
  EXPECT_EQ(*folded, (std::vector<Hash>{a, b, HashChildren(c, d)}));
  EXPECT_FALSE(FoldProof(*nodes, std::span<const Hash>(hashes).first(3)).ok());
}

TEST(MemoryTree, AppendLeafHashEqualsAppend) {
  MemoryTree by_entry, by_hash;
  for (std::uint64_t i = 0; i < 33; ++i) {
    EXPECT_EQ(by_entry.Append(TestEntry(i)), i);
    EXPECT_EQ(by_hash.AppendLeafHash(HashLeaf(TestEntry(i))), i);
  }
  EXPECT_EQ(by_entry.Root(), by_hash.Root());
  EXPECT_EQ(by_entry.size(), 33u);
  // Reserve changes nothing observable.
  MemoryTree reserved;
  reserved.Reserve(1000);
  for (std::uint64_t i = 0; i < 33; ++i) reserved.Append(TestEntry(i));
  EXPECT_EQ(reserved.Root(), by_entry.Root());
  EXPECT_EQ(*reserved.ConsistencyProof(5, 33), *by_entry.ConsistencyProof(5, 33));
}

TEST(MemoryTree, EmptyTree) {
  MemoryTree tree;
  EXPECT_EQ(tree.size(), 0u);
  EXPECT_EQ(tree.Root(), EmptyRoot());
  EXPECT_EQ(*tree.RootAt(0), EmptyRoot());
  EXPECT_TRUE(tree.ConsistencyProof(0, 0)->empty());
  EXPECT_FALSE(tree.InclusionProof(0, 0).ok());
  EXPECT_FALSE(tree.ReadNode(NodeId{0, 0}).ok());
}

// A larger tree, sampled: proofs from a tree of a few thousand leaves verify and match the
// recursive definition (which is too slow to run exhaustively at this size).
TEST(MemoryTree, SampledProofsInALargerTree) {
  constexpr std::size_t kSize = 3000;
  const std::vector<Hash> leaves = TestLeafHashes(kSize);
  MemoryTree tree;
  for (const Hash& leaf : leaves) tree.AppendLeafHash(leaf);
  const std::span<const Hash> all(leaves);
  const std::array<std::size_t, 10> sizes = {1, 2, 1023, 1024, 1025, 2047, 2048, 2049, 2999, 3000};
  for (std::size_t size : sizes) {
    const Hash root = ReferenceRoot(all.first(size));
    EXPECT_EQ(*tree.RootAt(size), root);
    for (std::size_t index : {std::size_t{0}, size / 3, size / 2, size - 1}) {
      auto proof = tree.InclusionProof(index, size);
      ASSERT_TRUE(proof.ok());
      EXPECT_EQ(*proof, ReferencePath(index, all.first(size)));
      EXPECT_TRUE(VerifyInclusion(index, size, leaves[index], *proof, root).ok());
    }
    for (std::size_t size1 : {std::size_t{1}, size / 3, size / 2, size - 1}) {
      auto proof = tree.ConsistencyProof(size1, size);
      ASSERT_TRUE(proof.ok());
      EXPECT_EQ(*proof, ReferenceConsistency(size1, all.first(size)));
      EXPECT_TRUE(
          VerifyConsistency(size1, size, ReferenceRoot(all.first(size1)), root, *proof).ok());
    }
  }
}

}  // namespace
}  // namespace candor::tlog
