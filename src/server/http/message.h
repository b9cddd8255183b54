// Plain HTTP request and response values, independent of Boost.Beast, so that handlers are
// unit-testable without sockets: build a Request, call the handler, inspect the Response.
//
// These are passive values with no invariants beyond their fields; not thread-safe to mutate
// from several threads, safe to read concurrently.
#ifndef CANDOR_SERVER_HTTP_MESSAGE_H_
#define CANDOR_SERVER_HTTP_MESSAGE_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace candor::http {

// ASCII case-insensitive equality (header names, media types, cookie attribute names).
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// Header fields in arrival order; names compare case-insensitively (RFC 9110 §5.1).
class Headers {
 public:
  using Field = std::pair<std::string, std::string>;

  // Appends a field (a name may repeat).
  void Add(std::string name, std::string value);
  // Replaces every field called `name` with one field.
  void Set(std::string name, std::string value);
  // Removes every field called `name`.
  void Remove(std::string_view name);
  // The first field called `name`, if any.
  std::optional<std::string_view> Get(std::string_view name) const;
  bool Has(std::string_view name) const { return Get(name).has_value(); }

  const std::vector<Field>& fields() const { return fields_; }
  bool empty() const { return fields_.empty(); }

 private:
  std::vector<Field> fields_;
};

// Query and path parameters by name. std::less<> allows lookup by string_view.
using Params = std::map<std::string, std::string, std::less<>>;

// One request, as handlers see it.
//
// Privacy: for routes declared anonymous (router.h) the server fills only what the handler
// needs: `peer_address` stays empty and `headers` keeps only an allowlist (no Cookie,
// Authorization, User-Agent, Referer or X-Forwarded-For; see exchange.h).
struct Request {
  std::string method;  // as sent, e.g. "GET"
  std::string path;    // the target's path, still percent-encoded, e.g. "/api/v1/orgs/acme"
  Params query;        // decoded query parameters ('+' is a space); names are unique
  Headers headers;
  std::string body;
  bool is_tls = false;                      // the connection to this server is TLS
  bool forwarded_https = false;             // a trusted reverse proxy said X-Forwarded-Proto: https
  Params path_params;                       // decoded values of the route's {param} segments
  std::optional<std::string> peer_address;  // named routes only: the TCP peer's IP

  // The client reached us over HTTPS, directly or through the trusted proxy.
  bool secure() const { return is_tls || forwarded_https; }
  // A path or query parameter, or nullopt.
  std::optional<std::string_view> PathParam(std::string_view name) const;
  std::optional<std::string_view> QueryParam(std::string_view name) const;
};

// One response. The server adds Content-Length, Connection and the security headers.
struct Response {
  int status = 200;
  Headers headers;
  std::string body;
  // When set, sent instead of `body` without a copy: a large answer shared by every request
  // that asks for it (an immutable roster version), so parallel readers cost no memory each.
  std::shared_ptr<const std::string> shared_body;

  // A text/plain; charset=utf-8 response.
  static Response Text(int status, std::string body);
};

// The parts of a request target in origin form ("/path?query").
struct Target {
  std::string path;  // still percent-encoded
  Params query;
};

// Parses an origin-form target. Errors (kInvalidArgument): not starting with '/', a bad
// %-escape, a path segment that decodes to contain '/' or NUL (an encoded slash would let
// "/a%2Fb" and "/a/b" differ for the router but not for a file system), a fragment, or a
// repeated query parameter name (ambiguity between layers is how parameter pollution works).
Result<Target> ParseTarget(std::string_view target);

// Percent-decoding. With `plus_is_space` (query strings), '+' decodes to ' '.
// Error: '%' not followed by two hex digits.
Result<std::string> PercentDecode(std::string_view text, bool plus_is_space);

// Splits a path ("/a/b/") into its segments ({"a", "b", ""}), still encoded.
// REQUIRES: path starts with '/'.
std::vector<std::string_view> SplitPath(std::string_view path);

}  // namespace candor::http

#endif  // CANDOR_SERVER_HTTP_MESSAGE_H_
