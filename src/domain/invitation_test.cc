#include "domain/invitation.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "crypto/transcript.h"

namespace candor::domain {
namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

// Hands out fixed bytes, to pin the encoding.
class FixedRng final : public crypto::Rng {
 public:
  explicit FixedRng(crypto::Bytes bytes) : bytes_(std::move(bytes)) {}
  void Fill(std::span<std::uint8_t> out) override {
    for (auto& b : out) b = bytes_[pos_++ % bytes_.size()];
  }

 private:
  crypto::Bytes bytes_;
  std::size_t pos_ = 0;
};

std::string Strip(std::string_view display) {
  std::string out;
  for (char c : display) {
    if (c != '-') out += c;
  }
  return out;
}

TEST(InvitationTest, KnownEncodings) {
  // Cross-checked with an independent implementation of the format in invitation.h.
  FixedRng zeros(crypto::Bytes(16, 0));
  EXPECT_EQ(NewInvitationCode(zeros), "0000-0000-0000-0000-0000-0000-000");
  FixedRng ones(crypto::Bytes(16, 0xff));
  EXPECT_EQ(NewInvitationCode(ones), "7ZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZC");
  crypto::Bytes counting(16);
  for (std::size_t i = 0; i < 16; ++i) counting[i] = static_cast<std::uint8_t>(i);
  FixedRng count(counting);
  const std::string code = NewInvitationCode(count);
  EXPECT_EQ(code, "0004-1061-050R-3GG2-8A1C-60T3-GFZ");
  EXPECT_EQ(crypto::ToHex(InvitationCodeHash(*NormalizeInvitationCode(code))),
            "845d7aceac69a04652f3980a9035f767cbaacf35c1a3ffbde2684085429f749c");
  EXPECT_EQ(InvitationCodeHash("00041061050R3GG28A1C60T3GFZ"),
            crypto::H256("candor/v1/invitation", {crypto::AsBytes("00041061050R3GG28A1C60T3GFZ")}));
}

TEST(InvitationTest, FreshCodesHaveTheDisplayForm) {
  crypto::SeededRng rng(5);
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string code = NewInvitationCode(rng);
    ASSERT_EQ(code.size(), 33U) << code;
    for (std::size_t j = 0; j < code.size(); ++j) {
      if (j % 5 == 4) {
        EXPECT_EQ(code[j], '-') << code;
      } else {
        EXPECT_NE(kAlphabet.find(code[j]), std::string_view::npos) << code;
      }
    }
    EXPECT_LE(code[0], '7');
    EXPECT_TRUE(seen.insert(code).second);
    auto normalized = NormalizeInvitationCode(code);
    ASSERT_TRUE(normalized.ok()) << code << ": " << normalized.error().message();
    EXPECT_EQ(*normalized, Strip(code));
    EXPECT_EQ(FormatInvitationCode(*normalized), code);
  }
  crypto::SeededRng again(5);
  EXPECT_EQ(seen.count(NewInvitationCode(again)), 1U);  // reproducible with a seeded source
}

TEST(InvitationTest, NormalizationIsForgiving) {
  const std::string code = "0004-1061-050R-3GG2-8A1C-60T3-GFZ";
  const std::string normalized = "00041061050R3GG28A1C60T3GFZ";
  for (const char* typed : {
           "0004-1061-050R-3GG2-8A1C-60T3-GFZ",
           "0004 1061 050r 3gg2 8a1c 60t3 gfz",
           "00041061050r3gg28a1c60t3gfz",
           "  0004-1061-050R-3GG2-8A1C-60T3-GFZ\t",
           "OOO4-IO6l-O5OR-3GG2-8AiC-6OT3-GFZ",  // O for 0, I/i/l for 1
           "0-0-0-4--1061050R3GG28A1C60T3GFZ",
       }) {
    auto r = NormalizeInvitationCode(typed);
    ASSERT_TRUE(r.ok()) << typed << ": " << r.error().message();
    EXPECT_EQ(*r, normalized) << typed;
    EXPECT_EQ(InvitationCodeHash(*r), InvitationCodeHash(normalized));
  }
  EXPECT_NE(InvitationCodeHash(code), InvitationCodeHash(normalized));  // hash the normal form
}

TEST(InvitationTest, ClearErrors) {
  auto message = [](std::string_view typed) {
    auto r = NormalizeInvitationCode(typed);
    EXPECT_FALSE(r.ok()) << typed;
    if (r.ok()) return std::string();
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
    return r.error().message();
  };
  EXPECT_NE(message("").find("has 27 letters and digits; this has 0"), std::string::npos);
  EXPECT_NE(message("0004-1061-050R-3GG2-8A1C-60T3-GF").find("this has 26"), std::string::npos);
  EXPECT_NE(message("0004-1061-050R-3GG2-8A1C-60T3-GFZZ").find("this has 28"), std::string::npos);
  EXPECT_NE(message("0004-1061-050R-3GG2-8A1C-60T3-GFU").find("no letter U"), std::string::npos);
  EXPECT_NE(message("0004-1061-050R-3GG2-8A1C-60T3-GF*").find("'*'"), std::string::npos);
  EXPECT_NE(message("0004_1061_050R_3GG2_8A1C_60T3_GFZ").find("'_'"), std::string::npos);
  EXPECT_NE(message("0004-1061-050R-3GG2-8A1C-60T3-GF\xc3\xa9").find("non-printing"),
            std::string::npos);
  EXPECT_NE(message(std::string(129, '0')).find("too long"), std::string::npos);
  EXPECT_NE(message("0004-1061-050R-3GG2-8A1C-60T3-GFY").find("typo"), std::string::npos);
  EXPECT_NE(message("8004-1061-050R-3GG2-8A1C-60T3-GFZ").find("typo"), std::string::npos);
}

// The check symbol catches every single wrong symbol, every swap of neighbours or of
// symbols one apart, and every doubled-symbol error, at every position.
TEST(InvitationTest, CheckSymbolCatchesCommonTypos) {
  crypto::SeededRng rng(11);
  for (int round = 0; round < 20; ++round) {
    const std::string good = Strip(NewInvitationCode(rng));
    ASSERT_TRUE(NormalizeInvitationCode(good).ok());
    for (std::size_t i = 0; i < good.size(); ++i) {
      for (char c : kAlphabet) {
        if (c == good[i]) continue;
        std::string typo = good;
        typo[i] = c;
        EXPECT_FALSE(NormalizeInvitationCode(typo).ok()) << good << " @" << i << " " << c;
      }
      for (std::size_t gap : {std::size_t{1}, std::size_t{2}}) {
        if (i + gap >= good.size() || good[i] == good[i + gap]) continue;
        std::string swapped = good;
        std::swap(swapped[i], swapped[i + gap]);
        EXPECT_FALSE(NormalizeInvitationCode(swapped).ok()) << good << " swap " << i;
      }
      if (i + 1 < good.size() && good[i] == good[i + 1]) {
        for (char c : kAlphabet) {
          if (c == good[i]) continue;
          std::string twin = good;
          twin[i] = twin[i + 1] = c;
          EXPECT_FALSE(NormalizeInvitationCode(twin).ok()) << good << " twin " << i;
        }
      }
    }
  }
}

}  // namespace
}  // namespace candor::domain
