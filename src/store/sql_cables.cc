// Cables, their events, quota tags and the notification outbox (CableTables, QuotaTables,
// NotificationTables).
#include "store/sql_store_internal.h"

namespace candor::store::sql_internal {
namespace {

Result<std::pair<std::int64_t, Blob>> DecodeSlotTag(const SqlRow& row) {
  RowReader r(row);
  std::int64_t slot = r.Int();
  Blob tag = r.Bytes();
  CANDOR_RETURN_IF_ERROR(r.status());
  return std::make_pair(slot, std::move(tag));
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

}  // namespace

Status SqlTransaction::InsertCable(const CableRecord& c) {
  return Run(kWrites, [&]() -> Status {
    CANDOR_ASSIGN_OR_RETURN(auto rows, conn_->Query("SELECT 1 FROM cables WHERE id = ?", {c.id}));
    if (!rows.empty()) return Error(ErrorCode::kAlreadyExists, "a cable with this id exists");
    CANDOR_RETURN_IF_ERROR(InsertCableRow(c));
    return Status::Ok();
  });
}

Result<std::optional<CableRecord>> SqlTransaction::FindCable(const Blob& id) {
  return Run(kReads, [&]() -> Result<std::optional<CableRecord>> {
    CANDOR_ASSIGN_OR_RETURN(
        auto rows,
        conn_->Query(std::string("SELECT ") + kCableColumns + " FROM cables WHERE id = ?", {id}));
    return DecodeOptional(rows, &DecodeCable);
  });
}

Result<std::vector<CableRecord>> SqlTransaction::ListCables(std::int64_t organization_id) {
  return CablesWhere("WHERE organization_id = ?", {organization_id});
}

Result<std::vector<CableRecord>> SqlTransaction::ListUnpublishedCables() {
  return CablesWhere("WHERE published = 0", {});
}

Result<std::vector<CableRecord>> SqlTransaction::ListOpenCables() {
  return CablesWhere("WHERE published = 1 AND closed_day IS NULL", {});
}

Result<std::vector<CableRecord>> SqlTransaction::ListClosedUnpurgedCables() {
  return CablesWhere("WHERE closed_day IS NOT NULL AND purged = 0", {});
}

Status SqlTransaction::RewriteCables(const std::vector<CableRecord>& cables) {
  return Run(kWrites, [&]() -> Status {
    // Their events go too (they reference the cable), and come back after it.
    std::vector<std::vector<CableEventRecord>> events;
    for (const auto& c : cables) {
      CANDOR_ASSIGN_OR_RETURN(auto rows,
                              conn_->Query(std::string("SELECT ") + kCableEventColumns +
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

Status SqlTransaction::UpdateCable(const CableRecord& c) {
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

Status SqlTransaction::InsertCableEvent(const CableEventRecord& e) {
  return Run(kWrites, [&]() -> Status {
    CANDOR_RETURN_IF_ERROR(InsertCableEventRow(e));
    return Status::Ok();
  });
}

Result<std::vector<CableEventRecord>> SqlTransaction::ListCableEvents(const Blob& cable_id,
                                                                      bool with_envelopes) {
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

Result<std::vector<CableEventRecord>> SqlTransaction::ListUnloggedCableEvents() {
  return Run(kReads, [&]() -> Result<std::vector<CableEventRecord>> {
    CANDOR_ASSIGN_OR_RETURN(auto rows, conn_->Query(std::string("SELECT ") + kCableEventColumns +
                                                        " FROM cable_events WHERE log_index IS "
                                                        "NULL AND seq > 1 ORDER BY cable_id, seq",
                                                    {}));
    return DecodeAll(rows, &DecodeCableEvent);
  });
}

Status SqlTransaction::SetCableEventLogIndex(const Blob& cable_id, std::int64_t seq,
                                             std::int64_t log_index) {
  return Run(kWrites, [&]() -> Status {
    CANDOR_ASSIGN_OR_RETURN(
        std::int64_t changed,
        conn_->Exec("UPDATE cable_events SET log_index = ? WHERE cable_id = ? AND seq = ?",
                    {log_index, cable_id, seq}));
    if (changed == 0) return NotFound("no such cable event");
    return Status::Ok();
  });
}

Result<std::int64_t> SqlTransaction::LastCableEventSeq(const Blob& cable_id) {
  return Run(kReads, [&]() -> Result<std::int64_t> {
    CANDOR_ASSIGN_OR_RETURN(
        auto rows, conn_->Query("SELECT COALESCE(MAX(seq), 0) FROM cable_events WHERE cable_id = ?",
                                {cable_id}));
    return SingleInt(rows);
  });
}

Status SqlTransaction::PurgeCableEvents(const Blob& cable_id) {
  return Run(kWrites, [&]() -> Status {
    CANDOR_RETURN_IF_ERROR(
        conn_->Exec("UPDATE cable_events SET envelope = NULL WHERE cable_id = ?", {cable_id}));
    return Status::Ok();
  });
}

Result<bool> SqlTransaction::InsertLetterPublishTag(std::int64_t organization_id,
                                                    std::int64_t window, std::int64_t slot,
                                                    const Blob& tag) {
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

Result<std::vector<std::pair<std::int64_t, Blob>>> SqlTransaction::ListLetterPublishTags(
    std::int64_t organization_id, std::int64_t window) {
  return Run(kReads, [&]() -> Result<std::vector<std::pair<std::int64_t, Blob>>> {
    CANDOR_ASSIGN_OR_RETURN(
        auto rows,
        conn_->Query("SELECT slot, tag FROM letter_publish_tags WHERE organization_id = ? "
                     "AND quota_window = ? ORDER BY slot, tag",
                     {organization_id, window}));
    return DecodeAll(rows, &DecodeSlotTag);
  });
}

Result<bool> SqlTransaction::CableQuotaTagUsed(std::int64_t organization_id, std::int64_t window,
                                               std::int64_t slot, const Blob& tag) {
  return Run(kReads, [&]() -> Result<bool> {
    CANDOR_ASSIGN_OR_RETURN(auto rows,
                            conn_->Query("SELECT 1 FROM cable_quota_tags WHERE organization_id = ? "
                                         "AND quota_window = ? AND slot = ? AND tag = ?",
                                         {organization_id, window, slot, tag}));
    return !rows.empty();
  });
}

Status SqlTransaction::InsertCableQuotaTag(std::int64_t organization_id, std::int64_t window,
                                           std::int64_t slot, const Blob& tag) {
  return Run(kWrites, [&]() -> Status {
    CANDOR_RETURN_IF_ERROR(
        conn_->Exec("INSERT INTO cable_quota_tags (organization_id, quota_window, slot, tag) "
                    "VALUES (?, ?, ?, ?)",
                    {organization_id, window, slot, tag}));
    return Status::Ok();
  });
}

Result<std::vector<std::pair<std::int64_t, Blob>>> SqlTransaction::ListPublishedCableQuotaTags(
    std::int64_t organization_id, std::int64_t window) {
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

Result<std::vector<std::pair<std::int64_t, Blob>>> SqlTransaction::ListCableQuotaTags(
    std::int64_t organization_id, std::int64_t window) {
  return Run(kReads, [&]() -> Result<std::vector<std::pair<std::int64_t, Blob>>> {
    CANDOR_ASSIGN_OR_RETURN(
        auto rows, conn_->Query("SELECT slot, tag FROM cable_quota_tags WHERE organization_id = ? "
                                "AND quota_window = ? ORDER BY slot, tag",
                                {organization_id, window}));
    return DecodeAll(rows, &DecodeSlotTag);
  });
}

Status SqlTransaction::RewriteCableQuotaTags(
    std::int64_t organization_id, std::int64_t window,
    const std::vector<std::pair<std::int64_t, Blob>>& rows) {
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

Result<bool> SqlTransaction::InsertNotification(const NotificationRecord& n) {
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

Result<std::vector<NotificationRecord>> SqlTransaction::ListNotifications(
    std::int64_t organization_id, bool undelivered_only) {
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

Status SqlTransaction::MarkNotificationsDelivered(std::int64_t organization_id,
                                                  std::int64_t up_to_id) {
  return Run(kWrites, [&]() -> Status {
    CANDOR_RETURN_IF_ERROR(
        conn_->Exec("UPDATE notifications SET delivered = 1 WHERE organization_id = ? AND id <= ?",
                    {organization_id, up_to_id}));
    return Status::Ok();
  });
}

}  // namespace candor::store::sql_internal
