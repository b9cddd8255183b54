// Real-socket tests of the plain-HTTP server: a server on 127.0.0.1 port 0 with a few test
// routes, driven by the small blocking client in test_client.h.
#include "server/http/server.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "server/http/cookies.h"
#include "server/http/json.h"
#include "server/http/static_files.h"
#include "server/http/test_client.h"

namespace candor::http {
namespace {

using namespace std::chrono_literals;

// The size of GET /api/v1/big: more than loopback's socket buffers hold (a few MB each way).
constexpr std::size_t kBigBody = std::size_t{32} << 20;
using testclient::Client;
using testclient::ClientResponse;
using testclient::Fetch;
using testclient::RawRequest;

class RecordingSink final : public AccessLogSink {
 public:
  void Record(const AccessLogEntry& entry) override {
    std::lock_guard lock(mu_);
    entries_.push_back(entry);
  }
  std::vector<AccessLogEntry> entries() const {
    std::lock_guard lock(mu_);
    return entries_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<AccessLogEntry> entries_;
};

// What the test handlers observed.
struct Seen {
  std::atomic<int> echo_calls{0};
  std::atomic<int> anon_calls{0};
  std::mutex mu;
  std::optional<Request> last_anonymous;
  std::optional<Request> last_named;
  // The offloaded route waits for `release` once it has said it started.
  std::atomic<int> heavy_started{0};
  std::mutex gate_mu;
  std::condition_variable gate_cv;
  bool release = false;
};

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("candor-http-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "web");
    std::ofstream(dir_ / "web" / "index.html") << "<h1>Candor</h1>";
    std::ofstream(dir_ / "secret.txt") << "outside the root";
  }
  void TearDown() override {
    if (server_) server_->Stop();
    std::filesystem::remove_all(dir_);
  }

  Router MakeRouter() {
    Router r;
    Seen* seen = &seen_;
    auto check = [](Status s) { EXPECT_TRUE(s.ok()) << s.error().message(); };
    check(r.Named("GET", "/api/v1/orgs/{slug}", [seen](const Request& req) {
      std::lock_guard lock(seen->mu);
      seen->last_named = req;
      return JsonResponse(200, {{"slug", std::string(*req.PathParam("slug"))}});
    }));
    check(r.Named("POST", "/api/v1/echo", [seen](const Request& req) {
      ++seen->echo_calls;
      return Response::Text(200, req.body);
    }));
    check(r.Anonymous("POST", "/api/v1/letters/{id}/signatures",
                      [seen](const Request& req) {
                        ++seen->anon_calls;
                        std::lock_guard lock(seen->mu);
                        seen->last_anonymous = req;
                        return JsonResponse(201, {{"size", req.body.size()}});
                      },
                      {.max_body_bytes = 8192, .offload = false, .inline_answer = {}}));
    check(r.Named("GET", "/api/v1/boom",
                  [](const Request&) -> Response { throw std::runtime_error("secret detail"); }));
    check(r.Named("GET", "/api/v1/slow", [](const Request&) {
      std::this_thread::sleep_for(400ms);
      return Response::Text(200, "slow");
    }));
    check(r.Named("POST", "/login", [](const Request& req) {
      auto cookie = BuildSetCookie(req, "session", "abc123", std::chrono::hours(1));
      if (!cookie.ok()) return ErrorResponse(cookie.error());
      Response resp = Response::Text(200, "welcome");
      resp.headers.Add("Set-Cookie", *cookie);
      return resp;
    }));
    check(r.Anonymous("GET", "/static/{*path}", StaticFiles(dir_ / "web").AsHandler()));
    check(r.Anonymous("POST", "/api/v1/heavy",
                      [seen](const Request&) {
                        ++seen->heavy_started;
                        std::unique_lock lock(seen->gate_mu);
                        seen->gate_cv.wait(lock, [seen] { return seen->release; });
                        return Response::Text(200, "checked");
                      },
                      {.max_body_bytes = std::nullopt,
                       .offload = true,
                       // "?cached=1" stands for an answer that is ready: given on the I/O thread.
                       .inline_answer = [](const Request& req) -> std::optional<Response> {
                         if (!req.QueryParam("cached")) return std::nullopt;
                         return Response::Text(200, "ready");
                       }}));
    // A large public answer (a 10^6-member roster is 165 MB), shared without a copy.
    static const auto big = std::make_shared<const std::string>(kBigBody, 'r');
    check(r.Anonymous("GET", "/api/v1/big", [](const Request&) {
      Response res;
      res.shared_body = big;
      return res;
    }));
    return r;
  }

