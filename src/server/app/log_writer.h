// The transparency log on top of the store: appending entries inside a write transaction
// (so an entry commits together with the state change it records) and signing tree heads.
// The Merkle arithmetic stays in src/log; this file only moves hashes in and out of storage.
#ifndef CANDOR_SERVER_APP_LOG_WRITER_H_
#define CANDOR_SERVER_APP_LOG_WRITER_H_

#include "crypto/ed25519.h"
#include "log/proof.h"
#include "log/tree_head.h"
#include "server/app/clock.h"
#include "store/store.h"

namespace candor::app {

// Reads stored perfect-subtree hashes through a transaction. Not thread-safe (the
// transaction is not). The transaction must outlive the reader.
class StoreNodeReader final : public tlog::NodeReader {
 public:
  explicit StoreNodeReader(store::LogTables& tx) : tx_(tx) {}
  Result<std::uint64_t> StoredSize() const override;
  Result<tlog::Hash> ReadNode(tlog::NodeId id) const override;

 private:
  store::LogTables& tx_;
};

// Appends `entry` as the next leaf: stores the entry, its leaf hash and every perfect node
// it completes. Returns the entry's index. REQUIRES: `tx` is a write transaction.
Result<std::uint64_t> AppendLogEntry(store::LogTables& tx, crypto::ByteSpan entry);

// Signs the tree head of everything appended so far in `tx` (timestamp from `clock`) and
// stores it. A write path calls this once after its appends, in the same transaction, so
// the latest signed head always covers every committed entry.
Result<tlog::SignedTreeHead> SignAndStoreTreeHead(store::LogTables& tx,
                                                  const crypto::SignKeyPair& key,
                                                  const Clock& clock);

// The latest signed tree head; the empty tree's (unsigned size 0) if nothing was logged.
Result<std::optional<tlog::SignedTreeHead>> LatestTreeHead(store::LogTables& tx);

tlog::SignedTreeHead TreeHeadFromRecord(const store::TreeHeadRecord& r);

// Checks that `log_key` is the key the store's log was signed with: the latest stored tree
// head must verify under it. A server that signed new heads with another key over the same
// tree would break every client that pinned the old key and leave two keys in one log
// (security review M8), so a mismatch is refused rather than papered over.
// Ok for a store with no tree head yet. Error: kFailedPrecondition on a mismatch.
[[nodiscard]] Status CheckLogKey(store::Store& store, const crypto::SignPublicKey& log_key);

}  // namespace candor::app

#endif  // CANDOR_SERVER_APP_LOG_WRITER_H_
