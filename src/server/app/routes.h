// The /api/v1 routes of `candor serve` (docs/API.md), mapping HTTP to the Service.
#ifndef CANDOR_SERVER_APP_ROUTES_H_
#define CANDOR_SERVER_APP_ROUTES_H_

#include "server/app/service.h"
#include "server/http/router.h"

namespace candor::app {

// The session cookie. Over HTTPS (directly or behind a trusted proxy) it is
// "__Host-candor_session": browsers then accept it only with Secure, Path=/ and no Domain, so a
// sibling subdomain cannot plant or overwrite it (cookie tossing; security review L2), and only
// that name is read. Plain HTTP (a local demo) cannot carry the prefix and uses the bare name.
inline constexpr std::string_view kSessionCookie = "candor_session";
inline constexpr std::string_view kSecureSessionCookie = "__Host-candor_session";
inline std::string_view SessionCookieName(const http::Request& req) {
  return req.secure() ? kSecureSessionCookie : kSessionCookie;
}

// Adds every API route to `router`. `service` must outlive the router.
[[nodiscard]] Status AddApiRoutes(http::Router& router, Service& service);

}  // namespace candor::app

#endif  // CANDOR_SERVER_APP_ROUTES_H_
