#include "domain/cosignature.h"

#include <gtest/gtest.h>

#include "crypto/keys.h"
#include "crypto/transcript.h"

namespace candor::domain {
namespace {

class CoSignatureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<crypto::Point> members;
    for (int i = 0; i < 4; ++i) {
      keys_.push_back(crypto::GenerateMemberKeys(rng_));
      members.push_back(keys_.back().ring.public_key);
    }
    ring_.emplace(*crypto::Ring::Create(members));
  }
  crypto::SeededRng rng_{99};
  std::vector<crypto::MemberKeys> keys_;
  std::optional<crypto::Ring> ring_;
  LetterId letter_ = crypto::Sha256(crypto::AsBytes("letter"));
};

TEST_F(CoSignatureTest, SignVerifyAndJsonRoundTrip) {
  auto sig = SignLetter(letter_, SignatureAction::kSign, *ring_, 2, keys_[2].ring.secret, rng_);
  ASSERT_TRUE(sig.ok());
  auto tag = VerifyCoSignature(*sig, *ring_);
  ASSERT_TRUE(tag.ok()) << tag.error().message();
  auto back = CoSignatureFromJson(CoSignatureToJson(*sig));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*VerifyCoSignature(*back, *ring_), *tag);
  // Withdrawal by the same member links (same tag) but is a different statement.
  auto w = SignLetter(letter_, SignatureAction::kWithdraw, *ring_, 2, keys_[2].ring.secret, rng_);
  EXPECT_EQ(*VerifyCoSignature(*w, *ring_), *tag);
  CoSignature relabeled = *w;
  relabeled.action = SignatureAction::kSign;  // a withdrawal cannot be passed off as a signature
  EXPECT_FALSE(VerifyCoSignature(relabeled, *ring_).ok());
}

TEST_F(CoSignatureTest, RejectsOtherRingsAndLetters) {
  auto sig = *SignLetter(letter_, SignatureAction::kSign, *ring_, 0, keys_[0].ring.secret, rng_);
  auto smaller = *crypto::Ring::Create({keys_[0].ring.public_key, keys_[1].ring.public_key});
  auto r = VerifyCoSignature(sig, smaller);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("different ring"), std::string::npos);
  CoSignature moved = sig;
  moved.letter = crypto::Sha256(crypto::AsBytes("other"));
  EXPECT_FALSE(VerifyCoSignature(moved, *ring_).ok());
}

TEST_F(CoSignatureTest, JsonIsStrict) {
  auto sig = *SignLetter(letter_, SignatureAction::kSign, *ring_, 1, keys_[1].ring.secret, rng_);
  Json good = CoSignatureToJson(sig);
  for (const char* field : {"scheme", "letter", "action", "ring_digest", "signature"}) {
    Json j = good;
    j.erase(field);
    EXPECT_FALSE(CoSignatureFromJson(j).ok()) << field;
  }
  Json extra = good;
  extra["signer"] = "me";
  EXPECT_FALSE(CoSignatureFromJson(extra).ok());
  Json wrong_type = good;
  wrong_type["letter"] = 5;
  EXPECT_FALSE(CoSignatureFromJson(wrong_type).ok());
  Json bad_hex = good;
  bad_hex["signature"] = "zz";
  EXPECT_FALSE(CoSignatureFromJson(bad_hex).ok());
  Json scheme = good;
  scheme["scheme"] = "candor-lrs-v3";
  EXPECT_FALSE(CoSignatureFromJson(scheme).ok());
  scheme["scheme"] = "candor-lrs-v2";  // known: the signature is then read as v2
  ASSERT_TRUE(CoSignatureFromJson(scheme).ok());
  EXPECT_EQ(CoSignatureFromJson(scheme)->scheme, RingScheme::kV2);
  EXPECT_FALSE(CoSignatureFromJson(Json::array()).ok());
}

TEST_F(CoSignatureTest, RingJsonChecksDigestAndMembers) {
  Json j = RingToJson(*ring_);
  auto back = RingFromJson(j);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->digest(), ring_->digest());
  Json wrong = j;
  wrong["digest"] = std::string(64, '0');
  EXPECT_FALSE(RingFromJson(wrong).ok());
  Json dup = j;
  dup["members"].push_back(j["members"][0]);
  dup.erase("digest");
  EXPECT_FALSE(RingFromJson(dup).ok());
  Json identity = j;
  identity.erase("digest");
  identity["members"][1] = std::string(64, '0');
  EXPECT_FALSE(RingFromJson(identity).ok());
  EXPECT_FALSE(RingFromJson(Json{{"members", 3}}).ok());
}

}  // namespace
}  // namespace candor::domain
