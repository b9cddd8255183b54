// The routes of staff: sessions and second factors, invitations, roster removals, accounts,
// settings, holidays and reviewer keys (docs/API.md).
#include "domain/strict_json.h"
#include "server/app/routes_internal.h"
#include "server/app/wire_staff.h"

namespace candor::app::api {

Status AddStaffRoutes(http::Router& router, Service& service, const Named& named) {
  Service* s = &service;
  // --- Sessions ---
  CANDOR_RETURN_IF_ERROR(router.Named(
      "POST", "/api/v1/session",
      [s](const Request& req) {
        return Guard([&]() -> Result<Response> {
          CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
          std::string org, username, password;
          const PasswordCopies wipe(body, password);
          std::optional<std::string> totp;
          domain::FieldReader f(body, "the request");
          f.Required("organization", org);
          f.Required("username", username);
          f.Required("password", password);
          f.Optional("totp", totp);
          CANDOR_RETURN_IF_ERROR(f.Finish());
          CANDOR_ASSIGN_OR_RETURN(
              LoginResult login,
              s->staff().Login(org, username, password, totp, req.peer_address.value_or("")));
          Response r = Ok(SessionToJson(login.principal));
          CANDOR_ASSIGN_OR_RETURN(std::string cookie,
                                  http::BuildSetCookie(req, SessionCookieName(req),
                                                       login.session_token, std::chrono::hours(8)));
          r.headers.Add("Set-Cookie", cookie);
          return r;
        });
      },
      Heavy()));
  CANDOR_RETURN_IF_ERROR(router.Named(
      "GET", "/api/v1/session", named([](const Request&, const Principal& who) -> Result<Response> {
        return Ok(SessionToJson(who));
      })));
  CANDOR_RETURN_IF_ERROR(
      router.Named("DELETE", "/api/v1/session",
                   named([s](const Request& req, const Principal& who) -> Result<Response> {
                     CANDOR_RETURN_IF_ERROR(s->staff().Logout(who));
                     return SignedOut(req);
                   })));
  // Sign out everywhere: every session of the account ends, on every device (security review L2).
  CANDOR_RETURN_IF_ERROR(
      router.Named("DELETE", "/api/v1/sessions",
                   named([s](const Request& req, const Principal& who) -> Result<Response> {
                     CANDOR_RETURN_IF_ERROR(s->staff().LogoutEverywhere(who));
                     return SignedOut(req);
                   })));
  CANDOR_RETURN_IF_ERROR(router.Named(
      "POST", "/api/v1/session/totp",
      named([s](const Request& req, const Principal& who) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
        std::string password;
        const PasswordCopies wipe(body, password);
        std::optional<std::string> code;
        domain::FieldReader f(body, "the request");
        f.Required("password", password);
        f.Optional("code", code);
        CANDOR_RETURN_IF_ERROR(f.Finish());
        CANDOR_ASSIGN_OR_RETURN(auto secret, s->staff().BeginTotp(who, password, code));
        return Ok({{"secret", secret.first}, {"otpauth_uri", secret.second}});
      }),
      Heavy()));
  CANDOR_RETURN_IF_ERROR(
      router.Named("POST", "/api/v1/session/totp/confirm",
                   named([s](const Request& req, const Principal& who) -> Result<Response> {
                     CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
                     std::string code;
                     domain::FieldReader f(body, "the request");
                     f.Required("code", code);
                     CANDOR_RETURN_IF_ERROR(f.Finish());
                     CANDOR_ASSIGN_OR_RETURN(auto codes, s->staff().ConfirmTotp(who, code));
                     return Ok({{"recovery_codes", codes}});
                   })));

