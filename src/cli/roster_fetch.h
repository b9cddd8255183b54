// Reading an organization's current roster from a server, for the commands that sign within
// it or check a named author against it (candor cable, candor letter publish).
#ifndef CANDOR_CLI_ROSTER_FETCH_H_
#define CANDOR_CLI_ROSTER_FETCH_H_

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "cli/http_client.h"
#include "crypto/bytes.h"

namespace candor::cli {

struct FetchedRoster {
  std::uint64_t version = 0;
  std::vector<crypto::Point> members;  // ring keys, in roster order
};

// GET /api/v1/orgs/{org}/roster. Error: kCorrupt (BadReply) when the reply lacks the version
// or the members, or holds a key that is not a ristretto255 point encoding.
Result<FetchedRoster> FetchRoster(const ServerUrl& server, const std::string& org, const std::string& ca_file);

}  // namespace candor::cli

#endif  // CANDOR_CLI_ROSTER_FETCH_H_
