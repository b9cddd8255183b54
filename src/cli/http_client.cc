#include "cli/http_client.h"

#include <algorithm>
#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/version.hpp>
#include <cctype>
#include <charconv>
#include <functional>

#include "cli/io.h"
#include "crypto/bytes.h"
#include "crypto/rng.h"
#include "server/http/json.h"

namespace candor::cli {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

HttpDeadlines g_deadlines;  // NOLINT(cert-err58-cpp): three durations, built without throwing
std::optional<SocksProxy> g_proxy;  // NOLINT(cert-err58-cpp): empty until SetHttpProxy

// A TCP port as URLs write it: 1 to 65535 in plain digits (no sign, space or leading zeros
// beyond five characters), the one rule for server and proxy addresses alike.
bool IsPort(std::string_view text) {
  unsigned port = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, port);
  return !text.empty() && text.size() <= 5 && ec == std::errc() && ptr == end && port >= 1 &&
         port <= 65535;
}

// The proxy's answer codes (RFC 1928, section 6).
const char* SocksReplyText(std::uint8_t rep) {
  switch (rep) {
    case 1:
      return "general failure";
    case 2:
      return "connection not allowed by its rules";
    case 3:
      return "network unreachable";
    case 4:
      return "host unreachable (no such name, or an onion service that is not up)";
    case 5:
      return "connection refused";
    case 6:
      return "time to live expired";
    case 7:
      return "command not supported";
    case 8:
      return "address type not supported";
    default:
      return "an unknown refusal";
  }
}

// The per-process SOCKS user name and password (RFC 1929): random, so that Tor isolates this
// command's streams on a circuit of their own.
const std::string& SocksCredential() {
  static const std::string kCredential = [] {
    std::array<std::uint8_t, 12> b{};
    crypto::DefaultRng().Fill(b);
    return crypto::ToHex(b);
  }();
  return kCredential;
}

// The SOCKS5 handshake on a connected stream, as a chain of asynchronous steps, then
// `done(ec)` (RFC 1928: CONNECT to the server's name, which the proxy resolves; RFC 1929 when
// the proxy asks for a user name). `error` says why the proxy refused, when it did.
template <typename Lowest>
class SocksHandshake {
 public:
  SocksHandshake(Lowest& lowest, const ServerUrl& server,
                 std::function<void(beast::error_code)> done)
      : lowest_(lowest), server_(server), done_(std::move(done)) {}

  void Start() {
    if (server_.host.size() > 255) return Fail("the server's name is too long for SOCKS");
    out_ = {0x05, 0x02, 0x00, 0x02};  // version 5; methods: none, user name and password
    Write(&SocksHandshake::ReadMethod);
  }

  std::string error;

 private:
  using Step = void (SocksHandshake::*)();

  void ReadMethod() { Read(2, &SocksHandshake::OnMethod); }
  void OnMethod() {
    if (in_[0] != 0x05 || (in_[1] != 0x00 && in_[1] != 0x02)) {
      return Fail("the proxy accepts none of the ways Candor can sign in to it");
    }
    if (in_[1] == 0x00) return Request();
    const std::string& cred = SocksCredential();
    out_ = {0x01, static_cast<std::uint8_t>(cred.size())};
    out_.insert(out_.end(), cred.begin(), cred.end());
    out_.push_back(static_cast<std::uint8_t>(cred.size()));
    out_.insert(out_.end(), cred.begin(), cred.end());
    Write(&SocksHandshake::ReadAuthenticated);
  }
  void ReadAuthenticated() { Read(2, &SocksHandshake::OnAuthenticated); }
  void OnAuthenticated() {
    if (in_[1] != 0x00) return Fail("the proxy refused Candor's user name");
    Request();
  }
  void Request() {
    const auto port = static_cast<unsigned>(std::stoul(server_.port));
    out_ = {0x05, 0x01, 0x00, 0x03, static_cast<std::uint8_t>(server_.host.size())};
    out_.insert(out_.end(), server_.host.begin(), server_.host.end());
    out_.push_back(static_cast<std::uint8_t>(port >> 8));
    out_.push_back(static_cast<std::uint8_t>(port & 0xff));
    Write(&SocksHandshake::ReadReply);
  }
  // Version, reply, reserved, address type, and the address's first byte.
  void ReadReply() { Read(5, &SocksHandshake::OnReply); }
  void OnReply() {
    if (in_[0] != 0x05) return Fail("the proxy does not speak SOCKS5");
    if (in_[1] != 0x00) {
      return Fail(std::string("the proxy could not reach the server: ") + SocksReplyText(in_[1]));
    }
    // The rest of the bound address, which Candor does not need, and its port.
    std::size_t rest = 0;
    switch (in_[3]) {
      case 0x01:
        rest = 4 - 1 + 2;
        break;
      case 0x04:
        rest = 16 - 1 + 2;
        break;
      case 0x03:
        rest = std::size_t{in_[4]} + 2;
        break;
      default:
        return Fail("the proxy sent an unknown address type");
    }
    Read(rest, &SocksHandshake::Done);
  }
  void Done() { done_(beast::error_code()); }

