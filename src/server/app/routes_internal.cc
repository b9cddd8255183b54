#include "server/app/routes_internal.h"

#include "domain/strict_json.h"

namespace candor::app::api {

// Options of a route whose handler is CPU-heavy — a ring signature checked over a whole ring,
// an Argon2id hash, a bundle's proofs — so that it runs on the server's bounded worker pool
// and never holds an I/O thread (security review H5, M5, M6).
http::RouteOptions Heavy() {
  http::RouteOptions o;
  o.offload = true;
  return o;
}

Result<std::string> PathParam(const Request& req, std::string_view name) {
  auto v = req.PathParam(name);
  if (!v) return InvalidArgument("missing path parameter " + std::string(name));
  return std::string(*v);
}

Result<std::uint64_t> ParseU64(std::string_view v, std::string_view name) {
  auto bad = [&] {
    return InvalidArgument("'" + std::string(name) +
                           "' must be a whole number written plainly (like 12)");
  };
  if (v.empty() || v.size() > 19 || (v.size() > 1 && v.front() == '0')) return bad();
  std::uint64_t out = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return bad();
    out = out * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return out;
}

Result<std::uint64_t> QueryU64(const Request& req, std::string_view name) {
  auto v = req.QueryParam(name);
  if (!v) return InvalidArgument("missing query parameter '" + std::string(name) + "'");
  return ParseU64(*v, name);
}

Result<std::int64_t> PathId(const Request& req, std::string_view name, std::string_view what) {
  CANDOR_ASSIGN_OR_RETURN(std::string text, PathParam(req, name));
  CANDOR_ASSIGN_OR_RETURN(std::uint64_t id, ParseU64(text, name));
  if (id == 0 || id > static_cast<std::uint64_t>(INT64_MAX)) {
    return InvalidArgument(std::string(what) + " must be from 1 to " + std::to_string(INT64_MAX));
  }
  return static_cast<std::int64_t>(id);
}

Result<bool> QueryFlag(const Request& req, std::string_view name) {
  auto v = req.QueryParam(name);
  if (!v || *v == "0") return false;
  if (*v == "1") return true;
  return InvalidArgument("'" + std::string(name) + "' must be 0 or 1");
}

Result<domain::LetterId> LetterIdParam(const Request& req) {
  CANDOR_ASSIGN_OR_RETURN(std::string id, PathParam(req, "id"));
  return crypto::FixedFromHex<domain::LetterId>(id, "letter id");
}

Result<std::int64_t> DraftIdParam(const Request& req) { return PathId(req, "id", "a draft id"); }

Result<Response> SignedOut(const Request& req) {
  Response r = NoContent();
  CANDOR_ASSIGN_OR_RETURN(std::string cookie, http::BuildClearCookie(req, SessionCookieName(req)));
  r.headers.Add("Set-Cookie", cookie);
  return r;
}

Result<domain::CableId> CableIdFrom(const std::string& hex) {
  auto id = crypto::FixedFromHex<domain::CableId>(hex, "cable id");
  if (!id.ok()) return InvalidArgument("a cable id is 64 hexadecimal characters");
  return id;
}

Result<BundlePage> PageParams(const Request& req) {
  BundlePage page;
  if (req.QueryParam("tree_size")) {
    CANDOR_ASSIGN_OR_RETURN(page.tree_size, QueryU64(req, "tree_size"));
  }
  if (req.QueryParam("start")) {
    CANDOR_ASSIGN_OR_RETURN(page.start, QueryU64(req, "start"));
  }
  if (req.QueryParam("limit")) {
    CANDOR_ASSIGN_OR_RETURN(page.limit, QueryU64(req, "limit"));
  }
  return page;
}

Result<domain::CableId> CableIdBody(const Request& req) {
  CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
  std::string id_hex;
  domain::FieldReader f(body, "the request");
  f.Required("id", id_hex);
  CANDOR_RETURN_IF_ERROR(f.Finish());
  return CableIdFrom(id_hex);
}

}  // namespace candor::app::api
