// Tests for receipt words: the word list is BIP-39's, the encoding matches BIP-39's published
// vectors bit for bit (and @scure/bip39 in web/test, through tests/vectors/cable.json), and a
// mistyped receipt is refused with an error that names the slip.
#include "crypto/receipt_words.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "crypto/transcript.h"

namespace candor::crypto {
namespace {

ReceiptSeed SeedFromHex(std::string_view hex) {
  auto bytes = FromHex(hex);
  EXPECT_TRUE(bytes.ok());
  ReceiptSeed s;
  std::copy_n(bytes->begin(), s.size(), s.data());
  return s;
}

std::string Message(std::string_view text) {
  auto r = ParseReceiptWords(text);
  EXPECT_FALSE(r.ok()) << text;
  if (r.ok()) return "";
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  return r.error().message();
}

TEST(ReceiptWords, ListIsBip39English) {
  std::string file;
  for (std::size_t i = 0; i < kBip39WordCount; ++i) {
    file += Bip39Word(i);
    file += '\n';
  }
  // SHA-256 of bitcoin/bips bip-0039/english.txt.
  EXPECT_EQ(ToHex(Sha256(AsBytes(file))),
            "2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda");
}

// The 128-bit vectors of BIP-39's reference test set (trezor/python-mnemonic vectors.json).
TEST(ReceiptWords, Bip39ReferenceVectors) {
  const std::pair<const char*, const char*> vectors[] = {
      {"00000000000000000000000000000000",
       "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
       "about"},
      {"7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f",
       "legal winner thank year wave sausage worth useful legal winner thank yellow"},
      {"80808080808080808080808080808080",
       "letter advice cage absurd amount doctor acoustic avoid letter advice cage above"},
      {"ffffffffffffffffffffffffffffffff", "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong"},
      {"9e885d952ad362caeb4efe34a8e91bd2",
       "ozone drill grab fiber curtain grace pudding thank cruise elder eight picnic"},
      {"c0ba5a8e914111210f2bd131f3d5e08d",
       "scheme spot photo card baby mountain device kick cradle pact join borrow"},
  };
  for (const auto& [hex, words] : vectors) {
    EXPECT_EQ(ReceiptWords(SeedFromHex(hex)), words) << hex;
    auto back = ParseReceiptWords(words);
    ASSERT_TRUE(back.ok()) << back.error().message();
    EXPECT_EQ(ToHex(back->span()), hex);
  }
}

TEST(ReceiptWords, RoundTripsRandomSeeds) {
  SeededRng rng(7);
  for (int i = 0; i < 200; ++i) {
    const ReceiptSeed s = GenerateReceiptSeed(rng);
    auto back = ParseReceiptWords(ReceiptWords(s));
    ASSERT_TRUE(back.ok()) << back.error().message();
    EXPECT_EQ(ToHex(back->span()), ToHex(s.span()));
  }
}

TEST(ReceiptWords, ReadsWhatAPersonTypes) {
  // Capitals, line breaks, the numbers the pages print, several spaces.
  auto r = ParseReceiptWords(
      "  1. Legal 2. winner 3. THANK\n 4) year\twave sausage\r\n worth useful legal   winner "
      "thank 12. yellow \n");
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(ToHex(r->span()), "7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f");
}

TEST(ReceiptWords, NamesEachKindOfSlip) {
  const std::string good =
      "legal winner thank year wave sausage worth useful legal winner thank yellow";
  EXPECT_NE(Message("").find("no receipt given"), std::string::npos);
  EXPECT_NE(Message("legal winner thank").find("this has 3"), std::string::npos);
  EXPECT_NE(Message(good + " zoo").find("this has 13"), std::string::npos);
  // A misspelt word: its place, what was typed, and the word it probably was — by its first
  // four letters, or by a single slip (a letter wrong, missing, added or swapped).
  EXPECT_NE(Message("legal winner thank year wave sausage worth usefull legal winner thank yellow")
                .find("word 8, 'usefull', is not one of the receipt words; did you mean 'useful'?"),
            std::string::npos);
  EXPECT_NE(Message("legal winnre thank year wave sausage worth useful legal winner thank yellow")
                .find("word 2, 'winnre', is not one of the receipt words; did you mean 'winner'?"),
            std::string::npos);
  EXPECT_NE(Message("legal winner thank year wave sausge worth useful legal winner thank yellow")
                .find("word 6, 'sausge', is not one of the receipt words; did you mean 'sausage'?"),
            std::string::npos);
  EXPECT_NE(Message("legal winner thank year wave sausage worht useful legal winner thank yellow")
                .find("word 7, 'worht', is not one of the receipt words; did you mean 'worth'?"),
            std::string::npos);
  // Two list words a slip away ('thank', 'tank'): no guess rather than a wrong one.
  EXPECT_NE(Message("legal winner thnk year wave sausage worth useful legal winner thank yellow")
                .find("word 3, 'thnk', is not one of the receipt words: check it"),
            std::string::npos);
  const std::string unknown =
      Message("legal winner thank year wave sausage worth useful legal winner thank qqqq");
  EXPECT_NE(unknown.find("word 12, 'qqqq', is not one of the receipt words: check it"),
            std::string::npos)
      << unknown;
  EXPECT_NE(Message("legal winner thank year wave sausage worth use-ful legal winner thank yellow")
                .find("word 8 is not one of the receipt words"),
            std::string::npos);
  EXPECT_NE(Message("legal winner thank year wave sausage worth usefulness legal winner thank "
                    "yellow")
                .find("word 8 is not one of the receipt words"),
            std::string::npos);
  // Two words swapped, or one list word for another: the checksum catches it.
  EXPECT_NE(Message("winner legal thank year wave sausage worth useful legal winner thank yellow")
                .find("do not belong together"),
            std::string::npos);
  EXPECT_NE(Message("legal winner thank year wave sausage worth useful legal winner thank zoo")
                .find("do not belong together"),
            std::string::npos);
}

TEST(ReceiptWords, CableIdAndSecretAreSeparateDerivations) {
  const ReceiptSeed s = SeedFromHex("9e885d952ad362caeb4efe34a8e91bd2");
  const Digest32 id = ReceiptWordsCableId(s);
  const ReceiptSecret r = ReceiptWordsSecret(s);
  EXPECT_EQ(id, H256("candor/v1/cable/words-id", {s.span()}));
  EXPECT_EQ(ToHex(r.span()), ToHex(H256("candor/v1/cable/words-secret", {s.span()})));
  EXPECT_NE(ToHex(id), ToHex(r.span()));
}

}  // namespace
}  // namespace candor::crypto
