#include "log/proof.h"

#include <string>

#include "log/compact_range.h"

namespace candor::tlog {
namespace {

// Refuses sizes the store cannot answer for: without this a proof for a leaf that was
// never appended could be assembled from stored siblings alone.
Status CheckStored(const NodeReader& reader, std::uint64_t size) {
  CANDOR_ASSIGN_OR_RETURN(std::uint64_t stored, reader.StoredSize());
  if (size > stored) {
    return InvalidArgument("tree size " + std::to_string(size) + " is beyond the stored tree (" +
                           std::to_string(stored) + " leaves)");
  }
  return Status::Ok();
}

Result<std::vector<Hash>> ReadAll(const NodeReader& reader, std::span<const NodeId> ids) {
  CANDOR_ASSIGN_OR_RETURN(std::vector<Hash> hashes, reader.ReadNodes(ids));
  if (hashes.size() != ids.size()) {
    return Error(ErrorCode::kInternal, "node reader returned " + std::to_string(hashes.size()) +
                                           " hashes for " + std::to_string(ids.size()) + " nodes");
  }
  return hashes;
}

Result<std::vector<Hash>> ProveFromNodes(const NodeReader& reader, const ProofNodes& nodes) {
  CANDOR_ASSIGN_OR_RETURN(std::vector<Hash> hashes, ReadAll(reader, nodes.ids));
  return FoldProof(nodes, hashes);
}

}  // namespace

Result<std::vector<Hash>> NodeReader::ReadNodes(std::span<const NodeId> ids) const {
  std::vector<Hash> out;
  out.reserve(ids.size());
  for (const NodeId& id : ids) {
    CANDOR_ASSIGN_OR_RETURN(Hash hash, ReadNode(id));
    out.push_back(hash);
  }
  return out;
}

Result<std::vector<Hash>> FoldProof(const ProofNodes& nodes, std::span<const Hash> hashes) {
  if (hashes.size() != nodes.ids.size()) {
    return InvalidArgument("proof needs " + std::to_string(nodes.ids.size()) +
                           " node hashes, got " + std::to_string(hashes.size()));
  }
  std::vector<Hash> proof;
  proof.reserve(nodes.proof_size());
  if (!nodes.has_ephemeral()) {
    proof.assign(hashes.begin(), hashes.end());
    return proof;
  }
  const std::size_t begin = nodes.ephemeral_begin;
  const std::size_t end = nodes.ephemeral_end;
  proof.insert(proof.end(), hashes.begin(), hashes.begin() + static_cast<std::ptrdiff_t>(begin));
  // The ephemeral element is MTH of the leaves its run covers; the run is a border.
  proof.push_back(RootFromBorder(hashes.subspan(begin, end - begin)));
  proof.insert(proof.end(), hashes.begin() + static_cast<std::ptrdiff_t>(end), hashes.end());
  return proof;
}

Result<std::vector<Hash>> InclusionProof(const NodeReader& reader, std::uint64_t index,
                                         std::uint64_t size) {
  CANDOR_ASSIGN_OR_RETURN(ProofNodes nodes, InclusionNodes(index, size));
  CANDOR_RETURN_IF_ERROR(CheckStored(reader, size));
  return ProveFromNodes(reader, nodes);
}

Result<std::vector<Hash>> ConsistencyProof(const NodeReader& reader, std::uint64_t size1,
                                           std::uint64_t size2) {
  CANDOR_ASSIGN_OR_RETURN(ProofNodes nodes, ConsistencyNodes(size1, size2));
  CANDOR_RETURN_IF_ERROR(CheckStored(reader, size2));
  return ProveFromNodes(reader, nodes);
}

Result<Hash> RootAt(const NodeReader& reader, std::uint64_t size) {
  CANDOR_RETURN_IF_ERROR(CheckStored(reader, size));
  const std::vector<NodeId> ids = BorderNodes(size);
  CANDOR_ASSIGN_OR_RETURN(std::vector<Hash> hashes, ReadAll(reader, ids));
  return RootFromBorder(hashes);
}

}  // namespace candor::tlog
