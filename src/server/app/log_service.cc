#include "server/app/log_service.h"

#include <algorithm>
#include <cstdlib>
#include <limits>

#include "log/cosignature.h"
#include "log/proof.h"
#include "log/verify.h"
#include "server/app/log_writer.h"
#include "server/app/service_internal.h"

namespace candor::app {
namespace {

using internal::ToBlob;

Status CheckRange(std::uint64_t v, const char* what) {
  if (v > static_cast<std::uint64_t>(INT64_MAX))
    return InvalidArgument(std::string(what) + " is too large");
  return Status::Ok();
}

}  // namespace

Result<std::optional<tlog::SignedTreeHead>> LogService::LatestTreeHead() {
  return latest_tree_head_.GetOrRead(
      store_, 0, [&]() -> Result<std::optional<tlog::SignedTreeHead>> {
        CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
        return app::LatestTreeHead(*tx);
      });
}

Result<std::optional<tlog::SignedTreeHead>> LogService::TreeHeadAt(std::uint64_t tree_size) {
  CANDOR_RETURN_IF_ERROR(CheckRange(tree_size, "tree_size"));
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
  CANDOR_ASSIGN_OR_RETURN(auto r, tx->FindTreeHead(static_cast<std::int64_t>(tree_size)));
  if (!r) return std::optional<tlog::SignedTreeHead>();
  return std::optional<tlog::SignedTreeHead>(TreeHeadFromRecord(*r));
}

Result<std::vector<store::LogEntryRecord>> LogService::LogEntries(std::uint64_t begin,
                                                                  std::uint64_t end) {
  CANDOR_RETURN_IF_ERROR(CheckRange(end, "end"));
  if (begin >= end) return InvalidArgument("'start' must be below 'end'");
  if (end - begin > 1000) return InvalidArgument("ask for at most 1000 entries at a time");
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
  CANDOR_ASSIGN_OR_RETURN(std::int64_t size, tx->LogSize());
  if (end > static_cast<std::uint64_t>(size)) {
    return InvalidArgument("the log has only " + std::to_string(size) + " entries");
  }
  return tx->ReadLogEntries(static_cast<std::int64_t>(begin), static_cast<std::int64_t>(end));
}

Result<LogService::Inclusion> LogService::InclusionProof(std::uint64_t index,
                                                         std::uint64_t tree_size) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
  StoreNodeReader reader(*tx);
  Inclusion out;
  CANDOR_ASSIGN_OR_RETURN(out.proof, tlog::InclusionProof(reader, index, tree_size));
  CANDOR_ASSIGN_OR_RETURN(out.root, tlog::RootAt(reader, tree_size));
  CANDOR_ASSIGN_OR_RETURN(out.leaf_hash, reader.ReadNode(tlog::NodeId{0, index}));
  return out;
}

Result<LogService::Consistency> LogService::ConsistencyProof(std::uint64_t first,
                                                             std::uint64_t second) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
  StoreNodeReader reader(*tx);
  Consistency out;
  CANDOR_ASSIGN_OR_RETURN(out.proof, tlog::ConsistencyProof(reader, first, second));
  CANDOR_ASSIGN_OR_RETURN(out.old_root, tlog::RootAt(reader, first));
  CANDOR_ASSIGN_OR_RETURN(out.new_root, tlog::RootAt(reader, second));
  return out;
}

Result<CheckpointsView> LogService::Checkpoints(std::size_t n) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
  CANDOR_ASSIGN_OR_RETURN(auto latest, app::LatestTreeHead(*tx));
  if (!latest) return NotFound("the log is empty");
  CheckpointsView out{*latest, {}};
  StoreNodeReader reader(*tx);
  CANDOR_ASSIGN_OR_RETURN(auto sizes, tx->ListCheckpoints(static_cast<std::int64_t>(n)));
  for (std::int64_t size : sizes) {
    CANDOR_ASSIGN_OR_RETURN(auto rec, tx->FindTreeHead(size));
    if (!rec) return Error(ErrorCode::kCorrupt, "a checkpoint has no signed tree head");
    CheckpointView v{TreeHeadFromRecord(*rec), {}, {}};
    if (v.head.head.size > latest->head.size)
      return Error(ErrorCode::kCorrupt, "a checkpoint lies beyond the latest head");
    CANDOR_ASSIGN_OR_RETURN(v.consistency_to_latest,
                            tlog::ConsistencyProof(reader, v.head.head.size, latest->head.size));
    CANDOR_ASSIGN_OR_RETURN(auto cosignatures, tx->ListCosignatures(size));
    for (const auto& c : cosignatures) {
      auto witness = crypto::FixedFromBytes<crypto::SignPublicKey>(c.witness, "witness");
      auto signature = crypto::FixedFromBytes<crypto::Signature64>(c.signature, "signature");
      if (!witness.ok() || !signature.ok())
        return Error(ErrorCode::kCorrupt, "a stored cosignature is damaged");
      v.cosignatures.push_back(
          tlog::Cosignature{*witness, static_cast<std::uint64_t>(c.timestamp_s), *signature});
    }
    out.checkpoints.push_back(std::move(v));
  }
  return out;
}

Status LogService::AddCosignature(std::uint64_t tree_size, const tlog::Cosignature& c) {
  const bool known = std::any_of(witnesses_.begin(), witnesses_.end(),
                                 [&](const auto& w) { return w == c.witness; });
  if (!known)
    return Error(ErrorCode::kPermissionDenied, "this server does not know that witness key");
  constexpr std::int64_t kSkewS = std::int64_t{10} * 60;
  const std::int64_t now_s = clock_.NowMs() / 1000;
  if (c.timestamp_s > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) ||
      std::abs(static_cast<std::int64_t>(c.timestamp_s) - now_s) > kSkewS) {
    return InvalidArgument(
        "the cosignature's time is more than 10 minutes from the server's clock");
  }
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kWrite));
  CANDOR_ASSIGN_OR_RETURN(auto recent, tx->ListCheckpoints(16));
  if (tree_size > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) ||
      std::find(recent.begin(), recent.end(), static_cast<std::int64_t>(tree_size)) ==
          recent.end()) {
    return NotFound("no recent checkpoint has that tree size");
  }
  CANDOR_ASSIGN_OR_RETURN(auto rec, tx->FindTreeHead(static_cast<std::int64_t>(tree_size)));
  if (!rec) return Error(ErrorCode::kCorrupt, "a checkpoint has no signed tree head");
  if (Status s = tlog::VerifyCosignature(log_key_, TreeHeadFromRecord(*rec).head, c); !s.ok())
    return s;
  CANDOR_RETURN_IF_ERROR(tx->InsertCosignature(store::CosignatureRecord{
      static_cast<std::int64_t>(tree_size), ToBlob(c.witness.span()),
      static_cast<std::int64_t>(c.timestamp_s), ToBlob(c.signature.span())}));
  return tx->Commit();
}

}  // namespace candor::app
