// Tests for TOTP: RFC 6238 Appendix B (SHA-256) vectors, the verification window, replay
// refusal, RFC 4648 base32 and the otpauth URI.
#include "crypto/totp.h"

#include <gtest/gtest.h>

#include <string>

namespace candor::crypto {
namespace {

// RFC 6238 Appendix B: the SHA-256 seed is the 32 ASCII bytes "1234567890" repeated.
constexpr std::string_view kRfcSeed = "12345678901234567890123456789012";

TEST(Totp, Rfc6238Sha256Vectors) {
  struct Vector {
    std::uint64_t time;
    std::uint64_t step;
    const char* code;
  };
  const Vector vectors[] = {
      {59, 0x1, "46119246"},
      {1111111109, 0x23523EC, "68084774"},
      {1111111111, 0x23523ED, "67062674"},
      {1234567890, 0x273EF07, "91819424"},
      {2000000000, 0x3F940AA, "90698825"},
      {20000000000ULL, 0x27BC86AA, "77737706"},
  };
  TotpParams eight{.digits = 8};
  for (const auto& v : vectors) {
    EXPECT_EQ(TotpStep(v.time, eight), v.step) << v.time;
    EXPECT_EQ(TotpCode(AsBytes(kRfcSeed), v.time, eight), v.code) << v.time;
    auto ok = VerifyTotp(AsBytes(kRfcSeed), v.code, v.time, std::nullopt, eight);
    ASSERT_TRUE(ok.ok()) << v.time << ": " << ok.error().message();
    EXPECT_EQ(*ok, v.step);
  }
}

TEST(Totp, SixDigitsAreTheLowDigits) {
  // The 6-digit code is the 8-digit value mod 10^6 (RFC 4226 §5.3).
  EXPECT_EQ(TotpCode(AsBytes(kRfcSeed), 59), "119246");
  EXPECT_EQ(TotpCode(AsBytes(kRfcSeed), 1111111109), "084774");  // keeps the leading zero
  EXPECT_EQ(TotpCode(AsBytes(kRfcSeed), 1111111109, {.digits = 7}), "8084774");
}

TEST(Totp, StepBoundariesAndT0) {
  EXPECT_EQ(TotpStep(0), 0u);
  EXPECT_EQ(TotpStep(29), 0u);
  EXPECT_EQ(TotpStep(30), 1u);
  EXPECT_EQ(TotpStep(100, {.t0 = 200}), 0u);
  EXPECT_EQ(TotpStep(260, {.t0 = 200}), 2u);
  EXPECT_EQ(TotpStep(100, {.step_seconds = 60}), 1u);
}

TEST(Totp, AcceptsOneStepOfDriftEitherWay) {
  const std::uint64_t t = 1700000000;  // step 56666666 exactly at its start
  const std::uint64_t now = TotpStep(t);
  auto key = AsBytes(kRfcSeed);
  for (std::uint64_t s : {now - 1, now, now + 1}) {
    auto r = VerifyTotp(key, TotpCodeForStep(key, s), t, std::nullopt);
    ASSERT_TRUE(r.ok()) << s;
    EXPECT_EQ(*r, s);
  }
  for (std::uint64_t s : {now - 2, now + 2}) {
    auto r = VerifyTotp(key, TotpCodeForStep(key, s), t, std::nullopt);
    ASSERT_FALSE(r.ok()) << s;
    EXPECT_EQ(r.error().code(), ErrorCode::kUnauthenticated);
  }
}

TEST(Totp, StepZeroHasNoPreviousStep) {
  auto key = AsBytes(kRfcSeed);
  auto r = VerifyTotp(key, TotpCodeForStep(key, 0), 5, std::nullopt);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 0u);
  EXPECT_TRUE(VerifyTotp(key, TotpCodeForStep(key, 1), 5, std::nullopt).ok());
}

TEST(Totp, RefusesReplayOfAUsedStep) {
  auto key = AsBytes(kRfcSeed);
  const std::uint64_t t = 1700000000;
  std::string code = TotpCode(key, t);
  auto first = VerifyTotp(key, code, t, std::nullopt);
  ASSERT_TRUE(first.ok());
  // The same code again, even a few seconds later within the same step.
  auto again = VerifyTotp(key, code, t + 5, *first);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_NE(again.error().message().find("already"), std::string::npos);
  // An older code inside the window is refused too once a newer step was used.
  std::string previous = TotpCodeForStep(key, *first - 1);
  EXPECT_FALSE(VerifyTotp(key, previous, t, *first).ok());
  // The next step's code is still fine.
  auto next = VerifyTotp(key, TotpCodeForStep(key, *first + 1), t + 30, *first);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, *first + 1);
}

