// SqlConnection on SQLite (the sqlite3 C API). Only this file includes sqlite3.h.
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <memory>
#include <thread>

#include "store/sql.h"

namespace candor::store {
namespace {

// RETURNING (3.35) and STRICT tables (3.37) are used by every query and the schema.
constexpr int kMinimumSqliteVersion = 3037000;
// Prepared statements kept per connection. The store issues a fixed set of statements (a few
// dozen), so in practice every statement is prepared once; the cap only bounds a misuse.
constexpr std::size_t kMaxCachedStatements = 128;

ErrorCode MapSqliteError(int extended) {
  switch (extended & 0xff) {
    case SQLITE_CONSTRAINT:
      if (extended == SQLITE_CONSTRAINT_UNIQUE || extended == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return ErrorCode::kAlreadyExists;
      }
      if (extended == SQLITE_CONSTRAINT_FOREIGNKEY) return ErrorCode::kFailedPrecondition;
      return ErrorCode::kInvalidArgument;  // NOT NULL, CHECK, STRICT datatype
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return ErrorCode::kUnavailable;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return ErrorCode::kCorrupt;
    case SQLITE_FULL:
      return ErrorCode::kResourceExhausted;
    case SQLITE_TOOBIG:
    case SQLITE_MISMATCH:
    case SQLITE_RANGE:
      return ErrorCode::kInvalidArgument;
    default:
      return ErrorCode::kIo;
  }
}

class SqliteConnection final : public SqlConnection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() override {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    // sqlite3_close_v2 rolls back an open transaction.
    sqlite3_close_v2(db_);
  }
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Status Configure();

  SqlEngine engine() const override { return SqlEngine::kSqlite; }
  Result<std::int64_t> Exec(std::string_view sql, const SqlParams& params) override;
  Result<std::vector<SqlRow>> Query(std::string_view sql, const SqlParams& params) override;
  Status ExecScript(std::string_view sql) override;
  Status Begin(TxMode mode) override;
  Status Commit() override;
  Status Rollback() override;
  bool InTransaction() const override { return sqlite3_get_autocommit(db_) == 0; }
  bool Reusable() const override { return !InTransaction(); }

 private:
  // A prepared, bound statement; resets it (and clears its bindings, which point into the
  // caller's parameters) on destruction, and finalizes it when it is not cached.
  class Bound {
   public:
    Bound(sqlite3_stmt* stmt, bool cached) : stmt_(stmt), cached_(cached) {}
    ~Bound() {
      if (cached_) {
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
      } else {
        sqlite3_finalize(stmt_);
      }
    }
    Bound(const Bound&) = delete;
    Bound& operator=(const Bound&) = delete;
    sqlite3_stmt* stmt() const { return stmt_; }

   private:
    sqlite3_stmt* stmt_;
    bool cached_;
  };

  Error EngineError(std::string_view sql) const {
    const int code = sqlite3_extended_errcode(db_);
    std::string message = "sqlite: " + std::string(sqlite3_errmsg(db_));
    if (!sql.empty()) message += " (in \"" + StatementSummary(sql) + "\")";
    return Error(MapSqliteError(code), std::move(message));
  }

  Result<std::unique_ptr<Bound>> Prepare(std::string_view sql, const SqlParams& params);
  // Steps `stmt` to completion, collecting rows when `rows` is not null.
  Status Run(std::string_view sql, sqlite3_stmt* stmt, std::vector<SqlRow>* rows);

