// Cookies for the named roles' sessions (DESIGN.md: "a session cookie (HttpOnly,
// SameSite=Strict, CSRF token)"). Anonymous routes never see cookies (router.h), so nothing
// here is ever applied to an anonymous request.
//
// All functions are pure and thread-safe.
#ifndef CANDOR_SERVER_HTTP_COOKIES_H_
#define CANDOR_SERVER_HTTP_COOKIES_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "server/http/message.h"

namespace candor::http {

// Parses one Cookie header ("a=1; b=2") leniently, as browsers send it: pairs without '='
// or with an empty name are skipped, surrounding spaces and one pair of double quotes
// around a value are removed, and when a name repeats the first occurrence wins (browsers
// send the most specific path first).
Params ParseCookieHeader(std::string_view header);

// The value of cookie `name` across all of the request's Cookie headers, or nullopt.
std::optional<std::string> GetCookie(const Request& request, std::string_view name);

// A Set-Cookie value: `name=value; Path=/; Max-Age=N; HttpOnly; SameSite=Strict`, plus
// `; Secure` when `secure`. Max-Age 0 deletes the cookie.
// Errors (kInvalidArgument): a name that is not an RFC 6265 token, a value with characters
// outside cookie-octet (no spaces, quotes, commas, semicolons or backslashes: encode session
// tokens as hex or base64url), or a negative max_age. kFailedPrecondition: a name starting
// with "__Host-" or "__Secure-" without `secure` (browsers would refuse it).
Result<std::string> BuildSetCookie(std::string_view name, std::string_view value,
                                   std::chrono::seconds max_age, bool secure);

// As above with `secure` = request.secure(): the connection is TLS, or the request came
// through a trusted reverse proxy that received it over HTTPS (ServerOptions::trust_proxy).
Result<std::string> BuildSetCookie(const Request& request, std::string_view name,
                                   std::string_view value, std::chrono::seconds max_age);

// A Set-Cookie value that deletes cookie `name` (empty value, Max-Age=0).
Result<std::string> BuildClearCookie(const Request& request, std::string_view name);

}  // namespace candor::http

#endif  // CANDOR_SERVER_HTTP_COOKIES_H_