  void Start(ServerOptions options = {}) {
    server_ = std::make_unique<Server>(MakeRouter(), std::move(options));
    Status s = server_->Start();
    ASSERT_TRUE(s.ok()) << s.error().message();
    ASSERT_NE(server_->port(), 0);
  }

  std::uint16_t port() const { return server_->port(); }

  std::filesystem::path dir_;
  Seen seen_;
  std::unique_ptr<Server> server_;
};

TEST_F(ServerTest, GetAndPost) {
  Start();
  auto get = Fetch(port(), RawRequest("GET", "/api/v1/orgs/acme"));
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 200);
  EXPECT_EQ(get->Header("Content-Type"), "application/json");
  EXPECT_EQ(get->body, R"({"slug":"acme"})");

  auto post = Fetch(
      port(), RawRequest("POST", "/api/v1/echo", {"Content-Type: text/plain"}, "hello, server"));
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 200);
  EXPECT_EQ(post->body, "hello, server");
  EXPECT_EQ(seen_.echo_calls, 1);
}

// HEAD is answered by the GET route with the same headers, Content-Length included, and no
// body: the next answer on the same connection starts right after the headers.
TEST_F(ServerTest, HeadIsGetWithoutTheBody) {
  Start();
  auto c = Client::Connect(port());
  ASSERT_TRUE(c);
  ASSERT_TRUE(
      c->Send(RawRequest("HEAD", "/api/v1/orgs/acme") + RawRequest("GET", "/api/v1/orgs/acme")));
  auto head = c->Read(/*head_only=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->Header("Content-Length"),
            std::to_string(std::string(R"({"slug":"acme"})").size()));
  EXPECT_EQ(head->Header("Content-Type"), "application/json");
  EXPECT_EQ(head->body, "");
  auto get = c->Read();
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 200);
  EXPECT_EQ(get->body, R"({"slug":"acme"})");

  // A path without GET still refuses HEAD, and the Allow header lists HEAD beside GET.
  auto c2 = Client::Connect(port());
  ASSERT_TRUE(c2 && c2->Send(RawRequest("HEAD", "/api/v1/echo")));
  auto post_only = c2->Read(/*head_only=*/true);
  ASSERT_TRUE(post_only);
  EXPECT_EQ(post_only->status, 405);
  auto wrong = Fetch(port(), RawRequest("DELETE", "/api/v1/orgs/acme"));
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->Header("Allow"), "GET, HEAD");
}

TEST_F(ServerTest, UnknownPathAndWrongMethod) {
  Start();
  auto missing = Fetch(port(), RawRequest("GET", "/api/v1/nothing"));
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(nlohmann::json::parse(missing->body)["error"]["code"], "not_found");
  auto wrong = Fetch(port(), RawRequest("DELETE", "/api/v1/echo"));
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 405);
  EXPECT_EQ(wrong->Header("Allow"), "POST");
}

TEST_F(ServerTest, SecurityHeadersOnEveryResponse) {
  Start();
  for (const char* path : {"/api/v1/orgs/acme", "/api/v1/nothing", "/static/index.html"}) {
    auto r = Fetch(port(), RawRequest("GET", path));
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->Header("Content-Security-Policy"),
              "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
              "img-src 'self'; connect-src 'self'; worker-src 'self'; manifest-src 'self'; "
              "base-uri 'none'; frame-ancestors 'none'; form-action 'none'")
        << path;
    EXPECT_EQ(r->Header("X-Content-Type-Options"), "nosniff") << path;
    EXPECT_EQ(r->Header("Referrer-Policy"), "no-referrer") << path;
  }
  EXPECT_EQ(Fetch(port(), RawRequest("GET", "/api/v1/orgs/acme"))->Header("Cache-Control"),
            "no-store");
  EXPECT_EQ(Fetch(port(), RawRequest("GET", "/static/index.html"))->Header("Cache-Control"),
            "no-cache");
  // Even errors decided before routing carry them.
  auto bad = Fetch(port(), "GET nonsense HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(bad->Header("X-Content-Type-Options"), "nosniff");
}

TEST_F(ServerTest, ConfigurableContentSecurityPolicy) {
  ServerOptions o;
  o.content_security_policy = "default-src 'none'";
  Start(o);
  EXPECT_EQ(Fetch(port(), RawRequest("GET", "/api/v1/orgs/a"))->Header("Content-Security-Policy"),
            "default-src 'none'");
}

