// Known-answer tests: the published RFC 6962 reference tree of eight leaves.
//
// Every hex string below is copied from, and was checked against, both
//   google/certificate-transparency  cpp/merkletree/merkle_tree_test.cc
//     (kInputs, kSHA256EmptyTreeHash, kSHA256Roots, kSHA256Paths, kSHA256Proofs)
//   transparency-dev/merkle          proof/verify_test.go
//     (leaves, roots, inclusionProofs, consistencyProofs — which adds the 6→7 proof)
// and the hasher vectors from transparency-dev/merkle rfc6962/rfc6962_test.go. The two
// sources agree on every value. Their leaf numbers are 1-based; here indices are 0-based.
// RFC 9162 §2.1 hashing is RFC 6962's, so the vectors apply unchanged to candor-log-v1.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "log/memory_tree.h"
#include "log/rfc9162.h"
#include "log/test_util.h"
#include "log/verify.h"

namespace candor::tlog {
namespace {

using testing::B;
using testing::H;
using testing::WithInserted;

const char* const kEmptyTreeHash =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// Entries of the reference tree, in hex.
const char* const kInputs[8] = {
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
};

// Root after each append: kRoots[i] is the root of the first i+1 leaves.
const char* const kRoots[8] = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

struct InclusionVector {
  std::uint64_t index;  // 0-based (the sources' leaf - 1)
  std::uint64_t size;
  std::vector<const char*> proof;
};

// The sources' non-degenerate paths ({leaf 0, size 0} is their "invalid path" case, tested
// separately below).
const InclusionVector kInclusion[] = {
    {0, 1, {}},
    {0,
     8,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {5,
     8,
     {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2, 3, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
    {1,
     5,
     {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
};

struct ConsistencyVector {
  std::uint64_t size1;
  std::uint64_t size2;
  std::vector<const char*> proof;
};

const ConsistencyVector kConsistency[] = {
    {1, 1, {}},
    {1,
     8,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {6,
     8,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2,
     5,
     {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
    {6,
     7,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
};

// sha256SomeHash in transparency-dev/merkle proof/verify_test.go: a well-formed hash that
// is nowhere in the tree.
const Hash kSomeHash = H("abacaba000000000000000000000000000000000000000000060061e00123456");

std::vector<Hash> Hashes(const std::vector<const char*>& hex) {
  std::vector<Hash> out;
  for (const char* h : hex) out.push_back(H(h));
  return out;
}

MemoryTree ReferenceTree() {
  MemoryTree tree;
  for (const char* input : kInputs) tree.Append(B(input));
  return tree;
}

TEST(Rfc6962Reference, Hasher) {
  EXPECT_EQ(EmptyRoot(), H(kEmptyTreeHash));
  // "RFC6962 Empty Leaf": differs from the empty tree.
  EXPECT_EQ(HashLeaf({}), H("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"));
  // "RFC6962 Leaf": SHA-256(0x00 || "L123456").
  EXPECT_EQ(HashLeaf(crypto::AsBytes("L123456")),
            H("395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56"));
  // (The sources' "RFC6962 Node" vector hashes 4-byte children, which a Hash cannot hold.)
}

TEST(Rfc6962Reference, RootsAfterEveryAppendAndAtEverySnapshot) {
  MemoryTree tree;
  EXPECT_EQ(tree.Root(), H(kEmptyTreeHash));
  for (std::size_t i = 0; i < 8; ++i) {
    EXPECT_EQ(tree.Append(B(kInputs[i])), i);
    EXPECT_EQ(tree.size(), i + 1);
    EXPECT_EQ(ToHex(tree.Root()), kRoots[i]) << "size " << i + 1;
    auto empty = tree.RootAt(0);
    ASSERT_TRUE(empty.ok());
    EXPECT_EQ(*empty, H(kEmptyTreeHash));
    for (std::size_t j = 0; j <= i; ++j) {
      auto root = tree.RootAt(j + 1);
      ASSERT_TRUE(root.ok());
      EXPECT_EQ(ToHex(*root), kRoots[j]) << "snapshot " << j + 1 << " of " << i + 1;
    }
    // Sizes not yet reached are refused.
    EXPECT_FALSE(tree.RootAt(i + 2).ok());
  }
}

TEST(Rfc6962Reference, InclusionProofsMatchAndVerify) {
  const MemoryTree tree = ReferenceTree();
  for (const InclusionVector& v : kInclusion) {
    SCOPED_TRACE("index " + std::to_string(v.index) + " size " + std::to_string(v.size));
    const std::vector<Hash> want = Hashes(v.proof);
    auto proof = tree.InclusionProof(v.index, v.size);
    ASSERT_TRUE(proof.ok()) << proof.error().message();
    EXPECT_EQ(*proof, want);

    const Hash leaf = HashLeaf(B(kInputs[v.index]));
    const Hash root = H(kRoots[v.size - 1]);
    auto computed = RootFromInclusionProof(v.index, v.size, leaf, want);
    ASSERT_TRUE(computed.ok());
    EXPECT_EQ(*computed, root);
    EXPECT_TRUE(VerifyInclusion(v.index, v.size, leaf, want, root).ok());
  }
}

TEST(Rfc6962Reference, ConsistencyProofsMatchAndVerify) {
  const MemoryTree tree = ReferenceTree();
  for (const ConsistencyVector& v : kConsistency) {
    SCOPED_TRACE(std::to_string(v.size1) + " -> " + std::to_string(v.size2));
    const std::vector<Hash> want = Hashes(v.proof);
    auto proof = tree.ConsistencyProof(v.size1, v.size2);
    ASSERT_TRUE(proof.ok()) << proof.error().message();
    EXPECT_EQ(*proof, want);
    EXPECT_TRUE(
        VerifyConsistency(v.size1, v.size2, H(kRoots[v.size1 - 1]), H(kRoots[v.size2 - 1]), want)
            .ok());
  }
}

// The sources' corruptInclusionProof probes, adapted to fixed-size hashes ("garbage" and
// "WrongLeaf" become hashes that are in no tree).
TEST(Rfc6962Reference, CorruptedInclusionProofsFail) {
  for (const InclusionVector& v : kInclusion) {
    SCOPED_TRACE("index " + std::to_string(v.index) + " size " + std::to_string(v.size));
    const std::vector<Hash> proof = Hashes(v.proof);
    const Hash leaf = HashLeaf(B(kInputs[v.index]));
    const Hash root = H(kRoots[v.size - 1]);
    const Hash zero{};
    auto rejects = [&](std::uint64_t index, std::uint64_t size, const Hash& l,
                       const std::vector<Hash>& p,
                       const Hash& r) { return !VerifyInclusion(index, size, l, p, r).ok(); };
    EXPECT_TRUE(rejects(v.index - 1, v.size, leaf, proof, root));  // wraps for index 0
    EXPECT_TRUE(rejects(v.index + 1, v.size, leaf, proof, root));
    EXPECT_TRUE(rejects(v.index ^ 2, v.size, leaf, proof, root));
    EXPECT_TRUE(rejects(v.index, v.size * 2, leaf, proof, root));
    EXPECT_TRUE(rejects(v.index, v.size / 2, leaf, proof, root));
    EXPECT_TRUE(rejects(v.index, v.size, HashLeaf(crypto::AsBytes("WrongLeaf")), proof, root));
    EXPECT_TRUE(rejects(v.index, v.size, leaf, proof, H(kEmptyTreeHash)));
    EXPECT_TRUE(rejects(v.index, v.size, leaf, proof, kSomeHash));
    for (const Hash& extra : {zero, root}) {
      std::vector<Hash> longer = proof;
      longer.push_back(extra);
      EXPECT_TRUE(rejects(v.index, v.size, leaf, longer, root));
      longer = WithInserted(proof, 0, extra);
      EXPECT_TRUE(rejects(v.index, v.size, leaf, longer, root));
    }
    for (std::size_t i = 0; i < proof.size(); ++i) {
      std::vector<Hash> wrong = proof;
      wrong[i].bytes[0] ^= 8;
      EXPECT_TRUE(rejects(v.index, v.size, leaf, wrong, root)) << "proof[" << i << "] bit 3";
    }
    if (!proof.empty()) {
      EXPECT_TRUE(rejects(v.index, v.size, leaf, {proof.begin(), proof.end() - 1}, root));
    }
    if (proof.size() > 1) {
      EXPECT_TRUE(rejects(v.index, v.size, leaf, WithInserted(proof, 1, kSomeHash), root));
    }
  }
}

TEST(Rfc6962Reference, CorruptedConsistencyProofsFail) {
  for (const ConsistencyVector& v : kConsistency) {
    const std::vector<Hash> proof = Hashes(v.proof);
    if (proof.empty()) continue;  // as the sources: only non-trivial proofs
    SCOPED_TRACE(std::to_string(v.size1) + " -> " + std::to_string(v.size2));
    const Hash root1 = H(kRoots[v.size1 - 1]);
    const Hash root2 = H(kRoots[v.size2 - 1]);
    const Hash wrong_root = HashLeaf(crypto::AsBytes("WrongRoot"));
    const Hash zero{};
    auto rejects = [](std::uint64_t s1, std::uint64_t s2, const Hash& r1, const Hash& r2,
                      const std::vector<Hash>& p) {
      return !VerifyConsistency(s1, s2, r1, r2, p).ok();
    };
    EXPECT_TRUE(rejects(v.size1 - 1, v.size2, root1, root2, proof));
    EXPECT_TRUE(rejects(v.size1 + 1, v.size2, root1, root2, proof));
    EXPECT_TRUE(rejects(v.size1 ^ 2, v.size2, root1, root2, proof));
    EXPECT_TRUE(rejects(v.size1, v.size2 * 2, root1, root2, proof));
    EXPECT_TRUE(rejects(v.size1, v.size2 / 2, root1, root2, proof));
    EXPECT_TRUE(rejects(v.size1, v.size2, wrong_root, root2, proof));
    EXPECT_TRUE(rejects(v.size1, v.size2, root1, wrong_root, proof));
    EXPECT_TRUE(rejects(v.size1, v.size2, root2, root1, proof));
    EXPECT_TRUE(rejects(v.size1, v.size2, root1, root2, {}));
    for (const Hash& extra : {zero, root1, root2}) {
      std::vector<Hash> longer = proof;
      longer.push_back(extra);
      EXPECT_TRUE(rejects(v.size1, v.size2, root1, root2, longer));
      longer = WithInserted(proof, 0, extra);
      EXPECT_TRUE(rejects(v.size1, v.size2, root1, root2, longer));
    }
    EXPECT_TRUE(rejects(v.size1, v.size2, root1, root2, WithInserted(proof, 0, proof[0])));
    EXPECT_TRUE(rejects(v.size1, v.size2, root1, root2, {proof.begin(), proof.end() - 1}));
    for (std::size_t i = 0; i < proof.size(); ++i) {
      std::vector<Hash> wrong = proof;
      wrong[i].bytes[0] ^= 16;
      EXPECT_TRUE(rejects(v.size1, v.size2, root1, root2, wrong)) << "proof[" << i << "] bit 4";
    }
  }
}

// The sources' degenerate cases: no proof for an empty tree or an index beyond the size.
TEST(Rfc6962Reference, DegenerateInclusionFails) {
  const Hash empty = H(kEmptyTreeHash);
  const struct { std::uint64_t index, size; } probes[] = {{0, 0}, {1, 0}, {2, 1}, {1, 1}};
  for (const auto& p : probes) {
    EXPECT_FALSE(VerifyInclusion(p.index, p.size, kSomeHash, {}, empty).ok());
    EXPECT_FALSE(VerifyInclusion(p.index, p.size, empty, {}, empty).ok());
  }
  // A one-leaf tree: the root is the leaf hash and the proof is empty.
  const Hash leaf = HashLeaf(crypto::AsBytes("data"));
  EXPECT_TRUE(VerifyInclusion(0, 1, leaf, {}, leaf).ok());
  EXPECT_FALSE(VerifyInclusion(0, 1, leaf, {}, kSomeHash).ok());
  EXPECT_FALSE(VerifyInclusion(0, 1, kSomeHash, {}, leaf).ok());
  // And the generator refuses them too.
  const MemoryTree tree = ReferenceTree();
  EXPECT_FALSE(tree.InclusionProof(0, 0).ok());
  EXPECT_FALSE(tree.InclusionProof(8, 8).ok());
  EXPECT_FALSE(tree.InclusionProof(0, 9).ok());
}

// The sources' TestVerifyConsistency table. One deliberate difference: transparency-dev
// accepts any old root for size 0; candor-log-v1 requires MTH({}) (see verify.h).
TEST(Rfc6962Reference, ConsistencyEdgeCases) {
  const Hash empty = H(kEmptyTreeHash);
  const Hash root1 = HashLeaf(crypto::AsBytes("don't care 1"));
  const Hash root2 = HashLeaf(crypto::AsBytes("don't care 2"));
  const std::vector<Hash> none;
  const std::vector<Hash> one = {empty};
  EXPECT_FALSE(VerifyConsistency(0, 0, root1, root2, none).ok());
  EXPECT_FALSE(VerifyConsistency(1, 1, root1, root2, none).ok());
  // Always consistent.
  EXPECT_TRUE(VerifyConsistency(0, 0, empty, empty, none).ok());
  EXPECT_TRUE(VerifyConsistency(0, 1, empty, root2, none).ok());
  EXPECT_TRUE(VerifyConsistency(1, 1, root2, root2, none).ok());
  // ... but only from the empty tree's one true root.
  EXPECT_FALSE(VerifyConsistency(0, 0, root1, root1, none).ok());
  EXPECT_FALSE(VerifyConsistency(0, 1, root1, root2, none).ok());
  // Time travel to the past.
  EXPECT_FALSE(VerifyConsistency(1, 0, root1, root2, none).ok());
  EXPECT_FALSE(VerifyConsistency(2, 1, root1, root2, none).ok());
  // Empty proof.
  EXPECT_FALSE(VerifyConsistency(1, 2, root1, root2, none).ok());
  // Roots don't match.
  EXPECT_FALSE(VerifyConsistency(0, 0, empty, root2, none).ok());
  EXPECT_FALSE(VerifyConsistency(1, 1, empty, root2, none).ok());
  // Roots match but the proof is not empty.
  EXPECT_FALSE(VerifyConsistency(0, 0, empty, empty, one).ok());
  EXPECT_FALSE(VerifyConsistency(0, 1, empty, empty, one).ok());
  EXPECT_FALSE(VerifyConsistency(1, 1, empty, empty, one).ok());
}

}  // namespace
}  // namespace candor::tlog
