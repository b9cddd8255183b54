// Checks the implementation against the committed tests/vectors/log.json: every element is
// accepted or rejected as its `valid` field says, and the tree data (leaf hashes, roots,
// valid proofs) equals what this code computes. (vectors_match_generators separately checks
// that the file equals the generator's output.)
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "crypto/bytes.h"
#include "log/memory_tree.h"
#include "log/rfc9162.h"
#include "log/tree_head.h"
#include "log/verify.h"

namespace candor::tlog {
namespace {

using nlohmann::json;

class LogVectorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ifstream in(CANDOR_SOURCE_DIR "/tests/vectors/log.json");
    ASSERT_TRUE(in) << "cannot open tests/vectors/log.json";
    vectors_ = json::parse(in);
  }

  static Hash HashField(const json& j, const char* name) {
    auto h = crypto::FixedFromHex<Hash>(j.at(name).get<std::string>(), name);
    EXPECT_TRUE(h.ok()) << name;
    return h.ok() ? *h : Hash{};
  }
  static std::vector<Hash> Proof(const json& j) {
    std::vector<Hash> out;
    for (const json& h : j.at("proof")) {
      auto parsed = crypto::FixedFromHex<Hash>(h.get<std::string>(), "proof element");
      EXPECT_TRUE(parsed.ok());
      out.push_back(parsed.ok() ? *parsed : Hash{});
    }
    return out;
  }
  MemoryTree Tree() const {
    MemoryTree tree;
    for (const json& e : vectors_.at("entries"))
      tree.Append(*crypto::FromHex(e.get<std::string>()));
    return tree;
  }

  json vectors_;
};

TEST_F(LogVectorsTest, TreeDataMatches) {
  const MemoryTree tree = Tree();
  const json& leaves = vectors_.at("leaf_hashes");
  ASSERT_EQ(leaves.size(), tree.size());
  for (std::uint64_t i = 0; i < tree.size(); ++i) {
    EXPECT_EQ(HashField(json{{"h", leaves[i]}}, "h"), *tree.LeafHash(i)) << "leaf " << i;
  }
  const json& roots = vectors_.at("roots");
  ASSERT_EQ(roots.size(), tree.size() + 1);
  for (const json& r : roots) {
    EXPECT_EQ(HashField(r, "root"), *tree.RootAt(r.at("tree_size").get<std::uint64_t>()));
  }
}

TEST_F(LogVectorsTest, InclusionProofs) {
  const MemoryTree tree = Tree();
  int valid = 0, invalid = 0;
  for (const json& v : vectors_.at("inclusion")) {
    const std::string description = v.at("description").get<std::string>();
    SCOPED_TRACE(v.dump());
    const auto index = v.at("index").get<std::uint64_t>();
    const auto size = v.at("tree_size").get<std::uint64_t>();
    const Hash leaf = HashField(v, "leaf_hash");
    const Hash root = HashField(v, "root");
    const std::vector<Hash> proof = Proof(v);
    const Status status = VerifyInclusion(index, size, leaf, proof, root);
    if (v.at("valid").get<bool>()) {
      ++valid;
      EXPECT_TRUE(status.ok()) << description;
      EXPECT_EQ(*tree.InclusionProof(index, size), proof);
      EXPECT_EQ(*RootFromInclusionProof(index, size, leaf, proof), root);
    } else {
      ++invalid;
      EXPECT_FALSE(status.ok()) << description;
    }
  }
  EXPECT_GT(valid, 0);
  EXPECT_GT(invalid, 0);
}

TEST_F(LogVectorsTest, ConsistencyProofs) {
  const MemoryTree tree = Tree();
  int valid = 0, invalid = 0;
  for (const json& v : vectors_.at("consistency")) {
    const std::string description = v.at("description").get<std::string>();
    SCOPED_TRACE(v.dump());
    const auto size1 = v.at("old_size").get<std::uint64_t>();
    const auto size2 = v.at("new_size").get<std::uint64_t>();
    const std::vector<Hash> proof = Proof(v);
    const Status status =
        VerifyConsistency(size1, size2, HashField(v, "old_root"), HashField(v, "new_root"), proof);
    if (v.at("valid").get<bool>()) {
      ++valid;
      EXPECT_TRUE(status.ok()) << description;
      EXPECT_EQ(*tree.ConsistencyProof(size1, size2), proof);
    } else {
      ++invalid;
      EXPECT_FALSE(status.ok()) << description;
    }
  }
  EXPECT_GT(valid, 0);
  EXPECT_GT(invalid, 0);
}

TEST_F(LogVectorsTest, SignedTreeHeads) {
  int valid = 0, invalid = 0;
  for (const json& v : vectors_.at("tree_heads")) {
    const std::string description = v.at("description").get<std::string>();
    SCOPED_TRACE(v.dump());
    auto key = crypto::FixedFromHex<crypto::SignPublicKey>(
        v.at("log_public_key").get<std::string>(), "log_public_key");
    auto signature =
        crypto::FixedFromHex<crypto::Signature64>(v.at("signature").get<std::string>(), "sig");
    ASSERT_TRUE(key.ok());
    ASSERT_TRUE(signature.ok());
    SignedTreeHead sth;
    sth.head.size = v.at("tree_size").get<std::uint64_t>();
    sth.head.root = HashField(v, "root");
    sth.head.timestamp_ms = v.at("timestamp_ms").get<std::uint64_t>();
    sth.signature = *signature;
    const Status status = VerifySignedTreeHead(sth, *key);
    if (v.at("valid").get<bool>()) {
      ++valid;
      EXPECT_TRUE(status.ok()) << description;
    } else {
      ++invalid;
      EXPECT_FALSE(status.ok()) << description;
    }
  }
  EXPECT_GT(valid, 0);
  EXPECT_GT(invalid, 0);
}

}  // namespace
}  // namespace candor::tlog
