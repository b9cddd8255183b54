// Proof generation against any store of perfect-node hashes (RFC 9162 §2.1.3.1, §2.1.4.1).
//
// Storage supplies hashes; this code stays pure. A store (the in-memory MemoryTree, or the
// server's SQLite/PostgreSQL tables) implements NodeReader; the functions below ask
// proof_nodes.h which perfect nodes a proof needs, read them in one batch, and fold the
// ephemeral element. Nothing here depends on how or where hashes are kept.
#ifndef CANDOR_LOG_PROOF_H_
#define CANDOR_LOG_PROOF_H_

#include <cstdint>
#include <span>
#include <vector>

#include "base/result.h"
#include "log/node.h"
#include "log/proof_nodes.h"
#include "log/rfc9162.h"

namespace candor::tlog {

// Read access to the stored perfect nodes of one append-only tree.
//
// Contract: StoredSize() = n means every perfect node inside [0, n) — every (level, index)
// with (index+1)·2^level <= n — is readable, and its hash never changes. Implementations
// decide their own thread safety; the functions below only call const methods, so a reader
// that is safe for concurrent const use may serve concurrent proofs.
class NodeReader {
 public:
  virtual ~NodeReader() = default;

  // Number of leaves whose perfect nodes are all stored. Error: the store's own (I/O …).
  virtual Result<std::uint64_t> StoredSize() const = 0;

  // The hash of one perfect node. Error (kNotFound) for a node that is not stored; other
  // errors are the store's own.
  virtual Result<Hash> ReadNode(NodeId id) const = 0;

  // The hashes of `ids`, in the same order — exactly ids.size() of them. The default calls
  // ReadNode for each; a database overrides it with one query.
  virtual Result<std::vector<Hash>> ReadNodes(std::span<const NodeId> ids) const;
};

// The inclusion proof (RFC 9162 `inclusion_path`) of leaf `index` in the tree of `size`
// leaves, bottom-up. Errors: kInvalidArgument unless index < size <= reader.StoredSize();
// the reader's errors; kInternal if the reader breaks its contract (wrong number of hashes).
Result<std::vector<Hash>> InclusionProof(const NodeReader& reader, std::uint64_t index,
                                         std::uint64_t size);

// The consistency proof (RFC 9162 `consistency_path`) between the trees of `size1` and
// `size2` leaves; empty when size1 == 0 or size1 == size2. Errors: kInvalidArgument unless
// size1 <= size2 <= reader.StoredSize(); the reader's errors; kInternal as above.
Result<std::vector<Hash>> ConsistencyProof(const NodeReader& reader, std::uint64_t size1,
                                           std::uint64_t size2);

// MTH of the first `size` leaves — the root the tree had at that size — from at most 64
// stored nodes; EmptyRoot() for size 0. Errors: kInvalidArgument unless
// size <= reader.StoredSize(); the reader's errors; kInternal as above.
Result<Hash> RootAt(const NodeReader& reader, std::uint64_t size);

// Turns the hashes of nodes.ids (same order, same count) into the finished proof by folding
// the ephemeral run into its single element (see ProofNodes). For stores that fetch the
// hashes themselves. Error (kInvalidArgument) if hashes.size() != nodes.ids.size().
Result<std::vector<Hash>> FoldProof(const ProofNodes& nodes, std::span<const Hash> hashes);

}  // namespace candor::tlog

#endif  // CANDOR_LOG_PROOF_H_
