#include "server/app/wire_letters.h"

#include "crypto/bytes.h"

namespace candor::app::api {

Json LetterViewToJson(const LetterView& v, std::size_t min_ring) {
  Json orgs = Json::array();
  for (std::size_t i = 0; i < v.rosters->size(); ++i) {
    const LetterRoster& r = (*v.rosters)[i];
    Json rings = Json::array();
    for (const auto& ring : *r.rings)
      rings.push_back({{"digest", crypto::ToHex(ring.digest())}, {"size", ring.size()}});
    Json o{{"slug", r.slug},
           {"name", r.name},
           {"roster_version", r.version},
           {"roster_size", r.size},
           {"rings", rings}};
    o["signers"] = v.quorum_reached ? Json(v.signers[i]) : Json(nullptr);
    orgs.push_back(std::move(o));
  }
  Json j{{"id", crypto::ToHex(v.id)},
         {"seq", v.seq},
         {"log_index", v.log_index},
         {"letter", domain::LetterToJson(v.letter)},
         {"status", v.closed ? "closed" : "open"},
         {"quorum", v.letter.quorum ? Json(*v.letter.quorum) : Json(nullptr)},
         {"quorum_reached", v.quorum_reached},
         {"min_ring_size", min_ring},
         {"organizations", orgs},
         {"batches", v.batches}};
  if (v.quorum_reached) {
    j["total"] = v.total;
    j["counts"] = "published";
  } else {
    j["total"] = nullptr;
    j["counts"] = "quorum not yet reached";
  }
  return j;
}

Json DraftToJson(const store::LetterDraftRecord& d) {
  return Json{{"id", d.id},
              {"letter", Json::parse(d.letter_json, nullptr, false)},
              {"updated_at_ms", d.updated_at_ms}};
}

}  // namespace candor::app::api
