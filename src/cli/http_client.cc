#include "cli/http_client.h"

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/version.hpp>
#include <cctype>

#include "cli/io.h"
#include "server/http/json.h"

namespace candor::cli {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

HttpDeadlines g_deadlines;  // NOLINT(cert-err58-cpp): three durations, built without throwing

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
  resolver.async_resolve(
      server.host, server.port, [&](beast::error_code ec, tcp::resolver::results_type results) {
        if (ec) return fail(ec, "looking up its address");
        lowest.expires_after(d.connect);
        lowest.async_connect(results, [&](beast::error_code cec, const tcp::endpoint&) {
          if (cec) return fail(cec, "connecting");
          lowest.expires_after(d.io);
          handshake(write);
        });
      });
  ioc.run_for(d.total);
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
