#include "domain/letter.h"

#include <gtest/gtest.h>

#include <set>

#include "crypto/ristretto.h"
#include "crypto/rng.h"
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
  // Found by fuzzing: bytes that are not UTF-8 would be frozen, then break every JSON view.
  l = Sample();
  l.title =
      "On t\xa0"
      "e policy";
  EXPECT_FALSE(ValidateLetter(l).ok());
  l = Sample();
  l.body = "\xff";
  EXPECT_FALSE(ValidateLetter(l).ok());
  l = Sample();
  l.body =
      "Gr\xc3\xbc\xc3\x9f"
      "e \xe2\x80\x94 \xf0\x9f\x95\x8a";  // real UTF-8 is fine
  EXPECT_TRUE(ValidateLetter(l).ok());
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
  crypto::Bytes expected = crypto::Tr("candor/v1/letter", {crypto::AsBytes(l.title),
                                                           crypto::AsBytes(l.body),
                                                           crypto::U64Le(1),
                                                           crypto::AsBytes("a"),
                                                           {},
                                                           {},
                                                           {}});
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

TEST(Letter, CanonicalBytesDecodeBackExactly) {
  Letter l = Sample();
  l.closes_at_ms = 1'790'000'000'000;
  l.quorum = 20;
  l.supersedes = ComputeLetterId(Sample());
  for (const Letter& x : {Sample(), l}) {
    auto back = DecodeLetterCanonicalBytes(LetterCanonicalBytes(x));
    ASSERT_TRUE(back.ok()) << back.error().message();
    EXPECT_EQ(*back, x);
  }
  crypto::Bytes bytes = LetterCanonicalBytes(l);
  for (std::size_t cut : {std::size_t{0}, std::size_t{5}, bytes.size() - 1}) {
    EXPECT_FALSE(DecodeLetterCanonicalBytes(crypto::ByteSpan(bytes.data(), cut)).ok()) << cut;
  }
  crypto::Bytes longer = bytes;
  longer.push_back(0);
  EXPECT_FALSE(DecodeLetterCanonicalBytes(longer).ok());
}

TEST(Letter, JsonIsStrict) {
  Letter l = Sample();
  l.quorum = 3;
  auto back = LetterFromJson(LetterToJson(l));
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(*back, l);
  auto j = LetterToJson(l);
  j["author"] = "me";
  EXPECT_NE(LetterFromJson(j).error().message().find("unknown field 'author'"), std::string::npos);
  j = LetterToJson(l);
  j["quorum"] = -1;
  EXPECT_FALSE(LetterFromJson(j).ok());
  j = LetterToJson(l);
  j["organizations"] = {"State Dept"};
  EXPECT_FALSE(LetterFromJson(j).ok());
  j = LetterToJson(l);
  j["supersedes"] = "abc";
  EXPECT_FALSE(LetterFromJson(j).ok());
  EXPECT_FALSE(LetterFromJson(nlohmann::json::array()).ok());
}

std::vector<crypto::Point> Keys(std::size_t n, std::uint64_t seed) {
  crypto::SeededRng rng(seed);
  std::vector<crypto::Point> out;
  for (std::size_t i = 0; i < n; ++i)
    out.push_back(crypto::ScalarMultBase(rng.RandomPublicScalar()));
  return out;
}

TEST(Letter, SmallRostersAreOneRingInRosterOrder) {
  auto keys = Keys(30, 1);
  auto buckets = BucketRoster(keys, 30);
  ASSERT_EQ(buckets.size(), 1u);
  EXPECT_EQ(buckets[0], keys);
  EXPECT_TRUE(BucketRoster({}, 30).empty());
}

