#include "server/http/cookies.h"

#include <algorithm>

namespace candor::http {
namespace {

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// RFC 9110 tchar.
bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// RFC 6265 §4.1.1 cookie-octet: visible ASCII except DQUOTE, comma, semicolon, backslash.
bool IsCookieOctet(char c) {
  auto b = static_cast<unsigned char>(c);
  return b == 0x21 || (b >= 0x23 && b <= 0x2B) || (b >= 0x2D && b <= 0x3A) ||
         (b >= 0x3C && b <= 0x5B) || (b >= 0x5D && b <= 0x7E);
}

}  // namespace

Params ParseCookieHeader(std::string_view header) {
  Params out;
  while (!header.empty()) {
    std::size_t semi = header.find(';');
    std::string_view pair = header.substr(0, semi);
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view name = TrimSpaces(pair.substr(0, eq));
    std::string_view value = TrimSpaces(pair.substr(eq + 1));
    if (name.empty()) continue;
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    out.emplace(std::string(name), std::string(value));  // first occurrence wins
  }
  return out;
}

std::optional<std::string> GetCookie(const Request& request, std::string_view name) {
  for (const auto& [field, value] : request.headers.fields()) {
    if (!EqualsIgnoreCase(field, "Cookie")) continue;
    Params cookies = ParseCookieHeader(value);
    auto it = cookies.find(name);
    if (it != cookies.end()) return it->second;
  }
  return std::nullopt;
}

Result<std::string> BuildSetCookie(std::string_view name, std::string_view value,
                                   std::chrono::seconds max_age, bool secure) {
  if (name.empty() || !std::all_of(name.begin(), name.end(), IsTokenChar)) {
    return InvalidArgument("cookie name must be a token (letters, digits, -_.!#$%&'*+^`|~)");
  }
  if (!std::all_of(value.begin(), value.end(), IsCookieOctet)) {
    return InvalidArgument("cookie " + std::string(name) +
                           ": value may contain only visible ASCII without \" , ; or \\");
  }
  if (max_age.count() < 0) return InvalidArgument("cookie max-age must not be negative");
  bool prefixed = name.starts_with("__Host-") || name.starts_with("__Secure-");
  if (prefixed && !secure) {
    return Error(ErrorCode::kFailedPrecondition,
                 "cookie " + std::string(name) + " needs the Secure flag, which needs HTTPS");
  }
  std::string out = std::string(name) + "=" + std::string(value) +
                    "; Path=/; Max-Age=" + std::to_string(max_age.count()) +
                    "; HttpOnly; SameSite=Strict";
  if (secure) out += "; Secure";
  return out;
}

Result<std::string> BuildSetCookie(const Request& request, std::string_view name,
                                   std::string_view value, std::chrono::seconds max_age) {
  return BuildSetCookie(name, value, max_age, request.secure());
}

Result<std::string> BuildClearCookie(const Request& request, std::string_view name) {
  return BuildSetCookie(name, "", std::chrono::seconds(0), request.secure());
}

}  // namespace candor::http
