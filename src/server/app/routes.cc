#include "server/app/routes.h"

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <set>

#include "crypto/bytes.h"
#include "crypto/receipt.h"
#include "crypto/transcript.h"
#include "domain/bundle.h"
#include "domain/cable.h"
#include "domain/cosignature.h"
#include "domain/letter.h"
#include "domain/strict_json.h"
#include "domain/web_release.h"
#include "server/http/cookies.h"
#include "server/http/json.h"

namespace candor::app {
namespace {

// Options of a route whose handler is CPU-heavy — a ring signature checked over a whole ring,
// an Argon2id hash, a bundle's proofs — so that it runs on the server's bounded worker pool
// and never holds an I/O thread (security review H5, M5, M6).
http::RouteOptions Heavy() {
  http::RouteOptions o;
  o.offload = true;
  return o;
}

using http::Request;
using http::Response;
using Json = nlohmann::json;

Response Ok(const Json& body, int status = 200) { return http::JsonResponse(status, body); }
Response NoContent() { return Response::Text(204, ""); }
Response Fail(const Error& e) { return http::ErrorResponse(e); }

// Runs `body` and turns an error into the uniform JSON error response.
template <typename F>
Response Guard(F&& body) {
  Result<Response> r = body();
  return r.ok() ? std::move(r).value() : Fail(r.error());
}

// Wipes, however the handler returns, the copies of a password it made: its own and the parsed
// body's (security review L6). The request's raw bytes are wiped by the server
// (http::WipeRequestBody).
class PasswordCopies {
 public:
  PasswordCopies(Json& body, std::string& own) : body_(body), own_(own) {}
  ~PasswordCopies() {
    crypto::WipeString(own_);
    if (!body_.is_object()) return;
    if (auto it = body_.find("password"); it != body_.end() && it->is_string()) {
      crypto::WipeString(it->get_ref<std::string&>());
    }
  }
  PasswordCopies(const PasswordCopies&) = delete;
  PasswordCopies& operator=(const PasswordCopies&) = delete;

 private:
  Json& body_;
  std::string& own_;
};

// The handler of an anonymous route: `f`'s error becomes the uniform JSON error response.
template <typename F>
http::Handler Anon(F f) {
  return [f](const Request& req) { return Guard([&]() -> Result<Response> { return f(req); }); };
}

std::string Hex(const store::Blob& b) { return crypto::ToHex(crypto::ByteSpan(b)); }

// GET /cable-quota and /letter-quota: the window now and the (slot, tag) pairs used in it.
Json QuotaToJson(const CableQuotaView& q) {
  Json used = Json::array();
  for (const auto& [slot, tag] : q.used)
    used.push_back({{"slot", slot}, {"tag", crypto::ToHex(tag)}});
  return {{"window", q.window},
          {"window_ms", q.window_ms},
          {"window_ends_ms", q.window_ends_ms},
          {"slots", q.slots},
          {"used", used}};
}

Result<std::string> PathParam(const Request& req, std::string_view name) {
  auto v = req.PathParam(name);
  if (!v) return InvalidArgument("missing path parameter " + std::string(name));
  return std::string(*v);
}

// A number in a URL, canonical only: decimal digits, no sign, no leading zero (but "0"), at
// most 19 digits (so it fits, though it may exceed INT64_MAX: callers bound it).
Result<std::uint64_t> Decimal(std::string_view v, std::string_view name) {
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
  return Decimal(*v, name);
}

// A path parameter naming a row (an account, a draft, a roster version): 1 … INT64_MAX.
Result<std::int64_t> PathId(const Request& req, std::string_view name, std::string_view what) {
  CANDOR_ASSIGN_OR_RETURN(std::string text, PathParam(req, name));
  CANDOR_ASSIGN_OR_RETURN(std::uint64_t id, Decimal(text, name));
  if (id == 0 || id > static_cast<std::uint64_t>(INT64_MAX)) {
    return InvalidArgument(std::string(what) + " must be from 1 to " + std::to_string(INT64_MAX));
  }
  return static_cast<std::int64_t>(id);
}

// A query flag: absent, "0" or "1"; anything else is refused rather than read as false.
Result<bool> QueryFlag(const Request& req, std::string_view name) {
  auto v = req.QueryParam(name);
  if (!v || *v == "0") return false;
  if (*v == "1") return true;
  return InvalidArgument("'" + std::string(name) + "' must be 0 or 1");
}

Json RolesToJson(std::uint32_t roles) {
  Json out = Json::array();
  if (roles & store::kRoleAdministrator) out.push_back("administrator");
  if (roles & store::kRoleEnrollmentOfficer) out.push_back("enrollment_officer");
  if (roles & store::kRoleReviewer) out.push_back("reviewer");
  return out;
}

Result<std::uint32_t> RolesFromJson(const std::vector<std::string>& names) {
  std::uint32_t roles = 0;
  for (const auto& n : names) {
    if (n == "administrator")
      roles |= store::kRoleAdministrator;
    else if (n == "enrollment_officer")
      roles |= store::kRoleEnrollmentOfficer;
    else if (n == "reviewer")
      roles |= store::kRoleReviewer;
    else
      return InvalidArgument("unknown role '" + n + "'");
  }
  if (roles == 0) return InvalidArgument("give at least one role");
  return roles;
}

Json AccountToJson(const store::AccountRecord& a, const std::string& org) {
  return Json{{"id", a.id},
              {"organization", org},
              {"username", a.username},
              {"roles", RolesToJson(a.roles)},
              {"disabled", a.disabled},
              {"totp", a.totp_secret.has_value()}};
}

Json SthToJson(const tlog::SignedTreeHead& sth) {
  return Json{{"tree_size", sth.head.size},
              {"root", crypto::ToHex(sth.head.root)},
              {"timestamp_ms", sth.head.timestamp_ms},
              {"signature", crypto::ToHex(sth.signature)}};
}

Json HashesToJson(const std::vector<tlog::Hash>& hashes) {
  Json out = Json::array();
  for (const auto& h : hashes) out.push_back(crypto::ToHex(h));
  return out;
}

Json RosterToJson(const RosterView& r) {
  Json members = Json::array();
  for (const auto& m : r.members) {
    members.push_back({{"ring_public", Hex(m.ring_public)}, {"reply_public", Hex(m.box_public)}});
  }
  return Json{{"organization", r.organization},
              {"version", r.version},
              {"size", r.members.size()},
              {"digest", crypto::ToHex(r.digest)},
              {"members", members}};
}

// GET /roster's answers, one per (organization, version), shared by every request that asks for
// it without a copy (http::Response::shared_body): a version never changes, so an answer never
// goes stale. At most kMaxBytes in all, the oldest dropped first — except the newest answer,
// which is kept whatever its size (a 10^6-member roster is 165 MB: one shared copy, rather
// than one per reader).
class RosterBodies {
 public:
  static constexpr std::size_t kMaxBytes = std::size_t{64} << 20;

  // A version's JSON and its entity tag (a hash of exactly those bytes).
  struct Entry {
    std::shared_ptr<const std::string> body;
    std::string etag;
  };

  std::optional<Entry> Find(const std::string& slug, std::int64_t version) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = bodies_.find({slug, version});
    if (it == bodies_.end()) return std::nullopt;
    return it->second;
  }

  void Put(const std::string& slug, std::int64_t version, const Entry& entry) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!bodies_.emplace(std::make_pair(slug, version), entry).second) return;
    order_.emplace_back(slug, version);
    bytes_ += entry.body->size();
    while (bytes_ > kMaxBytes && order_.size() > 1) {
      auto it = bodies_.find(order_.front());
      bytes_ -= it->second.body->size();
      bodies_.erase(it);
      order_.pop_front();
    }
  }

 private:
  std::mutex mu_;
  std::map<std::pair<std::string, std::int64_t>, Entry> bodies_;  // guarded by mu_
  std::deque<std::pair<std::string, std::int64_t>> order_;        // guarded by mu_
  std::size_t bytes_ = 0;                                         // guarded by mu_
};