TEST_F(ServerTest, OversizedBodyIs413AndNeverReachesTheHandler) {
  ServerOptions o;
  o.max_body_bytes = 1024;
  Start(o);
  auto big = Fetch(port(), RawRequest("POST", "/api/v1/echo", {}, std::string(5000, 'x')));
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  EXPECT_EQ(nlohmann::json::parse(big->body)["error"]["code"], "payload_too_large");
  EXPECT_EQ(big->Header("Connection"), "close");

  // Announced size alone is enough: the body is never sent.
  auto announced = Fetch(port(),
                         "POST /api/v1/echo HTTP/1.1\r\nHost: x\r\n"
                         "Content-Length: 99999999999\r\n\r\n");
  ASSERT_TRUE(announced);
  EXPECT_EQ(announced->status, 413);

  // Chunked bodies are cut off as they stream.
  std::string chunked =
      "POST /api/v1/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 4; ++i) chunked += "200\r\n" + std::string(512, 'y') + "\r\n";
  chunked += "0\r\n\r\n";
  auto streamed = Fetch(port(), chunked);
  ASSERT_TRUE(streamed);
  EXPECT_EQ(streamed->status, 413);
  EXPECT_EQ(seen_.echo_calls, 0);

  // Within the limit it works, and a route may raise its own limit.
  EXPECT_EQ(Fetch(port(), RawRequest("POST", "/api/v1/echo", {}, std::string(1024, 'x')))->status,
            200);
  EXPECT_EQ(
      Fetch(port(), RawRequest("POST", "/api/v1/letters/L1/signatures", {}, std::string(5000, 'x')))
          ->status,
      201);
  EXPECT_EQ(
      Fetch(port(), RawRequest("POST", "/api/v1/letters/L1/signatures", {}, std::string(9000, 'x')))
          ->status,
      413);
  EXPECT_EQ(seen_.echo_calls, 1);
  EXPECT_EQ(seen_.anon_calls, 1);
}

TEST_F(ServerTest, HugeHeaderIs431) {
  ServerOptions o;
  o.max_header_bytes = 2048;
  Start(o);
  auto r = Fetch(port(), RawRequest("GET", "/api/v1/orgs/a", {"X-Pad: " + std::string(4000, 'p')}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
}

TEST_F(ServerTest, MalformedRequestsAre400) {
  Start();
  for (std::string raw :
       {std::string("GARBAGE\r\n\r\n"), std::string("GET /a%2Fb HTTP/1.1\r\nHost: x\r\n\r\n"),
        std::string("GET /a?x=1&x=2 HTTP/1.1\r\nHost: x\r\n\r\n"),
        std::string("POST /api/v1/echo HTTP/1.1\r\nHost: x\r\n"
                    "Content-Length: 1\r\nContent-Length: 2\r\n\r\nab"),
        // Request smuggling shapes: both framings, or an unknown coding.
        std::string("POST /api/v1/echo HTTP/1.1\r\nHost: x\r\n"
                    "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "0\r\n\r\n"),
        std::string("POST /api/v1/echo HTTP/1.1\r\nHost: x\r\n"
                    "Transfer-Encoding: gzip\r\n\r\nGET /x HTTP/1.1\r\n\r\n")}) {
    auto r = Fetch(port(), raw);
    ASSERT_TRUE(r) << raw;
    EXPECT_EQ(r->status, 400) << raw;
  }
  EXPECT_EQ(seen_.echo_calls, 0);
}

TEST_F(ServerTest, SlowHeaderIsDisconnectedAfterTheDeadline) {
  ServerOptions o;
  o.request_timeout = 300ms;
  Start(o);
  auto c = Client::Connect(port(), 50ms);
  ASSERT_TRUE(c);
  auto begin = std::chrono::steady_clock::now();
  ASSERT_TRUE(c->Send("GET /api/v1/orgs/acme HTTP/1.1\r\nHost: x\r\n"));  // no blank line
  EXPECT_TRUE(c->WaitClosed(3000ms));
  auto elapsed = std::chrono::steady_clock::now() - begin;
  EXPECT_GE(elapsed, 250ms);
  EXPECT_LT(elapsed, 2500ms);
}

TEST_F(ServerTest, TricklingBytesDoesNotExtendTheDeadline) {
  ServerOptions o;
  o.request_timeout = 400ms;
  Start(o);
  auto c = Client::Connect(port(), 20ms);
  ASSERT_TRUE(c);
  std::string request =
      "GET /api/v1/orgs/acme HTTP/1.1\r\nHost: x\r\nX-Pad: " + std::string(200, 'p') + "\r\n\r\n";
  auto begin = std::chrono::steady_clock::now();
  bool closed = false;
  // One byte every 50 ms would take 13 s; every byte arrives well within any per-read timeout.
  for (char ch : request) {
    if (!c->Send(std::string_view(&ch, 1)) || c->WaitClosed(50ms)) {
      closed = true;
      break;
    }
  }
  EXPECT_TRUE(closed);
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 3000ms);
}

TEST_F(ServerTest, SlowBodyIsDisconnectedAndNeverHandled) {
  ServerOptions o;
  o.request_timeout = 300ms;
  Start(o);
  auto c = Client::Connect(port(), 50ms);
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->Send("POST /api/v1/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" +
                      std::string(10, 'x')));
  EXPECT_TRUE(c->WaitClosed(3000ms));
  EXPECT_EQ(seen_.echo_calls, 0);
}

TEST_F(ServerTest, KeepAliveAndPipelining) {
  Start();
  auto c = Client::Connect(port());
  ASSERT_TRUE(c);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(c->Send(RawRequest("GET", "/api/v1/orgs/o" + std::to_string(i))));
    auto r = c->Read();
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "{\"slug\":\"o" + std::to_string(i) + "\"}");
  }
  // Two requests in one write: two responses, in order.
  ASSERT_TRUE(c->Send(RawRequest("POST", "/api/v1/echo", {}, "first") +
                      RawRequest("POST", "/api/v1/echo", {}, "second")));
  auto first = c->Read();
  auto second = c->Read();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->body, "first");
  EXPECT_EQ(second->body, "second");
  // Connection: close is honoured.
  ASSERT_TRUE(c->Send(RawRequest("GET", "/api/v1/orgs/z", {"Connection: close"})));
  auto last = c->Read();
  ASSERT_TRUE(last);
  EXPECT_EQ(last->Header("Connection"), "close");
  EXPECT_TRUE(c->WaitClosed(2000ms));
}