  sqlite3* db_;
  std::map<std::string, sqlite3_stmt*, std::less<>> cache_;
};

Status SqliteConnection::Configure() {
  if (sqlite3_extended_result_codes(db_, 1) != SQLITE_OK) return EngineError("");
  if (sqlite3_busy_timeout(db_, static_cast<int>(kWriteLockWait.count())) != SQLITE_OK) {
    return EngineError("");
  }
  // WAL: readers never block the writer and see one snapshot each. synchronous=FULL: a
  // commit is on disk (WAL fsync'd) before COMMIT returns, so an acknowledged write survives
  // a power cut, not only a process crash.
  // Switching a fresh database to WAL needs a moment of exclusive access. When several
  // servers open the same new file at once, SQLite may answer SQLITE_BUSY at once rather than
  // through the busy handler (to avoid a deadlock between lock upgrades), so wait here too.
  auto mode = Query("PRAGMA journal_mode = WAL", {});
  const auto deadline = std::chrono::steady_clock::now() + kWriteLockWait;
  while (!mode.ok() && mode.error().code() == ErrorCode::kUnavailable &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    mode = Query("PRAGMA journal_mode = WAL", {});
  }
  if (!mode.ok()) return mode.error();
  if (mode->size() != 1 || (*mode)[0].size() != 1 ||
      (*mode)[0][0].type() != SqlValue::Type::kText || (*mode)[0][0].as_text() != "wal") {
    return Error(ErrorCode::kIo, "sqlite: the database could not be switched to WAL mode");
  }
  // secure_delete: a freed page is overwritten with zeros, so deleted or rewritten rows (a
  // purged ciphertext, a co-signature's pre-batch copy) leave nothing behind in the file;
  // journal_size_limit 0: the WAL file is truncated whenever it is reset, so old frames do not
  // linger in it (security review H3, L4).
  CANDOR_RETURN_IF_ERROR(ExecScript(
      "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA trusted_schema = OFF; "
      "PRAGMA secure_delete = ON; PRAGMA journal_size_limit = 0;"));
  CANDOR_ASSIGN_OR_RETURN(auto fk, Query("PRAGMA foreign_keys", {}));
  if (fk.size() != 1 || fk[0].size() != 1 || fk[0][0].type() != SqlValue::Type::kInt ||
      fk[0][0].as_int() != 1) {
    return Error(ErrorCode::kIo, "sqlite: this SQLite library does not enforce foreign keys");
  }
  return Status::Ok();
}

Result<std::unique_ptr<SqliteConnection::Bound>> SqliteConnection::Prepare(
    std::string_view sql, const SqlParams& params) {
  sqlite3_stmt* stmt = nullptr;
  bool cached = false;
  if (auto it = cache_.find(sql); it != cache_.end()) {
    stmt = it->second;
    cached = true;
  } else {
    cached = cache_.size() < kMaxCachedStatements;
    if (sql.size() > static_cast<std::size_t>(INT32_MAX)) {
      return InvalidArgument("statement too long");
    }
    const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                      cached ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, nullptr);
    if (rc != SQLITE_OK) return EngineError(sql);
    if (stmt == nullptr) return Error(ErrorCode::kInternal, "sqlite: empty statement");
    if (cached) cache_.emplace(std::string(sql), stmt);
  }
  auto bound = std::make_unique<Bound>(stmt, cached);
  const int expected = sqlite3_bind_parameter_count(stmt);
  if (static_cast<std::size_t>(expected) != params.size()) {
    return Error(ErrorCode::kInternal, "sqlite: statement \"" + StatementSummary(sql) +
                                           "\" takes " + std::to_string(expected) +
                                           " parameters, " + std::to_string(params.size()) +
                                           " given");
  }
  for (std::size_t i = 0; i < params.size(); ++i) {
    const int col = static_cast<int>(i) + 1;
    const SqlValue& p = params[i];
    int rc = SQLITE_OK;
    // A null destructor is SQLITE_STATIC: the values outlive the statement's use, and
    // ~Bound clears the bindings before they go away.
    switch (p.type()) {
      case SqlValue::Type::kNull:
        rc = sqlite3_bind_null(stmt, col);
        break;
      case SqlValue::Type::kInt:
        rc = sqlite3_bind_int64(stmt, col, p.as_int());
        break;
      case SqlValue::Type::kText:
        rc = sqlite3_bind_text64(stmt, col, p.as_text().data(), p.as_text().size(), nullptr,
                                 SQLITE_UTF8);
        break;
      case SqlValue::Type::kBlob:
        // An empty vector's data() may be null, which SQLite would store as NULL.
        rc = p.as_blob().empty()
                 ? sqlite3_bind_zeroblob(stmt, col, 0)
                 : sqlite3_bind_blob64(stmt, col, p.as_blob().data(), p.as_blob().size(), nullptr);
        break;
    }
    if (rc != SQLITE_OK) return EngineError(sql);
  }
  return bound;
}

