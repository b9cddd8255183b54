// The command line's HTTP client against servers that misbehave at the transport: one that
// accepts and never answers, one that answers too slowly, one that is not there (issue 12:
// `candor` hung forever on a silent server; every call now has connect, I/O and total deadlines).
#include "cli/http_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <thread>
#include <vector>

namespace candor::cli {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// A TCP server on 127.0.0.1 that accepts connections and then does `behave` with each, on a
// thread of its own, until destroyed.
class MisbehavingServer {
 public:
  enum class Mode { kSilent, kTrickle };
  explicit MisbehavingServer(Mode mode)
      : acceptor_(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this, mode] {
      while (!stop_) {
        boost::system::error_code ec;
        tcp::socket socket(ioc_);
        acceptor_.accept(socket, ec);
        if (ec || stop_) break;
        if (mode == Mode::kTrickle) {
          // A status line, then one header byte every 200 ms: always making some progress.
          asio::write(socket, asio::buffer(std::string("HTTP/1.1 200 OK\r\n")), ec);
          for (int i = 0; i < 100 && !stop_ && !ec; ++i) {
            asio::write(socket, asio::buffer(std::string("X")), ec);
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
          }
        }
        held_.push_back(std::move(socket));  // kept open, never answered
      }
    });
  }
  ~MisbehavingServer() {
    stop_ = true;
    boost::system::error_code ec;
    // Wake the accept with one last connection, then close everything.
    tcp::socket poke(ioc_);
    poke.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ec);
    thread_.join();
  }
  ServerUrl Url() const { return *ServerUrl::Parse("http://127.0.0.1:" + std::to_string(port_)); }

 private:
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  unsigned short port_ = 0;
  std::atomic<bool> stop_{false};
  std::vector<tcp::socket> held_;
  std::thread thread_;
};

class HttpDeadlineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    saved_ = GetHttpDeadlines();
    SetHttpDeadlines(HttpDeadlines{std::chrono::milliseconds(1000), std::chrono::milliseconds(800),
                                   std::chrono::milliseconds(2000)});
  }
  void TearDown() override { SetHttpDeadlines(saved_); }

  // Runs the request and returns its error message, checking it took less than `within`.
  static std::string Fails(const ServerUrl& url, std::chrono::milliseconds within) {
    const auto start = std::chrono::steady_clock::now();
    auto reply = HttpRequest(url, "GET", "/api/v1/health");
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_FALSE(reply.ok()) << "a reply came";
    EXPECT_LT(took, within);
    if (reply.ok()) return "";
    EXPECT_EQ(reply.error().code(), ErrorCode::kUnavailable);
    return reply.error().message();
  }

  HttpDeadlines saved_;
};

TEST_F(HttpDeadlineTest, ASilentServerIsGivenUpOnAfterTheIoDeadline) {
  MisbehavingServer server(MisbehavingServer::Mode::kSilent);
  const std::string message = Fails(server.Url(), std::chrono::milliseconds(1900));
  EXPECT_NE(message.find("did not answer in time (reading its answer)"), std::string::npos)
      << message;
}

TEST_F(HttpDeadlineTest, AServerThatTricklesIsGivenUpOnAfterTheTotalDeadline) {
  // A byte every 200 ms, with an I/O deadline longer than the total one: the total stops it.
  SetHttpDeadlines(HttpDeadlines{std::chrono::milliseconds(1000), std::chrono::milliseconds(10'000),
                                 std::chrono::milliseconds(2000)});
  MisbehavingServer server(MisbehavingServer::Mode::kTrickle);
  const std::string message = Fails(server.Url(), std::chrono::milliseconds(3500));
  EXPECT_NE(message.find("did not answer within 2 seconds"), std::string::npos) << message;
}

TEST_F(HttpDeadlineTest, NobodyListeningIsAPlainError) {
  // A port that was free a moment ago: connection refused, at once.
  asio::io_context ioc;
  tcp::acceptor probe(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const auto port = probe.local_endpoint().port();
  probe.close();
  const std::string message = Fails(*ServerUrl::Parse("http://127.0.0.1:" + std::to_string(port)),
                                    std::chrono::milliseconds(1500));
  EXPECT_NE(message.find("cannot reach http://127.0.0.1:"), std::string::npos) << message;
  EXPECT_NE(message.find("(connecting)"), std::string::npos) << message;
}

TEST(ServerUrl, APortIsANumberFrom1To65535) {
  EXPECT_EQ(ServerUrl::Parse("http://example.org:8080")->port, "8080");
  EXPECT_EQ(ServerUrl::Parse("https://example.org")->port, "443");
  for (const char* bad :
       {"http://example.org:abc", "http://example.org:70000", "http://example.org:0",
        "http://example.org:+80", "http://example.org:0080000",
        "http://example.org:99999999999999999999", "http://example.org:8 0"}) {
    EXPECT_FALSE(ServerUrl::Parse(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace candor::cli