TEST_F(ServerTest, IdleKeepAliveConnectionsAreClosed) {
  ServerOptions o;
  o.idle_timeout = 300ms;
  Start(o);
  auto c = Client::Connect(port(), 50ms);
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->Send(RawRequest("GET", "/api/v1/orgs/a")));
  ASSERT_TRUE(c->Read());
  auto begin = std::chrono::steady_clock::now();
  EXPECT_TRUE(c->WaitClosed(3000ms));
  EXPECT_GE(std::chrono::steady_clock::now() - begin, 250ms);
}

TEST_F(ServerTest, ManyConcurrentConnections) {
  ServerOptions o;
  o.threads = 4;
  Start(o);
  constexpr int kClients = 64;
  constexpr int kRequestsEach = 5;
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&, i] {
      auto c = Client::Connect(port());
      if (!c) return;
      for (int k = 0; k < kRequestsEach; ++k) {
        std::string body = "client " + std::to_string(i) + " request " + std::to_string(k);
        if (!c->Send(RawRequest("POST", "/api/v1/echo", {}, body))) return;
        auto r = c->Read();
        if (r && r->status == 200 && r->body == body) ++ok;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok, kClients * kRequestsEach);
}

TEST_F(ServerTest, ConnectionCap) {
  ServerOptions o;
  o.max_connections = 3;
  Start(o);
  std::vector<std::unique_ptr<Client>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(Client::Connect(port(), 50ms));
    ASSERT_TRUE(held.back());
    ASSERT_TRUE(held.back()->Send(RawRequest("GET", "/api/v1/orgs/a")));
    ASSERT_TRUE(held.back()->Read());
  }
  EXPECT_EQ(server_->active_connections(), 3u);
  auto refused = Client::Connect(port(), 50ms);
  ASSERT_TRUE(refused);  // the kernel accepts; the server closes at once
  EXPECT_TRUE(refused->WaitClosed(2000ms));
  // Issue 12: the full server closed the connections that only waited (an attacker's 1,024
  // idle ones would lock nobody out for long), so the next client finds room at once.
  for (auto& c : held) EXPECT_TRUE(c->WaitClosed(2000ms));
  auto again = Fetch(port(), RawRequest("GET", "/api/v1/orgs/b"));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
}

