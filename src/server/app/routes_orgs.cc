// The routes of organizations, their rosters and enrollment (docs/API.md).
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "domain/strict_json.h"
#include "server/app/log_writer.h"
#include "server/app/routes_internal.h"
#include "server/app/wire_staff.h"

namespace candor::app::api {
namespace {

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

}  // namespace

Status AddOrganizationRoutes(http::Router& router, Service& service) {
  Service* s = &service;
  // --- Public reads ---
  CANDOR_RETURN_IF_ERROR(router.Anonymous(
      "GET", "/api/v1/health", Anon([s](const Request&) -> Result<Response> {
        return Ok({{"status", "ok"}, {"engine", std::string(s->store().Engine())}});
      })));
  // Readiness (issue 16): the store answers a read and holds a log signed by this server's key.
  // 503 otherwise, so that a load balancer sends no request to a server that cannot serve it.
  CANDOR_RETURN_IF_ERROR(router.Anonymous("GET", "/api/v1/ready", [s](const Request&) -> Response {
    const Status ready = CheckLogKey(s->store(), s->log_public_key());
    if (!ready.ok()) {
      return http::JsonResponse(503,
                                {{"status", "not ready"}, {"reason", ready.error().message()}});
    }
    return http::JsonResponse(200,
                              {{"status", "ready"}, {"engine", std::string(s->store().Engine())}});
  }));
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
                            // Always an answer when not cached_only.
                            if (!r) return Error(ErrorCode::kInternal, "no roster answer");
                            return std::move(*r);
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
  return Status::Ok();
}

}  // namespace candor::app::api
