// The store as a whole, the same suite on every engine, against real engines (SQLite in a
// fresh file per test, PostgreSQL in a fresh schema per test: test_database.h): opening and
// migrations, transactions, durability, writers. Each group of tables has its own file,
// store_<feature>_test.cc, beside its sql_<feature>.cc.
#include "store/store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "store/schema.h"
#include "store/store_testing.h"
#include "store/test_database.h"

namespace candor::store {
namespace {

using storetest::Bytes;
using storetest::Engine;
using storetest::Org;
using storetest::StoreTest;
using namespace std::chrono_literals;

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

}  // namespace
}  // namespace candor::store
