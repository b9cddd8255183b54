// Tests for candor-lrs-v1 (src/crypto/lrs.h, CRYPTO.md "Linkable ring signature"):
// round trips at every signer position, linkability, one negative test per rejection rule,
// an independent spec-literal recomputation, and the committed tests/vectors/lrs.json.
#include "crypto/lrs.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sodium.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "crypto/keys.h"
#include "crypto/lrs_testing.h"
#include "crypto/ristretto.h"
#include "crypto/rng.h"
#include "crypto/transcript.h"

namespace candor::crypto {
namespace {

using ::testing::HasSubstr;

// ---------------------------------------------------------------------------------------
// Helpers

std::vector<RingKeyPair> MakeKeys(std::size_t n, std::uint64_t seed) {
  SeededRng rng(seed);
  std::vector<RingKeyPair> keys;
  for (std::size_t i = 0; i < n; ++i) keys.push_back(GenerateRingKeyPair(rng));
  return keys;
}

std::vector<Point> Publics(const std::vector<RingKeyPair>& keys) {
  std::vector<Point> out;
  for (const RingKeyPair& k : keys) out.push_back(k.public_key);
  return out;
}

Ring MustRing(std::vector<Point> members) {
  Result<Ring> ring = Ring::Create(std::move(members));
  if (!ring.ok()) ADD_FAILURE() << ring.error().message();
  return std::move(ring).value();
}

Digest32 Event(std::uint64_t k) {
  auto le = U64Le(k);
  return H256("test/lrs-event", {ByteSpan(le)});
}

Bytes Text(std::string_view s) { return Bytes(s.begin(), s.end()); }

Scalar One() {
  Scalar one;
  one.bytes[0] = 1;
  return one;
}

// l, little-endian.
Scalar GroupOrder() {
  return *FixedFromHex<Scalar>("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
}

// s + l as a 256-bit integer: the same residue, not canonical (s < l, so no overflow).
Scalar PlusL(const Scalar& s) {
  const Scalar l = GroupOrder();
  Scalar out;
  unsigned carry = 0;
  for (std::size_t i = 0; i < Scalar::kSize; ++i) {
    unsigned sum = unsigned{s.bytes[i]} + unsigned{l.bytes[i]} + carry;
    out.bytes[i] = static_cast<std::uint8_t>(sum);
    carry = sum >> 8;
  }
  return out;
}

Point G() { return ScalarMultBase(One()); }

// ---------------------------------------------------------------------------------------
// Ring

TEST(LrsRing, AcceptsDistinctValidKeysAndIndexesThem) {
  auto keys = MakeKeys(7, 1);
  Ring ring = MustRing(Publics(keys));
  ASSERT_EQ(ring.size(), 7u);
  EXPECT_EQ(ring.members(), Publics(keys));
  for (std::size_t i = 0; i < keys.size(); ++i) {
    EXPECT_EQ(ring.IndexOf(keys[i].public_key), std::optional<std::size_t>(i));
  }
  EXPECT_EQ(ring.IndexOf(MakeKeys(1, 99)[0].public_key), std::nullopt);
  EXPECT_EQ(ring.IndexOf(kIdentity), std::nullopt);
}

TEST(LrsRing, DigestIsH256OfTheTranscriptOfTheKeys) {
  auto keys = MakeKeys(3, 2);
  Ring ring = MustRing(Publics(keys));
  // Spelled out from CRYPTO.md: SHA-256(tr("candor/v1/ring", P_0, P_1, P_2)).
  Bytes tr = Tr("candor/v1/ring",
                {keys[0].public_key.span(), keys[1].public_key.span(), keys[2].public_key.span()});
  EXPECT_EQ(ring.digest(), Sha256(tr));
  EXPECT_EQ(tr.size(), 8 + 14 + 3 * (8 + 32));
  // Order matters.
  auto swapped = Publics(keys);
  std::swap(swapped[0], swapped[1]);
  EXPECT_NE(MustRing(swapped).digest(), ring.digest());
}

TEST(LrsRing, RejectsEmptyRing) {
  Result<Ring> ring = Ring::Create({});
  ASSERT_FALSE(ring.ok());
  EXPECT_EQ(ring.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(ring.error().message(), HasSubstr("at least one member"));
}

TEST(LrsRing, RejectsRepeatedKeyNamingBothIndices) {
  auto members = Publics(MakeKeys(5, 3));
  members[4] = members[1];
  Result<Ring> ring = Ring::Create(members);
  ASSERT_FALSE(ring.ok());
  EXPECT_EQ(ring.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(ring.error().message(), HasSubstr("member 4 repeats member 1"));
}

TEST(LrsRing, RejectsIdentityMember) {
  auto members = Publics(MakeKeys(4, 4));
  members[2] = kIdentity;
  Result<Ring> ring = Ring::Create(members);
  ASSERT_FALSE(ring.ok());
  EXPECT_THAT(ring.error().message(), HasSubstr("member 2 is the identity"));
  // A ring of one identity too.
  EXPECT_FALSE(Ring::Create({kIdentity}).ok());
}

TEST(LrsRing, RejectsInvalidEncodings) {
  // RFC 9496 A.2: a negative field element, a non-canonical one, a non-square x^2.
  for (const char* hex : {"0100000000000000000000000000000000000000000000000000000000000000",
                          "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
                          "26948d35ca62e643e26a83177332e6b6afeb9d08e4268b650f1f5bbd8d81d371"}) {
    auto members = Publics(MakeKeys(3, 5));
    members[1] = *FixedFromHex<Point>(hex);
    Result<Ring> ring = Ring::Create(members);
    ASSERT_FALSE(ring.ok()) << hex;
    EXPECT_EQ(ring.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_THAT(ring.error().message(), HasSubstr("member 1 is not a valid ristretto255 point"));
  }
}

// ---------------------------------------------------------------------------------------
// Wire format

TEST(LrsSignatureWire, EncodeDecodeRoundTrip) {
  SeededRng rng(6);
  LrsSignature sig;
  sig.c0 = rng.RandomPublicScalar();
  for (int i = 0; i < 3; ++i) sig.s.push_back(rng.RandomPublicScalar());
  sig.tag = ScalarMultBase(rng.RandomPublicScalar());
  Bytes wire = sig.Encode();
  ASSERT_EQ(wire.size(), 32u * (3 + 2));
  // Layout: c0 || s_0 || s_1 || s_2 || I.
  EXPECT_TRUE(std::equal(sig.c0.begin(), sig.c0.end(), wire.begin()));
  EXPECT_TRUE(std::equal(sig.s[1].begin(), sig.s[1].end(), wire.begin() + 64));
  EXPECT_TRUE(std::equal(sig.tag.begin(), sig.tag.end(), wire.end() - 32));
  Result<LrsSignature> back = LrsSignature::Decode(wire, 3);
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(back->c0, sig.c0);
  EXPECT_EQ(back->s, sig.s);
  EXPECT_EQ(back->tag, sig.tag);
}

TEST(LrsSignatureWire, DecodeRejectsEveryOtherLength) {
  Bytes wire(32 * (4 + 2), 0x11);
  EXPECT_TRUE(LrsSignature::Decode(wire, 4).ok());
  const std::vector<std::size_t> lengths = {0,          1,          31,     32 * 5 + 31, 32 * 5,
                                            32 * 6 - 1, 32 * 6 + 1, 32 * 7, 32 * 100};
  for (std::size_t len : lengths) {
    Bytes b(len, 0x11);
    Result<LrsSignature> sig = LrsSignature::Decode(b, 4);
    ASSERT_FALSE(sig.ok()) << len;
    EXPECT_EQ(sig.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_THAT(sig.error().message(), HasSubstr(len < 192 ? "truncated" : "over-long"));
  }
  // The right length for a different ring size is the wrong length for this one.
  EXPECT_FALSE(LrsSignature::Decode(wire, 3).ok());
  EXPECT_FALSE(LrsSignature::Decode(wire, 5).ok());
  // Degenerate ring sizes.
  EXPECT_FALSE(LrsSignature::Decode(Bytes(64), 0).ok());
  EXPECT_FALSE(LrsSignature::Decode(wire, SIZE_MAX).ok());
  EXPECT_FALSE(LrsSignature::Decode(wire, SIZE_MAX / 32).ok());
}

// ---------------------------------------------------------------------------------------
// Sign and verify

TEST(LrsSign, RoundTripsAtEverySignerPosition) {
  for (std::size_t n : {1u, 2u, 3u, 16u}) {
    auto keys = MakeKeys(n, 100 + n);
    Ring ring = MustRing(Publics(keys));
    SeededRng rng(7);
    for (std::size_t pi = 0; pi < n; ++pi) {
      const Digest32 event = Event(pi);
      const Bytes message = Text("message for position " + std::to_string(pi));
      Result<LrsSignature> sig = LrsSign(event, message, ring, pi, keys[pi].secret, rng);
      ASSERT_TRUE(sig.ok()) << sig.error().message();
      ASSERT_EQ(sig->s.size(), n);
      EXPECT_EQ(sig->tag, SecretScalarMult(keys[pi].secret, LrsTagBase(event)));
      Status verified = LrsVerify(event, message, ring, *sig);
      EXPECT_TRUE(verified.ok()) << "n=" << n << " pi=" << pi << ": " << verified.error().message();
      // Through the wire.
      Bytes wire = sig->Encode();
      EXPECT_EQ(wire.size(), 32 * (n + 2));
      Result<LrsSignature> back = LrsSignature::Decode(wire, n);
      ASSERT_TRUE(back.ok());
      EXPECT_TRUE(LrsVerify(event, message, ring, *back).ok());
    }
  }
}

TEST(LrsSign, WorksWithTheSystemRngAndLargeMessages) {
  auto keys = MakeKeys(4, 8);
  Ring ring = MustRing(Publics(keys));
  Bytes message(1 << 20);
  for (std::size_t i = 0; i < message.size(); ++i) message[i] = static_cast<std::uint8_t>(i * 7);
  Result<LrsSignature> sig = LrsSign(Event(1), message, ring, 2, keys[2].secret, DefaultRng());
  ASSERT_TRUE(sig.ok());
  EXPECT_TRUE(LrsVerify(Event(1), message, ring, *sig).ok());
  message.back() ^= 0x80;
  EXPECT_FALSE(LrsVerify(Event(1), message, ring, *sig).ok());
}

TEST(LrsSign, IsDeterministicUnderASeededRng) {
  auto keys = MakeKeys(5, 9);
  Ring ring = MustRing(Publics(keys));
  SeededRng a(42), b(42), c(43);
  auto s1 = LrsSign(Event(1), Text("m"), ring, 3, keys[3].secret, a);
  auto s2 = LrsSign(Event(1), Text("m"), ring, 3, keys[3].secret, b);
  auto s3 = LrsSign(Event(1), Text("m"), ring, 3, keys[3].secret, c);
  ASSERT_TRUE(s1.ok() && s2.ok() && s3.ok());
  EXPECT_EQ(s1->Encode(), s2->Encode());
  EXPECT_NE(s1->c0, s3->c0);
  EXPECT_EQ(s1->tag, s3->tag);  // the tag depends on key and event only
}

// An independent, literal reading of CRYPTO.md: every challenge is a one-shot
// Hs("candor/v1/lrs/challenge", D, e, I, m, L, R) over Tr(), with no shared prefix state.
// It must walk the ring of a signature made by LrsSign back to c_0.
TEST(LrsSign, MatchesASpecLiteralRecomputation) {
  auto keys = MakeKeys(6, 10);
  Ring ring = MustRing(Publics(keys));
  const Digest32 e = Event(3);
  const Bytes m = Text("spec literal");
  SeededRng rng(11);
  auto sig = LrsSign(e, m, ring, 4, keys[4].secret, rng);
  ASSERT_TRUE(sig.ok());

  // T = Hp("candor/v1/lrs/tag-base", e), by from_hash over SHA-512 of the transcript.
  Bytes tr_t = Tr("candor/v1/lrs/tag-base", {e.span()});
  std::uint8_t h[64];
  crypto_hash_sha512(h, tr_t.data(), tr_t.size());
  Point t;
  crypto_core_ristretto255_from_hash(t.data(), h);
  EXPECT_EQ(t, LrsTagBase(e));
  EXPECT_EQ(sig->tag, SecretScalarMult(keys[4].secret, t));

  Digest32 d = H256("candor/v1/ring", {keys[0].public_key.span(), keys[1].public_key.span(),
                                       keys[2].public_key.span(), keys[3].public_key.span(),
                                       keys[4].public_key.span(), keys[5].public_key.span()});
  ASSERT_EQ(d, ring.digest());
  Scalar c = sig->c0;
  for (std::size_t i = 0; i < ring.size(); ++i) {
    Point l = PointAdd(ScalarMultBase(sig->s[i]), ScalarMult(c, ring.members()[i]));
    Point r = PointAdd(ScalarMult(sig->s[i], t), ScalarMult(c, sig->tag));
    Bytes tr = Tr("candor/v1/lrs/challenge",
                  {d.span(), e.span(), sig->tag.span(), ByteSpan(m), l.span(), r.span()});
    crypto_hash_sha512(h, tr.data(), tr.size());
    crypto_core_ristretto255_scalar_reduce(c.data(), h);
  }
  EXPECT_EQ(c, sig->c0);
}

TEST(LrsSign, RejectsSignerIndexOutOfRange) {
  auto keys = MakeKeys(3, 12);
  Ring ring = MustRing(Publics(keys));
  SeededRng rng(1);
  auto sig = LrsSign(Event(1), {}, ring, 3, keys[2].secret, rng);
  ASSERT_FALSE(sig.ok());
  EXPECT_EQ(sig.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(sig.error().message(), HasSubstr("out of range"));
  EXPECT_FALSE(LrsSign(Event(1), {}, ring, SIZE_MAX, keys[2].secret, rng).ok());
}

TEST(LrsSign, RejectsASecretThatIsNotTheSignersKey) {
  auto keys = MakeKeys(3, 13);
  Ring ring = MustRing(Publics(keys));
  SeededRng rng(1);
  // Wrong index for this secret.
  auto sig = LrsSign(Event(1), {}, ring, 0, keys[1].secret, rng);
  ASSERT_FALSE(sig.ok());
  EXPECT_THAT(sig.error().message(), HasSubstr("does not match ring member 0"));
  // A secret from outside the ring.
  auto stranger = MakeKeys(1, 14);
  EXPECT_FALSE(LrsSign(Event(1), {}, ring, 1, stranger[0].secret, rng).ok());
}

TEST(LrsSign, RejectsZeroAndNonCanonicalSecrets) {
  auto keys = MakeKeys(2, 15);
  Ring ring = MustRing(Publics(keys));
  SeededRng rng(1);
  SecretScalar zero;
  auto sig = LrsSign(Event(1), {}, ring, 0, zero, rng);
  ASSERT_FALSE(sig.ok());
  EXPECT_THAT(sig.error().message(), HasSubstr("canonical non-zero"));
  // x + l has the same public key (x·G), so only the canonicality check catches it.
  Scalar x_plus_l;
  std::copy(keys[0].secret.data(), keys[0].secret.data() + 32, x_plus_l.bytes.begin());
  x_plus_l = PlusL(x_plus_l);
  SecretScalar big;
  std::copy(x_plus_l.begin(), x_plus_l.end(), big.data());
  sodium_memzero(x_plus_l.data(), x_plus_l.size());
  EXPECT_EQ(PublicFromSecret(big), keys[0].public_key);
  EXPECT_FALSE(LrsSign(Event(1), {}, ring, 0, big, rng).ok());
}

// ---------------------------------------------------------------------------------------
// Linkability

TEST(LrsLink, SameKeySameEventLinksAcrossMessagesAndRings) {
  auto keys = MakeKeys(6, 20);
  std::vector<Point> ring_a = {keys[0].public_key, keys[1].public_key, keys[2].public_key};
  std::vector<Point> ring_b = {keys[5].public_key, keys[2].public_key, keys[4].public_key,
                               keys[3].public_key};
  SeededRng rng(21);
  auto a = LrsSign(Event(1), Text("first"), MustRing(ring_a), 2, keys[2].secret, rng);
  auto b = LrsSign(Event(1), Text("second"), MustRing(ring_b), 1, keys[2].secret, rng);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(LrsVerify(Event(1), Text("first"), MustRing(ring_a), *a).ok());
  EXPECT_TRUE(LrsVerify(Event(1), Text("second"), MustRing(ring_b), *b).ok());
  EXPECT_EQ(a->tag, b->tag);
  EXPECT_TRUE(LrsLinked(*a, *b));
}

TEST(LrsLink, SameKeyDifferentEventsDoNotLink) {
  auto keys = MakeKeys(3, 22);
  Ring ring = MustRing(Publics(keys));
  SeededRng rng(23);
  auto a = LrsSign(Event(1), Text("m"), ring, 1, keys[1].secret, rng);
  auto b = LrsSign(Event(2), Text("m"), ring, 1, keys[1].secret, rng);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->tag, b->tag);
  EXPECT_FALSE(LrsLinked(*a, *b));
}

TEST(LrsLink, DifferentKeysSameEventDoNotLink) {
  auto keys = MakeKeys(3, 24);
  Ring ring = MustRing(Publics(keys));
  SeededRng rng(25);
  auto a = LrsSign(Event(1), Text("m"), ring, 0, keys[0].secret, rng);
  auto b = LrsSign(Event(1), Text("m"), ring, 1, keys[1].secret, rng);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->tag, b->tag);
  EXPECT_FALSE(LrsLinked(*a, *b));
}

// ---------------------------------------------------------------------------------------
// Rejection: one test per rule of CRYPTO.md "Verify", on a valid ring-of-5 signature.

class LrsReject : public ::testing::Test {
 protected:
  LrsReject()
      : keys_(MakeKeys(5, 30)),
        ring_(MustRing(Publics(keys_))),
        event_(Event(30)),
        message_(Text("the base message")) {
    SeededRng rng(31);
    auto sig = LrsSign(event_, message_, ring_, kSigner, keys_[kSigner].secret, rng);
    EXPECT_TRUE(sig.ok());
    sig_ = std::move(sig).value();
  }

  void SetUp() override { ASSERT_TRUE(LrsVerify(event_, message_, ring_, sig_).ok()); }

  // Expects `sig` to be rejected with `code`; returns the message.
  std::string ExpectRejected(const LrsSignature& sig, ErrorCode code) {
    return ExpectRejected(event_, message_, ring_, sig, code);
  }
  std::string ExpectRejected(const Digest32& e, const Bytes& m, const Ring& ring,
                             const LrsSignature& sig, ErrorCode code) {
    Status s = LrsVerify(e, m, ring, sig);
    EXPECT_FALSE(s.ok());
    if (s.ok()) return "";
    EXPECT_EQ(s.error().code(), code) << s.error().message();
    return s.error().message();
  }

  static constexpr std::size_t kSigner = 2;
  std::vector<RingKeyPair> keys_;
  Ring ring_;
  Digest32 event_;
  Bytes message_;
  LrsSignature sig_;
};

TEST_F(LrsReject, TamperedC0) {
  LrsSignature sig = sig_;
  sig.c0 = ScalarAdd(sig.c0, One());
  EXPECT_THAT(ExpectRejected(sig, ErrorCode::kVerificationFailed), HasSubstr("c_n != c_0"));
  sig = sig_;
  sig.c0 = Scalar{};  // zero is canonical: an ordinary wrong value
  ExpectRejected(sig, ErrorCode::kVerificationFailed);
}

TEST_F(LrsReject, TamperedEachResponse) {
  for (std::size_t i = 0; i < sig_.s.size(); ++i) {
    LrsSignature sig = sig_;
    sig.s[i] = ScalarAdd(sig.s[i], One());
    ExpectRejected(sig, ErrorCode::kVerificationFailed);
    sig.s[i] = Scalar{};  // zero: s_i·G is the identity, still just a value
    ExpectRejected(sig, ErrorCode::kVerificationFailed);
  }
}

TEST_F(LrsReject, TamperedTag) {
  LrsSignature sig = sig_;
  sig.tag = PointAdd(sig.tag, G());
  ExpectRejected(sig, ErrorCode::kVerificationFailed);
  // The same key's tag on another event.
  sig.tag = SecretScalarMult(keys_[kSigner].secret, LrsTagBase(Event(31)));
  ExpectRejected(sig, ErrorCode::kVerificationFailed);
  // Another member's tag on this event.
  sig.tag = SecretScalarMult(keys_[0].secret, LrsTagBase(event_));
  ExpectRejected(sig, ErrorCode::kVerificationFailed);
}

TEST_F(LrsReject, IdentityTag) {
  LrsSignature sig = sig_;
  sig.tag = kIdentity;
  EXPECT_THAT(ExpectRejected(sig, ErrorCode::kInvalidArgument), HasSubstr("identity"));
}

TEST_F(LrsReject, InvalidTagEncodings) {
  for (const char* hex : {"0100000000000000000000000000000000000000000000000000000000000000",
                          "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
                          "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"}) {
    LrsSignature sig = sig_;
    sig.tag = *FixedFromHex<Point>(hex);
    EXPECT_THAT(ExpectRejected(sig, ErrorCode::kInvalidArgument),
                HasSubstr("not a valid ristretto255 point"))
        << hex;
  }
}

// Security review C1: the same key signs twice, the second time with its tag's encoding
// changed in bit 255. The forged signature's ring equations close over the changed bytes
// (the forger hashes them), so only the canonical-encoding rule can refuse it.
TEST_F(LrsReject, TagWithBit255SetIsRefusedThoughItsRingEquationsClose) {
  SeededRng rng(32);
  // The forging signer is sound: with the encoding left alone its signature verifies.
  LrsSignature honest = testing::LrsSignWithTagEncoding(event_, message_, ring_, kSigner,
                                                        keys_[kSigner].secret, rng, [](Point&) {});
  ASSERT_TRUE(LrsVerify(event_, message_, ring_, honest).ok());
  LrsSignature twin = testing::LrsSignWithTagEncoding(
      event_, message_, ring_, kSigner, keys_[kSigner].secret, rng, testing::SetBit255);
  ASSERT_NE(twin.tag, honest.tag);
  Point cleared = twin.tag;
  cleared.bytes[31] &= 0x7f;
  ASSERT_EQ(cleared, honest.tag);  // the same point, a second encoding
  EXPECT_FALSE(IsValidPoint(twin.tag));
  EXPECT_THAT(ExpectRejected(twin, ErrorCode::kInvalidArgument),
              HasSubstr("not a valid ristretto255 point"));
}

TEST(LrsRingCanonical, MemberWithBit255SetIsRefused) {
  auto keys = MakeKeys(3, 33);
  std::vector<Point> members = Publics(keys);
  members[1].bytes[31] |= 0x80;
  auto ring = Ring::Create(members);
  ASSERT_FALSE(ring.ok());
  EXPECT_THAT(ring.error().message(), HasSubstr("ring member 1"));
  // And with both encodings of one key in a ring, the repeat is not hidden by the encoding.
  members = Publics(keys);
  members.push_back(members[0]);
  members.back().bytes[31] |= 0x80;
  EXPECT_FALSE(Ring::Create(members).ok());
}

TEST_F(LrsReject, TamperedMessage) {
  Bytes m = message_;
  m[0] ^= 0x01;
  ExpectRejected(event_, m, ring_, sig_, ErrorCode::kVerificationFailed);
  m = message_;
  m.push_back(0);
  ExpectRejected(event_, m, ring_, sig_, ErrorCode::kVerificationFailed);
  ExpectRejected(event_, Bytes{}, ring_, sig_, ErrorCode::kVerificationFailed);
}

TEST_F(LrsReject, OtherEvent) {
  ExpectRejected(Event(31), message_, ring_, sig_, ErrorCode::kVerificationFailed);
}

TEST_F(LrsReject, RingOrderSwapped) {
  auto members = ring_.members();
  std::swap(members[0], members[1]);
  ExpectRejected(event_, message_, MustRing(members), sig_, ErrorCode::kVerificationFailed);
  // Swapping the responses along with the keys does not help either: D and the chain change.
  LrsSignature sig = sig_;
  std::swap(sig.s[0], sig.s[1]);
  ExpectRejected(event_, message_, MustRing(members), sig, ErrorCode::kVerificationFailed);
}

TEST_F(LrsReject, RingMemberReplaced) {
  auto members = ring_.members();
  members[4] = MakeKeys(1, 77)[0].public_key;
  ExpectRejected(event_, message_, MustRing(members), sig_, ErrorCode::kVerificationFailed);
  // Even replacing only a non-signer: the ring digest binds every key.
  members = ring_.members();
  members[kSigner] = MakeKeys(1, 78)[0].public_key;
  ExpectRejected(event_, message_, MustRing(members), sig_, ErrorCode::kVerificationFailed);
}

TEST_F(LrsReject, RingWithRepeatedIdentityOrInvalidKeyCannotBeBuilt) {
  // The ring rules are enforced at construction; LrsVerify takes only a Ring.
  auto members = ring_.members();
  members[3] = members[kSigner];
  EXPECT_FALSE(Ring::Create(members).ok());
  members = ring_.members();
  members[3] = kIdentity;
  EXPECT_FALSE(Ring::Create(members).ok());
  members = ring_.members();
  members[3].bytes[0] ^= 0x01;  // flips the sign bit: a negative field element, invalid
  EXPECT_FALSE(Ring::Create(members).ok());
}

TEST_F(LrsReject, NonCanonicalC0) {
  LrsSignature sig = sig_;
  sig.c0 = PlusL(sig.c0);
  EXPECT_THAT(ExpectRejected(sig, ErrorCode::kInvalidArgument), HasSubstr("c0"));
}

TEST_F(LrsReject, NonCanonicalResponses) {
  for (std::size_t i = 0; i < sig_.s.size(); ++i) {
    LrsSignature sig = sig_;
    sig.s[i] = PlusL(sig.s[i]);
    // s_i + l acts exactly like s_i in libsodium's scalar multiplication, so without the
    // canonicality rule this would be a second valid encoding of the same signature.
    EXPECT_EQ(ScalarMultBase(sig.s[i]), ScalarMultBase(sig_.s[i]));
    EXPECT_THAT(ExpectRejected(sig, ErrorCode::kInvalidArgument),
                HasSubstr("s_" + std::to_string(i)));
  }
  LrsSignature sig = sig_;
  sig.s[1].bytes.fill(0xff);
  ExpectRejected(sig, ErrorCode::kInvalidArgument);
}

TEST_F(LrsReject, WrongNumberOfResponses) {
  LrsSignature sig = sig_;
  sig.s.pop_back();
  EXPECT_THAT(ExpectRejected(sig, ErrorCode::kInvalidArgument), HasSubstr("4 responses"));
  sig = sig_;
  sig.s.push_back(sig.s[0]);
  EXPECT_THAT(ExpectRejected(sig, ErrorCode::kInvalidArgument), HasSubstr("6 responses"));
  sig.s.clear();
  ExpectRejected(sig, ErrorCode::kInvalidArgument);
}

TEST_F(LrsReject, TruncatedAndOverLongWireBytes) {
  Bytes wire = sig_.Encode();
  Bytes truncated(wire.begin(), wire.end() - 1);
  EXPECT_FALSE(LrsSignature::Decode(truncated, ring_.size()).ok());
  Bytes no_tag(wire.begin(), wire.end() - 32);
  EXPECT_FALSE(LrsSignature::Decode(no_tag, ring_.size()).ok());
  Bytes longer = wire;
  longer.push_back(0);
  EXPECT_FALSE(LrsSignature::Decode(longer, ring_.size()).ok());
  Bytes extra_scalar = wire;
  extra_scalar.insert(extra_scalar.end(), wire.begin(), wire.begin() + 32);
  EXPECT_FALSE(LrsSignature::Decode(extra_scalar, ring_.size()).ok());
  // …and each one byte-flipped in place still decodes but does not verify.
  for (std::size_t at : {std::size_t{0}, std::size_t{40}, wire.size() - 1}) {
    Bytes flipped = wire;
    flipped[at] ^= 0x04;
    auto sig = LrsSignature::Decode(flipped, ring_.size());
    ASSERT_TRUE(sig.ok());
    EXPECT_FALSE(LrsVerify(event_, message_, ring_, *sig).ok()) << at;
  }
}

TEST_F(LrsReject, SignatureForASmallerRingDoesNotVerifyOnALargerOne) {
  auto members = ring_.members();
  members.push_back(MakeKeys(1, 79)[0].public_key);
  LrsSignature sig = sig_;
  sig.s.push_back(sig.s[0]);
  ExpectRejected(event_, message_, MustRing(members), sig, ErrorCode::kVerificationFailed);
}

// ---------------------------------------------------------------------------------------
// tests/vectors/lrs.json

// The signing randomness of a valid vector (tools/vectors/lrs_vectors.cc states the rule).
SeededRng VectorSigningRng(const SecretScalar& x, const Ring& ring, const Digest32& e, ByteSpan m) {
  return SeededRng(
      H256("candor/v1/test-vectors/lrs-sign", {x.span(), ring.digest().span(), e.span(), m}));
}

TEST(LrsVectors, EveryElementIsAcceptedOrRejectedAsRecorded) {
  std::ifstream in(CANDOR_SOURCE_DIR "/tests/vectors/lrs.json");
  ASSERT_TRUE(in) << "cannot open tests/vectors/lrs.json";
  const nlohmann::json vectors = nlohmann::json::parse(in);
  ASSERT_TRUE(vectors.is_array());
  std::size_t valid_count = 0, invalid_count = 0;
  for (const nlohmann::json& v : vectors) {
    const std::string description = v.at("description").get<std::string>();
    SCOPED_TRACE(description);
    const bool valid = v.at("valid").get<bool>();
    auto event = FixedFromHex<Digest32>(v.at("event").get<std::string>(), "event");
    auto message = FromHex(v.at("message").get<std::string>());
    ASSERT_TRUE(event.ok() && message.ok());
    std::vector<Point> members;
    for (const auto& p : v.at("ring"))
      members.push_back(*FixedFromHex<Point>(p.get<std::string>()));
    // Wire bytes c0 || s… || tag, so that a wrong-length s is caught where a real
    // verifier would catch it: at decoding.
    Bytes wire = *FromHex(v.at("c0").get<std::string>());
    for (const auto& s : v.at("s")) {
      Bytes si = *FromHex(s.get<std::string>());
      ASSERT_EQ(si.size(), 32u);
      wire.insert(wire.end(), si.begin(), si.end());
    }
    Bytes tag = *FromHex(v.at("tag").get<std::string>());
    wire.insert(wire.end(), tag.begin(), tag.end());

    Status outcome = Status::Ok();
    Result<Ring> ring = Ring::Create(members);
    if (!ring.ok()) {
      outcome = ring.error();
    } else {
      Result<LrsSignature> sig = LrsSignature::Decode(wire, ring->size());
      outcome = sig.ok() ? LrsVerify(*event, *message, *ring, *sig) : Status(sig.error());
    }
    if (!valid) {
      ++invalid_count;
      EXPECT_FALSE(outcome.ok());
      continue;
    }
    ++valid_count;
    ASSERT_TRUE(outcome.ok()) << outcome.error().message();

    // Re-sign with the recorded secret and index: the same bytes come out.
    const std::size_t pi = v.at("signer_index").get<std::size_t>();
    Bytes secret_bytes = *FromHex(v.at("secret").get<std::string>());
    ASSERT_EQ(secret_bytes.size(), 32u);
    SecretScalar x;
    std::copy(secret_bytes.begin(), secret_bytes.end(), x.data());
    sodium_memzero(secret_bytes.data(), secret_bytes.size());
    SeededRng rng = VectorSigningRng(x, *ring, *event, *message);
    Result<LrsSignature> again = LrsSign(*event, *message, *ring, pi, x, rng);
    ASSERT_TRUE(again.ok()) << again.error().message();
    EXPECT_EQ(again->Encode(), wire);
  }
  EXPECT_GE(valid_count, 5u);
  EXPECT_GE(invalid_count, 20u);
}

}  // namespace
}  // namespace candor::crypto
