// The storage interface, the same suite on every engine, against real engines: SQLite in a
// fresh file per test, PostgreSQL in a fresh schema per test (test_database.h).
#include "store/store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "store/schema.h"
#include "store/test_database.h"

namespace candor::store {
namespace {

using storetest::Engine;
using namespace std::chrono_literals;

// `n` bytes that include zero bytes (first, middle, last) and every other value pattern.
Blob Bytes(std::size_t n, std::uint8_t seed) {
  Blob b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(seed + i * 37);
  if (n > 0) {
    b[0] = 0;
    b[n / 2] = 0;
    b[n - 1] = 0;
  }
  return b;
}

OrganizationRecord Org(std::string slug) {
  OrganizationRecord o;
  o.slug = slug;
  o.name = "Department of " + slug;
  o.policy_json = R"({"preset":"dissent-channel"})";
  return o;
}

AccountRecord Account(std::int64_t org, std::string username) {
  AccountRecord a;
  a.organization_id = org;
  a.username = std::move(username);
  a.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA";
  a.roles = kRoleReviewer | kRoleEnrollmentOfficer;
  return a;
}

class StoreTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    if (GetParam() == Engine::kPostgres && storetest::PostgresTestConninfo() == nullptr) {
      GTEST_SKIP() << storetest::kNoPostgresMessage;
    }
    ASSERT_OK_AND_ASSIGN(db_, storetest::CreateTestDatabase(GetParam()));
    ASSERT_OK_AND_ASSIGN(store_, db_->Open());
  }
  void TearDown() override {
    store_.reset();
    db_.reset();
  }

  // Commits a write transaction that inserts an organization; returns its id (0 on failure).
  std::int64_t MakeOrg(const std::string& slug) {
    auto tx = store_->Begin(TxMode::kWrite);
    if (!tx.ok()) return 0;
    auto id = (*tx)->InsertOrganization(Org(slug));
    if (!id.ok() || !(*tx)->Commit().ok()) return 0;
    return *id;
  }
  std::int64_t MakeAccount(std::int64_t org, const std::string& username) {
    auto tx = store_->Begin(TxMode::kWrite);
    if (!tx.ok()) return 0;
    auto id = (*tx)->InsertAccount(Account(org, username));
    if (!id.ok() || !(*tx)->Commit().ok()) return 0;
    return *id;
  }

  std::unique_ptr<storetest::TestDatabase> db_;
  std::unique_ptr<Store> store_;
};

INSTANTIATE_TEST_SUITE_P(Engines, StoreTest, ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         storetest::EngineParamName);

// --- Opening, migrations ---

TEST_P(StoreTest, ReportsEngineAndSchemaVersion) {
  EXPECT_EQ(store_->Engine(), GetParam() == Engine::kSqlite ? "sqlite" : "postgres");
  ASSERT_OK_AND_ASSIGN(int version, store_->SchemaVersion());
  EXPECT_EQ(version, LatestSchemaVersion());
  EXPECT_GE(version, 1);
}

TEST_P(StoreTest, MigrationsAreIdempotentAcrossRestarts) {
  ASSERT_NE(MakeOrg("state"), 0);
  for (int i = 0; i < 3; ++i) {
    store_.reset();
    ASSERT_OK_AND_ASSIGN(store_, db_->Open());
    ASSERT_OK_AND_ASSIGN(int version, store_->SchemaVersion());
    EXPECT_EQ(version, LatestSchemaVersion());
  }
  ASSERT_OK_AND_ASSIGN(auto conn, db_->Connect());
  ASSERT_OK_AND_ASSIGN(auto rows, conn->Query("SELECT COUNT(*) FROM schema_migrations"));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0].as_int(), LatestSchemaVersion());
  ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kRead));
  ASSERT_OK_AND_ASSIGN(auto orgs, tx->ListOrganizations());
  EXPECT_EQ(orgs.size(), 1u);  // data untouched by the re-runs
}

TEST_P(StoreTest, RefusesASchemaNewerThanThisBuild) {
  store_.reset();
  {
    ASSERT_OK_AND_ASSIGN(auto conn, db_->Connect());
    ASSERT_OK(conn->Exec("INSERT INTO schema_migrations (version, description) VALUES (?, ?)",
                         {LatestSchemaVersion() + 1, "from the future"}));
  }
  auto reopened = db_->Open();
  EXPECT_CODE(reopened, ErrorCode::kFailedPrecondition);
  if (!reopened.ok()) {
    EXPECT_NE(reopened.error().message().find("newer"), std::string::npos);
  }
}

