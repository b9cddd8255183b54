// The SQL connection layer under the store: placeholder rewriting, DDL rendering, row
// reading, and — on both real engines — typed values and the error mapping of sql.h.
#include "store/sql.h"

#include <gtest/gtest.h>

#include <limits>

#include "store/schema.h"
#include "store/test_database.h"

namespace candor::store {
namespace {

using storetest::Engine;

TEST(PostgresPlaceholders, AreNumberedInOrder) {
  int n = -1;
  EXPECT_EQ(ToPostgresPlaceholders("SELECT a FROM t WHERE b = ? AND c = ?", &n),
            "SELECT a FROM t WHERE b = $1 AND c = $2");
  EXPECT_EQ(n, 2);
  EXPECT_EQ(ToPostgresPlaceholders("SELECT 1", &n), "SELECT 1");
  EXPECT_EQ(n, 0);
}

TEST(PostgresPlaceholders, SkipQuotesAndComments) {
  int n = -1;
  EXPECT_EQ(ToPostgresPlaceholders("SELECT '?', \"a?\", 'it''s ?' FROM t WHERE x = ?", &n),
            "SELECT '?', \"a?\", 'it''s ?' FROM t WHERE x = $1");
  EXPECT_EQ(n, 1);
  EXPECT_EQ(ToPostgresPlaceholders("SELECT ? -- why?\n, ? /* what? */", &n),
            "SELECT $1 -- why?\n, $2 /* what? */");
  EXPECT_EQ(n, 2);
  EXPECT_EQ(ToPostgresPlaceholders("SELECT 'unterminated ?", &n), "SELECT 'unterminated ?");
  EXPECT_EQ(n, 0);
}

TEST(StatementSummary, KeepsTheFirstWordsOnly) {
  EXPECT_EQ(StatementSummary("  INSERT INTO\n  organizations (slug) VALUES (?)"),
            "INSERT INTO organizations (slug) …");
  EXPECT_EQ(StatementSummary("COMMIT"), "COMMIT");
}

TEST(RenderDdl, UsesEachEnginesWords) {
  const std::string_view ddl = "CREATE TABLE t (id {ID}, n {INT}, s {TEXT}, b {BLOB}){STRICT};";
  EXPECT_EQ(RenderDdl(ddl, SqlEngine::kSqlite),
            "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, s TEXT, b BLOB) STRICT;");
  EXPECT_EQ(RenderDdl(ddl, SqlEngine::kPostgres),
            "CREATE TABLE t (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, n BIGINT, "
            "s TEXT COLLATE \"C\", b BYTEA);");
  EXPECT_EQ(RenderDdl("{unknown} {", SqlEngine::kSqlite), "{unknown} {");
}

TEST(RowReader, ReadsTypedColumnsInOrder) {
  const SqlRow row{SqlValue(std::int64_t{7}), SqlValue("text"), SqlValue(Blob{0, 1}), SqlValue(),
                   SqlValue(1)};
  RowReader r(row);
  EXPECT_EQ(r.Int(), 7);
  EXPECT_EQ(r.Text(), "text");
  EXPECT_EQ(r.Bytes(), (Blob{0, 1}));
  EXPECT_FALSE(r.OptionalBytes().has_value());
  EXPECT_TRUE(r.Bool());
  EXPECT_TRUE(r.status().ok());
}

TEST(RowReader, TypeMismatchesAndMissingColumnsAreCorrupt) {
  const SqlRow row{SqlValue("not a number"), SqlValue(2)};
  {
    RowReader r(row);
    EXPECT_EQ(r.Int(), 0);
    EXPECT_EQ(r.Text(), "");  // after the first error, everything is empty
    ASSERT_FALSE(r.status().ok());
    EXPECT_EQ(r.status().error().code(), ErrorCode::kCorrupt);
  }
  {
    RowReader r(row);
    (void)r.Text();
    (void)r.Bool();  // 2 is not a flag
    EXPECT_EQ(r.status().error().code(), ErrorCode::kCorrupt);
  }
  {
    RowReader r(row);
    (void)r.Text();
    (void)r.Int();
    (void)r.Int();  // past the end
    EXPECT_EQ(r.status().error().code(), ErrorCode::kCorrupt);
  }
  {
    const SqlRow null_row{SqlValue()};
    RowReader r(null_row);
    (void)r.Bytes();  // NULL where a value is required
    EXPECT_EQ(r.status().error().code(), ErrorCode::kCorrupt);
  }
}

// The connection layer on each real engine.
class SqlConnectionTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    if (GetParam() == Engine::kPostgres && storetest::PostgresTestConninfo() == nullptr) {
      GTEST_SKIP() << storetest::kNoPostgresMessage;
    }
    ASSERT_OK_AND_ASSIGN(db_, storetest::CreateTestDatabase(GetParam()));
    ASSERT_OK_AND_ASSIGN(conn_, db_->Connect());
    const SqlEngine engine = conn_->engine();
    ASSERT_OK(conn_->ExecScript(
        RenderDdl("CREATE TABLE parent (id {ID}, name {TEXT} NOT NULL UNIQUE){STRICT};"
                  "CREATE TABLE child (parent_id {INT} NOT NULL REFERENCES parent (id),"
                  "  n {INT} CHECK (n >= 0), b {BLOB}, s {TEXT}){STRICT};",
                  engine)));
  }
  void TearDown() override {
    conn_.reset();
    db_.reset();
  }