TEST_F(ServerTest, OneSourceHoldsAtMostItsShareOfConnections) {
  ServerOptions o;
  o.max_connections = 100;
  o.max_connections_per_source = 2;
  Start(o);
  auto a = Client::Connect(port(), 50ms);
  auto b = Client::Connect(port(), 50ms);
  ASSERT_TRUE(a && b);
  for (int i = 0; i < 200 && server_->active_connections() < 2; ++i)
    std::this_thread::sleep_for(10ms);
  auto third = Client::Connect(port(), 50ms);
  ASSERT_TRUE(third);
  EXPECT_TRUE(third->WaitClosed(2000ms));  // this address already holds its two
  // The two it holds are not closed for it, and work.
  ASSERT_TRUE(a->Send(RawRequest("GET", "/api/v1/orgs/a")));
  auto r = a->Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  b.reset();
  for (int i = 0; i < 200 && server_->active_connections() > 1; ++i)
    std::this_thread::sleep_for(10ms);
  auto after = Fetch(port(), RawRequest("GET", "/api/v1/orgs/b"));  // a slot was given back
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200);
}

TEST_F(ServerTest, ANewConnectionThatSendsNothingIsClosedAfterTheRequestTimeout) {
  ServerOptions o;
  o.request_timeout = 300ms;
  o.idle_timeout = 10'000ms;  // the keep-alive wait, for connections that made a request
  Start(o);
  auto c = Client::Connect(port(), 50ms);
  ASSERT_TRUE(c);
  const auto begin = std::chrono::steady_clock::now();
  EXPECT_TRUE(c->WaitClosed(3000ms));
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 2000ms);
}

TEST_F(ServerTest, HandlerExceptionIsABare500) {
  Start();
  auto c = Client::Connect(port());
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->Send(RawRequest("GET", "/api/v1/boom")));
  auto r = c->Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(r->body, R"({"error":{"code":"internal","message":"internal error"}})");
  // The connection (and the server) carry on.
  ASSERT_TRUE(c->Send(RawRequest("GET", "/api/v1/orgs/a")));
  auto next = c->Read();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

TEST_F(ServerTest, AnonymousRoutesAreNotLoggedAndSeeNoIdentity) {
  RecordingSink sink;
  ServerOptions o;
  o.access_log = &sink;
  Start(o);
  const std::vector<std::string> identifying = {
      "User-Agent: TestBrowser/1.0", "Cookie: session=abc", "X-Forwarded-For: 203.0.113.7",
      "Referer: https://intranet.example/"};
  auto anon = Fetch(port(), RawRequest("POST", "/api/v1/letters/L42/signatures", identifying,
                                       R"({"sig":"..."})"));
  ASSERT_TRUE(anon);
  EXPECT_EQ(anon->status, 201);
  auto named = Fetch(port(), RawRequest("GET", "/api/v1/orgs/acme", identifying));
  ASSERT_TRUE(named);
  EXPECT_EQ(named->status, 200);
  EXPECT_EQ(Fetch(port(), RawRequest("GET", "/static/index.html"))->status, 200);
  EXPECT_EQ(Fetch(port(), RawRequest("GET", "/unrouted"))->status, 404);

  auto entries = sink.entries();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].method, "GET");
  EXPECT_EQ(entries[0].route, "/api/v1/orgs/{slug}");  // the pattern, not "acme"
  EXPECT_EQ(entries[0].status, 200);

  std::lock_guard lock(seen_.mu);
  ASSERT_TRUE(seen_.last_anonymous);
  const Request& a = *seen_.last_anonymous;
  EXPECT_FALSE(a.peer_address.has_value());
  EXPECT_FALSE(a.headers.Has("User-Agent"));
  EXPECT_FALSE(a.headers.Has("Cookie"));
  EXPECT_FALSE(a.headers.Has("X-Forwarded-For"));
  EXPECT_FALSE(a.headers.Has("Referer"));
  EXPECT_EQ(a.path_params.at("id"), "L42");
  EXPECT_EQ(a.body, R"({"sig":"..."})");

  ASSERT_TRUE(seen_.last_named);
  const Request& n = *seen_.last_named;
  EXPECT_EQ(n.peer_address, "127.0.0.1");
  EXPECT_EQ(n.headers.Get("User-Agent"), "TestBrowser/1.0");
  EXPECT_EQ(n.headers.Get("Cookie"), "session=abc");
  EXPECT_FALSE(n.is_tls);
}