TEST(Totp, PrefersTheEarliestUnusedStep) {
  // If the previous step was used, a code for the current step still verifies.
  auto key = AsBytes(kRfcSeed);
  const std::uint64_t t = 1700000000;
  const std::uint64_t now = TotpStep(t);
  auto r = VerifyTotp(key, TotpCodeForStep(key, now), t, now - 1);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, now);
}

TEST(Totp, RejectsMalformedCodes) {
  auto key = AsBytes(kRfcSeed);
  for (std::string_view bad :
       {"", "12345", "1234567", "12345a", " 123456", "12 456", "１２３４５６"}) {
    auto r = VerifyTotp(key, bad, 1700000000, std::nullopt);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument) << bad;
  }
  auto wrong = VerifyTotp(key, "000000", 1700000000, std::nullopt);
  if (TotpCode(key, 1700000000) != "000000") {
    EXPECT_EQ(wrong.error().code(), ErrorCode::kUnauthenticated);
  }
}

TEST(Totp, DifferentKeysGiveDifferentCodes) {
  SeededRng rng(7);
  TotpSecret a = NewTotpSecret(rng);
  TotpSecret b = NewTotpSecret(rng);
  EXPECT_NE(Base32Encode(a.span()), Base32Encode(b.span()));
  int same = 0;
  for (std::uint64_t s = 0; s < 20; ++s) {
    same += TotpCodeForStep(a.span(), s) == TotpCodeForStep(b.span(), s);
  }
  EXPECT_LT(same, 2);
}

TEST(Base32, Rfc4648Vectors) {
  const std::pair<std::string_view, std::string_view> vectors[] = {
      {"", ""},
      {"f", "MY"},
      {"fo", "MZXQ"},
      {"foo", "MZXW6"},
      {"foob", "MZXW6YQ"},
      {"fooba", "MZXW6YTB"},
      {"foobar", "MZXW6YTBOI"},
  };
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base32Encode(AsBytes(plain)), encoded);
    auto back = Base32Decode(encoded);
    ASSERT_TRUE(back.ok()) << encoded;
    EXPECT_EQ(std::string(back->begin(), back->end()), plain);
  }
}

TEST(Base32, DecodeIsStrictButForgiving) {
  auto lower = Base32Decode("mzxw 6ytb oi");
  ASSERT_TRUE(lower.ok());
  EXPECT_EQ(std::string(lower->begin(), lower->end()), "foobar");
  EXPECT_FALSE(Base32Decode("MZXW6YTBOI======").ok());  // padding
  EXPECT_FALSE(Base32Decode("MZXW1").ok());             // '1' is not in the alphabet
  EXPECT_FALSE(Base32Decode("M").ok());                 // impossible length
  EXPECT_FALSE(Base32Decode("MZX").ok());
  EXPECT_FALSE(Base32Decode("MZ").ok());  // "MY" is canonical for "f"
}

TEST(Base32, RoundTripsRandomSecrets) {
  SeededRng rng(1);
  for (int i = 0; i < 20; ++i) {
    TotpSecret s = NewTotpSecret(rng);
    std::string text = Base32Encode(s.span());
    EXPECT_EQ(text.size(), 52u);
    auto back = TotpSecretFromBase32(text);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(Base32Encode(back->span()), text);
  }
  EXPECT_FALSE(TotpSecretFromBase32("MZXW6YTBOI").ok());  // 6 bytes
}

TEST(Otpauth, BuildsTheKeyUri) {
  auto uri = OtpauthUri("Candor", "alice@example.org", AsBytes("foobar"));
  ASSERT_TRUE(uri.ok());
  EXPECT_EQ(*uri,
            "otpauth://totp/Candor:alice%40example.org?secret=MZXW6YTBOI&issuer=Candor"
            "&algorithm=SHA256&digits=6&period=30");
  auto spaced = OtpauthUri("ACME Corp & Co", "bob", AsBytes("f"), {.digits = 8});
  ASSERT_TRUE(spaced.ok());
  EXPECT_EQ(*spaced,
            "otpauth://totp/ACME%20Corp%20%26%20Co:bob?secret=MY&issuer=ACME%20Corp%20%26%20Co"
            "&algorithm=SHA256&digits=8&period=30");
  EXPECT_FALSE(OtpauthUri("", "bob", AsBytes("f")).ok());
  EXPECT_FALSE(OtpauthUri("Candor", "", AsBytes("f")).ok());
  EXPECT_FALSE(OtpauthUri("Can:dor", "bob", AsBytes("f")).ok());
  EXPECT_FALSE(OtpauthUri("Candor", "b:ob", AsBytes("f")).ok());
}

}  // namespace
}  // namespace candor::crypto