  void Write(Step next) {
    asio::async_write(lowest_, asio::buffer(out_), [this, next](beast::error_code ec, std::size_t) {
      if (ec) return done_(ec);
      (this->*next)();
    });
  }
  void Read(std::size_t n, Step next) {
    in_.assign(n, 0);
    asio::async_read(lowest_, asio::buffer(in_), [this, next](beast::error_code ec, std::size_t) {
      if (ec) return done_(ec);
      (this->*next)();
    });
  }
  void Fail(std::string why) {
    error = std::move(why);
    done_(beast::error_code(asio::error::connection_refused));
  }

  Lowest& lowest_;
  const ServerUrl& server_;
  std::function<void(beast::error_code)> done_;
  std::vector<std::uint8_t> out_, in_;
};

bhttp::request<bhttp::string_body> MakeRequest(const ServerUrl& server, const std::string& method,
                                               const std::string& target, const std::string& body,
                                               const HeaderList& headers) {
  bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), target, 11};
  req.set(bhttp::field::host, server.host);
  req.set(bhttp::field::user_agent, "candor-cli");
  req.set(bhttp::field::accept, "application/json");
  for (const auto& [name, value] : headers) req.set(name, value);
  if (!body.empty() || method == "POST" || method == "PUT") {
    req.set(bhttp::field::content_type, "application/json");
    req.body() = body;
  }
  req.prepare_payload();
  return req;
}

// One exchange, asynchronously, so that every step has a deadline (beast's timers apply to
// asynchronous operations only): resolve and connect within `connect`, each write and read
// within `io`, all of it within `total` (the io_context runs no longer). `Stream` is a
// beast::tcp_stream or an ssl_stream over one; `handshake` runs the TLS handshake (or nothing)
// and calls its continuation.
template <typename Stream, typename Handshake>
Result<HttpReply> Exchange(asio::io_context& ioc, Stream& stream, Handshake handshake,
                           const ServerUrl& server, bhttp::request<bhttp::string_body>& req,
                           std::size_t max_reply_bytes) {
  const HttpDeadlines d = g_deadlines;
  auto& lowest = beast::get_lowest_layer(stream);
  tcp::resolver resolver(ioc);
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(max_reply_bytes);
  beast::error_code failure;
  std::string failed_step;
  bool done = false;
  const auto fail = [&](beast::error_code ec, const char* step) {
    failure = ec;
    failed_step = step;
  };
  const auto read = [&] {
    lowest.expires_after(d.io);
    bhttp::async_read(stream, buffer, parser, [&](beast::error_code ec, std::size_t) {
      if (ec) return fail(ec, "reading its answer");
      done = true;
    });
  };
  const auto write = [&](beast::error_code ec) {
    if (ec) return fail(ec, "the TLS handshake");
    lowest.expires_after(d.io);
    bhttp::async_write(stream, req, [&](beast::error_code wec, std::size_t) {
      if (wec) return fail(wec, "sending the request");
      read();
    });
  };
  // Through a proxy, only the proxy's own address is looked up here; the server's name goes to
  // the proxy inside the SOCKS request.
  const std::optional<SocksProxy> proxy = g_proxy;
  SocksHandshake<std::remove_reference_t<decltype(lowest)>> socks(
      lowest, server, [&](beast::error_code sec) {
        if (sec) return fail(sec, "through the proxy");
        lowest.expires_after(d.io);
        handshake(write);
      });
  const std::string& host = proxy ? proxy->host : server.host;
  const std::string& port = proxy ? proxy->port : server.port;
  resolver.async_resolve(
      host, port, [&](beast::error_code ec, tcp::resolver::results_type results) {
        if (ec)
          return fail(ec, proxy ? "looking up the proxy's address" : "looking up its address");
        lowest.expires_after(d.connect);
        lowest.async_connect(results, [&](beast::error_code cec, const tcp::endpoint&) {
          if (cec) return fail(cec, proxy ? "connecting to the proxy" : "connecting");
          lowest.expires_after(d.io);
          if (!proxy) return handshake(write);
          socks.Start();
        });
      });
  ioc.run_for(d.total);
  if (!done && !socks.error.empty()) {
    return Error(ErrorCode::kUnavailable, "cannot reach " + server.ToString() + " through the " +
                                              "proxy " + proxy->host + ":" + proxy->port + ": " +
                                              socks.error);
  }
  if (!done) {
    const bool timed_out = !failure || failure == beast::error::timeout;
    std::string why = timed_out ? "it did not answer in time (" + failed_step + ")"
                                : failure.message() + " (" + failed_step + ")";
    if (!failure)
      why = "it did not answer within " + std::to_string(d.total.count() / 1000) + " seconds";
    return Error(ErrorCode::kUnavailable, "cannot reach " + server.ToString() + ": " + why);
  }
  HttpReply reply{static_cast<int>(parser.get().result_int()), parser.get().body(), {}};
  for (const auto& field : parser.get()) {
    reply.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  return reply;
}

}  // namespace

