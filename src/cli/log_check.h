// Checking that one entry is in the server's log: the entry at an index and its inclusion proof
// against a tree head the caller trusts (cli/trusted_log.h).
// Shared by `candor letter receipt` and `candor cable status`.
#ifndef CANDOR_CLI_LOG_CHECK_H_
#define CANDOR_CLI_LOG_CHECK_H_

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "cli/http_client.h"
#include "crypto/bytes.h"
#include "log/tree_head.h"

namespace candor::cli {

// A signed tree head in a server's reply: its four fields read strictly, other members (a
// checkpoint's cosignatures and proof) ignored. Error: kCorrupt (BadReply).
Result<tlog::SignedTreeHead> TreeHeadFromReply(const nlohmann::json& j);

// A proof's hashes in a server's reply: at most 64 strings of 64 hex digits (an RFC 9162 path
// is never longer). Error: kCorrupt (BadReply).
Result<std::vector<tlog::Hash>> ProofFromReply(const nlohmann::json& list);

// POST /api/v1/log/proof/consistency {old_size, new_size}: the hashes, to be verified by the
// caller against roots it trusts. `old_size` must not be a size of the caller's own choosing
// (docs/PROTOCOL.md, "Trusting the log"): a checkpoint's.
Result<std::vector<tlog::Hash>> FetchConsistencyProof(const ServerUrl& server,
                                                      std::uint64_t old_size,
                                                      std::uint64_t new_size,
                                                      const std::string& ca_file);

// The entry bytes at `index`, proven included in `sth` by an inclusion proof.
Result<crypto::Bytes> FetchIncludedEntry(const ServerUrl& server, std::uint64_t index,
                                         const tlog::SignedTreeHead& sth,
                                         const std::string& ca_file);

}  // namespace candor::cli

#endif  // CANDOR_CLI_LOG_CHECK_H_
