// Tests for the plain request/response values and request-target parsing.
#include "server/http/message.h"

#include <gtest/gtest.h>

namespace candor::http {
namespace {

TEST(Headers, NamesAreCaseInsensitive) {
  Headers h;
  h.Add("Content-Type", "application/json");
  h.Add("X-Thing", "1");
  h.Add("x-thing", "2");
  EXPECT_EQ(h.Get("content-type"), "application/json");
  EXPECT_EQ(h.Get("X-THING"), "1");  // the first
  EXPECT_FALSE(h.Get("Missing").has_value());
  h.Set("X-Thing", "3");
  EXPECT_EQ(h.Get("x-thing"), "3");
  EXPECT_EQ(h.fields().size(), 2u);
  h.Remove("CONTENT-TYPE");
  EXPECT_FALSE(h.Has("Content-Type"));
}

TEST(Target, SplitsPathAndQuery) {
  auto t = ParseTarget("/api/v1/orgs?limit=10&q=a+b%20c&flag");
  ASSERT_TRUE(t.ok()) << t.error().message();
  EXPECT_EQ(t->path, "/api/v1/orgs");
  EXPECT_EQ(t->query.at("limit"), "10");
  EXPECT_EQ(t->query.at("q"), "a b c");
  EXPECT_EQ(t->query.at("flag"), "");
  auto bare = ParseTarget("/");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->path, "/");
  EXPECT_TRUE(bare->query.empty());
}

TEST(Target, KeepsThePathEncoded) {
  auto t = ParseTarget("/orgs/a%20b");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->path, "/orgs/a%20b");
}

TEST(Target, RejectsMalformedTargets) {
  for (std::string_view bad : {"", "api", "http://example.org/", "*", "/a%2", "/a%zz", "/a%2Fb",
                               "/a%2fb", "/a%00b", "/a#frag", "/a?x=%G0", "/a?x=1&x=2", "/a?=1"}) {
    auto t = ParseTarget(bad);
    EXPECT_FALSE(t.ok()) << bad;
    if (!t.ok()) {
      EXPECT_EQ(t.error().code(), ErrorCode::kInvalidArgument);
    }
  }
  auto repeated = ParseTarget("/a?name=1&name=2");
  ASSERT_FALSE(repeated.ok());
  EXPECT_NE(repeated.error().message().find("'name' is repeated"), std::string::npos);
}

TEST(Target, PercentDecode) {
  EXPECT_EQ(*PercentDecode("a%41%62+c", false), "aAb+c");
  EXPECT_EQ(*PercentDecode("a%41%62+c", true), "aAb c");
  EXPECT_FALSE(PercentDecode("%", false).ok());
  EXPECT_FALSE(PercentDecode("%4", false).ok());
  EXPECT_FALSE(PercentDecode("x%", false).ok());
}

TEST(Target, SplitPath) {
  EXPECT_EQ(SplitPath("/"), (std::vector<std::string_view>{""}));
  EXPECT_EQ(SplitPath("/a/b"), (std::vector<std::string_view>{"a", "b"}));
  EXPECT_EQ(SplitPath("/a//b/"), (std::vector<std::string_view>{"a", "", "b", ""}));
}

TEST(Request, SecureMeansTlsOrTrustedProxy) {
  Request r;
  EXPECT_FALSE(r.secure());
  r.forwarded_https = true;
  EXPECT_TRUE(r.secure());
  r.forwarded_https = false;
  r.is_tls = true;
  EXPECT_TRUE(r.secure());
}

TEST(Response, Text) {
  Response r = Response::Text(201, "made");
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.body, "made");
  EXPECT_EQ(r.headers.Get("Content-Type"), "text/plain; charset=utf-8");
}

}  // namespace
}  // namespace candor::http
