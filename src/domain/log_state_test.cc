// The log state (log_state.h): leaves, their commitment, proofs, and the replay a full audit
// runs — checked against tests/vectors/log_state.json (as the browser is) and against logs
// whose committed state lies.
#include "domain/log_state.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "crypto/keys.h"
#include "crypto/ristretto.h"
#include "crypto/rng.h"
#include "crypto/transcript.h"
#include "domain/bundle.h"

namespace candor::domain {
namespace {

using Json = nlohmann::json;

crypto::Bytes Hex(const Json& j) { return *crypto::FromHex(j.get<std::string>()); }

TEST(LogStateVectorsTest, EveryElementChecks) {
  std::ifstream in(CANDOR_SOURCE_DIR "/tests/vectors/log_state.json");
  ASSERT_TRUE(in) << "cannot open tests/vectors/log_state.json";
  const Json v = Json::parse(in);
  std::vector<crypto::Bytes> leaves;
  for (const auto& l : v["leaves"]) {
    leaves.push_back(Hex(l["bytes"]));
    auto leaf = DecodeStateLeaf(leaves.back());
    ASSERT_TRUE(leaf.ok()) << leaf.error().message();
    EXPECT_EQ(EncodeStateLeaf(*leaf), leaves.back());
  }
  EXPECT_EQ(crypto::ToHex(StateRoot(leaves)), v["root"]);
  auto entry = DecodeLogEntry(Hex(v["entry"]["bytes"]));
  ASSERT_TRUE(entry.ok()) << entry.error().message();
  const auto& state = std::get<LogStateEvent>(*entry);
  EXPECT_EQ(state.leaves, leaves.size());
  for (const auto& p : v["proofs"]) {
    StateLeafProof proof{Hex(p["leaf"]), p["position"].get<std::uint64_t>(), {}};
    for (const auto& h : p["proof"])
      proof.proof.push_back(*crypto::FixedFromHex<tlog::Hash>(h.get<std::string>(), "hash"));
    EXPECT_EQ(VerifyStateLeaf(state, proof).ok(), p["valid"].get<bool>()) << p["description"];
  }
  for (const auto& bad : v["invalid_leaves"]) {
    EXPECT_FALSE(DecodeStateLeaf(Hex(bad["bytes"])).ok()) << bad["description"];
  }
}

TEST(LogStateTest, ReplayAcceptsTheTrueStateAndCatchesEveryLie) {
  crypto::SeededRng rng(7);
  std::vector<LogEvent> log;
  log.push_back(OrganizationCreatedEvent{"state", "State", false, OrganizationSettings{}});
  for (std::uint64_t v = 1; v <= 3; ++v) {
    log.push_back(RosterAddEvent{"state", v, crypto::ScalarMultBase(rng.RandomPublicScalar()),
                                 crypto::GenerateBoxKeyPair(rng).public_key});
  }
  log.push_back(ReviewerEvent{"state", 1, 5, "ann", crypto::GenerateBoxKeyPair(rng).public_key});
  log.push_back(RosterEpochEvent{"state", 3});
  const Letter letter{"Title", "Body", {"state"}, std::nullopt, std::nullopt, std::nullopt};
  log.push_back(LetterEvent{letter, {3}});
  const LetterId id = ComputeLetterId(letter);
  log.push_back(SignatureBatchEvent{id, 1, 1, 0});  // the batch's count does not matter here

  LogState state;
  for (std::size_t i = 0; i < log.size(); ++i) ASSERT_TRUE(state.Replay(i, log[i]).ok());
  const LogStateEvent honest = state.Commit(log.size());
  EXPECT_EQ(state.letters(), 1u);
  EXPECT_EQ(state.organizations(), 1u);
  {
    LogState again = state;
    EXPECT_TRUE(again.Replay(log.size(), honest).ok());
  }
  // The leaves say what the log holds.
  auto proof = ProveOrganizationLeaf(state.Leaves(), "state");
  ASSERT_TRUE(proof.ok());
  auto leaf = VerifyStateLeaf(honest, *proof);
  ASSERT_TRUE(leaf.ok()) << leaf.error().message();
  EXPECT_EQ(std::get<OrgStateLeaf>(*leaf), (OrgStateLeaf{"state", 3, 1, 3}));
  auto mine = VerifyStateLeaf(honest, *ProveLetterLeaf(state.Leaves(), id));
  EXPECT_EQ(std::get<LetterStateLeaf>(*mine), (LetterStateLeaf{id, 1}));
  EXPECT_EQ(ProveLetterLeaf(state.Leaves(), LetterId{}).error().code(), ErrorCode::kNotFound);

  // Each lie a full audit catches: another root, another leaf count, another size.
  for (LogStateEvent lie : {LogStateEvent{honest.size, honest.leaves,
                                          crypto::Sha256(crypto::AsBytes(std::string_view("lie")))},
                            LogStateEvent{honest.size, honest.leaves + 1, honest.root},
                            LogStateEvent{honest.size - 1, honest.leaves, honest.root}}) {
    LogState copy = state;
    auto s = copy.Replay(log.size(), lie);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code(), ErrorCode::kVerificationFailed);
    EXPECT_NE(s.error().message().find("does not commit to what the log holds before it"),
              std::string::npos);
  }
  // A state that leaves out the last batch (as a server hiding it would commit to).
  LogState stale;
  for (std::size_t i = 0; i + 1 < log.size(); ++i) ASSERT_TRUE(stale.Replay(i, log[i]).ok());
  EXPECT_FALSE(state.Replay(log.size(), stale.Commit(log.size())).ok());

  // The server keeps the leaves packed; they come back as the same state.
  auto leaves = UnpackStateLeaves(PackStateLeaves(state.Leaves()));
  ASSERT_TRUE(leaves.ok());
  auto back = LogState::FromLeaves(*leaves);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->Commit(log.size()), honest);
  std::vector<crypto::Bytes> unsorted = state.Leaves();
  std::swap(unsorted.front(), unsorted.back());
  EXPECT_EQ(LogState::FromLeaves(unsorted).error().code(), ErrorCode::kCorrupt);
  EXPECT_FALSE(UnpackStateLeaves(crypto::Bytes{1, 2, 3}).ok());
}

TEST(LogStateTest, TheEntryIsStrict) {
  const LogStateEvent empty{5, 0, tlog::EmptyRoot()};
  auto decoded = DecodeLogEntry(EncodeLogEntry(empty));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message();
  EXPECT_EQ(std::get<LogStateEvent>(*decoded), empty);
  // An empty state has the empty tree's root only.
  EXPECT_FALSE(
      ValidateLogEvent(LogStateEvent{5, 0, crypto::Sha256(crypto::AsBytes(std::string_view("x")))})
          .ok());
  EXPECT_EQ(LogEventToJson(empty)["kind"], "log-state");
}

}  // namespace
}  // namespace candor::domain
