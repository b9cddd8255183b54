// Tests for candor-lrs-v2 (src/crypto/lrs2.h, docs/LRS-V2.md): round trips at every ring
// size boundary and signer position (the padded tail included), linking with v1, one
// negative test per rejection rule and per field, batch verification with blame, and an
// independent recomputation of the equations from the spec with libsodium alone.
#include "crypto/lrs2.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <array>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "crypto/keys.h"
#include "crypto/lrs.h"
#include "crypto/ristretto.h"
#include "crypto/rng.h"
#include "crypto/transcript.h"

namespace candor::crypto {
namespace {

struct Fixture {
  std::vector<RingKeyPair> keys;
  Lrs2Ring ring;
};

Fixture MakeFixture(std::size_t n, std::uint64_t seed) {
  SeededRng rng(seed);
  std::vector<RingKeyPair> keys;
  std::vector<Point> publics;
  for (std::size_t i = 0; i < n; ++i) {
    keys.push_back(GenerateRingKeyPair(rng));
    publics.push_back(keys.back().public_key);
  }
  auto ring = Ring::Create(std::move(publics));
  EXPECT_TRUE(ring.ok());
  auto v2 = Lrs2Ring::Create(std::move(*ring));
  EXPECT_TRUE(v2.ok());
  return Fixture{std::move(keys), std::move(*v2)};
}

Digest32 Event(std::uint8_t b) {
  Digest32 e;
  e.bytes.fill(b);
  return e;
}

const Bytes kMessage = {'s', 'i', 'g', 'n'};

// The error code of a failed status (and a test failure when it succeeded).
ErrorCode CodeOf(const Status& s) {
  EXPECT_FALSE(s.ok());
  return s.ok() ? ErrorCode::kInternal : s.error().code();
}

TEST(Lrs2, SizesFollowTheSpec) {
  EXPECT_EQ(Lrs2Digits(1), 1u);
  EXPECT_EQ(Lrs2Digits(8), 1u);
  EXPECT_EQ(Lrs2Digits(9), 2u);
  EXPECT_EQ(Lrs2Digits(4096), 4u);
  EXPECT_EQ(Lrs2Digits(4097), 5u);
  EXPECT_EQ(Lrs2Digits(100000), 6u);
  EXPECT_EQ(Lrs2Digits(kLrs2MaxRing), 7u);
  EXPECT_EQ(Lrs2SignatureSize(100000), 1856u);  // issue 14: ≤ 2 KB at 10^5 members
  EXPECT_EQ(Lrs2SignatureSize(25), 32u * (10 + 16));
}

TEST(Lrs2, SignsAndVerifiesAtEveryBoundary) {
  // Ring sizes at and around powers of 8, signers at the start, the middle and the end
  // (the end is the padded key that takes the virtual tail's coefficients).
  for (std::size_t n : {1u, 2u, 7u, 8u, 9u, 25u, 64u, 65u, 200u}) {
    Fixture fx = MakeFixture(n, n);
    for (std::size_t l : {std::size_t{0}, n / 2, n - 1}) {
      SCOPED_TRACE("n=" + std::to_string(n) + " l=" + std::to_string(l));
      SeededRng rng(1000 + l);
      auto sig = Lrs2Sign(Event(1), kMessage, fx.ring, l, fx.keys[l].secret, rng);
      ASSERT_TRUE(sig.ok()) << sig.error().message();
      EXPECT_TRUE(Lrs2Verify(Event(1), kMessage, fx.ring, *sig).ok());
      const Bytes wire = sig->Encode();
      EXPECT_EQ(wire.size(), Lrs2SignatureSize(n));
      auto back = Lrs2Signature::Decode(wire, n);
      ASSERT_TRUE(back.ok());
      EXPECT_EQ(back->Encode(), wire);
      EXPECT_TRUE(Lrs2Verify(Event(1), kMessage, fx.ring, *back).ok());
    }
  }
}

TEST(Lrs2, TheTagIsV1sTagSoVersionsLink) {
  Fixture fx = MakeFixture(9, 3);
  SeededRng rng(5);
  auto v2 = Lrs2Sign(Event(7), kMessage, fx.ring, 4, fx.keys[4].secret, rng);
  ASSERT_TRUE(v2.ok());
  auto v1 = LrsSign(Event(7), kMessage, fx.ring.ring(), 4, fx.keys[4].secret, rng);
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ(v2->tag, v1->tag);
  auto other_event = Lrs2Sign(Event(8), kMessage, fx.ring, 4, fx.keys[4].secret, rng);
  ASSERT_TRUE(other_event.ok());
  EXPECT_NE(other_event->tag, v2->tag);
  auto other_key = Lrs2Sign(Event(7), kMessage, fx.ring, 5, fx.keys[5].secret, rng);
  ASSERT_TRUE(other_key.ok());
  EXPECT_NE(other_key->tag, v2->tag);
}

TEST(Lrs2, IsDeterministicUnderASeededRngAndFreshOtherwise) {
  Fixture fx = MakeFixture(20, 4);
  SeededRng a(42), b(42), c(43);
  auto sa = Lrs2Sign(Event(1), kMessage, fx.ring, 3, fx.keys[3].secret, a);
  auto sb = Lrs2Sign(Event(1), kMessage, fx.ring, 3, fx.keys[3].secret, b);
  auto sc = Lrs2Sign(Event(1), kMessage, fx.ring, 3, fx.keys[3].secret, c);
  ASSERT_TRUE(sa.ok() && sb.ok() && sc.ok());
  EXPECT_EQ(sa->Encode(), sb->Encode());
  EXPECT_NE(sa->Encode(), sc->Encode());
  EXPECT_EQ(sa->tag, sc->tag);
}

TEST(Lrs2, APrecomputationGivesTheSameSignatureAndServesOneRing) {
  Fixture fx = MakeFixture(70, 18);
  SeededRng a(50), b(50), masks(51);
  auto plain = Lrs2Sign(Event(1), kMessage, fx.ring, 69, fx.keys[69].secret, a);
  auto pre = Lrs2Sign(Event(1), kMessage, fx.ring, 69, fx.keys[69].secret, b,
                      Lrs2Precompute(fx.ring, masks));
  ASSERT_TRUE(plain.ok() && pre.ok());
  EXPECT_EQ(plain->Encode(), pre->Encode());
  Fixture other = MakeFixture(70, 19);
  auto wrong = Lrs2Sign(Event(1), kMessage, fx.ring, 69, fx.keys[69].secret, b,
                        Lrs2Precompute(other.ring, masks));
  EXPECT_EQ(wrong.error().code(), ErrorCode::kInvalidArgument);
}

TEST(Lrs2, RefusesBadSignerInputs) {
  Fixture fx = MakeFixture(5, 6);
  SeededRng rng(1);
  EXPECT_EQ(Lrs2Sign(Event(1), kMessage, fx.ring, 5, fx.keys[0].secret, rng).error().code(),
            ErrorCode::kInvalidArgument);
  // Someone else's key at this position.
  EXPECT_EQ(Lrs2Sign(Event(1), kMessage, fx.ring, 1, fx.keys[0].secret, rng).error().code(),
            ErrorCode::kInvalidArgument);
  SecretScalar zero;
  EXPECT_EQ(Lrs2Sign(Event(1), kMessage, fx.ring, 0, zero, rng).error().code(),
            ErrorCode::kInvalidArgument);
  SecretScalar big;
  for (std::size_t i = 0; i < 32; ++i) big.data()[i] = 0xff;
  EXPECT_EQ(Lrs2Sign(Event(1), kMessage, fx.ring, 0, big, rng).error().code(),
            ErrorCode::kInvalidArgument);
}

TEST(Lrs2, FailsForAnotherMessageEventOrRing) {
  Fixture fx = MakeFixture(30, 7);
  SeededRng rng(2);
  auto sig = Lrs2Sign(Event(1), kMessage, fx.ring, 11, fx.keys[11].secret, rng);
  ASSERT_TRUE(sig.ok());
  const Bytes other = {'s', 'i', 'g', 'N'};
  EXPECT_EQ(CodeOf(Lrs2Verify(Event(1), other, fx.ring, *sig)), ErrorCode::kVerificationFailed);
  EXPECT_EQ(CodeOf(Lrs2Verify(Event(2), kMessage, fx.ring, *sig)), ErrorCode::kVerificationFailed);
  // The same number of keys, one of them different: another ring.
  Fixture other_ring = MakeFixture(30, 8);
  EXPECT_EQ(CodeOf(Lrs2Verify(Event(1), kMessage, other_ring.ring, *sig)),
            ErrorCode::kVerificationFailed);
  // A different size changes m: the element count no longer matches.
  Fixture bigger = MakeFixture(70, 7);
  EXPECT_EQ(CodeOf(Lrs2Verify(Event(1), kMessage, bigger.ring, *sig)), ErrorCode::kInvalidArgument);
}

TEST(Lrs2, DecodeRefusesEveryWrongLength) {
  Fixture fx = MakeFixture(9, 9);
  SeededRng rng(3);
  const Bytes wire = Lrs2Sign(Event(1), kMessage, fx.ring, 0, fx.keys[0].secret, rng)->Encode();
  for (std::size_t len : {std::size_t{0}, wire.size() - 1, wire.size() + 1, wire.size() + 32}) {
    Bytes b(len, 1);
    EXPECT_EQ(Lrs2Signature::Decode(b, 9).error().code(), ErrorCode::kInvalidArgument) << len;
  }
  EXPECT_FALSE(Lrs2Signature::Decode(wire, 0).ok());
  EXPECT_FALSE(Lrs2Signature::Decode(wire, kLrs2MaxRing + 1).ok());
  EXPECT_TRUE(Lrs2Signature::Decode(wire, 9).ok());
}

// Every 32-byte element of the wire format, changed three ways: one bit flipped (mostly an
// invalid encoding), the top bit set (never canonical), and replaced by another valid
// value of its kind. Each must be refused.
TEST(Lrs2, EveryFieldIsChecked) {
  const std::size_t n = 12;
  Fixture fx = MakeFixture(n, 10);
  SeededRng rng(4);
  auto sig = Lrs2Sign(Event(1), kMessage, fx.ring, 6, fx.keys[6].secret, rng);
  ASSERT_TRUE(sig.ok());
  const Bytes wire = sig->Encode();
  const std::size_t m = Lrs2Digits(n);
  const std::size_t elements = wire.size() / 32;
  // Which elements are points: I, K, A, B, X_j, then after f, za, z: R1, R2.
  auto is_point = [&](std::size_t e) {
    return e < 4 + m || e == elements - 4 || e == elements - 3;
  };
  const Point other_point = ScalarMultBase(rng.RandomPublicScalar());
  const Scalar other_scalar = rng.RandomPublicScalar();
  for (std::size_t e = 0; e < elements; ++e) {
    SCOPED_TRACE("element " + std::to_string(e));
    for (int how = 0; how < 3; ++how) {
      Bytes bad = wire;
      if (how == 0) bad[32 * e + 5] ^= 0x10;
      if (how == 1) bad[32 * e + 31] |= 0x80;
      if (how == 2) {
        const auto& v = is_point(e) ? other_point.bytes : other_scalar.bytes;
        std::copy(v.begin(), v.end(), bad.begin() + static_cast<std::ptrdiff_t>(32 * e));
      }
      auto decoded = Lrs2Signature::Decode(bad, n);
      ASSERT_TRUE(decoded.ok());
      const Status st = Lrs2Verify(Event(1), kMessage, fx.ring, *decoded);
      EXPECT_FALSE(st.ok()) << how;
      if (how == 1) {
        EXPECT_EQ(CodeOf(st), ErrorCode::kInvalidArgument);
      }
      if (how == 2) {
        EXPECT_EQ(CodeOf(st), ErrorCode::kVerificationFailed);
      }
    }
  }
  // The identity, where a point belongs.
  Lrs2Signature id = *sig;
  id.r1 = Point();
  EXPECT_EQ(CodeOf(Lrs2Verify(Event(1), kMessage, fx.ring, id)), ErrorCode::kInvalidArgument);
  // Counts that do not match the ring.
  Lrs2Signature short_x = *sig;
  short_x.x.pop_back();
  EXPECT_EQ(CodeOf(Lrs2Verify(Event(1), kMessage, fx.ring, short_x)), ErrorCode::kInvalidArgument);
  Lrs2Signature long_f = *sig;
  long_f.f.push_back(other_scalar);
  EXPECT_EQ(CodeOf(Lrs2Verify(Event(1), kMessage, fx.ring, long_f)), ErrorCode::kInvalidArgument);
}

// A member cannot dodge the linking by carrying another tag: the tag of the same key on
// another event, or any other point, breaks the proof.
TEST(Lrs2, TagsCannotBeForgedOrTransplanted) {
  Fixture fx = MakeFixture(10, 11);
  SeededRng rng(5);
  auto sig = Lrs2Sign(Event(1), kMessage, fx.ring, 2, fx.keys[2].secret, rng);
  auto other = Lrs2Sign(Event(2), kMessage, fx.ring, 2, fx.keys[2].secret, rng);
  ASSERT_TRUE(sig.ok() && other.ok());
  Lrs2Signature swapped = *sig;
  swapped.tag = other->tag;
  EXPECT_EQ(CodeOf(Lrs2Verify(Event(1), kMessage, fx.ring, swapped)),
            ErrorCode::kVerificationFailed);
  // Any other tag is caught: both challenges hash it, so nothing else in the signature
  // matches it.
  Lrs2Signature random_tag = *sig;
  random_tag.tag = ScalarMultBase(rng.RandomPublicScalar());
  EXPECT_EQ(CodeOf(Lrs2Verify(Event(1), kMessage, fx.ring, random_tag)),
            ErrorCode::kVerificationFailed);
}

// The double-signing attack the composition proof stops: a member proves membership
// honestly but carries the tag of another secret y (a fresh tag on every signature would
// make every signature count). Whichever secret s1 answers for, one of equations (3) and
// (4) fails; the honest path of the same code verifies (so the cheat hook is faithful).
TEST(Lrs2, AMemberCannotCarryATagOfAnotherSecret) {
  Fixture fx = MakeFixture(20, 15);
  SeededRng rng(9);
  const RingKeyPair outsider = GenerateRingKeyPair(rng);
  for (bool s1_for_tag : {false, true}) {
    testing::Lrs2Cheat cheat{&outsider.secret, s1_for_tag};
    auto sig =
        testing::Lrs2SignCheating(Event(1), kMessage, fx.ring, 4, fx.keys[4].secret, rng, cheat);
    ASSERT_TRUE(sig.ok());
    EXPECT_EQ(CodeOf(Lrs2Verify(Event(1), kMessage, fx.ring, *sig)), ErrorCode::kVerificationFailed)
        << s1_for_tag;
  }
  testing::Lrs2Cheat honest{&fx.keys[4].secret, false};
  auto sig =
      testing::Lrs2SignCheating(Event(1), kMessage, fx.ring, 4, fx.keys[4].secret, rng, honest);
  ASSERT_TRUE(sig.ok());
  EXPECT_TRUE(Lrs2Verify(Event(1), kMessage, fx.ring, *sig).ok());
}

// Membership (equation (2)): someone whose key is not in the ring cannot sign for it.
TEST(Lrs2, AnOutsiderCannotSign) {
  Fixture fx = MakeFixture(20, 16);
  SeededRng rng(10);
  const RingKeyPair outsider = GenerateRingKeyPair(rng);
  testing::Lrs2Cheat cheat;
  cheat.skip_key_check = true;
  for (std::size_t l : {0u, 7u, 19u}) {
    auto sig =
        testing::Lrs2SignCheating(Event(1), kMessage, fx.ring, l, outsider.secret, rng, cheat);
    ASSERT_TRUE(sig.ok());
    EXPECT_EQ(CodeOf(Lrs2Verify(Event(1), kMessage, fx.ring, *sig)),
              ErrorCode::kVerificationFailed);
  }
}

// The digits must be bits (equation (1)): two colluding members 8 apart (same digits but
// the lowest) could otherwise sign with σ = 1/2 at both lowest digits for the secret
// (x_a + x_b)/2, a key of the "ring" (P_a + P_b)/2, and a tag that links to neither of them:
// one more signature than members. Without equation (1) this test's forgery verifies.
TEST(Lrs2, ColludingMembersCannotSignForAFractionalIndex) {
  Fixture fx = MakeFixture(20, 17);
  const std::size_t a = 9;
  const std::size_t b = 12;  // digits (1, 1) and (4, 1): only the lowest digit differs
  SecretScalar mid;
  {
    const Scalar xa = *FixedFromBytes<Scalar>(fx.keys[a].secret.span());
    const Scalar xb = *FixedFromBytes<Scalar>(fx.keys[b].secret.span());
    Scalar half;
    half.bytes[0] = 2;
    crypto_core_ristretto255_scalar_invert(half.data(), half.data());
    const Scalar m = ScalarMul(ScalarAdd(xa, xb), half);
    std::copy(m.bytes.begin(), m.bytes.end(), mid.data());
  }
  const std::size_t digits[2] = {a % 8, b % 8};
  testing::Lrs2Cheat cheat;
  cheat.skip_key_check = true;
  cheat.half_digits = digits;
  SeededRng rng(11);
  auto sig = testing::Lrs2SignCheating(Event(1), kMessage, fx.ring, a, mid, rng, cheat);
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(CodeOf(Lrs2Verify(Event(1), kMessage, fx.ring, *sig)), ErrorCode::kVerificationFailed);
}

TEST(Lrs2, BatchVerificationFindsTheBadSignatures) {
  const std::size_t n = 40;
  Fixture fx = MakeFixture(n, 12);
  SeededRng rng(6);
  std::vector<Lrs2Signature> sigs;
  std::vector<Bytes> messages;
  for (std::size_t i = 0; i < 11; ++i) {
    messages.push_back(Bytes{'m', static_cast<std::uint8_t>(i)});
    auto s = Lrs2Sign(Event(static_cast<std::uint8_t>(i % 3)), messages.back(), fx.ring, i * 3,
                      fx.keys[i * 3].secret, rng);
    ASSERT_TRUE(s.ok());
    sigs.push_back(std::move(*s));
  }
  auto items = [&] {
    std::vector<Lrs2BatchItem> out;
    for (std::size_t i = 0; i < sigs.size(); ++i) {
      out.push_back({Event(static_cast<std::uint8_t>(i % 3)), messages[i], &sigs[i]});
    }
    return out;
  };
  SystemRng weights;
  EXPECT_TRUE(Lrs2VerifyBatch(fx.ring, items(), weights).empty());

  // Two signatures whose equations fail, one that does not even decode.
  sigs[3].z = sigs[4].z;
  sigs[9].x[0] = sigs[8].x[0];
  sigs[6].s1.bytes[31] |= 0x80;
  EXPECT_EQ(Lrs2VerifyBatch(fx.ring, items(), weights), (std::vector<std::size_t>{3, 6, 9}));
  EXPECT_TRUE(Lrs2VerifyBatch(fx.ring, {}, weights).empty());
}

// Two invalid signatures whose errors cancel in an unweighted sum must not pass together:
// the batch weights are random, so a prover cannot steer errors against each other.
TEST(Lrs2, CancellingErrorsDoNotPassABatch) {
  Fixture fx = MakeFixture(9, 13);
  SeededRng rng(7);
  auto a = Lrs2Sign(Event(1), kMessage, fx.ring, 1, fx.keys[1].secret, rng);
  auto b = Lrs2Sign(Event(1), kMessage, fx.ring, 2, fx.keys[2].secret, rng);
  ASSERT_TRUE(a.ok() && b.ok());
  // Shift z by +d in one and −d in the other: unweighted, equation (2)'s errors cancel.
  const Scalar d = rng.RandomPublicScalar();
  a->z = ScalarAdd(a->z, d);
  b->z = ScalarSub(b->z, d);
  std::vector<Lrs2BatchItem> items = {{Event(1), kMessage, &*a}, {Event(1), kMessage, &*b}};
  SystemRng weights;
  EXPECT_EQ(Lrs2VerifyBatch(fx.ring, items, weights), (std::vector<std::size_t>{0, 1}));
}

// s1 and s2 are the only fields no challenge hashes. A signer who could predict the batch
// weights (a verifier drawing them from a seeded source) would shift s2 in two signatures by
// amounts that cancel under those weights: w3_a·d_a + w3_b·d_b = 0. Here the weights a verifier
// would draw straight from SeededRng(1) are predicted and the shifts made to cancel under them;
// Candor's weights are hashed with every signature's s1 and s2, so the pair is still caught.
TEST(Lrs2, WeightsASignerCouldPredictStillCatchCancellingResponses) {
  Fixture fx = MakeFixture(9, 20);
  SeededRng rng(8);
  auto a = Lrs2Sign(Event(1), kMessage, fx.ring, 1, fx.keys[1].secret, rng);
  auto b = Lrs2Sign(Event(1), kMessage, fx.ring, 2, fx.keys[2].secret, rng);
  ASSERT_TRUE(a.ok() && b.ok());
  SeededRng predicted(1);
  std::vector<Scalar> w;
  for (int i = 0; i < 8; ++i) {
    std::array<std::uint8_t, 64> wide{};
    predicted.Fill(wide);
    Scalar s;
    crypto_core_ristretto255_scalar_reduce(s.data(), wide.data());
    w.push_back(s);
  }
  const Scalar delta = rng.RandomPublicScalar();
  a->s2 = ScalarAdd(a->s2, ScalarMul(delta, w[6]));  // + δ·w3_b
  b->s2 = ScalarSub(b->s2, ScalarMul(delta, w[2]));  // − δ·w3_a
  std::vector<Lrs2BatchItem> items = {{Event(1), kMessage, &*a}, {Event(1), kMessage, &*b}};
  SeededRng weights(1);
  EXPECT_EQ(Lrs2VerifyBatch(fx.ring, items, weights), (std::vector<std::size_t>{0, 1}));
}

// The equations of docs/LRS-V2.md "Verification" recomputed from the spec alone with
// libsodium's API (no libdecaf, no multi-scalar multiplication, no batching), so that the
// optimised verifier and the document are held to each other.
TEST(Lrs2, SpecLiteralRecomputationWithLibsodium) {
  const std::size_t n = 11;
  Fixture fx = MakeFixture(n, 14);
  SeededRng rng(8);
  const Digest32 e = Event(9);
  auto sig = Lrs2Sign(e, kMessage, fx.ring, 10, fx.keys[10].secret, rng);
  ASSERT_TRUE(sig.ok());
  const std::size_t m = Lrs2Digits(n);
  const Ring& ring = fx.ring.ring();

  auto u64 = [](std::uint64_t v) { return U64Le(v); };
  const Point h = Hp("candor/v2/lrs/H", {});
  auto gen = [&](std::string_view label, std::size_t j, std::size_t i) {
    const auto jb = u64(j);
    const auto ib = u64(i);
    return Hp(label, {ByteSpan(jb.data(), 8), ByteSpan(ib.data(), 8)});
  };
  const Point t = Hp("candor/v1/lrs/tag-base", {e.span()});
  std::vector<ByteSpan> xi_parts;
  const auto nb = u64(n);
  xi_parts = {ring.digest().span(), ByteSpan(nb.data(), 8), e.span(), t.span(),
              sig->tag.span(),      sig->key.span(),        kMessage, sig->a.span(),
              sig->b.span()};
  for (const Point& x : sig->x) xi_parts.push_back(x.span());
  Bytes xi_tr = TrParts("candor/v2/lrs/xi", xi_parts);
  Scalar xi;
  {
    std::array<std::uint8_t, 64> dig{};
    crypto_hash_sha512(dig.data(), xi_tr.data(), xi_tr.size());
    crypto_core_ristretto255_scalar_reduce(xi.data(), dig.data());
  }
  std::vector<ByteSpan> c_parts = {xi.span()};
  for (const Scalar& f : sig->f) c_parts.push_back(f.span());
  for (const auto* v : {&sig->za, &sig->z}) c_parts.push_back(v->span());
  for (const auto* v : {&sig->r1, &sig->r2}) c_parts.push_back(v->span());
  Bytes c_tr = TrParts("candor/v2/lrs/c", c_parts);
  Scalar c;
  {
    std::array<std::uint8_t, 64> dig{};
    crypto_hash_sha512(dig.data(), c_tr.data(), c_tr.size());
    crypto_core_ristretto255_scalar_reduce(c.data(), dig.data());
  }
  // f_{j,0} = ξ − Σ f_{j,i}
  auto f = [&](std::size_t j, std::size_t i) {
    if (i > 0) return sig->f[7 * j + i - 1];
    Scalar rest;
    for (std::size_t k = 1; k < 8; ++k) rest = ScalarAdd(rest, sig->f[7 * j + k - 1]);
    return ScalarSub(xi, rest);
  };
  // (1) A + ξ·B == z_A·H + Σ f·G_{j,i} + Σ f(ξ − f)·H_{j,i}
  Point lhs1 = PointAdd(sig->a, ScalarMult(xi, sig->b));
  Point rhs1 = ScalarMult(sig->za, h);
  for (std::size_t j = 0; j < m; ++j) {
    for (std::size_t i = 0; i < 8; ++i) {
      rhs1 = PointAdd(rhs1, ScalarMult(f(j, i), gen("candor/v2/lrs/matrix-g", j, i)));
      rhs1 = PointAdd(rhs1, ScalarMult(ScalarMul(f(j, i), ScalarSub(xi, f(j, i))),
                                       gen("candor/v2/lrs/matrix-h", j, i)));
    }
  }
  EXPECT_EQ(lhs1, rhs1);
  // (2) Σ t'_k·P_k == ξ^m·K + Σ ξ^j·X_j + z·H
  Scalar xi_m;
  xi_m.bytes[0] = 1;
  for (std::size_t j = 0; j < m; ++j) xi_m = ScalarMul(xi_m, xi);
  Point lhs2;
  bool lhs2_set = false;
  Scalar sum_t;
  for (std::size_t k = 0; k < n; ++k) {
    Scalar tk;
    if (k + 1 < n) {
      tk.bytes[0] = 1;
      for (std::size_t j = 0; j < m; ++j) tk = ScalarMul(tk, f(j, (k >> (3 * j)) & 7));
      sum_t = ScalarAdd(sum_t, tk);
    } else {
      tk = ScalarSub(xi_m, sum_t);
    }
    const Point term = ScalarMult(tk, ring.members()[k]);
    lhs2 = lhs2_set ? PointAdd(lhs2, term) : term;
    lhs2_set = true;
  }
  Point rhs2 = PointAdd(ScalarMult(xi_m, sig->key), ScalarMult(sig->z, h));
  Scalar xi_j;
  xi_j.bytes[0] = 1;
  for (std::size_t j = 0; j < m; ++j) {
    rhs2 = PointAdd(rhs2, ScalarMult(xi_j, sig->x[j]));
    xi_j = ScalarMul(xi_j, xi);
  }
  EXPECT_EQ(lhs2, rhs2);
  // (3) R1 == s1·G + s2·H + c·K   (4) R2 == s1·T + c·I
  EXPECT_EQ(sig->r1, PointAdd(PointAdd(ScalarMultBase(sig->s1), ScalarMult(sig->s2, h)),
                              ScalarMult(c, sig->key)));
  EXPECT_EQ(sig->r2, PointAdd(ScalarMult(sig->s1, t), ScalarMult(c, sig->tag)));
}

// tests/vectors/lrs2.json (tools/vectors/lrs2_vectors.cc): every element accepted or refused
// as recorded, and every valid one reproduced byte for byte by re-signing.
TEST(Lrs2Vectors, EveryElementIsAcceptedOrRejectedAsRecorded) {
  std::ifstream in(CANDOR_SOURCE_DIR "/tests/vectors/lrs2.json");
  ASSERT_TRUE(in) << "cannot open tests/vectors/lrs2.json";
  const nlohmann::json vectors = nlohmann::json::parse(in);
  ASSERT_TRUE(vectors.is_array());
  std::size_t valid_count = 0;
  std::size_t invalid_count = 0;
  for (const nlohmann::json& v : vectors) {
    const std::string description = v.at("description").get<std::string>();
    SCOPED_TRACE(description);
    const bool valid = v.at("valid").get<bool>();
    const Digest32 event = *FixedFromHex<Digest32>(v.at("event").get<std::string>());
    const Bytes message = *FromHex(v.at("message").get<std::string>());
    const Bytes wire = *FromHex(v.at("signature").get<std::string>());
    std::vector<Point> members;
    for (const auto& p : v.at("ring"))
      members.push_back(*FixedFromHex<Point>(p.get<std::string>()));
    bool accepted = false;
    auto ring = Ring::Create(members);
    if (ring.ok()) {
      auto v2 = Lrs2Ring::Create(std::move(*ring));
      ASSERT_TRUE(v2.ok());
      auto sig = Lrs2Signature::Decode(wire, v2->size());
      accepted = sig.ok() && Lrs2Verify(event, message, *v2, *sig).ok();
      if (valid) {
        const std::size_t pi = v.at("signer_index").get<std::size_t>();
        const Bytes secret_bytes = *FromHex(v.at("secret").get<std::string>());
        SecretScalar secret;
        std::copy(secret_bytes.begin(), secret_bytes.end(), secret.data());
        SeededRng rng(H256("candor/v2/test-vectors/lrs2-sign",
                           {secret.span(), v2->digest().span(), event.span(), message}));
        auto again = Lrs2Sign(event, message, *v2, pi, secret, rng);
        ASSERT_TRUE(again.ok());
        EXPECT_EQ(ToHex(again->Encode()), ToHex(wire));
      }
    }
    EXPECT_EQ(accepted, valid);
    (valid ? valid_count : invalid_count)++;
  }
  EXPECT_GE(valid_count, 6u);
  EXPECT_GE(invalid_count, 40u);
}

}  // namespace
}  // namespace candor::crypto
