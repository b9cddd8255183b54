#include "server/app/wire_log.h"

#include "domain/bundle.h"
#include "domain/strict_json.h"

namespace candor::app::api {

using domain::HashesFromJson;
using domain::HashesToJson;

Json SthToJson(const tlog::SignedTreeHead& sth) { return domain::SignedTreeHeadToJson(sth); }

namespace {

// The optional "type" of a proof: when present, the kind expected.
Status CheckType(domain::FieldReader& r, std::string_view type) {
  CANDOR_ASSIGN_OR_RETURN(auto named, r.OptionalString("type"));
  if (named && *named != type) {
    return InvalidArgument(r.what() + " is of type '" + named->substr(0, 40) + "', not '" +
                           std::string(type) + "'");
  }
  return Status::Ok();
}

}  // namespace

Json InclusionProofToJson(const InclusionProofJson& p) {
  return Json{{"type", "inclusion"},           {"index", p.index},
              {"tree_size", p.tree_size},      {"leaf_hash", crypto::ToHex(p.leaf_hash)},
              {"root", crypto::ToHex(p.root)}, {"proof", HashesToJson(p.proof)}};
}

Result<InclusionProofJson> InclusionProofFromJson(const Json& j) {
  domain::FieldReader r(j, "the inclusion proof",
                        {"type", "index", "tree_size", "leaf_hash", "root", "proof"});
  CANDOR_RETURN_IF_ERROR(r.Shape());
  CANDOR_RETURN_IF_ERROR(CheckType(r, "inclusion"));
  InclusionProofJson p;
  CANDOR_ASSIGN_OR_RETURN(p.index, r.Unsigned("index"));
  CANDOR_ASSIGN_OR_RETURN(p.tree_size, r.Unsigned("tree_size"));
  CANDOR_ASSIGN_OR_RETURN(p.leaf_hash, r.Fixed<tlog::Hash>("leaf_hash"));
  CANDOR_ASSIGN_OR_RETURN(p.root, r.Fixed<tlog::Hash>("root"));
  CANDOR_ASSIGN_OR_RETURN(const Json* proof, r.Value("proof"));
  CANDOR_ASSIGN_OR_RETURN(p.proof, HashesFromJson(*proof, r.what(), "proof"));
  return p;
}

Json ConsistencyProofToJson(const ConsistencyProofJson& p) {
  return Json{{"type", "consistency"},
              {"old_size", p.old_size},
              {"new_size", p.new_size},
              {"old_root", crypto::ToHex(p.old_root)},
              {"new_root", crypto::ToHex(p.new_root)},
              {"proof", HashesToJson(p.proof)}};
}

Result<ConsistencyProofJson> ConsistencyProofFromJson(const Json& j) {
  domain::FieldReader r(j, "the consistency proof",
                        {"type", "old_size", "new_size", "old_root", "new_root", "proof"});
  CANDOR_RETURN_IF_ERROR(r.Shape());
  CANDOR_RETURN_IF_ERROR(CheckType(r, "consistency"));
  ConsistencyProofJson p;
  CANDOR_ASSIGN_OR_RETURN(p.old_size, r.Unsigned("old_size"));
  CANDOR_ASSIGN_OR_RETURN(p.new_size, r.Unsigned("new_size"));
  CANDOR_ASSIGN_OR_RETURN(p.old_root, r.Fixed<tlog::Hash>("old_root"));
  CANDOR_ASSIGN_OR_RETURN(p.new_root, r.Fixed<tlog::Hash>("new_root"));
  CANDOR_ASSIGN_OR_RETURN(const Json* proof, r.Value("proof"));
  CANDOR_ASSIGN_OR_RETURN(p.proof, HashesFromJson(*proof, r.what(), "proof"));
  return p;
}

Json IncludedToJson(const IncludedJson& included) {
  Json list = Json::array();
  for (const auto& e : included.entries) {
    list.push_back(
        {{"index", e.index}, {"entry", crypto::ToHex(e.entry)}, {"proof", HashesToJson(e.proof)}});
  }
  return Json{{"tree_size", included.tree_size}, {"entries", std::move(list)}};
}

Result<IncludedJson> IncludedFromJson(const Json& j) {
  domain::FieldReader r(j, "the included entries", {"tree_size", "entries"});
  CANDOR_RETURN_IF_ERROR(r.Shape());
  IncludedJson out;
  CANDOR_ASSIGN_OR_RETURN(out.tree_size, r.Unsigned("tree_size"));
  CANDOR_ASSIGN_OR_RETURN(const Json* entries, r.Value("entries"));
  if (!entries->is_array()) return InvalidArgument("'entries' in " + r.what() + " must be a list");
  for (std::size_t i = 0; i < entries->size(); ++i) {
    domain::FieldReader e((*entries)[i], "included entry " + std::to_string(i),
                          {"index", "entry", "proof"});
    CANDOR_RETURN_IF_ERROR(e.Shape());
    IncludedEntryJson entry;
    CANDOR_ASSIGN_OR_RETURN(entry.index, e.Unsigned("index"));
    CANDOR_ASSIGN_OR_RETURN(entry.entry, e.Hex("entry"));
    CANDOR_ASSIGN_OR_RETURN(const Json* proof, e.Value("proof"));
    CANDOR_ASSIGN_OR_RETURN(entry.proof, HashesFromJson(*proof, e.what(), "proof"));
    out.entries.push_back(std::move(entry));
  }
  return out;
}

}  // namespace candor::app::api
