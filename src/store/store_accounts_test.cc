// AccountTables (sql_accounts.cc): accounts, sessions, the login throttle, on both engines.
#include <gtest/gtest.h>

#include "store/store_testing.h"

namespace candor::store {
namespace {

using storetest::Account;
using storetest::Bytes;
using storetest::Engine;
using storetest::Org;
using storetest::StoreTest;

TEST_P(StoreTest, AccountsRoundTrip) {
  const std::int64_t org = MakeOrg("state");
  AccountRecord alice = Account(org, "alice");
  alice.totp_secret = Bytes(20, 1);
  alice.reviewer_box_public = Bytes(32, 2);
  alice.roles = kRoleAdministrator | kRoleReviewer;
  AccountRecord bob = Account(org, "bob");
  bob.disabled = true;
  bob.roles = 0xffffffffu;  // every bit survives, including the top one
  ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
  ASSERT_OK_AND_ASSIGN(alice.id, tx->InsertAccount(alice));
  ASSERT_OK_AND_ASSIGN(bob.id, tx->InsertAccount(bob));
  ASSERT_OK(tx->Commit());

  ASSERT_OK_AND_ASSIGN(auto rx, store_->Begin(TxMode::kRead));
  ASSERT_OK_AND_ASSIGN(auto a, rx->FindAccount(alice.id));
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->organization_id, org);
  EXPECT_EQ(a->username, "alice");
  EXPECT_EQ(a->password_hash, alice.password_hash);
  EXPECT_EQ(a->roles, alice.roles);
  EXPECT_EQ(a->totp_secret, alice.totp_secret);
  EXPECT_EQ(a->reviewer_box_public, alice.reviewer_box_public);
  EXPECT_FALSE(a->disabled);
  ASSERT_OK_AND_ASSIGN(auto b, rx->FindAccountByName(org, "bob"));
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->id, bob.id);
  EXPECT_EQ(b->roles, 0xffffffffu);
  EXPECT_FALSE(b->totp_secret.has_value());
  EXPECT_FALSE(b->reviewer_box_public.has_value());
  EXPECT_TRUE(b->disabled);
  ASSERT_OK_AND_ASSIGN(auto nobody, rx->FindAccountByName(org, "carol"));
  EXPECT_FALSE(nobody.has_value());
  ASSERT_OK_AND_ASSIGN(auto list, rx->ListAccounts(org));
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].username, "alice");
  EXPECT_EQ(list[1].username, "bob");
  ASSERT_OK(rx->Commit());

  // Update every mutable field, including clearing and setting optional blobs.
  alice.username = "alice2";
  alice.password_hash = "$argon2id$new";
  alice.roles = kRoleAdministrator;
  alice.totp_secret.reset();
  alice.reviewer_box_public = Blob{};  // present but empty is not the same as absent
  alice.disabled = true;
  ASSERT_OK_AND_ASSIGN(auto wx, store_->Begin(TxMode::kWrite));
  ASSERT_OK(wx->UpdateAccount(alice));
  ASSERT_OK(wx->Commit());
  ASSERT_OK_AND_ASSIGN(auto rx2, store_->Begin(TxMode::kRead));
  ASSERT_OK_AND_ASSIGN(auto a2, rx2->FindAccount(alice.id));
  ASSERT_TRUE(a2.has_value());
  EXPECT_EQ(a2->username, "alice2");
  EXPECT_EQ(a2->password_hash, "$argon2id$new");
  EXPECT_EQ(a2->roles, kRoleAdministrator);
  EXPECT_FALSE(a2->totp_secret.has_value());
  ASSERT_TRUE(a2->reviewer_box_public.has_value());
  EXPECT_TRUE(a2->reviewer_box_public->empty());
  EXPECT_TRUE(a2->disabled);
}

TEST_P(StoreTest, UsernamesAreUniquePerOrganizationOnly) {
  const std::int64_t a = MakeOrg("a");
  const std::int64_t b = MakeOrg("b");
  ASSERT_NE(MakeAccount(a, "alice"), 0);
  ASSERT_NE(MakeAccount(b, "alice"), 0);  // same name, other organization: fine
  {
    ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
    EXPECT_CODE(tx->InsertAccount(Account(a, "alice")), ErrorCode::kAlreadyExists);
  }
  ASSERT_OK_AND_ASSIGN(auto rx, store_->Begin(TxMode::kRead));
  ASSERT_OK_AND_ASSIGN(auto la, rx->ListAccounts(a));
  ASSERT_OK_AND_ASSIGN(auto lb, rx->ListAccounts(b));
  ASSERT_EQ(la.size(), 1u);
  ASSERT_EQ(lb.size(), 1u);
  EXPECT_EQ(la[0].organization_id, a);
  EXPECT_EQ(lb[0].organization_id, b);
  EXPECT_NE(la[0].id, lb[0].id);
}

