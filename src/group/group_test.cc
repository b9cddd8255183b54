// The libdecaf group layer, checked bit for bit against libsodium (the library every other
// Candor construction uses) and against RFC 9496's vectors: if libdecaf and libsodium ever
// disagree on an encoding, a hash to the group or an operation, these tests fail.
#include "group/group.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <array>
#include <cstring>
#include <random>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/rfc9496_vectors.h"
#include "group/msm.h"

namespace candor::group {
namespace {

using Bytes32 = std::array<std::uint8_t, 32>;

class GroupTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_GE(sodium_init(), 0); }
};

Bytes32 Hex32(const char* hex) {
  auto v = crypto::FixedFromHex<crypto::Point>(hex);
  EXPECT_TRUE(v.ok());
  Bytes32 out{};
  std::memcpy(out.data(), v->data(), 32);
  return out;
}

Bytes32 Enc(const Point& p) {
  Bytes32 out{};
  p.EncodeTo(out);
  return out;
}

Bytes32 Enc(const Scalar& s) {
  Bytes32 out{};
  s.EncodeTo(out);
  return out;
}

Scalar RandomScalar() {
  Bytes32 b{};
  crypto_core_ristretto255_scalar_random(b.data());
  return *Scalar::Decode(b);
}

Point RandomPoint() {
  Bytes32 b{};
  crypto_core_ristretto255_random(b.data());
  return *Point::Decode(b);
}

TEST_F(GroupTest, Rfc9496A1MultiplesOfTheGenerator) {
  Point acc;  // B·0
  for (const char* hex : crypto::rfc9496::kMultiplesOfB) {
    SCOPED_TRACE(hex);
    EXPECT_EQ(Enc(acc), Hex32(hex));
    acc += Point::Base();
  }
  // The identity encodes to zeros but is refused on decoding, like every other Candor reader.
  EXPECT_FALSE(Point::Decode(Hex32(crypto::rfc9496::kMultiplesOfB[0])).has_value());
  EXPECT_TRUE(Point::Identity().IsIdentity());
}

TEST_F(GroupTest, Rfc9496A2InvalidEncodingsAreRejected) {
  for (const char* hex : crypto::rfc9496::kBadEncodings) {
    SCOPED_TRACE(hex);
    EXPECT_FALSE(Point::Decode(Hex32(hex)).has_value());
  }
}

TEST_F(GroupTest, EncodingsWithBit255SetAreRejected) {
  for (std::size_t i = 1; i < crypto::rfc9496::kMultiplesOfB.size(); ++i) {
    Bytes32 b = Hex32(crypto::rfc9496::kMultiplesOfB[i]);
    ASSERT_TRUE(Point::Decode(b).has_value());
    b[31] |= 0x80;
    EXPECT_FALSE(Point::Decode(b).has_value()) << i;
  }
}

TEST_F(GroupTest, Rfc9496A3ElementsFromUniformBytes) {
  for (const auto& v : crypto::rfc9496::kFromUniform) {
    auto in = crypto::FromHex(v.input);
    ASSERT_TRUE(in.ok());
    ASSERT_EQ(in->size(), 64u);
    const Point p = Point::FromUniformBytes(std::span<const std::uint8_t, 64>(in->data(), 64));
    EXPECT_EQ(Enc(p), Hex32(v.output));
  }
}

TEST_F(GroupTest, AgreesWithLibsodiumOnRandomOperations) {
  for (int round = 0; round < 300; ++round) {
    const Scalar a = RandomScalar();
    const Scalar b = RandomScalar();
    const Bytes32 ab = Enc(a);
    const Bytes32 bb = Enc(b);
    Bytes32 want{};

    crypto_core_ristretto255_scalar_add(want.data(), ab.data(), bb.data());
    EXPECT_EQ(Enc(a + b), want);
    crypto_core_ristretto255_scalar_sub(want.data(), ab.data(), bb.data());
    EXPECT_EQ(Enc(a - b), want);
    crypto_core_ristretto255_scalar_mul(want.data(), ab.data(), bb.data());
    EXPECT_EQ(Enc(a * b), want);
    crypto_core_ristretto255_scalar_negate(want.data(), ab.data());
    EXPECT_EQ(Enc(-a), want);
    ASSERT_EQ(crypto_core_ristretto255_scalar_invert(want.data(), ab.data()), 0);
    EXPECT_EQ(Enc(a.Invert()), want);

    std::array<std::uint8_t, 64> wide{};
    randombytes_buf(wide.data(), wide.size());
    crypto_core_ristretto255_scalar_reduce(want.data(), wide.data());
    EXPECT_EQ(Enc(Scalar::FromWide(wide)), want);

    ASSERT_EQ(crypto_scalarmult_ristretto255_base(want.data(), ab.data()), 0);
    EXPECT_EQ(Enc(Point::MulBase(a)), want);
    EXPECT_EQ(Enc(a * Point::Base()), want);

    const Point p = RandomPoint();
    const Point q = RandomPoint();
    const Bytes32 pb = Enc(p);
    const Bytes32 qb = Enc(q);
    ASSERT_EQ(crypto_scalarmult_ristretto255(want.data(), ab.data(), pb.data()), 0);
    EXPECT_EQ(Enc(a * p), want);
    EXPECT_EQ(Enc(FixedBaseTable(p).Mul(a)), want);
    ASSERT_EQ(crypto_core_ristretto255_add(want.data(), pb.data(), qb.data()), 0);
    EXPECT_EQ(Enc(p + q), want);
    ASSERT_EQ(crypto_core_ristretto255_sub(want.data(), pb.data(), qb.data()), 0);
    EXPECT_EQ(Enc(p - q), want);
    EXPECT_EQ(Enc(p.Double()), Enc(p + p));
    EXPECT_TRUE((p - p).IsIdentity());

    crypto_core_ristretto255_from_hash(want.data(), wide.data());
    EXPECT_EQ(Enc(Point::FromUniformBytes(wide)), want);
  }
}

