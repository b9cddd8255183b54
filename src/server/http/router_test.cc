// Tests for the router: pattern validation, matching and specificity, 404 and 405.
#include "server/http/router.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace candor::http {
namespace {

Handler Returns(std::string body) {
  return [body](const Request&) { return Response::Text(200, body); };
}

TEST(Router, MatchesLiteralsAndParams) {
  Router r;
  ASSERT_TRUE(r.Named("GET", "/api/v1/orgs/{slug}/roster/{version}", Returns("roster")).ok());
  ASSERT_TRUE(r.Anonymous("GET", "/api/v1/orgs/{slug}", Returns("org")).ok());
  auto m = r.Match("GET", "/api/v1/orgs/acme/roster/7");
  ASSERT_TRUE(m.found());
  EXPECT_EQ(m.route->pattern(), "/api/v1/orgs/{slug}/roster/{version}");
  EXPECT_EQ(m.route->privacy(), Privacy::kNamed);
  EXPECT_EQ(m.params.at("slug"), "acme");
  EXPECT_EQ(m.params.at("version"), "7");
  auto org = r.Match("GET", "/api/v1/orgs/acme");
  ASSERT_TRUE(org.found());
  EXPECT_EQ(org.route->privacy(), Privacy::kAnonymous);
  EXPECT_EQ(org.route->handler()(Request()).body, "org");
}

TEST(Router, DecodesParams) {
  Router r;
  ASSERT_TRUE(r.Named("GET", "/orgs/{slug}", Returns("")).ok());
  auto m = r.Match("GET", "/orgs/a%20b%C3%A9");
  ASSERT_TRUE(m.found());
  EXPECT_EQ(m.params.at("slug"), "a b\xC3\xA9");
  // Literals match decoded segments too.
  EXPECT_TRUE(r.Match("GET", "/%6Frgs/x").found());
  // Undecodable paths match nothing.
  EXPECT_FALSE(r.Match("GET", "/orgs/%zz").found());
}

TEST(Router, NotFound) {
  Router r;
  ASSERT_TRUE(r.Named("GET", "/a/{b}", Returns("")).ok());
  EXPECT_EQ(r.Match("GET", "/a").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(r.Match("GET", "/a/b/c").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(r.Match("GET", "/a/").kind, RouteMatch::Kind::kNotFound);  // empty param
  EXPECT_EQ(r.Match("GET", "/x/y").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(r.Match("GET", "").kind, RouteMatch::Kind::kNotFound);
  Response resp = NoRouteResponse(r.Match("GET", "/x"));
  EXPECT_EQ(resp.status, 404);
  auto body = nlohmann::json::parse(resp.body);
  EXPECT_EQ(body["error"]["code"], "not_found");
  EXPECT_EQ(resp.headers.Get("Content-Type"), "application/json");
}

TEST(Router, MethodNotAllowedListsAllowedMethods) {
  Router r;
  ASSERT_TRUE(r.Named("GET", "/letters/{id}", Returns("")).ok());
  ASSERT_TRUE(r.Named("PUT", "/letters/{id}", Returns("")).ok());
  ASSERT_TRUE(r.Anonymous("POST", "/letters/{id}/signatures", Returns("")).ok());
  auto m = r.Match("DELETE", "/letters/9");
  ASSERT_EQ(m.kind, RouteMatch::Kind::kMethodNotAllowed);
  EXPECT_EQ(m.allow, (std::vector<std::string>{"GET", "HEAD", "PUT"}));
  Response resp = NoRouteResponse(m);
  EXPECT_EQ(resp.status, 405);
  EXPECT_EQ(resp.headers.Get("Allow"), "GET, HEAD, PUT");
  EXPECT_EQ(nlohmann::json::parse(resp.body)["error"]["code"], "method_not_allowed");
  // HEAD finds the GET route; it is not offered where there is no GET.
  EXPECT_EQ(r.Match("HEAD", "/letters/9").kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(r.Match("HEAD", "/letters/9/signatures").allow, (std::vector<std::string>{"POST"}));
}

TEST(Router, MostSpecificRouteWinsRegardlessOfOrder) {
  for (bool literal_first : {true, false}) {
    Router r;
    if (literal_first) {
      ASSERT_TRUE(r.Named("GET", "/orgs/new", Returns("new")).ok());
      ASSERT_TRUE(r.Named("GET", "/orgs/{slug}", Returns("slug")).ok());
      ASSERT_TRUE(r.Anonymous("GET", "/{*path}", Returns("static")).ok());
    } else {
      ASSERT_TRUE(r.Anonymous("GET", "/{*path}", Returns("static")).ok());
      ASSERT_TRUE(r.Named("GET", "/orgs/{slug}", Returns("slug")).ok());
      ASSERT_TRUE(r.Named("GET", "/orgs/new", Returns("new")).ok());
    }
    EXPECT_EQ(r.Match("GET", "/orgs/new").route->pattern(), "/orgs/new");
    EXPECT_EQ(r.Match("GET", "/orgs/acme").route->pattern(), "/orgs/{slug}");
    EXPECT_EQ(r.Match("GET", "/orgs/acme/x").route->pattern(), "/{*path}");
    EXPECT_EQ(r.Match("GET", "/").route->pattern(), "/{*path}");
  }
}

TEST(Router, CatchAllTakesTheRest) {
  Router r;
  ASSERT_TRUE(r.Anonymous("GET", "/static/{*path}", Returns("")).ok());
  auto m = r.Match("GET", "/static/js/app%20x.js");
  ASSERT_TRUE(m.found());
  EXPECT_EQ(m.params.at("path"), "js/app x.js");
  auto empty = r.Match("GET", "/static");
  ASSERT_TRUE(empty.found());
  EXPECT_EQ(empty.params.at("path"), "");
  EXPECT_EQ(r.Match("GET", "/static/").params.at("path"), "");
  EXPECT_FALSE(r.Match("GET", "/statics/x").found());
}

TEST(Router, RejectsBadPatterns) {
  Router r;
  auto h = Returns("");
  EXPECT_FALSE(r.Named("get", "/a", h).ok());
  EXPECT_FALSE(r.Named("", "/a", h).ok());
  EXPECT_FALSE(r.Named("GET", "a", h).ok());
  EXPECT_FALSE(r.Named("GET", "", h).ok());
  EXPECT_FALSE(r.Named("GET", "/a{b}", h).ok());
  EXPECT_FALSE(r.Named("GET", "/{b", h).ok());
  EXPECT_FALSE(r.Named("GET", "/{}", h).ok());
  EXPECT_FALSE(r.Named("GET", "/{a-b}", h).ok());
  EXPECT_FALSE(r.Named("GET", "/{a}/{a}", h).ok());
  EXPECT_FALSE(r.Named("GET", "/{*a}/b", h).ok());
  EXPECT_FALSE(r.Named("GET", "/a%20b", h).ok());
  EXPECT_FALSE(r.Named("GET", "/a", Handler()).ok());
  EXPECT_EQ(r.size(), 0u);
  Status s = r.Named("GET", "/{*a}/b", h);
  EXPECT_NE(s.error().message().find("last segment"), std::string::npos);
}

TEST(Router, RejectsConflictingRoutes) {
  Router r;
  ASSERT_TRUE(r.Named("GET", "/orgs/{slug}", Returns("")).ok());
  Status dup = r.Anonymous("GET", "/orgs/{name}", Returns(""));
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_TRUE(r.Named("POST", "/orgs/{slug}", Returns("")).ok());
  EXPECT_TRUE(r.Named("GET", "/orgs/new", Returns("")).ok());
  EXPECT_EQ(r.size(), 3u);
}

TEST(Router, RouteOptionsAreKept) {
  Router r;
  ASSERT_TRUE(r.Anonymous("POST", "/cables", Returns(""),
                          {.max_body_bytes = 5'000'000, .offload = false, .inline_answer = {}})
                  .ok());
  EXPECT_EQ(r.Match("POST", "/cables").route->options().max_body_bytes, 5'000'000u);
}

}  // namespace
}  // namespace candor::http