// The roster of `slug` at `version`, from `bodies` or built once and kept there. A version
// never changes once made (and is logged), so `/roster/{version}` may be cached for good;
// `/roster` (the latest, `pinned` false) must be revalidated. Both carry a strong ETag, and a
// request whose If-None-Match names it gets 304 without the body.
//
// With `cached_only`, answers nullopt instead of building: the route's inline answer
// (http::RouteOptions::inline_answer), so that a hit is served on the I/O thread and only a
// miss — seconds of work for 10^6 members — goes to the worker pool.
Result<std::optional<Response>> RosterAnswer(Service* s, RosterBodies& bodies, const Request& req,
                                             const std::string& slug, std::int64_t version,
                                             bool pinned, bool cached_only) {
  std::optional<RosterBodies::Entry> entry = bodies.Find(slug, version);
  if (!entry && cached_only) return std::optional<Response>();
  if (!entry) {
    CANDOR_ASSIGN_OR_RETURN(RosterView roster, s->GetRoster(slug, version));
    auto body = std::make_shared<const std::string>(RosterToJson(roster).dump());
    const crypto::Digest32 hash = crypto::Sha256(crypto::AsBytes(*body));
    entry = RosterBodies::Entry{
        body, "\"" + crypto::ToHex(crypto::ByteSpan(hash.span().data(), 16)) + "\""};
    bodies.Put(slug, version, *entry);
  }
  Response r;
  r.headers.Set("ETag", entry->etag);
  r.headers.Set("Cache-Control", pinned ? "public, max-age=31536000, immutable" : "no-cache");
  if (auto seen = req.headers.Get("If-None-Match"); seen && *seen == entry->etag) {
    r.status = 304;
    return std::optional<Response>(std::move(r));
  }
  r.headers.Set("Content-Type", "application/json");
  r.shared_body = std::move(entry->body);
  return std::optional<Response>(std::move(r));
}

Json LetterViewToJson(const LetterView& v, std::size_t min_ring) {
  Json orgs = Json::array();
  for (std::size_t i = 0; i < v.rosters->size(); ++i) {
    const LetterRoster& r = (*v.rosters)[i];
    Json rings = Json::array();
    for (const auto& ring : *r.rings)
      rings.push_back({{"digest", crypto::ToHex(ring.digest())}, {"size", ring.size()}});
    Json o{{"slug", r.slug},
           {"name", r.name},
           {"roster_version", r.version},
           {"roster_size", r.size},
           {"rings", rings}};
    o["signers"] = v.quorum_reached ? Json(v.signers[i]) : Json(nullptr);
    orgs.push_back(std::move(o));
  }
  Json j{{"id", crypto::ToHex(v.id)},
         {"seq", v.seq},
         {"log_index", v.log_index},
         {"letter", domain::LetterToJson(v.letter)},
         {"status", v.closed ? "closed" : "open"},
         {"quorum", v.letter.quorum ? Json(*v.letter.quorum) : Json(nullptr)},
         {"quorum_reached", v.quorum_reached},
         {"min_ring_size", min_ring},
         {"organizations", orgs},
         {"batches", v.batches}};
  if (v.quorum_reached) {
    j["total"] = v.total;
    j["counts"] = "published";
  } else {
    j["total"] = nullptr;
    j["counts"] = "quorum not yet reached";
  }
  return j;
}

Json DraftToJson(const store::LetterDraftRecord& d) {
  return Json{{"id", d.id},
              {"letter", Json::parse(d.letter_json, nullptr, false)},
              {"updated_at_ms", d.updated_at_ms}};
}

Result<domain::LetterId> LetterIdParam(const Request& req) {
  CANDOR_ASSIGN_OR_RETURN(std::string id, PathParam(req, "id"));
  return crypto::FixedFromHex<domain::LetterId>(id, "letter id");
}

Result<std::int64_t> DraftIdParam(const Request& req) { return PathId(req, "id", "a draft id"); }

// 204 with the session cookie cleared: the answer to signing out, here or everywhere.
Result<Response> SignedOut(const Request& req) {
  Response r = NoContent();
  CANDOR_ASSIGN_OR_RETURN(std::string cookie, http::BuildClearCookie(req, SessionCookieName(req)));
  r.headers.Add("Set-Cookie", cookie);
  return r;
}

// Named routes: resolve the session cookie, and for state-changing methods check the CSRF
// token header against the session's.
class Named {
 public:
  explicit Named(Service& s) : service_(s) {}
  using Body = std::function<Result<Response>(const Request&, const Principal&)>;
  http::Handler operator()(Body body) const {
    Service* service = &service_;
    return [service, body = std::move(body)](const Request& req) {
      return Guard([&]() -> Result<Response> {
        auto token = http::GetCookie(req, SessionCookieName(req));
        if (!token) {
          return Error(ErrorCode::kUnauthenticated, "sign in first");
        }
        CANDOR_ASSIGN_OR_RETURN(Principal who, service->Authenticate(*token));
        if (req.method != "GET" && req.method != "HEAD") {
          auto csrf = req.headers.Get("X-CSRF-Token");
          // Compared in constant time (security review L2): hashing both first makes the
          // comparison fixed-length whatever the header holds.
          if (!csrf ||
              !crypto::ConstantTimeEqual(crypto::Sha256(crypto::AsBytes(*csrf)),
                                         crypto::Sha256(crypto::AsBytes(who.csrf_token)))) {
            return Error(ErrorCode::kPermissionDenied,
                         "missing or wrong X-CSRF-Token header (reload the page and try again)");
          }
        }
        return body(req, who);
      });
    };
  }

 private:
  Service& service_;
};

// --- Dissent cables ---

Json KeysToJson(const std::vector<crypto::BoxPublicKey>& keys) {
  Json out = Json::array();
  for (const auto& k : keys) out.push_back(crypto::ToHex(k));
  return out;
}

Result<std::vector<crypto::BoxPublicKey>> KeysFromJson(const Json& j, const char* field) {
  if (!j.is_array())
    return InvalidArgument(std::string("'") + field + "' must be a list of X25519 keys (hex)");
  if (j.size() > domain::kMaxCableRecipients + 1)
    return InvalidArgument(std::string("too many '") + field + "'");
  std::vector<crypto::BoxPublicKey> out;
  for (const auto& k : j) {
    if (!k.is_string())
      return InvalidArgument(std::string("'") + field + "' must hold only hex strings");
    CANDOR_ASSIGN_OR_RETURN(
        auto key, crypto::FixedFromHex<crypto::BoxPublicKey>(k.get<std::string>(), field));
    out.push_back(key);
  }
  return out;
}

Result<crypto::Bytes> HexField(const std::string& hex, const char* field) {
  auto b = crypto::FromHex(hex);
  if (!b.ok()) return InvalidArgument(std::string("'") + field + "' is not valid hex");
  return b;
}

