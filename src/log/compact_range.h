// The incremental appender of a candor-log-v1 tree (a "compact range" [0, size) in
// transparency-dev/merkle's terms).
//
// It keeps only the O(log n) perfect subtrees on the tree's right border — one per set bit of
// size(), exactly the nodes BorderNodes(size()) names — which is all that is needed to append
// the next leaf and to compute the current root. Appending reports every perfect node that
// the new leaf completes (the leaf itself, then each new parent), so a store persists them
// as they appear and later serves any proof from them (proof.h) without rehashing leaves.
//
// A plain value type: copyable and movable. Not thread-safe: one writer, and no reader while
// it appends.
#ifndef CANDOR_LOG_COMPACT_RANGE_H_
#define CANDOR_LOG_COMPACT_RANGE_H_

#include <cstdint>
#include <cstdlib>
#include <limits>
#include <span>
#include <utility>
#include <vector>

#include "base/result.h"
#include "log/node.h"
#include "log/rfc9162.h"

namespace candor::tlog {

// MTH of the leaves covered by a left-to-right run of perfect nodes whose levels strictly
// decrease and which end at the tree's right border (a compact range, or the run standing
// for an ephemeral proof element): RFC 9162 splits at the largest power of two below the
// size, so the hashes combine from the right, h0 · (h1 · (… · hk)). EmptyRoot() for an
// empty run. Pure; thread-safe.
Hash RootFromBorder(std::span<const Hash> border);

class CompactRange {
 public:
  // The empty tree.
  CompactRange() = default;

  // Rebuilds the range of a tree of `size` leaves from the hashes of BorderNodes(size), in
  // that order (as a store reads them back after a restart). The hashes are trusted: this
  // cannot tell whether they are right, only whether there is one per border node.
  // Error (kInvalidArgument) if border.size() differs from the number of border nodes.
  static Result<CompactRange> Restore(std::uint64_t size, std::vector<Hash> border);

  // Number of leaves appended so far.
  std::uint64_t size() const { return size_; }

  // Hashes of the border nodes, left to right (the nodes BorderNodes(size()) names).
  std::span<const Hash> border() const { return border_; }

  // MTH of the leaves so far (RFC 9162 §2.1.1); EmptyRoot() for the empty tree. O(log n).
  Hash Root() const { return RootFromBorder(border_); }

  // Appends the leaf whose hash is `leaf_hash` (HashLeaf(entry)) and calls
  // `visit(NodeId, const Hash&)` for each perfect node this completes, bottom-up: first
  // (0, index of the new leaf), then each new parent. Returns the new leaf's index.
  // REQUIRES: size() < 2^64 - 1 (a physical impossibility; checked, and aborts).
  template <typename Visitor>
  std::uint64_t Append(const Hash& leaf_hash, Visitor&& visit);

  // As above, for a caller that does not store nodes.
  std::uint64_t Append(const Hash& leaf_hash) {
    return Append(leaf_hash, [](NodeId, const Hash&) {});
  }

 private:
  std::uint64_t size_ = 0;
  std::vector<Hash> border_;  // one per set bit of size_, highest level first
};

template <typename Visitor>
std::uint64_t CompactRange::Append(const Hash& leaf_hash, Visitor&& visit) {
  if (size_ == std::numeric_limits<std::uint64_t>::max()) {
    // 2^64 - 1 appends cannot happen; reaching this means memory was corrupted.
    internal::DieOnBadAccess("CompactRange::Append on a full tree");
  }
  const std::uint64_t leaf_index = size_;
  std::uint64_t index = leaf_index;
  std::uint8_t level = 0;
  Hash hash = leaf_hash;
  visit(NodeId{level, index}, static_cast<const Hash&>(hash));
  // A node with an odd index is a right child: its left sibling is the last border node,
  // and together they complete their parent. Merging carries up like binary addition.
  while ((index & 1) != 0) {
    hash = HashChildren(border_.back(), hash);
    border_.pop_back();
    index >>= 1;
    ++level;
    visit(NodeId{level, index}, static_cast<const Hash&>(hash));
  }
  border_.push_back(hash);
  size_ = leaf_index + 1;
  return leaf_index;
}

}  // namespace candor::tlog

#endif  // CANDOR_LOG_COMPACT_RANGE_H_