Status SqliteConnection::Run(std::string_view sql, sqlite3_stmt* stmt, std::vector<SqlRow>* rows) {
  for (;;) {
    const int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) return Status::Ok();
    if (rc != SQLITE_ROW) return EngineError(sql);
    if (rows == nullptr) continue;
    const int n = sqlite3_column_count(stmt);
    SqlRow row;
    row.reserve(static_cast<std::size_t>(n));
    for (int c = 0; c < n; ++c) {
      switch (sqlite3_column_type(stmt, c)) {
        case SQLITE_NULL:
          row.emplace_back();
          break;
        case SQLITE_INTEGER:
          row.emplace_back(static_cast<std::int64_t>(sqlite3_column_int64(stmt, c)));
          break;
        case SQLITE_TEXT: {
          const auto* p = sqlite3_column_text(stmt, c);
          const int len = sqlite3_column_bytes(stmt, c);
          row.emplace_back(
              std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(len)));
          break;
        }
        case SQLITE_BLOB: {
          const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt, c));
          const int len = sqlite3_column_bytes(stmt, c);
          row.emplace_back(len == 0 ? Blob() : Blob(p, p + len));
          break;
        }
        default:  // SQLITE_FLOAT: no column of the schema holds one
          return Error(ErrorCode::kCorrupt, "sqlite: unexpected floating-point value (in \"" +
                                                StatementSummary(sql) + "\")");
      }
    }
    rows->push_back(std::move(row));
  }
}

Result<std::int64_t> SqliteConnection::Exec(std::string_view sql, const SqlParams& params) {
  CANDOR_ASSIGN_OR_RETURN(auto bound, Prepare(sql, params));
  CANDOR_RETURN_IF_ERROR(Run(sql, bound->stmt(), nullptr));
  return static_cast<std::int64_t>(sqlite3_changes64(db_));
}

Result<std::vector<SqlRow>> SqliteConnection::Query(std::string_view sql, const SqlParams& params) {
  CANDOR_ASSIGN_OR_RETURN(auto bound, Prepare(sql, params));
  std::vector<SqlRow> rows;
  CANDOR_RETURN_IF_ERROR(Run(sql, bound->stmt(), &rows));
  return rows;
}

Status SqliteConnection::ExecScript(std::string_view sql) {
  const std::string text(sql);  // sqlite3_exec wants a NUL-terminated string
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string what = message != nullptr ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  return Error(MapSqliteError(sqlite3_extended_errcode(db_)),
               "sqlite: " + what + " (in \"" + StatementSummary(sql) + "\")");
}

Status SqliteConnection::Begin(TxMode mode) {
  // IMMEDIATE takes the database's write lock now (waiting up to the busy timeout), so two
  // writers never both read and then collide at their first write; a deferred BEGIN lets a
  // reader take its WAL snapshot at its first read and never blocks anyone.
  auto done = Exec(mode == TxMode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED", {});
  if (!done.ok()) {
    if (done.error().code() == ErrorCode::kUnavailable) {
      return Error(ErrorCode::kUnavailable,
                   "sqlite: timed out waiting for the database's write lock");
    }
    return done.error();
  }
  return Status::Ok();
}

Status SqliteConnection::Commit() {
  CANDOR_RETURN_IF_ERROR(Exec("COMMIT", {}));
  return Status::Ok();
}

Status SqliteConnection::Rollback() {
  if (!InTransaction()) return Status::Ok();  // SQLite may already have rolled back
  CANDOR_RETURN_IF_ERROR(Exec("ROLLBACK", {}));
  return Status::Ok();
}

}  // namespace

namespace {
// `path` as the path part of a file: URI (RFC 3986: '%', '?' and '#' escaped).
std::string UriPath(const std::string& path) {
  std::string out;
  for (char c : path) {
    if (c == '%' || c == '?' || c == '#') {
      static constexpr char kHex[] = "0123456789ABCDEF";
      const auto b = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[b >> 4];
      out += kHex[b & 15];
    } else {
      out += c;
    }
  }
  return out;
}
}  // namespace