Json CableViewToJson(const CableView& v) {
  const auto& c = v.clock;
  Json events = Json::array();
  for (const auto& e : v.events) {
    Json ev = {{"seq", e.seq},
               {"action", domain::CableActionName(e.action)},
               {"date", domain::FormatDate(e.date)},
               {"digest", crypto::ToHex(e.digest)},
               {"log_index", e.log_index ? Json(*e.log_index) : Json(nullptr)}};
    if (e.reviewer) ev["reviewer"] = *e.reviewer;
    if (domain::CableActionHasMessage(e.action)) {
      ev["recipients"] = KeysToJson(e.recipients);
      ev["envelope"] = e.envelope ? Json(crypto::ToHex(*e.envelope)) : Json(nullptr);
    }
    events.push_back(std::move(ev));
  }
  Json j = {{"id", crypto::ToHex(v.id)},
            {"organization", v.organization},
            {"author", domain::CableAuthorName(v.header.author)},
            {"state", v.state},
            {"published", v.published},
            {"received_on", domain::FormatDate(v.received)},
            {"policy", v.policy},
            {"deadlines",
             {{"acknowledge_by", domain::FormatDate(c.acknowledge_by)},
              {"answer_by", domain::FormatDate(c.answer_by)},
              {"acknowledged", c.acknowledged},
              {"extended", c.extended},
              {"closed", c.closed},
              {"acknowledge_overdue", c.acknowledge_overdue},
              {"answer_overdue", c.answer_overdue},
              {"overdue", c.overdue()},
              {"acknowledge_days_left", c.acknowledge_days_left},
              {"answer_days_left", c.answer_days_left},
              {"acknowledge_unit", v.acknowledge_unit},
              {"answer_unit", v.answer_unit}}},
            {"header", domain::CableHeaderToJson(v.header)},
            {"header_bytes", crypto::ToHex(v.header_bytes)},
            {"submission_digest", crypto::ToHex(v.submission_digest)},
            {"quota_slot", v.quota_slot},
            {"events", events}};
  if (v.envelope) j["envelope"] = crypto::ToHex(*v.envelope);
  if (v.signature) j["signature"] = crypto::ToHex(*v.signature);
  if (v.quota_signature) j["quota_signature"] = crypto::ToHex(*v.quota_signature);
  if (v.author_signature) j["author_signature"] = crypto::ToHex(*v.author_signature);
  return j;
}

// A cable id from a request body (never from a URL: docs/API.md).
Result<domain::CableId> CableIdFrom(const std::string& hex) {
  auto id = crypto::FixedFromHex<domain::CableId>(hex, "cable id");
  if (!id.ok()) return InvalidArgument("a cable id is 64 hexadecimal characters");
  return id;
}

// The cable named by a body that holds nothing else: {"id": hex}.
// ?tree_size=&start=&limit= of a paged proof (a letter bundle, an organization's state).
Result<Service::BundlePage> PageParams(const Request& req) {
  Service::BundlePage page;
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

Status AddCableRoutes(http::Router& router, Service& service, const Named& named) {
  Service* s = &service;
  // Hex doubles the envelope; leave room for the header and signatures of a large ring.
  http::RouteOptions large;
  large.max_body_bytes = 2 * service.config().max_cable_envelope_bytes + (std::size_t{1} << 20);
  // A submission is checked with two ring signatures: on the worker pool (RouteOptions::offload).
  http::RouteOptions large_heavy = large;
  large_heavy.offload = true;

  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "GET", "/api/v1/orgs/{slug}/reviewers", Anon([s](const Request& req) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
        CANDOR_ASSIGN_OR_RETURN(auto recipients, s->CableRecipients(slug));
        Json list = Json::array();
        for (const auto& r : recipients)
          list.push_back({{"account_id", r.account_id}, {"box_public", crypto::ToHex(r.key)}});
        return Ok({{"reviewers", list}});
      })));
  // What authors' and reviewers' clients sign within and seal to, as the log proves it
  // (candor-org-state-v1, docs/PROTOCOL.md "Organization state"); paged like a letter bundle.
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "GET", "/api/v1/orgs/{slug}/state", Anon([s](const Request& req) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
        CANDOR_ASSIGN_OR_RETURN(Service::BundlePage page, PageParams(req));
        CANDOR_ASSIGN_OR_RETURN(Json state, s->OrganizationState(slug, page));
        return Ok(state);
      })));
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "GET", "/api/v1/orgs/{slug}/cable-quota", Anon([s](const Request& req) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
        CANDOR_ASSIGN_OR_RETURN(CableQuotaView q, s->CableQuota(slug));
        return Ok(QuotaToJson(q));
      })));
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "GET", "/api/v1/orgs/{slug}/letter-quota", Anon([s](const Request& req) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
        CANDOR_ASSIGN_OR_RETURN(CableQuotaView q, s->MemberLetterQuota(slug));
        return Ok(QuotaToJson(q));
      })));
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "GET", "/api/v1/orgs/{slug}/cable-counts", Anon([s](const Request& req) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
        CANDOR_ASSIGN_OR_RETURN(CableStats st, s->CableCounts(slug));
        return Ok({{"open", st.open}, {"overdue", st.overdue}, {"closed", st.closed}});
      })));
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "POST", "/api/v1/cables", Anon([s](const Request& req) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
        Json header;
        std::string envelope, signature, quota_signature;
        std::uint64_t slot = 0;
        std::optional<std::string> author_signature;
        domain::FieldReader f(body, "the request");
        f.Required("header", header);
        f.Required("envelope", envelope);
        f.Required("signature", signature);
        f.Required("quota_slot", slot);
        f.Required("quota_signature", quota_signature);
        f.Optional("author_signature", author_signature);
        CANDOR_RETURN_IF_ERROR(f.Finish());
        CableSubmission sub;
        CANDOR_ASSIGN_OR_RETURN(sub.header, domain::CableHeaderFromJson(header));
        CANDOR_ASSIGN_OR_RETURN(sub.envelope, HexField(envelope, "envelope"));
        CANDOR_ASSIGN_OR_RETURN(sub.signature, HexField(signature, "signature"));
        sub.quota_slot = slot;
        CANDOR_ASSIGN_OR_RETURN(sub.quota_signature, HexField(quota_signature, "quota_signature"));
        if (author_signature) {
          CANDOR_ASSIGN_OR_RETURN(sub.author_signature, crypto::FixedFromHex<crypto::Signature64>(
                                                            *author_signature, "author_signature"));
        }
        CANDOR_ASSIGN_OR_RETURN(CableView v, s->SubmitCable(sub));
        return Ok(CableViewToJson(v), 201);
      }),
      large_heavy));
  // The cable id travels in the body, never in the URL: a proxy's access log would otherwise
  // put the author's address next to the (public) cable id (security review H2).
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "POST", "/api/v1/cables/status", Anon([s](const Request& req) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
        std::string id_hex, access_hex;
        domain::FieldReader f(body, "the request");
        f.Required("id", id_hex);
        f.Required("access", access_hex);
        CANDOR_RETURN_IF_ERROR(f.Finish());
        CANDOR_ASSIGN_OR_RETURN(auto id, CableIdFrom(id_hex));
        CANDOR_ASSIGN_OR_RETURN(auto access,
                                crypto::FixedFromHex<crypto::Digest32>(access_hex, "access"));
        CANDOR_ASSIGN_OR_RETURN(CableView v, s->CableForAuthor(id, access));
        return Ok(CableViewToJson(v));
      })));

  CANDOR_RETURN_IF_ERROR(
      router.Named("GET", "/api/v1/orgs/{slug}/cables",
                   named([s](const Request& req, const Principal& who) -> Result<Response> {
                     CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
                     CANDOR_ASSIGN_OR_RETURN(bool overdue, QueryFlag(req, "overdue"));
                     CANDOR_ASSIGN_OR_RETURN(auto cables, s->ListCables(who, slug, overdue));
                     Json list = Json::array();
                     for (const auto& v : cables) list.push_back(CableViewToJson(v));
                     return Ok({{"cables", list}});
                   })));
  // Reviewers name a cable in the body, never in the URL (security review H2): no route of the
  // API carries a cable id in its path or query.
  CANDOR_RETURN_IF_ERROR(
      router.Named("POST", "/api/v1/orgs/{slug}/cables/view",
                   named([s](const Request& req, const Principal& who) -> Result<Response> {
                     CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
                     CANDOR_ASSIGN_OR_RETURN(auto id, CableIdBody(req));
                     CANDOR_ASSIGN_OR_RETURN(CableView v, s->GetCable(who, slug, id));
                     return Ok(CableViewToJson(v));
                   })));
  CANDOR_RETURN_IF_ERROR(
      router.Named("POST", "/api/v1/orgs/{slug}/cables/acknowledge",
                   named([s](const Request& req, const Principal& who) -> Result<Response> {
                     CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
                     CANDOR_ASSIGN_OR_RETURN(auto id, CableIdBody(req));
                     CANDOR_RETURN_IF_ERROR(s->AcknowledgeCable(who, slug, id));
                     return NoContent();
                   })));
  CANDOR_RETURN_IF_ERROR(router.Named(
      "POST", "/api/v1/orgs/{slug}/cables/messages",
      named([s](const Request& req, const Principal& who) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
        CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
        std::string id_hex, action_name, envelope_hex;
        Json recipients_json;
        domain::FieldReader f(body, "the request");
        f.Required("id", id_hex);
        f.Required("action", action_name);
        f.Required("recipients", recipients_json);
        f.Required("envelope", envelope_hex);
        CANDOR_RETURN_IF_ERROR(f.Finish());
        CANDOR_ASSIGN_OR_RETURN(auto id, CableIdFrom(id_hex));
        CANDOR_ASSIGN_OR_RETURN(auto action, domain::ParseCableAction(action_name));
        if (!domain::CableActionHasMessage(action)) {
          return InvalidArgument("'action' is one of replied, noted, extended, closed");
        }
        CANDOR_ASSIGN_OR_RETURN(auto recipients, KeysFromJson(recipients_json, "recipients"));
        CANDOR_ASSIGN_OR_RETURN(auto envelope, HexField(envelope_hex, "envelope"));
        CANDOR_ASSIGN_OR_RETURN(std::int64_t seq,
                                s->AddCableMessage(who, slug, id, action, recipients, envelope));
        return Ok({{"seq", seq}}, 201);
      }),
      large));
  CANDOR_RETURN_IF_ERROR(router.Named(
      "GET", "/api/v1/orgs/{slug}/notifications",
      named([s](const Request& req, const Principal& who) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
        CANDOR_ASSIGN_OR_RETURN(bool undelivered, QueryFlag(req, "undelivered"));
        CANDOR_ASSIGN_OR_RETURN(auto list, s->Notifications(who, slug, undelivered));
        Json out = Json::array();
        for (const auto& n : list) {
          out.push_back({{"id", n.id},
                         {"cable_id", Hex(n.cable_id)},
                         {"kind", n.kind},
                         {"deadline", domain::FormatDate(domain::CivilFromDays(n.deadline_day))},
                         {"days_before", n.days_before},
                         {"created_at_ms", n.created_at_ms},
                         {"delivered", n.delivered}});
        }
        return Ok({{"notifications", out}});
      })));
  CANDOR_RETURN_IF_ERROR(
      router.Named("POST", "/api/v1/orgs/{slug}/notifications/delivered",
                   named([s](const Request& req, const Principal& who) -> Result<Response> {
                     CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
                     CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
                     std::uint64_t up_to = 0;
                     domain::FieldReader f(body, "the request");
                     f.Required("up_to", up_to);
                     CANDOR_RETURN_IF_ERROR(f.Finish());
                     if (up_to == 0 || up_to > static_cast<std::uint64_t>(INT64_MAX)) {
                       return InvalidArgument("'up_to' must be a notification id (from 1)");
                     }
                     CANDOR_RETURN_IF_ERROR(s->MarkNotificationsDelivered(
                         who, slug, static_cast<std::int64_t>(up_to)));
                     return NoContent();
                   })));
  return Status::Ok();
}

}  // namespace

