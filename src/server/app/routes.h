// The /api/v1 routes of `candor serve` (docs/API.md), mapping HTTP to the Service.
#ifndef CANDOR_SERVER_APP_ROUTES_H_
#define CANDOR_SERVER_APP_ROUTES_H_

#include "server/app/service.h"
#include "server/http/router.h"

namespace candor::app {

inline constexpr std::string_view kSessionCookie = "candor_session";

// Adds every API route to `router`. `service` must outlive the router.
[[nodiscard]] Status AddApiRoutes(http::Router& router, Service& service);

}  // namespace candor::app

#endif  // CANDOR_SERVER_APP_ROUTES_H_
