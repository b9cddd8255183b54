#include "server/http/router.h"

#include <algorithm>
#include <set>

#include "server/http/json.h"

namespace candor::http {
namespace {

bool IsUpperToken(std::string_view s) {
  if (s.empty() || s.size() > 32) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

bool IsParamName(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

}  // namespace

Status Router::Add(std::string_view method, std::string_view pattern, Privacy privacy,
                   Handler handler, RouteOptions options) {
  auto where = [&] { return std::string(method) + " " + std::string(pattern) + ": "; };
  if (!IsUpperToken(method)) {
    return InvalidArgument(where() + "the method must be an upper-case token such as GET");
  }
  if (pattern.empty() || pattern.front() != '/') {
    return InvalidArgument(where() + "a route pattern must start with '/'");
  }
  if (!handler) return InvalidArgument(where() + "the handler is empty");
  auto route = std::make_unique<Route>();
  route->method_ = std::string(method);
  route->pattern_ = std::string(pattern);
  route->privacy_ = privacy;
  route->options_ = std::move(options);
  route->handler_ = std::move(handler);
  std::set<std::string, std::less<>> names;
  std::vector<std::string_view> parts = SplitPath(pattern);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    std::string_view part = parts[i];
    bool braced = !part.empty() && part.front() == '{';
    if (!braced) {
      if (part.find_first_of("{}") != std::string_view::npos) {
        return InvalidArgument(where() + "a parameter must be a whole segment: '" +
                               std::string(part) + "'");
      }
      // Literals compare against decoded segments, so they are stored as written: a pattern
      // literal must not contain '%' (it would be ambiguous whether it is encoded).
      if (part.find('%') != std::string_view::npos) {
        return InvalidArgument(where() + "a literal segment must not contain '%'");
      }
      route->segments_.push_back({Route::SegmentKind::kLiteral, std::string(part)});
      continue;
    }
    if (part.back() != '}') {
      return InvalidArgument(where() + "unterminated parameter '" + std::string(part) + "'");
    }
    std::string_view inner = part.substr(1, part.size() - 2);
    Route::SegmentKind kind = Route::SegmentKind::kParam;
    if (!inner.empty() && inner.front() == '*') {
      kind = Route::SegmentKind::kCatchAll;
      inner.remove_prefix(1);
      if (i + 1 != parts.size()) {
        return InvalidArgument(where() + "a catch-all {*" + std::string(inner) +
                               "} must be the last segment");
      }
    }
    if (!IsParamName(inner)) {
      return InvalidArgument(where() + "bad parameter name '" + std::string(inner) +
                             "' (letters, digits and '_')");
    }
    if (!names.emplace(inner).second) {
      return InvalidArgument(where() + "parameter '" + std::string(inner) + "' appears twice");
    }
    route->segments_.push_back({kind, std::string(inner)});
  }
  for (const auto& existing : routes_) {
    if (existing->method_ != route->method_ ||
        existing->segments_.size() != route->segments_.size()) {
      continue;
    }
    bool same_shape = true;
    for (std::size_t i = 0; i < route->segments_.size() && same_shape; ++i) {
      const auto& a = existing->segments_[i];
      const auto& b = route->segments_[i];
      same_shape = a.kind == b.kind && (a.kind != Route::SegmentKind::kLiteral || a.text == b.text);
    }
    if (same_shape) {
      return Error(ErrorCode::kAlreadyExists,
                   where() + "conflicts with the route " + existing->pattern_);
    }
  }
  routes_.push_back(std::move(route));
  return Status::Ok();
}

RouteMatch Router::Match(std::string_view method, std::string_view path) const {
  // HEAD is GET without the body (RFC 9110 §9.3.2): every GET route answers it; the server
  // sends the headers, Content-Length included, and no body.
  if (method == "HEAD") method = "GET";
  RouteMatch out;
  if (path.empty() || path.front() != '/') return out;
  std::vector<std::string> segments;
  for (std::string_view raw : SplitPath(path)) {
    auto decoded = PercentDecode(raw, /*plus_is_space=*/false);
    if (!decoded.ok()) return out;
    segments.push_back(std::move(*decoded));
  }

  const Route* best = nullptr;
  std::vector<int> best_rank;
  std::set<std::string> allow;
  for (const auto& route : routes_) {
    const auto& pattern = route->segments_;
    bool catch_all = !pattern.empty() && pattern.back().kind == Route::SegmentKind::kCatchAll;
    std::size_t fixed = catch_all ? pattern.size() - 1 : pattern.size();
    if (catch_all ? segments.size() < fixed : segments.size() != fixed) continue;
    bool matches = true;
    std::vector<int> rank;
    for (std::size_t i = 0; i < fixed && matches; ++i) {
      if (pattern[i].kind == Route::SegmentKind::kLiteral) {
        matches = pattern[i].text == segments[i];
      } else {
        // A parameter never matches an empty segment: "/orgs//roster" is not a slug.
        matches = !segments[i].empty();
      }
      rank.push_back(static_cast<int>(pattern[i].kind));
    }
    if (!matches) continue;
    if (catch_all) rank.push_back(static_cast<int>(Route::SegmentKind::kCatchAll));
    if (route->method_ != method) {
      allow.insert(route->method_);
      continue;
    }
    // Lexicographically smaller rank = more specific (literal 0 < param 1 < catch-all 2).
    if (best == nullptr || rank < best_rank) {
      best = route.get();
      best_rank = std::move(rank);
    }
  }

  if (best == nullptr) {
    if (allow.count("GET") > 0) allow.insert("HEAD");
    if (!allow.empty()) {
      out.kind = RouteMatch::Kind::kMethodNotAllowed;
      out.allow.assign(allow.begin(), allow.end());
    }
    return out;
  }
  out.kind = RouteMatch::Kind::kFound;
  out.route = best;
  const auto& pattern = best->segments_;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    switch (pattern[i].kind) {
      case Route::SegmentKind::kLiteral:
        break;
      case Route::SegmentKind::kParam:
        out.params[pattern[i].text] = std::move(segments[i]);
        break;
      case Route::SegmentKind::kCatchAll: {
        std::string rest;
        for (std::size_t k = i; k < segments.size(); ++k) {
          if (k > i) rest += '/';
          rest += segments[k];
        }
        out.params[pattern[i].text] = std::move(rest);
        break;
      }
    }
  }
  return out;
}

Response NoRouteResponse(const RouteMatch& match) {
  if (match.kind == RouteMatch::Kind::kMethodNotAllowed) {
    std::string allow;
    for (const auto& m : match.allow) {
      if (!allow.empty()) allow += ", ";
      allow += m;
    }
    Response r = ErrorResponse(405, "method_not_allowed",
                               "this path does not accept that method; it accepts " + allow);
    r.headers.Set("Allow", allow);
    return r;
  }
  return ErrorResponse(404, "not_found", "no such path");
}

}  // namespace candor::http
