// Routes of notifications that leave the server: the organization's digest settings and the
// deliveries (administrators), each reviewer's own address (docs/API.md, "Notifications").
#include "server/app/routes_internal.h"
#include "server/app/wire_notify.h"

namespace candor::app::api {

Status AddNotifyRoutes(http::Router& router, Service& service, const Named& named) {
  Service* s = &service;
  CANDOR_RETURN_IF_ERROR(
      router.Named("GET", "/api/v1/orgs/{slug}/notify/settings",
                   named([s](const Request& req, const Principal& who) -> Result<Response> {
                     CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
                     CANDOR_ASSIGN_OR_RETURN(NotifySettingsView v, s->notify().Settings(who, slug));
                     return Ok(NotifySettingsToJson(v));
                   })));
  CANDOR_RETURN_IF_ERROR(router.Named(
      "PUT", "/api/v1/orgs/{slug}/notify/settings",
      named([s](const Request& req, const Principal& who) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
        CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
        CANDOR_ASSIGN_OR_RETURN(NotifySettingsChange change, NotifySettingsChangeFromJson(body));
        CANDOR_ASSIGN_OR_RETURN(auto secret, s->notify().ChangeSettings(who, slug, change));
        Json out = Json::object();
        if (secret) out["webhook_secret"] = *secret;
        return Ok(out);
      })));
  CANDOR_RETURN_IF_ERROR(
      router.Named("GET", "/api/v1/orgs/{slug}/notify/deliveries",
                   named([s](const Request& req, const Principal& who) -> Result<Response> {
                     CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
                     CANDOR_ASSIGN_OR_RETURN(auto list, s->notify().Deliveries(who, slug));
                     return Ok(DeliveriesToJson(list));
                   })));
  CANDOR_RETURN_IF_ERROR(
      router.Named("GET", "/api/v1/orgs/{slug}/notify/me",
                   named([s](const Request& req, const Principal& who) -> Result<Response> {
                     CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
                     CANDOR_ASSIGN_OR_RETURN(auto address, s->notify().MyAddress(who, slug));
                     return Ok(NotifyAddressToJson(address));
                   })));
  CANDOR_RETURN_IF_ERROR(
      router.Named("PUT", "/api/v1/orgs/{slug}/notify/me",
                   named([s](const Request& req, const Principal& who) -> Result<Response> {
                     CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
                     CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
                     std::string email;
                     std::optional<std::string> key;
                     domain::FieldReader f(body, "the request");
                     f.Required("email", email);
                     f.Optional("openpgp_key", key);
                     CANDOR_RETURN_IF_ERROR(f.Finish());
                     CANDOR_RETURN_IF_ERROR(s->notify().SetMyAddress(who, slug, email, key));
                     return NoContent();
                   })));
  return router.Named("DELETE", "/api/v1/orgs/{slug}/notify/me",
                      named([s](const Request& req, const Principal& who) -> Result<Response> {
                        CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
                        CANDOR_RETURN_IF_ERROR(s->notify().RemoveMyAddress(who, slug));
                        return NoContent();
                      }));
}

}  // namespace candor::app::api
