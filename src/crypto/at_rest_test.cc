#include "crypto/at_rest.h"

#include <gtest/gtest.h>

#include "crypto/ed25519.h"

namespace candor::crypto {
namespace {

TEST(AtRest, OpensOnlyWithItsKeyAndItsAssociatedData) {
  SeededRng rng(3);
  const SignKeyPair log_key = GenerateSignKeyPair(rng);
  const SymmetricKey k = DeriveAtRestKey(log_key.secret_key, "candor/v1/totp-at-rest");
  const SymmetricKey other_label = DeriveAtRestKey(log_key.secret_key, "candor/v1/other");
  const Bytes secret = {1, 2, 3, 4, 5, 6, 7, 8};
  const Bytes sealed = SealAtRest(k, AsBytes("account 1"), secret, rng);
  ASSERT_EQ(sealed.size(), secret.size() + kAtRestOverhead);
  auto back = OpenAtRest(k, AsBytes("account 1"), sealed);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, secret);
  EXPECT_EQ(OpenAtRest(k, AsBytes("account 2"), sealed).error().code(),
            ErrorCode::kVerificationFailed);
  EXPECT_EQ(OpenAtRest(other_label, AsBytes("account 1"), sealed).error().code(),
            ErrorCode::kVerificationFailed);
  Bytes changed = sealed;
  changed[30] ^= 1;
  EXPECT_EQ(OpenAtRest(k, AsBytes("account 1"), changed).error().code(),
            ErrorCode::kVerificationFailed);
  EXPECT_EQ(OpenAtRest(k, AsBytes("account 1"), Bytes(10, 0)).error().code(),
            ErrorCode::kInvalidArgument);
  // Fresh nonces: sealing twice gives different bytes.
  EXPECT_NE(SealAtRest(k, AsBytes("account 1"), secret, rng), sealed);
}

}  // namespace
}  // namespace candor::crypto
