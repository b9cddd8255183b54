// The JSON of the letters API (docs/API.md, "Collective letters"), written once.
#ifndef CANDOR_SERVER_APP_WIRE_LETTERS_H_
#define CANDOR_SERVER_APP_WIRE_LETTERS_H_

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "server/app/service.h"

namespace candor::app::api {

using Json = nlohmann::json;

Json LetterViewToJson(const LetterView& v, std::size_t min_ring);
Json DraftToJson(const store::LetterDraftRecord& d);

}  // namespace candor::app::api

#endif  // CANDOR_SERVER_APP_WIRE_LETTERS_H_
