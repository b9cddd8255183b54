// The JSON of staff accounts and rosters (docs/API.md), written once.
#ifndef CANDOR_SERVER_APP_WIRE_STAFF_H_
#define CANDOR_SERVER_APP_WIRE_STAFF_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/result.h"
#include "crypto/bytes.h"
#include "domain/strict_json.h"
#include "server/app/service.h"

namespace candor::app::api {

using Json = nlohmann::json;

// A stored byte string as lowercase hex.
inline std::string Hex(const store::Blob& b) { return crypto::ToHex(crypto::ByteSpan(b)); }

Json RolesToJson(std::uint32_t roles);
Result<std::uint32_t> RolesFromJson(const std::vector<std::string>& names);
Json AccountToJson(const store::AccountRecord& a, const std::string& org);
Json RosterToJson(const RosterView& r);

// POST and GET /api/v1/session: the account signed in and the CSRF token its state-changing
// calls carry.
Json SessionToJson(const Principal& who);
// The reverse, for the command line: the account's id, username, roles and flags (the
// password hash and keys are never on the wire) and the CSRF token, strictly.
struct SessionReply {
  store::AccountRecord account;
  std::string organization;
  std::string csrf_token;
};
Result<SessionReply> SessionFromJson(const Json& j);

// GET …/reviewer-key/challenge, both ways.
Json ReviewerKeyChallengeToJson(const StaffService::ReviewerKeyChallenge& c);
Result<StaffService::ReviewerKeyChallenge> ReviewerKeyChallengeFromJson(const Json& j);

}  // namespace candor::app::api

#endif  // CANDOR_SERVER_APP_WIRE_STAFF_H_
