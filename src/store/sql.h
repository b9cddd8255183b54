// Internal to src/store: the small SQL connection abstraction that lets one implementation
// of store::Transaction (sql_store.cc) run on both engines, so that no query is written twice.
//
// Statements use `?` placeholders on both engines (the PostgreSQL connection rewrites them to
// `$1..$n`); parameters and results are typed values — 64-bit integer, text, blob or NULL —
// and blobs are binary-safe on both (zero bytes included). Everything engine-specific lives
// behind this interface (sqlite_connection.cc, postgres_connection.cc): opening and session
// settings, how a transaction begins (and so how writers are serialized), how engine errors
// map onto ErrorCode, and the few words of DDL that differ (schema.cc asks DdlType()).
//
// Error mapping, the same on both engines:
//   unique or primary-key violation          → kAlreadyExists
//   foreign-key violation                    → kFailedPrecondition
//   NOT NULL / CHECK violation, bad data     → kInvalidArgument
//   busy, lock timeout, lost connection      → kUnavailable
//   corrupt database file                    → kCorrupt
//   disk full                                → kResourceExhausted
//   anything else the engine reports         → kIo
// Messages name the engine and the failing statement's first words, never parameter values
// (they may be secrets or identifying data).
//
// Thread safety: a connection is used by one thread at a time (the pool in sql_store.cc
// hands each transaction its own connection).
#ifndef CANDOR_STORE_SQL_H_
#define CANDOR_STORE_SQL_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "base/result.h"
#include "store/store.h"

namespace candor::store {

enum class SqlEngine { kSqlite, kPostgres };

// A statement parameter or a result column: NULL, a 64-bit integer, UTF-8 text or a blob.
// Booleans are stored as the integers 0 and 1 on both engines.
class SqlValue {
 public:
  enum class Type { kNull, kInt, kText, kBlob };

  SqlValue() = default;                                 // NULL
  SqlValue(std::nullopt_t) {}                           // NOLINT(google-explicit-constructor)
  SqlValue(std::int64_t v) : v_(v) {}                   // NOLINT(google-explicit-constructor)
  SqlValue(int v) : v_(std::int64_t{v}) {}              // NOLINT(google-explicit-constructor)
  SqlValue(bool v) : v_(std::int64_t{v ? 1 : 0}) {}     // NOLINT(google-explicit-constructor)
  SqlValue(std::string v) : v_(std::move(v)) {}         // NOLINT(google-explicit-constructor)
  SqlValue(std::string_view v) : v_(std::string(v)) {}  // NOLINT(google-explicit-constructor)
  SqlValue(const char* v) : v_(std::string(v)) {}       // NOLINT(google-explicit-constructor)
  SqlValue(Blob v) : v_(std::move(v)) {}                // NOLINT(google-explicit-constructor)
  SqlValue(const std::optional<Blob>& v) {              // NOLINT(google-explicit-constructor)
    if (v) v_ = *v;
  }
  SqlValue(const std::optional<std::int64_t>& v) {  // NOLINT(google-explicit-constructor)
    if (v) v_ = *v;
  }
  SqlValue(const std::optional<std::string>& v) {  // NOLINT(google-explicit-constructor)
    if (v) v_ = *v;
  }

  Type type() const { return static_cast<Type>(v_.index()); }
  bool is_null() const { return type() == Type::kNull; }
  // REQUIRES: type() is the accessor's type (checked; a mismatch is a bug and aborts).
  std::int64_t as_int() const { return Get<std::int64_t>(); }
  const std::string& as_text() const { return Get<std::string>(); }
  const Blob& as_blob() const { return Get<Blob>(); }

 private:
  template <typename T>
  const T& Get() const {
    if (!std::holds_alternative<T>(v_)) internal::DieOnBadAccess("SqlValue: wrong type");
    return std::get<T>(v_);
  }
  std::variant<std::monostate, std::int64_t, std::string, Blob> v_;
};

using SqlParams = std::vector<SqlValue>;
using SqlRow = std::vector<SqlValue>;

// Reads one row's columns in order with typed getters. A column of the wrong type (stored
// data that does not match the schema) or reading past the last column records a kCorrupt
// error — the first one sticks — and the getter returns an empty value; check status() once
// after reading every column.
class RowReader {
 public:
  explicit RowReader(const SqlRow& row) : row_(row) {}

