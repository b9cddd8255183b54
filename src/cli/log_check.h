// Checking that one entry is in the server's log: the entry at an index and its inclusion proof
// against a tree head the caller trusts (cli/trusted_log.h).
// Shared by `candor letter receipt` and `candor cable status`.
#ifndef CANDOR_CLI_LOG_CHECK_H_
#define CANDOR_CLI_LOG_CHECK_H_

#include <cstdint>
#include <string>

#include "base/result.h"
#include "cli/http_client.h"
#include "crypto/bytes.h"
#include "log/tree_head.h"

namespace candor::cli {

// The entry bytes at `index`, proven included in `sth` by an inclusion proof.
Result<crypto::Bytes> FetchIncludedEntry(const ServerUrl& server, std::uint64_t index,
                                         const tlog::SignedTreeHead& sth, const std::string& ca_file);

}  // namespace candor::cli

#endif  // CANDOR_CLI_LOG_CHECK_H_
