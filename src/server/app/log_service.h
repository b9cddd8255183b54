// The log's public side: what /api/v1/log serves — signed tree heads, entries, inclusion and
// consistency proofs, the checkpoints witnesses cosign — and the witnesses' cosignatures it
// accepts. Reads only, but for a cosignature; it never appends (the features append their
// entries with app::AppendLogEntry inside their own transactions). The first of the services
// split out of app::Service (issue 13): a small interface with its own tests beside it.
#ifndef CANDOR_SERVER_APP_LOG_SERVICE_H_
#define CANDOR_SERVER_APP_LOG_SERVICE_H_

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "base/result.h"
#include "log/cosignature.h"
#include "log/tree_head.h"
#include "server/app/clock.h"
#include "server/app/stamped_cache.h"
#include "store/store.h"

namespace candor::app {

// A checkpoint with the cosignatures collected for it, and the RFC 9162 consistency proof from
// it to the latest tree head (answered together, from one snapshot).
struct CheckpointView {
  tlog::SignedTreeHead head;
  std::vector<tlog::Cosignature> cosignatures;
  std::vector<tlog::Hash> consistency_to_latest;
};
struct CheckpointsView {
  tlog::SignedTreeHead latest;
  std::vector<CheckpointView> checkpoints;  // newest first
};

// Thread-safe (each call is its own store transaction). `store` and `clock` must outlive it.
class LogService {
 public:
  LogService(store::Store& store, const crypto::SignPublicKey& log_key,
             std::vector<crypto::SignPublicKey> witnesses, const Clock& clock)
      : store_(store), log_key_(log_key), witnesses_(std::move(witnesses)), clock_(clock) {}

  // The latest signed tree head (nullopt while the log is empty); cached until the next write.
  Result<std::optional<tlog::SignedTreeHead>> LatestTreeHead();
  // The signed tree head of exactly `tree_size` entries, if one was signed.
  Result<std::optional<tlog::SignedTreeHead>> TreeHeadAt(std::uint64_t tree_size);
  // Entries [begin, end): at most 1000, all below the log's size (kInvalidArgument otherwise).
  Result<std::vector<store::LogEntryRecord>> LogEntries(std::uint64_t begin, std::uint64_t end);
  struct Inclusion {
    tlog::Hash leaf_hash, root;
    std::vector<tlog::Hash> proof;
  };
  Result<Inclusion> InclusionProof(std::uint64_t index, std::uint64_t tree_size);
  struct Consistency {
    tlog::Hash old_root, new_root;
    std::vector<tlog::Hash> proof;
  };
  Result<Consistency> ConsistencyProof(std::uint64_t first, std::uint64_t second);
  // The latest tree head and the newest checkpoints (at most `n`), with their cosignatures and
  // consistency proofs to that head. Error: kNotFound while the log is empty.
  Result<CheckpointsView> Checkpoints(std::size_t n);
  // A witness's cosignature of checkpoint `tree_size`. Errors: kPermissionDenied for a witness
  // the server was not configured with; kNotFound for a size that is not a recent checkpoint;
  // kInvalidArgument for a timestamp more than 10 minutes from the server's clock;
  // kVerificationFailed for a signature that does not verify.
  Status AddCosignature(std::uint64_t tree_size, const tlog::Cosignature& cosignature);

 private:
  store::Store& store_;
  crypto::SignPublicKey log_key_;
  std::vector<crypto::SignPublicKey> witnesses_;
  const Clock& clock_;
  StampedCache<int, std::optional<tlog::SignedTreeHead>> latest_tree_head_{1};
};

}  // namespace candor::app

#endif  // CANDOR_SERVER_APP_LOG_SERVICE_H_