TEST_P(StoreTest, ConcurrentStartUpOnAFreshDatabaseMigratesOnce) {
  ASSERT_OK_AND_ASSIGN(auto fresh, storetest::CreateTestDatabase(GetParam()));
  constexpr int kServers = 4;
  std::vector<Result<std::unique_ptr<Store>>> opened;
  for (int i = 0; i < kServers; ++i) opened.emplace_back(Error(ErrorCode::kInternal, "not run"));
  {
    std::vector<std::thread> threads;
    for (int i = 0; i < kServers; ++i) {
      threads.emplace_back([&, i] { opened[static_cast<std::size_t>(i)] = fresh->Open(); });
    }
    for (auto& t : threads) t.join();
  }
  for (auto& s : opened) {
    ASSERT_OK(s);
    ASSERT_OK_AND_ASSIGN(int version, (*s)->SchemaVersion());
    EXPECT_EQ(version, LatestSchemaVersion());
  }
  opened.clear();
  ASSERT_OK_AND_ASSIGN(auto conn, fresh->Connect());
  ASSERT_OK_AND_ASSIGN(auto rows, conn->Query("SELECT COUNT(*) FROM schema_migrations"));
  EXPECT_EQ(rows[0][0].as_int(), LatestSchemaVersion());
}

// ChangeStamp is what lets public reads be answered from memory: it must move on every write
// commit and only where every write goes through this Store (SQLite opened exclusive).
TEST_P(StoreTest, ChangeStampMovesOnEveryWriteOnlyWhereTheStoreIsExclusive) {
  EXPECT_EQ(store_->ChangeStamp(), std::nullopt);  // not exclusive: cannot tell
  if (GetParam() == Engine::kPostgres) {
    ASSERT_OK_AND_ASSIGN(auto shared, OpenStore(db_->Url(), StoreOpenOptions{.exclusive = true}));
    EXPECT_EQ(shared->ChangeStamp(), std::nullopt);  // shared by several servers by design
    return;
  }
  store_.reset();
  ASSERT_OK_AND_ASSIGN(store_, OpenStore(db_->Url(), StoreOpenOptions{.exclusive = true}));
  ASSERT_TRUE(store_->ChangeStamp().has_value());
  const std::uint64_t before = *store_->ChangeStamp();
  {
    ASSERT_OK_AND_ASSIGN(auto rx, store_->Begin(TxMode::kRead));
    ASSERT_OK(rx->ListOrganizations());
    ASSERT_OK(rx->Commit());
  }
  EXPECT_EQ(store_->ChangeStamp(), before);  // reads change nothing
  {
    ASSERT_OK_AND_ASSIGN(auto wx, store_->Begin(TxMode::kWrite));
    ASSERT_OK(wx->PutSetting("k", "v"));
  }  // rolled back: nothing changed
  EXPECT_EQ(store_->ChangeStamp(), before);
  ASSERT_NE(MakeOrg("stamped"), 0);
  EXPECT_NE(store_->ChangeStamp(), before);

  // The lock keeps a second exclusive opener (a second server) out until the first is closed.
  EXPECT_CODE(OpenStore(db_->Url(), StoreOpenOptions{.exclusive = true}),
              ErrorCode::kFailedPrecondition);
  store_.reset();
  ASSERT_OK_AND_ASSIGN(store_, OpenStore(db_->Url(), StoreOpenOptions{.exclusive = true}));
}

TEST_P(StoreTest, OpenStoreParsesUrls) {
  store_.reset();
  ASSERT_OK_AND_ASSIGN(auto s, OpenStore(db_->Url()));
  EXPECT_EQ(s->Engine(), GetParam() == Engine::kSqlite ? "sqlite" : "postgres");
  EXPECT_CODE(OpenStore("mysql://localhost/candor"), ErrorCode::kInvalidArgument);
  EXPECT_CODE(OpenStore("sqlite:"), ErrorCode::kInvalidArgument);
  EXPECT_CODE(OpenStore("/var/lib/candor.db"), ErrorCode::kInvalidArgument);
  auto bad = OpenStore("bogus://user:hunter2@host/db");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message().find("hunter2"), std::string::npos);  // never echo secrets
}

// --- Organizations ---

