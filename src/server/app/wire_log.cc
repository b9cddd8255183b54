#include "server/app/wire_log.h"

#include "crypto/bytes.h"

namespace candor::app::api {

Json SthToJson(const tlog::SignedTreeHead& sth) {
  return Json{{"tree_size", sth.head.size},
              {"root", crypto::ToHex(sth.head.root)},
              {"timestamp_ms", sth.head.timestamp_ms},
              {"signature", crypto::ToHex(sth.signature)}};
}

Json HashesToJson(const std::vector<tlog::Hash>& hashes) {
  Json out = Json::array();
  for (const auto& h : hashes) out.push_back(crypto::ToHex(h));
  return out;
}

}  // namespace candor::app::api
