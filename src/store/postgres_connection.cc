// SqlConnection on PostgreSQL (libpq). Only this file includes libpq-fe.h.
//
// Every statement goes through PQexecParams with parameters and results in binary format:
// blobs travel as raw BYTEA bytes (no escaping, zero bytes included) and integers as 8-byte
// big-endian INT8, so nothing is ever spliced into SQL text.
#include <libpq-fe.h>

#include <array>
#include <charconv>
#include <cstring>
#include <limits>
#include <memory>

#include "store/sql.h"

namespace candor::store {
namespace {

// Type OIDs (catalog/pg_type.dat; stable since PostgreSQL 7). libpq-fe.h does not define them.
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kNameOid = 19;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kTextOid = 25;
constexpr Oid kBpcharOid = 1042;
constexpr Oid kVarcharOid = 1043;

// Identity columns need PostgreSQL 10.
constexpr int kMinimumServerVersion = 100000;

ErrorCode MapSqlState(std::string_view state) {
  if (state == "23505") return ErrorCode::kAlreadyExists;                // unique_violation
  if (state == "23503") return ErrorCode::kFailedPrecondition;           // foreign_key_violation
  if (state == "53100") return ErrorCode::kResourceExhausted;            // disk_full
  if (state == "XX001" || state == "XX002") return ErrorCode::kCorrupt;  // data/index corrupted
  // Lock timeout, query cancelled, serialization failure, deadlock: worth retrying later.
  if (state == "55P03" || state == "57014" || state == "40001" || state == "40P01") {
    return ErrorCode::kUnavailable;
  }
  const std::string_view cls = state.substr(0, 2);
  if (cls == "23" || cls == "22") return ErrorCode::kInvalidArgument;  // constraint, bad data
  if (cls == "08" || cls == "57" || cls == "53") {  // connection, shutdown, resources
    return ErrorCode::kUnavailable;
  }
  return ErrorCode::kIo;
}

std::string TrimmedLibpqMessage(const char* message) {
  std::string s = message != nullptr ? message : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s.empty() ? "unknown error" : s;
}

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

std::int64_t ReadBigEndian(const char* p, int len) {
  std::uint64_t v = 0;
  for (int i = 0; i < len; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  // Sign-extend values narrower than 8 bytes (INT2, INT4).
  if (len < 8 && len > 0 && (static_cast<unsigned char>(p[0]) & 0x80) != 0) {
    v |= ~std::uint64_t{0} << (8 * len);
  }
  return static_cast<std::int64_t>(v);
}

class PostgresConnection final : public SqlConnection {
 public:
  explicit PostgresConnection(PGconn* conn) : conn_(conn) {}
  ~PostgresConnection() override { PQfinish(conn_); }  // the server rolls back an open transaction
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  Status Configure();

  SqlEngine engine() const override { return SqlEngine::kPostgres; }
  Result<std::int64_t> Exec(std::string_view sql, const SqlParams& params) override;
  Result<std::vector<SqlRow>> Query(std::string_view sql, const SqlParams& params) override;
  Status ExecScript(std::string_view sql) override;
  Status Begin(TxMode mode) override;
  Status Commit() override;
  Status Rollback() override;
  bool InTransaction() const override {
    const PGTransactionStatusType s = PQtransactionStatus(conn_);
    return s == PQTRANS_INTRANS || s == PQTRANS_INERROR || s == PQTRANS_ACTIVE;
  }
  bool Reusable() const override {
    return PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) == PQTRANS_IDLE;
  }

 private:
  // Runs one statement; returns its result when it succeeded.
  Result<PgResult> Run(std::string_view sql, const SqlParams& params);
  Error ResultError(const PGresult* res, std::string_view sql) const;

  PGconn* conn_;
};

Error PostgresConnection::ResultError(const PGresult* res, std::string_view sql) const {
  const std::string where = sql.empty() ? "" : " (in \"" + StatementSummary(sql) + "\")";
  if (res == nullptr || PQstatus(conn_) != CONNECTION_OK) {
    return Error(ErrorCode::kUnavailable,
                 "postgres: " + TrimmedLibpqMessage(PQerrorMessage(conn_)) + where);
  }
  const char* state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
  // Only the primary message: DETAIL may quote the offending values (a unique violation's
  // key), which can be secrets or identifying data.
  const char* primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
  const std::string message =
      primary != nullptr ? std::string(primary) : TrimmedLibpqMessage(PQresultErrorMessage(res));
  return Error(
      state != nullptr ? MapSqlState(state) : ErrorCode::kIo,
      "postgres: " + message + (state != nullptr ? " [" + std::string(state) + "]" : "") + where);
}

Status PostgresConnection::Configure() {
  if (PQserverVersion(conn_) < kMinimumServerVersion) {
    return Error(ErrorCode::kFailedPrecondition,
                 "postgres: server version " + std::to_string(PQserverVersion(conn_)) +
                     " is too old; Candor needs PostgreSQL 10 or newer");
  }
  if (PQsetClientEncoding(conn_, "UTF8") != 0) {
    return Error(ErrorCode::kIo, "postgres: cannot set the client encoding to UTF8");
  }
  // Notices ("relation … already exists, skipping") are not errors; keep them off stderr.
  PQsetNoticeProcessor(
      conn_, [](void*, const char*) {}, nullptr);
  // lock_timeout bounds the wait for the writer lock (and any other lock) so that a stuck
  // writer turns into kUnavailable instead of a hung request.
  // synchronous_commit = on, whatever the server's default: a commit returns only once its
  // WAL is flushed (and, where synchronous_standby_names names standbys, once they have it), so
  // an acknowledged write survives a crash — with 'off' or 'local' it could be lost, and the
  // sequencer would then sign a different head at the same size: a fork (security review L7).
  return ExecScript(
      "SET client_min_messages = warning; SET synchronous_commit = on; SET lock_timeout = " +
      std::to_string(kWriteLockWait.count()) + ";");
}

Result<PgResult> PostgresConnection::Run(std::string_view sql, const SqlParams& params) {
  int placeholders = 0;
  const std::string text = ToPostgresPlaceholders(sql, &placeholders);
  if (static_cast<std::size_t>(placeholders) != params.size()) {
    return Error(ErrorCode::kInternal, "postgres: statement \"" + StatementSummary(sql) +
                                           "\" takes " + std::to_string(placeholders) +
                                           " parameters, " + std::to_string(params.size()) +
                                           " given");
  }
  const std::size_t n = params.size();
  std::vector<Oid> types(n, 0);
  std::vector<const char*> values(n, nullptr);
  std::vector<int> lengths(n, 0);
  std::vector<int> formats(n, 1);
  std::vector<std::array<char, 8>> ints(n);
  static constexpr char kEmpty = 0;  // a non-null pointer for empty text and blobs
  for (std::size_t i = 0; i < n; ++i) {
    const SqlValue& p = params[i];
    switch (p.type()) {
      case SqlValue::Type::kNull:
        break;  // type 0: the server infers it; a null pointer is SQL NULL
      case SqlValue::Type::kInt: {
        const auto v = static_cast<std::uint64_t>(p.as_int());
        for (int b = 0; b < 8; ++b) {
          ints[i][static_cast<std::size_t>(b)] = static_cast<char>((v >> (56 - 8 * b)) & 0xff);
        }
        types[i] = kInt8Oid;
        values[i] = ints[i].data();
        lengths[i] = 8;
        break;
      }
      case SqlValue::Type::kText:
      case SqlValue::Type::kBlob: {
        const bool text_value = p.type() == SqlValue::Type::kText;
        const std::size_t size = text_value ? p.as_text().size() : p.as_blob().size();
        if (size > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
          return InvalidArgument("postgres: parameter " + std::to_string(i + 1) + " is too large");
        }
        const char* data =
            text_value ? p.as_text().data() : reinterpret_cast<const char*>(p.as_blob().data());
        types[i] = text_value ? kTextOid : kByteaOid;
        values[i] = size == 0 ? &kEmpty : data;
        lengths[i] = static_cast<int>(size);
        break;
      }
    }
  }
  PgResult res(PQexecParams(conn_, text.c_str(), static_cast<int>(n), types.data(), values.data(),
                            lengths.data(), formats.data(), /*resultFormat=*/1));
  const ExecStatusType status = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return ResultError(res.get(), sql);
  return res;
}

Result<std::int64_t> PostgresConnection::Exec(std::string_view sql, const SqlParams& params) {
  CANDOR_ASSIGN_OR_RETURN(PgResult res, Run(sql, params));
  const char* tuples = PQcmdTuples(res.get());
  std::int64_t changed = 0;
  if (tuples != nullptr && *tuples != '\0') {
    std::from_chars(tuples, tuples + std::strlen(tuples), changed);
  }
  return changed;
}

Result<std::vector<SqlRow>> PostgresConnection::Query(std::string_view sql,
                                                      const SqlParams& params) {
  CANDOR_ASSIGN_OR_RETURN(PgResult res, Run(sql, params));
  const PGresult* r = res.get();
  const int rows = PQntuples(r);
  const int cols = PQnfields(r);
  std::vector<SqlRow> out;
  out.reserve(static_cast<std::size_t>(rows));
  for (int row = 0; row < rows; ++row) {
    SqlRow values;
    values.reserve(static_cast<std::size_t>(cols));
    for (int c = 0; c < cols; ++c) {
      if (PQgetisnull(r, row, c) != 0) {
        values.emplace_back();
        continue;
      }
      const char* p = PQgetvalue(r, row, c);
      const int len = PQgetlength(r, row, c);
      const Oid type = PQftype(r, c);
      if (type == kInt8Oid || type == kInt4Oid || type == kInt2Oid || type == kBoolOid) {
        const int want = type == kInt8Oid ? 8 : type == kInt4Oid ? 4 : type == kInt2Oid ? 2 : 1;
        if (len != want) {
          return Error(ErrorCode::kCorrupt, "postgres: integer column of unexpected width (in \"" +
                                                StatementSummary(sql) + "\")");
        }
        values.emplace_back(type == kBoolOid ? std::int64_t{p[0] != 0} : ReadBigEndian(p, len));
      } else if (type == kTextOid || type == kVarcharOid || type == kBpcharOid ||
                 type == kNameOid) {
        values.emplace_back(std::string(p, static_cast<std::size_t>(len)));
      } else if (type == kByteaOid) {
        const auto* b = reinterpret_cast<const std::uint8_t*>(p);
        values.emplace_back(Blob(b, b + len));
      } else {
        return Error(ErrorCode::kCorrupt, "postgres: column of unexpected type " +
                                              std::to_string(type) + " (in \"" +
                                              StatementSummary(sql) + "\")");
      }
    }
    out.push_back(std::move(values));
  }
  return out;
}

Status PostgresConnection::ExecScript(std::string_view sql) {
  // PQexec runs several statements in one round trip (simple query protocol).
  const std::string text(sql);
  PgResult res(PQexec(conn_, text.c_str()));
  const ExecStatusType status = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return ResultError(res.get(), sql);
  return Status::Ok();
}

Status PostgresConnection::Begin(TxMode mode) {
  Status begun;
  if (mode == TxMode::kWrite) {
    // READ COMMITTED, not REPEATABLE READ: the lock is taken by the transaction's first
    // statement, and a REPEATABLE READ snapshot would be taken when that statement starts —
    // before the wait — so a writer could miss the previous writer's commit and lose its
    // update. Under READ COMMITTED every later statement sees everything committed before the
    // lock was granted, and no other writer can commit while it is held. One round trip.
    begun = ExecScript("BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock(" +
                       std::to_string(kPostgresWriterLock) + ");");
  } else {
    // One snapshot for the whole read transaction (taken at its first query), read-only.
    begun = ExecScript("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
  }
  if (begun.ok()) return begun;
  if (InTransaction()) (void)Rollback();
  if (mode == TxMode::kWrite && begun.error().code() == ErrorCode::kUnavailable &&
      PQstatus(conn_) == CONNECTION_OK) {
    return Error(ErrorCode::kUnavailable, "postgres: timed out waiting for the writer lock");
  }
  return begun;
}

Status PostgresConnection::Commit() {
  if (PQtransactionStatus(conn_) == PQTRANS_INERROR) {
    // COMMIT of a failed transaction quietly rolls back; say so instead.
    (void)Rollback();
    return Error(ErrorCode::kFailedPrecondition,
                 "postgres: the transaction failed earlier and was rolled back");
  }
  PgResult res(PQexec(conn_, "COMMIT"));
  const ExecStatusType status = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK) {
    if (PQstatus(conn_) != CONNECTION_OK) {
      return Error(ErrorCode::kUnavailable,
                   "postgres: the connection was lost during COMMIT; the transaction may or may "
                   "not have committed: " +
                       TrimmedLibpqMessage(PQerrorMessage(conn_)));
    }
    return ResultError(res.get(), "COMMIT");
  }
  if (std::strcmp(PQcmdStatus(res.get()), "COMMIT") != 0) {
    return Error(ErrorCode::kIo, "postgres: COMMIT rolled back instead");
  }
  return Status::Ok();
}

Status PostgresConnection::Rollback() {
  if (!InTransaction()) return Status::Ok();
  return ExecScript("ROLLBACK");
}

}  // namespace

Result<std::unique_ptr<SqlConnection>> OpenPostgresConnection(const std::string& conninfo) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (conn == nullptr) return Error(ErrorCode::kResourceExhausted, "postgres: out of memory");
  auto owned = std::make_unique<PostgresConnection>(conn);
  if (PQstatus(conn) != CONNECTION_OK) {
    // libpq's message names the host and port but never the password.
    return Error(ErrorCode::kUnavailable,
                 "postgres: cannot connect: " + TrimmedLibpqMessage(PQerrorMessage(conn)));
  }
  CANDOR_RETURN_IF_ERROR(owned->Configure());
  return std::unique_ptr<SqlConnection>(std::move(owned));
}

}  // namespace candor::store
