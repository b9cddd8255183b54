// What the server does with one request between reading it and writing the answer, kept
// apart from the sockets (server.cc) so that it is testable without them. Used by the
// server; a handler author needs none of this.
//
// All functions are thread-safe given a thread-safe sink and clock.
#ifndef CANDOR_SERVER_HTTP_EXCHANGE_H_
#define CANDOR_SERVER_HTTP_EXCHANGE_H_

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "server/http/access_log.h"
#include "server/http/message.h"
#include "server/http/router.h"

namespace candor::http {

// Everything the web front end needs and nothing more: its own scripts, styles, images,
// workers and API, no inline script or style, no plugin, no frame, no form that submits by
// itself (every form is handled by script, so a passphrase can never end up in a URL), and
// 'wasm-unsafe-eval' because libsodium is WebAssembly (compiled from bytes in its own script,
// which CSP treats like eval). No third-party origin is allowed anywhere.
inline constexpr std::string_view kDefaultContentSecurityPolicy =
    "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
    "img-src 'self'; connect-src 'self'; worker-src 'self'; manifest-src 'self'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

using WallClock = std::function<std::chrono::system_clock::time_point()>;

// The headers an anonymous route's handler may see; every other header is dropped before
// the handler runs. An allowlist rather than a blocklist, so that a new identifying header
// (a proxy's client-IP header, a fingerprinting hint) is excluded by default.
bool IsAnonymousSafeHeader(std::string_view name);

// Removes from `request` everything an anonymous route must not see: headers outside the
// allowlist (Cookie, Authorization, User-Agent, Referer, X-Forwarded-For, …) and any peer
// address.
void RedactForAnonymous(Request& request);

// Sets request.forwarded_https from X-Forwarded-Proto when `trust_proxy`; otherwise leaves
// it false whatever the client sent. With several comma-separated values, the first (the
// outermost proxy's) counts.
void ApplyForwardedProto(Request& request, bool trust_proxy);

// Runs the matched route's handler, or answers 404/405 when nothing matched. An exception
// from the handler becomes a 500 JSON error without details; for named routes it is logged
// with the route pattern and the exception's message, for anonymous routes not at all (a
// log line's timestamp would date the anonymous action). For anonymous routes, any
// Set-Cookie the handler returns is dropped: an anonymous action must not be given an
// identifier.
// REQUIRES: when match.found(), request.path_params already holds match.params.
Response RunRoute(const RouteMatch& match, const Request& request);

// Overwrites the request body's bytes (crypto::WipeString) once its route has answered: a
// named route's body may hold a password (sign-in, a new account, a second factor), an
// anonymous one a cable's access key (security review L6).
void WipeRequestBody(Request& request);

// The route's RouteOptions::inline_answer, under RunRoute's rules (an exception is a 500, a
// Set-Cookie of an anonymous route is dropped); nullopt when it has none or it answers nullopt.
// REQUIRES: match.found().
std::optional<Response> RunInlineAnswer(const RouteMatch& match, const Request& request);

struct SecurityHeaderOptions {
  std::string content_security_policy = std::string(kDefaultContentSecurityPolicy);
};

// Adds the headers every response carries: Content-Security-Policy,
// X-Content-Type-Options: nosniff, Referrer-Policy: no-referrer, and for paths under /api/
// Cache-Control: no-store (replacing whatever the handler set: API answers may be personal).
// `public_route`: the answer of an anonymous route, which may keep a Cache-Control of its own
// (public data that never changes, like a roster version); every other answer gets no-store.
// `path` is Request::path (still encoded).
void AddSecurityHeaders(Response& response, std::string_view path,
                        const SecurityHeaderOptions& options, bool public_route = false);

struct AccessLogPolicy {
  AccessLogSink* sink = nullptr;  // not owned; null: no access log
  bool log_named_routes = true;
  WallClock clock;  // null: std::chrono::system_clock::now
  std::chrono::seconds granularity{3600};
};

// Passes an entry to the sink when the match is a *named* route and logging is on.
// Anonymous routes and unmatched requests never reach the sink.
void RecordAccess(const AccessLogPolicy& policy, const RouteMatch& match, int status);

}  // namespace candor::http

#endif  // CANDOR_SERVER_HTTP_EXCHANGE_H_