TEST_P(StoreTest, OrganizationsRoundTrip) {
  ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
  OrganizationRecord state = Org("state");
  state.demo = true;
  ASSERT_OK_AND_ASSIGN(std::int64_t state_id, tx->InsertOrganization(state));
  ASSERT_OK_AND_ASSIGN(std::int64_t usaid_id, tx->InsertOrganization(Org("usaid")));
  EXPECT_GT(state_id, 0);
  EXPECT_NE(state_id, usaid_id);
  ASSERT_OK(tx->Commit());

  ASSERT_OK_AND_ASSIGN(auto rx, store_->Begin(TxMode::kRead));
  ASSERT_OK_AND_ASSIGN(auto found, rx->FindOrganization(state_id));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, state_id);
  EXPECT_EQ(found->slug, "state");
  EXPECT_EQ(found->name, "Department of state");
  EXPECT_EQ(found->policy_json, state.policy_json);
  EXPECT_TRUE(found->demo);
  ASSERT_OK_AND_ASSIGN(auto by_slug, rx->FindOrganizationBySlug("usaid"));
  ASSERT_TRUE(by_slug.has_value());
  EXPECT_EQ(by_slug->id, usaid_id);
  EXPECT_FALSE(by_slug->demo);
  ASSERT_OK_AND_ASSIGN(auto missing, rx->FindOrganizationBySlug("nasa"));
  EXPECT_FALSE(missing.has_value());
  ASSERT_OK_AND_ASSIGN(auto missing_id, rx->FindOrganization(usaid_id + 100));
  EXPECT_FALSE(missing_id.has_value());
  ASSERT_OK_AND_ASSIGN(auto all, rx->ListOrganizations());
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].slug, "state");
  EXPECT_EQ(all[1].slug, "usaid");
  ASSERT_OK(rx->Commit());

  ASSERT_OK_AND_ASSIGN(auto wx, store_->Begin(TxMode::kWrite));
  ASSERT_OK(wx->UpdateOrganizationPolicy(state_id, R"({"preset":"eu-directive"})"));
  ASSERT_OK(wx->Commit());
  ASSERT_OK_AND_ASSIGN(auto rx2, store_->Begin(TxMode::kRead));
  ASSERT_OK_AND_ASSIGN(auto updated, rx2->FindOrganization(state_id));
  ASSERT_TRUE(updated.has_value());
  EXPECT_EQ(updated->policy_json, R"({"preset":"eu-directive"})");
}

TEST_P(StoreTest, UpdatingAMissingOrganizationIsNotFound) {
  ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
  EXPECT_CODE(tx->UpdateOrganizationPolicy(12345, "{}"), ErrorCode::kNotFound);
}

TEST_P(StoreTest, DuplicateSlugIsAlreadyExistsAndChangesNothing) {
  ASSERT_NE(MakeOrg("state"), 0);
  ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
  ASSERT_OK(tx->InsertOrganization(Org("usaid")));
  auto dup = tx->InsertOrganization(Org("state"));
  EXPECT_CODE(dup, ErrorCode::kAlreadyExists);
  // The failed call ended the transaction; the earlier insert is gone with it.
  EXPECT_CODE(tx->ListOrganizations(), ErrorCode::kFailedPrecondition);
  EXPECT_CODE(tx->Commit(), ErrorCode::kFailedPrecondition);

  ASSERT_OK_AND_ASSIGN(auto rx, store_->Begin(TxMode::kRead));
  ASSERT_OK_AND_ASSIGN(auto all, rx->ListOrganizations());
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].slug, "state");
}

// --- Holidays ---

TEST_P(StoreTest, HolidaysAreReplacedWholeAndSeparatedByOrganization) {
  const std::int64_t a = MakeOrg("a");
  const std::int64_t b = MakeOrg("b");
  ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
  ASSERT_OK(tx->ReplaceHolidays(
      a, {{a, "2026-12-24", "Christmas Eve"}, {0, "2026-01-02", "Bridge day"}}));
  ASSERT_OK(tx->ReplaceHolidays(b, {{b, "2026-05-01", "Labour Day"}}));
  ASSERT_OK(tx->Commit());

  ASSERT_OK_AND_ASSIGN(auto rx, store_->Begin(TxMode::kRead));
  ASSERT_OK_AND_ASSIGN(auto ha, rx->ListHolidays(a));
  ASSERT_EQ(ha.size(), 2u);
  EXPECT_EQ(ha[0].date, "2026-01-02");  // ordered by date
  EXPECT_EQ(ha[0].name, "Bridge day");
  EXPECT_EQ(ha[0].organization_id, a);
  EXPECT_EQ(ha[1].date, "2026-12-24");
  ASSERT_OK_AND_ASSIGN(auto hb, rx->ListHolidays(b));
  ASSERT_EQ(hb.size(), 1u);
  EXPECT_EQ(hb[0].name, "Labour Day");
  ASSERT_OK(rx->Commit());

  ASSERT_OK_AND_ASSIGN(auto wx, store_->Begin(TxMode::kWrite));
  ASSERT_OK(wx->ReplaceHolidays(a, {{a, "2027-01-01", "New Year"}}));
  ASSERT_OK(wx->Commit());
  ASSERT_OK_AND_ASSIGN(auto rx2, store_->Begin(TxMode::kRead));
  ASSERT_OK_AND_ASSIGN(auto ha2, rx2->ListHolidays(a));
  ASSERT_EQ(ha2.size(), 1u);
  EXPECT_EQ(ha2[0].name, "New Year");
  ASSERT_OK_AND_ASSIGN(auto hb2, rx2->ListHolidays(b));
  EXPECT_EQ(hb2.size(), 1u);  // the other organization's calendar is untouched
}

