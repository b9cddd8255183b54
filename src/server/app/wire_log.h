// The JSON of the log's API answers (docs/API.md, "Log"), written once: the routes write it,
// and the command line writes the same proof files (`candor log prove`) and reads the server's
// answers and those files back with the FromJson readers, which are strict
// (domain::FieldReader): an answer of another shape is refused, never half read.
#ifndef CANDOR_SERVER_APP_WIRE_LOG_H_
#define CANDOR_SERVER_APP_WIRE_LOG_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/result.h"
#include "crypto/bytes.h"
#include "domain/bundle.h"
#include "log/tree_head.h"

namespace candor::app::api {

using Json = nlohmann::json;

Json SthToJson(const tlog::SignedTreeHead& sth);
// A proof's hashes: domain::HashesToJson / domain::HashesFromJson (domain/bundle.h), the one
// reader of them.
using domain::HashesFromJson;
using domain::HashesToJson;

// GET /log/proof/inclusion, and `candor log prove`:
// {"type": "inclusion", "index", "tree_size", "leaf_hash", "root", "proof"}.
struct InclusionProofJson {
  std::uint64_t index = 0;
  std::uint64_t tree_size = 0;
  tlog::Hash leaf_hash;
  tlog::Hash root;
  std::vector<tlog::Hash> proof;
};
Json InclusionProofToJson(const InclusionProofJson& p);
// "type" may be absent (proof files written before it was added).
Result<InclusionProofJson> InclusionProofFromJson(const Json& j);

// GET and POST /log/proof/consistency, and `candor log prove --consistency`:
// {"type": "consistency", "old_size", "new_size", "old_root", "new_root", "proof"}.
struct ConsistencyProofJson {
  std::uint64_t old_size = 0;
  std::uint64_t new_size = 0;
  tlog::Hash old_root;
  tlog::Hash new_root;
  std::vector<tlog::Hash> proof;
};
Json ConsistencyProofToJson(const ConsistencyProofJson& p);
Result<ConsistencyProofJson> ConsistencyProofFromJson(const Json& j);

// POST /log/included: {"tree_size", "entries": [{"index", "entry", "proof"}…]}.
struct IncludedEntryJson {
  std::uint64_t index = 0;
  crypto::Bytes entry;
  std::vector<tlog::Hash> proof;
};
struct IncludedJson {
  std::uint64_t tree_size = 0;
  std::vector<IncludedEntryJson> entries;
};
Json IncludedToJson(const IncludedJson& included);
Result<IncludedJson> IncludedFromJson(const Json& j);

}  // namespace candor::app::api

#endif  // CANDOR_SERVER_APP_WIRE_LOG_H_
