// store::Store and store::Transaction over SqlConnection: every query is written once, here,
// and runs unchanged on SQLite and PostgreSQL (sql.h says what differs and where).
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <functional>
#include <limits>
#include <mutex>
#include <utility>

#include "store/schema.h"
#include "store/sql.h"
#include "store/sql_store_internal.h"
#include "store/store.h"

namespace candor::store {
namespace {

using namespace sql_internal;  // NOLINT(google-build-using-namespace): this file is its user

class SqlStore final : public Store {
 public:
  explicit SqlStore(std::shared_ptr<StoreState> state) : state_(std::move(state)) {}

  Result<std::unique_ptr<Transaction>> Begin(TxMode mode) override {
    bool holds_gate = false;
    if (mode == TxMode::kWrite) {
      if (!state_->writers.Acquire(kWriteLockWait)) {
        return Error(ErrorCode::kUnavailable,
                     "timed out waiting for another write transaction of this process to finish");
      }
      holds_gate = true;
    }
    auto conn = BeginOn(mode);
    if (!conn.ok()) {
      if (holds_gate) state_->writers.Release();
      return conn.error();
    }
    return std::unique_ptr<Transaction>(
        std::make_unique<SqlTransaction>(state_, std::move(conn).value(), mode, holds_gate));
  }

  std::string_view Engine() const override {
    return state_->engine == SqlEngine::kSqlite ? "sqlite" : "postgres";
  }

  Status Compact() override {
    bool fresh = false;
    CANDOR_ASSIGN_OR_RETURN(auto conn, state_->pool.Acquire(&fresh));
    Status s =
        state_->engine == SqlEngine::kSqlite
            // Copies every committed page into the database file and truncates the WAL,
            // whose frames hold the rows as they were written, in arrival order.
            ? conn->ExecScript("PRAGMA wal_checkpoint(TRUNCATE);")
            // Prunes dead row versions (the pre-batch copies, with their xmin) from
            // the tables of anonymous writes; VACUUM cannot run inside a transaction.
            : conn->ExecScript("VACUUM cosignatures, cables, cable_events, cable_quota_tags;");
    state_->pool.Release(std::move(conn));
    return s;
  }

  std::optional<std::uint64_t> ChangeStamp() const override {
    if (state_->lock_fd < 0) return std::nullopt;
    return state_->commits.load(std::memory_order_acquire);
  }

  Result<int> SchemaVersion() override {
    CANDOR_ASSIGN_OR_RETURN(auto conn, BeginOn(TxMode::kRead));
    auto version = ReadSchemaVersion(*conn);
    (void)conn->Rollback();  // read-only: nothing to commit
    state_->pool.Release(std::move(conn));
    return version;
  }

 private:
  // A pooled connection with a transaction begun on it. When a pooled connection turns out
  // to be dead (the PostgreSQL server restarted since it was opened), the idle ones are
  // dropped with it and a fresh connection is tried, once.
  Result<std::unique_ptr<SqlConnection>> BeginOn(TxMode mode) {
    for (;;) {
      bool fresh = false;
      CANDOR_ASSIGN_OR_RETURN(auto conn, state_->pool.Acquire(&fresh));
      Status begun = conn->Begin(mode);
      if (begun.ok()) return conn;
      if (fresh || conn->Reusable()) {
        state_->pool.Release(std::move(conn));  // kept only if still usable
        return begun.error();
      }
      state_->pool.DropIdle();  // the next Acquire opens a fresh connection
    }
  }

  std::shared_ptr<StoreState> state_;
};

// An exclusive lock on `path` (created if missing), held while the returned descriptor is open.
Result<int> LockFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Error(ErrorCode::kIo,
                 "cannot open the lock file '" + path + "': " + std::strerror(errno));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) {
      return Error(
          ErrorCode::kFailedPrecondition,
          "another process (a second candor serve?) is using this store: '" + path + "' is locked");
    }
    return Error(ErrorCode::kIo, "cannot lock '" + path + "': " + std::strerror(err));
  }
  return fd;
}

Result<std::unique_ptr<Store>> OpenSqlStore(SqlEngine engine, ConnectionFactory factory,
                                            int lock_fd = -1) {
  auto state = std::make_shared<StoreState>(engine, std::move(factory));
  state->lock_fd = lock_fd;  // released with the state, also on the error paths below
  bool fresh = false;
  CANDOR_ASSIGN_OR_RETURN(auto first, state->pool.Acquire(&fresh));
  CANDOR_RETURN_IF_ERROR(ApplyMigrations(*first));
  state->pool.Release(std::move(first));
  return std::unique_ptr<Store>(std::make_unique<SqlStore>(std::move(state)));
}

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, StoreOpenOptions options) {
  int lock_fd = -1;
  if (options.exclusive) {
    CANDOR_ASSIGN_OR_RETURN(lock_fd, LockFile(path + "-lock"));
  }
  return OpenSqlStore(
      SqlEngine::kSqlite, [path] { return OpenSqliteConnection(path); }, lock_fd);
}

Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& conninfo) {
  return OpenSqlStore(SqlEngine::kPostgres,
                      [conninfo] { return OpenPostgresConnection(conninfo); });
}

Result<std::unique_ptr<Store>> OpenStore(const std::string& url, StoreOpenOptions options) {
  constexpr std::string_view kSqliteScheme = "sqlite:";
  if (url.starts_with(kSqliteScheme)) {
    const std::string path = url.substr(kSqliteScheme.size());
    if (path.empty()) return InvalidArgument("store URL \"sqlite:\" names no file");
    return OpenSqliteStore(path, options);
  }
  if (url.starts_with("postgres://") || url.starts_with("postgresql://")) {
    return OpenPostgresStore(url);
  }
  // The URL is not repeated in the message: a mistyped PostgreSQL URL may carry a password.
  return InvalidArgument("unknown store URL; expected sqlite:PATH, postgres://… or postgresql://…");
}

}  // namespace candor::store