TEST_P(StoreTest, HolidaysRefuseAnotherOrganizationsRecordsAndMissingOrganizations) {
  const std::int64_t a = MakeOrg("a");
  {
    ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
    EXPECT_CODE(tx->ReplaceHolidays(a, {{a + 1, "2026-01-01", "x"}}), ErrorCode::kInvalidArgument);
  }
  ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
  EXPECT_CODE(tx->ReplaceHolidays(a + 1, {}), ErrorCode::kNotFound);
}

// --- Accounts ---

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

TEST_P(StoreTest, LogEntriesRoundTripWithZeroBytes) {
  std::vector<LogEntryRecord> entries;
  for (int i = 0; i < 5; ++i) {
    entries.push_back({i,
                       Bytes(static_cast<std::size_t>(1 + 100 * i), static_cast<std::uint8_t>(i)),
                       Bytes(32, static_cast<std::uint8_t>(50 + i))});
  }
  entries[0].entry = Blob{0};  // a single zero byte
  ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
  ASSERT_OK_AND_ASSIGN(std::int64_t empty, tx->LogSize());
  EXPECT_EQ(empty, 0);
  for (const auto& e : entries) ASSERT_OK(tx->AppendLogEntry(e));
  ASSERT_OK_AND_ASSIGN(std::int64_t in_tx, tx->LogSize());
  EXPECT_EQ(in_tx, 5);  // a transaction sees its own writes
  ASSERT_OK(tx->Commit());

  ASSERT_OK_AND_ASSIGN(auto rx, store_->Begin(TxMode::kRead));
  ASSERT_OK_AND_ASSIGN(std::int64_t size, rx->LogSize());
  EXPECT_EQ(size, 5);
  ASSERT_OK_AND_ASSIGN(auto all, rx->ReadLogEntries(0, 5));
  ASSERT_EQ(all.size(), 5u);
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].index, entries[i].index);
    EXPECT_EQ(all[i].entry, entries[i].entry);
    EXPECT_EQ(all[i].leaf_hash, entries[i].leaf_hash);
  }
  ASSERT_OK_AND_ASSIGN(auto middle, rx->ReadLogEntries(1, 3));
  ASSERT_EQ(middle.size(), 2u);
  EXPECT_EQ(middle[0].index, 1);
  EXPECT_EQ(middle[1].index, 2);
  ASSERT_OK_AND_ASSIGN(auto past_end, rx->ReadLogEntries(3, 100));
  EXPECT_EQ(past_end.size(), 2u);
  ASSERT_OK_AND_ASSIGN(auto none, rx->ReadLogEntries(2, 2));
  EXPECT_TRUE(none.empty());
  EXPECT_CODE(rx->ReadLogEntries(3, 2), ErrorCode::kInvalidArgument);
}

TEST_P(StoreTest, AppendLogEntryWithAWrongIndexIsRefused) {
  {
    ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
    ASSERT_OK(tx->AppendLogEntry({0, Bytes(10, 1), Bytes(32, 2)}));
    ASSERT_OK(tx->Commit());
  }
  for (std::int64_t wrong : {0, 2, -1, 1000}) {
    ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
    EXPECT_CODE(tx->AppendLogEntry({wrong, Bytes(10, 3), Bytes(32, 4)}),
                ErrorCode::kInvalidArgument)
        << "index " << wrong;
  }
  ASSERT_OK_AND_ASSIGN(auto rx, store_->Begin(TxMode::kRead));
  ASSERT_OK_AND_ASSIGN(std::int64_t size, rx->LogSize());
  EXPECT_EQ(size, 1);
}

