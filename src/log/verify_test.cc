// Verification: every way to tamper with a valid proof is refused, for every proof of every
// tree up to 40 leaves; arbitrary u64 sizes neither crash nor take long.
#include "log/verify.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "log/memory_tree.h"
#include "log/proof_nodes.h"
#include "log/test_util.h"

namespace candor::tlog {
namespace {

using testing::TestEntry;
using testing::WithInserted;

constexpr std::uint64_t kMaxSize = 40;

class TamperTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tree_ = new MemoryTree();
    for (std::uint64_t i = 0; i < kMaxSize; ++i) tree_->Append(TestEntry(i));
  }
  static void TearDownTestSuite() { delete tree_; }
  static Hash RootOf(std::uint64_t size) { return *tree_->RootAt(size); }
  static Hash LeafOf(std::uint64_t index) { return *tree_->LeafHash(index); }

  static MemoryTree* tree_;
};
MemoryTree* TamperTest::tree_ = nullptr;

// Every single-bit change to a proof element, every insertion of a foreign hash (a root of
// the tree, or a copy of a neighbour) and every removal.
std::vector<std::vector<Hash>> TamperedProofs(const std::vector<Hash>& proof, const Hash& foreign) {
  std::vector<std::vector<Hash>> out;
  for (std::size_t i = 0; i < proof.size(); ++i) {
    for (std::size_t bit = 0; bit < 256; bit += 37) {  // 7 bits spread over the hash
      std::vector<Hash> p = proof;
      p[i].bytes[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
      out.push_back(std::move(p));
    }
    std::vector<Hash> removed = proof;
    removed.erase(removed.begin() + static_cast<std::ptrdiff_t>(i));
    out.push_back(std::move(removed));
    std::vector<Hash> swapped = proof;
    if (i + 1 < proof.size() && proof[i] != proof[i + 1]) {
      std::swap(swapped[i], swapped[i + 1]);
      out.push_back(std::move(swapped));
    }
  }
  for (std::size_t i = 0; i <= proof.size(); ++i) {
    out.push_back(WithInserted(proof, i, foreign));
    if (i < proof.size()) out.push_back(WithInserted(proof, i, proof[i]));
  }
  return out;
}

TEST_F(TamperTest, InclusionProofsRejectEveryTampering) {
  for (std::uint64_t size = 1; size <= kMaxSize; ++size) {
    const Hash root = RootOf(size);
    for (std::uint64_t index = 0; index < size; ++index) {
      SCOPED_TRACE("index " + std::to_string(index) + " size " + std::to_string(size));
      const Hash leaf = LeafOf(index);
      const std::vector<Hash> proof = *tree_->InclusionProof(index, size);
      ASSERT_TRUE(VerifyInclusion(index, size, leaf, proof, root).ok());

      for (const auto& bad : TamperedProofs(proof, root)) {
        EXPECT_FALSE(VerifyInclusion(index, size, leaf, bad, root).ok());
      }
      // Wrong index: another leaf's position, or past the end.
      for (std::uint64_t other = 0; other <= size + 1; ++other) {
        if (other == index) continue;
        EXPECT_FALSE(VerifyInclusion(other, size, leaf, proof, root).ok()) << "index " << other;
      }
      EXPECT_FALSE(VerifyInclusion(UINT64_MAX, size, leaf, proof, root).ok());
      // Wrong size. RFC 9162 binds the size through the root only: a proof can also fit
      // another size whose path has the same shape (leaf 0 of 5 and of 6), so each other
      // size is checked against its own root — and, as in the reference tests, size*2 and
      // size/2 against this root.
      for (std::uint64_t other = 0; other <= kMaxSize; ++other) {
        if (other == size) continue;
        EXPECT_FALSE(VerifyInclusion(index, other, leaf, proof, RootOf(other)).ok())
            << "size " << other;
      }
      EXPECT_FALSE(VerifyInclusion(index, size * 2, leaf, proof, root).ok());
      EXPECT_FALSE(VerifyInclusion(index, size / 2, leaf, proof, root).ok());
      EXPECT_FALSE(VerifyInclusion(index, UINT64_MAX, leaf, proof, root).ok());
      // Wrong leaf, wrong root.
      if (size > 1) {
        EXPECT_FALSE(VerifyInclusion(index, size, LeafOf((index + 1) % size), proof, root).ok());
      }
      EXPECT_FALSE(VerifyInclusion(index, size, leaf, proof, RootOf(size - 1)).ok());
      EXPECT_FALSE(VerifyInclusion(index, size, leaf, proof, EmptyRoot()).ok());
      Hash flipped = root;
      flipped.bytes[31] ^= 0x80;
      EXPECT_FALSE(VerifyInclusion(index, size, leaf, proof, flipped).ok());
    }
  }
}

TEST_F(TamperTest, ConsistencyProofsRejectEveryTampering) {
  for (std::uint64_t size2 = 1; size2 <= kMaxSize; ++size2) {
    const Hash root2 = RootOf(size2);
    for (std::uint64_t size1 = 0; size1 <= size2; ++size1) {
      SCOPED_TRACE(std::to_string(size1) + " -> " + std::to_string(size2));
      const Hash root1 = RootOf(size1);
      const std::vector<Hash> proof = *tree_->ConsistencyProof(size1, size2);
      ASSERT_TRUE(VerifyConsistency(size1, size2, root1, root2, proof).ok());

      for (const auto& bad : TamperedProofs(proof, root2)) {
        EXPECT_FALSE(VerifyConsistency(size1, size2, root1, root2, bad).ok());
      }
      if (size1 == 0) {
        // Every tree extends the empty one (so any size2 and root2 pass), but only from
        // the empty tree's root.
        EXPECT_FALSE(VerifyConsistency(0, size2, root2, root2, proof).ok());
        EXPECT_FALSE(VerifyConsistency(0, size2, RootOf(1), root2, proof).ok());
        continue;
      }
      // Wrong old or new size, each with its own root (see the inclusion test), and the
      // reference tests' size1 ± 1, size1 ^ 2, size2 * 2, size2 / 2 with these roots.
      for (std::uint64_t other = 0; other <= kMaxSize; ++other) {
        // (size 0 is consistent with everything, with an empty proof.)
        if (other != size1 && (other != 0 || !proof.empty())) {
          EXPECT_FALSE(VerifyConsistency(other, size2, RootOf(other), root2, proof).ok())
              << "size1 " << other;
        }
        if (other != size2) {
          EXPECT_FALSE(VerifyConsistency(size1, other, root1, RootOf(other), proof).ok())
              << "size2 " << other;
        }
      }
      if (!proof.empty()) {
        EXPECT_FALSE(VerifyConsistency(size1 - 1, size2, root1, root2, proof).ok());
        EXPECT_FALSE(VerifyConsistency(size1 + 1, size2, root1, root2, proof).ok());
        EXPECT_FALSE(VerifyConsistency(size1 ^ 2, size2, root1, root2, proof).ok());
        EXPECT_FALSE(VerifyConsistency(size1, size2 * 2, root1, root2, proof).ok());
        EXPECT_FALSE(VerifyConsistency(size1, size2 / 2, root1, root2, proof).ok());
      }
      EXPECT_FALSE(VerifyConsistency(size1, UINT64_MAX, root1, root2, proof).ok());
      // Wrong roots: neighbours' roots, swapped, flipped.
      if (size1 < size2) {
        EXPECT_FALSE(VerifyConsistency(size1, size2, root2, root1, proof).ok());
        EXPECT_FALSE(VerifyConsistency(size1, size2, root1, RootOf(size2 - 1), proof).ok());
      }
      if (size1 > 0) {
        EXPECT_FALSE(VerifyConsistency(size1, size2, RootOf(size1 - 1), root2, proof).ok());
      }
      Hash flipped1 = root1, flipped2 = root2;
      flipped1.bytes[7] ^= 1;
      flipped2.bytes[7] ^= 1;
      EXPECT_FALSE(VerifyConsistency(size1, size2, flipped1, root2, proof).ok());
      EXPECT_FALSE(VerifyConsistency(size1, size2, root1, flipped2, proof).ok());
    }
  }
}

TEST(Verify, ErrorCodes) {
  const Hash h{};
  EXPECT_EQ(VerifyInclusion(3, 3, h, {}, h).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(VerifyInclusion(0, 2, h, {}, h).error().code(), ErrorCode::kVerificationFailed);
  EXPECT_EQ(VerifyConsistency(3, 2, h, h, {}).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(VerifyConsistency(1, 2, h, h, {}).error().code(), ErrorCode::kVerificationFailed);
}

// Arbitrary sizes: a proof of the right length for a gigantic tree is hashed in at most 64
// steps and refused (its root is wrong); the wrong length is refused before hashing.
TEST(Verify, HugeSizesAreCheapAndSafe) {
  const std::array<std::uint64_t, 7> sizes = {UINT64_MAX,
                                              UINT64_MAX - 1,
                                              std::uint64_t{1} << 63,
                                              (std::uint64_t{1} << 63) + 1,
                                              (std::uint64_t{1} << 63) - 1,
                                              0x5555555555555555,
                                              0xaaaaaaaaaaaaaaaa};
  const Hash h = HashLeaf(crypto::AsBytes("x"));
  for (std::uint64_t size : sizes) {
    for (std::uint64_t index : {std::uint64_t{0}, size / 2, size - 1, size - 2}) {
      auto nodes = InclusionNodes(index, size);
      ASSERT_TRUE(nodes.ok());
      const std::vector<Hash> proof(nodes->proof_size(), h);
      EXPECT_LE(proof.size(), 64u);
      // Right length: hashes all the way and lands on some root, which is not h.
      auto root = RootFromInclusionProof(index, size, h, proof);
      ASSERT_TRUE(root.ok()) << "index " << index << " size " << size;
      EXPECT_FALSE(VerifyInclusion(index, size, h, proof, h).ok());
      const std::vector<Hash> longer(proof.size() + 1, h);
      EXPECT_FALSE(RootFromInclusionProof(index, size, h, longer).ok());
      if (!proof.empty()) {
        const std::vector<Hash> shorter(proof.size() - 1, h);
        EXPECT_FALSE(RootFromInclusionProof(index, size, h, shorter).ok());
      }
    }
    for (std::uint64_t size1 : {std::uint64_t{1}, size / 2, size - 1, std::uint64_t{3}}) {
      auto nodes = ConsistencyNodes(size1, size);
      ASSERT_TRUE(nodes.ok());
      const std::vector<Hash> proof(nodes->proof_size(), h);
      EXPECT_LE(proof.size(), 65u);
      EXPECT_FALSE(VerifyConsistency(size1, size, h, h, proof).ok());
      EXPECT_FALSE(VerifyConsistency(size1, size, h, h, {}).ok());
    }
  }
}

}  // namespace
}  // namespace candor::tlog
