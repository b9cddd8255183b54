// The route table: method + path pattern → handler, each route marked anonymous or named.
//
// Patterns are absolute paths whose segments are literals, `{name}` parameters (one whole
// segment) or, as the last segment only, a `{*name}` catch-all (the rest of the path, zero or
// more segments, joined with '/'):
//
//   /api/v1/orgs/{slug}/roster/{version}
//   /static/{*path}
//
// Where several patterns match a path, the most specific wins, segment by segment from the
// left: a literal beats a parameter, which beats a catch-all. So `/orgs/new` is chosen over
// `/orgs/{slug}` for "/orgs/new" whatever the order of registration.
//
// Thread safety: Add is not thread-safe; build the Router completely, then hand it to the
// Server (which owns it from then on), after which Match is called concurrently.
#ifndef CANDOR_SERVER_HTTP_ROUTER_H_
#define CANDOR_SERVER_HTTP_ROUTER_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "server/http/message.h"

namespace candor::http {

// Whether a route may learn who is calling (DESIGN.md: "Anonymous actions carry no session
// at all").
//  - kAnonymous: never access-logged; the server does not look up the peer address; the
//    handler sees no cookies, no Authorization, no User-Agent and no forwarding headers,
//    and any Set-Cookie it returns is dropped. Signing a letter, posting an anonymous cable,
//    reading a reply with a receipt secret, and every public read.
//  - kNamed: may be access-logged, sees the peer address, cookies and all headers. Login
//    and everything a logged-in officer, reviewer or administrator does.
enum class Privacy { kAnonymous, kNamed };

// A handler turns a request into a response. It runs on a server I/O thread, so it must be
// thread-safe, and it should not block for long. Report errors as responses (json.h's
// ErrorResponse); an exception escaping a handler becomes a bare 500.
using Handler = std::function<Response(const Request&)>;

struct RouteOptions {
  // Overrides ServerOptions::max_body_bytes for this route (e.g. larger for a cable).
  std::optional<std::size_t> max_body_bytes;
  // The handler is CPU-heavy (a ring-signature check, a password hash): it runs on the
  // server's bounded worker pool, never on an I/O thread, and a request that finds the pool
  // full is answered 503 with Retry-After at once (ServerOptions::worker_threads).
  bool offload = false;
  // With offload: tried first on the I/O thread, and the request goes to the pool only when it
  // answers nullopt. For answers that are usually ready (a cached roster version) but costly
  // to make the first time: the hit stays fast, the miss never stalls an I/O thread. Must not
  // block. Its answer is treated as the handler's (RunInlineAnswer).
  std::function<std::optional<Response>(const Request&)> inline_answer;
};

// One registered route. Immutable once added.
class Route {
 public:
  const std::string& method() const { return method_; }
  const std::string& pattern() const { return pattern_; }
  Privacy privacy() const { return privacy_; }
  const RouteOptions& options() const { return options_; }
  const Handler& handler() const { return handler_; }

 private:
  friend class Router;
  enum class SegmentKind { kLiteral = 0, kParam = 1, kCatchAll = 2 };
  struct Segment {
    SegmentKind kind;
    std::string text;  // the literal, or the parameter's name
  };

  std::string method_;
  std::string pattern_;
  Privacy privacy_ = Privacy::kNamed;
  RouteOptions options_;
  Handler handler_;
  std::vector<Segment> segments_;
};

// The result of looking a request up.
struct RouteMatch {
  enum class Kind { kFound, kNotFound, kMethodNotAllowed };
  Kind kind = Kind::kNotFound;
  const Route* route = nullptr;    // kFound: owned by the Router
  Params params;                   // kFound: decoded {param} values
  std::vector<std::string> allow;  // kMethodNotAllowed: the methods the path does accept

  bool found() const { return kind == Kind::kFound; }
};

class Router {
 public:
  Router() = default;
  Router(Router&&) = default;
  Router& operator=(Router&&) = default;

  // Registers a route. Errors (kInvalidArgument): the method is not an upper-case token;
  // the pattern does not start with '/', has a malformed or repeated `{param}`, or a
  // catch-all that is not last. kAlreadyExists: a route with the same method and the same
  // shape (literals and parameter positions) is already registered.
  [[nodiscard]] Status Add(std::string_view method, std::string_view pattern, Privacy privacy,
                           Handler handler, RouteOptions options = {});
  // Shorthands for Add with the privacy spelled in the name.
  [[nodiscard]] Status Anonymous(std::string_view method, std::string_view pattern, Handler handler,
                                 RouteOptions options = {}) {
    return Add(method, pattern, Privacy::kAnonymous, std::move(handler), std::move(options));
  }
  [[nodiscard]] Status Named(std::string_view method, std::string_view pattern, Handler handler,
                             RouteOptions options = {}) {
    return Add(method, pattern, Privacy::kNamed, std::move(handler), std::move(options));
  }

  // Finds the route for `method` and the still-encoded `path` (as in Request::path).
  // A path whose segments do not decode matches nothing.
  RouteMatch Match(std::string_view method, std::string_view path) const;

  std::size_t size() const { return routes_.size(); }

 private:
  // unique_ptr keeps Route addresses stable for RouteMatch::route.
  std::vector<std::unique_ptr<Route>> routes_;
};

// The JSON 404 for kNotFound, or the JSON 405 with an Allow header for kMethodNotAllowed.
// REQUIRES: !match.found().
Response NoRouteResponse(const RouteMatch& match);

}  // namespace candor::http

#endif  // CANDOR_SERVER_HTTP_ROUTER_H_
