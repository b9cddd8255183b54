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
#include "store/store.h"

namespace candor::store {
namespace {

// Connections kept open between transactions. More may be open while many transactions run
// at once; those beyond this number are closed when their transaction ends.
constexpr std::size_t kMaxIdleConnections = 8;

using ConnectionFactory = std::function<Result<std::unique_ptr<SqlConnection>>()>;

// Hands each transaction its own connection. Thread-safe.
class ConnectionPool {
 public:
  explicit ConnectionPool(ConnectionFactory factory) : factory_(std::move(factory)) {}

  // An idle connection, or a newly opened one (then *fresh is true).
  Result<std::unique_ptr<SqlConnection>> Acquire(bool* fresh) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!idle_.empty()) {
        auto conn = std::move(idle_.back());
        idle_.pop_back();
        *fresh = false;
        return conn;
      }
    }
    *fresh = true;
    return factory_();  // outside the lock: connecting to PostgreSQL takes a round trip or more
  }

  // Keeps `conn` for the next transaction if it is healthy and there is room; else closes it.
  void Release(std::unique_ptr<SqlConnection> conn) {
    if (conn == nullptr || !conn->Reusable()) return;
    std::lock_guard<std::mutex> lock(mu_);
    if (idle_.size() < kMaxIdleConnections) idle_.push_back(std::move(conn));
  }

  // Closes every idle connection (after one turned out dead, the others likely are too).
  void DropIdle() {
    std::vector<std::unique_ptr<SqlConnection>> dropped;
    std::lock_guard<std::mutex> lock(mu_);
    dropped.swap(idle_);
  }

 private:
  ConnectionFactory factory_;
  std::mutex mu_;
  std::vector<std::unique_ptr<SqlConnection>> idle_;
};

// Lets one write transaction of this process at a time proceed, in the order they asked.
// The engine's lock (BEGIN IMMEDIATE, the advisory lock) serializes writers across
// processes; this gate makes in-process writers queue without polling (SQLite's busy handler
// sleeps and retries) and without each holding a pooled connection while it waits. A
// transaction may finish on another thread than the one that began it, so this is a flag
// under a mutex rather than a mutex held across the transaction.
class WriterGate {
 public:
  bool Acquire(std::chrono::milliseconds wait) {
    std::unique_lock<std::mutex> lock(mu_);
    const std::uint64_t ticket = next_ticket_++;
    const bool got = cv_.wait_for(lock, wait, [&] { return !held_ && serving_ == ticket; });
    if (!got) {
      // Give up our place: tickets behind ours must not wait for us.
      abandoned_.push_back(ticket);
      SkipAbandoned();
      cv_.notify_all();
      return false;
    }
    held_ = true;
    ++serving_;
    SkipAbandoned();
    return true;
  }