  std::unique_ptr<storetest::TestDatabase> db_;
  std::unique_ptr<SqlConnection> conn_;
};

INSTANTIATE_TEST_SUITE_P(Engines, SqlConnectionTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         storetest::EngineParamName);

TEST_P(SqlConnectionTest, ValuesRoundTripExactly) {
  ASSERT_OK_AND_ASSIGN(auto ids,
                       conn_->Query("INSERT INTO parent (name) VALUES (?) RETURNING id", {"p"}));
  const std::int64_t id = ids[0][0].as_int();
  Blob every_byte(256);
  for (std::size_t i = 0; i < every_byte.size(); ++i) every_byte[i] = static_cast<std::uint8_t>(i);
  const std::int64_t big = std::numeric_limits<std::int64_t>::max();
  ASSERT_OK(conn_->Exec("INSERT INTO child (parent_id, n, b, s) VALUES (?, ?, ?, ?)",
                        {id, big, every_byte, "ünïcödé ✓"}));
  ASSERT_OK(conn_->Exec("INSERT INTO child (parent_id, n, b, s) VALUES (?, ?, ?, ?)",
                        {id, 0, Blob{}, ""}));
  ASSERT_OK(conn_->Exec("INSERT INTO child (parent_id, n, b, s) VALUES (?, ?, ?, ?)",
                        {id, SqlValue(), SqlValue(), SqlValue()}));
  ASSERT_OK_AND_ASSIGN(auto rows, conn_->Query("SELECT n, b, s FROM child WHERE parent_id = ? "
                                               "ORDER BY n DESC NULLS LAST",
                                               {id}));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0][0].as_int(), big);
  EXPECT_EQ(rows[0][1].as_blob(), every_byte);
  EXPECT_EQ(rows[0][2].as_text(), "ünïcödé ✓");
  EXPECT_EQ(rows[1][0].as_int(), 0);
  ASSERT_EQ(rows[1][1].type(), SqlValue::Type::kBlob);  // empty, not NULL
  EXPECT_TRUE(rows[1][1].as_blob().empty());
  ASSERT_EQ(rows[1][2].type(), SqlValue::Type::kText);
  EXPECT_EQ(rows[1][2].as_text(), "");
  EXPECT_TRUE(rows[2][0].is_null());
  EXPECT_TRUE(rows[2][1].is_null());
  EXPECT_TRUE(rows[2][2].is_null());

  // Negative numbers and a comparison against a blob parameter with zero bytes.
  ASSERT_OK_AND_ASSIGN(
      auto neg, conn_->Query("SELECT ? - 1", {std::numeric_limits<std::int64_t>::min() + 1}));
  EXPECT_EQ(neg[0][0].as_int(), std::numeric_limits<std::int64_t>::min());
  ASSERT_OK_AND_ASSIGN(auto by_blob,
                       conn_->Query("SELECT COUNT(*) FROM child WHERE b = ?", {every_byte}));
  EXPECT_EQ(by_blob[0][0].as_int(), 1);
}

