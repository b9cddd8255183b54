#include "domain/bundle.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "crypto/ed25519.h"
#include "crypto/keys.h"
#include "crypto/lrs.h"
#include "crypto/rng.h"
#include "domain/cosignature.h"
#include "domain/log_entry.h"
#include "domain/roster.h"
#include "log/memory_tree.h"
#include "log/tree_head.h"

namespace candor::domain {
namespace {

using Json = nlohmann::json;

constexpr std::uint64_t kTimestamp = 1'790'000'000'000;

// A whole log in memory, built the way the server builds it: organizations and their
// rosters, letters pinning roster versions, co-signatures made with SignLetter over the
// letter's rings, and signature batches. Seeded, so every run builds the same bytes.
class LetterLog {
 public:
  explicit LetterLog(std::size_t max_ring = kMaxRingSize, std::uint64_t seed = 1)
      : max_ring_(max_ring), rng_(seed), log_key_(crypto::GenerateSignKeyPair(rng_)) {}

  std::uint64_t Append(const LogEvent& event) {
    if (const auto* c = std::get_if<CoSignatureEvent>(&event)) ++pending_[c->letter];
    if (const auto* b = std::get_if<SignatureBatchEvent>(&event)) {
      pending_[b->letter] = 0;
      next_batch_[b->letter] = b->batch + 1;
    }
    crypto::Bytes entry = EncodeLogEntry(event);
    tree_.Append(entry);
    log_.push_back(std::move(entry));
    return log_.size() - 1;
  }

  void AddOrganization(const std::string& slug, std::size_t members) {
    Append(OrganizationCreatedEvent{slug, "Organization " + slug, false, OrganizationSettings{}});
    for (std::size_t i = 0; i < members; ++i) AddMember(slug);
  }

  std::uint64_t AddMember(const std::string& slug) {
    Org& org = orgs_[slug];
    org.keys.push_back(crypto::GenerateRingKeyPair(rng_));
    crypto::BoxPublicKey reply;
    rng_.Fill(reply.bytes);
    reply.bytes[31] &= 0x7f;  // the canonical encoding (IsValidBoxPublicKey)
    RosterEvent ev{org.roster.version() + 1, RosterChange::kAdd, org.keys.back().public_key, reply};
    EXPECT_TRUE(org.roster.Apply(ev).ok());
    return Append(RosterLogEvent(slug, ev));
  }

  // Adds to `slug` the ring key of member `member` of `from` (one person in two organizations).
  std::uint64_t Enroll(const std::string& slug, const std::string& from, std::size_t member) {
    const crypto::RingKeyPair& source = orgs_[from].keys[member];
    Org& org = orgs_[slug];
    org.keys.push_back(crypto::RingKeyPair{source.public_key, source.secret.Clone()});
    crypto::BoxPublicKey reply;
    rng_.Fill(reply.bytes);
    reply.bytes[31] &= 0x7f;  // the canonical encoding (IsValidBoxPublicKey)
    RosterEvent ev{org.roster.version() + 1, RosterChange::kAdd, source.public_key, reply};
    EXPECT_TRUE(org.roster.Apply(ev).ok());
    return Append(RosterLogEvent(slug, ev));
  }

  std::uint64_t RemoveMember(const std::string& slug, std::size_t member) {
    Org& org = orgs_[slug];
    RosterEvent ev{org.roster.version() + 1, RosterChange::kRemove, org.keys[member].public_key,
                   std::nullopt};
    EXPECT_TRUE(org.roster.Apply(ev).ok());
    return Append(RosterLogEvent(slug, ev));
  }

  // Publishes a letter naming `orgs`, pinned at their current roster versions.
  LetterId Publish(const std::vector<std::string>& orgs,
                   const std::string& title = "On the policy") {
    Letter letter{title,        "We, the undersigned, ask leadership to reconsider.",
                  orgs,         std::nullopt,
                  std::nullopt, std::nullopt};
    LetterEvent ev{letter, {}};
    const LetterId id = ComputeLetterId(letter);
    for (const auto& slug : orgs) {
      ev.roster_versions.push_back(orgs_[slug].roster.version());
      pins_[id][slug] = orgs_[slug].roster.version();
    }
    Append(ev);
    return id;
  }

  // The ring of `slug` for `letter` that holds `member`, by the bucket rule.
  crypto::Ring RingOf(const LetterId& letter, const std::string& slug, std::size_t member) const {
    const Org& org = orgs_.at(slug);
    auto members = *org.roster.members(pins_.at(letter).at(slug));
    auto buckets = BucketRoster(members, max_ring_);
    auto bucket = BucketOf(buckets, org.keys[member].public_key);
    EXPECT_TRUE(bucket.has_value());
    return *crypto::Ring::Create(buckets[*bucket]);
  }

  // A co-signature by `member` of `slug`, over its ring (or over `ring` when given).
  CoSignatureEvent Sign(const LetterId& letter, const std::string& slug, std::size_t member,
                        SignatureAction action = SignatureAction::kSign,
                        const crypto::Ring* ring = nullptr) {
    const Org& org = orgs_.at(slug);
    const crypto::Ring own = ring != nullptr ? *ring : RingOf(letter, slug, member);
    auto index = own.IndexOf(org.keys[member].public_key);
    EXPECT_TRUE(index.has_value());
    auto sig = SignLetter(letter, action, own, *index, org.keys[member].secret, rng_);
    EXPECT_TRUE(sig.ok());
    return CoSignatureEvent{letter, slug, action, sig->ring_digest, sig->signature};
  }

  std::uint64_t CoSign(const LetterId& letter, const std::string& slug, std::size_t member,
                       SignatureAction action = SignatureAction::kSign) {
    return Append(Sign(letter, slug, member, action));
  }

