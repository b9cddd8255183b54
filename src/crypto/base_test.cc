// Tests for the shared primitives: hex, transcripts, the seeded RNG, ristretto wrappers
// and Ed25519.
#include <gtest/gtest.h>
#include <sodium.h>

#include "crypto/bytes.h"
#include "crypto/ed25519.h"
#include "crypto/ristretto.h"
#include "crypto/rng.h"
#include "crypto/transcript.h"

namespace candor::crypto {
namespace {

TEST(Hex, RoundTripsAndRejectsBadInput) {
  Bytes raw = {0x00, 0x01, 0xab, 0xff};
  EXPECT_EQ(ToHex(raw), "0001abff");
  auto back = FromHex("0001abff");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, raw);
  EXPECT_FALSE(FromHex("abc").ok());
  EXPECT_FALSE(FromHex("zz").ok());
  // Only lower case is canonical: the same bytes in upper case are refused, and so is every
  // character next to the digit ranges.
  auto upper = FromHex("0001ABff");
  ASSERT_FALSE(upper.ok());
  EXPECT_NE(upper.error().message().find("position 4 (hex must be lower-case)"), std::string::npos);
  for (char c : std::string("/:@G`g\x7f\x80\xff")) {
    EXPECT_FALSE(FromHex(std::string("0") + c).ok())
        << static_cast<int>(static_cast<unsigned char>(c));
  }
  for (int c = 0; c < 256; ++c) {
    const bool digit = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    EXPECT_EQ(FromHex(std::string(1, static_cast<char>(c)) + "0").ok(), digit) << c;
  }
  EXPECT_FALSE(FixedFromHex<Point>("00").ok());
  EXPECT_TRUE(FixedFromHex<Point>(std::string(64, 'a')).ok());
}

TEST(Transcript, FramesEveryPartWithItsLength) {
  Bytes a = {1, 2};
  Bytes t = Tr("ab", {ByteSpan(a)});
  Bytes expected = {2, 0, 0, 0, 0, 0, 0, 0, 'a', 'b', 2, 0, 0, 0, 0, 0, 0, 0, 1, 2};
  EXPECT_EQ(t, expected);
  // Moving a byte from one part to the next changes the transcript.
  Bytes b1 = {1}, b2 = {2, 3}, c1 = {1, 2}, c2 = {3};
  EXPECT_NE(H256("x", {ByteSpan(b1), ByteSpan(b2)}), H256("x", {ByteSpan(c1), ByteSpan(c2)}));
}

TEST(Transcript, StreamingMatchesOneShot) {
  Bytes a = {9, 9, 9};
  Digest32 one = H256("label", {ByteSpan(a)});
  Sha256Transcript t("label");
  t.Add(a);
  EXPECT_EQ(t.Finish(), one);
  Bytes bytes = Tr("label", {ByteSpan(a)});
  Digest32 direct;
  crypto_hash_sha256(direct.data(), bytes.data(), bytes.size());
  EXPECT_EQ(direct, one);

  Sha512Transcript s("l");
  s.Add(a);
  EXPECT_EQ(s.FinishScalar(), Hs("l", {ByteSpan(a)}));
  EXPECT_EQ(s.FinishPoint(), Hp("l", {ByteSpan(a)}));
  EXPECT_TRUE(IsValidPoint(s.FinishPoint()));
}

TEST(SeededRng, IsDeterministicPerSeed) {
  SeededRng a(7), b(7), c(8);
  std::array<std::uint8_t, 40> x{}, y{}, z{};
  a.Fill(x);
  b.Fill(y);
  c.Fill(z);
  EXPECT_EQ(x, y);
  EXPECT_NE(x, z);
  a.Fill(x);
  EXPECT_NE(x, y);  // the stream advances
  Scalar s = a.RandomPublicScalar();
  EXPECT_TRUE(IsCanonicalScalar(s));
}

TEST(UniformBelow, StaysInRangeHitsEveryValueAndFollowsTheSeed) {
  SeededRng a(3), b(3);
  std::array<int, 5> seen{};
  for (int i = 0; i < 500; ++i) {
    const std::uint64_t v = UniformBelow(a, 5);
    ASSERT_LT(v, 5u);
    ++seen[v];
    EXPECT_EQ(UniformBelow(b, 5), v);
  }
  for (int count : seen) EXPECT_GT(count, 60);  // about 100 each
  EXPECT_EQ(UniformBelow(a, 1), 0u);
  // The value is the little-endian reading of the first 8 bytes drawn (unless rejected).
  SeededRng c(9), d(9);
  std::array<std::uint8_t, 8> raw{};
  c.Fill(raw);
  EXPECT_EQ(UniformBelow(d, 1000003), ReadU64Le(raw.data()) % 1000003);
}

TEST(Ristretto, CanonicalScalarCheck) {
  // l = 2^252 + 27742317777372353535851937790883648493, little-endian.
  auto l = FixedFromHex<Scalar>("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
  ASSERT_TRUE(l.ok());
  EXPECT_FALSE(IsCanonicalScalar(*l));
  Scalar l_minus_1 = *l;
  l_minus_1.bytes[0] -= 1;
  EXPECT_TRUE(IsCanonicalScalar(l_minus_1));
  Scalar all_ff;
  all_ff.bytes.fill(0xff);
  EXPECT_FALSE(IsCanonicalScalar(all_ff));
  EXPECT_TRUE(IsCanonicalScalar(Scalar{}));
}

TEST(Ristretto, ArithmeticAgreesWithItself) {
  SeededRng rng(1);
  Scalar a = rng.RandomPublicScalar(), b = rng.RandomPublicScalar();
  // (a+b)·G == a·G + b·G ; (a·b)·G == a·(b·G)
  EXPECT_EQ(ScalarMultBase(ScalarAdd(a, b)), PointAdd(ScalarMultBase(a), ScalarMultBase(b)));
  EXPECT_EQ(ScalarMultBase(ScalarMul(a, b)), ScalarMult(a, ScalarMultBase(b)));
  EXPECT_EQ(ScalarAdd(ScalarSub(a, b), b), a);
  EXPECT_EQ(ScalarMultBase(Scalar{}), kIdentity);
  EXPECT_FALSE(IsValidPoint(kIdentity));
  EXPECT_TRUE(IsValidPoint(ScalarMultBase(a)));
}

TEST(Ed25519, SignsAndRejectsTampering) {
  SeededRng rng(3);
  SignKeyPair kp = GenerateSignKeyPair(rng);
  Bytes msg = {1, 2, 3};
  Signature64 sig = Ed25519Sign(msg, kp.secret_key);
  EXPECT_TRUE(Ed25519Verify(msg, sig, kp.public_key).ok());
  msg[0] ^= 1;
  EXPECT_FALSE(Ed25519Verify(msg, sig, kp.public_key).ok());
  SignKeyPair again = SignKeyPairFromSecret(kp.secret_key.Clone());
  EXPECT_EQ(again.public_key, kp.public_key);
}

}  // namespace
}  // namespace candor::crypto

