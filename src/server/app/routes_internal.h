// What the route tables of `candor serve` share (routes_*.cc): the handler wrappers, the
// parsing of paths and queries, and each feature's table. Internal to server/app; the API is
// docs/API.md, its JSON the wire_*.h codecs.
#ifndef CANDOR_SERVER_APP_ROUTES_INTERNAL_H_
#define CANDOR_SERVER_APP_ROUTES_INTERNAL_H_

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "base/result.h"
#include "crypto/receipt.h"
#include "crypto/transcript.h"
#include "domain/cable.h"
#include "domain/letter.h"
#include "server/app/routes.h"
#include "server/app/service.h"
#include "server/app/wire_staff.h"
#include "server/http/cookies.h"
#include "server/http/json.h"
#include "server/http/router.h"

namespace candor::app::api {

// Options of a route whose handler is CPU-heavy — a ring signature checked over a whole ring,
// an Argon2id hash, a bundle's proofs — so that it runs on the server's bounded worker pool
// and never holds an I/O thread (security review H5, M5, M6).
http::RouteOptions Heavy();

using http::Request;
using http::Response;
using Json = nlohmann::json;

inline Response Ok(const Json& body, int status = 200) { return http::JsonResponse(status, body); }
inline Response NoContent() { return Response::Text(204, ""); }
inline Response Fail(const Error& e) { return http::ErrorResponse(e); }

// Runs `body` and turns an error into the uniform JSON error response.
template <typename F>
Response Guard(F&& body) {
  Result<Response> r = body();
  return r.ok() ? std::move(r).value() : Fail(r.error());
}

// Wipes, however the handler returns, the copies of a password it made: its own and the parsed
// body's (security review L6). The request's raw bytes are wiped by the server
// (http::WipeRequestBody).
class PasswordCopies {
 public:
  PasswordCopies(Json& body, std::string& own) : body_(body), own_(own) {}
  // Nothing here throws: find() on an object, and get_ref only after is_string().
  ~PasswordCopies() {  // NOLINT(bugprone-exception-escape)
    crypto::WipeString(own_);
    if (!body_.is_object()) return;
    if (auto it = body_.find("password"); it != body_.end() && it->is_string()) {
      crypto::WipeString(it->get_ref<std::string&>());
    }
  }
  PasswordCopies(const PasswordCopies&) = delete;
  PasswordCopies& operator=(const PasswordCopies&) = delete;

 private:
  Json& body_;
  std::string& own_;
};

// The handler of an anonymous route: `f`'s error becomes the uniform JSON error response.
template <typename F>
http::Handler Anon(F f) {
  return [f](const Request& req) { return Guard([&]() -> Result<Response> { return f(req); }); };
}

Result<std::string> PathParam(const Request& req, std::string_view name);
// A number in a URL, canonical only: decimal digits, no sign, no leading zero (but "0"), at
// most 19 digits (so it fits, though it may exceed INT64_MAX: callers bound it).
Result<std::uint64_t> ParseU64(std::string_view v, std::string_view name);
Result<std::uint64_t> QueryU64(const Request& req, std::string_view name);
// A path parameter naming a row (an account, a draft, a roster version): 1 … INT64_MAX.
Result<std::int64_t> PathId(const Request& req, std::string_view name, std::string_view what);
// A query flag: absent, "0" or "1"; anything else is refused rather than read as false.
Result<bool> QueryFlag(const Request& req, std::string_view name);
Result<domain::LetterId> LetterIdParam(const Request& req);
Result<std::int64_t> DraftIdParam(const Request& req);
// 204 with the session cookie cleared: the answer to signing out, here or everywhere.
Result<Response> SignedOut(const Request& req);
// A cable id from a request body (never from a URL: docs/API.md).
Result<domain::CableId> CableIdFrom(const std::string& hex);
// ?tree_size=&start=&limit= of a paged proof (a letter bundle, an organization's state).
Result<BundlePage> PageParams(const Request& req);
// The cable named by a body that holds nothing else: {"id": hex}.
Result<domain::CableId> CableIdBody(const Request& req);

// Named routes: resolve the session cookie, and for state-changing methods check the CSRF
// token header against the session's.
class Named {
 public:
  explicit Named(Service& s) : service_(s) {}
  using Body = std::function<Result<Response>(const Request&, const Principal&)>;
  http::Handler operator()(Body body) const {
    Service* service = &service_;
    return [service, body = std::move(body)](const Request& req) {
      return Guard([&]() -> Result<Response> {
        auto token = http::GetCookie(req, SessionCookieName(req));
        if (!token) {
          return Error(ErrorCode::kUnauthenticated, "sign in first");
        }
        CANDOR_ASSIGN_OR_RETURN(Principal who, service->staff().Authenticate(*token));
        if (req.method != "GET" && req.method != "HEAD") {
          auto csrf = req.headers.Get("X-CSRF-Token");
          // Compared in constant time (security review L2): hashing both first makes the
          // comparison fixed-length whatever the header holds.
          if (!csrf ||
              !crypto::ConstantTimeEqual(crypto::Sha256(crypto::AsBytes(*csrf)),
                                         crypto::Sha256(crypto::AsBytes(who.csrf_token)))) {
            return Error(ErrorCode::kPermissionDenied,
                         "missing or wrong X-CSRF-Token header (reload the page and try again)");
          }
        }
        return body(req, who);
      });
    };
  }

 private:
  Service& service_;
};

// The route tables, one per feature; each adds its routes to `router`. `service` must outlive
// the router.
Status AddOrganizationRoutes(http::Router& router, Service& service);  // orgs, rosters, enroll
Status AddLogRoutes(http::Router& router, Service& service);           // health, log, web release
Status AddStaffRoutes(http::Router& router, Service& service, const Named& named);
Status AddLetterRoutes(http::Router& router, Service& service, const Named& named);
Status AddCableRoutes(http::Router& router, Service& service, const Named& named);
Status AddNotifyRoutes(http::Router& router, Service& service, const Named& named);

}  // namespace candor::app::api

#endif  // CANDOR_SERVER_APP_ROUTES_INTERNAL_H_