TEST_P(SqlConnectionTest, ExecCountsChangedRows) {
  ASSERT_OK(conn_->Exec("INSERT INTO parent (name) VALUES (?)", {"a"}));
  ASSERT_OK(conn_->Exec("INSERT INTO parent (name) VALUES (?)", {"b"}));
  ASSERT_OK_AND_ASSIGN(
      std::int64_t changed,
      conn_->Exec("UPDATE parent SET name = name || ? WHERE name <> ?", {"!", "z"}));
  EXPECT_EQ(changed, 2);
  ASSERT_OK_AND_ASSIGN(std::int64_t none, conn_->Exec("DELETE FROM parent WHERE name = ?", {"q"}));
  EXPECT_EQ(none, 0);
}

TEST_P(SqlConnectionTest, EngineErrorsMapToOneVocabulary) {
  ASSERT_OK_AND_ASSIGN(auto ids,
                       conn_->Query("INSERT INTO parent (name) VALUES (?) RETURNING id", {"p"}));
  const std::int64_t id = ids[0][0].as_int();
  auto dup = conn_->Exec("INSERT INTO parent (name) VALUES (?)", {"p"});
  EXPECT_CODE(dup, ErrorCode::kAlreadyExists);
  if (!dup.ok()) {
    const std::string engine = GetParam() == Engine::kSqlite ? "sqlite: " : "postgres: ";
    EXPECT_EQ(dup.error().message().rfind(engine, 0), 0u) << dup.error().message();
    EXPECT_NE(dup.error().message().find("INSERT INTO parent"), std::string::npos);
  }
  EXPECT_CODE(conn_->Exec("INSERT INTO child (parent_id, n) VALUES (?, ?)", {id + 99, 1}),
              ErrorCode::kFailedPrecondition);
  EXPECT_CODE(conn_->Exec("INSERT INTO child (parent_id, n) VALUES (?, ?)", {id, -1}),
              ErrorCode::kInvalidArgument);
  EXPECT_CODE(conn_->Exec("INSERT INTO parent (name) VALUES (?)", {SqlValue()}),
              ErrorCode::kInvalidArgument);
  EXPECT_CODE(conn_->Exec("INSERT INTO parent (name) VALUES (?)", {"x", "y"}),
              ErrorCode::kInternal);  // a parameter count mismatch is a bug
  EXPECT_CODE(conn_->Exec("SELECT * FROM no_such_table"), ErrorCode::kIo);
}

TEST_P(SqlConnectionTest, ErrorMessagesNeverQuoteParameterValues) {
  ASSERT_OK(conn_->Exec("INSERT INTO parent (name) VALUES (?)", {"secret-value-123"}));
  auto dup = conn_->Exec("INSERT INTO parent (name) VALUES (?)", {"secret-value-123"});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().message().find("secret-value-123"), std::string::npos)
      << dup.error().message();
}

TEST_P(SqlConnectionTest, TransactionsCommitAndRollBack) {
  EXPECT_FALSE(conn_->InTransaction());
  ASSERT_OK(conn_->Begin(TxMode::kWrite));
  EXPECT_TRUE(conn_->InTransaction());
  EXPECT_FALSE(conn_->Reusable());
  ASSERT_OK(conn_->Exec("INSERT INTO parent (name) VALUES (?)", {"kept"}));
  ASSERT_OK(conn_->Commit());
  EXPECT_FALSE(conn_->InTransaction());
  EXPECT_TRUE(conn_->Reusable());
  ASSERT_OK(conn_->Begin(TxMode::kWrite));
  ASSERT_OK(conn_->Exec("INSERT INTO parent (name) VALUES (?)", {"dropped"}));
  ASSERT_OK(conn_->Rollback());
  ASSERT_OK_AND_ASSIGN(auto rows, conn_->Query("SELECT name FROM parent ORDER BY name"));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0].as_text(), "kept");
}

}  // namespace
}  // namespace candor::store