TEST_F(GroupTest, DecodesExactlyWhatLibsodiumAcceptsWithTheTopBitClear) {
  // Random strings and near-misses of valid encodings (one flipped bit), so that both the
  // accepted and the refused side are exercised.
  std::mt19937_64 prng(20261206);
  int accepted = 0;
  for (int round = 0; round < 4000; ++round) {
    Bytes32 b{};
    if (round % 2 == 0) {
      randombytes_buf(b.data(), b.size());
    } else {
      b = Enc(RandomPoint());
      if (round % 4 == 1) b[prng() % 32] ^= static_cast<std::uint8_t>(1u << (prng() % 8));
    }
    const bool identity = b == Bytes32{};
    const bool sodium =
        crypto_core_ristretto255_is_valid_point(b.data()) == 1 && (b[31] & 0x80) == 0 && !identity;
    const auto ours = Point::Decode(b);
    ASSERT_EQ(ours.has_value(), sodium) << crypto::ToHex(crypto::ByteSpan(b.data(), 32));
    if (ours) {
      EXPECT_EQ(Enc(*ours), b);  // canonical: decoding then encoding gives the same bytes
      ++accepted;
    }
  }
  EXPECT_GT(accepted, 1000);
}

TEST_F(GroupTest, ScalarsAreCanonical) {
  // l = 2^252 + 27742317777372353535851937790883648493, little-endian.
  Bytes32 l = Hex32("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
  EXPECT_FALSE(Scalar::Decode(l).has_value());
  Bytes32 l_minus_1 = l;
  l_minus_1[0] -= 1;
  ASSERT_TRUE(Scalar::Decode(l_minus_1).has_value());
  EXPECT_EQ(Enc(*Scalar::Decode(l_minus_1) + Scalar::One()), Bytes32{});
  Bytes32 top{};
  top[31] = 0x80;
  EXPECT_FALSE(Scalar::Decode(top).has_value());
  for (int round = 0; round < 1000; ++round) {
    Bytes32 b{};
    randombytes_buf(b.data(), b.size());
    b[31] &= 0x1f;  // about half of these are ≥ l
    std::array<std::uint8_t, 64> wide{};
    std::memcpy(wide.data(), b.data(), 32);
    Bytes32 reduced{};
    crypto_core_ristretto255_scalar_reduce(reduced.data(), wide.data());
    EXPECT_EQ(Scalar::Decode(b).has_value(), reduced == b);
  }
  EXPECT_EQ(Enc(Scalar::FromU64(0x0102030405060708)),
            Hex32("0807060504030201000000000000000000000000000000000000000000000000"));
  const Scalar a = RandomScalar();
  const Scalar b = RandomScalar();
  EXPECT_EQ(Enc(Scalar::Select(a, b, false)), Enc(a));
  EXPECT_EQ(Enc(Scalar::Select(a, b, true)), Enc(b));
  EXPECT_TRUE(Scalar::Zero().IsZero());
  EXPECT_TRUE(Scalar::Zero().Invert().IsZero());
}

Point NaiveSum(const std::vector<Scalar>& s, const std::vector<Point>& p) {
  Point acc;
  for (std::size_t i = 0; i < s.size(); ++i) acc += s[i] * p[i];
  return acc;
}

TEST_F(GroupTest, MultiScalarMulMatchesTheNaiveSum) {
  const Scalar l_minus_1 = -Scalar::One();
  for (std::size_t n : {0u, 1u, 2u, 3u, 5u, 17u, 64u, 300u, 2000u}) {
    SCOPED_TRACE(n);
    std::vector<Scalar> s;
    std::vector<Point> p;
    for (std::size_t i = 0; i < n; ++i) {
      // Edge scalars among random ones: 0, 1, l − 1, small values and repeated points.
      switch (i % 7) {
        case 0:
          s.push_back(Scalar::Zero());
          break;
        case 1:
          s.push_back(Scalar::One());
          break;
        case 2:
          s.push_back(l_minus_1);
          break;
        case 3:
          s.push_back(Scalar::FromU64(i));
          break;
        default:
          s.push_back(RandomScalar());
      }
      p.push_back(i % 5 == 4 && i > 0 ? p[i - 1] : RandomPoint());
    }
    EXPECT_EQ(Enc(MultiScalarMulVartime(s, p)), Enc(NaiveSum(s, p)));
  }
  // Mismatched lengths give the identity rather than reading past an end.
  std::vector<Scalar> s(2, Scalar::One());
  std::vector<Point> p(1, Point::Base());
  EXPECT_TRUE(MultiScalarMulVartime(s, p).IsIdentity());
}

TEST_F(GroupTest, MultiScalarMulAtEveryWindowWidth) {
  // The window grows with n; each width's digit recoding (carries into the extra top
  // window) is exercised with scalars near l.
  for (std::size_t n : {4u, 8u, 30u, 100u, 700u}) {
    std::vector<Scalar> s;
    std::vector<Point> p;
    for (std::size_t i = 0; i < n; ++i) {
      s.push_back(-Scalar::FromU64(i + 1));  // l − i − 1: every window's digits near the top
      p.push_back(RandomPoint());
    }
    EXPECT_EQ(Enc(MultiScalarMulVartime(s, p)), Enc(NaiveSum(s, p))) << n;
  }
}

}  // namespace
}  // namespace candor::group
