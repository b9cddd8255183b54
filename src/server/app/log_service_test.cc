// LogService on a real store (a temporary SQLite file): what /api/v1/log answers, and the
// witnesses' cosignatures it accepts and refuses.
#include "server/app/log_service.h"

#include <gtest/gtest.h>

#include <string>

#include "crypto/ed25519.h"
#include "crypto/rng.h"
#include "log/verify.h"
#include "server/app/log_writer.h"
#include "store/test_database.h"

namespace candor::app {
namespace {

constexpr std::int64_t kNowMs = 1'790'000'000'000;

class LogServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(db_,
                         store::storetest::CreateTestDatabase(store::storetest::Engine::kSqlite));
    ASSERT_OK_AND_ASSIGN(store_, db_->Open());
    log_ = std::make_unique<LogService>(*store_, log_key_.public_key,
                                        std::vector<crypto::SignPublicKey>{witness_.public_key},
                                        clock_);
  }

  // Appends `n` entries in one transaction and signs the head; optionally marks it a checkpoint.
  tlog::SignedTreeHead Append(int n, bool checkpoint) {
    auto tx = *store_->Begin(store::TxMode::kWrite);
    for (int i = 0; i < n; ++i) {
      const std::string entry = "entry " + std::to_string(next_++);
      EXPECT_TRUE(AppendLogEntry(*tx, crypto::AsBytes(entry)).ok());
    }
    auto sth = SignAndStoreTreeHead(*tx, log_key_, clock_);
    EXPECT_TRUE(sth.ok());
    if (checkpoint) {
      EXPECT_TRUE(tx->InsertCheckpoint(static_cast<std::int64_t>(sth->head.size)).ok());
    }
    EXPECT_TRUE(tx->Commit().ok());
    return *sth;
  }

  crypto::SeededRng rng_{5};
  crypto::SignKeyPair log_key_ = crypto::GenerateSignKeyPair(rng_);
  crypto::SignKeyPair witness_ = crypto::GenerateSignKeyPair(rng_);
  ManualClock clock_{kNowMs};
  std::unique_ptr<store::storetest::TestDatabase> db_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<LogService> log_;
  int next_ = 0;
};

TEST_F(LogServiceTest, ServesHeadsEntriesAndProofsThatVerify) {
  EXPECT_FALSE(log_->LatestTreeHead()->has_value());
  EXPECT_EQ(log_->Checkpoints(4).error().code(), ErrorCode::kNotFound);
  const tlog::SignedTreeHead first = Append(5, true);
  const tlog::SignedTreeHead second = Append(8, false);
  auto latest = log_->LatestTreeHead();
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_EQ(**latest, second);  // not a stale cached one
  EXPECT_EQ(**log_->TreeHeadAt(5), first);
  EXPECT_FALSE(log_->TreeHeadAt(6)->has_value());

  auto entries = log_->LogEntries(3, 6);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 3u);
  auto inclusion = log_->InclusionProof(4, 13);
  ASSERT_TRUE(inclusion.ok());
  EXPECT_TRUE(tlog::VerifyInclusion(4, 13, tlog::HashLeaf((*entries)[1].entry), inclusion->proof,
                                    second.head.root)
                  .ok());
  auto consistency = log_->ConsistencyProof(5, 13);
  ASSERT_TRUE(consistency.ok());
  EXPECT_TRUE(
      tlog::VerifyConsistency(5, 13, first.head.root, second.head.root, consistency->proof).ok());

  auto view = log_->Checkpoints(4);
  ASSERT_TRUE(view.ok());
  ASSERT_EQ(view->checkpoints.size(), 1u);
  EXPECT_TRUE(tlog::VerifyConsistency(5, 13, first.head.root, second.head.root,
                                      view->checkpoints[0].consistency_to_latest)
                  .ok());
}

TEST_F(LogServiceTest, RefusesRangesBeyondTheLogOrTooLarge) {
  Append(3, false);
  EXPECT_EQ(log_->LogEntries(2, 4).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(log_->LogEntries(2, 2).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(log_->LogEntries(0, 1002).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(log_->TreeHeadAt(std::uint64_t{1} << 63).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(log_->InclusionProof(3, 3).ok());
}

TEST_F(LogServiceTest, AcceptsOnlyAKnownWitnessesTimelySignatureOfARecentCheckpoint) {
  const tlog::SignedTreeHead head = Append(4, true);
  const std::uint64_t now_s = kNowMs / 1000;
  auto cosign = [&](const crypto::SignKeyPair& who, std::uint64_t at, const tlog::TreeHead& h) {
    return tlog::Cosign(log_key_.public_key, h, at, who.public_key, who.secret_key);
  };
  const crypto::SignKeyPair stranger = crypto::GenerateSignKeyPair(rng_);
  EXPECT_EQ(log_->AddCosignature(4, cosign(stranger, now_s, head.head)).error().code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(log_->AddCosignature(4, cosign(witness_, now_s + 3600, head.head)).error().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(log_->AddCosignature(3, cosign(witness_, now_s, head.head)).error().code(),
            ErrorCode::kNotFound);
  tlog::TreeHead forged = head.head;
  forged.root.bytes[0] ^= 1;
  EXPECT_EQ(log_->AddCosignature(4, cosign(witness_, now_s, forged)).error().code(),
            ErrorCode::kVerificationFailed);
  ASSERT_TRUE(log_->AddCosignature(4, cosign(witness_, now_s, head.head)).ok());
  auto view = log_->Checkpoints(4);
  ASSERT_TRUE(view.ok());
  ASSERT_EQ(view->checkpoints[0].cosignatures.size(), 1u);
  EXPECT_EQ(view->checkpoints[0].cosignatures[0].witness, witness_.public_key);
}

}  // namespace
}  // namespace candor::app
