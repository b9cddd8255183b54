// Tests for cookie parsing and Set-Cookie construction.
#include "server/http/cookies.h"

#include <gtest/gtest.h>

namespace candor::http {
namespace {

using std::chrono::seconds;

TEST(Cookies, ParsesAHeader) {
  Params c = ParseCookieHeader("session=abc123; csrf=\"q1\";theme=dark ; broken; =x; a=1; a=2");
  EXPECT_EQ(c.at("session"), "abc123");
  EXPECT_EQ(c.at("csrf"), "q1");
  EXPECT_EQ(c.at("theme"), "dark");
  EXPECT_EQ(c.at("a"), "1");  // first wins
  EXPECT_EQ(c.count("broken"), 0u);
  EXPECT_EQ(c.count(""), 0u);
  EXPECT_TRUE(ParseCookieHeader("").empty());
  EXPECT_EQ(ParseCookieHeader("x=").at("x"), "");
}

TEST(Cookies, GetCookieAcrossHeaders) {
  Request r;
  r.headers.Add("Cookie", "a=1");
  r.headers.Add("cookie", "session=s2");
  EXPECT_EQ(GetCookie(r, "session"), "s2");
  EXPECT_EQ(GetCookie(r, "a"), "1");
  EXPECT_FALSE(GetCookie(r, "b").has_value());
  EXPECT_FALSE(GetCookie(Request(), "a").has_value());
}

TEST(Cookies, BuildsStrictSessionCookies) {
  auto plain = BuildSetCookie("session", "abc", seconds(3600), /*secure=*/false);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(*plain, "session=abc; Path=/; Max-Age=3600; HttpOnly; SameSite=Strict");
  auto secure = BuildSetCookie("session", "abc", seconds(60), /*secure=*/true);
  ASSERT_TRUE(secure.ok());
  EXPECT_EQ(*secure, "session=abc; Path=/; Max-Age=60; HttpOnly; SameSite=Strict; Secure");
}

TEST(Cookies, SecureFollowsTheRequest) {
  Request r;
  EXPECT_EQ(BuildSetCookie(r, "s", "v", seconds(1))->find("Secure"), std::string::npos);
  r.is_tls = true;
  EXPECT_NE(BuildSetCookie(r, "s", "v", seconds(1))->find("; Secure"), std::string::npos);
  r.is_tls = false;
  r.forwarded_https = true;
  EXPECT_NE(BuildSetCookie(r, "s", "v", seconds(1))->find("; Secure"), std::string::npos);
  auto clear = BuildClearCookie(r, "s");
  ASSERT_TRUE(clear.ok());
  EXPECT_EQ(*clear, "s=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict; Secure");
}

TEST(Cookies, RejectsBadNamesAndValues) {
  for (std::string_view name : {"", "a b", "a;b", "a=b", "a,b", "caf\xC3\xA9"}) {
    EXPECT_FALSE(BuildSetCookie(name, "v", seconds(1), false).ok()) << name;
  }
  for (std::string_view value :
       {"a b", "a;b", "a,b", "a\"b", "a\\b", "a\r\nSet-Cookie: x=y", "\xC3\xA9"}) {
    EXPECT_FALSE(BuildSetCookie("n", value, seconds(1), false).ok()) << value;
  }
  EXPECT_FALSE(BuildSetCookie("n", "v", seconds(-1), false).ok());
  EXPECT_TRUE(BuildSetCookie("n", "AZaz09-_.~+/=", seconds(1), false).ok());
}

TEST(Cookies, HostPrefixNeedsSecure) {
  auto r = BuildSetCookie("__Host-session", "v", seconds(1), false);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_TRUE(BuildSetCookie("__Host-session", "v", seconds(1), true).ok());
  EXPECT_FALSE(BuildSetCookie("__Secure-x", "v", seconds(1), false).ok());
}

}  // namespace
}  // namespace candor::http
