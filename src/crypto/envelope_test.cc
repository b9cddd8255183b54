// candor-env-v1: every recipient opens, nobody else does, and every change is detected.
#include "crypto/envelope.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "crypto/transcript.h"

namespace candor::crypto {
namespace {

class EnvelopeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < 10; ++i) {
      keys_.push_back(GenerateBoxKeyPair(rng_));
      publics_.push_back(keys_.back().public_key);
    }
  }
  SeededRng rng_{77};
  std::vector<BoxKeyPair> keys_;
  std::vector<BoxPublicKey> publics_;
  Bytes header_ = {'h', 'd', 'r'};
  Bytes plain_ = {'d', 'i', 's', 's', 'e', 'n', 't'};
};

TEST_F(EnvelopeTest, EveryRecipientOpensOneAndTen) {
  for (std::size_t n : {1u, 10u}) {
    auto env = SealEnvelope(header_, plain_, std::span(publics_).first(n), rng_);
    ASSERT_TRUE(env.ok());
    EXPECT_EQ(env->wrapped_keys.size(), n);
    for (std::size_t i = 0; i < n; ++i) {
      auto out = OpenEnvelope(header_, *env, keys_[i]);
      ASSERT_TRUE(out.ok()) << out.error().message();
      EXPECT_EQ(*out, plain_);
    }
  }
}

TEST_F(EnvelopeTest, NonRecipientIsRefused) {
  auto env = *SealEnvelope(header_, plain_, std::span(publics_).first(3), rng_);
  auto r = OpenEnvelope(header_, env, keys_[5]);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kPermissionDenied);
}

TEST_F(EnvelopeTest, EveryTamperIsDetected) {
  auto env = *SealEnvelope(header_, plain_, std::span(publics_).first(2), rng_);
  Bytes other_header = header_;
  other_header[0] ^= 1;
  EXPECT_EQ(OpenEnvelope(other_header, env, keys_[0]).error().code(), ErrorCode::kVerificationFailed);
  for (std::size_t i = 0; i < env.ciphertext.size(); ++i) {
    Envelope t = env;
    t.ciphertext[i] ^= 0x20;
    EXPECT_FALSE(OpenEnvelope(header_, t, keys_[0]).ok()) << "ciphertext byte " << i;
  }
  Envelope nonce = env;
  nonce.nonce[3] ^= 1;
  EXPECT_FALSE(OpenEnvelope(header_, nonce, keys_[0]).ok());
  Envelope wrap = env;
  wrap.wrapped_keys[0][50] ^= 1;
  EXPECT_FALSE(OpenEnvelope(header_, wrap, keys_[0]).ok());  // that recipient is locked out
  EXPECT_TRUE(OpenEnvelope(header_, wrap, keys_[1]).ok());   // the other still opens
  Envelope truncated = env;
  truncated.ciphertext.pop_back();
  EXPECT_FALSE(OpenEnvelope(header_, truncated, keys_[0]).ok());
}

TEST_F(EnvelopeTest, EmptyAndLargePlaintexts) {
  auto empty = *SealEnvelope(header_, {}, publics_, rng_);
  EXPECT_TRUE(OpenEnvelope(header_, empty, keys_[9])->empty());
  Bytes big(1 << 20);
  rng_.Fill(big);
  auto env = *SealEnvelope({}, big, publics_, rng_);
  EXPECT_EQ(*OpenEnvelope({}, env, keys_[4]), big);
}

TEST_F(EnvelopeTest, RefusesBadRecipientLists) {
  EXPECT_FALSE(SealEnvelope(header_, plain_, {}, rng_).ok());
  std::vector<BoxPublicKey> dup = {publics_[0], publics_[1], publics_[0]};
  EXPECT_FALSE(SealEnvelope(header_, plain_, dup, rng_).ok());
  std::vector<BoxPublicKey> zero = {BoxPublicKey{}};  // low order: X25519 output all zero
  EXPECT_FALSE(SealEnvelope(header_, plain_, zero, rng_).ok());
}

