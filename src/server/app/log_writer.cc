#include "server/app/log_writer.h"

#include <algorithm>

#include "log/compact_range.h"
#include "log/proof_nodes.h"
#include "log/rfc9162.h"

namespace candor::app {
namespace {

store::Blob ToBlob(const tlog::Hash& h) { return store::Blob(h.begin(), h.end()); }

Result<tlog::Hash> HashFromBlob(const store::Blob& b, const char* what) {
  auto h = crypto::FixedFromBytes<tlog::Hash>(b, what);
  if (!h.ok()) return Error(ErrorCode::kCorrupt, "stored " + std::string(what) + " is damaged");
  return h;
}

Result<std::int64_t> SignedSize(std::uint64_t v) {
  if (v > static_cast<std::uint64_t>(INT64_MAX)) return InvalidArgument("index out of range");
  return static_cast<std::int64_t>(v);
}

}  // namespace

Result<std::uint64_t> StoreNodeReader::StoredSize() const {
  CANDOR_ASSIGN_OR_RETURN(std::int64_t size, tx_.LogSize());
  return static_cast<std::uint64_t>(size);
}

Result<tlog::Hash> StoreNodeReader::ReadNode(tlog::NodeId id) const {
  CANDOR_ASSIGN_OR_RETURN(std::int64_t index, SignedSize(id.index));
  CANDOR_ASSIGN_OR_RETURN(auto blob, tx_.GetLogNode(id.level, index));
  if (!blob) {
    return Error(ErrorCode::kNotFound, "log node (" + std::to_string(id.level) + ", " +
                                           std::to_string(id.index) + ") is not stored");
  }
  return HashFromBlob(*blob, "log node");
}

Result<std::uint64_t> AppendLogEntry(store::LogTables& tx, crypto::ByteSpan entry) {
  StoreNodeReader reader(tx);
  CANDOR_ASSIGN_OR_RETURN(std::uint64_t size, reader.StoredSize());
  std::vector<tlog::Hash> border;
  for (const tlog::NodeId& id : tlog::BorderNodes(size)) {
    CANDOR_ASSIGN_OR_RETURN(tlog::Hash h, reader.ReadNode(id));
    border.push_back(h);
  }
  CANDOR_ASSIGN_OR_RETURN(tlog::CompactRange range,
                          tlog::CompactRange::Restore(size, std::move(border)));
  const tlog::Hash leaf = tlog::HashLeaf(entry);
  CANDOR_ASSIGN_OR_RETURN(std::int64_t index, SignedSize(size));
  CANDOR_RETURN_IF_ERROR(tx.AppendLogEntry(
      store::LogEntryRecord{index, store::Blob(entry.begin(), entry.end()), ToBlob(leaf)}));
  Status node_status = Status::Ok();
  range.Append(leaf, [&](tlog::NodeId id, const tlog::Hash& h) {
    if (!node_status.ok()) return;
    node_status = tx.PutLogNode(id.level, static_cast<std::int64_t>(id.index), ToBlob(h));
  });
  CANDOR_RETURN_IF_ERROR(node_status);
  return size;
}

tlog::SignedTreeHead TreeHeadFromRecord(const store::TreeHeadRecord& r) {
  tlog::SignedTreeHead sth;
  sth.head.size = static_cast<std::uint64_t>(r.tree_size);
  std::copy_n(r.root.begin(), std::min<std::size_t>(r.root.size(), 32),
              sth.head.root.bytes.begin());
  sth.head.timestamp_ms = static_cast<std::uint64_t>(r.timestamp_ms);
  std::copy_n(r.signature.begin(), std::min<std::size_t>(r.signature.size(), 64),
              sth.signature.bytes.begin());
  return sth;
}

Result<tlog::SignedTreeHead> SignAndStoreTreeHead(store::LogTables& tx,
                                                  const crypto::SignKeyPair& key,
                                                  const Clock& clock) {
  StoreNodeReader reader(tx);
  CANDOR_ASSIGN_OR_RETURN(std::uint64_t size, reader.StoredSize());
  CANDOR_ASSIGN_OR_RETURN(tlog::Hash root, tlog::RootAt(reader, size));
  tlog::TreeHead head{size, root, static_cast<std::uint64_t>(clock.NowMs())};
  // Timestamps never go backwards, even if the wall clock does.
  CANDOR_ASSIGN_OR_RETURN(auto latest, tx.LatestTreeHead());
  if (latest && static_cast<std::uint64_t>(latest->timestamp_ms) > head.timestamp_ms) {
    head.timestamp_ms = static_cast<std::uint64_t>(latest->timestamp_ms);
  }
  if (latest && latest->tree_size == static_cast<std::int64_t>(size)) {
    return TreeHeadFromRecord(*latest);  // nothing new to sign
  }
  tlog::SignedTreeHead sth = tlog::SignTreeHead(head, key.secret_key);
  CANDOR_RETURN_IF_ERROR(tx.InsertTreeHead(store::TreeHeadRecord{
      static_cast<std::int64_t>(size), ToBlob(root), static_cast<std::int64_t>(head.timestamp_ms),
      store::Blob(sth.signature.begin(), sth.signature.end())}));
  return sth;
}

Result<std::optional<tlog::SignedTreeHead>> LatestTreeHead(store::LogTables& tx) {
  CANDOR_ASSIGN_OR_RETURN(auto latest, tx.LatestTreeHead());
  if (!latest) return std::optional<tlog::SignedTreeHead>();
  return std::optional<tlog::SignedTreeHead>(TreeHeadFromRecord(*latest));
}

Status CheckLogKey(store::Store& store, const crypto::SignPublicKey& log_key) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store.Begin(store::TxMode::kRead));
  CANDOR_ASSIGN_OR_RETURN(auto latest, LatestTreeHead(*tx));
  if (!latest) return Status::Ok();
  if (!tlog::VerifySignedTreeHead(*latest, log_key).ok()) {
    return Error(
        ErrorCode::kFailedPrecondition,
        "the log in this store was signed with another key than " + crypto::ToHex(log_key) +
            " (its latest tree head, of size " + std::to_string(latest->head.size) +
            ", does not verify): restore the log key that signed it; a new key would fork the log");
  }
  return Status::Ok();
}

}  // namespace candor::app