TEST_F(ServerTest, AccessLogCanBeTurnedOff) {
  RecordingSink sink;
  ServerOptions o;
  o.access_log = &sink;
  o.log_named_routes = false;
  Start(o);
  EXPECT_EQ(Fetch(port(), RawRequest("GET", "/api/v1/orgs/acme"))->status, 200);
  EXPECT_TRUE(sink.entries().empty());
}

TEST_F(ServerTest, StaticFilesRefuseTraversal) {
  Start();
  auto index = Fetch(port(), RawRequest("GET", "/static/index.html"));
  ASSERT_TRUE(index);
  EXPECT_EQ(index->status, 200);
  EXPECT_EQ(index->body, "<h1>Candor</h1>");
  EXPECT_EQ(index->Header("Content-Type"), "text/html; charset=utf-8");
  for (const char* path : {"/static/../secret.txt", "/static/%2e%2e/secret.txt",
                           "/static/.%2e/secret.txt", "/static/..%5csecret.txt"}) {
    auto r = Fetch(port(), RawRequest("GET", path));
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 404) << path;
    EXPECT_EQ(r->body.find("outside"), std::string::npos) << path;
  }
  auto slash = Fetch(port(), RawRequest("GET", "/static/..%2Fsecret.txt"));
  ASSERT_TRUE(slash);
  EXPECT_EQ(slash->status, 400);
}

TEST_F(ServerTest, SecureCookieOnlyBehindTrustedProxy) {
  Start();  // trust_proxy = false
  auto plain = Fetch(port(), RawRequest("POST", "/login", {"X-Forwarded-Proto: https"}));
  ASSERT_TRUE(plain);
  auto cookie = plain->Header("Set-Cookie");
  ASSERT_TRUE(cookie);
  EXPECT_EQ(*cookie, "session=abc123; Path=/; Max-Age=3600; HttpOnly; SameSite=Strict");
  server_->Stop();

  ServerOptions o;
  o.trust_proxy = true;
  Start(o);
  auto proxied = Fetch(port(), RawRequest("POST", "/login", {"X-Forwarded-Proto: https"}));
  ASSERT_TRUE(proxied);
  EXPECT_EQ(proxied->Header("Set-Cookie"),
            "session=abc123; Path=/; Max-Age=3600; HttpOnly; SameSite=Strict; Secure");
  auto direct = Fetch(port(), RawRequest("POST", "/login"));
  ASSERT_TRUE(direct);
  EXPECT_EQ(direct->Header("Set-Cookie")->find("Secure"), std::string::npos);
}

TEST_F(ServerTest, ExpectContinue) {
  Start();
  auto c = Client::Connect(port());
  ASSERT_TRUE(c);
  ASSERT_TRUE(
      c->Send("POST /api/v1/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
              "Expect: 100-continue\r\n\r\n"));
  auto interim = c->Read();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(c->Send("hello"));
  auto r = c->Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hello");
}

TEST_F(ServerTest, GracefulStopFinishesRequestsInProgress) {
  Start();
  auto idle = Client::Connect(port(), 50ms);
  ASSERT_TRUE(idle);
  ASSERT_TRUE(idle->Send(RawRequest("GET", "/api/v1/orgs/a")));
  ASSERT_TRUE(idle->Read());

  auto busy = Client::Connect(port());
  ASSERT_TRUE(busy);
  ASSERT_TRUE(busy->Send(RawRequest("GET", "/api/v1/slow")));
  std::this_thread::sleep_for(100ms);  // the handler is now sleeping
  std::uint16_t p = port();
  server_->Stop();
  auto r = busy->Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "slow");
  EXPECT_EQ(r->Header("Connection"), "close");
  EXPECT_TRUE(idle->WaitClosed(1000ms));
  EXPECT_EQ(server_->active_connections(), 0u);
  EXPECT_FALSE(Fetch(p, RawRequest("GET", "/api/v1/orgs/a")));
  server_->Stop();  // idempotent
}

