// LetterTables, CoSignatureTables and DraftTables (sql_letters.cc), on both engines.
#include <gtest/gtest.h>

#include "store/store_testing.h"

namespace candor::store {
namespace {

using storetest::Account;
using storetest::Bytes;
using storetest::Engine;
using storetest::Org;
using storetest::StoreTest;

class LetterStoreTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (IsSkipped()) return;
    state_ = MakeOrg("state");
    usaid_ = MakeOrg("usaid");
    ASSERT_NE(state_, 0);
    ASSERT_NE(usaid_, 0);
  }
  static CoSignatureRecord Sig(const Blob& letter, std::uint8_t tag, CoSignatureAction action,
                               std::int64_t org) {
    CoSignatureRecord c;
    c.letter_id = letter;
    c.tag = Blob(32, tag);
    c.action = action;
    c.organization_id = org;
    c.ring_digest = Blob(32, 0xAA);
    c.signature = Bytes(32 * 22, tag);
    return c;
  }
  std::int64_t state_ = 0, usaid_ = 0;
};

INSTANTIATE_TEST_SUITE_P(Engines, LetterStoreTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         storetest::EngineParamName);

TEST_P(LetterStoreTest, LettersKeepTheirBytesPinsAndOrder) {
  const Blob a(32, 1), b(32, 2);
  {
    ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
    ASSERT_OK_AND_ASSIGN(auto seq_a, tx->InsertLetter({a, 0, Bytes(300, 5), 7, false}));
    ASSERT_OK_AND_ASSIGN(auto seq_b, tx->InsertLetter({b, 0, Bytes(10, 6), 9, true}));
    EXPECT_EQ(seq_a, 1);
    EXPECT_EQ(seq_b, 2);
    ASSERT_OK(tx->InsertLetterRoster({a, 1, usaid_, 4}));
    ASSERT_OK(tx->InsertLetterRoster({a, 0, state_, 12}));
    ASSERT_OK(tx->Commit());
  }
  {
    ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
    EXPECT_CODE(tx->InsertLetter({a, 0, Bytes(3, 5), 7, false}), ErrorCode::kAlreadyExists);
  }
  {
    ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
    EXPECT_CODE(tx->InsertLetterRoster({a, 2, state_, 1}), ErrorCode::kAlreadyExists);  // org twice
  }
  ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
  ASSERT_OK_AND_ASSIGN(auto found, tx->FindLetter(a));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->canonical, Bytes(300, 5));
  EXPECT_EQ(found->log_index, 7);
  EXPECT_FALSE(found->quorum_reached);
  ASSERT_OK(tx->MarkLetterQuorumReached(a));
  EXPECT_CODE(tx->MarkLetterQuorumReached(Blob(32, 9)), ErrorCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(auto tx2, store_->Begin(TxMode::kWrite));  // (tx ended on the error)
  ASSERT_OK(tx2->MarkLetterQuorumReached(a));
  ASSERT_OK(tx2->Commit());
  ASSERT_OK_AND_ASSIGN(auto rd, store_->Begin(TxMode::kRead));
  ASSERT_OK_AND_ASSIGN(auto again, rd->FindLetter(a));
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(again.value().quorum_reached);
  ASSERT_OK_AND_ASSIGN(auto all, rd->ListLetters());
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, a);
  EXPECT_EQ(all[1].id, b);
  ASSERT_OK_AND_ASSIGN(auto pins, rd->ListLetterRosters(a));
  ASSERT_EQ(pins.size(), 2u);
  EXPECT_EQ(pins[0].organization_id, state_);
  EXPECT_EQ(pins[0].roster_version, 12);
  EXPECT_EQ(pins[1].organization_id, usaid_);
  ASSERT_OK_AND_ASSIGN(auto none, rd->FindLetter(Blob(32, 3)));
  EXPECT_FALSE(none.has_value());
}

