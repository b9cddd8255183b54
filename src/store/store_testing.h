// What the store's tests share (store_*_test.cc): record makers and the StoreTest fixture,
// run on SQLite and on PostgreSQL (store/test_database.h). Test-only.
#ifndef CANDOR_STORE_STORE_TESTING_H_
#define CANDOR_STORE_STORE_TESTING_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>

#include "store/store.h"
#include "store/test_database.h"

namespace candor::store::storetest {

// `n` bytes that include zero bytes (first, middle, last) and every other value pattern.
inline Blob Bytes(std::size_t n, std::uint8_t seed) {
  Blob b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(seed + i * 37);
  if (n > 0) {
    b[0] = 0;
    b[n / 2] = 0;
    b[n - 1] = 0;
  }
  return b;
}

inline OrganizationRecord Org(std::string slug) {
  OrganizationRecord o;
  o.slug = slug;
  o.name = "Department of " + slug;
  o.policy_json = R"({"preset":"dissent-channel"})";
  return o;
}

inline AccountRecord Account(std::int64_t org, std::string username) {
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

}  // namespace candor::store::storetest

#endif  // CANDOR_STORE_STORE_TESTING_H_
