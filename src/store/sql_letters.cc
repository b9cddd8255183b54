// Letters, their pinned rosters, co-signatures, batches and drafts (LetterTables,
// CoSignatureTables, DraftTables).
#include "store/sql_store_internal.h"

namespace candor::store::sql_internal {
namespace {

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

}  // namespace

Result<std::int64_t> SqlTransaction::InsertLetter(const LetterRecord& l) {
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

Result<std::optional<LetterRecord>> SqlTransaction::FindLetter(const Blob& id) {
  return Run(kReads, [&]() -> Result<std::optional<LetterRecord>> {
    CANDOR_ASSIGN_OR_RETURN(
        auto rows,
        conn_->Query(std::string("SELECT ") + kLetterColumns + " FROM letters WHERE id = ?", {id}));
    return DecodeOptional(rows, &DecodeLetter);
  });
}

Result<std::vector<LetterRecord>> SqlTransaction::ListLetters() {
  return Run(kReads, [&]() -> Result<std::vector<LetterRecord>> {
    CANDOR_ASSIGN_OR_RETURN(auto rows, conn_->Query(std::string("SELECT ") + kLetterColumns +
                                                    " FROM letters ORDER BY seq"));
    return DecodeAll(rows, &DecodeLetter);
  });
}

Result<std::vector<LetterRecord>> SqlTransaction::ListLettersAfter(std::int64_t after_seq,
                                                                   std::int64_t limit) {
  return Run(kReads, [&]() -> Result<std::vector<LetterRecord>> {
    CANDOR_ASSIGN_OR_RETURN(auto rows,
                            conn_->Query(std::string("SELECT ") + kLetterColumns +
                                             " FROM letters WHERE seq > ? ORDER BY seq LIMIT ?",
                                         {after_seq, limit}));
    return DecodeAll(rows, &DecodeLetter);
  });
}

Status SqlTransaction::MarkLetterQuorumReached(const Blob& id) {
  return Run(kWrites, [&]() -> Status {
    CANDOR_ASSIGN_OR_RETURN(
        std::int64_t changed,
        conn_->Exec("UPDATE letters SET quorum_reached = 1 WHERE id = ?", {id}));
    if (changed == 0) return NotFound("no such letter");
    return Status::Ok();
  });
}

Status SqlTransaction::InsertLetterRoster(const LetterRosterRecord& p) {
  return Run(kWrites, [&]() -> Status {
    CANDOR_RETURN_IF_ERROR(conn_->Exec(
        "INSERT INTO letter_rosters (letter_id, position, organization_id, roster_version) "
        "VALUES (?, ?, ?, ?)",
        {p.letter_id, p.position, p.organization_id, p.roster_version}));
    return Status::Ok();
  });
}

Result<std::vector<LetterRosterRecord>> SqlTransaction::ListLetterRosters(const Blob& letter_id) {
  return Run(kReads, [&]() -> Result<std::vector<LetterRosterRecord>> {
    CANDOR_ASSIGN_OR_RETURN(
        auto rows, conn_->Query("SELECT letter_id, position, organization_id, roster_version "
                                "FROM letter_rosters WHERE letter_id = ? ORDER BY position",
                                {letter_id}));
    return DecodeAll(rows, &DecodeLetterRoster);
  });
}

Status SqlTransaction::InsertCoSignature(const CoSignatureRecord& c) {
  return Run(kWrites, [&]() -> Status {
    if (c.action != CoSignatureAction::kSign && c.action != CoSignatureAction::kWithdraw) {
      return InvalidArgument("co-signature action is neither sign nor withdraw");
    }
    CANDOR_RETURN_IF_ERROR(InsertCoSignatureRow(c));
    return Status::Ok();
  });
}

Result<std::vector<CoSignatureRecord>> SqlTransaction::FindCoSignatures(const Blob& letter_id,
                                                                        const Blob& tag) {
  return Run(kReads, [&]() -> Result<std::vector<CoSignatureRecord>> {
    CANDOR_ASSIGN_OR_RETURN(auto rows,
                            conn_->Query(std::string("SELECT ") + kCoSignatureColumns +
                                             " FROM cosignatures WHERE letter_id = ? AND tag = ? "
                                             "ORDER BY action",
                                         {letter_id, tag}));
    return DecodeAll(rows, &DecodeCoSignature);
  });
}

Result<std::vector<CoSignatureRecord>> SqlTransaction::ListWaitingCoSignatures(
    const Blob& letter_id) {
  return Run(kReads, [&]() -> Result<std::vector<CoSignatureRecord>> {
    CANDOR_ASSIGN_OR_RETURN(
        auto rows, conn_->Query(std::string("SELECT ") + kCoSignatureColumns +
                                    " FROM cosignatures WHERE letter_id = ? AND batch IS NULL "
                                    "ORDER BY tag, action",
                                {letter_id}));
    return DecodeAll(rows, &DecodeCoSignature);
  });
}

Result<std::vector<CoSignatureRecord>> SqlTransaction::ListPublishedCoSignatures(
    const Blob& letter_id) {
  return Run(kReads, [&]() -> Result<std::vector<CoSignatureRecord>> {
    CANDOR_ASSIGN_OR_RETURN(
        auto rows, conn_->Query(std::string("SELECT ") + kCoSignatureColumns +
                                    " FROM cosignatures WHERE letter_id = ? AND batch IS NOT "
                                    "NULL ORDER BY log_index",
                                {letter_id}));
    return DecodeAll(rows, &DecodeCoSignature);
  });
}

Result<std::vector<CoSignatureRecord>> SqlTransaction::ListPublishedCoSignatureHeads(
    const Blob& letter_id) {
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

Result<std::vector<Blob>> SqlTransaction::ListLettersWithWaitingCoSignatures() {
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

Status SqlTransaction::DeleteCoSignatures(const std::vector<CoSignatureRecord>& rows) {
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

Status SqlTransaction::RewriteCoSignatures(const std::vector<CoSignatureRecord>& rows) {
  return Run(kWrites, [&]() -> Status {
    CANDOR_RETURN_IF_ERROR(DeleteCoSignatures(rows));
    for (const auto& c : rows) {
      CANDOR_RETURN_IF_ERROR(InsertCoSignatureRow(c));
    }
    return Status::Ok();
  });
}

Status SqlTransaction::MarkCoSignaturePublished(const Blob& letter_id, const Blob& tag,
                                                CoSignatureAction action, std::int64_t batch,
                                                std::int64_t log_index) {
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

Result<std::vector<std::pair<std::int64_t, std::int64_t>>> SqlTransaction::CountSigners(
    const Blob& letter_id, bool published_only) {
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

Status SqlTransaction::InsertSignatureBatch(const SignatureBatchRecord& b) {
  return Run(kWrites, [&]() -> Status {
    CANDOR_RETURN_IF_ERROR(
        conn_->Exec("INSERT INTO signature_batches (letter_id, batch, log_index, published_at_ms, "
                    "signatures) VALUES (?, ?, ?, ?, ?)",
                    {b.letter_id, b.batch, b.log_index, b.published_at_ms, b.signatures}));
    return Status::Ok();
  });
}

Result<std::vector<SignatureBatchRecord>> SqlTransaction::ListSignatureBatches(
    const Blob& letter_id) {
  return Run(kReads, [&]() -> Result<std::vector<SignatureBatchRecord>> {
    CANDOR_ASSIGN_OR_RETURN(
        auto rows, conn_->Query("SELECT letter_id, batch, log_index, published_at_ms, signatures "
                                "FROM signature_batches WHERE letter_id = ? ORDER BY batch",
                                {letter_id}));
    return DecodeAll(rows, &DecodeSignatureBatch);
  });
}

Result<std::int64_t> SqlTransaction::InsertLetterDraft(const LetterDraftRecord& d) {
  return Run(kWrites, [&]() -> Result<std::int64_t> {
    CANDOR_ASSIGN_OR_RETURN(auto rows,
                            conn_->Query("INSERT INTO letter_drafts (account_id, letter_json, "
                                         "updated_at_ms) VALUES (?, ?, ?) RETURNING id",
                                         {d.account_id, d.letter_json, d.updated_at_ms}));
    return SingleInt(rows);
  });
}

Result<std::optional<LetterDraftRecord>> SqlTransaction::FindLetterDraft(std::int64_t id) {
  return Run(kReads, [&]() -> Result<std::optional<LetterDraftRecord>> {
    CANDOR_ASSIGN_OR_RETURN(auto rows,
                            conn_->Query("SELECT id, account_id, letter_json, updated_at_ms "
                                         "FROM letter_drafts WHERE id = ?",
                                         {id}));
    return DecodeOptional(rows, &DecodeLetterDraft);
  });
}

Result<std::vector<LetterDraftRecord>> SqlTransaction::ListLetterDrafts(std::int64_t account_id) {
  return Run(kReads, [&]() -> Result<std::vector<LetterDraftRecord>> {
    CANDOR_ASSIGN_OR_RETURN(auto rows,
                            conn_->Query("SELECT id, account_id, letter_json, updated_at_ms "
                                         "FROM letter_drafts WHERE account_id = ? ORDER BY id",
                                         {account_id}));
    return DecodeAll(rows, &DecodeLetterDraft);
  });
}

Status SqlTransaction::UpdateLetterDraft(const LetterDraftRecord& d) {
  return Run(kWrites, [&]() -> Status {
    CANDOR_ASSIGN_OR_RETURN(
        std::int64_t changed,
        conn_->Exec("UPDATE letter_drafts SET letter_json = ?, updated_at_ms = ? WHERE id = ?",
                    {d.letter_json, d.updated_at_ms, d.id}));
    if (changed == 0) return NotFound("no draft " + std::to_string(d.id));
    return Status::Ok();
  });
}

Status SqlTransaction::DeleteLetterDraft(std::int64_t id) {
  return Run(kWrites, [&]() -> Status {
    CANDOR_ASSIGN_OR_RETURN(std::int64_t changed,
                            conn_->Exec("DELETE FROM letter_drafts WHERE id = ?", {id}));
    if (changed == 0) return NotFound("no draft " + std::to_string(id));
    return Status::Ok();
  });
}

}  // namespace candor::store::sql_internal
