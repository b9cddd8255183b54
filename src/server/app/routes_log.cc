// The routes of the transparency log, its witnesses, the web release and the health check
// (docs/API.md).
#include <set>

#include "domain/bundle.h"
#include "domain/strict_json.h"
#include "domain/web_release.h"
#include "server/app/routes_internal.h"
#include "server/app/wire_log.h"

namespace candor::app::api {

Status AddLogRoutes(http::Router& router, Service& service) {
  Service* s = &service;
  // --- Log ---
  CANDOR_RETURN_IF_ERROR(
      router.Anonymous("GET", "/api/v1/log/key", Anon([s](const Request&) -> Result<Response> {
                         return Ok({{"public_key", crypto::ToHex(s->log_public_key())}});
                       })));
  CANDOR_RETURN_IF_ERROR(
      router.Anonymous("GET", "/api/v1/log/sth", Anon([s](const Request&) -> Result<Response> {
                         CANDOR_ASSIGN_OR_RETURN(auto sth, s->log().LatestTreeHead());
                         if (!sth) return Error(ErrorCode::kNotFound, "the log is empty");
                         return Ok(SthToJson(*sth));
                       })));
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "GET", "/api/v1/log/sth/{size}", Anon([s](const Request& req) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(std::string size, PathParam(req, "size"));
        CANDOR_ASSIGN_OR_RETURN(std::uint64_t n, ParseU64(size, "size"));
        CANDOR_ASSIGN_OR_RETURN(auto sth, s->log().TreeHeadAt(n));
        if (!sth) return Error(ErrorCode::kNotFound, "no signed tree head of that size");
        return Ok(SthToJson(*sth));
      })));
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "GET", "/api/v1/log/entries", Anon([s](const Request& req) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(std::uint64_t start, QueryU64(req, "start"));
        CANDOR_ASSIGN_OR_RETURN(std::uint64_t end, QueryU64(req, "end"));
        CANDOR_ASSIGN_OR_RETURN(auto entries, s->log().LogEntries(start, end));
        Json list = Json::array();
        for (const auto& e : entries) {
          list.push_back(
              {{"index", e.index}, {"entry", Hex(e.entry)}, {"leaf_hash", Hex(e.leaf_hash)}});
        }
        return Ok({{"entries", list}});
      })));
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "GET", "/api/v1/log/proof/inclusion", Anon([s](const Request& req) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(std::uint64_t index, QueryU64(req, "index"));
        CANDOR_ASSIGN_OR_RETURN(std::uint64_t size, QueryU64(req, "tree_size"));
        CANDOR_ASSIGN_OR_RETURN(auto p, s->log().InclusionProof(index, size));
        return Ok(InclusionProofToJson({index, size, p.leaf_hash, p.root, p.proof}));
      })));
  // Entries with their inclusion proofs, the indices in the body: a client checking its own
  // signature or cable asks for indices that point at it, which must not sit in a URL
  // (security review H2). At most kMaxIncludedPerRequest distinct indices below tree_size.
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "POST", "/api/v1/log/included", Anon([s](const Request& req) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
        std::uint64_t size = 0;
        Json indices;
        domain::FieldReader f(body, "the request");
        f.Required("tree_size", size);
        f.Required("indices", indices);
        CANDOR_RETURN_IF_ERROR(f.Finish());
        constexpr std::size_t kMaxIncludedPerRequest = 64;
        if (!indices.is_array() || indices.empty() || indices.size() > kMaxIncludedPerRequest) {
          return InvalidArgument("'indices' must be a list of 1 to " +
                                 std::to_string(kMaxIncludedPerRequest) + " log indices");
        }
        std::set<std::uint64_t> seen;
        IncludedJson included{size, {}};
        for (const auto& i : indices) {
          if (!i.is_number_unsigned())
            return InvalidArgument("each of 'indices' must be a non-negative integer");
          const std::uint64_t index = i.get<std::uint64_t>();
          if (!seen.insert(index).second)
            return InvalidArgument("'indices' repeats " + std::to_string(index));
          CANDOR_ASSIGN_OR_RETURN(auto p, s->log().InclusionProof(index, size));
          CANDOR_ASSIGN_OR_RETURN(auto entries, s->log().LogEntries(index, index + 1));
          if (entries.size() != 1) return Error(ErrorCode::kCorrupt, "a log entry is missing");
          included.entries.push_back({index, entries[0].entry, p.proof});
        }
        return Ok(IncludedToJson(included));
      })));
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "GET", "/api/v1/log/proof/consistency", Anon([s](const Request& req) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(std::uint64_t first, QueryU64(req, "first"));
        CANDOR_ASSIGN_OR_RETURN(std::uint64_t second, QueryU64(req, "second"));
        CANDOR_ASSIGN_OR_RETURN(auto p, s->log().ConsistencyProof(first, second));
        return Ok(ConsistencyProofToJson({first, second, p.old_root, p.new_root, p.proof}));
      })));
  // How members can reach this server without being seen (issue 16): its onion address, the
  // same answer for everyone.
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "GET", "/api/v1/reach", Anon([s](const Request&) -> Result<Response> {
        const std::string& onion = s->config().onion_address;
        return Ok({{"onion", onion.empty() ? Json(nullptr) : Json("http://" + onion + "/")}});
      })));
  // The web front end this server serves, as logged (docs/PROTOCOL.md, "Web releases").
  CANDOR_RETURN_IF_ERROR(
      router.Anonymous("GET", "/api/v1/web/release", Anon([s](const Request&) -> Result<Response> {
                         CANDOR_ASSIGN_OR_RETURN(auto r, s->LatestWebRelease());
                         return Ok({{"release", crypto::ToHex(domain::WebReleaseId(r.manifest))},
                                    {"manifest", r.manifest},
                                    {"log_index", r.log_index}});
                       })));
  // Witnesses (docs/PROTOCOL.md, "Witnesses"): the newest checkpoints with the cosignatures
  // collected, and a witness posting its cosignature of one.
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "GET", "/api/v1/log/checkpoints", Anon([s](const Request&) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(auto view, s->log().Checkpoints(4));
        Json list = Json::array();
        for (const auto& c : view.checkpoints) {
          Json j = SthToJson(c.head);
          j["cosignatures"] = domain::CosignaturesToJson(c.cosignatures);
          j["consistency"] = HashesToJson(c.consistency_to_latest);
          list.push_back(std::move(j));
        }
        // The proofs from each checkpoint to the latest head are the same for every client, so a
        // client checks that the log still extends what it saw without naming a size of its own.
        return Ok({{"latest", SthToJson(view.latest)}, {"checkpoints", list}});
      })));
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "POST", "/api/v1/log/cosignatures", Anon([s](const Request& req) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
        std::uint64_t size = 0;
        std::string witness, signature;
        std::uint64_t timestamp = 0;
        domain::FieldReader f(body, "the request");
        f.Required("tree_size", size);
        f.Required("witness", witness);
        f.Required("timestamp", timestamp);
        f.Required("signature", signature);
        CANDOR_RETURN_IF_ERROR(f.Finish());
        tlog::Cosignature c;
        CANDOR_ASSIGN_OR_RETURN(c.witness,
                                crypto::FixedFromHex<crypto::SignPublicKey>(witness, "witness"));
        CANDOR_ASSIGN_OR_RETURN(c.signature,
                                crypto::FixedFromHex<crypto::Signature64>(signature, "signature"));
        c.timestamp_s = timestamp;
        CANDOR_RETURN_IF_ERROR(s->log().AddCosignature(size, c));
        return NoContent();
      })));
  // The same, the sizes in the body: the size a client saw last says when it last looked, and
  // a client checks consistency from it on every flow (issue 11), so it stays out of URLs.
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "POST", "/api/v1/log/proof/consistency", Anon([s](const Request& req) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
        std::uint64_t first = 0, second = 0;
        domain::FieldReader f(body, "the request");
        f.Required("old_size", first);
        f.Required("new_size", second);
        CANDOR_RETURN_IF_ERROR(f.Finish());
        CANDOR_ASSIGN_OR_RETURN(auto p, s->log().ConsistencyProof(first, second));
        return Ok(ConsistencyProofToJson({first, second, p.old_root, p.new_root, p.proof}));
      })));
  return Status::Ok();
}

}  // namespace candor::app::api
