// Real-socket tests of the server over TLS, with a self-signed certificate made in the test.
#include <gtest/gtest.h>
#include <unistd.h>

#include <thread>

#include "server/http/cookies.h"
#include "server/http/json.h"
#include "server/http/server.h"
#include "server/http/test_client.h"

namespace candor::http {
namespace {

using namespace std::chrono_literals;
using testclient::Client;
using testclient::RawRequest;

class TlsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("candor-tls-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    ASSERT_TRUE(testclient::WriteSelfSignedCertificate(dir_));
  }
  void TearDown() override {
    if (server_) server_->Stop();
    std::filesystem::remove_all(dir_);
  }

  void Start(ServerOptions options = {}) {
    Router r;
    ASSERT_TRUE(r.Named("POST", "/login", [](const Request& req) {
                   auto cookie = BuildSetCookie(req, "session", "abc123", std::chrono::hours(1));
                   if (!cookie.ok()) return ErrorResponse(cookie.error());
                   Response resp = JsonResponse(200, {{"tls", req.is_tls}});
                   resp.headers.Add("Set-Cookie", *cookie);
                   return resp;
                 }).ok());
    options.tls = TlsFiles{(dir_ / "cert.pem").string(), (dir_ / "key.pem").string()};
    server_ = std::make_unique<Server>(std::move(r), std::move(options));
    Status s = server_->Start();
    ASSERT_TRUE(s.ok()) << s.error().message();
  }

  std::string ca() const { return (dir_ / "cert.pem").string(); }

  std::filesystem::path dir_;
  std::unique_ptr<Server> server_;
};

TEST_F(TlsServerTest, ServesOverTlsWithSecureCookies) {
  Start();
  auto c = Client::ConnectTls(server_->port(), ca());
  ASSERT_TRUE(c) << "TLS handshake failed";
  for (int i = 0; i < 2; ++i) {  // keep-alive over TLS
    ASSERT_TRUE(c->Send(RawRequest("POST", "/login")));
    auto r = c->Read();
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, R"({"tls":true})");
    EXPECT_EQ(r->Header("Set-Cookie"),
              "session=abc123; Path=/; Max-Age=3600; HttpOnly; SameSite=Strict; Secure");
    EXPECT_EQ(r->Header("X-Content-Type-Options"), "nosniff");
    // Security review L2: a browser that once reached the server over HTTPS never again
    // tries plain HTTP (where a network attacker could strip TLS and read the cookie).
    EXPECT_EQ(r->Header("Strict-Transport-Security"), "max-age=31536000");
  }
}

// Issue 16, item 5: a renewed certificate is taken without a restart; connections already open
// keep theirs; files that do not load leave the one in use.
TEST_F(TlsServerTest, ARenewedCertificateIsReloadedWithoutARestart) {
  Start();
  const std::filesystem::path old_ca = dir_ / "old.pem";
  std::filesystem::copy_file(dir_ / "cert.pem", old_ca);
  auto open = Client::ConnectTls(server_->port(), old_ca.string());
  ASSERT_TRUE(open);
  // The renewal: a new key and certificate in place of the old files.
  const std::filesystem::path next = dir_ / "next";
  std::filesystem::create_directories(next);
  ASSERT_TRUE(testclient::WriteSelfSignedCertificate(next));
  std::filesystem::copy_file(next / "cert.pem", dir_ / "cert.pem",
                             std::filesystem::copy_options::overwrite_existing);
  std::filesystem::copy_file(next / "key.pem", dir_ / "key.pem",
                             std::filesystem::copy_options::overwrite_existing);
  EXPECT_TRUE(Client::ConnectTls(server_->port(), old_ca.string()));  // not yet reloaded
  ASSERT_TRUE(server_->ReloadTls().ok());
  EXPECT_FALSE(Client::ConnectTls(server_->port(), old_ca.string()));
  auto renewed = Client::ConnectTls(server_->port(), (next / "cert.pem").string());
  ASSERT_TRUE(renewed);
  ASSERT_TRUE(renewed->Send(RawRequest("POST", "/login")));
  EXPECT_EQ(renewed->Read()->status, 200);
  // The connection opened before the reload goes on.
  ASSERT_TRUE(open->Send(RawRequest("POST", "/login")));
  EXPECT_EQ(open->Read()->status, 200);
  // A key that does not match: refused, and the renewed certificate stays in use.
  std::filesystem::copy_file(old_ca, dir_ / "cert.pem",
                             std::filesystem::copy_options::overwrite_existing);
  Status bad = server_->ReloadTls();
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message().find("TLS: "), std::string::npos) << bad.error().message();
  EXPECT_TRUE(Client::ConnectTls(server_->port(), (next / "cert.pem").string()));
}

TEST_F(TlsServerTest, Tls12IsAccepted) {
  Start();
  auto c = Client::ConnectTls(server_->port(), ca(), TLS1_2_VERSION);
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->Send(RawRequest("POST", "/login")));
  auto r = c->Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(TlsServerTest, PlainHttpToTheTlsPortGetsNoAnswer) {
  Start();
  auto c = Client::Connect(server_->port(), 50ms);
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->Send(RawRequest("POST", "/login")));
  EXPECT_TRUE(c->WaitClosed(3000ms));
  // The server is unharmed.
  auto tls = Client::ConnectTls(server_->port(), ca());
  ASSERT_TRUE(tls);
  ASSERT_TRUE(tls->Send(RawRequest("POST", "/login")));
  auto r = tls->Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(TlsServerTest, StalledHandshakeIsDisconnected) {
  ServerOptions o;
  o.request_timeout = 300ms;
  Start(o);
  auto c = Client::Connect(server_->port(), 50ms);
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->Send(std::string("\x16\x03\x01", 3)));  // the start of a ClientHello
  auto begin = std::chrono::steady_clock::now();
  EXPECT_TRUE(c->WaitClosed(3000ms));
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 2500ms);
}

TEST_F(TlsServerTest, MismatchedKeyIsAStartError) {
  std::filesystem::path other = dir_ / "other";
  std::filesystem::create_directories(other);
  ASSERT_TRUE(testclient::WriteSelfSignedCertificate(other));
  ServerOptions o;
  o.tls = TlsFiles{(dir_ / "cert.pem").string(), (other / "key.pem").string()};
  Server s(Router(), o);
  Status st = s.Start();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), ErrorCode::kIo);
}

}  // namespace
}  // namespace candor::http
