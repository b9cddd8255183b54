// The routes of collective letters: public reads, anonymous co-signing, organizers' letters
// and drafts (docs/API.md).
#include "domain/bundle.h"
#include "domain/cosignature.h"
#include "domain/strict_json.h"
#include "server/app/routes_internal.h"
#include "server/app/wire_cables.h"
#include "server/app/wire_letters.h"

namespace candor::app::api {

Status AddLetterRoutes(http::Router& router, Service& service, const Named& named) {
  Service* s = &service;
  // --- Collective letters: public reads and anonymous co-signing ---
  // A page at a time (?after=N&limit=M; "next_after" names the next page, null after the last).
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "GET", "/api/v1/letters", Anon([s](const Request& req) -> Result<Response> {
        std::uint64_t after = 0;
        std::uint64_t limit = 100;
        if (auto a = req.QueryParam("after")) {
          CANDOR_ASSIGN_OR_RETURN(after, ParseU64(*a, "after"));
        }
        if (auto l = req.QueryParam("limit")) {
          CANDOR_ASSIGN_OR_RETURN(limit, ParseU64(*l, "limit"));
        }
        if (after > static_cast<std::uint64_t>(INT64_MAX))
          return InvalidArgument("'after' is too large");
        if (limit > static_cast<std::uint64_t>(LetterService::kMaxLettersPage))
          limit = 0;  // refused below, with the range
        CANDOR_ASSIGN_OR_RETURN(auto page,
                                s->letters().ListLettersPage(static_cast<std::int64_t>(after),
                                                             static_cast<std::int64_t>(limit)));
        Json list = Json::array();
        for (const auto& v : page.letters)
          list.push_back(LetterViewToJson(v, s->config().min_ring_size));
        return Ok({{"letters", list},
                   {"next_after", page.next_after ? Json(*page.next_after) : Json(nullptr)}});
      })));
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "GET", "/api/v1/letters/{id}", Anon([s](const Request& req) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(auto id, LetterIdParam(req));
        CANDOR_ASSIGN_OR_RETURN(auto v, s->letters().GetLetter(id));
        return Ok(LetterViewToJson(v, s->config().min_ring_size));
      })));
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "GET", "/api/v1/letters/{id}/batches", Anon([s](const Request& req) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(auto id, LetterIdParam(req));
        CANDOR_ASSIGN_OR_RETURN(auto v, s->letters().GetLetter(id));
        CANDOR_ASSIGN_OR_RETURN(auto batches, s->letters().LetterBatches(id));
        Json list = Json::array();
        for (const auto& b : batches) {
          list.push_back({{"batch", b.batch},
                          {"published_at_ms", b.published_at_ms},
                          {"entries", b.signatures},
                          {"log_index", b.log_index},
                          {"signers_after", b.signers_after},
                          {"total_after", b.total_after}});
        }
        Json slugs = Json::array();
        for (const auto& r : *v.rosters) slugs.push_back(r.slug);
        return Ok({{"organizations", slugs}, {"batches", list}});
      }),
      Heavy()));
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "GET", "/api/v1/letters/{id}/bundle", Anon([s](const Request& req) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(auto id, LetterIdParam(req));
        // Signatures are included unless ?signatures=0.
        const bool given = req.QueryParam("signatures").has_value();
        CANDOR_ASSIGN_OR_RETURN(bool with, QueryFlag(req, "signatures"));
        CANDOR_ASSIGN_OR_RETURN(BundlePage page, PageParams(req));
        CANDOR_ASSIGN_OR_RETURN(Json bundle, s->letters().LetterBundle(id, with || !given, page));
        return Ok(bundle);
      }),
      Heavy()));
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "POST", "/api/v1/letters/{id}/signatures", Anon([s](const Request& req) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(auto id, LetterIdParam(req));
        CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
        std::string org;
        Json sig_json;
        domain::FieldReader f(body, "the request");
        f.Required("organization", org);
        f.Required("signature", sig_json);
        CANDOR_RETURN_IF_ERROR(f.Finish());
        CANDOR_ASSIGN_OR_RETURN(domain::CoSignature sig, domain::CoSignatureFromJson(sig_json));
        if (sig.letter != id)
          return InvalidArgument("the signature is for another letter than this URL names");
        CANDOR_ASSIGN_OR_RETURN(CoSignatureReceipt r, s->letters().SubmitCoSignature(org, sig));
        return Ok({{"receipt",
                    {{"letter", crypto::ToHex(r.letter)},
                     {"tag", crypto::ToHex(r.tag)},
                     {"action", domain::SignatureActionName(r.action)},
                     {"signature_sha256", crypto::ToHex(r.signature_sha256)}}},
                   {"status", "accepted: it will appear in the log with the next batch"}},
                  202);
      }),
      Heavy()));
  // The tag travels in the body, never in the URL: once published it sits in the log next to
  // its signature, and a proxy's access log would put the signer's address beside it
  // (security review H2).
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "POST", "/api/v1/letters/{id}/signature-status",
      Anon([s](const Request& req) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(auto id, LetterIdParam(req));
        CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
        std::string tag_hex;
        domain::FieldReader f(body, "the request");
        f.Required("tag", tag_hex);
        CANDOR_RETURN_IF_ERROR(f.Finish());
        CANDOR_ASSIGN_OR_RETURN(auto tag, crypto::FixedFromHex<crypto::Point>(tag_hex, "tag"));
        CANDOR_ASSIGN_OR_RETURN(auto states, s->letters().CoSignatureStates(id, tag));
        if (states.empty())
          return Error(ErrorCode::kNotFound, "no signature with that tag on this letter");
        Json list = Json::array();
        for (const auto& st : states) {
          Json e{{"action", domain::SignatureActionName(st.action)},
                 {"state", st.state},
                 {"signature_sha256", crypto::ToHex(st.signature_sha256)}};
          e["batch"] = st.batch ? Json(*st.batch) : Json(nullptr);
          e["log_index"] = st.log_index ? Json(*st.log_index) : Json(nullptr);
          list.push_back(std::move(e));
        }
        return Ok({{"signatures", list}});
      })));
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "POST", "/api/v1/letters/member", Anon([s](const Request& req) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
        Json letter_json;
        std::string org, digest_hex, proof_hex;
        std::uint64_t window = 0, slot = 0;
        domain::FieldReader f(body, "the request");
        f.Required("letter", letter_json);
        f.Required("organization", org);
        f.Required("ring_digest", digest_hex);
        f.Required("window", window);
        f.Required("slot", slot);
        f.Required("proof", proof_hex);
        std::optional<std::string> scheme_name;  // candor-lrs-v1 when absent
        f.Optional("scheme", scheme_name);
        CANDOR_RETURN_IF_ERROR(f.Finish());
        CANDOR_ASSIGN_OR_RETURN(
            domain::RingScheme scheme,
            domain::ParseRingScheme(scheme_name.value_or(std::string(crypto::kLrsScheme))));
        CANDOR_ASSIGN_OR_RETURN(domain::Letter letter, domain::LetterFromJson(letter_json));
        CANDOR_ASSIGN_OR_RETURN(auto digest,
                                crypto::FixedFromHex<crypto::Digest32>(digest_hex, "ring_digest"));
        CANDOR_ASSIGN_OR_RETURN(crypto::Bytes proof, crypto::FromHex(proof_hex));
        CANDOR_ASSIGN_OR_RETURN(auto id, s->letters().PublishLetterAsMember(
                                             letter, org, digest, window, slot, proof, scheme));
        return Ok({{"id", crypto::ToHex(id)}}, 201);
      }),
      Heavy()));

  // --- Collective letters: organizers with a named account ---
  CANDOR_RETURN_IF_ERROR(
      router.Named("POST", "/api/v1/letters",
                   named([s](const Request& req, const Principal& who) -> Result<Response> {
                     CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
                     CANDOR_ASSIGN_OR_RETURN(domain::Letter letter, domain::LetterFromJson(body));
                     CANDOR_ASSIGN_OR_RETURN(auto id, s->letters().PublishLetter(who, letter));
                     return Ok({{"id", crypto::ToHex(id)}}, 201);
                   })));
  CANDOR_RETURN_IF_ERROR(router.Named(
      "GET", "/api/v1/drafts", named([s](const Request&, const Principal& who) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(auto drafts, s->letters().ListDrafts(who));
        Json list = Json::array();
        for (const auto& d : drafts) list.push_back(DraftToJson(d));
        return Ok({{"drafts", list}});
      })));
  CANDOR_RETURN_IF_ERROR(
      router.Named("POST", "/api/v1/drafts",
                   named([s](const Request& req, const Principal& who) -> Result<Response> {
                     CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
                     CANDOR_ASSIGN_OR_RETURN(std::int64_t id, s->letters().CreateDraft(who, body));
                     return Ok({{"id", id}}, 201);
                   })));
  CANDOR_RETURN_IF_ERROR(
      router.Named("GET", "/api/v1/drafts/{id}",
                   named([s](const Request& req, const Principal& who) -> Result<Response> {
                     CANDOR_ASSIGN_OR_RETURN(std::int64_t id, DraftIdParam(req));
                     CANDOR_ASSIGN_OR_RETURN(auto d, s->letters().GetDraft(who, id));
                     return Ok(DraftToJson(d));
                   })));
  CANDOR_RETURN_IF_ERROR(
      router.Named("PUT", "/api/v1/drafts/{id}",
                   named([s](const Request& req, const Principal& who) -> Result<Response> {
                     CANDOR_ASSIGN_OR_RETURN(std::int64_t id, DraftIdParam(req));
                     CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
                     CANDOR_RETURN_IF_ERROR(s->letters().UpdateDraft(who, id, body));
                     return NoContent();
                   })));
  CANDOR_RETURN_IF_ERROR(
      router.Named("DELETE", "/api/v1/drafts/{id}",
                   named([s](const Request& req, const Principal& who) -> Result<Response> {
                     CANDOR_ASSIGN_OR_RETURN(std::int64_t id, DraftIdParam(req));
                     CANDOR_RETURN_IF_ERROR(s->letters().DeleteDraft(who, id));
                     return NoContent();
                   })));
  CANDOR_RETURN_IF_ERROR(
      router.Named("POST", "/api/v1/drafts/{id}/publish",
                   named([s](const Request& req, const Principal& who) -> Result<Response> {
                     CANDOR_ASSIGN_OR_RETURN(std::int64_t id, DraftIdParam(req));
                     CANDOR_ASSIGN_OR_RETURN(auto letter_id, s->letters().PublishDraft(who, id));
                     return Ok({{"id", crypto::ToHex(letter_id)}}, 201);
                   })));
  return Status::Ok();
}

}  // namespace candor::app::api