TEST(Letter, LargeRostersSplitIntoNearEqualBucketsIndependentOfTheSigner) {
  auto keys = Keys(103, 2);
  auto buckets = BucketRoster(keys, 25);  // ceil(103/25) = 5 buckets of 21 or 20
  ASSERT_EQ(buckets.size(), 5u);
  std::set<crypto::Point> seen;
  for (std::size_t j = 0; j < buckets.size(); ++j) {
    EXPECT_EQ(buckets[j].size(), j < 3 ? 21u : 20u);
    // Each bucket keeps roster order.
    std::size_t last = 0;
    for (const auto& k : buckets[j]) {
      auto pos = static_cast<std::size_t>(std::find(keys.begin(), keys.end(), k) - keys.begin());
      EXPECT_GE(pos, last);
      last = pos;
      EXPECT_TRUE(seen.insert(k).second);
      EXPECT_EQ(BucketOf(buckets, k), j);
    }
  }
  EXPECT_EQ(seen.size(), keys.size());
  // The assignment depends only on the keys' hashes: reversing the roster keeps every key's
  // bucket-mates.
  std::vector<crypto::Point> reversed(keys.rbegin(), keys.rend());
  auto again = BucketRoster(reversed, 25);
  for (std::size_t j = 0; j < buckets.size(); ++j) {
    EXPECT_EQ(std::set<crypto::Point>(again[j].begin(), again[j].end()),
              std::set<crypto::Point>(buckets[j].begin(), buckets[j].end()));
  }
  EXPECT_FALSE(BucketOf(buckets, Keys(1, 99)[0]).has_value());
}

// Issue 13: every ring for a letter or a cable comes from RosterRings or SignerRingOf, with one
// minimum-ring rule.
TEST(Letter, RosterRingsSignerRingAndTheMinimumRuleAgree) {
  auto keys = Keys(103, 3);
  auto rings = RosterRings(keys, 25);
  ASSERT_TRUE(rings.ok());
  const auto buckets = BucketRoster(keys, 25);
  ASSERT_EQ(rings->size(), buckets.size());
  for (std::size_t j = 0; j < buckets.size(); ++j) {
    EXPECT_EQ((*rings)[j].members(), buckets[j]);
    EXPECT_EQ(FindRing(*rings, (*rings)[j].digest()), &(*rings)[j]);
  }
  EXPECT_EQ(FindRing(*rings, crypto::Digest32{}), nullptr);

  // The signer's ring is the bucket that holds it, with its index there.
  for (const std::size_t member : {0u, 57u, 102u}) {
    auto signer = SignerRingOf(keys, keys[member], 25, 20);
    ASSERT_TRUE(signer.ok()) << signer.error().message();
    const auto which = *BucketOf(buckets, keys[member]);
    EXPECT_EQ(signer->ring.digest(), (*rings)[which].digest());
    EXPECT_EQ(signer->ring.members()[signer->index], keys[member]);
  }
  EXPECT_EQ(SignerRingOf(keys, Keys(1, 99)[0], 25, 20).error().code(), ErrorCode::kNotFound);
  // The minimum: rings of 20 or 21 members pass at 20 and fail at 22, for the signer as for
  // anyone checking, with one message.
  EXPECT_TRUE(CheckMinRing(20, 20).ok());
  auto small = SignerRingOf(keys, keys[0], 25, 22);
  ASSERT_FALSE(small.ok());
  EXPECT_EQ(small.error().code(), ErrorCode::kFailedPrecondition);
  const std::size_t size = buckets[*BucketOf(buckets, keys[0])].size();
  EXPECT_EQ(small.error().message(), CheckMinRing(size, 22).error().message());
  EXPECT_NE(small.error().message().find("fewer than the minimum of 22"), std::string::npos);
  // A roster that repeats a key makes no rings.
  auto repeated = keys;
  repeated.push_back(keys[5]);
  EXPECT_FALSE(RosterRings(repeated, 4096).ok());
}

TEST(Letter, PublishProofsUseAnotherEventThanCoSignatures) {
  const LetterId id = ComputeLetterId(Sample());
  EXPECT_NE(PublishQuotaEvent("state", 7, 0), id);
  EXPECT_NE(PublishProofMessage(id), LetterStatement(id, SignatureAction::kSign));
  // One event per (organization, window, slot), and not a cable quota's.
  EXPECT_NE(PublishQuotaEvent("state", 7, 0), PublishQuotaEvent("state", 7, 1));
  EXPECT_NE(PublishQuotaEvent("state", 7, 0), PublishQuotaEvent("state", 8, 0));
  EXPECT_NE(PublishQuotaEvent("state", 7, 0), PublishQuotaEvent("usaid", 7, 0));
  EXPECT_EQ(PublishQuotaEvent("state", 7, 0), PublishQuotaEvent("state", 7, 0));
}

}  // namespace
}  // namespace candor::domain
