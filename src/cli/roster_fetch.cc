#include "cli/roster_fetch.h"


namespace candor::cli {

Result<FetchedRoster> FetchRoster(const ServerUrl& server, const std::string& org, const std::string& ca_file) {
  CANDOR_ASSIGN_OR_RETURN(nlohmann::json roster, GetJson(server, "/api/v1/orgs/" + org + "/roster", ca_file));
  if (!roster.is_object() || !roster.contains("version") || !roster["version"].is_number_unsigned() ||
      !roster.contains("members") || !roster["members"].is_array()) {
    return BadReply("a malformed roster");
  }
  FetchedRoster out;
  out.version = roster["version"].get<std::uint64_t>();
  for (const auto& m : roster["members"]) {
    if (!m.is_object() || !m.contains("ring_public") || !m["ring_public"].is_string()) {
      return BadReply("a roster member without a ring key");
    }
    auto p = crypto::FixedFromHex<crypto::Point>(m["ring_public"].get<std::string>(), "ring key");
    if (!p.ok()) return BadReply("a malformed roster key");
    out.members.push_back(*p);
  }
  return out;
}

}  // namespace candor::cli
