#include "server/http/metrics.h"

#include <gtest/gtest.h>

#include "server/http/json.h"
#include "server/http/server.h"
#include "server/http/test_client.h"

namespace candor::http {
namespace {

using testclient::Fetch;
using testclient::RawRequest;

// Issue 16, item 5: the metrics move with named requests and never with anonymous ones.
TEST(Metrics, AnonymousRequestsLeaveNoTraceAndNamedOnesAreCountedByRoute) {
  Metrics metrics;
  Router r;
  ASSERT_TRUE(r.Anonymous("POST", "/enroll/{slug}", [](const Request&) {
                 return JsonResponse(201, {{"ok", true}});
               }).ok());
  ASSERT_TRUE(r.Anonymous("GET", "/public", [](const Request&) {
                 return JsonResponse(200, {{"ok", true}});
               }).ok());
  ASSERT_TRUE(
      r.Named("GET", "/staff/{id}", [](const Request& req) -> Response {
         return JsonResponse(req.path.find("bad") == std::string::npos ? 200 : 404, {{"ok", true}});
       }).ok());
  ServerOptions options;
  options.access_log = &metrics;
  Server server(std::move(r), options);
  ASSERT_TRUE(server.Start().ok());
  int anonymous_reads = 0;
  metrics.AddGauge("candor_test_gauge", "A gauge.", [&] { return 2.5; });

  const std::string before = metrics.Exposition();
  for (int i = 0; i < 5; ++i) {
    auto a = Fetch(server.port(), RawRequest("POST", "/enroll/state", {}, "{}"));
    ASSERT_TRUE(a);
    EXPECT_EQ(a->status, 201);
    auto b = Fetch(server.port(), RawRequest("GET", "/public"));
    ASSERT_TRUE(b);
    ++anonymous_reads;
  }
  EXPECT_EQ(metrics.Exposition(), before) << "anonymous requests moved the metrics";
  EXPECT_EQ(before.find("enroll"), std::string::npos);

  for (const char* target : {"/staff/1", "/staff/2", "/staff/bad"}) {
    ASSERT_TRUE(Fetch(server.port(), RawRequest("GET", target)));
  }
  const std::string after = metrics.Exposition();
  EXPECT_NE(after.find("candor_http_named_requests_total{method=\"GET\",route=\"/staff/{id}\","
                       "status=\"200\"} 2\n"),
            std::string::npos)
      << after;
  EXPECT_NE(after.find("status=\"404\"} 1\n"), std::string::npos) << after;
  EXPECT_EQ(after.find("/staff/1"), std::string::npos);  // patterns, never path values
  EXPECT_NE(after.find("# TYPE candor_test_gauge gauge\ncandor_test_gauge 2.5\n"),
            std::string::npos);
  EXPECT_EQ(anonymous_reads, 5);
  server.Stop();
}

TEST(Metrics, LabelValuesAreEscaped) { EXPECT_EQ(EscapeLabel("a\"b\\c\nd"), "a\\\"b\\\\c\\nd"); }

}  // namespace
}  // namespace candor::http
