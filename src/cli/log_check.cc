#include "cli/log_check.h"

#include <fmt/core.h>

#include <vector>

#include "domain/bundle.h"
#include "log/rfc9162.h"
#include "log/verify.h"
#include "server/app/wire_log.h"

namespace candor::cli {

using Json = nlohmann::json;

Result<tlog::SignedTreeHead> TreeHeadFromReply(const Json& j) {
  if (!j.is_object()) return BadReply("a malformed tree head");
  Json head = Json::object();
  for (const char* f : {"tree_size", "root", "timestamp_ms", "signature"}) {
    if (!j.contains(f)) return BadReply("a tree head without '" + std::string(f) + "'");
    head[f] = j[f];
  }
  auto sth = domain::SignedTreeHeadFromJson(head);
  if (!sth.ok()) return BadReply("a malformed tree head: " + sth.error().message());
  return *sth;
}

Result<std::vector<tlog::Hash>> ProofFromReply(const Json& list) {
  auto proof = app::api::HashesFromJson(list, "the reply", "proof");
  if (!proof.ok()) return BadReply("a proof that does not parse: " + proof.error().message());
  return proof;
}

Result<std::vector<tlog::Hash>> FetchConsistencyProof(const ServerUrl& server,
                                                      std::uint64_t old_size,
                                                      std::uint64_t new_size,
                                                      const std::string& ca_file) {
  CANDOR_ASSIGN_OR_RETURN(Json reply,
                          PostJson(server, "/api/v1/log/proof/consistency",
                                   Json{{"old_size", old_size}, {"new_size", new_size}}, ca_file));
  auto p = app::api::ConsistencyProofFromJson(reply);
  if (!p.ok()) return BadReply("a consistency proof that does not parse: " + p.error().message());
  if (p->old_size != old_size || p->new_size != new_size) {
    return BadReply("a consistency proof between other tree sizes than the ones asked for");
  }
  return std::move(p->proof);
}

Result<crypto::Bytes> FetchIncludedEntry(const ServerUrl& server, std::uint64_t index,
                                         const tlog::SignedTreeHead& sth,
                                         const std::string& ca_file) {
  if (index >= sth.head.size)
    return VerificationFailed(fmt::format("entry {} is not in the signed log yet", index));
  // The index points at the caller's own signature or cable: it goes in the body, never in a
  // URL that a proxy would log next to the caller's address (security review H2).
  CANDOR_ASSIGN_OR_RETURN(
      Json reply,
      PostJson(server, "/api/v1/log/included",
               Json{{"tree_size", sth.head.size}, {"indices", Json::array({index})}}, ca_file));
  auto included = app::api::IncludedFromJson(reply);
  if (!included.ok()) {
    return BadReply("log entries that do not parse: " + included.error().message());
  }
  if (included->entries.size() != 1) return BadReply("no log entry at the index it named");
  auto& [got_index, entry, proof] = included->entries[0];
  if (got_index != index) return BadReply("a log entry at another index than the one asked for");
  CANDOR_RETURN_IF_ERROR(
      tlog::VerifyInclusion(index, sth.head.size, tlog::HashLeaf(entry), proof, sth.head.root));
  return entry;
}

}  // namespace candor::cli