TEST_P(StoreTest, LogNodesRoundTrip) {
  ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
  const Blob h00 = Bytes(32, 1), h01 = Bytes(32, 2), h10 = Bytes(32, 3);
  ASSERT_OK(tx->PutLogNode(0, 0, h00));
  ASSERT_OK(tx->PutLogNode(0, 1, h01));
  ASSERT_OK(tx->PutLogNode(1, 0, h10));
  ASSERT_OK(tx->PutLogNode(63, (std::int64_t{1} << 62), h10));
  ASSERT_OK(tx->PutLogNode(0, 0, h00));  // the same hash again: a no-op
  ASSERT_OK(tx->Commit());

  ASSERT_OK_AND_ASSIGN(auto rx, store_->Begin(TxMode::kRead));
  ASSERT_OK_AND_ASSIGN(auto n00, rx->GetLogNode(0, 0));
  ASSERT_OK_AND_ASSIGN(auto n01, rx->GetLogNode(0, 1));
  ASSERT_OK_AND_ASSIGN(auto n10, rx->GetLogNode(1, 0));
  ASSERT_OK_AND_ASSIGN(auto high, rx->GetLogNode(63, std::int64_t{1} << 62));
  ASSERT_OK_AND_ASSIGN(auto missing, rx->GetLogNode(1, 1));
  EXPECT_EQ(n00, h00);
  EXPECT_EQ(n01, h01);
  EXPECT_EQ(n10, h10);
  EXPECT_EQ(high, h10);
  EXPECT_FALSE(missing.has_value());
  ASSERT_OK(rx->Commit());

  ASSERT_OK_AND_ASSIGN(auto wx, store_->Begin(TxMode::kWrite));
  EXPECT_CODE(wx->PutLogNode(0, 0, h01), ErrorCode::kAlreadyExists);  // a node never changes
}

TEST_P(StoreTest, TreeHeadsRoundTrip) {
  ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
  ASSERT_OK_AND_ASSIGN(auto none, tx->LatestTreeHead());
  EXPECT_FALSE(none.has_value());
  const TreeHeadRecord h1{1, Bytes(32, 1), 1'700'000'000'000, Bytes(64, 2)};
  const TreeHeadRecord h7{7, Bytes(32, 3), 1'700'000'001'000, Bytes(64, 4)};
  const TreeHeadRecord h3{3, Bytes(32, 5), 1'700'000'000'500, Bytes(64, 6)};
  ASSERT_OK(tx->InsertTreeHead(h1));
  ASSERT_OK(tx->InsertTreeHead(h7));
  ASSERT_OK(tx->InsertTreeHead(h3));
  ASSERT_OK(tx->Commit());

  ASSERT_OK_AND_ASSIGN(auto rx, store_->Begin(TxMode::kRead));
  ASSERT_OK_AND_ASSIGN(auto latest, rx->LatestTreeHead());
  ASSERT_TRUE(latest.has_value());
  EXPECT_EQ(latest->tree_size, 7);  // the largest tree, whatever the insertion order
  EXPECT_EQ(latest->root, h7.root);
  EXPECT_EQ(latest->timestamp_ms, h7.timestamp_ms);
  EXPECT_EQ(latest->signature, h7.signature);
  ASSERT_OK_AND_ASSIGN(auto three, rx->FindTreeHead(3));
  ASSERT_TRUE(three.has_value());
  EXPECT_EQ(three->root, h3.root);
  EXPECT_EQ(three->signature, h3.signature);
  ASSERT_OK_AND_ASSIGN(auto four, rx->FindTreeHead(4));
  EXPECT_FALSE(four.has_value());
  ASSERT_OK(rx->Commit());

  ASSERT_OK_AND_ASSIGN(auto wx, store_->Begin(TxMode::kWrite));
  EXPECT_CODE(wx->InsertTreeHead(h3), ErrorCode::kAlreadyExists);
}

// --- Settings ---

TEST_P(StoreTest, SettingsRoundTrip) {
  ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
  ASSERT_OK_AND_ASSIGN(auto none, tx->GetSetting("demo"));
  EXPECT_FALSE(none.has_value());
  ASSERT_OK(tx->PutSetting("demo", "on"));
  ASSERT_OK(tx->PutSetting("empty", ""));
  ASSERT_OK(tx->PutSetting("demo", "off"));
  ASSERT_OK(tx->Commit());
  ASSERT_OK_AND_ASSIGN(auto rx, store_->Begin(TxMode::kRead));
  ASSERT_OK_AND_ASSIGN(auto demo, rx->GetSetting("demo"));
  EXPECT_EQ(demo, std::optional<std::string>("off"));
  ASSERT_OK_AND_ASSIGN(auto empty, rx->GetSetting("empty"));
  EXPECT_EQ(empty, std::optional<std::string>(""));  // empty is not absent
}

