// The JSON of staff accounts and rosters (docs/API.md), written once.
#ifndef CANDOR_SERVER_APP_WIRE_STAFF_H_
#define CANDOR_SERVER_APP_WIRE_STAFF_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/result.h"
#include "crypto/bytes.h"
#include "server/app/service.h"

namespace candor::app::api {

using Json = nlohmann::json;

// A stored byte string as lowercase hex.
inline std::string Hex(const store::Blob& b) { return crypto::ToHex(crypto::ByteSpan(b)); }

Json RolesToJson(std::uint32_t roles);
Result<std::uint32_t> RolesFromJson(const std::vector<std::string>& names);
Json AccountToJson(const store::AccountRecord& a, const std::string& org);
Json RosterToJson(const RosterView& r);

}  // namespace candor::app::api

#endif  // CANDOR_SERVER_APP_WIRE_STAFF_H_