  std::int64_t Int();
  bool Bool();  // an integer that must be 0 or 1
  std::string Text();
  Blob Bytes();
  std::optional<Blob> OptionalBytes();        // NULL → nullopt
  std::optional<std::int64_t> OptionalInt();  // NULL → nullopt
  std::optional<std::string> OptionalText();  // NULL → nullopt

  [[nodiscard]] Status status() const { return status_; }

 private:
  const SqlValue* Next(SqlValue::Type want, bool nullable);

  const SqlRow& row_;
  std::size_t next_ = 0;
  Status status_;
};

// One open connection to a database. Not thread-safe (see above).
class SqlConnection {
 public:
  virtual ~SqlConnection() = default;

  virtual SqlEngine engine() const = 0;

  // Runs one statement with `?` placeholders bound to `params` in order; returns the number
  // of rows it changed (0 for statements that change none).
  // NOLINTNEXTLINE(google-default-arguments): callers hold the interface, never an engine
  virtual Result<std::int64_t> Exec(std::string_view sql, const SqlParams& params = {}) = 0;

  // Runs one statement and returns every row it produced.
  // NOLINTNEXTLINE(google-default-arguments): callers hold the interface, never an engine
  virtual Result<std::vector<SqlRow>> Query(std::string_view sql, const SqlParams& params = {}) = 0;

  // Runs a script of several `;`-separated statements without parameters (migrations).
  virtual Status ExecScript(std::string_view sql) = 0;

  // Starts a transaction. kWrite: serialized with every other writer on this database, in
  // this and every other process (SQLite: BEGIN IMMEDIATE, the database's write lock;
  // PostgreSQL: READ COMMITTED plus pg_advisory_xact_lock(kPostgresWriterLock)), waiting up
  // to kWriteLockWait, then kUnavailable. kRead: one consistent snapshot, taken at the first
  // read (SQLite: a deferred BEGIN in WAL mode; PostgreSQL: REPEATABLE READ, READ ONLY).
  virtual Status Begin(TxMode mode) = 0;
  // Returns only after the engine committed durably (SQLite synchronous=FULL; PostgreSQL's
  // COMMIT with the server's synchronous_commit, on by default).
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;
  // Whether a transaction is open on this connection.
  virtual bool InTransaction() const = 0;

  // Whether the connection can be handed to the next transaction: it is open, reachable as
  // far as the client library knows, and not inside a transaction.
  virtual bool Reusable() const = 0;
};

// The advisory lock key that serializes writers on PostgreSQL ("Candor" in ASCII). Every
// process sharing a database must use the same key; migrations take it too.
inline constexpr std::int64_t kPostgresWriterLock = 0x43616e646f72;

// How long a writer waits for the write lock before giving up with kUnavailable.
inline constexpr std::chrono::milliseconds kWriteLockWait{30'000};

// Opens (creating if needed) an SQLite database file with WAL, synchronous=FULL,
// foreign_keys=ON and a busy timeout. A new file is created readable by its owner only.
Result<std::unique_ptr<SqlConnection>> OpenSqliteConnection(const std::string& path);

// Copies the SQLite database at `source` — which a running server may be writing meanwhile
// (WAL: a reader blocks no writer) — into the new file `dest` (mode 0600, which must not exist),
// as one consistent snapshot: SQLite's online backup API in a single step, retried while the
// source is busy, then fsync'd. With `source_immutable` (a backup being restored) the source is
// opened read-only as an immutable file, so read-only media work and nothing is written beside
// it. A failed copy leaves no `dest`. Error: kAlreadyExists when `dest` exists; kIo,
// kUnavailable.
Status BackupSqliteDatabase(const std::string& source, const std::string& dest,
                            bool source_immutable = false);

// Connects to PostgreSQL (libpq conninfo string or URI), client encoding UTF8.
Result<std::unique_ptr<SqlConnection>> OpenPostgresConnection(const std::string& conninfo);

// Rewrites `?` placeholders to `$1..$n`, leaving `?` inside quoted strings, quoted
// identifiers and comments alone. Sets `*count` to n. Exposed for tests.
std::string ToPostgresPlaceholders(std::string_view sql, int* count);

// The statement's first words, for error messages (never its parameters).
std::string StatementSummary(std::string_view sql);

}  // namespace candor::store

#endif  // CANDOR_STORE_SQL_H_