// Security review H5/M5/M6: CPU-heavy handlers run on a bounded worker pool. With one I/O
// thread and one worker, a request that keeps the worker busy neither stops the I/O thread
// from serving other routes nor lets requests pile up: the next heavy one is answered 503
// with Retry-After at once.
TEST_F(ServerTest, OffloadedHandlersRunOnABoundedPoolAndNeverBlockTheIoThreads) {
  ServerOptions options;
  options.threads = 1;
  options.worker_threads = 1;
  options.worker_capacity = 1;
  Start(options);
  auto first = Client::Connect(port());
  ASSERT_TRUE(first);
  ASSERT_TRUE(
      first->Send(RawRequest("POST", "/api/v1/heavy", {"Content-Type: application/json"}, "{}")));
  for (int i = 0; i < 200 && seen_.heavy_started == 0; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_EQ(seen_.heavy_started, 1);

  auto busy =
      Fetch(port(), RawRequest("POST", "/api/v1/heavy", {"Content-Type: application/json"}, "{}"));
  ASSERT_TRUE(busy);
  EXPECT_EQ(busy->status, 503);
  EXPECT_EQ(busy->Header("Retry-After"), "5");
  EXPECT_EQ(seen_.heavy_started, 1);                                   // never ran
  auto light = Fetch(port(), RawRequest("GET", "/api/v1/orgs/acme"));  // the one I/O thread is free
  ASSERT_TRUE(light);
  EXPECT_EQ(light->status, 200);
  // A ready answer of an offloaded route does not need the (full) pool.
  auto ready = Fetch(port(), RawRequest("POST", "/api/v1/heavy?cached=1",
                                        {"Content-Type: application/json"}, "{}"));
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200);
  EXPECT_EQ(ready->body, "ready");
  EXPECT_EQ(seen_.heavy_started, 1);

  {
    std::lock_guard lock(seen_.gate_mu);
    seen_.release = true;
  }
  seen_.gate_cv.notify_all();
  auto done = first->Read();
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, 200);
  EXPECT_EQ(done->body, "checked");
  // And the pool takes work again.
  auto again =
      Fetch(port(), RawRequest("POST", "/api/v1/heavy", {"Content-Type: application/json"}, "{}"));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
}

// The write deadline is per piece written, not for the whole answer: a reader that keeps
// reading gets a large answer however long it takes; one that stops is cut.
TEST_F(ServerTest, ALargeAnswerReachesASteadyReaderAndAStalledOneIsCut) {
  ServerOptions options;
  options.request_timeout = 400ms;
  Start(options);
  const auto receive_all = [](int fd, std::chrono::milliseconds pause_between) {
    std::size_t total = 0;
    char chunk[65536];
    for (;;) {
      const long n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) break;
      total += static_cast<std::size_t>(n);
      if (total > kBigBody) break;  // the whole body (and its header) is here
      std::this_thread::sleep_for(pause_between);
    }
    return total;
  };
  {
    auto steady = Client::Connect(port());
    ASSERT_TRUE(steady);
    ASSERT_TRUE(steady->Send(RawRequest("GET", "/api/v1/big")));
    const auto start = std::chrono::steady_clock::now();
    const std::size_t got = receive_all(steady->fd(), 2ms);
    EXPECT_GT(got, kBigBody);
    EXPECT_GT(std::chrono::steady_clock::now() - start, options.request_timeout);  // took longer
  }
  {
    auto stalled = Client::Connect(port());
    ASSERT_TRUE(stalled);
    ASSERT_TRUE(stalled->Send(RawRequest("GET", "/api/v1/big")));
    std::this_thread::sleep_for(1500ms);  // reads nothing; the server's writes stop making progress
    EXPECT_LT(receive_all(stalled->fd(), 0ms), kBigBody);  // only what the kernels had buffered
  }
}

TEST_F(ServerTest, StartErrors) {
  {
    ServerOptions o;
    o.host = "not-an-ip";
    Server s(Router(), o);
    Status st = s.Start();
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code(), ErrorCode::kInvalidArgument);
  }
  Start();
  {
    ServerOptions o;
    o.port = port();
    Server s(Router(), o);
    Status st = s.Start();
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code(), ErrorCode::kIo);
  }
  {
    Status again = server_->Start();
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code(), ErrorCode::kFailedPrecondition);
  }
  {
    ServerOptions o;
    o.tls = TlsFiles{(dir_ / "missing.pem").string(), (dir_ / "missing.key").string()};
    Server s(Router(), o);
    Status st = s.Start();
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code(), ErrorCode::kIo);
  }
  {
    ServerOptions o;
    o.threads = 0;
    Server s(Router(), o);
    EXPECT_FALSE(s.Start().ok());
  }
}

}  // namespace
}  // namespace candor::http
