// Invitations, roster events and the organizations' logged entries (RosterTables).
#include "store/sql_store_internal.h"

namespace candor::store::sql_internal {
namespace {

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

}  // namespace

Status SqlTransaction::InsertInvitation(const InvitationRecord& i) {
  return Run(kWrites, [&]() -> Status {
    CANDOR_RETURN_IF_ERROR(
        conn_->Exec("INSERT INTO invitations (code_hash, organization_id, issued_by, "
                    "expires_at_ms, redeemed) VALUES (?, ?, ?, ?, ?)",
                    {i.code_hash, i.organization_id, i.issued_by, i.expires_at_ms, i.redeemed}));
    return Status::Ok();
  });
}

Result<std::optional<InvitationRecord>> SqlTransaction::FindInvitation(const Blob& code_hash) {
  return Run(kReads, [&]() -> Result<std::optional<InvitationRecord>> {
    CANDOR_ASSIGN_OR_RETURN(
        auto rows, conn_->Query("SELECT code_hash, organization_id, issued_by, expires_at_ms, "
                                "redeemed FROM invitations WHERE code_hash = ?",
                                {code_hash}));
    return DecodeOptional(rows, &DecodeInvitation);
  });
}

Status SqlTransaction::MarkInvitationRedeemed(const Blob& code_hash) {
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

Result<std::int64_t> SqlTransaction::CountOpenInvitations(std::int64_t organization_id,
                                                          std::int64_t now_ms) {
  return Run(kReads, [&]() -> Result<std::int64_t> {
    CANDOR_ASSIGN_OR_RETURN(
        auto rows, conn_->Query("SELECT COUNT(*) FROM invitations WHERE organization_id = ? "
                                "AND redeemed = 0 AND expires_at_ms > ?",
                                {organization_id, now_ms}));
    return SingleInt(rows);
  });
}

Status SqlTransaction::InsertRosterEvent(const RosterEventRecord& e) {
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

Result<std::vector<RosterEventRecord>> SqlTransaction::ListRosterEvents(
    std::int64_t organization_id, std::int64_t up_to_version) {
  return Run(kReads, [&]() -> Result<std::vector<RosterEventRecord>> {
    CANDOR_ASSIGN_OR_RETURN(
        auto rows, conn_->Query("SELECT organization_id, version, action, ring_public, "
                                "box_public, log_index, members FROM roster_events "
                                "WHERE organization_id = ? AND version <= ? ORDER BY version",
                                {organization_id, up_to_version}));
    return DecodeAll(rows, &DecodeRosterEvent);
  });
}

Status SqlTransaction::InsertOrganizationLog(const OrganizationLogRecord& e) {
  return Run(kWrites, [&]() -> Status {
    CANDOR_RETURN_IF_ERROR(
        conn_->Exec("INSERT INTO organization_log (log_index, organization_id, kind, version) "
                    "VALUES (?, ?, ?, ?)",
                    {e.log_index, e.organization_id, e.kind, SqlValue(e.version)}));
    return Status::Ok();
  });
}

Result<std::vector<OrganizationLogRecord>> SqlTransaction::ListOrganizationLog(
    std::int64_t organization_id, std::string_view kind) {
  return Run(kReads, [&]() -> Result<std::vector<OrganizationLogRecord>> {
    CANDOR_ASSIGN_OR_RETURN(
        auto rows,
        kind.empty()
            ? conn_->Query("SELECT log_index, organization_id, kind, version FROM organization_log "
                           "WHERE organization_id = ? ORDER BY log_index",
                           {organization_id})
            : conn_->Query("SELECT log_index, organization_id, kind, version FROM organization_log "
                           "WHERE organization_id = ? AND kind = ? ORDER BY log_index",
                           {organization_id, std::string(kind)}));
    return DecodeAll(rows, &DecodeOrganizationLog);
  });
}

Result<std::vector<OrganizationLogRecord>> SqlTransaction::LatestOrganizationLog(
    std::int64_t organization_id, std::string_view kind, std::int64_t limit) {
  return Run(kReads, [&]() -> Result<std::vector<OrganizationLogRecord>> {
    CANDOR_ASSIGN_OR_RETURN(
        auto rows,
        conn_->Query("SELECT log_index, organization_id, kind, version FROM organization_log "
                     "WHERE organization_id = ? AND kind = ? ORDER BY log_index DESC LIMIT ?",
                     {organization_id, std::string(kind), limit}));
    return DecodeAll(rows, &DecodeOrganizationLog);
  });
}

Result<bool> SqlTransaction::AnyOrganizationLog() {
  return Run(kReads, [&]() -> Result<bool> {
    CANDOR_ASSIGN_OR_RETURN(auto rows,
                            conn_->Query("SELECT log_index FROM organization_log LIMIT 1"));
    return !rows.empty();
  });
}

Result<std::int64_t> SqlTransaction::LatestRosterVersion(std::int64_t organization_id) {
  return Run(kReads, [&]() { return LatestVersion(organization_id); });
}

Result<std::optional<RosterEventRecord>> SqlTransaction::LatestRosterEvent(
    std::int64_t organization_id) {
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

Result<std::int64_t> SqlTransaction::CountRosterMembers(std::int64_t organization_id,
                                                        std::int64_t version) {
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

Result<bool> SqlTransaction::RosterKeyRemoved(std::int64_t organization_id,
                                              const Blob& ring_public) {
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

Result<std::vector<RosterEventRecord>> SqlTransaction::ListRosterMembers(
    std::int64_t organization_id, std::int64_t version) {
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

Result<std::optional<RosterEventRecord>> SqlTransaction::FindRosterKey(std::int64_t organization_id,
                                                                       const Blob& ring_public) {
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

}  // namespace candor::store::sql_internal
