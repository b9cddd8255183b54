// Staff accounts, sessions and the login throttle (AccountTables).
#include "store/sql_store_internal.h"

namespace candor::store::sql_internal {
namespace {

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

}  // namespace

Result<std::int64_t> SqlTransaction::InsertAccount(const AccountRecord& a) {
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

Result<std::optional<AccountRecord>> SqlTransaction::FindAccount(std::int64_t id) {
  return Run(kReads, [&]() -> Result<std::optional<AccountRecord>> {
    CANDOR_ASSIGN_OR_RETURN(
        auto rows, conn_->Query("SELECT id, organization_id, username, password_hash, roles, "
                                "totp_secret, reviewer_box_public, disabled "
                                "FROM accounts WHERE id = ?",
                                {id}));
    return DecodeOptional(rows, &DecodeAccount);
  });
}

Result<std::optional<AccountRecord>> SqlTransaction::FindAccountByName(std::int64_t organization_id,
                                                                       std::string_view username) {
  return Run(kReads, [&]() -> Result<std::optional<AccountRecord>> {
    CANDOR_ASSIGN_OR_RETURN(
        auto rows, conn_->Query("SELECT id, organization_id, username, password_hash, roles, "
                                "totp_secret, reviewer_box_public, disabled "
                                "FROM accounts WHERE organization_id = ? AND username = ?",
                                {organization_id, username}));
    return DecodeOptional(rows, &DecodeAccount);
  });
}

Result<std::vector<AccountRecord>> SqlTransaction::ListAccounts(std::int64_t organization_id) {
  return Run(kReads, [&]() -> Result<std::vector<AccountRecord>> {
    CANDOR_ASSIGN_OR_RETURN(
        auto rows, conn_->Query("SELECT id, organization_id, username, password_hash, roles, "
                                "totp_secret, reviewer_box_public, disabled "
                                "FROM accounts WHERE organization_id = ? ORDER BY id",
                                {organization_id}));
    return DecodeAll(rows, &DecodeAccount);
  });
}

Status SqlTransaction::UpdateAccount(const AccountRecord& a) {
  return Run(kWrites, [&]() -> Status {
    // The organization is part of the key: an account never moves between organizations,
    // and a caller holding another tenant's id cannot reach it.
    CANDOR_ASSIGN_OR_RETURN(
        std::int64_t changed,
        conn_->Exec("UPDATE accounts SET username = ?, password_hash = ?, roles = ?, "
                    "totp_secret = ?, reviewer_box_public = ?, disabled = ? "
                    "WHERE id = ? AND organization_id = ?",
                    {a.username, a.password_hash, static_cast<std::int64_t>(a.roles), a.totp_secret,
                     a.reviewer_box_public, a.disabled, a.id, a.organization_id}));
    if (changed == 0) {
      return NotFound("no account " + std::to_string(a.id) + " in organization " +
                      std::to_string(a.organization_id));
    }
    return Status::Ok();
  });
}

Status SqlTransaction::InsertSession(const SessionRecord& s) {
  return Run(kWrites, [&]() -> Status {
    CANDOR_RETURN_IF_ERROR(
        conn_->Exec("INSERT INTO sessions (token_hash, account_id, csrf_token, created_at_ms, "
                    "expires_at_ms, second_factor_pending) VALUES (?, ?, ?, ?, ?, ?)",
                    {s.token_hash, s.account_id, s.csrf_token, s.created_at_ms, s.expires_at_ms,
                     s.second_factor_pending}));
    return Status::Ok();
  });
}

Result<std::optional<SessionRecord>> SqlTransaction::FindSession(const Blob& token_hash) {
  return Run(kReads, [&]() -> Result<std::optional<SessionRecord>> {
    CANDOR_ASSIGN_OR_RETURN(
        auto rows, conn_->Query("SELECT token_hash, account_id, csrf_token, created_at_ms, "
                                "expires_at_ms, second_factor_pending "
                                "FROM sessions WHERE token_hash = ?",
                                {token_hash}));
    return DecodeOptional(rows, &DecodeSession);
  });
}

Status SqlTransaction::UpdateSession(const SessionRecord& s) {
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

Status SqlTransaction::DeleteSession(const Blob& token_hash) {
  return Run(kWrites, [&]() -> Status {
    CANDOR_RETURN_IF_ERROR(conn_->Exec("DELETE FROM sessions WHERE token_hash = ?", {token_hash}));
    return Status::Ok();
  });
}

Status SqlTransaction::DeleteSessionsOfAccount(std::int64_t account_id) {
  return Run(kWrites, [&]() -> Status {
    CANDOR_RETURN_IF_ERROR(conn_->Exec("DELETE FROM sessions WHERE account_id = ?", {account_id}));
    return Status::Ok();
  });
}

Status SqlTransaction::DeleteExpiredSessions(std::int64_t now_ms) {
  return Run(kWrites, [&]() -> Status {
    CANDOR_RETURN_IF_ERROR(conn_->Exec("DELETE FROM sessions WHERE expires_at_ms <= ?", {now_ms}));
    return Status::Ok();
  });
}

Result<std::optional<LoginThrottleRecord>> SqlTransaction::FindThrottle(std::string_view key) {
  return Run(kReads, [&]() -> Result<std::optional<LoginThrottleRecord>> {
    CANDOR_ASSIGN_OR_RETURN(
        auto rows, conn_->Query("SELECT throttle_key, failures, locked_until_ms, window_start_ms "
                                "FROM login_throttle WHERE throttle_key = ?",
                                {key}));
    return DecodeOptional(rows, &DecodeThrottle);
  });
}

Status SqlTransaction::UpsertThrottle(const LoginThrottleRecord& t) {
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

Status SqlTransaction::DeleteThrottle(std::string_view key) {
  return Run(kWrites, [&]() -> Status {
    CANDOR_RETURN_IF_ERROR(conn_->Exec("DELETE FROM login_throttle WHERE throttle_key = ?", {key}));
    return Status::Ok();
  });
}

Status SqlTransaction::DeleteExpiredThrottles(std::int64_t now_ms, std::int64_t window_ms) {
  return Run(kWrites, [&]() -> Status {
    CANDOR_RETURN_IF_ERROR(conn_->Exec(
        "DELETE FROM login_throttle WHERE locked_until_ms <= ? AND window_start_ms <= ?",
        {now_ms, now_ms - window_ms}));
    return Status::Ok();
  });
}

}  // namespace candor::store::sql_internal
