// The routes of dissent cables: the author's anonymous submission and status, the reviewers'
// inbox, messages and notifications (docs/API.md).
#include "domain/strict_json.h"
#include "server/app/routes_internal.h"
#include "server/app/wire_cables.h"

namespace candor::app::api {

Status AddCableRoutes(http::Router& router, Service& service, const Named& named) {
  Service* s = &service;
  // Hex doubles the envelope; leave room for the header and signatures of a large ring.
  http::RouteOptions large;
  large.max_body_bytes = 2 * service.config().max_cable_envelope_bytes + (std::size_t{1} << 20);
  // A submission is checked with two ring signatures: on the worker pool (RouteOptions::offload).
  http::RouteOptions large_heavy = large;
  large_heavy.offload = true;

  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "GET", "/api/v1/orgs/{slug}/reviewers", Anon([s](const Request& req) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
        CANDOR_ASSIGN_OR_RETURN(auto recipients, s->cables().CableRecipients(slug));
        Json list = Json::array();
        for (const auto& r : recipients)
          list.push_back({{"account_id", r.account_id}, {"box_public", crypto::ToHex(r.key)}});
        return Ok({{"reviewers", list}});
      })));
  // What authors' and reviewers' clients sign within and seal to, as the log proves it
  // (candor-org-state-v1, docs/PROTOCOL.md "Organization state"); paged like a letter bundle.
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "GET", "/api/v1/orgs/{slug}/state", Anon([s](const Request& req) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
        CANDOR_ASSIGN_OR_RETURN(BundlePage page, PageParams(req));
        CANDOR_ASSIGN_OR_RETURN(Json state, s->OrganizationState(slug, page));
        return Ok(state);
      })));
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "GET", "/api/v1/orgs/{slug}/cable-quota", Anon([s](const Request& req) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
        CANDOR_ASSIGN_OR_RETURN(CableQuotaView q, s->cables().CableQuota(slug));
        return Ok(QuotaToJson(q));
      })));
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "GET", "/api/v1/orgs/{slug}/letter-quota", Anon([s](const Request& req) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
        CANDOR_ASSIGN_OR_RETURN(CableQuotaView q, s->letters().MemberLetterQuota(slug));
        return Ok(QuotaToJson(q));
      })));
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "GET", "/api/v1/orgs/{slug}/cable-counts", Anon([s](const Request& req) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
        CANDOR_ASSIGN_OR_RETURN(CableStats st, s->cables().CableCounts(slug));
        return Ok({{"open", st.open}, {"overdue", st.overdue}, {"closed", st.closed}});
      })));
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "POST", "/api/v1/cables", Anon([s](const Request& req) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
        CANDOR_ASSIGN_OR_RETURN(CableSubmission sub, CableSubmissionFromJson(body));
        CANDOR_ASSIGN_OR_RETURN(CableView v, s->cables().SubmitCable(sub));
        return Ok(CableViewToJson(v), 201);
      }),
      large_heavy));
  // The cable id travels in the body, never in the URL: a proxy's access log would otherwise
  // put the author's address next to the (public) cable id (security review H2).
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "POST", "/api/v1/cables/status", Anon([s](const Request& req) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
        std::string id_hex, access_hex;
        domain::FieldReader f(body, "the request");
        f.Required("id", id_hex);
        f.Required("access", access_hex);
        CANDOR_RETURN_IF_ERROR(f.Finish());
        CANDOR_ASSIGN_OR_RETURN(auto id, CableIdFrom(id_hex));
        CANDOR_ASSIGN_OR_RETURN(auto access,
                                crypto::FixedFromHex<crypto::Digest32>(access_hex, "access"));
        CANDOR_ASSIGN_OR_RETURN(CableView v, s->cables().CableForAuthor(id, access));
        return Ok(CableViewToJson(v));
      })));

  // The author's follow-up (docs/API.md): the cable id and access value in the body, like the
  // status, never in the URL.
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "POST", "/api/v1/cables/follow-up", Anon([s](const Request& req) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
        std::string id_hex, access_hex, envelope_hex;
        Json recipients_json;
        domain::FieldReader f(body, "the request");
        f.Required("id", id_hex);
        f.Required("access", access_hex);
        f.Required("recipients", recipients_json);
        f.Required("envelope", envelope_hex);
        CANDOR_RETURN_IF_ERROR(f.Finish());
        CANDOR_ASSIGN_OR_RETURN(auto id, CableIdFrom(id_hex));
        CANDOR_ASSIGN_OR_RETURN(auto access,
                                crypto::FixedFromHex<crypto::Digest32>(access_hex, "access"));
        CANDOR_ASSIGN_OR_RETURN(auto recipients, KeysFromJson(recipients_json, "recipients"));
        CANDOR_ASSIGN_OR_RETURN(auto envelope, HexField(envelope_hex, "envelope"));
        CANDOR_ASSIGN_OR_RETURN(std::int64_t seq,
                                s->cables().AddFollowUp(id, access, recipients, envelope));
        return Ok({{"seq", seq}}, 201);
      }),
      large));

  CANDOR_RETURN_IF_ERROR(router.Named(
      "GET", "/api/v1/orgs/{slug}/cables",
      named([s](const Request& req, const Principal& who) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
        CANDOR_ASSIGN_OR_RETURN(bool overdue, QueryFlag(req, "overdue"));
        CANDOR_ASSIGN_OR_RETURN(auto cables, s->cables().ListCables(who, slug, overdue));
        Json list = Json::array();
        for (const auto& v : cables) list.push_back(CableViewToJson(v));
        return Ok({{"cables", list}});
      })));
  // Compliance statistics (administrators): JSON, or CSV with format=csv.
  CANDOR_RETURN_IF_ERROR(router.Named(
      "GET", "/api/v1/orgs/{slug}/cables/statistics",
      named([s](const Request& req, const Principal& who) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
        auto date = [&](std::string_view name) -> Result<domain::Date> {
          auto v = req.QueryParam(name);
          if (!v) return InvalidArgument("give '" + std::string(name) + "' as YYYY-MM-DD");
          return domain::ParseDate(*v);
        };
        CANDOR_ASSIGN_OR_RETURN(domain::Date from, date("from"));
        CANDOR_ASSIGN_OR_RETURN(domain::Date to, date("to"));
        const std::string format(req.QueryParam("format").value_or("json"));
        if (format != "json" && format != "csv") {
          return InvalidArgument("'format' must be json or csv");
        }
        CANDOR_ASSIGN_OR_RETURN(auto stats, s->cables().Statistics(who, slug, from, to));
        if (format == "json") return Ok(domain::CableStatisticsToJson(stats));
        Response r = Response::Text(200, domain::CableStatisticsToCsv(stats));
        r.headers.Set("Content-Type", "text/csv; charset=utf-8; header=present");
        r.headers.Set("Content-Disposition", "attachment; filename=\"candor-" + slug +
                                                 "-statistics-" + domain::FormatDate(from) +
                                                 "-to-" + domain::FormatDate(to) + ".csv\"");
        return r;
      })));
  // Reviewers name a cable in the body, never in the URL (security review H2): no route of the
  // API carries a cable id in its path or query.
  CANDOR_RETURN_IF_ERROR(
      router.Named("POST", "/api/v1/orgs/{slug}/cables/view",
                   named([s](const Request& req, const Principal& who) -> Result<Response> {
                     CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
                     CANDOR_ASSIGN_OR_RETURN(auto id, CableIdBody(req));
                     CANDOR_ASSIGN_OR_RETURN(CableView v, s->cables().GetCable(who, slug, id));
                     return Ok(CableViewToJson(v));
                   })));
  CANDOR_RETURN_IF_ERROR(
      router.Named("POST", "/api/v1/orgs/{slug}/cables/acknowledge",
                   named([s](const Request& req, const Principal& who) -> Result<Response> {
                     CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
                     CANDOR_ASSIGN_OR_RETURN(auto id, CableIdBody(req));
                     CANDOR_RETURN_IF_ERROR(s->cables().AcknowledgeCable(who, slug, id));
                     return NoContent();
                   })));
  CANDOR_RETURN_IF_ERROR(
      router.Named("POST", "/api/v1/orgs/{slug}/cables/recuse",
                   named([s](const Request& req, const Principal& who) -> Result<Response> {
                     CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
                     CANDOR_ASSIGN_OR_RETURN(auto id, CableIdBody(req));
                     CANDOR_RETURN_IF_ERROR(s->cables().RecuseFromCable(who, slug, id));
                     return NoContent();
                   })));
  CANDOR_RETURN_IF_ERROR(
      router.Named("POST", "/api/v1/orgs/{slug}/cables/grant",
                   named([s](const Request& req, const Principal& who) -> Result<Response> {
                     CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
                     CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
                     std::string id_hex, grant_hex;
                     domain::FieldReader f(body, "the request");
                     f.Required("id", id_hex);
                     f.Required("grant", grant_hex);
                     CANDOR_RETURN_IF_ERROR(f.Finish());
                     CANDOR_ASSIGN_OR_RETURN(auto id, CableIdFrom(id_hex));
                     CANDOR_ASSIGN_OR_RETURN(crypto::Bytes grant, crypto::FromHex(grant_hex));
                     CANDOR_RETURN_IF_ERROR(s->cables().GrantCable(who, slug, id, grant));
                     return NoContent();
                   })));
  CANDOR_RETURN_IF_ERROR(router.Named(
      "POST", "/api/v1/orgs/{slug}/cables/messages",
      named([s](const Request& req, const Principal& who) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
        CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
        std::string id_hex, action_name, envelope_hex;
        Json recipients_json;
        domain::FieldReader f(body, "the request");
        f.Required("id", id_hex);
        f.Required("action", action_name);
        f.Required("recipients", recipients_json);
        f.Required("envelope", envelope_hex);
        CANDOR_RETURN_IF_ERROR(f.Finish());
        CANDOR_ASSIGN_OR_RETURN(auto id, CableIdFrom(id_hex));
        CANDOR_ASSIGN_OR_RETURN(auto action, domain::ParseCableAction(action_name));
        if (!domain::CableActionHasMessage(action)) {
          return InvalidArgument("'action' is one of replied, noted, extended, closed");
        }
        CANDOR_ASSIGN_OR_RETURN(auto recipients, KeysFromJson(recipients_json, "recipients"));
        CANDOR_ASSIGN_OR_RETURN(auto envelope, HexField(envelope_hex, "envelope"));
        CANDOR_ASSIGN_OR_RETURN(std::int64_t seq, s->cables().AddCableMessage(
                                                      who, slug, id, action, recipients, envelope));
        return Ok({{"seq", seq}}, 201);
      }),
      large));
  CANDOR_RETURN_IF_ERROR(router.Named(
      "GET", "/api/v1/orgs/{slug}/notifications",
      named([s](const Request& req, const Principal& who) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
        CANDOR_ASSIGN_OR_RETURN(bool undelivered, QueryFlag(req, "undelivered"));
        CANDOR_ASSIGN_OR_RETURN(auto list, s->cables().Notifications(who, slug, undelivered));
        return Ok(NotificationsToJson(list));
      })));
  CANDOR_RETURN_IF_ERROR(
      router.Named("POST", "/api/v1/orgs/{slug}/notifications/delivered",
                   named([s](const Request& req, const Principal& who) -> Result<Response> {
                     CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
                     CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
                     std::uint64_t up_to = 0;
                     domain::FieldReader f(body, "the request");
                     f.Required("up_to", up_to);
                     CANDOR_RETURN_IF_ERROR(f.Finish());
                     if (up_to == 0 || up_to > static_cast<std::uint64_t>(INT64_MAX)) {
                       return InvalidArgument("'up_to' must be a notification id (from 1)");
                     }
                     CANDOR_RETURN_IF_ERROR(s->cables().MarkNotificationsDelivered(
                         who, slug, static_cast<std::int64_t>(up_to)));
                     return NoContent();
                   })));
  return Status::Ok();
}

}  // namespace candor::app::api
