// The SQL store's insides, shared by its files (internal to src/store): the connection pool,
// the writer gate, the state a store and its transactions share, and SqlTransaction, whose
// methods are defined one file per group of tables (sql_<feature>.cc), beside the row
// decoders they use. sql_store.cc opens stores and begins transactions.
#ifndef CANDOR_STORE_SQL_STORE_INTERNAL_H_
#define CANDOR_STORE_SQL_STORE_INTERNAL_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <limits>
#include <mutex>
#include <utility>

#include "store/schema.h"
#include "store/sql.h"
#include "store/store.h"

namespace candor::store::sql_internal {

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

// The single row of an aggregate query.
inline Result<std::int64_t> SingleInt(const std::vector<SqlRow>& rows) {
  if (rows.size() != 1) return Error(ErrorCode::kCorrupt, "aggregate query returned no row");
  RowReader r(rows[0]);
  const std::int64_t v = r.Int();
  CANDOR_RETURN_IF_ERROR(r.status());
  return v;
}

// (slot, tag) of a quota tag row.

inline Result<CableRecord> DecodeCable(const SqlRow& row) {
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

  Result<std::int64_t> InsertOrganization(const OrganizationRecord& org) override;
  Result<std::optional<OrganizationRecord>> FindOrganization(std::int64_t id) override;
  Result<std::optional<OrganizationRecord>> FindOrganizationBySlug(std::string_view slug) override;
  Result<std::vector<OrganizationRecord>> ListOrganizations() override;
  Status UpdateOrganizationPolicy(std::int64_t id, std::string_view policy_json) override;
  Status ReplaceHolidays(std::int64_t organization_id,
                         const std::vector<HolidayRecord>& holidays) override;
  Result<std::vector<HolidayRecord>> ListHolidays(std::int64_t organization_id) override;
  Result<std::int64_t> InsertAccount(const AccountRecord& a) override;
  Result<std::optional<AccountRecord>> FindAccount(std::int64_t id) override;
  Result<std::optional<AccountRecord>> FindAccountByName(std::int64_t organization_id,
                                                         std::string_view username) override;
  Result<std::vector<AccountRecord>> ListAccounts(std::int64_t organization_id) override;
  Status UpdateAccount(const AccountRecord& a) override;
  Status InsertSession(const SessionRecord& s) override;
  Result<std::optional<SessionRecord>> FindSession(const Blob& token_hash) override;
  Status UpdateSession(const SessionRecord& s) override;
  Status DeleteSession(const Blob& token_hash) override;
  Status DeleteSessionsOfAccount(std::int64_t account_id) override;
  Status DeleteExpiredSessions(std::int64_t now_ms) override;
  Result<std::optional<LoginThrottleRecord>> FindThrottle(std::string_view key) override;
  Status UpsertThrottle(const LoginThrottleRecord& t) override;
  Status DeleteThrottle(std::string_view key) override;
  Status DeleteExpiredThrottles(std::int64_t now_ms, std::int64_t window_ms) override;
  Status InsertInvitation(const InvitationRecord& i) override;
  Result<std::optional<InvitationRecord>> FindInvitation(const Blob& code_hash) override;
  Status MarkInvitationRedeemed(const Blob& code_hash) override;
  Result<std::int64_t> CountOpenInvitations(std::int64_t organization_id,
                                            std::int64_t now_ms) override;
  Status InsertRosterEvent(const RosterEventRecord& e) override;
  Result<std::vector<RosterEventRecord>> ListRosterEvents(std::int64_t organization_id,
                                                          std::int64_t up_to_version) override;
  Status InsertOrganizationLog(const OrganizationLogRecord& e) override;
  Result<std::vector<OrganizationLogRecord>> ListOrganizationLog(std::int64_t organization_id,
                                                                 std::string_view kind) override;
  Status InsertCheckpoint(std::int64_t tree_size) override;
  Result<std::vector<std::int64_t>> ListCheckpoints(std::int64_t limit) override;
  Status InsertLogState(std::int64_t tree_size, const Blob& leaves) override;
  Result<std::optional<Blob>> FindLogState(std::int64_t tree_size) override;
  Status DeleteLogStates(std::int64_t below_tree_size, std::int64_t older_than_ms) override;
  Status InsertCosignature(const CosignatureRecord& c) override;
  Result<std::vector<CosignatureRecord>> ListCosignatures(std::int64_t tree_size) override;
  Result<std::vector<OrganizationLogRecord>> LatestOrganizationLog(std::int64_t organization_id,
                                                                   std::string_view kind,
                                                                   std::int64_t limit) override;
  Result<bool> AnyOrganizationLog() override;
  Result<std::int64_t> LatestRosterVersion(std::int64_t organization_id) override;
  Result<std::optional<RosterEventRecord>> LatestRosterEvent(std::int64_t organization_id) override;
  Result<std::int64_t> CountRosterMembers(std::int64_t organization_id,
                                          std::int64_t version) override;
  Result<bool> RosterKeyRemoved(std::int64_t organization_id, const Blob& ring_public) override;
  Result<std::vector<RosterEventRecord>> ListRosterMembers(std::int64_t organization_id,
                                                           std::int64_t version) override;
  Result<std::optional<RosterEventRecord>> FindRosterKey(std::int64_t organization_id,
                                                         const Blob& ring_public) override;
  Result<std::int64_t> LogSize() override;
  Status AppendLogEntry(const LogEntryRecord& record) override;
  Result<std::vector<LogEntryRecord>> ReadLogEntries(std::int64_t begin, std::int64_t end) override;
  Status PutLogNode(int level, std::int64_t index, const Blob& hash) override;
  Result<std::optional<Blob>> GetLogNode(int level, std::int64_t index) override;
  Status InsertTreeHead(const TreeHeadRecord& h) override;
  Result<std::optional<TreeHeadRecord>> LatestTreeHead() override;
  Result<std::optional<TreeHeadRecord>> FindTreeHead(std::int64_t tree_size) override;

  static constexpr const char* kLetterColumns = "id, seq, canonical, log_index, quorum_reached";

  static constexpr const char* kCoSignatureColumns =
      "letter_id, tag, action, organization_id, ring_digest, signature, batch, log_index, scheme";

  Result<std::int64_t> InsertLetter(const LetterRecord& l) override;
  Result<std::optional<LetterRecord>> FindLetter(const Blob& id) override;
  Result<std::vector<LetterRecord>> ListLetters() override;
  Result<std::vector<LetterRecord>> ListLettersAfter(std::int64_t after_seq,
                                                     std::int64_t limit) override;
  Status MarkLetterQuorumReached(const Blob& id) override;
  Status InsertLetterRoster(const LetterRosterRecord& p) override;
  Result<std::vector<LetterRosterRecord>> ListLetterRosters(const Blob& letter_id) override;
  Status InsertCoSignature(const CoSignatureRecord& c) override;
  Result<std::vector<CoSignatureRecord>> FindCoSignatures(const Blob& letter_id,
                                                          const Blob& tag) override;
  Result<std::vector<CoSignatureRecord>> ListWaitingCoSignatures(const Blob& letter_id) override;
  Result<std::vector<CoSignatureRecord>> ListPublishedCoSignatures(const Blob& letter_id) override;
  Result<std::vector<CoSignatureRecord>> ListPublishedCoSignatureHeads(
      const Blob& letter_id) override;
  Result<std::vector<Blob>> ListLettersWithWaitingCoSignatures() override;
  Status DeleteCoSignatures(const std::vector<CoSignatureRecord>& rows) override;
  Status RewriteCoSignatures(const std::vector<CoSignatureRecord>& rows) override;
  Status MarkCoSignaturePublished(const Blob& letter_id, const Blob& tag, CoSignatureAction action,
                                  std::int64_t batch, std::int64_t log_index) override;
  Result<std::vector<std::pair<std::int64_t, std::int64_t>>> CountSigners(
      const Blob& letter_id, bool published_only) override;
  Status InsertSignatureBatch(const SignatureBatchRecord& b) override;
  Result<std::vector<SignatureBatchRecord>> ListSignatureBatches(const Blob& letter_id) override;
  Result<std::int64_t> InsertLetterDraft(const LetterDraftRecord& d) override;
  Result<std::optional<LetterDraftRecord>> FindLetterDraft(std::int64_t id) override;
  Result<std::vector<LetterDraftRecord>> ListLetterDrafts(std::int64_t account_id) override;
  Status UpdateLetterDraft(const LetterDraftRecord& d) override;
  Status DeleteLetterDraft(std::int64_t id) override;

  static constexpr const char* kCableColumns =
      "id, organization_id, named, header, envelope, signature, quota_window, quota_slot, "
      "quota_signature, author_signature, submission_digest, access_hash, received_day, published, "
      "acknowledged_day, extended, closed_day, purged, settings_json";

  static constexpr const char* kCableEventColumns =
      "cable_id, seq, action, digest, day, account_id, at_ms, recipients, envelope, log_index";

  Status InsertCable(const CableRecord& c) override;
  Result<std::optional<CableRecord>> FindCable(const Blob& id) override;
  Result<std::vector<CableRecord>> CablesWhere(const std::string& where, const SqlParams& params) {
    return Run(kReads, [&]() -> Result<std::vector<CableRecord>> {
      CANDOR_ASSIGN_OR_RETURN(
          auto rows, conn_->Query(std::string("SELECT ") + kCableColumns + " FROM cables " + where +
                                      " ORDER BY received_day, id",
                                  params));
      return DecodeAll(rows, &DecodeCable);
    });
  }

  Result<std::vector<CableRecord>> ListCables(std::int64_t organization_id) override;
  Result<std::vector<CableRecord>> ListUnpublishedCables() override;
  Result<std::vector<CableRecord>> ListOpenCables() override;
  Result<std::vector<CableRecord>> ListClosedUnpurgedCables() override;
  Status RewriteCables(const std::vector<CableRecord>& cables) override;
  Status UpdateCable(const CableRecord& c) override;
  Status InsertCableEvent(const CableEventRecord& e) override;
  Result<std::vector<CableEventRecord>> ListCableEvents(const Blob& cable_id,
                                                        bool with_envelopes) override;
  Result<std::vector<CableEventRecord>> ListUnloggedCableEvents() override;
  Status SetCableEventLogIndex(const Blob& cable_id, std::int64_t seq,
                               std::int64_t log_index) override;
  Result<std::int64_t> LastCableEventSeq(const Blob& cable_id) override;
  Status PurgeCableEvents(const Blob& cable_id) override;
  Result<bool> InsertLetterPublishTag(std::int64_t organization_id, std::int64_t window,
                                      std::int64_t slot, const Blob& tag) override;
  Result<std::vector<std::pair<std::int64_t, Blob>>> ListLetterPublishTags(
      std::int64_t organization_id, std::int64_t window) override;
  Result<bool> CableQuotaTagUsed(std::int64_t organization_id, std::int64_t window,
                                 std::int64_t slot, const Blob& tag) override;
  Status InsertCableQuotaTag(std::int64_t organization_id, std::int64_t window, std::int64_t slot,
                             const Blob& tag) override;
  Result<std::vector<std::pair<std::int64_t, Blob>>> ListPublishedCableQuotaTags(
      std::int64_t organization_id, std::int64_t window) override;
  Result<std::vector<std::pair<std::int64_t, Blob>>> ListCableQuotaTags(
      std::int64_t organization_id, std::int64_t window) override;
  Status RewriteCableQuotaTags(std::int64_t organization_id, std::int64_t window,
                               const std::vector<std::pair<std::int64_t, Blob>>& rows) override;
  Result<bool> InsertNotification(const NotificationRecord& n) override;
  Result<std::vector<NotificationRecord>> ListNotifications(std::int64_t organization_id,
                                                            bool undelivered_only) override;
  Status MarkNotificationsDelivered(std::int64_t organization_id, std::int64_t up_to_id) override;
  Result<std::optional<NotifySettingsRecord>> FindNotifySettings(
      std::int64_t organization_id) override;
  Result<std::vector<NotifySettingsRecord>> ListEnabledNotifySettings() override;
  Status PutNotifySettings(const NotifySettingsRecord& s) override;
  Result<std::optional<NotifyAddressRecord>> FindNotifyAddress(std::int64_t account_id) override;
  Result<std::vector<NotifyAddressRecord>> ListNotifyAddresses(
      std::int64_t organization_id) override;
  Status PutNotifyAddress(const NotifyAddressRecord& a) override;
  Status DeleteNotifyAddress(std::int64_t account_id) override;
  Result<bool> InsertDelivery(const DeliveryRecord& d) override;
  Result<std::vector<DeliveryRecord>> ListDeliveries(std::int64_t organization_id,
                                                     std::int64_t limit) override;
  Result<std::vector<DeliveryRecord>> ListDueDeliveries(std::int64_t now_ms) override;
  Status UpdateDelivery(const DeliveryRecord& d) override;
  Status DeleteDeliveriesBefore(std::int64_t day) override;
  Result<std::optional<std::string>> GetSetting(std::string_view key) override;
  Status PutSetting(std::string_view key, std::string_view value) override;

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

}  // namespace candor::store::sql_internal

#endif  // CANDOR_STORE_SQL_STORE_INTERNAL_H_
