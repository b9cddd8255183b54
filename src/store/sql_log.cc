// The transparency log's storage (LogTables).
#include "store/sql_store_internal.h"

namespace candor::store::sql_internal {
namespace {

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

}  // namespace

Status SqlTransaction::InsertCheckpoint(std::int64_t tree_size) {
  return Run(kWrites, [&]() -> Status {
    CANDOR_RETURN_IF_ERROR(conn_->Exec(
        "INSERT INTO checkpoints (tree_size) VALUES (?) ON CONFLICT (tree_size) DO NOTHING",
        {tree_size}));
    return Status::Ok();
  });
}

Result<std::vector<std::int64_t>> SqlTransaction::ListCheckpoints(std::int64_t limit) {
  return Run(kReads, [&]() -> Result<std::vector<std::int64_t>> {
    CANDOR_ASSIGN_OR_RETURN(
        auto rows,
        conn_->Query("SELECT tree_size FROM checkpoints ORDER BY tree_size DESC LIMIT ?", {limit}));
    std::vector<std::int64_t> out;
    for (const auto& row : rows) {
      RowReader r(row);
      out.push_back(r.Int());
      CANDOR_RETURN_IF_ERROR(r.status());
    }
    return out;
  });
}

Status SqlTransaction::InsertLogState(std::int64_t tree_size, const Blob& leaves) {
  return Run(kWrites, [&]() -> Status {
    CANDOR_RETURN_IF_ERROR(conn_->Exec("INSERT INTO log_states (tree_size, leaves) VALUES (?, ?)",
                                       {tree_size, leaves}));
    return Status::Ok();
  });
}

Result<std::optional<Blob>> SqlTransaction::FindLogState(std::int64_t tree_size) {
  return Run(kReads, [&]() -> Result<std::optional<Blob>> {
    CANDOR_ASSIGN_OR_RETURN(
        auto rows, conn_->Query("SELECT leaves FROM log_states WHERE tree_size = ?", {tree_size}));
    if (rows.empty()) return std::optional<Blob>();
    RowReader r(rows[0]);
    Blob leaves = r.Bytes();
    CANDOR_RETURN_IF_ERROR(r.status());
    return std::optional<Blob>(std::move(leaves));
  });
}

Status SqlTransaction::DeleteLogStates(std::int64_t below_tree_size, std::int64_t older_than_ms) {
  return Run(kWrites, [&]() -> Status {
    CANDOR_RETURN_IF_ERROR(
        conn_->Exec("DELETE FROM log_states WHERE tree_size < ? AND tree_size IN "
                    "(SELECT tree_size FROM tree_heads WHERE timestamp_ms < ?)",
                    {below_tree_size, older_than_ms}));
    return Status::Ok();
  });
}

Status SqlTransaction::InsertCosignature(const CosignatureRecord& c) {
  return Run(kWrites, [&]() -> Status {
    CANDOR_RETURN_IF_ERROR(
        conn_->Exec("INSERT INTO witness_cosignatures (tree_size, witness, timestamp_s, "
                    "signature) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (tree_size, witness) DO NOTHING",
                    {c.tree_size, c.witness, c.timestamp_s, c.signature}));
    return Status::Ok();
  });
}

Result<std::vector<CosignatureRecord>> SqlTransaction::ListCosignatures(std::int64_t tree_size) {
  return Run(kReads, [&]() -> Result<std::vector<CosignatureRecord>> {
    CANDOR_ASSIGN_OR_RETURN(
        auto rows, conn_->Query("SELECT tree_size, witness, timestamp_s, signature FROM "
                                "witness_cosignatures WHERE tree_size = ? ORDER BY witness",
                                {tree_size}));
    return DecodeAll(rows, &DecodeCosignature);
  });
}

Result<std::int64_t> SqlTransaction::LogSize() {
  return Run(kReads, [&]() { return StoredLogSize(); });
}

Status SqlTransaction::AppendLogEntry(const LogEntryRecord& record) {
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

Result<std::vector<LogEntryRecord>> SqlTransaction::ReadLogEntries(std::int64_t begin,
                                                                   std::int64_t end) {
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

Status SqlTransaction::PutLogNode(int level, std::int64_t index, const Blob& hash) {
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

Result<std::optional<Blob>> SqlTransaction::GetLogNode(int level, std::int64_t index) {
  return Run(kReads, [&]() { return StoredNode(level, index); });
}

Status SqlTransaction::InsertTreeHead(const TreeHeadRecord& h) {
  return Run(kWrites, [&]() -> Status {
    CANDOR_RETURN_IF_ERROR(
        conn_->Exec("INSERT INTO tree_heads (tree_size, root, timestamp_ms, signature) "
                    "VALUES (?, ?, ?, ?)",
                    {h.tree_size, h.root, h.timestamp_ms, h.signature}));
    return Status::Ok();
  });
}

Result<std::optional<TreeHeadRecord>> SqlTransaction::LatestTreeHead() {
  return Run(kReads, [&]() -> Result<std::optional<TreeHeadRecord>> {
    CANDOR_ASSIGN_OR_RETURN(auto rows,
                            conn_->Query("SELECT tree_size, root, timestamp_ms, signature "
                                         "FROM tree_heads ORDER BY tree_size DESC LIMIT 1"));
    return DecodeOptional(rows, &DecodeTreeHead);
  });
}

Result<std::optional<TreeHeadRecord>> SqlTransaction::FindTreeHead(std::int64_t tree_size) {
  return Run(kReads, [&]() -> Result<std::optional<TreeHeadRecord>> {
    CANDOR_ASSIGN_OR_RETURN(auto rows,
                            conn_->Query("SELECT tree_size, root, timestamp_ms, signature "
                                         "FROM tree_heads WHERE tree_size = ?",
                                         {tree_size}));
    return DecodeOptional(rows, &DecodeTreeHead);
  });
}

}  // namespace candor::store::sql_internal
