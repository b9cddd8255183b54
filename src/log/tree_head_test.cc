// Signed tree heads (CRYPTO.md "Transparency log").
#include "log/tree_head.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "crypto/ed25519.h"
#include "crypto/rng.h"
#include "crypto/transcript.h"
#include "log/test_util.h"

namespace candor::tlog {
namespace {

TreeHead SampleHead() {
  TreeHead head;
  head.size = 13;
  head.root = HashLeaf(crypto::AsBytes("root"));
  head.timestamp_ms = 1790000000000;
  return head;
}

TEST(TreeHead, MessageIsTheTranscriptLayout) {
  const TreeHead head = SampleHead();
  // Written out byte by byte: u64le(13) || "candor/v1/sth", then each part with its length.
  crypto::Bytes want;
  auto put_u64 = [&want](std::uint64_t n) {
    for (int i = 0; i < 8; ++i) want.push_back(static_cast<std::uint8_t>(n >> (8 * i)));
  };
  const std::string label = "candor/v1/sth";
  put_u64(label.size());
  want.insert(want.end(), label.begin(), label.end());
  put_u64(8);
  put_u64(head.size);
  put_u64(32);
  want.insert(want.end(), head.root.begin(), head.root.end());
  put_u64(8);
  put_u64(head.timestamp_ms);
  EXPECT_EQ(TreeHeadMessage(head), want);
  EXPECT_EQ(want.size(), 8u + 13 + 8 + 8 + 8 + 32 + 8 + 8);
  // The fixed prefix, in hex, so a reader can check it by eye.
  EXPECT_EQ(crypto::ToHex(crypto::ByteSpan(want).first(29)),
            "0d00000000000000"            // len("candor/v1/sth") = 13
            "63616e646f722f76312f737468"  // "candor/v1/sth"
            "0800000000000000");          // len(u64le(tree_size))
}

TEST(TreeHead, SignAndVerify) {
  crypto::SeededRng rng(42);
  const crypto::SignKeyPair log_key = crypto::GenerateSignKeyPair(rng);
  const TreeHead head = SampleHead();
  const SignedTreeHead sth = SignTreeHead(head, log_key.secret_key);
  EXPECT_EQ(sth.head, head);
  EXPECT_TRUE(VerifySignedTreeHead(sth, log_key.public_key).ok());
  // Deterministic.
  EXPECT_EQ(SignTreeHead(head, log_key.secret_key), sth);
  // The signature is plain Ed25519 over the message.
  EXPECT_TRUE(crypto::Ed25519Verify(TreeHeadMessage(head), sth.signature, log_key.public_key).ok());
}

TEST(TreeHead, TamperingIsRejected) {
  crypto::SeededRng rng(43);
  const crypto::SignKeyPair log_key = crypto::GenerateSignKeyPair(rng);
  const crypto::SignKeyPair other_key = crypto::GenerateSignKeyPair(rng);
  const SignedTreeHead sth = SignTreeHead(SampleHead(), log_key.secret_key);

  SignedTreeHead bad = sth;
  bad.head.size += 1;
  EXPECT_EQ(VerifySignedTreeHead(bad, log_key.public_key).error().code(),
            ErrorCode::kVerificationFailed);
  bad = sth;
  bad.head.size = 0;
  EXPECT_FALSE(VerifySignedTreeHead(bad, log_key.public_key).ok());
  bad = sth;
  bad.head.root.bytes[31] ^= 1;
  EXPECT_FALSE(VerifySignedTreeHead(bad, log_key.public_key).ok());
  bad = sth;
  bad.head.timestamp_ms -= 1;
  EXPECT_FALSE(VerifySignedTreeHead(bad, log_key.public_key).ok());
  for (std::size_t i = 0; i < 64; i += 9) {
    bad = sth;
    bad.signature.bytes[i] ^= 0x10;
    EXPECT_FALSE(VerifySignedTreeHead(bad, log_key.public_key).ok()) << "byte " << i;
  }
  EXPECT_FALSE(VerifySignedTreeHead(sth, other_key.public_key).ok());
  // Size and timestamp are framed separately: swapping them changes the message.
  TreeHead swapped = sth.head;
  std::swap(swapped.size, swapped.timestamp_ms);
  EXPECT_NE(TreeHeadMessage(swapped), TreeHeadMessage(sth.head));
}

}  // namespace
}  // namespace candor::tlog
