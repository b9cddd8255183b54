// An in-memory candor-log-v1 tree: every perfect node kept in one vector per level.
//
// The reference NodeReader (proof.h) and the tree behind tests, vectors and benchmarks; the
// server's SQL stores follow the same pattern (persist what CompactRange::Append reports,
// serve proofs through NodeReader). A tree of n leaves holds just under 2n hashes: about
// 64 MB for 10^6 leaves.
//
// Owns its hashes; copyable and movable. Thread safety: const methods may run concurrently
// with each other; Append* and Reserve need exclusive access.
#ifndef CANDOR_LOG_MEMORY_TREE_H_
#define CANDOR_LOG_MEMORY_TREE_H_

#include <cstdint>
#include <span>
#include <vector>

#include "base/result.h"
#include "crypto/bytes.h"
#include "log/compact_range.h"
#include "log/node.h"
#include "log/proof.h"
#include "log/rfc9162.h"

namespace candor::tlog {

class MemoryTree final : public NodeReader {
 public:
  MemoryTree() = default;

  // Appends HashLeaf(entry); returns the new leaf's index. The entry bytes are not kept.
  std::uint64_t Append(crypto::ByteSpan entry) { return AppendLeafHash(HashLeaf(entry)); }

  // Appends a leaf given its hash (SHA-256(0x00 || entry)); returns its index.
  std::uint64_t AppendLeafHash(const Hash& leaf_hash);

  // Reserves room for `leaves` leaves in total, so that building a large tree does not
  // reallocate (and briefly double) its largest levels.
  void Reserve(std::uint64_t leaves);

  // Number of leaves.
  std::uint64_t size() const { return range_.size(); }

  // The current root, MTH of all leaves; EmptyRoot() when empty. O(log n).
  Hash Root() const { return range_.Root(); }

  // The root at an earlier size. Error (kInvalidArgument) if size > size().
  Result<Hash> RootAt(std::uint64_t size) const { return tlog::RootAt(*this, size); }

  // The hash of leaf `index`. Error (kNotFound) unless index < size().
  Result<Hash> LeafHash(std::uint64_t index) const { return ReadNode(NodeId{0, index}); }

  // Proofs, as the free functions of proof.h with this tree as the reader.
  Result<std::vector<Hash>> InclusionProof(std::uint64_t index, std::uint64_t size) const {
    return tlog::InclusionProof(*this, index, size);
  }
  Result<std::vector<Hash>> ConsistencyProof(std::uint64_t size1, std::uint64_t size2) const {
    return tlog::ConsistencyProof(*this, size1, size2);
  }

  // NodeReader.
  Result<std::uint64_t> StoredSize() const override { return size(); }
  Result<Hash> ReadNode(NodeId id) const override;
  Result<std::vector<Hash>> ReadNodes(std::span<const NodeId> ids) const override;

 private:
  const Hash* Find(NodeId id) const;

  CompactRange range_;
  // levels_[l][i] is the hash of perfect node (l, i); a level holds size() >> l nodes.
  std::vector<std::vector<Hash>> levels_;
};

}  // namespace candor::tlog

#endif  // CANDOR_LOG_MEMORY_TREE_H_
