// Organization state proofs (org_state.h): what an author's and a reviewer's client accept as
// the roster, the epochs and the reviewers — and every way a server could bend them refused.
#include "domain/org_state.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "crypto/ed25519.h"
#include "crypto/keys.h"
#include "crypto/ristretto.h"
#include "crypto/rng.h"
#include "crypto/transcript.h"
#include "domain/log_entry.h"
#include "domain/log_state.h"
#include "log/memory_tree.h"

namespace candor::domain {
namespace {

class OrgStateTest : public ::testing::Test {
 protected:
  OrgStateTest() : key_(crypto::GenerateSignKeyPair(rng_)) {}

  crypto::Point NewPoint() { return crypto::ScalarMultBase(rng_.RandomPublicScalar()); }
  crypto::BoxPublicKey NewBoxKey() { return crypto::GenerateBoxKeyPair(rng_).public_key; }

  // Appends to the log; `mine` entries go in the proof.
  void Log(const LogEvent& event, bool mine = true) {
    const crypto::Bytes entry = EncodeLogEntry(event);
    all_.push_back(entry);
    const std::uint64_t index = tree_.Append(entry);
    if (mine) picked_.emplace_back(index, entry);
  }

  // A proof of everything picked so far against a head of the whole log.
  OrgStateProof Proof(const std::string& slug = "state") {
    OrgStateProof p;
    p.organization = slug;
    p.log_public_key = key_.public_key;
    p.tree_head = tlog::SignTreeHead(tlog::TreeHead{tree_.size(), tree_.Root(), 1'790'000'000'000},
                                     key_.secret_key);
    for (const auto& [index, entry] : picked_) {
      p.entries.push_back(BundleEntry{index, entry, *tree_.InclusionProof(index, tree_.size())});
    }
    return p;
  }

  // 25 members (versions 1 … 25, one removed at 26), an epoch at 25, two reviewers, noise from
  // another organization in between.
  void Typical() {
    for (std::uint64_t v = 1; v <= 25; ++v) {
      members_.push_back(NewPoint());
      Log(RosterAddEvent{"state", v, members_.back(), NewBoxKey()});
      if (v % 7 == 0) Log(RosterAddEvent{"usaid", v / 7, NewPoint(), NewBoxKey()}, /*mine=*/false);
    }
    Log(RosterEpochEvent{"state", 25});
    reviewer_a_ = NewBoxKey();
    reviewer_b_ = NewBoxKey();
    Log(ReviewerEvent{"state", 1, 9, "b.reviewer", reviewer_b_});
    Log(ReviewerKeyEvent{"state", 4, reviewer_a_});
    Log(RosterRemoveEvent{"state", 26, members_[3]});
  }

  // Ends the log like a checkpoint (a `log-state` entry over everything logged so far) and
  // returns the tree size of that checkpoint; the proof then carries the entry and `slug`'s leaf.
  std::uint64_t Checkpoint(const std::string& slug = "state") {
    LogState state;
    for (std::size_t i = 0; i < all_.size(); ++i)
      EXPECT_TRUE(state.Replay(i, *DecodeLogEntry(all_[i])).ok());
    leaves_ = state.Leaves();
    // The proof holds one log state: the newest.
    std::erase_if(picked_, [](const auto& e) {
      return std::holds_alternative<LogStateEvent>(*DecodeLogEntry(e.second));
    });
    Log(state.Commit(all_.size()));
    state_ = *ProveOrganizationLeaf(leaves_, slug);
    return all_.size();
  }

  OrgStateProof ProofWithState() {
    OrgStateProof p = Proof();
    p.state = state_;
    return p;
  }

  static void ExpectRefused(const Result<OrgState>& r, std::string_view needle) {
    ASSERT_FALSE(r.ok()) << "accepted";
    EXPECT_EQ(r.error().code(), ErrorCode::kVerificationFailed);
    EXPECT_NE(r.error().message().find(needle), std::string::npos) << r.error().message();
  }