  // --- Staff ---
  CANDOR_RETURN_IF_ERROR(router.Named(
      "POST", "/api/v1/orgs/{slug}/invitations",
      named([s](const Request& req, const Principal& who) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
        CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
        std::optional<std::int64_t> hours;
        std::optional<std::int64_t> count;
        domain::FieldReader f(body, "the request");
        f.Optional("valid_hours", hours);
        f.Optional("count", count);
        CANDOR_RETURN_IF_ERROR(f.Finish());
        if (count) {  // several at once: {"invitations": [...]}
          CANDOR_ASSIGN_OR_RETURN(auto many, s->staff().IssueInvitations(who, slug, hours, *count));
          return Ok({{"invitations", many.first}, {"expires_at_ms", many.second}}, 201);
        }
        CANDOR_ASSIGN_OR_RETURN(auto inv, s->staff().IssueInvitation(who, slug, hours));
        return Ok({{"invitation", inv.first}, {"expires_at_ms", inv.second}}, 201);
      })));
  CANDOR_RETURN_IF_ERROR(router.Named(
      "GET", "/api/v1/orgs/{slug}/invitations",
      named([s](const Request& req, const Principal& who) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
        CANDOR_ASSIGN_OR_RETURN(std::int64_t open, s->staff().CountOpenInvitations(who, slug));
        return Ok({{"open", open}});
      })));
  CANDOR_RETURN_IF_ERROR(router.Named(
      "POST", "/api/v1/orgs/{slug}/roster/remove",
      named([s](const Request& req, const Principal& who) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
        CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
        std::string ring_hex;
        domain::FieldReader f(body, "the request");
        f.Required("ring_public", ring_hex);
        CANDOR_RETURN_IF_ERROR(f.Finish());
        CANDOR_ASSIGN_OR_RETURN(auto ring,
                                crypto::FixedFromHex<crypto::Point>(ring_hex, "ring_public"));
        CANDOR_ASSIGN_OR_RETURN(EnrollResult r, s->RemoveMember(who, slug, ring));
        return Ok(
            {{"version", r.version}, {"roster_size", r.roster_size}, {"log_index", r.log_index}});
      })));
  CANDOR_RETURN_IF_ERROR(
      router.Named("GET", "/api/v1/orgs/{slug}/accounts",
                   named([s](const Request& req, const Principal& who) -> Result<Response> {
                     CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
                     CANDOR_ASSIGN_OR_RETURN(auto accounts, s->staff().ListAccounts(who, slug));
                     Json list = Json::array();
                     for (const auto& a : accounts) list.push_back(AccountToJson(a, slug));
                     return Ok({{"accounts", list}});
                   })));
  CANDOR_RETURN_IF_ERROR(router.Named(
      "POST", "/api/v1/orgs/{slug}/accounts",
      named([s](const Request& req, const Principal& who) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
        CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
        std::string username, password;
        const PasswordCopies wipe(body, password);
        std::vector<std::string> role_names;
        domain::FieldReader f(body, "the request");
        f.Required("username", username);
        f.Required("password", password);
        f.Required("roles", role_names);
        CANDOR_RETURN_IF_ERROR(f.Finish());
        CANDOR_ASSIGN_OR_RETURN(std::uint32_t roles, RolesFromJson(role_names));
        CANDOR_ASSIGN_OR_RETURN(std::int64_t id,
                                s->staff().AddAccount(who, slug, username, password, roles));
        return Ok({{"id", id}}, 201);
      }),
      Heavy()));
  CANDOR_RETURN_IF_ERROR(router.Named(
      "PATCH", "/api/v1/orgs/{slug}/accounts/{id}",
      named([s](const Request& req, const Principal& who) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
        CANDOR_ASSIGN_OR_RETURN(std::int64_t id, PathId(req, "id", "an account id"));
        CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
        std::optional<std::vector<std::string>> role_names;
        std::optional<bool> disabled;
        domain::FieldReader f(body, "the request");
        f.Optional("roles", role_names);
        f.Optional("disabled", disabled);
        CANDOR_RETURN_IF_ERROR(f.Finish());
        std::optional<std::uint32_t> roles;
        if (role_names) {
          CANDOR_ASSIGN_OR_RETURN(roles, RolesFromJson(*role_names));
        }
        CANDOR_RETURN_IF_ERROR(s->staff().UpdateAccount(who, slug, id, roles, disabled));
        return NoContent();
      })));
  CANDOR_RETURN_IF_ERROR(
      router.Named("PUT", "/api/v1/orgs/{slug}/settings",
                   named([s](const Request& req, const Principal& who) -> Result<Response> {
                     CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
                     CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
                     CANDOR_RETURN_IF_ERROR(s->staff().UpdateSettings(who, slug, body.dump()));
                     return NoContent();
                   })));
  CANDOR_RETURN_IF_ERROR(
      router.Named("GET", "/api/v1/orgs/{slug}/holidays",
                   named([s](const Request& req, const Principal& who) -> Result<Response> {
                     CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
                     CANDOR_ASSIGN_OR_RETURN(auto holidays, s->staff().ListHolidays(who, slug));
                     Json list = Json::array();
                     for (const auto& h : holidays)
                       list.push_back({{"date", h.date}, {"name", h.name}});
                     return Ok({{"holidays", list}});
                   })));
  CANDOR_RETURN_IF_ERROR(router.Named(
      "PUT", "/api/v1/orgs/{slug}/holidays",
      named([s](const Request& req, const Principal& who) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
        CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
        Json list;
        domain::FieldReader f(body, "the request");
        f.Required("holidays", list);
        CANDOR_RETURN_IF_ERROR(f.Finish());
        if (!list.is_array()) return InvalidArgument("'holidays' must be an array");
        std::vector<store::HolidayRecord> holidays;
        for (const auto& h : list) {
          if (!h.is_object()) return InvalidArgument("each holiday is an object {date, name}");
          std::string date, name;
          domain::FieldReader hf(h, "a holiday");
          hf.Required("date", date);
          hf.Required("name", name);
          CANDOR_RETURN_IF_ERROR(hf.Finish());
          holidays.push_back(store::HolidayRecord{0, date, name});
        }
        CANDOR_RETURN_IF_ERROR(s->staff().ReplaceHolidays(who, slug, std::move(holidays)));
        return NoContent();
      })));
  CANDOR_RETURN_IF_ERROR(router.Named(
      "PUT", "/api/v1/orgs/{slug}/reviewer-key",
      named([s](const Request& req, const Principal& who) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
        CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
        std::string key_hex, proof_hex;
        domain::FieldReader f(body, "the request");
        f.Required("reply_public", key_hex);
        f.Required("proof", proof_hex);
        CANDOR_RETURN_IF_ERROR(f.Finish());
        CANDOR_ASSIGN_OR_RETURN(
            auto key, crypto::FixedFromHex<crypto::BoxPublicKey>(key_hex, "reply_public"));
        CANDOR_ASSIGN_OR_RETURN(auto proof,
                                crypto::FixedFromHex<crypto::Digest32>(proof_hex, "proof"));
        CANDOR_RETURN_IF_ERROR(s->staff().SetReviewerKey(who, slug, key, proof));
        return NoContent();
      })));
  // What a reviewer's client proves possession of its key to (docs/API.md, "Reviewer keys").
  CANDOR_RETURN_IF_ERROR(
      router.Named("GET", "/api/v1/orgs/{slug}/reviewer-key/challenge",
                   named([s](const Request& req, const Principal& who) -> Result<Response> {
                     CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
                     CANDOR_ASSIGN_OR_RETURN(auto c, s->staff().ReviewerKeyChallengeFor(who, slug));
                     return Ok(ReviewerKeyChallengeToJson(c));
                   })));
  return Status::Ok();
}

}  // namespace candor::app::api
