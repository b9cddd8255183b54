#include "server/app/wire_letters.h"

#include "crypto/bytes.h"
#include "domain/strict_json.h"

namespace candor::app::api {

LetterSummary SummaryOf(const LetterView& v, std::size_t min_ring) {
  LetterSummary out;
  out.id = v.id;
  out.seq = v.seq;
  out.log_index = v.log_index;
  out.letter = v.letter;
  out.closed = v.closed;
  out.quorum_reached = v.quorum_reached;
  out.min_ring_size = min_ring;
  out.batches = v.batches;
  if (v.quorum_reached) out.total = v.total;
  for (std::size_t i = 0; i < v.rosters->size(); ++i) {
    const LetterRoster& r = (*v.rosters)[i];
    LetterSummary::Org o{r.slug, r.name, r.version, r.size, {}, std::nullopt};
    for (const auto& ring : *r.rings) o.rings.push_back({ring.digest(), ring.size()});
    if (v.quorum_reached) o.signers = v.signers[i];
    out.organizations.push_back(std::move(o));
  }
  return out;
}

Json LetterSummaryToJson(const LetterSummary& s) {
  auto maybe = [](const std::optional<std::uint64_t>& n) { return n ? Json(*n) : Json(nullptr); };
  Json orgs = Json::array();
  for (const auto& o : s.organizations) {
    Json rings = Json::array();
    for (const auto& ring : o.rings)
      rings.push_back({{"digest", crypto::ToHex(ring.digest)}, {"size", ring.size}});
    orgs.push_back(Json{{"slug", o.slug},
                        {"name", o.name},
                        {"roster_version", o.roster_version},
                        {"roster_size", o.roster_size},
                        {"rings", rings},
                        {"signers", maybe(o.signers)}});
  }
  return Json{{"id", crypto::ToHex(s.id)},
              {"seq", s.seq},
              {"log_index", s.log_index},
              {"letter", domain::LetterToJson(s.letter)},
              {"status", s.closed ? "closed" : "open"},
              {"quorum", maybe(s.letter.quorum)},
              {"quorum_reached", s.quorum_reached},
              {"min_ring_size", s.min_ring_size},
              {"organizations", orgs},
              {"batches", s.batches},
              {"total", maybe(s.total)},
              {"counts", s.quorum_reached ? "published" : "quorum not yet reached"}};
}

Result<LetterSummary> LetterSummaryFromJson(const Json& j) {
  domain::FieldReader r(j, "the letter's view",
                        {"id", "seq", "log_index", "letter", "status", "quorum", "quorum_reached",
                         "min_ring_size", "organizations", "batches", "total", "counts"});
  CANDOR_RETURN_IF_ERROR(r.Shape());
  LetterSummary s;
  CANDOR_ASSIGN_OR_RETURN(s.id, r.Fixed<domain::LetterId>("id"));
  CANDOR_ASSIGN_OR_RETURN(s.seq, r.Int("seq"));
  CANDOR_ASSIGN_OR_RETURN(s.log_index, r.Unsigned("log_index"));
  CANDOR_ASSIGN_OR_RETURN(const Json* letter, r.Value("letter"));
  CANDOR_ASSIGN_OR_RETURN(s.letter, domain::LetterFromJson(*letter));
  if (domain::ComputeLetterId(s.letter) != s.id) {
    return InvalidArgument("the letter's view: its 'id' is not the id of its letter");
  }
  CANDOR_ASSIGN_OR_RETURN(std::string status, r.String("status"));
  if (status != "open" && status != "closed") {
    return InvalidArgument(R"('status' in the letter's view must be "open" or "closed")");
  }
  s.closed = status == "closed";
  CANDOR_ASSIGN_OR_RETURN(auto quorum, r.OptionalUnsigned("quorum"));
  if (quorum != s.letter.quorum) {
    return InvalidArgument("'quorum' in the letter's view is not the letter's");
  }
  CANDOR_ASSIGN_OR_RETURN(s.quorum_reached, r.Bool("quorum_reached"));
  CANDOR_ASSIGN_OR_RETURN(s.min_ring_size, r.Unsigned("min_ring_size"));
  CANDOR_ASSIGN_OR_RETURN(s.batches, r.Unsigned("batches"));
  CANDOR_ASSIGN_OR_RETURN(s.total, r.OptionalUnsigned("total"));
  CANDOR_ASSIGN_OR_RETURN(std::string counts, r.String("counts"));
  if (counts != (s.quorum_reached ? "published" : "quorum not yet reached") ||
      s.total.has_value() != s.quorum_reached) {
    return InvalidArgument("the letter's view: its counts disagree with 'quorum_reached'");
  }
  CANDOR_ASSIGN_OR_RETURN(const Json* orgs, r.Value("organizations"));
  if (!orgs->is_array() || orgs->size() != s.letter.organizations.size()) {
    return InvalidArgument("'organizations' in the letter's view must list the letter's");
  }
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < orgs->size(); ++i) {
    domain::FieldReader o((*orgs)[i], "organization " + std::to_string(i) + " of the letter",
                          {"slug", "name", "roster_version", "roster_size", "rings", "signers"});
    CANDOR_RETURN_IF_ERROR(o.Shape());
    LetterSummary::Org org;
    CANDOR_ASSIGN_OR_RETURN(org.slug, o.String("slug"));
    if (org.slug != s.letter.organizations[i]) {
      return InvalidArgument(o.what() + " is not the one the letter names there");
    }
    CANDOR_ASSIGN_OR_RETURN(org.name, o.String("name"));
    CANDOR_ASSIGN_OR_RETURN(org.roster_version, o.Int("roster_version"));
    CANDOR_ASSIGN_OR_RETURN(org.roster_size, o.Unsigned("roster_size"));
    CANDOR_ASSIGN_OR_RETURN(org.signers, o.OptionalUnsigned("signers"));
    if (org.signers.has_value() != s.quorum_reached) {
      return InvalidArgument(o.what() + ": its count disagrees with 'quorum_reached'");
    }
    sum += org.signers.value_or(0);
    CANDOR_ASSIGN_OR_RETURN(const Json* rings, o.Value("rings"));
    if (!rings->is_array() || rings->size() > org.roster_size) {
      return InvalidArgument("'rings' of " + o.what() + " must be a list of its rings");
    }
    for (std::size_t k = 0; k < rings->size(); ++k) {
      domain::FieldReader g((*rings)[k], "ring " + std::to_string(k) + " of " + o.what(),
                            {"digest", "size"});
      CANDOR_RETURN_IF_ERROR(g.Shape());
      LetterSummary::Ring ring;
      CANDOR_ASSIGN_OR_RETURN(ring.digest, g.Fixed<crypto::Digest32>("digest"));
      CANDOR_ASSIGN_OR_RETURN(ring.size, g.Unsigned("size"));
      org.rings.push_back(ring);
    }
    s.organizations.push_back(std::move(org));
  }
  if (s.total && *s.total != sum) {
    return InvalidArgument("the letter's view: 'total' is not the sum of its organizations'");
  }
  return s;
}

Json DraftToJson(const store::LetterDraftRecord& d) {
  return Json{{"id", d.id},
              {"letter", Json::parse(d.letter_json, nullptr, false)},
              {"updated_at_ms", d.updated_at_ms}};
}

}  // namespace candor::app::api