Result<std::unique_ptr<SqlConnection>> OpenSqliteConnection(const std::string& path) {
  if (sqlite3_libversion_number() < kMinimumSqliteVersion) {
    return Error(ErrorCode::kFailedPrecondition, "sqlite: version " +
                                                     std::string(sqlite3_libversion()) +
                                                     " is too old; Candor needs 3.37 or newer");
  }
  if (sqlite3_threadsafe() == 0) {
    return Error(ErrorCode::kFailedPrecondition,
                 "sqlite: the library was built without thread support");
  }
  if (path.empty() || path.find('\0') != std::string::npos) {
    return InvalidArgument("sqlite: the database path is empty or contains a NUL byte");
  }
  // Create the file readable by its owner only: it holds password and session hashes.
  // SQLite gives the -wal and -shm files the same permissions as the database file.
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Error(ErrorCode::kIo, "sqlite: cannot open " + path + ": " + std::strerror(errno));
  }
  ::close(fd);
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return Error(MapSqliteError(rc), "sqlite: cannot open " + path + ": " + message);
  }
  auto conn = std::make_unique<SqliteConnection>(db);
  auto configured = conn->Configure();
  if (!configured.ok()) return configured.error().WithContext("opening " + path);
  return std::unique_ptr<SqlConnection>(std::move(conn));
}

namespace {
Status CopySqliteDatabase(const std::string& source, const std::string& dest, bool immutable) {
  if (source.find('\0') != std::string::npos) {
    return InvalidArgument("sqlite: a path contains a NUL byte");
  }
  auto close = [](sqlite3* db) { sqlite3_close_v2(db); };
  sqlite3* raw_src = nullptr;
  // A live store is opened read-write (its WAL index is shared with the server); a backup being
  // restored as an immutable file, read-only.
  const std::string name = immutable ? "file:" + UriPath(source) + "?immutable=1" : source;
  const int flags = immutable ? SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX
                              : SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(name.c_str(), &raw_src, flags, nullptr);
  std::unique_ptr<sqlite3, decltype(close)> src(raw_src, close);
  if (rc != SQLITE_OK) {
    return Error(MapSqliteError(rc), "sqlite: cannot open " + source + ": " + sqlite3_errstr(rc));
  }
  sqlite3_busy_timeout(src.get(), 30'000);
  sqlite3* raw_dst = nullptr;
  rc =
      sqlite3_open_v2(dest.c_str(), &raw_dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<sqlite3, decltype(close)> dst(raw_dst, close);
  if (rc != SQLITE_OK) {
    return Error(MapSqliteError(rc), "sqlite: cannot open " + dest + ": " + sqlite3_errstr(rc));
  }
  sqlite3_backup* backup = sqlite3_backup_init(dst.get(), "main", src.get(), "main");
  if (backup == nullptr) {
    return Error(ErrorCode::kIo,
                 std::string("sqlite: the backup did not start: ") + sqlite3_errmsg(dst.get()));
  }
  // One step copies every page inside one read transaction: a snapshot of one moment. While a
  // writer holds the source's lock for a moment, the step is tried again.
  for (int attempt = 0;; ++attempt) {
    rc = sqlite3_backup_step(backup, -1);
    if (rc == SQLITE_DONE) break;
    if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && attempt < 300) {
      sqlite3_sleep(100);
      continue;
    }
    break;
  }
  const int finished = sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE || finished != SQLITE_OK) {
    return Error(MapSqliteError(rc != SQLITE_DONE ? rc : finished),
                 std::string("sqlite: the backup failed: ") + sqlite3_errstr(rc));
  }
  dst.reset();
  src.reset();
  const int out = ::open(dest.c_str(), O_RDONLY | O_CLOEXEC);
  if (out < 0 || ::fsync(out) != 0) {
    if (out >= 0) ::close(out);
    return Error(ErrorCode::kIo, "sqlite: cannot sync " + dest + ": " + std::strerror(errno));
  }
  ::close(out);
  return Status::Ok();
}

}  // namespace

Status BackupSqliteDatabase(const std::string& source, const std::string& dest,
                            bool source_immutable) {
  if (dest.find('\0') != std::string::npos)
    return InvalidArgument("sqlite: a path contains a NUL byte");
  // Created here, by its owner only, and never over an existing file.
  const int fd = ::open(dest.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return Error(ErrorCode::kAlreadyExists, "'" + dest + "' exists already");
    return Error(ErrorCode::kIo, "sqlite: cannot create " + dest + ": " + std::strerror(errno));
  }
  ::close(fd);
  Status copied = CopySqliteDatabase(source, dest, source_immutable);
  if (!copied.ok()) {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) ::unlink((dest + suffix).c_str());
  }
  return copied;
}

}  // namespace candor::store
