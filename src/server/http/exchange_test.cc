// Tests for the socket-free part of request handling: anonymous redaction, forwarded
// protocol trust, handler failures, security headers and the access-log policy.
#include "server/http/exchange.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/beast/core/buffers_to_string.hpp>
#include <stdexcept>
#include <vector>

#include "server/http/json.h"
#include "server/http/read_buffer.h"

namespace candor::http {
namespace {

class RecordingSink final : public AccessLogSink {
 public:
  void Record(const AccessLogEntry& entry) override { entries.push_back(entry); }
  std::vector<AccessLogEntry> entries;
};

TEST(Exchange, AnonymousRequestsLoseIdentifyingHeaders) {
  Request r;
  r.headers.Add("Host", "candor.example");
  r.headers.Add("Content-Type", "application/json");
  r.headers.Add("Cookie", "session=abc");
  r.headers.Add("Authorization", "Bearer x");
  r.headers.Add("User-Agent", "Firefox");
  r.headers.Add("X-Forwarded-For", "203.0.113.9");
  r.headers.Add("X-Real-IP", "203.0.113.9");
  r.headers.Add("Forwarded", "for=203.0.113.9");
  r.headers.Add("Referer", "https://intranet/");
  r.headers.Add("Accept-Language", "fr-CH");
  r.headers.Add("X-Some-New-Header", "id-123");
  r.peer_address = "203.0.113.9";
  RedactForAnonymous(r);
  EXPECT_FALSE(r.peer_address.has_value());
  EXPECT_EQ(r.headers.Get("Host"), "candor.example");
  EXPECT_EQ(r.headers.Get("Content-Type"), "application/json");
  for (const char* gone : {"Cookie", "Authorization", "User-Agent", "X-Forwarded-For", "X-Real-IP",
                           "Forwarded", "Referer", "Accept-Language", "X-Some-New-Header"}) {
    EXPECT_FALSE(r.headers.Has(gone)) << gone;
  }
}

TEST(Exchange, ForwardedProtoOnlyWhenTrusted) {
  Request r;
  r.headers.Add("X-Forwarded-Proto", "https");
  ApplyForwardedProto(r, /*trust_proxy=*/false);
  EXPECT_FALSE(r.forwarded_https);
  ApplyForwardedProto(r, /*trust_proxy=*/true);
  EXPECT_TRUE(r.forwarded_https);
  Request chain;
  chain.headers.Add("X-Forwarded-Proto", " HTTPS , http");
  ApplyForwardedProto(chain, true);
  EXPECT_TRUE(chain.forwarded_https);
  Request plain;
  plain.headers.Add("X-Forwarded-Proto", "http");
  ApplyForwardedProto(plain, true);
  EXPECT_FALSE(plain.forwarded_https);
  Request none;
  ApplyForwardedProto(none, true);
  EXPECT_FALSE(none.forwarded_https);
}

TEST(Exchange, HandlerExceptionsBecomeBare500s) {
  Router router;
  ASSERT_TRUE(router
                  .Named("GET", "/boom",
                         [](const Request&) -> Response {
                           throw std::runtime_error("database password is hunter2");
                         })
                  .ok());
  ASSERT_TRUE(router.Anonymous("GET", "/int", [](const Request&) -> Response { throw 42; }).ok());
  for (const char* path : {"/boom", "/int"}) {
    Response r = RunRoute(router.Match("GET", path), Request());
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(r.body, R"({"error":{"code":"internal","message":"internal error"}})");
  }
}

TEST(Exchange, AnonymousHandlersCannotSetCookies) {
  Router router;
  auto sets_cookie = [](const Request&) {
    Response r = Response::Text(200, "ok");
    r.headers.Add("Set-Cookie", "tracker=1");
    return r;
  };
  ASSERT_TRUE(router.Anonymous("GET", "/anon", sets_cookie).ok());
  ASSERT_TRUE(router.Named("GET", "/named", sets_cookie).ok());
  EXPECT_FALSE(RunRoute(router.Match("GET", "/anon"), Request()).headers.Has("Set-Cookie"));
  EXPECT_TRUE(RunRoute(router.Match("GET", "/named"), Request()).headers.Has("Set-Cookie"));
}

TEST(Exchange, NoRouteGivesJsonErrors) {
  Router router;
  ASSERT_TRUE(router.Named("GET", "/a", [](const Request&) { return Response(); }).ok());
  EXPECT_EQ(RunRoute(router.Match("GET", "/b"), Request()).status, 404);
  Response r = RunRoute(router.Match("POST", "/a"), Request());
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers.Get("Allow"), "GET, HEAD");  // HEAD is answered by every GET route
}

TEST(Exchange, SecurityHeaders) {
  Response api;
  api.headers.Set("Cache-Control", "public, max-age=600");
  AddSecurityHeaders(api, "/api/v1/orgs", {});
  EXPECT_EQ(api.headers.Get("Content-Security-Policy"),
            "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
            "img-src 'self'; connect-src 'self'; worker-src 'self'; manifest-src 'self'; "
            "base-uri 'none'; frame-ancestors 'none'; form-action 'none'");
  EXPECT_EQ(api.headers.Get("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(api.headers.Get("Referrer-Policy"), "no-referrer");
  EXPECT_EQ(api.headers.Get("Cache-Control"), "no-store");

  Response page;
  AddSecurityHeaders(page, "/index.html", {.content_security_policy = "default-src 'none'"});
  EXPECT_EQ(page.headers.Get("Content-Security-Policy"), "default-src 'none'");
  EXPECT_FALSE(page.headers.Has("Cache-Control"));
  EXPECT_EQ(page.headers.Get("X-Content-Type-Options"), "nosniff");

  Response encoded;
  AddSecurityHeaders(encoded, "/%61pi/v1/x", {});
  EXPECT_EQ(encoded.headers.Get("Cache-Control"), "no-store");
  Response apiary;
  AddSecurityHeaders(apiary, "/apiary", {});
  EXPECT_FALSE(apiary.headers.Has("Cache-Control"));

  // An anonymous route may keep its own Cache-Control (a roster version); without one it
  // still gets no-store, and a named route never keeps one.
  Response version;
  version.headers.Set("Cache-Control", "public, max-age=31536000, immutable");
  AddSecurityHeaders(version, "/api/v1/orgs/a/roster/3", {}, /*public_route=*/true);
  EXPECT_EQ(version.headers.Get("Cache-Control"), "public, max-age=31536000, immutable");
  Response plain;
  AddSecurityHeaders(plain, "/api/v1/log/sth", {}, /*public_route=*/true);
  EXPECT_EQ(plain.headers.Get("Cache-Control"), "no-store");
  Response named;
  named.headers.Set("Cache-Control", "public");
  AddSecurityHeaders(named, "/api/v1/orgs/a/accounts", {}, /*public_route=*/false);
  EXPECT_EQ(named.headers.Get("Cache-Control"), "no-store");
}

TEST(Exchange, AccessLogOnlyForNamedRoutes) {
  Router router;
  auto ok = [](const Request&) { return Response(); };
  ASSERT_TRUE(router.Named("GET", "/api/v1/orgs/{slug}", ok).ok());
  ASSERT_TRUE(router.Anonymous("POST", "/api/v1/letters/{id}/signatures", ok).ok());
  RecordingSink sink;
  using namespace std::chrono;
  AccessLogPolicy policy;
  policy.sink = &sink;
  policy.clock = [] { return system_clock::time_point(seconds(1714561234)); };  // 11:00:34 UTC
  RecordAccess(policy, router.Match("GET", "/api/v1/orgs/acme"), 200);
  RecordAccess(policy, router.Match("POST", "/api/v1/letters/abc/signatures"), 201);
  RecordAccess(policy, router.Match("GET", "/nope"), 404);
  ASSERT_EQ(sink.entries.size(), 1u);
  const AccessLogEntry& e = sink.entries[0];
  EXPECT_EQ(e.method, "GET");
  EXPECT_EQ(e.route, "/api/v1/orgs/{slug}");
  EXPECT_EQ(e.status, 200);
  EXPECT_EQ(e.time, system_clock::time_point(seconds(1714561234 - 1714561234 % 3600)));
  EXPECT_EQ(FormatAccessLogLine(e), "2024-05-01T11:00:00Z GET /api/v1/orgs/{slug} 200");

  policy.log_named_routes = false;
  RecordAccess(policy, router.Match("GET", "/api/v1/orgs/acme"), 200);
  EXPECT_EQ(sink.entries.size(), 1u);
}

TEST(Exchange, SpdlogSinkWritesOnlyTheCoarseLine) {
  using namespace std::chrono;
  AccessLogEntry e{"GET", "/api/v1/orgs/{slug}", 200, system_clock::time_point(hours(475000))};
  ::testing::internal::CaptureStderr();
  {
    SpdlogAccessLogSink sink;
    sink.Record(e);
  }  // written when the sink goes
  std::string out = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(out, "access 2024-03-09T16:00:00Z GET /api/v1/orgs/{slug} 200\n");
}

// Security review L9: a line written as its request ends is stamped with that request's exact
// time by journald or syslog. Lines are held until the period is over and then written
// together, shuffled.
TEST(Exchange, SpdlogSinkHoldsAPeriodsLinesUntilItEnds) {
  using namespace std::chrono;
  SpdlogAccessLogSink sink;
  const auto hour = system_clock::time_point(hours(475000));
  ::testing::internal::CaptureStderr();
  for (int i = 0; i < 50; ++i)
    sink.Record({"POST", "/api/v1/route" + std::to_string(i), 200, hour});
  std::string during = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(during, "");  // nothing written while the hour lasts
  ::testing::internal::CaptureStderr();
  sink.Record({"GET", "/api/v1/next", 200, hour + hours(1)});
  std::string after = ::testing::internal::GetCapturedStderr();
  std::vector<std::string> lines;
  for (std::size_t start = 0, end; (end = after.find('\n', start)) != std::string::npos;
       start = end + 1) {
    lines.push_back(after.substr(start, end - start));
  }
  ASSERT_EQ(lines.size(), 50u);  // the whole hour at once, the new hour's line held
  std::vector<std::string> sorted = lines, in_order;
  std::sort(sorted.begin(), sorted.end());
  for (int i = 0; i < 50; ++i)
    in_order.push_back("access 2024-03-09T16:00:00Z POST /api/v1/route" + std::to_string(i) +
                       " 200");
  std::vector<std::string> expected = in_order;
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(sorted, expected);
  EXPECT_NE(lines, in_order);  // shuffled (50! orders: equal by chance with probability ~1e-64)
}

// A named route's body may hold a password: the server overwrites it once answered (L6).
TEST(Exchange, WipeRequestBodyOverwritesEveryByte) {
  Request r;
  r.body = R"({"password":"correct horse battery staple and then some more"})";
  const char* bytes = r.body.data();
  const std::size_t capacity = r.body.capacity();
  WipeRequestBody(r);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(std::string_view(bytes, capacity).find_first_not_of('\0'), std::string_view::npos);
}

// The raw bytes of a parsed request are wiped from the read buffer; a pipelined request that
// follows it is kept, at the front (L6).
TEST(Exchange, WipeSpentBytesClearsParsedRequestsAndKeepsPipelinedOnes) {
  const std::string first =
      "POST /api/v1/session HTTP/1.1\r\n\r\n{\"password\":\"hunter2 hunter2\"}";
  const std::string next = "GET /api/v1/health HTTP/1.1\r\n\r\n";
  const auto storage = [](ReadBuffer& b) {  // every byte the buffer holds, used or free
    std::string all = boost::beast::buffers_to_string(b.data());
    return all + boost::beast::buffers_to_string(b.prepare(b.capacity() - b.size()));
  };
  const auto fill = [&](ReadBuffer& b) {
    b.commit(boost::asio::buffer_copy(b.prepare(first.size() + next.size()),
                                      boost::asio::buffer(first + next)));
    b.consume(first.size());  // as Beast does once it has parsed the first request
  };
  ReadBuffer plain;
  fill(plain);
  plain.consume(plain.size());
  EXPECT_NE(storage(plain).find("hunter2"), std::string::npos);  // consuming alone leaves it

  ReadBuffer wiped;
  fill(wiped);
  WipeSpentBytes(wiped);
  EXPECT_EQ(boost::beast::buffers_to_string(wiped.data()), next);
  const std::string all = storage(wiped);
  EXPECT_EQ(all.find("hunter2"), std::string::npos);
  EXPECT_EQ(all.substr(next.size()).find_first_not_of('\0'), std::string::npos);
  wiped.consume(next.size());  // the pipelined request parsed in turn
  WipeSpentBytes(wiped);
  EXPECT_EQ(wiped.size(), 0u);
  EXPECT_EQ(storage(wiped).find_first_not_of('\0'), std::string::npos);
}

TEST(Exchange, CoarsenTime) {
  using namespace std::chrono;
  auto t = system_clock::time_point(seconds(3725));
  EXPECT_EQ(CoarsenTime(t, seconds(3600)), system_clock::time_point(seconds(3600)));
  EXPECT_EQ(CoarsenTime(t, seconds(60)), system_clock::time_point(seconds(3720)));
  EXPECT_EQ(CoarsenTime(t, seconds(0)), t);
}

}  // namespace
}  // namespace candor::http