void SetHttpDeadlines(const HttpDeadlines& deadlines) { g_deadlines = deadlines; }
void SetHttpProxy(std::optional<SocksProxy> proxy) { g_proxy = std::move(proxy); }

Result<SocksProxy> ParseProxyUrl(const std::string& url) {
  constexpr std::string_view kScheme = "socks5h://";
  if (url.starts_with("socks5://")) {
    return InvalidArgument(
        "use socks5h://, not socks5://: with socks5h the proxy looks the server's name up, so "
        "this machine's network never sees which server it is (and .onion names work)");
  }
  if (!url.starts_with(kScheme)) return InvalidArgument("--proxy is socks5h://HOST:PORT");
  std::string rest = url.substr(kScheme.size());
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  SocksProxy p;
  std::size_t colon = 0;
  if (rest.starts_with("[")) {
    const auto close = rest.find(']');
    if (close == std::string::npos || close + 1 >= rest.size() || rest[close + 1] != ':') {
      return InvalidArgument("--proxy is socks5h://[IPV6]:PORT");
    }
    p.host = rest.substr(1, close - 1);
    colon = close + 1;
  } else {
    colon = rest.rfind(':');
    if (colon == std::string::npos) return InvalidArgument("--proxy needs a port (Tor: 9050)");
    p.host = rest.substr(0, colon);
  }
  p.port = rest.substr(colon + 1);
  const bool host_ok = !p.host.empty() && std::all_of(p.host.begin(), p.host.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-' || c == ':';
  });
  if (!host_ok || !IsPort(p.port))
    return InvalidArgument("--proxy is socks5h://HOST:PORT, e.g. socks5h://127.0.0.1:9050");
  return p;
}
HttpDeadlines GetHttpDeadlines() { return g_deadlines; }

namespace {

ErrorCode CodeForStatus(int status) {
  switch (status) {
    case 400:
      return ErrorCode::kInvalidArgument;
    case 401:
      return ErrorCode::kUnauthenticated;
    case 403:
      return ErrorCode::kPermissionDenied;
    case 404:
      return ErrorCode::kNotFound;
    case 409:
      return ErrorCode::kAlreadyExists;
    case 422:
      return ErrorCode::kVerificationFailed;
    case 429:
      return ErrorCode::kResourceExhausted;
    default:
      return status >= 500 ? ErrorCode::kUnavailable : ErrorCode::kInvalidArgument;
  }
}

Result<nlohmann::json> ToJson(const Result<HttpReply>& reply) {
  if (!reply.ok()) return reply.error();
  nlohmann::json j =
      nlohmann::json::parse(reply->body, nullptr, false);  // for an error's message only
  if (reply->status < 200 || reply->status > 299) {
    std::string message = "the server answered " + std::to_string(reply->status);
    if (!j.is_discarded() && j.contains("error") && j["error"].is_object() &&
        j["error"].contains("message") && j["error"]["message"].is_string()) {
      // Quoted, on one line, and not too long: it is the server's text, not ours.
      std::string said = TerminalSafe(j["error"]["message"].get<std::string>().substr(0, 500));
      if (!said.empty()) message = std::move(said);
    }
    return Error(CodeForStatus(reply->status), "the server says: " + message);
  }
  if (reply->status == 204) return nlohmann::json::object();
  // Strictly: a repeated key (which two parsers may read differently) is refused, like any
  // reply that is not one JSON object.
  auto strict = http::ParseJsonObject(reply->body, http::JsonLimits{});
  if (!strict.ok()) {
    return Error(ErrorCode::kCorrupt,
                 "the server's reply is not a JSON object: " + strict.error().message());
  }
  return std::move(*strict);
}

}  // namespace

