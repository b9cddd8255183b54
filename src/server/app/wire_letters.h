// The JSON of the letters API (docs/API.md, "Collective letters"), written once.
#ifndef CANDOR_SERVER_APP_WIRE_LETTERS_H_
#define CANDOR_SERVER_APP_WIRE_LETTERS_H_

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "server/app/service.h"

namespace candor::app::api {

using Json = nlohmann::json;

// A published letter as GET /letters and /letters/{id} write it: the letter, its state, and
// per organization the pinned roster, its rings and (once the quorum is met) the count.
struct LetterSummary {
  struct Ring {
    crypto::Digest32 digest;
    std::uint64_t size = 0;
  };
  struct Org {
    std::string slug, name;
    std::int64_t roster_version = 0;
    std::uint64_t roster_size = 0;
    std::vector<Ring> rings;
    std::optional<std::uint64_t> signers;  // null until the quorum is reached
  };
  domain::LetterId id;
  std::int64_t seq = 0;
  std::uint64_t log_index = 0;
  domain::Letter letter;
  bool closed = false;
  bool quorum_reached = false;
  std::uint64_t min_ring_size = 0;
  std::vector<Org> organizations;
  std::uint64_t batches = 0;
  std::optional<std::uint64_t> total;  // null until the quorum is reached
};
LetterSummary SummaryOf(const LetterView& v, std::size_t min_ring);
Json LetterSummaryToJson(const LetterSummary& s);
// Strict; the counts must agree with quorum_reached and with each other (total = Σ signers),
// and "quorum" and "counts" with the letter and the state.
Result<LetterSummary> LetterSummaryFromJson(const Json& j);
inline Json LetterViewToJson(const LetterView& v, std::size_t min_ring) {
  return LetterSummaryToJson(SummaryOf(v, min_ring));
}
Json DraftToJson(const store::LetterDraftRecord& d);

}  // namespace candor::app::api

#endif  // CANDOR_SERVER_APP_WIRE_LETTERS_H_
