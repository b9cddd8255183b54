#include "server/http/exchange.h"

#include <spdlog/spdlog.h>

#include <array>
#include <exception>

#include "crypto/receipt.h"
#include "server/http/json.h"

namespace candor::http {

bool IsAnonymousSafeHeader(std::string_view name) {
  // What a handler needs to understand the request and nothing that says who sent it.
  static constexpr std::array<std::string_view, 7> kAllowed = {
      "Host",     "Content-Type",  "Content-Length",    "Accept",
      "If-Match", "If-None-Match", "X-Forwarded-Proto",
  };
  for (std::string_view allowed : kAllowed) {
    if (EqualsIgnoreCase(name, allowed)) return true;
  }
  return false;
}

void RedactForAnonymous(Request& request) {
  Headers kept;
  for (const auto& [name, value] : request.headers.fields()) {
    if (IsAnonymousSafeHeader(name)) kept.Add(name, value);
  }
  request.headers = std::move(kept);
  request.peer_address.reset();
}

void ApplyForwardedProto(Request& request, bool trust_proxy) {
  request.forwarded_https = false;
  if (!trust_proxy) return;
  auto proto = request.headers.Get("X-Forwarded-Proto");
  if (!proto) return;
  std::string_view first = proto->substr(0, proto->find(','));
  while (!first.empty() && first.front() == ' ') first.remove_prefix(1);
  while (!first.empty() && first.back() == ' ') first.remove_suffix(1);
  request.forwarded_https = EqualsIgnoreCase(first, "https");
}

Response RunRoute(const RouteMatch& match, const Request& request) {
  if (!match.found()) return NoRouteResponse(match);
  const Route& route = *match.route;
  bool anonymous = route.privacy() == Privacy::kAnonymous;
  Response response;
  try {
    response = route.handler()(request);
  } catch (const std::exception& e) {
    // Nothing is logged for anonymous routes, not even failures: a log line carries a
    // precise time, and the time of an anonymous action is what correlates it with its
    // author (in the company proxy's logs, say).
    if (!anonymous) {
      spdlog::error("handler for {} {} threw: {}", route.method(), route.pattern(), e.what());
    }
    return ErrorResponse(500, "internal", "internal error");
  } catch (...) {
    if (!anonymous) {
      spdlog::error("handler for {} {} threw a non-exception", route.method(), route.pattern());
    }
    return ErrorResponse(500, "internal", "internal error");
  }
  // A programming error, dropped silently for the same reason; tests catch it (see
  // exchange_test.cc).
  if (anonymous) response.headers.Remove("Set-Cookie");
  return response;
}

void WipeRequestBody(Request& request) { crypto::WipeString(request.body); }

std::optional<Response> RunInlineAnswer(const RouteMatch& match, const Request& request) {
  const Route& route = *match.route;
  if (!route.options().inline_answer) return std::nullopt;
  const bool anonymous = route.privacy() == Privacy::kAnonymous;
  std::optional<Response> response;
  try {
    response = route.options().inline_answer(request);
  } catch (const std::exception& e) {
    if (!anonymous) {
      spdlog::error("inline answer for {} {} threw: {}", route.method(), route.pattern(), e.what());
    }
    return ErrorResponse(500, "internal", "internal error");
  } catch (...) {
    return ErrorResponse(500, "internal", "internal error");
  }
  if (response && anonymous) response->headers.Remove("Set-Cookie");
  return response;
}

void AddSecurityHeaders(Response& response, std::string_view path,
                        const SecurityHeaderOptions& options, bool public_route) {
  if (!options.content_security_policy.empty()) {
    response.headers.Set("Content-Security-Policy", options.content_security_policy);
  }
  response.headers.Set("X-Content-Type-Options", "nosniff");
  response.headers.Set("Referrer-Policy", "no-referrer");
  // Decide on the decoded first segment, as the router does: "/%61pi/…" routes to "/api/…"
  // and must not escape no-store.
  bool api = false;
  if (!path.empty() && path.front() == '/') {
    std::string_view first = SplitPath(path).front();
    auto decoded = PercentDecode(first, /*plus_is_space=*/false);
    api = !decoded.ok() || *decoded == "api";  // undecodable: err on the safe side
  }
  if (api && !(public_route && response.headers.Get("Cache-Control"))) {
    response.headers.Set("Cache-Control", "no-store");
  }
}

void RecordAccess(const AccessLogPolicy& policy, const RouteMatch& match, int status) {
  if (policy.sink == nullptr || !policy.log_named_routes || !match.found()) return;
  if (match.route->privacy() != Privacy::kNamed) return;
  auto now = policy.clock ? policy.clock() : std::chrono::system_clock::now();
  AccessLogEntry entry;
  entry.method = match.route->method();
  entry.route = match.route->pattern();
  entry.status = status;
  entry.time = CoarsenTime(now, policy.granularity);
  try {
    policy.sink->Record(entry);
  } catch (...) {
    // A failing log must not fail the request (the response is already decided).
    spdlog::error("access log sink threw an exception");
  }
}

}  // namespace candor::http