  // Closes a batch of the co-signatures appended since the last one (or `count`), numbered
  // one after the last (or `number`).
  std::uint64_t CloseBatch(const LetterId& letter, std::optional<std::uint64_t> count = {},
                           std::optional<std::uint64_t> number = {}) {
    const std::uint64_t n = number.value_or(next_batch_.count(letter) ? next_batch_[letter] : 1);
    const std::uint64_t c = count.value_or(pending_[letter]);
    return Append(SignatureBatchEvent{letter, n, c, kTimestamp + 60'000 * n});
  }

  tlog::SignedTreeHead SignHead(const tlog::TreeHead& head) const {
    return tlog::SignTreeHead(head, log_key_.secret_key);
  }
  tlog::SignedTreeHead Head() const {
    return SignHead(tlog::TreeHead{tree_.size(), tree_.Root(), kTimestamp});
  }

  LetterBundle BundleOf(const LetterId& letter, const std::vector<std::uint64_t>& indices) const {
    std::vector<std::pair<std::uint64_t, crypto::Bytes>> entries;
    for (auto i : indices) entries.emplace_back(i, log_[i]);
    auto bundle = BuildLetterBundle(letter, log_key_.public_key, Head(), tree_, std::move(entries));
    EXPECT_TRUE(bundle.ok()) << bundle.error().message();
    return *bundle;
  }

  std::vector<std::uint64_t> Selected(const LetterId& letter) const {
    auto picked = SelectLetterBundleEntries(log_, letter);
    EXPECT_TRUE(picked.ok()) << picked.error().message();
    return *picked;
  }

  LetterBundle Bundle(const LetterId& letter) const { return BundleOf(letter, Selected(letter)); }

  // Every entry but `organization-created` ones: for logs of one letter, a bundle that also
  // holds what SelectLetterBundleEntries would leave out.
  LetterBundle Everything(const LetterId& letter) const {
    std::vector<std::uint64_t> indices;
    for (std::uint64_t i = 0; i < log_.size(); ++i) {
      if (!std::holds_alternative<OrganizationCreatedEvent>(*DecodeLogEntry(log_[i]))) {
        indices.push_back(i);
      }
    }
    return BundleOf(letter, indices);
  }

  // Ends the log like a checkpoint: a `log-state` entry committing to everything before it.
  // Returns its (sorted) leaves.
  std::vector<crypto::Bytes> Checkpoint() {
    LogState state;
    for (std::size_t i = 0; i < log_.size(); ++i)
      EXPECT_TRUE(state.Replay(i, *DecodeLogEntry(log_[i])).ok());
    Append(state.Commit(log_.size()));
    return state.Leaves();
  }

  // The bundle a server serves at that checkpoint: with the log state's leaves.
  LetterBundle CompleteBundle(const LetterId& letter, const std::vector<crypto::Bytes>& leaves,
                              std::optional<std::vector<std::uint64_t>> indices = {}) const {
    LetterBundle b = BundleOf(letter, indices.value_or(Selected(letter)));
    for (const auto& e : b.entries) {
      const auto ev = DecodeLogEntry(e.entry);
      if (const auto* l = std::get_if<LetterEvent>(&*ev))
        b.state = *LetterStateProofs(leaves, l->letter);
    }
    return b;
  }

  const crypto::SignPublicKey& log_key() const { return log_key_.public_key; }
  const std::vector<crypto::Bytes>& log() const { return log_; }

 private:
  struct Org {
    std::vector<crypto::RingKeyPair> keys;  // every member ever added, in order
    Roster roster;
  };

  std::size_t max_ring_;
  crypto::SeededRng rng_;
  crypto::SignKeyPair log_key_;
  tlog::MemoryTree tree_;
  std::vector<crypto::Bytes> log_;
  std::map<std::string, Org> orgs_;
  std::map<LetterId, std::map<std::string, std::uint64_t>> pins_;
  std::map<LetterId, std::uint64_t> pending_;
  std::map<LetterId, std::uint64_t> next_batch_;
};

BundleOptions Options(std::size_t min_ring = kDefaultMinRingSize) {
  BundleOptions o;
  o.min_ring = min_ring;
  o.threads = 2;
  return o;
}

void ExpectFails(const Result<BundleReport>& r, ErrorCode code, std::string_view needle) {
  ASSERT_FALSE(r.ok()) << "the bundle verified";
  EXPECT_EQ(r.error().code(), code) << r.error().message();
  EXPECT_NE(r.error().message().find(needle), std::string::npos)
      << "'" << r.error().message() << "' lacks '" << needle << "'";
}

void ExpectRejected(const LetterBundle& b, std::string_view needle,
                    const BundleOptions& options = Options()) {
  ExpectFails(VerifyLetterBundle(b, options), ErrorCode::kVerificationFailed, needle);
}

void ExpectMalformed(const Json& j, std::string_view needle) {
  ExpectFails(VerifyLetterBundle(j, Options()), ErrorCode::kInvalidArgument, needle);
}

// Two organizations (state: 26 added, 1 removed = 25 members at version 27; usaid: 30), an
// organization the letter does not name, a letter, two batches, a co-signature still
// waiting, and roster changes after the letter.
class BundleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log_.AddOrganization("state", 26);
    log_.RemoveMember("state", 3);
    log_.AddOrganization("usaid", 30);
    log_.AddOrganization("other", 20);
    letter_ = log_.Publish({"state", "usaid"});
    // Batch 1: three from state, one from usaid.
    for (std::size_t m : {0, 1, 2}) log_.CoSign(letter_, "state", m);
    log_.CoSign(letter_, "usaid", 0);
    log_.CloseBatch(letter_);
    log_.AddMember("state");  // after the letter: version 28, not part of the bundle
    // Batch 2: two from usaid, a withdrawal and a duplicate from state.
    log_.CoSign(letter_, "usaid", 1);
    log_.CoSign(letter_, "state", 1, SignatureAction::kWithdraw);
    log_.CoSign(letter_, "usaid", 2);
    log_.CoSign(letter_, "state", 0);  // signs again: a duplicate
    log_.CloseBatch(letter_);
    log_.CoSign(letter_, "usaid", 3);  // waits for batch 3: not in the bundle
  }

