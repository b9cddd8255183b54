// Running the server for years (issue 16, item 5), through the real binary: readiness, the
// Prometheus metrics (unmoved by anonymous requests, counting named ones), a renewed TLS
// certificate taken on SIGHUP without a restart, and the log file reopened on SIGHUP after
// logrotate moved it.
#include <signal.h>

#include <fstream>

#include "processes.h"
#include "server/http/test_client.h"
#include "server_fixture.h"

namespace candor::it {
namespace {

std::string Slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

class OperationsTest : public ServerTest {};

TEST_P(OperationsTest, ReadinessMetricsCertificateReloadAndLogRotation) {
  const fs::path d = dir_ / "ops";
  fs::create_directories(d / "tls");
  ASSERT_TRUE(http::testclient::WriteSelfSignedCertificate(d / "tls"));
  fs::copy_file(d / "tls/cert.pem", d / "first-ca.pem");
  const int port = FreePort();
  const int metrics_port = FreePort();
  const fs::path log = d / "candor.log";
  Child serve({CANDOR_BINARY, "serve", "--demo", "--data-dir", (d / "data").string(), "--port",
               std::to_string(port), "--metrics-port", std::to_string(metrics_port), "--tls-cert",
               (d / "tls/cert.pem").string(), "--tls-key", (d / "tls/key.pem").string(),
               "--log-file", log.string(), "--batch-interval", "3600"},
              (d / "console.txt").string());
  ASSERT_TRUE(WaitFor([&] { return Slurp(log).find("DEMO DATA") != std::string::npos; }))
      << Slurp(log) << Slurp(d / "console.txt");
  cli::ServerUrl https = *cli::ServerUrl::Parse("https://127.0.0.1:" + std::to_string(port));
  const std::string first_ca = (d / "first-ca.pem").string();
  auto ready = cli::HttpRequest(https, "GET", "/api/v1/ready", "", first_ca);
  ASSERT_TRUE(ready.ok()) << ready.error().message();
  EXPECT_EQ(ready->status, 200);
  EXPECT_NE(ready->body.find("\"ready\""), std::string::npos);

  // Metrics: anonymous requests (public reads, an enrollment refused, the log) leave them as
  // they were; a named request is counted by its route pattern.
  cli::ServerUrl metrics_url =
      *cli::ServerUrl::Parse("http://127.0.0.1:" + std::to_string(metrics_port));
  auto scrape = [&] {
    auto r = cli::HttpRequest(metrics_url, "GET", "/metrics");
    EXPECT_TRUE(r.ok());
    return r.ok() ? r->body : std::string();
  };
  const std::string before = scrape();
  ASSERT_NE(before.find("# TYPE candor_http_named_requests_total counter"), std::string::npos);
  for (const char* target : {"/api/v1/orgs", "/api/v1/log/sth", "/api/v1/orgs/demo-agency/roster",
                             "/api/v1/health", "/api/v1/reach"}) {
    ASSERT_TRUE(cli::HttpRequest(https, "GET", target, "", first_ca).ok());
  }
  auto enroll =
      cli::HttpRequest(https, "POST", "/api/v1/orgs/demo-agency/enroll",
                       R"({"invitation":"nope","ring_public":"00","reply_public":"00"})", first_ca);
  ASSERT_TRUE(enroll.ok());
  EXPECT_EQ(enroll->status, 400);
  EXPECT_EQ(scrape(), before) << "anonymous requests moved the metrics";
  auto session = cli::HttpRequest(https, "GET", "/api/v1/session", "", first_ca);
  ASSERT_TRUE(session.ok());
  const std::string after = scrape();
  EXPECT_NE(after.find("route=\"/api/v1/session\",status=\"401\"} 1"), std::string::npos) << after;
  EXPECT_EQ(after.find("enroll"), std::string::npos);

  // A renewed certificate, taken on SIGHUP; the log moved away by logrotate, reopened.
  const fs::path next = d / "next";
  fs::create_directories(next);
  ASSERT_TRUE(http::testclient::WriteSelfSignedCertificate(next));
  fs::copy_file(next / "cert.pem", d / "tls/cert.pem", fs::copy_options::overwrite_existing);
  fs::copy_file(next / "key.pem", d / "tls/key.pem", fs::copy_options::overwrite_existing);
  fs::rename(log, d / "candor.log.1");
  const std::string pid = RunShell("pgrep -f -n '^" + std::string(CANDOR_BINARY) +
                                   " serve --demo --data-dir " + (d / "data").string() + "'")
                              .second;
  ASSERT_FALSE(pid.empty());
  ASSERT_EQ(::kill(std::stoi(pid), SIGHUP), 0);
  ASSERT_TRUE(WaitFor([&] {
    return Slurp(log).find("Reloaded the TLS certificate and key") != std::string::npos;
  })) << Slurp(log);
  EXPECT_NE(Slurp(log).find("Reopened the log file"), std::string::npos);
  EXPECT_FALSE(cli::HttpRequest(https, "GET", "/api/v1/ready", "", first_ca).ok());
  auto renewed = cli::HttpRequest(https, "GET", "/api/v1/ready", "", (next / "cert.pem").string());
  ASSERT_TRUE(renewed.ok()) << renewed.error().message();
  EXPECT_EQ(renewed->status, 200);
  serve.Stop();
  EXPECT_NE(Slurp(log).find("Stopping."), std::string::npos);
  EXPECT_EQ(Slurp(d / "candor.log.1").find("Stopping."), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Engines, OperationsTest, ::testing::Values("sqlite"),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace candor::it
