// Reaching the server unseen (issue 16, item 4): every command of the command line through a
// real SOCKS5 proxy (Debian's microsocks, started by the test) with --proxy socks5h://…, the
// server's name resolved by the proxy and never here; a proxy that is down or cannot reach the
// server is a plain error; socks5:// (local name lookups) is refused.
#include <sys/stat.h>

#include <fstream>

#include "processes.h"
#include "server_fixture.h"

namespace candor::it {
namespace {

std::string ReadAll(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

class ProxyTest : public ServerTest {};

TEST_P(ProxyTest, EveryCommandGoesThroughASocksProxyThatResolvesTheName) {
  MakeOrg("state");
  const int socks_port = FreePort();
  const fs::path log = dir_ / "socks.log";
  Child socks({"microsocks", "-i", "127.0.0.1", "-p", std::to_string(socks_port)}, log.string());
  ASSERT_TRUE(socks.running());
  ASSERT_TRUE(WaitFor([&] { return Listening(socks_port); })) << "microsocks did not start";
  // "localhost": a name only the proxy looks up (socks5h), as it would an .onion name.
  const std::string server = "http://localhost:" + url_server_.port;
  const std::string proxy = "socks5h://127.0.0.1:" + std::to_string(socks_port);
  auto run = [&](const std::string& args, const std::string& env = "") {
    return RunShell(env + " " + std::string(CANDOR_BINARY) + " " + args);
  };

  // As an option after the command, before it, or from the environment.
  auto audit = run("audit --server " + server + " --proxy " + proxy);
  ASSERT_EQ(audit.first, 0) << audit.second;
  EXPECT_NE(audit.second.find("Audit passed"), std::string::npos);
  auto roster = run("--proxy " + proxy + " letter list --server " + server);
  EXPECT_EQ(roster.first, 0) << roster.second;
  auto list = run("audit --full --server " + server, "CANDOR_PROXY=" + proxy);
  EXPECT_EQ(list.first, 0) << list.second;
  auto inbox = run("cable inbox --server " + server + " --org state --user reviewer",
                   "CANDOR_PROXY=" + proxy + " CANDOR_PASSWORD='" + kPassword + "'");
  EXPECT_EQ(inbox.first, 0) << inbox.second;
  ASSERT_TRUE(WaitFor([&] {
    return ReadAll(log).find("connected to localhost:" + url_server_.port) != std::string::npos;
  }));
  const std::string seen = ReadAll(log);
  std::size_t tunnels = 0;
  for (std::size_t at = seen.find("connected to localhost"); at != std::string::npos;
       at = seen.find("connected to localhost", at + 1)) {
    ++tunnels;
  }
  EXPECT_GE(tunnels, 4u) << seen;  // at least one connection per command, each by name

  // A proxy that is down, one that cannot reach the server, and socks5:// are plain errors.
  auto down = run("audit --server " + server + " --proxy socks5h://127.0.0.1:1");
  EXPECT_NE(down.first, 0);
  EXPECT_NE(down.second.find("connecting to the proxy"), std::string::npos) << down.second;
  auto unreachable = run("audit --server http://no-such-host.invalid:9 --proxy " + proxy);
  EXPECT_NE(unreachable.first, 0);
  EXPECT_NE(unreachable.second.find("the proxy could not reach the server"), std::string::npos)
      << unreachable.second;
  auto local =
      run("audit --server " + server + " --proxy socks5://127.0.0.1:" + std::to_string(socks_port));
  EXPECT_NE(local.first, 0);
  EXPECT_NE(local.second.find("use socks5h://"), std::string::npos) << local.second;
  for (const char* bad : {"socks5h://127.0.0.1", "socks5h://:9050", "http://127.0.0.1:9050",
                          "socks5h://127.0.0.1:99999", "socks5h://a b:9050"}) {
    auto r = run(std::string("audit --server ") + server + " --proxy '" + bad + "'");
    EXPECT_NE(r.first, 0) << bad;
    EXPECT_NE(r.second.find("--proxy"), std::string::npos) << bad << ": " << r.second;
  }
}

// `candor serve --onion` with Debian's tor, which cannot reach the Tor network here: what can be
// checked offline is that Tor makes the service's key and address, that the address is the one
// its key gives (checked here), that the server prints and serves it, that Tor forwards to the
// server's port, that the address survives a restart, and that Tor stops with the server.
// Whether the service is reachable through the Tor network cannot be tested without it.
TEST_P(ProxyTest, TheServerPublishesAnOnionServiceWithDebiansTor) {
  const int port = FreePort();
  const fs::path data = dir_ / "onion-data";
  const fs::path log = dir_ / "serve.log";
  auto serve = [&] {
    return std::make_unique<Child>(
        std::vector<std::string>{CANDOR_BINARY, "serve", "--onion", "--data-dir", data.string(),
                                 "--port", std::to_string(port), "--no-access-log"},
        log.string());
  };
  auto first = serve();
  ASSERT_TRUE(WaitFor([&] {
    return ReadAll(log).find("Onion service: http://") != std::string::npos;
  })) << ReadAll(log);
  const std::string printed = ReadAll(log);
  const auto at = printed.find("Onion service: http://") + 22;
  const std::string onion = printed.substr(at, printed.find('/', at) - at);
  ASSERT_EQ(onion.size(), 62u) << printed;
  ASSERT_TRUE(WaitFor([&] { return Listening(port); }));
  cli::ServerUrl url = *cli::ServerUrl::Parse("http://127.0.0.1:" + std::to_string(port));
  auto reach = cli::HttpRequest(url, "GET", "/api/v1/reach");
  ASSERT_TRUE(reach.ok());
  EXPECT_EQ(Json::parse(reach->body)["onion"], "http://" + onion + "/");
  // The address is the one Tor's key for the service gives (rend-spec-v3: base32(key ||
  // SHA3-256(".onion checksum" || key || 3)[:2] || 3)).
  auto derived = RunShell(
      "python3 -c \"import base64,hashlib,sys; k=open(sys.argv[1],'rb').read()[32:]; "
      "c=hashlib.sha3_256(b'.onion checksum'+k+b'\\x03').digest()[:2]; "
      "print(base64.b32encode(k+c+b'\\x03').decode().lower()+'.onion')\" " +
      (data / "tor/onion/hs_ed25519_public_key").string());
  EXPECT_EQ(derived.second, onion + "\n");
  const std::string torrc = ReadAll(data / "tor/torrc");
  EXPECT_NE(torrc.find("HiddenServicePort 80 127.0.0.1:" + std::to_string(port)), std::string::npos)
      << torrc;
  EXPECT_NE(torrc.find("SocksPort 0"), std::string::npos);
  struct stat st {};
  ASSERT_EQ(::stat((data / "tor/onion").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  auto tors = [&] {
    return RunShell("pgrep -f '^tor -f " + (data / "tor/torrc").string() + "'").second;
  };
  EXPECT_FALSE(tors().empty()) << "no tor running for the server";
  first->Stop();  // SIGTERM: the server stops, and its Tor with it
  EXPECT_TRUE(WaitFor([&] { return tors().empty(); })) << tors();
  // Restarted, the same address.
  auto second = serve();
  ASSERT_TRUE(WaitFor([&] {
    return ReadAll(log).find("Onion service: http://" + onion) != std::string::npos;
  })) << ReadAll(log);
  second->Stop();
}

INSTANTIATE_TEST_SUITE_P(Engines, ProxyTest, ::testing::Values("sqlite"),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace candor::it