  void Release() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      held_ = false;
    }
    cv_.notify_all();
  }

 private:
  void SkipAbandoned() {
    for (bool skipped = true; skipped;) {
      skipped = false;
      for (auto it = abandoned_.begin(); it != abandoned_.end(); ++it) {
        if (*it == serving_) {
          abandoned_.erase(it);
          ++serving_;
          skipped = true;
          break;
        }
      }
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  bool held_ = false;
  std::uint64_t next_ticket_ = 0;
  std::uint64_t serving_ = 0;
  std::vector<std::uint64_t> abandoned_;
};

// What a store and its transactions share. Transactions hold it by shared_ptr so that a
// transaction that outlives its Store (a caller's mistake) still returns its connection and
// releases the gate safely.
struct StoreState {
  explicit StoreState(SqlEngine e, ConnectionFactory factory)
      : engine(e), pool(std::move(factory)) {}
  ~StoreState() {
    if (lock_fd >= 0) ::close(lock_fd);  // releases the lock
  }
  StoreState(const StoreState&) = delete;
  StoreState& operator=(const StoreState&) = delete;
  SqlEngine engine;
  ConnectionPool pool;
  WriterGate writers;
  int lock_fd = -1;                       // SQLite opened exclusive: the locked PATH-lock
  std::atomic<std::uint64_t> commits{0};  // write transactions that reached COMMIT
};

Error NotFound(std::string message) { return Error(ErrorCode::kNotFound, std::move(message)); }

// The single row of an aggregate query.
Result<std::int64_t> SingleInt(const std::vector<SqlRow>& rows) {
  if (rows.size() != 1) return Error(ErrorCode::kCorrupt, "aggregate query returned no row");
  RowReader r(rows[0]);
  const std::int64_t v = r.Int();
  CANDOR_RETURN_IF_ERROR(r.status());
  return v;
}

Result<OrganizationRecord> DecodeOrganization(const SqlRow& row) {
  RowReader r(row);
  OrganizationRecord o;
  o.id = r.Int();
  o.slug = r.Text();
  o.name = r.Text();
  o.policy_json = r.Text();
  o.demo = r.Bool();
  CANDOR_RETURN_IF_ERROR(r.status());
  return o;
}

Result<HolidayRecord> DecodeHoliday(const SqlRow& row) {
  RowReader r(row);
  HolidayRecord h;
  h.organization_id = r.Int();
  h.date = r.Text();
  h.name = r.Text();
  CANDOR_RETURN_IF_ERROR(r.status());
  return h;
}

Result<AccountRecord> DecodeAccount(const SqlRow& row) {
  RowReader r(row);
  AccountRecord a;
  a.id = r.Int();
  a.organization_id = r.Int();
  a.username = r.Text();
  a.password_hash = r.Text();
  const std::int64_t roles = r.Int();
  a.totp_secret = r.OptionalBytes();
  a.reviewer_box_public = r.OptionalBytes();
  a.disabled = r.Bool();
  CANDOR_RETURN_IF_ERROR(r.status());
  if (roles < 0 || roles > std::numeric_limits<std::uint32_t>::max()) {
    return Error(ErrorCode::kCorrupt, "stored account roles out of range");
  }
  a.roles = static_cast<std::uint32_t>(roles);
  return a;
}

Result<SessionRecord> DecodeSession(const SqlRow& row) {
  RowReader r(row);
  SessionRecord s;
  s.token_hash = r.Bytes();
  s.account_id = r.Int();
  s.csrf_token = r.Text();
  s.created_at_ms = r.Int();
  s.expires_at_ms = r.Int();
  s.second_factor_pending = r.Bool();
  CANDOR_RETURN_IF_ERROR(r.status());
  return s;
}

// (slot, tag) of a quota tag row.
Result<std::pair<std::int64_t, Blob>> DecodeSlotTag(const SqlRow& row) {
  RowReader r(row);
  std::int64_t slot = r.Int();
  Blob tag = r.Bytes();
  CANDOR_RETURN_IF_ERROR(r.status());
  return std::make_pair(slot, std::move(tag));
}

Result<LoginThrottleRecord> DecodeThrottle(const SqlRow& row) {
  RowReader r(row);
  LoginThrottleRecord t;
  t.key = r.Text();
  t.failures = r.Int();
  t.locked_until_ms = r.Int();
  t.window_start_ms = r.Int();
  CANDOR_RETURN_IF_ERROR(r.status());
  return t;
}

Result<InvitationRecord> DecodeInvitation(const SqlRow& row) {
  RowReader r(row);
  InvitationRecord i;
  i.code_hash = r.Bytes();
  i.organization_id = r.Int();
  i.issued_by = r.Int();
  i.expires_at_ms = r.Int();
  i.redeemed = r.Bool();
  CANDOR_RETURN_IF_ERROR(r.status());
  return i;
}

Result<CosignatureRecord> DecodeCosignature(const SqlRow& row) {
  RowReader r(row);
  CosignatureRecord c;
  c.tree_size = r.Int();
  c.witness = r.Bytes();
  c.timestamp_s = r.Int();
  c.signature = r.Bytes();
  CANDOR_RETURN_IF_ERROR(r.status());
  return c;
}

Result<OrganizationLogRecord> DecodeOrganizationLog(const SqlRow& row) {
  RowReader r(row);
  OrganizationLogRecord e;
  e.log_index = r.Int();
  e.organization_id = r.Int();
  e.kind = r.Text();
  e.version = r.OptionalInt();
  CANDOR_RETURN_IF_ERROR(r.status());
  return e;
}

Result<RosterEventRecord> DecodeRosterEvent(const SqlRow& row) {
  RowReader r(row);
  RosterEventRecord e;
  e.organization_id = r.Int();
  e.version = r.Int();
  const std::int64_t action = r.Int();
  e.ring_public = r.Bytes();
  e.box_public = r.Bytes();
  e.log_index = r.Int();
  e.members = r.OptionalInt();
  CANDOR_RETURN_IF_ERROR(r.status());
  if (action != static_cast<int>(RosterAction::kAdd) &&
      action != static_cast<int>(RosterAction::kRemove)) {
    return Error(ErrorCode::kCorrupt, "stored roster action is neither add nor remove");
  }
  e.action = static_cast<RosterAction>(action);
  return e;
}

Result<LogEntryRecord> DecodeLogEntry(const SqlRow& row) {
  RowReader r(row);
  LogEntryRecord e;
  e.index = r.Int();
  e.entry = r.Bytes();
  e.leaf_hash = r.Bytes();
  CANDOR_RETURN_IF_ERROR(r.status());
  return e;
}

Result<TreeHeadRecord> DecodeTreeHead(const SqlRow& row) {
  RowReader r(row);
  TreeHeadRecord h;
  h.tree_size = r.Int();
  h.root = r.Bytes();
  h.timestamp_ms = r.Int();
  h.signature = r.Bytes();
  CANDOR_RETURN_IF_ERROR(r.status());
  return h;
}

Result<LetterRecord> DecodeLetter(const SqlRow& row) {
  RowReader r(row);
  LetterRecord l;
  l.id = r.Bytes();
  l.seq = r.Int();
  l.canonical = r.Bytes();
  l.log_index = r.Int();
  l.quorum_reached = r.Bool();
  CANDOR_RETURN_IF_ERROR(r.status());
  return l;
}

Result<LetterRosterRecord> DecodeLetterRoster(const SqlRow& row) {
  RowReader r(row);
  LetterRosterRecord p;
  p.letter_id = r.Bytes();
  p.position = r.Int();
  p.organization_id = r.Int();
  p.roster_version = r.Int();
  CANDOR_RETURN_IF_ERROR(r.status());
  return p;
}

Result<CoSignatureRecord> DecodeCoSignature(const SqlRow& row) {
  RowReader r(row);
  CoSignatureRecord c;
  c.letter_id = r.Bytes();
  c.tag = r.Bytes();
  const std::int64_t action = r.Int();
  c.organization_id = r.Int();
  c.ring_digest = r.Bytes();
  c.signature = r.Bytes();
  c.batch = r.OptionalInt();
  c.log_index = r.OptionalInt();
  const std::int64_t scheme = r.Int();
  CANDOR_RETURN_IF_ERROR(r.status());
  if (scheme != static_cast<int>(CoSignatureScheme::kLrsV1) &&
      scheme != static_cast<int>(CoSignatureScheme::kLrsV2)) {
    return Error(ErrorCode::kCorrupt, "stored co-signature scheme is neither v1 nor v2");
  }
  c.scheme = static_cast<CoSignatureScheme>(scheme);
  if (action != static_cast<int>(CoSignatureAction::kSign) &&
      action != static_cast<int>(CoSignatureAction::kWithdraw)) {
    return Error(ErrorCode::kCorrupt, "stored co-signature action is neither sign nor withdraw");
  }
  c.action = static_cast<CoSignatureAction>(action);
  return c;
}

Result<SignatureBatchRecord> DecodeSignatureBatch(const SqlRow& row) {
  RowReader r(row);
  SignatureBatchRecord b;
  b.letter_id = r.Bytes();
  b.batch = r.Int();
  b.log_index = r.Int();
  b.published_at_ms = r.Int();
  b.signatures = r.Int();
  CANDOR_RETURN_IF_ERROR(r.status());
  return b;
}

Result<LetterDraftRecord> DecodeLetterDraft(const SqlRow& row) {
  RowReader r(row);
  LetterDraftRecord d;
  d.id = r.Int();
  d.account_id = r.Int();
  d.letter_json = r.Text();
  d.updated_at_ms = r.Int();
  CANDOR_RETURN_IF_ERROR(r.status());
  return d;
}

Result<CableRecord> DecodeCable(const SqlRow& row) {
  RowReader r(row);
  CableRecord c;
  c.id = r.Bytes();
  c.organization_id = r.Int();
  c.named = r.Bool();
  c.header = r.Bytes();
  c.envelope = r.OptionalBytes();
  c.signature = r.OptionalBytes();
  c.quota_window = r.Int();
  c.quota_slot = r.Int();
  c.quota_signature = r.OptionalBytes();
  c.author_signature = r.OptionalBytes();
  c.submission_digest = r.Bytes();
  c.access_hash = r.Bytes();
  c.received_day = r.Int();
  c.published = r.Bool();
  c.acknowledged_day = r.OptionalInt();
  c.extended = r.Bool();
  c.closed_day = r.OptionalInt();
  c.purged = r.Bool();
  c.settings_json = r.OptionalText();
  CANDOR_RETURN_IF_ERROR(r.status());
  return c;
}

Result<CableEventRecord> DecodeCableEvent(const SqlRow& row) {
  RowReader r(row);
  CableEventRecord e;
  e.cable_id = r.Bytes();
  e.seq = r.Int();
  e.action = r.Text();
  e.digest = r.Bytes();
  e.day = r.Int();
  e.account_id = r.OptionalInt();
  e.at_ms = r.OptionalInt();
  e.recipients = r.OptionalBytes();
  e.envelope = r.OptionalBytes();
  e.log_index = r.OptionalInt();
  CANDOR_RETURN_IF_ERROR(r.status());
  return e;
}

Result<NotificationRecord> DecodeNotification(const SqlRow& row) {
  RowReader r(row);
  NotificationRecord n;
  n.id = r.Int();
  n.organization_id = r.Int();
  n.cable_id = r.Bytes();
  n.kind = r.Text();
  n.deadline_day = r.Int();
  n.days_before = r.Int();
  n.created_at_ms = r.Int();
  n.delivered = r.Bool();
  CANDOR_RETURN_IF_ERROR(r.status());
  return n;
}

template <typename T>
Result<std::vector<T>> DecodeAll(const std::vector<SqlRow>& rows,
                                 Result<T> (*decode)(const SqlRow&)) {
  std::vector<T> out;
  out.reserve(rows.size());
  for (const SqlRow& row : rows) {
    CANDOR_ASSIGN_OR_RETURN(T v, decode(row));
    out.push_back(std::move(v));
  }
  return out;
}

template <typename T>
Result<std::optional<T>> DecodeOptional(const std::vector<SqlRow>& rows,
                                        Result<T> (*decode)(const SqlRow&)) {
  if (rows.empty()) return std::optional<T>();
  CANDOR_ASSIGN_OR_RETURN(T v, decode(rows[0]));
  return std::optional<T>(std::move(v));
}

class SqlTransaction final : public Transaction {
 public:
  SqlTransaction(std::shared_ptr<StoreState> state, std::unique_ptr<SqlConnection> conn,
                 TxMode mode, bool holds_gate)
      : state_(std::move(state)), conn_(std::move(conn)), mode_(mode), holds_gate_(holds_gate) {}
  ~SqlTransaction() override { Finish(); }
  SqlTransaction(const SqlTransaction&) = delete;
  SqlTransaction& operator=(const SqlTransaction&) = delete;

  Status Commit() override {
    if (failed_) {
      return Error(ErrorCode::kFailedPrecondition,
                   "nothing was committed: the transaction was rolled back when a call failed (" +
                       failed_->message() + ")");
    }
    if (conn_ == nullptr) {
      return Error(ErrorCode::kFailedPrecondition, "the transaction has already finished");
    }
    Status committed = conn_->Commit();
    // Counted whatever the outcome: a failed COMMIT may still have changed the data.
    if (mode_ == TxMode::kWrite) state_->commits.fetch_add(1, std::memory_order_acq_rel);
    Finish();  // rolls back if the commit left the transaction open
    return committed;
  }

  // --- Organizations ---
  Result<std::int64_t> InsertOrganization(const OrganizationRecord& org) override {
    return Run(kWrites, [&]() -> Result<std::int64_t> {
      CANDOR_ASSIGN_OR_RETURN(
          auto rows, conn_->Query("INSERT INTO organizations (slug, name, policy_json, demo) "
                                  "VALUES (?, ?, ?, ?) RETURNING id",
                                  {org.slug, org.name, org.policy_json, org.demo}));
      return SingleInt(rows);
    });
  }

  Result<std::optional<OrganizationRecord>> FindOrganization(std::int64_t id) override {
    return Run(kReads, [&]() -> Result<std::optional<OrganizationRecord>> {
      CANDOR_ASSIGN_OR_RETURN(auto rows, conn_->Query("SELECT id, slug, name, policy_json, demo "
                                                      "FROM organizations WHERE id = ?",
                                                      {id}));
      return DecodeOptional(rows, &DecodeOrganization);
    });
  }

  Result<std::optional<OrganizationRecord>> FindOrganizationBySlug(std::string_view slug) override {
    return Run(kReads, [&]() -> Result<std::optional<OrganizationRecord>> {
      CANDOR_ASSIGN_OR_RETURN(auto rows, conn_->Query("SELECT id, slug, name, policy_json, demo "
                                                      "FROM organizations WHERE slug = ?",
                                                      {slug}));
      return DecodeOptional(rows, &DecodeOrganization);
    });
  }

  Result<std::vector<OrganizationRecord>> ListOrganizations() override {
    return Run(kReads, [&]() -> Result<std::vector<OrganizationRecord>> {
      CANDOR_ASSIGN_OR_RETURN(auto rows, conn_->Query("SELECT id, slug, name, policy_json, demo "
                                                      "FROM organizations ORDER BY id"));
      return DecodeAll(rows, &DecodeOrganization);
    });
  }

  Status UpdateOrganizationPolicy(std::int64_t id, std::string_view policy_json) override {
    return Run(kWrites, [&]() -> Status {
      CANDOR_ASSIGN_OR_RETURN(
          std::int64_t changed,
          conn_->Exec("UPDATE organizations SET policy_json = ? WHERE id = ?", {policy_json, id}));
      if (changed == 0) return NotFound("no organization " + std::to_string(id));
      return Status::Ok();
    });
  }

  // --- Holidays ---
  Status ReplaceHolidays(std::int64_t organization_id,
                         const std::vector<HolidayRecord>& holidays) override {
    return Run(kWrites, [&]() -> Status {
      for (const HolidayRecord& h : holidays) {
        if (h.organization_id != 0 && h.organization_id != organization_id) {
          return InvalidArgument("a holiday of organization " + std::to_string(h.organization_id) +
                                 " given for organization " + std::to_string(organization_id));
        }
      }
      CANDOR_RETURN_IF_ERROR(RequireOrganization(organization_id));
      CANDOR_RETURN_IF_ERROR(
          conn_->Exec("DELETE FROM holidays WHERE organization_id = ?", {organization_id}));
      for (const HolidayRecord& h : holidays) {
        CANDOR_RETURN_IF_ERROR(
            conn_->Exec("INSERT INTO holidays (organization_id, day, name) VALUES (?, ?, ?)",
                        {organization_id, h.date, h.name}));
      }
      return Status::Ok();
    });
  }

  Result<std::vector<HolidayRecord>> ListHolidays(std::int64_t organization_id) override {
    return Run(kReads, [&]() -> Result<std::vector<HolidayRecord>> {
      CANDOR_ASSIGN_OR_RETURN(auto rows,
                              conn_->Query("SELECT organization_id, day, name FROM holidays "
                                           "WHERE organization_id = ? ORDER BY day, name",
                                           {organization_id}));
      return DecodeAll(rows, &DecodeHoliday);
    });
  }

  // --- Accounts ---
  Result<std::int64_t> InsertAccount(const AccountRecord& a) override {
    return Run(kWrites, [&]() -> Result<std::int64_t> {
      CANDOR_ASSIGN_OR_RETURN(
          auto rows,
          conn_->Query(
              "INSERT INTO accounts (organization_id, username, password_hash, roles, "
              "totp_secret, reviewer_box_public, disabled) "
              "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
              {a.organization_id, a.username, a.password_hash, static_cast<std::int64_t>(a.roles),
               a.totp_secret, a.reviewer_box_public, a.disabled}));
      return SingleInt(rows);
    });
  }

  Result<std::optional<AccountRecord>> FindAccount(std::int64_t id) override {
    return Run(kReads, [&]() -> Result<std::optional<AccountRecord>> {
      CANDOR_ASSIGN_OR_RETURN(
          auto rows, conn_->Query("SELECT id, organization_id, username, password_hash, roles, "
                                  "totp_secret, reviewer_box_public, disabled "
                                  "FROM accounts WHERE id = ?",
                                  {id}));
      return DecodeOptional(rows, &DecodeAccount);
    });
  }

  Result<std::optional<AccountRecord>> FindAccountByName(std::int64_t organization_id,
                                                         std::string_view username) override {
    return Run(kReads, [&]() -> Result<std::optional<AccountRecord>> {
      CANDOR_ASSIGN_OR_RETURN(
          auto rows, conn_->Query("SELECT id, organization_id, username, password_hash, roles, "
                                  "totp_secret, reviewer_box_public, disabled "
                                  "FROM accounts WHERE organization_id = ? AND username = ?",
                                  {organization_id, username}));
      return DecodeOptional(rows, &DecodeAccount);
    });
  }

  Result<std::vector<AccountRecord>> ListAccounts(std::int64_t organization_id) override {
    return Run(kReads, [&]() -> Result<std::vector<AccountRecord>> {
      CANDOR_ASSIGN_OR_RETURN(
          auto rows, conn_->Query("SELECT id, organization_id, username, password_hash, roles, "
                                  "totp_secret, reviewer_box_public, disabled "
                                  "FROM accounts WHERE organization_id = ? ORDER BY id",
                                  {organization_id}));
      return DecodeAll(rows, &DecodeAccount);
    });
  }

  Status UpdateAccount(const AccountRecord& a) override {
    return Run(kWrites, [&]() -> Status {
      // The organization is part of the key: an account never moves between organizations,
      // and a caller holding another tenant's id cannot reach it.
      CANDOR_ASSIGN_OR_RETURN(
          std::int64_t changed,
          conn_->Exec("UPDATE accounts SET username = ?, password_hash = ?, roles = ?, "
                      "totp_secret = ?, reviewer_box_public = ?, disabled = ? "
                      "WHERE id = ? AND organization_id = ?",
                      {a.username, a.password_hash, static_cast<std::int64_t>(a.roles),
                       a.totp_secret, a.reviewer_box_public, a.disabled, a.id, a.organization_id}));
      if (changed == 0) {
        return NotFound("no account " + std::to_string(a.id) + " in organization " +
                        std::to_string(a.organization_id));
      }
      return Status::Ok();
    });
  }

  // --- Sessions ---
  Status InsertSession(const SessionRecord& s) override {
    return Run(kWrites, [&]() -> Status {
      CANDOR_RETURN_IF_ERROR(
          conn_->Exec("INSERT INTO sessions (token_hash, account_id, csrf_token, created_at_ms, "
                      "expires_at_ms, second_factor_pending) VALUES (?, ?, ?, ?, ?, ?)",
                      {s.token_hash, s.account_id, s.csrf_token, s.created_at_ms, s.expires_at_ms,
                       s.second_factor_pending}));
      return Status::Ok();
    });
  }

  Result<std::optional<SessionRecord>> FindSession(const Blob& token_hash) override {
    return Run(kReads, [&]() -> Result<std::optional<SessionRecord>> {
      CANDOR_ASSIGN_OR_RETURN(
          auto rows, conn_->Query("SELECT token_hash, account_id, csrf_token, created_at_ms, "
                                  "expires_at_ms, second_factor_pending "
                                  "FROM sessions WHERE token_hash = ?",
                                  {token_hash}));
      return DecodeOptional(rows, &DecodeSession);
    });
  }

  Status UpdateSession(const SessionRecord& s) override {
    return Run(kWrites, [&]() -> Status {
      // A session never changes hands: the account is part of the key.
      CANDOR_ASSIGN_OR_RETURN(
          std::int64_t changed,
          conn_->Exec("UPDATE sessions SET csrf_token = ?, created_at_ms = ?, expires_at_ms = ?, "
                      "second_factor_pending = ? WHERE token_hash = ? AND account_id = ?",
                      {s.csrf_token, s.created_at_ms, s.expires_at_ms, s.second_factor_pending,
                       s.token_hash, s.account_id}));
      if (changed == 0) return NotFound("no such session");
      return Status::Ok();
    });
  }

  Status DeleteSession(const Blob& token_hash) override {
    return Run(kWrites, [&]() -> Status {
      CANDOR_RETURN_IF_ERROR(
          conn_->Exec("DELETE FROM sessions WHERE token_hash = ?", {token_hash}));
      return Status::Ok();
    });
  }

  Status DeleteSessionsOfAccount(std::int64_t account_id) override {
    return Run(kWrites, [&]() -> Status {
      CANDOR_RETURN_IF_ERROR(
          conn_->Exec("DELETE FROM sessions WHERE account_id = ?", {account_id}));
      return Status::Ok();
    });
  }

  Status DeleteExpiredSessions(std::int64_t now_ms) override {
    return Run(kWrites, [&]() -> Status {
      CANDOR_RETURN_IF_ERROR(
          conn_->Exec("DELETE FROM sessions WHERE expires_at_ms <= ?", {now_ms}));
      return Status::Ok();
    });
  }

  // --- Login throttling ---
  Result<std::optional<LoginThrottleRecord>> FindThrottle(std::string_view key) override {
    return Run(kReads, [&]() -> Result<std::optional<LoginThrottleRecord>> {
      CANDOR_ASSIGN_OR_RETURN(
          auto rows, conn_->Query("SELECT throttle_key, failures, locked_until_ms, window_start_ms "
                                  "FROM login_throttle WHERE throttle_key = ?",
                                  {key}));
      return DecodeOptional(rows, &DecodeThrottle);
    });
  }

  Status UpsertThrottle(const LoginThrottleRecord& t) override {
    return Run(kWrites, [&]() -> Status {
      CANDOR_RETURN_IF_ERROR(conn_->Exec(
          "INSERT INTO login_throttle (throttle_key, failures, locked_until_ms, window_start_ms) "
          "VALUES (?, ?, ?, ?) ON CONFLICT (throttle_key) DO UPDATE SET failures = "
          "excluded.failures, "
          "locked_until_ms = excluded.locked_until_ms, window_start_ms = excluded.window_start_ms",
          {t.key, t.failures, t.locked_until_ms, t.window_start_ms}));
      return Status::Ok();
    });
  }

  Status DeleteThrottle(std::string_view key) override {
    return Run(kWrites, [&]() -> Status {
      CANDOR_RETURN_IF_ERROR(
          conn_->Exec("DELETE FROM login_throttle WHERE throttle_key = ?", {key}));
      return Status::Ok();
    });
  }

  Status DeleteExpiredThrottles(std::int64_t now_ms, std::int64_t window_ms) override {
    return Run(kWrites, [&]() -> Status {
      CANDOR_RETURN_IF_ERROR(conn_->Exec(
          "DELETE FROM login_throttle WHERE locked_until_ms <= ? AND window_start_ms <= ?",
          {now_ms, now_ms - window_ms}));
      return Status::Ok();
    });
  }

  // --- Invitations ---
  Status InsertInvitation(const InvitationRecord& i) override {
    return Run(kWrites, [&]() -> Status {
      CANDOR_RETURN_IF_ERROR(
          conn_->Exec("INSERT INTO invitations (code_hash, organization_id, issued_by, "
                      "expires_at_ms, redeemed) VALUES (?, ?, ?, ?, ?)",
                      {i.code_hash, i.organization_id, i.issued_by, i.expires_at_ms, i.redeemed}));
      return Status::Ok();
    });
  }

  Result<std::optional<InvitationRecord>> FindInvitation(const Blob& code_hash) override {
    return Run(kReads, [&]() -> Result<std::optional<InvitationRecord>> {
      CANDOR_ASSIGN_OR_RETURN(
          auto rows, conn_->Query("SELECT code_hash, organization_id, issued_by, expires_at_ms, "
                                  "redeemed FROM invitations WHERE code_hash = ?",
                                  {code_hash}));
      return DecodeOptional(rows, &DecodeInvitation);
    });
  }

  Status MarkInvitationRedeemed(const Blob& code_hash) override {
    return Run(kWrites, [&]() -> Status {
      // One conditional UPDATE: the check and the change cannot be separated.
      CANDOR_ASSIGN_OR_RETURN(
          std::int64_t changed,
          conn_->Exec("UPDATE invitations SET redeemed = 1 WHERE code_hash = ? AND redeemed = 0",
                      {code_hash}));
      if (changed == 1) return Status::Ok();
      CANDOR_ASSIGN_OR_RETURN(
          auto rows, conn_->Query("SELECT 1 FROM invitations WHERE code_hash = ?", {code_hash}));
      if (rows.empty()) return NotFound("no such invitation");
      return Error(ErrorCode::kFailedPrecondition, "the invitation was already redeemed");
    });
  }

  Result<std::int64_t> CountOpenInvitations(std::int64_t organization_id,
                                            std::int64_t now_ms) override {
    return Run(kReads, [&]() -> Result<std::int64_t> {
      CANDOR_ASSIGN_OR_RETURN(
          auto rows, conn_->Query("SELECT COUNT(*) FROM invitations WHERE organization_id = ? "
                                  "AND redeemed = 0 AND expires_at_ms > ?",
                                  {organization_id, now_ms}));
      return SingleInt(rows);
    });
  }

  // --- Rosters ---
  Status InsertRosterEvent(const RosterEventRecord& e) override {
    return Run(kWrites, [&]() -> Status {
      if (e.action != RosterAction::kAdd && e.action != RosterAction::kRemove) {
        return InvalidArgument("roster action is neither add nor remove");
      }
      CANDOR_ASSIGN_OR_RETURN(std::int64_t latest, LatestVersion(e.organization_id));
      if (e.version <= latest) {
        return Error(ErrorCode::kAlreadyExists,
                     "roster version " + std::to_string(e.version) + " of organization " +
                         std::to_string(e.organization_id) + " already exists");
      }
      if (e.version != latest + 1) {
        return InvalidArgument("roster version " + std::to_string(e.version) +
                               " would leave a gap after version " + std::to_string(latest));
      }
      CANDOR_RETURN_IF_ERROR(conn_->Exec(
          "INSERT INTO roster_events (organization_id, version, action, ring_public, "
          "box_public, log_index, members) VALUES (?, ?, ?, ?, ?, ?, ?)",
          {e.organization_id, e.version, static_cast<int>(e.action), e.ring_public, e.box_public,
           e.log_index, e.members ? SqlValue(*e.members) : SqlValue(std::nullopt)}));
      return Status::Ok();
    });
  }

  Result<std::vector<RosterEventRecord>> ListRosterEvents(std::int64_t organization_id,
                                                          std::int64_t up_to_version) override {
    return Run(kReads, [&]() -> Result<std::vector<RosterEventRecord>> {
      CANDOR_ASSIGN_OR_RETURN(
          auto rows, conn_->Query("SELECT organization_id, version, action, ring_public, "
                                  "box_public, log_index, members FROM roster_events "
                                  "WHERE organization_id = ? AND version <= ? ORDER BY version",
                                  {organization_id, up_to_version}));
      return DecodeAll(rows, &DecodeRosterEvent);
    });
  }

  Status InsertOrganizationLog(const OrganizationLogRecord& e) override {
    return Run(kWrites, [&]() -> Status {
      CANDOR_RETURN_IF_ERROR(
          conn_->Exec("INSERT INTO organization_log (log_index, organization_id, kind, version) "
                      "VALUES (?, ?, ?, ?)",
                      {e.log_index, e.organization_id, e.kind, SqlValue(e.version)}));
      return Status::Ok();
    });
  }

  Result<std::vector<OrganizationLogRecord>> ListOrganizationLog(std::int64_t organization_id,
                                                                 std::string_view kind) override {
    return Run(kReads, [&]() -> Result<std::vector<OrganizationLogRecord>> {
      CANDOR_ASSIGN_OR_RETURN(
          auto rows,
          kind.empty()
              ? conn_->Query(
                    "SELECT log_index, organization_id, kind, version FROM organization_log "
                    "WHERE organization_id = ? ORDER BY log_index",
                    {organization_id})
              : conn_->Query(
                    "SELECT log_index, organization_id, kind, version FROM organization_log "
                    "WHERE organization_id = ? AND kind = ? ORDER BY log_index",
                    {organization_id, std::string(kind)}));
      return DecodeAll(rows, &DecodeOrganizationLog);
    });
  }

  Status InsertCheckpoint(std::int64_t tree_size) override {
    return Run(kWrites, [&]() -> Status {
      CANDOR_RETURN_IF_ERROR(conn_->Exec(
          "INSERT INTO checkpoints (tree_size) VALUES (?) ON CONFLICT (tree_size) DO NOTHING",
          {tree_size}));
      return Status::Ok();
    });
  }

  Result<std::vector<std::int64_t>> ListCheckpoints(std::int64_t limit) override {
    return Run(kReads, [&]() -> Result<std::vector<std::int64_t>> {
      CANDOR_ASSIGN_OR_RETURN(
          auto rows,
          conn_->Query("SELECT tree_size FROM checkpoints ORDER BY tree_size DESC LIMIT ?",
                       {limit}));
      std::vector<std::int64_t> out;
      for (const auto& row : rows) {
        RowReader r(row);
        out.push_back(r.Int());
        CANDOR_RETURN_IF_ERROR(r.status());
      }
      return out;
    });
  }

  Status InsertLogState(std::int64_t tree_size, const Blob& leaves) override {
    return Run(kWrites, [&]() -> Status {
      CANDOR_RETURN_IF_ERROR(conn_->Exec("INSERT INTO log_states (tree_size, leaves) VALUES (?, ?)",
                                         {tree_size, leaves}));
      return Status::Ok();
    });
  }

  Result<std::optional<Blob>> FindLogState(std::int64_t tree_size) override {
    return Run(kReads, [&]() -> Result<std::optional<Blob>> {
      CANDOR_ASSIGN_OR_RETURN(
          auto rows,
          conn_->Query("SELECT leaves FROM log_states WHERE tree_size = ?", {tree_size}));
      if (rows.empty()) return std::optional<Blob>();
      RowReader r(rows[0]);
      Blob leaves = r.Bytes();
      CANDOR_RETURN_IF_ERROR(r.status());
      return std::optional<Blob>(std::move(leaves));
    });
  }

  Status DeleteLogStates(std::int64_t below_tree_size, std::int64_t older_than_ms) override {
    return Run(kWrites, [&]() -> Status {
      CANDOR_RETURN_IF_ERROR(
          conn_->Exec("DELETE FROM log_states WHERE tree_size < ? AND tree_size IN "
                      "(SELECT tree_size FROM tree_heads WHERE timestamp_ms < ?)",
                      {below_tree_size, older_than_ms}));
      return Status::Ok();
    });
  }

  Status InsertCosignature(const CosignatureRecord& c) override {
    return Run(kWrites, [&]() -> Status {
      CANDOR_RETURN_IF_ERROR(
          conn_->Exec("INSERT INTO witness_cosignatures (tree_size, witness, timestamp_s, "
                      "signature) VALUES (?, ?, ?, ?) "
                      "ON CONFLICT (tree_size, witness) DO NOTHING",
                      {c.tree_size, c.witness, c.timestamp_s, c.signature}));
      return Status::Ok();
    });
  }

  Result<std::vector<CosignatureRecord>> ListCosignatures(std::int64_t tree_size) override {
    return Run(kReads, [&]() -> Result<std::vector<CosignatureRecord>> {
      CANDOR_ASSIGN_OR_RETURN(
          auto rows, conn_->Query("SELECT tree_size, witness, timestamp_s, signature FROM "
                                  "witness_cosignatures WHERE tree_size = ? ORDER BY witness",
                                  {tree_size}));
      return DecodeAll(rows, &DecodeCosignature);
    });
  }

  Result<std::vector<OrganizationLogRecord>> LatestOrganizationLog(std::int64_t organization_id,
                                                                   std::string_view kind,
                                                                   std::int64_t limit) override {
    return Run(kReads, [&]() -> Result<std::vector<OrganizationLogRecord>> {
      CANDOR_ASSIGN_OR_RETURN(
          auto rows,
          conn_->Query("SELECT log_index, organization_id, kind, version FROM organization_log "
                       "WHERE organization_id = ? AND kind = ? ORDER BY log_index DESC LIMIT ?",
                       {organization_id, std::string(kind), limit}));
      return DecodeAll(rows, &DecodeOrganizationLog);
    });
  }

  Result<bool> AnyOrganizationLog() override {
    return Run(kReads, [&]() -> Result<bool> {
      CANDOR_ASSIGN_OR_RETURN(auto rows,
                              conn_->Query("SELECT log_index FROM organization_log LIMIT 1"));
      return !rows.empty();
    });
  }

  Result<std::int64_t> LatestRosterVersion(std::int64_t organization_id) override {
    return Run(kReads, [&]() { return LatestVersion(organization_id); });
  }

  Result<std::optional<RosterEventRecord>> LatestRosterEvent(
      std::int64_t organization_id) override {
    return Run(kReads, [&]() -> Result<std::optional<RosterEventRecord>> {
      CANDOR_ASSIGN_OR_RETURN(
          auto rows,
          conn_->Query("SELECT organization_id, version, action, ring_public, box_public, "
                       "log_index, members "
                       "FROM roster_events WHERE organization_id = ? ORDER BY version DESC LIMIT 1",
                       {organization_id}));
      return DecodeOptional(rows, &DecodeRosterEvent);
    });
  }

  Result<std::int64_t> CountRosterMembers(std::int64_t organization_id,
                                          std::int64_t version) override {
    return Run(kReads, [&]() -> Result<std::int64_t> {
      CANDOR_ASSIGN_OR_RETURN(
          auto rows,
          conn_->Query(
              "SELECT COALESCE(SUM(CASE WHEN action = 1 THEN 1 ELSE -1 END), 0) FROM roster_events "
              "WHERE organization_id = ? AND version <= ?",
              {organization_id, version}));
      return SingleInt(rows);
    });
  }

  Result<bool> RosterKeyRemoved(std::int64_t organization_id, const Blob& ring_public) override {
    return Run(kReads, [&]() -> Result<bool> {
      CANDOR_ASSIGN_OR_RETURN(
          auto rows,
          conn_->Query("SELECT COUNT(*) FROM roster_events WHERE organization_id = ? "
                       "AND ring_public = ? AND action = ?",
                       {organization_id, ring_public, static_cast<int>(RosterAction::kRemove)}));
      CANDOR_ASSIGN_OR_RETURN(std::int64_t n, SingleInt(rows));
      return n > 0;
    });
  }

  Result<std::vector<RosterEventRecord>> ListRosterMembers(std::int64_t organization_id,
                                                           std::int64_t version) override {
    return Run(kReads, [&]() -> Result<std::vector<RosterEventRecord>> {
      CANDOR_ASSIGN_OR_RETURN(
          auto rows,
          conn_->Query(
              "SELECT a.organization_id, a.version, a.action, a.ring_public, a.box_public, "
              "a.log_index, "
              "a.members FROM roster_events a WHERE a.organization_id = ? AND a.action = ? AND "
              "a.version <= ? AND NOT EXISTS (SELECT 1 FROM roster_events r WHERE "
              "r.organization_id = a.organization_id AND r.ring_public = a.ring_public AND "
              "r.action = ? "
              "AND r.version <= ?) ORDER BY a.version",
              {organization_id, static_cast<int>(RosterAction::kAdd), version,
               static_cast<int>(RosterAction::kRemove), version}));
      return DecodeAll(rows, &DecodeRosterEvent);
    });
  }

  Result<std::optional<RosterEventRecord>> FindRosterKey(std::int64_t organization_id,
                                                         const Blob& ring_public) override {
    return Run(kReads, [&]() -> Result<std::optional<RosterEventRecord>> {
      CANDOR_ASSIGN_OR_RETURN(
          auto rows,
          conn_->Query("SELECT organization_id, version, action, ring_public, "
                       "box_public, log_index, members FROM roster_events "
                       "WHERE organization_id = ? AND ring_public = ? AND action = ?",
                       {organization_id, ring_public, static_cast<int>(RosterAction::kAdd)}));
      return DecodeOptional(rows, &DecodeRosterEvent);
    });
  }

  // --- Merkle log ---
  Result<std::int64_t> LogSize() override {
    return Run(kReads, [&]() { return StoredLogSize(); });
  }

  Status AppendLogEntry(const LogEntryRecord& record) override {
    return Run(kWrites, [&]() -> Status {
      CANDOR_ASSIGN_OR_RETURN(std::int64_t size, StoredLogSize());
      if (record.index != size) {
        return InvalidArgument("log entry index " + std::to_string(record.index) +
                               " is not the next index (the log holds " + std::to_string(size) +
                               " entries)");
      }
      CANDOR_RETURN_IF_ERROR(
          conn_->Exec("INSERT INTO log_entries (log_index, entry, leaf_hash) VALUES (?, ?, ?)",
                      {record.index, record.entry, record.leaf_hash}));
      return Status::Ok();
    });
  }

  Result<std::vector<LogEntryRecord>> ReadLogEntries(std::int64_t begin,
                                                     std::int64_t end) override {
    return Run(kReads, [&]() -> Result<std::vector<LogEntryRecord>> {
      if (begin < 0 || end < begin) {
        return InvalidArgument("log range [" + std::to_string(begin) + ", " + std::to_string(end) +
                               ") is not a range");
      }
      CANDOR_ASSIGN_OR_RETURN(
          auto rows, conn_->Query("SELECT log_index, entry, leaf_hash FROM log_entries "
                                  "WHERE log_index >= ? AND log_index < ? ORDER BY log_index",
                                  {begin, end}));
      return DecodeAll(rows, &DecodeLogEntry);
    });
  }

  Status PutLogNode(int level, std::int64_t index, const Blob& hash) override {
    return Run(kWrites, [&]() -> Status {
      // A node's hash never changes once stored: putting the same hash again is a no-op
      // (a caller may recompute a node), a different hash is refused.
      CANDOR_ASSIGN_OR_RETURN(
          std::int64_t changed,
          conn_->Exec("INSERT INTO log_nodes (node_level, node_index, hash) VALUES (?, ?, ?) "
                      "ON CONFLICT (node_level, node_index) DO NOTHING",
                      {level, index, hash}));
      if (changed == 1) return Status::Ok();
      CANDOR_ASSIGN_OR_RETURN(auto stored, StoredNode(level, index));
      if (stored && *stored == hash) return Status::Ok();
      return Error(ErrorCode::kAlreadyExists, "log node (" + std::to_string(level) + ", " +
                                                  std::to_string(index) +
                                                  ") is already stored with a different hash");
    });
  }

  Result<std::optional<Blob>> GetLogNode(int level, std::int64_t index) override {
    return Run(kReads, [&]() { return StoredNode(level, index); });
  }

  Status InsertTreeHead(const TreeHeadRecord& h) override {
    return Run(kWrites, [&]() -> Status {
      CANDOR_RETURN_IF_ERROR(
          conn_->Exec("INSERT INTO tree_heads (tree_size, root, timestamp_ms, signature) "
                      "VALUES (?, ?, ?, ?)",
                      {h.tree_size, h.root, h.timestamp_ms, h.signature}));
      return Status::Ok();
    });
  }

  Result<std::optional<TreeHeadRecord>> LatestTreeHead() override {
    return Run(kReads, [&]() -> Result<std::optional<TreeHeadRecord>> {
      CANDOR_ASSIGN_OR_RETURN(auto rows,
                              conn_->Query("SELECT tree_size, root, timestamp_ms, signature "
                                           "FROM tree_heads ORDER BY tree_size DESC LIMIT 1"));
      return DecodeOptional(rows, &DecodeTreeHead);
    });
  }

  Result<std::optional<TreeHeadRecord>> FindTreeHead(std::int64_t tree_size) override {
    return Run(kReads, [&]() -> Result<std::optional<TreeHeadRecord>> {
      CANDOR_ASSIGN_OR_RETURN(auto rows,
                              conn_->Query("SELECT tree_size, root, timestamp_ms, signature "
                                           "FROM tree_heads WHERE tree_size = ?",
                                           {tree_size}));
      return DecodeOptional(rows, &DecodeTreeHead);
    });
  }

  // --- Letters ---
  static constexpr const char* kLetterColumns = "id, seq, canonical, log_index, quorum_reached";
  static constexpr const char* kCoSignatureColumns =
      "letter_id, tag, action, organization_id, ring_digest, signature, batch, log_index, scheme";

  Result<std::int64_t> InsertLetter(const LetterRecord& l) override {
    return Run(kWrites, [&]() -> Result<std::int64_t> {
      CANDOR_ASSIGN_OR_RETURN(auto rows, conn_->Query("SELECT COALESCE(MAX(seq), 0) FROM letters"));
      CANDOR_ASSIGN_OR_RETURN(std::int64_t last, SingleInt(rows));
      CANDOR_RETURN_IF_ERROR(
          conn_->Exec("INSERT INTO letters (id, seq, canonical, log_index, quorum_reached) "
                      "VALUES (?, ?, ?, ?, ?)",
                      {l.id, last + 1, l.canonical, l.log_index, l.quorum_reached}));
      return last + 1;
    });
  }

  Result<std::optional<LetterRecord>> FindLetter(const Blob& id) override {
    return Run(kReads, [&]() -> Result<std::optional<LetterRecord>> {
      CANDOR_ASSIGN_OR_RETURN(auto rows, conn_->Query(std::string("SELECT ") + kLetterColumns +
                                                          " FROM letters WHERE id = ?",
                                                      {id}));
      return DecodeOptional(rows, &DecodeLetter);
    });
  }

  Result<std::vector<LetterRecord>> ListLetters() override {
    return Run(kReads, [&]() -> Result<std::vector<LetterRecord>> {
      CANDOR_ASSIGN_OR_RETURN(auto rows, conn_->Query(std::string("SELECT ") + kLetterColumns +
                                                      " FROM letters ORDER BY seq"));
      return DecodeAll(rows, &DecodeLetter);
    });
  }

  Result<std::vector<LetterRecord>> ListLettersAfter(std::int64_t after_seq,
                                                     std::int64_t limit) override {
    return Run(kReads, [&]() -> Result<std::vector<LetterRecord>> {
      CANDOR_ASSIGN_OR_RETURN(auto rows,
                              conn_->Query(std::string("SELECT ") + kLetterColumns +
                                               " FROM letters WHERE seq > ? ORDER BY seq LIMIT ?",
                                           {after_seq, limit}));
      return DecodeAll(rows, &DecodeLetter);
    });
  }

  Status MarkLetterQuorumReached(const Blob& id) override {
    return Run(kWrites, [&]() -> Status {
      CANDOR_ASSIGN_OR_RETURN(
          std::int64_t changed,
          conn_->Exec("UPDATE letters SET quorum_reached = 1 WHERE id = ?", {id}));
      if (changed == 0) return NotFound("no such letter");
      return Status::Ok();
    });
  }

  Status InsertLetterRoster(const LetterRosterRecord& p) override {
    return Run(kWrites, [&]() -> Status {
      CANDOR_RETURN_IF_ERROR(conn_->Exec(
          "INSERT INTO letter_rosters (letter_id, position, organization_id, roster_version) "
          "VALUES (?, ?, ?, ?)",
          {p.letter_id, p.position, p.organization_id, p.roster_version}));
      return Status::Ok();
    });
  }

  Result<std::vector<LetterRosterRecord>> ListLetterRosters(const Blob& letter_id) override {
    return Run(kReads, [&]() -> Result<std::vector<LetterRosterRecord>> {
      CANDOR_ASSIGN_OR_RETURN(
          auto rows, conn_->Query("SELECT letter_id, position, organization_id, roster_version "
                                  "FROM letter_rosters WHERE letter_id = ? ORDER BY position",
                                  {letter_id}));
      return DecodeAll(rows, &DecodeLetterRoster);
    });
  }

  Status InsertCoSignature(const CoSignatureRecord& c) override {
    return Run(kWrites, [&]() -> Status {
      if (c.action != CoSignatureAction::kSign && c.action != CoSignatureAction::kWithdraw) {
        return InvalidArgument("co-signature action is neither sign nor withdraw");
      }
      CANDOR_RETURN_IF_ERROR(InsertCoSignatureRow(c));
      return Status::Ok();
    });
  }

  Result<std::vector<CoSignatureRecord>> FindCoSignatures(const Blob& letter_id,
                                                          const Blob& tag) override {
    return Run(kReads, [&]() -> Result<std::vector<CoSignatureRecord>> {
      CANDOR_ASSIGN_OR_RETURN(auto rows,
                              conn_->Query(std::string("SELECT ") + kCoSignatureColumns +
                                               " FROM cosignatures WHERE letter_id = ? AND tag = ? "
                                               "ORDER BY action",
                                           {letter_id, tag}));
      return DecodeAll(rows, &DecodeCoSignature);
    });
  }

  Result<std::vector<CoSignatureRecord>> ListWaitingCoSignatures(const Blob& letter_id) override {
    return Run(kReads, [&]() -> Result<std::vector<CoSignatureRecord>> {
      CANDOR_ASSIGN_OR_RETURN(
          auto rows, conn_->Query(std::string("SELECT ") + kCoSignatureColumns +
                                      " FROM cosignatures WHERE letter_id = ? AND batch IS NULL "
                                      "ORDER BY tag, action",
                                  {letter_id}));
      return DecodeAll(rows, &DecodeCoSignature);
    });
  }

  Result<std::vector<CoSignatureRecord>> ListPublishedCoSignatures(const Blob& letter_id) override {
    return Run(kReads, [&]() -> Result<std::vector<CoSignatureRecord>> {
      CANDOR_ASSIGN_OR_RETURN(
          auto rows, conn_->Query(std::string("SELECT ") + kCoSignatureColumns +
                                      " FROM cosignatures WHERE letter_id = ? AND batch IS NOT "
                                      "NULL ORDER BY log_index",
                                  {letter_id}));
      return DecodeAll(rows, &DecodeCoSignature);
    });
  }

  Result<std::vector<CoSignatureRecord>> ListPublishedCoSignatureHeads(
      const Blob& letter_id) override {
    return Run(kReads, [&]() -> Result<std::vector<CoSignatureRecord>> {
      // substr(…, 1, 0): empty bytes of the column's type, on both engines.
      CANDOR_ASSIGN_OR_RETURN(
          auto rows,
          conn_->Query("SELECT letter_id, tag, action, organization_id, ring_digest, "
                       "substr(signature, 1, 0), batch, log_index, scheme FROM cosignatures "
                       "WHERE letter_id = ? AND batch IS NOT NULL ORDER BY log_index",
                       {letter_id}));
      return DecodeAll(rows, &DecodeCoSignature);
    });
  }

  Result<std::vector<Blob>> ListLettersWithWaitingCoSignatures() override {
    return Run(kReads, [&]() -> Result<std::vector<Blob>> {
      CANDOR_ASSIGN_OR_RETURN(auto rows,
                              conn_->Query("SELECT DISTINCT c.letter_id, l.seq FROM cosignatures c "
                                           "JOIN letters l ON l.id = c.letter_id "
                                           "WHERE c.batch IS NULL ORDER BY l.seq"));
      std::vector<Blob> out;
      for (const auto& row : rows) {
        RowReader r(row);
        Blob id = r.Bytes();
        CANDOR_RETURN_IF_ERROR(r.status());
        out.push_back(std::move(id));
      }
      return out;
    });
  }

  Status DeleteCoSignatures(const std::vector<CoSignatureRecord>& rows) override {
    return Run(kWrites, [&]() -> Status {
      for (const auto& c : rows) {
        CANDOR_ASSIGN_OR_RETURN(
            std::int64_t gone,
            conn_->Exec("DELETE FROM cosignatures WHERE letter_id = ? AND tag = ? AND action = ?",
                        {c.letter_id, c.tag, static_cast<int>(c.action)}));
        if (gone != 1) return NotFound("no such co-signature");
      }
      return Status::Ok();
    });
  }

  Status RewriteCoSignatures(const std::vector<CoSignatureRecord>& rows) override {
    return Run(kWrites, [&]() -> Status {
      CANDOR_RETURN_IF_ERROR(DeleteCoSignatures(rows));
      for (const auto& c : rows) {
        CANDOR_RETURN_IF_ERROR(InsertCoSignatureRow(c));
      }
      return Status::Ok();
    });
  }

  Status MarkCoSignaturePublished(const Blob& letter_id, const Blob& tag, CoSignatureAction action,
                                  std::int64_t batch, std::int64_t log_index) override {
    return Run(kWrites, [&]() -> Status {
      CANDOR_ASSIGN_OR_RETURN(
          std::int64_t changed,
          conn_->Exec("UPDATE cosignatures SET batch = ?, log_index = ? "
                      "WHERE letter_id = ? AND tag = ? AND action = ? AND batch IS NULL",
                      {batch, log_index, letter_id, tag, static_cast<int>(action)}));
      if (changed == 1) return Status::Ok();
      CANDOR_ASSIGN_OR_RETURN(auto rows,
                              conn_->Query("SELECT 1 FROM cosignatures WHERE letter_id = ? AND "
                                           "tag = ? AND action = ?",
                                           {letter_id, tag, static_cast<int>(action)}));
      if (rows.empty()) return NotFound("no such co-signature");
      return Error(ErrorCode::kFailedPrecondition, "the co-signature was already published");
    });
  }

  Result<std::vector<std::pair<std::int64_t, std::int64_t>>> CountSigners(
      const Blob& letter_id, bool published_only) override {
    return Run(kReads, [&]() -> Result<std::vector<std::pair<std::int64_t, std::int64_t>>> {
      const std::string filter = published_only ? " AND batch IS NOT NULL" : "";
      CANDOR_ASSIGN_OR_RETURN(
          auto rows,
          conn_->Query("SELECT s.organization_id, COUNT(*) FROM cosignatures s "
                       "WHERE s.letter_id = ? AND s.action = 1" +
                           filter +
                           " AND NOT EXISTS (SELECT 1 FROM cosignatures w WHERE w.letter_id = "
                           "s.letter_id AND w.tag = s.tag AND w.action = 2" +
                           (published_only ? std::string(" AND w.batch IS NOT NULL") : "") +
                           ") GROUP BY s.organization_id ORDER BY s.organization_id",
                       {letter_id}));
      std::vector<std::pair<std::int64_t, std::int64_t>> out;
      for (const auto& row : rows) {
        RowReader r(row);
        const std::int64_t org = r.Int();
        const std::int64_t n = r.Int();
        CANDOR_RETURN_IF_ERROR(r.status());
        out.emplace_back(org, n);
      }
      return out;
    });
  }

  Status InsertSignatureBatch(const SignatureBatchRecord& b) override {
    return Run(kWrites, [&]() -> Status {
      CANDOR_RETURN_IF_ERROR(conn_->Exec(
          "INSERT INTO signature_batches (letter_id, batch, log_index, published_at_ms, "
          "signatures) VALUES (?, ?, ?, ?, ?)",
          {b.letter_id, b.batch, b.log_index, b.published_at_ms, b.signatures}));
      return Status::Ok();
    });
  }

  Result<std::vector<SignatureBatchRecord>> ListSignatureBatches(const Blob& letter_id) override {
    return Run(kReads, [&]() -> Result<std::vector<SignatureBatchRecord>> {
      CANDOR_ASSIGN_OR_RETURN(
          auto rows, conn_->Query("SELECT letter_id, batch, log_index, published_at_ms, signatures "
                                  "FROM signature_batches WHERE letter_id = ? ORDER BY batch",
                                  {letter_id}));
      return DecodeAll(rows, &DecodeSignatureBatch);
    });
  }

  Result<std::int64_t> InsertLetterDraft(const LetterDraftRecord& d) override {
    return Run(kWrites, [&]() -> Result<std::int64_t> {
      CANDOR_ASSIGN_OR_RETURN(auto rows,
                              conn_->Query("INSERT INTO letter_drafts (account_id, letter_json, "
                                           "updated_at_ms) VALUES (?, ?, ?) RETURNING id",
                                           {d.account_id, d.letter_json, d.updated_at_ms}));
      return SingleInt(rows);
    });
  }

  Result<std::optional<LetterDraftRecord>> FindLetterDraft(std::int64_t id) override {
    return Run(kReads, [&]() -> Result<std::optional<LetterDraftRecord>> {
      CANDOR_ASSIGN_OR_RETURN(auto rows,
                              conn_->Query("SELECT id, account_id, letter_json, updated_at_ms "
                                           "FROM letter_drafts WHERE id = ?",
                                           {id}));
      return DecodeOptional(rows, &DecodeLetterDraft);
    });
  }

  Result<std::vector<LetterDraftRecord>> ListLetterDrafts(std::int64_t account_id) override {
    return Run(kReads, [&]() -> Result<std::vector<LetterDraftRecord>> {
      CANDOR_ASSIGN_OR_RETURN(auto rows,
                              conn_->Query("SELECT id, account_id, letter_json, updated_at_ms "
                                           "FROM letter_drafts WHERE account_id = ? ORDER BY id",
                                           {account_id}));
      return DecodeAll(rows, &DecodeLetterDraft);
    });
  }

  Status UpdateLetterDraft(const LetterDraftRecord& d) override {
    return Run(kWrites, [&]() -> Status {
      CANDOR_ASSIGN_OR_RETURN(
          std::int64_t changed,
          conn_->Exec("UPDATE letter_drafts SET letter_json = ?, updated_at_ms = ? WHERE id = ?",
                      {d.letter_json, d.updated_at_ms, d.id}));
      if (changed == 0) return NotFound("no draft " + std::to_string(d.id));
      return Status::Ok();
    });
  }

  Status DeleteLetterDraft(std::int64_t id) override {
    return Run(kWrites, [&]() -> Status {
      CANDOR_ASSIGN_OR_RETURN(std::int64_t changed,
                              conn_->Exec("DELETE FROM letter_drafts WHERE id = ?", {id}));
      if (changed == 0) return NotFound("no draft " + std::to_string(id));
      return Status::Ok();
    });
  }

  // --- Cables ---
  static constexpr const char* kCableColumns =
      "id, organization_id, named, header, envelope, signature, quota_window, quota_slot, "
      "quota_signature, author_signature, submission_digest, access_hash, received_day, published, "
      "acknowledged_day, extended, closed_day, purged, settings_json";
  static constexpr const char* kCableEventColumns =
      "cable_id, seq, action, digest, day, account_id, at_ms, recipients, envelope, log_index";

  Status InsertCable(const CableRecord& c) override {
    return Run(kWrites, [&]() -> Status {
      CANDOR_ASSIGN_OR_RETURN(auto rows, conn_->Query("SELECT 1 FROM cables WHERE id = ?", {c.id}));
      if (!rows.empty()) return Error(ErrorCode::kAlreadyExists, "a cable with this id exists");
      CANDOR_RETURN_IF_ERROR(InsertCableRow(c));
      return Status::Ok();
    });
  }

  Result<std::optional<CableRecord>> FindCable(const Blob& id) override {
    return Run(kReads, [&]() -> Result<std::optional<CableRecord>> {
      CANDOR_ASSIGN_OR_RETURN(
          auto rows,
          conn_->Query(std::string("SELECT ") + kCableColumns + " FROM cables WHERE id = ?", {id}));
      return DecodeOptional(rows, &DecodeCable);
    });
  }

  Result<std::vector<CableRecord>> CablesWhere(const std::string& where, const SqlParams& params) {
    return Run(kReads, [&]() -> Result<std::vector<CableRecord>> {
      CANDOR_ASSIGN_OR_RETURN(
          auto rows, conn_->Query(std::string("SELECT ") + kCableColumns + " FROM cables " + where +
                                      " ORDER BY received_day, id",
                                  params));
      return DecodeAll(rows, &DecodeCable);
    });
  }

  Result<std::vector<CableRecord>> ListCables(std::int64_t organization_id) override {
    return CablesWhere("WHERE organization_id = ?", {organization_id});
  }
  Result<std::vector<CableRecord>> ListUnpublishedCables() override {
    return CablesWhere("WHERE published = 0", {});
  }
  Result<std::vector<CableRecord>> ListOpenCables() override {
    return CablesWhere("WHERE published = 1 AND closed_day IS NULL", {});
  }
  Result<std::vector<CableRecord>> ListClosedUnpurgedCables() override {
    return CablesWhere("WHERE closed_day IS NOT NULL AND purged = 0", {});
  }

  Status RewriteCables(const std::vector<CableRecord>& cables) override {
    return Run(kWrites, [&]() -> Status {
      // Their events go too (they reference the cable), and come back after it.
      std::vector<std::vector<CableEventRecord>> events;
      for (const auto& c : cables) {
        CANDOR_ASSIGN_OR_RETURN(
            auto rows, conn_->Query(std::string("SELECT ") + kCableEventColumns +
                                        " FROM cable_events WHERE cable_id = ? ORDER BY seq",
                                    {c.id}));
        CANDOR_ASSIGN_OR_RETURN(auto list, DecodeAll(rows, &DecodeCableEvent));
        events.push_back(std::move(list));
        CANDOR_RETURN_IF_ERROR(conn_->Exec("DELETE FROM cable_events WHERE cable_id = ?", {c.id}));
        CANDOR_ASSIGN_OR_RETURN(std::int64_t gone,
                                conn_->Exec("DELETE FROM cables WHERE id = ?", {c.id}));
        if (gone != 1) return NotFound("no such cable");
      }
      for (const auto& c : cables) {
        CANDOR_RETURN_IF_ERROR(InsertCableRow(c));
      }
      for (const auto& list : events) {
        for (const auto& e : list) {
          CANDOR_RETURN_IF_ERROR(InsertCableEventRow(e));
        }
      }
      return Status::Ok();
    });
  }

  Status UpdateCable(const CableRecord& c) override {
    return Run(kWrites, [&]() -> Status {
      // Only the state columns: rewriting the unchanged blobs would keep their pages where
      // they were (security review H3). The payload is only ever emptied, by a purge.
      CANDOR_ASSIGN_OR_RETURN(
          std::int64_t changed,
          conn_->Exec("UPDATE cables SET published = ?, acknowledged_day = ?, extended = ?, "
                      "closed_day = ?, purged = ? WHERE id = ?",
                      {c.published, c.acknowledged_day, c.extended, c.closed_day, c.purged, c.id}));
      if (changed == 0) return NotFound("no such cable");
      if (c.purged) {
        CANDOR_RETURN_IF_ERROR(conn_->Exec(
            "UPDATE cables SET envelope = NULL, signature = NULL, quota_signature = NULL, "
            "author_signature = NULL WHERE id = ? AND envelope IS NOT NULL",
            {c.id}));
      }
      return Status::Ok();
    });
  }

  Status InsertCableEvent(const CableEventRecord& e) override {
    return Run(kWrites, [&]() -> Status {
      CANDOR_RETURN_IF_ERROR(InsertCableEventRow(e));
      return Status::Ok();
    });
  }

  Result<std::vector<CableEventRecord>> ListCableEvents(const Blob& cable_id,
                                                        bool with_envelopes) override {
    return Run(kReads, [&]() -> Result<std::vector<CableEventRecord>> {
      // The columns of kCableEventColumns, with NULL for the envelope when it is not wanted.
      const char* columns = with_envelopes ? kCableEventColumns
                                           : "cable_id, seq, action, digest, day, account_id, "
                                             "at_ms, recipients, NULL, log_index";
      CANDOR_ASSIGN_OR_RETURN(auto rows,
                              conn_->Query(std::string("SELECT ") + columns +
                                               " FROM cable_events WHERE cable_id = ? ORDER BY seq",
                                           {cable_id}));
      return DecodeAll(rows, &DecodeCableEvent);
    });
  }

  Status SetCableEventLogIndex(const Blob& cable_id, std::int64_t seq,
                               std::int64_t log_index) override {
    return Run(kWrites, [&]() -> Status {
      CANDOR_ASSIGN_OR_RETURN(
          std::int64_t changed,
          conn_->Exec("UPDATE cable_events SET log_index = ? WHERE cable_id = ? AND seq = ?",
                      {log_index, cable_id, seq}));
      if (changed == 0) return NotFound("no such cable event");
      return Status::Ok();
    });
  }

  Result<std::int64_t> LastCableEventSeq(const Blob& cable_id) override {
    return Run(kReads, [&]() -> Result<std::int64_t> {
      CANDOR_ASSIGN_OR_RETURN(
          auto rows,
          conn_->Query("SELECT COALESCE(MAX(seq), 0) FROM cable_events WHERE cable_id = ?",
                       {cable_id}));
      return SingleInt(rows);
    });
  }

  Status PurgeCableEvents(const Blob& cable_id) override {
    return Run(kWrites, [&]() -> Status {
      CANDOR_RETURN_IF_ERROR(
          conn_->Exec("UPDATE cable_events SET envelope = NULL WHERE cable_id = ?", {cable_id}));
      return Status::Ok();
    });
  }

  Result<bool> InsertLetterPublishTag(std::int64_t organization_id, std::int64_t window,
                                      std::int64_t slot, const Blob& tag) override {
    return Run(kWrites, [&]() -> Result<bool> {
      CANDOR_ASSIGN_OR_RETURN(
          auto rows, conn_->Query("SELECT 1 FROM letter_publish_tags WHERE organization_id = ? "
                                  "AND quota_window = ? AND slot = ? AND tag = ?",
                                  {organization_id, window, slot, tag}));
      if (!rows.empty()) return false;
      CANDOR_RETURN_IF_ERROR(
          conn_->Exec("INSERT INTO letter_publish_tags (organization_id, quota_window, slot, tag) "
                      "VALUES (?, ?, ?, ?)",
                      {organization_id, window, slot, tag}));
      return true;
    });
  }

  Result<std::vector<std::pair<std::int64_t, Blob>>> ListLetterPublishTags(
      std::int64_t organization_id, std::int64_t window) override {
    return Run(kReads, [&]() -> Result<std::vector<std::pair<std::int64_t, Blob>>> {
      CANDOR_ASSIGN_OR_RETURN(
          auto rows,
          conn_->Query("SELECT slot, tag FROM letter_publish_tags WHERE organization_id = ? "
                       "AND quota_window = ? ORDER BY slot, tag",
                       {organization_id, window}));
      return DecodeAll(rows, &DecodeSlotTag);
    });
  }

  Result<bool> CableQuotaTagUsed(std::int64_t organization_id, std::int64_t window,
                                 std::int64_t slot, const Blob& tag) override {
    return Run(kReads, [&]() -> Result<bool> {
      CANDOR_ASSIGN_OR_RETURN(
          auto rows, conn_->Query("SELECT 1 FROM cable_quota_tags WHERE organization_id = ? "
                                  "AND quota_window = ? AND slot = ? AND tag = ?",
                                  {organization_id, window, slot, tag}));
      return !rows.empty();
    });
  }

  Status InsertCableQuotaTag(std::int64_t organization_id, std::int64_t window, std::int64_t slot,
                             const Blob& tag) override {
    return Run(kWrites, [&]() -> Status {
      CANDOR_RETURN_IF_ERROR(
          conn_->Exec("INSERT INTO cable_quota_tags (organization_id, quota_window, slot, tag) "
                      "VALUES (?, ?, ?, ?)",
                      {organization_id, window, slot, tag}));
      return Status::Ok();
    });
  }

  Result<std::vector<std::pair<std::int64_t, Blob>>> ListPublishedCableQuotaTags(
      std::int64_t organization_id, std::int64_t window) override {
    return Run(kReads, [&]() -> Result<std::vector<std::pair<std::int64_t, Blob>>> {
      // A quota signature ends with its tag in the candor-lrs-v1 wire format and begins with
      // it in candor-lrs-v2's, so a tag belongs to a published cable when some published cable
      // of the window and slot ends or begins with it. (Another 32-byte field matching a tag
      // of the same slot by chance is a 2^-256 event.) substr and length work on bytes alike
      // in SQLite (BLOB) and PostgreSQL (bytea).
      CANDOR_ASSIGN_OR_RETURN(
          auto rows,
          conn_->Query(
              "SELECT q.slot, q.tag FROM cable_quota_tags q WHERE q.organization_id = ? "
              "AND q.quota_window = ? AND EXISTS (SELECT 1 FROM cables c WHERE "
              "c.organization_id = q.organization_id AND c.quota_window = q.quota_window "
              "AND c.quota_slot = q.slot AND c.published = 1 AND c.quota_signature IS NOT NULL "
              "AND (substr(c.quota_signature, length(c.quota_signature) - 31, 32) = q.tag "
              "OR substr(c.quota_signature, 1, 32) = q.tag)) "
              "ORDER BY q.slot, q.tag",
              {organization_id, window}));
      return DecodeAll(rows, &DecodeSlotTag);
    });
  }

  Result<std::vector<std::pair<std::int64_t, Blob>>> ListCableQuotaTags(
      std::int64_t organization_id, std::int64_t window) override {
    return Run(kReads, [&]() -> Result<std::vector<std::pair<std::int64_t, Blob>>> {
      CANDOR_ASSIGN_OR_RETURN(
          auto rows,
          conn_->Query("SELECT slot, tag FROM cable_quota_tags WHERE organization_id = ? "
                       "AND quota_window = ? ORDER BY slot, tag",
                       {organization_id, window}));
      return DecodeAll(rows, &DecodeSlotTag);
    });
  }

  Status RewriteCableQuotaTags(std::int64_t organization_id, std::int64_t window,
                               const std::vector<std::pair<std::int64_t, Blob>>& rows) override {
    return Run(kWrites, [&]() -> Status {
      CANDOR_RETURN_IF_ERROR(
          conn_->Exec("DELETE FROM cable_quota_tags WHERE organization_id = ? AND quota_window = ?",
                      {organization_id, window}));
      for (const auto& [slot, tag] : rows) {
        CANDOR_RETURN_IF_ERROR(
            conn_->Exec("INSERT INTO cable_quota_tags (organization_id, quota_window, slot, tag) "
                        "VALUES (?, ?, ?, ?)",
                        {organization_id, window, slot, tag}));
      }
      return Status::Ok();
    });
  }

  Result<bool> InsertNotification(const NotificationRecord& n) override {
    return Run(kWrites, [&]() -> Result<bool> {
      CANDOR_ASSIGN_OR_RETURN(
          auto rows, conn_->Query("SELECT 1 FROM notifications WHERE cable_id = ? AND kind = ? AND "
                                  "deadline_day = ? AND days_before = ?",
                                  {n.cable_id, n.kind, n.deadline_day, n.days_before}));
      if (!rows.empty()) return false;
      CANDOR_RETURN_IF_ERROR(conn_->Exec(
          "INSERT INTO notifications (organization_id, cable_id, kind, deadline_day, days_before, "
          "created_at_ms, delivered) VALUES (?, ?, ?, ?, ?, ?, ?)",
          {n.organization_id, n.cable_id, n.kind, n.deadline_day, n.days_before, n.created_at_ms,
           n.delivered}));
      return true;
    });
  }

  Result<std::vector<NotificationRecord>> ListNotifications(std::int64_t organization_id,
                                                            bool undelivered_only) override {
    return Run(kReads, [&]() -> Result<std::vector<NotificationRecord>> {
      CANDOR_ASSIGN_OR_RETURN(
          auto rows,
          conn_->Query(std::string("SELECT id, organization_id, cable_id, kind, deadline_day, "
                                   "days_before, created_at_ms, delivered FROM notifications "
                                   "WHERE organization_id = ?") +
                           (undelivered_only ? " AND delivered = 0" : "") + " ORDER BY id",
                       {organization_id}));
      return DecodeAll(rows, &DecodeNotification);
    });
  }

  Status MarkNotificationsDelivered(std::int64_t organization_id, std::int64_t up_to_id) override {
    return Run(kWrites, [&]() -> Status {
      CANDOR_RETURN_IF_ERROR(conn_->Exec(
          "UPDATE notifications SET delivered = 1 WHERE organization_id = ? AND id <= ?",
          {organization_id, up_to_id}));
      return Status::Ok();
    });
  }

  // --- Settings ---
  Result<std::optional<std::string>> GetSetting(std::string_view key) override {
    return Run(kReads, [&]() -> Result<std::optional<std::string>> {
      CANDOR_ASSIGN_OR_RETURN(auto rows,
                              conn_->Query("SELECT value FROM settings WHERE name = ?", {key}));
      if (rows.empty()) return std::optional<std::string>();
      RowReader r(rows[0]);
      std::string value = r.Text();
      CANDOR_RETURN_IF_ERROR(r.status());
      return std::optional<std::string>(std::move(value));
    });
  }

  Status PutSetting(std::string_view key, std::string_view value) override {
    return Run(kWrites, [&]() -> Status {
      CANDOR_RETURN_IF_ERROR(
          conn_->Exec("INSERT INTO settings (name, value) VALUES (?, ?) "
                      "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                      {key, value}));
      return Status::Ok();
    });
  }

 private:
  static Status Done(const Result<std::int64_t>& r) {
    return r.ok() ? Status::Ok() : Status(r.error());
  }

  // One row each, as stored (callers run them inside Run).
  Status InsertCoSignatureRow(const CoSignatureRecord& c) {
    return Done(conn_->Exec(
        std::string("INSERT INTO cosignatures (") + kCoSignatureColumns +
            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {c.letter_id, c.tag, static_cast<int>(c.action), c.organization_id, c.ring_digest,
         c.signature, c.batch, c.log_index, static_cast<int>(c.scheme)}));
  }
  Status InsertCableRow(const CableRecord& c) {
    return Done(
        conn_->Exec(std::string("INSERT INTO cables (") + kCableColumns +
                        ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    {c.id, c.organization_id, c.named, c.header, c.envelope, c.signature,
                     c.quota_window, c.quota_slot, c.quota_signature, c.author_signature,
                     c.submission_digest, c.access_hash, c.received_day, c.published,
                     c.acknowledged_day, c.extended, c.closed_day, c.purged, c.settings_json}));
  }
  Status InsertCableEventRow(const CableEventRecord& e) {
    return Done(conn_->Exec(std::string("INSERT INTO cable_events (") + kCableEventColumns +
                                ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            {e.cable_id, e.seq, e.action, e.digest, e.day, e.account_id, e.at_ms,
                             e.recipients, e.envelope, e.log_index}));
  }

  enum Access { kReads, kWrites };

  // Runs one method's body. Refuses when the transaction is finished, or `access` is kWrites
  // in a read transaction. When the body fails, the whole transaction is rolled back at once
  // (see store.h: a failed call ends the transaction), which is what PostgreSQL does anyway;
  // doing it on SQLite too keeps the two engines' behaviour identical.
  template <typename Body>
  auto Run(Access access, Body&& body) -> decltype(body()) {
    if (failed_) {
      return Error(ErrorCode::kFailedPrecondition,
                   "the transaction was rolled back when an earlier call failed (" +
                       failed_->message() + ")");
    }
    if (conn_ == nullptr) {
      return Error(ErrorCode::kFailedPrecondition, "the transaction has already finished");
    }
    if (access == kWrites && mode_ != TxMode::kWrite) {
      return Error(ErrorCode::kFailedPrecondition, "a write in a read transaction");
    }
    auto result = body();
    if (!result.ok()) {
      failed_ = result.error();
      Finish();
    }
    return result;
  }

  // Rolls back if still open, returns the connection to the pool and lets the next writer in.
  void Finish() {
    if (conn_ != nullptr) {
      if (conn_->InTransaction()) (void)conn_->Rollback();
      state_->pool.Release(std::move(conn_));
      conn_.reset();
    }
    if (holds_gate_) {
      holds_gate_ = false;
      state_->writers.Release();
    }
  }

  Status RequireOrganization(std::int64_t id) {
    CANDOR_ASSIGN_OR_RETURN(auto rows,
                            conn_->Query("SELECT 1 FROM organizations WHERE id = ?", {id}));
    if (rows.empty()) return NotFound("no organization " + std::to_string(id));
    return Status::Ok();
  }

  Result<std::int64_t> LatestVersion(std::int64_t organization_id) {
    CANDOR_ASSIGN_OR_RETURN(auto rows, conn_->Query("SELECT COALESCE(MAX(version), 0) FROM "
                                                    "roster_events WHERE organization_id = ?",
                                                    {organization_id}));
    return SingleInt(rows);
  }

  Result<std::int64_t> StoredLogSize() {
    // Indexes are dense from 0 (AppendLogEntry enforces it), so the size is the largest index
    // plus one — read from the primary key's index, unlike COUNT(*), which scans.
    CANDOR_ASSIGN_OR_RETURN(
        auto rows, conn_->Query("SELECT COALESCE(MAX(log_index) + 1, 0) FROM log_entries"));
    return SingleInt(rows);
  }

  Result<std::optional<Blob>> StoredNode(int level, std::int64_t index) {
    CANDOR_ASSIGN_OR_RETURN(
        auto rows,
        conn_->Query("SELECT hash FROM log_nodes WHERE node_level = ? AND node_index = ?",
                     {level, index}));
    if (rows.empty()) return std::optional<Blob>();
    RowReader r(rows[0]);
    Blob hash = r.Bytes();
    CANDOR_RETURN_IF_ERROR(r.status());
    return std::optional<Blob>(std::move(hash));
  }

  std::shared_ptr<StoreState> state_;
  std::unique_ptr<SqlConnection> conn_;  // null once finished
  TxMode mode_;
  bool holds_gate_;
  std::optional<Error> failed_;  // the error that ended the transaction, if one did
};

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
  if (fd < 0)
    return Error(ErrorCode::kIo,
                 "cannot open the lock file '" + path + "': " + std::strerror(errno));
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
  constexpr std::string_view sqlite_scheme = "sqlite:";
  if (url.starts_with(sqlite_scheme)) {
    const std::string path = url.substr(sqlite_scheme.size());
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
