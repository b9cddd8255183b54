// RosterTables (sql_rosters.cc): invitations, roster events, the organization log, on both
// engines.
#include <gtest/gtest.h>

#include "store/store_testing.h"

namespace candor::store {
namespace {

using storetest::Account;
using storetest::Bytes;
using storetest::Engine;
using storetest::Org;
using storetest::StoreTest;

TEST_P(StoreTest, InvitationsRoundTripAndCount) {
  const std::int64_t a = MakeOrg("a");
  const std::int64_t b = MakeOrg("b");
  const std::int64_t officer = MakeAccount(a, "officer");
  const std::int64_t officer_b = MakeAccount(b, "officer");
  InvitationRecord open1{Bytes(32, 1), a, officer, 10'000, false};
  InvitationRecord open2{Bytes(32, 2), a, officer, 20'000, false};
  InvitationRecord expired{Bytes(32, 3), a, officer, 1'000, false};
  InvitationRecord other_org{Bytes(32, 4), b, officer_b, 10'000, false};
  ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
  for (const auto& i : {open1, open2, expired, other_org}) ASSERT_OK(tx->InsertInvitation(i));
  ASSERT_OK(tx->Commit());

  ASSERT_OK_AND_ASSIGN(auto rx, store_->Begin(TxMode::kRead));
  ASSERT_OK_AND_ASSIGN(auto found, rx->FindInvitation(open1.code_hash));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->code_hash, open1.code_hash);
  EXPECT_EQ(found->organization_id, a);
  EXPECT_EQ(found->issued_by, officer);
  EXPECT_EQ(found->expires_at_ms, 10'000);
  EXPECT_FALSE(found->redeemed);
  ASSERT_OK_AND_ASSIGN(auto none, rx->FindInvitation(Bytes(32, 99)));
  EXPECT_FALSE(none.has_value());
  ASSERT_OK_AND_ASSIGN(std::int64_t open_a, rx->CountOpenInvitations(a, 5'000));
  EXPECT_EQ(open_a, 2);  // `expired` is past, `other_org` is someone else's
  ASSERT_OK_AND_ASSIGN(std::int64_t open_b, rx->CountOpenInvitations(b, 5'000));
  EXPECT_EQ(open_b, 1);
  ASSERT_OK_AND_ASSIGN(std::int64_t at_expiry, rx->CountOpenInvitations(a, 10'000));
  EXPECT_EQ(at_expiry, 1);  // an invitation is no longer open at its expiry time
  ASSERT_OK(rx->Commit());

  ASSERT_OK_AND_ASSIGN(auto wx, store_->Begin(TxMode::kWrite));
  ASSERT_OK(wx->MarkInvitationRedeemed(open1.code_hash));
  ASSERT_OK(wx->Commit());
  ASSERT_OK_AND_ASSIGN(auto rx2, store_->Begin(TxMode::kRead));
  ASSERT_OK_AND_ASSIGN(auto redeemed, rx2->FindInvitation(open1.code_hash));
  ASSERT_TRUE(redeemed.has_value());
  EXPECT_TRUE(redeemed->redeemed);
  ASSERT_OK_AND_ASSIGN(std::int64_t open_after, rx2->CountOpenInvitations(a, 5'000));
  EXPECT_EQ(open_after, 1);
}

TEST_P(StoreTest, InvitationRedeemedTwiceIsFailedPrecondition) {
  const std::int64_t org = MakeOrg("a");
  const InvitationRecord inv{Bytes(32, 1), org, MakeAccount(org, "officer"), 10'000, false};
  {
    ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
    ASSERT_OK(tx->InsertInvitation(inv));
    ASSERT_OK(tx->MarkInvitationRedeemed(inv.code_hash));
    ASSERT_OK(tx->Commit());
  }
  {
    ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
    EXPECT_CODE(tx->MarkInvitationRedeemed(inv.code_hash), ErrorCode::kFailedPrecondition);
  }
  {
    ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
    EXPECT_CODE(tx->MarkInvitationRedeemed(Bytes(32, 2)), ErrorCode::kNotFound);
  }
  ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
  EXPECT_CODE(tx->InsertInvitation(inv), ErrorCode::kAlreadyExists);
}

// --- Rosters ---

TEST_P(StoreTest, RosterEventsRoundTrip) {
  const std::int64_t a = MakeOrg("a");
  const std::int64_t b = MakeOrg("b");
  // add1 as stored before schema migration 8 (no size); the others with their sizes.
  RosterEventRecord add1{a, 1, RosterAction::kAdd, Bytes(32, 1), Bytes(32, 11), 0, std::nullopt};
  RosterEventRecord add2{a, 2, RosterAction::kAdd, Bytes(32, 2), Bytes(32, 12), 1, 2};
  RosterEventRecord remove1{a, 3, RosterAction::kRemove, Bytes(32, 1), Blob{}, 2, 1};
  RosterEventRecord b_add{b, 1, RosterAction::kAdd, Bytes(32, 1), Bytes(32, 13), 3, 1};
  ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
  ASSERT_OK_AND_ASSIGN(std::int64_t empty, tx->LatestRosterVersion(a));
  EXPECT_EQ(empty, 0);
  for (const auto& e : {add1, add2, remove1, b_add}) ASSERT_OK(tx->InsertRosterEvent(e));
  ASSERT_OK(tx->Commit());

  ASSERT_OK_AND_ASSIGN(auto rx, store_->Begin(TxMode::kRead));
  ASSERT_OK_AND_ASSIGN(std::int64_t latest_a, rx->LatestRosterVersion(a));
  EXPECT_EQ(latest_a, 3);
  ASSERT_OK_AND_ASSIGN(std::int64_t latest_b, rx->LatestRosterVersion(b));
  EXPECT_EQ(latest_b, 1);
  ASSERT_OK_AND_ASSIGN(auto all_a, rx->ListRosterEvents(a, 100));
  ASSERT_EQ(all_a.size(), 3u);
  EXPECT_EQ(all_a[0].version, 1);
  EXPECT_EQ(all_a[0].action, RosterAction::kAdd);
  EXPECT_EQ(all_a[0].ring_public, add1.ring_public);
  EXPECT_EQ(all_a[0].box_public, add1.box_public);
  EXPECT_EQ(all_a[0].log_index, 0);
  EXPECT_EQ(all_a[2].action, RosterAction::kRemove);
  EXPECT_TRUE(all_a[2].box_public.empty());
  EXPECT_EQ(all_a[2].log_index, 2);
  ASSERT_OK_AND_ASSIGN(auto up_to_2, rx->ListRosterEvents(a, 2));
  ASSERT_EQ(up_to_2.size(), 2u);
  EXPECT_EQ(up_to_2[1].version, 2);
  ASSERT_OK_AND_ASSIGN(auto all_b, rx->ListRosterEvents(b, 100));
  ASSERT_EQ(all_b.size(), 1u);
  EXPECT_EQ(all_b[0].organization_id, b);
  ASSERT_OK_AND_ASSIGN(auto key, rx->FindRosterKey(a, add1.ring_public));
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->version, 1);  // the add, not the removal
  EXPECT_EQ(key->action, RosterAction::kAdd);
  ASSERT_OK_AND_ASSIGN(auto key_b, rx->FindRosterKey(b, add1.ring_public));
  ASSERT_TRUE(key_b.has_value());
  EXPECT_EQ(key_b->organization_id, b);
  ASSERT_OK_AND_ASSIGN(auto unknown, rx->FindRosterKey(a, Bytes(32, 77)));
  EXPECT_FALSE(unknown.has_value());

  // Rosters at scale (issue 12): the tip, sizes, removals and members without a replay.
  ASSERT_OK_AND_ASSIGN(auto tip, rx->LatestRosterEvent(a));
  ASSERT_TRUE(tip.has_value());
  EXPECT_EQ(tip->version, 3);
  EXPECT_EQ(tip->members, 1);
  EXPECT_EQ(all_a[0].members, std::nullopt);
  ASSERT_OK_AND_ASSIGN(auto none, rx->LatestRosterEvent(MakeOrg("c")));
  EXPECT_FALSE(none.has_value());
  for (auto [v, n] : {std::pair{0, 0}, {1, 1}, {2, 2}, {3, 1}}) {
    ASSERT_OK_AND_ASSIGN(std::int64_t counted, rx->CountRosterMembers(a, v));
    EXPECT_EQ(counted, n) << v;
  }
  ASSERT_OK_AND_ASSIGN(bool removed1, rx->RosterKeyRemoved(a, add1.ring_public));
  EXPECT_TRUE(removed1);
  ASSERT_OK_AND_ASSIGN(bool removed2, rx->RosterKeyRemoved(a, add2.ring_public));
  EXPECT_FALSE(removed2);
  ASSERT_OK_AND_ASSIGN(bool removed_b, rx->RosterKeyRemoved(b, add1.ring_public));
  EXPECT_FALSE(removed_b);
  const auto keys = [&](std::int64_t v) {
    std::vector<Blob> out;
    auto members = rx->ListRosterMembers(a, v);
    EXPECT_TRUE(members.ok());
    if (!members.ok()) return out;
    for (const auto& m : members.value()) out.push_back(m.ring_public);
    return out;
  };
  EXPECT_EQ(keys(1), std::vector<Blob>{add1.ring_public});
  EXPECT_EQ(keys(2), (std::vector<Blob>{add1.ring_public, add2.ring_public}));
  EXPECT_EQ(keys(3), std::vector<Blob>{add2.ring_public});
  EXPECT_TRUE(keys(0).empty());
}

TEST_P(StoreTest, OrganizationLogCheckpointsAndCosignaturesRoundTrip) {
  const std::int64_t a = MakeOrg("a");
  const std::int64_t b = MakeOrg("b");
  {
    ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
    ASSERT_OK_AND_ASSIGN(bool none, tx->AnyOrganizationLog());
    EXPECT_FALSE(none);
    ASSERT_OK(tx->InsertOrganizationLog({3, a, "roster-epoch", 2}));
    ASSERT_OK(tx->InsertOrganizationLog({5, a, "reviewer", std::nullopt}));
    ASSERT_OK(tx->InsertOrganizationLog({7, a, "roster-epoch", 4}));
    ASSERT_OK(tx->InsertOrganizationLog({8, b, "roster-epoch", 1}));
    ASSERT_OK(tx->InsertOrganizationLog({9, a, "roster-epoch", 6}));
    ASSERT_OK(tx->InsertCheckpoint(10));
    ASSERT_OK(tx->InsertCheckpoint(10));  // again: nothing changes
    ASSERT_OK(tx->InsertCheckpoint(20));
    ASSERT_OK(tx->InsertCosignature({10, Bytes(32, 1), 100, Bytes(64, 2)}));
    ASSERT_OK(tx->InsertCosignature({10, Bytes(32, 1), 200, Bytes(64, 3)}));  // the first stays
    ASSERT_OK(tx->InsertCosignature({10, Bytes(32, 4), 300, Bytes(64, 5)}));
    ASSERT_OK(tx->Commit());
  }
  {  // one log index is one entry, of one organization
    ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
    EXPECT_FALSE(tx->InsertOrganizationLog({9, b, "reviewer", std::nullopt}).ok());
  }
  ASSERT_OK_AND_ASSIGN(auto rx, store_->Begin(TxMode::kRead));
  ASSERT_OK_AND_ASSIGN(bool any, rx->AnyOrganizationLog());
  EXPECT_TRUE(any);
  ASSERT_OK_AND_ASSIGN(auto all, rx->ListOrganizationLog(a, ""));
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[1].kind, "reviewer");
  EXPECT_FALSE(all[1].version.has_value());
  ASSERT_OK_AND_ASSIGN(auto epochs, rx->ListOrganizationLog(a, "roster-epoch"));
  ASSERT_EQ(epochs.size(), 3u);
  EXPECT_EQ(epochs.front().log_index, 3);
  ASSERT_OK_AND_ASSIGN(auto latest,
                       rx->LatestOrganizationLog(a, "roster-epoch", 2));  // newest first
  ASSERT_EQ(latest.size(), 2u);
  EXPECT_EQ(latest[0].version, 6);
  EXPECT_EQ(latest[1].version, 4);
  ASSERT_OK_AND_ASSIGN(auto other, rx->LatestOrganizationLog(b, "roster-epoch", 2));
  ASSERT_EQ(other.size(), 1u);
  EXPECT_EQ(other[0].log_index, 8);
  ASSERT_OK_AND_ASSIGN(auto checkpoints, rx->ListCheckpoints(4));
  EXPECT_EQ(checkpoints, (std::vector<std::int64_t>{20, 10}));
  ASSERT_OK_AND_ASSIGN(auto cosignatures, rx->ListCosignatures(10));
  ASSERT_EQ(cosignatures.size(), 2u);
  EXPECT_EQ(cosignatures[0].timestamp_s, 100);
  EXPECT_EQ(cosignatures[1].witness, Bytes(32, 4));
}

TEST_P(StoreTest, RosterRefusesDuplicatesAndGaps) {
  const std::int64_t a = MakeOrg("a");
  {
    ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
    ASSERT_OK(tx->InsertRosterEvent(
        {a, 1, RosterAction::kAdd, Bytes(32, 1), Bytes(32, 2), 0, std::nullopt}));
    ASSERT_OK(tx->Commit());
  }
  {  // the same version again
    ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
    EXPECT_CODE(tx->InsertRosterEvent(
                    {a, 1, RosterAction::kAdd, Bytes(32, 3), Bytes(32, 4), 1, std::nullopt}),
                ErrorCode::kAlreadyExists);
  }
  {  // the same key added twice, even after a removal
    ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
    ASSERT_OK(tx->InsertRosterEvent(
        {a, 2, RosterAction::kRemove, Bytes(32, 1), Blob{}, 1, std::nullopt}));
    EXPECT_CODE(tx->InsertRosterEvent(
                    {a, 3, RosterAction::kAdd, Bytes(32, 1), Bytes(32, 2), 2, std::nullopt}),
                ErrorCode::kAlreadyExists);
  }
  {  // a gap
    ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
    EXPECT_CODE(tx->InsertRosterEvent(
                    {a, 3, RosterAction::kAdd, Bytes(32, 5), Bytes(32, 6), 1, std::nullopt}),
                ErrorCode::kInvalidArgument);
  }
  ASSERT_OK_AND_ASSIGN(auto rx, store_->Begin(TxMode::kRead));
  ASSERT_OK_AND_ASSIGN(std::int64_t latest, rx->LatestRosterVersion(a));
  EXPECT_EQ(latest, 1);  // nothing of the failed transactions stuck
}

// --- Merkle log ---

}  // namespace
}  // namespace candor::store