  crypto::SeededRng rng_{4242};
  crypto::SignKeyPair key_;
  tlog::MemoryTree tree_;
  std::vector<crypto::Bytes> all_;  // the whole log
  std::vector<crypto::Bytes> leaves_;
  StateLeafProof state_;
  std::vector<std::pair<std::uint64_t, crypto::Bytes>> picked_;
  std::vector<crypto::Point> members_;
  crypto::BoxPublicKey reviewer_a_, reviewer_b_;
};

TEST_F(OrgStateTest, AValidProofGivesRosterEpochsAndReviewersByAccount) {
  Typical();
  auto state = VerifyOrgState(Proof(), key_.public_key, "state");
  ASSERT_TRUE(state.ok()) << state.error().message();
  EXPECT_EQ(state->roster.version(), 26u);
  EXPECT_EQ(*state->roster.size(25), 25u);
  EXPECT_EQ(*state->roster.size(26), 24u);
  EXPECT_EQ(state->epoch_versions, std::vector<std::uint64_t>{25});
  ASSERT_EQ(state->reviewers.size(), 2u);
  EXPECT_EQ(state->reviewers[0].account_id, 4u);  // by account id, the envelope's order
  EXPECT_EQ(state->reviewers[0].username, "");    // "reviewer-key": no name logged
  EXPECT_EQ(state->reviewers[0].box_public, reviewer_a_);
  EXPECT_EQ(state->reviewers[1].username, "b.reviewer");
  auto rings = RingsAt(*state, 25, kMaxRingSize);
  ASSERT_TRUE(rings.ok());
  ASSERT_EQ(rings->size(), 1u);
  EXPECT_EQ((*rings)[0].size(), 25u);
  EXPECT_TRUE((*rings)[0].IndexOf(members_[3]).has_value());
  EXPECT_FALSE(
      RingsAt(*state, 26, kMaxRingSize)->front().IndexOf(members_[3]).has_value());  // left at 26
  EXPECT_EQ(RingsAt(*state, 27, kMaxRingSize).error().code(), ErrorCode::kNotFound);
  // And the JSON round trip is exact (a server's "page" member is ignored).
  auto json = OrgStateProofToJson(Proof());
  json["page"] = {{"start", 0}, {"next", nullptr}, {"entries", 30}};
  auto back = OrgStateProofFromJson(json);
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_TRUE(VerifyOrgState(*back, key_.public_key, "state").ok());
}

TEST_F(OrgStateTest, EpochsKeepTheLatestTwoAndReviewersCanLeaveAndComeBack) {
  Typical();
  Log(RosterAddEvent{"state", 27, NewPoint(), NewBoxKey()});
  Log(RosterEpochEvent{"state", 27});
  Log(ReviewerRemovedEvent{"state", 2, 9});
  auto state = VerifyOrgState(Proof(), key_.public_key, "state");
  ASSERT_TRUE(state.ok()) << state.error().message();
  EXPECT_EQ(state->epoch_versions, (std::vector<std::uint64_t>{27, 25}));
  ASSERT_EQ(state->reviewers.size(), 1u);
  EXPECT_EQ(state->reviewers[0].account_id, 4u);
  Log(ReviewerEvent{"state", 3, 9, "b.reviewer", reviewer_b_});
  state = VerifyOrgState(Proof(), key_.public_key, "state");
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->reviewers.size(), 2u);
}

// Issue 11 item 7 (and the H-2 gap): a state cut at an older epoch, or hiding the newest
// reviewer removal, is caught by the log state of the newest checkpoint.
TEST_F(OrgStateTest, TheLogStateShowsNothingNewerIsHidden) {
  Typical();
  Log(RosterAddEvent{"state", 27, NewPoint(), NewBoxKey()});
  Log(RosterEpochEvent{"state", 27});
  Log(ReviewerRemovedEvent{"state", 2, 9});
  const std::uint64_t checkpoint = Checkpoint();
  auto state = VerifyOrgState(ProofWithState(), key_.public_key, "state", checkpoint);
  ASSERT_TRUE(state.ok()) << state.error().message();
  EXPECT_EQ(state->complete_at, checkpoint);
  EXPECT_EQ(state->reviewers.size(), 1u);

  // The newest entries left out, in turn: the leaf says what the latest versions are.
  const auto without = [&](std::size_t drop) {
    OrgStateProof p = ProofWithState();
    p.entries.erase(p.entries.end() - 1 - static_cast<std::ptrdiff_t>(drop));
    return VerifyOrgState(p, key_.public_key, "state", checkpoint);
  };
  ExpectRefused(without(1),
                "shows reviewer version 1, but the log state at tree size");  // the removal
  ExpectRefused(without(2), "shows roster epoch 25");                         // the newest epoch
  // The log state left out, or only its leaf: refused when a checkpoint is required.
  OrgStateProof no_state = Proof();
  no_state.entries.pop_back();
  ExpectRefused(VerifyOrgState(no_state, key_.public_key, "state", checkpoint),
                "holds no log state");
  EXPECT_TRUE(
      VerifyOrgState(no_state, key_.public_key, "state").ok());  // without a checkpoint to meet
  ExpectRefused(VerifyOrgState(Proof(), key_.public_key, "state"),
                "holds a log state but not its leaf");
  // Another organization's leaf, a forged leaf.
  OrgStateProof other = ProofWithState();
  other.state = *ProveOrganizationLeaf(leaves_, "usaid");
  ExpectRefused(VerifyOrgState(other, key_.public_key, "state"), "is not the leaf of 'state'");
  OrgStateProof forged = ProofWithState();
  forged.state->leaf.back() ^= 1;
  ExpectRefused(VerifyOrgState(forged, key_.public_key, "state"),
                "does not check against the log state");
  // An older checkpoint's log state (and leaf), proven in the newer tree, where a newer
  // checkpoint exists: refused against the newest checkpoint the client knows.
  const std::uint64_t old_checkpoint = checkpoint;
  const StateLeafProof old_leaf = state_;
  Log(RosterAddEvent{"state", 28, NewPoint(), NewBoxKey()});
  const std::uint64_t newer = Checkpoint();
  OrgStateProof stale = Proof();
  stale.entries.back() = BundleEntry{old_checkpoint - 1, all_[old_checkpoint - 1],
                                     *tree_.InclusionProof(old_checkpoint - 1, tree_.size())};
  stale.entries.pop_back();
  stale.entries.pop_back();  // version 28 too, which the old state does not know
  stale.entries.push_back(BundleEntry{old_checkpoint - 1, all_[old_checkpoint - 1],
                                      *tree_.InclusionProof(old_checkpoint - 1, tree_.size())});
  stale.state = old_leaf;
  ExpectRefused(VerifyOrgState(stale, key_.public_key, "state", newer),
                "older than the newest checkpoint");
  EXPECT_TRUE(VerifyOrgState(stale, key_.public_key, "state", old_checkpoint).ok());
  // And JSON carries it.
  auto back = OrgStateProofFromJson(OrgStateProofToJson(ProofWithState()));
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_TRUE(VerifyOrgState(*back, key_.public_key, "state", newer).ok());
}

TEST_F(OrgStateTest, ALeftOutRosterChangeIsRefused) {
  Typical();
  OrgStateProof p = Proof();
  p.entries.erase(p.entries.begin() + 10);  // version 11: the ring would shrink unseen
  ExpectRefused(VerifyOrgState(p, key_.public_key, "state"), "version");
}

TEST_F(OrgStateTest, AnUnloggedMemberOrReviewerIsRefused) {
  Typical();
  // The operator adds a sybil member and its own reviewer key, with made-up proofs.
  OrgStateProof p = Proof();
  p.entries.push_back(BundleEntry{
      tree_.size() - 1, EncodeLogEntry(ReviewerEvent{"state", 2, 99, "operator", NewBoxKey()}),
      *tree_.InclusionProof(tree_.size() - 1, tree_.size())});
  ExpectRefused(VerifyOrgState(p, key_.public_key, "state"), "increasing");
  p = Proof();
  p.entries.back().entry = EncodeLogEntry(ReviewerEvent{"state", 2, 99, "operator", NewBoxKey()});
  ExpectRefused(VerifyOrgState(p, key_.public_key, "state"), "inclusion proof");
  p = Proof();
  p.entries.back().entry = EncodeLogEntry(RosterAddEvent{"state", 26, NewPoint(), NewBoxKey()});
  ExpectRefused(VerifyOrgState(p, key_.public_key, "state"), "inclusion proof");
}

TEST_F(OrgStateTest, AnotherKeyAnotherOrganizationOrAForgedHeadIsRefused) {
  Typical();
  crypto::SeededRng other(1);
  ExpectRefused(VerifyOrgState(Proof(), crypto::GenerateSignKeyPair(other).public_key, "state"),
                "not the pinned log key");
  ExpectRefused(VerifyOrgState(Proof(), key_.public_key, "usaid"), "not of 'usaid'");
  OrgStateProof p = Proof();
  p.tree_head.head.root.bytes[0] ^= 1;
  ExpectRefused(VerifyOrgState(p, key_.public_key, "state"), "not signed");
  // An entry of another organization slipped in.
  Log(RosterAddEvent{"usaid", 4, NewPoint(), NewBoxKey()});
  ExpectRefused(VerifyOrgState(Proof(), key_.public_key, "state"), "another organization");
}

TEST_F(OrgStateTest, EpochAndReviewerRulesHold) {
  Typical();
  Log(RosterEpochEvent{"state", 25});
  ExpectRefused(VerifyOrgState(Proof(), key_.public_key, "state"), "newer version");
  picked_.pop_back();
  Log(RosterEpochEvent{"state", 40});
  ExpectRefused(VerifyOrgState(Proof(), key_.public_key, "state"), "not logged before it");
  picked_.pop_back();
  Log(ReviewerRemovedEvent{"state", 2, 5});
  ExpectRefused(VerifyOrgState(Proof(), key_.public_key, "state"), "was not one");
  picked_.pop_back();
  Log(ReviewerEvent{"state", 2, 12, "copy", reviewer_a_});
  ExpectRefused(VerifyOrgState(Proof(), key_.public_key, "state"), "share one key");
  picked_.pop_back();
  // A reviewer change left out: the versions show it.
  Log(ReviewerEvent{"state", 3, 12, "later", NewBoxKey()});
  ExpectRefused(VerifyOrgState(Proof(), key_.public_key, "state"),
                "reviewer version 3 follows version 1");
  picked_.pop_back();
  Log(CableLogEvent{"state", crypto::Digest32{}, 1, CableAction::kSubmitted, crypto::Digest32{},
                    Date{2026, 12, 6}});
  ExpectRefused(VerifyOrgState(Proof(), key_.public_key, "state"), "does not hold ('cable-event')");
}

TEST_F(OrgStateTest, TheShapeIsStrict) {
  Typical();
  auto json = OrgStateProofToJson(Proof());
  json["extra"] = 1;
  EXPECT_FALSE(OrgStateProofFromJson(json).ok());
  json = OrgStateProofToJson(Proof());
  json["format"] = "candor-letter-bundle-v1";
  EXPECT_FALSE(OrgStateProofFromJson(json).ok());
  json = OrgStateProofToJson(Proof());
  json["entries"][0]["proof"].push_back(1);
  EXPECT_FALSE(OrgStateProofFromJson(json).ok());
  json = OrgStateProofToJson(Proof());
  json.erase("tree_head");
  EXPECT_FALSE(OrgStateProofFromJson(json).ok());
}

// The fuzz seeds (fuzz/corpus/org_state/): valid-* verify against the key they name, invalid-* do
// not. The inputs a campaign added (named by their hash) may be either.
TEST(OrgStateCorpusTest, SeedsVerifyAsNamed) {
  const std::filesystem::path dir =
      std::filesystem::path(CANDOR_SOURCE_DIR) / "fuzz" / "corpus" / "org_state";
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
  int valid = 0, invalid = 0;
  for (const auto& file : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(file.path());
    const nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
    const std::string name = file.path().filename().string();
    auto proof = OrgStateProofFromJson(j);
    auto state = proof.ok() ? VerifyOrgState(*proof, proof->log_public_key, proof->organization)
                            : Result<OrgState>(proof.error());
    if (name.rfind("valid-", 0) == 0) {
      ++valid;
      ASSERT_TRUE(state.ok()) << name << ": " << state.error().message();
      EXPECT_FALSE(state->epoch_versions.empty()) << name;
      EXPECT_FALSE(state->reviewers.empty()) << name;
    } else if (name.rfind("invalid-", 0) == 0) {
      ++invalid;
      EXPECT_FALSE(state.ok()) << name;
    }
  }
  EXPECT_GE(valid, 1);
  EXPECT_GE(invalid, 3);
}

TEST(KeyFingerprintTest, IsTheFirstSixteenBytesOfSha256InGroupsOfFour) {
  crypto::BoxPublicKey key;
  for (std::size_t i = 0; i < key.bytes.size(); ++i) key.bytes[i] = static_cast<std::uint8_t>(i);
  // sha256(00 01 … 1f) = 630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd
  EXPECT_EQ(KeyFingerprint(key), "630d cd29 66c4 3366 9112 5448 bbb2 5b4f");
}

}  // namespace
}  // namespace candor::domain
