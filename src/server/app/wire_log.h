// The JSON of the log's API answers (docs/API.md, "Log"), written once for the routes and the
// command line.
#ifndef CANDOR_SERVER_APP_WIRE_LOG_H_
#define CANDOR_SERVER_APP_WIRE_LOG_H_

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "server/app/service.h"
#include <vector>

#include "log/tree_head.h"

namespace candor::app::api {

using Json = nlohmann::json;

Json SthToJson(const tlog::SignedTreeHead& sth);
Json HashesToJson(const std::vector<tlog::Hash>& hashes);

}  // namespace candor::app::api

#endif  // CANDOR_SERVER_APP_WIRE_LOG_H_