// --- Transactions ---

TEST_P(StoreTest, DroppedTransactionRollsBack) {
  {
    ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
    ASSERT_OK(tx->InsertOrganization(Org("state")));
    ASSERT_OK(tx->AppendLogEntry({0, Bytes(8, 1), Bytes(32, 2)}));
    ASSERT_OK(tx->PutSetting("k", "v"));
  }  // destroyed without Commit
  ASSERT_OK_AND_ASSIGN(auto rx, store_->Begin(TxMode::kRead));
  ASSERT_OK_AND_ASSIGN(auto orgs, rx->ListOrganizations());
  EXPECT_TRUE(orgs.empty());
  ASSERT_OK_AND_ASSIGN(std::int64_t size, rx->LogSize());
  EXPECT_EQ(size, 0);
  ASSERT_OK_AND_ASSIGN(auto setting, rx->GetSetting("k"));
  EXPECT_FALSE(setting.has_value());
  ASSERT_OK(rx->Commit());
  // And the writer lock was released: the next writer gets in at once.
  ASSERT_OK_AND_ASSIGN(auto wx, store_->Begin(TxMode::kWrite));
  ASSERT_OK(wx->PutSetting("k", "v2"));
  ASSERT_OK(wx->Commit());
}

TEST_P(StoreTest, UncommittedWritesAreInvisibleToOthers) {
  ASSERT_OK_AND_ASSIGN(auto wx, store_->Begin(TxMode::kWrite));
  ASSERT_OK(wx->InsertOrganization(Org("state")));
  {
    ASSERT_OK_AND_ASSIGN(auto rx, store_->Begin(TxMode::kRead));  // readers never wait
    ASSERT_OK_AND_ASSIGN(auto found, rx->FindOrganizationBySlug("state"));
    EXPECT_FALSE(found.has_value());
  }
  ASSERT_OK(wx->Commit());
  ASSERT_OK_AND_ASSIGN(auto rx, store_->Begin(TxMode::kRead));
  ASSERT_OK_AND_ASSIGN(auto found, rx->FindOrganizationBySlug("state"));
  EXPECT_TRUE(found.has_value());
}

TEST_P(StoreTest, ReadTransactionsSeeOneSnapshot) {
  {
    ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
    ASSERT_OK(tx->AppendLogEntry({0, Bytes(8, 1), Bytes(32, 2)}));
    ASSERT_OK(tx->Commit());
  }
  ASSERT_OK_AND_ASSIGN(auto rx, store_->Begin(TxMode::kRead));
  ASSERT_OK_AND_ASSIGN(std::int64_t before, rx->LogSize());
  EXPECT_EQ(before, 1);
  {  // a writer commits while the reader is open, without waiting for it
    ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
    ASSERT_OK(tx->AppendLogEntry({1, Bytes(8, 3), Bytes(32, 4)}));
    ASSERT_OK(tx->Commit());
  }
  ASSERT_OK_AND_ASSIGN(std::int64_t during, rx->LogSize());
  EXPECT_EQ(during, 1);
  ASSERT_OK_AND_ASSIGN(auto entries, rx->ReadLogEntries(0, 10));
  EXPECT_EQ(entries.size(), 1u);
  ASSERT_OK(rx->Commit());
  ASSERT_OK_AND_ASSIGN(auto rx2, store_->Begin(TxMode::kRead));
  ASSERT_OK_AND_ASSIGN(std::int64_t after, rx2->LogSize());
  EXPECT_EQ(after, 2);
}

TEST_P(StoreTest, ReadTransactionsRefuseWrites) {
  ASSERT_OK_AND_ASSIGN(auto rx, store_->Begin(TxMode::kRead));
  EXPECT_CODE(rx->PutSetting("k", "v"), ErrorCode::kFailedPrecondition);
  EXPECT_CODE(rx->InsertOrganization(Org("x")), ErrorCode::kFailedPrecondition);
}

