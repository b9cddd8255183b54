#include "cli/log_check.h"

#include <fmt/core.h>

#include <vector>

#include "domain/bundle.h"
#include "log/rfc9162.h"
#include "log/verify.h"

namespace candor::cli {
namespace {

using Json = nlohmann::json;

Result<std::string> StrField(const Json& j, const char* field) {
  if (!j.is_object() || !j.contains(field) || !j[field].is_string()) {
    return BadReply(std::string("a reply without '") + field + "'");
  }
  return j[field].get<std::string>();
}

}  // namespace

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
  if (!list.is_array() || list.size() > 64) return BadReply("a malformed proof");
  std::vector<tlog::Hash> proof;
  for (const auto& h : list) {
    if (!h.is_string()) return BadReply("a malformed proof");
    auto hash = crypto::FixedFromHex<tlog::Hash>(h.get<std::string>(), "proof");
    if (!hash.ok()) return BadReply("a malformed proof");
    proof.push_back(*hash);
  }
  return proof;
}

Result<std::vector<tlog::Hash>> FetchConsistencyProof(const ServerUrl& server,
                                                      std::uint64_t old_size,
                                                      std::uint64_t new_size,
                                                      const std::string& ca_file) {
  CANDOR_ASSIGN_OR_RETURN(Json reply,
                          PostJson(server, "/api/v1/log/proof/consistency",
                                   Json{{"old_size", old_size}, {"new_size", new_size}}, ca_file));
  if (!reply.contains("proof")) return BadReply("a consistency proof without hashes");
  return ProofFromReply(reply["proof"]);
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
  if (!reply.contains("entries") || !reply["entries"].is_array() || reply["entries"].size() != 1) {
    return BadReply("no log entry at the index it named");
  }
  const Json& got = reply["entries"][0];
  if (!got.contains("index") || !got["index"].is_number_unsigned() ||
      got["index"].get<std::uint64_t>() != index) {
    return BadReply("a log entry at another index than the one asked for");
  }
  CANDOR_ASSIGN_OR_RETURN(std::string entry_hex, StrField(got, "entry"));
  CANDOR_ASSIGN_OR_RETURN(crypto::Bytes entry, crypto::FromHex(entry_hex));
  if (!got.contains("proof")) return BadReply("an inclusion proof without hashes");
  CANDOR_ASSIGN_OR_RETURN(std::vector<tlog::Hash> proof, ProofFromReply(got["proof"]));
  CANDOR_RETURN_IF_ERROR(
      tlog::VerifyInclusion(index, sth.head.size, tlog::HashLeaf(entry), proof, sth.head.root));
  return entry;
}

}  // namespace candor::cli