  LetterLog log_;
  LetterId letter_;
};

TEST_F(BundleTest, CountsPerOrganizationAndOverTime) {
  const LetterBundle bundle = log_.Bundle(letter_);
  // letter, 27 + 30 roster entries, 8 co-signatures, 2 batches.
  EXPECT_EQ(bundle.entries.size(), 1u + 27 + 30 + 8 + 2);
  auto report = VerifyLetterBundle(bundle, Options());
  ASSERT_TRUE(report.ok()) << report.error().message();
  EXPECT_EQ(report->letter_id, letter_);
  EXPECT_EQ(report->letter.title, "On the policy");
  EXPECT_EQ(report->log_key, log_.log_key());
  ASSERT_EQ(report->organizations.size(), 2u);
  EXPECT_EQ(report->organizations[0].slug, "state");
  EXPECT_EQ(report->organizations[0].roster_version, 27u);
  EXPECT_EQ(report->organizations[0].roster_size, 25u);
  EXPECT_EQ(report->organizations[0].ring_sizes, std::vector<std::size_t>{25});
  EXPECT_EQ(report->organizations[0].signers, 2u);  // 0, 2 (1 withdrew)
  EXPECT_EQ(report->organizations[1].slug, "usaid");
  EXPECT_EQ(report->organizations[1].roster_version, 30u);
  EXPECT_EQ(report->organizations[1].ring_sizes, std::vector<std::size_t>{30});
  EXPECT_EQ(report->organizations[1].signers, 3u);  // 0, 1, 2 (3 still waits)
  EXPECT_EQ(report->total, 5u);
  EXPECT_EQ(report->signatures_checked, 8u);
  EXPECT_EQ(report->withdrawals, 1u);
  EXPECT_EQ(report->duplicates_dropped, 1u);
  EXPECT_EQ(report->batches, 2u);
  ASSERT_EQ(report->timeline.size(), 2u);
  EXPECT_EQ(report->timeline[0].batch, 1u);
  EXPECT_EQ(report->timeline[0].count, 4u);
  EXPECT_EQ(report->timeline[0].published_at_ms, kTimestamp + 60'000);
  EXPECT_EQ(report->timeline[0].signers_after, 4u);
  EXPECT_EQ(report->timeline[0].signers_after_by_org, (std::vector<std::uint64_t>{3, 1}));
  EXPECT_EQ(report->timeline[1].signers_after, 5u);
  EXPECT_EQ(report->timeline[1].signers_after_by_org, (std::vector<std::uint64_t>{2, 3}));

  const Json j = BundleReportToJson(*report);
  EXPECT_EQ(j["total"], 5);
  EXPECT_EQ(j["organizations"][1]["slug"], "usaid");
  EXPECT_EQ(j["timeline"][1]["signers_after"], 5);
}

TEST_F(BundleTest, TheSignersRingsComeFromTheSamePhasesAsTheCount) {
  // What `candor letter sign` and the member page sign with: the rings of phases 1 to 5,
  // from the bundle without co-signatures, and the same from a whole bundle.
  std::vector<std::uint64_t> no_signatures;
  for (const auto& e : log_.Bundle(letter_).entries) {
    auto ev = DecodeLogEntry(e.entry);
    if (!std::holds_alternative<CoSignatureEvent>(*ev)) no_signatures.push_back(e.index);
  }
  for (const LetterBundle& bundle : {log_.BundleOf(letter_, no_signatures), log_.Bundle(letter_)}) {
    auto rings = LetterRingsFromBundle(bundle, Options());
    ASSERT_TRUE(rings.ok()) << rings.error().message();
    EXPECT_EQ(rings->id, letter_);
    EXPECT_EQ(rings->letter.title, "On the policy");
    ASSERT_EQ(rings->orgs.size(), 2u);
    EXPECT_EQ(rings->orgs[0].slug, "state");
    EXPECT_EQ(rings->orgs[0].version, 27u);
    EXPECT_EQ(rings->orgs[0].members.size(), 25u);
    auto expected = RosterRings(rings->orgs[0].members, kMaxRingSize);
    ASSERT_TRUE(expected.ok());
    ASSERT_EQ(rings->orgs[0].rings.size(), expected->size());
    EXPECT_EQ(rings->orgs[0].rings[0].digest(), (*expected)[0].digest());
    EXPECT_EQ(rings->orgs[1].members.size(), 30u);
  }
  // The checks of phases 1 to 5 hold: a left-out roster version, another log key.
  std::vector<std::uint64_t> fewer = no_signatures;
  fewer.erase(fewer.begin() + 5);  // version 6 of the roster of 'state'
  auto gap = LetterRingsFromBundle(log_.BundleOf(letter_, fewer), Options());
  ASSERT_FALSE(gap.ok());
  EXPECT_EQ(gap.error().code(), ErrorCode::kVerificationFailed);
  EXPECT_NE(gap.error().message().find("version 6 is missing"), std::string::npos)
      << gap.error().message();
  BundleOptions other = Options();
  other.expected_log_key = crypto::SignPublicKey{};
  EXPECT_EQ(LetterRingsFromBundle(log_.Bundle(letter_), other).error().code(),
            ErrorCode::kVerificationFailed);
}

TEST_F(BundleTest, JsonRoundTripAndTheSameCountOnAnyNumberOfThreads) {
  const LetterBundle bundle = log_.Bundle(letter_);
  const Json j = LetterBundleToJson(bundle);
  EXPECT_EQ(j["format"], "candor-letter-bundle-v1");
  auto back = LetterBundleFromJson(Json::parse(j.dump()));
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(*back, bundle);
  for (unsigned threads : {0u, 1u, 3u, 16u}) {
    BundleOptions o = Options();
    o.threads = threads;
    std::size_t last = 0, calls = 0, total_seen = 0;
    o.progress = [&](std::size_t done, std::size_t total) {
      EXPECT_GE(done, last);  // never backwards
      last = done;
      total_seen = total;
      ++calls;
    };
    auto report = VerifyLetterBundle(j, o);
    ASSERT_TRUE(report.ok()) << report.error().message();
    EXPECT_EQ(report->total, 5u) << threads;
    EXPECT_EQ(last, 8u);
    EXPECT_EQ(total_seen, 8u);
    EXPECT_GE(calls, 2u);
  }
}

TEST_F(BundleTest, TheLogKeyMustBeTheExpectedOne) {
  const LetterBundle bundle = log_.Bundle(letter_);
  BundleOptions o = Options();
  o.expected_log_key = log_.log_key();
  EXPECT_TRUE(VerifyLetterBundle(bundle, o).ok());
  crypto::SeededRng rng(99);
  o.expected_log_key = crypto::GenerateSignKeyPair(rng).public_key;
  ExpectRejected(bundle, "not the expected log key", o);
}

TEST_F(BundleTest, TreeHeadSignature) {
  LetterBundle bundle = log_.Bundle(letter_);
  bundle.tree_head.signature.bytes[5] ^= 1;
  ExpectRejected(bundle, "tree head's signature");
  // A tree head signed by another key: the right key for its signature, but not the log's.
  bundle = log_.Bundle(letter_);
  crypto::SeededRng rng(7);
  const crypto::SignKeyPair other = crypto::GenerateSignKeyPair(rng);
  bundle.tree_head = tlog::SignTreeHead(bundle.tree_head.head, other.secret_key);
  ExpectRejected(bundle, "tree head's signature");
  // Another root under a valid signature of the log: the proofs fail.
  bundle = log_.Bundle(letter_);
  tlog::TreeHead head = bundle.tree_head.head;
  head.root.bytes[0] ^= 1;
  bundle.tree_head = log_.SignHead(head);
  ExpectRejected(bundle, "inclusion proof");
}

TEST_F(BundleTest, TamperedEntryOrProof) {
  LetterBundle bundle = log_.Bundle(letter_);
  const std::size_t last_cosig = bundle.entries.size() - 2;  // before the last batch
  bundle.entries[last_cosig].entry[200] ^= 1;                // a signature byte
  ExpectRejected(bundle, "inclusion proof");

  bundle = log_.Bundle(letter_);
  bundle.entries[3].proof[2].bytes[7] ^= 1;
  ExpectRejected(bundle, "entry 3 (log index");

  bundle = log_.Bundle(letter_);
  bundle.entries[3].proof.pop_back();
  ExpectRejected(bundle, "inclusion proof");

  bundle = log_.Bundle(letter_);
  bundle.entries[3].index += 1;
  ExpectRejected(bundle, "inclusion proof");
}

TEST(BundleSignatureTest, ABadSignatureInTheLogIsFound) {
  LetterLog log;
  log.AddOrganization("state", 25);
  const LetterId letter = log.Publish({"state"});
  log.CoSign(letter, "state", 0);
  CoSignatureEvent bad = log.Sign(letter, "state", 1);
  bad.signature[0] ^= 1;  // c0 changed: the ring equations no longer close
  log.Append(bad);
  log.CoSign(letter, "state", 2);
  log.CloseBatch(letter);
  ExpectRejected(log.Bundle(letter), "the signature does not verify");

  // A signature made for one action and logged as the other.
  LetterLog log2;
  log2.AddOrganization("state", 25);
  const LetterId letter2 = log2.Publish({"state"});
  CoSignatureEvent swapped = log2.Sign(letter2, "state", 4);
  swapped.action = SignatureAction::kWithdraw;
  log2.Append(swapped);
  log2.CloseBatch(letter2);
  ExpectRejected(log2.Bundle(letter2), "does not verify");
}

TEST_F(BundleTest, MissingRosterVersion) {
  const LetterBundle full = log_.Bundle(letter_);
  std::vector<std::uint64_t> fewer;
  for (const auto& e : full.entries) {
    auto ev = DecodeLogEntry(e.entry);
    const auto* add = std::get_if<RosterAddEvent>(&*ev);
    if (add != nullptr && add->slug == "state" && add->version == 5) continue;
    fewer.push_back(e.index);
  }
  ExpectRejected(log_.BundleOf(letter_, fewer), "version 5 is missing");

  // The last version missing too: the roster stops short of its pin.
  std::vector<std::uint64_t> short_of_pin;
  for (const auto& e : full.entries) {
    auto ev = DecodeLogEntry(e.entry);
    const auto* remove = std::get_if<RosterRemoveEvent>(&*ev);
    if (remove != nullptr) continue;
    short_of_pin.push_back(e.index);
  }
  ExpectRejected(log_.BundleOf(letter_, short_of_pin), "lacks version 27 of the roster of 'state'");

  // No roster entry of usaid at all.
  std::vector<std::uint64_t> no_usaid;
  for (const auto& e : full.entries) {
    auto ev = DecodeLogEntry(e.entry);
    const auto* add = std::get_if<RosterAddEvent>(&*ev);
    if (add != nullptr && add->slug == "usaid") continue;
    no_usaid.push_back(e.index);
  }
  ExpectRejected(log_.BundleOf(letter_, no_usaid),
                 "lacks versions 1 to 30 of the roster of 'usaid'");
}

TEST_F(BundleTest, RosterEntryOfAnotherVersionOrOrganization) {
  auto picked = log_.Selected(letter_);
  // Version 28 of state was made after the letter.
  std::uint64_t v28 = 0, other_org = 0;
  for (std::uint64_t i = 0; i < log_.log().size(); ++i) {
    auto ev = DecodeLogEntry(log_.log()[i]);
    if (const auto* add = std::get_if<RosterAddEvent>(&*ev)) {
      if (add->slug == "state" && add->version == 28) v28 = i;
      if (add->slug == "other" && add->version == 1) other_org = i;
    }
  }
  ASSERT_NE(v28, 0u);
  auto with = [&](std::uint64_t extra) {
    auto indices = picked;
    indices.push_back(extra);
    return log_.BundleOf(letter_, indices);
  };
  ExpectRejected(with(v28), "but the letter pins version 27");
  ExpectRejected(with(other_org), "which the letter does not name");
  ExpectRejected(with(0), "does not belong in a letter bundle");  // organization-created
}

TEST_F(BundleTest, CoSignatureOutsideAnyBatch) {
  // The waiting co-signature (the log's last entry) added to the bundle.
  auto picked = log_.Selected(letter_);
  picked.push_back(log_.log().size() - 1);
  ExpectRejected(log_.BundleOf(letter_, picked), "lies in no signature batch");
}

TEST_F(BundleTest, CoSignatureOfABatchLeftOut) {
  auto picked = log_.Selected(letter_);
  const LetterBundle full = log_.BundleOf(letter_, picked);
  // The bundle ends with batch 2, which closes the four co-signatures before it; drop the
  // first of them.
  const std::uint64_t dropped = full.entries[full.entries.size() - 5].index;
  std::erase(picked, dropped);
  ExpectRejected(log_.BundleOf(letter_, picked), "is not in the bundle");
}

// Issue 11 item 7: at a checkpoint, a bundle proves it is complete.
TEST_F(BundleTest, AtACheckpointTheBundleProvesItIsComplete) {
  const auto leaves = log_.Checkpoint();
  const LetterBundle complete = log_.CompleteBundle(letter_, leaves);
  auto report = VerifyLetterBundle(complete, Options());
  ASSERT_TRUE(report.ok()) << report.error().message();
  EXPECT_TRUE(report->complete);
  EXPECT_EQ(report->total, 5u);
  // The `state` member travels in the JSON, strictly.
  Json j = LetterBundleToJson(complete);
  ASSERT_EQ(j["state"].size(), 3u);
  auto back = LetterBundleFromJson(j);
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(*back, complete);
  j["state"][0]["extra"] = 1;
  ExpectMalformed(j, "unknown field 'extra' in state leaf 0");
  j["state"] = Json::array();
  ExpectMalformed(j, "'state' in the bundle must be a list of 1 to 1001 leaf proofs");
  // Without the log state the same letter verifies, proving nothing of the kind.
  LetterLog plain;
  plain.AddOrganization("state", 20);
  const LetterId id = plain.Publish({"state"});
  auto r = VerifyLetterBundle(plain.Bundle(id), Options());
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_FALSE(r->complete);
}

TEST_F(BundleTest, ALeftOutBatchAStalePinOrAMissingNextVersionIsCaught) {
  const auto leaves = log_.Checkpoint();
  const auto picked = log_.Selected(letter_);
  const LetterBundle full = log_.CompleteBundle(letter_, leaves);
  // The last batch and its four co-signatures left out, same tree head, every proof valid.
  {
    std::size_t last = 0;
    std::uint64_t count = 0;
    for (std::size_t i = 0; i < full.entries.size(); ++i) {
      const auto ev = DecodeLogEntry(full.entries[i].entry);
      if (const auto* b = std::get_if<SignatureBatchEvent>(&*ev)) {
        last = i;
        count = b->count;
      }
    }
    std::vector<std::uint64_t> fewer;
    for (std::size_t i = 0; i < full.entries.size(); ++i) {
      if (i + count < last || i > last) fewer.push_back(full.entries[i].index);
    }
    ExpectRejected(log_.CompleteBundle(letter_, leaves, fewer),
                   "the bundle lacks batches 2 to 2 of the letter");
  }
  // Version 28 of 'state' (made after the letter) left out: the leaf says it exists.
  std::uint64_t v28 = 0;
  for (auto i : picked) {
    const auto ev = DecodeLogEntry(log_.log()[i]);
    const auto* add = std::get_if<RosterAddEvent>(&*ev);
    if (add != nullptr && add->version == 28) v28 = i;
  }
  ASSERT_NE(v28, 0u) << "the bundle at a checkpoint shows version 28";
  auto without = picked;
  std::erase(without, v28);
  ExpectRejected(log_.CompleteBundle(letter_, leaves, without),
                 "lacks version 28 of the roster of 'state'");
  // The leaves in the wrong order, or a leaf of another letter's proof.
  LetterBundle swapped = full;
  std::swap(swapped.state[1], swapped.state[2]);
  ExpectRejected(swapped, "is not the leaf of organization 'state'");
  LetterBundle tampered = full;
  tampered.state[0].leaf.back() ^= 1;
  ExpectRejected(tampered, "does not check against the log state");
  // `state` without the log state, or the log state without `state`.
  const std::vector<std::uint64_t> before(without.begin(),
                                          without.end() - 1);  // no v28, no log state
  LetterBundle no_entry = log_.BundleOf(letter_, before);
  no_entry.state = full.state;
  ExpectRejected(no_entry, "has state leaves but no log state");
  LetterBundle no_leaves = full;
  no_leaves.state.clear();
  ExpectRejected(no_leaves, "must hold 3 leaves of the log state");
  // Completeness required: a bundle without a log state is refused.
  BundleOptions strict = Options();
  strict.require_complete = true;
  ExpectRejected(log_.BundleOf(letter_, before), "does not prove that it is complete", strict);
  EXPECT_TRUE(VerifyLetterBundle(full, strict).ok());
}

TEST_F(BundleTest, ALogStateOnlyAsTheLastEntryOfTheTree) {
  const auto leaves = log_.Checkpoint();
  auto picked = log_.Selected(letter_);  // with the log state, the tree's last entry
  log_.AddMember("usaid");               // the tree grows past it
  ExpectRejected(log_.CompleteBundle(letter_, leaves, picked),
                 "a log state may only be the last entry");
}

TEST(BundleStalePinTest, ALetterThatDoesNotPinTheLatestRosterIsCaught) {
  LetterLog log;
  log.AddOrganization("state", 25);
  // The server pins version 24 although 25 is logged: a ring without the newest member.
  const Letter letter{
      "Stale", "A letter over an old roster.", {"state"}, std::nullopt, std::nullopt, std::nullopt};
  log.Append(LetterEvent{letter, {24}});
  const LetterId id = ComputeLetterId(letter);
  const auto leaves = log.Checkpoint();
  std::vector<std::uint64_t> picked;
  for (std::uint64_t i = 0; i < log.log().size(); ++i) {
    auto ev = DecodeLogEntry(log.log()[i]);
    const auto* add = std::get_if<RosterAddEvent>(&*ev);
    if ((add != nullptr && add->version <= 24) || std::holds_alternative<LetterEvent>(*ev) ||
        std::holds_alternative<LogStateEvent>(*ev)) {
      picked.push_back(i);
    }
  }
  // Without version 25, the log state gives it away; with it, it lies before the letter.
  ExpectRejected(log.CompleteBundle(id, leaves, picked),
                 "lacks version 25 of the roster of 'state'");
  picked.push_back(25);  // organization-created at 0, versions 1 … 25 at 1 … 25
  std::sort(picked.begin(), picked.end());
  ExpectRejected(log.CompleteBundle(id, leaves, picked),
                 "the letter does not pin the latest roster");
}

TEST_F(BundleTest, ATreeHeadOlderThanAllowedIsRefused) {
  BundleOptions o = Options();
  o.max_age_ms = 72 * 3'600'000ULL;
  o.now_ms = kTimestamp + 71 * 3'600'000ULL;
  EXPECT_TRUE(VerifyLetterBundle(log_.Bundle(letter_), o).ok());
  o.now_ms = kTimestamp + 73 * 3'600'000ULL;
  ExpectRejected(log_.Bundle(letter_),
                 "the bundle's tree head is 73 hours old, older than the 72 hours allowed", o);
  o.now_ms = kTimestamp - 600'000;  // 10 minutes of clock skew
  EXPECT_TRUE(VerifyLetterBundle(log_.Bundle(letter_), o).ok());
  o.now_ms = kTimestamp - 601'000;
  ExpectRejected(log_.Bundle(letter_), "dated more than 10 minutes in the future", o);
}

TEST(BundleBatchTest, BatchGapRepeatAndCount) {
  auto build = [](auto&& batches) {
    LetterLog log;
    log.AddOrganization("state", 25);
    const LetterId letter = log.Publish({"state"});
    batches(log, letter);
    return log.Everything(letter);
  };
  // 1 then 3.
  ExpectRejected(build([](LetterLog& log, const LetterId& l) {
                   log.CoSign(l, "state", 0);
                   log.CloseBatch(l);
                   log.CoSign(l, "state", 1);
                   log.CloseBatch(l, std::nullopt, 3);
                 }),
                 "batch 2 is missing");
  // 1 then 1 again.
  ExpectRejected(build([](LetterLog& log, const LetterId& l) {
                   log.CoSign(l, "state", 0);
                   log.CloseBatch(l);
                   log.CoSign(l, "state", 1);
                   log.CoSign(l, "state", 2);
                   log.CloseBatch(l, std::nullopt, 1);
                 }),
                 "that batch was closed before");
  // Starting at 2.
  ExpectRejected(build([](LetterLog& log, const LetterId& l) {
                   log.CoSign(l, "state", 0);
                   log.CloseBatch(l, std::nullopt, 2);
                 }),
                 "batch 1 is missing");
  // A count that reaches past the co-signatures, onto the letter entry.
  ExpectRejected(build([](LetterLog& log, const LetterId& l) {
                   log.CoSign(l, "state", 0);
                   log.CoSign(l, "state", 1);
                   log.CloseBatch(l, 3);
                 }),
                 "is not a co-signature");
  // A count too small: one co-signature is left outside every batch.
  ExpectRejected(build([](LetterLog& log, const LetterId& l) {
                   log.CoSign(l, "state", 0);
                   log.CoSign(l, "state", 1);
                   log.CloseBatch(l, 1);
                 }),
                 "lies in no signature batch");
  // A count larger than the bundle holds before it.
  ExpectRejected(build([](LetterLog& log, const LetterId& l) {
                   log.CoSign(l, "state", 0);
                   log.CloseBatch(l, 1000);
                 }),
                 "the bundle holds only");
  // A batch right after another batch closes that batch's entry: not a co-signature.
  ExpectRejected(build([](LetterLog& log, const LetterId& l) {
                   log.CoSign(l, "state", 0);
                   log.CloseBatch(l);
                   log.CloseBatch(l, 1);
                 }),
                 "is not a co-signature");
  // The same logs with the right numbers verify.
  auto ok = VerifyLetterBundle(build([](LetterLog& log, const LetterId& l) {
                                 log.CoSign(l, "state", 0);
                                 log.CloseBatch(l);
                                 log.CoSign(l, "state", 1);
                                 log.CoSign(l, "state", 2);
                                 log.CloseBatch(l);
                               }),
                               Options());
  ASSERT_TRUE(ok.ok()) << ok.error().message();
  EXPECT_EQ(ok->total, 3u);
  EXPECT_EQ(ok->batches, 2u);
}

TEST(BundleRingTest, RingNotAmongTheOrganizationsRings) {
  LetterLog log;
  log.AddOrganization("state", 25);
  log.AddOrganization("usaid", 25);
  const LetterId letter = log.Publish({"state", "usaid"});
  // Member 0 of state signs over a ring of its own making: itself and 24 usaid keys.
  crypto::Ring usaid_ring = log.RingOf(letter, "usaid", 0);
  std::vector<crypto::Point> keys(usaid_ring.members().begin(), usaid_ring.members().end() - 1);
  keys.push_back(log.RingOf(letter, "state", 0).members()[0]);
  crypto::Ring made_up = *crypto::Ring::Create(keys);
  log.Append(log.Sign(letter, "state", 0, SignatureAction::kSign, &made_up));
  log.CloseBatch(letter);
  ExpectRejected(log.Bundle(letter), "which is not one of the rings of 'state'");

  // A valid usaid signature logged as a state one.
  LetterLog log2;
  log2.AddOrganization("state", 25);
  log2.AddOrganization("usaid", 25);
  const LetterId letter2 = log2.Publish({"state", "usaid"});
  CoSignatureEvent moved = log2.Sign(letter2, "usaid", 3);
  moved.slug = "state";
  log2.Append(moved);
  log2.CloseBatch(letter2);
  ExpectRejected(log2.Bundle(letter2), "not one of the rings of 'state'");
}

TEST_F(BundleTest, RingsBelowTheMinimum) {
  const LetterBundle bundle = log_.Bundle(letter_);
  EXPECT_TRUE(VerifyLetterBundle(bundle, Options(25)).ok());
  ExpectRejected(bundle, "gives a ring of 25 members, below the minimum ring size of 26",
                 Options(26));
}

TEST(BundleCountTest, WithdrawWithoutSign) {
  LetterLog log;
  log.AddOrganization("state", 25);
  const LetterId letter = log.Publish({"state"});
  log.CoSign(letter, "state", 0);
  log.CoSign(letter, "state", 1, SignatureAction::kWithdraw);
  log.CloseBatch(letter);
  ExpectRejected(log.Bundle(letter), "withdraws a signature that the bundle does not hold");
}

TEST(BundleCountTest, DuplicatesAreDroppedAndReported) {
  LetterLog log;
  log.AddOrganization("state", 25);
  const LetterId letter = log.Publish({"state"});
  log.CoSign(letter, "state", 0);
  log.CoSign(letter, "state", 5);
  log.CloseBatch(letter);
  log.CoSign(letter, "state", 5);  // the same member again, a fresh signature
  log.CloseBatch(letter);
  auto report = VerifyLetterBundle(log.Bundle(letter), Options());
  ASSERT_TRUE(report.ok()) << report.error().message();
  EXPECT_EQ(report->total, 2u);
  EXPECT_EQ(report->duplicates_dropped, 1u);
  EXPECT_EQ(report->signatures_checked, 3u);
  EXPECT_EQ(report->timeline[1].signers_after, 2u);
}

TEST(BundleCountTest, WithdrawalBeforeItsSignatureInTheSameBatch) {
  // The server shuffles a batch: a withdrawal may come before the signature it withdraws.
  LetterLog log;
  log.AddOrganization("state", 25);
  const LetterId letter = log.Publish({"state"});
  log.CoSign(letter, "state", 7, SignatureAction::kWithdraw);
  log.CoSign(letter, "state", 7);
  log.CoSign(letter, "state", 8);
  log.CloseBatch(letter);
  auto report = VerifyLetterBundle(log.Bundle(letter), Options());
  ASSERT_TRUE(report.ok()) << report.error().message();
  EXPECT_EQ(report->total, 1u);
  EXPECT_EQ(report->withdrawals, 1u);
  EXPECT_EQ(report->timeline[0].signers_after, 1u);
}

TEST(BundleCountTest, AMemberOfTwoOrganizationsCountsOnceForTheFirst) {
  // One ring key enrolled in both organizations: its tag links its signatures across them.
  LetterLog log;
  log.AddOrganization("state", 25);
  log.AddOrganization("usaid", 24);
  log.Enroll("usaid", "state", 2);  // usaid member 24 is state member 2
  const LetterId letter = log.Publish({"state", "usaid"});
  log.CoSign(letter, "usaid", 24);
  log.CoSign(letter, "state", 2);
  log.CoSign(letter, "state", 3);
  log.CloseBatch(letter);
  auto report = VerifyLetterBundle(log.Bundle(letter), Options());
  ASSERT_TRUE(report.ok()) << report.error().message();
  EXPECT_EQ(report->total, 2u);
  EXPECT_EQ(report->duplicates_dropped, 1u);
  EXPECT_EQ(report->organizations[0].signers, 1u);  // state: member 3 only
  EXPECT_EQ(report->organizations[1].signers, 1u);  // usaid signed first
}

TEST_F(BundleTest, EntryOfAnotherLetter) {
  // A second letter in the same log, with a co-signature in a batch of its own.
  const LetterId second = log_.Publish({"state"}, "A second letter");
  const std::uint64_t sig = log_.CoSign(second, "state", 4);
  const std::uint64_t batch = log_.CloseBatch(second);
  const auto picked = log_.Selected(letter_);
  for (std::uint64_t extra : {sig, batch}) {
    auto indices = picked;
    indices.push_back(extra);
    ExpectRejected(log_.BundleOf(letter_, indices), "belongs to another letter");
  }
  auto indices = picked;
  indices.push_back(sig - 1);  // the second letter's `letter` entry
  ExpectRejected(log_.BundleOf(letter_, indices), "publishes another letter");
  // And the second letter's own bundle verifies.
  auto report = VerifyLetterBundle(log_.Bundle(second), Options());
  ASSERT_TRUE(report.ok()) << report.error().message();
  EXPECT_EQ(report->total, 1u);
}

TEST_F(BundleTest, TheLetterEntryIsRequiredAndTheIdMustMatch) {
  LetterBundle bundle = log_.Bundle(letter_);
  bundle.letter_id.bytes[0] ^= 1;
  ExpectRejected(bundle, "publishes another letter");
  auto picked = log_.Selected(letter_);
  std::vector<std::uint64_t> without;
  for (auto i : picked) {
    if (!std::holds_alternative<LetterEvent>(*DecodeLogEntry(log_.log()[i]))) without.push_back(i);
  }
  ExpectRejected(log_.BundleOf(letter_, without), "lacks the 'letter' entry");
}

TEST_F(BundleTest, OrderAndRepeats) {
  LetterBundle bundle = log_.Bundle(letter_);
  std::swap(bundle.entries[10], bundle.entries[11]);
  ExpectRejected(bundle, "increasing log index");
  bundle = log_.Bundle(letter_);
  bundle.entries.insert(bundle.entries.begin() + 5, bundle.entries[5]);
  ExpectRejected(bundle, "increasing log index");
}

TEST(BundleBucketTest, LargeRostersAreSplitIntoRings) {
  // With a largest ring of 10: 25 members make rings of 9, 8, 8 and 30 make 10, 10, 10.
  LetterLog log(/*max_ring=*/10);
  log.AddOrganization("state", 25);
  log.AddOrganization("usaid", 30);
  const LetterId letter = log.Publish({"state", "usaid"});
  std::set<crypto::Digest32> rings_used;
  for (std::size_t m = 0; m < 25; m += 3) {
    rings_used.insert(log.Sign(letter, "state", m).ring_digest);
    log.CoSign(letter, "state", m);
  }
  for (std::size_t m = 1; m < 30; m += 4) log.CoSign(letter, "usaid", m);
  log.CloseBatch(letter);
  EXPECT_GE(rings_used.size(), 2u);  // several of state's rings are exercised

  BundleOptions o = Options(8);
  o.max_ring = 10;
  auto report = VerifyLetterBundle(log.Bundle(letter), o);
  ASSERT_TRUE(report.ok()) << report.error().message();
  EXPECT_EQ(report->organizations[0].ring_sizes, (std::vector<std::size_t>{9, 8, 8}));
  EXPECT_EQ(report->organizations[1].ring_sizes, (std::vector<std::size_t>{10, 10, 10}));
  EXPECT_EQ(report->organizations[0].signers, 9u);
  EXPECT_EQ(report->organizations[1].signers, 8u);
  EXPECT_EQ(report->total, 17u);
  // Rings of 8 are below a minimum of 9.
  o.min_ring = 9;
  ExpectRejected(log.Bundle(letter), "gives a ring of 8 members", o);
  // Verified with the production bucket size, each roster is one ring, so every signature
  // names a ring that is not the organization's.
  ExpectRejected(log.Bundle(letter), "not one of the rings", Options(8));
  o.max_ring = 0;
  ExpectFails(VerifyLetterBundle(log.Bundle(letter), o), ErrorCode::kInvalidArgument, "max_ring");
}

TEST(BundleRosterTest, EmptyRosterAtThePinnedVersion) {
  LetterLog log;
  log.AddOrganization("state", 1);
  log.RemoveMember("state", 0);
  const LetterId letter = log.Publish({"state"});
  ExpectRejected(log.Bundle(letter), "is empty at version 2", Options(1));
}

// --- the JSON shape ---

class BundleJsonTest : public BundleTest {
 protected:
  Json Good() { return LetterBundleToJson(log_.Bundle(letter_)); }
};

TEST_F(BundleJsonTest, UnknownFieldsAreRefusedEverywhere) {
  Json j = Good();
  j["extra"] = 1;
  ExpectMalformed(j, "unknown field 'extra' in the bundle");
  j = Good();
  j["tree_head"]["note"] = "x";
  ExpectMalformed(j, "unknown field 'note' in the tree head");
  j = Good();
  j["entries"][4]["kind"] = "roster-add";
  ExpectMalformed(j, "unknown field 'kind' in entry 4");
}

TEST_F(BundleJsonTest, TypesHexAndFormat) {
  auto mutate = [&](auto&& change, std::string_view needle) {
    Json j = Good();
    change(j);
    ExpectMalformed(j, needle);
  };
  mutate([](Json& j) { j["format"] = "candor-letter-bundle-v2"; }, "unknown bundle format");
  mutate([](Json& j) { j.erase("format"); }, "lacks the field 'format'");
  mutate([](Json& j) { j["letter_id"] = "abc"; }, "'letter_id' must be 64 hex characters");
  mutate([](Json& j) { j["letter_id"] = std::string(64, 'z'); }, "'letter_id'");
  mutate([](Json& j) { j["log_public_key"] = 5; },
         "'log_public_key' in the bundle must be a string");
  mutate([](Json& j) { j["tree_head"]["tree_size"] = -1; },
         "'tree_size' in the tree head must be a whole number");
  mutate([](Json& j) { j["tree_head"]["tree_size"] = 1.5; }, "'tree_size'");
  mutate([](Json& j) { j["tree_head"]["timestamp_ms"] = "now"; }, "'timestamp_ms'");
  mutate([](Json& j) { j["tree_head"]["signature"] = std::string(64, 'a'); },
         "'signature' must be 128 hex");
  mutate([](Json& j) { j["tree_head"] = Json::array(); }, "the tree head must be a JSON object");
  mutate([](Json& j) { j["entries"] = Json::object(); }, "'entries' in the bundle must be a list");
  mutate([](Json& j) { j["entries"][2]["index"] = "3"; }, "'index' in entry 2");
  mutate([](Json& j) { j["entries"][2]["entry"] = "0g"; }, "entry 2: 'entry'");
  mutate([](Json& j) { j["entries"][2]["entry"] = "abc"; }, "entry 2: 'entry'");
  mutate([](Json& j) { j["entries"][2]["proof"] = "00"; }, "'proof' in entry 2 must be a list");
  mutate([](Json& j) { j["entries"][2]["proof"][0] = 7; },
         "proof hash 0 in entry 2 must be a string");
  mutate([](Json& j) { j["entries"][2]["proof"][0] = "00"; }, "proof hash 0 must be 64 hex");
  mutate(
      [](Json& j) {
        j["entries"][2]["proof"] = Json(std::vector<std::string>(65, std::string(64, '0')));
      },
      "at most 64");
  mutate([](Json& j) { j["entries"][2].erase("proof"); }, "entry 2 lacks the field 'proof'");
  mutate([](Json& j) { j = Json::array(); }, "the bundle must be a JSON object");
}

TEST_F(BundleJsonTest, AnEntryThatDoesNotDecodeFailsVerification) {
  // Proven log content that is not a valid entry: the log itself is broken.
  LetterLog log;
  log.AddOrganization("state", 25);
  const LetterId letter = log.Publish({"state"});
  LetterBundle bundle = log.Bundle(letter);
  bundle.entries[0].entry = {1, 2, 3};
  ExpectRejected(bundle, "entry 0 (log index");
}

TEST(BundleSelectTest, UnknownLetter) {
  LetterLog log;
  log.AddOrganization("state", 2);
  auto picked = SelectLetterBundleEntries(log.log(), LetterId{});
  ASSERT_FALSE(picked.ok());
  EXPECT_EQ(picked.error().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace candor::domain