TEST_P(StoreTest, AFinishedTransactionRefusesFurtherCalls) {
  ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
  ASSERT_OK(tx->PutSetting("k", "v"));
  ASSERT_OK(tx->Commit());
  EXPECT_CODE(tx->Commit(), ErrorCode::kFailedPrecondition);
  EXPECT_CODE(tx->GetSetting("k"), ErrorCode::kFailedPrecondition);
  EXPECT_CODE(tx->PutSetting("k", "w"), ErrorCode::kFailedPrecondition);
  ASSERT_OK_AND_ASSIGN(auto rx, store_->Begin(TxMode::kRead));
  ASSERT_OK_AND_ASSIGN(auto v, rx->GetSetting("k"));
  EXPECT_EQ(v, std::optional<std::string>("v"));
}

TEST_P(StoreTest, AFailedCallRollsBackTheWholeTransactionAndReleasesTheWriterLock) {
  const std::int64_t org = MakeOrg("a");
  const InvitationRecord inv{Bytes(32, 1), org, MakeAccount(org, "officer"), 10, false};
  {
    ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
    ASSERT_OK(tx->InsertInvitation(inv));
    ASSERT_OK(tx->MarkInvitationRedeemed(inv.code_hash));
    ASSERT_OK(tx->Commit());
  }
  ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
  ASSERT_OK(tx->PutSetting("k", "v"));
  EXPECT_CODE(tx->MarkInvitationRedeemed(inv.code_hash), ErrorCode::kFailedPrecondition);
  // The writer lock is free although `tx` is still alive.
  {
    ASSERT_OK_AND_ASSIGN(auto other, store_->Begin(TxMode::kWrite));
    ASSERT_OK_AND_ASSIGN(auto v, other->GetSetting("k"));
    EXPECT_FALSE(v.has_value());
    ASSERT_OK(other->Commit());
  }
  EXPECT_CODE(tx->GetSetting("k"), ErrorCode::kFailedPrecondition);
  auto committed = tx->Commit();
  EXPECT_CODE(committed, ErrorCode::kFailedPrecondition);
  if (!committed.ok()) {
    EXPECT_NE(committed.error().message().find("redeemed"), std::string::npos);
  }
}

TEST_P(StoreTest, CommittedWritesSurviveARestart) {
  const std::int64_t org = MakeOrg("state");
  {
    ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
    ASSERT_OK(tx->AppendLogEntry({0, Bytes(100, 1), Bytes(32, 2)}));
    ASSERT_OK(tx->PutLogNode(0, 0, Bytes(32, 2)));
    ASSERT_OK(tx->InsertTreeHead({1, Bytes(32, 2), 42, Bytes(64, 3)}));
    ASSERT_OK(tx->InsertRosterEvent(
        {org, 1, RosterAction::kAdd, Bytes(32, 4), Bytes(32, 5), 0, std::nullopt}));
    ASSERT_OK(tx->Commit());
  }
  {  // uncommitted work at the time of the "crash" must not appear
    ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
    ASSERT_OK(tx->AppendLogEntry({1, Bytes(100, 6), Bytes(32, 7)}));
    store_.reset();  // the store goes away first; the transaction still rolls back cleanly
  }
  ASSERT_OK_AND_ASSIGN(store_, db_->Open());
  ASSERT_OK_AND_ASSIGN(auto rx, store_->Begin(TxMode::kRead));
  ASSERT_OK_AND_ASSIGN(auto found, rx->FindOrganization(org));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->slug, "state");
  ASSERT_OK_AND_ASSIGN(std::int64_t size, rx->LogSize());
  EXPECT_EQ(size, 1);
  ASSERT_OK_AND_ASSIGN(auto entries, rx->ReadLogEntries(0, 1));
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].entry, Bytes(100, 1));
  ASSERT_OK_AND_ASSIGN(auto node, rx->GetLogNode(0, 0));
  EXPECT_EQ(node, Bytes(32, 2));
  ASSERT_OK_AND_ASSIGN(auto head, rx->LatestTreeHead());
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->signature, Bytes(64, 3));
  ASSERT_OK_AND_ASSIGN(std::int64_t version, rx->LatestRosterVersion(org));
  EXPECT_EQ(version, 1);
}

TEST_P(StoreTest, ADeadPooledConnectionIsReplaced) {
  if (GetParam() == Engine::kSqlite) GTEST_SKIP() << "an SQLite connection cannot be lost";
  ASSERT_NE(MakeOrg("state"), 0);  // leaves a pooled connection behind
  {
    // What a server restart does to every connection of the pool.
    ASSERT_OK_AND_ASSIGN(auto conn, db_->Connect());
    ASSERT_OK_AND_ASSIGN(auto killed,
                         conn->Query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                     "WHERE application_name = current_setting("
                                     "'application_name') AND pid <> pg_backend_pid()"));
    ASSERT_FALSE(killed.empty());
  }
  ASSERT_OK_AND_ASSIGN(auto rx, store_->Begin(TxMode::kRead));
  ASSERT_OK_AND_ASSIGN(auto found, rx->FindOrganizationBySlug("state"));
  EXPECT_TRUE(found.has_value());
}

