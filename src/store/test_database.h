// Test support for src/store (header-only, used only by *_test.cc): a fresh, empty database
// per test on either engine, removed again afterwards.
//
// SQLite: a file in a new temporary directory. PostgreSQL: a new schema in the database named
// by the environment variable CANDOR_TEST_POSTGRES (a libpq conninfo or URI whose role may
// create schemas there; scripts/with-postgres.sh starts a throwaway cluster and sets it),
// dropped at the end. Without the variable the PostgreSQL cases skip themselves.
#ifndef CANDOR_STORE_TEST_DATABASE_H_
#define CANDOR_STORE_TEST_DATABASE_H_

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <ostream>
#include <random>
#include <string>

#include "store/sql.h"
#include "store/store.h"

namespace candor::store::storetest {

enum class Engine { kSqlite, kPostgres };

inline std::string EngineParamName(const ::testing::TestParamInfo<Engine>& info) {
  return info.param == Engine::kSqlite ? "Sqlite" : "Postgres";
}
inline void PrintTo(Engine engine, std::ostream* os) {
  *os << (engine == Engine::kSqlite ? "sqlite" : "postgres");
}

// The conninfo of the PostgreSQL server for tests, or nullptr when none is configured.
inline const char* PostgresTestConninfo() {
  const char* v = std::getenv("CANDOR_TEST_POSTGRES");
  return v != nullptr && *v != '\0' ? v : nullptr;
}

inline constexpr const char* kNoPostgresMessage =
    "CANDOR_TEST_POSTGRES is not set, so the PostgreSQL engine is not tested here; run under "
    "scripts/with-postgres.sh (make test does) or point it at a database where the role may "
    "create schemas";

inline std::string RandomSuffix() {
  std::random_device rd;
  const std::uint64_t v = (std::uint64_t{rd()} << 32) ^ rd();
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// One empty database (or schema), created for a test and removed when this object is
// destroyed.
// REQUIRES: every store and connection opened on it is closed before it is destroyed.
class TestDatabase {
 public:
  virtual ~TestDatabase() = default;
  // Opens the store (applying migrations); may be called again to reopen.
  virtual Result<std::unique_ptr<Store>> Open() const = 0;
  // A raw connection, to inspect or tamper with the database behind the store's back.
  virtual Result<std::unique_ptr<SqlConnection>> Connect() const = 0;
  // The database as a store URL for OpenStore().
  virtual std::string Url() const = 0;
};

class SqliteTestDatabase final : public TestDatabase {
 public:
  SqliteTestDatabase() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "candor-store-test-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      ADD_FAILURE() << "mkdtemp failed";
      return;
    }
    dir_ = pattern;
    path_ = dir_ + "/candor.db";
  }
  ~SqliteTestDatabase() override {
    std::error_code ignored;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
  }
  Result<std::unique_ptr<Store>> Open() const override { return OpenSqliteStore(path_); }
  Result<std::unique_ptr<SqlConnection>> Connect() const override {
    return OpenSqliteConnection(path_);
  }
  std::string Url() const override { return "sqlite:" + path_; }
  const std::string& path() const { return path_; }

 private:
  std::string dir_;
  std::string path_;
};

// A schema of its own (CREATE SCHEMA candor_test_<random>, first on the search_path, dropped
// afterwards) rather than a database of its own: DROP DATABASE forces a checkpoint, which
// with fsync on costs about a second per test, while schemas come and go in milliseconds.
// The writer advisory lock is per database, so tests running in parallel processes share
// it — they serialize each other's writes, which is correct, only slower.
class PostgresTestDatabase final : public TestDatabase {
 public:
  // Creates the schema; check status() afterwards.
  explicit PostgresTestDatabase(std::string admin_conninfo)
      : admin_(std::move(admin_conninfo)), name_("candor_test_" + RandomSuffix()) {
    auto admin = OpenPostgresConnection(admin_);
    if (!admin.ok()) {
      status_ = admin.error();
      return;
    }
    // The name is ours (a fixed prefix and hex digits), so splicing it is safe.
    status_ = (*admin)->ExecScript("CREATE SCHEMA " + name_);
    if (!status_.ok()) return;
    created_ = true;
    status_ = BuildConninfo();
  }
  ~PostgresTestDatabase() override {
    if (!created_) return;
    auto admin = OpenPostgresConnection(admin_);
    if (!admin.ok()) {
      ADD_FAILURE() << "cannot drop schema " << name_ << ": " << admin.error().message();
      return;
    }
    Status dropped = (*admin)->ExecScript("DROP SCHEMA IF EXISTS " + name_ + " CASCADE");
    if (!dropped.ok()) {
      ADD_FAILURE() << "cannot drop schema " << name_ << ": " << dropped.error().message();
    }
  }

