#include "domain/roster.h"

#include <gtest/gtest.h>

#include <random>

#include "crypto/lrs.h"
#include "crypto/ristretto.h"
#include "crypto/rng.h"
#include "crypto/transcript.h"

namespace candor::domain {
namespace {

class RosterTest : public ::testing::Test {
 protected:
  crypto::Point NewKey() { return crypto::ScalarMultBase(rng_.RandomPublicScalar()); }
  crypto::BoxPublicKey NewReplyKey() {
    crypto::BoxPublicKey k;
    rng_.Fill(k.bytes);
    k.bytes[31] &= 0x7f;  // the canonical encoding (IsValidBoxPublicKey)
    return k;
  }
  RosterEvent Add(std::uint64_t version, const crypto::Point& key) {
    return RosterEvent{version, RosterChange::kAdd, key, NewReplyKey()};
  }
  static RosterEvent Remove(std::uint64_t version, const crypto::Point& key) {
    return RosterEvent{version, RosterChange::kRemove, key, std::nullopt};
  }
  static crypto::Digest32 RingDigest(const std::vector<crypto::Point>& keys) {
    crypto::Sha256Transcript t("candor/v1/ring");
    for (const auto& k : keys) t.Add(k.span());
    return t.Finish();
  }

  crypto::SeededRng rng_{4242};
};

TEST_F(RosterTest, EmptyRoster) {
  Roster r;
  EXPECT_EQ(r.version(), 0U);
  EXPECT_EQ(r.size(), 0U);
  EXPECT_EQ(*r.size(0), 0U);
  EXPECT_TRUE(r.members().empty());
  EXPECT_TRUE(r.members(0)->empty());
  EXPECT_EQ(r.digest(), crypto::H256("candor/v1/ring", {}));
  auto beyond = r.members(1);
  ASSERT_FALSE(beyond.ok());
  EXPECT_EQ(beyond.error().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(r.digest(1).ok());
  EXPECT_FALSE(r.size(1).ok());
  EXPECT_TRUE(Roster::Replay({})->events().empty());
}

TEST_F(RosterTest, MembersAtEveryVersionInOrderOfAddition) {
  const auto a = NewKey(), b = NewKey(), c = NewKey(), d = NewKey();
  const std::vector<RosterEvent> events = {Add(1, a),    Add(2, b), Add(3, c),
                                           Remove(4, b), Add(5, d), Remove(6, a)};
  auto r = Roster::Replay(events);
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->version(), 6U);
  EXPECT_EQ(r->events(), events);
  using V = std::vector<crypto::Point>;
  const std::vector<V> expected = {{}, {a}, {a, b}, {a, b, c}, {a, c}, {a, c, d}, {c, d}};
  for (std::uint64_t v = 0; v <= 6; ++v) {
    EXPECT_EQ(*r->members(v), expected[v]) << v;
    EXPECT_EQ(*r->size(v), expected[v].size()) << v;
    EXPECT_EQ(*r->digest(v), RingDigest(expected[v])) << v;
  }
  EXPECT_EQ(r->members(), expected[6]);
  EXPECT_EQ(r->size(), 2U);
  EXPECT_EQ(r->digest(), RingDigest(expected[6]));
  EXPECT_FALSE(r->members(7).ok());
  EXPECT_TRUE(r->Contains(c));
  EXPECT_FALSE(r->Contains(a));
  EXPECT_FALSE(r->Contains(NewKey()));
  EXPECT_EQ(r->ReplyKey(d), events[4].reply_public);
  EXPECT_FALSE(r->ReplyKey(b).has_value());
}

TEST_F(RosterTest, DigestEqualsCryptoRingDigest) {
  Roster r;
  std::vector<crypto::Point> keys;
  for (std::uint64_t v = 1; v <= 40; ++v) {
    if (v % 7 == 0) {
      ASSERT_TRUE(r.Apply(Remove(v, keys[v % keys.size()])).ok());
      keys.erase(keys.begin() + static_cast<std::ptrdiff_t>(v % keys.size()));
    } else {
      keys.push_back(NewKey());
      ASSERT_TRUE(r.Apply(Add(v, keys.back())).ok());
    }
    auto ring = crypto::Ring::Create(*r.members(v));
    ASSERT_TRUE(ring.ok()) << ring.error().message();
    EXPECT_EQ(ring->members(), keys);
    EXPECT_EQ(*r.digest(v), ring->digest()) << v;
  }
}

TEST_F(RosterTest, RejectsVersionGapsAndRepeats) {
  Roster r;
  const auto a = NewKey();
  for (std::uint64_t bad : {0ULL, 2ULL, 100ULL}) {
    auto s = r.Apply(Add(bad, a));
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(s.error().message().find("expected version 1"), std::string::npos);
  }
  ASSERT_TRUE(r.Apply(Add(1, a)).ok());
  EXPECT_FALSE(r.Apply(Add(1, NewKey())).ok());  // version 1 again
  EXPECT_FALSE(r.Apply(Add(3, NewKey())).ok());  // gap
  EXPECT_EQ(r.version(), 1U);
  auto replay = Roster::Replay(std::vector<RosterEvent>{Add(1, NewKey()), Add(3, NewKey())});
  ASSERT_FALSE(replay.ok());
  EXPECT_NE(replay.error().message().find("roster event 1"), std::string::npos);
}

TEST_F(RosterTest, RejectsDuplicateAddRemovalOfAbsentKeyAndReAdd) {
  Roster r;
  const auto a = NewKey(), b = NewKey();
  ASSERT_TRUE(r.Apply(Add(1, a)).ok());
  auto dup = r.Apply(Add(2, a));
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code(), ErrorCode::kAlreadyExists);
  auto absent = r.Apply(Remove(2, b));
  ASSERT_FALSE(absent.ok());
  EXPECT_EQ(absent.error().code(), ErrorCode::kNotFound);
  ASSERT_TRUE(r.Apply(Remove(2, a)).ok());
  auto twice = r.Apply(Remove(3, a));
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code(), ErrorCode::kNotFound);
  auto readd = r.Apply(Add(3, a));
  ASSERT_FALSE(readd.ok());
  EXPECT_EQ(readd.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(readd.error().message().find("removed at version 2"), std::string::npos);
  // None of the failures changed anything.
  EXPECT_EQ(r.version(), 2U);
  EXPECT_EQ(r.size(), 0U);
  EXPECT_EQ(*r.size(1), 1U);
  ASSERT_TRUE(r.Apply(Add(3, b)).ok());
  EXPECT_EQ(r.members(), std::vector<crypto::Point>{b});
}

TEST_F(RosterTest, RejectsInvalidKeys) {
  Roster r;
  crypto::Point identity{};
  auto s = r.Apply(Add(1, identity));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(s.error().message().find("not a valid ristretto255 point"), std::string::npos);
  crypto::Point not_canonical;
  not_canonical.bytes.fill(0xff);  // not a canonical field element
  EXPECT_FALSE(r.Apply(Add(1, not_canonical)).ok());
  crypto::Point flipped = NewKey();
  flipped.bytes[0] ^= 1;  // odd encodings ("negative" field elements) are invalid
  EXPECT_FALSE(crypto::IsValidPoint(flipped));
  EXPECT_FALSE(r.Apply(Add(1, flipped)).ok());

  RosterEvent no_reply{1, RosterChange::kAdd, NewKey(), std::nullopt};
  EXPECT_FALSE(r.Apply(no_reply).ok());
  RosterEvent zero_reply{1, RosterChange::kAdd, NewKey(), crypto::BoxPublicKey{}};
  EXPECT_FALSE(r.Apply(zero_reply).ok());
  const auto a = NewKey();
  ASSERT_TRUE(r.Apply(Add(1, a)).ok());
  RosterEvent removal_with_reply{2, RosterChange::kRemove, a, NewReplyKey()};
  auto bad_removal = r.Apply(removal_with_reply);
  ASSERT_FALSE(bad_removal.ok());
  EXPECT_NE(bad_removal.error().message().find("no reply key"), std::string::npos);
  EXPECT_EQ(r.version(), 1U);
}

TEST_F(RosterTest, LargeRosterAgreesWithASimpleModel) {
  std::mt19937_64 gen(7);
  Roster r;
  std::vector<crypto::Point> present;
  std::vector<std::vector<crypto::Point>> history = {{}};
  for (std::uint64_t v = 1; v <= 600; ++v) {
    if (!present.empty() && gen() % 3 == 0) {
      const std::size_t i = gen() % present.size();
      ASSERT_TRUE(r.Apply(Remove(v, present[i])).ok());
      present.erase(present.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      present.push_back(NewKey());
      ASSERT_TRUE(r.Apply(Add(v, present.back())).ok());
    }
    history.push_back(present);
  }
  auto copy = Roster::Replay(r.events());
  ASSERT_TRUE(copy.ok());
  for (std::uint64_t v = 0; v <= 600; v += 37) {
    EXPECT_EQ(*r.members(v), history[v]);
    EXPECT_EQ(*copy->digest(v), RingDigest(history[v]));
  }
}

}  // namespace
}  // namespace candor::domain
