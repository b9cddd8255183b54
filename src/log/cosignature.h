// Witness cosignatures of candor-log-v1 tree heads (docs/PROTOCOL.md, "Witnesses"): C2SP's
// tlog-cosignature v1 over a checkpoint body derived from the tree head,
//
//   cosignature/v1\n
//   time <timestamp_s>\n
//   candor-log-v1/<64 hex: log public key>\n
//   <tree_size>\n
//   <base64(root), standard alphabet, padded>\n
//
// signed with Ed25519 by the witness. A cosignature says: this witness saw this head at about
// this time and never cosigned a head of this log inconsistent with it. Plain values and pure
// functions; thread-safe.
#ifndef CANDOR_LOG_COSIGNATURE_H_
#define CANDOR_LOG_COSIGNATURE_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "base/result.h"
#include "crypto/bytes.h"
#include "crypto/secret.h"
#include "log/rfc9162.h"
#include "log/tree_head.h"

namespace candor::tlog {

struct Cosignature {
  crypto::SignPublicKey witness;
  std::uint64_t timestamp_s = 0;  // the witness's clock, seconds since the Unix epoch
  crypto::Signature64 signature;

  friend bool operator==(const Cosignature&, const Cosignature&) = default;
};

// "candor-log-v1/<hex key>": the checkpoint origin that names this log.
std::string CheckpointOrigin(const crypto::SignPublicKey& log_key);

// The exact bytes a witness signs (above).
std::string CosignedMessage(const crypto::SignPublicKey& log_key, std::uint64_t tree_size,
                            const Hash& root, std::uint64_t timestamp_s);

Cosignature Cosign(const crypto::SignPublicKey& log_key, const TreeHead& head,
                   std::uint64_t timestamp_s, const crypto::SignPublicKey& witness,
                   const crypto::SignSecretKey& witness_secret);

// Ok iff `c` is `c.witness`'s signature over the head. Error: kVerificationFailed.
[[nodiscard]] Status VerifyCosignature(const crypto::SignPublicKey& log_key, const TreeHead& head,
                                       const Cosignature& c);

// How many distinct keys of `witnesses` have a valid cosignature of `head` in `cosignatures`
// (a key counts once however often it appears; a key not in `witnesses` counts nothing).
std::size_t CountWitnessed(const crypto::SignPublicKey& log_key, const TreeHead& head,
                           std::span<const Cosignature> cosignatures,
                           std::span<const crypto::SignPublicKey> witnesses);

}  // namespace candor::tlog

#endif  // CANDOR_LOG_COSIGNATURE_H_