  Status status() const { return status_; }
  Result<std::unique_ptr<Store>> Open() const override { return OpenPostgresStore(conninfo_); }
  Result<std::unique_ptr<SqlConnection>> Connect() const override {
    return OpenPostgresConnection(conninfo_);
  }
  // A URI naming the same server, database and schema, for OpenStore(). Only the keywords a
  // test cluster needs are carried over (host, port, user, password, dbname).
  std::string Url() const override { return url_; }

 private:
  // The admin conninfo (key=value or URI) plus the schema as search_path and as
  // application_name (which lets a test find its own connections in pg_stat_activity).
  Status BuildConninfo() {
    char* err = nullptr;
    PQconninfoOption* options = PQconninfoParse(admin_.c_str(), &err);
    if (options == nullptr) {
      std::string message = err != nullptr ? err : "out of memory";
      PQfreemem(err);
      return Error(ErrorCode::kInvalidArgument, "CANDOR_TEST_POSTGRES: " + message);
    }
    std::string host, port, user, password, dbname, server_options;
    for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
      if (o->val == nullptr) continue;
      const std::string_view k = o->keyword;
      if (k == "options") {
        server_options = std::string(o->val) + " ";
        continue;
      }
      if (k == "application_name") continue;
      conninfo_ += std::string(o->keyword) + "='" + Escape(o->val) + "' ";
      if (k == "host") host = o->val;
      if (k == "port") port = o->val;
      if (k == "user") user = o->val;
      if (k == "password") password = o->val;
      if (k == "dbname") dbname = o->val;
    }
    PQconninfoFree(options);
    server_options += "-c search_path=" + name_;
    conninfo_ += "options='" + Escape(server_options) + "' application_name='" + name_ + "'";
    url_ = "postgresql://" + Percent(user) + (password.empty() ? "" : ":" + Percent(password)) +
           (user.empty() ? "" : "@") + Percent(host) + (port.empty() ? "" : ":" + port) + "/" +
           Percent(dbname) + "?options=" + Percent(server_options) + "&application_name=" + name_;
    return Status::Ok();
  }
  static std::string Escape(const std::string& v) {
    std::string out;
    for (char c : v) {
      if (c == '\\' || c == '\'') out += '\\';
      out += c;
    }
    return out;
  }
  static std::string Percent(const std::string& v) {
    std::string out;
    for (unsigned char c : v) {
      if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
        out += static_cast<char>(c);
      } else {
        char buf[4];
        std::snprintf(buf, sizeof buf, "%%%02X", c);
        out += buf;
      }
    }
    return out;
  }

  std::string admin_;
  std::string name_;
  std::string conninfo_;
  std::string url_;
  bool created_ = false;
  Status status_;
};

// A fresh database for `engine`, or an error. REQUIRES: for kPostgres, PostgresTestConninfo().
inline Result<std::unique_ptr<TestDatabase>> CreateTestDatabase(Engine engine) {
  if (engine == Engine::kSqlite) {
    auto db = std::make_unique<SqliteTestDatabase>();
    if (db->path().empty()) return Error(ErrorCode::kIo, "cannot create a temporary directory");
    return std::unique_ptr<TestDatabase>(std::move(db));
  }
  auto db = std::make_unique<PostgresTestDatabase>(PostgresTestConninfo());
  if (!db->status().ok()) return db->status().error();
  return std::unique_ptr<TestDatabase>(std::move(db));
}

// Test assertions over Status and Result.
template <typename R>
::testing::AssertionResult IsOk(const R& r) {
  if (r.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << ErrorCodeName(r.error().code()) << ": " << r.error().message();
}

// "ok" or the error code's name, for EXPECT_EQ with a readable failure message.
template <typename R>
std::string CodeOf(const R& r) {
  return r.ok() ? std::string("ok") : std::string(ErrorCodeName(r.error().code()));
}
inline std::string CodeName(ErrorCode code) { return std::string(ErrorCodeName(code)); }

}  // namespace candor::store::storetest

#define EXPECT_OK(expr) EXPECT_TRUE(::candor::store::storetest::IsOk(expr))
#define ASSERT_OK(expr) ASSERT_TRUE(::candor::store::storetest::IsOk(expr))
#define EXPECT_CODE(expr, code) \
  EXPECT_EQ(::candor::store::storetest::CodeOf(expr), ::candor::store::storetest::CodeName(code))
// Binds the value of a Result or fails (and returns from) the test.
#define ASSERT_OK_AND_ASSIGN(lhs, expr) \
  CANDOR_STORE_ASSERT_OK_AND_ASSIGN_(CANDOR_CONCAT_(store_test_result_, __LINE__), lhs, expr)
#define CANDOR_STORE_ASSERT_OK_AND_ASSIGN_(tmp, lhs, expr) \
  auto tmp = (expr);                                       \
  ASSERT_OK(tmp);                                          \
  lhs = std::move(tmp).value()

#endif  // CANDOR_STORE_TEST_DATABASE_H_