TEST_F(EnvelopeTest, WrapsAreCryptoBoxSealBytesBothWays) {
  auto env = *SealEnvelope(header_, plain_, std::span(publics_).first(1), rng_);
  // libsodium's own opener opens our wrap …
  std::uint8_t k[32];
  ASSERT_EQ(0, crypto_box_seal_open(k, env.wrapped_keys[0].data(), kWrappedKeySize,
                                    keys_[0].public_key.data(), keys_[0].secret.data()));
  // … and a wrap made by libsodium's crypto_box_seal opens with ours.
  Envelope theirs = env;
  ASSERT_EQ(0, crypto_box_seal(theirs.wrapped_keys[0].data(), k, sizeof k,
                               keys_[0].public_key.data()));
  EXPECT_EQ(*OpenEnvelope(header_, theirs, keys_[0]), plain_);
  sodium_memzero(k, sizeof k);
}

TEST_F(EnvelopeTest, DeterministicWithASeededRng) {
  SeededRng a(5), b(5);
  auto e1 = *SealEnvelope(header_, plain_, publics_, a);
  auto e2 = *SealEnvelope(header_, plain_, publics_, b);
  EXPECT_EQ(e1.Encode(), e2.Encode());
}

TEST_F(EnvelopeTest, EncodingRoundTripsAndRejectsMalformedInput) {
  auto env = *SealEnvelope(header_, plain_, std::span(publics_).first(3), rng_);
  Bytes wire = env.Encode();
  auto back = Envelope::Decode(wire);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->Encode(), wire);
  EXPECT_EQ(*OpenEnvelope(header_, *back, keys_[2]), plain_);
  for (std::size_t cut : {0u, 7u, 35u, 100u}) {
    EXPECT_FALSE(Envelope::Decode(ByteSpan(wire).first(cut)).ok()) << cut;
  }
  EXPECT_FALSE(Envelope::Decode(ByteSpan(wire).first(wire.size() - 1)).ok());
  Bytes trailing = wire;
  trailing.push_back(0);
  EXPECT_FALSE(Envelope::Decode(trailing).ok());
  Bytes magic = wire;
  magic[7] = '2';
  EXPECT_FALSE(Envelope::Decode(magic).ok());
  Bytes zero_count = wire;
  zero_count[32] = zero_count[33] = zero_count[34] = zero_count[35] = 0;
  EXPECT_FALSE(Envelope::Decode(zero_count).ok());
  Bytes huge_count = wire;
  huge_count[35] = 0x7f;
  EXPECT_FALSE(Envelope::Decode(huge_count).ok());
}

TEST(CableDigest, IsTheTranscriptHash) {
  Bytes h = {1, 2}, c = {3};
  EXPECT_EQ(CableDigest(h, c), Sha256(Tr("candor/v1/cable", {ByteSpan(h), ByteSpan(c)})));
  EXPECT_NE(CableDigest(h, c), CableDigest(c, h));
}

TEST(EnvelopeVectors, CommittedVectorsBehaveAsRecorded) {
  std::ifstream in(CANDOR_SOURCE_DIR "/tests/vectors/envelope.json");
  ASSERT_TRUE(in) << "tests/vectors/envelope.json is missing";
  auto vectors = nlohmann::json::parse(in);
  ASSERT_GE(vectors.size(), 5u);
  for (const auto& v : vectors) {
    SCOPED_TRACE(v["description"].get<std::string>());
    Bytes header = *FromHex(v["header"].get<std::string>());
    auto env = Envelope::Decode(*FromHex(v["envelope"].get<std::string>()));
    ASSERT_TRUE(env.ok());
    BoxKeyPair kp;
    kp.public_key = *FixedFromHex<BoxPublicKey>(v["opener_public"].get<std::string>());
    Bytes sk = *FromHex(v["opener_secret"].get<std::string>());
    std::copy(sk.begin(), sk.end(), kp.secret.data());
    auto out = OpenEnvelope(header, *env, kp);
    EXPECT_EQ(out.ok(), v["valid"].get<bool>());
    if (out.ok()) {
      EXPECT_EQ(ToHex(*out), v["plaintext"].get<std::string>());
    }
    EXPECT_EQ(ToHex(CableDigest(header, env->ciphertext)), v["cable_digest"].get<std::string>());
  }
}

}  // namespace
}  // namespace candor::crypto