TEST_P(LetterStoreTest, CoSignaturesAreUniquePerTagAndActionAndCountedOnlyOnce) {
  const Blob l(32, 1);
  {
    ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
    ASSERT_OK(tx->InsertLetter({l, 0, Bytes(30, 5), 0, true}));
    ASSERT_OK(tx->InsertCoSignature(Sig(l, 1, CoSignatureAction::kSign, state_)));
    ASSERT_OK(tx->InsertCoSignature(Sig(l, 2, CoSignatureAction::kSign, state_)));
    ASSERT_OK(tx->InsertCoSignature(Sig(l, 3, CoSignatureAction::kSign, usaid_)));
    ASSERT_OK(tx->InsertCoSignature(Sig(l, 2, CoSignatureAction::kWithdraw, state_)));
    ASSERT_OK(tx->Commit());
  }
  {
    ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
    EXPECT_CODE(tx->InsertCoSignature(Sig(l, 1, CoSignatureAction::kSign, usaid_)),
                ErrorCode::kAlreadyExists);
  }
  ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
  using Counts = std::vector<std::pair<std::int64_t, std::int64_t>>;
  ASSERT_OK_AND_ASSIGN(auto accepted, tx->CountSigners(l, false));
  EXPECT_EQ(accepted, (Counts{{state_, 1}, {usaid_, 1}}));
  ASSERT_OK_AND_ASSIGN(auto published, tx->CountSigners(l, true));
  EXPECT_TRUE(published.empty());
  ASSERT_OK_AND_ASSIGN(auto waiting, tx->ListWaitingCoSignatures(l));
  ASSERT_EQ(waiting.size(), 4u);
  EXPECT_EQ(waiting[0].tag, Blob(32, 1));  // by tag, not by arrival
  EXPECT_EQ(waiting[0].signature, Bytes(32 * 22, 1));
  EXPECT_FALSE(waiting[0].batch.has_value());
  ASSERT_OK_AND_ASSIGN(auto letters, tx->ListLettersWithWaitingCoSignatures());
  EXPECT_EQ(letters, std::vector<Blob>{l});

  // Publish tag 1 and tag 2's signature (not yet its withdrawal).
  ASSERT_OK(tx->MarkCoSignaturePublished(l, Blob(32, 1), CoSignatureAction::kSign, 1, 10));
  ASSERT_OK(tx->MarkCoSignaturePublished(l, Blob(32, 2), CoSignatureAction::kSign, 1, 11));
  ASSERT_OK(tx->InsertSignatureBatch({l, 1, 12, 1'790'000'000'000, 2}));
  ASSERT_OK_AND_ASSIGN(published, tx->CountSigners(l, true));
  EXPECT_EQ(published, (Counts{{state_, 2}}));
  ASSERT_OK(tx->MarkCoSignaturePublished(l, Blob(32, 2), CoSignatureAction::kWithdraw, 2, 13));
  ASSERT_OK_AND_ASSIGN(published, tx->CountSigners(l, true));
  EXPECT_EQ(published, (Counts{{state_, 1}}));
  ASSERT_OK_AND_ASSIGN(auto by_tag, tx->FindCoSignatures(l, Blob(32, 2)));
  ASSERT_EQ(by_tag.size(), 2u);
  EXPECT_EQ(by_tag[0].action, CoSignatureAction::kSign);
  EXPECT_EQ(by_tag[1].log_index, 13);
  ASSERT_OK_AND_ASSIGN(auto in_log, tx->ListPublishedCoSignatures(l));
  ASSERT_EQ(in_log.size(), 3u);
  EXPECT_EQ(in_log[2].log_index, 13);
  ASSERT_OK_AND_ASSIGN(auto batches, tx->ListSignatureBatches(l));
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0].signatures, 2);
  EXPECT_CODE(tx->MarkCoSignaturePublished(l, Blob(32, 1), CoSignatureAction::kSign, 2, 20),
              ErrorCode::kFailedPrecondition);
  ASSERT_OK_AND_ASSIGN(auto tx2, store_->Begin(TxMode::kWrite));
  EXPECT_CODE(tx2->MarkCoSignaturePublished(l, Blob(32, 7), CoSignatureAction::kSign, 2, 20),
              ErrorCode::kNotFound);
}

TEST_P(LetterStoreTest, DraftsBelongToTheirAccount) {
  const std::int64_t alice = MakeAccount(state_, "alice");
  ASSERT_NE(alice, 0);
  ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
  ASSERT_OK_AND_ASSIGN(auto id, tx->InsertLetterDraft({0, alice, R"({"title":"x"})", 5}));
  ASSERT_OK(tx->UpdateLetterDraft({id, alice, R"({"title":"y"})", 6}));
  ASSERT_OK_AND_ASSIGN(auto d, tx->FindLetterDraft(id));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->letter_json, R"({"title":"y"})");
  EXPECT_EQ(d->updated_at_ms, 6);
  ASSERT_OK_AND_ASSIGN(auto list, tx->ListLetterDrafts(alice));
  EXPECT_EQ(list.size(), 1u);
  ASSERT_OK(tx->DeleteLetterDraft(id));
  ASSERT_OK_AND_ASSIGN(auto gone, tx->FindLetterDraft(id));
  EXPECT_FALSE(gone.has_value());
  EXPECT_CODE(tx->DeleteLetterDraft(id), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace candor::store
