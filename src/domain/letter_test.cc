#include "domain/letter.h"

#include <gtest/gtest.h>

#include "crypto/transcript.h"

namespace candor::domain {
namespace {

Letter Sample() {
  Letter l;
  l.title = "On the policy";
  l.body = "We, the undersigned, disagree.";
  l.organizations = {"state", "usaid"};
  return l;
}

TEST(Letter, ValidatesRequiredFields) {
  EXPECT_TRUE(ValidateLetter(Sample()).ok());
  Letter l = Sample();
  l.title.clear();
  EXPECT_FALSE(ValidateLetter(l).ok());
  l = Sample();
  l.organizations.push_back("state");
  EXPECT_FALSE(ValidateLetter(l).ok());
  l = Sample();
  l.organizations.clear();
  EXPECT_FALSE(ValidateLetter(l).ok());
  l = Sample();
  l.quorum = 0;
  EXPECT_FALSE(ValidateLetter(l).ok());
}

TEST(Letter, IdFreezesEveryField) {
  const LetterId base = ComputeLetterId(Sample());
  std::vector<Letter> variants(7, Sample());
  variants[0].title += ".";
  variants[1].body += " ";
  variants[2].organizations = {"usaid", "state"};
  variants[3].closes_at_ms = 0;  // set-but-zero differs from unset
  variants[4].quorum = 500;
  variants[5].supersedes = LetterId{};
  variants[6].organizations = {"stateusaid"};
  for (const auto& v : variants) EXPECT_NE(ComputeLetterId(v), base);
  EXPECT_EQ(ComputeLetterId(Sample()), base);
}

TEST(Letter, CanonicalBytesAreATranscript) {
  Letter l = Sample();
  l.organizations = {"a"};
  crypto::Bytes expected = crypto::Tr(
      "candor/v1/letter", {crypto::AsBytes(l.title), crypto::AsBytes(l.body),
                           crypto::U64Le(1), crypto::AsBytes("a"), {}, {}, {}});
  EXPECT_EQ(LetterCanonicalBytes(l), expected);
  EXPECT_EQ(ComputeLetterId(l), crypto::Sha256(expected));
}

TEST(Letter, StatementsDifferByAction) {
  LetterId id = ComputeLetterId(Sample());
  EXPECT_NE(LetterStatement(id, SignatureAction::kSign),
            LetterStatement(id, SignatureAction::kWithdraw));
  EXPECT_EQ(*ParseSignatureAction("withdraw"), SignatureAction::kWithdraw);
  EXPECT_FALSE(ParseSignatureAction("Sign").ok());
}

}  // namespace
}  // namespace candor::domain