Status AddApiRoutes(http::Router& router, Service& service) {
  Service* s = &service;
  Named named(service);

  // --- Public reads ---
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "GET", "/api/v1/health", Anon([s](const Request&) -> Result<Response> {
        return Ok({{"status", "ok"}, {"engine", std::string(s->store().Engine())}});
      })));
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "GET", "/api/v1/orgs", Anon([s](const Request&) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(auto orgs, s->ListOrganizations());
        Json list = Json::array();
        for (const auto& o : orgs) {
          CANDOR_ASSIGN_OR_RETURN(auto roster, s->GetRosterSummary(o.slug, /*with_digest=*/false));
          list.push_back({{"slug", o.slug},
                          {"name", o.name},
                          {"demo", o.demo},
                          {"roster_size", roster.size},
                          {"roster_version", roster.version}});
        }
        return Ok({{"organizations", list}});
      })));
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "GET", "/api/v1/orgs/{slug}", Anon([s](const Request& req) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
        CANDOR_ASSIGN_OR_RETURN(auto org, s->GetOrganization(slug));
        CANDOR_ASSIGN_OR_RETURN(auto roster, s->GetRosterSummary(slug));
        Json settings = Json::parse(org.policy_json, nullptr, false);
        return Ok({{"slug", org.slug},
                   {"name", org.name},
                   {"demo", org.demo},
                   {"settings", settings},
                   {"roster_size", roster.size},
                   {"roster_version", roster.version},
                   {"roster_digest", crypto::ToHex(roster.digest)}});
      })));
  // The roster: a cached version is answered on the I/O thread, a new one built on the pool.
  auto roster_bodies = std::make_shared<RosterBodies>();
  const auto roster_route = [s, roster_bodies](bool pinned) {
    auto answer = [s, roster_bodies, pinned](const Request& req,
                                             bool cached_only) -> Result<std::optional<Response>> {
      CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
      std::int64_t version = 0;
      if (pinned) {
        CANDOR_ASSIGN_OR_RETURN(version, PathId(req, "version", "a roster version"));
      } else {
        CANDOR_ASSIGN_OR_RETURN(auto latest, s->GetRosterSummary(slug, /*with_digest=*/false));
        version = latest.version;
      }
      return RosterAnswer(s, *roster_bodies, req, slug, version, pinned, cached_only);
    };
    http::RouteOptions options = Heavy();
    options.inline_answer = [answer](const Request& req) -> std::optional<Response> {
      Result<std::optional<Response>> r = answer(req, /*cached_only=*/true);
      if (!r.ok()) return std::nullopt;  // the full handler says what is wrong
      return std::move(*r);
    };
    return std::make_pair(Anon([answer](const Request& req) -> Result<Response> {
                            CANDOR_ASSIGN_OR_RETURN(std::optional<Response> r,
                                                    answer(req, /*cached_only=*/false));
                            return std::move(*r);  // always an answer when not cached_only
                          }),
                          options);
  };
  {
    auto [latest, latest_options] = roster_route(/*pinned=*/false);
    CANDOR_RETURN_IF_ERROR(
        router.Anonymous("GET", "/api/v1/orgs/{slug}/roster", latest, latest_options));
    auto [pinned, pinned_options] = roster_route(/*pinned=*/true);
    CANDOR_RETURN_IF_ERROR(
        router.Anonymous("GET", "/api/v1/orgs/{slug}/roster/{version}", pinned, pinned_options));
  }
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "GET", "/api/v1/orgs/{slug}/roster-history",
      Anon([s](const Request& req) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
        CANDOR_ASSIGN_OR_RETURN(auto events, s->RosterHistory(slug));
        Json list = Json::array();
        for (const auto& e : events) {
          list.push_back({{"version", e.version},
                          {"action", e.action == store::RosterAction::kAdd ? "add" : "remove"},
                          {"ring_public", Hex(e.ring_public)},
                          {"log_index", e.log_index}});
        }
        return Ok({{"events", list}});
      })));

  // --- Enrollment (anonymous: the invitation is the authority) ---
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "POST", "/api/v1/orgs/{slug}/enroll", Anon([s](const Request& req) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
        CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
        std::string invitation, ring_hex, reply_hex;
        domain::FieldReader f(body, "the request");
        f.Required("invitation", invitation);
        f.Required("ring_public", ring_hex);
        f.Required("reply_public", reply_hex);
        CANDOR_RETURN_IF_ERROR(f.Finish());
        CANDOR_ASSIGN_OR_RETURN(auto ring,
                                crypto::FixedFromHex<crypto::Point>(ring_hex, "ring_public"));
        CANDOR_ASSIGN_OR_RETURN(
            auto reply, crypto::FixedFromHex<crypto::BoxPublicKey>(reply_hex, "reply_public"));
        CANDOR_ASSIGN_OR_RETURN(EnrollResult r, s->Enroll(slug, invitation, ring, reply));
        return Ok({{"organization", slug},
                   {"version", r.version},
                   {"roster_size", r.roster_size},
                   {"log_index", r.log_index}},
                  201);
      }),
      Heavy()));

  // --- Log ---
  CANDOR_RETURN_IF_ERROR(
      router.Anonymous("GET", "/api/v1/log/key", Anon([s](const Request&) -> Result<Response> {
                         return Ok({{"public_key", crypto::ToHex(s->log_public_key())}});
                       })));
  CANDOR_RETURN_IF_ERROR(
      router.Anonymous("GET", "/api/v1/log/sth", Anon([s](const Request&) -> Result<Response> {
                         CANDOR_ASSIGN_OR_RETURN(auto sth, s->LatestTreeHead());
                         if (!sth) return Error(ErrorCode::kNotFound, "the log is empty");
                         return Ok(SthToJson(*sth));
                       })));
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "GET", "/api/v1/log/sth/{size}", Anon([s](const Request& req) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(std::string size, PathParam(req, "size"));
        CANDOR_ASSIGN_OR_RETURN(std::uint64_t n, Decimal(size, "size"));
        CANDOR_ASSIGN_OR_RETURN(auto sth, s->TreeHeadAt(n));
        if (!sth) return Error(ErrorCode::kNotFound, "no signed tree head of that size");
        return Ok(SthToJson(*sth));
      })));
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "GET", "/api/v1/log/entries", Anon([s](const Request& req) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(std::uint64_t start, QueryU64(req, "start"));
        CANDOR_ASSIGN_OR_RETURN(std::uint64_t end, QueryU64(req, "end"));
        CANDOR_ASSIGN_OR_RETURN(auto entries, s->LogEntries(start, end));
        Json list = Json::array();
        for (const auto& e : entries) {
          list.push_back(
              {{"index", e.index}, {"entry", Hex(e.entry)}, {"leaf_hash", Hex(e.leaf_hash)}});
        }
        return Ok({{"entries", list}});
      })));
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "GET", "/api/v1/log/proof/inclusion", Anon([s](const Request& req) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(std::uint64_t index, QueryU64(req, "index"));
        CANDOR_ASSIGN_OR_RETURN(std::uint64_t size, QueryU64(req, "tree_size"));
        CANDOR_ASSIGN_OR_RETURN(auto p, s->InclusionProof(index, size));
        return Ok({{"type", "inclusion"},
                   {"index", index},
                   {"tree_size", size},
                   {"leaf_hash", crypto::ToHex(p.leaf_hash)},
                   {"root", crypto::ToHex(p.root)},
                   {"proof", HashesToJson(p.proof)}});
      })));
  // Entries with their inclusion proofs, the indices in the body: a client checking its own
  // signature or cable asks for indices that point at it, which must not sit in a URL
  // (security review H2). At most kMaxIncludedPerRequest distinct indices below tree_size.
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "POST", "/api/v1/log/included", Anon([s](const Request& req) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
        std::uint64_t size = 0;
        Json indices;
        domain::FieldReader f(body, "the request");
        f.Required("tree_size", size);
        f.Required("indices", indices);
        CANDOR_RETURN_IF_ERROR(f.Finish());
        constexpr std::size_t kMaxIncludedPerRequest = 64;
        if (!indices.is_array() || indices.empty() || indices.size() > kMaxIncludedPerRequest) {
          return InvalidArgument("'indices' must be a list of 1 to " +
                                 std::to_string(kMaxIncludedPerRequest) + " log indices");
        }
        std::set<std::uint64_t> seen;
        Json list = Json::array();
        for (const auto& i : indices) {
          if (!i.is_number_unsigned())
            return InvalidArgument("each of 'indices' must be a non-negative integer");
          const std::uint64_t index = i.get<std::uint64_t>();
          if (!seen.insert(index).second)
            return InvalidArgument("'indices' repeats " + std::to_string(index));
          CANDOR_ASSIGN_OR_RETURN(auto p, s->InclusionProof(index, size));
          CANDOR_ASSIGN_OR_RETURN(auto entries, s->LogEntries(index, index + 1));
          if (entries.size() != 1) return Error(ErrorCode::kCorrupt, "a log entry is missing");
          list.push_back({{"index", index},
                          {"entry", Hex(entries[0].entry)},
                          {"proof", HashesToJson(p.proof)}});
        }
        return Ok({{"tree_size", size}, {"entries", list}});
      })));
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "GET", "/api/v1/log/proof/consistency", Anon([s](const Request& req) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(std::uint64_t first, QueryU64(req, "first"));
        CANDOR_ASSIGN_OR_RETURN(std::uint64_t second, QueryU64(req, "second"));
        CANDOR_ASSIGN_OR_RETURN(auto p, s->ConsistencyProof(first, second));
        return Ok({{"type", "consistency"},
                   {"old_size", first},
                   {"new_size", second},
                   {"old_root", crypto::ToHex(p.old_root)},
                   {"new_root", crypto::ToHex(p.new_root)},
                   {"proof", HashesToJson(p.proof)}});
      })));
  // The web front end this server serves, as logged (docs/PROTOCOL.md, "Web releases").
  CANDOR_RETURN_IF_ERROR(
      router.Anonymous("GET", "/api/v1/web/release", Anon([s](const Request&) -> Result<Response> {
                         CANDOR_ASSIGN_OR_RETURN(auto r, s->LatestWebRelease());
                         return Ok({{"release", crypto::ToHex(domain::WebReleaseId(r.manifest))},
                                    {"manifest", r.manifest},
                                    {"log_index", r.log_index}});
                       })));
  // Witnesses (docs/PROTOCOL.md, "Witnesses"): the newest checkpoints with the cosignatures
  // collected, and a witness posting its cosignature of one.
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "GET", "/api/v1/log/checkpoints", Anon([s](const Request&) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(auto view, s->Checkpoints(4));
        Json list = Json::array();
        for (const auto& c : view.checkpoints) {
          Json j = SthToJson(c.head);
          j["cosignatures"] = domain::CosignaturesToJson(c.cosignatures);
          j["consistency"] = HashesToJson(c.consistency_to_latest);
          list.push_back(std::move(j));
        }
        // The proofs from each checkpoint to the latest head are the same for every client, so a
        // client checks that the log still extends what it saw without naming a size of its own.
        return Ok({{"latest", SthToJson(view.latest)}, {"checkpoints", list}});
      })));
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "POST", "/api/v1/log/cosignatures", Anon([s](const Request& req) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
        std::uint64_t size = 0;
        std::string witness, signature;
        std::uint64_t timestamp = 0;
        domain::FieldReader f(body, "the request");
        f.Required("tree_size", size);
        f.Required("witness", witness);
        f.Required("timestamp", timestamp);
        f.Required("signature", signature);
        CANDOR_RETURN_IF_ERROR(f.Finish());
        tlog::Cosignature c;
        CANDOR_ASSIGN_OR_RETURN(c.witness,
                                crypto::FixedFromHex<crypto::SignPublicKey>(witness, "witness"));
        CANDOR_ASSIGN_OR_RETURN(c.signature,
                                crypto::FixedFromHex<crypto::Signature64>(signature, "signature"));
        c.timestamp_s = timestamp;
        CANDOR_RETURN_IF_ERROR(s->AddCosignature(size, c));
        return NoContent();
      })));
  // The same, the sizes in the body: the size a client saw last says when it last looked, and
  // a client checks consistency from it on every flow (issue 11), so it stays out of URLs.
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "POST", "/api/v1/log/proof/consistency", Anon([s](const Request& req) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
        std::uint64_t first = 0, second = 0;
        domain::FieldReader f(body, "the request");
        f.Required("old_size", first);
        f.Required("new_size", second);
        CANDOR_RETURN_IF_ERROR(f.Finish());
        CANDOR_ASSIGN_OR_RETURN(auto p, s->ConsistencyProof(first, second));
        return Ok({{"type", "consistency"},
                   {"old_size", first},
                   {"new_size", second},
                   {"old_root", crypto::ToHex(p.old_root)},
                   {"new_root", crypto::ToHex(p.new_root)},
                   {"proof", HashesToJson(p.proof)}});
      })));

  // --- Sessions ---
  CANDOR_RETURN_IF_ERROR(router.Named(
      "POST", "/api/v1/session",
      [s](const Request& req) {
        return Guard([&]() -> Result<Response> {
          CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
          std::string org, username, password;
          const PasswordCopies wipe(body, password);
          std::optional<std::string> totp;
          domain::FieldReader f(body, "the request");
          f.Required("organization", org);
          f.Required("username", username);
          f.Required("password", password);
          f.Optional("totp", totp);
          CANDOR_RETURN_IF_ERROR(f.Finish());
          CANDOR_ASSIGN_OR_RETURN(LoginResult login, s->Login(org, username, password, totp,
                                                              req.peer_address.value_or("")));
          Response r = Ok({{"account", AccountToJson(login.principal.account, org)},
                           {"csrf_token", login.principal.csrf_token}});
          CANDOR_ASSIGN_OR_RETURN(std::string cookie,
                                  http::BuildSetCookie(req, SessionCookieName(req),
                                                       login.session_token, std::chrono::hours(8)));
          r.headers.Add("Set-Cookie", cookie);
          return r;
        });
      },
      Heavy()));
  CANDOR_RETURN_IF_ERROR(router.Named(
      "GET", "/api/v1/session", named([](const Request&, const Principal& who) -> Result<Response> {
        return Ok({{"account", AccountToJson(who.account, who.organization_slug)},
                   {"csrf_token", who.csrf_token}});
      })));
  CANDOR_RETURN_IF_ERROR(
      router.Named("DELETE", "/api/v1/session",
                   named([s](const Request& req, const Principal& who) -> Result<Response> {
                     CANDOR_RETURN_IF_ERROR(s->Logout(who));
                     return SignedOut(req);
                   })));
  // Sign out everywhere: every session of the account ends, on every device (security review L2).
  CANDOR_RETURN_IF_ERROR(
      router.Named("DELETE", "/api/v1/sessions",
                   named([s](const Request& req, const Principal& who) -> Result<Response> {
                     CANDOR_RETURN_IF_ERROR(s->LogoutEverywhere(who));
                     return SignedOut(req);
                   })));
  CANDOR_RETURN_IF_ERROR(
      router.Named("POST", "/api/v1/session/totp",
                   named([s](const Request& req, const Principal& who) -> Result<Response> {
                     CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
                     std::string password;
                     const PasswordCopies wipe(body, password);
                     std::optional<std::string> code;
                     domain::FieldReader f(body, "the request");
                     f.Required("password", password);
                     f.Optional("code", code);
                     CANDOR_RETURN_IF_ERROR(f.Finish());
                     CANDOR_ASSIGN_OR_RETURN(auto secret, s->BeginTotp(who, password, code));
                     return Ok({{"secret", secret.first}, {"otpauth_uri", secret.second}});
                   }),
                   Heavy()));
  CANDOR_RETURN_IF_ERROR(
      router.Named("POST", "/api/v1/session/totp/confirm",
                   named([s](const Request& req, const Principal& who) -> Result<Response> {
                     CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
                     std::string code;
                     domain::FieldReader f(body, "the request");
                     f.Required("code", code);
                     CANDOR_RETURN_IF_ERROR(f.Finish());
                     CANDOR_RETURN_IF_ERROR(s->ConfirmTotp(who, code));
                     return NoContent();
                   })));

  // --- Staff ---
  CANDOR_RETURN_IF_ERROR(router.Named(
      "POST", "/api/v1/orgs/{slug}/invitations",
      named([s](const Request& req, const Principal& who) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
        CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
        std::optional<std::int64_t> hours;
        std::optional<std::int64_t> count;
        domain::FieldReader f(body, "the request");
        f.Optional("valid_hours", hours);
        f.Optional("count", count);
        CANDOR_RETURN_IF_ERROR(f.Finish());
        if (count) {  // several at once: {"invitations": [...]}
          CANDOR_ASSIGN_OR_RETURN(auto many, s->IssueInvitations(who, slug, hours, *count));
          return Ok({{"invitations", many.first}, {"expires_at_ms", many.second}}, 201);
        }
        CANDOR_ASSIGN_OR_RETURN(auto inv, s->IssueInvitation(who, slug, hours));
        return Ok({{"invitation", inv.first}, {"expires_at_ms", inv.second}}, 201);
      })));
  CANDOR_RETURN_IF_ERROR(
      router.Named("GET", "/api/v1/orgs/{slug}/invitations",
                   named([s](const Request& req, const Principal& who) -> Result<Response> {
                     CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
                     CANDOR_ASSIGN_OR_RETURN(std::int64_t open, s->CountOpenInvitations(who, slug));
                     return Ok({{"open", open}});
                   })));
  CANDOR_RETURN_IF_ERROR(router.Named(
      "POST", "/api/v1/orgs/{slug}/roster/remove",
      named([s](const Request& req, const Principal& who) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
        CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
        std::string ring_hex;
        domain::FieldReader f(body, "the request");
        f.Required("ring_public", ring_hex);
        CANDOR_RETURN_IF_ERROR(f.Finish());
        CANDOR_ASSIGN_OR_RETURN(auto ring,
                                crypto::FixedFromHex<crypto::Point>(ring_hex, "ring_public"));
        CANDOR_ASSIGN_OR_RETURN(EnrollResult r, s->RemoveMember(who, slug, ring));
        return Ok(
            {{"version", r.version}, {"roster_size", r.roster_size}, {"log_index", r.log_index}});
      })));
  CANDOR_RETURN_IF_ERROR(
      router.Named("GET", "/api/v1/orgs/{slug}/accounts",
                   named([s](const Request& req, const Principal& who) -> Result<Response> {
                     CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
                     CANDOR_ASSIGN_OR_RETURN(auto accounts, s->ListAccounts(who, slug));
                     Json list = Json::array();
                     for (const auto& a : accounts) list.push_back(AccountToJson(a, slug));
                     return Ok({{"accounts", list}});
                   })));
  CANDOR_RETURN_IF_ERROR(
      router.Named("POST", "/api/v1/orgs/{slug}/accounts",
                   named([s](const Request& req, const Principal& who) -> Result<Response> {
                     CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
                     CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
                     std::string username, password;
                     const PasswordCopies wipe(body, password);
                     std::vector<std::string> role_names;
                     domain::FieldReader f(body, "the request");
                     f.Required("username", username);
                     f.Required("password", password);
                     f.Required("roles", role_names);
                     CANDOR_RETURN_IF_ERROR(f.Finish());
                     CANDOR_ASSIGN_OR_RETURN(std::uint32_t roles, RolesFromJson(role_names));
                     CANDOR_ASSIGN_OR_RETURN(std::int64_t id,
                                             s->AddAccount(who, slug, username, password, roles));
                     return Ok({{"id", id}}, 201);
                   }),
                   Heavy()));
  CANDOR_RETURN_IF_ERROR(
      router.Named("PATCH", "/api/v1/orgs/{slug}/accounts/{id}",
                   named([s](const Request& req, const Principal& who) -> Result<Response> {
                     CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
                     CANDOR_ASSIGN_OR_RETURN(std::int64_t id, PathId(req, "id", "an account id"));
                     CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
                     std::optional<std::vector<std::string>> role_names;
                     std::optional<bool> disabled;
                     domain::FieldReader f(body, "the request");
                     f.Optional("roles", role_names);
                     f.Optional("disabled", disabled);
                     CANDOR_RETURN_IF_ERROR(f.Finish());
                     std::optional<std::uint32_t> roles;
                     if (role_names) {
                       CANDOR_ASSIGN_OR_RETURN(roles, RolesFromJson(*role_names));
                     }
                     CANDOR_RETURN_IF_ERROR(s->UpdateAccount(who, slug, id, roles, disabled));
                     return NoContent();
                   })));
  CANDOR_RETURN_IF_ERROR(
      router.Named("PUT", "/api/v1/orgs/{slug}/settings",
                   named([s](const Request& req, const Principal& who) -> Result<Response> {
                     CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
                     CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
                     CANDOR_RETURN_IF_ERROR(s->UpdateSettings(who, slug, body.dump()));
                     return NoContent();
                   })));
  CANDOR_RETURN_IF_ERROR(
      router.Named("GET", "/api/v1/orgs/{slug}/holidays",
                   named([s](const Request& req, const Principal& who) -> Result<Response> {
                     CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
                     CANDOR_ASSIGN_OR_RETURN(auto holidays, s->ListHolidays(who, slug));
                     Json list = Json::array();
                     for (const auto& h : holidays)
                       list.push_back({{"date", h.date}, {"name", h.name}});
                     return Ok({{"holidays", list}});
                   })));
  CANDOR_RETURN_IF_ERROR(
      router.Named("PUT", "/api/v1/orgs/{slug}/holidays",
                   named([s](const Request& req, const Principal& who) -> Result<Response> {
                     CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
                     CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
                     Json list;
                     domain::FieldReader f(body, "the request");
                     f.Required("holidays", list);
                     CANDOR_RETURN_IF_ERROR(f.Finish());
                     if (!list.is_array()) return InvalidArgument("'holidays' must be an array");
                     std::vector<store::HolidayRecord> holidays;
                     for (const auto& h : list) {
                       if (!h.is_object())
                         return InvalidArgument("each holiday is an object {date, name}");
                       std::string date, name;
                       domain::FieldReader hf(h, "a holiday");
                       hf.Required("date", date);
                       hf.Required("name", name);
                       CANDOR_RETURN_IF_ERROR(hf.Finish());
                       holidays.push_back(store::HolidayRecord{0, date, name});
                     }
                     CANDOR_RETURN_IF_ERROR(s->ReplaceHolidays(who, slug, std::move(holidays)));
                     return NoContent();
                   })));
  CANDOR_RETURN_IF_ERROR(router.Named(
      "PUT", "/api/v1/orgs/{slug}/reviewer-key",
      named([s](const Request& req, const Principal& who) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
        CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
        std::string key_hex, proof_hex;
        domain::FieldReader f(body, "the request");
        f.Required("reply_public", key_hex);
        f.Required("proof", proof_hex);
        CANDOR_RETURN_IF_ERROR(f.Finish());
        CANDOR_ASSIGN_OR_RETURN(
            auto key, crypto::FixedFromHex<crypto::BoxPublicKey>(key_hex, "reply_public"));
        CANDOR_ASSIGN_OR_RETURN(auto proof,
                                crypto::FixedFromHex<crypto::Digest32>(proof_hex, "proof"));
        CANDOR_RETURN_IF_ERROR(s->SetReviewerKey(who, slug, key, proof));
        return NoContent();
      })));
  // What a reviewer's client proves possession of its key to (docs/API.md, "Reviewer keys").
  CANDOR_RETURN_IF_ERROR(
      router.Named("GET", "/api/v1/orgs/{slug}/reviewer-key/challenge",
                   named([s](const Request& req, const Principal& who) -> Result<Response> {
                     CANDOR_ASSIGN_OR_RETURN(std::string slug, PathParam(req, "slug"));
                     CANDOR_ASSIGN_OR_RETURN(auto c, s->ReviewerKeyChallengeFor(who, slug));
                     return Ok({{"server_public", crypto::ToHex(c.server_public)},
                                {"account_id", c.account_id}});
                   })));
  // --- Collective letters: public reads and anonymous co-signing ---
  // A page at a time (?after=N&limit=M; "next_after" names the next page, null after the last).
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "GET", "/api/v1/letters", Anon([s](const Request& req) -> Result<Response> {
        std::uint64_t after = 0;
        std::uint64_t limit = 100;
        if (auto a = req.QueryParam("after")) {
          CANDOR_ASSIGN_OR_RETURN(after, Decimal(*a, "after"));
        }
        if (auto l = req.QueryParam("limit")) {
          CANDOR_ASSIGN_OR_RETURN(limit, Decimal(*l, "limit"));
        }
        if (after > static_cast<std::uint64_t>(INT64_MAX))
          return InvalidArgument("'after' is too large");
        if (limit > static_cast<std::uint64_t>(Service::kMaxLettersPage))
          limit = 0;  // refused below, with the range
        CANDOR_ASSIGN_OR_RETURN(auto page, s->ListLettersPage(static_cast<std::int64_t>(after),
                                                              static_cast<std::int64_t>(limit)));
        Json list = Json::array();
        for (const auto& v : page.letters)
          list.push_back(LetterViewToJson(v, s->config().min_ring_size));
        return Ok({{"letters", list},
                   {"next_after", page.next_after ? Json(*page.next_after) : Json(nullptr)}});
      })));
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "GET", "/api/v1/letters/{id}", Anon([s](const Request& req) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(auto id, LetterIdParam(req));
        CANDOR_ASSIGN_OR_RETURN(auto v, s->GetLetter(id));
        return Ok(LetterViewToJson(v, s->config().min_ring_size));
      })));
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "GET", "/api/v1/letters/{id}/batches", Anon([s](const Request& req) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(auto id, LetterIdParam(req));
        CANDOR_ASSIGN_OR_RETURN(auto v, s->GetLetter(id));
        CANDOR_ASSIGN_OR_RETURN(auto batches, s->LetterBatches(id));
        Json list = Json::array();
        for (const auto& b : batches) {
          list.push_back({{"batch", b.batch},
                          {"published_at_ms", b.published_at_ms},
                          {"entries", b.signatures},
                          {"log_index", b.log_index},
                          {"signers_after", b.signers_after},
                          {"total_after", b.total_after}});
        }
        Json slugs = Json::array();
        for (const auto& r : *v.rosters) slugs.push_back(r.slug);
        return Ok({{"organizations", slugs}, {"batches", list}});
      }),
      Heavy()));
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "GET", "/api/v1/letters/{id}/bundle", Anon([s](const Request& req) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(auto id, LetterIdParam(req));
        // Signatures are included unless ?signatures=0.
        const bool given = req.QueryParam("signatures").has_value();
        CANDOR_ASSIGN_OR_RETURN(bool with, QueryFlag(req, "signatures"));
        CANDOR_ASSIGN_OR_RETURN(Service::BundlePage page, PageParams(req));
        CANDOR_ASSIGN_OR_RETURN(Json bundle, s->LetterBundle(id, with || !given, page));
        return Ok(bundle);
      }),
      Heavy()));
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "POST", "/api/v1/letters/{id}/signatures", Anon([s](const Request& req) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(auto id, LetterIdParam(req));
        CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
        std::string org;
        Json sig_json;
        domain::FieldReader f(body, "the request");
        f.Required("organization", org);
        f.Required("signature", sig_json);
        CANDOR_RETURN_IF_ERROR(f.Finish());
        CANDOR_ASSIGN_OR_RETURN(domain::CoSignature sig, domain::CoSignatureFromJson(sig_json));
        if (sig.letter != id)
          return InvalidArgument("the signature is for another letter than this URL names");
        CANDOR_ASSIGN_OR_RETURN(CoSignatureReceipt r, s->SubmitCoSignature(org, sig));
        return Ok({{"receipt",
                    {{"letter", crypto::ToHex(r.letter)},
                     {"tag", crypto::ToHex(r.tag)},
                     {"action", domain::SignatureActionName(r.action)},
                     {"signature_sha256", crypto::ToHex(r.signature_sha256)}}},
                   {"status", "accepted: it will appear in the log with the next batch"}},
                  202);
      }),
      Heavy()));
  // The tag travels in the body, never in the URL: once published it sits in the log next to
  // its signature, and a proxy's access log would put the signer's address beside it
  // (security review H2).
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "POST", "/api/v1/letters/{id}/signature-status",
      Anon([s](const Request& req) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(auto id, LetterIdParam(req));
        CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
        std::string tag_hex;
        domain::FieldReader f(body, "the request");
        f.Required("tag", tag_hex);
        CANDOR_RETURN_IF_ERROR(f.Finish());
        CANDOR_ASSIGN_OR_RETURN(auto tag, crypto::FixedFromHex<crypto::Point>(tag_hex, "tag"));
        CANDOR_ASSIGN_OR_RETURN(auto states, s->CoSignatureStates(id, tag));
        if (states.empty())
          return Error(ErrorCode::kNotFound, "no signature with that tag on this letter");
        Json list = Json::array();
        for (const auto& st : states) {
          Json e{{"action", domain::SignatureActionName(st.action)},
                 {"state", st.state},
                 {"signature_sha256", crypto::ToHex(st.signature_sha256)}};
          e["batch"] = st.batch ? Json(*st.batch) : Json(nullptr);
          e["log_index"] = st.log_index ? Json(*st.log_index) : Json(nullptr);
          list.push_back(std::move(e));
        }
        return Ok({{"signatures", list}});
      })));
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "POST", "/api/v1/letters/member", Anon([s](const Request& req) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
        Json letter_json;
        std::string org, digest_hex, proof_hex;
        std::uint64_t window = 0, slot = 0;
        domain::FieldReader f(body, "the request");
        f.Required("letter", letter_json);
        f.Required("organization", org);
        f.Required("ring_digest", digest_hex);
        f.Required("window", window);
        f.Required("slot", slot);
        f.Required("proof", proof_hex);
        std::optional<std::string> scheme_name;  // candor-lrs-v1 when absent
        f.Optional("scheme", scheme_name);
        CANDOR_RETURN_IF_ERROR(f.Finish());
        CANDOR_ASSIGN_OR_RETURN(
            domain::RingScheme scheme,
            domain::ParseRingScheme(scheme_name.value_or(std::string(crypto::kLrsScheme))));
        CANDOR_ASSIGN_OR_RETURN(domain::Letter letter, domain::LetterFromJson(letter_json));
        CANDOR_ASSIGN_OR_RETURN(auto digest,
                                crypto::FixedFromHex<crypto::Digest32>(digest_hex, "ring_digest"));
        CANDOR_ASSIGN_OR_RETURN(crypto::Bytes proof, crypto::FromHex(proof_hex));
        CANDOR_ASSIGN_OR_RETURN(
            auto id, s->PublishLetterAsMember(letter, org, digest, window, slot, proof, scheme));
        return Ok({{"id", crypto::ToHex(id)}}, 201);
      }),
      Heavy()));

  // --- Collective letters: organizers with a named account ---
  CANDOR_RETURN_IF_ERROR(
      router.Named("POST", "/api/v1/letters",
                   named([s](const Request& req, const Principal& who) -> Result<Response> {
                     CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
                     CANDOR_ASSIGN_OR_RETURN(domain::Letter letter, domain::LetterFromJson(body));
                     CANDOR_ASSIGN_OR_RETURN(auto id, s->PublishLetter(who, letter));
                     return Ok({{"id", crypto::ToHex(id)}}, 201);
                   })));
  CANDOR_RETURN_IF_ERROR(router.Named(
      "GET", "/api/v1/drafts", named([s](const Request&, const Principal& who) -> Result<Response> {
        CANDOR_ASSIGN_OR_RETURN(auto drafts, s->ListDrafts(who));
        Json list = Json::array();
        for (const auto& d : drafts) list.push_back(DraftToJson(d));
        return Ok({{"drafts", list}});
      })));
  CANDOR_RETURN_IF_ERROR(
      router.Named("POST", "/api/v1/drafts",
                   named([s](const Request& req, const Principal& who) -> Result<Response> {
                     CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
                     CANDOR_ASSIGN_OR_RETURN(std::int64_t id, s->CreateDraft(who, body));
                     return Ok({{"id", id}}, 201);
                   })));
  CANDOR_RETURN_IF_ERROR(
      router.Named("GET", "/api/v1/drafts/{id}",
                   named([s](const Request& req, const Principal& who) -> Result<Response> {
                     CANDOR_ASSIGN_OR_RETURN(std::int64_t id, DraftIdParam(req));
                     CANDOR_ASSIGN_OR_RETURN(auto d, s->GetDraft(who, id));
                     return Ok(DraftToJson(d));
                   })));
  CANDOR_RETURN_IF_ERROR(
      router.Named("PUT", "/api/v1/drafts/{id}",
                   named([s](const Request& req, const Principal& who) -> Result<Response> {
                     CANDOR_ASSIGN_OR_RETURN(std::int64_t id, DraftIdParam(req));
                     CANDOR_ASSIGN_OR_RETURN(Json body, http::ParseJsonBody(req));
                     CANDOR_RETURN_IF_ERROR(s->UpdateDraft(who, id, body));
                     return NoContent();
                   })));
  CANDOR_RETURN_IF_ERROR(
      router.Named("DELETE", "/api/v1/drafts/{id}",
                   named([s](const Request& req, const Principal& who) -> Result<Response> {
                     CANDOR_ASSIGN_OR_RETURN(std::int64_t id, DraftIdParam(req));
                     CANDOR_RETURN_IF_ERROR(s->DeleteDraft(who, id));
                     return NoContent();
                   })));
  CANDOR_RETURN_IF_ERROR(
      router.Named("POST", "/api/v1/drafts/{id}/publish",
                   named([s](const Request& req, const Principal& who) -> Result<Response> {
                     CANDOR_ASSIGN_OR_RETURN(std::int64_t id, DraftIdParam(req));
                     CANDOR_ASSIGN_OR_RETURN(auto letter_id, s->PublishDraft(who, id));
                     return Ok({{"id", crypto::ToHex(letter_id)}}, 201);
                   })));
  return AddCableRoutes(router, service, named);
}

}  // namespace candor::app
