// The JSON of the cable API (docs/API.md, "Dissent cables"), written once.
#ifndef CANDOR_SERVER_APP_WIRE_CABLES_H_
#define CANDOR_SERVER_APP_WIRE_CABLES_H_

#include <nlohmann/json.hpp>
#include <vector>

#include "base/result.h"
#include "crypto/keys.h"
#include "server/app/service.h"

namespace candor::app::api {

using Json = nlohmann::json;

// GET /cable-quota and /letter-quota: the window now and the (slot, tag) pairs used in it.
Json QuotaToJson(const CableQuotaView& q);
Json KeysToJson(const std::vector<crypto::BoxPublicKey>& keys);
Result<std::vector<crypto::BoxPublicKey>> KeysFromJson(const Json& j, const char* field);
Json CableViewToJson(const CableView& v);

}  // namespace candor::app::api

#endif  // CANDOR_SERVER_APP_WIRE_CABLES_H_
