#include "log/memory_tree.h"

#include <string>

namespace candor::tlog {
namespace {

Error NodeNotFound(NodeId id) {
  return Error(ErrorCode::kNotFound, "node (" + std::to_string(id.level) + ", " +
                                         std::to_string(id.index) + ") is not in the tree");
}

}  // namespace

std::uint64_t MemoryTree::AppendLeafHash(const Hash& leaf_hash) {
  return range_.Append(leaf_hash, [this](NodeId id, const Hash& hash) {
    // Nodes arrive bottom-up and each level fills left to right, so id.index is always
    // levels_[id.level].size(): appending is storing.
    if (levels_.size() <= id.level) levels_.resize(id.level + std::size_t{1});
    levels_[id.level].push_back(hash);
  });
}

void MemoryTree::Reserve(std::uint64_t leaves) {
  for (unsigned level = 0; level <= kMaxNodeLevel && (leaves >> level) != 0; ++level) {
    if (levels_.size() <= level) levels_.resize(level + std::size_t{1});
    levels_[level].reserve(static_cast<std::size_t>(leaves >> level));
  }
}

const Hash* MemoryTree::Find(NodeId id) const {
  if (id.level >= levels_.size()) return nullptr;
  const std::vector<Hash>& level = levels_[id.level];
  if (id.index >= level.size()) return nullptr;
  return &level[static_cast<std::size_t>(id.index)];
}

Result<Hash> MemoryTree::ReadNode(NodeId id) const {
  const Hash* hash = Find(id);
  if (hash == nullptr) return NodeNotFound(id);
  return *hash;
}

Result<std::vector<Hash>> MemoryTree::ReadNodes(std::span<const NodeId> ids) const {
  std::vector<Hash> out;
  out.reserve(ids.size());
  for (const NodeId& id : ids) {
    const Hash* hash = Find(id);
    if (hash == nullptr) return NodeNotFound(id);
    out.push_back(*hash);
  }
  return out;
}

}  // namespace candor::tlog
