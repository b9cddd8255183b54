// A witness (docs/PROTOCOL.md, "Witnesses"): an independent party's small service that follows a
// Candor log and cosigns its checkpoints, never two that are inconsistent. `candor witness run`
// calls WitnessOnce in a loop; tests call it directly. Not thread-safe (one witness per state
// file).
#ifndef CANDOR_CLI_WITNESS_H_
#define CANDOR_CLI_WITNESS_H_

#include <cstdint>
#include <string>

#include "base/result.h"
#include "cli/http_client.h"
#include "crypto/ed25519.h"

namespace candor::cli {

struct WitnessOptions {
  std::string state_file;  // the last head cosigned, and the log key followed
  std::string
      log_key_hex;  // the log's key as its organization publishes it; empty: pinned on first use
  std::string ca_file;
};

struct WitnessRound {
  std::uint64_t tree_size = 0;  // the checkpoint cosigned
  bool new_head = false;        // false: the same head as last time (cosigned again)
};

// One round: the log's newest checkpoint, its signature by the followed key, not from the future
// (`now_s`, seconds), consistent with the last head this witness cosigned (equal size: equal
// root; larger: a consistency proof; smaller: refused) — then the head is stored durably, and
// only then cosigned and posted. Errors: kVerificationFailed when the log forked, rolled back or
// changed its key (nothing is cosigned; the state file keeps the evidence of what was cosigned);
// transport errors otherwise.
Result<WitnessRound> WitnessOnce(const ServerUrl& log, const crypto::SignKeyPair& witness,
                                 const WitnessOptions& options, std::uint64_t now_s);

// Reads a witness key file (64 bytes: libsodium's Ed25519 secret key, mode 0600) or creates one.
Result<crypto::SignKeyPair> LoadWitnessKey(const std::string& path);
Result<crypto::SignKeyPair> CreateWitnessKey(const std::string& path);

}  // namespace candor::cli

#endif  // CANDOR_CLI_WITNESS_H_