// Two writers from two threads: the second waits until the first has committed, then sees its
// write. Run once through one store (the in-process queue) and once through two stores on the
// same database, as two servers would be (the engine's lock: BEGIN IMMEDIATE / the advisory
// lock).
void ExpectSecondWriterWaits(Store& first_store, Store& second_store) {
  ASSERT_OK_AND_ASSIGN(auto first, first_store.Begin(TxMode::kWrite));
  ASSERT_OK(first->PutSetting("owner", "first"));
  std::atomic<bool> second_began{false};
  std::thread second_thread([&] {
    auto second = second_store.Begin(TxMode::kWrite);
    second_began = true;
    ASSERT_OK(second);
    auto owner = (*second)->GetSetting("owner");
    ASSERT_OK(owner);
    EXPECT_EQ(*owner, std::optional<std::string>("first"));  // it ran after the first committed
    ASSERT_OK((*second)->PutSetting("owner", "second"));
    ASSERT_OK((*second)->Commit());
  });
  std::this_thread::sleep_for(300ms);
  EXPECT_FALSE(second_began.load()) << "the second writer did not wait for the first";
  EXPECT_OK(first->Commit());
  first.reset();
  second_thread.join();
  EXPECT_TRUE(second_began.load());
  ASSERT_OK_AND_ASSIGN(auto rx, first_store.Begin(TxMode::kRead));
  ASSERT_OK_AND_ASSIGN(auto owner, rx->GetSetting("owner"));
  EXPECT_EQ(owner, std::optional<std::string>("second"));
}

TEST_P(StoreTest, WritersInOneProcessAreSerialized) { ExpectSecondWriterWaits(*store_, *store_); }

TEST_P(StoreTest, WritersOfTwoServersAreSerialized) {
  ASSERT_OK_AND_ASSIGN(auto other, db_->Open());
  ExpectSecondWriterWaits(*store_, *other);
}

TEST_P(StoreTest, ConcurrentIncrementsLoseNoUpdate) {
  ASSERT_OK_AND_ASSIGN(auto other, db_->Open());
  constexpr int kThreads = 4;
  constexpr int kIncrements = 15;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    Store& s = t % 2 == 0 ? *store_ : *other;  // two "servers", two threads each
    threads.emplace_back([&s] {
      for (int i = 0; i < kIncrements; ++i) {
        auto tx = s.Begin(TxMode::kWrite);
        ASSERT_OK(tx);
        auto v = (*tx)->GetSetting("counter");
        ASSERT_OK(v);
        const int n = v->has_value() ? std::stoi(**v) : 0;
        ASSERT_OK((*tx)->PutSetting("counter", std::to_string(n + 1)));
        // Every append also checks that no two writers ever saw the same log size.
        auto size = (*tx)->LogSize();
        ASSERT_OK(size);
        ASSERT_OK((*tx)->AppendLogEntry({*size, Bytes(4, 1), Bytes(32, 2)}));
        ASSERT_OK((*tx)->Commit());
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_OK_AND_ASSIGN(auto rx, store_->Begin(TxMode::kRead));
  ASSERT_OK_AND_ASSIGN(auto counter, rx->GetSetting("counter"));
  EXPECT_EQ(counter, std::optional<std::string>(std::to_string(kThreads * kIncrements)));
  ASSERT_OK_AND_ASSIGN(std::int64_t size, rx->LogSize());
  EXPECT_EQ(size, kThreads * kIncrements);
}

TEST_P(StoreTest, ATransactionMayMoveBetweenThreads) {
  ASSERT_OK_AND_ASSIGN(auto tx, store_->Begin(TxMode::kWrite));
  std::thread([&] {
    EXPECT_OK(tx->PutSetting("k", "v"));
    EXPECT_OK(tx->Commit());
  }).join();
  tx.reset();
  ASSERT_OK_AND_ASSIGN(auto wx, store_->Begin(TxMode::kWrite));  // the gate was released
  ASSERT_OK_AND_ASSIGN(auto v, wx->GetSetting("k"));
  EXPECT_EQ(v, std::optional<std::string>("v"));
}

// --- Letters and co-signatures ---

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