TEST_P(StoreTest, RenamingOntoATakenUsernameIsAlreadyExists) {
  const std::int64_t org = MakeOrg("a");
  ASSERT_NE(MakeAccount(org, "alice"), 0);
  const std::int64_t bob_id = MakeAccount(org, "bob");
  AccountRecord bob = Account(org, "alice");
  bob.id = bob_id;
  ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
  EXPECT_CODE(tx->UpdateAccount(bob), ErrorCode::kAlreadyExists);
}

TEST_P(StoreTest, UpdateAccountIsScopedToItsOrganization) {
  const std::int64_t a = MakeOrg("a");
  const std::int64_t b = MakeOrg("b");
  AccountRecord alice = Account(a, "alice");
  alice.id = MakeAccount(a, "alice");
  alice.organization_id = b;  // another tenant's id: must not reach alice
  {
    ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
    EXPECT_CODE(tx->UpdateAccount(alice), ErrorCode::kNotFound);
  }
  ASSERT_OK_AND_ASSIGN(auto rx, store_->Begin(TxMode::kRead));
  ASSERT_OK_AND_ASSIGN(auto found, rx->FindAccount(alice.id));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->organization_id, a);
}

TEST_P(StoreTest, ForeignKeysAreEnforced) {
  ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
  EXPECT_CODE(tx->InsertAccount(Account(777, "ghost")), ErrorCode::kFailedPrecondition);
}

// --- Sessions ---

