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
#include "log/cosignature.h"
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

TEST_F(LogVectorsTest, WitnessCosignatures) {
  int valid = 0, invalid = 0;
  for (const json& v : vectors_.at("cosignatures")) {
    const std::string description = v.at("description").get<std::string>();
    SCOPED_TRACE(v.dump());
    auto log = crypto::FixedFromHex<crypto::SignPublicKey>(
        v.at("log_public_key").get<std::string>(), "log");
    auto witness =
        crypto::FixedFromHex<crypto::SignPublicKey>(v.at("witness").get<std::string>(), "witness");
    auto signature =
        crypto::FixedFromHex<crypto::Signature64>(v.at("signature").get<std::string>(), "sig");
    ASSERT_TRUE(log.ok() && witness.ok() && signature.ok());
    const TreeHead head{v.at("tree_size").get<std::uint64_t>(), HashField(v, "root"), 0};
    const std::uint64_t timestamp = v.at("timestamp").get<std::uint64_t>();
    EXPECT_EQ(CosignedMessage(*log, head.size, head.root, timestamp),
              v.at("message").get<std::string>());
    const Status status =
        VerifyCosignature(*log, head, Cosignature{*witness, timestamp, *signature});
    if (v.at("valid").get<bool>()) {
      ++valid;
      EXPECT_TRUE(status.ok()) << description;
      // And counting: one witness counts once, an unknown one not at all.
      const std::vector<Cosignature> twice{{*witness, timestamp, *signature},
                                           {*witness, timestamp, *signature}};
      const std::vector<crypto::SignPublicKey> trusted{*witness};
      EXPECT_EQ(CountWitnessed(*log, head, twice, trusted), 1u);
      EXPECT_EQ(CountWitnessed(*log, head, twice, std::vector<crypto::SignPublicKey>{*log}), 0u);
    } else {
      ++invalid;
      EXPECT_FALSE(status.ok()) << description;
    }
  }
  EXPECT_GT(valid, 0);
  EXPECT_GT(invalid, 0);
  // The message byte for byte (docs/PROTOCOL.md, "Witnesses").
  crypto::SignPublicKey key;
  Hash root;
  for (std::size_t i = 0; i < 32; ++i) {
    key.bytes[i] = static_cast<std::uint8_t>(i);
    root.bytes[i] = static_cast<std::uint8_t>(0xff - i);
  }
  EXPECT_EQ(CosignedMessage(key, 13, root, 1790000000),
            "cosignature/v1\ntime 1790000000\n"
            "candor-log-v1/000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n13\n"
            "//79/Pv6+fj39vX08/Lx8O/u7ezr6uno5+bl5OPi4eA=\n");
}

}  // namespace
}  // namespace candor::tlog