#include "crypto/keys.h"

namespace candor::crypto {
namespace {

TEST(Keys, GeneratedPairsAreConsistentAndMatchLibsodium) {
  SeededRng rng(11);
  MemberKeys k = GenerateMemberKeys(rng);
  EXPECT_TRUE(IsValidPoint(k.ring.public_key));
  EXPECT_EQ(RingPublicFromSecret(k.ring.secret), k.ring.public_key);
  // crypto_box_keypair's public key is crypto_scalarmult_base of the secret.
  BoxPublicKey pk;
  crypto_scalarmult_curve25519_base(pk.data(), k.box.secret.data());
  EXPECT_EQ(pk, k.box.public_key);
  MemberKeys other = GenerateMemberKeys(rng);
  EXPECT_NE(other.ring.public_key, k.ring.public_key);
}

}  // namespace
}  // namespace candor::crypto

#include <vector>

#include "crypto/secret.h"

namespace candor::crypto {
namespace {

// A std::allocator that records, at each deallocation, whether every byte handed back was
// zero: what WipingAllocator must guarantee before memory leaves it.
struct CheckingAllocator {
  using value_type = char;
  template <typename U>
  struct rebind {
    using other = CheckingAllocator;  // only ever used for char
  };
  std::shared_ptr<std::vector<bool>> all_zero = std::make_shared<std::vector<bool>>();
  char* allocate(std::size_t n) { return std::allocator<char>{}.allocate(n); }
  void deallocate(char* p, std::size_t n) {
    bool zero = true;
    for (std::size_t i = 0; i < n; ++i) zero = zero && p[i] == 0;
    all_zero->push_back(zero);
    std::allocator<char>{}.deallocate(p, n);
  }
  bool operator==(const CheckingAllocator& o) const { return all_zero == o.all_zero; }
};

TEST(WipingAllocator, WipesEveryBlockBeforeHandingItBack) {
  CheckingAllocator checking;
  {
    std::vector<char, WipingAllocator<char, CheckingAllocator>> v{
        WipingAllocator<char, CheckingAllocator>(checking)};
    for (char c : std::string("password=correct horse battery staple, and more to make it grow"))
      v.push_back(c);
  }  // grown several times, then destroyed
  ASSERT_GE(checking.all_zero->size(), 3u);
  for (bool zero : *checking.all_zero) EXPECT_TRUE(zero);
  // The check can fail: the same writes through the bare allocator leave the bytes.
  CheckingAllocator bare;
  {
    std::vector<char, CheckingAllocator> v{bare};
    for (char c : std::string("password")) v.push_back(c);
  }
  EXPECT_FALSE(bare.all_zero->back());
}

}  // namespace
}  // namespace candor::crypto