TEST_P(StoreTest, SessionsRoundTrip) {
  const std::int64_t org = MakeOrg("a");
  const std::int64_t account = MakeAccount(org, "alice");
  SessionRecord s{Bytes(32, 3), account, "csrf-token", 1'000, 5'000, true};
  SessionRecord old{Bytes(32, 4), account, "csrf-old", 0, 2'000, false};
  ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
  ASSERT_OK(tx->InsertSession(s));
  ASSERT_OK(tx->InsertSession(old));
  ASSERT_OK(tx->Commit());

  ASSERT_OK_AND_ASSIGN(auto rx, store_->Begin(TxMode::kRead));
  ASSERT_OK_AND_ASSIGN(auto found, rx->FindSession(s.token_hash));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->token_hash, s.token_hash);
  EXPECT_EQ(found->account_id, account);
  EXPECT_EQ(found->csrf_token, "csrf-token");
  EXPECT_EQ(found->created_at_ms, 1'000);
  EXPECT_EQ(found->expires_at_ms, 5'000);
  EXPECT_TRUE(found->second_factor_pending);
  ASSERT_OK_AND_ASSIGN(auto none, rx->FindSession(Bytes(32, 9)));
  EXPECT_FALSE(none.has_value());
  ASSERT_OK(rx->Commit());

  s.second_factor_pending = false;
  s.csrf_token = "rotated";
  s.expires_at_ms = 9'000;
  ASSERT_OK_AND_ASSIGN(auto wx, store_->Begin(TxMode::kWrite));
  ASSERT_OK(wx->UpdateSession(s));
  ASSERT_OK(wx->DeleteExpiredSessions(2'000));  // `old` expires at 2000: gone
  ASSERT_OK(wx->Commit());
  ASSERT_OK_AND_ASSIGN(auto rx2, store_->Begin(TxMode::kRead));
  ASSERT_OK_AND_ASSIGN(auto updated, rx2->FindSession(s.token_hash));
  ASSERT_TRUE(updated.has_value());
  EXPECT_FALSE(updated->second_factor_pending);
  EXPECT_EQ(updated->csrf_token, "rotated");
  EXPECT_EQ(updated->expires_at_ms, 9'000);
  ASSERT_OK_AND_ASSIGN(auto expired, rx2->FindSession(old.token_hash));
  EXPECT_FALSE(expired.has_value());
  ASSERT_OK(rx2->Commit());

  ASSERT_OK_AND_ASSIGN(auto dx, store_->Begin(TxMode::kWrite));
  ASSERT_OK(dx->DeleteSession(s.token_hash));
  ASSERT_OK(dx->DeleteSession(s.token_hash));  // deleting twice is fine (logout twice)
  ASSERT_OK(dx->Commit());
  ASSERT_OK_AND_ASSIGN(auto rx3, store_->Begin(TxMode::kRead));
  ASSERT_OK_AND_ASSIGN(auto gone, rx3->FindSession(s.token_hash));
  EXPECT_FALSE(gone.has_value());
}

TEST_P(StoreTest, SessionErrors) {
  const std::int64_t account = MakeAccount(MakeOrg("a"), "alice");
  SessionRecord s{Bytes(32, 3), account, "csrf", 0, 1, false};
  {
    ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
    EXPECT_CODE(tx->UpdateSession(s), ErrorCode::kNotFound);
  }
  {
    ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
    ASSERT_OK(tx->InsertSession(s));
    ASSERT_OK(tx->Commit());
  }
  ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
  EXPECT_CODE(tx->InsertSession(s), ErrorCode::kAlreadyExists);
}

// --- Login throttling ---

TEST_P(StoreTest, ThrottleUpsertsAndDeletes) {
  ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
  ASSERT_OK_AND_ASSIGN(auto none, tx->FindThrottle("state/alice"));
  EXPECT_FALSE(none.has_value());
  ASSERT_OK(tx->UpsertThrottle({"state/alice", 1, 0, 100}));
  ASSERT_OK(tx->UpsertThrottle({"state/bob", 2, 0, 100}));
  ASSERT_OK(tx->UpsertThrottle({"state/alice", 5, 123'456, 200}));
  ASSERT_OK(tx->Commit());

  ASSERT_OK_AND_ASSIGN(auto rx, store_->Begin(TxMode::kRead));
  ASSERT_OK_AND_ASSIGN(auto alice, rx->FindThrottle("state/alice"));
  ASSERT_TRUE(alice.has_value());
  EXPECT_EQ(alice->key, "state/alice");
  EXPECT_EQ(alice->failures, 5);
  EXPECT_EQ(alice->locked_until_ms, 123'456);
  EXPECT_EQ(alice->window_start_ms, 200);
  ASSERT_OK(rx->Commit());

  ASSERT_OK_AND_ASSIGN(auto dx, store_->Begin(TxMode::kWrite));
  ASSERT_OK(dx->DeleteThrottle("state/alice"));
  ASSERT_OK(dx->DeleteThrottle("state/nobody"));
  ASSERT_OK(dx->Commit());
  ASSERT_OK_AND_ASSIGN(auto rx2, store_->Begin(TxMode::kRead));
  ASSERT_OK_AND_ASSIGN(auto gone, rx2->FindThrottle("state/alice"));
  EXPECT_FALSE(gone.has_value());
  ASSERT_OK_AND_ASSIGN(auto bob, rx2->FindThrottle("state/bob"));
  ASSERT_TRUE(bob.has_value());
  EXPECT_EQ(bob->failures, 2);
  ASSERT_OK(rx2->Commit());

  // Rows expire once neither locked nor inside their window (security review M5).
  ASSERT_OK_AND_ASSIGN(auto ex, store_->Begin(TxMode::kWrite));
  ASSERT_OK(ex->UpsertThrottle({"state/carol", 1, 0, 5'000}));     // failures until 6'000
  ASSERT_OK(ex->UpsertThrottle({"state/dave", 0, 9'000, 1'000}));  // locked until 9'000
  ASSERT_OK(ex->DeleteExpiredThrottles(/*now_ms=*/5'500, /*window_ms=*/1'000));
  ASSERT_OK_AND_ASSIGN(auto bob_gone,
                       ex->FindThrottle("state/bob"));  // window 100..1'100, unlocked
  EXPECT_FALSE(bob_gone.has_value());
  ASSERT_OK_AND_ASSIGN(auto carol, ex->FindThrottle("state/carol"));
  EXPECT_TRUE(carol.has_value());
  ASSERT_OK_AND_ASSIGN(auto dave, ex->FindThrottle("state/dave"));
  EXPECT_TRUE(dave.has_value());
  ASSERT_OK(ex->DeleteExpiredThrottles(/*now_ms=*/9'000, /*window_ms=*/1'000));
  ASSERT_OK_AND_ASSIGN(auto carol_gone, ex->FindThrottle("state/carol"));
  EXPECT_FALSE(carol_gone.has_value());
  ASSERT_OK_AND_ASSIGN(auto dave_gone, ex->FindThrottle("state/dave"));
  EXPECT_FALSE(dave_gone.has_value());
  ASSERT_OK(ex->Commit());
}

// --- Invitations ---

}  // namespace
}  // namespace candor::store