std::string HttpReply::Header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (n.size() == name.size() && std::equal(n.begin(), n.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return v;
    }
  }
  return "";
}

Result<ServerUrl> ServerUrl::Parse(const std::string& url) {
  ServerUrl out;
  std::string rest;
  if (url.rfind("https://", 0) == 0) {
    out.tls = true;
    rest = url.substr(8);
  } else if (url.rfind("http://", 0) == 0) {
    rest = url.substr(7);
  } else {
    return InvalidArgument("the server URL must start with http:// or https://");
  }
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  if (rest.empty() || rest.find('/') != std::string::npos) {
    return InvalidArgument("give the server as scheme://host[:port] with no path");
  }
  auto colon = rest.rfind(':');
  if (colon != std::string::npos && rest.find(']') == std::string::npos) {
    out.host = rest.substr(0, colon);
    out.port = rest.substr(colon + 1);
  } else {
    out.host = rest;
    out.port = out.tls ? "443" : "80";
  }
  if (out.host.empty() || out.port.empty())
    return InvalidArgument("the server URL has no host or port");
  // Nothing but a port may reach a resolver or a SOCKS request.
  if (!IsPort(out.port)) {
    return InvalidArgument("the server URL's port must be a number from 1 to 65535");
  }
  return out;
}

std::string ServerUrl::ToString() const {
  return std::string(tls ? "https://" : "http://") + host + ":" + port;
}

Result<HttpReply> HttpRequest(const ServerUrl& server, const std::string& method,
                              const std::string& target, const std::string& body,
                              const std::string& ca_file, const HeaderList& headers,
                              std::size_t max_reply_bytes) {
  try {
    asio::io_context ioc;
    auto req = MakeRequest(server, method, target, body, headers);
    if (!server.tls) {
      beast::tcp_stream stream(ioc);
      auto reply = Exchange(
          ioc, stream, [](auto next) { next(beast::error_code()); }, server, req, max_reply_bytes);
      beast::error_code ec;
      stream.socket().shutdown(tcp::socket::shutdown_both, ec);
      return reply;
    }
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    ctx.set_options(asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
    if (ca_file.empty()) {
      ctx.set_default_verify_paths();
    } else {
      ctx.load_verify_file(ca_file);
    }
    ctx.set_verify_mode(asio::ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
    // SSL_set_tlsext_host_name, without the macro's C-style cast.
    if (SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 const_cast<char*>(server.host.c_str())) != 1) {
      return Error(ErrorCode::kUnavailable, "cannot set the TLS server name");
    }
    stream.set_verify_callback(asio::ssl::host_name_verification(server.host));
    auto reply = Exchange(
        ioc, stream,
        [&stream](auto next) {
          stream.async_handshake(asio::ssl::stream_base::client, std::move(next));
        },
        server, req, max_reply_bytes);
    if (reply.ok()) {
      // Closing politely, but not waiting on a peer that never answers the close.
      beast::get_lowest_layer(stream).socket().close();
    }
    return reply;
  } catch (const std::exception& e) {
    // Asio reports some failures by exception; the command line reports them as values.
    return Error(ErrorCode::kUnavailable,
                 "cannot reach " + server.ToString() + ": " + std::string(e.what()));
  }
}

Result<nlohmann::json> GetJson(const ServerUrl& server, const std::string& target,
                               const std::string& ca_file, std::size_t max_reply_bytes) {
  return ToJson(HttpRequest(server, "GET", target, "", ca_file, {}, max_reply_bytes));
}

Result<nlohmann::json> PostJson(const ServerUrl& server, const std::string& target,
                                const nlohmann::json& body, const std::string& ca_file) {
  return ToJson(HttpRequest(server, "POST", target, body.dump(), ca_file));
}

}  // namespace candor::cli
